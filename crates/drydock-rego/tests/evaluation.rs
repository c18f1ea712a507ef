//! Evaluating policies: isolation, limits, severities, result shapes.

mod common;

use std::time::Duration;

use common::policy_dir;
use drydock_findings::Severity;
use drydock_rego::{EvalLimits, InputKind, PolicySet, RegoError, WarningKind};
use serde_json::json;

fn policy(pkg: &str, meta: &str, rules: &str) -> String {
    format!("package drydock.t.{pkg}\nimport rego.v1\n__rego_metadata__ := {meta}\n{rules}\n")
}

fn load(files: &[(&str, &str)]) -> (tempfile::TempDir, PolicySet) {
    let dir = policy_dir(files);
    let set = PolicySet::load_dir(dir.path()).unwrap();
    (dir, set)
}

const GOOD: &str = r#"{"id": "GOOD", "title": "good", "severity": "medium"}"#;
const GOOD_RULES: &str = "deny contains \"good ran\" if true";

#[test]
fn runtime_errors_are_isolated() {
    // Two values for one complete rule: an error only when both bodies hold.
    let conflict = policy(
        "conflict",
        r#"{"id": "CONFLICT", "title": "c", "severity": "high"}"#,
        "level := \"a\" if input.a\nlevel := \"b\" if input.b\ndeny contains level if true",
    );
    let unknown_fn = policy(
        "unknown",
        r#"{"id": "UNKNOWN", "title": "u", "severity": "high"}"#,
        "deny contains x if {\n  x := no.such.function(input)\n}",
    );
    let good = policy("good", GOOD, GOOD_RULES);
    let (_d, set) = load(&[
        ("a.rego", &conflict),
        ("b.rego", &good),
        ("c.rego", &unknown_fn),
    ]);

    let ev = set
        .evaluate(InputKind::Image, &json!({"a": true, "b": true}), "")
        .unwrap();
    assert_eq!(ev.policies_run, 3);
    assert_eq!(ev.findings.len(), 1, "{:?}", ev.findings);
    assert_eq!(ev.findings[0].check_id, "GOOD");
    assert_eq!(ev.warnings.len(), 2, "{:?}", ev.warnings);
    let conflict_w = ev
        .warnings
        .iter()
        .find(|w| w.policy_id == "CONFLICT")
        .unwrap();
    assert_eq!(conflict_w.package, "drydock.t.conflict");
    assert!(conflict_w.file.ends_with("a.rego"));
    match &conflict_w.kind {
        WarningKind::Runtime { rule, message } => {
            assert_eq!(*rule, "deny");
            assert!(message.contains("a.rego:5:1: rule conflicts"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let unknown_w = ev
        .warnings
        .iter()
        .find(|w| w.policy_id == "UNKNOWN")
        .unwrap();
    let text = unknown_w.to_string();
    assert!(text.contains("UNKNOWN"), "{text}");
    assert!(text.contains("no.such.function"), "{text}");
    assert!(text.contains("c.rego:5:"), "{text}");

    // With only one body true the conflicting policy works.
    let ev = set
        .evaluate(InputKind::Image, &json!({"a": true}), "")
        .unwrap();
    let mut ids: Vec<_> = ev.findings.iter().map(|f| f.check_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["CONFLICT", "GOOD"]);
    assert_eq!(ev.warnings.len(), 1);
}

#[test]
fn runaway_policies_are_stopped() {
    // About 10^10 steps: hours without a limit.
    let slow = policy(
        "slow",
        r#"{"id": "SLOW", "title": "s", "severity": "low"}"#,
        "deny contains \"done\" if {\n  n := count([1 | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000)])\n  n > 0\n}",
    );
    let good = policy("good", GOOD, GOOD_RULES);
    let (_d, set) = load(&[("slow.rego", &slow), ("good.rego", &good)]);
    let limits = EvalLimits {
        time_per_rule: Duration::from_millis(50),
        ..EvalLimits::default()
    };
    let set = set.with_limits(limits);
    assert_eq!(set.limits().time_per_rule, Duration::from_millis(50));
    let ev = set.evaluate(InputKind::Image, &json!({}), "").unwrap();
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].check_id, "GOOD");
    assert_eq!(ev.warnings.len(), 1, "{:?}", ev.warnings);
    assert_eq!(
        ev.warnings[0].kind,
        WarningKind::TimeLimit {
            rule: "deny",
            limit: Duration::from_millis(50)
        }
    );
    assert!(ev.warnings[0].to_string().contains("50 ms"));
}

#[test]
fn deny_and_warn_severities() {
    let high = policy(
        "high",
        r#"{"id": "HIGH", "title": "h", "severity": "HIGH"}"#,
        "deny contains \"d\" if true\nwarn contains \"w\" if true",
    );
    let info = policy(
        "info",
        r#"{"id": "INFO", "title": "i", "severity": "info"}"#,
        "warn contains \"w\" if true",
    );
    let custom = policy(
        "custom",
        r#"{"id": "CUSTOM", "title": "c", "severity": "critical", "warn_severity": "medium"}"#,
        "deny contains \"d\" if true\nwarn contains \"w\" if true",
    );
    let (_d, set) = load(&[("h.rego", &high), ("i.rego", &info), ("c.rego", &custom)]);
    let ev = set
        .evaluate(InputKind::Compose, &json!({}), "compose.yaml")
        .unwrap();
    let mut got: Vec<(&str, &str, Severity)> = ev
        .findings
        .iter()
        .map(|f| (f.check_id.as_str(), f.evidence.as_str(), f.severity))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("CUSTOM", "d", Severity::Critical),
            ("CUSTOM", "w", Severity::Medium),
            ("HIGH", "d", Severity::High),
            ("HIGH", "w", Severity::Low),
            ("INFO", "w", Severity::Info),
        ]
    );
    assert!(ev.findings.iter().all(|f| f.source == "compose"));
}

