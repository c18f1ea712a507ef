//! Rust crate versions: SemVer, read like [`crate::Scheme::Semver`].

use std::cmp::Ordering;

use semver::Version;

use crate::Reason;

pub(crate) fn parse(v: &str) -> Result<Version, Reason> {
    crate::semver::parse(v)
}

pub(crate) fn cmp(a: &Version, b: &Version) -> Ordering {
    crate::semver::cmp(a, b)
}
