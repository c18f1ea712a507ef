//! Version ordering per packaging ecosystem.
//!
//! The vulnerability matcher evaluates advisory ranges ("introduced 1.2,
//! fixed 1.4.1-r3") against installed package versions, and every ecosystem
//! orders versions differently: dpkg sorts `~` before the end of the string,
//! rpm lets numbers beat letters, Maven knows that `1-SNAPSHOT < 1 < 1-sp`,
//! PEP 440 says `1.0.0 == 1`. [`compare`] gives the order of two version
//! strings under one [`Scheme`]; [`Scheme::for_ecosystem`] picks the scheme
//! for an OSV ecosystem name.
//!
//! Each scheme follows its reference implementation (dpkg's `verrevcmp`,
//! rpm's `rpmvercmp` and EVR split, apk-tools' tokenizer, Maven's
//! `ComparableVersion`, RubyGems' `Gem::Version`, ...), not a simplified
//! look-alike; the integration tests check dpkg and rpm against the real
//! tools. Where a reference accepts anything (rpm, Maven), so does the
//! scheme; where it rejects a string (apk, PEP 440, SemVer), [`compare`]
//! returns an error and the matcher treats the range as unmatchable instead
//! of guessing.
//!
//! Every scheme rejects empty versions and versions longer than
//! [`MAX_VERSION_LEN`] bytes, never panics, and allocates at most in
//! proportion to its input.

#![deny(missing_docs)]

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

mod apk;
mod cargo;
mod composer;
mod dpkg;
mod generic;
mod go;
mod maven;
mod npm;
mod nuget;
mod pep440;
mod rpm;
mod rubygems;
mod semver;
mod util;

/// Longest version string accepted, in bytes.
///
/// Real versions are far shorter (Maven caps its own at 256 characters); the
/// bound keeps every comparison cheap however hostile the feed or image.
pub const MAX_VERSION_LEN: usize = 256;

/// How much of a rejected version an error message quotes, in bytes.
const QUOTE_LEN: usize = 64;

/// How long the cause in an error message may be, in bytes.
const REASON_LEN: usize = 160;

/// Why a scheme rejected a version; the error adds scheme and version.
pub(crate) type Reason = Cow<'static, str>;

/// A version ordering: one per packaging ecosystem family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Debian and Ubuntu packages: `[epoch:]upstream[-revision]`, dpkg rules.
    Dpkg,
    /// RPM packages: `[epoch:]version[-release]`, `rpmvercmp` rules.
    Rpm,
    /// Alpine-style apk packages: `1.2.3b_rc1_p2~cafe-r4`.
    Apk,
    /// Python packages, PEP 440.
    Pep440,
    /// SemVer 2.0 (OSV `SEMVER` ranges); a leading `v` and missing minor or
    /// patch numbers are tolerated.
    Semver,
    /// npm packages: node-semver ordering, leading `v`/`=` tolerated.
    Npm,
    /// Go modules (`v1.2.3`, pseudo-versions, `+incompatible`) and Go
    /// toolchain versions (`go1.21rc2`).
    Go,
    /// Maven artifacts: `ComparableVersion` ordering.
    Maven,
    /// Ruby gems: `Gem::Version` ordering.
    RubyGems,
    /// NuGet packages: up to four numbers, case-insensitive pre-release labels.
    Nuget,
    /// Composer (Packagist) packages: Composer's normalized versions.
    Composer,
    /// Rust crates: SemVer.
    Cargo,
    /// Anything else: numeric and alphabetic runs, never rejects a version.
    Generic,
}

impl Scheme {
    /// Every scheme, for iteration in tests and tooling.
    pub const ALL: [Scheme; 13] = [
        Scheme::Dpkg,
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Pep440,
        Scheme::Semver,
        Scheme::Npm,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::Nuget,
        Scheme::Composer,
        Scheme::Cargo,
        Scheme::Generic,
    ];

