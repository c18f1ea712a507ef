//! Ignore files: YAML and `.trivyignore`.

mod common;

use common::{at_path, finding, fixture, utc, with_aliases};
use drydock_findings::SuppressionKind;
use drydock_policy::{IgnoreFile, IgnoreFormat, PolicyError};

const DJANGO: &str = "pkg:pypi/django@2.2.1";

#[test]
fn yaml_fixture_parses_with_warnings() {
    let (file, warnings) = IgnoreFile::load(&fixture("drydockignore.yaml")).unwrap();
    assert_eq!(file.format(), IgnoreFormat::Yaml);
    assert_eq!(file.rules().len(), 4);
    let r = &file.rules()[0];
    assert_eq!(r.id, "CVE-2019-12781");
    assert_eq!(r.origin, "vulnerabilities[0]");
    assert_eq!(r.expires.as_ref().unwrap().as_str(), "2027-01-31");
    assert_eq!(r.purls[0].as_str(), "pkg:pypi/django");
    assert_eq!(r.paths[0].as_str(), "app/venv/**");
    // Only the last rule lacks a reason.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("vulnerabilities[3]"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("CVE-2023-5678"), "{}", warnings[0]);
    assert!(warnings[0].contains("no reason"), "{}", warnings[0]);
}

#[test]
fn yaml_matches_id_alias_purl_and_path() {
    let (file, _) = IgnoreFile::load(&fixture("drydockignore.yaml")).unwrap();
    let now = utc("2026-06-01", 0);
    let mut f = vec![
        // 0: id, purl and path all match.
        at_path(
            finding("CVE-2019-12781", DJANGO),
            "app/venv/lib/python3.11/site-packages/Django-2.2.1.dist-info/METADATA",
        ),
        // 1: same id, path outside app/venv.
        at_path(
            finding("CVE-2019-12781", DJANGO),
            "usr/lib/python3/dist-packages/Django-2.2.1.dist-info/METADATA",
        ),
        // 2: same id, no path known: a path-scoped rule cannot apply.
        finding("CVE-2019-12781", DJANGO),
        // 3: id matches through an alias, rule has no scope.
        with_aliases(
            finding("GHSA-other", "pkg:npm/jquery@3.4.1"),
            &["CVE-2020-11022", "GHSA-6c3j-c64m-qhgq"],
        ),
        // 4: right path, other package.
        at_path(
            finding("CVE-2019-12781", "pkg:pypi/django-filter@2.2.0"),
            "app/venv/lib/python3.11/site-packages/django_filter-2.2.0.dist-info/METADATA",
        ),
        // 5: unrelated id.
        finding("CVE-2019-99999", DJANGO),
        // 6: qualifier-scoped rule, matching arch.
        finding(
            "CVE-2023-5678",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
        ),
        // 7: qualifier-scoped rule, other arch.
        finding(
            "CVE-2023-5678",
            "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=arm64&distro=debian-12",
        ),
    ];
    let applied = file.apply(&mut f, now);
    let hit: Vec<bool> = f.iter().map(|v| v.suppressed.is_some()).collect();
    assert_eq!(
        hit,
        [true, false, false, true, false, false, true, false],
        "{f:#?}"
    );
    assert_eq!(applied.suppressed, 3);
    // The setuptools rule expired on 2025-06-30T12:00:00Z.
    assert_eq!(applied.warnings.len(), 1, "{:?}", applied.warnings);

    let s = f[0].suppressed.as_ref().unwrap();
    assert_eq!(s.kind, SuppressionKind::IgnoreFile);
    assert!(s.source.ends_with("drydockignore.yaml"), "{}", s.source);
    assert_eq!(
        s.reason.as_deref(),
        Some("not reachable: we don't use SECURE_PROXY_SSL_HEADER")
    );
    // Suppressed findings stay in the list.
    assert_eq!(f.len(), 8);
}

#[test]
fn ids_match_case_insensitively() {
    let (file, _) = IgnoreFile::parse_yaml(
        "vulnerabilities:\n  - id: cve-2024-0001\n    reason: r\n",
        "x.yaml",
    )
    .unwrap();
    let mut f = vec![finding("CVE-2024-0001", DJANGO)];
    assert_eq!(file.apply(&mut f, utc("2026-01-01", 0)).suppressed, 1);
}

