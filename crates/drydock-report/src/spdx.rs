//! SPDX 2.3 JSON.

use std::collections::{BTreeMap, HashSet};

use drydock_findings::Vulnerability;
use drydock_inventory::{Distro, Metadata, Package};
use serde::Serialize;

use crate::ids::{self, Unique};
use crate::license::{self, License};
use crate::spdx_ids::LICENSE_LIST_VERSION;
use crate::vulns::{self, PackageIndex};
use crate::{Error, ScanReport, TargetKind, target, time};

const NOASSERTION: &str = "NOASSERTION";
/// Document namespaces must be unique URIs; drydock owns no domain, so it
/// uses the reserved `.invalid` TLD, which can never collide with a real one.
const NAMESPACE_BASE: &str = "https://drydock.invalid/spdx";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    packages: Vec<SpdxPackage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
    license_list_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<String>,
    download_location: &'static str,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
    license_concluded: &'static str,
    license_declared: String,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_package_purpose: Option<&'static str>,
}

impl SpdxPackage {
    fn new(spdx_id: String, name: String) -> Self {
        Self {
            spdx_id,
            name,
            version_info: None,
            download_location: NOASSERTION,
            files_analyzed: false,
            checksums: Vec::new(),
            source_info: None,
            license_concluded: NOASSERTION,
            license_declared: NOASSERTION.to_owned(),
            copyright_text: NOASSERTION,
            description: None,
            comment: None,
            external_refs: Vec::new(),
            primary_package_purpose: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    license_id: String,
    extracted_text: String,
    name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

fn relationship(from: &str, kind: &'static str, to: &str) -> Relationship {
    Relationship {
        spdx_element_id: from.to_owned(),
        relationship_type: kind,
        related_spdx_element: to.to_owned(),
    }
}

/// `LicenseRef-` ids for declared strings that are not SPDX, each declared
/// once in `hasExtractedLicensingInfos`.
#[derive(Default)]
struct LicenseRefs {
    by_text: BTreeMap<String, String>,
    ids: Unique,
    infos: Vec<ExtractedLicense>,
}

impl LicenseRefs {
    fn get(&mut self, text: &str) -> String {
        if let Some(id) = self.by_text.get(text) {
            return id.clone();
        }
        let trimmed = text.trim();
        // A string that already is a well-formed LicenseRef keeps its name.
        let base = match trimmed.strip_prefix("LicenseRef-") {
            Some(rest) if ids::is_idstring(rest) => trimmed.to_owned(),
            _ => {
                let clean = ids::sanitize_idstring(trimmed, 64);
                if clean == trimmed {
                    format!("LicenseRef-{clean}")
                } else if clean.is_empty() {
                    format!("LicenseRef-{}", ids::short_hash(text))
                } else {
                    format!("LicenseRef-{clean}-{}", ids::short_hash(text))
                }
            }
        };
        let id = self.ids.take(base, |b, n| format!("{b}-{n}"));
        self.by_text.insert(text.to_owned(), id.clone());
        self.infos.push(ExtractedLicense {
            license_id: id.clone(),
            extracted_text: text.to_owned(),
            name: text.to_owned(),
        });
        id
    }

    /// The `licenseDeclared` value for a package's declared strings: one
    /// SPDX expression joining them with `AND`, or `NOASSERTION` if none.
    fn declared(&mut self, declared: &[String]) -> String {
        let classified: Vec<(&String, License)> = declared
            .iter()
            .filter_map(|s| license::classify(s).map(|c| (s, c)))
            .collect();
        let many = classified.len() > 1;
        let mut parts: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for (raw, c) in classified {
            let part = match c {
                License::Id(id) => id.to_owned(),
                License::Expression { text, compound } if compound && many => format!("({text})"),
                License::Expression { text, .. } => text,
                License::Other => self.get(raw),
            };
            if seen.insert(part.clone()) {
                parts.push(part);
            }
        }
        if parts.is_empty() {
            NOASSERTION.to_owned()
        } else {
            parts.join(" AND ")
        }
    }
}

pub(crate) fn build(report: &ScanReport) -> Result<impl Serialize, Error> {
    let created = time::normalize_utc(&report.created)
        .ok_or_else(|| Error::InvalidTimestamp(report.created.clone()))?;
    let hash = ids::report_hash(report)?;
    let t = &report.target;

    let doc_name = if t.name.is_empty() {
        "unnamed target".to_owned()
    } else {
        t.name.clone()
    };
    let slug = ids::sanitize_idstring(&t.name, 64);
    let uuid = ids::uuid_from_hash(&hash, "spdx");
    let namespace = if slug.is_empty() {
        format!("{NAMESPACE_BASE}/{uuid}")
    } else {
        format!("{NAMESPACE_BASE}/{slug}-{uuid}")
    };

    let mut spdx_ids = Unique::default();
    spdx_ids.take("SPDXRef-DOCUMENT".to_owned(), |b, n| format!("{b}-{n}"));
    let mut refs = LicenseRefs::default();
    let mut packages = Vec::new();
    let mut relationships = Vec::new();

    let root = root_package(report, &mut spdx_ids);
    let root_id = root.spdx_id.clone();
    relationships.push(relationship("SPDXRef-DOCUMENT", "DESCRIBES", &root_id));
    packages.push(root);

    if let Some(d) = report.distro() {
        let os = os_package(d, &mut spdx_ids);
        relationships.push(relationship(&root_id, "CONTAINS", &os.spdx_id));
        packages.push(os);
    }
    let mut index = PackageIndex::new();
    for p in &report.inventory.packages {
        let pkg = package(p, &mut spdx_ids, &mut refs);
        relationships.push(relationship(&root_id, "CONTAINS", &pkg.spdx_id));
        index.insert(p, packages.len());
        packages.push(pkg);
    }
    // SPDX 2.3 has no vulnerability elements; its SECURITY `advisory`
    // reference on the affected package is where findings go. Packages the
    // inventory lacks leave the finding on the image.
    for v in vulns::sorted(&report.vulnerabilities) {
        let r = advisory_ref(v);
        let at = index.find(&v.package).copied().unwrap_or(0);
        if let Some(pkg) = packages.get_mut(at) {
            pkg.external_refs.push(r);
        }
    }

    Ok(Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: doc_name,
        document_namespace: namespace,
        creation_info: CreationInfo {
            created,
            creators: vec![format!(
                "Tool: {}-{}",
                report.tool.name, report.tool.version
            )],
            license_list_version: LICENSE_LIST_VERSION,
        },
        comment: document_comment(report),
        packages,
        has_extracted_licensing_infos: refs.infos,
        relationships,
    })
}

/// Allocates `SPDXRef-<prefix>-<parts…>` with each part sanitized to the id
/// alphabet; numbered when two packages sanitize alike.
fn spdx_id(ids_: &mut Unique, prefix: &str, parts: &[&str]) -> String {
    let mut base = format!("SPDXRef-{prefix}");
    for p in parts {
        let clean = ids::sanitize_idstring(p, 64);
        if !clean.is_empty() {
            base.push('-');
            base.push_str(&clean);
        }
    }
    ids_.take(base, |b, n| format!("{b}-{n}"))
}

fn root_package(report: &ScanReport, ids_: &mut Unique) -> SpdxPackage {
    let t = &report.target;
    let (name, version) = target::name_version(t);
    let (prefix, purpose) = match t.kind {
        TargetKind::Image => ("DocumentRoot-Image", "CONTAINER"),
        TargetKind::Filesystem => ("DocumentRoot-Directory", "OTHER"),
    };
    let mut pkg = SpdxPackage::new(spdx_id(ids_, prefix, &[&name]), name);
    pkg.version_info = version;
    pkg.primary_package_purpose = Some(purpose);
    if let Some(d) = t.manifest_digest.as_ref().filter(|d| d.is_sha256()) {
        // The manifest digest is the checksum of the artifact the purl names.
        pkg.checksums.push(Checksum {
            algorithm: "SHA256",
            checksum_value: d.hex().to_owned(),
        });
    }
    if let Some(purl) = target::oci_purl(t) {
        pkg.external_refs.push(purl_ref(purl));
    }
    let mut comment = Vec::new();
    if let Some(d) = &t.config_digest {
        comment.push(format!("image id {d}"));
    }
    if let Some(p) = &t.platform {
        comment.push(format!("platform {p}"));
    }
    for tag in &t.repo_tags {
        comment.push(format!("tag {tag}"));
    }
    for d in &t.repo_digests {
        comment.push(format!("digest {d}"));
    }
    if !t.layers.is_empty() {
        comment.push(format!("{} layers", t.layers.len()));
    }
    if !comment.is_empty() {
        pkg.comment = Some(comment.join("; "));
    }
    pkg
}

fn os_package(d: &Distro, ids_: &mut Unique) -> SpdxPackage {
    let mut pkg = SpdxPackage::new(
        spdx_id(
            ids_,
            "OperatingSystem",
            &[&d.id, d.version_id.as_deref().unwrap_or("")],
        ),
        d.id.clone(),
    );
    pkg.version_info = d.version_id.clone();
    pkg.description = d.pretty_name.clone();
    // The 2.3 JSON schema spells this value with an underscore, unlike the
    // hyphenated form in the specification text.
    pkg.primary_package_purpose = Some("OPERATING_SYSTEM");
    pkg
}

fn package(p: &Package, ids_: &mut Unique, refs: &mut LicenseRefs) -> SpdxPackage {
    let id = spdx_id(
        ids_,
        "Package",
        &[p.ecosystem.as_str(), &p.name, &p.version],
    );
    let mut pkg = SpdxPackage::new(id, p.name.clone());
    pkg.version_info = Some(p.version.clone());
    pkg.license_declared = refs.declared(&p.licenses);
    pkg.source_info = Some(source_info(p));

    if let Metadata::Java { sha1: Some(s) } = &p.metadata
        && s.len() == 40
        && s.bytes().all(|b| b.is_ascii_hexdigit())
    {
        pkg.checksums.push(Checksum {
            algorithm: "SHA1",
            checksum_value: s.to_ascii_lowercase(),
        });
    }
    let mut comment = Vec::new();
    if ids::is_purl_shaped(&p.purl) {
        pkg.external_refs.push(purl_ref(p.purl.clone()));
    } else if !p.purl.is_empty() {
        comment.push(format!("malformed purl {}", p.purl));
    }
    if let Some(ns) = p.namespace.as_ref().filter(|n| !n.is_empty()) {
        comment.push(format!("namespace {ns}"));
    }
    if let Some(a) = &p.arch {
        comment.push(format!("arch {a}"));
    }
    if let Some(s) = &p.source {
        comment.push(format!("source package {} {}", s.name, s.version));
    }
    if !comment.is_empty() {
        pkg.comment = Some(comment.join("; "));
    }
    pkg
}

fn purl_ref(purl: String) -> ExternalRef {
    ExternalRef {
        reference_category: "PACKAGE-MANAGER",
        reference_type: "purl",
        reference_locator: purl,
        comment: None,
    }
}

/// A finding as a `SECURITY`/`advisory` reference: the advisory page (the
/// first valid reference URL, else the NVD or GitHub page of a CVE or GHSA
/// id, else the OSV page of the id) and the finding in the comment. An id
/// no URL can be made from is an `OTHER` reference with the id
/// percent-encoded as locator.
fn advisory_ref(v: &Vulnerability) -> ExternalRef {
    let plain = |id: &str| {
        !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    };
    let page = |id: &str| {
        if !plain(id) {
            None
        } else if id.starts_with("CVE-") {
            Some(format!("https://nvd.nist.gov/vuln/detail/{id}"))
        } else if id.starts_with("GHSA-") {
            Some(format!("https://github.com/advisories/{id}"))
        } else {
            None
        }
    };
    let url = vulns::advisory_url(v)
        .or_else(|| v.ids().find_map(page))
        .or_else(|| plain(&v.id).then(|| format!("https://osv.dev/vulnerability/{}", v.id)));
    let mut comment = v.id.clone();
    if !v.aliases.is_empty() {
        comment.push_str(&format!(" ({})", v.aliases.join(", ")));
    }
    comment.push_str(&format!(" {}", v.severity.as_str()));
    if vulns::is_fixable(v) {
        comment.push_str(&format!(", fixed in {}", v.fixed_versions.join(", ")));
    } else {
        comment.push_str(&format!(", no fix ({})", vulns::shown_fix_state(v)));
    }
    if let Some(s) = &v.suppressed {
        let kind = match s.kind {
            drydock_findings::SuppressionKind::Vex => "VEX",
            drydock_findings::SuppressionKind::IgnoreFile => "ignore file",
        };
        comment.push_str(&format!("; suppressed by {kind} {}", s.source));
        if let Some(r) = s.reason.as_deref().filter(|r| !r.trim().is_empty()) {
            comment.push_str(&format!(": {r}"));
        }
    }
    match url {
        Some(url) => ExternalRef {
            reference_category: "SECURITY",
            reference_type: "advisory",
            reference_locator: url,
            comment: Some(comment),
        },
        // Locators may hold no spaces; the encoded id keeps the finding.
        None => ExternalRef {
            reference_category: "OTHER",
            reference_type: "drydock-vulnerability",
            reference_locator: vulns::relative_uri(&v.id).unwrap_or_else(|| "unnamed".to_owned()),
            comment: Some(comment),
        },
    }
}

/// Where the package was found, for `sourceInfo`.
fn source_info(p: &Package) -> String {
    let mut s = format!("found by drydock cataloger {}", p.found_by);
    let evidence: Vec<String> = p
        .locations
        .iter()
        .map(|l| match &l.layer.diff_id {
            Some(d) => format!("{} (layer {}, {d})", l.path, l.layer.index),
            None => format!("{} (layer {})", l.path, l.layer.index),
        })
        .collect();
    if evidence.is_empty() {
        s.push_str(&format!(" in layer {}", p.layer.index));
    } else {
        s.push_str(" at ");
        s.push_str(&evidence.join(", "));
    }
    s
}

fn document_comment(report: &ScanReport) -> Option<String> {
    let mut lines = Vec::new();
    for w in &report.warnings {
        lines.push(format!("warning: {w}"));
    }
    for u in &report.inventory.unknowns {
        lines.push(format!("unknown: {}: {}: {}", u.path, u.analyzer, u.reason));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(v: &[&str]) -> (String, Vec<String>) {
        let mut refs = LicenseRefs::default();
        let v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        let d = refs.declared(&v);
        (d, refs.infos.into_iter().map(|i| i.license_id).collect())
    }

    #[test]
    fn declared_licenses() {
        assert_eq!(declared(&[]), ("NOASSERTION".into(), vec![]));
        assert_eq!(declared(&["mit"]), ("MIT".into(), vec![]));
        assert_eq!(
            declared(&["MIT OR ISC", "Apache-2.0"]),
            ("(MIT OR ISC) AND Apache-2.0".into(), vec![])
        );
        let (d, infos) = declared(&["Custom", "MIT", "Custom", "LicenseRef-acme"]);
        assert_eq!(d, "LicenseRef-Custom AND MIT AND LicenseRef-acme");
        assert_eq!(infos, ["LicenseRef-Custom", "LicenseRef-acme"]);
        let (d, _) = declared(&["GPL v2 (or later)"]);
        assert!(d.starts_with("LicenseRef-GPL-v2-or-later-"), "{d}");
        let (d, _) = declared(&["日本"]);
        assert!(
            d.starts_with("LicenseRef-") && d.len() == "LicenseRef-".len() + 8,
            "{d}"
        );
    }

    #[test]
    fn sanitized_collisions_get_distinct_refs() {
        let (_, infos) = declared(&["a b", "a/b", "a-b"]);
        assert_eq!(infos.len(), 3);
        assert_ne!(infos[0], infos[1]);
        assert_eq!(infos[2], "LicenseRef-a-b");
    }
}