#[test]
fn input_kinds_filter_policies() {
    let df_only = policy(
        "df",
        r#"{"id": "DF", "title": "d", "severity": "low", "input_kinds": ["dockerfile"]}"#,
        "deny contains \"df\" if true",
    );
    let k8s_compose = policy(
        "kc",
        r#"{"id": "KC", "title": "k", "severity": "low", "input_kinds": ["kubernetes", "compose"]}"#,
        "deny contains \"kc\" if true",
    );
    let all = policy(
        "all",
        r#"{"id": "ALL", "title": "a", "severity": "low"}"#,
        "deny contains data.drydock_context.input_kind if true",
    );
    let (_d, set) = load(&[
        ("df.rego", &df_only),
        ("kc.rego", &k8s_compose),
        ("all.rego", &all),
    ]);
    let expect = [
        (InputKind::Image, vec!["ALL"]),
        (InputKind::Dockerfile, vec!["ALL", "DF"]),
        (InputKind::Kubernetes, vec!["ALL", "KC"]),
        (InputKind::Compose, vec!["ALL", "KC"]),
        (InputKind::DockerInspect, vec!["ALL"]),
        (InputKind::Daemon, vec!["ALL"]),
    ];
    for (kind, want) in expect {
        let ev = set.evaluate(kind, &json!({}), "f").unwrap();
        let mut ids: Vec<_> = ev.findings.iter().map(|f| f.check_id.as_str()).collect();
        ids.sort();
        assert_eq!(ids, want, "{kind}");
        assert_eq!(ev.policies_run, want.len());
        // The ALL policy reports the kind it was told.
        let all = ev.findings.iter().find(|f| f.check_id == "ALL").unwrap();
        assert_eq!(all.evidence, kind.as_str());
    }
}

