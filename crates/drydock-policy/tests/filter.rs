//! Filters, gate and base-image diff.

mod common;

use common::{finding, with_aliases, with_fix, with_severity};
use drydock_findings::{FixState, Severity, Suppression, SuppressionKind};
use drydock_policy::{Filter, gate, only_new, parse_severity_list};

fn ids(f: &[drydock_findings::Vulnerability]) -> Vec<&str> {
    f.iter().map(|v| v.id.as_str()).collect()
}

#[test]
fn ignore_unfixed_keeps_only_fixed() {
    let p = "pkg:pypi/x@1.0";
    let mut f = vec![
        with_fix(finding("fixed", p), FixState::Fixed, &["1.1"]),
        with_fix(finding("fixed-no-versions", p), FixState::Fixed, &[]),
        with_fix(
            finding("unknown-with-versions", p),
            FixState::Unknown,
            &["1.1"],
        ),
        with_fix(finding("unknown", p), FixState::Unknown, &[]),
        with_fix(finding("not-fixed", p), FixState::NotFixed, &[]),
        with_fix(finding("wont-fix", p), FixState::WontFix, &[]),
        with_fix(finding("deferred", p), FixState::Deferred, &[]),
        with_fix(finding("eol", p), FixState::EndOfLife, &[]),
    ];
    let filter = Filter {
        ignore_unfixed: true,
        ..Filter::default()
    };
    assert_eq!(filter.apply(&mut f), 5);
    assert_eq!(
        ids(&f),
        ["fixed", "fixed-no-versions", "unknown-with-versions"]
    );
}

#[test]
fn severity_list_and_minimum() {
    let p = "pkg:pypi/x@1.0";
    let all: Vec<_> = Severity::ALL
        .iter()
        .map(|s| with_severity(finding(s.as_str(), p), *s))
        .collect();

    let mut f = all.clone();
    let filter = Filter {
        severities: Some(parse_severity_list("HIGH,CRITICAL").unwrap()),
        ..Filter::default()
    };
    assert_eq!(filter.apply(&mut f), Severity::ALL.len() - 2);
    assert_eq!(ids(&f), ["HIGH", "CRITICAL"]);

    let mut f = all.clone();
    let filter = Filter {
        min_severity: Some(Severity::Medium),
        ..Filter::default()
    };
    assert_eq!(filter.apply(&mut f), Severity::ALL.len() - 3);
    assert_eq!(ids(&f), ["MEDIUM", "HIGH", "CRITICAL"]);

    // Both constraints hold at once.
    let mut f = all.clone();
    let filter = Filter {
        min_severity: Some(Severity::High),
        severities: Some(vec![Severity::Low, Severity::Critical]),
        ignore_unfixed: false,
    };
    assert_eq!(filter.apply(&mut f), Severity::ALL.len() - 1);
    assert_eq!(ids(&f), ["CRITICAL"]);

    // The default filter keeps everything.
    let mut f = all;
    assert_eq!(Filter::default().apply(&mut f), 0);
    assert_eq!(f.len(), Severity::ALL.len());
}

#[test]
fn severity_list_parsing() {
    assert_eq!(
        parse_severity_list(" high , Critical,HIGH,").unwrap(),
        [Severity::High, Severity::Critical]
    );
    let err = parse_severity_list("HIGH,SEVERE").unwrap_err().to_string();
    assert!(
        err.contains("HIGH,SEVERE") && err.contains("`SEVERE`"),
        "{err}"
    );
    assert!(parse_severity_list(" , ").is_err());
}

#[test]
fn gate_counts_unsuppressed_findings_in_the_set() {
    let p = "pkg:pypi/x@1.0";
    let mut suppressed = with_severity(finding("s", p), Severity::Critical);
    suppressed.suppressed = Some(Suppression {
        kind: SuppressionKind::IgnoreFile,
        source: ".drydockignore.yaml".into(),
        reason: None,
    });
    let f = vec![
        with_severity(finding("a", p), Severity::Critical),
        with_severity(finding("b", p), Severity::High),
        with_severity(finding("c", p), Severity::High),
        with_severity(finding("d", p), Severity::Medium),
        with_severity(finding("e", p), Severity::Unknown),
        suppressed,
    ];
    let g = gate(&f, &[Severity::High, Severity::Critical]);
    assert!(g.failed());
    assert_eq!(g.failing, 3);
    assert_eq!(
        g.by_severity,
        [(Severity::Critical, 1), (Severity::High, 2)]
    );
    assert_eq!(g.suppressed, 1);

    let g = gate(&f, &[Severity::Low]);
    assert!(!g.failed());
    assert_eq!(g.failing, 0);
    assert!(g.by_severity.is_empty());

    assert!(!gate(&f, &[]).failed());
    assert!(gate(&f, &[Severity::Unknown]).failed());
}

#[test]
fn only_new_drops_base_findings() {
    let base = vec![
        finding("CVE-2023-1", "pkg:deb/debian/openssl@3.0.9-1?arch=amd64"),
        with_aliases(
            finding("DSA-5417-1", "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64"),
            &["CVE-2023-2"],
        ),
        finding("PYSEC-2019-1", "pkg:pypi/django@2.2.1"),
    ];
    let app = vec![
        // Carried over unchanged: dropped.
        finding("CVE-2023-1", "pkg:deb/debian/openssl@3.0.9-1?arch=amd64"),
        // Same advisory under another id, alias sets intersect: dropped.
        with_aliases(
            finding("CVE-2023-2", "pkg:deb/debian/libssl3@3.0.9-1?arch=amd64"),
            &["DSA-5417-1"],
        ),
        // App upgraded openssl to a still-vulnerable version: kept.
        finding("CVE-2023-1", "pkg:deb/debian/openssl@3.0.11-1?arch=amd64"),
        // Same package, new advisory: kept.
        finding("CVE-2023-9", "pkg:deb/debian/openssl@3.0.9-1?arch=amd64"),
        // Package the app added: kept.
        finding("CVE-2023-1", "pkg:deb/debian/curl@7.88.1-10?arch=amd64"),
        // Same id and version but another ecosystem: kept.
        finding("PYSEC-2019-1", "pkg:npm/django@2.2.1"),
        // Lower-cased id still counts as the same advisory: dropped.
        finding("pysec-2019-1", "pkg:pypi/django@2.2.1"),
    ];
    let new = only_new(app, &base);
    let got: Vec<(&str, &str)> = new
        .iter()
        .map(|v| (v.id.as_str(), v.package.purl.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("CVE-2023-1", "pkg:deb/debian/openssl@3.0.11-1?arch=amd64"),
            ("CVE-2023-9", "pkg:deb/debian/openssl@3.0.9-1?arch=amd64"),
            ("CVE-2023-1", "pkg:deb/debian/curl@7.88.1-10?arch=amd64"),
            ("PYSEC-2019-1", "pkg:npm/django@2.2.1"),
        ]
    );
    assert_eq!(only_new(Vec::new(), &base).len(), 0);
    assert_eq!(only_new(base.clone(), &[]).len(), base.len());
}
