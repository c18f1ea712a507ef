//! SBOMs from other producers: a hand-written syft-style document and real
//! syft 1.18.1 output for the `shop` corpus image (trimmed to a few dozen
//! components), checked against the image's reference inventory.

use drydock_inventory::{Ecosystem, Evidence, Package, SourcePackage};
use drydock_sbom::{SbomFormat, read_sbom};
use serde_json::Value;

const SYFT_CDX: &[u8] = include_bytes!("fixtures/syft-shop.cdx.json");
const SYFT_SPDX: &[u8] = include_bytes!("fixtures/syft-shop.spdx.json");
/// The corpus's reference inventory of the `shop` image.
const TRUTH: &str = include_str!("fixtures/shop-inventory.truth.json");

const LAYER_A: &str = "sha256:60e31823d75f07c1a0c30d9918f1a006a30583542e427dca9c553d3e94da2536";
const LAYER_B: &str = "sha256:f2a1a65e191629ac85e6098a5d8d07d6ca2a127f543916c6eefa1e30e7b18fc0";

fn hand_written() -> String {
    format!(
        r#"{{
  "bomFormat": "CycloneDX",
  "specVersion": "1.4",
  "metadata": {{ "component": {{ "type": "container", "name": "legacy", "version": "sha256:{}" }} }},
  "components": [
    {{
      "type": "library",
      "name": "libssl1.1",
      "version": "1.1.1n-0+deb11u3",
      "purl": "pkg:deb/debian/libssl1.1@1.1.1n-0+deb11u3?arch=amd64&upstream=openssl&distro=debian-11",
      "properties": [
        {{ "name": "syft:package:foundBy", "value": "dpkg-db-cataloger" }},
        {{ "name": "syft:location:0:layerID", "value": "{LAYER_A}" }},
        {{ "name": "syft:location:0:path", "value": "/usr/share/doc/libssl1.1/copyright" }},
        {{ "name": "syft:location:1:layerID", "value": "{LAYER_B}" }},
        {{ "name": "syft:location:1:path", "value": "/var/lib/dpkg/status" }}
      ]
    }},
    {{
      "type": "library",
      "name": "Django",
      "version": "2.2.1",
      "purl": "pkg:pypi/django@2.2.1",
      "properties": [
        {{ "name": "syft:location:0:layerID", "value": "{LAYER_B}" }},
        {{ "name": "syft:location:0:path", "value": "/usr/lib/python3/dist-packages/Django-2.2.1.dist-info/METADATA" }}
      ]
    }},
    {{
      "type": "library",
      "name": "libcurl4",
      "version": "7.74.0-1.3+deb11u2",
      "purl": "pkg:deb/debian/libcurl4@7.74.0-1.3%2Bdeb11u2?arch=amd64&distro=debian-11&upstream=curl%407.74.0-1.3%2Bdeb11u2"
    }},
    {{
      "type": "library",
      "name": "tzdata",
      "version": "2021a-1+deb11u8",
      "purl": "pkg:deb/debian/tzdata@2021a-1%2Bdeb11u8?arch=all&distro=debian-12"
    }},
    {{ "type": "file", "name": "/etc/hostname" }},
    {{ "type": "library", "name": "mystery-binary", "purl": "pkg:binary/mystery@1.0" }}
  ]
}}"#,
        "a".repeat(64)
    )
}

fn find<'a>(packages: &'a [Package], name: &str) -> &'a Package {
    packages
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} missing"))
}

