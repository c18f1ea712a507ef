//! npm package versions: node-semver ordering.
//!
//! node-semver's loose parser skips leading `v`, `=` and white space
//! (`=v1.2.3`); like [`crate::Scheme::Semver`], missing minor and patch
//! numbers are read as `0`. Ordering is SemVer 2.0 precedence, which is what
//! node-semver's `compare()` implements (build metadata ignored).

use std::cmp::Ordering;

use semver::Version;

use crate::Reason;

pub(crate) fn parse(v: &str) -> Result<Version, Reason> {
    let v = v
        .trim()
        .trim_start_matches(|c: char| c == 'v' || c == '=' || c.is_whitespace());
    crate::semver::parse_padded(v)
}

pub(crate) fn cmp(a: &Version, b: &Version) -> Ordering {
    crate::semver::cmp(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_prefixes() {
        let want = parse("1.2.3").unwrap();
        for v in ["v1.2.3", "=1.2.3", "=v1.2.3", " v1.2.3 ", "1.2.3+build"] {
            assert_eq!(cmp(&parse(v).unwrap(), &want), Ordering::Equal, "{v}");
        }
        assert!(parse("x1.2.3").is_err());
        assert!(parse("1.2.3-").is_err());
    }
}
