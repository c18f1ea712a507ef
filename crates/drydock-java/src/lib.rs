//! Inventory of Java archives (jar, war, ear and the jpi, hpi, par, sar, kar,
//! nar and rar variants) held in memory, in the manner of Syft's and Trivy's
//! Java catalogers.
//!
//! [`scan_archive`] takes an archive's bytes and the path it was found at and
//! returns a [`Scan`]: the [`JavaPackage`]s identified in it and in every
//! archive nested inside it, plus warnings about parts that could not be
//! read. Each package carries Maven coordinates, the location of the archive
//! it was found in (`app.war!/WEB-INF/lib/foo.jar` for nested ones), the
//! [`Evidence`] it came from, and [`JavaPackage::purl`] renders it as
//! `pkg:maven/GROUP/ARTIFACT@VERSION`.
//!
//! # What is reported for one archive
//!
//! 1. Every `META-INF/maven/<group>/<artifact>/pom.properties` with a usable
//!    version is a package. Shaded jars carry several; each is reported.
//! 2. The archive's own identity is the pom.properties whose artifact matches
//!    the file name, or else the one the manifest describes (same version and
//!    a related name or vendor id). If none is its own, the identity comes
//!    from `META-INF/MANIFEST.MF`, and failing that from the file name. This
//!    is how one artifact is never reported twice from both sources.
//! 3. Only the archive's own identity gets the archive's SHA-1 (a shaded
//!    pom.properties does not describe the bytes of the archive holding it)
//!    and the manifest's `Bundle-License` entries.
//! 4. Entries with a Java archive extension are scanned recursively, up to
//!    [`Limits::max_depth`] levels. A nested archive that cannot be read
//!    becomes a warning; the scan of the rest goes on.
//!
//! # Weak evidence
//!
//! Manifest-only identities take the artifact from `Implementation-Title`,
//! the last segment of `Bundle-SymbolicName` or `Specification-Title`
//! (identifier-like values preferred over display names), the version from
//! `Implementation-Version`, `Bundle-Version` or `Specification-Version`, and
//! the group from `Implementation-Vendor-Id`, a short table of Maven 1 style
//! artifacts whose group equals their name (`log4j`, `junit`, `commons-io`,
//! ...), or the prefix of `Bundle-SymbolicName` / `Automatic-Module-Name`.
//! When no version is found anywhere, the file name is split
//! (`commons-lang3-3.12.0.jar`, `spring-core-5.3.4-SNAPSHOT.jar`); build
//! classifiers such as `-sources` or `-linux-x86_64` are dropped from the
//! version, while Maven qualifiers such as `-jre` or `.Final` are kept. Such
//! packages may lack a group id; see [`JavaPackage::purl`].
//!
//! # Hostile input
//!
//! Archives come from untrusted images. Nothing here panics on input, and all
//! work is bounded by [`Limits`]: entry counts are checked against the end
//! records before the zip reader indexes the central directory, every entry is
//! decompressed through a bound that is checked against the real output, not
//! the declared size, and the total decompressed across a scan, the number of
//! archives opened and the number of warnings are capped. Nothing touches the
//! filesystem.

#![deny(missing_docs)]

mod filename;
mod manifest;
mod pom;
mod purl;
mod text;
mod walk;
mod zipguard;

pub use walk::{MemberLimits, is_walkable_archive, walk_members};

use std::io::{Cursor, Read};

use sha1::{Digest, Sha1};
use zip::ZipArchive;

use crate::manifest::Manifest;
use crate::pom::PomProperties;
use crate::text::{clean_field, clean_identifier, sanitize};

/// The deepest nesting [`Limits::max_depth`] can allow.
pub const MAX_DEPTH_CAP: usize = 32;

