//! Fallback ordering for ecosystems without a scheme of their own.
//!
//! The version splits into runs of ASCII digits and runs of letters
//! (Unicode alphabetic); everything else separates. Numbers compare
//! numerically, words case-insensitively, and a number beats a word. When
//! one version runs out, the other is newer if it continues with a number
//! (`1.0 < 1.0.1`) and older if it continues with a word, the usual
//! pre-release reading (`1.0rc1 < 1.0`). This is a total order, and every
//! non-empty string is a version.

use std::cmp::Ordering;

use crate::Reason;
use crate::util::cmp_digits;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Num(&'a str),
    Word(&'a str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GenericVersion<'a>(Vec<Tok<'a>>);

pub(crate) fn parse(v: &str) -> Result<GenericVersion<'_>, Reason> {
    let mut toks = Vec::new();
    let mut rest = v;
    while let Some(c) = rest.chars().next() {
        let len = if c.is_ascii_digit() {
            rest.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len())
        } else if c.is_alphabetic() {
            rest.find(|c: char| !c.is_alphabetic())
                .unwrap_or(rest.len())
        } else {
            c.len_utf8()
        };
        let (head, tail) = rest.split_at(len);
        if c.is_ascii_digit() {
            toks.push(Tok::Num(head));
        } else if c.is_alphabetic() {
            toks.push(Tok::Word(head));
        }
        rest = tail;
    }
    Ok(GenericVersion(toks))
}

fn cmp_words(a: &str, b: &str) -> Ordering {
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

pub(crate) fn cmp(a: &GenericVersion<'_>, b: &GenericVersion<'_>) -> Ordering {
    let len = a.0.len().max(b.0.len());
    for k in 0..len {
        let ord = match (a.0.get(k), b.0.get(k)) {
            (Some(Tok::Num(x)), Some(Tok::Num(y))) => cmp_digits(x.as_bytes(), y.as_bytes()),
            (Some(Tok::Word(x)), Some(Tok::Word(y))) => cmp_words(x, y),
            (Some(Tok::Num(_)), Some(Tok::Word(_))) => Ordering::Greater,
            (Some(Tok::Word(_)), Some(Tok::Num(_))) => Ordering::Less,
            (None, Some(Tok::Num(_))) | (Some(Tok::Word(_)), None) => Ordering::Less,
            (None, Some(Tok::Word(_))) | (Some(Tok::Num(_)), None) => Ordering::Greater,
            (None, None) => Ordering::Equal,
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
    fn generic_rules() {
        assert_eq!(c("1.0", "1.0.1"), Less);
        assert_eq!(c("1.0rc1", "1.0"), Less);
        assert_eq!(c("1.0rc1", "1.0rc2"), Less);
        assert_eq!(c("1.0RC1", "1.0-rc-1"), Equal);
        assert_eq!(c("1.10", "1.9"), Greater);
        assert_eq!(c("1.a", "1.1"), Less);
        assert_eq!(c("...", "---"), Equal);
        assert_eq!(c("2024-01-02", "2024-1-10"), Less);
        assert_eq!(c("ÄB", "äb"), Equal);
    }
}
