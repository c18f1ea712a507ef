//! The shop image's /app/Dockerfile: every ground-truth item about it must
//! map to a finding at the right line.

use drydock_dockerfile::{LintConfig, lint};
use drydock_findings::Misconfiguration;

const SHOP: &str = include_str!("data/shop.Dockerfile");

/// Truth item (as worded in shop-misconfig.json) -> (rule, line) pairs
/// that must all be found.
const EXPECTED: &[(&str, &[(&str, u32)])] = &[
    (
        "/app/Dockerfile: base image not pinned by digest",
        &[("DD-DF-003", 1)],
    ),
    (
        "/app/Dockerfile: apt-get install without --no-install-recommends and without version pins, apt lists not removed",
        &[("DD-DF-121", 3), ("DD-DF-122", 3), ("DD-DF-123", 3)],
    ),
    (
        "/app/Dockerfile: curl | sh without pipefail",
        &[("DD-DF-101", 4), ("DD-DF-100", 4)],
    ),
    (
        "/app/Dockerfile: ADD used for a local directory (COPY expected)",
        &[("DD-DF-040", 6)],
    ),
    (
        "/app/Dockerfile: secret in ENV and ARG",
        &[("DD-DF-030", 5), ("DD-DF-031", 2)],
    ),
    ("/app/Dockerfile: EXPOSE 22", &[("DD-DF-020", 8)]),
    ("/app/Dockerfile: CMD in shell form", &[("DD-DF-050", 9)]),
    ("/app/Dockerfile: no USER", &[("DD-DF-010", 1)]),
];

fn findings() -> Vec<Misconfiguration> {
    lint("app/Dockerfile", SHOP, &LintConfig::default()).expect("shop Dockerfile parses")
}

#[test]
fn every_truth_item_maps_to_a_finding() {
    let found = findings();
    for (item, needs) in EXPECTED {
        for (id, line) in *needs {
            assert!(
                found.iter().any(|f| f.check_id == *id
                    && f.location.line == Some(*line)
                    && f.suppressed.is_none()),
                "{item}: no {id} at line {line}; found {:#?}",
                found
                    .iter()
                    .map(|f| (&f.check_id, f.location.line))
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn findings_are_well_formed_and_secret_is_redacted() {
    for f in findings() {
        assert_eq!(f.source, "dockerfile");
        assert_eq!(f.location.file.as_deref(), Some("app/Dockerfile"));
        assert!(!f.title.is_empty() && !f.remediation.is_empty());
        assert!(
            !f.evidence.contains("Pr0d-0ydN0T0TIbWWOm"),
            "{}",
            f.evidence
        );
    }
}

/// When the shared corpus sits beside the repository, the truth file's
/// /app/Dockerfile items must be exactly the ones this test maps.
#[test]
fn truth_file_items_are_all_mapped() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/truth/shop-misconfig.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let truth: serde_json::Value = serde_json::from_str(&text).expect("truth file is JSON");
    let items: Vec<&str> = truth["must_find"]
        .as_array()
        .expect("must_find array")
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|s| s.starts_with("/app/Dockerfile"))
        .collect();
    assert!(!items.is_empty());
    for item in items {
        assert!(
            EXPECTED.iter().any(|(e, _)| *e == item),
            "truth item not mapped: {item}"
        );
    }
}
