//! Every format rendered from a representative report, with the SBOMs and
//! the SARIF log validated against the official schemas.

mod common;

use std::collections::HashSet;

use common::*;
use drydock_findings::{FixState, Severity, Suppression, SuppressionKind, Vulnerability};
use drydock_report::{Error, Format, ScanReport, Target, TargetKind, render};
use serde_json::{Value, json};

fn components(doc: &Value) -> &Vec<Value> {
    doc["components"].as_array().unwrap()
}

fn component<'a>(doc: &'a Value, name: &str) -> Vec<&'a Value> {
    components(doc)
        .iter()
        .filter(|c| c["name"] == name)
        .collect()
}

fn property<'a>(c: &'a Value, name: &str) -> Vec<&'a str> {
    c["properties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == name)
        .filter_map(|p| p["value"].as_str())
        .collect()
}

#[test]
fn cyclonedx_is_valid_and_complete() {
    let report = sample_report();
    let doc = render_json(&report, Format::CycloneDxJson);
    check_cyclonedx(&doc).unwrap();

    assert_eq!(doc["bomFormat"], "CycloneDX");
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["metadata"]["timestamp"], "2024-05-01T12:00:00Z");
    assert_eq!(
        doc["metadata"]["tools"]["components"][0],
        json!({"type": "application", "name": "drydock", "version": "0.1.0"})
    );

    let root = &doc["metadata"]["component"];
    assert_eq!(root["type"], "container");
    assert_eq!(root["name"], "registry.example.com:5000/shop/app");
    assert_eq!(root["version"], "1.2");
    let root_purl = root["purl"].as_str().unwrap();
    assert!(root_purl.starts_with("pkg:oci/app@sha256"), "{root_purl}");
    assert!(root_purl.contains("tag=1.2"), "{root_purl}");
    assert_eq!(property(root, "drydock:image:layer").len(), 3);

    // One OS component plus one per package, each with a purl.
    assert_eq!(components(&doc).len(), report.inventory.packages.len() + 1);
    let os = &components(&doc)[0];
    assert_eq!(os["type"], "operating-system");
    assert_eq!(
        (os["name"].as_str(), os["version"].as_str()),
        (Some("debian"), Some("12"))
    );
    for (c, p) in components(&doc)[1..].iter().zip(&report.inventory.packages) {
        assert_eq!(c["type"], "library");
        assert_eq!(c["purl"], p.purl.as_str());
        assert!(c["bom-ref"].as_str().unwrap().starts_with(p.purl.as_str()));
        assert_eq!(
            property(c, "drydock:package:found-by"),
            [p.found_by.as_str()]
        );
        assert_eq!(
            property(c, "drydock:package:layer-index"),
            [p.layer.index.to_string().as_str()]
        );
        let occurrences = c["evidence"]["occurrences"].as_array().unwrap();
        assert_eq!(occurrences.len(), p.locations.len());
        assert_eq!(occurrences[0]["location"], p.locations[0].path.as_str());
    }

    // deb: epoch kept in the version, source package as properties.
    let bsd = component(&doc, "bsdutils")[0];
    assert_eq!(bsd["version"], "1:2.38.1-5+deb12u3");
    assert_eq!(property(bsd, "drydock:package:source-name"), ["util-linux"]);
    assert_eq!(
        property(bsd, "drydock:package:source-version"),
        ["2.38.1-5+deb12u3"]
    );
    assert_eq!(property(bsd, "drydock:package:evidence-path").len(), 2);
    assert_eq!(
        bsd["licenses"],
        json!([
            {"license": {"id": "GPL-2.0-or-later"}},
            {"license": {"id": "BSD-3-Clause"}},
            {"license": {"name": "public-domain"}}
        ])
    );

    // Groups only for maven and composer; npm scopes stay in the name.
    assert_eq!(
        component(&doc, "log4j-core")[0]["group"],
        "org.apache.logging.log4j"
    );
    assert_eq!(
        component(&doc, "log4j-core")[0]["hashes"],
        json!([{"alg": "SHA-1", "content": "779f60f3844dadc3ef597976fcb1e5127b1f343d"}])
    );
    assert_eq!(component(&doc, "console")[0]["group"], "symfony");
    assert!(component(&doc, "@babel/core")[0].get("group").is_none());
    assert_eq!(
        property(component(&doc, "stdlib")[0], "drydock:package:go:toolchain"),
        ["go1.21.5"]
    );
    assert_eq!(
        property(
            component(&doc, "openssl-libs")[0],
            "drydock:package:rpm:epoch"
        ),
        ["1"]
    );

    // Expressions are normalized; non-SPDX strings become names.
    assert_eq!(
        component(&doc, "Newtonsoft.Json")[0]["licenses"],
        json!([{"expression": "(MIT OR Apache-2.0) AND BSD-2-Clause"}])
    );
    assert_eq!(
        component(&doc, "requests")[0]["licenses"],
        json!([{"license": {"name": "Apache 2.0"}}])
    );
    let weird = component(&doc, WEIRD_NAME)[0];
    assert_eq!(
        weird["licenses"],
        json!([
            {"license": {"name": WEIRD_LICENSE}},
            {"license": {"name": "Apache-2.0 WITH LLVM-exception"}}
        ])
    );

    // Two packages with one purl: distinct refs, both derived from the purl.
    let six = component(&doc, "six");
    assert_eq!(six.len(), 2);
    assert_eq!(six[0]["purl"], six[1]["purl"]);
    let purl = six[0]["purl"].as_str().unwrap();
    assert_eq!(six[0]["bom-ref"], purl);
    assert_eq!(six[1]["bom-ref"], format!("{purl}?drydock-instance=2"));

    let meta_props = &doc["metadata"];
    assert_eq!(property(meta_props, "drydock:warning").len(), 1);
    assert_eq!(property(meta_props, "drydock:unknown").len(), 1);
}