#[test]
fn hand_written_syft_style() {
    let sbom = read_sbom(hand_written().as_bytes(), "legacy.cdx.json").unwrap();
    assert_eq!(sbom.format, SbomFormat::CycloneDx);
    assert_eq!(
        sbom.target_name,
        Some(format!("legacy@sha256:{}", "a".repeat(64)))
    );
    let pkgs = &sbom.inventory.packages;
    assert_eq!(pkgs.len(), 4);

    let ssl = find(pkgs, "libssl1.1");
    assert_eq!(ssl.ecosystem, Ecosystem::Deb);
    assert_eq!(ssl.version, "1.1.1n-0+deb11u3");
    assert_eq!(ssl.namespace, None);
    assert_eq!(ssl.arch.as_deref(), Some("amd64"));
    assert_eq!(
        ssl.source,
        Some(SourcePackage {
            name: "openssl".into(),
            version: "1.1.1n-0+deb11u3".into()
        })
    );
    assert_eq!(ssl.found_by, "dpkg-db-cataloger");
    // The status file is the primary evidence though syft lists it second;
    // syft does not say where its layers are, so the index is 0.
    assert_eq!(ssl.primary_path(), Some("/var/lib/dpkg/status"));
    assert_eq!(ssl.layer.index, 0);
    assert_eq!(ssl.layer.diff_id.as_ref().unwrap().to_string(), LAYER_B);
    assert_eq!(ssl.locations[1].evidence, Evidence::Supporting);
    assert_eq!(
        ssl.locations[1].layer.diff_id.as_ref().unwrap().to_string(),
        LAYER_A
    );

    let django = find(pkgs, "Django");
    assert_eq!(django.ecosystem, Ecosystem::Pypi);
    assert_eq!(django.version, "2.2.1");
    assert_eq!(django.purl, "pkg:pypi/django@2.2.1");
    assert_eq!(django.source, None);

    let curl = find(pkgs, "libcurl4");
    assert_eq!(
        curl.source,
        Some(SourcePackage {
            name: "curl".into(),
            version: "7.74.0-1.3+deb11u2".into()
        })
    );
    assert!(curl.locations.is_empty());
    assert_eq!(curl.layer.index, 0);
    assert_eq!(curl.layer.diff_id, None);

    // Three packages say debian-11, one debian-12.
    let distro = sbom.inventory.distro.as_ref().unwrap();
    assert_eq!(distro.id, "debian");
    assert_eq!(distro.version_id.as_deref(), Some("11"));
    assert_eq!(distro.codename, None);
    assert_eq!(
        sbom.warnings,
        [
            "packages name different distributions: debian-11 (2), debian-12 (1); using debian-11",
            "skipped 1 component with purl types drydock does not match: binary (1)",
        ]
    );
    assert_eq!(
        sbom.layers,
        [
            (0, None),
            (0, Some(LAYER_A.to_owned())),
            (0, Some(LAYER_B.to_owned()))
        ]
    );
}

/// The reference inventory entry for a package, by ecosystem and name
/// (PyPI names compared normalised, as the purl spec does).
fn truth_entry<'a>(truth: &'a Value, p: &Package) -> Option<&'a Value> {
    let key = match p.ecosystem {
        Ecosystem::Deb => "deb",
        Ecosystem::Pypi => "pypi",
        Ecosystem::Npm => "npm",
        Ecosystem::Golang => "golang",
        _ => return None,
    };
    let norm = |s: &str| s.to_lowercase().replace(['_', '.'], "-");
    truth[key].as_array()?.iter().find(|t| {
        t["name"].as_str().map(norm) == Some(norm(&p.name))
            && t["version"].as_str() == Some(p.version.as_str())
    })
}

