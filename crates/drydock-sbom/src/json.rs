//! JSON plumbing: capped raw lists, positions of errors inside sub-slices,
//! and turning parser errors into [`SbomError`]s.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::{MAX_COMPONENT_DEPTH, MAX_COMPONENTS, SbomError};

/// The message a [`RawList`] fails with when it is too long; recognised
/// again in [`Doc::error`].
const TOO_MANY: &str = "drydock-sbom: too many elements";

/// The document being read: its bytes and its name for errors.
pub(crate) struct Doc<'a> {
    pub bytes: &'a [u8],
    pub what: &'a str,
}

impl Doc<'_> {
    /// Where `sub` starts in the document, if it is a slice of it.
    fn offset_of(&self, sub: &str) -> Option<usize> {
        let start = self.bytes.as_ptr() as usize;
        let at = sub.as_ptr() as usize;
        let offset = at.checked_sub(start)?;
        (offset <= self.bytes.len()).then_some(offset)
    }

    /// The position of a sub-slice, for warnings about a whole component.
    pub fn position_of(&self, sub: &str) -> (usize, usize) {
        let Some(offset) = self.offset_of(sub) else {
            return (0, 0);
        };
        let before = self.bytes.get(..offset).unwrap_or_default();
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        (line, offset - line_start + 1)
    }

    /// The error for a failure parsing the whole document.
    pub fn error(&self, e: &serde_json::Error) -> SbomError {
        let (line, column) = (e.line(), e.column());
        let message = message(e);
        if message.starts_with(TOO_MANY) {
            return SbomError::TooManyComponents {
                what: self.what.to_owned(),
                limit: MAX_COMPONENTS,
            };
        }
        // The reader's own parses are shallow and skipped values are
        // scanned without recursion, so this is a backstop should a
        // parser change make some value count against serde_json's limit.
        if message.starts_with("recursion limit exceeded") {
            return SbomError::TooDeep {
                what: self.what.to_owned(),
                line,
                column,
                limit: MAX_COMPONENT_DEPTH,
            };
        }
        SbomError::Malformed {
            what: self.what.to_owned(),
            line,
            column,
            message,
        }
    }

    /// A warning about a value that failed to parse: where the value
    /// starts (more useful than where the parser gave up, which for a
    /// wrong type is its end) and why.
    pub fn value_warning(&self, sub: &str, e: &serde_json::Error) -> String {
        let (line, column) = self.position_of(sub);
        format!("line {line}, column {column}: {}", message(e))
    }
}

/// serde_json's message without the ` at line L column C` it appends.
pub(crate) fn message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match full.strip_suffix(&suffix) {
        Some(m) => m.to_owned(),
        None => full,
    }
}

/// Parses a raw value as `T`.
pub(crate) fn parse<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Result<T, serde_json::Error> {
    serde_json::from_str(raw.get())
}

/// Parses a raw value as `T`, or `None` when it has another shape. For
/// optional details whose absence costs little.
pub(crate) fn lenient<'a, T: Deserialize<'a>>(raw: Option<&'a RawValue>) -> Option<T> {
    raw.and_then(|r| serde_json::from_str(r.get()).ok())
}

/// A JSON string's value, or a description of the value's shape.
pub(crate) fn string_or_shape(raw: &RawValue) -> Result<String, String> {
    serde_json::from_str::<String>(raw.get()).map_err(|_| kind_of_value(raw.get().bytes().next()))
}

/// "a JSON array" and the like, from a value's first byte.
pub(crate) fn kind_of_value(first: Option<u8>) -> String {
    match first {
        None => "an empty document",
        Some(b'{') => "a JSON object",
        Some(b'[') => "a JSON array",
        Some(b'"') => "a JSON string",
        Some(b't' | b'f') => "a JSON boolean",
        Some(b'n') => "JSON null",
        Some(_) => "a JSON number",
    }
    .to_owned()
}

/// At most 64 characters of `s`, control characters escaped, for
/// messages quoting values from the document.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    let mut out = printable(&s.chars().take(MAX).collect::<String>());
    if s.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

/// `s` with control characters escaped, so text from a document cannot
/// drive the terminal a warning is printed on.
pub(crate) fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A JSON array kept as raw elements, at most [`MAX_COMPONENTS`] long, so
/// each element can be parsed (and fail) on its own and no input can make
/// the list itself unbounded.
pub(crate) struct RawList<'a>(pub Vec<&'a RawValue>);

impl<'de: 'a, 'a> Deserialize<'de> for RawList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawList<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    if out.len() >= MAX_COMPONENTS {
                        return Err(de::Error::custom(TOO_MANY));
                    }
                    out.push(raw);
                }
                Ok(RawList(out))
            }
        }
        deserializer.deserialize_seq(V(PhantomData))
    }
}

/// Warnings, capped so a document with millions of bad entries cannot
/// flood the caller; the overflow is counted in one last line.
#[derive(Default)]
pub(crate) struct Warnings {
    list: Vec<String>,
    dropped: usize,
}

impl Warnings {
    const MAX: usize = 100;

