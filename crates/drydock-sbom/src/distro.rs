//! The distribution, from purl `distro` qualifiers when the document has no
//! operating-system entry.

use std::collections::BTreeMap;

use drydock_inventory::Distro;

/// Splits a `distro` qualifier (`debian-11`, `alpine-3.18.4`,
/// `opensuse-leap-15.5`) at the first `-` followed by a digit: IDs may
/// contain dashes, versions start with a digit. A value without a version
/// is an ID alone.
pub(crate) fn from_qualifier(q: &str) -> Option<Distro> {
    let q = q.trim();
    if q.is_empty() {
        return None;
    }
    let split = q
        .char_indices()
        .find(|&(i, c)| {
            c == '-'
                && q.get(i + 1..)
                    .and_then(|rest| rest.chars().next())
                    .is_some_and(|d| d.is_ascii_digit())
        })
        .map(|(i, _)| i);
    let (id, version) = match split {
        Some(i) => (q.get(..i)?, q.get(i + 1..)),
        None => (q, None),
    };
    if id.is_empty() {
        return None;
    }
    Some(Distro {
        id: id.to_ascii_lowercase(),
        version_id: version.map(str::to_owned),
        ..Distro::default()
    })
}

/// Counts the distributions packages name and picks the most frequent
/// (ties go to the first in sort order, so the choice is reproducible).
#[derive(Default)]
pub(crate) struct Votes {
    counts: BTreeMap<(String, Option<String>), usize>,
}

impl Votes {
    pub fn add(&mut self, d: Distro) {
        *self.counts.entry((d.id, d.version_id)).or_default() += 1;
    }

    /// The winner and, when packages disagree, a warning saying so.
    pub fn winner(self) -> Option<(Distro, Option<String>)> {
        let best = self
            .counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|((id, v), _)| (id.clone(), v.clone()))?;
        let warning = (self.counts.len() > 1).then(|| {
            let seen: Vec<String> = self
                .counts
                .iter()
                .map(|((id, v), n)| format!("{} ({n})", qualifier(id, v.as_deref())))
                .collect();
            format!(
                "packages name different distributions: {}; using {}",
                seen.join(", "),
                qualifier(&best.0, best.1.as_deref())
            )
        });
        Some((
            Distro {
                id: best.0,
                version_id: best.1,
                ..Distro::default()
            },
            warning,
        ))
    }
}

fn qualifier(id: &str, version: Option<&str>) -> String {
    let q = match version {
        Some(v) => format!("{id}-{v}"),
        None => id.to_owned(),
    };
    crate::json::shorten(&q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(q: &str) -> (String, Option<String>) {
        let d = from_qualifier(q).unwrap();
        (d.id, d.version_id)
    }

    #[test]
    fn qualifiers() {
        assert_eq!(d("debian-11"), ("debian".into(), Some("11".into())));
        assert_eq!(d("alpine-3.18.4"), ("alpine".into(), Some("3.18.4".into())));
        assert_eq!(
            d("opensuse-leap-15.5"),
            ("opensuse-leap".into(), Some("15.5".into()))
        );
        assert_eq!(d("wolfi"), ("wolfi".into(), None));
        assert_eq!(d("ubuntu-22.04"), ("ubuntu".into(), Some("22.04".into())));
        assert!(from_qualifier("").is_none());
        assert!(from_qualifier("-12").is_none());
    }

    #[test]
    fn most_frequent_wins_with_warning() {
        let mut v = Votes::default();
        for q in ["debian-11", "debian-12", "debian-11"] {
            v.add(from_qualifier(q).unwrap());
        }
        let (d, w) = v.winner().unwrap();
        assert_eq!(d.version_id.as_deref(), Some("11"));
        assert_eq!(
            w.unwrap(),
            "packages name different distributions: debian-11 (2), debian-12 (1); using debian-11"
        );

        let mut v = Votes::default();
        v.add(from_qualifier("alpine-3.19").unwrap());
        assert!(v.winner().unwrap().1.is_none());
        assert!(Votes::default().winner().is_none());
    }
}