#[test]
fn result_objects_fill_the_location() {
    let p = policy(
        "loc",
        r#"{"id": "LOC", "title": "l", "severity": "medium", "remediation": "fix", "references": ["CIS-Docker-4.1"]}"#,
        r#"deny contains {"msg": "full", "line": 3, "end_line": 5, "config_path": "config.User", "object": "Deployment/web", "layer": 2, "file": "etc/passwd"} if true
deny contains {"msg": "backwards", "line": 9, "end_line": 2} if true
deny contains "plain" if true"#,
    );
    let (_d, set) = load(&[("loc.rego", &p)]);
    let ev = set
        .evaluate(InputKind::Kubernetes, &json!({}), "web.yaml")
        .unwrap();
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    let full = ev.findings.iter().find(|f| f.evidence == "full").unwrap();
    let l = &full.location;
    assert_eq!(l.file.as_deref(), Some("etc/passwd"));
    assert_eq!((l.line, l.end_line), (Some(3), Some(5)));
    assert_eq!(l.config_path.as_deref(), Some("config.User"));
    assert_eq!(l.object.as_deref(), Some("Deployment/web"));
    assert_eq!(l.layer, Some(2));
    assert_eq!(full.title, "l");
    assert_eq!(full.remediation, "fix");
    assert_eq!(full.references, ["CIS-Docker-4.1"]);
    assert_eq!(full.suppressed, None);
    let back = ev
        .findings
        .iter()
        .find(|f| f.evidence == "backwards")
        .unwrap();
    assert_eq!(
        (back.location.line, back.location.end_line),
        (Some(9), None)
    );
    let plain = ev.findings.iter().find(|f| f.evidence == "plain").unwrap();
    assert_eq!(plain.location.file.as_deref(), Some("web.yaml"));
    assert_eq!(plain.location.line, None);
}

#[test]
fn malformed_results_give_warnings() {
    let p = policy(
        "bad",
        r#"{"id": "BAD", "title": "b", "severity": "medium"}"#,
        r#"deny contains {"message": "no msg"} if true
deny contains 42 if true
deny contains {"msg": "kept", "line": 0, "object": 7} if true
warn := true"#,
    );
    let (_d, set) = load(&[("bad.rego", &p)]);
    let ev = set.evaluate(InputKind::Image, &json!({}), "").unwrap();
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].evidence, "kept");
    assert_eq!(ev.findings[0].location.line, None);
    assert_eq!(ev.findings[0].location.object, None);
    let texts: Vec<String> = ev.warnings.iter().map(ToString::to_string).collect();
    let has = |s: &str| texts.iter().any(|t| t.contains(s));
    assert!(has("has no `msg`"), "{texts:?}");
    assert!(has("object with `msg`, not a number"), "{texts:?}");
    assert!(has("`line` of result \"kept\""), "{texts:?}");
    assert!(has("`object` of result \"kept\""), "{texts:?}");
    assert!(has("warn: must be a set"), "{texts:?}");
    assert_eq!(ev.warnings.len(), 5, "{texts:?}");
}

#[test]
fn results_messages_and_warnings_are_capped() {
    let p = policy(
        "many",
        r#"{"id": "MANY", "title": "m", "severity": "low"}"#,
        r#"deny contains sprintf("result %d %s", [i, concat("", ["x" | some _ in numbers.range(1, 100)])]) if some i in numbers.range(1, 10)
warn contains i if some i in numbers.range(1, 30)"#,
    );
    let (_d, set) = load(&[("many.rego", &p)]);
    let set = set.with_limits(EvalLimits {
        max_results_per_rule: 4,
        max_message_bytes: 20,
        max_warnings_per_policy: 3,
        ..EvalLimits::default()
    });
    let ev = set.evaluate(InputKind::Image, &json!({}), "").unwrap();
    assert_eq!(ev.findings.len(), 4);
    assert!(
        ev.findings
            .iter()
            .all(|f| f.evidence.len() <= 20 + '…'.len_utf8())
    );
    assert!(ev.findings[0].evidence.ends_with('…'));
    assert!(matches!(
        ev.warnings[0].kind,
        WarningKind::Truncated {
            rule: "deny",
            produced: 10,
            kept: 4
        }
    ));
    // deny truncated (1) + warn truncated (1) + 4 kept numbers (only 1 fits)
    // then a summary of the rest.
    assert_eq!(ev.warnings.len(), 4, "{:?}", ev.warnings);
    assert_eq!(ev.warnings[3].kind, WarningKind::MoreWarnings(3));
}

