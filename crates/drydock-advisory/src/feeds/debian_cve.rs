//! The Debian security tracker's `data/CVE/list`: per CVE, the state of
//! every source package in every release.
//!
//! An entry is a header line naming the CVE, followed by body lines that
//! start with whitespace (a tab in the tracker's own file):
//!
//! ```text
//! CVE-2021-30499 (A flaw was found in libcaca. A buffer overflow of export.c ...)
//!     - libcaca <unfixed> (bug #987278)
//!     [bullseye] - libcaca <no-dsa> (Minor issue)
//!     [stretch] - libcaca <postponed> (Minor issue; can be fixed in next update)
//! ```
//!
//! A line without a release tag speaks for unstable (`Debian:sid`); a
//! tagged line speaks for its release only. A release without a line of its
//! own is not asserted at all: the tracker derives it from the unstable
//! line and the archive's versions, which this parser does not have.
//!
//! Each CVE becomes one [`Advisory`] with one [`Affected`] per (release,
//! source package). The fix state goes into `database_specific` as
//! `fix_state` (see [`FixState`]), with `urgency` and `note` when the line
//! has them; only [`FixState::Fixed`] carries a `fixed` event. Lines that
//! say the package never was affected (`<not-affected>`, `<removed>`, a
//! fixed version of `0`) or that nothing is known yet (`<undetermined>`,
//! `<itp>`) add nothing, and an entry left with nothing (or marked
//! `RESERVED`/`REJECTED`) produces no advisory.

use std::collections::{HashMap, HashSet};

use crate::feeds::debian::ecosystem_for;
use crate::{Advisory, Affected, Event, Package, Parsed, Range, RangeKind, RecordError};

/// How Debian left one source package in one release for one issue; the
/// `fix_state` of an affected entry's `database_specific`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FixState {
    /// Fixed in the range's `fixed` version.
    Fixed,
    /// Open, a fix is expected (`<unfixed>`, tracker status `open`).
    NotFixed,
    /// Open and left so on purpose (`<no-dsa>`, `<ignored>`): a minor issue
    /// that may at best be fixed in a point release.
    WontFix,
    /// Open, fix postponed to a later update (`<postponed>`).
    Deferred,
    /// Open, and the release or package is out of security support.
    EndOfLife,
}

impl FixState {
    /// The name written to `database_specific.fix_state`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::NotFixed => "not-fixed",
            Self::WontFix => "wont-fix",
            Self::Deferred => "deferred",
            Self::EndOfLife => "end-of-life",
        }
    }

    /// Reads back a name written by [`FixState::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Fixed,
            Self::NotFixed,
            Self::WontFix,
            Self::Deferred,
            Self::EndOfLife,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// What one feed line or record says about one (release, package).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Assertion<'a> {
    /// The fix state; the version is set exactly when it is `Fixed`.
    pub(crate) state: FixState,
    pub(crate) fixed: Option<&'a str>,
    pub(crate) urgency: Option<&'static str>,
    pub(crate) note: Option<&'a str>,
}

impl<'a> Assertion<'a> {
    pub(crate) fn fixed(version: &'a str) -> Self {
        Self {
            state: FixState::Fixed,
            fixed: Some(version),
            urgency: None,
            note: None,
        }
    }

    pub(crate) fn open(state: FixState) -> Self {
        Self {
            state,
            fixed: None,
            urgency: None,
            note: None,
        }
    }

    /// The affected entry for `package` in the release `codename`.
    pub(crate) fn into_affected(self, codename: &str, package: &str) -> Affected {
        let mut events = vec![Event::Introduced("0".into())];
        if let (FixState::Fixed, Some(v)) = (self.state, self.fixed) {
            events.push(Event::Fixed(v.to_owned()));
        }
        let mut db = serde_json::Map::new();
        db.insert("fix_state".into(), self.state.as_str().into());
        if let Some(u) = self.urgency {
            db.insert("urgency".into(), u.into());
        }
        if let Some(n) = self.note.map(str::trim).filter(|n| !n.is_empty()) {
            db.insert("note".into(), n.into());
        }
        Affected {
            package: Package {
                ecosystem: ecosystem_for(codename),
                name: package.to_owned(),
                purl: None,
            },
            ranges: vec![Range {
                kind: RangeKind::Ecosystem,
                events,
            }],
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: Some(serde_json::Value::Object(db)),
        }
    }
}

