//! Ruby gem versions: the ordering of RubyGems' `Gem::Version`.
//!
//! A version must match `Gem::Version::ANCHORED_VERSION_PATTERN`
//! (`1.2.3`, `1.2.3.beta1`, `1.0-rc.2`, surrounding white space allowed).
//! Each `-` reads as `.pre.`; the version splits into numeric and
//! alphabetic segments (`1.0.beta2` is `1, 0, "beta", 2`). Any letter makes
//! it a pre-release, and a string segment sorts before a number, so
//! `1.0.a < 1.0 < 1.0.1`. Trailing zeros are ignored separately before and
//! after the first string segment (`1.0.0.a.0 == 1.a`).

use std::cmp::Ordering;

use crate::Reason;
use crate::util::{cmp_digits, strip_zeros};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seg<'a> {
    /// Digits, leading zeros stripped (empty for zero).
    Num(&'a [u8]),
    Str(&'a [u8]),
}

const ZERO: Seg<'static> = Seg::Num(b"");

/// `Gem::Version#canonical_segments`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GemVersion<'a>(Vec<Seg<'a>>);

/// Ruby's `\s`.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Checks the anchored version pattern on the trimmed string:
/// `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`.
fn well_formed(v: &[u8]) -> bool {
    let digits = v.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return false;
    }
    let rest = v.get(digits..).unwrap_or_default();
    // The pre-release part starts at the first `-`; before it, only dotted
    // alphanumeric parts.
    let (release, pre) = match rest.iter().position(|&b| b == b'-') {
        Some(p) => (
            rest.get(..p).unwrap_or_default(),
            Some(rest.get(p + 1..).unwrap_or_default()),
        ),
        None => (rest, None),
    };
    let dotted_parts = |s: &[u8], allow_dash: bool| {
        s.split(|&b| b == b'.').all(|part| {
            !part.is_empty()
                && part
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || (allow_dash && *b == b'-'))
        })
    };
    let release_ok = release.is_empty()
        || (release.first() == Some(&b'.')
            && dotted_parts(release.get(1..).unwrap_or_default(), false));
    release_ok && pre.is_none_or(|p| dotted_parts(p, true))
}

pub(crate) fn parse(v: &str) -> Result<GemVersion<'_>, Reason> {
    let v = v.trim_matches(is_space).as_bytes();
    if !well_formed(v) {
        return Err("malformed version number string".into());
    }
    let mut segments = Vec::new();
    let mut i = 0;
    while let Some(&c) = v.get(i) {
        let run = |pred: fn(&u8) -> bool| {
            v.get(i..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| pred(b))
                .count()
        };
        if c.is_ascii_digit() {
            let n = run(u8::is_ascii_digit);
            segments.push(Seg::Num(strip_zeros(v.get(i..i + n).unwrap_or_default())));
            i += n;
        } else if c.is_ascii_alphabetic() {
            let n = run(u8::is_ascii_alphabetic);
            segments.push(Seg::Str(v.get(i..i + n).unwrap_or_default()));
            i += n;
        } else {
            // RubyGems rewrites each `-` as `.pre.`.
            if c == b'-' {
                segments.push(Seg::Str(b"pre"));
            }
            i += 1;
        }
    }
    // Drop trailing zeros of the numeric part and of the string part
    // separately.
    let split = segments
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(segments.len());
    let mut string_part = segments.split_off(split);
    while segments.last() == Some(&ZERO) {
        segments.pop();
    }
    while string_part.last() == Some(&ZERO) {
        string_part.pop();
    }
    segments.append(&mut string_part);
    Ok(GemVersion(segments))
}

pub(crate) fn cmp(a: &GemVersion<'_>, b: &GemVersion<'_>) -> Ordering {
    let len = a.0.len().max(b.0.len());
    for k in 0..len {
        let l = a.0.get(k).copied().unwrap_or(ZERO);
        let r = b.0.get(k).copied().unwrap_or(ZERO);
        let ord = match (l, r) {
            (Seg::Num(x), Seg::Num(y)) => cmp_digits(x, y),
            (Seg::Str(x), Seg::Str(y)) => x.cmp(y),
            (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
            (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn pattern() {
        for ok in [
            "1",
            " 1.0 ",
            "1.0.a",
            "1.0.0.rc1",
            "1.0-rc.2",
            "1.0-a-b",
            "1.a1b2",
            "0001",
        ] {
            assert!(parse(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "a", "1.", "1..0", ".1", "1-", "1.0-", "1.0-a.", "1 0", "v1.0", "1.0_1", "1.0+1", "-1",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn canonical_segments() {
        assert_eq!(c("1.0.0.a.0", "1.a"), Equal);
        assert_eq!(c("1.0", "1"), Equal);
        assert_eq!(c("1.0-beta", "1.0.pre.beta"), Equal);
        assert_eq!(c("1.0.a", "1.0"), Less);
        assert_eq!(c("1.0.a", "1.0.b"), Less);
        assert_eq!(c("1.0.a10", "1.0.a9"), Greater);
        assert_eq!(c("1.0.1", "1.0"), Greater);
        assert_eq!(c("1.10", "1.9"), Greater);
        assert_eq!(c("1.0.A", "1.0.a"), Less);
    }
}
