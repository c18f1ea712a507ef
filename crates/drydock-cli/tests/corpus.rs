//! Acceptance tests against the shared sample images and their truth files:
//! the CycloneDX output must hold exactly the expected inventory, and every
//! SBOM drydock writes for them must validate against the official schemas.

#[path = "../../drydock-report/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod support;
use support::{drydock, image_path as image, shared};

fn truth(name: &str) -> Value {
    let p = shared().join("corpus/truth").join(name);
    serde_json::from_slice(&std::fs::read(&p).expect("truth file")).expect("truth json")
}

fn sbom(target: &Path, format: &str) -> Value {
    let out = drydock(&["sbom", target.to_str().unwrap(), "--format", format, "-q"]);
    assert!(
        out.status.success(),
        "drydock failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("sbom is json")
}

fn prop<'a>(c: &'a Value, name: &str) -> Option<&'a str> {
    c["properties"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["value"].as_str())
}

fn purl_type(c: &Value) -> &str {
    c["purl"]
        .as_str()
        .and_then(|p| p.strip_prefix("pkg:"))
        .and_then(|p| p.split('/').next())
        .unwrap_or("")
}

/// `group/name` for namespaced packages (npm scopes, Go module paths).
fn full_name(c: &Value) -> String {
    match c["group"].as_str() {
        Some(g) if !g.is_empty() => format!("{g}/{}", c["name"].as_str().unwrap()),
        _ => c["name"].as_str().unwrap().to_owned(),
    }
}

fn components<'a>(bom: &'a Value, ty: &str) -> Vec<&'a Value> {
    bom["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter(|c| purl_type(c) == ty)
        .collect()
}

fn assert_valid(doc: &Value, validator: &jsonschema::Validator) {
    let errors = common::schema_errors(validator, doc);
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

/// Compares a CycloneDX SBOM of `shop` with `shop-inventory.json`.
fn check_shop(bom: &Value) {
    assert_valid(bom, &common::CYCLONEDX);
    common::check_cyclonedx(bom).expect("cyclonedx rules");
    let t = truth("shop-inventory.json");

    let want: BTreeSet<(String, String, String, String, String)> = t["deb"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_owned();
            (
                s("name"),
                s("version"),
                s("source"),
                s("source_version"),
                s("arch"),
            )
        })
        .collect();
    let got: BTreeSet<_> = components(bom, "deb")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["version"].as_str().unwrap().to_owned(),
                prop(c, "drydock:package:source-name")
                    .unwrap_or("")
                    .to_owned(),
                prop(c, "drydock:package:source-version")
                    .unwrap_or("")
                    .to_owned(),
                prop(c, "drydock:package:arch").unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(want.len(), 136);
    assert_eq!(got, want, "deb packages differ");
    assert_eq!(
        components(bom, "deb").len(),
        136,
        "duplicate deb components"
    );

    // Python: the venv's 14, and not python3-yaml's PyYAML, which dpkg owns.
    let want: BTreeSet<(String, String)> = t["pypi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_owned(),
                d["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let py = components(bom, "pypi");
    let got: BTreeSet<(String, String)> = py
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(got, want, "pypi packages differ");
    assert_eq!(py.len(), 14);
    for c in &py {
        let path = prop(c, "drydock:package:evidence-path").unwrap();
        assert!(
            path.starts_with("/app/venv/lib/python3.11/site-packages/"),
            "{path}"
        );
    }

    // npm: every package at its own path; the app's root may appear too.
    let want: BTreeSet<(String, String, String)> = t["npm"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_owned();
            (s("name"), s("version"), s("path"))
        })
        .collect();
    let got: BTreeSet<(String, String, String)> = components(bom, "npm")
        .iter()
        .map(|c| {
            let name = full_name(c);
            (
                name,
                c["version"].as_str().unwrap().to_owned(),
                prop(c, "drydock:package:evidence-path").unwrap().to_owned(),
            )
        })
        .filter(|(n, _, _)| n != "shop-web")
        .collect();
    assert_eq!(want.len(), 91);
    assert_eq!(got, want, "npm packages differ");

    // log4j once, although a symlink points at the jar.
    let maven: Vec<&str> = components(bom, "maven")
        .iter()
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    assert_eq!(maven, vec!["pkg:maven/log4j/log4j@1.2.17"]);
    let jar = components(bom, "maven")[0];
    assert_eq!(
        prop(jar, "drydock:package:evidence-path"),
        Some("/usr/share/java/log4j-1.2-1.2.17.jar")
    );

    // Go: the main module and the toolchain of the registry binary.
    let golang: BTreeSet<(String, String, String)> = components(bom, "golang")
        .iter()
        .map(|c| {
            let name = full_name(c);
            (
                name,
                c["version"].as_str().unwrap().to_owned(),
                prop(c, "drydock:package:evidence-path").unwrap().to_owned(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = t["golang"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap().to_owned();
            (s("name"), s("version"), s("path"))
        })
        .collect();
    assert_eq!(golang, want, "go packages differ");

    // Nothing else.
    let others: Vec<&Value> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] != "operating-system")
        .filter(|c| !matches!(purl_type(c), "deb" | "pypi" | "npm" | "maven" | "golang"))
        .collect();
    assert!(others.is_empty(), "unexpected components: {others:#?}");
    let os = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "operating-system")
        .expect("operating-system component");
    assert_eq!(os["name"], "debian");
    assert_eq!(os["version"], "12");
}

#[test]
fn shop_oci_archive_inventory_matches_truth() {
    check_shop(&sbom(&image("shop.oci.tar"), "cyclonedx-json"));
}

#[test]
fn shop_docker_archive_inventory_matches_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shop.docker.tar");
    let status = Command::new("sh")
        .arg(shared().join("tools/to-docker-archive.sh"))
        .arg(image("shop.oci.tar"))
        .arg(&out)
        .arg("shop:1.4.2")
        .status()
        .expect("run to-docker-archive.sh (needs skopeo: apt-get install -y skopeo)");
    assert!(status.success(), "to-docker-archive.sh failed");
    let bom = sbom(&out, "cyclonedx-json");
    check_shop(&bom);
    // The docker archive records the tag.
    // skopeo records the tag fully qualified (`docker.io/library/shop:1.4.2`).
    assert!(
        bom["metadata"]["component"]["name"]
            .as_str()
            .unwrap()
            .ends_with("shop")
    );
    assert_eq!(bom["metadata"]["component"]["version"], "1.4.2");
}

