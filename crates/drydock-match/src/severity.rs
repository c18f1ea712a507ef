//! Where a finding's severity comes from.

use std::str::FromStr;

use drydock_advisory::{Advisory, Affected};
use drydock_findings::{Cvss, Severity};

/// A severity with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// The severity.
    pub severity: Severity,
    /// What it was derived from; `None` when unknown.
    pub source: Option<String>,
    /// CVSS vectors of the advisory, scored.
    pub cvss: Vec<Cvss>,
}

/// Rates an advisory for one affected entry. In order: the highest CVSS
/// version the advisory carries (v3 preferred over v4 and v2 because it is
/// what most feeds and policies are calibrated on), a qualitative rating in
/// `database_specific.severity` (GitHub's `HIGH`, `MODERATE`…), then the
/// distribution's urgency of the affected entry (Debian's `low`, `medium`,
/// `high`, `unimportant`).
pub fn rate(adv: &Advisory, aff: &Affected) -> Rating {
    let mut cvss: Vec<Cvss> = adv
        .severity
        .iter()
        .filter(|s| s.kind.starts_with("CVSS_"))
        .map(|s| Cvss {
            kind: s.kind.clone(),
            vector: s.score.clone(),
            score: cvss::Cvss::from_str(s.score.trim())
                .ok()
                .map(|c| (c.score() * 10.0).round() / 10.0),
        })
        .collect();
    cvss.sort_by(|a, b| a.kind.cmp(&b.kind));
    let pick = ["CVSS_V3", "CVSS_V4", "CVSS_V2"]
        .iter()
        .find_map(|k| cvss.iter().find(|c| c.kind == *k && c.score.is_some()));
    if let Some(c) = pick
        && let Some(score) = c.score
    {
        return Rating {
            severity: Severity::from_cvss(score),
            source: Some(format!("{} {score} of {}", c.kind, adv.id)),
            cvss,
        };
    }
    let qualitative = |v: Option<&serde_json::Value>| {
        v.and_then(|d| d.get("severity"))
            .and_then(|s| s.as_str())
            .and_then(|s| match s.to_ascii_lowercase().as_str() {
                "critical" => Some(Severity::Critical),
                "high" | "important" => Some(Severity::High),
                "moderate" | "medium" => Some(Severity::Medium),
                "low" => Some(Severity::Low),
                _ => None,
            })
    };
    if let Some(s) =
        qualitative(adv_db(adv)).or_else(|| qualitative(aff.database_specific.as_ref()))
    {
        return Rating {
            severity: s,
            source: Some(format!("rating of {}", adv.id)),
            cvss,
        };
    }
    let urgency = aff
        .database_specific
        .as_ref()
        .and_then(|d| d.get("urgency"))
        .and_then(|u| u.as_str())
        .map(|u| u.trim_end_matches('*'));
    let from_urgency = match urgency {
        Some("unimportant") => Some(Severity::Negligible),
        Some("low") => Some(Severity::Low),
        Some("medium") => Some(Severity::Medium),
        Some("high") => Some(Severity::High),
        _ => None,
    };
    if let Some(s) = from_urgency {
        return Rating {
            severity: s,
            source: Some(format!("{} urgency", aff.package.ecosystem)),
            cvss,
        };
    }
    Rating {
        severity: Severity::Unknown,
        source: None,
        cvss,
    }
}

/// Advisory-level `database_specific`, which the model keeps per affected
/// entry only; OSV records that carry it at the top level lose nothing
/// because GitHub's rating is repeated there.
fn adv_db(_adv: &Advisory) -> Option<&serde_json::Value> {
    None
}
