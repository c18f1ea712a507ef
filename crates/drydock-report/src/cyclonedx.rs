//! CycloneDX 1.6 JSON.

use std::collections::HashSet;

use drydock_findings::{Cvss, Severity, SuppressionKind, Vulnerability};
use drydock_inventory::{Distro, Ecosystem, Evidence as EvidenceRole, Metadata, Package};
use serde::Serialize;

use crate::ids::{self, Unique};
use crate::license::{self, License};
use crate::vulns::{self, PackageIndex};
use crate::{Error, ScanReport, TargetKind, target, time};

const SCHEMA: &str = "http://cyclonedx.org/schema/bom-1.6.schema.json";
/// The schema's limit on `version` strings, in characters.
const MAX_VERSION: usize = 1024;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: BomMetadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<VulnerabilityOut>,
}

#[derive(Serialize)]
struct BomMetadata {
    timestamp: String,
    tools: Tools,
    component: Component,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize, Default)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<ComponentEvidence>,
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice {
    License { license: LicenseObj },
    Expression { expression: String },
}

#[derive(Serialize)]
struct LicenseObj {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

fn prop(name: &'static str, value: impl Into<String>) -> Property {
    Property {
        name,
        value: value.into(),
    }
}

#[derive(Serialize)]
struct ComponentEvidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Occurrence {
    location: String,
    additional_context: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

pub(crate) fn build(report: &ScanReport) -> Result<impl Serialize, Error> {
    let timestamp = time::normalize_utc(&report.created)
        .ok_or_else(|| Error::InvalidTimestamp(report.created.clone()))?;
    let hash = ids::report_hash(report)?;
    let mut refs = Unique::default();

    let root = root_component(report, &mut refs);
    let root_ref = root.bom_ref.clone().unwrap_or_default();

    let mut components = Vec::new();
    if let Some(d) = report.distro() {
        components.push(os_component(d, &mut refs));
    }
    let mut index = PackageIndex::new();
    for p in &report.inventory.packages {
        let c = package_component(p, &mut refs);
        if let Some(r) = &c.bom_ref {
            index.insert(p, r.clone());
        }
        components.push(c);
    }
    let vulnerabilities = vulns::sorted(&report.vulnerabilities)
        .into_iter()
        .map(|v| {
            let affected = index.find(&v.package).unwrap_or(&root_ref);
            vulnerability(v, affected, &mut refs)
        })
        .collect();
    let depends_on = components
        .iter()
        .filter_map(|c| c.bom_ref.clone())
        .collect();

    let tool = Component {
        kind: "application",
        name: report.tool.name.clone(),
        version: Some(truncate(&report.tool.version, MAX_VERSION)),
        ..Component::default()
    };

    Ok(Bom {
        schema: SCHEMA,
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", ids::uuid_from_hash(&hash, "cyclonedx")),
        version: 1,
        metadata: BomMetadata {
            timestamp,
            tools: Tools {
                components: vec![tool],
            },
            component: root,
            properties: metadata_properties(report),
        },
        components,
        dependencies: vec![Dependency {
            reference: root_ref,
            depends_on,
        }],
        vulnerabilities,
    })
}

#[derive(Serialize)]
struct VulnerabilityOut {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<VulnReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<Analysis>,
    affects: Vec<Affects>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize, Clone, PartialEq)]
struct Source {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct VulnReference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Serialize)]
struct Advisory {
    url: String,
}

#[derive(Serialize)]
struct Analysis {
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    detail: String,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: String,
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

/// CycloneDX's severity names; it calls negligible `info`.
fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::Negligible | Severity::Info => "info",
        Severity::Unknown => "unknown",
    }
}

/// The CycloneDX scoring method of a CVSS entry, from its vector prefix
/// (`CVSS:3.1/`) first, as feeds label v3.0 and v3.1 alike `CVSS_V3`.
fn cvss_method(c: &Cvss) -> &'static str {
    let v = c.vector.trim();
    let kind = c.kind.to_ascii_uppercase();
    if v.starts_with("CVSS:4") || kind == "CVSS_V4" {
        "CVSSv4"
    } else if v.starts_with("CVSS:3.1") {
        "CVSSv31"
    } else if v.starts_with("CVSS:3") || kind == "CVSS_V3" {
        "CVSSv3"
    } else if kind == "CVSS_V2" || v.starts_with("AV:") {
        "CVSSv2"
    } else {
        "other"
    }
}

