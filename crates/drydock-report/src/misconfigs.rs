//! What every renderer of misconfigurations shares: one order, and one way
//! to name where a finding is.
//!
//! A [`MisconfigLocation`] can hold a file, lines, a config path, an object
//! and a layer at once; which of them is shown first is decided here, so
//! the table and the SARIF message agree.

use std::cmp::Reverse;

use drydock_findings::{MisconfigLocation, Misconfiguration, Severity, Suppression};
use drydock_inventory::LayerRef;

use crate::Target;

/// `s` trimmed, `None` when that leaves nothing.
fn non_blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The file a finding is in, without the leading `/`; `None` when absent
/// or empty once the `/` is dropped (it then names no file).
pub(crate) fn file(l: &MisconfigLocation) -> Option<&str> {
    l.file
        .as_deref()
        .map(|f| f.trim_start_matches('/'))
        .filter(|f| !f.is_empty())
}

/// The config path, when it says anything.
pub(crate) fn config_path(l: &MisconfigLocation) -> Option<&str> {
    non_blank(l.config_path.as_deref())
}

/// The object inside a multi-object file, when it says anything.
pub(crate) fn object(l: &MisconfigLocation) -> Option<&str> {
    non_blank(l.object.as_deref())
}

/// The first line, when known (SARIF and people count from 1).
pub(crate) fn line(l: &MisconfigLocation) -> Option<u32> {
    l.line.filter(|n| *n >= 1)
}

/// The last line, when the construct spans several (after the first).
pub(crate) fn end_line(l: &MisconfigLocation) -> Option<u32> {
    let start = line(l)?;
    l.end_line.filter(|e| *e > start)
}

/// Findings most severe first, then by check id, source and location: the
/// order of the machine formats, as [`crate::vulns::sorted`] is for
/// vulnerabilities. Stable, so exact ties keep their input order.
pub(crate) fn sorted(findings: &[Misconfiguration]) -> Vec<&Misconfiguration> {
    let mut out: Vec<&Misconfiguration> = findings.iter().collect();
    out.sort_by(|a, b| {
        (Reverse(a.severity), a.check_id.as_str(), a.source.as_str())
            .cmp(&(Reverse(b.severity), b.check_id.as_str(), b.source.as_str()))
            .then_with(|| location_key(&a.location).cmp(&location_key(&b.location)))
            .then_with(|| rest_key(a).cmp(&rest_key(b)))
    });
    out
}

/// Everything else about a finding, compared last so that only identical
/// findings tie and the order never depends on the scanner's.
type RestKey<'a> = (
    &'a str,
    (
        Option<&'a str>,
        Option<u32>,
        Option<u32>,
        Option<&'a str>,
        Option<&'a str>,
    ),
    &'a str,
    &'a str,
    &'a [String],
    Option<SuppressionKey<'a>>,
);

fn rest_key(m: &Misconfiguration) -> RestKey<'_> {
    let l = &m.location;
    (
        m.evidence.as_str(),
        (
            l.file.as_deref(),
            l.line,
            l.end_line,
            l.config_path.as_deref(),
            l.object.as_deref(),
        ),
        m.title.as_str(),
        m.remediation.as_str(),
        &m.references,
        m.suppressed.as_ref().map(suppression_key),
    )
}

/// A suppression as a sort key: kind, source, reason.
pub(crate) type SuppressionKey<'a> = (u8, &'a str, Option<&'a str>);

pub(crate) fn suppression_key(s: &Suppression) -> SuppressionKey<'_> {
    let kind = match s.kind {
        drydock_findings::SuppressionKind::IgnoreFile => 0,
        drydock_findings::SuppressionKind::Vex => 1,
    };
    (kind, s.source.as_str(), s.reason.as_deref())
}

/// A location as a sort key: file-less findings (config checks) first,
/// then by file, object, line, config path and layer.
type LocationKey<'a> = (
    Option<&'a str>,
    Option<&'a str>,
    Option<u32>,
    Option<&'a str>,
    Option<usize>,
);

fn location_key(l: &MisconfigLocation) -> LocationKey<'_> {
    (file(l), object(l), line(l), config_path(l), l.layer)
}

/// True for the hardening inventory: facts worth knowing, not defects.
pub(crate) fn is_info(m: &Misconfiguration) -> bool {
    m.severity == Severity::Info
}

/// Findings as the table groups them: defects before the [`is_info`]
/// inventory, then by source, by file and object, then most severe first,
/// by line and check id.
pub(crate) fn grouped(findings: &[Misconfiguration]) -> Vec<&Misconfiguration> {
    let mut out: Vec<&Misconfiguration> = findings.iter().collect();
    out.sort_by(|a, b| {
        group_key(a)
            .cmp(&group_key(b))
            .then_with(|| line(&a.location).cmp(&line(&b.location)))
            .then_with(|| a.check_id.cmp(&b.check_id))
            .then_with(|| location_key(&a.location).cmp(&location_key(&b.location)))
            .then_with(|| rest_key(a).cmp(&rest_key(b)))
    });
    out
}

