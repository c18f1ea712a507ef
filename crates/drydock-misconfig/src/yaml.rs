//! YAML documents into positioned trees, on saphyr-parser's event stream.
//!
//! saphyr-parser is a pull parser: it yields one event at a time with a
//! span, keeps no tree of its own and needs no recursion from us, so depth,
//! node count and alias expansion are bounded here, event by event.
//!
//! Scalars resolve the way the consumers of these files resolve them:
//! Kubernetes decodes YAML through go-yaml v2 (YAML 1.1), where `yes`, `on`
//! and `y` are booleans, so `privileged: yes` is privileged. Quoted scalars
//! are always strings. Merge keys (`<<: *defaults`), which compose files use
//! for shared service settings, are applied; merged settings keep the line
//! of the anchor they came from, which is where the user must fix them.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::error::MisconfigError;
use crate::limits::{MAX_DEPTH, MAX_NODES};
use crate::tree::{Entries, Key, Kind, Node};

struct Frame {
    line: u32,
    col: u32,
    anchor: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Key, Node)>,
        /// The key waiting for its value, and whether it was a plain `<<`.
        pending: Option<(Key, bool)>,
    },
}

struct Builder<'f> {
    file: &'f str,
    stack: Vec<Frame>,
    /// Finished anchored nodes with their size and depth.
    anchors: HashMap<usize, (Node, usize, usize)>,
    nodes: usize,
    docs: Vec<Node>,
    current_doc: Option<Node>,
}

fn pos(span: &Span) -> (u32, u32) {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX).max(1);
    let col = u32::try_from(span.start.col().saturating_add(1)).unwrap_or(u32::MAX);
    (line, col)
}

/// Node count and nesting depth; recursion is bounded because no node
/// deeper than `MAX_DEPTH` is ever built.
fn measure(n: &Node) -> (usize, usize) {
    let children: Box<dyn Iterator<Item = &Node>> = match &n.kind {
        Kind::Seq(items) => Box::new(items.iter()),
        Kind::Map(entries) => Box::new(entries.iter().map(|(_, v)| v)),
        _ => return (1, 1),
    };
    let (mut size, mut depth) = (1usize, 0usize);
    for c in children {
        let (s, d) = measure(c);
        size = size.saturating_add(s);
        depth = depth.max(d);
    }
    (size, depth + 1)
}

/// Resolves a plain scalar as go-yaml v2 would for the types we care about.
pub(crate) fn resolve_plain(s: &str) -> Kind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Kind::Bool(true);
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Kind::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Kind::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Kind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Kind::Float(f64::NAN),
        _ => {}
    }
    if let Some(k) = resolve_int(s) {
        return k;
    }
    if looks_like_float(s)
        && let Ok(f) = s.replace('_', "").parse::<f64>()
    {
        return Kind::Float(f);
    }
    Kind::Str(s.to_owned())
}

fn resolve_int(s: &str) -> Option<Kind> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, s.get(1..)?),
        b'+' => (false, s.get(1..)?),
        _ => (false, s),
    };
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b") {
        (2, d)
    } else {
        (10, body)
    };
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(&digits, radix).ok();
    match v {
        Some(v) => Some(Kind::Int(if neg { v.checked_neg()? } else { v })),
        // Too large for i64 but still a number: keep it as a float.
        None if radix == 10 => digits
            .parse::<f64>()
            .ok()
            .map(|f| Kind::Float(if neg { -f } else { f })),
        None => None,
    }
}

fn looks_like_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i = 1;
    }
    let mut digits = 0;
    let mut dot = false;
    let mut exp = false;
    while let Some(&c) = b.get(i) {
        match c {
            b'0'..=b'9' => digits += 1,
            b'_' if digits > 0 => {}
            b'.' if !dot && !exp => dot = true,
            b'e' | b'E' if digits > 0 && !exp => {
                exp = true;
                if matches!(b.get(i + 1), Some(b'-' | b'+')) {
                    i += 1;
                }
                if !matches!(b.get(i + 1), Some(b'0'..=b'9')) {
                    return false;
                }
            }
            _ => return false,
        }
        i += 1;
    }
    digits > 0 && (dot || exp)
}

