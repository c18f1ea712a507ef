//! Catalogers: from files in layers to an [`Inventory`].
//!
//! An [`Analyzer`] declares, from a path and its tar metadata alone, whether it
//! wants a file ([`Analyzer::wants`]); only then is the content read (bounded
//! by [`Analyzer::max_size`]) and handed to [`Analyzer::analyze`], which
//! returns [`Finding`]s. [`LayerDriver`] runs every analyzer over one layer
//! walk and records the layer's index at the same time, producing a
//! [`LayerAnalysis`] that depends on nothing but the layer's bytes, so it can
//! be cached by diff_id and analyzer versions.
//!
//! [`assemble`] then combines the layer analyses with the stacked file system:
//! a finding counts only if the file it came from is the version visible in
//! the final image (so whiteouts, opaque directories and replaced files are
//! handled once, here, for every ecosystem), packages are attributed to the
//! first layer that had them, purls get their distro qualifiers, and
//! language packages whose files an OS package owns are dropped in favour of
//! the OS package.
//!
//! The registry of analyzers is the explicit list in [`default_analyzers`].

#![deny(missing_docs)]

mod apk;
mod assemble;
mod binary;
mod dockerfile;
mod dpkg;
mod driver;
mod java;
mod langmeta;
mod malware;
mod npm;
mod os;
mod purl;
mod python;
mod rfc822;
mod rpm;
mod secrets;

use drydock_inventory::{Distro, Ecosystem, Metadata, SourcePackage};
use drydock_layer::EntryMeta;
use serde::{Deserialize, Serialize};

pub use assemble::{AssembleOptions, assemble};
pub use dockerfile::{DockerfileAnalyzer, is_dockerfile_name};
pub use driver::{Dispatch, FileFindings, LayerAnalysis, LayerDriver, cache_key};
pub use drydock_java::MemberLimits;
pub use malware::{MalwareAnalyzer, MalwareEngines, MalwareRecord};
pub use secrets::SecretAnalyzer;

/// Something that reads files of interest and reports what they contain.
pub trait Analyzer: Send + Sync {
    /// Stable kebab-case name, e.g. `dpkg-db-cataloger`.
    fn name(&self) -> &'static str;
    /// Bumped whenever the output for the same input changes; part of the
    /// layer cache key.
    fn version(&self) -> u32;
    /// Cheap check on path (relative, no leading `/`) and metadata.
    fn wants(&self, path: &str, meta: &EntryMeta) -> bool;
    /// What identifies this analyzer's behaviour in the layer cache key;
    /// analyzers configured at run time (custom rules) add their
    /// configuration's fingerprint.
    fn cache_tag(&self) -> String {
        format!("{}@{}", self.name(), self.version())
    }
    /// Largest file this analyzer reads; bigger ones become unknowns.
    fn max_size(&self) -> u64 {
        16 << 20
    }
    /// Reads one file.
    fn analyze(&self, path: &str, meta: &EntryMeta, content: &[u8])
    -> Result<Vec<Finding>, String>;
}

/// What an analyzer found in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Finding {
    /// An installed package.
    Package(PackageRecord),
    /// Operating system identification.
    Distro(DistroHint),
    /// Files an OS package installed.
    OwnedFiles {
        /// Ecosystem of the owner.
        ecosystem: Ecosystem,
        /// Owner package name.
        package: String,
        /// Absolute paths.
        files: Vec<String>,
    },
    /// A credential.
    Secret(SecretHit),
    /// A configuration finding about this file (a linted Dockerfile).
    Misconfig(Box<drydock_findings::Misconfiguration>),
    /// A malware engine flagged this file.
    Malware(MalwareRecord),
    /// A file that could not be read but should have been.
    Problem(String),
}

/// A secret as the analyzer saw it in one file of one layer; assembly adds
/// what became of the file and redacts it for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHit {
    /// Rule id.
    pub rule_id: String,
    /// Rule title.
    pub title: String,
    /// Rule category.
    pub category: String,
    /// Severity (`low` … `critical`).
    pub severity: String,
    /// The secret. Kept in the layer cache, which lives in the user's own
    /// cache directory; reports redact it.
    pub secret: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The archive member holding the secret, when the file is an archive
    /// (`BOOT-INF/lib/inner.jar!/application.properties`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// A package as an analyzer sees it, before assembly adds layers and purls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRecord {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Namespace (Maven group, Composer vendor, npm scope without `@`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Licenses as recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// Architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Source package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// Where inside the file the package lives (`!/WEB-INF/lib/x.jar`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Extra facts.
    #[serde(default)]
    pub metadata: Metadata,
}

impl PackageRecord {
    /// A record with only the required fields.
    pub fn new(ecosystem: Ecosystem, name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            ecosystem,
            name: name.into(),
            version: version.into(),
            namespace: None,
            licenses: Vec::new(),
            arch: None,
            source: None,
            member: None,
            metadata: Metadata::None,
        }
    }
}

/// Operating system facts from one release file; assembly picks the best.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistroHint {
    /// Lower wins: os-release is 0, distro-specific files follow.
    pub rank: u8,
    /// What the file says.
    pub distro: Distro,
}

/// A cataloger that is a path selector plus a parser, which is all most
/// ecosystems need: selection, buffering, error capture and parallelism
/// live in one place, and a new ecosystem is mostly its parse function.
#[derive(Clone, Copy)]
pub struct FileCataloger {
    /// Stable kebab-case name.
    pub name: &'static str,
    /// Output version, part of the layer cache key.
    pub version: u32,
    /// Largest file read.
    pub max_size: u64,
    /// Cheap choice on path (relative) and tar metadata.
    pub selects: fn(&str, &EntryMeta) -> bool,
    /// Reads one selected file.
    pub parse: fn(&str, &[u8]) -> Result<Vec<Finding>, String>,
}

impl Analyzer for FileCataloger {
    fn name(&self) -> &'static str {
        self.name
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        (self.selects)(path, meta)
    }

    fn max_size(&self) -> u64 {
        self.max_size
    }

    fn analyze(
        &self,
        path: &str,
        _meta: &EntryMeta,
        content: &[u8],
    ) -> Result<Vec<Finding>, String> {
        (self.parse)(path, content)
    }
}

/// Every built-in analyzer, in a fixed order.
pub fn default_analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![
        Box::new(os::CATALOGER),
        Box::new(dpkg::CATALOGER),
        Box::new(apk::CATALOGER),
        Box::new(rpm::CATALOGER),
        Box::new(python::CATALOGER),
        Box::new(npm::CATALOGER),
        Box::new(langmeta::GEM),
        Box::new(langmeta::COMPOSER),
        Box::new(langmeta::DOTNET),
        Box::new(java::CATALOGER),
        Box::new(binary::CATALOGER),
    ]
}

/// Metadata of a regular file, for analyzer tests.
#[cfg(test)]
pub(crate) fn test_meta(mode: u32, size: u64) -> EntryMeta {
    EntryMeta {
        path: String::new(),
        kind: drydock_layer::EntryKind::File,
        mode,
        uid: 0,
        gid: 0,
        size,
        link: None,
    }
}
