//! Shared test helpers: offline validators for the vendored official schemas,
//! independent checks for what the SPDX 2.3 schema leaves unchecked, and a
//! representative report.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use drydock_findings::{
    Cvss, FixState, Malware, MisconfigLocation, Misconfiguration, PackageRef, Secret,
    SecretLocation, Severity, Suppression, SuppressionKind, Vulnerability,
};
use drydock_inventory::{
    Distro, Ecosystem, Evidence, Inventory, LayerRef, Location, Metadata, Package, PurlBuilder,
    SourcePackage, Unknown,
};
use drydock_oci::Digest;
use drydock_report::{
    Format, LayerInfo, RenderOptions, ScanReport, Target, TargetKind, ToolInfo, render, render_with,
};
use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

const BOM_SCHEMA: &str = include_str!("../schemas/bom-1.6.schema.json");
const CDX_SPDX_SCHEMA: &str = include_str!("../schemas/spdx.schema.json");
const JSF_SCHEMA: &str = include_str!("../schemas/jsf-0.82.schema.json");
const SPDX_SCHEMA: &str = include_str!("../schemas/spdx-schema.json");
const SARIF_SCHEMA: &str = include_str!("../schemas/sarif-schema-2.1.0.json");

/// Serves the schemas the CycloneDX schema references from the vendored
/// copies, by their `$id`s; anything else is an error, so a test can never
/// reach for the network.
struct Vendored(HashMap<&'static str, Value>);

impl Retrieve for Vendored {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("schema {uri} is not vendored").into())
    }
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("vendored schema is json")
}

pub static CYCLONEDX: LazyLock<Validator> = LazyLock::new(|| {
    let vendored = Vendored(HashMap::from([
        (
            "http://cyclonedx.org/schema/spdx.schema.json",
            parse(CDX_SPDX_SCHEMA),
        ),
        (
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            parse(JSF_SCHEMA),
        ),
    ]));
    jsonschema::options()
        .with_retriever(vendored)
        .should_validate_formats(true)
        .build(&parse(BOM_SCHEMA))
        .expect("cyclonedx schema compiles")
});

pub static SPDX: LazyLock<Validator> = LazyLock::new(|| {
    jsonschema::options()
        .with_retriever(Vendored(HashMap::new()))
        .should_validate_formats(true)
        .build(&parse(SPDX_SCHEMA))
        .expect("spdx schema compiles")
});

/// The SARIF schema is draft 04, which has no `uri-reference` format, so a
/// draft-04 validator would let any string through as an artifact URI. The
/// SARIF specification (3.10.2) requires a valid URI reference there, so it
/// is checked with the URI parser the `jsonschema` crate itself uses.
pub static SARIF: LazyLock<Validator> = LazyLock::new(|| {
    jsonschema::options()
        .with_retriever(Vendored(HashMap::new()))
        .with_format("uri-reference", |s| jsonschema::uri::from_str(s).is_ok())
        .should_validate_formats(true)
        .build(&parse(SARIF_SCHEMA))
        .expect("sarif schema compiles")
});