/// The database an alias comes from, by its prefix, and a link to its
/// page for the two whose page address follows from the id.
fn alias_source(alias: &str, feed: &str) -> Source {
    let plain = alias
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let (name, url) = if alias.starts_with("CVE-") {
        (
            "NVD",
            plain.then(|| format!("https://nvd.nist.gov/vuln/detail/{alias}")),
        )
    } else if alias.starts_with("GHSA-") {
        (
            "GitHub",
            plain.then(|| format!("https://github.com/advisories/{alias}")),
        )
    } else if alias.starts_with("PYSEC-") {
        ("PyPA", None)
    } else if alias.starts_with("GO-") {
        ("Go", None)
    } else if alias.starts_with("RUSTSEC-") {
        ("RustSec", None)
    } else if ["DSA-", "DLA-", "DTSA-"]
        .iter()
        .any(|p| alias.starts_with(p))
    {
        ("Debian", None)
    } else if alias.starts_with("USN-") {
        ("Ubuntu", None)
    } else if alias.starts_with("RHSA-") || alias.starts_with("RHBA-") {
        ("Red Hat", None)
    } else {
        (feed, None)
    };
    Source {
        name: Some(name.to_owned()).filter(|n| !n.is_empty()),
        url,
    }
}

/// CycloneDX's justification for an OpenVEX one, when the reason is one.
fn vex_justification(reason: &str) -> Option<&'static str> {
    Some(match reason.trim() {
        "component_not_present" | "vulnerable_code_not_present" => "code_not_present",
        "vulnerable_code_not_in_execute_path" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" => "requires_environment",
        "inline_mitigations_already_exist" => "protected_by_mitigating_control",
        _ => return None,
    })
}

/// An RFC 3339 UTC timestamp or a bare `YYYY-MM-DD` date as CycloneDX's
/// `date-time`.
fn published(s: &str) -> Option<String> {
    let s = s.trim();
    time::normalize_utc(s).or_else(|| {
        (s.len() == 10)
            .then(|| time::normalize_utc(&format!("{s}T00:00:00Z")))
            .flatten()
    })
}

fn ratings(v: &Vulnerability) -> Vec<Rating> {
    let feed = Some(v.feed.clone()).filter(|f| !f.is_empty());
    let mut out: Vec<Rating> = v
        .cvss
        .iter()
        .map(|c| {
            let score = vulns::valid_score(c);
            Rating {
                source: feed.clone().map(|name| Source {
                    name: Some(name),
                    url: None,
                }),
                score,
                severity: score.map(|s| severity_name(Severity::from_cvss(s))),
                method: Some(cvss_method(c)),
                vector: Some(c.vector.clone()).filter(|s| !s.trim().is_empty()),
            }
        })
        .collect();
    let own = severity_name(v.severity);
    if !out.iter().any(|r| r.severity == Some(own)) {
        let name = v.severity_source.clone().or(feed);
        out.insert(
            0,
            Rating {
                source: name.map(|name| Source {
                    name: Some(name),
                    url: None,
                }),
                score: None,
                severity: Some(own),
                method: None,
                vector: None,
            },
        );
    }
    out
}