#[test]
fn spdx_is_valid_and_complete() {
    let report = sample_report();
    let doc = render_json(&report, Format::SpdxJson);
    check_spdx(&doc).unwrap();

    assert_eq!(doc["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(doc["name"], "registry.example.com:5000/shop/app:1.2");
    assert_eq!(
        doc["creationInfo"]["creators"],
        json!(["Tool: drydock-0.1.0"])
    );
    let packages = doc["packages"].as_array().unwrap();
    // image + OS + every package
    assert_eq!(packages.len(), report.inventory.packages.len() + 2);
    let image = &packages[0];
    assert_eq!(image["primaryPackagePurpose"], "CONTAINER");
    assert_eq!(image["versionInfo"], "1.2");
    assert_eq!(image["externalRefs"][0]["referenceType"], "purl");
    assert_eq!(packages[1]["primaryPackagePurpose"], "OPERATING_SYSTEM");

    let rels = doc["relationships"].as_array().unwrap();
    assert_eq!(rels.len(), packages.len());
    assert_eq!(
        rels[0],
        json!({
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": image["SPDXID"]
        })
    );

    for (p, pkg) in packages[2..].iter().zip(&report.inventory.packages) {
        assert_eq!(p["name"], pkg.name.as_str());
        assert_eq!(p["versionInfo"], pkg.version.as_str());
        assert_eq!(p["licenseConcluded"], "NOASSERTION");
        assert_eq!(p["copyrightText"], "NOASSERTION");
        assert_eq!(
            p["externalRefs"][0],
            json!({
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": pkg.purl
            })
        );
        let info = p["sourceInfo"].as_str().unwrap();
        assert!(info.contains(&pkg.locations[0].path), "{info}");
        assert!(
            info.contains(&format!("layer {}", pkg.layer.index)),
            "{info}"
        );
    }
    let by_name = |n: &str| packages.iter().find(|p| p["name"] == n).unwrap();
    assert_eq!(
        by_name("Newtonsoft.Json")["licenseDeclared"],
        "(MIT OR Apache-2.0) AND BSD-2-Clause"
    );
    assert_eq!(
        by_name("bsdutils")["SPDXID"],
        "SPDXRef-Package-deb-bsdutils-1-2.38.1-5-deb12u3"
    );

    // Non-SPDX strings are LicenseRefs with their text kept.
    let weird_decl = by_name(WEIRD_NAME)["licenseDeclared"].as_str().unwrap();
    assert!(
        weird_decl.starts_with("LicenseRef-GPL-v2-or-later-ACME-"),
        "{weird_decl}"
    );
    assert!(
        weird_decl.ends_with(" AND Apache-2.0 WITH LLVM-exception"),
        "{weird_decl}"
    );
    let infos = doc["hasExtractedLicensingInfos"].as_array().unwrap();
    let texts: HashSet<&str> = infos
        .iter()
        .filter_map(|i| i["extractedText"].as_str())
        .collect();
    assert_eq!(
        texts,
        HashSet::from(["public-domain", "Apache 2.0", WEIRD_LICENSE])
    );

    let six: Vec<&str> = packages
        .iter()
        .filter(|p| p["name"] == "six")
        .map(|p| p["SPDXID"].as_str().unwrap())
        .collect();
    assert_eq!(
        six,
        [
            "SPDXRef-Package-pypi-six-1.16.0",
            "SPDXRef-Package-pypi-six-1.16.0-2"
        ]
    );
}

#[test]
fn output_is_reproducible_and_content_addressed() {
    let report = sample_report();
    for format in Format::ALL {
        assert_eq!(
            render_string(&report, format),
            render_string(&report, format),
            "{format}"
        );
    }
    let cdx = render_json(&report, Format::CycloneDxJson);
    let spdx = render_json(&report, Format::SpdxJson);
    let mut changed = report.clone();
    changed.inventory.packages.pop();
    let cdx2 = render_json(&changed, Format::CycloneDxJson);
    let spdx2 = render_json(&changed, Format::SpdxJson);
    assert_ne!(cdx["serialNumber"], cdx2["serialNumber"]);
    assert_ne!(spdx["documentNamespace"], spdx2["documentNamespace"]);
    let ns = spdx["documentNamespace"].as_str().unwrap();
    assert!(
        ns.starts_with("https://drydock.invalid/spdx/registry.example.com-5000-shop-app-1.2-"),
        "{ns}"
    );
}

#[test]
fn json_round_trips_with_stable_names() {
    let report = sample_report();
    let text = render_string(&report, Format::Json);
    let back: ScanReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["tool"]["name"], "drydock");
    assert_eq!(v["created"], "2024-05-01T12:00:00Z");
    assert_eq!(v["target"]["kind"], "image");
    assert_eq!(v["target"]["layers"][1]["index"], 1);
    assert_eq!(v["inventory"]["packages"][0]["ecosystem"], "deb");
    assert_eq!(v["inventory"]["unknowns"][0]["analyzer"], "python");
    let vuln = &v["vulnerabilities"][0];
    assert_eq!(vuln["id"], "GHSA-9wx4-h78v-vm56");
    assert_eq!(vuln["aliases"], json!(["CVE-2024-35195"]));
    assert_eq!(vuln["package"]["name"], "requests");
    assert_eq!(
        vuln["package"]["path"],
        "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA"
    );
    assert_eq!(vuln["package"]["layer"]["index"], 2);
    assert_eq!(vuln["matched_version"], "2.31.0");
    assert_eq!(vuln["fixed_versions"], json!(["2.32.0"]));
    assert_eq!(vuln["fix_state"], "fixed");
    assert_eq!(vuln["severity"], "medium");
    assert_eq!(vuln["cvss"][0]["score"], 5.6);
    assert_eq!(vuln["feed"], "PyPI");
    assert_eq!(v["vulnerabilities"][3]["fix_state"], "wont-fix");
    assert_eq!(v["vulnerabilities"][4]["suppressed"]["kind"], "vex");
    assert_eq!(
        v["warnings"][0],
        "layer 2 has a whiteout for a missing file"
    );
}

#[test]
fn table_is_readable_and_safe() {
    let report = sample_report();
    let text = render_string(&report, Format::Table);
    assert!(!text.contains('\u{1b}'), "raw escape in table");
    assert!(!text.contains('\u{202e}'), "raw bidi override in table");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "drydock 0.1.0: registry.example.com:5000/shop/app:1.2 (image)"
    );
    assert!(
        lines.contains(&"OS:       Debian GNU/Linux 12 (bookworm)"),
        "{text}"
    );
    assert!(
        lines.contains(
            &"Packages: 13 (deb 2, rpm 1, pypi 3, npm 2, maven 1, golang 1, gem 1, composer 1, nuget 1)"
        ),
        "{text}"
    );
    let header = lines.iter().position(|l| l.starts_with("NAME ")).unwrap();
    let h = lines[header];
    let cols: Vec<usize> = ["VERSION", "TYPE", "SOURCE", "LAYER", "PATH"]
        .iter()
        .map(|c| h.find(c).unwrap())
        .collect();
    let rows = &lines[header + 1..header + 14];
    let types: Vec<String> = rows
        .iter()
        .map(|r| r.chars().skip(cols[1]).take_while(|c| *c != ' ').collect())
        .collect();
    assert_eq!(
        types,
        [
            "deb", "deb", "rpm", "pypi", "pypi", "pypi", "npm", "npm", "maven", "golang", "gem",
            "composer", "nuget"
        ]
    );
    let bsd = rows.iter().find(|r| r.starts_with("bsdutils ")).unwrap();
    assert!(bsd.contains("util-linux@2.38.1-5+deb12u3"), "{bsd}");
    assert!(bsd.ends_with("/var/lib/dpkg/status"), "{bsd}");
    // Columns line up: every cell of the bsdutils row starts under its header.
    let chars: Vec<char> = bsd.chars().collect();
    for c in &cols {
        assert_ne!(chars[*c], ' ', "{bsd}");
        assert_eq!(chars[*c - 1], ' ', "{bsd}");
    }
    let libc = rows.iter().find(|r| r.starts_with("libc6 ")).unwrap();
    assert!(libc.contains("glibc@2.36-9+deb12u4"), "{libc}");
    let requests = rows.iter().find(|r| r.starts_with("requests ")).unwrap();
    assert!(
        !requests.contains('@'),
        "no source for language packages: {requests}"
    );
    assert!(text.contains("we ird/\\u{1b}[31m名前"), "{text}");
    assert!(text.contains("Unknowns (1)"), "{text}");
    assert!(text.contains(
        "  /usr/lib/python3/dist-packages/broken.dist-info/METADATA (layer 1): python: metadata is not utf-8"
    ));
    assert!(text.contains("Warnings (1):\n  layer 2 has a whiteout"));
}