/// Bounds on the work and memory one [`scan_archive`] call may spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// How many levels of nested archives are opened below the outer one.
    /// Deeper archives are skipped with a warning. Values above
    /// [`MAX_DEPTH_CAP`] are treated as that cap, since each level costs a
    /// stack frame.
    pub max_depth: usize,
    /// Most entries one archive may have; larger archives are refused before
    /// the central directory is indexed.
    pub max_entries: usize,
    /// Most bytes one metadata entry (`MANIFEST.MF`, `pom.properties`) may
    /// decompress to.
    pub max_entry_uncompressed: u64,
    /// Most bytes all decompression in one scan may produce, nested archives
    /// included.
    pub max_total_uncompressed: u64,
    /// Most bytes one nested archive may decompress to; it is held in memory
    /// while its own contents are scanned.
    pub max_nested_archive: u64,
    /// Most entries across every archive opened in one scan.
    pub max_total_entries: usize,
    /// Most archives (the outer one included) opened in one scan.
    pub max_archives: usize,
    /// Most warnings kept; further ones are counted in a final warning.
    pub max_warnings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 4,
            max_entries: 100_000,
            max_entry_uncompressed: 1024 * 1024,
            max_total_uncompressed: 512 * 1024 * 1024,
            max_nested_archive: 128 * 1024 * 1024,
            max_total_entries: 1_000_000,
            max_archives: 10_000,
            max_warnings: 1_000,
        }
    }
}

/// Where a package's identity was read from, strongest first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// A Maven `pom.properties` entry at `path` inside the archive.
    PomProperties {
        /// Entry path, e.g. `META-INF/maven/log4j/log4j/pom.properties`.
        path: String,
    },
    /// The main attributes of `META-INF/MANIFEST.MF`.
    Manifest,
    /// The archive's file name, e.g. `commons-lang3-3.12.0.jar`.
    FileName,
}

/// A Java package found in an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaPackage {
    /// Maven group id, when known. Manifest and file-name evidence often
    /// cannot supply one.
    pub group_id: Option<String>,
    /// Maven artifact id.
    pub artifact_id: String,
    /// Version as written in the evidence.
    pub version: String,
    /// The archive holding the evidence: the caller's location, followed by
    /// `!/entry` for each level of nesting.
    pub location: String,
    /// License names or URLs from the manifest's `Bundle-License`; only set on
    /// the package identifying the archive itself.
    pub licenses: Vec<String>,
    /// Lower-case hex SHA-1 of the archive bytes, set only on the package that
    /// identifies the archive itself, so it can be looked up on Maven Central.
    pub sha1: Option<String>,
    /// Where the identity came from.
    pub evidence: Evidence,
}

impl JavaPackage {
    /// The package URL, `pkg:maven/GROUP/ARTIFACT@VERSION`, with each
    /// component percent-encoded. Without a group id the namespace is left
    /// out (`pkg:maven/ARTIFACT@VERSION`); such purls will not match Maven
    /// advisories by coordinates and should be treated as low confidence.
    pub fn purl(&self) -> String {
        let mut out = String::from("pkg:maven/");
        if let Some(group) = &self.group_id {
            out.push_str(&purl::encode_component(group));
            out.push('/');
        }
        out.push_str(&purl::encode_component(&self.artifact_id));
        out.push('@');
        out.push_str(&purl::encode_component(&self.version));
        out
    }
}

/// The result of scanning one archive and everything nested in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Packages in archive order: an archive's own packages before those of
    /// archives nested in it.
    pub packages: Vec<JavaPackage>,
    /// Parts that were skipped or could not be read, each prefixed with the
    /// location it concerns.
    pub warnings: Vec<String>,
}

/// Why an archive could not be scanned at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The bytes are not a readable zip archive.
    #[error("invalid zip archive: {0}")]
    InvalidZip(String),
    /// The archive has more entries than [`Limits::max_entries`].
    #[error("archive declares {declared} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Entries declared by the archive.
        declared: u64,
        /// The configured limit.
        limit: usize,
    },
    /// Opening the archive would exceed [`Limits::max_total_entries`].
    #[error("scan-wide limit of {limit} entries reached")]
    EntryBudgetExhausted {
        /// The configured limit.
        limit: usize,
    },
    /// Opening the archive would exceed [`Limits::max_archives`].
    #[error("scan-wide limit of {limit} archives reached")]
    ArchiveBudgetExhausted {
        /// The configured limit.
        limit: usize,
    },
}