fn vulnerability(v: &Vulnerability, affected: &str, refs: &mut Unique) -> VulnerabilityOut {
    let p = &v.package;
    let advisory_url = vulns::advisory_url(v);
    let source = Source {
        name: Some(v.feed.clone()).filter(|f| !f.is_empty()),
        url: advisory_url,
    };
    let mut properties = vec![
        prop("drydock:fix-state", v.fix_state.as_str()),
        prop("drydock:reason", v.reason.as_str()),
        prop("drydock:layer-index", p.layer.index.to_string()),
    ];
    if let Some(d) = &p.layer.diff_id {
        properties.push(prop("drydock:layer-diff-id", d.to_string()));
    }
    if v.matched_version != p.version {
        properties.push(prop("drydock:matched-version", v.matched_version.as_str()));
    }
    if let Some(s) = &v.severity_source {
        properties.push(prop("drydock:severity-source", s.as_str()));
    }
    let date = v.published.as_deref().and_then(published);
    if let (None, Some(raw)) = (&date, &v.published) {
        properties.push(prop("drydock:published", raw.as_str()));
    }
    let analysis = v.suppressed.as_ref().map(|s| {
        let reason = s.reason.as_deref().unwrap_or("").trim();
        let because = if reason.is_empty() {
            String::new()
        } else {
            format!(": {reason}")
        };
        match s.kind {
            SuppressionKind::Vex => {
                properties.push(prop("drydock:suppressed", "vex"));
                Analysis {
                    state: Some("not_affected"),
                    justification: vex_justification(reason),
                    detail: format!("VEX statement in {}{because}", s.source),
                }
            }
            SuppressionKind::IgnoreFile => {
                properties.push(prop("drydock:suppressed", "ignore-file"));
                Analysis {
                    state: None,
                    justification: None,
                    detail: format!("Suppressed by ignore file {}{because}", s.source),
                }
            }
        }
    });
    if let Some(s) = &v.suppressed {
        properties.push(prop("drydock:suppression-source", s.source.as_str()));
    }
    let mut versions = vec![AffectedVersion {
        version: truncate(&p.version, MAX_VERSION),
        status: "affected",
    }];
    versions.extend(v.fixed_versions.iter().map(|f| AffectedVersion {
        version: truncate(f, MAX_VERSION),
        status: "unaffected",
    }));
    let recommendation = vulns::is_fixable(v)
        .then(|| format!("Upgrade {} to {}", p.name, v.fixed_versions.join(" or ")));
    VulnerabilityOut {
        bom_ref: refs.take(format!("{}/{affected}", v.id), |b, n| format!("{b}:{n}")),
        id: v.id.clone(),
        source: (source.name.is_some() || source.url.is_some()).then_some(source),
        references: v
            .aliases
            .iter()
            .map(|a| VulnReference {
                id: a.clone(),
                source: alias_source(a, &v.feed),
            })
            .collect(),
        ratings: ratings(v),
        description: v.summary.clone().filter(|s| !s.trim().is_empty()),
        recommendation,
        advisories: vulns::web_urls(v)
            .into_iter()
            .map(|url| Advisory { url })
            .collect(),
        published: date,
        analysis,
        affects: vec![Affects {
            reference: affected.to_owned(),
            versions,
        }],
        properties,
    }
}

/// Puts a numbered qualifier on a taken reference, keeping purl shape:
/// before the `#subpath`, joined with `?` or `&`.
fn disambiguate(base: &str, n: usize) -> String {
    let (main, sub) = match base.split_once('#') {
        Some((m, s)) => (m, Some(s)),
        None => (base, None),
    };
    let sep = if main.contains('?') { '&' } else { '?' };
    let mut out = format!("{main}{sep}drydock-instance={n}");
    if let Some(s) = sub {
        out.push('#');
        out.push_str(s);
    }
    out
}

fn root_component(report: &ScanReport, refs: &mut Unique) -> Component {
    let t = &report.target;
    let (name, version) = target::name_version(t);
    let purl = target::oci_purl(t);
    let base = purl.clone().unwrap_or_else(|| {
        if t.name.is_empty() {
            "drydock:target".to_owned()
        } else {
            format!("drydock:target:{}", t.name)
        }
    });
    let mut properties = Vec::new();
    if let Some(d) = &t.manifest_digest {
        properties.push(prop("drydock:image:manifest-digest", d.to_string()));
    }
    if let Some(d) = &t.config_digest {
        properties.push(prop("drydock:image:config-digest", d.to_string()));
    }
    for tag in &t.repo_tags {
        properties.push(prop("drydock:image:repo-tag", tag.as_str()));
    }
    for d in &t.repo_digests {
        properties.push(prop("drydock:image:repo-digest", d.as_str()));
    }
    if let Some(p) = &t.platform {
        properties.push(prop("drydock:image:platform", p.as_str()));
    }
    for l in &t.layers {
        properties.push(prop("drydock:image:layer", layer_summary(l)));
    }
    let full_version = version
        .as_deref()
        .filter(|v| v.chars().count() > MAX_VERSION);
    if let Some(v) = full_version {
        properties.push(prop("drydock:image:full-version", v));
    }
    Component {
        kind: match t.kind {
            TargetKind::Image => "container",
            TargetKind::Filesystem => "file",
        },
        bom_ref: Some(refs.take(base, disambiguate)),
        name,
        version: version.map(|v| truncate(&v, MAX_VERSION)),
        purl,
        properties,
        ..Component::default()
    }
}

/// `index diff_id size created_by`, with `-` for unknowns, so the layer list
/// reads in order in one property per layer.
fn layer_summary(l: &crate::LayerInfo) -> String {
    let diff = l
        .diff_id
        .as_ref()
        .map_or("-".to_owned(), ToString::to_string);
    let size = l.size.map_or("-".to_owned(), |s| s.to_string());
    let mut s = format!("{} {diff} {size}", l.index);
    if let Some(c) = &l.created_by {
        s.push(' ');
        s.push_str(c);
    }
    s
}