/// What the table starts a new group for: the info block, the source, and
/// the file and object.
pub(crate) type GroupKey<'a> = (bool, &'a str, Option<&'a str>, Option<&'a str>);

pub(crate) fn group(m: &Misconfiguration) -> GroupKey<'_> {
    (
        is_info(m),
        source(m),
        file(&m.location),
        object(&m.location),
    )
}

fn group_key(m: &Misconfiguration) -> (GroupKey<'_>, Reverse<Severity>) {
    (group(m), Reverse(m.severity))
}

/// Where a finding is, for people: `/app/Dockerfile:12` (`:12-14` for a
/// span, no line when unknown), else the config path (`config.User`), else
/// `layer 3`; the object follows in parentheses (`/k8s/web.yaml:21
/// (Deployment/web)`), or stands alone when nothing else is known.
pub(crate) fn place(l: &MisconfigLocation) -> String {
    let mut s = match (file(l), config_path(l), l.layer) {
        (Some(f), _, _) => match (line(l), end_line(l)) {
            (Some(a), Some(b)) => format!("/{f}:{a}-{b}"),
            (Some(a), None) => format!("/{f}:{a}"),
            _ => format!("/{f}"),
        },
        (None, Some(c), _) => c.to_owned(),
        (None, None, Some(n)) => format!("layer {n}"),
        (None, None, None) => String::new(),
    };
    if let Some(o) = object(l) {
        if s.is_empty() {
            s = o.to_owned();
        } else {
            s.push_str(&format!(" ({o})"));
        }
    }
    s
}

/// The layer a finding is about, its diff_id from the target's layers.
pub(crate) fn layer(l: &MisconfigLocation, target: &Target) -> Option<LayerRef> {
    l.layer.map(|i| crate::target::layer(target, i, None))
}

/// The title to show: the check's title, or its id when the title is blank.
pub(crate) fn title(m: &Misconfiguration) -> &str {
    let t = m.title.trim();
    if t.is_empty() { &m.check_id } else { t }
}

/// The source to show: `image`, `dockerfile`, …, or `unknown` when blank.
pub(crate) fn source(m: &Misconfiguration) -> &str {
    let s = m.source.trim();
    if s.is_empty() { "unknown" } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: Option<&str>, line: Option<u32>, end: Option<u32>) -> MisconfigLocation {
        MisconfigLocation {
            file: file.map(str::to_owned),
            line,
            end_line: end,
            ..MisconfigLocation::default()
        }
    }

    #[test]
    fn places_prefer_file_then_config_path_then_layer() {
        assert_eq!(
            place(&at(Some("app/Dockerfile"), Some(12), None)),
            "/app/Dockerfile:12"
        );
        assert_eq!(
            place(&at(Some("/app/Dockerfile"), Some(12), Some(14))),
            "/app/Dockerfile:12-14"
        );
        // An end before the start, or a line 0, is not a span.
        assert_eq!(
            place(&at(Some("Dockerfile"), Some(12), Some(3))),
            "/Dockerfile:12"
        );
        assert_eq!(
            place(&at(Some("Dockerfile"), Some(0), Some(3))),
            "/Dockerfile"
        );
        let mut l = at(Some("/"), None, None);
        l.config_path = Some("config.User".into());
        l.layer = Some(2);
        assert_eq!(place(&l), "config.User");
        l.config_path = Some("  ".into());
        assert_eq!(place(&l), "layer 2");
        l.object = Some("Deployment/web".into());
        assert_eq!(place(&l), "layer 2 (Deployment/web)");
        l.layer = None;
        assert_eq!(place(&l), "Deployment/web");
        l.object = None;
        assert_eq!(place(&l), "");
    }

    fn finding(id: &str, severity: Severity, source: &str, file: Option<&str>) -> Misconfiguration {
        Misconfiguration {
            check_id: id.into(),
            title: String::new(),
            severity,
            source: source.into(),
            location: at(file, None, None),
            evidence: String::new(),
            remediation: String::new(),
            references: vec![],
            suppressed: None,
        }
    }

    #[test]
    fn orders() {
        let all = [
            finding("B", Severity::Info, "image", None),
            finding("A", Severity::Low, "image", Some("z")),
            finding("C", Severity::High, "dockerfile", Some("Dockerfile")),
            finding("D", Severity::Unknown, "image", None),
            finding("E", Severity::Critical, "image", Some("z")),
        ];
        let ids = |v: Vec<&Misconfiguration>| -> Vec<String> {
            v.iter().map(|m| m.check_id.clone()).collect()
        };
        // Machine order: severity first; info ranks above unknown.
        assert_eq!(ids(sorted(&all)), ["E", "C", "A", "B", "D"]);
        // Table: info last, then by source, file, severity.
        assert_eq!(ids(grouped(&all)), ["C", "D", "E", "A", "B"]);
        assert_eq!(title(&all[0]), "B");
        assert_eq!(source(&finding("x", Severity::Low, " ", None)), "unknown");
    }
}