/// Whether `path` names a Java archive by its extension (case-insensitive):
/// jar, war, ear, jpi, hpi, par, sar, kar, nar or rar, after a non-empty stem.
pub fn is_java_archive_name(path: &str) -> bool {
    filename::has_java_extension(path)
}

/// Scans the archive `bytes`, found at `location`, and every archive nested
/// in it.
///
/// Errors only when the outer archive itself cannot be opened; problems
/// inside it (unreadable entries, bad nested archives, exhausted budgets) are
/// reported in [`Scan::warnings`].
pub fn scan_archive(bytes: &[u8], location: &str, limits: &Limits) -> Result<Scan, Error> {
    let mut scanner = Scanner {
        limits,
        scan: Scan::default(),
        suppressed_warnings: 0,
        remaining_bytes: limits.max_total_uncompressed,
        remaining_entries: limits.max_total_entries,
        remaining_archives: limits.max_archives,
    };
    scanner.scan_level(bytes, &sanitize(location), 0)?;
    if scanner.suppressed_warnings > 0 {
        let n = scanner.suppressed_warnings;
        scanner
            .scan
            .warnings
            .push(format!("{n} further warnings suppressed"));
    }
    Ok(scanner.scan)
}

const MANIFEST_PATH: &str = "META-INF/MANIFEST.MF";

struct Scanner<'l> {
    limits: &'l Limits,
    scan: Scan,
    suppressed_warnings: usize,
    remaining_bytes: u64,
    remaining_entries: usize,
    remaining_archives: usize,
}

impl Scanner<'_> {
    fn warn(&mut self, message: String) {
        if self.scan.warnings.len() < self.limits.max_warnings {
            self.scan.warnings.push(message);
        } else {
            self.suppressed_warnings = self.suppressed_warnings.saturating_add(1);
        }
    }

    fn scan_level(&mut self, bytes: &[u8], location: &str, depth: usize) -> Result<(), Error> {
        let limits = self.limits;
        if self.remaining_archives == 0 {
            return Err(Error::ArchiveBudgetExhausted {
                limit: limits.max_archives,
            });
        }
        self.remaining_archives -= 1;

        let declared = zipguard::declared_entry_bound(bytes);
        if declared > limits.max_entries as u64 {
            return Err(Error::TooManyEntries {
                declared,
                limit: limits.max_entries,
            });
        }
        let mut archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::InvalidZip(e.to_string()))?;
        let count = archive.len();
        if count > limits.max_entries {
            return Err(Error::TooManyEntries {
                declared: count as u64,
                limit: limits.max_entries,
            });
        }
        if count > self.remaining_entries {
            return Err(Error::EntryBudgetExhausted {
                limit: limits.max_total_entries,
            });
        }
        self.remaining_entries -= count;

        let mut manifest_index = None;
        let mut pom_entries = Vec::new();
        let mut nested = Vec::new();
        for index in 0..count {
            let name = entry_name(&archive, index);
            if name.ends_with('/') {
                continue;
            }
            if name.eq_ignore_ascii_case(MANIFEST_PATH) {
                manifest_index.get_or_insert(index);
            } else if pom::pom_path_coordinates(&name).is_some() {
                pom_entries.push((index, name));
            } else if filename::has_java_extension(&name) {
                nested.push((index, name));
            }
        }

        let manifest = match manifest_index {
            Some(index) => {
                match self.read_entry(&mut archive, index, limits.max_entry_uncompressed) {
                    Ok(data) => Some(manifest::parse_manifest(&data)),
                    Err(why) => {
                        self.warn(format!("{location}!/{MANIFEST_PATH}: {why}"));
                        None
                    }
                }
            }
            None => None,
        };

        let mut poms: Vec<PomProperties> = Vec::new();
        for (index, name) in pom_entries {
            let parsed = self
                .read_entry(&mut archive, index, limits.max_entry_uncompressed)
                .and_then(|data| pom::parse_pom_properties(&name, &data));
            match parsed {
                Ok(p) => {
                    let duplicate = poms.iter().any(|q| {
                        q.group_id == p.group_id
                            && q.artifact_id == p.artifact_id
                            && q.version == p.version
                    });
                    if !duplicate {
                        poms.push(p);
                    }
                }
                Err(why) => self.warn(format!("{location}!/{}: {why}", sanitize(&name))),
            }
        }

        let found = identify(bytes, location, manifest.as_ref(), poms);
        self.scan.packages.extend(found);

        for (index, name) in nested {
            let child = format!("{location}!/{}", sanitize(&name));
            let max_depth = limits.max_depth.min(MAX_DEPTH_CAP);
            if depth >= max_depth {
                self.warn(format!(
                    "{child}: nested more than {max_depth} archives deep; not scanned"
                ));
                continue;
            }
            match self.read_entry(&mut archive, index, limits.max_nested_archive) {
                Ok(data) => {
                    if let Err(e) = self.scan_level(&data, &child, depth + 1) {
                        self.warn(format!("{child}: {e}"));
                    }
                }
                Err(why) => self.warn(format!("{child}: {why}")),
            }
        }
        Ok(())
    }

    fn read_entry(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        cap: u64,
    ) -> Result<Vec<u8>, String> {
        read_bounded(
            archive,
            index,
            cap,
            &mut self.remaining_bytes,
            self.limits.max_total_uncompressed,
        )
    }
}

