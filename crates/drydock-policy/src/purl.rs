//! Package URL matching, shared by ignore-file `purls` scopes and VEX
//! product identifiers.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use packageurl::PackageUrl;

/// A parsed package URL used as a pattern: it matches every purl that agrees
/// on every component the pattern states.
///
/// Per the purl specification, type, namespace and name must be equal;
/// the version and subpath must be equal when the pattern has one; the
/// pattern's qualifiers must be a subset of the candidate's. So
/// `pkg:pypi/django` matches `pkg:pypi/django@2.2.1`, and
/// `pkg:deb/debian/openssl?arch=amd64` matches
/// `pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12` but not the
/// `arm64` build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlPattern {
    text: String,
    key: PurlKey,
}

/// The comparable, canonicalised components of a purl.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PurlKey {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

impl PurlKey {
    fn parse(text: &str) -> Result<Self, String> {
        let purl = PackageUrl::from_str(text.trim()).map_err(|e| e.to_string())?;
        let ty = purl.ty().to_ascii_lowercase();
        // The `packageurl` crate canonicalises only some types; the purl
        // spec makes namespace and name case-insensitive for more of them,
        // and both sides are canonicalised here so a hand-written pattern
        // matches what the cataloguers emit.
        let fold_namespace = matches!(
            ty.as_str(),
            "alpm" | "apk" | "bitbucket" | "composer" | "deb" | "github" | "gitlab" | "npm"
        );
        let fold_name = fold_namespace || matches!(ty.as_str(), "pypi" | "hex");
        let namespace = purl
            .namespace()
            .filter(|ns| !ns.is_empty())
            .map(|ns| fold(ns, fold_namespace));
        let mut name = fold(purl.name(), fold_name);
        if ty == "pypi" {
            name = name.replace('_', "-");
        }
        Ok(Self {
            namespace,
            name,
            version: purl.version().filter(|v| !v.is_empty()).map(str::to_owned),
            qualifiers: purl
                .qualifiers()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            subpath: purl.subpath().filter(|s| !s.is_empty()).map(str::to_owned),
            ty,
        })
    }

    fn covers(&self, other: &Self) -> bool {
        self.ty == other.ty
            && self.namespace == other.namespace
            && self.name == other.name
            && self
                .version
                .as_ref()
                .is_none_or(|v| other.version.as_ref() == Some(v))
            && self
                .subpath
                .as_ref()
                .is_none_or(|s| other.subpath.as_ref() == Some(s))
            && self
                .qualifiers
                .iter()
                .all(|(k, v)| other.qualifiers.get(k) == Some(v))
    }
}

fn fold(s: &str, yes: bool) -> String {
    if yes { s.to_lowercase() } else { s.to_owned() }
}

impl PurlPattern {
    /// Parses a purl; the error is the parser's reason.
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Self {
            key: PurlKey::parse(text)?,
            text: text.trim().to_owned(),
        })
    }

    /// The purl as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when `candidate` (a full purl, typically a finding's package)
    /// is covered by this pattern. An unparseable candidate matches nothing.
    pub fn matches(&self, candidate: &str) -> bool {
        PurlKey::parse(candidate).is_ok_and(|c| self.key.covers(&c))
    }

    /// Like [`PurlPattern::matches`] with a candidate parsed once by
    /// [`Candidate::parse`], for matching one package against many patterns.
    pub fn matches_candidate(&self, candidate: &Candidate) -> bool {
        candidate.key.as_ref().is_some_and(|c| self.key.covers(c))
    }
}

impl fmt::Display for PurlPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A finding's package purl, parsed once for matching against many
/// patterns. Unparseable purls are kept as "matches nothing" rather than an
/// error: the inventory may carry a hand-escaped purl the parser rejects,
/// and that must not abort policy evaluation.
#[derive(Debug, Clone)]
pub struct Candidate {
    key: Option<PurlKey>,
}

impl Candidate {
    /// Parses `purl`; never fails.
    pub fn parse(purl: &str) -> Self {
        Self {
            key: PurlKey::parse(purl).ok(),
        }
    }

    /// A candidate that matches nothing, for when no pattern needs a purl.
    pub(crate) fn unparsed() -> Self {
        Self { key: None }
    }

    /// Whether the purl could be parsed (otherwise nothing matches it).
    pub fn is_valid(&self) -> bool {
        self.key.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, candidate: &str) -> bool {
        PurlPattern::parse(pattern).unwrap().matches(candidate)
    }

    #[test]
    fn unversioned_pattern_matches_any_version() {
        assert!(m("pkg:pypi/django", "pkg:pypi/django@2.2.1"));
        assert!(m("pkg:pypi/Django", "pkg:pypi/django@2.2.1"));
        assert!(!m("pkg:pypi/django", "pkg:pypi/django-filter@2.2.1"));
        assert!(!m("pkg:pypi/django", "pkg:npm/django@2.2.1"));
    }

    #[test]
    fn version_must_match_when_given() {
        assert!(m("pkg:pypi/django@2.2.1", "pkg:pypi/django@2.2.1"));
        assert!(!m("pkg:pypi/django@2.2.1", "pkg:pypi/django@2.2.10"));
        assert!(!m("pkg:pypi/django@2.2.1", "pkg:pypi/django"));
    }

    #[test]
    fn qualifiers_are_a_subset() {
        let c = "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
        assert!(m("pkg:deb/debian/openssl", c));
        assert!(m("pkg:deb/debian/openssl?arch=amd64", c));
        assert!(m("pkg:deb/Debian/openssl?distro=debian-12&arch=amd64", c));
        assert!(!m("pkg:deb/debian/openssl?arch=arm64", c));
        assert!(!m("pkg:deb/debian/openssl?arch=amd64&epoch=1", c));
    }

    #[test]
    fn namespace_is_compared() {
        assert!(!m(
            "pkg:maven/org.apache.logging.log4j/log4j-core",
            "pkg:maven/org.example/log4j-core@2.14.1"
        ));
        assert!(m(
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        ));
        assert!(!m("pkg:golang/example.com/mod", "pkg:golang/mod@v1.0.0"));
    }

    #[test]
    fn unparseable_candidate_matches_nothing() {
        assert!(!m("pkg:pypi/django", "not a purl"));
        assert!(PurlPattern::parse("django").is_err());
        assert!(!Candidate::parse("::").is_valid());
    }
}