/// `low`, `medium**`, … as the tracker's urgency; `None` for anything
/// else (`not yet assigned`, free text). The stars only mark urgencies the
/// tracker inferred, so they are dropped.
pub(crate) fn urgency(text: &str) -> Option<&'static str> {
    match text.trim().trim_end_matches('*') {
        "unimportant" => Some("unimportant"),
        "low" => Some("low"),
        "medium" => Some("medium"),
        "high" => Some("high"),
        _ => None,
    }
}

/// The OSV schema's bound on ids; longer ones are not ids.
const MAX_ID: usize = 256;

/// A parsed header: the id and the description, if any.
enum Header<'a> {
    Entry(&'a str, Option<&'a str>),
    /// `CVE-2023-XXXX`: an issue without an id yet, which nothing can match.
    Placeholder,
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `CVE-2023-0286 (description)`, `CVE-2023-XXXX [description]`,
/// `TEMP-0000000-1A2B3C`.
fn parse_header(line: &str) -> Option<Header<'_>> {
    let (id, rest) = match line.split_once(char::is_whitespace) {
        Some((id, rest)) => (id, rest.trim()),
        None => (line.trim_end(), ""),
    };
    let placeholder = if let Some(tail) = id.strip_prefix("CVE-") {
        let (year, number) = tail.split_once('-')?;
        if year.len() != 4 || !all_digits(year) {
            return None;
        }
        if number == "XXXX" {
            true
        } else if number.len() >= 4 && all_digits(number) {
            false
        } else {
            return None;
        }
    } else if let Some(tail) = id.strip_prefix("TEMP-") {
        // The tracker's own ids for issues without a CVE.
        let (number, suffix) = tail.split_once('-')?;
        if !all_digits(number) || suffix.is_empty() {
            return None;
        }
        false
    } else {
        return None;
    };
    if placeholder {
        return Some(Header::Placeholder);
    }
    if id.len() > MAX_ID {
        return None;
    }
    let description = rest
        .strip_prefix('(')
        .and_then(|d| d.strip_suffix(')'))
        .or_else(|| rest.strip_prefix('[').and_then(|d| d.strip_suffix(']')))
        .unwrap_or(rest)
        .trim();
    Some(Header::Entry(
        id,
        (!description.is_empty()).then_some(description),
    ))
}

/// One `[release] - package state (inner)` line.
#[derive(Debug, PartialEq, Eq)]
struct PackageLine<'a> {
    release: Option<&'a str>,
    package: &'a str,
    state: LineState<'a>,
    inner: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
enum LineState<'a> {
    Version(&'a str),
    /// `- package` with no version: still open in that release.
    Bare,
    /// `<no-dsa>`, `<unfixed>`, …
    Pseudo(&'a str),
}

fn is_package_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'+' | b'-'))
}

fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'+' | b'~' | b'-'))
}