/// Decompresses entry `index`, refusing it when it declares or actually
/// produces more than `cap` bytes or more than the scan has left
/// (`remaining`, out of a scan-wide `total`). The reader is bounded by
/// `take`, so a lying size header cannot make us decompress past the bound.
pub(crate) fn read_bounded(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    cap: u64,
    remaining: &mut u64,
    total: u64,
) -> Result<Vec<u8>, String> {
    let budget = cap.min(*remaining);
    let mut file = archive
        .by_index(index)
        .map_err(|e| format!("unreadable entry: {e}"))?;
    let declared = file.size();
    if declared > cap {
        return Err(format!(
            "declares {declared} uncompressed bytes, more than the limit of {cap}"
        ));
    }
    if declared > budget {
        return Err(format!(
            "scan-wide limit of {total} decompressed bytes reached"
        ));
    }
    let mut data = Vec::new();
    let outcome = (&mut file)
        .take(budget.saturating_add(1))
        .read_to_end(&mut data);
    *remaining = remaining.saturating_sub(data.len() as u64);
    outcome.map_err(|e| format!("cannot decompress entry: {e}"))?;
    if data.len() as u64 > budget {
        return if budget < cap {
            Err(format!(
                "scan-wide limit of {total} decompressed bytes reached"
            ))
        } else {
            Err(format!(
                "decompresses to more than the limit of {cap} bytes (declared {declared})"
            ))
        };
    }
    Ok(data)
}

pub(crate) fn entry_name(archive: &ZipArchive<Cursor<&[u8]>>, index: usize) -> String {
    match archive.name_for_index(index) {
        Some(Ok(name)) => name.into_owned(),
        _ => archive
            .file_names_raw()
            .nth(index)
            .map(|raw| String::from_utf8_lossy(raw).into_owned())
            .unwrap_or_default(),
    }
}

/// Artifacts whose group id equals their artifact id, a Maven 1 convention
/// that nothing inside their jars records. Consulted only when the manifest
/// has no `Implementation-Vendor-Id`, so that e.g. Debian's rebuild of
/// log4j 1.2 (no pom.properties, `Bundle-SymbolicName: org.apache.log4j`)
/// still maps to `log4j:log4j`.
const SELF_GROUPED_ARTIFACTS: &[&str] = &[
    "log4j",
    "junit",
    "aopalliance",
    "antlr",
    "cglib",
    "jaxen",
    "oro",
    "xml-apis",
    "javax.inject",
    "commons-beanutils",
    "commons-cli",
    "commons-codec",
    "commons-collections",
    "commons-configuration",
    "commons-dbcp",
    "commons-digester",
    "commons-discovery",
    "commons-el",
    "commons-fileupload",
    "commons-httpclient",
    "commons-io",
    "commons-jxpath",
    "commons-lang",
    "commons-logging",
    "commons-net",
    "commons-pool",
    "commons-validator",
];

