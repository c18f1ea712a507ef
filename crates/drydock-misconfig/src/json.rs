//! JSON into a positioned tree.
//!
//! serde_json does not report where values are, and YAML parsers disagree
//! with JSON on corner cases (tabs, duplicate keys, huge numbers), so JSON
//! inputs (docker inspect dumps, daemon.json, JSON manifests) get this small
//! RFC 8259 parser. It recurses once per nesting level, bounded by
//! `MAX_DEPTH`, and counts nodes against `MAX_NODES`.

use crate::error::MisconfigError;
use crate::limits::{MAX_DEPTH, MAX_NODES};
use crate::tree::{Key, Kind, Node};

struct P<'a> {
    file: &'a str,
    s: &'a [u8],
    i: usize,
    line: u32,
    /// Byte offset where the current line starts, for columns.
    line_start: usize,
    nodes: usize,
    text: &'a str,
    /// Last column computed: (line start, byte offset, column), so columns
    /// on long single-line documents (minified JSON) cost amortized O(1).
    col_cache: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> P<'a> {
    fn col_at(&self, i: usize) -> u32 {
        let start = self.line_start.min(i);
        let (cached_line, cached_pos, cached_chars) = self.col_cache.get();
        let (from, base) = if cached_line == start && cached_pos <= i {
            (cached_pos, cached_chars)
        } else {
            (start, 0)
        };
        let chars = base
            + self
                .text
                .get(from..i)
                .map_or(i - from, |t| t.chars().count());
        self.col_cache.set((start, i, chars));
        u32::try_from(chars + 1).unwrap_or(u32::MAX)
    }

    fn err(&self, msg: impl Into<String>) -> MisconfigError {
        MisconfigError::Syntax {
            file: self.file.to_owned(),
            line: self.line,
            column: self.col_at(self.i),
            message: msg.into(),
        }
    }

    fn ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' => {
                    self.i += 1;
                    self.line = self.line.saturating_add(1);
                    self.line_start = self.i;
                }
                _ => break,
            }
        }
    }

    fn count(&mut self) -> Result<(), MisconfigError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(MisconfigError::Limit {
                file: self.file.to_owned(),
                what: "number of JSON values",
                limit: MAX_NODES,
            });
        }
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Node, MisconfigError> {
        self.ws();
        if depth > MAX_DEPTH {
            return Err(MisconfigError::Limit {
                file: self.file.to_owned(),
                what: "JSON nesting depth",
                limit: MAX_DEPTH,
            });
        }
        self.count()?;
        let line = self.line;
        let col = self.col_at(self.i);
        let kind = match self.s.get(self.i) {
            None => return Err(self.err("unexpected end of input, expected a value")),
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.s.get(self.i) != Some(&b'"') {
                            return Err(self.err("expected a string key"));
                        }
                        let key_line = self.line;
                        let name = self.string()?;
                        self.ws();
                        if self.s.get(self.i) != Some(&b':') {
                            return Err(self.err("expected `:` after an object key"));
                        }
                        self.i += 1;
                        let v = self.value(depth + 1)?;
                        entries.push((
                            Key {
                                name,
                                line: key_line,
                            },
                            v,
                        ));
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `}`")),
                        }
                    }
                }
                Kind::Map(crate::tree::Entries::new(entries))
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `]`")),
                        }
                    }
                }
                Kind::Seq(items)
            }
            Some(b'"') => Kind::Str(self.string()?),
            Some(b't') => self.word("true", Kind::Bool(true))?,
            Some(b'f') => self.word("false", Kind::Bool(false))?,
            Some(b'n') => self.word("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a value")),
        };
        Ok(Node { line, col, kind })
    }

    fn word(&mut self, w: &str, k: Kind) -> Result<Kind, MisconfigError> {
        if self.s.get(self.i..self.i + w.len()) == Some(w.as_bytes()) {
            self.i += w.len();
            Ok(k)
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Kind, MisconfigError> {
        let start = self.i;
        let digit = |p: &Self| matches!(p.s.get(p.i), Some(b'0'..=b'9'));
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.s.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while digit(self) {
                    self.i += 1;
                }
            }
            _ => return Err(self.err("invalid number")),
        }
        let mut float = false;
        if self.s.get(self.i) == Some(&b'.') {
            float = true;
            self.i += 1;
            if !digit(self) {
                return Err(self.err("invalid number: expected a digit after `.`"));
            }
            while digit(self) {
                self.i += 1;
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            float = true;
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !digit(self) {
                return Err(self.err("invalid number: expected an exponent"));
            }
            while digit(self) {
                self.i += 1;
            }
        }
        let t = self.text.get(start..self.i).unwrap_or("0");
        if !float && let Ok(v) = t.parse::<i64>() {
            return Ok(Kind::Int(v));
        }
        Ok(Kind::Float(t.parse::<f64>().unwrap_or(f64::NAN)))
    }

    fn hex4(&mut self) -> Result<u32, MisconfigError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self
                .s
                .get(self.i)
                .and_then(|c| (*c as char).to_digit(16))
                .ok_or_else(|| self.err("invalid `\\u` escape"))?;
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, MisconfigError> {
        // Caller checked the opening quote.
        self.i += 1;
        let mut out = String::new();
        loop {
            let run_start = self.i;
            while let Some(&c) = self.s.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(self.text.get(run_start..self.i).unwrap_or(""));
            match self.s.get(self.i) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let e = self.s.get(self.i).copied();
                    self.i += 1;
                    match e {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&hi) {
                                if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                                    return Err(self.err("unpaired surrogate in `\\u` escape"));
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate in `\\u` escape"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            match char::from_u32(cp) {
                                Some(c) => out.push(c),
                                None => return Err(self.err("invalid `\\u` escape")),
                            }
                        }
                        _ => {
                            self.i = self.i.saturating_sub(1);
                            return Err(self.err("invalid escape"));
                        }
                    }
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }
}

