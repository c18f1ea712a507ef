use serde::{Deserialize, Serialize};

/// One advisory in OSV form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// `PYSEC-2021-335`, `GO-2023-1234`, `DSA-5380-1`, `CVE-2023-1393`.
    pub id: String,
    /// Last modification, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Publication, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when the advisory was retracted; withdrawn advisories never match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// Other ids for the same issue (CVEs, GHSAs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Longer description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    /// Severity scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// What is affected.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// Feed-specific data at the record level (GitHub's qualitative
    /// `severity`, for one), kept opaque.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// A severity score (`CVSS_V3` vector, or a distribution's rating).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or rating.
    pub score: String,
}

/// A link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `FIX`, `WEB`, …
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The URL.
    pub url: String,
}

/// A package in an ecosystem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// OSV ecosystem: `PyPI`, `Go`, `Debian:11`, `Alpine:v3.18`, …
    pub ecosystem: String,
    /// Name as the ecosystem spells it (source package for distributions).
    pub name: String,
    /// purl, when the feed gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// The affected versions of one package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// The package.
    pub package: Package,
    /// Version ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Ecosystem-specific data (Go symbols, Debian urgency), kept opaque.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Database-specific data, kept opaque.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<serde_json::Value>,
}

/// The kind of a range: how its events are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    /// Ordered by the ecosystem's own version scheme.
    #[serde(rename = "ECOSYSTEM")]
    Ecosystem,
    /// Ordered by SemVer 2.0.
    #[serde(rename = "SEMVER")]
    Semver,
    /// Commits; cannot be evaluated against installed versions.
    #[serde(rename = "GIT")]
    Git,
}

/// One range: a sequence of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// How versions are ordered.
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// Events, in the order the feed lists them.
    #[serde(default)]
    pub events: Vec<Event>,
}

/// A range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Versions from here on are affected (`0` means from the beginning).
    #[serde(rename = "introduced")]
    Introduced(String),
    /// This version and later are not affected.
    #[serde(rename = "fixed")]
    Fixed(String),
    /// This version is the last affected one.
    #[serde(rename = "last_affected")]
    LastAffected(String),
    /// Versions up to here (exclusive) are considered; OSV's `limit`.
    #[serde(rename = "limit")]
    Limit(String),
}

impl Event {
    /// The version the event names.
    pub fn version(&self) -> &str {
        match self {
            Self::Introduced(v) | Self::Fixed(v) | Self::LastAffected(v) | Self::Limit(v) => v,
        }
    }
}

/// Checks what the OSV schema requires beyond shape: an id, and ranges that
/// start with an introduction and name versions.
pub fn validate(a: &Advisory) -> Result<(), String> {
    if a.id.trim().is_empty() {
        return Err("empty id".into());
    }
    if a.id.len() > 256 {
        return Err("id longer than 256 bytes".into());
    }
    for aff in &a.affected {
        if aff.package.name.is_empty() || aff.package.ecosystem.is_empty() {
            return Err("affected entry without package name or ecosystem".into());
        }
        for r in &aff.ranges {
            if r.events.is_empty() {
                return Err(format!("range for `{}` has no events", aff.package.name));
            }
            if !r.events.iter().any(|e| matches!(e, Event::Introduced(_))) {
                return Err(format!(
                    "range for `{}` has no `introduced` event",
                    aff.package.name
                ));
            }
            if let Some(e) = r.events.iter().find(|e| e.version().is_empty()) {
                return Err(format!(
                    "empty version in event {e:?} for `{}`",
                    aff.package.name
                ));
            }
        }
    }
    Ok(())
}