/// What the manifest says about the archive it describes.
#[derive(Debug, Default)]
struct ManifestIdentity {
    artifact: Option<String>,
    version: Option<String>,
    group: Option<String>,
    vendor_id: Option<String>,
    /// Every name-like attribute, to recognise the same artifact in a pom.properties.
    names: Vec<String>,
    /// Every version-like attribute.
    versions: Vec<String>,
}

/// `Bundle-SymbolicName` without its `;directive` parameters.
fn symbolic_name(value: &str) -> &str {
    value.split(';').next().unwrap_or(value).trim()
}

/// Splits a dotted name into (prefix, last segment).
fn split_dotted(value: &str) -> (Option<&str>, &str) {
    match value.rsplit_once('.') {
        Some((prefix, last)) if !prefix.is_empty() && !last.is_empty() => (Some(prefix), last),
        _ => (None, value),
    }
}

fn manifest_identity(manifest: &Manifest) -> ManifestIdentity {
    let main = &manifest.main;
    let entry = &manifest.entry;
    let bsn = main.get("bundle-symbolicname").map(symbolic_name);
    let amn = main.get("automatic-module-name");

    let artifact_candidates: Vec<&str> = [
        main.get("implementation-title"),
        bsn.map(|b| split_dotted(b).1),
        main.get("specification-title"),
        entry.get("implementation-title"),
        entry.get("specification-title"),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Titles are often display names ("Apache Commons Lang"); an
    // identifier-like candidate makes a better artifact id when there is one.
    let artifact = artifact_candidates
        .iter()
        .find_map(|c| clean_identifier(c))
        .or_else(|| artifact_candidates.iter().find_map(|c| clean_field(c)));

    let versions: Vec<String> = [
        main.get("implementation-version"),
        main.get("bundle-version"),
        main.get("specification-version"),
        entry.get("implementation-version"),
        entry.get("specification-version"),
    ]
    .into_iter()
    .flatten()
    .filter_map(clean_identifier)
    .collect();

    let vendor_id = main
        .get("implementation-vendor-id")
        .and_then(clean_identifier);
    let legacy = artifact
        .as_deref()
        .filter(|a| SELF_GROUPED_ARTIFACTS.contains(a))
        .map(str::to_string);
    let group = vendor_id
        .clone()
        .or(legacy)
        .or_else(|| {
            bsn.and_then(|b| split_dotted(b).0)
                .and_then(clean_identifier)
        })
        .or_else(|| {
            amn.and_then(|a| split_dotted(a).0)
                .and_then(clean_identifier)
        });

    let names = [
        main.get("implementation-title"),
        bsn,
        main.get("specification-title"),
        amn,
        entry.get("implementation-title"),
        entry.get("specification-title"),
    ]
    .into_iter()
    .flatten()
    .filter_map(clean_field)
    .collect();

    ManifestIdentity {
        artifact,
        version: versions.first().cloned(),
        group,
        vendor_id,
        names,
        versions,
    }
}

fn squash(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn versions_equivalent(a: &str, b: &str) -> bool {
    let norm = |v: &str| -> String {
        v.chars()
            .map(|c| match c {
                '-' | '_' => '.',
                other => other.to_ascii_lowercase(),
            })
            .collect()
    };
    a == b || norm(a) == norm(b)
}

/// Whether the manifest describes the same artifact as `pom`: an equivalent
/// version and a name or vendor id that points at the pom's coordinates.
fn manifest_matches_pom(m: &ManifestIdentity, pom: &PomProperties) -> bool {
    if !m
        .versions
        .iter()
        .any(|v| versions_equivalent(v, &pom.version))
    {
        return false;
    }
    if m.vendor_id.as_deref() == Some(pom.group_id.as_str()) {
        return true;
    }
    let artifact = pom.artifact_id.as_str();
    let qualified = format!("{}.{}", pom.group_id, artifact);
    let dotted_suffix = format!(".{artifact}");
    let squashed = squash(artifact);
    m.names.iter().any(|name| {
        name.eq_ignore_ascii_case(artifact)
            || *name == qualified
            || *name == pom.group_id
            || name.ends_with(&dotted_suffix)
            || (!squashed.is_empty() && squash(name) == squashed)
    })
}

/// License entries of `Bundle-License`: a comma-separated list whose items may
/// be quoted and carry `;link=...` parameters.
fn bundle_licenses(manifest: &Manifest) -> Vec<String> {
    const MAX_LICENSES: usize = 16;
    let Some(value) = manifest.main.get("bundle-license") else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    let mut in_params = false;
    for c in value.chars().chain(std::iter::once(',')) {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                let item = current.trim();
                if item != "<<EXTERNAL>>"
                    && let Some(item) = clean_field(item)
                    && !items.contains(&item)
                    && items.len() < MAX_LICENSES
                {
                    items.push(item);
                }
                current.clear();
                in_params = false;
            }
            ';' if !in_quotes => in_params = true,
            other if !in_params => current.push(other),
            _ => {}
        }
    }
    items
}

fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

/// Turns one archive's evidence into packages; see the crate documentation
/// for the rules.
fn identify(
    bytes: &[u8],
    location: &str,
    manifest: Option<&Manifest>,
    poms: Vec<PomProperties>,
) -> Vec<JavaPackage> {
    let file = filename::parse_file_name(location);
    let mident = manifest.map(manifest_identity).unwrap_or_default();
    let licenses = manifest.map(bundle_licenses).unwrap_or_default();

    let own = file
        .as_ref()
        .and_then(|f| {
            poms.iter()
                .position(|p| {
                    p.artifact_id == f.artifact
                        && f.version.as_ref().is_none_or(|v| *v == p.version)
                })
                // A renamed or mis-versioned file still names the artifact.
                .or_else(|| poms.iter().position(|p| p.artifact_id == f.artifact))
        })
        .or_else(|| poms.iter().position(|p| manifest_matches_pom(&mident, p)));

    let mut out = Vec::with_capacity(poms.len().saturating_add(1));
    for (i, p) in poms.into_iter().enumerate() {
        let is_own = own == Some(i);
        out.push(JavaPackage {
            group_id: Some(p.group_id),
            artifact_id: p.artifact_id,
            version: p.version,
            location: location.to_string(),
            licenses: if is_own { licenses.clone() } else { Vec::new() },
            sha1: is_own.then(|| sha1_hex(bytes)),
            evidence: Evidence::PomProperties {
                path: sanitize(&p.path),
            },
        });
    }
    if own.is_some() {
        return out;
    }

    // No pom names the file's artifact here, or `own` would be set.
    let from_file = |f: &filename::FileNameInfo| {
        Some((
            clean_field(&f.artifact)?,
            clean_identifier(f.version.as_ref()?)?,
        ))
    };
    let identity = match (&mident.artifact, &mident.version) {
        (Some(artifact), Some(version)) => {
            Some((artifact.clone(), version.clone(), Evidence::Manifest))
        }
        _ => file
            .as_ref()
            .and_then(from_file)
            .map(|(a, v)| (a, v, Evidence::FileName)),
    };
    if let Some((artifact_id, version, evidence)) = identity {
        out.push(JavaPackage {
            group_id: mident.group,
            artifact_id,
            version,
            location: location.to_string(),
            licenses,
            sha1: Some(sha1_hex(bytes)),
            evidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> Manifest {
        manifest::parse_manifest(text.as_bytes())
    }

    #[test]
    fn manifest_identity_prefers_identifier_like_names() {
        let m = manifest_identity(&manifest(
            "Implementation-Title: Jackson databind\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-databind\nBundle-Version: 2.13.0\n",
        ));
        assert_eq!(m.artifact.as_deref(), Some("jackson-databind"));
        assert_eq!(m.group.as_deref(), Some("com.fasterxml.jackson.core"));
        assert_eq!(m.version.as_deref(), Some("2.13.0"));
    }

    #[test]
    fn vendor_id_beats_other_group_sources() {
        let m = manifest_identity(&manifest(
            "Implementation-Title: commons-io\nImplementation-Vendor-Id: commons-io\nBundle-SymbolicName: org.apache.commons.io\nImplementation-Version: 2.11.0\n",
        ));
        assert_eq!(m.group.as_deref(), Some("commons-io"));
        let m = manifest_identity(&manifest(
            "Automatic-Module-Name: org.example.lib\nImplementation-Title: lib\nImplementation-Version: 1\n",
        ));
        assert_eq!(m.group.as_deref(), Some("org.example"));
    }

    #[test]
    fn licenses_split_on_top_level_commas() {
        let m = manifest(
            "Bundle-License: \"Apache-2.0\";link=\"http://x/a,b\", MIT , <<EXTERNAL>>, MIT\n",
        );
        assert_eq!(bundle_licenses(&m), vec!["Apache-2.0", "MIT"]);
    }

    #[test]
    fn manifest_pom_matching() {
        let pom = PomProperties {
            path: String::new(),
            group_id: "org.apache.commons".into(),
            artifact_id: "commons-lang3".into(),
            version: "3.12.0".into(),
        };
        let by_vendor = manifest_identity(&manifest(
            "Implementation-Title: Apache Commons Lang\nImplementation-Vendor-Id: org.apache.commons\nImplementation-Version: 3.12.0\n",
        ));
        assert!(manifest_matches_pom(&by_vendor, &pom));
        let other_version = manifest_identity(&manifest(
            "Implementation-Vendor-Id: org.apache.commons\nImplementation-Version: 3.11\n",
        ));
        assert!(!manifest_matches_pom(&other_version, &pom));
        let unrelated = manifest_identity(&manifest(
            "Implementation-Title: myapp\nImplementation-Version: 3.12.0\n",
        ));
        assert!(!manifest_matches_pom(&unrelated, &pom));
    }

    proptest::proptest! {
        #[test]
        fn text_parsers_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let m = manifest::parse_manifest(&bytes);
            let id = manifest_identity(&m);
            let _ = bundle_licenses(&m);
            for field in [&id.artifact, &id.version, &id.group].into_iter().flatten() {
                proptest::prop_assert!(!field.chars().any(char::is_control));
            }
            let _ = pom::parse_properties(&bytes, &["groupId", "artifactId", "version"]);
            let _ = pom::parse_pom_properties("META-INF/maven/g/a/pom.properties", &bytes);
        }

        #[test]
        fn file_names_never_panic(name in ".{0,80}") {
            if let Some(info) = filename::parse_file_name(&name) {
                proptest::prop_assert!(!info.artifact.is_empty());
                proptest::prop_assert!(info.version.as_ref().is_none_or(|v| !v.is_empty()));
            }
        }
    }

    #[test]
    fn purl_encoding() {
        let p = JavaPackage {
            group_id: Some("org.example".into()),
            artifact_id: "a b".into(),
            version: "1.0+x".into(),
            location: String::new(),
            licenses: Vec::new(),
            sha1: None,
            evidence: Evidence::FileName,
        };
        assert_eq!(p.purl(), "pkg:maven/org.example/a%20b@1.0%2Bx");
        let p = JavaPackage {
            group_id: None,
            artifact_id: "log4j".into(),
            version: "1.2.17".into(),
            ..p
        };
        assert_eq!(p.purl(), "pkg:maven/log4j@1.2.17");
    }
}