fn os_component(d: &Distro, refs: &mut Unique) -> Component {
    let mut base = format!("drydock:os:{}", d.id);
    if let Some(v) = &d.version_id {
        base.push('@');
        base.push_str(v);
    }
    let mut properties = Vec::new();
    if let Some(c) = &d.codename {
        properties.push(prop("drydock:os:codename", c.as_str()));
    }
    for like in &d.id_like {
        properties.push(prop("drydock:os:id-like", like.as_str()));
    }
    Component {
        kind: "operating-system",
        bom_ref: Some(refs.take(base, disambiguate)),
        name: d.id.clone(),
        version: d.version_id.as_deref().map(|v| truncate(v, MAX_VERSION)),
        description: d.pretty_name.clone(),
        properties,
        ..Component::default()
    }
}

fn package_component(p: &Package, refs: &mut Unique) -> Component {
    let base = if p.purl.is_empty() {
        format!("drydock:package:{}:{}@{}", p.ecosystem, p.name, p.version)
    } else {
        p.purl.clone()
    };
    let group = match p.ecosystem {
        Ecosystem::Maven | Ecosystem::Composer => p.namespace.clone().filter(|g| !g.is_empty()),
        _ => None,
    };
    let mut hashes = Vec::new();
    let mut properties = vec![
        prop("drydock:package:type", p.ecosystem.as_str()),
        prop("drydock:package:found-by", p.found_by.as_str()),
        prop("drydock:package:layer-index", p.layer.index.to_string()),
    ];
    if let Some(d) = &p.layer.diff_id {
        properties.push(prop("drydock:package:layer-diff-id", d.to_string()));
    }
    for l in &p.locations {
        properties.push(prop("drydock:package:evidence-path", l.path.as_str()));
    }
    if let Some(s) = &p.source {
        properties.push(prop("drydock:package:source-name", s.name.as_str()));
        properties.push(prop("drydock:package:source-version", s.version.as_str()));
    }
    if let Some(a) = &p.arch {
        properties.push(prop("drydock:package:arch", a.as_str()));
    }
    if !p.purl.is_empty() && !ids::is_purl_shaped(&p.purl) {
        properties.push(prop("drydock:package:malformed-purl", p.purl.as_str()));
    }
    if p.version.chars().count() > MAX_VERSION {
        properties.push(prop("drydock:package:full-version", p.version.as_str()));
    }
    match &p.metadata {
        Metadata::None => {}
        Metadata::Rpm {
            epoch,
            release,
            source_rpm,
            modularity_label,
        } => {
            if let Some(e) = epoch {
                properties.push(prop("drydock:package:rpm:epoch", e.to_string()));
            }
            properties.push(prop("drydock:package:rpm:release", release.as_str()));
            if let Some(s) = source_rpm {
                properties.push(prop("drydock:package:rpm:source-rpm", s.as_str()));
            }
            if let Some(m) = modularity_label {
                properties.push(prop("drydock:package:rpm:modularity-label", m.as_str()));
            }
        }
        Metadata::Golang {
            go_version,
            main_module,
            main,
        } => {
            properties.push(prop("drydock:package:go:toolchain", go_version.as_str()));
            if let Some(m) = main_module {
                properties.push(prop("drydock:package:go:main-module", m.as_str()));
            }
            properties.push(prop("drydock:package:go:main", main.to_string()));
        }
        Metadata::Java { sha1 } => {
            if let Some(s) = sha1 {
                if s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                    hashes.push(Hash {
                        alg: "SHA-1",
                        content: s.to_ascii_lowercase(),
                    });
                } else {
                    properties.push(prop("drydock:package:java:sha1", s.as_str()));
                }
            }
        }
    }
    let occurrences: Vec<Occurrence> = p
        .locations
        .iter()
        .map(|l| {
            let role = match l.evidence {
                EvidenceRole::Primary => "primary",
                EvidenceRole::Supporting => "supporting",
            };
            let mut ctx = format!("{role} evidence in layer {}", l.layer.index);
            if let Some(d) = &l.layer.diff_id {
                ctx.push_str(&format!(" ({d})"));
            }
            Occurrence {
                location: l.path.clone(),
                additional_context: ctx,
            }
        })
        .collect();
    Component {
        kind: "library",
        bom_ref: Some(refs.take(base, disambiguate)),
        group,
        name: p.name.clone(),
        version: Some(truncate(&p.version, MAX_VERSION)),
        hashes,
        licenses: licenses(&p.licenses),
        purl: Some(p.purl.clone()).filter(|s| ids::is_purl_shaped(s)),
        properties,
        evidence: (!occurrences.is_empty()).then_some(ComponentEvidence { occurrences }),
        ..Component::default()
    }
}

