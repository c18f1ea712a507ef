//! NuGet package versions: `N[.N[.N[.N]]][-label{.label}][+metadata]`.
//!
//! Ordering follows NuGet's `VersionComparer.Default`: the four numbers
//! (missing ones are `0`, so `1.0 == 1.0.0.0`), then the release labels: a
//! version without labels is newer than one with; labels compare pairwise,
//! numeric labels numerically and before alphanumeric ones, alphanumeric
//! labels ordinally ignoring ASCII case, and a longer label list wins a tie.
//! Metadata is ignored. Leading zeros in numbers are accepted (NuGet parses
//! them as integers).

use std::cmp::Ordering;

use crate::Reason;
use crate::util::{all_digits, cmp_digits};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NugetVersion<'a> {
    numbers: [&'a [u8]; 4],
    labels: Vec<&'a [u8]>,
}

fn is_ident(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

pub(crate) fn parse(v: &str) -> Result<NugetVersion<'_>, Reason> {
    let (rest, metadata) = match v.split_once('+') {
        Some((r, m)) => (r, Some(m)),
        None => (v, None),
    };
    if metadata.is_some_and(|m| !m.split('.').all(is_ident)) {
        return Err("invalid build metadata".into());
    }
    let (core, label) = match rest.split_once('-') {
        Some((c, l)) => (c, Some(l)),
        None => (rest, None),
    };
    let mut numbers: [&[u8]; 4] = [b"0"; 4];
    for (count, part) in core.split('.').enumerate() {
        let slot = numbers
            .get_mut(count)
            .ok_or("more than four version numbers")?;
        if !all_digits(part) {
            return Err("version numbers must be digits".into());
        }
        *slot = part.as_bytes();
    }
    let labels = match label {
        Some(l) => {
            let labels: Vec<&[u8]> = l.split('.').map(str::as_bytes).collect();
            if !l.split('.').all(is_ident) {
                return Err("invalid release label".into());
            }
            labels
        }
        None => Vec::new(),
    };
    Ok(NugetVersion { numbers, labels })
}

fn cmp_label(a: &[u8], b: &[u8]) -> Ordering {
    let numeric = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match (numeric(a), numeric(b)) {
        (true, true) => cmp_digits(a, b),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a
            .iter()
            .map(u8::to_ascii_uppercase)
            .cmp(b.iter().map(u8::to_ascii_uppercase)),
    }
}

pub(crate) fn cmp(a: &NugetVersion<'_>, b: &NugetVersion<'_>) -> Ordering {
    for (x, y) in a.numbers.iter().zip(&b.numbers) {
        let ord = cmp_digits(x, y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    match (a.labels.is_empty(), b.labels.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    for (x, y) in a.labels.iter().zip(&b.labels) {
        let ord = cmp_label(x, y);
        if ord != Ordering::Equal {
            return ord;
        }
    }
    a.labels.len().cmp(&b.labels.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn nuget_rules() {
        assert_eq!(c("1.0", "1.0.0.0"), Equal);
        assert_eq!(c("1.0.0.1", "1.0.0"), Greater);
        assert_eq!(c("1.0.0-BETA", "1.0.0-beta"), Equal);
        assert_eq!(c("1.0.0-beta", "1.0.0"), Less);
        assert_eq!(c("1.0.0-beta.2", "1.0.0-beta.10"), Less);
        assert_eq!(c("1.0.0-1", "1.0.0-a"), Less);
        assert_eq!(c("1.0.0-beta", "1.0.0-beta.1"), Less);
        assert_eq!(c("1.0.0+abc", "1.0.0+def"), Equal);
        assert_eq!(c("01.2", "1.2"), Equal);
        for bad in [
            "v1.0",
            "1.0.0.0.0",
            "1.",
            "1.0-",
            "1.0-a..b",
            "1.0+",
            "1.a",
            "1.0-a_b",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
