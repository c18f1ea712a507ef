//! SARIF 2.1.0: findings as static-analysis results, for code-scanning
//! dashboards.
//!
//! Every kind of finding is first turned into a [`SarifResult`], and
//! [`log`] turns a list of them into the log: it collects the rules, adds
//! layer properties and fingerprints, and describes the image once in the
//! run. Vulnerabilities are one producer ([`vulnerability_results`]);
//! secrets, malware and misconfiguration findings will be others, so none
//! of the log's shape depends on what a finding is.

use std::collections::{BTreeMap, HashMap};

use drydock_findings::{Severity, SuppressionKind, Vulnerability};
use drydock_inventory::LayerRef;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::vulns::{self, package_path};
use crate::{Error, ScanReport, time};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base every in-image artifact URI is relative to: the root of the
/// image's merged filesystem.
const IMAGE_ROOT: &str = "IMAGE_ROOT";
/// Key of the fingerprint in `partialFingerprints`; the version changes if
/// what goes into the hash ever does, so consumers do not mistake old and
/// new fingerprints for different results.
const FINGERPRINT_KEY: &str = "drydock/v1";

/// SARIF `level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    /// critical and high → error, medium → warning, the rest → note.
    pub(crate) fn of(s: Severity) -> Self {
        match s {
            Severity::Critical | Severity::High => Self::Error,
            Severity::Medium => Self::Warning,
            Severity::Low | Severity::Negligible | Severity::Unknown => Self::Note,
        }
    }
}

/// What a result is an instance of. Results sharing a rule id share one
/// rule in the log: the first result's.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) short_description: String,
    pub(crate) full_description: Option<String>,
    pub(crate) help: Option<String>,
    /// Must already be a valid absolute URI.
    pub(crate) help_uri: Option<String>,
    pub(crate) level: Level,
    pub(crate) properties: Map<String, Value>,
}

/// Where a finding is.
#[derive(Debug, Clone)]
pub(crate) enum ArtifactUri {
    /// A path inside the image, raw; encoded and made relative to
    /// `IMAGE_ROOT` by the log builder.
    InImage(String),
    /// An already valid absolute URI (a purl), for findings with no file.
    Absolute(String),
}

/// The logical thing a finding is about (a package).
#[derive(Debug, Clone)]
pub(crate) struct Logical {
    pub(crate) name: String,
    pub(crate) fully_qualified_name: Option<String>,
    pub(crate) kind: &'static str,
}

/// Why a finding is hidden from gates. drydock only knows suppressions from
/// outside the image (ignore files, VEX), so every one is `external`.
#[derive(Debug, Clone)]
pub(crate) struct SarifSuppression {
    pub(crate) justification: String,
    pub(crate) properties: Map<String, Value>,
}

/// One finding of any kind, ready for the log.
#[derive(Debug, Clone)]
pub(crate) struct SarifResult {
    pub(crate) rule: Rule,
    pub(crate) level: Level,
    pub(crate) message: String,
    pub(crate) uri: Option<ArtifactUri>,
    pub(crate) logical: Option<Logical>,
    /// Becomes the `layer-index` and `layer-diff-id` properties.
    pub(crate) layer: Option<LayerRef>,
    pub(crate) properties: Map<String, Value>,
    /// From [`fingerprint`].
    pub(crate) fingerprint: String,
    pub(crate) suppression: Option<SarifSuppression>,
}

/// A stable fingerprint of a finding's identity: the hex SHA-256 (first 16
/// bytes) of the length-prefixed parts, so `("ab", "c")` and `("a", "bc")`
/// differ.
pub(crate) fn fingerprint(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let d: [u8; 32] = h.finalize().into();
    hex::encode(&d[..16])
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    original_uri_base_ids: BTreeMap<&'static str, BaseUri>,
    results: Vec<ResultOut>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    properties: Map<String, Value>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: String,
    version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<RuleOut>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleOut {
    id: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: DefaultConfiguration,
    #[serde(skip_serializing_if = "Map::is_empty")]
    properties: Map<String, Value>,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: Level,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    end_time_utc: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: Level,
    message: Text,
}

#[derive(Serialize)]
struct BaseUri {
    uri: &'static str,
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultOut {
    rule_id: String,
    rule_index: usize,
    level: Level,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<LocationOut>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SuppressionOut>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    properties: Map<String, Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalOut {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fully_qualified_name: Option<String>,
    kind: &'static str,
}

#[derive(Serialize)]
struct SuppressionOut {
    kind: &'static str,
    status: &'static str,
    justification: String,
    #[serde(skip_serializing_if = "Map::is_empty")]
    properties: Map<String, Value>,
}

/// The SARIF log of every finding in the report.
pub(crate) fn build(report: &ScanReport) -> Result<impl Serialize, Error> {
    log(report, vulnerability_results(report))
}

/// Turns results of any kind into one SARIF log with one run describing the
/// report's target.
pub(crate) fn log(report: &ScanReport, results: Vec<SarifResult>) -> Result<impl Serialize, Error> {
    let end_time_utc = time::normalize_utc(&report.created)
        .ok_or_else(|| Error::InvalidTimestamp(report.created.clone()))?;

    let mut rules: Vec<RuleOut> = Vec::new();
    let mut rule_index: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        let index = match rule_index.get(&r.rule.id) {
            Some(i) => *i,
            None => {
                let i = rules.len();
                rule_index.insert(r.rule.id.clone(), i);
                rules.push(rule_out(r.rule.clone()));
                i
            }
        };
        out.push(result_out(r, index));
    }

    let mut notifications: Vec<Notification> = report
        .warnings
        .iter()
        .map(|w| Notification {
            level: Level::Warning,
            message: text(w.as_str()),
        })
        .collect();
    for u in &report.inventory.unknowns {
        let layer = u
            .layer
            .as_ref()
            .map_or(String::new(), |l| format!(" (layer {})", l.index));
        notifications.push(Notification {
            level: Level::Note,
            message: text(format!(
                "unreadable package metadata {}{layer}: {}: {}",
                u.path, u.analyzer, u.reason
            )),
        });
    }

    Ok(Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: report.tool.name.clone(),
                    version: report.tool.version.clone(),
                    information_uri: Some(crate::INFORMATION_URI).filter(|u| !u.is_empty()),
                    rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                end_time_utc,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                IMAGE_ROOT,
                BaseUri {
                    uri: "file:///",
                    description: text("The root of the scanned image's filesystem"),
                },
            )]),
            results: out,
            properties: run_properties(report),
        }],
    })
}