#[test]
fn empty_filesystem_report_renders_everywhere() {
    let report = ScanReport {
        created: "2024-05-01T12:00:00.5+00:00".into(),
        target: Target::new("/srv/rootfs", TargetKind::Filesystem),
        ..ScanReport::default()
    };
    check_cyclonedx(&render_json(&report, Format::CycloneDxJson)).unwrap();
    let spdx = render_json(&report, Format::SpdxJson);
    check_spdx(&spdx).unwrap();
    assert_eq!(spdx["creationInfo"]["created"], "2024-05-01T12:00:00Z");
    assert_eq!(
        spdx["packages"][0]["SPDXID"],
        "SPDXRef-DocumentRoot-Directory-srv-rootfs"
    );
    let cdx = render_json(&report, Format::CycloneDxJson);
    assert_eq!(cdx["metadata"]["component"]["type"], "file");
    assert_eq!(cdx["dependencies"][0]["dependsOn"], json!([]));
    let table = render_string(&report, Format::Table);
    assert!(table.contains("No packages found."), "{table}");
    assert!(table.contains("OS:       unknown"), "{table}");
}

#[test]
fn bad_timestamp_is_an_error_for_machine_formats_only() {
    let mut report = sample_report();
    report.created = "yesterday".into();
    for format in [Format::CycloneDxJson, Format::SpdxJson, Format::Sarif] {
        let mut out = Vec::new();
        let err = render(&report, format, &mut out).unwrap_err();
        assert!(matches!(err, Error::InvalidTimestamp(_)), "{err}");
        assert!(out.is_empty(), "nothing written on error");
    }
    render_string(&report, Format::Table);
    render_string(&report, Format::Json);
}