    /// The scheme for an OSV ecosystem name.
    ///
    /// Only the part before the first `:` matters (`Debian:11`,
    /// `Alpine:v3.18`, `Red Hat:enterprise_linux:9::appstream`), compared
    /// without regard to ASCII case: "Debian"/"Ubuntu" -> [`Scheme::Dpkg`];
    /// "Alpine"/"Wolfi"/"Chainguard"/"Alpaquita" -> [`Scheme::Apk`];
    /// "Red Hat"/"Rocky Linux"/"AlmaLinux"/"SUSE"/"openSUSE"/"Mageia"/
    /// "openEuler" -> [`Scheme::Rpm`]; "PyPI" -> [`Scheme::Pep440`]; "npm" ->
    /// [`Scheme::Npm`]; "Go" -> [`Scheme::Go`]; "Maven" -> [`Scheme::Maven`];
    /// "RubyGems" -> [`Scheme::RubyGems`]; "NuGet" -> [`Scheme::Nuget`];
    /// "Packagist" -> [`Scheme::Composer`]; "crates.io" -> [`Scheme::Cargo`];
    /// anything else -> [`Scheme::Generic`].
    pub fn for_ecosystem(ecosystem: &str) -> Scheme {
        let base = ecosystem.split(':').next().unwrap_or_default().trim();
        const TABLE: &[(&str, Scheme)] = &[
            ("Debian", Scheme::Dpkg),
            ("Ubuntu", Scheme::Dpkg),
            ("Alpine", Scheme::Apk),
            ("Wolfi", Scheme::Apk),
            ("Chainguard", Scheme::Apk),
            ("Alpaquita", Scheme::Apk),
            ("Red Hat", Scheme::Rpm),
            ("Rocky Linux", Scheme::Rpm),
            ("AlmaLinux", Scheme::Rpm),
            ("SUSE", Scheme::Rpm),
            ("openSUSE", Scheme::Rpm),
            ("Mageia", Scheme::Rpm),
            ("openEuler", Scheme::Rpm),
            ("PyPI", Scheme::Pep440),
            ("npm", Scheme::Npm),
            ("Go", Scheme::Go),
            ("Maven", Scheme::Maven),
            ("RubyGems", Scheme::RubyGems),
            ("NuGet", Scheme::Nuget),
            ("Packagist", Scheme::Composer),
            ("crates.io", Scheme::Cargo),
        ];
        TABLE
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(base))
            .map_or(Scheme::Generic, |&(_, scheme)| scheme)
    }

    /// Short lowercase identifier of the scheme (`"dpkg"`, `"pep440"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
            Scheme::Pep440 => "pep440",
            Scheme::Semver => "semver",
            Scheme::Npm => "npm",
            Scheme::Go => "go",
            Scheme::Maven => "maven",
            Scheme::RubyGems => "rubygems",
            Scheme::Nuget => "nuget",
            Scheme::Composer => "composer",
            Scheme::Cargo => "cargo",
            Scheme::Generic => "generic",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version the scheme cannot order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    /// The version string is empty.
    #[error("empty {scheme} version")]
    Empty {
        /// Scheme the version was read under.
        scheme: Scheme,
    },
    /// The version string is longer than [`MAX_VERSION_LEN`] bytes.
    #[error("{scheme} version {version:?} is {len} bytes, over the {MAX_VERSION_LEN}-byte limit")]
    TooLong {
        /// Scheme the version was read under.
        scheme: Scheme,
        /// The start of the version, truncated.
        version: String,
        /// Full length of the version in bytes.
        len: usize,
    },
    /// The version does not follow the scheme's syntax.
    #[error("invalid {scheme} version {version:?}: {reason}")]
    Invalid {
        /// Scheme the version was read under.
        scheme: Scheme,
        /// The version, truncated if long.
        version: String,
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
}

impl VersionError {
    /// The scheme the rejected version was read under.
    pub fn scheme(&self) -> Scheme {
        match self {
            VersionError::Empty { scheme }
            | VersionError::TooLong { scheme, .. }
            | VersionError::Invalid { scheme, .. } => *scheme,
        }
    }
}

