//! OSV range evaluation: is this version inside what an `affected` entry
//! describes, and which version closes the range it is in?

use std::cmp::Ordering;

use drydock_advisory::{Affected, Event, RangeKind};
use drydock_version::{Scheme, compare};

/// Why a version is affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Versions that close the matched ranges (lowest first).
    pub fixed: Vec<String>,
    /// One line for humans.
    pub reason: String,
}

/// Evaluates `version` against one `affected` entry.
///
/// `ECOSYSTEM` ranges order by the ecosystem's scheme, `SEMVER` ranges by
/// SemVer, `GIT` ranges are commits and are not evaluated (OSV feeds give
/// the same facts as `versions` or ecosystem ranges). An explicit `versions`
/// list also counts. A range whose events do not parse is skipped and
/// reported through `warn`; the import step already rejects such records,
/// so this only happens with hand-made databases.
pub fn evaluate(
    affected: &Affected,
    version: &str,
    scheme: Scheme,
    warn: &mut dyn FnMut(String),
) -> Option<Hit> {
    let mut fixed = Vec::new();
    let mut reasons = Vec::new();
    for range in &affected.ranges {
        let s = match range.kind {
            RangeKind::Git => continue,
            RangeKind::Semver => semver_scheme(scheme),
            RangeKind::Ecosystem => scheme,
        };
        match eval_range(&range.events, version, s) {
            Ok(Some((fix, reason))) => {
                if let Some(f) = fix {
                    fixed.push(f);
                }
                reasons.push(reason);
            }
            Ok(None) => {}
            Err(e) => warn(format!(
                "range of `{}` ({}) not evaluated: {e}",
                affected.package.name, affected.package.ecosystem
            )),
        }
    }
    let listed = affected
        .versions
        .iter()
        .any(|v| v == version || compare(scheme, v, version).is_ok_and(|o| o == Ordering::Equal));
    if reasons.is_empty() && !listed {
        return None;
    }
    if reasons.is_empty() {
        reasons.push(format!("installed {version} is listed as affected"));
        // The ranges did not place the version, but they may still say
        // where the fix is: the lowest fix above it.
        for range in &affected.ranges {
            let s = match range.kind {
                RangeKind::Git => continue,
                RangeKind::Semver => semver_scheme(scheme),
                RangeKind::Ecosystem => scheme,
            };
            for e in &range.events {
                if let Event::Fixed(f) = e
                    && compare(s, f, version).is_ok_and(|o| o == Ordering::Greater)
                {
                    fixed.push(f.clone());
                }
            }
        }
        fixed.sort_by(|a, b| compare(scheme, a, b).unwrap_or_else(|_| a.cmp(b)));
        fixed.truncate(1);
    }
    fixed.sort_by(|a, b| compare(scheme, a, b).unwrap_or_else(|_| a.cmp(b)));
    fixed.dedup();
    Some(Hit {
        fixed,
        reason: reasons.join("; "),
    })
}

/// The order of a `SEMVER` range. Go's vulndb writes its ranges as plain
/// SemVer while Go versions carry a `v` (modules) or `go` (toolchains)
/// prefix: the Go scheme reads both forms and orders them as SemVer.
pub fn semver_scheme(ecosystem_scheme: Scheme) -> Scheme {
    match ecosystem_scheme {
        Scheme::Go => Scheme::Go,
        _ => Scheme::Semver,
    }
}

type RangeHit = (Option<String>, String);

/// One range: sort the events, walk those at or below the version, and let
/// the first event above it close the range.
fn eval_range(
    events: &[Event],
    version: &str,
    scheme: Scheme,
) -> Result<Option<RangeHit>, drydock_version::VersionError> {
    let is_zero = |e: &Event| matches!(e, Event::Introduced(v) if v == "0");
    // Validate everything first so sorting never sees an error.
    for e in events.iter().filter(|e| !is_zero(e)) {
        drydock_version::validate(scheme, e.version())?;
    }
    drydock_version::validate(scheme, version)?;
    let mut sorted: Vec<&Event> = events.iter().collect();
    sorted.sort_by(|a, b| match (is_zero(a), is_zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => compare(scheme, a.version(), b.version())
            .unwrap_or(Ordering::Equal)
            // At one version, an introduction comes before what closes it.
            .then_with(|| rank(a).cmp(&rank(b))),
    });
    let mut affected = false;
    let mut intro: Option<&str> = None;
    let mut closing: Option<RangeHit> = None;
    for e in sorted {
        let at_or_above = is_zero(e) || compare(scheme, version, e.version())? != Ordering::Less;
        match e {
            Event::Introduced(x) => {
                if !at_or_above {
                    break;
                }
                affected = true;
                intro = Some(x);
            }
            Event::Fixed(x) => {
                if at_or_above {
                    affected = false;
                } else {
                    if affected {
                        closing = Some((
                            Some(x.clone()),
                            format!(
                                "installed {version} < fixed {x} in range introduced {}",
                                intro.unwrap_or("0")
                            ),
                        ));
                    }
                    break;
                }
            }
            Event::LastAffected(x) => {
                let above = compare(scheme, version, x)? == Ordering::Greater;
                if above {
                    affected = false;
                } else {
                    if affected {
                        closing = Some((
                            None,
                            format!(
                                "installed {version} <= last affected {x} in range introduced {}",
                                intro.unwrap_or("0")
                            ),
                        ));
                    }
                    break;
                }
            }
            Event::Limit(_) => {
                if at_or_above {
                    affected = false;
                    break;
                }
            }
        }
    }
    if let Some(c) = closing {
        return Ok(Some(c));
    }
    Ok(affected.then(|| {
        (
            None,
            format!(
                "installed {version} >= introduced {} with no fix in the range",
                intro.unwrap_or("0")
            ),
        )
    }))
}

