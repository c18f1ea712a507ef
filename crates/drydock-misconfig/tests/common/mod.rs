//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::collections::BTreeSet;

use drydock_findings::Misconfiguration;

/// The check ids among the findings.
pub fn ids(f: &[Misconfiguration]) -> BTreeSet<String> {
    f.iter().map(|m| m.check_id.clone()).collect()
}

/// The findings of one check.
pub fn of<'a>(f: &'a [Misconfiguration], id: &str) -> Vec<&'a Misconfiguration> {
    f.iter().filter(|m| m.check_id == id).collect()
}

/// The findings of one check about one object.
pub fn of_obj<'a>(f: &'a [Misconfiguration], id: &str, object: &str) -> Vec<&'a Misconfiguration> {
    f.iter()
        .filter(|m| m.check_id == id && m.location.object.as_deref() == Some(object))
        .collect()
}

/// The 1-based line of the first occurrence of `needle` (after `after`
/// when given).
pub fn line_of(text: &str, needle: &str) -> u32 {
    line_after(text, "", needle)
}

/// The 1-based line of the first `needle` after the first `anchor`.
pub fn line_after(text: &str, anchor: &str, needle: &str) -> u32 {
    let start = text
        .find(anchor)
        .unwrap_or_else(|| panic!("anchor {anchor:?} not in text"));
    let pos = text[start..]
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text after {anchor:?}"))
        + start;
    text[..pos].matches('\n').count() as u32 + 1
}

/// Asserts the check fired exactly once on `line` for `object`.
pub fn assert_at(f: &[Misconfiguration], id: &str, object: &str, line: u32) {
    let hits = of_obj(f, id, object);
    assert!(
        hits.iter().any(|m| m.location.line == Some(line)),
        "{id} for {object}: expected line {line}, got {:?}",
        hits.iter()
            .map(|m| (m.location.line, m.location.config_path.clone()))
            .collect::<Vec<_>>()
    );
}
