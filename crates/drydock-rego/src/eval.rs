//! Running the policies on one input document.

use drydock_findings::{MisconfigLocation, Misconfiguration, Severity};
use regorus::{LimitError, Value};
use serde::Deserialize;
use serde_json::Value as Json;

use crate::error::{PolicyWarning, RegoError, WarningKind, condense};
use crate::kind::InputKind;
use crate::load::{Policy, PolicySet};
use crate::metadata::type_name;

/// print() lines kept per input, over all policies.
const MAX_PRINTS: usize = 100;

/// What the policies concluded about one input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// One finding per `deny`/`warn` result, in policy (package) order.
    pub findings: Vec<Misconfiguration>,
    /// Policies that failed or misbehaved on this input; the others ran.
    pub warnings: Vec<PolicyWarning>,
    /// Output of `print()` calls, `file:line: text`, for debugging policies.
    pub prints: Vec<String>,
    /// How many policies applied to the input's kind and ran.
    pub policies_run: usize,
}

#[derive(Clone, Copy)]
enum RuleKind {
    Deny,
    Warn,
}

impl RuleKind {
    fn name(self) -> &'static str {
        match self {
            Self::Deny => "deny",
            Self::Warn => "warn",
        }
    }
}

/// Warnings of one policy on one input, capped.
struct Warnings<'a> {
    policy: &'a Policy,
    kept: Vec<PolicyWarning>,
    dropped: usize,
    max: usize,
}

impl<'a> Warnings<'a> {
    fn push(&mut self, kind: WarningKind) {
        if self.kept.len() < self.max {
            self.kept.push(PolicyWarning {
                policy_id: self.policy.metadata.id.clone(),
                package: self.policy.package.clone(),
                file: self.policy.file.display().to_string(),
                kind,
            });
        } else {
            self.dropped += 1;
        }
    }

    fn finish(mut self, out: &mut Vec<PolicyWarning>) {
        if self.dropped > 0 {
            let n = self.dropped;
            self.max = usize::MAX;
            self.push(WarningKind::MoreWarnings(n));
        }
        out.append(&mut self.kept);
    }
}