fn rank(e: &Event) -> u8 {
    match e {
        Event::Introduced(_) => 0,
        Event::LastAffected(_) => 1,
        Event::Fixed(_) => 2,
        Event::Limit(_) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_advisory::{Package, Range};

    fn aff(kind: RangeKind, events: Vec<Event>, versions: &[&str]) -> Affected {
        Affected {
            package: Package {
                ecosystem: "PyPI".into(),
                name: "django".into(),
                purl: None,
            },
            ranges: vec![Range { kind, events }],
            versions: versions.iter().map(|v| v.to_string()).collect(),
            ecosystem_specific: None,
            database_specific: None,
        }
    }

    fn intro(v: &str) -> Event {
        Event::Introduced(v.into())
    }
    fn fixed(v: &str) -> Event {
        Event::Fixed(v.into())
    }

    fn eval(a: &Affected, v: &str, s: Scheme) -> Option<Hit> {
        evaluate(a, v, s, &mut |w| panic!("unexpected warning {w}"))
    }

    #[test]
    fn fixed_ranges_with_several_branches() {
        let a = aff(
            RangeKind::Ecosystem,
            vec![
                intro("0"),
                fixed("1.11.22"),
                intro("2.0"),
                fixed("2.1.10"),
                intro("2.2"),
                fixed("2.2.4"),
            ],
            &[],
        );
        let hit = eval(&a, "2.2.1", Scheme::Pep440).unwrap();
        assert_eq!(hit.fixed, vec!["2.2.4"]);
        assert_eq!(
            hit.reason,
            "installed 2.2.1 < fixed 2.2.4 in range introduced 2.2"
        );
        assert_eq!(
            eval(&a, "1.11.3", Scheme::Pep440).unwrap().fixed,
            vec!["1.11.22"]
        );
        assert!(
            eval(&a, "2.1.10", Scheme::Pep440).is_none(),
            "equal to fixed"
        );
        assert!(
            eval(&a, "2.1.15", Scheme::Pep440).is_none(),
            "between branches"
        );
        assert!(eval(&a, "2.2.4", Scheme::Pep440).is_none());
        assert!(eval(&a, "3.0", Scheme::Pep440).is_none());
        // PEP 440 normalisation: 2.2.4.0 is 2.2.4.
        assert!(eval(&a, "2.2.4.0", Scheme::Pep440).is_none());
    }

    #[test]
    fn events_in_any_order() {
        let a = aff(
            RangeKind::Ecosystem,
            vec![fixed("2.2.4"), intro("2.2"), fixed("1.0"), intro("0")],
            &[],
        );
        assert_eq!(
            eval(&a, "2.2.3", Scheme::Pep440).unwrap().fixed,
            vec!["2.2.4"]
        );
        assert!(eval(&a, "1.5", Scheme::Pep440).is_none());
    }

    #[test]
    fn last_affected_and_open_ranges() {
        let a = aff(
            RangeKind::Semver,
            vec![intro("1.0.0"), Event::LastAffected("1.4.2".into())],
            &[],
        );
        let h = eval(&a, "1.4.2", Scheme::Go).unwrap();
        assert!(h.fixed.is_empty());
        assert!(h.reason.contains("last affected 1.4.2"), "{}", h.reason);
        assert!(eval(&a, "1.4.3", Scheme::Go).is_none());
        assert!(eval(&a, "0.9.0", Scheme::Go).is_none());

        let open = aff(RangeKind::Semver, vec![intro("1.2.0")], &[]);
        let h = eval(&open, "v1.3.0", Scheme::Go).unwrap();
        assert!(h.reason.contains("no fix"), "{}", h.reason);
        assert!(eval(&open, "1.1.9", Scheme::Go).is_none());
    }

    #[test]
    fn limit_bounds_the_range() {
        let a = aff(
            RangeKind::Semver,
            vec![intro("0"), Event::Limit("2.0.0".into())],
            &[],
        );
        assert!(eval(&a, "1.9.0", Scheme::Semver).is_some());
        assert!(eval(&a, "2.0.0", Scheme::Semver).is_none());
    }

    #[test]
    fn versions_list_matches_after_normalisation() {
        let mut a = aff(RangeKind::Git, vec![intro("abc")], &["1.0", "1.1"]);
        assert!(eval(&a, "1.0.0", Scheme::Pep440).is_some());
        assert!(eval(&a, "1.2", Scheme::Pep440).is_none());
        a.ranges.push(Range {
            kind: RangeKind::Ecosystem,
            events: vec![intro("5.0"), fixed("5.1")],
        });
        let h = eval(&a, "1.1", Scheme::Pep440).unwrap();
        assert_eq!(h.reason, "installed 1.1 is listed as affected");
        assert_eq!(h.fixed, vec!["5.1"]);
    }

    #[test]
    fn go_toolchain_versions() {
        let a = aff(
            RangeKind::Semver,
            vec![
                intro("0"),
                fixed("1.19.9"),
                intro("1.20.0-0"),
                fixed("1.20.4"),
            ],
            &[],
        );
        assert_eq!(
            eval(&a, "go1.19.8", Scheme::Go).unwrap().fixed,
            vec!["1.19.9"]
        );
        assert!(eval(&a, "go1.19.9", Scheme::Go).is_none());
        assert_eq!(
            eval(&a, "go1.20.3", Scheme::Go).unwrap().fixed,
            vec!["1.20.4"]
        );
    }

    #[test]
    fn dpkg_epochs_and_binnmus() {
        let a = Affected {
            package: Package {
                ecosystem: "Debian:11".into(),
                name: "zlib".into(),
                purl: None,
            },
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                events: vec![intro("0"), fixed("1:1.2.11.dfsg-2+deb11u2")],
            }],
            versions: vec![],
            ecosystem_specific: None,
            database_specific: None,
        };
        assert!(eval(&a, "1:1.2.11.dfsg-2+deb11u1", Scheme::Dpkg).is_some());
        assert!(eval(&a, "1:1.2.11.dfsg-2+deb11u2", Scheme::Dpkg).is_none());
        assert!(eval(&a, "1:1.2.11.dfsg-2+deb11u2+b1", Scheme::Dpkg).is_none());
        // Without the epoch the version is older than anything with one.
        assert!(eval(&a, "1.2.13.dfsg-1", Scheme::Dpkg).is_some());
    }

    #[test]
    fn unparsable_range_warns_and_is_skipped() {
        let a = aff(
            RangeKind::Ecosystem,
            vec![intro("0"), fixed("not a version!!")],
            &[],
        );
        let mut warnings = Vec::new();
        let hit = evaluate(&a, "1.0", Scheme::Pep440, &mut |w| warnings.push(w));
        assert!(hit.is_none());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    use proptest::prelude::*;

    fn semver() -> impl Strategy<Value = String> {
        (0u8..4, 0u8..4, 0u8..4).prop_map(|(a, b, c)| format!("{a}.{b}.{c}"))
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            semver().prop_map(Event::Introduced),
            Just(Event::Introduced("0".into())),
            semver().prop_map(Event::Fixed),
            semver().prop_map(Event::LastAffected),
            semver().prop_map(Event::Limit),
        ]
    }

    proptest! {
        #[test]
        fn fixed_versions_are_above_the_installed_one(
            events in proptest::collection::vec(event(), 0..8),
            v in semver(),
        ) {
            let a = aff(RangeKind::Semver, events.clone(), &[]);
            let hit = evaluate(&a, &v, Scheme::Semver, &mut |_| ());
            if let Some(h) = hit {
                for f in &h.fixed {
                    prop_assert_eq!(compare(Scheme::Semver, f, &v).unwrap(), Ordering::Greater);
                }
                // Something introduced the version.
                prop_assert!(events.iter().any(|e| matches!(e, Event::Introduced(x)
                    if x == "0" || compare(Scheme::Semver, x, &v).unwrap() != Ordering::Greater)));
            }
            // A version equal to a fix with no introduction at it is never affected.
            if events.iter().any(|e| matches!(e, Event::Fixed(x) if *x == v))
                && !events.iter().any(|e| matches!(e, Event::Introduced(x) if *x == v))
                && !events.iter().any(|e| matches!(e, Event::LastAffected(_)))
            {
                let again = evaluate(&a, &v, Scheme::Semver, &mut |_| ());
                prop_assert!(again.is_none(), "{:?}", again);
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(
            events in proptest::collection::vec(".{0,12}", 0..6),
            v in ".{0,12}",
            kind in 0u8..3,
        ) {
            let evs = events.iter().enumerate().map(|(i, e)| match i % 3 {
                0 => Event::Introduced(e.clone()),
                1 => Event::Fixed(e.clone()),
                _ => Event::LastAffected(e.clone()),
            }).collect();
            let kind = [RangeKind::Ecosystem, RangeKind::Semver, RangeKind::Git][kind as usize];
            let a = aff(kind, evs, &["1.0", "x"]);
            for scheme in [Scheme::Pep440, Scheme::Dpkg, Scheme::Go, Scheme::Apk] {
                let _ = evaluate(&a, &v, scheme, &mut |_| ());
            }
        }
    }
}
