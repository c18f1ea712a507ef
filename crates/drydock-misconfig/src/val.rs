//! Lenient accessors over `serde_json::Value`: configuration files are
//! hand-written, so `true`, `"true"` and `yes` all mean true, and a number
//! where a string is expected is read as its text.

use serde_json::Value;

/// The value under `key`, treating `null` as absent.
pub(crate) fn get<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.as_object()?.get(key).filter(|x| !x.is_null())
}

/// Walks several keys.
pub(crate) fn get_in<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in keys {
        cur = get(cur, k)?;
    }
    Some(cur)
}

/// A scalar as text (strings, numbers and booleans).
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a setting is switched on.
pub(crate) fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "y" | "1"
        ),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

/// Whether a setting is explicitly switched off.
pub(crate) fn falsy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => !*b,
        Some(Value::String(s)) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "false" | "no" | "off" | "n" | "0"
        ),
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// The entries of a list of scalars, with their indexes.
pub(crate) fn str_list(v: Option<&Value>) -> Vec<(usize, String)> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| text(x).map(|t| (i, t)))
            .collect(),
        _ => Vec::new(),
    }
}

/// A number, from a number or numeric text.
pub(crate) fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
