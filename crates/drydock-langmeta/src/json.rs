//! Streaming, type-tolerant JSON reading shared by the Composer and .NET
//! parsers.
//!
//! Documents are never materialised as a `serde_json::Value`: a 32 MiB array
//! of zeros would cost a gigabyte that way. Instead, visitors pick out the few
//! keys wanted and skip everything else with `IgnoredAny`, which serde_json
//! walks iteratively, so deep nesting cannot overflow the stack. Fields are
//! read as [`Lenient`] values that remember a wrong type instead of failing,
//! so one bad entry cannot sink the file.

use std::cell::Cell;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::{Error, Limits, text};

/// Most strings kept from a list-valued field (licenses); a real package has
/// one or two, and the cap keeps `["","",...]` from costing 24 bytes per
/// input byte pair.
pub(crate) const MAX_FIELD_LIST: usize = 64;

/// Counts package entries across a whole document and remembers whether the
/// cap was hit, because serde can only carry our typed error as a string.
pub(crate) struct Budget {
    limit: usize,
    used: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            used: Cell::new(0),
            exceeded: Cell::new(false),
        }
    }

    /// Accounts for one more entry.
    pub(crate) fn take<E: de::Error>(&self) -> Result<(), E> {
        let n = self.used.get().saturating_add(1);
        if n > self.limit {
            return Err(self.exceed());
        }
        self.used.set(n);
        Ok(())
    }

    /// Records that some count went over the cap and returns the error that
    /// aborts parsing.
    pub(crate) fn exceed<E: de::Error>(&self) -> E {
        self.exceeded.set(true);
        E::custom("too many package entries")
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }
}

/// Runs `read` over `bytes` after the size check, insists that nothing but
/// whitespace follows the document, and maps errors.
pub(crate) fn run<T>(
    bytes: &[u8],
    limits: &Limits,
    read: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
        &Budget,
    ) -> Result<T, serde_json::Error>,
) -> Result<T, Error> {
    if bytes.len() > limits.max_input {
        return Err(Error::InputTooLarge {
            size: bytes.len(),
            limit: limits.max_input,
        });
    }
    let budget = Budget::new(limits.max_packages);
    let mut de = serde_json::Deserializer::from_slice(text::strip_bom(bytes));
    let result = read(&mut de, &budget).and_then(|value| de.end().map(|()| value));
    result.map_err(|e| {
        if budget.exceeded.get() {
            Error::TooManyPackages {
                limit: limits.max_packages,
            }
        } else {
            json_error(&e)
        }
    })
}

