//! A policy's metadata object, as the `__rego_metadata__` (or `metadata`)
//! rule gives it.

use drydock_findings::Severity;
use serde_json::Value;

use crate::kind::InputKind;

/// Longest accepted policy id.
const MAX_ID_LEN: usize = 128;
/// Longest accepted title, description or remediation.
const MAX_TEXT_LEN: usize = 8 * 1024;

/// What a policy says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyMetadata {
    /// Stable id, reported as the finding's `check_id`.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Severity of `deny` results.
    pub severity: Severity,
    /// Severity of `warn` results: metadata `warn_severity`, else the lower
    /// of `severity` and Low.
    pub warn_severity: Severity,
    /// Longer description.
    pub description: String,
    /// What to do about a finding.
    pub remediation: String,
    /// Links and benchmark mappings.
    pub references: Vec<String>,
    /// The input kinds the policy runs on; `None` means every kind.
    pub input_kinds: Option<Vec<InputKind>>,
}

impl PolicyMetadata {
    /// Whether the policy runs on inputs of this kind.
    pub fn applies_to(&self, kind: InputKind) -> bool {
        self.input_kinds.as_ref().is_none_or(|k| k.contains(&kind))
    }

    /// Reads and checks a metadata object. `trivy_input` is the value of a
    /// Trivy-style `__rego_input__` rule, used when the metadata has no
    /// `input_kinds`.
    pub(crate) fn parse(v: &Value, trivy_input: Option<&Value>) -> Result<Self, String> {
        let obj = v
            .as_object()
            .ok_or_else(|| format!("metadata must be an object, not {}", type_name(v)))?;

        let id = required_str(obj, "id")?;
        check_id(id)?;
        let title = required_str(obj, "title")?;
        let severity_text = required_str(obj, "severity")?;
        let severity = parse_severity("severity", severity_text)?;
        let warn_severity = match optional_str(obj, "warn_severity")? {
            Some(s) => parse_severity("warn_severity", s)?,
            None => severity.min(Severity::Low),
        };
        let description = optional_str(obj, "description")?.unwrap_or_default();
        let remediation = match optional_str(obj, "remediation")? {
            Some(r) => r.to_owned(),
            // Trivy's metadata names it this way.
            None => optional_str(obj, "recommended_actions")?
                .or(optional_str(obj, "recommended_action")?)
                .unwrap_or_default()
                .to_owned(),
        };
        let mut references = match obj.get("references") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| "`references` must be an array of strings".to_owned())
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(other) => {
                return Err(format!(
                    "`references` must be an array of strings, not {}",
                    type_name(other)
                ));
            }
        };
        if let Some(url) = optional_str(obj, "url")? {
            references.push(url.to_owned());
        }

        let input_kinds = match obj.get("input_kinds") {
            None | Some(Value::Null) => trivy_kinds(trivy_input),
            Some(Value::Array(items)) => {
                if items.is_empty() {
                    return Err("`input_kinds` is empty: the policy would never run".to_owned());
                }
                let mut kinds = Vec::with_capacity(items.len());
                for i in items {
                    let name = i.as_str().ok_or_else(|| {
                        format!(
                            "`input_kinds` must be an array of strings, found {}",
                            type_name(i)
                        )
                    })?;
                    let k = name
                        .parse::<InputKind>()
                        .map_err(|e| format!("`input_kinds`: {e}"))?;
                    if !kinds.contains(&k) {
                        kinds.push(k);
                    }
                }
                Some(kinds)
            }
            Some(other) => {
                return Err(format!(
                    "`input_kinds` must be an array of strings, not {}",
                    type_name(other)
                ));
            }
        };

        Ok(Self {
            id: id.to_owned(),
            title: title.to_owned(),
            severity,
            warn_severity,
            description: description.to_owned(),
            remediation,
            references,
            input_kinds,
        })
    }
}

/// Kinds from Trivy's `__rego_input__ := {"selector": [{"type": "dockerfile"}]}`.
/// Selector types drydock has no input for (`cloud`, `yaml`, …) are dropped,
/// so a Trivy policy for them runs on nothing rather than on the wrong input.
fn trivy_kinds(input: Option<&Value>) -> Option<Vec<InputKind>> {
    let selectors = input?.get("selector")?.as_array()?;
    let mut kinds = Vec::new();
    for s in selectors {
        if let Some(k) = s
            .get("type")
            .and_then(Value::as_str)
            .and_then(InputKind::from_trivy_selector)
            && !kinds.contains(&k)
        {
            kinds.push(k);
        }
    }
    Some(kinds)
}