impl<'f> Builder<'f> {
    fn limit(&self, what: &'static str, limit: usize) -> MisconfigError {
        MisconfigError::Limit {
            file: self.file.to_owned(),
            what,
            limit,
        }
    }

    fn count(&mut self, n: usize) -> Result<(), MisconfigError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(self.limit("number of YAML nodes (after alias expansion)", MAX_NODES));
        }
        Ok(())
    }

    fn push(&mut self, frame: Frame) -> Result<(), MisconfigError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.limit("YAML nesting depth", MAX_DEPTH));
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Hands a finished node to its parent (as a key or a value) or to the
    /// document.
    fn deliver(
        &mut self,
        node: Node,
        anchor: usize,
        plain_merge: bool,
    ) -> Result<(), MisconfigError> {
        if anchor > 0 {
            let (size, depth) = measure(&node);
            self.anchors.insert(anchor, (node.clone(), size, depth));
        }
        match self.stack.last_mut() {
            None => {
                self.current_doc = Some(node);
            }
            Some(Frame {
                body: Body::Seq(items),
                ..
            }) => items.push(node),
            Some(Frame {
                body: Body::Map { entries, pending },
                ..
            }) => match pending.take() {
                None => {
                    let name = key_text(&node);
                    *pending = Some((
                        Key {
                            name,
                            line: node.line,
                        },
                        plain_merge,
                    ));
                }
                Some((key, is_merge)) => {
                    if is_merge {
                        // Marker entry, expanded when the mapping closes.
                        entries.push((
                            Key {
                                name: MERGE_MARKER.to_owned(),
                                line: key.line,
                            },
                            node,
                        ));
                    } else {
                        entries.push((key, node));
                    }
                }
            },
        }
        Ok(())
    }

    fn event(&mut self, ev: Event<'_>, span: Span) -> Result<(), MisconfigError> {
        let (line, col) = pos(&span);
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1)?;
                let is_str_tag = tag
                    .as_ref()
                    .is_some_and(|t| t.suffix == "str" || t.handle == "!");
                let kind = if style == ScalarStyle::Plain && !is_str_tag {
                    resolve_plain(&text)
                } else {
                    Kind::Str(text.to_string())
                };
                let plain_merge = style == ScalarStyle::Plain && text == "<<";
                let kind = match kind {
                    // Keys keep their spelling: `on:` stays "on", `80:` "80".
                    k @ (Kind::Str(_) | Kind::Seq(_) | Kind::Map(_)) => k,
                    other if self.awaiting_key() => {
                        let _ = other;
                        Kind::Str(text.to_string())
                    }
                    other => other,
                };
                self.deliver(Node { line, col, kind }, anchor, plain_merge)
            }
            Event::SequenceStart(anchor, _) => {
                self.count(1)?;
                self.push(Frame {
                    line,
                    col,
                    anchor,
                    body: Body::Seq(Vec::new()),
                })
            }
            Event::MappingStart(anchor, _) => {
                self.count(1)?;
                self.push(Frame {
                    line,
                    col,
                    anchor,
                    body: Body::Map {
                        entries: Vec::new(),
                        pending: None,
                    },
                })
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let kind = match frame.body {
                    Body::Seq(items) => Kind::Seq(items),
                    Body::Map { entries, pending } => {
                        let mut entries = entries;
                        if let Some((key, _)) = pending {
                            // A key with no value event cannot happen in a
                            // well-formed stream; keep it as null anyway.
                            entries.push((
                                key.clone(),
                                Node {
                                    line: key.line,
                                    col: 1,
                                    kind: Kind::Null,
                                },
                            ));
                        }
                        Kind::Map(Entries::new(apply_merges(entries)))
                    }
                };
                self.deliver(
                    Node {
                        line: frame.line,
                        col: frame.col,
                        kind,
                    },
                    frame.anchor,
                    false,
                )
            }
            Event::Alias(id) => {
                let (size, depth) = match self.anchors.get(&id) {
                    Some((_, s, d)) => (*s, *d),
                    // An alias to an unknown or still-open anchor (a
                    // recursive structure) is left empty.
                    None => {
                        return self.deliver(
                            Node {
                                line,
                                col,
                                kind: Kind::Null,
                            },
                            0,
                            false,
                        );
                    }
                };
                if self.stack.len().saturating_add(depth) > MAX_DEPTH {
                    return Err(self.limit("YAML nesting depth", MAX_DEPTH));
                }
                self.count(size)?;
                let Some((node, _, _)) = self.anchors.get(&id) else {
                    return Ok(());
                };
                let node = node.clone();
                self.deliver(node, 0, false)
            }
            Event::DocumentStart(_) => {
                self.current_doc = None;
                Ok(())
            }
            Event::DocumentEnd => {
                self.stack.clear();
                let doc = self.current_doc.take().unwrap_or(Node {
                    line,
                    col,
                    kind: Kind::Null,
                });
                self.docs.push(doc);
                Ok(())
            }
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
        }
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map { pending: None, .. },
                ..
            })
        )
    }
}