/// Parses a package line (already trimmed); the error says what is wrong.
fn parse_package_line(body: &str) -> Result<PackageLine<'_>, String> {
    let (release, rest) = match body.strip_prefix('[') {
        Some(tagged) => {
            let (release, rest) = tagged
                .split_once(']')
                .ok_or_else(|| "release tag without `]`".to_owned())?;
            if release.is_empty() || !release.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(format!("bad release name `{}`", truncate(release)));
            }
            (Some(release), rest.trim_start())
        }
        None => (None, body),
    };
    let rest = rest
        .strip_prefix('-')
        .filter(|r| r.starts_with(char::is_whitespace))
        .ok_or_else(|| "expected `- <package>`".to_owned())?
        .trim_start();
    let (package, rest) = rest
        .split_once(char::is_whitespace)
        .map_or((rest, ""), |(p, r)| (p, r.trim_start()));
    if !is_package_name(package) {
        return Err(format!("bad package name `{}`", truncate(package)));
    }
    let (state, rest) = if let Some(pseudo) = rest.strip_prefix('<') {
        let (kind, rest) = pseudo
            .split_once('>')
            .ok_or_else(|| "`<` without `>`".to_owned())?;
        (LineState::Pseudo(kind), rest.trim_start())
    } else if rest.is_empty() || rest.starts_with('(') {
        (LineState::Bare, rest)
    } else {
        let (version, rest) = rest
            .split_once(char::is_whitespace)
            .map_or((rest, ""), |(v, r)| (v, r.trim_start()));
        if !is_version(version) {
            return Err(format!("bad version `{}`", truncate(version)));
        }
        (LineState::Version(version), rest)
    };
    let inner = if rest.is_empty() {
        None
    } else {
        Some(
            rest.strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .ok_or_else(|| format!("unexpected text `{}`", truncate(rest)))?,
        )
    };
    Ok(PackageLine {
        release,
        package,
        state,
        inner,
    })
}

/// The urgency among `(bug #123; low)`-style annotations.
fn inner_urgency(inner: Option<&str>) -> Option<&'static str> {
    inner?.split(';').find_map(urgency)
}

/// What a package line asserts, `Ok(None)` when it asserts nothing the
/// matcher can use.
fn assertion<'a>(line: &PackageLine<'a>) -> Result<Option<Assertion<'a>>, String> {
    let mut a = match line.state {
        // Fixed "in version 0": the package never had the flaw.
        LineState::Version("0") => return Ok(None),
        LineState::Version(v) => Assertion::fixed(v),
        LineState::Bare => Assertion::open(FixState::NotFixed),
        LineState::Pseudo(kind) => {
            let state = match kind {
                "unfixed" => FixState::NotFixed,
                "no-dsa" | "ignored" => FixState::WontFix,
                "postponed" => FixState::Deferred,
                "end-of-life" => FixState::EndOfLife,
                "not-affected" | "removed" | "undetermined" | "itp" => return Ok(None),
                other => return Err(format!("unknown state `<{}>`", truncate(other))),
            };
            let mut a = Assertion::open(state);
            if !matches!(state, FixState::NotFixed) {
                // For these the parentheses are Debian's reasoning, not
                // bug numbers.
                a.note = line.inner;
            }
            a
        }
    };
    a.urgency = inner_urgency(line.inner);
    Ok(Some(a))
}

/// One CVE being read.
struct Entry {
    advisory: Advisory,
    /// (release, package) pairs already asserted, to reject contradictions.
    seen: HashSet<(String, String)>,
    /// `RESERVED` or `REJECTED`: nothing to match.
    dead: bool,
}

enum Current {
    /// Before the first header.
    Nothing,
    /// Inside an entry whose body is not used (placeholder or bad header).
    Skipping,
    Reading(Box<Entry>),
}

struct Builder {
    out: Parsed,
    /// Position in `out.advisories` per id, so a repeated header merges.
    index: HashMap<String, usize>,
}

impl Builder {
    fn finish(&mut self, current: Current) {
        let Current::Reading(entry) = current else {
            return;
        };
        let Entry { advisory, dead, .. } = *entry;
        if dead || advisory.affected.is_empty() {
            return;
        }
        match self.index.get(&advisory.id) {
            Some(&i) => {
                if let Some(existing) = self.out.advisories.get_mut(i) {
                    merge(existing, advisory, &mut self.out.errors);
                }
            }
            None => {
                self.index
                    .insert(advisory.id.clone(), self.out.advisories.len());
                self.out.advisories.push(advisory);
            }
        }
    }
}