fn rule_out(r: Rule) -> RuleOut {
    RuleOut {
        id: r.id,
        short_description: text(r.short_description),
        full_description: r.full_description.map(text),
        help: r.help.map(text),
        help_uri: r.help_uri,
        default_configuration: DefaultConfiguration { level: r.level },
        properties: r.properties,
    }
}

fn result_out(r: SarifResult, rule_index: usize) -> ResultOut {
    let physical = r.uri.and_then(|u| match u {
        ArtifactUri::InImage(path) => vulns::relative_uri(&path).map(|uri| ArtifactLocation {
            uri,
            uri_base_id: Some(IMAGE_ROOT),
        }),
        // SARIF forbids a base on an absolute URI.
        ArtifactUri::Absolute(uri) => Some(ArtifactLocation {
            uri,
            uri_base_id: None,
        }),
    });
    let logical: Vec<LogicalOut> = r
        .logical
        .into_iter()
        .map(|l| LogicalOut {
            name: l.name,
            fully_qualified_name: l.fully_qualified_name,
            kind: l.kind,
        })
        .collect();
    let locations = if physical.is_none() && logical.is_empty() {
        Vec::new()
    } else {
        vec![LocationOut {
            physical_location: physical
                .map(|artifact_location| PhysicalLocation { artifact_location }),
            logical_locations: logical,
        }]
    };
    let mut properties = Map::new();
    if let Some(l) = &r.layer {
        properties.insert("layer-index".into(), json!(l.index));
        if let Some(d) = &l.diff_id {
            properties.insert("layer-diff-id".into(), json!(d.to_string()));
        }
    }
    properties.extend(r.properties);
    ResultOut {
        rule_id: r.rule.id,
        rule_index,
        level: r.level,
        message: text(r.message),
        locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, r.fingerprint)]),
        suppressions: r
            .suppression
            .into_iter()
            .map(|s| SuppressionOut {
                kind: "external",
                status: "accepted",
                justification: s.justification,
                properties: s.properties,
            })
            .collect(),
        properties,
    }
}

fn run_properties(report: &ScanReport) -> Map<String, Value> {
    let t = &report.target;
    let mut m = Map::new();
    m.insert("target-name".into(), json!(t.name));
    m.insert("target-kind".into(), json!(t.kind.as_str()));
    if let Some(d) = &t.manifest_digest {
        m.insert("manifest-digest".into(), json!(d.to_string()));
    }
    if let Some(d) = &t.config_digest {
        m.insert("config-digest".into(), json!(d.to_string()));
    }
    if !t.repo_tags.is_empty() {
        m.insert("repo-tags".into(), json!(t.repo_tags));
    }
    if !t.repo_digests.is_empty() {
        m.insert("repo-digests".into(), json!(t.repo_digests));
    }
    if let Some(p) = &t.platform {
        m.insert("platform".into(), json!(p));
    }
    if let Some(d) = report.distro() {
        let mut os = d.id.clone();
        if let Some(v) = &d.version_id {
            os.push(' ');
            os.push_str(v);
        }
        m.insert("os".into(), json!(os));
    }
    if !t.layers.is_empty() {
        let layers: Vec<Value> = t
            .layers
            .iter()
            .map(|l| {
                let mut o = Map::new();
                o.insert("index".into(), json!(l.index));
                if let Some(d) = &l.diff_id {
                    o.insert("diff-id".into(), json!(d.to_string()));
                }
                if let Some(c) = &l.created_by {
                    o.insert("created-by".into(), json!(c));
                }
                Value::Object(o)
            })
            .collect();
        m.insert("layers".into(), Value::Array(layers));
    }
    m
}

