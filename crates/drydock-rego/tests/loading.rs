//! Loading a policy directory: errors, conventions, data documents.

mod common;

use common::policy_dir;
use drydock_findings::Severity;
use drydock_rego::{InputKind, PolicySet, RegoError};
use serde_json::json;

const OK: &str = r#"package drydock.t.ok
import rego.v1
__rego_metadata__ := {"id": "T-OK", "title": "ok", "severity": "medium"}
deny contains "always" if true
"#;

fn load_err(files: &[(&str, &str)]) -> RegoError {
    let dir = policy_dir(files);
    PolicySet::load_dir(dir.path()).unwrap_err()
}

#[test]
fn syntax_error_names_file_and_line() {
    let bad = "package drydock.t.bad\nimport rego.v1\n\ndeny contains msg if {\n  msg := \n}\n";
    let err = load_err(&[("a/ok.rego", OK), ("b/bad.rego", bad)]);
    match &err {
        RegoError::Syntax { path, line, .. } => {
            assert!(path.ends_with("b/bad.rego"), "{path:?}");
            assert_eq!(*line, 5);
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("bad.rego:5:"), "{text}");
    assert!(text.contains("syntax error"), "{text}");
}

#[test]
fn compile_error_names_file_and_line() {
    let unsafe_var = "package drydock.t.u\nimport rego.v1\n__rego_metadata__ := {\"id\": \"U\", \"title\": \"u\", \"severity\": \"low\"}\ndeny contains msg if {\n  x > 1\n  msg := \"m\"\n}\n";
    let err = load_err(&[("u.rego", unsafe_var)]);
    assert!(matches!(err, RegoError::Compile { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("u.rego:5:"), "{text}");
    assert!(text.contains("unsafe"), "{text}");
}

#[test]
fn missing_metadata_id_is_a_clear_error() {
    let no_id = "package drydock.t.noid\nimport rego.v1\n__rego_metadata__ := {\"title\": \"t\", \"severity\": \"low\"}\ndeny contains \"x\" if true\n";
    let err = load_err(&[("ok.rego", OK), ("noid.rego", no_id)]);
    match &err {
        RegoError::Metadata {
            path,
            package,
            message,
        } => {
            assert!(path.ends_with("noid.rego"));
            assert_eq!(package, "drydock.t.noid");
            assert!(message.contains("no `id`"), "{message}");
        }
        other => panic!("expected a metadata error, got {other:?}"),
    }
}

#[test]
fn metadata_problems() {
    let cases = [
        (
            "package drydock.t.m\nimport rego.v1\ndeny contains \"x\" if true\n",
            "no `__rego_metadata__`",
        ),
        (
            "package drydock.t.m\nimport rego.v1\n__rego_metadata__ := \"CORP-1\"\ndeny contains \"x\" if true\n",
            "must be an object",
        ),
        (
            "package drydock.t.m\nimport rego.v1\n__rego_metadata__ := {\"id\": \"A\", \"title\": \"t\", \"severity\": \"urgent\"}\nwarn contains \"x\" if true\n",
            "`severity` \"urgent\"",
        ),
        (
            "package drydock.t.m\nimport rego.v1\n__rego_metadata__ := {\"id\": \"A\", \"title\": \"t\", \"severity\": \"low\", \"input_kinds\": [\"helm\"]}\ndeny contains \"x\" if true\n",
            "unknown input kind `helm`",
        ),
        (
            "package drydock.t.m\nimport rego.v1\n__rego_metadata__ := {\"id\": \"A\", \"title\": \"t\", \"severity\": \"low\"} if input.never\ndeny contains \"x\" if true\n",
            "undefined",
        ),
    ];
    for (src, want) in cases {
        let err = load_err(&[("m.rego", src)]);
        assert!(matches!(err, RegoError::Metadata { .. }), "{src}: {err:?}");
        assert!(err.to_string().contains(want), "{src}: {err}");
    }
}

#[test]
fn metadata_rule_may_be_named_metadata() {
    let src = "package drydock.t.m\nimport rego.v1\nmetadata := {\"id\": \"A-1\", \"title\": \"t\", \"severity\": \"critical\", \"description\": \"d\", \"remediation\": \"r\"}\ndeny contains \"x\" if true\n";
    let dir = policy_dir(&[("m.rego", src)]);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    let p = &set.policies()[0];
    assert_eq!(p.metadata.id, "A-1");
    assert_eq!(p.metadata.severity, Severity::Critical);
    assert_eq!(p.metadata.description, "d");
    assert_eq!(p.metadata.remediation, "r");
    assert_eq!(p.package, "drydock.t.m");
}

#[test]
fn duplicate_ids_are_rejected() {
    let other = OK.replace("drydock.t.ok", "drydock.t.other");
    let err = load_err(&[("a.rego", OK), ("b.rego", &other)]);
    match err {
        RegoError::DuplicateId { id, first, second } => {
            assert_eq!(id, "T-OK");
            assert_eq!(
                (first.as_str(), second.as_str()),
                ("drydock.t.ok", "drydock.t.other")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_policies_is_an_error() {
    let lib = "package drydock.lib\nimport rego.v1\nhelper(x) := x\n";
    let outside = "package main\nimport rego.v1\ndeny contains \"x\" if true\n";
    let err = load_err(&[("lib.rego", lib), ("conftest.rego", outside)]);
    assert!(matches!(err, RegoError::NoPolicies { .. }), "{err:?}");
    let empty = tempfile::tempdir().unwrap();
    let err = PolicySet::load_dir(empty.path()).unwrap_err();
    assert!(matches!(err, RegoError::NoPolicies { .. }), "{err:?}");
}

#[test]
fn not_a_directory() {
    let dir = policy_dir(&[("ok.rego", OK)]);
    let err = PolicySet::load_dir(&dir.path().join("ok.rego")).unwrap_err();
    assert!(matches!(err, RegoError::NotADirectory { .. }), "{err:?}");
    let err = PolicySet::load_dir(&dir.path().join("missing")).unwrap_err();
    assert!(matches!(err, RegoError::Io { .. }), "{err:?}");
}

#[test]
fn test_files_hidden_dirs_and_other_files_are_skipped() {
    let dir = policy_dir(&[
        ("ok.rego", OK),
        // Would not parse: proves these are not read.
        (
            "ok_test.rego",
            "package drydock.t.ok_test\nthis is not rego",
        ),
        (".git/x.rego", "not rego either"),
        ("fixtures/pod.yaml", "apiVersion: v1\nkind: Pod\n"),
        ("fixtures/other.json", "[1, 2]"),
    ]);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    assert_eq!(set.policies().len(), 1);
}

#[test]
fn helper_packages_and_split_packages() {
    let lib = "package drydock.lib.refs\nimport rego.v1\nregistry(ref) := split(ref, \"/\")[0]\n";
    let meta = "package drydock.t.split\nimport rego.v1\n__rego_metadata__ := {\"id\": \"S\", \"title\": \"s\", \"severity\": \"high\"}\n";
    let rules = "package drydock.t.split\nimport rego.v1\nimport data.drydock.lib.refs\ndeny contains refs.registry(input.reference) if true\n";
    let dir = policy_dir(&[
        ("lib/refs.rego", lib),
        ("split/meta.rego", meta),
        ("split/rules.rego", rules),
    ]);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    assert_eq!(set.policies().len(), 1);
    assert!(set.policies()[0].file.ends_with("split/rules.rego"));
    let ev = set
        .evaluate(InputKind::Image, &json!({"reference": "quay.io/a/b:1"}), "")
        .unwrap();
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].evidence, "quay.io");
}

#[test]
fn data_documents_are_merged() {
    let policy = r#"package drydock.t.data
import rego.v1
__rego_metadata__ := {"id": "D", "title": "d", "severity": "low"}
deny contains sprintf("%s/%v", [data.registries.primary, data.limits.max]) if true
"#;
    let dir = policy_dir(&[
        ("p.rego", policy),
        (
            "data.json",
            r#"{"registries": {"primary": "registry.corp.example"}}"#,
        ),
        ("conf/limits.data.yaml", "limits:\n  max: 3\n"),
    ]);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    let ev = set
        .evaluate(InputKind::Daemon, &json!({}), "daemon.json")
        .unwrap();
    assert_eq!(ev.findings.len(), 1, "{:?}", ev.warnings);
    assert_eq!(ev.findings[0].evidence, "registry.corp.example/3");
}

#[test]
fn bad_data_documents() {
    let cases = [
        ("data.json", "{not json", "data.json"),
        ("data.yaml", "- a\n- b\n", "must be an object"),
        ("data.yml", "drydock:\n  x: 1\n", "reserved"),
        ("data.json", r#"{"drydock_context": {}}"#, "reserved"),
    ];
    for (name, content, want) in cases {
        let err = load_err(&[("ok.rego", OK), (name, content)]);
        assert!(matches!(err, RegoError::Data { .. }), "{name}: {err:?}");
        assert!(err.to_string().contains(want), "{name}: {err}");
    }
    // Two documents disagreeing on a value.
    let err = load_err(&[
        ("ok.rego", OK),
        ("a/data.json", r#"{"x": {"y": 1}}"#),
        ("b/data.json", r#"{"x": {"y": 2}}"#),
    ]);
    assert!(err.to_string().contains("cannot merge"), "{err}");
    // Two documents adding to the same object merge.
    let dir = policy_dir(&[
        ("ok.rego", OK),
        ("a/data.json", r#"{"x": {"y": 1}}"#),
        ("b/data.json", r#"{"x": {"z": 2}}"#),
    ]);
    assert!(PolicySet::load_dir(dir.path()).is_ok());
}

#[test]
fn rego_v0_policies_still_load() {
    // Trivy's and conftest's older style, with Trivy's result.new.
    let v0 = r#"package drydock.t.legacy
__rego_metadata__ := {"id": "L-1", "title": "legacy", "severity": "HIGH", "recommended_actions": "fix it"}
__rego_input__ := {"selector": [{"type": "dockerfile"}]}
deny[res] {
    some i
    cmd := input.stages[_].instructions[i]
    cmd.cmd == "add"
    res := result.new(sprintf("ADD at line %d", [cmd.line]), cmd)
}
"#;
    let dir = policy_dir(&[("legacy.rego", v0)]);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    let meta = &set.policies()[0].metadata;
    assert_eq!(meta.input_kinds, Some(vec![InputKind::Dockerfile]));
    assert_eq!(meta.remediation, "fix it");
    let df = json!({"stages": [{"name": null, "from": {"image": "alpine"}, "instructions": [
        {"cmd": "from", "args": ["alpine"], "line": 1, "end_line": 1},
        {"cmd": "add", "args": ["a", "/a"], "line": 2, "end_line": 4}
    ]}]});
    let ev = set
        .evaluate(InputKind::Dockerfile, &df, "Dockerfile")
        .unwrap();
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].evidence, "ADD at line 2");
    assert_eq!(ev.findings[0].location.line, Some(2));
    assert_eq!(ev.findings[0].location.end_line, Some(4));
    // The selector keeps it off other inputs.
    let ev = set.evaluate(InputKind::Image, &df, "").unwrap();
    assert_eq!(ev.policies_run, 0);
}

#[test]
fn v1_file_with_error_reports_the_v1_error() {
    let bad = "package drydock.t.x\nimport rego.v1\ndeny[msg] {\n  msg := \"a\"\n}\n";
    let err = load_err(&[("x.rego", bad)]);
    assert!(matches!(err, RegoError::Syntax { line: 3, .. }), "{err:?}");
    assert!(err.to_string().contains("`if`"), "{err}");
}

#[test]
fn oversized_and_non_utf8_policies() {
    let big = format!("package drydock.t.big\n# {}\n", "x".repeat(1024 * 1024));
    let err = load_err(&[("big.rego", &big)]);
    assert!(matches!(err, RegoError::TooLarge { .. }), "{err:?}");
    let dir = policy_dir(&[("ok.rego", OK)]);
    std::fs::write(
        dir.path().join("bin.rego"),
        b"package drydock.t.b\n\xff\xfe\n",
    )
    .unwrap();
    let err = PolicySet::load_dir(dir.path()).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");
}

#[test]
fn policy_set_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<PolicySet>();
}

#[test]
fn package_names_that_are_not_identifiers() {
    let src = r#"package drydock["my-team"].policy
import rego.v1
__rego_metadata__ := {"id": "MT-1", "title": "t", "severity": "low"}
deny contains "quoted" if true
"#;
    let dir = policy_dir(&[("q.rego", src)]);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    assert_eq!(set.policies()[0].package, "drydock.my-team.policy");
    let ev = set.evaluate(InputKind::Image, &json!({}), "").unwrap();
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].evidence, "quoted");
}

#[test]
fn symlinked_directories_are_not_followed() {
    let dir = policy_dir(&[("sub/ok.rego", OK)]);
    // A loop: sub/loop -> .. ; following it would load ok.rego again (and
    // again), and fail on the duplicate id.
    std::os::unix::fs::symlink("..", dir.path().join("sub/loop")).unwrap();
    // A symlinked file is followed.
    let other = OK
        .replace("drydock.t.ok", "drydock.t.linked")
        .replace("T-OK", "T-LINKED");
    std::fs::write(dir.path().join("target.rego.txt"), other).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("target.rego.txt"),
        dir.path().join("linked.rego"),
    )
    .unwrap();
    let set = PolicySet::load_dir(dir.path()).unwrap();
    let ids: Vec<_> = set
        .policies()
        .iter()
        .map(|p| p.metadata.id.as_str())
        .collect();
    assert_eq!(ids, ["T-LINKED", "T-OK"]);
}

#[test]
fn overlong_policy_lines_are_reported() {
    let long = format!(
        "package drydock.t.long\nimport rego.v1\n__rego_metadata__ := {{\"id\": \"L\", \"title\": \"{}\", \"severity\": \"low\"}}\ndeny contains \"x\" if true\n",
        "t".repeat(3000)
    );
    let err = load_err(&[("long.rego", &long)]);
    let text = err.to_string();
    assert!(text.contains("long.rego:3:"), "{text}");
    assert!(text.contains("maximum column width of 1024"), "{text}");
}