fn check_id(id: &str) -> Result<(), String> {
    if id.len() > MAX_ID_LEN {
        return Err(format!("`id` is longer than {MAX_ID_LEN} bytes"));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/')))
    {
        return Err(format!(
            "`id` {id:?} contains {bad:?}; use letters, digits and - _ . : /"
        ));
    }
    if id.len() >= 3 && id[..3].eq_ignore_ascii_case("DD-") {
        return Err(format!(
            "`id` {id:?}: ids starting with DD- are reserved for drydock's built-in checks"
        ));
    }
    Ok(())
}

fn parse_severity(key: &str, s: &str) -> Result<Severity, String> {
    match s.parse::<Severity>() {
        Ok(Severity::Unknown) | Err(_) => Err(format!(
            "`{key}` {s:?} is not one of info, negligible, low, medium, high, critical"
        )),
        Ok(sev) => Ok(sev),
    }
}

fn required_str<'a>(obj: &'a serde_json::Map<String, Value>, key: &str) -> Result<&'a str, String> {
    match optional_str(obj, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(format!("metadata `{key}` is empty")),
        None => Err(format!("metadata has no `{key}`")),
    }
}

fn optional_str<'a>(
    obj: &'a serde_json::Map<String, Value>,
    key: &str,
) -> Result<Option<&'a str>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() > MAX_TEXT_LEN => Err(format!(
            "metadata `{key}` is longer than {MAX_TEXT_LEN} bytes"
        )),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!(
            "metadata `{key}` must be a string, not {}",
            type_name(other)
        )),
    }
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({"id": "CORP-1", "title": "t", "severity": "HIGH"})
    }

    #[test]
    fn defaults_and_aliases() {
        let m = PolicyMetadata::parse(&base(), None).unwrap();
        assert_eq!(m.severity, Severity::High);
        assert_eq!(m.warn_severity, Severity::Low);
        assert_eq!(m.input_kinds, None);
        assert!(m.applies_to(InputKind::Daemon));

        let info = json!({"id": "X", "title": "t", "severity": "info",
            "recommended_actions": "do it", "url": "https://x"});
        let m = PolicyMetadata::parse(&info, None).unwrap();
        assert_eq!(m.warn_severity, Severity::Info);
        assert_eq!(m.remediation, "do it");
        assert_eq!(m.references, vec!["https://x".to_owned()]);
    }

    #[test]
    fn rejects_bad_fields() {
        let cases = [
            (json!({"title": "t", "severity": "high"}), "no `id`"),
            (
                json!({"id": "", "title": "t", "severity": "high"}),
                "`id` is empty",
            ),
            (
                json!({"id": "a b", "title": "t", "severity": "high"}),
                "contains ' '",
            ),
            (
                json!({"id": "DD-IMG-001", "title": "t", "severity": "high"}),
                "reserved",
            ),
            (
                json!({"id": "A", "title": "t", "severity": "severe"}),
                "`severity`",
            ),
            (
                json!({"id": "A", "title": "t", "severity": "unknown"}),
                "`severity`",
            ),
            (json!({"id": "A", "severity": "low"}), "no `title`"),
            (
                json!({"id": 3, "title": "t", "severity": "low"}),
                "must be a string",
            ),
            (
                json!({"id": "A", "title": "t", "severity": "low", "input_kinds": ["helm"]}),
                "unknown input kind `helm`",
            ),
            (
                json!({"id": "A", "title": "t", "severity": "low", "input_kinds": []}),
                "empty",
            ),
            (json!(["id"]), "must be an object"),
        ];
        for (v, want) in cases {
            let err = PolicyMetadata::parse(&v, None).unwrap_err();
            assert!(err.contains(want), "{v}: {err}");
        }
    }

    #[test]
    fn trivy_selector_maps_kinds() {
        let sel = json!({"selector": [{"type": "dockerfile"}, {"type": "cloud"}]});
        let m = PolicyMetadata::parse(&base(), Some(&sel)).unwrap();
        assert_eq!(m.input_kinds, Some(vec![InputKind::Dockerfile]));
        let only_cloud = json!({"selector": [{"type": "cloud"}]});
        let m = PolicyMetadata::parse(&base(), Some(&only_cloud)).unwrap();
        assert_eq!(m.input_kinds, Some(vec![]));
        assert!(!m.applies_to(InputKind::Image));
        let mut explicit = base();
        explicit["input_kinds"] = json!(["image", "image", "compose"]);
        let m = PolicyMetadata::parse(&explicit, Some(&sel)).unwrap();
        assert_eq!(
            m.input_kinds,
            Some(vec![InputKind::Image, InputKind::Compose])
        );
    }
}