#[test]
fn shop_spdx_validates() {
    let doc = sbom(&image("shop.oci.tar"), "spdx-json");
    assert_valid(&doc, &common::SPDX);
    common::check_spdx(&doc).expect("spdx rules");
    let packages = doc["packages"].as_array().unwrap();
    // 136 deb + 14 pypi + 91 npm + 1 maven + 2 golang, plus the image itself
    // and possibly the operating system.
    let purls = packages
        .iter()
        .filter(|p| {
            p["externalRefs"].as_array().is_some_and(|r| {
                r.iter().any(|r| {
                    r["referenceType"] == "purl"
                        && r["referenceLocator"]
                            .as_str()
                            .is_some_and(|l| !l.starts_with("pkg:oci/"))
                })
            })
        })
        .count();
    assert_eq!(purls, 244);
}

#[test]
fn bullseye_legacy_inventory() {
    for name in ["bullseye-legacy.oci.tar", "bullseye-legacy.docker.tar"] {
        let bom = sbom(&image(name), "cyclonedx-json");
        assert_valid(&bom, &common::CYCLONEDX);
        let debs = components(&bom, "deb");
        assert_eq!(debs.len(), 26, "{name}");
        // The 27th status entry is `deinstall ok config-files`.
        assert!(!debs.iter().any(|c| c["name"] == "libssl1.0.2"), "{name}");
        let tiff = debs
            .iter()
            .find(|c| c["name"] == "libtiffxx5")
            .expect("libtiffxx5");
        assert_eq!(prop(tiff, "drydock:package:source-name"), Some("tiff"));
        assert_eq!(tiff["version"], "4.2.0-1+deb11u4+b1");
        assert_eq!(
            prop(tiff, "drydock:package:source-version"),
            Some("4.2.0-1+deb11u4")
        );
    }
}

#[test]
fn clean_image_has_no_packages() {
    for name in ["clean.oci.tar", "clean.docker.tar"] {
        let bom = sbom(&image(name), "cyclonedx-json");
        assert_valid(&bom, &common::CYCLONEDX);
        let libs: Vec<&Value> = bom["components"]
            .as_array()
            .map(|a| a.iter().filter(|c| c["type"] == "library").collect())
            .unwrap_or_default();
        assert!(libs.is_empty(), "{name}: {libs:#?}");
    }
}

#[test]
fn table_json_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let img = image("bullseye-legacy.oci.tar");
    let r = drydock(&[
        "sbom",
        img.to_str().unwrap(),
        "-f",
        "json",
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert!(r.status.success());
    assert!(
        r.stdout.is_empty() && r.stderr.is_empty(),
        "quiet run printed something"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(
        report["inventory"]["packages"].as_array().unwrap().len(),
        26
    );
    let table = drydock(&["sbom", img.to_str().unwrap(), "-q"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(
        text.contains("libtiffxx5") && text.contains("tiff@4.2.0-1+deb11u4"),
        "{text}"
    );
}

#[test]
fn rootfs_directory() {
    let dir = tempfile::tempdir().unwrap();
    let status = dir.path().join("var/lib/dpkg");
    std::fs::create_dir_all(&status).unwrap();
    std::fs::write(status.join("status"), "Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nSource: zlib\n").unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::create_dir_all(dir.path().join("usr/lib")).unwrap();
    std::fs::write(
        dir.path().join("usr/lib/os-release"),
        "ID=debian\nVERSION_ID=\"12\"\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../usr/lib/os-release", dir.path().join("etc/os-release")).unwrap();
    // A link pointing out of the directory must not be followed.
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("etc/escape")).unwrap();
    let bom = {
        let out = drydock(&[
            "fs",
            dir.path().to_str().unwrap(),
            "-f",
            "cyclonedx-json",
            "-q",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let debs = components(&bom, "deb");
    assert_eq!(debs.len(), 1);
    assert!(
        debs[0]["purl"]
            .as_str()
            .unwrap()
            .contains("distro=debian-12"),
        "{}",
        debs[0]["purl"]
    );
}

#[test]
fn errors_are_clear_and_exit_2() {
    let r = drydock(&["sbom", "/nonexistent/image.tar"]);
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("/nonexistent/image.tar") && err.contains("does not exist"),
        "{err}"
    );
    let r = drydock(&[
        "sbom",
        image("clean.oci.tar").to_str().unwrap(),
        "-f",
        "xml",
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("xml"));
    // An explicit platform the image does not have is an error, not a
    // silent scan of another platform.
    for name in ["clean.oci.tar", "clean.docker.tar"] {
        let r = drydock(&[
            "sbom",
            image(name).to_str().unwrap(),
            "--platform",
            "linux/arm64",
        ]);
        assert_eq!(r.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(
            err.contains("no image for platform linux/arm64") && err.contains("linux/amd64"),
            "{err}"
        );
    }
}