const MERGE_MARKER: &str = "\u{0}<<merge>>";

fn key_text(node: &Node) -> String {
    match &node.kind {
        Kind::Str(s) => s.clone(),
        Kind::Null => String::new(),
        // Complex keys are rare in configuration files; their JSON
        // rendering keeps them distinct without inventing a syntax.
        _ => node.to_json().to_string(),
    }
}

/// Applies `<<` merge entries: explicit keys win over merged ones, and among
/// several merged mappings the earlier one wins (YAML merge-key rules).
fn apply_merges(entries: Vec<(Key, Node)>) -> Vec<(Key, Node)> {
    if !entries.iter().any(|(k, _)| k.name == MERGE_MARKER) {
        return entries;
    }
    let mut own = Vec::with_capacity(entries.len());
    let mut sources = Vec::new();
    for (k, v) in entries {
        if k.name == MERGE_MARKER {
            match v.kind {
                Kind::Map(m) => sources.push(m.into_vec()),
                Kind::Seq(items) => {
                    for it in items {
                        if let Kind::Map(m) = it.kind {
                            sources.push(m.into_vec());
                        }
                    }
                }
                _ => {}
            }
        } else {
            own.push((k, v));
        }
    }
    let mut taken: std::collections::HashSet<String> =
        own.iter().map(|(k, _)| k.name.clone()).collect();
    let mut merged: Vec<(Key, Node)> = Vec::new();
    for src in sources {
        for (k, v) in src {
            if taken.insert(k.name.clone()) {
                merged.push((k, v));
            }
        }
    }
    merged.extend(own);
    merged
}

