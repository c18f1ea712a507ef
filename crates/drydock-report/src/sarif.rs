//! SARIF 2.1.0: findings as static-analysis results, for code-scanning
//! dashboards.
//!
//! Every kind of finding is first turned into a [`SarifResult`], and
//! [`log`] turns a list of them into the log: it collects the rules, adds
//! layer properties and fingerprints, and describes the image once in the
//! run. Vulnerabilities are one producer ([`vulnerability_results`]),
//! secrets, misconfigurations and malware the others
//! ([`secret_results`], [`misconfiguration_results`], [`malware_results`]),
//! so none of the log's shape depends on what a finding is.

use std::collections::{BTreeMap, HashMap};

use drydock_findings::{
    Malware, Misconfiguration, Secret, SecretLocation, Severity, Suppression, SuppressionKind,
    Vulnerability,
};
use drydock_inventory::LayerRef;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use crate::vulns::{self, package_path};
use crate::{Error, ScanReport, time};
use crate::{malware, misconfigs, secrets};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base every in-image artifact URI is relative to: the root of the
/// image's merged filesystem.
const IMAGE_ROOT: &str = "IMAGE_ROOT";
/// The base of findings in the image config (`Env`, labels, history, config
/// checks): not part of the image's filesystem, so not under
/// [`IMAGE_ROOT`].
const IMAGE_CONFIG: &str = "IMAGE_CONFIG";
/// The artifact URI, relative to [`IMAGE_CONFIG`], that stands for the
/// image config JSON.
const IMAGE_CONFIG_URI: &str = "image-config.json";
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
            Severity::Low | Severity::Negligible | Severity::Info | Severity::Unknown => Self::Note,
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
    /// The image config JSON, for findings in `Env`, labels, history or
    /// other config settings.
    ImageConfig,
}

/// Where in the artifact a finding is; SARIF lines and columns are 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Region {
    pub(crate) start_line: u32,
    pub(crate) start_column: Option<u32>,
    /// Only after `start_line`: a one-line region needs no end.
    pub(crate) end_line: Option<u32>,
}

impl Region {
    /// The region of a 1-based line and column; `None` without a line (0),
    /// as SARIF has no region of only a column.
    pub(crate) fn at(line: u32, column: u32) -> Option<Self> {
        (line >= 1).then_some(Self {
            start_line: line,
            start_column: (column >= 1).then_some(column),
            end_line: None,
        })
    }

    /// The region of 1-based lines `start` to `end`; `None` without a
    /// start, no end unless it comes after the start.
    pub(crate) fn lines(start: Option<u32>, end: Option<u32>) -> Option<Self> {
        let start_line = start.filter(|l| *l >= 1)?;
        Some(Self {
            start_line,
            start_column: None,
            end_line: end.filter(|e| *e > start_line),
        })
    }
}

/// The logical thing a finding is about (a package, a config entry, a
/// Kubernetes object).
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
    /// Only used with a `uri`.
    pub(crate) region: Option<Region>,
    /// Outermost first (an object, then the setting inside it).
    pub(crate) logical: Vec<Logical>,
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
    /// Absent for a base with no location anyone could resolve (the image
    /// config is a JSON blob, not a directory).
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<&'static str>,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<RegionOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RegionOut {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
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
    let mut results = vulnerability_results(report);
    results.extend(secret_results(report));
    results.extend(misconfiguration_results(report));
    results.extend(malware_results(report));
    log(report, results)
}

/// Turns results of any kind into one SARIF log with one run describing the
/// report's target.
pub(crate) fn log(report: &ScanReport, results: Vec<SarifResult>) -> Result<impl Serialize, Error> {
    let end_time_utc = time::normalize_utc(&report.created)
        .ok_or_else(|| Error::InvalidTimestamp(report.created.clone()))?;

    let uses_config = results
        .iter()
        .any(|r| matches!(r.uri, Some(ArtifactUri::ImageConfig)));
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
            original_uri_base_ids: base_uris(uses_config),
            results: out,
            properties: run_properties(report),
        }],
    })
}