fn json_error(e: &serde_json::Error) -> Error {
    let full = e.to_string();
    // serde_json appends the position to its message; it is kept in separate
    // fields instead.
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    Error::Json {
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// A JSON value read without trusting its type.
#[derive(Debug)]
pub(crate) enum Lenient {
    Null,
    Str(String),
    List(StrList),
    /// Any other type, by its description ("a number", "an object").
    Other(&'static str),
}

impl Lenient {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Str(_) => "a string",
            Self::List(_) => "an array",
            Self::Other(d) => d,
        }
    }
}

/// The strings of a JSON array, up to a cap.
#[derive(Debug, Default)]
pub(crate) struct StrList {
    /// The first string elements, at most the cap.
    pub(crate) items: Vec<String>,
    /// Elements that were not strings.
    pub(crate) non_strings: usize,
    /// All elements, kept or not.
    pub(crate) total: usize,
}

impl<'de> Deserialize<'de> for Lenient {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor)
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Lenient;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Lenient, E> {
        Ok(Lenient::Other("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Lenient, E> {
        Ok(Lenient::Other("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Lenient, E> {
        Ok(Lenient::Other("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Lenient, E> {
        Ok(Lenient::Other("a number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Lenient, E> {
        Ok(Lenient::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Lenient, E> {
        Ok(Lenient::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Lenient, E> {
        Ok(Lenient::Null)
    }
    fn visit_none<E>(self) -> Result<Lenient, E> {
        Ok(Lenient::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient, A::Error> {
        collect_strings(seq, MAX_FIELD_LIST).map(Lenient::List)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lenient, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Lenient::Other("an object"))
    }
}

/// Reads the rest of an array, keeping at most `cap` of its strings.
pub(crate) fn collect_strings<'de, A: SeqAccess<'de>>(
    mut seq: A,
    cap: usize,
) -> Result<StrList, A::Error> {
    let mut out = StrList::default();
    while let Some(item) = seq.next_element::<MaybeStr>()? {
        out.total = out.total.saturating_add(1);
        match item.0 {
            Some(s) if out.items.len() < cap => out.items.push(s),
            Some(_) => {}
            None => out.non_strings = out.non_strings.saturating_add(1),
        }
    }
    Ok(out)
}

/// A string, or `None` for any other (skipped) value. Unlike [`Lenient`] it
/// does not descend into arrays, so list elements cannot nest.
struct MaybeStr(Option<String>);

impl<'de> Deserialize<'de> for MaybeStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MaybeStrVisitor)
    }
}

struct MaybeStrVisitor;

impl<'de> Visitor<'de> for MaybeStrVisitor {
    type Value = MaybeStr;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<MaybeStr, E> {
        Ok(MaybeStr(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<MaybeStr, E> {
        Ok(MaybeStr(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<MaybeStr, E> {
        Ok(MaybeStr(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<MaybeStr, E> {
        Ok(MaybeStr(None))
    }
    fn visit_str<E>(self, v: &str) -> Result<MaybeStr, E> {
        Ok(MaybeStr(Some(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<MaybeStr, E> {
        Ok(MaybeStr(Some(v)))
    }
    fn visit_unit<E>(self) -> Result<MaybeStr, E> {
        Ok(MaybeStr(None))
    }
    fn visit_none<E>(self) -> Result<MaybeStr, E> {
        Ok(MaybeStr(None))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<MaybeStr, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(MaybeStr(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeStr, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(MaybeStr(None))
    }
}

/// A JSON value that should be an object with some interesting keys.
#[derive(Debug)]
pub(crate) enum Object {
    /// The wanted keys' values, in the order of [`ObjectSeed::wanted`]; a
    /// repeated key keeps its last value, as most JSON readers do.
    Fields(Vec<Option<Lenient>>),
    /// Not an object: what it was instead.
    NotObject(&'static str),
}

impl Object {
    /// Moves out the value of the `i`-th wanted key.
    pub(crate) fn take(fields: &mut [Option<Lenient>], i: usize) -> Option<Lenient> {
        fields.get_mut(i).and_then(Option::take)
    }
}

/// Reads an [`Object`], keeping only the `wanted` keys.
#[derive(Clone, Copy)]
pub(crate) struct ObjectSeed {
    pub(crate) wanted: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for ObjectSeed {
    type Value = Object;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Object, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Object, E> {
        Ok(Object::NotObject("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Object, E> {
        Ok(Object::NotObject("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Object, E> {
        Ok(Object::NotObject("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Object, E> {
        Ok(Object::NotObject("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Object, E> {
        Ok(Object::NotObject("a string"))
    }
    fn visit_unit<E>(self) -> Result<Object, E> {
        Ok(Object::NotObject("null"))
    }
    fn visit_none<E>(self) -> Result<Object, E> {
        Ok(Object::NotObject("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Object, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(Object::NotObject("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let mut fields: Vec<Option<Lenient>> = self.wanted.iter().map(|_| None).collect();
        while let Some(key) = map.next_key_seed(KeySeed {
            wanted: self.wanted,
        })? {
            match key.and_then(|i| fields.get_mut(i)) {
                Some(slot) => *slot = Some(map.next_value::<Lenient>()?),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Object::Fields(fields))
    }
}

/// Reads an object key as its position in `wanted`, without allocating.
#[derive(Clone, Copy)]
pub(crate) struct KeySeed {
    pub(crate) wanted: &'static [&'static str],
}

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.wanted.iter().position(|w| *w == v))
    }
}

/// The outcome of reading a field that should hold a string.
pub(crate) enum StrField {
    Missing,
    Value(String),
    /// The field holds another type, described.
    WrongType(&'static str),
}

/// Interprets a field that should be a string; `null` counts as missing.
pub(crate) fn string_field(value: Option<Lenient>) -> StrField {
    match value {
        None | Some(Lenient::Null) => StrField::Missing,
        Some(Lenient::Str(s)) => StrField::Value(s),
        Some(other) => StrField::WrongType(other.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_object(json: &str, wanted: &'static [&'static str]) -> Result<Object, Error> {
        run(json.as_bytes(), &Limits::default(), |de, _| {
            ObjectSeed { wanted }.deserialize(de)
        })
    }

    #[test]
    fn keeps_wanted_keys_and_last_duplicate() {
        let obj = read_object(
            r#"{"a": "x", "b": [1, "y", {"z": 1}], "c": {"deep": [[[]]]}, "a": "x2"}"#,
            &["a", "b"],
        )
        .unwrap();
        let Object::Fields(mut f) = obj else {
            panic!("not an object")
        };
        assert!(matches!(Object::take(&mut f, 0), Some(Lenient::Str(s)) if s == "x2"));
        match Object::take(&mut f, 1) {
            Some(Lenient::List(l)) => {
                assert_eq!(l.items, vec!["y".to_owned()]);
                assert_eq!(l.non_strings, 2);
                assert_eq!(l.total, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_objects_are_described() {
        assert!(matches!(
            read_object("[1,2]", &["a"]).unwrap(),
            Object::NotObject("an array")
        ));
        assert!(matches!(
            read_object("7", &["a"]).unwrap(),
            Object::NotObject("a number")
        ));
    }

    #[test]
    fn trailing_garbage_and_positions() {
        match read_object("{}\n  x", &["a"]) {
            Err(Error::Json { line, column, .. }) => assert_eq!((line, column), (2, 3)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bom_is_accepted() {
        assert!(read_object("\u{feff}{}", &["a"]).is_ok());
    }

    #[test]
    fn list_cap() {
        let json = format!("{{\"a\": [{}\"last\"]}}", "\"s\",".repeat(1000));
        let Object::Fields(mut f) = read_object(&json, &["a"]).unwrap() else {
            panic!("not an object")
        };
        match Object::take(&mut f, 0) {
            Some(Lenient::List(l)) => {
                assert_eq!(l.items.len(), MAX_FIELD_LIST);
                assert_eq!(l.total, 1001);
            }
            other => panic!("{other:?}"),
        }
    }
}
