//! .NET `*.deps.json` dependency manifests.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::json::{self, Budget, KeySeed, Lenient, Object, ObjectSeed, StrField};
use crate::{Error, Limits, Problem, text};

/// A NuGet package the application was built against (`"type": "package"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NugetPackage {
    /// The package id, in the case the file spells it.
    pub name: String,
    /// The package version.
    pub version: String,
    /// `sha512-BASE64` hash of the `.nupkg`, when recorded.
    pub sha512: Option<String>,
    /// Path of the package in the NuGet cache (`newtonsoft.json/13.0.1`).
    pub path: Option<String>,
}

impl NugetPackage {
    /// The purl, `pkg:nuget/NAME@VERSION`. The purl spec keeps NuGet ids
    /// case-preserving, so the name is not lowercased.
    pub fn purl(&self) -> String {
        crate::purl::render("nuget", None, &self.name, &self.version, &[])
    }
}

/// A project of the application itself (`"type": "project"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DotnetProject {
    /// Project (assembly) name.
    pub name: String,
    /// Project version.
    pub version: String,
}

/// Everything read from one `*.deps.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepsJson {
    /// `runtimeTarget.name`, the target framework (`.NETCoreApp,Version=v6.0`).
    pub runtime_target: Option<String>,
    /// The application's projects, in file order.
    pub projects: Vec<DotnetProject>,
    /// The NuGet packages, in file order.
    pub packages: Vec<NugetPackage>,
    /// Entries skipped and fields ignored, with reasons.
    pub problems: Vec<Problem>,
}

impl DepsJson {
    /// The application itself: the SDK writes the project being built as the
    /// first `libraries` entry, before its project references.
    pub fn root(&self) -> Option<&DotnetProject> {
        self.projects.first()
    }
}

/// True for `NAME.deps.json` anywhere in the image.
pub fn is_deps_json_path(path: &str) -> bool {
    text::file_name(path)
        .strip_suffix(".deps.json")
        .is_some_and(|stem| !stem.is_empty())
}

/// Reads a `*.deps.json`.
///
/// Only `libraries` is read: `package` entries become [`NugetPackage`]s and
/// `project` entries [`DotnetProject`]s, while other types (`reference` for
/// plain DLL references, `runtimepack`, `referenceassembly`,
/// `msbuildproject`) are left out without a [`Problem`]. An entry whose key is
/// not `NAME/VERSION` or whose `type` is not a string is skipped with a
/// problem. Fails only when the file is too large, is not a JSON object, has
/// too many `libraries` entries or no `libraries` at all.
pub fn parse_deps_json(bytes: &[u8], limits: &Limits) -> Result<DepsJson, Error> {
    let doc = json::run(bytes, limits, |de, budget| {
        DocSeed { budget }.deserialize(de)
    })?;
    let libraries = doc.libraries.ok_or(Error::MissingField("libraries"))?;
    let mut out = DepsJson {
        runtime_target: doc.runtime_target,
        ..DepsJson::default()
    };
    for (key, entry) in libraries {
        convert(key, entry, &mut out);
    }
    Ok(out)
}

const LIBRARY_FIELDS: &[&str] = &["type", "sha512", "path"];
const TYPE: usize = 0;
const SHA512: usize = 1;
const PATH: usize = 2;