/// Folds a repeated entry into the first one; pairs the first already
/// asserted are reported, not overwritten.
fn merge(into: &mut Advisory, from: Advisory, errors: &mut Vec<RecordError>) {
    for alias in from.aliases {
        if !into.aliases.contains(&alias) {
            into.aliases.push(alias);
        }
    }
    if into.summary.is_none() {
        into.summary = from.summary;
    }
    for aff in from.affected {
        if into.affected.iter().any(|a| a.package == aff.package) {
            errors.push(RecordError {
                record: into.id.clone(),
                reason: format!(
                    "repeated entry asserts `{}` in {} again",
                    aff.package.name, aff.package.ecosystem
                ),
            });
        } else {
            into.affected.push(aff);
        }
    }
}

/// Parses the tracker's `data/CVE/list`.
pub fn parse_cve_list(text: &str) -> Parsed {
    let mut b = Builder {
        out: Parsed::default(),
        index: HashMap::new(),
    };
    let mut current = Current::Nothing;
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            b.finish(std::mem::replace(&mut current, Current::Skipping));
            match parse_header(line) {
                Some(Header::Entry(id, description)) => {
                    current = Current::Reading(Box::new(Entry {
                        advisory: Advisory {
                            id: id.to_owned(),
                            modified: None,
                            published: None,
                            withdrawn: None,
                            aliases: Vec::new(),
                            summary: description.map(str::to_owned),
                            details: None,
                            severity: Vec::new(),
                            affected: Vec::new(),
                            references: Vec::new(),
                            database_specific: None,
                        },
                        seen: HashSet::new(),
                        dead: false,
                    }));
                }
                Some(Header::Placeholder) => {}
                None => b.out.errors.push(RecordError {
                    record: format!("line {lineno}"),
                    reason: format!("unreadable entry header `{}`", truncate(line)),
                }),
            }
            continue;
        }
        let entry = match &mut current {
            Current::Reading(entry) => entry,
            Current::Skipping => continue,
            Current::Nothing => {
                b.out.errors.push(RecordError {
                    record: format!("line {lineno}"),
                    reason: "indented line before the first entry".into(),
                });
                // Report the stray block once, not line by line.
                current = Current::Skipping;
                continue;
            }
        };
        if let Err(reason) = body_line(entry, line.trim()) {
            b.out.errors.push(RecordError {
                record: entry.advisory.id.clone(),
                reason: format!("line {lineno}: {reason}"),
            });
        }
    }
    b.finish(current);
    b.out
}

