//! Every format rendered from a representative report, with the SBOMs
//! validated against the official schemas.

mod common;

use std::collections::HashSet;

use common::*;
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
            p["externalRefs"],
            json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": pkg.purl
            }])
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
fn bad_timestamp_is_an_error_for_sboms_only() {
    let mut report = sample_report();
    report.created = "yesterday".into();
    for format in [Format::CycloneDxJson, Format::SpdxJson] {
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