/// `IMAGE_ROOT` always (existing consumers rely on it), `IMAGE_CONFIG` only
/// when a result is located in the config.
fn base_uris(with_config: bool) -> BTreeMap<&'static str, BaseUri> {
    let mut m = BTreeMap::from([(
        IMAGE_ROOT,
        BaseUri {
            uri: Some("file:///"),
            description: text("The root of the scanned image's filesystem"),
        },
    )]);
    if with_config {
        m.insert(
            IMAGE_CONFIG,
            BaseUri {
                uri: None,
                description: text(format!(
                    "The scanned image's config (config-digest in the run properties), \
                     not a file of the image: {IMAGE_CONFIG_URI} stands for the config JSON \
                     and logical locations name the entry"
                )),
            },
        );
    }
    m
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
        ArtifactUri::ImageConfig => Some(ArtifactLocation {
            uri: IMAGE_CONFIG_URI.to_owned(),
            uri_base_id: Some(IMAGE_CONFIG),
        }),
    });
    let region = r.region.map(|g| RegionOut {
        start_line: g.start_line,
        start_column: g.start_column,
        end_line: g.end_line,
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
            physical_location: physical.map(|artifact_location| PhysicalLocation {
                artifact_location,
                region,
            }),
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
/// negligible, info and unknown.
pub(crate) fn mapped_security_severity(s: Severity) -> f64 {
    match s {
        Severity::Critical => 9.5,
        Severity::High => 8.0,
        Severity::Medium => 5.5,
        Severity::Low => 2.0,
        Severity::Negligible | Severity::Info | Severity::Unknown => 0.0,
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

    let suppression = v.suppressed.as_ref().map(suppression);

    SarifResult {
        rule,
        level: Level::of(v.severity),
        message: vulnerability_message(v),
        uri,
        region: None,
        logical: vec![logical],
        layer: Some(p.layer.clone()),
        properties: props,
        fingerprint: fingerprint(&[&v.id, &p.purl, path.unwrap_or("")]),
        suppression,
    }
}

/// An ignore-file or VEX suppression as SARIF records it: the reason as
/// justification, what suppressed it in properties.
fn suppression(s: &Suppression) -> SarifSuppression {
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
}

/// One result per secret, most severe first, suppressed ones included.
pub(crate) fn secret_results(report: &ScanReport) -> Vec<SarifResult> {
    secrets::sorted(&report.secrets)
        .into_iter()
        .map(|s| secret_result(s, report))
        .collect()
}

fn secret_result(s: &Secret, report: &ScanReport) -> SarifResult {
    let category = s.category.trim();
    let rule_props = mapped_rule_properties(s.severity, &tags("secret", category));
    let rule = Rule {
        id: s.rule_id.clone(),
        short_description: secrets::title(s).to_owned(),
        full_description: None,
        help: Some(format!(
            "Secret rule {} ({}). Rotate the credential and rebuild the image without it: \
             deleting or overwriting the file in a later layer leaves it readable in the \
             layer that added it.",
            s.rule_id,
            if category.is_empty() {
                "secret"
            } else {
                category
            }
        )),
        help_uri: None,
        level: Level::of(s.severity),
        properties: rule_props,
    };

    let (uri, region, logical) = match &s.location {
        SecretLocation::File {
            path, line, column, ..
        } => (
            Some(ArtifactUri::InImage(path.clone())),
            Region::at(*line, *column),
            Vec::new(),
        ),
        config => {
            let (name, kind) = match config {
                SecretLocation::Env { name } => (name.clone(), "variable"),
                SecretLocation::Label { name } => (name.clone(), "property"),
                SecretLocation::History { index, .. } => (format!("history[{index}]"), "object"),
                SecretLocation::File { .. } => (String::new(), "object"),
            };
            let logical = Logical {
                name,
                fully_qualified_name: secrets::config_name(config),
                kind,
            };
            (Some(ArtifactUri::ImageConfig), None, vec![logical])
        }
    };

    let mut props = Map::new();
    if let SecretLocation::File {
        deleted_in_layer,
        replaced_in_layer,
        ..
    } = &s.location
    {
        if let Some(d) = deleted_in_layer {
            props.insert("deleted-in-layer".into(), json!(d));
        }
        if let Some(r) = replaced_in_layer {
            props.insert("replaced-in-layer".into(), json!(r));
        }
    }
    props.insert("category".into(), json!(s.category));
    props.insert("severity".into(), json!(s.severity.as_str()));
    props.insert("redacted".into(), json!(s.redacted));
    props.insert("fingerprint".into(), json!(s.fingerprint));
    // Only ever here, and only when the user asked to reveal secrets.
    if let Some(value) = &s.secret {
        props.insert("secret".into(), json!(value));
    }

    let place = secrets::place(&s.location);
    let fingerprint = if s.fingerprint.trim().is_empty() {
        fingerprint(&["secret", &s.rule_id, &place])
    } else {
        s.fingerprint.clone()
    };
    let layer = secrets::layer(&s.location, &report.target);
    SarifResult {
        rule,
        level: Level::of(s.severity),
        message: secret_message(s, &place, layer.as_ref().map(|l| l.index)),
        uri,
        region,
        logical,
        layer,
        properties: props,
        fingerprint,
        suppression: s.suppressed.as_ref().map(suppression),
    }
}

/// `tags` for a rule: the kind and `security`, then `extra` when it is not
/// blank and not already there (`tags` must hold unique strings).
fn tags<'a>(kind: &'a str, extra: &'a str) -> Vec<&'a str> {
    let mut tags = vec![kind, "security"];
    let extra = extra.trim();
    if !extra.is_empty() && !tags.contains(&extra) {
        tags.push(extra);
    }
    tags
}

/// The rule properties every non-vulnerability finding has: its severity
/// mapped to a score, and its tags.
fn mapped_rule_properties(severity: Severity, tags: &[&str]) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "security-severity".into(),
        json!(format!("{:.1}", mapped_security_severity(severity))),
    );
    m.insert("tags".into(), json!(tags));
    m
}

/// Longest the evidence quoted in a result message gets; the whole of it
/// is in the `evidence` property.
const MESSAGE_EVIDENCE: usize = 200;

/// `s` cut to `max` characters, `…` marking the cut.
fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or_default()),
        None => s.to_owned(),
    }
}

