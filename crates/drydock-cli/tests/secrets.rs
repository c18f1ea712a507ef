//! Secret acceptance tests on the shared images: every `must_find` item of
//! the truth file is reported with its rule, place, layer and deletion
//! layer; nothing appears under `must_not_find`; nothing else appears.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

mod support;
use support::{drydock, image, shared};

fn secrets(img: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["image", img, "--scanners", "secret", "-q", "-f", "json"];
    args.extend(extra);
    let out = drydock(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["secrets"].as_array().cloned().unwrap_or_default()
}

/// The truth's `location` text for config findings, as drydock names them.
fn config_kind(location: &str) -> &'static str {
    if location.contains("config Env") {
        "env"
    } else {
        "history"
    }
}

fn glob_match(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix("/**") {
        Some(dir) => path == dir || path.starts_with(&format!("{dir}/")),
        None => path == pattern,
    }
}

#[test]
fn shop_secrets_match_the_truth_exactly() {
    let truth: Value = serde_json::from_slice(
        &std::fs::read(shared().join("corpus/truth/shop-secrets.json")).unwrap(),
    )
    .unwrap();
    // Both archive formats give the same findings.
    let docker = support::scratch().join("shop.docker.tar");
    let made = Command::new(shared().join("tools/to-docker-archive.sh"))
        .arg(image("shop.oci.tar"))
        .arg(&docker)
        .arg("shop:1.4.2")
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    for img in [image("shop.oci.tar"), docker.display().to_string()] {
        let found = secrets(&img, &["--show-secrets"]);
        let mut used = vec![false; found.len()];
        for want in truth["must_find"].as_array().unwrap() {
            let kind = want["kind"].as_str().unwrap();
            let hit = found.iter().enumerate().find(|(i, f)| {
                if used[*i] || f["rule_id"] != kind {
                    return false;
                }
                if let Some(v) = want["value"].as_str()
                    && f["secret"] != v
                {
                    return false;
                }
                let loc = &f["location"];
                match want["path"].as_str() {
                    Some(p) => {
                        loc["kind"] == "file"
                            && loc["path"] == p.trim_start_matches('/')
                            && loc["layer"]["index"] == want["layer"]
                            && loc["deleted_in_layer"].as_u64() == want["deleted_in_layer"].as_u64()
                    }
                    None => loc["kind"] == config_kind(want["location"].as_str().unwrap()),
                }
            });
            let Some((i, _)) = hit else {
                panic!("{img}: not found: {want}\nall: {found:#?}");
            };
            used[i] = true;
        }
        let extra: Vec<&Value> = found
            .iter()
            .zip(&used)
            .filter(|(_, u)| !**u)
            .map(|(f, _)| f)
            .collect();
        assert!(extra.is_empty(), "{img}: unexpected findings {extra:#?}");
        for f in &found {
            if let Some(path) = f["location"]["path"].as_str() {
                let path = format!("/{path}");
                for no in truth["must_not_find"].as_array().unwrap() {
                    let pattern = no["path"].as_str().unwrap();
                    assert!(!glob_match(pattern, &path), "{path} is under {pattern}");
                }
            }
        }
        // The history finding names the layer its build step created.
        let hist = found
            .iter()
            .find(|f| f["location"]["kind"] == "history" && f["rule_id"] == "github-pat")
            .unwrap();
        assert_eq!(hist["location"]["layer"], 1);
    }
}

#[test]
fn secrets_are_redacted_unless_asked() {
    let found = secrets(&image("shop.oci.tar"), &[]);
    assert_eq!(found.len(), 17);
    let all = serde_json::to_string(&found).unwrap();
    for leaked in [
        "AKIAYVOKYSRYAPB4JJUK",
        "Pr0d-0ydN0T0TIbWWOm",
        "ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny",
    ] {
        assert!(!all.contains(leaked), "{leaked} leaked");
    }
    for f in &found {
        assert!(f["secret"].is_null());
        assert!(f["redacted"].as_str().unwrap().contains('…'));
        assert_eq!(f["fingerprint"].as_str().unwrap().len(), 64);
    }
    // SARIF and table output are redacted too.
    for format in ["sarif", "table"] {
        let out = drydock(&[
            "image",
            &image("shop.oci.tar"),
            "--scanners",
            "secret",
            "-q",
            "-f",
            format,
        ]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("Pr0d-0ydN0T0TIbWWOm"), "{format} leaks");
        assert!(text.contains("app/.env"), "{format}");
    }
}

#[test]
fn clean_and_legacy_images_have_no_secrets() {
    for img in ["clean.oci.tar", "bullseye-legacy.oci.tar"] {
        assert!(secrets(&image(img), &[]).is_empty(), "{img}");
    }
}

