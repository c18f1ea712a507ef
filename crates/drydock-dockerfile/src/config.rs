//! Lint configuration, read from YAML:
//!
//! ```yaml
//! ignore: [DD-DF-003, DL3008]        # our ids, or hadolint ids mapped to ours
//! failure-threshold: medium          # info|negligible|low|medium|high|critical|none
//! trusted-registries: [docker.io, "*.gcr.io", "registry.example.com:5000"]
//! severity:                          # per-rule override
//!   DD-DF-003: high
//! disable-inline-ignores: false      # ignore `# drydock ignore=` / `# hadolint ignore=`
//! ```
//!
//! hadolint's spellings `ignored` and `trustedRegistries` are accepted so
//! an existing `.hadolint.yaml` mostly carries over; its ShellCheck codes
//! (`SC2086`) are accepted and have no effect, since we do not run
//! ShellCheck.

use std::collections::BTreeMap;

use drydock_findings::{Misconfiguration, Severity};
use serde::Deserialize;

use crate::error::ConfigError;
use crate::rules::{RULES, resolve_ids};

/// How findings are filtered, rated and gated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintConfig {
    /// Rule ids (ours) whose findings are dropped.
    pub ignore: Vec<String>,
    /// Findings at or above this severity fail the check; `None` never fails.
    pub failure_threshold: Option<Severity>,
    /// Registries FROM may pull from; empty turns the check off. `*`
    /// matches any run of characters (`*.gcr.io`). Docker Hub images count
    /// as `docker.io`.
    pub trusted_registries: Vec<String>,
    /// Severity per rule id (ours), replacing the rule's default.
    pub severity: BTreeMap<String, Severity>,
    /// When set, inline ignore comments have no effect.
    pub disable_inline_ignores: bool,
}

impl Default for LintConfig {
    fn default() -> Self {
        Self {
            ignore: Vec::new(),
            failure_threshold: Some(Severity::Low),
            trusted_registries: Vec::new(),
            severity: BTreeMap::new(),
            disable_inline_ignores: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default, alias = "ignored")]
    ignore: Vec<String>,
    #[serde(default)]
    failure_threshold: Option<String>,
    #[serde(default, alias = "trustedRegistries")]
    trusted_registries: OneOrMany,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    disable_inline_ignores: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl LintConfig {
    /// Reads a YAML config; `origin` names it in errors (a path, or `<inline>`).
    pub fn from_yaml(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let yaml_err = |path: String, message: String| ConfigError::Yaml {
            origin: origin.to_owned(),
            path,
            message,
        };
        // An empty file is an empty config, not a YAML null error.
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let de = serde_norway::Deserializer::from_str(text);
        let raw: RawConfig = serde_path_to_error::deserialize(de)
            .map_err(|e| yaml_err(e.path().to_string(), e.inner().to_string()))?;

        let mut ignore = Vec::new();
        for id in &raw.ignore {
            ignore.extend(known_ids(id, origin, "ignore")?);
        }
        let failure_threshold = match raw.failure_threshold.as_deref().map(str::trim) {
            None => Some(Severity::Low),
            Some(t) if t.eq_ignore_ascii_case("none") => None,
            Some(t) => Some(parse_severity(t, origin, "failure-threshold")?),
        };
        let mut severity = BTreeMap::new();
        for (id, sev) in &raw.severity {
            let s = parse_severity(sev, origin, &format!("severity.{id}"))?;
            for ours in known_ids(id, origin, "severity")? {
                severity.insert(ours, s);
            }
        }
        let trusted_registries = match raw.trusted_registries {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        };
        Ok(Self {
            ignore,
            failure_threshold,
            trusted_registries,
            severity,
            disable_inline_ignores: raw.disable_inline_ignores,
        })
    }

    /// Whether any unsuppressed finding reaches the failure threshold.
    pub fn fails(&self, findings: &[Misconfiguration]) -> bool {
        self.failure_threshold
            .is_some_and(|t| reaches_threshold(findings, t))
    }

    /// Whether `id` (ours) is ignored.
    pub fn is_ignored(&self, id: &str) -> bool {
        self.ignore.iter().any(|i| i == id)
    }
}

/// Whether any unsuppressed finding has at least severity `threshold`.
pub fn reaches_threshold(findings: &[Misconfiguration], threshold: Severity) -> bool {
    findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.severity >= threshold)
}

fn parse_severity(s: &str, origin: &str, key: &str) -> Result<Severity, ConfigError> {
    match s.parse::<Severity>() {
        Ok(Severity::Unknown) | Err(_) => Err(ConfigError::BadValue {
            origin: origin.to_owned(),
            key: key.to_owned(),
            message: format!(
                "unknown severity `{s}` (expected info, negligible, low, medium, high or critical)"
            ),
        }),
        Ok(sev) => Ok(sev),
    }
}

/// Our ids for a configured id: itself, or the rules a hadolint id maps
/// to. ShellCheck codes map to nothing.
fn known_ids(id: &str, origin: &str, key: &'static str) -> Result<Vec<String>, ConfigError> {
    let id = id.trim();
    let ours = resolve_ids(id);
    if !ours.is_empty() {
        return Ok(ours.into_iter().map(str::to_owned).collect());
    }
    let is_shellcheck = id
        .strip_prefix("SC")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let is_hadolint = id
        .strip_prefix("DL")
        .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()));
    if is_shellcheck || is_hadolint {
        // A real hadolint/ShellCheck code we have no rule for: nothing to
        // ignore, but not a typo either.
        return Ok(Vec::new());
    }
    debug_assert!(RULES.iter().all(|r| r.id != id));
    Err(ConfigError::UnknownRule {
        origin: origin.to_owned(),
        key,
        id: id.to_owned(),
    })
}

/// Whether `registry` matches `pattern`, where `*` matches any run of
/// characters; both compared case-insensitively.
pub(crate) fn registry_matches(pattern: &str, registry: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let s: Vec<char> = registry.to_ascii_lowercase().chars().collect();
    // Iterative wildcard match with one backtrack point: linear in practice.
    let (mut pi, mut si) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(c) if Some(c) == s.get(si) => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(registry_matches("*.gcr.io", "eu.gcr.io"));
        assert!(!registry_matches("*.gcr.io", "gcr.io"));
        assert!(registry_matches("docker.io", "DOCKER.IO"));
        assert!(registry_matches("*", "x"));
        assert!(!registry_matches("quay.io", "quay.io.evil.com"));
        assert!(registry_matches("r*:5000", "reg:5000"));
    }
}
