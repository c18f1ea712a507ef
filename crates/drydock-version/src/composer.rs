//! Composer (Packagist) versions.
//!
//! A version is read the way Composer's `VersionParser::normalize()` reads a
//! tagged release: an optional `v`, one to four numbers (padded to four),
//! then an optional stability modifier (`stable`, `alpha`/`a`, `beta`/`b`,
//! `RC`, `patch`/`pl`/`p`, case-insensitive, optionally numbered: `-beta2`,
//! `.RC.1`, `-p1`) and an optional `-dev`; build metadata after `+` is
//! dropped. The normalized form (`1.2.0.0-beta2`) is then ordered like PHP's
//! `version_compare()`, which is what Composer uses:
//! `dev < alpha < beta < RC < (release) < patch`, `-dev` lowering a version
//! just below the same version without it.
//!
//! Branch names (`dev-main`, `2.x-dev`) have no place in an order and are
//! rejected.

use std::cmp::Ordering;

use crate::Reason;
use crate::util::{all_digits, cmp_digits};

/// One token of the normalized version as `version_compare()` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    Num(&'a [u8]),
    /// A special form, by PHP's rank: dev 0, alpha 1, beta 2, RC 3, patch 5.
    Special(u8),
}

/// PHP ranks any number as the special form `#`.
const NUMBER_RANK: u8 = 4;
const DEV: u8 = 0;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ComposerVersion<'a>(Vec<Tok<'a>>);

fn stability_rank(word: &str) -> Option<Option<u8>> {
    // Some(None): "stable", which normalizes away.
    match word.to_ascii_lowercase().as_str() {
        "stable" => Some(None),
        "alpha" | "a" => Some(Some(1)),
        "beta" | "b" => Some(Some(2)),
        "rc" => Some(Some(3)),
        "patch" | "pl" | "p" => Some(Some(5)),
        _ => None,
    }
}

pub(crate) fn parse(v: &str) -> Result<ComposerVersion<'_>, Reason> {
    let v = v.trim();
    let v = v.split_once('+').map_or(v, |(head, _)| head);
    let lower_starts_dev = v.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("dev-"));
    if lower_starts_dev {
        return Err("branch versions (dev-*) have no order".into());
    }
    let v = v
        .strip_prefix('v')
        .or_else(|| v.strip_prefix('V'))
        .unwrap_or(v);

    // The numeric part: up to four dot-separated numbers.
    let num_end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let mut numeric = v.get(..num_end).unwrap_or_default();
    let mut rest = v.get(num_end..).unwrap_or_default();
    // A trailing dot belongs to the modifier (`1.0.RC1`).
    if let Some(stripped) = numeric.strip_suffix('.') {
        numeric = stripped;
        rest = v.get(num_end - 1..).unwrap_or_default();
    }
    let mut toks = Vec::with_capacity(8);
    let mut count = 0;
    for part in numeric.split('.') {
        if !all_digits(part) {
            return Err("expected up to four dot-separated numbers".into());
        }
        count += 1;
        if count > 4 {
            return Err("more than four version numbers".into());
        }
        toks.push(Tok::Num(part.as_bytes()));
    }
    for _ in count..4 {
        toks.push(Tok::Num(b"0"));
    }
    parse_modifier(rest, &mut toks)?;
    Ok(ComposerVersion(toks))
}

/// `[._-]?((stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?`
fn parse_modifier<'a>(rest: &'a str, toks: &mut Vec<Tok<'a>>) -> Result<(), Reason> {
    const BAD: &str = "expected a stability suffix such as -beta2, -RC1, -p1 or -dev";
    if rest.is_empty() {
        return Ok(());
    }
    let rest = rest.strip_prefix(['.', '_', '-']).unwrap_or(rest);
    let word_end = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    let word = rest.get(..word_end).unwrap_or_default();
    let mut after = rest.get(word_end..).unwrap_or_default();

    if word.eq_ignore_ascii_case("dev") && after.is_empty() {
        toks.push(Tok::Special(DEV));
        return Ok(());
    }
    // `betadev`: the stability word glued to a trailing `dev`.
    let (word, glued_dev) = match word
        .len()
        .checked_sub(3)
        .and_then(|n| word.split_at_checked(n))
    {
        Some((head, tail))
            if !head.is_empty() && tail.eq_ignore_ascii_case("dev") && after.is_empty() =>
        {
            (head, true)
        }
        _ => (word, false),
    };
    let rank = stability_rank(word).ok_or(BAD)?;
    let mut numbers = Vec::new();
    let mut dev = glued_dev;
    if !glued_dev {
        loop {
            let body = after.strip_prefix(['.', '-']).unwrap_or(after);
            let n = body.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                break;
            }
            numbers.push(Tok::Num(body.as_bytes().get(..n).unwrap_or_default()));
            after = body.get(n..).unwrap_or_default();
        }
        let tail = after.strip_prefix(['.', '-']).unwrap_or(after);
        if tail.eq_ignore_ascii_case("dev") {
            dev = true;
        } else if !after.is_empty() {
            return Err(BAD.into());
        }
    }
    if let Some(rank) = rank {
        toks.push(Tok::Special(rank));
        toks.append(&mut numbers);
    }
    if dev {
        toks.push(Tok::Special(DEV));
    }
    Ok(())
}

fn rank(t: &Tok<'_>) -> u8 {
    match t {
        Tok::Num(_) => NUMBER_RANK,
        Tok::Special(r) => *r,
    }
}

pub(crate) fn cmp(a: &ComposerVersion<'_>, b: &ComposerVersion<'_>) -> Ordering {
    let len = a.0.len().max(b.0.len());
    for k in 0..len {
        let ord = match (a.0.get(k), b.0.get(k)) {
            (Some(Tok::Num(x)), Some(Tok::Num(y))) => cmp_digits(x, y),
            (Some(x), Some(y)) => rank(x).cmp(&rank(y)),
            // When one side runs out, a number on the other makes it newer;
            // a special form is weighed against `#` (a number).
            (None, Some(Tok::Num(_))) => Ordering::Less,
            (Some(Tok::Num(_)), None) => Ordering::Greater,
            (None, Some(y)) => NUMBER_RANK.cmp(&rank(y)),
            (Some(x), None) => rank(x).cmp(&NUMBER_RANK),
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
    fn normalization() {
        assert_eq!(c("v1.2", "1.2.0.0"), Equal);
        assert_eq!(c("1.0.0-beta2", "1.0.0.0-b2"), Equal);
        assert_eq!(c("1.0.0.RC.1", "1.0.0-rc1"), Equal);
        assert_eq!(c("1.0.0-pl1", "1.0.0-patch1"), Equal);
        assert_eq!(c("1.0.0-stable", "1.0.0"), Equal);
        assert_eq!(c("1.0.0+build.5", "1.0.0"), Equal);
        assert_eq!(c("1.0.0-betadev", "1.0.0-beta-dev"), Equal);
        for bad in [
            "dev-main",
            "2.x-dev",
            "1.0.0.0.0",
            "1.0-foo",
            "1.0.0-beta_1",
            "abc",
            "1..2",
            "1.0-",
            "1.0.0-1",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stability_order() {
        let chain = [
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-alpha2",
            "1.0.0-beta1-dev",
            "1.0.0-beta1",
            "1.0.0-beta2",
            "1.0.0-RC1",
            "1.0.0",
            "1.0.0-p1",
            "1.0.0-p2",
            "1.0.1-dev",
            "1.0.1",
        ];
        for w in chain.windows(2) {
            assert_eq!(c(w[0], w[1]), Less, "{} < {}", w[0], w[1]);
        }
    }
}
