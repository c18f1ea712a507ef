//! A document tree that remembers where each value and key came from.
//!
//! The checks read plain `serde_json::Value`s (the PSS API takes one), but a
//! finding must point at a line. Both parsers therefore build this tree
//! first; checks name the offending setting by a [`Path`], and the tree turns
//! that path back into a line, falling back to the nearest enclosing object
//! when the setting is absent (a missing `readOnlyRootFilesystem` points at
//! its container).

use std::collections::HashMap;
use std::fmt;

use serde_json::{Map, Number, Value};

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path into a document: `spec.containers[0].securityContext`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<Seg>);

impl Path {
    /// The empty path (the document itself).
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path with a key appended.
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_owned()));
        Self(v)
    }

    /// This path with an index appended.
    pub fn idx(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        Self(v)
    }

    /// This path followed by `keys`.
    pub fn keys(&self, keys: &[&str]) -> Self {
        let mut v = self.0.clone();
        v.extend(keys.iter().map(|k| Seg::Key((*k).to_owned())));
        Self(v)
    }

    /// This path followed by another one.
    pub fn join(&self, other: &Path) -> Self {
        let mut v = self.0.clone();
        v.extend(other.0.iter().cloned());
        Self(v)
    }
}

fn plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'$')
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                Seg::Key(k) if plain_key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                // Keys with dots or slashes (annotations, sysctl names) are
                // quoted so the rendered path stays unambiguous.
                Seg::Key(k) => write!(f, "[{}]", Value::String(k.clone()))?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as text (YAML scalars keep their source spelling).
    pub name: String,
    /// 1-based line.
    pub line: u32,
}

/// A value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line where the value starts.
    pub line: u32,
    /// 1-based column where the value starts.
    pub col: u32,
    /// The value.
    pub kind: Kind,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `null`, `~`, or an empty YAML value.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer that fits i64.
    Int(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping in source order; a repeated key keeps both entries, and
    /// lookups take the last one (what serde_json and Go decoders keep).
    Map(Entries),
}

/// The entries of a mapping, indexed by key when there are many, so that
/// locating a finding stays cheap on hostile, very wide mappings.
#[derive(Debug, Clone, PartialEq)]
pub struct Entries {
    items: Vec<(Key, Node)>,
    /// Key to the position of its last occurrence.
    index: Option<HashMap<String, usize>>,
}

/// Mappings up to this size are scanned; larger ones get an index.
const INDEX_FROM: usize = 16;

impl Entries {
    /// Wraps entries in source order.
    pub fn new(items: Vec<(Key, Node)>) -> Self {
        let index = (items.len() > INDEX_FROM).then(|| {
            items
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.name.clone(), i))
                .collect()
        });
        Self { items, index }
    }

    /// The entries in source order.
    pub fn iter(&self) -> std::slice::Iter<'_, (Key, Node)> {
        self.items.iter()
    }

    /// Takes the entries out.
    pub fn into_vec(self) -> Vec<(Key, Node)> {
        self.items
    }

    /// The last entry under `key`.
    pub fn get(&self, key: &str) -> Option<&(Key, Node)> {
        match &self.index {
            Some(ix) => ix.get(key).and_then(|i| self.items.get(*i)),
            None => self.items.iter().rev().find(|(k, _)| k.name == key),
        }
    }

    /// The last entry.
    pub fn last(&self) -> Option<&(Key, Node)> {
        self.items.last()
    }
}

impl Node {
    /// The value under `key` of a mapping, with its key (last one wins).
    pub fn get(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.kind {
            Kind::Map(entries) => entries.get(key).map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The line of the setting at `path`: the key's line when it exists,
    /// else the line of the deepest existing ancestor.
    pub fn line_of(&self, path: &Path) -> u32 {
        let mut node = self;
        let mut line = self.line;
        for seg in &path.0 {
            match seg {
                Seg::Key(k) => match node.get(k) {
                    Some((key, v)) => {
                        line = key.line;
                        node = v;
                    }
                    None => return line,
                },
                Seg::Index(i) => match &node.kind {
                    Kind::Seq(items) => match items.get(*i) {
                        Some(v) => {
                            line = v.line;
                            node = v;
                        }
                        None => return line,
                    },
                    _ => return line,
                },
            }
        }
        line
    }

    /// The last line the node spans (for `end_line`).
    pub fn last_line(&self) -> u32 {
        match &self.kind {
            Kind::Seq(items) => items.last().map_or(self.line, Node::last_line),
            Kind::Map(entries) => entries.last().map_or(self.line, |(_, v)| v.last_line()),
            _ => self.line,
        }
    }

    /// The node at `path`, if present.
    pub fn at(&self, path: &Path) -> Option<&Node> {
        let mut node = self;
        for seg in &path.0 {
            node = match seg {
                Seg::Key(k) => node.get(k)?.1,
                Seg::Index(i) => match &node.kind {
                    Kind::Seq(items) => items.get(*i)?,
                    _ => return None,
                },
            };
        }
        Some(node)
    }

    /// Converts to JSON. Non-finite floats become null (JSON has none).
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::Number(Number::from(*i)),
            Kind::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries.iter() {
                    m.insert(k.name.clone(), v.to_json());
                }
                Value::Object(m)
            }
        }
    }
}

/// Walks a JSON value along a path.
pub fn json_at<'a>(v: &'a Value, path: &Path) -> Option<&'a Value> {
    let mut cur = v;
    for seg in &path.0 {
        cur = match seg {
            Seg::Key(k) => cur.as_object()?.get(k)?,
            Seg::Index(i) => cur.as_array()?.get(*i)?,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_display_quotes_odd_keys() {
        let p = Path::root()
            .key("metadata")
            .key("annotations")
            .key("container.apparmor.security.beta.kubernetes.io/app");
        assert_eq!(
            p.to_string(),
            "metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/app\"]"
        );
        let p = Path::root()
            .key("spec")
            .key("containers")
            .idx(2)
            .key("name");
        assert_eq!(p.to_string(), "spec.containers[2].name");
        assert_eq!(
            Path::root().idx(0).key("HostConfig").to_string(),
            "[0].HostConfig"
        );
    }
}
