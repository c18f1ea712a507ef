//! Alpine (apk-tools) versions:
//! `digits{.digits}...{letter}{_suffix{digits}}...{~hash}{-rN}`.
//!
//! The token rules and the comparison follow apk-tools 2.14/3.x: the first
//! number and suffix/revision numbers compare numerically; a later dotted
//! number with a leading zero on either side compares as a string (Gentoo's
//! rule, so `1.02 < 1.1`); suffixes order `_alpha < _beta < _pre < _rc <`
//! (none) `< _cvs < _svn < _git < _hg < _p`; a `~hash` compares as a string.
//! When one version runs out of tokens first, the other is newer unless its
//! next token is a pre-release suffix, and otherwise the token kind decides
//! (`1.0a < 1.0.1`, `1.0 < 1.0-r1`).
//!
//! apk only compares versions its `apk_version_validate()` accepts
//! consistently, so anything else is rejected here. Numbers are compared
//! without apk's 64-bit wrap-around.

use std::cmp::Ordering;

use crate::Reason;
use crate::util::cmp_digits;

/// A validated apk version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ApkVersion<'a>(&'a [u8]);

/// Token kinds, in the order apk requires them to appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

/// Known suffixes, in sort order; `None` is the position of "no suffix".
const SUFFIXES: [&[u8]; 10] = [
    b"alpha", b"beta", b"pre", b"rc", b"", b"cvs", b"svn", b"git", b"hg", b"p",
];
const SUFFIX_NONE: usize = 4;

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    value: &'a [u8],
    suffix: usize,
}

/// Walks a version token by token, the way apk's `token_next()` does.
struct Tokens<'a> {
    rest: &'a [u8],
    tok: Token<'a>,
}

impl<'a> Tokens<'a> {
    fn new(v: &'a [u8]) -> Self {
        let mut t = Tokens {
            rest: v,
            tok: Token {
                kind: Kind::InitialDigit,
                value: b"",
                suffix: SUFFIX_NONE,
            },
        };
        t.digits();
        t
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let n = self.rest.iter().take_while(|&&b| pred(b)).count();
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        head
    }

    fn digits(&mut self) {
        self.tok.value = self.take_while(|b| b.is_ascii_digit());
        if self.tok.value.is_empty() {
            self.tok.kind = Kind::Invalid;
        }
    }

    fn advance(&mut self) {
        let Some(&c) = self.rest.first() else {
            self.tok.kind = Kind::End;
            return;
        };
        let kind = self.tok.kind;
        match c {
            b'a'..=b'z' if kind <= Kind::Digit => {
                self.tok.value = self.rest.get(..1).unwrap_or_default();
                self.rest = self.rest.get(1..).unwrap_or_default();
                self.tok.kind = Kind::Letter;
            }
            b'.' | b'0'..=b'9' if kind <= Kind::Digit || (c != b'.' && kind == Kind::Suffix) => {
                if c == b'.' {
                    self.rest = self.rest.get(1..).unwrap_or_default();
                }
                self.tok.kind = if kind == Kind::Suffix {
                    Kind::SuffixNo
                } else {
                    Kind::Digit
                };
                self.digits();
            }
            b'_' if kind <= Kind::SuffixNo => {
                self.rest = self.rest.get(1..).unwrap_or_default();
                let word = self.take_while(|b| b.is_ascii_lowercase());
                self.tok.value = word;
                match SUFFIXES.iter().position(|s| !s.is_empty() && *s == word) {
                    Some(i) => {
                        self.tok.suffix = i;
                        self.tok.kind = Kind::Suffix;
                    }
                    None => self.tok.kind = Kind::Invalid,
                }
            }
            b'~' if kind < Kind::CommitHash => {
                self.rest = self.rest.get(1..).unwrap_or_default();
                self.tok.value = self.take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                self.tok.kind = if self.tok.value.is_empty() {
                    Kind::Invalid
                } else {
                    Kind::CommitHash
                };
            }
            b'-' if kind < Kind::RevisionNo && self.rest.get(1) == Some(&b'r') => {
                self.rest = self.rest.get(2..).unwrap_or_default();
                self.tok.kind = Kind::RevisionNo;
                self.digits();
            }
            _ => self.tok.kind = Kind::Invalid,
        }
    }
}

