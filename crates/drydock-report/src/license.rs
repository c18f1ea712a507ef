//! Recognizing SPDX license identifiers and expressions in the free-form
//! license strings packages declare.

use std::cmp::Ordering;

use crate::spdx_ids::{EXCEPTION_IDS, LICENSE_IDS};

/// Nesting deeper than this is not a license anyone wrote; refusing it keeps
/// the recursive parser's stack bounded on hostile input.
const MAX_DEPTH: usize = 16;
/// Longer strings are treated as free text without being tokenized.
const MAX_EXPRESSION_LEN: usize = 4096;

/// What a declared license string turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum License {
    /// Exactly one SPDX license id, in its canonical spelling.
    Id(&'static str),
    /// A valid SPDX expression over known ids, normalized (canonical id
    /// spelling, uppercase operators, single spaces). `compound` is true when
    /// it uses `AND` or `OR` at any depth, i.e. needs parentheses inside a
    /// larger expression (`WITH` binds tighter than both).
    Expression { text: String, compound: bool },
    /// Anything else: a license name, a URL, a non-SPDX id.
    Other,
}

/// Classifies one declared license string; `None` for blank strings, which
/// carry nothing to report.
pub(crate) fn classify(s: &str) -> Option<License> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(id) = license_id(s) {
        return Some(License::Id(id));
    }
    if s.len() > MAX_EXPRESSION_LEN {
        return Some(License::Other);
    }
    let tokens = tokenize(s);
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        out: String::new(),
        operators: 0,
        withs: 0,
        last_id: None,
        plus: false,
    };
    if p.expr(0).is_none() || p.pos != tokens.len() {
        return Some(License::Other);
    }
    // Without operators there is exactly one atom: `(MIT)` is just MIT.
    if p.operators == 0
        && p.withs == 0
        && !p.plus
        && let Some(id) = p.last_id
    {
        return Some(License::Id(id));
    }
    Some(License::Expression {
        text: p.out,
        compound: p.operators > 0,
    })
}

/// Case-insensitive lookup of a license id, returning its canonical spelling.
pub(crate) fn license_id(s: &str) -> Option<&'static str> {
    lookup(LICENSE_IDS, s)
}

fn exception_id(s: &str) -> Option<&'static str> {
    lookup(EXCEPTION_IDS, s)
}

fn lookup(list: &'static [&'static str], s: &str) -> Option<&'static str> {
    list.binary_search_by(|probe| cmp_ignore_ascii_case(probe, s))
        .ok()
        .and_then(|i| list.get(i).copied())
}

