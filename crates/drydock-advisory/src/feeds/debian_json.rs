//! The Debian security tracker's JSON export
//! (<https://security-tracker.debian.org/tracker/data/json>): per source
//! package, per issue, per release, the tracker's verdict.
//!
//! ```text
//! { "libcaca": { "CVE-2021-30499": {
//!     "description": "…", "scope": "remote", "debianbug": 987278,
//!     "releases": { "bullseye": {
//!         "status": "open", "repositories": {"bullseye": "0.99.beta19-2.2"},
//!         "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "" } } } } }
//! ```
//!
//! Issues become advisories the same way as from `data/CVE/list` (see
//! [`super::debian_cve`]): one per id, one affected entry per (release,
//! package), the fix state in `database_specific`. Unlike the list, the
//! export asserts every release the tracker knows, derived from unstable
//! and the archive.
//!
//! The document is tens of megabytes, so it is streamed: only one issue of
//! one package is held as a [`serde_json::Value`] at a time, and a package
//! or issue of the wrong shape becomes a [`RecordError`] without losing the
//! rest.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::debian_cve::{Assertion, FixState, urgency};
use crate::{Advisory, FeedError, Parsed, RecordError};

/// Names the document in [`FeedError`]s.
const WHAT: &str = "Debian security tracker JSON";

/// The OSV schema's bound on ids.
const MAX_ID: usize = 256;

/// Parses the tracker's JSON export; `limit` bounds its size in bytes.
pub fn parse_tracker_json(bytes: &[u8], limit: usize) -> Result<Parsed, FeedError> {
    if bytes.len() > limit {
        return Err(FeedError::Limit {
            what: WHAT.to_owned(),
            limit: format!("{limit}-byte"),
        });
    }
    let corrupt = |e: serde_json::Error| FeedError::Corrupt {
        what: WHAT.to_owned(),
        reason: format!("not a tracker JSON document: {e}"),
    };
    let mut collector = Collector::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Root(&mut collector).deserialize(&mut de).map_err(corrupt)?;
    de.end().map_err(corrupt)?;
    let mut out = collector.out;
    // Issues whose every release was unaffected or undetermined.
    out.advisories.retain(|a| !a.affected.is_empty());
    Ok(out)
}

#[derive(Default)]
struct Collector {
    out: Parsed,
    /// Position in `out.advisories` per id: packages sharing an issue
    /// add to one advisory.
    index: HashMap<String, usize>,
}

impl Collector {
    fn record(&mut self, package: &str, id: &str, value: Value) {
        let name = format!("{}/{}", truncate(package), truncate(id));
        let mut fail = |reason: String| {
            self.out.errors.push(RecordError {
                record: name.clone(),
                reason,
            })
        };
        if package.is_empty() {
            return fail("empty package name".into());
        }
        if id.trim().is_empty() || id.len() > MAX_ID || id.contains(char::is_whitespace) {
            return fail("unusable issue id".into());
        }
        let Value::Object(mut fields) = value else {
            return fail(format!("issue is {}, not an object", kind(&value)));
        };
        let description = match fields.remove("description") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => return fail(format!("description is {}", kind(&other))),
        };
        let releases = match fields.remove("releases") {
            Some(Value::Object(r)) => r,
            None => return fail("no releases".into()),
            Some(other) => return fail(format!("releases is {}, not an object", kind(&other))),
        };
        let mut affected = Vec::new();
        let mut problems = Vec::new();
        for (codename, release) in &releases {
            if codename.is_empty() {
                problems.push("release without a name".to_owned());
                continue;
            }
            match assertion(release) {
                Ok(Some(a)) => affected.push(a.into_affected(codename, package)),
                Ok(None) => {}
                Err(reason) => {
                    problems.push(format!("release `{}`: {reason}", truncate(codename)));
                }
            }
        }
        for reason in problems {
            fail(reason);
        }
        let i = match self.index.get(id) {
            Some(&i) => i,
            None => {
                let i = self.out.advisories.len();
                self.index.insert(id.to_owned(), i);
                self.out.advisories.push(Advisory {
                    id: id.to_owned(),
                    modified: None,
                    published: None,
                    withdrawn: None,
                    aliases: Vec::new(),
                    summary: None,
                    details: None,
                    severity: Vec::new(),
                    affected: Vec::new(),
                    references: Vec::new(),
                    database_specific: None,
                });
                i
            }
        };
        if let Some(advisory) = self.out.advisories.get_mut(i) {
            if advisory.summary.is_none() {
                advisory.summary = description
                    .map(|d| d.trim().to_owned())
                    .filter(|d| !d.is_empty());
            }
            advisory.affected.extend(affected);
        }
    }
}

