//! Inline ignores, YAML config, severity overrides and the failure threshold.

use drydock_dockerfile::{ConfigError, LintConfig, lint, reaches_threshold};
use drydock_findings::{Severity, SuppressionKind};

const BAD: &str = "FROM debian:12\n# drydock ignore=DD-DF-122, DD-DF-121\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN apt-get install -y wget\nEXPOSE 22\n";

fn active(f: &[drydock_findings::Misconfiguration], id: &str) -> Vec<u32> {
    f.iter()
        .filter(|x| x.check_id == id && x.suppressed.is_none())
        .filter_map(|x| x.location.line)
        .collect()
}

#[test]
fn drydock_inline_ignore_applies_to_next_instruction_only() {
    let f = lint("Dockerfile", BAD, &LintConfig::default()).unwrap();
    assert_eq!(active(&f, "DD-DF-122"), vec![4]);
    assert_eq!(active(&f, "DD-DF-121"), vec![4]);
    let s = f
        .iter()
        .find(|x| x.check_id == "DD-DF-122" && x.location.line == Some(3))
        .and_then(|x| x.suppressed.clone())
        .expect("suppressed finding kept");
    assert_eq!(s.kind, SuppressionKind::IgnoreFile);
    assert_eq!(s.source, "Dockerfile:2");
    assert!(s.reason.unwrap_or_default().contains("drydock ignore="));
}

#[test]
fn hadolint_inline_ignore_maps_through_references() {
    let text = "FROM debian:12\n# hadolint ignore=DL3008,DL3064\nRUN apt-get install -y --no-install-recommends curl\n# hadolint ignore=DL3064\nENV DB_PASSWORD=x\nRUN apt-get install -y --no-install-recommends wget\n";
    let f = lint("Dockerfile", text, &LintConfig::default()).unwrap();
    assert_eq!(active(&f, "DD-DF-122"), vec![6]);
    assert!(active(&f, "DD-DF-030").is_empty());
}

#[test]
fn global_ignore_and_multiline_instruction() {
    let text = "# hadolint global ignore=DL3059\nFROM debian:12\nRUN a\nRUN b\n# drydock ignore=DD-DF-122\nRUN apt-get update \\\n  && apt-get install -y --no-install-recommends curl \\\n  && rm -rf /var/lib/apt/lists/*\n";
    let f = lint("Dockerfile", text, &LintConfig::default()).unwrap();
    assert!(active(&f, "DD-DF-108").is_empty());
    assert!(active(&f, "DD-DF-122").is_empty());
    assert!(
        f.iter()
            .any(|x| x.check_id == "DD-DF-122" && x.suppressed.is_some())
    );
}

#[test]
fn ignore_before_final_from_hides_file_level_findings() {
    let text = "# drydock ignore=DD-DF-010,DD-DF-054\nFROM debian:12\n";
    let f = lint("Dockerfile", text, &LintConfig::default()).unwrap();
    assert!(active(&f, "DD-DF-010").is_empty());
    assert!(active(&f, "DD-DF-054").is_empty());
}

#[test]
fn inline_ignores_can_be_disabled() {
    let cfg = LintConfig::from_yaml("disable-inline-ignores: true\n", "<t>").unwrap();
    let f = lint("Dockerfile", BAD, &cfg).unwrap();
    assert_eq!(active(&f, "DD-DF-122"), vec![3, 4]);
}

#[test]
fn yaml_config() {
    let yaml = "ignore: [DD-DF-003, DL3008, SC2086]\nfailure-threshold: high\ntrusted-registries: [\"*.example.com\", docker.io]\nseverity:\n  DD-DF-020: critical\n  DL3015: medium\n";
    let cfg = LintConfig::from_yaml(yaml, "drydock.yaml").unwrap();
    assert_eq!(cfg.ignore, vec!["DD-DF-003", "DD-DF-122"]);
    assert_eq!(cfg.failure_threshold, Some(Severity::High));
    let f = lint("Dockerfile", BAD, &cfg).unwrap();
    assert!(
        f.iter()
            .all(|x| x.check_id != "DD-DF-003" && x.check_id != "DD-DF-122")
    );
    let exp = f.iter().find(|x| x.check_id == "DD-DF-020").unwrap();
    assert_eq!(exp.severity, Severity::Critical);
    let rec = f
        .iter()
        .find(|x| x.check_id == "DD-DF-121" && x.location.line == Some(4))
        .unwrap();
    assert_eq!(rec.severity, Severity::Medium);
    assert!(cfg.fails(&f));
}