/// Sources whose file-less findings are about the image config: image
/// checks, and custom policies evaluated against the image.
fn about_image_config(source: &str) -> bool {
    matches!(source.trim(), "image" | "policy")
}

/// One result per misconfiguration, most severe first, suppressed ones
/// included.
pub(crate) fn misconfiguration_results(report: &ScanReport) -> Vec<SarifResult> {
    misconfigs::sorted(&report.misconfigurations)
        .into_iter()
        .map(|m| misconfiguration_result(m, report))
        .collect()
}

fn misconfiguration_result(m: &Misconfiguration, report: &ScanReport) -> SarifResult {
    let l = &m.location;
    let source = m.source.trim();
    let remediation = m.remediation.trim();
    let rule = Rule {
        id: m.check_id.clone(),
        short_description: misconfigs::title(m).to_owned(),
        full_description: None,
        help: Some(remediation.to_owned()).filter(|r| !r.is_empty()),
        help_uri: m.references.iter().find_map(|r| vulns::web_url(r)),
        level: Level::of(m.severity),
        properties: mapped_rule_properties(m.severity, &tags("misconfiguration", source)),
    };

    let file = misconfigs::file(l);
    let config_path = misconfigs::config_path(l);
    let object = misconfigs::object(l);
    let uri = match file {
        Some(f) => Some(ArtifactUri::InImage(f.to_owned())),
        None if about_image_config(source) => Some(ArtifactUri::ImageConfig),
        None => None,
    };
    let region = file.and_then(|_| Region::lines(l.line, l.end_line));
    let mut logical = Vec::new();
    if let Some(o) = object {
        logical.push(Logical {
            name: o.to_owned(),
            fully_qualified_name: None,
            kind: "resource",
        });
    }
    if let Some(c) = config_path {
        logical.push(Logical {
            name: c.to_owned(),
            fully_qualified_name: object.map(|o| format!("{o}/{c}")),
            kind: "property",
        });
    }

    let mut props = Map::new();
    props.insert("source".into(), json!(m.source));
    props.insert("severity".into(), json!(m.severity.as_str()));
    if let Some(c) = &l.config_path {
        props.insert("config-path".into(), json!(c));
    }
    if let Some(o) = &l.object {
        props.insert("object".into(), json!(o));
    }
    props.insert("evidence".into(), json!(m.evidence));
    if !m.references.is_empty() {
        props.insert("references".into(), json!(m.references));
    }

    let mut message = misconfigs::title(m).to_owned();
    let place = misconfigs::place(l);
    if !place.is_empty() {
        message.push_str(&format!(" in {place}"));
    }
    let evidence = m.evidence.trim();
    if !evidence.is_empty() {
        message.push_str(&format!(": {}", shorten(evidence, MESSAGE_EVIDENCE)));
    }

    SarifResult {
        rule,
        level: Level::of(m.severity),
        message,
        uri,
        region,
        logical,
        layer: misconfigs::layer(l, &report.target),
        properties: props,
        fingerprint: fingerprint(&[
            &m.check_id,
            &m.source,
            file.unwrap_or(""),
            l.config_path.as_deref().unwrap_or(""),
            l.object.as_deref().unwrap_or(""),
            &m.evidence,
        ]),
        suppression: m.suppressed.as_ref().map(suppression),
    }
}

