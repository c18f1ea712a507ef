//! Composer's `vendor/composer/installed.json`.

use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::json::{self, Budget, KeySeed, Lenient, MAX_FIELD_LIST, Object, ObjectSeed, StrField};
use crate::{Error, Limits, Problem, text};

/// One package Composer installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposerPackage {
    /// `vendor/name`, as written in the file.
    pub name: String,
    /// The version, with a leading `v` before a digit removed (`v5.4.0` →
    /// `5.4.0`). Composer's own version parser drops that prefix, so both
    /// spellings are the same version to Composer, and advisory databases
    /// (GitHub, FriendsOfPHP) write it without; keeping it would make every
    /// Symfony package miss its advisories. The exact spelling survives in
    /// `version_normalized` (`5.4.0.0`) and the tag name.
    pub version: String,
    /// Composer's normalized version (`5.4.0.0`, `dev-main`), verbatim.
    pub version_normalized: Option<String>,
    /// SPDX license identifiers or expressions from `license`.
    pub licenses: Vec<String>,
    /// The package type (`library`, `composer-plugin`, `metapackage`, ...).
    pub package_type: Option<String>,
    /// True when Composer 2 lists the package in `dev-package-names`. Composer
    /// 1 files do not record this, so their packages are all `false`.
    pub dev: bool,
}

impl ComposerPackage {
    /// The purl, `pkg:composer/VENDOR/NAME@VERSION`. The purl spec declares
    /// Composer vendor and name case-insensitive and requires them lowercased.
    pub fn purl(&self) -> String {
        let lower = self.name.to_lowercase();
        match lower.split_once('/') {
            Some((vendor, name)) => {
                crate::purl::render("composer", Some(vendor), name, &self.version, &[])
            }
            None => crate::purl::render("composer", None, &lower, &self.version, &[]),
        }
    }
}

/// Everything read from one `installed.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComposerInstalled {
    /// The packages, in file order.
    pub packages: Vec<ComposerPackage>,
    /// Entries skipped and fields ignored, with reasons.
    pub problems: Vec<Problem>,
}

/// True for Composer's installed-package list, `…/composer/installed.json`
/// inside a vendor directory. Only the last two components are checked,
/// because projects may rename their vendor directory (`config.vendor-dir`).
pub fn is_composer_installed_path(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    parts.next() == Some("installed.json") && parts.next() == Some("composer")
}

/// Reads `vendor/composer/installed.json`, in either Composer 1's layout (a
/// top-level array of packages) or Composer 2's (`{"packages": [...],
/// "dev-package-names": [...]}`).
///
/// Fails only when the file is too large, is not JSON, has another top-level
/// shape or too many entries. An entry without a usable string `name` or
/// `version` is skipped, and a wrongly typed optional field is ignored, each
/// with a [`Problem`].
pub fn parse_composer_installed(bytes: &[u8], limits: &Limits) -> Result<ComposerInstalled, Error> {
    let doc = json::run(bytes, limits, |de, budget| {
        DocSeed { budget }.deserialize(de)
    })?;
    let entries = doc.packages.ok_or(Error::MissingField("packages"))?;
    let mut problems = Vec::new();
    let dev_names: HashSet<String> = match doc.dev_names {
        None | Some(Lenient::Null) => HashSet::new(),
        Some(Lenient::List(list)) => {
            if list.non_strings > 0 {
                problems.push(Problem {
                    entry: "dev-package-names".to_owned(),
                    reason: format!("{} entries are not strings", list.non_strings),
                    skipped: false,
                });
            }
            list.items.into_iter().collect()
        }
        Some(other) => {
            problems.push(Problem {
                entry: "dev-package-names".to_owned(),
                reason: format!(
                    "value is {}, expected an array; dev flags are unknown",
                    other.describe()
                ),
                skipped: false,
            });
            HashSet::new()
        }
    };
    let mut packages = Vec::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        if let Some(mut package) = convert(index, entry, &mut problems) {
            package.dev = dev_names.contains(&package.name);
            packages.push(package);
        }
    }
    Ok(ComposerInstalled { packages, problems })
}