/// Applies one body line to its entry.
fn body_line(entry: &mut Entry, body: &str) -> Result<(), String> {
    if body == "RESERVED" || body == "REJECTED" {
        entry.dead = true;
        return Ok(());
    }
    if ["NOTE:", "TODO:", "NOT-FOR-US:"]
        .iter()
        .any(|p| body.starts_with(p))
    {
        return Ok(());
    }
    if let Some(refs) = body.strip_prefix('{') {
        let refs = refs
            .strip_suffix('}')
            .ok_or_else(|| "cross-reference without `}`".to_owned())?;
        for r in refs.split_whitespace() {
            if r != entry.advisory.id && !entry.advisory.aliases.iter().any(|a| a == r) {
                entry.advisory.aliases.push(r.to_owned());
            }
        }
        return Ok(());
    }
    if !(body.starts_with('-') || body.starts_with('[')) {
        return Err(format!("unrecognised line `{}`", truncate(body)));
    }
    let line = parse_package_line(body)?;
    let release = line.release.unwrap_or("sid");
    if !entry
        .seen
        .insert((release.to_owned(), line.package.to_owned()))
    {
        return Err(format!("second line for `{}` in {release}", line.package));
    }
    if let Some(a) = assertion(&line)? {
        entry
            .advisory
            .affected
            .push(a.into_affected(release, line.package));
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(120).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Real tracker entries (libcaca, gnutls, putty, ant, openssl) and
    /// made-up ones for the states the real excerpt lacks.
    const LIST: &str = "\
CVE-2023-XXXX [code execution via malformed XTGETTCAP]
\t- foot 1.15.3-2 (bug #1053115)
\t[bookworm] - foot 1.13.1-2+deb12u1
CVE-2023-0286 (There is a type confusion vulnerability relating to X.400 address pro ...)
\t{DSA-5343-1 DLA-3325-1}
\t- openssl 3.0.8-1 (bug #1031327)
\t[bullseye] - openssl 1.1.1n-0+deb11u4
\t[buster] - openssl <no-dsa> (Minor issue)
\tNOTE: https://www.openssl.org/news/secadv/20230207.txt
CVE-2023-0001
\tRESERVED
CVE-2021-30499 (A flaw was found in libcaca. A buffer overflow of export.c in function ...)
\t- libcaca <unfixed> (bug #987278)
\t[bullseye] - libcaca <no-dsa> (Minor issue)
\t[buster] - libcaca <no-dsa> (Minor issue)
\t[stretch] - libcaca <postponed> (Minor issue; can be fixed in next update)
\tNOTE: https://github.com/cacalabs/libcaca/issues/54
CVE-2014-3466 (Buffer overflow in the read_server_hello function in lib/gnutls_handsh ...)
\t{DSA-2944-1 DLA-0001-1}
\t- gnutls26 2.12.23-16
\t- gnutls28 3.2.15-1
\t[squeeze] - gnutls26 2.8.6-1+squeeze4
CVE-2021-36383 (Xen Orchestra (with xo-web through 5.80.0 and xo-server through 5.84.0 ...)
\tNOT-FOR-US: Xen Orchestra
CVE-2021-36373 (When reading a specially crafted TAR archive an Apache Ant build can b ...)
        - ant <unfixed> (unimportant)
        NOTE: Crash in CLI tool, no security impact

CVE-2021-36367 (PuTTY through 0.75 proceeds with establishing an SSH session even if i ...)
        - putty 0.75-3 (low; bug #990901)
        [bullseye] - putty <no-dsa> (Minor issue)
CVE-2020-1000 (Made up: every other state.)
\t- alpha 1:2.0-1 (bug #1; medium*)
\t[bookworm] - alpha <ignored> (Not worth the regression risk)
\t[buster] - alpha <end-of-life> (Not supported in buster LTS)
\t[bullseye] - alpha 0
\t- beta <not-affected> (Vulnerable code not present)
\t- gamma <removed>
\t- delta <undetermined>
\t- epsilon <itp> (bug #42)
\t- zeta (bug #7; high)
\tTODO: check
CVE-2020-1001 (Made up: rejected.)
\tREJECTED
\t- alpha 1.0-1
CVE-2020-1002 (Made up: not affected anywhere.)
\t- alpha <not-affected> (Windows only)
";

    fn db(a: &Affected) -> &serde_json::Value {
        a.database_specific.as_ref().expect("database_specific")
    }

    fn find<'a>(adv: &'a Advisory, eco: &str, name: &str) -> &'a Affected {
        adv.affected
            .iter()
            .find(|a| a.package.ecosystem == eco && a.package.name == name)
            .unwrap_or_else(|| panic!("{eco}/{name} in {}", adv.id))
    }

    fn by_id<'a>(p: &'a Parsed, id: &str) -> &'a Advisory {
        p.advisories
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("{id}"))
    }

    #[test]
    fn fixed_and_no_dsa() {
        let p = parse_cve_list(LIST);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let a = by_id(&p, "CVE-2023-0286");
        assert_eq!(a.aliases, vec!["DSA-5343-1", "DLA-3325-1"]);
        assert_eq!(
            a.summary.as_deref(),
            Some("There is a type confusion vulnerability relating to X.400 address pro ...")
        );
        assert_eq!(a.affected.len(), 3);
        let sid = find(a, "Debian:sid", "openssl");
        assert_eq!(
            sid.ranges[0].events,
            vec![
                Event::Introduced("0".into()),
                Event::Fixed("3.0.8-1".into())
            ]
        );
        assert_eq!(sid.ranges[0].kind, RangeKind::Ecosystem);
        assert_eq!(db(sid), &serde_json::json!({"fix_state": "fixed"}));
        let bullseye = find(a, "Debian:11", "openssl");
        assert_eq!(
            bullseye.ranges[0].events[1],
            Event::Fixed("1.1.1n-0+deb11u4".into())
        );
        let buster = find(a, "Debian:10", "openssl");
        assert_eq!(buster.ranges[0].events, vec![Event::Introduced("0".into())]);
        assert_eq!(
            db(buster),
            &serde_json::json!({"fix_state": "wont-fix", "note": "Minor issue"})
        );
        // bookworm has no line of its own: not asserted.
        assert!(
            !a.affected
                .iter()
                .any(|x| x.package.ecosystem == "Debian:12")
        );
        assert!(crate::validate(a).is_ok());
    }

    #[test]
    fn open_states() {
        let p = parse_cve_list(LIST);
        let a = by_id(&p, "CVE-2021-30499");
        assert_eq!(a.affected.len(), 4);
        let sid = find(a, "Debian:sid", "libcaca");
        assert_eq!(db(sid), &serde_json::json!({"fix_state": "not-fixed"}));
        assert_eq!(sid.ranges[0].events, vec![Event::Introduced("0".into())]);
        assert_eq!(db(find(a, "Debian:11", "libcaca"))["fix_state"], "wont-fix");
        assert_eq!(
            db(find(a, "Debian:9", "libcaca")),
            &serde_json::json!({"fix_state": "deferred",
                "note": "Minor issue; can be fixed in next update"})
        );

        let m = by_id(&p, "CVE-2020-1000");
        assert_eq!(
            db(find(m, "Debian:sid", "alpha")),
            &serde_json::json!({"fix_state": "fixed", "urgency": "medium"})
        );
        assert_eq!(
            find(m, "Debian:sid", "alpha").ranges[0].events[1],
            Event::Fixed("1:2.0-1".into())
        );
        assert_eq!(
            db(find(m, "Debian:12", "alpha")),
            &serde_json::json!({"fix_state": "wont-fix",
                "note": "Not worth the regression risk"})
        );
        assert_eq!(
            db(find(m, "Debian:10", "alpha"))["fix_state"],
            "end-of-life"
        );
        // A version-less line is open.
        assert_eq!(
            db(find(m, "Debian:sid", "zeta")),
            &serde_json::json!({"fix_state": "not-fixed", "urgency": "high"})
        );
        // Fixed in 0, not-affected, removed, undetermined, itp: nothing.
        let names: Vec<_> = m
            .affected
            .iter()
            .map(|x| (x.package.ecosystem.as_str(), x.package.name.as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Debian:sid", "alpha"),
                ("Debian:12", "alpha"),
                ("Debian:10", "alpha"),
                ("Debian:sid", "zeta")
            ]
        );
    }

    #[test]
    fn urgencies_and_sid_only() {
        let p = parse_cve_list(LIST);
        let ant = by_id(&p, "CVE-2021-36373");
        assert_eq!(ant.affected.len(), 1);
        assert_eq!(
            db(&ant.affected[0]),
            &serde_json::json!({"fix_state": "not-fixed", "urgency": "unimportant"})
        );
        let putty = by_id(&p, "CVE-2021-36367");
        assert_eq!(
            db(find(putty, "Debian:sid", "putty")),
            &serde_json::json!({"fix_state": "fixed", "urgency": "low"})
        );
        let gnutls = by_id(&p, "CVE-2014-3466");
        assert_eq!(gnutls.affected.len(), 3);
        assert_eq!(
            find(gnutls, "Debian:6", "gnutls26").ranges[0].events[1],
            Event::Fixed("2.8.6-1+squeeze4".into())
        );
    }

    #[test]
    fn dropped_entries() {
        let p = parse_cve_list(LIST);
        let ids: Vec<_> = p.advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "CVE-2023-0286",
                "CVE-2021-30499",
                "CVE-2014-3466",
                "CVE-2021-36373",
                "CVE-2021-36367",
                "CVE-2020-1000"
            ]
        );
    }

    #[test]
    fn malformed_lines_are_reported_and_the_rest_imports() {
        let text = "\
\t- orphan 1.0
CVE-2022-1 (too short a number)
\t- hidden 1.0
CVE-2022-0001 (ok)
\t- good 1.0-1
\t[bookworm] - good <bogus> (what)
\t[Bookworm] - good 1.0
\t[bullseye] good 1.0
\t[buster] - good 1.0 trailing
\t- bad$name 1.0
\t- good 2.0-1
\t{DSA-1-1
\tsomething else
CVE-2022-0002
\t- fine 2.0
";
        let p = parse_cve_list(text);
        let ids: Vec<_> = p.advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["CVE-2022-0001", "CVE-2022-0002"]);
        assert_eq!(p.advisories[0].affected.len(), 1);
        assert_eq!(
            p.advisories[0].affected[0].ranges[0].events[1],
            Event::Fixed("1.0-1".into())
        );
        let records: Vec<_> = p.errors.iter().map(|e| e.record.as_str()).collect();
        assert_eq!(
            records,
            vec![
                "line 1",
                "line 2",
                "CVE-2022-0001",
                "CVE-2022-0001",
                "CVE-2022-0001",
                "CVE-2022-0001",
                "CVE-2022-0001",
                "CVE-2022-0001",
                "CVE-2022-0001",
                "CVE-2022-0001",
            ],
            "{:#?}",
            p.errors
        );
        assert!(p.errors[2].reason.contains("<bogus>"), "{}", p.errors[2]);
        assert!(
            p.errors[7].reason.contains("second line"),
            "{}",
            p.errors[7]
        );
        assert!(p.errors[2].reason.starts_with("line 6:"), "{}", p.errors[2]);
    }

    #[test]
    fn repeated_headers_merge() {
        let text =
            "CVE-2022-0003 (x)\n\t- a 1.0\nCVE-2022-0003\n\t{DLA-9-1}\n\t- b 2.0\n\t- a 1.1\n";
        let p = parse_cve_list(text);
        assert_eq!(p.advisories.len(), 1);
        assert_eq!(p.advisories[0].affected.len(), 2);
        assert_eq!(p.advisories[0].aliases, vec!["DLA-9-1"]);
        assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    }

    #[test]
    fn temp_ids() {
        let p = parse_cve_list("TEMP-0000000-A1B2C3 [issue without a CVE]\n\t- pkg <unfixed>\n");
        assert_eq!(p.advisories.len(), 1);
        assert_eq!(p.advisories[0].id, "TEMP-0000000-A1B2C3");
        assert_eq!(
            p.advisories[0].summary.as_deref(),
            Some("issue without a CVE")
        );
    }

    #[test]
    fn fix_state_names_round_trip() {
        for s in [
            FixState::Fixed,
            FixState::NotFixed,
            FixState::WontFix,
            FixState::Deferred,
            FixState::EndOfLife,
        ] {
            assert_eq!(FixState::from_name(s.as_str()), Some(s));
        }
        assert_eq!(FixState::from_name("open"), None);
    }

    proptest! {
        #[test]
        fn structured_never_panics(s in "((CVE-[0-9X]{4}-[0-9X]{1,5}|TEMP-[0-9]{1,3}-[A-Z0-9]{0,3}|[a-z]{0,4})( [(\\[][a-z .]{0,8}[)\\]])?\n(\t(\\[[a-z]{0,6}\\] )?(- [a-z0-9.+$-]{0,6}( [<>a-z0-9.:~+-]{0,12})?( \\([a-z #0-9;*]{0,16}\\)?)?|\\{[A-Z0-9 -]{0,12}\\}?|RESERVED|REJECTED|NOTE: x|[a-z]{0,5})\n){0,6}){0,4}") {
            let p = parse_cve_list(&s);
            for a in &p.advisories {
                prop_assert!(crate::validate(a).is_ok(), "{a:?}");
                prop_assert!(!a.affected.is_empty());
            }
        }

        #[test]
        fn random_text(b in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse_cve_list(&String::from_utf8_lossy(&b));
        }
    }
}