fn convert(key: String, entry: Object, out: &mut DepsJson) {
    let label = text::label(&key);
    let mut skip = |reason: String| {
        out.problems.push(Problem {
            entry: label.clone(),
            reason,
            skipped: true,
        })
    };
    let mut fields = match entry {
        Object::Fields(f) => f,
        Object::NotObject(what) => {
            return skip(format!("library entry is {what}, expected an object"));
        }
    };
    let kind = match json::string_field(Object::take(&mut fields, TYPE)) {
        StrField::Value(k) => k,
        StrField::Missing => return skip("missing `type`".to_owned()),
        StrField::WrongType(t) => return skip(format!("`type` is {t}, expected a string")),
    };
    if kind != "package" && kind != "project" {
        return;
    }
    let (name, version) = match split_key(&key) {
        Ok(parts) => parts,
        Err(reason) => return skip(reason),
    };
    if kind == "project" {
        out.projects.push(DotnetProject { name, version });
        return;
    }
    let mut optional = |value: Option<Lenient>, field: &str| match json::string_field(value) {
        StrField::Value(v) if !v.is_empty() => Some(v),
        StrField::Value(_) | StrField::Missing => None,
        StrField::WrongType(t) => {
            out.problems.push(Problem {
                entry: label.clone(),
                reason: format!("`{field}` is {t}, expected a string; ignored"),
                skipped: false,
            });
            None
        }
    };
    let sha512 = optional(Object::take(&mut fields, SHA512), "sha512");
    let path = optional(Object::take(&mut fields, PATH), "path");
    out.packages.push(NugetPackage {
        name,
        version,
        sha512,
        path,
    });
}

/// Splits a `libraries` key, `NAME/VERSION`. Neither NuGet ids nor versions
/// may contain `/`, so exactly one is expected.
fn split_key(key: &str) -> Result<(String, String), String> {
    let Some((name, version)) = key.split_once('/') else {
        return Err("key is not of the form `name/version`".to_owned());
    };
    text::check_token(name, "name", false)?;
    text::check_token(version, "version", false)?;
    Ok((name.to_owned(), version.to_owned()))
}

struct Doc {
    runtime_target: Option<String>,
    libraries: Option<Vec<(String, Object)>>,
}

struct DocSeed<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = Doc;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_map(self)
    }
}

const TOP_KEYS: &[&str] = &["runtimeTarget", "libraries"];
const TARGET_FIELDS: &[&str] = &["name"];

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a deps.json object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let mut doc = Doc {
            runtime_target: None,
            libraries: None,
        };
        while let Some(key) = map.next_key_seed(KeySeed { wanted: TOP_KEYS })? {
            match key {
                Some(0) => {
                    let target = map.next_value_seed(ObjectSeed {
                        wanted: TARGET_FIELDS,
                    })?;
                    doc.runtime_target = match target {
                        Object::Fields(mut f) => {
                            match json::string_field(Object::take(&mut f, 0)) {
                                StrField::Value(name) if !name.is_empty() => Some(name),
                                _ => None,
                            }
                        }
                        Object::NotObject(_) => None,
                    };
                }
                Some(_) => {
                    doc.libraries = Some(map.next_value_seed(LibrariesSeed {
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

struct LibrariesSeed<'b> {
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for LibrariesSeed<'_> {
    type Value = Vec<(String, Object)>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LibrariesSeed<'_> {
    type Value = Vec<(String, Object)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of libraries")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let entry = map.next_value_seed(ObjectSeed {
                wanted: LIBRARY_FIELDS,
            })?;
            self.budget.take::<A::Error>()?;
            out.push((key, entry));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            split_key("Newtonsoft.Json/13.0.1").unwrap(),
            ("Newtonsoft.Json".to_owned(), "13.0.1".to_owned())
        );
        assert!(split_key("NoVersion").is_err());
        assert!(split_key("a/b/c").is_err());
        assert!(split_key("/1.0").is_err());
        assert!(split_key("a/").is_err());
    }

    #[test]
    fn paths() {
        assert!(is_deps_json_path("app/WebApp.deps.json"));
        assert!(is_deps_json_path(
            "usr/share/dotnet/shared/Microsoft.NETCore.App/6.0.5/Microsoft.NETCore.App.deps.json"
        ));
        assert!(!is_deps_json_path("app/.deps.json"));
        assert!(!is_deps_json_path("app/WebApp.runtimeconfig.json"));
        assert!(!is_deps_json_path("app/deps.json"));
    }
}