const FIELDS: &[&str] = &["name", "version", "version_normalized", "license", "type"];
const NAME: usize = 0;
const VERSION: usize = 1;
const VERSION_NORMALIZED: usize = 2;
const LICENSE: usize = 3;
const TYPE: usize = 4;

fn convert(index: usize, entry: Object, problems: &mut Vec<Problem>) -> Option<ComposerPackage> {
    let mut skip = |entry: String, reason: String| {
        problems.push(Problem {
            entry,
            reason,
            skipped: true,
        });
        None
    };
    let mut fields = match entry {
        Object::Fields(f) => f,
        Object::NotObject(what) => {
            return skip(
                format!("#{index}"),
                format!("package entry is {what}, expected an object"),
            );
        }
    };
    let name = match json::string_field(Object::take(&mut fields, NAME)) {
        StrField::Value(n) => n,
        StrField::Missing => return skip(format!("#{index}"), "missing `name`".to_owned()),
        StrField::WrongType(t) => {
            return skip(
                format!("#{index}"),
                format!("`name` is {t}, expected a string"),
            );
        }
    };
    if let Err(reason) = check_name(&name) {
        return skip(format!("#{index}"), reason);
    }
    let entry = text::label(&name);
    let version = match json::string_field(Object::take(&mut fields, VERSION)) {
        StrField::Value(v) => v,
        StrField::Missing => return skip(entry, "missing `version`".to_owned()),
        StrField::WrongType(t) => {
            return skip(entry, format!("`version` is {t}, expected a string"));
        }
    };
    let version = strip_v(&version).to_owned();
    if let Err(reason) = text::check_token(&version, "version", true) {
        return skip(entry, reason);
    }

    let mut note = |reason: String| {
        problems.push(Problem {
            entry: entry.clone(),
            reason,
            skipped: false,
        })
    };
    let mut optional = |value: Option<Lenient>, key: &str| match json::string_field(value) {
        StrField::Value(v) if !v.is_empty() => Some(v),
        StrField::Value(_) | StrField::Missing => None,
        StrField::WrongType(t) => {
            note(format!("`{key}` is {t}, expected a string; ignored"));
            None
        }
    };
    let version_normalized = optional(
        Object::take(&mut fields, VERSION_NORMALIZED),
        "version_normalized",
    );
    let package_type = optional(Object::take(&mut fields, TYPE), "type");
    let licenses = licenses(Object::take(&mut fields, LICENSE), &mut note);
    Some(ComposerPackage {
        name,
        version,
        version_normalized,
        licenses,
        package_type,
        dev: false,
    })
}

/// `license` is an array of SPDX expressions in `installed.json`, but
/// `composer.json` also allows a single string, which old Composer copied
/// through.
fn licenses(value: Option<Lenient>, note: &mut impl FnMut(String)) -> Vec<String> {
    let items = match value {
        None | Some(Lenient::Null) => Vec::new(),
        Some(Lenient::Str(s)) => vec![s],
        Some(Lenient::List(list)) => {
            if list.non_strings > 0 {
                note(format!(
                    "{} `license` entries are not strings; ignored",
                    list.non_strings
                ));
            }
            if list.total.saturating_sub(list.non_strings) > MAX_FIELD_LIST {
                note(format!(
                    "more than {MAX_FIELD_LIST} `license` entries; the rest are ignored"
                ));
            }
            list.items
        }
        Some(other) => {
            note(format!(
                "`license` is {}, expected an array of strings; ignored",
                other.describe()
            ));
            Vec::new()
        }
    };
    items
        .into_iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

fn check_name(name: &str) -> Result<(), String> {
    text::check_token(name, "name", true)?;
    match name.split_once('/') {
        Some((vendor, rest)) if !vendor.is_empty() && !rest.is_empty() && !rest.contains('/') => {
            Ok(())
        }
        _ => Err("name is not of the form `vendor/package`".to_owned()),
    }
}

fn strip_v(version: &str) -> &str {
    match version.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    }
}

