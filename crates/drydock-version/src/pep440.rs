//! Python package versions (PEP 440), via the `pep440_rs` crate.
//!
//! PEP 440 normalizes before comparing: `1.0.0 == 1`, `1.0RC1 == 1.0rc1`,
//! `1.0-1 == 1.0.post1`, a leading `v` is ignored, `1!0.1 > 2.0` (epoch),
//! `1.0+local > 1.0`. Strings that are not PEP 440 versions (legacy
//! setuptools versions such as `2004d` are) are errors: the matcher cannot
//! know how pip would order them.

use std::cmp::Ordering;
use std::str::FromStr;

use pep440_rs::Version;

use crate::Reason;

pub(crate) fn parse(v: &str) -> Result<Version, Reason> {
    // pep440_rs's messages quote the unparsed rest of the input; the crate's
    // error type cuts long causes.
    Version::from_str(v).map_err(|e| e.to_string().into())
}

pub(crate) fn cmp(a: &Version, b: &Version) -> Ordering {
    a.cmp(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn normalizes() {
        assert_eq!(c("1.0.0", "1"), Equal);
        assert_eq!(c("v1.0", "1.0"), Equal);
        assert_eq!(c("1.0RC1", "1.0rc1"), Equal);
        assert_eq!(c("1.0-1", "1.0.post1"), Equal);
        assert_eq!(c("1.0.dev1", "1.0a1"), Less);
        assert_eq!(c("1.0+local", "1.0"), Greater);
        assert_eq!(c("1!0.1", "2.0"), Greater);
        assert!(parse("not-a-version").is_err());
        assert!(parse("1.0.0-beta.1+x y").is_err());
    }
}
