//! Misconfiguration acceptance on the shared images: every item of
//! `shop-misconfig.json` maps to a finding (check id plus what it must
//! name), and the hardened `clean` image has nothing above informational.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod support;
use support::{drydock, image, shared};

fn misconfigs(img: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["image", img, "--scanners", "misconfig", "-q", "-f", "json"];
    args.extend(extra);
    let out = drydock(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["misconfigurations"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn text(f: &Value) -> String {
    format!(
        "{} {} {} {} {}",
        f["check_id"].as_str().unwrap_or(""),
        f["title"].as_str().unwrap_or(""),
        f["evidence"].as_str().unwrap_or(""),
        f["location"]["file"].as_str().unwrap_or(""),
        f["location"]["config_path"].as_str().unwrap_or("")
    )
}

/// How each truth item shows up: the findings (check id and words its text
/// must contain) that together report it. Image items come from the image
/// checks, `/app/Dockerfile` items from linting the Dockerfile inside the
/// image.
fn expectation(item: &str) -> Vec<(&'static str, &'static [&'static str])> {
    match item {
        "image runs as root (no USER in config)" => vec![("DD-IMG-001", &["no USER"])],
        "no HEALTHCHECK" => vec![("DD-IMG-002", &["HEALTHCHECK"])],
        "port 22 exposed" => vec![("DD-IMG-003", &["22/tcp"])],
        "secret in ENV (DB_PASSWORD)" => vec![("DD-IMG-004", &["DB_PASSWORD"])],
        "secret passed as build argument (GITHUB_TOKEN in history)" => {
            vec![("DD-IMG-005", &["GITHUB_TOKEN", "history[2]"])]
        }
        "remote script piped to a shell in history (curl | sh)" => {
            vec![("DD-IMG-006", &["curl", "| sh"])]
        }
        "setuid binary added by the image: /usr/local/bin/find2" => {
            vec![("DD-IMG-007", &["usr/local/bin/find2"])]
        }
        "world-writable file /app/shared.cfg" => vec![("DD-IMG-008", &["app/shared.cfg"])],
        "shell and package manager present (hardening inventory, informational)" => vec![
            ("DD-IMG-010", &["shells:"]),
            ("DD-IMG-010", &["package managers:"]),
        ],
        "/app/Dockerfile: base image not pinned by digest" => {
            vec![("DD-DF-003", &["debian:bookworm-slim"])]
        }
        "/app/Dockerfile: apt-get install without --no-install-recommends and without version pins, apt lists not removed" =>
        {
            vec![
                ("DD-DF-121", &["apt-get install"]),
                ("DD-DF-122", &["apt-get install"]),
                ("DD-DF-123", &["apt"]),
            ]
        }
        "/app/Dockerfile: curl | sh without pipefail" => vec![("DD-DF-101", &["curl", "| sh"])],
        "/app/Dockerfile: ADD used for a local directory (COPY expected)" => {
            vec![("DD-DF-040", &["ADD app /app"])]
        }
        "/app/Dockerfile: secret in ENV and ARG" => vec![
            ("DD-DF-030", &["DB_PASSWORD"]),
            ("DD-DF-031", &["GITHUB_TOKEN"]),
        ],
        "/app/Dockerfile: EXPOSE 22" => vec![("DD-DF-020", &["22"])],
        "/app/Dockerfile: CMD in shell form" => vec![("DD-DF-050", &["CMD"])],
        "/app/Dockerfile: no USER" => vec![("DD-DF-010", &["USER"])],
        other => panic!("no expectation written for truth item `{other}`"),
    }
}

#[test]
fn shop_misconfigurations_cover_the_truth() {
    let truth: Value = serde_json::from_slice(
        &std::fs::read(shared().join("corpus/truth/shop-misconfig.json")).unwrap(),
    )
    .unwrap();
    let found = misconfigs(&image("shop.oci.tar"), &[]);
    let items: Vec<&str> = truth["must_find"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(items.len(), 17);
    for item in items {
        let in_dockerfile = item.starts_with("/app/Dockerfile");
        for (id, words) in expectation(item) {
            let hit = found.iter().any(|f| {
                let t = text(f);
                let place = if in_dockerfile {
                    f["source"] == "dockerfile" && f["location"]["file"] == "app/Dockerfile"
                } else {
                    f["source"] == "image"
                };
                f["check_id"] == id && place && words.iter().all(|w| t.contains(w))
            });
            assert!(hit, "`{item}` not reported as {id}: {found:#?}");
        }
    }
    // Dockerfile findings carry the line of the instruction.
    assert!(
        found
            .iter()
            .filter(|f| f["source"] == "dockerfile")
            .all(|f| f["location"]["line"].as_u64().is_some_and(|l| l >= 1))
    );
    // The hardening inventory never outranks informational.
    assert!(
        found
            .iter()
            .filter(|f| f["check_id"] == "DD-IMG-010")
            .all(|f| f["severity"] == "info")
    );
}

#[test]
fn clean_image_has_nothing_above_info() {
    let found = misconfigs(&image("clean.oci.tar"), &[]);
    let loud: Vec<&Value> = found.iter().filter(|f| f["severity"] != "info").collect();
    assert!(loud.is_empty(), "{loud:#?}");
}

#[test]
fn misconfigurations_gate_and_ignore_by_check_id() {
    let img = image("shop.oci.tar");
    let out = drydock(&[
        "image",
        &img,
        "--scanners",
        "misconfig",
        "-q",
        "--exit-code",
        "4",
    ]);
    assert_eq!(out.status.code(), Some(4));
    // Informational findings alone never fail the gate.
    let out = drydock(&[
        "image",
        &image("clean.oci.tar"),
        "--scanners",
        "misconfig",
        "-q",
        "--exit-code",
        "4",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let d = tempfile::tempdir().unwrap();
    let ignore = d.path().join("ignore.yaml");
    std::fs::write(
        &ignore,
        "misconfigurations:\n  - id: DD-IMG-002\n    reason: probes are set in the pod spec\n",
    )
    .unwrap();
    let found = misconfigs(&img, &["--ignore-file", ignore.to_str().unwrap()]);
    let hc: Vec<&Value> = found
        .iter()
        .filter(|f| f["check_id"] == "DD-IMG-002")
        .collect();
    assert_eq!(hc.len(), 1);
    assert_eq!(
        hc[0]["suppressed"]["reason"],
        "probes are set in the pod spec"
    );
}

fn report_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn dockerfile_command_lints_with_lines_ignores_and_gate() {
    let d = tempfile::tempdir().unwrap();
    let df = d.path().join("Dockerfile");
    std::fs::write(
        &df,
        "FROM ubuntu:latest\n\
         RUN apt-get update && apt-get install -y curl\n\
         # drydock ignore=DD-DF-050\n\
         CMD node server.js\n",
    )
    .unwrap();
    let p = df.to_str().unwrap();
    let out = drydock(&["dockerfile", p, "-f", "json", "--exit-code", "5"]);
    assert_eq!(
        out.status.code(),
        Some(5),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = report_of(&out)["misconfigurations"]
        .as_array()
        .cloned()
        .unwrap();
    let at = |id: &str| {
        found
            .iter()
            .find(|f| f["check_id"] == id)
            .map(|f| f["location"]["line"].as_u64().unwrap())
    };
    assert_eq!(at("DD-DF-121"), Some(2), "{found:#?}");
    assert_eq!(at("DD-DF-010"), Some(1), "{found:#?}");
    // The inline ignore suppresses (and keeps, marked) the CMD finding on
    // the next line.
    let cmd = found.iter().find(|f| f["check_id"] == "DD-DF-050").unwrap();
    assert_eq!(cmd["location"]["line"], 4);
    assert!(
        cmd["suppressed"]["reason"]
            .as_str()
            .unwrap()
            .contains("ignore=DD-DF-050")
    );
    assert!(found.iter().all(|f| f["location"]["file"] == p));

    // A threshold above every finding passes the gate.
    let out = drydock(&[
        "dockerfile",
        p,
        "-q",
        "--exit-code",
        "5",
        "--failure-threshold",
        "critical",
    ]);
    assert_eq!(out.status.code(), Some(0));

    // A syntax error names the file and line, exit 2.
    let bad = d.path().join("Bad.Dockerfile");
    std::fs::write(&bad, "FROM alpine\nRUN <<EOF\necho never closed\n").unwrap();
    let out = drydock(&["dockerfile", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Bad.Dockerfile") && err.contains("line 2"),
        "{err}"
    );
}

#[test]
fn config_command_audits_manifests_and_reports_broken_files() {
    let d = tempfile::tempdir().unwrap();
    let pod = d.path().join("pod.yaml");
    std::fs::write(
        &pod,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n",
    )
    .unwrap();
    let out = drydock(&[
        "config",
        pod.to_str().unwrap(),
        "-f",
        "json",
        "--exit-code",
        "6",
    ]);
    assert_eq!(out.status.code(), Some(6));
    let found = report_of(&out)["misconfigurations"]
        .as_array()
        .cloned()
        .unwrap();
    let privileged = found
        .iter()
        .find(|f| f["check_id"] == "DD-RT-001")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(privileged["source"], "kubernetes");
    assert_eq!(privileged["location"]["line"], 10);

    let bad = d.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: [\n",
    )
    .unwrap();
    let out = drydock(&[
        "config",
        bad.to_str().unwrap(),
        pod.to_str().unwrap(),
        "-q",
        "-f",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.yaml:5:"), "{err}");
    // The readable file was still audited.
    assert!(
        !report_of(&out)["misconfigurations"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

fn example_policies() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/policies")
        .display()
        .to_string()
}

/// The example "images must come from registry.corp.example" policy, run by
/// all three commands on the documents they build.
#[test]
fn example_registry_policy_runs_on_images_dockerfiles_and_manifests() {
    let policies = example_policies();
    let ids = |found: &[Value]| -> Vec<String> {
        found
            .iter()
            .filter_map(|f| f["check_id"].as_str())
            .filter(|id| id.starts_with("CORP-"))
            .map(str::to_owned)
            .collect()
    };

    // The shop image names no corporate registry.
    let found = misconfigs(&image("shop.oci.tar"), &["--policy", &policies]);
    let reg: Vec<&Value> = found
        .iter()
        .filter(|f| f["check_id"] == "CORP-REG-001")
        .collect();
    assert_eq!(reg.len(), 1, "{found:#?}");
    assert_eq!(reg[0]["source"], "image");

    let d = tempfile::tempdir().unwrap();
    let df = d.path().join("Dockerfile");
    std::fs::write(
        &df,
        "FROM registry.corp.example/base/python:3.12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build\n\
         RUN echo ok\n\
         FROM docker.io/library/nginx:latest\n\
         COPY --from=build /app /app\n",
    )
    .unwrap();
    let out = drydock(&[
        "dockerfile",
        df.to_str().unwrap(),
        "--policy",
        &policies,
        "-f",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = report_of(&out)["misconfigurations"]
        .as_array()
        .cloned()
        .unwrap();
    let reg: Vec<&Value> = found
        .iter()
        .filter(|f| f["check_id"] == "CORP-REG-001")
        .collect();
    assert_eq!(reg.len(), 1, "{found:#?}");
    assert_eq!(reg[0]["location"]["line"], 3);
    assert!(reg[0]["evidence"].as_str().unwrap().contains("nginx"));

    let pod = d.path().join("pod.yaml");
    std::fs::write(
        &pod,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: ok\n    image: registry.corp.example/team/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n  - name: hub\n    image: nginx:latest\n",
    )
    .unwrap();
    let out = drydock(&[
        "config",
        pod.to_str().unwrap(),
        "--policy",
        &policies,
        "-f",
        "json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = report_of(&out)["misconfigurations"]
        .as_array()
        .cloned()
        .unwrap();
    let got = ids(&found);
    assert_eq!(
        got.iter().filter(|i| *i == "CORP-REG-001").count(),
        1,
        "{found:#?}"
    );

    // A broken policy directory is an error naming the file and line.
    let bad = d.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(
        bad.join("x.rego"),
        "package drydock.x\n\ndeny contains msg if {\n  msg := \n}\n",
    )
    .unwrap();
    let out = drydock(&[
        "config",
        pod.to_str().unwrap(),
        "--policy",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x.rego"), "{err}");
}
