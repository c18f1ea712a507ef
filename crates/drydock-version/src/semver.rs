//! SemVer 2.0 as OSV's `SEMVER` range type uses it, via the `semver` crate.
//!
//! OSV allows the leading `v` to be missing, and real feeds also carry
//! versions without minor or patch number (`1.2`), so a leading `v`/`V` is
//! ignored and missing numbers are read as `0` (`v1.2-rc.1` is
//! `1.2.0-rc.1`). Everything else must be SemVer 2.0: numeric identifiers
//! without leading zeros, no empty identifiers. Precedence ignores build
//! metadata (`1.0.0+a == 1.0.0+b`), as the specification requires.

use std::cmp::Ordering;

use semver::Version;

use crate::Reason;

pub(crate) fn parse(v: &str) -> Result<Version, Reason> {
    let v = v
        .strip_prefix('v')
        .or_else(|| v.strip_prefix('V'))
        .unwrap_or(v);
    parse_padded(v)
}

/// Parses `v` as SemVer after padding a `MAJOR` or `MAJOR.MINOR` core with
/// `.0` parts.
pub(crate) fn parse_padded(v: &str) -> Result<Version, Reason> {
    let core_end = v.find(['-', '+']).unwrap_or(v.len());
    let core = v.get(..core_end).unwrap_or_default();
    let missing = match core.split('.').count() {
        1 => 2,
        2 => 1,
        _ => 0,
    };
    let result = if missing == 0 {
        Version::parse(v)
    } else {
        // At most four bytes longer than the input.
        let mut padded = String::with_capacity(v.len() + 4);
        padded.push_str(core);
        for _ in 0..missing {
            padded.push_str(".0");
        }
        padded.push_str(v.get(core_end..).unwrap_or_default());
        Version::parse(&padded)
    };
    result.map_err(|e| e.to_string().into())
}

pub(crate) fn cmp(a: &Version, b: &Version) -> Ordering {
    a.cmp_precedence(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn lenient_prefix_and_padding() {
        assert_eq!(c("v1.2.3", "1.2.3"), Equal);
        assert_eq!(c("1.2", "1.2.0"), Equal);
        assert_eq!(c("1", "1.0.0"), Equal);
        assert_eq!(c("1.2-rc.1", "1.2.0-rc.1"), Equal);
        assert_eq!(c("1.2+build", "1.2.0"), Equal);
        for bad in [
            "", "v", "1.", "1..2", "01.2.3", "1.2.3-01", "1.2.3.4", "1.2.3-", "a.b.c", "1.2.3 ",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn precedence_per_spec() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.1.0",
            "2.0.0",
        ];
        for w in chain.windows(2) {
            assert_eq!(c(w[0], w[1]), Less, "{} < {}", w[0], w[1]);
        }
        assert_eq!(c("1.0.0+a", "1.0.0+b"), Equal);
    }
}
