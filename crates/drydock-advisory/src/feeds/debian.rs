//! The Debian security tracker's `data/DSA/list` and `data/DLA/list`.
//!
//! Each entry names an advisory, its CVEs, and per release the source
//! package and the version that fixed it (body lines are indented with a
//! tab in the file):
//!
//! ```text
//! [29 Mar 2023] DSA-5380-1 xorg-server - security update
//!     {CVE-2023-1393}
//!     [bullseye] - xorg-server 2:1.20.11-1+deb11u6
//! ```
//!
//! Every fixed line becomes an `affected` entry for `Debian:<release number>`
//! with an `ECOSYSTEM` range from `0` to the fixed version. Lines such as
//! `<not-affected>` or `<end-of-life>` carry no fix and add nothing: an
//! advisory only asserts what it fixed.

use crate::{Advisory, Affected, Event, Package, Parsed, Range, RangeKind, RecordError};

/// Debian release numbers by codename, as OSV's `Debian:N` ecosystems use.
const RELEASES: &[(&str, &str)] = &[
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
];

/// The OSV ecosystem for a Debian codename (`bullseye` → `Debian:11`);
/// unknown codenames stay symbolic (`Debian:sid`).
pub fn ecosystem_for(codename: &str) -> String {
    match RELEASES.iter().find(|(c, _)| *c == codename) {
        Some((_, n)) => format!("Debian:{n}"),
        None => format!("Debian:{codename}"),
    }
}

fn month(m: &str) -> Option<u32> {
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    months.iter().position(|x| *x == m).map(|i| i as u32 + 1)
}

/// `[29 Mar 2023] DSA-5380-1 xorg-server - security update`
fn parse_header(line: &str) -> Option<(String, String)> {
    let rest = line.strip_prefix('[')?;
    let (date, rest) = rest.split_once(']')?;
    let mut d = date.split_whitespace();
    let (day, mon, year) = (d.next()?, d.next()?, d.next()?);
    let published = format!(
        "{}-{:02}-{:02}T00:00:00Z",
        year.parse::<u32>().ok()?,
        month(mon)?,
        day.parse::<u32>().ok()?
    );
    let id = rest.split_whitespace().next()?.to_owned();
    Some((id, published))
}

/// Parses a DSA or DLA list.
pub fn parse_list(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let mut current: Option<Advisory> = None;
    let flush = |cur: &mut Option<Advisory>, out: &mut Parsed| {
        if let Some(a) = cur.take()
            && !a.affected.is_empty()
        {
            out.advisories.push(a);
        }
    };
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('[') {
            flush(&mut current, &mut out);
            match parse_header(line) {
                Some((id, published)) => {
                    current = Some(Advisory {
                        id,
                        modified: Some(published.clone()),
                        published: Some(published),
                        withdrawn: None,
                        aliases: Vec::new(),
                        summary: line.split_once(" - ").map(|(_, s)| s.trim().to_owned()),
                        details: None,
                        severity: Vec::new(),
                        affected: Vec::new(),
                        references: Vec::new(),
                        database_specific: None,
                    });
                }
                None => out.errors.push(RecordError {
                    record: format!("line {}", n + 1),
                    reason: format!("unreadable entry header `{}`", truncate(line)),
                }),
            }
            continue;
        }
        let Some(adv) = current.as_mut() else {
            continue;
        };
        let body = line.trim();
        if let Some(ids) = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
            adv.aliases
                .extend(ids.split_whitespace().map(str::to_owned));
        } else if let Some(rest) = body.strip_prefix('[') {
            let Some((release, rest)) = rest.split_once(']') else {
                out.errors.push(RecordError {
                    record: adv.id.clone(),
                    reason: format!("unreadable release line `{}`", truncate(body)),
                });
                continue;
            };
            let mut words = rest.trim().trim_start_matches('-').split_whitespace();
            let (Some(package), Some(version)) = (words.next(), words.next()) else {
                continue;
            };
            if version.starts_with('<') {
                continue;
            }
            adv.affected.push(Affected {
                package: Package {
                    ecosystem: ecosystem_for(release.trim()),
                    name: package.to_owned(),
                    purl: None,
                },
                ranges: vec![Range {
                    kind: RangeKind::Ecosystem,
                    events: vec![
                        Event::Introduced("0".into()),
                        Event::Fixed(version.to_owned()),
                    ],
                }],
                versions: Vec::new(),
                ecosystem_specific: None,
                database_specific: None,
            });
        }
    }
    flush(&mut current, &mut out);
    out
}

fn truncate(s: &str) -> String {
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIST: &str = "[29 Mar 2023] DSA-5380-1 xorg-server - security update
\t{CVE-2023-1393}
\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6
[18 Apr 2018] DSA-4205-1 jessie end-of-life
        NOTE: end of security support for jessie
[01 Mar 2018] DSA-4000-1 virtualbox - security update
\t{CVE-2018-1 CVE-2018-2}
\t[jessie] - virtualbox <end-of-life>
\t[stretch] - virtualbox 5.1.30-dfsg-1~deb9u1
garbage header
[bad date] DSA-1-1 x - y
";

    #[test]
    fn parses_entries() {
        let p = parse_list(LIST);
        assert_eq!(p.advisories.len(), 2, "{:?}", p.advisories);
        let a = &p.advisories[0];
        assert_eq!(a.id, "DSA-5380-1");
        assert_eq!(a.aliases, vec!["CVE-2023-1393"]);
        assert_eq!(a.published.as_deref(), Some("2023-03-29T00:00:00Z"));
        assert_eq!(a.affected[0].package.ecosystem, "Debian:11");
        assert_eq!(a.affected[0].package.name, "xorg-server");
        assert_eq!(
            a.affected[0].ranges[0].events,
            vec![
                Event::Introduced("0".into()),
                Event::Fixed("2:1.20.11-1+deb11u6".into())
            ]
        );
        // The end-of-life line adds nothing; the stretch fix does.
        let v = &p.advisories[1];
        assert_eq!(v.affected.len(), 1);
        assert_eq!(v.affected[0].package.ecosystem, "Debian:9");
        // `[bad date] …` is reported, not guessed at.
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    }

    #[test]
    fn shared_lists_parse() {
        let dir = std::env::var_os("DRYDOCK_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
            });
        for list in ["DSA", "DLA"] {
            let text = std::fs::read_to_string(dir.join("vulndb/debian").join(list).join("list"))
                .expect("shared Debian list");
            let p = parse_list(&text);
            assert!(p.advisories.len() > 1000, "{list}: {}", p.advisories.len());
            assert!(p.errors.len() < 5, "{list}: {:?}", p.errors);
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "(\\[[0-9a-zA-Z ]{0,12}\\] [A-Z]{3}-[0-9-]{1,6} [a-z]{1,5}( - [a-z ]{0,10})?\n)?(\t(\\{[A-Z0-9 -]{0,20}\\}|\\[[a-z]{0,8}\\] - [a-z]{0,6} [<>0-9a-z.:~+-]{0,12})\n){0,5}") {
            let _ = parse_list(&s);
        }

        #[test]
        fn random_text(b in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = parse_list(&String::from_utf8_lossy(&b));
        }
    }
}