/// The start of `v`, at most `max` bytes cut on a character boundary, with
/// an ellipsis if anything was cut.
fn truncate(v: &str, max: usize) -> String {
    if v.len() <= max {
        return v.to_owned();
    }
    let mut end = max;
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    let mut s = String::with_capacity(end + 3);
    s.push_str(v.get(..end).unwrap_or_default());
    s.push('…');
    s
}

/// The start of a version for an error message.
fn quote(v: &str) -> String {
    truncate(v, QUOTE_LEN)
}

/// The checks every scheme shares: not empty, not too long.
fn check_bounds(scheme: Scheme, v: &str) -> Result<(), VersionError> {
    if v.is_empty() {
        return Err(VersionError::Empty { scheme });
    }
    if v.len() > MAX_VERSION_LEN {
        return Err(VersionError::TooLong {
            scheme,
            version: quote(v),
            len: v.len(),
        });
    }
    Ok(())
}

fn invalid(scheme: Scheme, v: &str, reason: Reason) -> VersionError {
    // Some causes (pep440_rs's) quote the rest of the input; keep messages
    // short whatever the input.
    let reason = if reason.len() > REASON_LEN {
        Cow::Owned(truncate(&reason, REASON_LEN))
    } else {
        reason
    };
    VersionError::Invalid {
        scheme,
        version: quote(v),
        reason,
    }
}

/// Runs `$body` with `$m` bound to the module implementing `$scheme`. Every
/// scheme module has `parse(&str) -> Result<Parsed, Reason>` and
/// `cmp(&Parsed, &Parsed) -> Ordering`.
macro_rules! with_scheme {
    ($scheme:expr, $m:ident => $body:expr) => {
        match $scheme {
            Scheme::Dpkg => {
                use crate::dpkg as $m;
                $body
            }
            Scheme::Rpm => {
                use crate::rpm as $m;
                $body
            }
            Scheme::Apk => {
                use crate::apk as $m;
                $body
            }
            Scheme::Pep440 => {
                use crate::pep440 as $m;
                $body
            }
            Scheme::Semver => {
                use crate::semver as $m;
                $body
            }
            Scheme::Npm => {
                use crate::npm as $m;
                $body
            }
            Scheme::Go => {
                use crate::go as $m;
                $body
            }
            Scheme::Maven => {
                use crate::maven as $m;
                $body
            }
            Scheme::RubyGems => {
                use crate::rubygems as $m;
                $body
            }
            Scheme::Nuget => {
                use crate::nuget as $m;
                $body
            }
            Scheme::Composer => {
                use crate::composer as $m;
                $body
            }
            Scheme::Cargo => {
                use crate::cargo as $m;
                $body
            }
            Scheme::Generic => {
                use crate::generic as $m;
                $body
            }
        }
    };
}

/// Total order of two versions under the scheme. Err if either cannot be
/// parsed under it.
///
/// "Total" up to what the reference itself considers equal: `1.0` and
/// `1.0.0` are [`Ordering::Equal`] under PEP 440 although the strings differ.
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, VersionError> {
    check_bounds(scheme, a)?;
    check_bounds(scheme, b)?;
    with_scheme!(scheme, m => {
        let pa = m::parse(a).map_err(|r| invalid(scheme, a, r))?;
        let pb = m::parse(b).map_err(|r| invalid(scheme, b, r))?;
        Ok(m::cmp(&pa, &pb))
    })
}