#[test]
fn expiry_is_evaluated_against_injected_now() {
    let yaml =
        "vulnerabilities:\n  - id: CVE-2019-12781\n    reason: accepted\n    expires: 2027-01-31\n";
    let (file, warnings) = IgnoreFile::parse_yaml(yaml, "ignore.yaml").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");

    // Last second of the expiry day: still applies.
    let mut f = vec![finding("CVE-2019-12781", DJANGO)];
    let a = file.apply(&mut f, utc("2027-01-31", 86_399));
    assert_eq!(a.suppressed, 1);
    assert!(a.warnings.is_empty());

    // The next day: expired, warns, suppresses nothing.
    let mut f = vec![finding("CVE-2019-12781", DJANGO)];
    let a = file.apply(&mut f, utc("2027-02-01", 0));
    assert_eq!(a.suppressed, 0);
    assert!(f[0].suppressed.is_none());
    assert_eq!(a.warnings.len(), 1);
    let w = &a.warnings[0];
    assert!(w.contains("ignore.yaml"), "{w}");
    assert!(w.contains("vulnerabilities[0]"), "{w}");
    assert!(w.contains("CVE-2019-12781"), "{w}");
    assert!(w.contains("2027-01-31"), "{w}");
    assert!(w.contains("expired"), "{w}");
}

#[test]
fn rfc3339_expiry_is_an_instant() {
    let yaml = "vulnerabilities:\n  - id: CVE-1\n    reason: r\n    expires: \"2026-03-01T10:00:00+02:00\"\n";
    let (file, _) = IgnoreFile::parse_yaml(yaml, "x.yaml").unwrap();
    let e = file.rules()[0].expires.as_ref().unwrap();
    // 10:00+02:00 is 08:00Z.
    assert!(!e.is_expired(utc("2026-03-01", 8 * 3600)));
    assert!(e.is_expired(utc("2026-03-01", 8 * 3600 + 1)));
}

#[test]
fn unknown_key_is_an_error_naming_key_and_file() {
    let yaml = "vulnerabilities:\n  - id: CVE-1\n    statement: trivy spells it this way\n";
    let err = IgnoreFile::parse_yaml(yaml, "/repo/.drydockignore.yaml").unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("/repo/.drydockignore.yaml"), "{msg}");
    assert!(msg.contains("`statement`"), "{msg}");
    assert!(msg.contains("vulnerabilities[0]"), "{msg}");
    match err {
        PolicyError::IgnoreYaml { line, .. } => assert_eq!(line, Some(3)),
        other => panic!("{other:?}"),
    }

    let err = IgnoreFile::parse_yaml("malware_rules: []\n", "f.yaml").unwrap_err();
    assert!(err.to_string().contains("`malware_rules`"), "{err}");
}

#[test]
fn bad_values_are_errors_naming_the_key() {
    for (yaml, key, needle) in [
        (
            "vulnerabilities:\n  - id: CVE-1\n    expires: 31/01/2027\n",
            "vulnerabilities[0].expires",
            "31/01/2027",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    purls: [\"pkg:pypi/ok\", \"django\"]\n",
            "vulnerabilities[0].purls",
            "entry 1: `django`",
        ),
        (
            "vulnerabilities:\n  - id: CVE-1\n    paths: [\"app/[\"]\n",
            "vulnerabilities[0].paths",
            "app/[",
        ),
        (
            "vulnerabilities:\n  - reason: r\n",
            "vulnerabilities[0]",
            "`id`",
        ),
        (
            "vulnerabilities:\n  - id: \"  \"\n",
            "vulnerabilities[0].id",
            "empty id",
        ),
        ("vulnerabilities: {id: x}\n", "vulnerabilities", "sequence"),
        ("vulnerabilities:\n  - id: [unterminated\n", "", "line 2"),
    ] {
        let err = IgnoreFile::parse_yaml(yaml, "p.yaml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("p.yaml: "), "{msg}");
        assert!(msg.contains(key), "{key} not in {msg}");
        assert!(msg.contains(needle), "{needle} not in {msg}");
    }
}

#[test]
fn empty_yaml_has_no_rules() {
    for text in [
        "",
        "# nothing yet\n",
        "vulnerabilities:\n",
        "vulnerabilities: []\n",
    ] {
        let (file, warnings) = IgnoreFile::parse_yaml(text, "e.yaml").unwrap();
        assert!(file.rules().is_empty(), "{text:?}");
        assert!(warnings.is_empty());
    }
}

#[test]
fn trivyignore_fixture() {
    let (file, warnings) = IgnoreFile::load(&fixture("trivyignore")).unwrap();
    assert_eq!(file.format(), IgnoreFormat::TrivyIgnore);
    let ids: Vec<&str> = file.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "CVE-2019-0001",
            "CVE-2019-0002",
            "CVE-2019-0004",
            "CVE-2019-0005",
            "CVE-2019-0006",
            "AVD-ID-0300"
        ]
    );
    assert_eq!(
        file.rules()[1].reason.as_deref(),
        Some("accepted risk: internal tool")
    );
    assert_eq!(file.rules()[2].origin, "line 4");
    // key2:value2 is ignored with a warning; five rules have no reason.
    assert!(
        warnings
            .iter()
            .any(|w| w.contains(":6:") && w.contains("key2:value2")),
        "{warnings:?}"
    );
    assert_eq!(
        warnings.iter().filter(|w| w.contains("no reason")).count(),
        5
    );

    let mut f: Vec<_> = [
        "CVE-2019-0001",
        "CVE-2019-0002",
        "CVE-2019-0004",
        "CVE-2019-0005",
        "CVE-2019-0003",
    ]
    .iter()
    .map(|id| finding(id, DJANGO))
    .collect();
    let a = file.apply(&mut f, utc("2026-01-01", 0));
    let hit: Vec<bool> = f.iter().map(|v| v.suppressed.is_some()).collect();
    assert_eq!(hit, [true, true, false, true, false]);
    assert_eq!(a.suppressed, 3);
    assert_eq!(a.warnings.len(), 1);
    assert!(a.warnings[0].contains("line 4"), "{:?}", a.warnings);
    assert!(a.warnings[0].contains("2020-01-01"), "{:?}", a.warnings);
}