/// A named way to damage a valid document.
type Breakage = (&'static str, fn(&mut Value));

#[test]
fn validators_reject_broken_documents() {
    let report = sample_report();
    let good = render_json(&report, Format::CycloneDxJson);
    let breakages: [Breakage; 5] = [
        ("no bomFormat", |d| {
            d.as_object_mut().unwrap().remove("bomFormat");
        }),
        ("bad serial", |d| d["serialNumber"] = json!("not-a-urn")),
        ("unknown license id", |d| {
            d["components"][1]["licenses"] = json!([{"license": {"id": "Not-A-License"}}])
        }),
        ("license id and name", |d| {
            d["components"][1]["licenses"] = json!([{"license": {"id": "MIT", "name": "MIT"}}])
        }),
        ("bad component type", |d| {
            d["components"][1]["type"] = json!("gadget")
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(
            !schema_errors(&CYCLONEDX, &doc).is_empty(),
            "cyclonedx accepted: {what}"
        );
    }
    let mut dup = good.clone();
    dup["components"][2]["bom-ref"] = dup["components"][1]["bom-ref"].clone();
    assert!(check_cyclonedx(&dup).is_err());

    let good = render_json(&report, Format::SpdxJson);
    let breakages: [Breakage; 4] = [
        ("no SPDXID", |d| {
            d.as_object_mut().unwrap().remove("SPDXID");
        }),
        ("bad relationship", |d| {
            d["relationships"][0]["relationshipType"] = json!("LIKES")
        }),
        ("package without name", |d| {
            d["packages"][1].as_object_mut().unwrap().remove("name");
        }),
        ("bad ref category", |d| {
            d["packages"][2]["externalRefs"][0]["referenceCategory"] = json!("PACKAGE_MANAGER_X")
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(
            !schema_errors(&SPDX, &doc).is_empty(),
            "spdx accepted: {what}"
        );
    }
    // What only the extra checks catch.
    let stricter: [Breakage; 4] = [
        ("bad SPDXID", |d| {
            d["packages"][2]["SPDXID"] = json!("SPDXRef-a_b")
        }),
        ("undeclared LicenseRef", |d| {
            d["packages"][2]["licenseDeclared"] = json!("LicenseRef-nope")
        }),
        ("dangling relationship", |d| {
            d["relationships"][1]["relatedSpdxElement"] = json!("SPDXRef-gone")
        }),
        ("bad expression", |d| {
            d["packages"][2]["licenseDeclared"] = json!("MIT OR")
        }),
    ];
    for (what, breakage) in stricter {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(check_spdx(&doc).is_err(), "accepted: {what}");
    }
}

#[test]
fn long_versions_are_cut_for_cyclonedx_and_kept_in_full() {
    let mut report = sample_report();
    let long = "9".repeat(3000);
    report.inventory.packages[0].version = long.clone();
    let doc = render_json(&report, Format::CycloneDxJson);
    check_cyclonedx(&doc).unwrap();
    let c = &components(&doc)[1];
    assert_eq!(c["version"].as_str().unwrap().len(), 1024);
    assert_eq!(property(c, "drydock:package:full-version"), [long.as_str()]);
    check_spdx(&render_json(&report, Format::SpdxJson)).unwrap();
}

#[test]
fn malformed_purls_stay_out_of_purl_fields() {
    let mut report = sample_report();
    report.inventory.packages[0].purl = "pkg:gem/".into();
    report.inventory.packages[1].purl = "not a purl".into();
    let cdx = render_json(&report, Format::CycloneDxJson);
    check_cyclonedx(&cdx).unwrap();
    for (i, raw) in [(1, "pkg:gem/"), (2, "not a purl")] {
        let c = &components(&cdx)[i];
        assert!(c.get("purl").is_none(), "{c}");
        assert_eq!(c["bom-ref"], raw);
        assert_eq!(property(c, "drydock:package:malformed-purl"), [raw]);
    }
    let spdx = render_json(&report, Format::SpdxJson);
    check_spdx(&spdx).unwrap();
    let p = &spdx["packages"][2];
    assert!(p.get("externalRefs").is_none(), "{p}");
    assert!(
        p["comment"]
            .as_str()
            .unwrap()
            .contains("malformed purl pkg:gem/")
    );
}

#[test]
fn many_packages_sharing_a_purl_stay_unique_and_valid() {
    let mut report = sample_report();
    let template = report.inventory.packages[0].clone();
    report.inventory.packages = vec![template; 2000];
    let cdx = render_json(&report, Format::CycloneDxJson);
    check_cyclonedx(&cdx).unwrap();
    let refs: HashSet<&str> = components(&cdx)
        .iter()
        .filter_map(|c| c["bom-ref"].as_str())
        .collect();
    assert_eq!(refs.len(), 2001);
    check_spdx(&render_json(&report, Format::SpdxJson)).unwrap();
}

fn sarif_results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().unwrap()
}

fn result<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    sarif_results(doc)
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

fn rule<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

#[test]
fn sarif_is_valid_and_follows_the_conventions() {
    let report = sample_report();
    let doc = render_json(&report, Format::Sarif);
    check_sarif(&doc).unwrap();

    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "drydock");
    assert_eq!(driver["version"], "0.1.0");
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(run["invocations"][0]["endTimeUtc"], "2024-05-01T12:00:00Z");
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
        "layer 2 has a whiteout for a missing file"
    );
    assert_eq!(run["originalUriBaseIds"]["IMAGE_ROOT"]["uri"], "file:///");
    let props = &run["properties"];
    assert_eq!(props["target-name"], report.target.name.as_str());
    assert_eq!(props["manifest-digest"], digest("manifest").to_string());
    assert_eq!(props["config-digest"], digest("config").to_string());

    // One result per finding, suppressed included, most severe first; one
    // rule per advisory. Vulnerabilities come first, then the secrets,
    // misconfigurations and malware.
    let all = sarif_results(&doc);
    assert_eq!(
        all.len(),
        5 + report.secrets.len() + report.misconfigurations.len() + report.malware.len()
    );
    let results = &all[..5];
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "CVE-2024-2961",
            "GHSA-9hjg-9r4m-mvj7",
            "GHSA-9wx4-h78v-vm56",
            "CVE-2022-0563",
            "GO-2024-2598"
        ]
    );
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning", "warning", "note", "note"]);
    let vuln_rules = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["properties"]["tags"][0] == "vulnerability")
        .count();
    assert_eq!(vuln_rules, 5);

    let r = result(&doc, "GHSA-9wx4-h78v-vm56");
    assert_eq!(
        r["message"]["text"],
        "requests 2.31.0: GHSA-9wx4-h78v-vm56 (CVE-2024-35195) MEDIUM, fixed in 2.32.0. \
         installed 2.31.0 < fixed 2.32.0 in range introduced 0"
    );
    let loc = &r["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"],
        json!({
            "uri": "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA",
            "uriBaseId": "IMAGE_ROOT"
        })
    );
    assert_eq!(
        loc["logicalLocations"][0],
        json!({"name": "requests", "fullyQualifiedName": "pkg:pypi/requests@2.31.0", "kind": "package"})
    );
    assert_eq!(r["properties"]["layer-index"], 2);
    assert_eq!(
        r["properties"]["layer-diff-id"],
        digest("layer2").to_string()
    );
    assert_eq!(r["properties"]["package"], "requests");
    assert_eq!(r["properties"]["installed-version"], "2.31.0");
    assert_eq!(r["properties"]["fixed-versions"], json!(["2.32.0"]));
    assert_eq!(r["properties"]["fix-state"], "fixed");
    assert_eq!(r["properties"]["severity"], "MEDIUM");
    assert_eq!(r["properties"]["purl"], "pkg:pypi/requests@2.31.0");
    assert!(r.get("suppressions").is_none());

    // The rule carries the CVSS score, else the mapped severity.
    let ghsa = rule(&doc, "GHSA-9wx4-h78v-vm56");
    assert_eq!(ghsa["properties"]["security-severity"], "5.6");
    assert_eq!(
        ghsa["properties"]["tags"],
        json!(["vulnerability", "security", "MEDIUM"])
    );
    assert_eq!(
        ghsa["helpUri"],
        "https://github.com/advisories/GHSA-9wx4-h78v-vm56"
    );
    assert_eq!(
        ghsa["shortDescription"]["text"],
        report.vulnerabilities[0].summary.as_deref().unwrap()
    );
    assert_eq!(
        rule(&doc, "CVE-2024-2961")["properties"]["security-severity"],
        "8.0"
    );
    assert_eq!(
        rule(&doc, "CVE-2022-0563")["properties"]["security-severity"],
        "2.0"
    );
    assert_eq!(
        rule(&doc, "GO-2024-2598")["properties"]["security-severity"],
        "0.0"
    );

    // Source-matched Debian finding: the binary package's file and layer.
    let libc = result(&doc, "CVE-2024-2961");
    assert_eq!(
        libc["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "var/lib/dpkg/status"
    );
    assert_eq!(libc["properties"]["layer-index"], 0);
    let wont = result(&doc, "CVE-2022-0563");
    assert!(
        wont["message"]["text"]
            .as_str()
            .unwrap()
            .contains("LOW, no fix (wont-fix)."),
        "{wont}"
    );

    // Suppressed by VEX: kept, marked.
    let go = result(&doc, "GO-2024-2598");
    assert_eq!(go["suppressions"][0]["kind"], "external");
    assert_eq!(
        go["suppressions"][0]["justification"],
        "vulnerable_code_not_in_execute_path"
    );

    // Fingerprints: distinct per finding, stable across renders and across
    // changes that do not touch the finding's identity.
    let fps: HashSet<&str> = results
        .iter()
        .map(|r| r["partialFingerprints"]["drydock/v1"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), results.len());
    let mut changed = report.clone();
    changed.vulnerabilities[0].severity = Severity::Critical;
    changed.vulnerabilities[0].reason = "something else".into();
    let doc2 = render_json(&changed, Format::Sarif);
    assert_eq!(
        result(&doc2, "GHSA-9wx4-h78v-vm56")["partialFingerprints"],
        r["partialFingerprints"]
    );
    assert_eq!(result(&doc2, "GHSA-9wx4-h78v-vm56")["level"], "error");
    assert_eq!(sarif_results(&doc2)[0]["ruleId"], "GHSA-9wx4-h78v-vm56");
}

