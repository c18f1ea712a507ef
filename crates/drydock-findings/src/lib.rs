//! Findings: what the scanners conclude about an image.
//!
//! The inventory says what is installed; a finding says what is wrong with
//! it. Every scanner's findings share the vocabulary here ([`Severity`],
//! [`Suppression`], the [`PackageRef`] and layer they point at), so
//! policies, gates and every report format treat them the same way.
//!
//! A [`Vulnerability`] is one advisory matched against one package. It
//! carries enough to explain itself without the database: the advisory id
//! and aliases, the installed and fixed versions, the fix state, the
//! severity with its source, the layer that introduced the package, and a
//! one-line `reason` naming the range that matched.

#![deny(missing_docs)]

use std::fmt;
use std::str::FromStr;

use drydock_inventory::{Ecosystem, LayerRef, Package, SourcePackage};
use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Unknown < Negligible < … < Critical`,
/// so gates compare with `>=`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No rating available.
    #[default]
    Unknown,
    /// Informational: worth knowing (a hardening inventory), not a defect.
    Info,
    /// Rated as no real risk (Debian `unimportant`).
    Negligible,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// Every severity, lowest first.
    pub const ALL: [Severity; 7] = [
        Self::Unknown,
        Self::Info,
        Self::Negligible,
        Self::Low,
        Self::Medium,
        Self::High,
        Self::Critical,
    ];

    /// Upper-case label, as tables and SARIF properties show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "UNKNOWN",
            Self::Info => "INFO",
            Self::Negligible => "NEGLIGIBLE",
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
            Self::Critical => "CRITICAL",
        }
    }

    /// The qualitative rating of a CVSS v3/v4 base score.
    pub fn from_cvss(score: f64) -> Self {
        match score {
            s if s >= 9.0 => Self::Critical,
            s if s >= 7.0 => Self::High,
            s if s >= 4.0 => Self::Medium,
            s if s > 0.0 => Self::Low,
            _ => Self::Negligible,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity name that is not one of [`Severity::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown severity `{0}` (expected unknown, info, negligible, low, medium, high or critical)"
)]
pub struct UnknownSeverity(pub String);

impl FromStr for Severity {
    type Err = UnknownSeverity;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownSeverity(s.to_owned()))
    }
}

/// Whether, and how, the vendor fixes a vulnerability.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixState {
    /// A fixed version exists.
    Fixed,
    /// Affected, no fix released yet.
    NotFixed,
    /// The vendor decided not to fix it (Debian `no-dsa`, `ignored`).
    WontFix,
    /// The vendor postponed the fix.
    Deferred,
    /// The release is out of support.
    EndOfLife,
    /// The feed does not say.
    #[default]
    Unknown,
}

impl FixState {
    /// Lower-case label, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::NotFixed => "not-fixed",
            Self::WontFix => "wont-fix",
            Self::Deferred => "deferred",
            Self::EndOfLife => "end-of-life",
            Self::Unknown => "unknown",
        }
    }

    /// Parses the labels of [`FixState::as_str`]; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Fixed,
            Self::NotFixed,
            Self::WontFix,
            Self::Deferred,
            Self::EndOfLife,
            Self::Unknown,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

impl fmt::Display for FixState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The package a finding is about, copied out of the inventory so a finding
/// stands on its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PackageRef {
    /// Name as the ecosystem spells it.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package URL; also how reports link a finding to its SBOM component.
    pub purl: String,
    /// Source package, for OS packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// The file that evidences the package (its primary location), without
    /// the leading `/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The layer that introduced the package.
    pub layer: LayerRef,
}

impl PackageRef {
    /// The reference for an inventory package.
    pub fn of(p: &Package) -> Self {
        Self {
            name: p.name.clone(),
            version: p.version.clone(),
            ecosystem: p.ecosystem,
            purl: p.purl.clone(),
            source: p.source.clone(),
            path: p
                .locations
                .first()
                .map(|l| l.path.trim_start_matches('/').to_owned()),
            layer: p.layer.clone(),
        }
    }
}

/// A CVSS score as the advisory gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// `CVSS_V3`, `CVSS_V4`, `CVSS_V2`.
    pub kind: String,
    /// The vector string.
    pub vector: String,
    /// The base score computed from the vector, when it could be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// Why a finding is hidden from gates and default output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `ignore-file` or `vex`.
    pub kind: SuppressionKind,
    /// The file the rule came from.
    pub source: String,
    /// The stated reason or VEX justification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What suppressed a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    /// A rule of an ignore file.
    IgnoreFile,
    /// An OpenVEX statement (`not_affected` or `fixed`).
    Vex,
}

/// One advisory matched against one package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// Advisory id: `PYSEC-2019-10`, `GO-2023-1621`, `DSA-5343-1`, `CVE-…`.
    pub id: String,
    /// Other ids of the same issue (CVE, GHSA), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The affected package.
    pub package: PackageRef,
    /// The version that was compared: the installed version, or the source
    /// version for distribution advisories keyed by source package.
    pub matched_version: String,
    /// Versions that fix it, lowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    /// Whether a fix exists.
    pub fix_state: FixState,
    /// Severity.
    pub severity: Severity,
    /// Where the severity came from (`CVSS_V3 of PYSEC-…`, `Debian urgency`);
    /// absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<String>,
    /// CVSS vectors given by the advisory.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<Cvss>,
    /// The advisory's one-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The feed ecosystem the advisory came from (`PyPI`, `Debian:11`).
    pub feed: String,
    /// Why it matched, in one line: "installed 2.2.1 < fixed 2.2.9 in range
    /// introduced 2.2".
    pub reason: String,
    /// Links, advisory page first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Publication date of the advisory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when a policy hid this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