    pub fn push(&mut self, w: String) {
        if self.list.len() < Self::MAX {
            self.list.push(w);
        } else {
            self.dropped += 1;
        }
    }

    pub fn finish(mut self) -> Vec<String> {
        if self.dropped > 0 {
            self.list
                .push(format!("{} more warnings not shown", self.dropped));
        }
        self.list
    }
}

/// A string field that never fails its parent: strings are kept (borrowed
/// from the document when they have no escapes), numbers and booleans are
/// written out, anything else (null, lists, objects) is absent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub Option<Cow<'a, str>>);

impl Text<'_> {
    /// The value, if present and not blank.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref().filter(|s| !s.trim().is_empty())
    }

    /// The value, owned, if present and not blank.
    pub fn owned(&self) -> Option<String> {
        self.get().map(str::to_owned)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text<'a>, E> {
                Ok(Text(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text<'a>, E> {
                Ok(Text(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Text<'a>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text<'a>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// An object field that is `T` when it is an object and absent otherwise.
/// `T`'s fields are all lenient themselves ([`Text`], [`Many`], `Obj`), so
/// parsing one can only fail on what a whole component is refused for
/// (such as a key given twice).
#[derive(Debug)]
pub(crate) struct Obj<T>(pub Option<T>);

impl<T> Default for Obj<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(|v| Obj(Some(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Obj<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Obj(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Obj<T>, E> {
                Ok(Obj(None))
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// Most elements a [`Many`] keeps; more in one component's property or
/// license list is not a real SBOM, and the rest are ignored.
const MAX_LIST: usize = 100_000;

/// A list of objects that never fails its parent: elements that are not
/// objects are dropped, and a value that is not a list is an empty one.
#[derive(Debug)]
pub(crate) struct Many<T>(pub Vec<T>);

impl<T> Default for Many<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Many<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Many<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many<T>, A::Error> {
                let mut out = Vec::new();
                while let Some(Obj(v)) = seq.next_element::<Obj<T>>()? {
                    if let Some(v) = v
                        && out.len() < MAX_LIST
                    {
                        out.push(v);
                    }
                }
                Ok(Many(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Many<T>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Many::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Many<T>, E> {
                Ok(Many::default())
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// A list of strings that never fails its parent: elements that are not
/// strings are absent, and a value that is not a list is an empty one.
#[derive(Debug, Default)]
pub(crate) struct Strings<'a>(pub Vec<Text<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Strings<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Strings<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strings<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(t) = seq.next_element::<Text<'a>>()? {
                    if out.len() < MAX_LIST {
                        out.push(t);
                    }
                }
                Ok(Strings(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strings<'a>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Strings::default())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Strings<'a>, E> {
                Ok(Strings::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Strings<'a>, E> {
                Ok(Strings::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Strings<'a>, E> {
                Ok(Strings::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Strings<'a>, E> {
                Ok(Strings::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Strings<'a>, E> {
                Ok(Strings::default())
            }
            fn visit_unit<E: de::Error>(self) -> Result<Strings<'a>, E> {
                Ok(Strings::default())
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// A `name`/`value` pair (CycloneDX properties).
#[derive(Debug, Deserialize)]
pub(crate) struct Property<'a> {
    #[serde(default, borrow)]
    pub name: Text<'a>,
    #[serde(default, borrow)]
    pub value: Text<'a>,
}

/// Lookups in a property list.
#[derive(Clone, Copy)]
pub(crate) struct Props<'p, 'a>(pub &'p [Property<'a>]);

impl<'p> Props<'p, '_> {
    /// The first non-blank value of `name`.
    pub fn get(self, name: &str) -> Option<&'p str> {
        self.all(name).next()
    }

    /// Every non-blank value of `name`, in order.
    pub fn all(self, name: &str) -> impl Iterator<Item = &'p str> {
        self.0
            .iter()
            .filter(move |p| p.name.0.as_deref() == Some(name))
            .filter_map(|p| p.value.get())
    }

    /// A drydock package property by its short key (`layer-index`), under
    /// `drydock:package:` as the writer emits it or the bare `drydock:`.
    pub fn drydock(self, key: &str) -> Option<&'p str> {
        self.drydock_all(key).next()
    }

    /// Every value of a drydock package property, in order.
    pub fn drydock_all(self, key: &str) -> impl Iterator<Item = &'p str> {
        self.0
            .iter()
            .filter(move |p| {
                p.name
                    .0
                    .as_deref()
                    .and_then(|n| n.strip_prefix("drydock:"))
                    .map(|n| n.strip_prefix("package:").unwrap_or(n))
                    == Some(key)
            })
            .filter_map(|p| p.value.get())
    }

    /// The first non-blank value of the first of `names` that has one.
    pub fn first_of(self, names: &[&str]) -> Option<&'p str> {
        names.iter().find_map(|n| self.get(n))
    }

    /// Owned [`Props::first_of`].
    pub fn owned(self, names: &[&str]) -> Option<String> {
        self.first_of(names).map(str::to_owned)
    }
}