/// Parse check only: `Ok` exactly when [`compare`] would accept `v`.
pub fn validate(scheme: Scheme, v: &str) -> Result<(), VersionError> {
    check_bounds(scheme, v)?;
    with_scheme!(scheme, m => {
        m::parse(v).map(drop).map_err(|r| invalid(scheme, v, r))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystems_map_to_schemes() {
        let cases = [
            ("Debian:11", Scheme::Dpkg),
            ("Debian", Scheme::Dpkg),
            ("Ubuntu:22.04", Scheme::Dpkg),
            ("Ubuntu:Pro:18.04:LTS", Scheme::Dpkg),
            ("Alpine:v3.18", Scheme::Apk),
            ("Wolfi", Scheme::Apk),
            ("Chainguard", Scheme::Apk),
            ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
            ("Rocky Linux:9", Scheme::Rpm),
            ("AlmaLinux:8", Scheme::Rpm),
            ("SUSE:Linux Enterprise Server 15 SP5", Scheme::Rpm),
            ("openSUSE:Leap 15.5", Scheme::Rpm),
            ("Mageia:9", Scheme::Rpm),
            ("PyPI", Scheme::Pep440),
            ("npm", Scheme::Npm),
            ("Go", Scheme::Go),
            ("Maven", Scheme::Maven),
            ("Maven:https://repo.example", Scheme::Maven),
            ("RubyGems", Scheme::RubyGems),
            ("NuGet", Scheme::Nuget),
            ("Packagist", Scheme::Composer),
            ("crates.io", Scheme::Cargo),
            ("Hex", Scheme::Generic),
            ("", Scheme::Generic),
            ("GoLang", Scheme::Generic),
        ];
        for (eco, want) in cases {
            assert_eq!(Scheme::for_ecosystem(eco), want, "{eco}");
        }
    }

    #[test]
    fn names_are_unique_and_displayed() {
        let mut names: Vec<_> = Scheme::ALL.iter().map(|s| s.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Scheme::ALL.len());
        assert_eq!(Scheme::Pep440.to_string(), "pep440");
    }

    #[test]
    fn every_scheme_rejects_empty_and_oversized() {
        let long = "1".repeat(MAX_VERSION_LEN + 1);
        for scheme in Scheme::ALL {
            // A valid version of exactly the limit's length, in a form the
            // scheme accepts.
            let max = match scheme {
                Scheme::Semver | Scheme::Npm | Scheme::Cargo | Scheme::Nuget => {
                    format!("1.0.0-{}", "a".repeat(MAX_VERSION_LEN - 6))
                }
                Scheme::Go => format!("v1.0.0-{}", "a".repeat(MAX_VERSION_LEN - 7)),
                Scheme::Composer => format!("1.0.0-beta{}", "1".repeat(MAX_VERSION_LEN - 10)),
                _ => format!("1{}", ".2".repeat((MAX_VERSION_LEN - 1) / 2)),
            };
            assert!(max.len() >= MAX_VERSION_LEN - 1 && max.len() <= MAX_VERSION_LEN);
            assert_eq!(validate(scheme, &max), Ok(()), "{scheme}");
            assert_eq!(compare(scheme, &max, &max), Ok(Ordering::Equal), "{scheme}");
            assert!(matches!(
                compare(scheme, "", "1"),
                Err(VersionError::Empty { .. })
            ));
            assert!(matches!(
                compare(scheme, "1", ""),
                Err(VersionError::Empty { .. })
            ));
            let err = validate(scheme, &long).unwrap_err();
            assert!(matches!(err, VersionError::TooLong { len, .. } if len == long.len()));
            assert_eq!(err.scheme(), scheme);
            assert!(err.to_string().len() < 200, "{err}");
        }
    }

    #[test]
    fn every_scheme_accepts_osv_introduced_zero() {
        // OSV ranges start with `introduced: "0"`; every scheme must read it
        // and put it before an ordinary version.
        for scheme in Scheme::ALL {
            assert_eq!(compare(scheme, "0", "1"), Ok(Ordering::Less), "{scheme}");
            assert_eq!(compare(scheme, "0", "0"), Ok(Ordering::Equal), "{scheme}");
        }
    }

    #[test]
    fn errors_name_scheme_version_and_cause() {
        let err = compare(Scheme::Pep440, "1.0", "not a version").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("pep440"), "{msg}");
        assert!(msg.contains("not a version"), "{msg}");
        assert_eq!(err.scheme(), Scheme::Pep440);

        let long = format!("1.0-{}", "é".repeat(100));
        let err = validate(Scheme::Apk, &long).unwrap_err();
        let VersionError::Invalid { version, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(version.len() <= QUOTE_LEN + '…'.len_utf8());
        assert!(version.ends_with('…'));
    }
}