#[test]
fn secrets_fail_the_gate() {
    let out = drydock(&[
        "image",
        &image("shop.oci.tar"),
        "--scanners",
        "secret",
        "-q",
        "--exit-code",
        "4",
    ]);
    assert_eq!(out.status.code(), Some(4));
    let out = drydock(&[
        "image",
        &image("clean.oci.tar"),
        "--scanners",
        "secret",
        "-q",
        "--exit-code",
        "4",
    ]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn custom_gitleaks_rules_extend_the_builtin_ones() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("gitleaks.toml");
    std::fs::write(
        &cfg,
        r#"
title = "shop rules"
[extend]
useDefault = true

[[rules]]
id = "shop-db-user"
description = "Database user names are confidential here"
regex = '''postgres://([a-z_]{6,}):'''
secretGroup = 1
keywords = ["postgres://"]
"#,
    )
    .unwrap();
    let found = secrets(
        &image("shop.oci.tar"),
        &["--secret-config", cfg.to_str().unwrap()],
    );
    assert_eq!(found.len(), 18, "{found:#?}");
    assert!(found.iter().any(|f| f["rule_id"] == "shop-db-user"));
}

const PAT: &str = "ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny";

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        out.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An image whose only secrets sit inside a Spring Boot style jar: one in
/// the jar's own properties, one in a jar nested in it.
fn jar_image(dir: &Path) -> String {
    use drydock_test::{Comp, Layer, build, file, oci_single, write_tar};
    let props = format!("spring.datasource.url=jdbc:h2:mem\ngithub.token={PAT}\n");
    let inner = zip_of(&[("config/settings.yml", format!("token: {PAT}\n").as_bytes())]);
    let jar = zip_of(&[
        ("BOOT-INF/classes/application.properties", props.as_bytes()),
        ("BOOT-INF/lib/inner.jar", &inner),
        ("BOOT-INF/classes/App.class", b"\xca\xfe\xba\xbe\0\0"),
    ]);
    let built = build(
        vec![Layer::new(&[file("app/app.jar", &jar)], Comp::Gzip)],
        "amd64",
    );
    let path = dir.join("jar.oci.tar");
    write_tar(&path, &oci_single(&built));
    path.display().to_string()
}

#[test]
fn secrets_inside_jars_are_reported_with_member_paths() {
    let d = tempfile::tempdir().unwrap();
    let img = jar_image(d.path());
    let found = secrets(&img, &[]);
    let mut places: Vec<(String, String)> = found
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["location"]["path"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            (
                "github-pat".to_owned(),
                "app/app.jar!/BOOT-INF/classes/application.properties".to_owned()
            ),
            (
                "github-pat".to_owned(),
                "app/app.jar!/BOOT-INF/lib/inner.jar!/config/settings.yml".to_owned()
            ),
        ]
    );
    let props = found
        .iter()
        .find(|f| {
            f["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with(".properties")
        })
        .unwrap();
    assert_eq!(props["location"]["line"], 2);

    // `--secret-max-archive 0` leaves archives closed.
    assert!(secrets(&img, &["--secret-max-archive", "0"]).is_empty());
}

#[test]
fn ignore_file_suppresses_secrets_by_fingerprint_and_rule() {
    let d = tempfile::tempdir().unwrap();
    let img = jar_image(d.path());
    let found = secrets(&img, &[]);
    let nested = found
        .iter()
        .find(|f| {
            f["location"]["path"]
                .as_str()
                .unwrap()
                .contains("inner.jar")
        })
        .unwrap();
    let fp = nested["fingerprint"].as_str().unwrap();
    let ignore = d.path().join("ignore.yaml");
    std::fs::write(
        &ignore,
        format!("secrets:\n  - id: {fp}\n    reason: revoked test token\n"),
    )
    .unwrap();
    let ignore = ignore.to_str().unwrap();
    let found = secrets(&img, &["--ignore-file", ignore]);
    let suppressed: Vec<bool> = found.iter().map(|f| f["suppressed"].is_object()).collect();
    assert_eq!(suppressed.iter().filter(|s| **s).count(), 1, "{found:#?}");
    let hidden = found.iter().find(|f| f["suppressed"].is_object()).unwrap();
    assert_eq!(hidden["fingerprint"], fp);
    assert_eq!(hidden["suppressed"]["reason"], "revoked test token");

    // One unsuppressed secret still fails the gate; a rule-wide ignore
    // scoped to the jar's path clears it.
    let out = drydock(&[
        "image",
        &img,
        "--scanners",
        "secret",
        "-q",
        "--ignore-file",
        ignore,
        "--exit-code",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let ignore2 = d.path().join("ignore2.yaml");
    std::fs::write(
        &ignore2,
        "secrets:\n  - id: github-pat\n    reason: fixtures\n    paths: [\"app/app.jar!/**\"]\n",
    )
    .unwrap();
    let out = drydock(&[
        "image",
        &img,
        "--scanners",
        "secret",
        "-q",
        "--ignore-file",
        ignore2.to_str().unwrap(),
        "--exit-code",
        "3",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