/// The `security-severity` GitHub code scanning ranks by when no CVSS score
/// is known: the middle of each rating's CVSS v3 band, and 0.0 for
/// negligible and unknown.
pub(crate) fn mapped_security_severity(s: Severity) -> f64 {
    match s {
        Severity::Critical => 9.5,
        Severity::High => 8.0,
        Severity::Medium => 5.5,
        Severity::Low => 2.0,
        Severity::Negligible | Severity::Unknown => 0.0,
    }
}

/// One result per vulnerability, most severe first, suppressed ones
/// included (marked with a suppression).
pub(crate) fn vulnerability_results(report: &ScanReport) -> Vec<SarifResult> {
    vulns::sorted(&report.vulnerabilities)
        .into_iter()
        .map(vulnerability_result)
        .collect()
}

fn vulnerability_result(v: &Vulnerability) -> SarifResult {
    let p = &v.package;
    let score = vulns::best_score(&v.cvss).unwrap_or(mapped_security_severity(v.severity));
    let summary = v
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut rule_props = Map::new();
    rule_props.insert("security-severity".into(), json!(format!("{score:.1}")));
    rule_props.insert(
        "tags".into(),
        json!(["vulnerability", "security", v.severity.as_str()]),
    );
    let mut help = format!("Advisory {}", v.id);
    if !v.aliases.is_empty() {
        help.push_str(&format!(" ({})", v.aliases.join(", ")));
    }
    help.push_str(&format!(" from {}.", v.feed));
    for r in &v.references {
        help.push_str("\n- ");
        help.push_str(r);
    }
    let rule = Rule {
        id: v.id.clone(),
        short_description: summary.unwrap_or(&v.id).to_owned(),
        // Advisories have one summary line, already the short description.
        full_description: None,
        help: Some(help),
        help_uri: vulns::advisory_url(v),
        level: Level::of(v.severity),
        properties: rule_props,
    };

    let path = package_path(p);
    let uri = match path {
        Some(path) => Some(ArtifactUri::InImage(path.to_owned())),
        None => vulns::purl_uri(&p.purl).map(ArtifactUri::Absolute),
    };
    let logical = Logical {
        name: p.name.clone(),
        fully_qualified_name: Some(p.purl.clone()).filter(|s| !s.is_empty()),
        kind: "package",
    };

    let mut props = Map::new();
    props.insert("package".into(), json!(p.name));
    props.insert("installed-version".into(), json!(p.version));
    props.insert("fixed-versions".into(), json!(v.fixed_versions));
    props.insert("fix-state".into(), json!(v.fix_state.as_str()));
    props.insert("severity".into(), json!(v.severity.as_str()));
    props.insert("purl".into(), json!(p.purl));
    if !v.aliases.is_empty() {
        props.insert("aliases".into(), json!(v.aliases));
    }
    props.insert("feed".into(), json!(v.feed));

    let suppression = v.suppressed.as_ref().map(|s| {
        let kind = match s.kind {
            SuppressionKind::IgnoreFile => "ignore-file",
            SuppressionKind::Vex => "vex",
        };
        let justification = s
            .reason
            .clone()
            .filter(|r| !r.trim().is_empty())
            .unwrap_or_else(|| format!("suppressed by {kind} {}", s.source));
        let mut props = Map::new();
        props.insert("suppressed-by".into(), json!(kind));
        props.insert("source".into(), json!(s.source));
        SarifSuppression {
            justification,
            properties: props,
        }
    });

    SarifResult {
        rule,
        level: Level::of(v.severity),
        message: vulnerability_message(v),
        uri,
        logical: Some(logical),
        layer: Some(p.layer.clone()),
        properties: props,
        fingerprint: fingerprint(&[&v.id, &p.purl, path.unwrap_or("")]),
        suppression,
    }
}

/// `django 2.2.1: PYSEC-2019-10 (CVE-2019-12308) HIGH, fixed in 2.2.2. reason`
fn vulnerability_message(v: &Vulnerability) -> String {
    let p = &v.package;
    let mut m = format!("{} {}: {}", p.name, p.version, v.id);
    let cves = vulns::cve_aliases(v);
    if !cves.is_empty() {
        m.push_str(&format!(" ({})", cves.join(", ")));
    }
    m.push_str(&format!(" {}, ", v.severity.as_str()));
    if vulns::is_fixable(v) {
        m.push_str(&format!("fixed in {}", v.fixed_versions.join(", ")));
    } else {
        m.push_str(&format!("no fix ({})", vulns::shown_fix_state(v)));
    }
    m.push('.');
    if !v.reason.trim().is_empty() {
        m.push(' ');
        m.push_str(v.reason.trim());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a"]), fingerprint(&["a"]));
        assert_eq!(fingerprint(&["a"]).len(), 32);
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(Level::of(Severity::Critical), Level::Error);
        assert_eq!(Level::of(Severity::High), Level::Error);
        assert_eq!(Level::of(Severity::Medium), Level::Warning);
        assert_eq!(Level::of(Severity::Low), Level::Note);
        assert_eq!(Level::of(Severity::Unknown), Level::Note);
    }
}
