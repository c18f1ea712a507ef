//! One true positive and one near-miss negative per built-in rule. Adding a rule without
//! samples fails `every_builtin_rule_has_samples`.

mod samples;

use drydock_secrets::{Limits, RuleSet, SecretMatch};
use samples::SAMPLES;
use std::collections::BTreeSet;

fn scan(path: &str, content: &str) -> Vec<SecretMatch> {
    RuleSet::builtin().scan(path, content.as_bytes(), &Limits::default())
}

fn summary(m: &[SecretMatch]) -> Vec<(String, String)> {
    m.iter()
        .map(|m| (m.rule_id.clone(), m.secret.clone()))
        .collect()
}

#[test]
fn every_builtin_rule_has_samples() {
    let rules: BTreeSet<String> = RuleSet::builtin()
        .rules()
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let sampled: Vec<&str> = SAMPLES.iter().map(|s| s.0).collect();
    let sampled_set: BTreeSet<String> = sampled.iter().map(|s| s.to_string()).collect();
    assert_eq!(
        sampled.len(),
        sampled_set.len(),
        "a rule has two sample rows"
    );
    let missing: Vec<_> = rules.difference(&sampled_set).collect();
    let unknown: Vec<_> = sampled_set.difference(&rules).collect();
    assert!(missing.is_empty(), "rules without samples: {missing:?}");
    assert!(unknown.is_empty(), "samples for unknown rules: {unknown:?}");
    assert!(rules.len() >= 80, "only {} built-in rules", rules.len());
}

#[test]
fn positives_are_found_with_the_exact_secret() {
    let mut failures = Vec::new();
    for (id, path, positive, secret, _, _) in SAMPLES {
        let m = scan(path, positive);
        if !m.iter().any(|m| m.rule_id == *id && m.secret == *secret) {
            failures.push(format!(
                "{id}: expected {secret:?} in {path}, got {:?}",
                summary(&m)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} positives missed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn near_misses_are_not_reported_by_their_rule() {
    let mut failures = Vec::new();
    for (id, _, _, _, path, negative) in SAMPLES {
        let m = scan(path, negative);
        if m.iter().any(|m| m.rule_id == *id) {
            failures.push(format!("{id}: false positive in {path}: {:?}", summary(&m)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} negatives fired:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn positives_report_positions_of_the_secret() {
    for (id, path, positive, secret, _, _) in SAMPLES {
        for m in scan(path, positive).iter().filter(|m| m.rule_id == *id) {
            assert_eq!(
                positive.get(m.start..m.end),
                Some(m.secret.as_str()),
                "{id}"
            );
            let line_start = positive
                .get(..m.start)
                .map_or(0, |p| p.rfind('\n').map_or(0, |i| i + 1));
            let line = positive
                .get(..m.start)
                .map_or(0, |p| p.matches('\n').count())
                + 1;
            assert_eq!(m.line as usize, line, "{id}");
            let col = positive
                .get(line_start..m.start)
                .map_or(0, |p| p.chars().count())
                + 1;
            assert_eq!(m.column as usize, col, "{id}");
            assert!(!secret.is_empty());
        }
    }
}

#[test]
fn positives_are_found_inside_larger_files() {
    // The same samples buried in unrelated content, with CRLF line ends, still match.
    let filler =
        "def handler(request):\r\n    return render(request, 'index.html')\r\n".repeat(200);
    let mut failures = Vec::new();
    for (id, path, positive, secret, _, _) in SAMPLES {
        if matches!(*id, "rails-master-key" | "pgpass-password") {
            continue; // whole-file formats
        }
        let content = format!("{filler}{}{filler}", positive.replace('\n', "\r\n"));
        let m = scan(path, &content);
        let secret_crlf = secret.replace('\n', "\r\n");
        if !m
            .iter()
            .any(|m| m.rule_id == *id && (m.secret == *secret || m.secret == secret_crlf))
        {
            failures.push(format!("{id}: got {:?}", summary(&m)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} missed in context:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