/// Parses every document of a YAML stream.
pub fn parse(file: &str, text: &str) -> Result<Vec<Node>, MisconfigError> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        docs: Vec::new(),
        current_doc: None,
    };
    while let Some(ev) = parser.next_event() {
        match ev {
            Ok((ev, span)) => b.event(ev, span)?,
            Err(e) => {
                let m = e.marker();
                return Err(MisconfigError::Syntax {
                    file: file.to_owned(),
                    line: u32::try_from(m.line()).unwrap_or(u32::MAX).max(1),
                    column: u32::try_from(m.col().saturating_add(1)).unwrap_or(u32::MAX),
                    message: e.info().to_owned(),
                });
            }
        }
    }
    Ok(b.docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Path;

    fn one(text: &str) -> Node {
        let mut docs = parse("t.yaml", text).expect("parses");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn lines_of_keys_and_items() {
        let n = one("a: 1\nb:\n  c: [x, z]\n  d:\n    - e: true\n      f: no\n");
        assert_eq!(n.line_of(&Path::root().key("a")), 1);
        assert_eq!(n.line_of(&Path::root().key("b").key("c")), 3);
        assert_eq!(n.line_of(&Path::root().key("b").key("d").idx(0)), 5);
        assert_eq!(
            n.line_of(&Path::root().key("b").key("d").idx(0).key("f")),
            6
        );
        // Missing key: the deepest existing ancestor.
        assert_eq!(
            n.line_of(&Path::root().key("b").key("d").idx(0).key("zz")),
            5
        );
        let j = n.to_json();
        assert_eq!(j["b"]["d"][0]["f"], serde_json::json!(false));
        assert_eq!(j["b"]["c"][1], serde_json::json!("z"));
    }

    #[test]
    fn scalars_resolve_like_go_yaml_v2() {
        let j = one("a: yes\nb: 'yes'\nc: 0x10\nd: 1.5\ne: ~\nf: 8080:80\ng: 007\nh: -3\ni: 1e3\n")
            .to_json();
        assert_eq!(j["a"], serde_json::json!(true));
        assert_eq!(j["b"], serde_json::json!("yes"));
        assert_eq!(j["c"], serde_json::json!(16));
        assert_eq!(j["d"], serde_json::json!(1.5));
        assert_eq!(j["e"], serde_json::Value::Null);
        assert_eq!(j["f"], serde_json::json!("8080:80"));
        assert_eq!(j["g"], serde_json::json!(7));
        assert_eq!(j["h"], serde_json::json!(-3));
        assert_eq!(j["i"], serde_json::json!(1000.0));
    }

    #[test]
    fn keys_keep_spelling() {
        let j = one("on: 1\n80: x\ntrue: w\n").to_json();
        assert_eq!(j["on"], serde_json::json!(1));
        assert_eq!(j["80"], serde_json::json!("x"));
        assert_eq!(j["true"], serde_json::json!("w"));
    }

    #[test]
    fn merge_keys_apply_and_keep_anchor_lines() {
        let text = "x-base: &base\n  privileged: true\n  user: root\nservices:\n  web:\n    <<: *base\n    user: app\n";
        let n = one(text);
        let j = n.to_json();
        assert_eq!(j["services"]["web"]["privileged"], serde_json::json!(true));
        assert_eq!(j["services"]["web"]["user"], serde_json::json!("app"));
        let p = Path::root().keys(&["services", "web", "privileged"]);
        assert_eq!(n.line_of(&p), 2);
        let p = Path::root().keys(&["services", "web", "user"]);
        assert_eq!(n.line_of(&p), 7);
    }

    #[test]
    fn multi_document_streams() {
        let docs = parse("t", "a: 1\n---\nb: 2\n---\n").expect("parses");
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[1].line_of(&Path::root().key("b")), 3);
        assert_eq!(docs[2].kind, Kind::Null);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse("deploy.yaml", "a: 1\nb: c: d\n").expect_err("malformed");
        match err {
            MisconfigError::Syntax {
                line,
                column,
                ref file,
                ..
            } => {
                assert_eq!(file, "deploy.yaml");
                assert_eq!(line, 2);
                assert!(column >= 2, "column {column}");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(err.to_string().starts_with("deploy.yaml:2:"));
    }

    #[test]
    fn alias_bombs_hit_the_node_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse("bomb.yaml", &text).expect_err("limit");
        assert!(matches!(err, MisconfigError::Limit { .. }), "{err:?}");
    }

    #[test]
    fn deep_nesting_hits_the_depth_limit() {
        let text = "[".repeat(MAX_DEPTH + 10);
        let err = parse("deep.yaml", &text).expect_err("limit or syntax");
        assert!(matches!(
            err,
            MisconfigError::Limit { .. } | MisconfigError::Syntax { .. }
        ));
    }
}