#[test]
fn sarif_locations_fall_back_and_stay_valid_uris() {
    let mut report = sample_report();
    let weird = package_ref(&report.inventory.packages, WEIRD_NAME);
    let mut v = report.vulnerabilities[0].clone();
    v.id = "GHSA-\u{1b}weird id".into();
    v.package = weird;
    v.references = vec!["not a url".into(), "https://example.com/a b".into()];
    report.vulnerabilities.push(v);
    // No path: the purl is the location.
    report.vulnerabilities[1].package.path = None;
    let doc = render_json(&report, Format::Sarif);
    check_sarif(&doc).unwrap();

    let weird = result(&doc, "GHSA-\u{1b}weird id");
    assert_eq!(
        weird["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/node_modules/we%20ird/package.json"
    );
    assert_eq!(
        rule(&doc, "GHSA-\u{1b}weird id")["helpUri"],
        "https://example.com/a%20b"
    );
    let no_path = result(&doc, "GHSA-9hjg-9r4m-mvj7");
    assert_eq!(
        no_path["locations"][0]["physicalLocation"]["artifactLocation"],
        json!({"uri": "pkg:pypi/requests@2.31.0"})
    );
}

#[test]
fn sarif_validator_rejects_broken_logs() {
    let good = render_json(&sample_report(), Format::Sarif);
    let breakages: [Breakage; 5] = [
        ("no version", |d| {
            d.as_object_mut().unwrap().remove("version");
        }),
        ("bad level", |d| {
            d["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("result without message", |d| {
            d["runs"][0]["results"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("helpUri not a uri", |d| {
            d["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = json!("not a uri")
        }),
        ("artifact uri with a space", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("a b")
        }),
    ];
    for (what, breakage) in breakages {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(
            !schema_errors(&SARIF, &doc).is_empty(),
            "sarif accepted: {what}"
        );
    }
    let stricter: [Breakage; 3] = [
        ("ruleIndex of another rule", |d| {
            d["runs"][0]["results"][0]["ruleIndex"] = json!(1)
        }),
        ("absolute path under a base", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                json!("/var/lib/dpkg/status")
        }),
        ("undeclared base", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] =
                json!("SRCROOT")
        }),
    ];
    for (what, breakage) in stricter {
        let mut doc = good.clone();
        breakage(&mut doc);
        assert!(check_sarif(&doc).is_err(), "accepted: {what}");
    }
}

fn vulnerability<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .unwrap_or_else(|| panic!("no vulnerability {id}"))
}

#[test]
fn cyclonedx_vulnerabilities_are_valid_and_linked() {
    let report = sample_report();
    let doc = render_json(&report, Format::CycloneDxJson);
    check_cyclonedx(&doc).unwrap();
    assert_eq!(doc["vulnerabilities"].as_array().unwrap().len(), 5);

    let ghsa = vulnerability(&doc, "GHSA-9wx4-h78v-vm56");
    let requests = component(&doc, "requests")[0];
    assert_eq!(ghsa["affects"][0]["ref"], requests["bom-ref"]);
    assert_eq!(
        ghsa["affects"][0]["versions"],
        json!([
            {"version": "2.31.0", "status": "affected"},
            {"version": "2.32.0", "status": "unaffected"}
        ])
    );
    assert_eq!(
        ghsa["source"],
        json!({"name": "PyPI", "url": "https://github.com/advisories/GHSA-9wx4-h78v-vm56"})
    );
    assert_eq!(
        ghsa["references"],
        json!([{
            "id": "CVE-2024-35195",
            "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-35195"}
        }])
    );
    assert_eq!(
        ghsa["ratings"],
        json!([{
            "source": {"name": "PyPI"},
            "score": 5.6,
            "severity": "medium",
            "method": "CVSSv31",
            "vector": "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:H/A:N"
        }])
    );
    assert_eq!(ghsa["recommendation"], "Upgrade requests to 2.32.0");
    assert_eq!(ghsa["published"], "2024-05-20T20:15:00Z");
    assert_eq!(property(ghsa, "drydock:fix-state"), ["fixed"]);
    assert_eq!(property(ghsa, "drydock:layer-index"), ["2"]);
    assert_eq!(
        property(ghsa, "drydock:reason"),
        ["installed 2.31.0 < fixed 2.32.0 in range introduced 0"]
    );
    // A bare date becomes a date-time.
    assert_eq!(
        vulnerability(&doc, "GHSA-9hjg-9r4m-mvj7")["published"],
        "2025-06-09T00:00:00Z"
    );

    // Debian: severity without CVSS, linked to the binary package.
    let libc = vulnerability(&doc, "CVE-2024-2961");
    assert_eq!(
        libc["affects"][0]["ref"],
        component(&doc, "libc6")[0]["bom-ref"]
    );
    assert_eq!(
        libc["ratings"],
        json!([{"source": {"name": "Debian urgency"}, "severity": "high"}])
    );
    assert_eq!(libc["source"]["name"], "Debian:12");
    assert_eq!(libc["references"][0]["source"]["name"], "Debian");
    let wont = vulnerability(&doc, "CVE-2022-0563");
    assert_eq!(property(wont, "drydock:fix-state"), ["wont-fix"]);
    assert!(wont.get("recommendation").is_none());
    assert!(wont.get("analysis").is_none());

    // VEX: kept, analysed as not affected with the mapped justification.
    let go = vulnerability(&doc, "GO-2024-2598");
    assert_eq!(
        go["analysis"],
        json!({
            "state": "not_affected",
            "justification": "code_not_reachable",
            "detail": "VEX statement in vex/server.openvex.json: vulnerable_code_not_in_execute_path"
        })
    );
    assert_eq!(
        go["ratings"],
        json!([{"source": {"name": "Go"}, "severity": "unknown"}])
    );
    assert_eq!(property(go, "drydock:suppressed"), ["vex"]);
}