/// CycloneDX wants either a list of single licenses or exactly one
/// expression. Known ids become `license.id`, other strings `license.name`;
/// when some string is an expression and every string is SPDX, they are
/// joined into one `AND` expression, otherwise each stays a named license.
fn licenses(declared: &[String]) -> Vec<LicenseChoice> {
    let classified: Vec<(&String, License)> = declared
        .iter()
        .filter_map(|s| license::classify(s).map(|c| (s, c)))
        .collect();
    let any_expr = classified
        .iter()
        .any(|(_, c)| matches!(c, License::Expression { .. }));
    let all_spdx = classified.iter().all(|(_, c)| !matches!(c, License::Other));
    if any_expr && all_spdx {
        let mut parts: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for (_, c) in &classified {
            let part = match c {
                License::Id(id) => (*id).to_owned(),
                License::Expression { text, compound } if *compound && classified.len() > 1 => {
                    format!("({text})")
                }
                License::Expression { text, .. } => text.clone(),
                License::Other => continue,
            };
            if seen.insert(part.clone()) {
                parts.push(part);
            }
        }
        return vec![LicenseChoice::Expression {
            expression: parts.join(" AND "),
        }];
    }
    let mut out: Vec<LicenseChoice> = Vec::new();
    let mut seen = HashSet::new();
    for (raw, c) in classified {
        let license = match c {
            License::Id(id) if seen.insert((true, id)) => LicenseObj {
                id: Some(id),
                name: None,
            },
            License::Id(_) => continue,
            _ if seen.insert((false, raw.as_str())) => LicenseObj {
                id: None,
                name: Some(raw.clone()),
            },
            _ => continue,
        };
        out.push(LicenseChoice::License { license });
    }
    out
}

fn metadata_properties(report: &ScanReport) -> Vec<Property> {
    let mut out = vec![
        prop("drydock:target:name", report.target.name.as_str()),
        prop("drydock:target:kind", report.target.kind.as_str()),
    ];
    for w in &report.warnings {
        out.push(prop("drydock:warning", w.as_str()));
    }
    for u in &report.inventory.unknowns {
        let layer = u
            .layer
            .as_ref()
            .map_or(String::new(), |l| format!(" (layer {})", l.index));
        out.push(prop(
            "drydock:unknown",
            format!("{}{layer}: {}: {}", u.path, u.analyzer, u.reason),
        ));
    }
    out
}

/// The first `max` characters of `s`.
fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lic(v: &[&str]) -> serde_json::Value {
        let v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        serde_json::to_value(licenses(&v)).unwrap()
    }

    #[test]
    fn license_choices() {
        assert_eq!(
            lic(&["MIT", "mit", "Custom"]),
            serde_json::json!([{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}])
        );
        assert_eq!(
            lic(&["MIT OR Apache-2.0"]),
            serde_json::json!([{"expression": "MIT OR Apache-2.0"}])
        );
        assert_eq!(
            lic(&["MIT OR Apache-2.0", "ISC"]),
            serde_json::json!([{"expression": "(MIT OR Apache-2.0) AND ISC"}])
        );
        assert_eq!(
            lic(&["MIT OR Apache-2.0", "Custom"]),
            serde_json::json!([
                {"license": {"name": "MIT OR Apache-2.0"}},
                {"license": {"name": "Custom"}}
            ])
        );
        assert_eq!(lic(&["", " "]), serde_json::json!([]));
    }

    #[test]
    fn disambiguation_keeps_purl_shape() {
        assert_eq!(
            disambiguate("pkg:npm/a@1", 2),
            "pkg:npm/a@1?drydock-instance=2"
        );
        assert_eq!(
            disambiguate("pkg:deb/debian/a@1?arch=amd64", 3),
            "pkg:deb/debian/a@1?arch=amd64&drydock-instance=3"
        );
        assert_eq!(
            disambiguate("pkg:golang/x@1#sub/pkg", 2),
            "pkg:golang/x@1?drydock-instance=2#sub/pkg"
        );
    }
}
