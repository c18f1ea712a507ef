//! Go versions: module versions and Go toolchain versions.
//!
//! * Module versions are SemVer with a `v` prefix (`v1.2.3`, the shorthands
//!   `v1` and `v1.2`); OSV's Go ranges drop the prefix, so `1.2.3` is read
//!   the same way. Build metadata such as `+incompatible` does not take part
//!   in the order. Pseudo-versions
//!   (`v0.0.0-20210101000000-abcdef123456`, `v1.2.4-0.2021...`) are
//!   pre-releases and order as such, which is exactly what the go command
//!   does.
//! * Toolchain versions (`go1.19.8`, `go1.21rc2`, `go1.9beta2`, `go1.20`)
//!   become `1.19.8`, `1.21.0-rc.2`, `1.9.0-beta.2` and `1.20.0`, so they
//!   order among themselves and against the plain `1.19.8` form OSV uses for
//!   the standard library.

use std::cmp::Ordering;

use semver::{BuildMetadata, Prerelease, Version};

use crate::Reason;
use crate::util::all_digits;

pub(crate) fn parse(v: &str) -> Result<Version, Reason> {
    if let Some(toolchain) = v.strip_prefix("go") {
        return parse_toolchain(toolchain);
    }
    crate::semver::parse_padded(v.strip_prefix('v').unwrap_or(v))
}

/// `1.21rc2`, `1.19.8`, `1.20`, `1`: numbers, then optionally `alpha`,
/// `beta` or `rc` and a number.
fn parse_toolchain(v: &str) -> Result<Version, Reason> {
    const BAD: &str = "not a Go toolchain version (go1.N[.P] or go1.N{alpha,beta,rc}K)";
    let split = v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len());
    let (numbers, pre) = v.split_at(split);
    let mut parts = [0u64; 3];
    for (count, part) in numbers.split('.').enumerate() {
        let slot = parts.get_mut(count).ok_or(BAD)?;
        // Go never writes leading zeros; "01" would be a different string
        // for the same version.
        if !all_digits(part) || (part.len() > 1 && part.starts_with('0')) {
            return Err(BAD.into());
        }
        *slot = part.parse().map_err(|_| BAD)?;
    }
    let pre = if pre.is_empty() {
        Prerelease::EMPTY
    } else {
        let kind = ["alpha", "beta", "rc"]
            .into_iter()
            .find(|k| pre.starts_with(k))
            .ok_or(BAD)?;
        let n = pre.get(kind.len()..).unwrap_or_default();
        if !all_digits(n) || (n.len() > 1 && n.starts_with('0')) {
            return Err(BAD.into());
        }
        Prerelease::new(&format!("{kind}.{n}")).map_err(|_| BAD)?
    };
    let [major, minor, patch] = parts;
    Ok(Version {
        major,
        minor,
        patch,
        pre,
        build: BuildMetadata::EMPTY,
    })
}

pub(crate) fn cmp(a: &Version, b: &Version) -> Ordering {
    crate::semver::cmp(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn toolchain_versions() {
        assert_eq!(c("go1.19.8", "1.19.8"), Equal);
        assert_eq!(c("go1.21rc2", "1.21.0-rc.2"), Equal);
        assert_eq!(c("go1.20", "v1.20.0"), Equal);
        assert_eq!(c("go1", "1.0.0"), Equal);
        assert_eq!(c("go1.21rc2", "go1.21.0"), Less);
        assert_eq!(c("go1.21beta1", "go1.21rc1"), Less);
        assert_eq!(c("go1.9.2", "go1.10"), Less);
        for bad in [
            "go",
            "go1.",
            "go1.2.3.4",
            "go1.21rc",
            "go1.21x1",
            "go01.2",
            "goa",
            "go1.21rc01",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn module_versions() {
        assert_eq!(c("v2.0.0+incompatible", "v2.0.0"), Equal);
        assert_eq!(c("v1", "v1.0.0"), Equal);
        assert_eq!(c("v0.0.0-20210101000000-abcdef123456", "v0.0.1"), Less);
        assert_eq!(
            c(
                "v0.0.0-20210101000000-abcdef123456",
                "v0.0.0-20220101000000-abcdef123456"
            ),
            Less
        );
        assert_eq!(c("v1.2.4-0.20210101000000-abcdef123456", "v1.2.3"), Greater);
        assert_eq!(
            c("v1.2.4-0.20210101000000-abcdef123456", "v1.2.4-rc.1"),
            Less
        );
        assert!(parse("v1.2.3.4").is_err());
    }
}