/// Reads a real syft document and checks every package against the
/// reference inventory: name, version, and for Debian the source package
/// and architecture.
fn check_against_truth(bytes: &[u8], what: &str) -> Vec<Package> {
    let truth: Value = serde_json::from_str(TRUTH).unwrap();
    let sbom = read_sbom(bytes, what).unwrap();
    assert!(sbom.warnings.is_empty(), "{:#?}", sbom.warnings);
    assert_eq!(
        sbom.target_name
            .as_deref()
            .map(|t| t.contains("shop.oci.tar")),
        Some(true)
    );
    let distro = sbom.inventory.distro.as_ref().unwrap();
    assert_eq!(
        (distro.id.as_str(), distro.version_id.as_deref()),
        ("debian", Some("12"))
    );
    let pkgs = sbom.inventory.packages;
    assert_eq!(pkgs.len(), 35);
    let mut checked = 0;
    for p in &pkgs {
        // Where syft and the reference disagree on what a package is, not
        // on what the document says: syft identifies the Debian-shipped
        // log4j jar by another group and version, and reports Debian's
        // python3-yaml files as a PyPI package the reference leaves to dpkg.
        if p.ecosystem == Ecosystem::Maven || p.name == "pyyaml" {
            continue;
        }
        let t = truth_entry(&truth, p)
            .unwrap_or_else(|| panic!("{} {} {} not in truth", p.ecosystem, p.name, p.version));
        if p.ecosystem == Ecosystem::Deb {
            let source = p.source.as_ref().expect("deb source");
            assert_eq!(
                Some(source.name.as_str()),
                t["source"].as_str(),
                "{}",
                p.name
            );
            assert_eq!(
                Some(source.version.as_str()),
                t["source_version"].as_str(),
                "{}",
                p.name
            );
            assert_eq!(p.arch.as_deref(), t["arch"].as_str(), "{}", p.name);
            assert_eq!(p.primary_path(), Some("/var/lib/dpkg/status"), "{}", p.name);
        }
        if let Some(path) = t["path"].as_str() {
            // Truth paths name the package's metadata file or directory.
            let primary = p.primary_path().unwrap_or_default();
            assert!(primary.starts_with(path), "{}: {primary} vs {path}", p.name);
        }
        checked += 1;
    }
    assert_eq!(checked, 33);
    pkgs
}

#[test]
fn real_syft_cyclonedx() {
    let pkgs = check_against_truth(SYFT_CDX, "syft-shop.cdx.json");
    // Layers come from syft's location properties.
    let bash = find(&pkgs, "bash");
    assert_eq!(bash.layer.diff_id.as_ref().unwrap().to_string(), LAYER_B);
    assert_eq!(bash.found_by, "dpkg-db-cataloger");
    let stdlib = find(&pkgs, "stdlib");
    assert_eq!(stdlib.version, "go1.19.8");
    assert!(matches!(
        &stdlib.metadata,
        drydock_inventory::Metadata::Golang { go_version, .. } if go_version == "go1.19.8"
    ));
    let log4j = find(&pkgs, "log4j");
    assert_eq!(log4j.namespace.as_deref(), Some("org.apache.log4j"));
    assert_eq!(
        log4j.metadata,
        drydock_inventory::Metadata::Java {
            sha1: Some("691242018d2ece14292b08882551f64163a1cff0".into())
        }
    );
}

#[test]
fn real_syft_spdx() {
    let pkgs = check_against_truth(SYFT_SPDX, "syft-shop.spdx.json");
    let bash = find(&pkgs, "bash");
    assert_eq!(bash.layer.diff_id, None);
    assert_eq!(bash.locations.len(), 8);
}

#[test]
fn spdx_distro_from_qualifiers() {
    let doc = r#"{
      "spdxVersion": "SPDX-2.2",
      "name": "alpine-app",
      "packages": [
        {"name": "musl", "versionInfo": "1.2.4-r2", "externalRefs": [
          {"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
           "referenceLocator": "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4"}]},
        {"name": "busybox", "versionInfo": "1.36.1-r5", "externalRefs": [
          {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:busybox"},
          {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
           "referenceLocator": "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&distro=alpine-3.18.4&upstream=busybox"}]},
        {"name": "no-purl", "versionInfo": "1"},
        {"name": "the-image", "primaryPackagePurpose": "CONTAINER"}
      ]
    }"#;
    let sbom = read_sbom(doc.as_bytes(), "a.spdx.json").unwrap();
    assert_eq!(sbom.format, SbomFormat::Spdx);
    assert_eq!(sbom.target_name.as_deref(), Some("alpine-app"));
    let d = sbom.inventory.distro.unwrap();
    assert_eq!(
        (d.id.as_str(), d.version_id.as_deref()),
        ("alpine", Some("3.18.4"))
    );
    let names: Vec<&str> = sbom
        .inventory
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["busybox", "musl"]);
    assert!(
        sbom.inventory
            .packages
            .iter()
            .all(|p| p.ecosystem == Ecosystem::Apk)
    );
    assert_eq!(sbom.warnings, ["skipped 1 package without a purl"]);
}