impl Vulnerability {
    /// Every id this finding answers to: its own and its aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// The CVE among the ids, if any (the advisory's own id first).
    pub fn cve(&self) -> Option<&str> {
        self.ids().find(|i| i.starts_with("CVE-"))
    }
}

/// Where a secret was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SecretLocation {
    /// In a file of a layer, whether or not the file is still visible.
    File {
        /// Path inside the image, without the leading `/`; archive members
        /// are `outer.jar!/inner/file`.
        path: String,
        /// The layer whose copy of the file holds the secret.
        layer: LayerRef,
        /// Set when a later layer deleted the file: the secret is still in
        /// the image, in the layer above.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted_in_layer: Option<usize>,
        /// Set when a later layer replaced the file with another version.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaced_in_layer: Option<usize>,
        /// 1-based line of the match.
        line: u32,
        /// 1-based column (in bytes) of the match.
        column: u32,
    },
    /// An `Env` entry of the image config.
    Env {
        /// The variable name.
        name: String,
    },
    /// A label of the image config.
    Label {
        /// The label key.
        name: String,
    },
    /// A `history[].created_by` entry of the image config (build
    /// arguments leak there as `|1 NAME=value`).
    History {
        /// Position in the config's history.
        index: usize,
        /// The layer the step created, when it created one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        layer: Option<usize>,
    },
}

/// A credential found in the image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    /// The rule that matched (`aws-access-key-id`).
    pub rule_id: String,
    /// Human title of the rule.
    pub title: String,
    /// Rule category (`cloud`, `vcs`, `private-key`…).
    pub category: String,
    /// Severity.
    pub severity: Severity,
    /// Where it is.
    pub location: SecretLocation,
    /// The secret with all but a short prefix hidden, and its length.
    pub redacted: String,
    /// The secret itself; only filled when the user asks to reveal secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Stable identity of this finding (rule, place, secret), for ignore
    /// files and history.
    pub fingerprint: String,
    /// Set when a policy hid this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// Where a misconfiguration was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MisconfigLocation {
    /// The file checked: a Dockerfile, manifest or compose file on disk, or a
    /// path inside the image without the leading `/`. Absent for checks of
    /// the image config itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// 1-based first line, for line-oriented inputs (Dockerfile, YAML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based last line, when the construct spans several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Path of the offending setting inside a structured document:
    /// `config.User`, `spec.template.spec.containers[0].securityContext.privileged`,
    /// `HostConfig.Privileged`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_path: Option<String>,
    /// The image layer involved, for image checks about files or history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<usize>,
    /// The object checked inside a multi-object file: `Deployment/web`,
    /// service `db` of a compose file, container `app`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
}

/// A failed configuration check (Dockerfile, image, runtime, daemon, policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Misconfiguration {
    /// Stable check id (`DD-IMG-001`, `DD-DF-003`, `DD-K8S-PSS-PRIV`, or a
    /// custom policy's id).
    pub check_id: String,
    /// One-line title of the check.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// What kind of input the check ran on: `image`, `dockerfile`,
    /// `kubernetes`, `compose`, `docker-inspect`, `daemon`, `policy`.
    pub source: String,
    /// Where.
    pub location: MisconfigLocation,
    /// The offending text or value, as found (secrets redacted).
    pub evidence: String,
    /// What to do about it, in one line.
    pub remediation: String,
    /// Benchmark and peer mappings: `CIS-Docker-4.1`, `dockle:CIS-DI-0001`,
    /// `hadolint:DL3008`, `PSS-baseline:privileged`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Set when a policy or an inline ignore hid this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// A file one of the malware engines flagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Malware {
    /// The engine: `yara`, `hash` or `clamav`.
    pub engine: String,
    /// The YARA rule (`namespace.rule` for user rules), the hash list entry's
    /// name, or the ClamAV signature.
    pub rule: String,
    /// `webshell`, `miner`, `backdoor`, `hacktool`, `rootkit`, `test-file`
    /// or `malware`.
    pub category: String,
    /// Severity.
    pub severity: Severity,
    /// What the rule detects, in one line.
    pub description: String,
    /// Path inside the image without the leading `/`; archive members are
    /// `outer.jar!/member`.
    pub path: String,
    /// The layer whose copy of the file matched.
    pub layer: LayerRef,
    /// Set when a later layer deleted the file: it is still in the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_in_layer: Option<usize>,
    /// Set when a later layer replaced the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_in_layer: Option<usize>,
    /// Matched or decoded text, escaped and truncated; decoded evidence
    /// says how it was decoded (`decoded base64_decode → gzinflate: …`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// SHA-256 of the file, when the engine computed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Set when a policy hid this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Negligible);
        assert!(Severity::Negligible > Severity::Unknown);
        assert_eq!("high".parse::<Severity>(), Ok(Severity::High));
        assert_eq!(" CRITICAL ".parse::<Severity>(), Ok(Severity::Critical));
        assert!("severe".parse::<Severity>().is_err());
        assert_eq!(Severity::from_cvss(9.8), Severity::Critical);
        assert_eq!(Severity::from_cvss(7.0), Severity::High);
        assert_eq!(Severity::from_cvss(6.9), Severity::Medium);
        assert_eq!(Severity::from_cvss(0.1), Severity::Low);
        assert_eq!(Severity::from_cvss(0.0), Severity::Negligible);
    }

    #[test]
    fn fix_state_round_trips() {
        for s in [
            FixState::Fixed,
            FixState::NotFixed,
            FixState::WontFix,
            FixState::Deferred,
            FixState::EndOfLife,
            FixState::Unknown,
        ] {
            assert_eq!(FixState::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(FixState::parse("maybe"), None);
    }
}