#[test]
fn cyclonedx_links_findings_to_the_right_instance() {
    let mut report = sample_report();
    let six_ref = |layer: usize| {
        let p = report
            .inventory
            .packages
            .iter()
            .find(|p| p.name == "six" && p.layer.index == layer)
            .unwrap();
        drydock_findings::PackageRef::of(p)
    };
    let template = report.vulnerabilities[0].clone();
    let for_six = |id: &str, package| Vulnerability {
        id: id.into(),
        package,
        ..template.clone()
    };
    let (six1, six2) = (six_ref(1), six_ref(2));
    let mut missing = six2.clone();
    missing.purl = "pkg:pypi/not-installed@1.0".into();
    let mut ignored = for_six("TEST-IGNORED", six1.clone());
    ignored.suppressed = Some(Suppression {
        kind: SuppressionKind::IgnoreFile,
        source: ".drydockignore".into(),
        reason: Some("accepted until 2025-01".into()),
    });
    ignored.fix_state = FixState::NotFixed;
    ignored.fixed_versions.clear();
    report.vulnerabilities = vec![
        for_six("TEST-SIX-2", six2),
        for_six("TEST-SIX-1", six1.clone()),
        for_six("TEST-MISSING", missing),
        for_six("TEST-SIX-1", six1),
        ignored,
    ];
    let doc = render_json(&report, Format::CycloneDxJson);
    check_cyclonedx(&doc).unwrap();
    let six = component(&doc, "six");
    let layer_of = |c: &Value| property(c, "drydock:package:layer-index")[0].to_owned();
    let by_layer = |l: &str| six.iter().find(|c| layer_of(c) == l).unwrap()["bom-ref"].clone();
    assert_eq!(
        vulnerability(&doc, "TEST-SIX-2")["affects"][0]["ref"],
        by_layer("2")
    );
    assert_eq!(
        vulnerability(&doc, "TEST-SIX-1")["affects"][0]["ref"],
        by_layer("1")
    );
    assert_eq!(
        vulnerability(&doc, "TEST-MISSING")["affects"][0]["ref"],
        doc["metadata"]["component"]["bom-ref"]
    );
    // The same finding twice still gets two distinct bom-refs.
    let twice: Vec<&Value> = doc["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["id"] == "TEST-SIX-1")
        .collect();
    assert_eq!(twice.len(), 2);
    assert_ne!(twice[0]["bom-ref"], twice[1]["bom-ref"]);
    // Ignore file: no verdict, only the record of the decision.
    let ignored = vulnerability(&doc, "TEST-IGNORED");
    assert_eq!(
        ignored["analysis"],
        json!({"detail": "Suppressed by ignore file .drydockignore: accepted until 2025-01"})
    );
    assert_eq!(property(ignored, "drydock:suppressed"), ["ignore-file"]);
    assert!(ignored.get("recommendation").is_none());
}

#[test]
fn spdx_carries_findings_as_advisory_references() {
    let report = sample_report();
    let doc = render_json(&report, Format::SpdxJson);
    check_spdx(&doc).unwrap();
    let packages = doc["packages"].as_array().unwrap();
    let refs_of = |name: &str| -> Vec<Value> {
        packages.iter().find(|p| p["name"] == name).unwrap()["externalRefs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["referenceCategory"] == "SECURITY")
            .cloned()
            .collect()
    };
    assert_eq!(
        refs_of("requests"),
        [
            json!({
                "referenceCategory": "SECURITY",
                "referenceType": "advisory",
                "referenceLocator": "https://github.com/psf/requests/security/advisories/GHSA-9hjg-9r4m-mvj7",
                "comment": "GHSA-9hjg-9r4m-mvj7 (CVE-2024-47081) MEDIUM, fixed in 2.32.4"
            }),
            json!({
                "referenceCategory": "SECURITY",
                "referenceType": "advisory",
                "referenceLocator": "https://github.com/advisories/GHSA-9wx4-h78v-vm56",
                "comment": "GHSA-9wx4-h78v-vm56 (CVE-2024-35195) MEDIUM, fixed in 2.32.0"
            })
        ]
    );
    let go = refs_of("stdlib");
    assert_eq!(
        go[0]["comment"],
        "GO-2024-2598 (CVE-2024-24783) UNKNOWN, fixed in 1.21.8, 1.22.1; \
         suppressed by VEX vex/server.openvex.json: vulnerable_code_not_in_execute_path"
    );
    assert_eq!(refs_of("bsdutils").len(), 1);
}

#[test]
fn table_groups_findings_by_package() {
    let report = sample_report();
    let text = render_table_with(&report, false);
    assert!(
        !text.lines().any(|l| l.starts_with("NAME ")),
        "package list shown: {text}"
    );
    let start = text.find("Vulnerabilities:\n").expect("section");
    let section: Vec<&str> = text[start..].lines().take(12).collect();
    assert_eq!(
        section,
        [
            "Vulnerabilities:",
            "libc6 2.36-9+deb12u4 (deb, source glibc 2.36-9+deb12u4) /var/lib/dpkg/status, layer 0",
            "  HIGH    CVE-2024-2961                          fixed in 2.36-9+deb12u7",
            "",
            "requests 2.31.0 (pypi) /usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA, layer 2",
            "  MEDIUM  GHSA-9hjg-9r4m-mvj7  (CVE-2024-47081)  fixed in 2.32.4",
            "  MEDIUM  GHSA-9wx4-h78v-vm56  (CVE-2024-35195)  fixed in 2.32.0",
            "",
            "bsdutils 1:2.38.1-5+deb12u3 (deb, source util-linux 2.38.1-5+deb12u3) /var/lib/dpkg/status, layer 0",
            "  LOW     CVE-2022-0563                          no fix: wont-fix",
            "",
            "4 vulnerabilities (high 1, medium 2, low 1); 3 fixable; 1 suppressed",
        ]
    );
    // Suppressed: counted, not listed.
    assert!(!text.contains("GO-2024-2598"), "{text}");

    // The default rendering keeps the package list and adds the section.
    let full = render_string(&report, Format::Table);
    assert!(full.lines().any(|l| l.starts_with("NAME ")), "{full}");
    assert!(full.contains(&text[start..]), "{full}");
}

#[test]
fn table_vulnerability_section_is_safe_and_handles_none() {
    let mut report = sample_report();
    let v = &mut report.vulnerabilities[0];
    v.id = "GHSA-\u{1b}[2J\u{202e}x".into();
    v.fixed_versions = vec!["2.32.0\n$(reboot)".into()];
    let text = render_table_with(&report, false);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text}"
    );
    assert!(text.contains("GHSA-\\u{1b}[2J\\u{202e}x"), "{text}");
    assert!(text.contains("fixed in 2.32.0\\n$(reboot)"), "{text}");

    // Every finding suppressed: nothing listed, the count still shown.
    for v in &mut report.vulnerabilities {
        v.suppressed = Some(Suppression {
            kind: SuppressionKind::IgnoreFile,
            source: ".drydockignore".into(),
            reason: None,
        });
    }
    let text = render_table_with(&report, false);
    assert!(
        text.contains("\nNo vulnerabilities found (5 suppressed).\n"),
        "{text}"
    );

    // No findings at all: the default table has no section, the
    // vulnerability view says so.
    report.vulnerabilities.clear();
    assert!(!render_string(&report, Format::Table).contains("ulnerabilit"));
    assert!(render_table_with(&report, false).contains("\nNo vulnerabilities found.\n"));
}