/// The parts of the document that matter.
struct Doc {
    packages: Option<Vec<Object>>,
    dev_names: Option<Lenient>,
}

struct DocSeed<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Doc;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_any(self)
    }
}

const TOP_KEYS: &[&str] = &["packages", "dev-package-names"];

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array (composer 1) or an object (composer 2)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Doc, A::Error> {
        Ok(Doc {
            packages: Some(
                PackagesSeed {
                    budget: self.budget,
                }
                .visit_seq(seq)?,
            ),
            dev_names: None,
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut doc = Doc {
            packages: None,
            dev_names: None,
        };
        while let Some(key) = map.next_key_seed(KeySeed { wanted: TOP_KEYS })? {
            match key {
                Some(0) => {
                    doc.packages = Some(map.next_value_seed(PackagesSeed {
                        budget: self.budget,
                    })?)
                }
                Some(_) => {
                    doc.dev_names = Some(map.next_value_seed(DevNamesSeed {
                        budget: self.budget,
                    })?)
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(doc)
    }
}

struct PackagesSeed<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for PackagesSeed<'_> {
    type Value = Vec<Object>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Object>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for PackagesSeed<'_> {
    type Value = Vec<Object>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of packages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Object>, A::Error> {
        let mut out = Vec::new();
        while let Some(entry) = seq.next_element_seed(ObjectSeed { wanted: FIELDS })? {
            self.budget.take::<A::Error>()?;
            out.push(entry);
        }
        Ok(out)
    }
}

/// `dev-package-names`: a list as long as the package list at most, so it
/// shares the package cap; a non-array is returned as is and reported.
struct DevNamesSeed<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for DevNamesSeed<'_> {
    type Value = Lenient;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Lenient, D::Error> {
        let value = d.deserialize_any(DevNamesVisitor {
            cap: self.budget.limit(),
        })?;
        match value {
            Lenient::List(ref l) if l.total > self.budget.limit() => {
                Err(self.budget.exceed::<D::Error>())
            }
            other => Ok(other),
        }
    }
}

struct DevNamesVisitor {
    cap: usize,
}

impl<'de> Visitor<'de> for DevNamesVisitor {
    type Value = Lenient;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any json value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Lenient, A::Error> {
        json::collect_strings(seq, self.cap).map(Lenient::List)
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
    fn visit_str<E>(self, _: &str) -> Result<Lenient, E> {
        Ok(Lenient::Other("a string"))
    }
    fn visit_unit<E>(self) -> Result<Lenient, E> {
        Ok(Lenient::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Lenient, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(Lenient::Other("an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_prefix() {
        assert_eq!(strip_v("v5.4.0"), "5.4.0");
        assert_eq!(strip_v("V1"), "1");
        assert_eq!(strip_v("5.4.0"), "5.4.0");
        assert_eq!(strip_v("v"), "v");
        assert_eq!(strip_v("vdev"), "vdev");
        assert_eq!(strip_v("dev-main"), "dev-main");
    }

    #[test]
    fn names() {
        assert!(check_name("symfony/console").is_ok());
        assert!(check_name("symfony").is_err());
        assert!(check_name("/console").is_err());
        assert!(check_name("a/b/c").is_err());
        assert!(check_name("a/b@1").is_err());
    }

    #[test]
    fn paths() {
        assert!(is_composer_installed_path(
            "var/www/html/vendor/composer/installed.json"
        ));
        assert!(is_composer_installed_path("vendor/composer/installed.json"));
        assert!(is_composer_installed_path(
            "app/lib/composer/installed.json"
        ));
        assert!(!is_composer_installed_path("composer.json"));
        assert!(!is_composer_installed_path("vendor/composer/installed.php"));
        assert!(!is_composer_installed_path("installed.json"));
        assert!(!is_composer_installed_path(
            "vendor/xcomposer/installed.json"
        ));
    }
}