#[test]
fn prints_are_collected() {
    let p = policy(
        "print",
        r#"{"id": "PRINT", "title": "p", "severity": "low"}"#,
        "deny contains \"x\" if {\n  print(\"checking\", input.name)\n}",
    );
    let (_d, set) = load(&[("print.rego", &p)]);
    let ev = set
        .evaluate(InputKind::Image, &json!({"name": "app"}), "")
        .unwrap();
    assert_eq!(ev.prints.len(), 1, "{:?}", ev.prints);
    assert!(
        ev.prints[0].ends_with("print.rego:5: checking app"),
        "{:?}",
        ev.prints
    );
}

#[test]
fn builtin_errors_are_undefined_like_opa() {
    let p = policy(
        "conv",
        r#"{"id": "CONV", "title": "c", "severity": "low"}"#,
        "deny contains \"number\" if to_number(input.v) > 1\ndeny contains \"fallback\" if not to_number(input.v)",
    );
    let (_d, set) = load(&[("conv.rego", &p)]);
    let ev = set
        .evaluate(InputKind::Image, &json!({"v": "abc"}), "")
        .unwrap();
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    let got: Vec<_> = ev.findings.iter().map(|f| f.evidence.as_str()).collect();
    assert_eq!(got, ["fallback"]);
    let ev = set
        .evaluate(InputKind::Image, &json!({"v": "5"}), "")
        .unwrap();
    let got: Vec<_> = ev.findings.iter().map(|f| f.evidence.as_str()).collect();
    assert_eq!(got, ["number"]);
}

#[test]
fn overly_deep_input_is_refused() {
    let p = policy("good", GOOD, GOOD_RULES);
    let (_d, set) = load(&[("good.rego", &p)]);
    let mut v = json!("leaf");
    for _ in 0..300 {
        v = json!({ "n": v });
    }
    let err = set
        .evaluate(InputKind::Kubernetes, &v, "deep.yaml")
        .unwrap_err();
    assert!(matches!(err, RegoError::Input { .. }), "{err:?}");
    assert!(err.to_string().contains("deep.yaml"));
}

#[test]
fn one_set_serves_many_threads() {
    let p = policy(
        "echo",
        r#"{"id": "ECHO", "title": "e", "severity": "low"}"#,
        "deny contains input.n if true",
    );
    let (_d, set) = load(&[("echo.rego", &p)]);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let set = &set;
                s.spawn(move || {
                    for i in 0..25 {
                        let n = format!("{t}-{i}");
                        let ev = set
                            .evaluate(InputKind::Image, &json!({"n": n}), "")
                            .unwrap();
                        assert_eq!(ev.findings.len(), 1);
                        assert_eq!(ev.findings[0].evidence, n);
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}

#[test]
fn enabled_builtins_work_and_left_out_ones_warn() {
    let p = policy(
        "builtins",
        r#"{"id": "BI", "title": "b", "severity": "medium"}"#,
        r#"deny contains sprintf("old %s %s", [p.name, p.version]) if {
  some p in input.packages
  regex.match(`^open(ssl|ssh)$`, p.name)
  semver.is_valid(p.version)
  semver.compare(p.version, "3.0.7") < 0
}
deny contains concat(".", [k | some k in path]) if {
  walk(input.config, [path, v])
  v == "secret"
}
warn contains "now" if time.now_ns() > 0"#,
    );
    let (_d, set) = load(&[("b.rego", &p)]);
    let input = json!({
        "packages": [
            {"name": "openssl", "version": "3.0.2"},
            {"name": "openssl-libs", "version": "1.0.0"},
            {"name": "openssh", "version": "9.0.0"},
            {"name": "openssh", "version": "1:9.2p1-2"}
        ],
        "config": {"Env": {"A": "secret"}}
    });
    let ev = set.evaluate(InputKind::Image, &input, "").unwrap();
    let mut got: Vec<_> = ev.findings.iter().map(|f| f.evidence.as_str()).collect();
    got.sort();
    assert_eq!(got, ["Env.A", "old openssl 3.0.2"]);
    assert_eq!(ev.warnings.len(), 1, "{:?}", ev.warnings);
    assert!(
        ev.warnings[0]
            .to_string()
            .contains("could not find function time.now_ns"),
        "{}",
        ev.warnings[0]
    );
}
