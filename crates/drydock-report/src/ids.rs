//! Deterministic identifiers: document UUIDs from a content hash, SPDX-safe
//! id strings, and unique references.

use std::collections::{HashMap, HashSet};

use drydock_findings::Vulnerability;
use drydock_inventory::Inventory;
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::{Error, ScanReport, Target, ToolInfo};

/// The report as the SBOMs see it: everything but the secrets,
/// misconfigurations and malware, serialized exactly as [`ScanReport`]
/// serializes those fields.
#[derive(Serialize)]
struct SbomView<'a> {
    tool: &'a ToolInfo,
    created: &'a str,
    target: &'a Target,
    inventory: &'a Inventory,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    vulnerabilities: &'a [Vulnerability],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    warnings: &'a [String],
}

/// SHA-256 of the report's JSON form without its secrets,
/// misconfigurations and malware. Every SBOM identifier derives from it, so
/// the same report always yields the same serial number and namespace, and
/// any change to what the SBOMs show changes them. Those findings are left
/// out because no SBOM shows them: an SBOM's identity should not change
/// with them, nor (for secrets) be a hash an attacker could test guessed
/// secrets against.
pub(crate) fn report_hash(report: &ScanReport) -> Result<[u8; 32], Error> {
    // Destructured so a new report field is a compile error here until
    // someone decides whether it belongs to the SBOMs' identity.
    let ScanReport {
        tool,
        created,
        target,
        inventory,
        vulnerabilities,
        secrets: _,
        misconfigurations: _,
        malware: _,
        warnings,
    } = report;
    let bytes = serde_json::to_vec(&SbomView {
        tool,
        created,
        target,
        inventory,
        vulnerabilities,
        warnings,
    })?;
    Ok(Sha256::digest(bytes).into())
}