fn cmp_ignore_ascii_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Word(&'a str),
}

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let boundary = c.is_whitespace() || c == '(' || c == ')';
        if boundary {
            if let Some(st) = start.take()
                && let Some(w) = s.get(st..i)
            {
                tokens.push(Token::Word(w));
            }
            match c {
                '(' => tokens.push(Token::Open),
                ')' => tokens.push(Token::Close),
                _ => {}
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start
        && let Some(w) = s.get(st..)
    {
        tokens.push(Token::Word(w));
    }
    tokens
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    With,
}

/// SPDX operators are uppercase; lowercase ones are common enough in the
/// wild (Debian copyright files, old npm metadata) to accept and normalize.
fn operator(t: Option<Token<'_>>) -> Option<Op> {
    match t {
        Some(Token::Word("AND" | "and")) => Some(Op::And),
        Some(Token::Word("OR" | "or")) => Some(Op::Or),
        Some(Token::Word("WITH" | "with")) => Some(Op::With),
        _ => None,
    }
}

struct Parser<'t, 'a> {
    tokens: &'t [Token<'a>],
    pos: usize,
    out: String,
    /// `AND` and `OR` operators seen.
    operators: usize,
    /// `WITH` operators seen.
    withs: usize,
    /// The last plain license id parsed.
    last_id: Option<&'static str>,
    /// Whether any id carried an or-later `+`.
    plus: bool,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn expr(&mut self, depth: usize) -> Option<()> {
        self.and_expr(depth)?;
        while operator(self.peek()) == Some(Op::Or) {
            self.pos += 1;
            self.operators += 1;
            self.out.push_str(" OR ");
            self.and_expr(depth)?;
        }
        Some(())
    }

    fn and_expr(&mut self, depth: usize) -> Option<()> {
        self.with_expr(depth)?;
        while operator(self.peek()) == Some(Op::And) {
            self.pos += 1;
            self.operators += 1;
            self.out.push_str(" AND ");
            self.with_expr(depth)?;
        }
        Some(())
    }

    fn with_expr(&mut self, depth: usize) -> Option<()> {
        let simple = self.atom(depth)?;
        if operator(self.peek()) == Some(Op::With) {
            // SPDX allows WITH only after a simple license, not a group.
            if !simple {
                return None;
            }
            self.pos += 1;
            self.withs += 1;
            let Some(Token::Word(w)) = self.peek() else {
                return None;
            };
            let exception = exception_id(w)?;
            self.pos += 1;
            self.out.push_str(" WITH ");
            self.out.push_str(exception);
        }
        Some(())
    }

    /// Parses a license id or a parenthesized group; returns true for an id.
    fn atom(&mut self, depth: usize) -> Option<bool> {
        match self.peek()? {
            Token::Open => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.pos += 1;
                self.out.push('(');
                self.expr(depth + 1)?;
                if self.peek() != Some(Token::Close) {
                    return None;
                }
                self.pos += 1;
                self.out.push(')');
                Some(false)
            }
            Token::Close => None,
            Token::Word(w) => {
                if operator(Some(Token::Word(w))).is_some() {
                    return None;
                }
                self.pos += 1;
                // Some `+` forms (`GPL-2.0+`) are ids of their own.
                if let Some(id) = license_id(w) {
                    self.out.push_str(id);
                    self.last_id = Some(id);
                    return Some(true);
                }
                let id = license_id(w.strip_suffix('+')?)?;
                self.out.push_str(id);
                self.out.push('+');
                self.plus = true;
                Some(true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spdx_ids::LICENSE_LIST_VERSION;
    use proptest::prelude::*;

    fn expr(text: &str, compound: bool) -> Option<License> {
        Some(License::Expression {
            text: text.to_owned(),
            compound,
        })
    }

    #[test]
    fn ids_are_sorted_for_binary_search() {
        for list in [LICENSE_IDS, EXCEPTION_IDS] {
            for w in list.windows(2) {
                assert_eq!(cmp_ignore_ascii_case(w[0], w[1]), Ordering::Less, "{w:?}");
            }
        }
    }

    #[test]
    fn list_matches_vendored_cyclonedx_enum() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../tests/schemas/spdx.schema.json")).unwrap();
        let mut theirs: Vec<&str> = schema["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut ours: Vec<&str> = LICENSE_IDS.iter().chain(EXCEPTION_IDS).copied().collect();
        theirs.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, theirs);
        // `$comment` is `v1.1-3.28.0`: the list version the ids come from.
        let comment = schema["$comment"].as_str().unwrap();
        assert!(
            comment.ends_with(&format!("-{LICENSE_LIST_VERSION}.0")),
            "{comment}"
        );
    }

    #[test]
    fn single_ids() {
        assert_eq!(classify("MIT"), Some(License::Id("MIT")));
        assert_eq!(classify(" apache-2.0 "), Some(License::Id("Apache-2.0")));
        assert_eq!(classify("GPL-2.0+"), Some(License::Id("GPL-2.0+")));
        assert_eq!(classify("(MIT)"), Some(License::Id("MIT")));
        assert_eq!(classify(""), None);
        assert_eq!(classify("  "), None);
    }

    #[test]
    fn expressions() {
        assert_eq!(
            classify("MIT OR Apache-2.0"),
            expr("MIT OR Apache-2.0", true)
        );
        assert_eq!(
            classify("(mit or apache-2.0) and bsd-3-clause"),
            expr("(MIT OR Apache-2.0) AND BSD-3-Clause", true)
        );
        assert_eq!(
            classify("GPL-2.0-only WITH Classpath-exception-2.0"),
            expr("GPL-2.0-only WITH Classpath-exception-2.0", false)
        );
        assert_eq!(classify("MIT+"), expr("MIT+", false));
        assert_eq!(
            classify("LGPL-2.1-or-later  AND\tMIT"),
            expr("LGPL-2.1-or-later AND MIT", true)
        );
    }

    #[test]
    fn free_text() {
        for s in [
            "GPL",
            "Apache License 2.0",
            "MIT OR",
            "OR MIT",
            "(MIT",
            "MIT)",
            "MIT AND (Apache-2.0",
            "MIT WITH Apache-2.0",
            "(MIT OR ISC) WITH Classpath-exception-2.0",
            "Classpath-exception-2.0",
            "LicenseRef-foo",
            "https://opensource.org/licenses/MIT",
            "MIT AND AND ISC",
            "MIT ISC",
        ] {
            assert_eq!(classify(s), Some(License::Other), "{s}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}MIT{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(classify(&deep), Some(License::Other));
        let ok = format!(
            "{}MIT OR ISC{}",
            "(".repeat(MAX_DEPTH),
            ")".repeat(MAX_DEPTH)
        );
        assert!(matches!(classify(&ok), Some(License::Expression { .. })));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = classify(&s);
        }

        #[test]
        fn normalized_expressions_are_fixed_points(
            ids in proptest::collection::vec(0..LICENSE_IDS.len(), 1..5),
            ops in proptest::collection::vec(prop_oneof!["AND", "OR", "and"], 4),
            paren in any::<bool>(),
        ) {
            let mut s = String::new();
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    s.push(' ');
                    s.push_str(ops[i - 1].as_ref());
                    s.push(' ');
                }
                s.push_str(LICENSE_IDS[*id]);
            }
            if paren {
                s = format!("({s})");
            }
            match classify(&s) {
                Some(License::Id(id)) => prop_assert_eq!(ids.len(), 1, "{}", id),
                Some(License::Expression { text, .. }) => {
                    prop_assert_eq!(classify(&text), Some(License::Expression { compound: ids.len() > 1, text: text.clone() }));
                }
                other => prop_assert!(false, "{s} -> {other:?}"),
            }
        }
    }
}