#[test]
fn hadolint_spellings_are_accepted() {
    let cfg = LintConfig::from_yaml(
        "ignored:\n  - DL3007\ntrustedRegistries: my.registry\n",
        "<t>",
    )
    .unwrap();
    assert_eq!(cfg.ignore, vec!["DD-DF-002"]);
    assert_eq!(cfg.trusted_registries, vec!["my.registry"]);
}

#[test]
fn trusted_registries() {
    let cfg = LintConfig::from_yaml("trusted-registries: [\"*.example.com\"]\n", "<t>").unwrap();
    let ids = |text: &str| -> Vec<String> {
        lint("Dockerfile", text, &cfg)
            .unwrap()
            .into_iter()
            .map(|f| f.check_id)
            .collect()
    };
    assert!(ids("FROM debian:12\n").contains(&"DD-DF-004".to_string()));
    assert!(ids("FROM quay.io/x/y:1\n").contains(&"DD-DF-004".to_string()));
    assert!(!ids("FROM r.example.com/x/y:1\n").contains(&"DD-DF-004".to_string()));
    assert!(!ids("FROM r.example.com/x/y:1 AS b\nFROM b\n").contains(&"DD-DF-004".to_string()));
    let none = LintConfig::default();
    let f = lint("Dockerfile", "FROM quay.io/x/y:1\n", &none).unwrap();
    assert!(f.iter().all(|x| x.check_id != "DD-DF-004"));
}

#[test]
fn failure_threshold() {
    let f = lint(
        "Dockerfile",
        "FROM debian:12\nUSER 1000\nHEALTHCHECK NONE\n",
        &LintConfig::default(),
    )
    .unwrap();
    // Only DD-DF-003 (low) and DD-DF-054 (info).
    assert!(reaches_threshold(&f, Severity::Low));
    assert!(!reaches_threshold(&f, Severity::Medium));
    let cfg = LintConfig::from_yaml("failure-threshold: medium", "<t>").unwrap();
    assert!(!cfg.fails(&f));
    let cfg = LintConfig::from_yaml("failure-threshold: none", "<t>").unwrap();
    assert!(!cfg.fails(&lint("Dockerfile", "FROM debian\nEXPOSE 22\n", &cfg).unwrap()));
    assert!(LintConfig::default().fails(&f));
    // Suppressed findings never fail the gate.
    let f = lint(
        "Dockerfile",
        "# drydock ignore=DD-DF-003\nFROM debian:12\nUSER 1\nHEALTHCHECK CMD x\n",
        &LintConfig::default(),
    )
    .unwrap();
    assert!(!f.is_empty());
    assert!(!LintConfig::default().fails(&f));
}

#[test]
fn config_errors_name_origin_and_key() {
    let e = LintConfig::from_yaml("ignore: [DD-DF-999]\n", "conf.yaml").unwrap_err();
    assert!(matches!(e, ConfigError::UnknownRule { .. }));
    assert_eq!(
        e.to_string(),
        "lint config conf.yaml: unknown rule id `DD-DF-999` in `ignore`"
    );
    let e = LintConfig::from_yaml("failure-threshold: severe\n", "conf.yaml").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("lint config conf.yaml: `failure-threshold`: unknown severity `severe`"),
        "{e}"
    );
    let e = LintConfig::from_yaml("ignroe: []\n", "conf.yaml").unwrap_err();
    assert!(e.to_string().contains("unknown field `ignroe`"), "{e}");
    let e = LintConfig::from_yaml("severity:\n  DD-DF-001: loud\n", "c").unwrap_err();
    assert!(e.to_string().contains("severity.DD-DF-001"), "{e}");
    assert_eq!(
        LintConfig::from_yaml("", "c").unwrap(),
        LintConfig::default()
    );
}

#[test]
fn lint_error_names_the_file() {
    let e = lint("svc/Dockerfile", "FROM a\nFORM b\n", &LintConfig::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Dockerfile svc/Dockerfile: line 2: unknown instruction FORM (did you mean FROM?)"
    );
    let r = drydock_dockerfile::lint_lenient(
        "svc/Dockerfile",
        "FROM a\nFORM b\nEXPOSE 22\n",
        &LintConfig::default(),
    );
    assert_eq!(r.errors.len(), 1);
    assert!(r.findings.iter().any(|f| f.check_id == "DD-DF-020"));
}