pub(crate) fn parse(v: &str) -> Result<ApkVersion<'_>, Reason> {
    let mut t = Tokens::new(v.as_bytes());
    if t.tok.kind == Kind::Invalid {
        return Err("does not start with a digit".into());
    }
    loop {
        t.advance();
        match t.tok.kind {
            Kind::End => return Ok(ApkVersion(v.as_bytes())),
            Kind::Invalid => {
                let at = v.len() - t.rest.len();
                return Err(format!(
                    "unexpected {:?} at byte {at}; expected digits{{.digits}}{{letter}}{{_suffix{{N}}}}{{~hash}}{{-rN}}",
                    v.get(at..).and_then(|s| s.chars().next()).unwrap_or('?')
                )
                .into());
            }
            _ => {}
        }
    }
}

fn token_cmp(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            a.value.cmp(b.value)
        }
        Kind::Digit | Kind::InitialDigit | Kind::SuffixNo | Kind::RevisionNo => {
            cmp_digits(a.value, b.value)
        }
        Kind::Letter => a.value.cmp(b.value),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        Kind::CommitHash | Kind::End | Kind::Invalid => a.value.cmp(b.value),
    }
}

pub(crate) fn cmp(a: &ApkVersion<'_>, b: &ApkVersion<'_>) -> Ordering {
    let (mut ta, mut tb) = (Tokens::new(a.0), Tokens::new(b.0));
    while ta.tok.kind == tb.tok.kind && ta.tok.kind < Kind::End {
        let r = token_cmp(&ta.tok, &tb.tok);
        if r != Ordering::Equal {
            return r;
        }
        ta.advance();
        tb.advance();
    }
    let (ka, kb) = (ta.tok.kind, tb.tok.kind);
    if ka == kb {
        return Ordering::Equal;
    }
    // The longer version is newer, unless what it continues with is a
    // pre-release suffix.
    if ka == Kind::Suffix && ta.tok.suffix < SUFFIX_NONE {
        return Ordering::Less;
    }
    if kb == Kind::Suffix && tb.tok.suffix < SUFFIX_NONE {
        return Ordering::Greater;
    }
    kb.cmp(&ka)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn validates_like_apk() {
        for ok in [
            "1",
            "1.2.3",
            "1.2.3a",
            "1.2_alpha",
            "1.2_alpha1_p2",
            "1.2_rc3-r4",
            "1.2~abc123",
            "1.2a_p1~ff-r10",
            "0.0.0",
            "20240101",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "v1.0",
            "1.",
            "1..2",
            "1.a",
            "1ab",
            "1a2",
            "1.0_foo",
            "1.0_",
            "1_alpha.2",
            "1.0-r",
            "1.0-1",
            "1.0-r1-r2",
            "1.0~",
            "1.0~XY",
            "1.0~ab~cd",
            "1.0-r1a",
            "1.0 ",
            "1.0B",
            "1.0_ALPHA",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn orders_like_apk() {
        assert_eq!(c("1.0", "1.0-r1"), Less);
        assert_eq!(c("1.0_rc1", "1.0"), Less);
        assert_eq!(c("1.0_p1", "1.0"), Greater);
        assert_eq!(c("1.0a", "1.0.1"), Less);
        assert_eq!(c("1.0a", "1.0"), Greater);
        assert_eq!(c("1.02", "1.1"), Less);
        // Leading zero on either side: compared as strings.
        assert_eq!(c("1.010", "1.02"), Less);
        assert_eq!(c("1.10", "1.02"), Greater);
        assert_eq!(c("010", "9"), Greater);
        assert_eq!(c("1.0_alpha_pre2", "1.0_alpha"), Less);
        assert_eq!(c("1.0~abc", "1.0"), Greater);
        // A hash is an earlier token kind than a revision: more detail, newer.
        assert_eq!(c("1.0~abc", "1.0-r0"), Greater);
        assert_eq!(c("1.0~abc-r0", "1.0-r0"), Greater);
        assert_eq!(c("1.0-r0", "1.0"), Greater);
        assert_eq!(c("1.2.3-r10", "1.2.3-r9"), Greater);
    }
}