/// Parses one JSON document.
pub fn parse(file: &str, text: &str) -> Result<Node, MisconfigError> {
    let mut p = P {
        file,
        s: text.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        nodes: 0,
        text,
        col_cache: std::cell::Cell::new((0, 0, 0)),
    };
    let v = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return Err(p.err("trailing characters after the JSON value"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::Path;

    #[test]
    fn positions_and_values() {
        let text = "[\n  {\n    \"Id\": \"x\",\n    \"HostConfig\": {\n      \"Privileged\": true\n    }\n  }\n]\n";
        let n = parse("i.json", text).expect("parses");
        let p = Path::root().idx(0).key("HostConfig").key("Privileged");
        assert_eq!(n.line_of(&p), 5);
        assert_eq!(n.line_of(&Path::root().idx(0)), 2);
        assert_eq!(
            n.to_json(),
            serde_json::from_str::<serde_json::Value>(text).expect("valid")
        );
    }

    #[test]
    fn escapes_and_numbers() {
        let text = r#"{"a":"\u00e9\ud83d\ude00\n","b":-1.5e3,"c":12345678901234567890,"d":0}"#;
        let n = parse("x.json", text).expect("parses");
        let j = n.to_json();
        assert_eq!(j["a"], serde_json::json!("é😀\n"));
        assert_eq!(j["b"], serde_json::json!(-1500.0));
        assert_eq!(j["d"], serde_json::json!(0));
        assert!(j["c"].is_f64());
    }

    #[test]
    fn errors_have_line_and_column() {
        let err =
            parse("daemon.json", "{\n  \"icc\": false,\n  \"hosts\" [1]\n}").expect_err("bad");
        assert_eq!(
            err.to_string(),
            "daemon.json:3:11: expected `:` after an object key"
        );
        let err = parse("a.json", "{\"a\": tru}").expect_err("bad");
        assert!(err.to_string().starts_with("a.json:1:7:"), "{err}");
        let err = parse("a.json", "[1,]").expect_err("bad");
        assert!(err.to_string().starts_with("a.json:1:4:"), "{err}");
        let err = parse("a.json", "{} x").expect_err("bad");
        assert!(err.to_string().contains("trailing"), "{err}");
    }

    #[test]
    fn depth_is_bounded() {
        let text = "[".repeat(MAX_DEPTH + 5);
        assert!(matches!(
            parse("d.json", &text),
            Err(MisconfigError::Limit { .. })
        ));
    }
}