/// Every identifier in the vendored SPDX license list (licenses and
/// exceptions), straight from the CycloneDX `spdx.schema.json` enum.
pub static SPDX_LIST: LazyLock<HashSet<String>> = LazyLock::new(|| {
    parse(CDX_SPDX_SCHEMA)["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .map(|v| v.as_str().expect("string id").to_owned())
        .collect()
});

pub fn schema_errors(validator: &Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

pub fn render_string(report: &ScanReport, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &mut out).expect("render");
    String::from_utf8(out).expect("utf-8 output")
}

pub fn render_json(report: &ScanReport, format: Format) -> Value {
    serde_json::from_str(&render_string(report, format)).expect("output is json")
}

pub fn render_table_with(report: &ScanReport, show_packages: bool) -> String {
    let mut out = Vec::new();
    render_with(
        report,
        Format::Table,
        &RenderOptions { show_packages },
        &mut out,
    )
    .expect("render");
    String::from_utf8(out).expect("utf-8 output")
}

/// Schema validation plus what SARIF 2.1.0 states in prose and code
/// scanning relies on: every result's `ruleId` and `ruleIndex` name the same
/// rule, rule ids are unique, relative URIs have a declared base and no
/// leading `/`, absolute ones have no base, and every result carries a
/// fingerprint.
pub fn check_sarif(doc: &Value) -> Result<(), String> {
    let errors = schema_errors(&SARIF, doc);
    if !errors.is_empty() {
        return Err(format!("schema: {errors:#?}"));
    }
    if doc["version"] != "2.1.0" {
        return Err("wrong version".into());
    }
    let runs = doc["runs"].as_array().ok_or("no runs")?;
    if runs.len() != 1 {
        return Err(format!("{} runs", runs.len()));
    }
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .ok_or("no rules")?;
    let mut ids = HashSet::new();
    for r in rules {
        let id = r["id"].as_str().ok_or("rule without id")?;
        if !ids.insert(id) {
            return Err(format!("duplicate rule {id}"));
        }
    }
    let bases = run["originalUriBaseIds"].as_object();
    for res in run["results"].as_array().ok_or("no results")? {
        let id = res["ruleId"].as_str().ok_or("result without ruleId")?;
        let index = res["ruleIndex"]
            .as_u64()
            .ok_or("result without ruleIndex")?;
        let rule = usize::try_from(index)
            .ok()
            .and_then(|i| rules.get(i))
            .ok_or("ruleIndex out of range")?;
        if rule["id"] != id {
            return Err(format!("ruleIndex {index} is not rule {id}"));
        }
        if res["partialFingerprints"]["drydock/v1"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            return Err(format!("no fingerprint on {id}"));
        }
        for loc in res["locations"].as_array().into_iter().flatten() {
            let art = &loc["physicalLocation"]["artifactLocation"];
            let Some(uri) = art["uri"].as_str() else {
                continue;
            };
            match art["uriBaseId"].as_str() {
                Some(base) => {
                    if uri.starts_with('/') || uri.contains("://") {
                        return Err(format!("relative uri expected: {uri}"));
                    }
                    if !bases.is_some_and(|b| b.contains_key(base)) {
                        return Err(format!("undeclared uriBaseId {base}"));
                    }
                }
                None if !uri.starts_with("pkg:") => {
                    return Err(format!("uri {uri} without base is not a purl"));
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// Schema validation plus the rules CycloneDX states in prose: bom-refs are
/// unique, and the root depends on every component.
pub fn check_cyclonedx(doc: &Value) -> Result<(), String> {
    let errors = schema_errors(&CYCLONEDX, doc);
    if !errors.is_empty() {
        return Err(format!("schema: {errors:#?}"));
    }
    let comps = doc["components"].as_array().ok_or("no components array")?;
    let root_ref = doc["metadata"]["component"]["bom-ref"]
        .as_str()
        .ok_or("root has no bom-ref")?;
    let mut refs = HashSet::from([root_ref.to_owned()]);
    let root = &doc["metadata"]["component"];
    for c in comps.iter().chain([root]) {
        if let Some(purl) = c.get("purl")
            && !purl.as_str().is_some_and(is_purl)
        {
            return Err(format!("bad purl {purl}"));
        }
    }
    for c in comps {
        let r = c["bom-ref"].as_str().ok_or("component without bom-ref")?;
        if !refs.insert(r.to_owned()) {
            return Err(format!("duplicate bom-ref {r}"));
        }
    }
    let deps = doc["dependencies"].as_array().ok_or("no dependencies")?;
    let root_dep = deps
        .iter()
        .find(|d| d["ref"] == root_ref)
        .ok_or("root missing from dependencies")?;
    let depends: HashSet<&str> = root_dep["dependsOn"]
        .as_array()
        .ok_or("no dependsOn")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for c in comps {
        let r = c["bom-ref"].as_str().unwrap_or_default();
        if !depends.contains(r) {
            return Err(format!("root does not depend on {r}"));
        }
    }
    let components_refs = refs.clone();
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        let r = v["bom-ref"]
            .as_str()
            .ok_or("vulnerability without bom-ref")?;
        if !refs.insert(r.to_owned()) {
            return Err(format!("duplicate bom-ref {r}"));
        }
        for a in v["affects"].as_array().ok_or("no affects")? {
            let target = a["ref"].as_str().ok_or("affects without ref")?;
            if !components_refs.contains(target) {
                return Err(format!("affects.ref {target} names no component"));
            }
        }
    }
    Ok(())
}

/// The purl shape spdx-tools demands of a `purl` locator
/// (`^pkg:.+(/.+)?/.+(@.+)?(\?.+)?(#.+)?$`, `.` not matching newlines),
/// applied to CycloneDX `purl` fields too.
fn is_purl(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("pkg:") else {
        return false;
    };
    !rest.contains('\n')
        && rest
            .char_indices()
            .any(|(i, c)| c == '/' && i > 0 && i + 1 < rest.len())
}

fn is_idstring(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// A license expression check written independently of the crate's parser:
/// operands and operators alternate, parentheses balance, and every operand
/// is an id from the list (optionally `+`) or a LicenseRef declared in the
/// document.
fn check_expression(expr: &str, declared: &HashSet<String>) -> Result<(), String> {
    if expr == "NOASSERTION" || expr == "NONE" {
        return Ok(());
    }
    let spaced = expr.replace('(', " ( ").replace(')', " ) ");
    let mut want_operand = true;
    let mut depth = 0usize;
    let mut after_with = false;
    for tok in spaced.split_whitespace() {
        match tok {
            "(" if want_operand && !after_with => depth += 1,
            ")" if !want_operand => depth = depth.checked_sub(1).ok_or("unbalanced )")?,
            "AND" | "OR" | "WITH" if !want_operand => {
                want_operand = true;
                after_with = tok == "WITH";
            }
            t if want_operand => {
                let ok = if let Some(r) = t.strip_prefix("LicenseRef-") {
                    is_idstring(r) && declared.contains(t) && !after_with
                } else {
                    let base = t.strip_suffix('+').unwrap_or(t);
                    SPDX_LIST.contains(t) || SPDX_LIST.contains(base)
                };
                if !ok {
                    return Err(format!("unknown operand {t:?} in {expr:?}"));
                }
                want_operand = false;
                after_with = false;
            }
            t => return Err(format!("unexpected {t:?} in {expr:?}")),
        }
    }
    if want_operand || depth != 0 {
        return Err(format!("incomplete expression {expr:?}"));
    }
    Ok(())
}

fn is_spdx_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// Schema validation plus what the SPDX 2.3 specification requires but its
/// JSON schema does not check: the SPDXID alphabet and uniqueness,
/// relationships that point at existing elements, the timestamp shape,
/// valid license expressions with declared LicenseRefs, and a DESCRIBES
/// root that CONTAINS every other package.
pub fn check_spdx(doc: &Value) -> Result<(), String> {
    let errors = schema_errors(&SPDX, doc);
    if !errors.is_empty() {
        return Err(format!("schema: {errors:#?}"));
    }
    if doc["spdxVersion"] != "SPDX-2.3" || doc["dataLicense"] != "CC0-1.0" {
        return Err("wrong version or data license".into());
    }
    let created = doc["creationInfo"]["created"].as_str().unwrap_or_default();
    if !is_spdx_timestamp(created) {
        return Err(format!("bad created {created:?}"));
    }
    let ns = doc["documentNamespace"].as_str().ok_or("no namespace")?;
    if !ns.starts_with("https://") || ns.contains('#') || ns.contains(' ') {
        return Err(format!("bad namespace {ns:?}"));
    }
    let mut declared = HashSet::new();
    for info in doc["hasExtractedLicensingInfos"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let id = info["licenseId"].as_str().ok_or("no licenseId")?;
        if !id.strip_prefix("LicenseRef-").is_some_and(is_idstring) {
            return Err(format!("bad LicenseRef {id:?}"));
        }
        if !declared.insert(id.to_owned()) {
            return Err(format!("LicenseRef {id} declared twice"));
        }
    }
    let mut ids = HashSet::from(["SPDXRef-DOCUMENT".to_owned()]);
    let packages = doc["packages"].as_array().ok_or("no packages")?;
    for p in packages {
        let id = p["SPDXID"].as_str().ok_or("package without SPDXID")?;
        if !id.strip_prefix("SPDXRef-").is_some_and(is_idstring) {
            return Err(format!("bad SPDXID {id:?}"));
        }
        if !ids.insert(id.to_owned()) {
            return Err(format!("duplicate SPDXID {id}"));
        }
        for field in ["licenseDeclared", "licenseConcluded"] {
            let e = p[field].as_str().ok_or("license field missing")?;
            check_expression(e, &declared)?;
        }
        for r in p["externalRefs"].as_array().into_iter().flatten() {
            let locator = r["referenceLocator"].as_str().unwrap_or_default();
            if r["referenceType"] == "purl" && !is_purl(locator) {
                return Err(format!("bad purl locator {locator:?}"));
            }
        }
        if p["downloadLocation"] != "NOASSERTION" || p["filesAnalyzed"] != false {
            return Err(format!("{id}: downloadLocation/filesAnalyzed"));
        }
    }
    let rels = doc["relationships"].as_array().ok_or("no relationships")?;
    for r in rels {
        for end in ["spdxElementId", "relatedSpdxElement"] {
            let id = r[end].as_str().unwrap_or_default();
            if !ids.contains(id) {
                return Err(format!("relationship to unknown element {id:?}"));
            }
        }
    }
    let root = rels
        .iter()
        .find(|r| r["spdxElementId"] == "SPDXRef-DOCUMENT" && r["relationshipType"] == "DESCRIBES")
        .ok_or("document describes nothing")?["relatedSpdxElement"]
        .as_str()
        .unwrap_or_default();
    for p in packages {
        let id = p["SPDXID"].as_str().unwrap_or_default();
        if id != root
            && !rels.iter().any(|r| {
                r["spdxElementId"] == root
                    && r["relationshipType"] == "CONTAINS"
                    && r["relatedSpdxElement"] == id
            })
        {
            return Err(format!("root does not contain {id}"));
        }
    }
    Ok(())
}

pub fn digest(seed: &str) -> Digest {
    Digest::sha256_of(seed.as_bytes())
}

fn layer(index: usize) -> LayerRef {
    LayerRef {
        index,
        diff_id: Some(digest(&format!("layer{index}"))),
    }
}

fn loc(path: &str, index: usize, evidence: Evidence) -> Location {
    Location {
        path: path.to_owned(),
        layer: layer(index),
        evidence,
    }
}

#[allow(clippy::too_many_arguments)]
fn pkg(
    ecosystem: Ecosystem,
    namespace: Option<&str>,
    name: &str,
    version: &str,
    purl: String,
    licenses: &[&str],
    layer_index: usize,
    path: &str,
) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem,
        purl,
        namespace: namespace.map(str::to_owned),
        licenses: licenses.iter().map(|s| (*s).to_owned()).collect(),
        arch: None,
        source: None,
        layer: layer(layer_index),
        locations: vec![loc(path, layer_index, Evidence::Primary)],
        found_by: format!("{ecosystem}-cataloger"),
        metadata: Metadata::None,
    }
}

pub const WEIRD_NAME: &str = "we ird/\u{1b}[31m名前\"'<>\u{202e}";
pub const WEIRD_LICENSE: &str = "GPL v2 (or later) © \"ACME\"";

/// A report covering every ecosystem shape the renderers treat specially.
pub fn sample_report() -> ScanReport {
    let debian = Distro {
        id: "debian".into(),
        version_id: Some("12".into()),
        codename: Some("bookworm".into()),
        pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
        id_like: vec![],
    };
    let deb_purl = |name: &str, version: &str| {
        PurlBuilder::new("deb", name)
            .namespace("debian")
            .version(version)
            .qualifier("arch", "amd64")
            .qualifier("distro", "debian-12")
            .build()
    };

    let mut bsdutils = pkg(
        Ecosystem::Deb,
        None,
        "bsdutils",
        "1:2.38.1-5+deb12u3",
        deb_purl("bsdutils", "1:2.38.1-5+deb12u3"),
        &["GPL-2.0-or-later", "BSD-3-Clause", "public-domain"],
        0,
        "/var/lib/dpkg/status",
    );
    bsdutils.arch = Some("amd64".into());
    bsdutils.source = Some(SourcePackage {
        name: "util-linux".into(),
        version: "2.38.1-5+deb12u3".into(),
    });
    bsdutils.locations.push(loc(
        "/var/lib/dpkg/info/bsdutils.list",
        0,
        Evidence::Supporting,
    ));

    let mut libc = pkg(
        Ecosystem::Deb,
        None,
        "libc6",
        "2.36-9+deb12u4",
        deb_purl("libc6", "2.36-9+deb12u4"),
        &["LGPL-2.1-or-later"],
        0,
        "/var/lib/dpkg/status",
    );
    libc.source = Some(SourcePackage {
        name: "glibc".into(),
        version: "2.36-9+deb12u4".into(),
    });

    let mut openssl = pkg(
        Ecosystem::Rpm,
        None,
        "openssl-libs",
        "1:3.0.7-25.el9",
        PurlBuilder::new("rpm", "openssl-libs")
            .namespace("redhat")
            .version("3.0.7-25.el9")
            .qualifier("epoch", "1")
            .build(),
        &["Apache-2.0"],
        1,
        "/var/lib/rpm/rpmdb.sqlite",
    );
    openssl.metadata = Metadata::Rpm {
        epoch: Some(1),
        release: "25.el9".into(),
        source_rpm: Some("openssl-3.0.7-25.el9.src.rpm".into()),
        modularity_label: None,
    };

    let requests = pkg(
        Ecosystem::Pypi,
        None,
        "requests",
        "2.31.0",
        PurlBuilder::new("pypi", "requests")
            .version("2.31.0")
            .build(),
        &["Apache 2.0"],
        2,
        "/usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA",
    );
    let six_purl = PurlBuilder::new("pypi", "six").version("1.16.0").build();
    let six_a = pkg(
        Ecosystem::Pypi,
        None,
        "six",
        "1.16.0",
        six_purl.clone(),
        &["MIT"],
        1,
        "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
    );
    let six_b = pkg(
        Ecosystem::Pypi,
        None,
        "six",
        "1.16.0",
        six_purl,
        &["MIT"],
        2,
        "/usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
    );
    let babel = pkg(
        Ecosystem::Npm,
        Some("@babel"),
        "@babel/core",
        "7.24.0",
        PurlBuilder::new("npm", "core")
            .namespace("@babel")
            .version("7.24.0")
            .build(),
        &["MIT"],
        2,
        "/app/node_modules/@babel/core/package.json",
    );
    let mut log4j = pkg(
        Ecosystem::Maven,
        Some("org.apache.logging.log4j"),
        "log4j-core",
        "2.17.1",
        PurlBuilder::new("maven", "log4j-core")
            .namespace("org.apache.logging.log4j")
            .version("2.17.1")
            .build(),
        &["Apache-2.0"],
        2,
        "/app/lib/app.jar!/BOOT-INF/lib/log4j-core-2.17.1.jar",
    );
    log4j.metadata = Metadata::Java {
        sha1: Some("779F60F3844DADC3EF597976FCB1E5127B1F343D".into()),
    };
    let mut stdlib = pkg(
        Ecosystem::Golang,
        None,
        "stdlib",
        "go1.21.5",
        PurlBuilder::new("golang", "stdlib")
            .version("go1.21.5")
            .build(),
        &["BSD-3-Clause"],
        2,
        "/usr/local/bin/server",
    );
    stdlib.metadata = Metadata::Golang {
        go_version: "go1.21.5".into(),
        main_module: Some("example.com/server".into()),
        main: false,
    };
    let rack = pkg(
        Ecosystem::Gem,
        None,
        "rack",
        "3.0.8",
        PurlBuilder::new("gem", "rack").version("3.0.8").build(),
        &["MIT"],
        2,
        "/usr/local/bundle/specifications/rack-3.0.8.gemspec",
    );
    let console = pkg(
        Ecosystem::Composer,
        Some("symfony"),
        "console",
        "v6.4.1",
        PurlBuilder::new("composer", "console")
            .namespace("symfony")
            .version("v6.4.1")
            .build(),
        &["MIT"],
        2,
        "/var/www/vendor/composer/installed.json",
    );
    let newtonsoft = pkg(
        Ecosystem::Nuget,
        None,
        "Newtonsoft.Json",
        "13.0.3",
        PurlBuilder::new("nuget", "Newtonsoft.Json")
            .version("13.0.3")
            .build(),
        &["(mit or apache-2.0) and BSD-2-Clause"],
        2,
        "/app/app.deps.json",
    );
    let mut weird = pkg(
        Ecosystem::Npm,
        None,
        WEIRD_NAME,
        "1.0.0 beta+💥",
        PurlBuilder::new("npm", WEIRD_NAME)
            .version("1.0.0 beta+💥")
            .build(),
        &[WEIRD_LICENSE, "", "Apache-2.0 WITH LLVM-exception"],
        2,
        "/app/node_modules/we ird/package.json",
    );
    weird.found_by = "npm\ncataloger".into();

    let mut inventory = Inventory {
        distro: Some(debian.clone()),
        packages: vec![
            bsdutils, libc, openssl, requests, six_a, six_b, babel, log4j, stdlib, rack, console,
            newtonsoft, weird,
        ],
        unknowns: vec![Unknown {
            path: "/usr/lib/python3/dist-packages/broken.dist-info/METADATA".into(),
            layer: Some(layer(1)),
            analyzer: "python".into(),
            reason: "metadata is not utf-8".into(),
        }],
    };
    inventory.sort();
    let vulnerabilities = sample_vulnerabilities(&inventory.packages);
    let secrets = sample_secrets(&SAMPLE_SECRET_VALUES);

    ScanReport {
        tool: ToolInfo {
            name: "drydock".into(),
            version: "0.1.0".into(),
        },
        created: "2024-05-01T12:00:00Z".into(),
        target: Target {
            name: "registry.example.com:5000/shop/app:1.2".into(),
            kind: TargetKind::Image,
            manifest_digest: Some(digest("manifest")),
            config_digest: Some(digest("config")),
            repo_tags: vec!["registry.example.com:5000/shop/app:1.2".into()],
            repo_digests: vec![format!(
                "registry.example.com:5000/shop/app@{}",
                digest("manifest")
            )],
            platform: Some("linux/amd64".into()),
            layers: (0..3)
                .map(|i| LayerInfo {
                    index: i,
                    diff_id: Some(digest(&format!("layer{i}"))),
                    created_by: Some(format!("RUN step {i}")),
                    size: Some(1000 * (i as u64 + 1)),
                })
                .collect(),
            os: Some(debian),
        },
        inventory,
        vulnerabilities,
        secrets,
        misconfigurations: sample_misconfigurations(),
        malware: sample_malware(),
        warnings: vec!["layer 2 has a whiteout for a missing file".into()],
    }
}

/// The inventory package named `name`, as a finding refers to it.
pub fn package_ref(packages: &[Package], name: &str) -> PackageRef {
    PackageRef::of(
        packages
            .iter()
            .find(|p| p.name == name)
            .expect("sample package"),
    )
}

fn cvss31(vector: &str, score: f64) -> Cvss {
    Cvss {
        kind: "CVSS_V3".into(),
        vector: vector.into(),
        score: Some(score),
    }
}

/// Findings for the sample packages modelled on real advisories (ids,
/// aliases, fixed versions and CVSS vectors as published; severities and
/// reasons as the matcher words them): two PyPI advisories with CVSS for
/// requests, a Debian source-package match with a fix (glibc for libc6), a
/// Debian `<no-dsa>` finding without fix (util-linux for bsdutils), and a Go
/// advisory the image's VEX document suppresses.
pub fn sample_vulnerabilities(packages: &[Package]) -> Vec<Vulnerability> {
    let requests = package_ref(packages, "requests");
    vec![
        Vulnerability {
            id: "GHSA-9wx4-h78v-vm56".into(),
            aliases: vec!["CVE-2024-35195".into()],
            package: requests.clone(),
            matched_version: "2.31.0".into(),
            fixed_versions: vec!["2.32.0".into()],
            fix_state: FixState::Fixed,
            severity: Severity::Medium,
            severity_source: Some("CVSS_V3 of GHSA-9wx4-h78v-vm56".into()),
            cvss: vec![cvss31("CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N", 5.6)],
            summary: Some(
                "Requests `Session` object does not verify requests after making first request with verify=False"
                    .into(),
            ),
            feed: "PyPI".into(),
            reason: "installed 2.31.0 < fixed 2.32.0 in range introduced 0".into(),
            references: vec![
                "https://github.com/advisories/GHSA-9wx4-h78v-vm56".into(),
                "https://nvd.nist.gov/vuln/detail/CVE-2024-35195".into(),
            ],
            published: Some("2024-05-20T20:15:00Z".into()),
            suppressed: None,
        },
        Vulnerability {
            id: "GHSA-9hjg-9r4m-mvj7".into(),
            aliases: vec!["CVE-2024-47081".into()],
            package: requests,
            matched_version: "2.31.0".into(),
            fixed_versions: vec!["2.32.4".into()],
            fix_state: FixState::Fixed,
            severity: Severity::Medium,
            severity_source: Some("CVSS_V3 of GHSA-9hjg-9r4m-mvj7".into()),
            cvss: vec![cvss31("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N", 5.3)],
            summary: Some("Requests vulnerable to .netrc credentials leak via malicious URLs".into()),
            feed: "PyPI".into(),
            reason: "installed 2.31.0 < fixed 2.32.4 in range introduced 0".into(),
            references: vec!["https://github.com/psf/requests/security/advisories/GHSA-9hjg-9r4m-mvj7".into()],
            published: Some("2025-06-09".into()),
            suppressed: None,
        },
        Vulnerability {
            id: "CVE-2024-2961".into(),
            aliases: vec!["DSA-5678-1".into()],
            package: package_ref(packages, "libc6"),
            matched_version: "2.36-9+deb12u4".into(),
            fixed_versions: vec!["2.36-9+deb12u7".into()],
            fix_state: FixState::Fixed,
            severity: Severity::High,
            severity_source: Some("Debian urgency".into()),
            cvss: vec![],
            summary: Some(
                "The iconv() function in the GNU C Library may overflow its output buffer when converting to ISO-2022-CN-EXT"
                    .into(),
            ),
            feed: "Debian:12".into(),
            reason: "source glibc 2.36-9+deb12u4 < fixed 2.36-9+deb12u7 (bookworm)".into(),
            references: vec!["https://security-tracker.debian.org/tracker/CVE-2024-2961".into()],
            published: None,
            suppressed: None,
        },
        Vulnerability {
            id: "CVE-2022-0563".into(),
            aliases: vec![],
            package: package_ref(packages, "bsdutils"),
            matched_version: "2.38.1-5+deb12u3".into(),
            fixed_versions: vec![],
            fix_state: FixState::WontFix,
            severity: Severity::Low,
            severity_source: Some("Debian urgency".into()),
            cvss: vec![],
            summary: Some(
                "util-linux chfn and chsh may leak root-owned file contents via INPUTRC".into(),
            ),
            feed: "Debian:12".into(),
            reason: "source util-linux in bookworm is <no-dsa> (Minor issue)".into(),
            references: vec!["https://security-tracker.debian.org/tracker/CVE-2022-0563".into()],
            published: None,
            suppressed: None,
        },
        Vulnerability {
            id: "GO-2024-2598".into(),
            aliases: vec!["CVE-2024-24783".into()],
            package: package_ref(packages, "stdlib"),
            matched_version: "1.21.5".into(),
            fixed_versions: vec!["1.21.8".into(), "1.22.1".into()],
            fix_state: FixState::Fixed,
            severity: Severity::Unknown,
            severity_source: None,
            cvss: vec![],
            summary: Some("Verify panics on certificates with an unknown public key algorithm in crypto/x509".into()),
            feed: "Go".into(),
            reason: "installed 1.21.5 < fixed 1.21.8 in range introduced 0".into(),
            references: vec!["https://pkg.go.dev/vuln/GO-2024-2598".into()],
            published: Some("2024-03-05T16:41:31Z".into()),
            suppressed: Some(Suppression {
                kind: SuppressionKind::Vex,
                source: "vex/server.openvex.json".into(),
                reason: Some("vulnerable_code_not_in_execute_path".into()),
            }),
        },
    ]
}

/// The values of [`sample_secrets`], in its order. Only tests hold them:
/// the sample report carries their redactions and fingerprints, never the
/// values, so a value found in any rendering is a leak. (The AWS key is
/// AWS's documented example; the others are made up in the real formats.)
pub const SAMPLE_SECRET_VALUES: [&str; 5] = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_R7xK2mQ9vL4sT8wN3pZ6yB1cD5fH0jA2eG7k",
    "s3cr3t-Pa55w0rd-7Qx!",
    "npm_Zq8Lw3Kx9Vb2Nm5Tc7Yr1Hd4Fs6Gj0Pe3Ua8",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----",
];

/// What a scanner shows of a secret: its first four characters and its
/// length.
pub fn redact(value: &str) -> String {
    let prefix: String = value.chars().take(4).collect();
    format!("{prefix}…({})", value.chars().count())
}

/// A scanner-style fingerprint: a hash of the rule, the place and the
/// value, which reveals none of them.
fn secret_fingerprint(rule: &str, place: &str, value: &str) -> String {
    let d = digest(&format!("{rule}\0{place}\0{value}")).to_string();
    d.trim_start_matches("sha256:").chars().take(32).collect()
}

fn file_at(path: &str, layer_index: usize, line: u32, column: u32) -> SecretLocation {
    SecretLocation::File {
        path: path.into(),
        layer: layer(layer_index),
        deleted_in_layer: None,
        replaced_in_layer: None,
        line,
        column,
    }
}

/// Secrets of the shapes the renderers treat differently, built from
/// `values` (see [`SAMPLE_SECRET_VALUES`]) without keeping them: an AWS key
/// in a file a later layer deleted, a GitHub token in a file a later layer
/// replaced, a password in `Env`, an npm token in a build step's history
/// (a build argument), and a private key an ignore file suppresses.
pub fn sample_secrets(values: &[&str; 5]) -> Vec<Secret> {
    let [aws, ghp, password, npm, key] = *values;
    let mut deleted = file_at("root/.aws/credentials", 1, 2, 19);
    if let SecretLocation::File {
        deleted_in_layer, ..
    } = &mut deleted
    {
        *deleted_in_layer = Some(2);
    }
    let mut replaced = file_at("app/.env", 1, 3, 14);
    if let SecretLocation::File {
        replaced_in_layer, ..
    } = &mut replaced
    {
        *replaced_in_layer = Some(2);
    }
    let secret = |rule: &str,
                  title: &str,
                  category: &str,
                  severity: Severity,
                  location: SecretLocation,
                  value: &str| Secret {
        rule_id: rule.into(),
        title: title.into(),
        category: category.into(),
        severity,
        fingerprint: secret_fingerprint(rule, &format!("{location:?}"), value),
        location,
        redacted: redact(value),
        secret: None,
        suppressed: None,
    };
    let mut private_key = secret(
        "private-key",
        "Private key",
        "private-key",
        Severity::High,
        file_at("etc/ssh/ssh_host_ed25519_key", 0, 1, 1),
        key,
    );
    private_key.suppressed = Some(Suppression {
        kind: SuppressionKind::IgnoreFile,
        source: ".drydockignore.yaml".into(),
        reason: Some("test host key, not used in production".into()),
    });
    vec![
        secret(
            "github-pat",
            "GitHub personal access token",
            "vcs",
            Severity::High,
            replaced,
            ghp,
        ),
        secret(
            "npm-access-token",
            "npm access token",
            "package-registry",
            Severity::High,
            SecretLocation::History {
                index: 3,
                layer: Some(2),
            },
            npm,
        ),
        secret(
            "generic-password",
            "Password",
            "generic",
            Severity::Medium,
            SecretLocation::Env {
                name: "DB_PASSWORD".into(),
            },
            password,
        ),
        secret(
            "aws-access-key-id",
            "AWS access key ID",
            "cloud",
            Severity::Critical,
            deleted,
            aws,
        ),
        private_key,
    ]
}

/// A long `RUN` line, so the table has evidence to cut.
pub const LONG_RUN: &str = "RUN apt-get update && apt-get install -y curl ca-certificates gnupg \
    lsb-release unzip && rm -rf /var/lib/apt/lists/*";

/// Configuration findings of the shapes the renderers treat differently:
/// image config checks (config path only), an image file check (file and
/// layer), Dockerfile checks (file and lines, one spanning several, one
/// with evidence too long for the table), a Kubernetes check (file, line,
/// config path and object), two info-level hardening facts, and one an
/// ignore file suppresses. Ids, titles and references are modelled on
/// drydock's checks and the CIS Docker benchmark, hadolint and Pod Security
/// Standards rules they map to.
pub fn sample_misconfigurations() -> Vec<Misconfiguration> {
    let finding = |check_id: &str,
                   title: &str,
                   severity: Severity,
                   source: &str,
                   location: MisconfigLocation,
                   evidence: &str,
                   remediation: &str,
                   references: &[&str]| Misconfiguration {
        check_id: check_id.into(),
        title: title.into(),
        severity,
        source: source.into(),
        location,
        evidence: evidence.into(),
        remediation: remediation.into(),
        references: references.iter().map(|r| (*r).to_owned()).collect(),
        suppressed: None,
    };
    let config = |path: &str| MisconfigLocation {
        config_path: Some(path.into()),
        ..MisconfigLocation::default()
    };
    let dockerfile = |line: u32, end_line: Option<u32>| MisconfigLocation {
        file: Some("app/Dockerfile".into()),
        line: Some(line),
        end_line,
        ..MisconfigLocation::default()
    };
    let mut ssh = finding(
        "DD-IMG-004",
        "SSH port exposed",
        Severity::Low,
        "image",
        config("config.ExposedPorts"),
        "22/tcp",
        "Remove EXPOSE 22; use docker exec or kubectl exec to get a shell.",
        &["dockle:DKL-DI-0004"],
    );
    ssh.suppressed = Some(Suppression {
        kind: SuppressionKind::IgnoreFile,
        source: ".drydockignore.yaml".into(),
        reason: Some("bastion image, ssh is its purpose".into()),
    });
    vec![
        finding(
            "DD-DF-004",
            "ADD with a remote URL",
            Severity::Medium,
            "dockerfile",
            dockerfile(12, None),
            "ADD https://example.com/tool.tar.gz /opt/",
            "Download with curl and check a checksum, or COPY a vetted file.",
            &["hadolint:DL3020", "CIS-Docker-4.9"],
        ),
        finding(
            "DD-IMG-001",
            "Image runs as root",
            Severity::High,
            "image",
            config("config.User"),
            "User is empty (defaults to root)",
            "Add a USER instruction with a non-root user after the last FROM.",
            &["CIS-Docker-4.1", "dockle:CIS-DI-0001"],
        ),
        finding(
            "DD-IMG-100",
            "No HEALTHCHECK",
            Severity::Info,
            "image",
            config("config.Healthcheck"),
            "not set",
            "Add a HEALTHCHECK so orchestrators can restart a hung service.",
            &["CIS-Docker-4.6"],
        ),
        finding(
            "DD-K8S-PSS-PRIV",
            "Privileged container",
            Severity::Critical,
            "kubernetes",
            MisconfigLocation {
                file: Some("deploy/web.yaml".into()),
                line: Some(21),
                end_line: None,
                config_path: Some(
                    "spec.template.spec.containers[0].securityContext.privileged".into(),
                ),
                layer: None,
                object: Some("Deployment/web".into()),
            },
            "privileged: true",
            "Set securityContext.privileged to false.",
            &[
                "PSS-baseline:privileged",
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
            ],
        ),
        finding(
            "DD-DF-010",
            "apt-get install without version pins",
            Severity::Low,
            "dockerfile",
            dockerfile(7, Some(9)),
            LONG_RUN,
            "Pin versions: apt-get install curl=<version>.",
            &["hadolint:DL3008"],
        ),
        finding(
            "DD-IMG-101",
            "File capabilities",
            Severity::Info,
            "image",
            MisconfigLocation {
                file: Some("usr/bin/ping".into()),
                layer: Some(0),
                ..MisconfigLocation::default()
            },
            "cap_net_raw=ep",
            "",
            &[],
        ),
        finding(
            "DD-IMG-009",
            "setuid binary added",
            Severity::Medium,
            "image",
            MisconfigLocation {
                file: Some("usr/local/bin/helper".into()),
                layer: Some(2),
                ..MisconfigLocation::default()
            },
            "mode 4755, owner root",
            "Remove the setuid bit (chmod u-s) unless the binary needs it.",
            &["CIS-Docker-4.8"],
        ),
        ssh,
    ]
}

/// Malware findings of the shapes the renderers treat differently: a YARA
/// web shell with decoded evidence, a miner found by hash in a file a later
/// layer deleted, a hack tool with more evidence than the table shows, and
/// the EICAR test file, found by ClamAV and suppressed by an ignore file.
pub fn sample_malware() -> Vec<Malware> {
    let flagged = |engine: &str,
                   rule: &str,
                   category: &str,
                   severity: Severity,
                   description: &str,
                   path: &str,
                   layer_index: usize,
                   evidence: &[&str]| Malware {
        engine: engine.into(),
        rule: rule.into(),
        category: category.into(),
        severity,
        description: description.into(),
        path: path.into(),
        layer: layer(layer_index),
        deleted_in_layer: None,
        replaced_in_layer: None,
        evidence: evidence.iter().map(|e| (*e).to_owned()).collect(),
        sha256: Some(
            digest(path)
                .to_string()
                .trim_start_matches("sha256:")
                .to_owned(),
        ),
        suppressed: None,
    };
    let mut miner = flagged(
        "hash",
        "xmrig-6.21.0",
        "miner",
        Severity::High,
        "XMRig Monero miner",
        "usr/local/bin/kworker",
        1,
        &[],
    );
    miner.deleted_in_layer = Some(2);
    let mut eicar = flagged(
        "clamav",
        "Win.Test.EICAR_HDB-1",
        "test-file",
        Severity::Low,
        "EICAR anti-virus test file",
        "tmp/eicar.com",
        1,
        &[],
    );
    eicar.suppressed = Some(Suppression {
        kind: SuppressionKind::IgnoreFile,
        source: ".drydockignore.yaml".into(),
        reason: Some("smoke test of the scanner".into()),
    });
    vec![
        miner,
        flagged(
            "yara",
            "hacktool_chisel",
            "hacktool",
            Severity::Medium,
            "Chisel TCP tunnel",
            "opt/tools/chisel",
            2,
            &[
                "chisel client",
                "github.com/jpillora/chisel/share",
                "chisel server --reverse",
                "SSH-chisel-v3",
                "CHISEL_KEY",
            ],
        ),
        flagged(
            "yara",
            "php_webshell_eval",
            "webshell",
            Severity::Critical,
            "PHP web shell evaluating request data",
            "var/www/html/uploads/up.php",
            2,
            &[
                "eval($_POST['cmd'])",
                "decoded base64_decode → gzinflate: system($_GET['c']); /* padding to make this line long enough that the table has to cut it */",
            ],
        ),
        eicar,
    ]
}
