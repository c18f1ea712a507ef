//! Re-quoting folded values as source literals, and name checks.

use crate::Language;
use std::fmt::Write as _;

/// Renders `value` as a string literal of `lang` that reads back as the same bytes. Printable
/// values keep a plain single-quoted form so that rules can match them as written; control
/// characters and invalid UTF-8 become `\xHH`.
pub(crate) fn quote(lang: Language, value: &[u8]) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    let plain = std::str::from_utf8(value).ok().filter(|s| {
        s.chars().all(|c| {
            !c.is_control() && c != '\'' && c != '\\' && c != '\u{2028}' && c != '\u{2029}'
        })
    });
    if let Some(s) = plain {
        out.push('\'');
        out.push_str(s);
        out.push('\'');
        return out;
    }
    let (open, quote_ch) = match lang {
        Language::Php => ('"', '"'),
        Language::JavaScript => ('\'', '\''),
    };
    out.push(open);
    for chunk in value.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '$' if lang == Language::Php => out.push_str("\\$"),
                _ if c == quote_ch => {
                    out.push('\\');
                    out.push(c);
                }
                '\u{2028}' | '\u{2029}' if lang == Language::JavaScript => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                _ if c.is_control() && lang == Language::JavaScript => {
                    let _ = write!(out, "\\u{:04x}", u32::from(c));
                }
                _ if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
                _ => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out.push(open);
    out
}

/// A PHP function name that can replace a variable or string in call position
/// (`system`, `\Foo\bar`).
pub(crate) fn php_function_name(v: &[u8]) -> bool {
    if v.is_empty() || v.len() > 128 {
        return false;
    }
    let v = v.strip_prefix(b"\\").unwrap_or(v);
    !v.is_empty()
        && v.split(|&b| b == b'\\').all(|seg| {
            seg.first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
                && seg.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
        })
}

/// A JS identifier usable after `.` (`window[f]` -> `window.eval`).
pub(crate) fn js_identifier(v: &[u8]) -> bool {
    v.len() <= 128
        && v.first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b'$')
        && v.iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
        && !matches!(
            v,
            b"true" | b"false" | b"null" | b"this" | b"new" | b"function" | b"var" | b"let"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lex::{Kind, lex_js, lex_php};

    fn php_read_back(lit: &str) -> Vec<u8> {
        let l = lex_php(lit.as_bytes(), true);
        assert_eq!(l.toks.len(), 1, "{lit}");
        let t = l.toks[0];
        assert_eq!(t.kind, Kind::Str);
        l.value(&t).unwrap().to_vec()
    }

    fn js_read_back(lit: &str) -> Vec<u8> {
        let l = lex_js(lit.as_bytes());
        assert_eq!(l.toks.len(), 1, "{lit}");
        l.value(&l.toks[0]).unwrap().to_vec()
    }

    #[test]
    fn quoting_round_trips() {
        for v in [
            &b"system"[..],
            b"it's",
            b"a\\b",
            b"$x {$y}",
            b"\0\x01\n\r\t\x7f",
            b"\xff\xfe",
            "caf\u{e9} \u{2028}\u{85}".as_bytes(),
            b"\"'`",
        ] {
            assert_eq!(php_read_back(&quote(Language::Php, v)), v, "{v:?}");
            if std::str::from_utf8(v).is_ok() {
                assert_eq!(js_read_back(&quote(Language::JavaScript, v)), v, "{v:?}");
            }
        }
        assert_eq!(quote(Language::Php, b"system"), "'system'");
    }

    #[test]
    fn names() {
        assert!(php_function_name(b"system"));
        assert!(php_function_name(b"\\Foo\\bar_1"));
        assert!(!php_function_name(b"sys tem"));
        assert!(!php_function_name(b"1abc"));
        assert!(!php_function_name(b""));
        assert!(!php_function_name(b"a\\"));
        assert!(js_identifier(b"eval"));
        assert!(js_identifier(b"$_x1"));
        assert!(!js_identifier(b"ev al"));
        assert!(!js_identifier(b"this"));
    }
}