#[test]
fn trivyignore_exp_follows_trivy() {
    // trivy treats `exp:D` as expired once day D has begun.
    let (file, _) =
        IgnoreFile::parse_trivyignore("CVE-1 exp:2026-05-01\n", ".trivyignore").unwrap();
    let e = file.rules()[0].expires.as_ref().unwrap();
    assert!(!e.is_expired(utc("2026-05-01", 0)));
    assert!(e.is_expired(utc("2026-05-01", 1)));
    assert!(!e.is_expired(utc("2026-04-30", 86_399)));
}

#[test]
fn trivyignore_bad_exp_names_file_and_line() {
    let err = IgnoreFile::parse_trivyignore("# c\nCVE-1\nCVE-2 exp:2026-13-01\n", ".trivyignore")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        ".trivyignore:3: expiry `2026-13-01` is not a YYYY-MM-DD date"
    );
}

#[test]
fn trivyignore_handles_crlf_and_blank_lines() {
    let (file, _) =
        IgnoreFile::parse_trivyignore("\u{feff}\r\nCVE-1\r\n  \r\n\tCVE-2 # why\r\n", "t").unwrap();
    let ids: Vec<&str> = file.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["CVE-1", "CVE-2"]);
    assert_eq!(file.rules()[1].reason.as_deref(), Some("why"));
}

#[test]
fn already_suppressed_findings_keep_their_suppression() {
    let (file, _) = IgnoreFile::parse_yaml(
        "vulnerabilities:\n  - id: CVE-1\n    reason: ignore\n",
        "i.yaml",
    )
    .unwrap();
    let mut v = finding("CVE-1", DJANGO);
    v.suppressed = Some(drydock_findings::Suppression {
        kind: SuppressionKind::Vex,
        source: "vex.json".into(),
        reason: Some("component_not_present".into()),
    });
    let mut f = vec![v];
    assert_eq!(file.apply(&mut f, utc("2026-01-01", 0)).suppressed, 0);
    assert_eq!(f[0].suppressed.as_ref().unwrap().kind, SuppressionKind::Vex);
}

#[test]
fn missing_file_is_a_read_error() {
    let err = IgnoreFile::load(&fixture("does-not-exist.yaml")).unwrap_err();
    assert!(matches!(err, PolicyError::Read { .. }));
    assert!(err.to_string().contains("does-not-exist.yaml"), "{err}");
}

fn secret(rule: &str, path: Option<&str>, fingerprint: &str) -> drydock_findings::Secret {
    use drydock_findings::{Secret, SecretLocation, Severity};
    let location = match path {
        Some(p) => SecretLocation::File {
            path: p.to_owned(),
            layer: drydock_inventory::LayerRef {
                index: 1,
                diff_id: None,
            },
            deleted_in_layer: None,
            replaced_in_layer: None,
            line: 1,
            column: 1,
        },
        None => SecretLocation::Env {
            name: "TOKEN".into(),
        },
    };
    Secret {
        rule_id: rule.into(),
        title: rule.into(),
        category: "cloud".into(),
        severity: Severity::Critical,
        location,
        redacted: "AKIA…(20 chars)".into(),
        secret: None,
        fingerprint: fingerprint.into(),
        suppressed: None,
    }
}