impl PolicySet {
    /// Runs every policy that applies to `kind` on `input`.
    ///
    /// `file_label` becomes the findings' `location.file` (the Dockerfile,
    /// manifest or compose file checked); pass `""` for image inputs, whose
    /// findings are about the image config rather than a file. A result may
    /// name a `file` of its own (a path inside the image).
    ///
    /// Errors only when the input cannot be given to the engine (nested
    /// deeper than [`EvalLimits::max_input_depth`](crate::EvalLimits)).
    /// A policy that fails, runs out of time or returns malformed results
    /// gives a [`PolicyWarning`] and the others still run.
    pub fn evaluate(
        &self,
        kind: InputKind,
        input: &Json,
        file_label: &str,
    ) -> Result<Evaluation, RegoError> {
        let input_err = |message: String| RegoError::Input {
            file: file_label.to_owned(),
            message,
        };
        if depth_exceeds(input, self.limits.max_input_depth) {
            return Err(input_err(format!(
                "nested deeper than {} levels",
                self.limits.max_input_depth
            )));
        }
        let value = Value::deserialize(input).map_err(|e| input_err(e.to_string()))?;

        // Each call works on its own copy of the prepared engine (cheap:
        // modules and data are shared), so `&self` can serve many threads.
        let idx = InputKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        let Some(mut engine) = self.engines.get(idx).cloned() else {
            return Ok(Evaluation::default());
        };
        engine.set_input(value);

        let mut out = Evaluation::default();
        for policy in &self.policies {
            if !policy.metadata.applies_to(kind) {
                continue;
            }
            out.policies_run += 1;
            let mut warnings = Warnings {
                policy,
                kept: Vec::new(),
                dropped: 0,
                max: self.limits.max_warnings_per_policy,
            };
            for (rule, present) in [
                (RuleKind::Deny, policy.has_deny),
                (RuleKind::Warn, policy.has_warn),
            ] {
                if present {
                    self.run_rule(
                        &mut engine,
                        policy,
                        rule,
                        kind,
                        file_label,
                        &mut out,
                        &mut warnings,
                    );
                }
            }
            warnings.finish(&mut out.warnings);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        engine: &mut regorus::Engine,
        policy: &Policy,
        rule: RuleKind,
        kind: InputKind,
        file_label: &str,
        out: &mut Evaluation,
        warnings: &mut Warnings<'_>,
    ) {
        let name = rule.name();
        let result = engine.eval_rule(format!("{}.{name}", policy.rule_prefix));
        if let Ok(prints) = engine.take_prints() {
            let room = MAX_PRINTS.saturating_sub(out.prints.len());
            out.prints.extend(prints.into_iter().take(room));
        }
        let value = match result {
            Ok(v) => v,
            Err(e) => {
                warnings.push(if is_time_limit(&e) {
                    WarningKind::TimeLimit {
                        rule: name,
                        limit: self.limits.time_per_rule,
                    }
                } else {
                    WarningKind::Runtime {
                        rule: name,
                        message: condense(&e),
                    }
                });
                return;
            }
        };
        let items: Vec<&Value> = match &value {
            Value::Undefined => return,
            Value::Set(s) => s.iter().collect(),
            // `deny := [...]` is not a partial set, but its meaning is plain.
            Value::Array(a) => a.iter().collect(),
            other => {
                warnings.push(WarningKind::BadResult {
                    rule: name,
                    message: format!(
                        "must be a set of messages or result objects (`{name} contains …`), not {}",
                        regorus_type_name(other)
                    ),
                });
                return;
            }
        };
        let max = self.limits.max_results_per_rule;
        if items.len() > max {
            warnings.push(WarningKind::Truncated {
                rule: name,
                produced: items.len(),
                kept: max,
            });
        }
        let severity = match rule {
            RuleKind::Deny => policy.metadata.severity,
            RuleKind::Warn => policy.metadata.warn_severity,
        };
        for item in items.into_iter().take(max) {
            match serde_json::to_value(item) {
                Ok(json) => match self.to_finding(policy, severity, kind, file_label, &json) {
                    Ok((finding, problems)) => {
                        out.findings.push(finding);
                        for message in problems {
                            warnings.push(WarningKind::BadResult {
                                rule: name,
                                message,
                            });
                        }
                    }
                    Err(message) => warnings.push(WarningKind::BadResult {
                        rule: name,
                        message,
                    }),
                },
                Err(e) => warnings.push(WarningKind::BadResult {
                    rule: name,
                    message: format!("result cannot be read: {e}"),
                }),
            }
        }
    }

    /// The finding for one result, and what was wrong with its optional
    /// fields (those are dropped, the finding kept). `Err` when the result
    /// has no message.
    fn to_finding(
        &self,
        policy: &Policy,
        severity: Severity,
        kind: InputKind,
        file_label: &str,
        result: &Json,
    ) -> Result<(Misconfiguration, Vec<String>), String> {
        let mut location = MisconfigLocation {
            file: (!file_label.is_empty()).then(|| file_label.to_owned()),
            ..MisconfigLocation::default()
        };
        let mut problems = Vec::new();
        let msg = match result {
            Json::String(s) => s.as_str(),
            Json::Object(o) => {
                let msg = match o.get("msg") {
                    Some(Json::String(s)) => s.as_str(),
                    Some(other) => {
                        return Err(format!(
                            "result `msg` must be a string, not {}",
                            type_name(other)
                        ));
                    }
                    None => return Err("result object has no `msg`".to_owned()),
                };
                let max = self.limits.max_message_bytes;
                let mut field =
                    |key: &str, expected: &str, parse: &dyn Fn(&Json) -> Option<u64>| {
                        let v = o.get(key).filter(|v| !v.is_null())?;
                        let r = parse(v);
                        if r.is_none() {
                            problems.push(format!(
                                "`{key}` of result {:?} is not {expected}; ignored",
                                truncate(msg, 80)
                            ));
                        }
                        r
                    };
                let positive =
                    |v: &Json| v.as_u64().filter(|n| (1..=u64::from(u32::MAX)).contains(n));
                let natural = |v: &Json| v.as_u64();
                location.line = field("line", "a positive integer", &positive)
                    .and_then(|n| u32::try_from(n).ok());
                location.end_line = field("end_line", "a positive integer", &positive)
                    .and_then(|n| u32::try_from(n).ok());
                location.layer = field("layer", "a non-negative integer", &natural)
                    .and_then(|n| usize::try_from(n).ok());
                let mut text = |key: &str| match o.get(key) {
                    None | Some(Json::Null) => None,
                    Some(Json::String(s)) => Some(truncate(s, max)),
                    Some(other) => {
                        problems.push(format!(
                            "`{key}` of result {:?} is {}, not a string; ignored",
                            truncate(msg, 80),
                            type_name(other)
                        ));
                        None
                    }
                };
                location.config_path = text("config_path");
                location.object = text("object");
                if let Some(file) = text("file") {
                    location.file = Some(file);
                }
                if location.end_line < location.line {
                    location.end_line = None;
                }
                msg
            }
            other => {
                return Err(format!(
                    "a result must be a string or an object with `msg`, not {}",
                    type_name(other)
                ));
            }
        };
        let m = &policy.metadata;
        let finding = Misconfiguration {
            check_id: m.id.clone(),
            title: m.title.clone(),
            severity,
            source: kind.as_str().to_owned(),
            location,
            evidence: truncate(msg, self.limits.max_message_bytes),
            remediation: m.remediation.clone(),
            references: m.references.clone(),
            suppressed: None,
        };
        Ok((finding, problems))
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn is_time_limit(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<LimitError>(),
            Some(LimitError::TimeLimitExceeded { .. })
        )
    }) || e.to_string().contains("exceeded time limit")
}

/// Whether `v` nests more than `max` arrays/objects deep (iteratively: the
/// input may be hostile).
fn depth_exceeds(v: &Json, max: usize) -> bool {
    let mut stack = vec![(v, 1usize)];
    while let Some((v, d)) = stack.pop() {
        let children: &mut dyn Iterator<Item = &Json> = match v {
            Json::Array(a) => &mut a.iter(),
            Json::Object(o) => &mut o.values(),
            _ => continue,
        };
        if d > max {
            return true;
        }
        stack.extend(children.map(|c| (c, d + 1)));
    }
    false
}

fn regorus_type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Set(_) => "a set",
        Value::Object(_) => "an object",
        Value::Undefined => "undefined",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_and_truncate() {
        let mut v = json!(1);
        for _ in 0..10 {
            v = json!([v]);
        }
        assert!(depth_exceeds(&v, 9));
        assert!(!depth_exceeds(&v, 10));
        assert!(!depth_exceeds(&json!("scalar"), 0));
        assert_eq!(truncate("héllo", 2), "h…");
        assert_eq!(truncate("héllo", 3), "hé…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
