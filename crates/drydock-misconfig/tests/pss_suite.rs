//! The table-driven Pod Security Standards suite: every document of
//! `tests/pss/*.yaml` is a case stating which controls an object violates
//! at baseline and at restricted (an empty list means it passes).
//!
//! Each case is checked three ways: `pss_evaluate` at both levels; the
//! crate's YAML reading against serde_norway's (an independent parser) for
//! the same object; and the findings of `audit_kubernetes` against the PSS
//! verdicts, so the two APIs cannot drift apart.

use std::collections::BTreeSet;
use std::path::PathBuf;

use drydock_misconfig::{PssLevel, audit_kubernetes, parse_documents, pss_evaluate};
use serde_json::Value;

struct Case {
    file: String,
    name: String,
    baseline: BTreeSet<String>,
    restricted: BTreeSet<String>,
    object: Value,
    yaml11: bool,
    independent: Option<Value>,
}

fn list(v: &Value, key: &str, name: &str) -> BTreeSet<String> {
    v.get(key)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("case {name}: `{key}` must be a list"))
        .iter()
        .map(|c| c.as_str().expect("control names are strings").to_owned())
        .collect()
}

fn cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pss");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/pss exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).expect("readable case file");
        let label = f.display().to_string();
        let docs = parse_documents(&label, &bytes).expect("case files parse");
        let independent: Vec<Value> = serde_norway::Deserializer::from_slice(&bytes)
            .map(|d| serde::Deserialize::deserialize(d).expect("serde_norway parses the case"))
            .collect();
        let docs: Vec<Value> = docs.into_iter().filter(|d| !d.is_null()).collect();
        let independent: Vec<Value> = independent.into_iter().filter(|d| !d.is_null()).collect();
        assert_eq!(docs.len(), independent.len(), "{label}: document count");
        for (d, ind) in docs.into_iter().zip(independent) {
            let name = d["name"].as_str().expect("case name").to_owned();
            out.push(Case {
                file: label.clone(),
                baseline: list(&d, "baseline", &name),
                restricted: list(&d, "restricted", &name),
                object: d.get("object").cloned().expect("case object"),
                yaml11: d.get("yaml11").and_then(Value::as_bool).unwrap_or(false),
                independent: ind.get("object").cloned(),
                name,
            });
        }
    }
    out
}

fn violated(obj: &Value, level: PssLevel) -> BTreeSet<String> {
    pss_evaluate(obj, level)
        .into_iter()
        .map(|v| v.control)
        .collect()
}

#[test]
fn suite_has_enough_cases_and_covers_every_control() {
    let cases = cases();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut names = BTreeSet::new();
    for c in &cases {
        assert!(
            names.insert(c.name.clone()),
            "duplicate case name {}",
            c.name
        );
    }
    // Every control fails somewhere at the level it belongs to, and every
    // control is exercised by at least one passing case of each level.
    for control in drydock_misconfig::BASELINE_CONTROLS {
        assert!(
            cases.iter().any(|c| c.baseline.contains(*control)),
            "no baseline case fails {control}"
        );
    }
    for control in drydock_misconfig::RESTRICTED_CONTROLS {
        assert!(
            cases.iter().any(|c| c.restricted.contains(*control)),
            "no restricted case fails {control}"
        );
    }
    assert!(cases.iter().filter(|c| c.baseline.is_empty()).count() >= 30);
    assert!(cases.iter().filter(|c| c.restricted.is_empty()).count() >= 30);
    let kinds: BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c.object.get("kind").and_then(Value::as_str))
        .collect();
    for k in [
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "ReplicationController",
        "Job",
        "CronJob",
        "PodTemplate",
    ] {
        assert!(kinds.contains(k), "no case of kind {k}");
    }
}

#[test]
fn pss_verdicts_match_the_table() {
    let mut failures = Vec::new();
    for c in cases() {
        let b = violated(&c.object, PssLevel::Baseline);
        let r = violated(&c.object, PssLevel::Restricted);
        if b != c.baseline {
            failures.push(format!(
                "{} [{}] baseline: expected {:?}, got {:?}",
                c.name, c.file, c.baseline, b
            ));
        }
        if r != c.restricted {
            failures.push(format!(
                "{} [{}] restricted: expected {:?}, got {:?}",
                c.name, c.file, c.restricted, r
            ));
        }
        assert!(violated(&c.object, PssLevel::Privileged).is_empty());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn yaml_reading_matches_an_independent_parser() {
    for c in cases() {
        if c.yaml11 {
            // serde_norway reads YAML 1.2 (`yes` is a string); Kubernetes
            // and drydock read YAML 1.1 booleans. The difference is the
            // point of the case.
            assert_ne!(Some(&c.object), c.independent.as_ref(), "{}", c.name);
            continue;
        }
        assert_eq!(Some(&c.object), c.independent.as_ref(), "{}", c.name);
    }
}

/// The PSS references a finding may carry for a violated control. Two
/// restricted controls re-report what a baseline finding already says.
fn satisfied_by(control: &str, level: &str, refs: &BTreeSet<String>) -> bool {
    let direct = format!("PSS-{level}:{control}");
    if refs.contains(&direct) {
        return true;
    }
    match control {
        "seccompProfile_restricted" => refs.contains("PSS-baseline:seccompProfile_baseline"),
        "capabilities_restricted" => refs.contains("PSS-baseline:capabilities_baseline"),
        _ => false,
    }
}

#[test]
fn findings_agree_with_pss_verdicts() {
    for c in cases() {
        if c.object.get("kind").is_none() || c.object.get("apiVersion").is_none() {
            continue;
        }
        let bytes = serde_json::to_vec_pretty(&c.object).expect("serializes");
        let findings = audit_kubernetes(&format!("{}.json", c.name), &bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let refs: BTreeSet<String> = findings
            .iter()
            .flat_map(|f| f.references.iter().cloned())
            .collect();
        for control in &c.baseline {
            assert!(
                satisfied_by(control, "baseline", &refs),
                "{}: baseline {control} has no finding (refs {refs:?})",
                c.name
            );
        }
        for control in &c.restricted {
            assert!(
                satisfied_by(control, "restricted", &refs)
                    || satisfied_by(control, "baseline", &refs),
                "{}: restricted {control} has no finding (refs {refs:?})",
                c.name
            );
        }
        // Conversely, a finding that cites a PSS control cites one that
        // the object really violates.
        for f in &findings {
            let pss: Vec<&String> = f
                .references
                .iter()
                .filter(|r| r.starts_with("PSS-"))
                .collect();
            if pss.is_empty() {
                continue;
            }
            let ok = pss.iter().any(|r| {
                let (level, control) = r
                    .trim_start_matches("PSS-")
                    .split_once(':')
                    .expect("PSS-level:control");
                match level {
                    "baseline" => c.baseline.contains(control),
                    _ => c.restricted.contains(control),
                }
            });
            assert!(
                ok,
                "{}: finding {} {:?} cites no violated control",
                c.name, f.check_id, f.location.config_path
            );
        }
        // Every finding has a line inside the file.
        let lines = bytes.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        for f in &findings {
            let l = f.location.line.expect("JSON findings have lines");
            assert!(l >= 1 && l <= lines, "{}: line {l} of {lines}", c.name);
        }
    }
}