/// What one release's verdict asserts; `Ok(None)` when nothing (not
/// affected, undetermined).
fn assertion(release: &Value) -> Result<Option<Assertion<'_>>, String> {
    let Value::Object(r) = release else {
        return Err(format!("{}, not an object", kind(release)));
    };
    let text = |field: &str| text_field(r, field);
    let status = text("status")?.ok_or_else(|| "no status".to_owned())?;
    let urgency_text = text("urgency")?;
    let mut a = match status {
        "resolved" => match text("fixed_version")?.map(str::trim) {
            // Resolved "in version 0": never affected.
            Some("0") => return Ok(None),
            Some(v) if !v.is_empty() => Assertion::fixed(v),
            _ => return Err("resolved without a fixed_version".into()),
        },
        "open" => {
            let nodsa = text("nodsa")?;
            if urgency_text.map(str::trim) == Some("end-of-life") {
                Assertion::open(FixState::EndOfLife)
            } else if let Some(note) = nodsa {
                let state = match text("nodsa_reason")? {
                    Some("postponed") => FixState::Deferred,
                    _ => FixState::WontFix,
                };
                let mut a = Assertion::open(state);
                a.note = Some(note);
                a
            } else {
                Assertion::open(FixState::NotFixed)
            }
        }
        "undetermined" => return Ok(None),
        other => return Err(format!("unknown status `{}`", truncate(other))),
    };
    a.urgency = urgency_text.and_then(urgency);
    Ok(Some(a))
}

/// A string field that may be absent; any other kind is a shape error.
fn text_field<'v>(
    r: &'v serde_json::Map<String, Value>,
    field: &str,
) -> Result<Option<&'v str>, String> {
    match r.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("{field} is {}", kind(other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(120).collect()
}

/// The top level: an object of packages. Anything else is a broken feed.
struct Root<'c>(&'c mut Collector);

impl<'de> DeserializeSeed<'de> for Root<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of source packages")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(package) = map.next_key::<String>()? {
            map.next_value_seed(PackageSeed {
                collector: self.0,
                package: &package,
            })?;
        }
        Ok(())
    }
}

/// One package's object of issues. A package that is not an object is
/// that package's problem, so every JSON kind is accepted here.
struct PackageSeed<'c, 'p> {
    collector: &'c mut Collector,
    package: &'p str,
}

impl PackageSeed<'_, '_> {
    fn not_an_object(self, what: &str) {
        self.collector.out.errors.push(RecordError {
            record: truncate(self.package),
            reason: format!("package is {what}, not an object of issues"),
        });
    }
}