fn misconfig(id: &str, file: Option<&str>) -> drydock_findings::Misconfiguration {
    drydock_findings::Misconfiguration {
        check_id: id.into(),
        title: id.into(),
        severity: drydock_findings::Severity::High,
        source: "dockerfile".into(),
        location: drydock_findings::MisconfigLocation {
            file: file.map(str::to_owned),
            ..Default::default()
        },
        evidence: String::new(),
        remediation: String::new(),
        references: Vec::new(),
        suppressed: None,
    }
}

#[test]
fn yaml_secret_and_misconfig_rules_apply_only_to_their_kind() {
    let text = r#"
vulnerabilities:
  - id: aws-access-key-id
    reason: a vulnerability rule must not hide a secret of the same name
secrets:
  - id: github-pat
    reason: test fixture token, revoked
    paths: ["app/tests/**"]
  - id: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    reason: rotated on 2026-10-01
misconfigurations:
  - id: DD-DF-004
    reason: the build stage runs as root on purpose
    paths: ["build/Dockerfile"]
"#;
    let (file, warnings) = IgnoreFile::parse_yaml(text, ".drydockignore.yaml").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(file.rules().len(), 4);
    assert_eq!(file.rules()[1].origin, "secrets[0]");
    assert_eq!(file.rules()[3].origin, "misconfigurations[0]");
    let now = utc("2026-06-01", 0);
    let mut secrets = vec![
        secret("github-pat", Some("app/tests/conftest.py"), "aa"),
        secret("github-pat", Some("app/settings.py"), "bb"),
        secret("github-pat", None, "cc"),
        secret(
            "slack-webhook-url",
            Some("etc/x"),
            "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
        ),
        secret("aws-access-key-id", Some("root/.aws/credentials"), "dd"),
    ];
    let applied = file.apply_secrets(&mut secrets, now);
    assert_eq!(applied.suppressed, 2);
    let hidden: Vec<bool> = secrets.iter().map(|s| s.suppressed.is_some()).collect();
    assert_eq!(hidden, [true, false, false, true, false]);
    let s = secrets[0].suppressed.as_ref().unwrap();
    assert_eq!(s.kind, SuppressionKind::IgnoreFile);
    assert_eq!(s.reason.as_deref(), Some("test fixture token, revoked"));

    let mut m = vec![
        misconfig("DD-DF-004", Some("build/Dockerfile")),
        misconfig("DD-DF-004", Some("Dockerfile")),
        misconfig("dd-df-004", None),
    ];
    assert_eq!(file.apply_misconfigs(&mut m, now).suppressed, 1);
    assert!(m[0].suppressed.is_some() && m[1].suppressed.is_none() && m[2].suppressed.is_none());
}

#[test]
fn trivyignore_lines_cover_every_kind_and_secret_rules_reject_purls() {
    let (file, _) = IgnoreFile::parse_trivyignore(
        "generic-api-key # fixture\nDD-IMG-001 # base image decides\n",
        ".trivyignore",
    )
    .unwrap();
    let now = utc("2026-06-01", 0);
    let mut s = vec![secret("generic-api-key", Some("a"), "x")];
    assert_eq!(file.apply_secrets(&mut s, now).suppressed, 1);
    let mut m = vec![misconfig("DD-IMG-001", None)];
    assert_eq!(file.apply_misconfigs(&mut m, now).suppressed, 1);

    let err = IgnoreFile::parse_yaml(
        "secrets:\n  - id: github-pat\n    purls: [\"pkg:pypi/x\"]\n",
        "i.yaml",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("purls") && msg.contains("i.yaml"), "{msg}");
}

#[test]
fn expired_secret_rule_warns_and_suppresses_nothing() {
    let (file, _) = IgnoreFile::parse_yaml(
        "secrets:\n  - id: github-pat\n    reason: r\n    expires: 2026-01-31\n",
        "i.yaml",
    )
    .unwrap();
    let mut s = vec![secret("github-pat", Some("a"), "x")];
    let applied = file.apply_secrets(&mut s, utc("2026-06-01", 0));
    assert_eq!(applied.suppressed, 0);
    assert!(
        applied.warnings[0].contains("secrets[0]"),
        "{:?}",
        applied.warnings
    );
}