/// An RFC 9562 version 8 (custom) UUID from the first 16 bytes of a hash,
/// in lowercase hyphenated form.
pub(crate) fn uuid_from_hash(hash: &[u8; 32], salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(hash);
    let d: [u8; 32] = h.finalize().into();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// The first 8 hex digits of the SHA-256 of `s`: a short, stable suffix that
/// keeps ids distinct when sanitizing made two inputs look alike.
pub(crate) fn short_hash(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    hex::encode(&d[..4])
}

/// Maps `s` to the SPDX idstring alphabet `[A-Za-z0-9.-]`: other characters
/// become `-`, runs of `-` collapse, and the result is at most `max` chars.
/// May return an empty string.
pub(crate) fn sanitize_idstring(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if out.len() >= max {
            break;
        }
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// True if `s` is a non-empty SPDX idstring.
pub(crate) fn is_idstring(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// True if `s` has the shape of a purl: `pkg:`, a type, `/`, a name, and no
/// whitespace or control characters (a real purl percent-encodes those).
/// SBOM consumers reject anything else in a purl field, and the inventory
/// may hold whatever a hostile image made a cataloger produce.
pub(crate) fn is_purl_shaped(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("pkg:") else {
        return false;
    };
    !rest.chars().any(|c| c.is_whitespace() || c.is_control())
        && rest
            .char_indices()
            .any(|(i, c)| c == '/' && i > 0 && i + 1 < rest.len())
}

/// Hands out references that are unique within one document.
#[derive(Default)]
pub(crate) struct Unique {
    used: HashSet<String>,
    /// Next suffix number to try per base, so a thousand packages sharing a
    /// purl cost a thousand lookups, not half a million.
    next: HashMap<String, usize>,
}

impl Unique {
    /// Reserves `base`, or `base` with a numbered suffix from `suffix` if it
    /// is taken. Each attempt either succeeds or skips a number that is
    /// already used, so this always terminates.
    pub(crate) fn take(&mut self, base: String, suffix: impl Fn(&str, usize) -> String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let candidate = suffix(&base, *n);
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_hash_is_the_json_hash_without_non_sbom_findings() {
        let mut report = ScanReport {
            created: "2024-05-01T12:00:00Z".into(),
            target: Target::new("img", crate::TargetKind::Image),
            warnings: vec!["w".into()],
            ..ScanReport::default()
        };
        // Without secrets the view serializes exactly like the report, so
        // documents rendered before secrets existed keep their ids.
        let plain: [u8; 32] = Sha256::digest(serde_json::to_vec(&report).unwrap()).into();
        assert_eq!(report_hash(&report).unwrap(), plain);
        report.secrets.push(drydock_findings::Secret {
            rule_id: "r".into(),
            title: "t".into(),
            category: "c".into(),
            severity: drydock_findings::Severity::High,
            location: drydock_findings::SecretLocation::Env { name: "K".into() },
            redacted: "ab…".into(),
            secret: Some("abcdef".into()),
            fingerprint: "f".into(),
            suppressed: None,
        });
        assert_eq!(report_hash(&report).unwrap(), plain);
        report
            .misconfigurations
            .push(drydock_findings::Misconfiguration {
                check_id: "DD-IMG-001".into(),
                title: "t".into(),
                severity: drydock_findings::Severity::High,
                source: "image".into(),
                location: drydock_findings::MisconfigLocation::default(),
                evidence: "e".into(),
                remediation: "r".into(),
                references: vec![],
                suppressed: None,
            });
        report.malware.push(drydock_findings::Malware {
            engine: "yara".into(),
            rule: "r".into(),
            category: "miner".into(),
            severity: drydock_findings::Severity::High,
            description: "d".into(),
            path: "p".into(),
            layer: drydock_inventory::LayerRef {
                index: 0,
                diff_id: None,
            },
            deleted_in_layer: None,
            replaced_in_layer: None,
            evidence: vec![],
            sha256: None,
            suppressed: None,
        });
        assert_eq!(report_hash(&report).unwrap(), plain);
        report.warnings.clear();
        assert_ne!(report_hash(&report).unwrap(), plain);
    }

    #[test]
    fn uuid_shape_and_determinism() {
        let a = uuid_from_hash(&[7; 32], "cdx");
        assert_eq!(a, uuid_from_hash(&[7; 32], "cdx"));
        assert_ne!(a, uuid_from_hash(&[7; 32], "spdx"));
        assert_ne!(a, uuid_from_hash(&[8; 32], "cdx"));
        let parts: Vec<_> = a.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(a.as_bytes()[14], b'8');
        assert!(matches!(a.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn sanitizes() {
        assert_eq!(sanitize_idstring("@babel/core", 64), "babel-core");
        assert_eq!(sanitize_idstring("1:2.3+dfsg~1", 64), "1-2.3-dfsg-1");
        assert_eq!(sanitize_idstring("日本語", 64), "");
        assert_eq!(sanitize_idstring(&"a".repeat(100), 10).len(), 10);
        assert!(is_idstring("a.b-C9"));
        assert!(!is_idstring(""));
        assert!(!is_idstring("a_b"));
    }

    #[test]
    fn purl_shape() {
        assert!(is_purl_shaped("pkg:npm/%40babel/core@7.0.0"));
        assert!(is_purl_shaped("pkg:deb/debian/a@1?arch=amd64#sub"));
        for bad in [
            "",
            "pkg:",
            "pkg:npm/",
            "pkg:/a",
            "npm/a",
            "pkg:npm/a b",
            "pkg:npm/a\n",
        ] {
            assert!(!is_purl_shaped(&bad.replace("\\n", "\n")), "{bad}");
        }
    }

    #[test]
    fn unique_suffixes() {
        let mut u = Unique::default();
        let f = |b: &str, n: usize| format!("{b}-{n}");
        assert_eq!(u.take("x".into(), f), "x");
        assert_eq!(u.take("x".into(), f), "x-2");
        assert_eq!(u.take("x-3".into(), f), "x-3");
        assert_eq!(u.take("x".into(), f), "x-4");
    }
}