impl<'de> DeserializeSeed<'de> for PackageSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PackageSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of issues")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<String>()? {
            let value: Value = map.next_value()?;
            self.collector.record(self.package, &id, value);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object("an array");
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_object("a boolean");
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_object("a number");
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_object("a number");
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_object("a number");
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_object("a string");
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object("null");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Affected, Event};
    use proptest::prelude::*;

    /// Shaped like the real export: prototypejs and python-scipy are real
    /// entries, the rest made up to cover every status.
    const JSON: &str = r#"{
  "prototypejs": {
    "CVE-2008-7220": {
      "scope": "remote", "debianbug": 555217,
      "description": "Unspecified vulnerability in Prototype JavaScript framework (prototypejs) before 1.6.0.2 allows attackers to make \"cross-site ajax requests\" via unknown vectors.",
      "releases": {
        "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.7.1-3"}, "fixed_version": "1.6.0.2-1", "urgency": "high**"},
        "sid": {"status": "resolved", "repositories": {"sid": "1.7.1-3"}, "fixed_version": "1.6.0.2-1", "urgency": "high**"}
      }
    },
    "CVE-2007-2383": {
      "scope": "remote", "debianbug": 555217,
      "description": "The Prototype (prototypejs) framework before 1.5.1 RC3 exchanges data using JavaScript Object Notation (JSON) without an associated protection scheme",
      "releases": {
        "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.7.1-3"}, "fixed_version": "0", "urgency": "unimportant"},
        "sid": {"status": "resolved", "repositories": {"sid": "1.7.1-3"}, "fixed_version": "0", "urgency": "unimportant"}
      }
    }
  },
  "python-scipy": {
    "CVE-2013-4251": {
      "debianbug": 726093,
      "releases": {
        "buster": {"status": "resolved", "repositories": {"buster": "1.1.0-7"}, "fixed_version": "0.12.0-3", "urgency": "not yet assigned"}
      }
    }
  },
  "libcaca": {
    "CVE-2021-30499": {
      "description": "A flaw was found in libcaca.",
      "scope": "remote", "debianbug": 987278,
      "releases": {
        "bookworm": {"status": "open", "repositories": {"bookworm": "0.99.beta20-3"}, "urgency": "low*"},
        "bullseye": {"status": "open", "repositories": {"bullseye": "0.99.beta19-2.2"}, "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
        "buster": {"status": "open", "repositories": {"buster": "0.99.beta19-2.1"}, "urgency": "end-of-life"},
        "stretch": {"status": "open", "repositories": {"stretch": "0.99.beta19-2.1"}, "urgency": "low", "nodsa": "Minor issue; can be fixed in next update", "nodsa_reason": "postponed"},
        "trixie": {"status": "open", "repositories": {"trixie": "0.99.beta20-4"}, "urgency": "low", "nodsa": "Not worth it", "nodsa_reason": "ignored"},
        "sid": {"status": "undetermined", "repositories": {"sid": "0.99.beta20-4"}, "urgency": "not yet assigned"}
      }
    },
    "TEMP-0000000-F7A20F": {
      "description": "libcaca: crash on crafted image",
      "releases": {"sid": {"status": "open", "repositories": {"sid": "0.99.beta20-4"}, "urgency": "unimportant"}}
    }
  },
  "libcaca-legacy": {
    "CVE-2021-30499": {
      "releases": {"bullseye": {"status": "resolved", "fixed_version": "1.0-1+deb11u1", "urgency": "medium"}}
    }
  },
  "broken-pkg": 42,
  "half-broken": {
    "CVE-2020-0001": "not an object",
    "CVE-2020-0002": {"description": 7, "releases": {}},
    "CVE-2020-0003": {"releases": {
        "bookworm": {"status": "resolved"},
        "bullseye": {"status": "weird"},
        "buster": "open",
        "sid": {"status": "resolved", "fixed_version": "2.0-1"}
    }},
    "CVE-2020-0004": {"description": "no releases"}
  }
}"#;

    fn parse() -> Parsed {
        parse_tracker_json(JSON.as_bytes(), 1 << 20).expect("document parses")
    }

    fn find<'a>(p: &'a Parsed, id: &str, eco: &str, name: &str) -> &'a Affected {
        p.advisories
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| {
                a.affected
                    .iter()
                    .find(|x| x.package.ecosystem == eco && x.package.name == name)
            })
            .unwrap_or_else(|| panic!("{id} {eco}/{name}"))
    }

    fn db(a: &Affected) -> &Value {
        a.database_specific.as_ref().expect("database_specific")
    }

    #[test]
    fn resolved() {
        let p = parse();
        let a = find(&p, "CVE-2008-7220", "Debian:11", "prototypejs");
        assert_eq!(
            a.ranges[0].events,
            vec![
                Event::Introduced("0".into()),
                Event::Fixed("1.6.0.2-1".into())
            ]
        );
        assert_eq!(
            db(a),
            &serde_json::json!({"fix_state": "fixed", "urgency": "high"})
        );
        // "not yet assigned" is no urgency.
        assert_eq!(
            db(find(&p, "CVE-2013-4251", "Debian:10", "python-scipy")),
            &serde_json::json!({"fix_state": "fixed"})
        );
        // Fixed in "0" everywhere: not affected, no advisory.
        assert!(!p.advisories.iter().any(|a| a.id == "CVE-2007-2383"));
    }

    #[test]
    fn open_states() {
        let p = parse();
        let id = "CVE-2021-30499";
        let bookworm = find(&p, id, "Debian:12", "libcaca");
        assert_eq!(
            bookworm.ranges[0].events,
            vec![Event::Introduced("0".into())]
        );
        assert_eq!(
            db(bookworm),
            &serde_json::json!({"fix_state": "not-fixed", "urgency": "low"})
        );
        assert_eq!(
            db(find(&p, id, "Debian:11", "libcaca")),
            &serde_json::json!({"fix_state": "wont-fix", "urgency": "low", "note": "Minor issue"})
        );
        assert_eq!(
            db(find(&p, id, "Debian:10", "libcaca")),
            &serde_json::json!({"fix_state": "end-of-life"})
        );
        assert_eq!(
            db(find(&p, id, "Debian:9", "libcaca"))["fix_state"],
            "deferred"
        );
        assert_eq!(
            db(find(&p, id, "Debian:13", "libcaca"))["fix_state"],
            "wont-fix"
        );
        let adv = p.advisories.iter().find(|a| a.id == id).unwrap();
        // sid is undetermined: no entry. The other package joins the same
        // advisory.
        assert!(
            !adv.affected
                .iter()
                .any(|a| a.package.ecosystem == "Debian:sid")
        );
        assert_eq!(adv.affected.len(), 6);
        assert_eq!(
            db(find(&p, id, "Debian:11", "libcaca-legacy")),
            &serde_json::json!({"fix_state": "fixed", "urgency": "medium"})
        );
        assert_eq!(adv.summary.as_deref(), Some("A flaw was found in libcaca."));
        assert!(crate::validate(adv).is_ok());
    }

    #[test]
    fn temp_ids_are_kept() {
        let p = parse();
        let a = find(&p, "TEMP-0000000-F7A20F", "Debian:sid", "libcaca");
        assert_eq!(
            db(a),
            &serde_json::json!({"fix_state": "not-fixed", "urgency": "unimportant"})
        );
    }

    #[test]
    fn bad_records_are_reported_and_the_rest_imports() {
        let p = parse();
        let mut errors: Vec<_> = p
            .errors
            .iter()
            .map(|e| (e.record.as_str(), e.reason.as_str()))
            .collect();
        errors.sort();
        assert_eq!(
            errors,
            vec![
                ("broken-pkg", "package is a number, not an object of issues"),
                (
                    "half-broken/CVE-2020-0001",
                    "issue is a string, not an object"
                ),
                ("half-broken/CVE-2020-0002", "description is a number"),
                (
                    "half-broken/CVE-2020-0003",
                    "release `bookworm`: resolved without a fixed_version"
                ),
                (
                    "half-broken/CVE-2020-0003",
                    "release `bullseye`: unknown status `weird`"
                ),
                (
                    "half-broken/CVE-2020-0003",
                    "release `buster`: a string, not an object"
                ),
                ("half-broken/CVE-2020-0004", "no releases"),
            ]
        );
        // The good release of a partly bad issue still imports.
        assert_eq!(
            find(&p, "CVE-2020-0003", "Debian:sid", "half-broken").ranges[0].events[1],
            Event::Fixed("2.0-1".into())
        );
        let ids: Vec<_> = p.advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "CVE-2008-7220",
                "CVE-2013-4251",
                "CVE-2021-30499",
                "TEMP-0000000-F7A20F",
                "CVE-2020-0003"
            ]
        );
    }

    #[test]
    fn document_errors() {
        assert!(matches!(
            parse_tracker_json(b"{\"a\": {", 100),
            Err(FeedError::Corrupt { .. })
        ));
        let e = parse_tracker_json(b"[1, 2]", 100).unwrap_err();
        assert!(
            e.to_string().contains("an object of source packages"),
            "{e}"
        );
        assert!(matches!(
            parse_tracker_json(b"{} trailing", 100),
            Err(FeedError::Corrupt { .. })
        ));
        assert!(matches!(
            parse_tracker_json(JSON.as_bytes(), 100),
            Err(FeedError::Limit { .. })
        ));
        let empty = parse_tracker_json(b"{}", 2).unwrap();
        assert!(empty.advisories.is_empty() && empty.errors.is_empty());
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| Value::Number(n.into())),
            prop_oneof![
                Just("resolved"),
                Just("open"),
                Just("undetermined"),
                Just("0"),
                Just("1.0-1"),
                Just("low*"),
                Just("end-of-life"),
                Just("postponed"),
                Just("")
            ]
            .prop_map(|s| Value::String(s.into())),
            "[a-z_ ]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::btree_map(
                    prop_oneof![
                        Just("status".to_owned()),
                        Just("releases".to_owned()),
                        Just("fixed_version".to_owned()),
                        Just("urgency".to_owned()),
                        Just("nodsa".to_owned()),
                        Just("nodsa_reason".to_owned()),
                        Just("description".to_owned()),
                        Just("sid".to_owned()),
                        Just("bookworm".to_owned()),
                        "(CVE|TEMP)-[0-9]{1,4}",
                        "[a-z]{0,5}",
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn shaped_never_panics(v in json_value()) {
            let bytes = serde_json::to_vec(&v).unwrap();
            if let Ok(p) = parse_tracker_json(&bytes, usize::MAX) {
                for a in &p.advisories {
                    prop_assert!(crate::validate(a).is_ok(), "{a:?}");
                }
            }
        }

        #[test]
        fn random_bytes(b in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = parse_tracker_json(&b, usize::MAX);
        }
    }
}