fn non_empty_or<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.is_empty() { fallback } else { s }
}

/// One result per malware finding, most severe first, suppressed ones
/// included.
pub(crate) fn malware_results(report: &ScanReport) -> Vec<SarifResult> {
    malware::sorted(&report.malware)
        .into_iter()
        .map(|m| malware_result(m, report))
        .collect()
}

fn malware_result(m: &Malware, report: &ScanReport) -> SarifResult {
    let category = m.category.trim();
    let rule = Rule {
        id: malware::rule_id(m),
        short_description: malware::description(m).to_owned(),
        full_description: None,
        help: Some(format!(
            "Malware rule {} of {} ({}). Remove the file and rebuild the image without it: \
             deleting or overwriting it in a later layer leaves it in the layer that added it.",
            m.rule,
            m.engine,
            non_empty_or(category, "malware")
        )),
        help_uri: None,
        level: Level::of(m.severity),
        properties: mapped_rule_properties(m.severity, &tags("malware", category)),
    };

    let path = malware::path(m);
    let layer = malware::layer(m, &report.target);
    let mut props = Map::new();
    if let Some(d) = m.deleted_in_layer {
        props.insert("deleted-in-layer".into(), json!(d));
    }
    if let Some(r) = m.replaced_in_layer {
        props.insert("replaced-in-layer".into(), json!(r));
    }
    props.insert("engine".into(), json!(m.engine));
    props.insert("rule".into(), json!(m.rule));
    props.insert("category".into(), json!(m.category));
    props.insert("severity".into(), json!(m.severity.as_str()));
    if !m.evidence.is_empty() {
        props.insert("evidence".into(), json!(m.evidence));
    }
    if let Some(h) = &m.sha256 {
        props.insert("sha256".into(), json!(h));
    }

    let place = if path.is_empty() {
        "the image".to_owned()
    } else {
        format!("/{path}")
    };
    let mut message = format!(
        "{} ({}, {}) in {place}",
        malware::description(m),
        non_empty_or(category, "malware"),
        malware::name(m)
    );
    if let Some(hidden) = malware::hidden_by(m) {
        message.push_str(&format!(
            "; {hidden}, still readable in layer {}",
            layer.index
        ));
    }

    SarifResult {
        rule,
        level: Level::of(m.severity),
        message,
        uri: Some(ArtifactUri::InImage(path.to_owned())),
        region: None,
        logical: Vec::new(),
        fingerprint: fingerprint(&[&m.engine, &m.rule, path, &layer.index.to_string()]),
        layer: Some(layer),
        properties: props,
        suppression: m.suppressed.as_ref().map(suppression),
    }
}

/// `AWS access key ID in /app/.env:3 (AKIA…(20)); deleted in layer 2, still
/// readable in layer 1`. Never the secret itself.
fn secret_message(s: &Secret, place: &str, layer: Option<usize>) -> String {
    let mut m = format!("{} in {place}", secrets::title(s));
    let redacted = s.redacted.trim();
    if !redacted.is_empty() {
        m.push_str(&format!(" ({redacted})"));
    }
    if let (Some(hidden), Some(layer)) = (secrets::hidden_by(&s.location), layer) {
        m.push_str(&format!("; {hidden}, still readable in layer {layer}"));
    }
    m
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
