//! What every renderer of secrets shares: one order, and one way to name
//! where a secret is.
//!
//! Nothing here ever reads [`Secret::secret`]: only the SARIF properties
//! and the JSON form carry a revealed value, and both take it straight from
//! the finding.

use std::cmp::Reverse;

use drydock_findings::{Secret, SecretLocation, Severity};
use drydock_inventory::LayerRef;

use crate::Target;

/// A location as a sort key: files first (by layer, path, line, column),
/// then `Env`, `Labels` and history entries.
type LocationKey<'a> = (u8, usize, &'a str, u64, u64);

pub(crate) fn location_key(l: &SecretLocation) -> LocationKey<'_> {
    match l {
        SecretLocation::File {
            path,
            layer,
            line,
            column,
            ..
        } => (
            0,
            layer.index,
            path.as_str(),
            u64::from(*line),
            u64::from(*column),
        ),
        SecretLocation::Env { name } => (1, 0, name.as_str(), 0, 0),
        SecretLocation::Label { name } => (2, 0, name.as_str(), 0, 0),
        SecretLocation::History { index, layer } => {
            (3, 0, "", *index as u64, layer.map_or(0, |l| l as u64 + 1))
        }
    }
}

/// Secrets most severe first, then by rule id, location and fingerprint:
/// the order of the machine formats, as [`crate::vulns::sorted`] is for
/// vulnerabilities. Stable, so exact ties keep their input order.
pub(crate) fn sorted(secrets: &[Secret]) -> Vec<&Secret> {
    let mut out: Vec<&Secret> = secrets.iter().collect();
    out.sort_by(|a, b| {
        (
            Reverse(a.severity),
            a.rule_id.as_str(),
            location_key(&a.location),
            a.fingerprint.as_str(),
        )
            .cmp(&(
                Reverse(b.severity),
                b.rule_id.as_str(),
                location_key(&b.location),
                b.fingerprint.as_str(),
            ))
    });
    out
}

/// Secrets as the table groups them: by location first (files by layer and
/// path, then the config), then most severe first and by rule id.
pub(crate) fn by_location(secrets: &[Secret]) -> Vec<&Secret> {
    let mut out: Vec<&Secret> = secrets.iter().collect();
    out.sort_by(|a, b| {
        (
            location_key(&a.location),
            Reverse(a.severity),
            a.rule_id.as_str(),
        )
            .cmp(&(
                location_key(&b.location),
                Reverse(b.severity),
                b.rule_id.as_str(),
            ))
    });
    out
}

/// The name of a config location: `config.Env[DB_PASSWORD]`,
/// `config.Labels[key]`, `history[3]`; `None` for files.
pub(crate) fn config_name(l: &SecretLocation) -> Option<String> {
    match l {
        SecretLocation::File { .. } => None,
        SecretLocation::Env { name } => Some(format!("config.Env[{name}]")),
        SecretLocation::Label { name } => Some(format!("config.Labels[{name}]")),
        SecretLocation::History { index, .. } => Some(format!("history[{index}]")),
    }
}

/// Where a secret is, for people: `/app/.env:3` (the line left out when
/// unknown) or the config name.
pub(crate) fn place(l: &SecretLocation) -> String {
    match l {
        SecretLocation::File { path, line, .. } => {
            let path = path.trim_start_matches('/');
            if *line >= 1 {
                format!("/{path}:{line}")
            } else {
                format!("/{path}")
            }
        }
        other => config_name(other).unwrap_or_default(),
    }
}

/// The layer a secret is readable in, with its diff_id filled from the
/// target's layers when the finding lacks it. History entries point at the
/// layer their step created, if any; `Env` and labels at none.
pub(crate) fn layer(l: &SecretLocation, target: &Target) -> Option<LayerRef> {
    let (index, diff_id) = match l {
        SecretLocation::File { layer, .. } => (layer.index, layer.diff_id.clone()),
        SecretLocation::History {
            layer: Some(index), ..
        } => (*index, None),
        _ => return None,
    };
    Some(crate::target::layer(target, index, diff_id))
}

/// `deleted in layer 2` or `replaced in layer 2` for a file that a later
/// layer removed or overwrote, deletion first when a producer sets both.
pub(crate) fn hidden_by(l: &SecretLocation) -> Option<String> {
    match l {
        SecretLocation::File {
            deleted_in_layer: Some(d),
            ..
        } => Some(format!("deleted in layer {d}")),
        SecretLocation::File {
            replaced_in_layer: Some(r),
            ..
        } => Some(format!("replaced in layer {r}")),
        _ => None,
    }
}

/// True for a secret in a file a later layer deleted.
pub(crate) fn in_deleted_file(s: &Secret) -> bool {
    matches!(
        s.location,
        SecretLocation::File {
            deleted_in_layer: Some(_),
            ..
        }
    )
}

/// The title to show: the rule's title, or its id when the title is blank.
pub(crate) fn title(s: &Secret) -> &str {
    let t = s.title.trim();
    if t.is_empty() { &s.rule_id } else { t }
}

/// Lower-case severity labels with counts, most severe first, for summary
/// lines: `critical 1, high 2`.
pub(crate) fn severity_counts<'a>(severities: impl Iterator<Item = &'a Severity>) -> String {
    let mut counts = [0usize; Severity::ALL.len()];
    for s in severities {
        if let Some(i) = Severity::ALL.iter().position(|x| x == s)
            && let Some(c) = counts.get_mut(i)
        {
            *c += 1;
        }
    }
    Severity::ALL
        .iter()
        .zip(counts)
        .rev()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{} {n}", s.as_str().to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, layer: usize, line: u32) -> SecretLocation {
        SecretLocation::File {
            path: path.into(),
            layer: LayerRef {
                index: layer,
                diff_id: None,
            },
            deleted_in_layer: None,
            replaced_in_layer: None,
            line,
            column: 1,
        }
    }

    #[test]
    fn places_and_names() {
        assert_eq!(place(&file("app/.env", 1, 3)), "/app/.env:3");
        assert_eq!(place(&file("/app/.env", 1, 0)), "/app/.env");
        assert_eq!(
            place(&SecretLocation::Env {
                name: "DB_PASSWORD".into()
            }),
            "config.Env[DB_PASSWORD]"
        );
        assert_eq!(
            place(&SecretLocation::Label { name: "k".into() }),
            "config.Labels[k]"
        );
        assert_eq!(
            place(&SecretLocation::History {
                index: 3,
                layer: None
            }),
            "history[3]"
        );
        assert_eq!(config_name(&file("a", 0, 1)), None);
    }

    #[test]
    fn files_sort_before_config_by_layer_then_path() {
        let locations = [
            SecretLocation::History {
                index: 0,
                layer: None,
            },
            SecretLocation::Env { name: "A".into() },
            file("b", 1, 1),
            file("z", 0, 1),
            file("a", 1, 1),
        ];
        let mut keys: Vec<LocationKey<'_>> = locations.iter().map(location_key).collect();
        keys.sort();
        let short: Vec<(u8, usize, &str)> = keys.iter().map(|k| (k.0, k.1, k.2)).collect();
        assert_eq!(
            short,
            [
                (0, 0, "z"),
                (0, 1, "a"),
                (0, 1, "b"),
                (1, 0, "A"),
                (3, 0, "")
            ]
        );
    }

    #[test]
    fn severity_counts_most_severe_first() {
        let s = [Severity::Low, Severity::Critical, Severity::Low];
        assert_eq!(severity_counts(s.iter()), "critical 1, low 2");
        assert_eq!(severity_counts([].iter()), "");
    }
}
