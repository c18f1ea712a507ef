//! Filters, the exit-code gate and the base-image diff: pure functions over
//! findings.

use std::collections::HashSet;

use drydock_findings::{FixState, Severity, Vulnerability};
use drydock_inventory::Ecosystem;

use crate::PolicyError;

/// Which findings to keep. Unlike suppression, filtering removes findings
/// from the result altogether.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// `--ignore-unfixed`: drop findings without a released fix.
    pub ignore_unfixed: bool,
    /// Drop findings below this severity.
    pub min_severity: Option<Severity>,
    /// `--severity LIST`: keep only these severities.
    pub severities: Option<Vec<Severity>>,
}

impl Filter {
    /// Whether `v` passes the filter.
    ///
    /// A finding counts as fixed when its fix state is `Fixed`, or when the
    /// feed did not state one (`Unknown`) but lists fixed versions. Every
    /// other state (`NotFixed`, `WontFix`, `Deferred`, `EndOfLife`, and
    /// `Unknown` without fixed versions) is unfixed.
    pub fn keeps(&self, v: &Vulnerability) -> bool {
        if self.ignore_unfixed && !is_fixed(v) {
            return false;
        }
        if self.min_severity.is_some_and(|min| v.severity < min) {
            return false;
        }
        if let Some(list) = &self.severities
            && !list.contains(&v.severity)
        {
            return false;
        }
        true
    }

    /// Removes the findings the filter rejects, keeping the order of the
    /// rest; returns how many were removed.
    pub fn apply(&self, findings: &mut Vec<Vulnerability>) -> usize {
        let before = findings.len();
        findings.retain(|v| self.keeps(v));
        before - findings.len()
    }
}

fn is_fixed(v: &Vulnerability) -> bool {
    match v.fix_state {
        FixState::Fixed => true,
        FixState::Unknown => !v.fixed_versions.is_empty(),
        FixState::NotFixed | FixState::WontFix | FixState::Deferred | FixState::EndOfLife => false,
    }
}

/// Parses a comma-separated severity list as trivy's `--severity` takes it
/// (`HIGH,CRITICAL`, case-insensitive, blanks around items ignored).
/// Duplicates are dropped; an empty list is an error.
pub fn parse_severity_list(list: &str) -> Result<Vec<Severity>, PolicyError> {
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let s: Severity = item.parse().map_err(|e| PolicyError::severity(list, &e))?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err(PolicyError::SeverityList {
            list: list.to_owned(),
            reason: "no severity given".to_owned(),
        });
    }
    Ok(out)
}

/// What the exit-code gate counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GateResult {
    /// Unsuppressed findings whose severity is in the fail-on set.
    pub failing: usize,
    /// Those counts per severity, highest severity first, zero counts left
    /// out.
    pub by_severity: Vec<(Severity, usize)>,
    /// Findings with a fail-on severity that were not counted because they
    /// are suppressed.
    pub suppressed: usize,
}

impl GateResult {
    /// True when the scan should fail (any finding counted).
    pub fn failed(&self) -> bool {
        self.failing > 0
    }
}

/// Counts the unsuppressed findings whose severity is in `fail_on`; the CLI
/// exits with `--exit-code` when any is counted.
pub fn gate(findings: &[Vulnerability], fail_on: &[Severity]) -> GateResult {
    let mut per = [0usize; Severity::ALL.len()];
    let mut out = GateResult::default();
    for v in findings.iter().filter(|v| fail_on.contains(&v.severity)) {
        if v.suppressed.is_some() {
            out.suppressed += 1;
            continue;
        }
        out.failing += 1;
        if let Some(i) = Severity::ALL.iter().position(|s| *s == v.severity)
            && let Some(slot) = per.get_mut(i)
        {
            *slot += 1;
        }
    }
    out.by_severity = Severity::ALL
        .iter()
        .zip(per)
        .rev()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| (*s, n))
        .collect();
    out
}

/// The identity of a finding for `--only-new-since`: one entry per id the
/// finding answers to (its own id and every alias, upper-cased), with the
/// package's ecosystem, name and installed version.
type Identity<'a> = (String, Ecosystem, &'a str, &'a str);

/// Keeps the findings that are new relative to `base` (typically the scan
/// of the base image).
///
/// Identity key: (advisory id, ecosystem, package name, installed
/// version), where two findings share an advisory id when their id sets
/// (id plus aliases, case-insensitive) intersect, so an advisory reported
/// as `DSA-…` in one scan and `CVE-…` in the other still counts as the
/// same. A base-image finding carried unchanged into the app image is
/// therefore dropped; a finding on a package the app added, or upgraded to
/// a still-vulnerable version, is kept. Paths and layers are deliberately
/// not part of the key: the same package version is the same exposure
/// wherever it sits, and layer indexes differ between the two images.
/// Suppression state is not considered either.
pub fn only_new(findings: Vec<Vulnerability>, base: &[Vulnerability]) -> Vec<Vulnerability> {
    let known: HashSet<Identity<'_>> = base.iter().flat_map(identities).collect();
    findings
        .into_iter()
        .filter(|v| !identities(v).any(|k| known.contains(&k)))
        .collect()
}

fn identities(v: &Vulnerability) -> impl Iterator<Item = Identity<'_>> {
    v.ids().map(move |id| {
        (
            id.to_ascii_uppercase(),
            v.package.ecosystem,
            v.package.name.as_str(),
            v.package.version.as_str(),
        )
    })
}
