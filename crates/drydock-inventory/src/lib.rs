//! The inventory model: what an image contains.
//!
//! A [`Package`] is one installed component (an OS package or an application
//! dependency) with its [`Ecosystem`], purl, licenses, the [`Location`]s that
//! evidence it and the layer that introduced it. An [`Inventory`] is every
//! package of an image plus its [`Distro`] and the [`Unknown`]s: files that
//! looked like package metadata but could not be read. Catalogers produce
//! these values; matchers and reports only read them.

#![deny(missing_docs)]

use std::fmt;

use drydock_oci::Digest;
use serde::{Deserialize, Serialize};

mod purl;

pub use purl::PurlBuilder;

/// The packaging ecosystem a package belongs to; decides its purl type and
/// which version scheme and advisory feeds apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// Debian and Ubuntu packages (dpkg).
    Deb,
    /// Alpine and Wolfi packages (apk).
    Apk,
    /// RPM packages.
    Rpm,
    /// Python distributions.
    Pypi,
    /// npm packages.
    Npm,
    /// Maven artifacts (jar, war, ear).
    Maven,
    /// Go modules, and the Go standard library as `stdlib`.
    Golang,
    /// Rust crates from cargo-auditable binaries.
    Cargo,
    /// Ruby gems.
    Gem,
    /// PHP Composer packages.
    Composer,
    /// .NET NuGet packages.
    Nuget,
}

impl Ecosystem {
    /// The purl type, which is also drydock's short name for the ecosystem.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deb => "deb",
            Self::Apk => "apk",
            Self::Rpm => "rpm",
            Self::Pypi => "pypi",
            Self::Npm => "npm",
            Self::Maven => "maven",
            Self::Golang => "golang",
            Self::Cargo => "cargo",
            Self::Gem => "gem",
            Self::Composer => "composer",
            Self::Nuget => "nuget",
        }
    }

    /// True for packages managed by the operating system's package manager.
    pub fn is_os(self) -> bool {
        matches!(self, Self::Deb | Self::Apk | Self::Rpm)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A layer of the image, by position (base = 0) and diff_id. Root filesystem
/// directories have one pseudo-layer without a diff_id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LayerRef {
    /// Position in the image, base layer first.
    pub index: usize,
    /// The layer's diff_id (digest of the uncompressed tar).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<Digest>,
}

/// How a location supports a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    /// The metadata file the package was read from.
    Primary,
    /// A file that corroborates it (a symlink to it, a file list).
    Supporting,
}

/// A file in the image that evidences a package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Absolute path inside the image, e.g. `/var/lib/dpkg/status`. Archive
    /// members use `!/` to separate the archive and the member.
    pub path: String,
    /// The layer holding the file.
    pub layer: LayerRef,
    /// Role of the file.
    pub evidence: Evidence,
}

/// The source package an OS package was built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourcePackage {
    /// Source package name (`util-linux` for `bsdutils`).
    pub name: String,
    /// Source version; differs from the binary version for binNMUs and
    /// packages versioned separately from their source.
    pub version: String,
}

/// One installed component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Name as the ecosystem spells it (for Maven, the artifactId; for Go, the
    /// module path).
    pub name: String,
    /// Installed version as the ecosystem spells it.
    pub version: String,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Package URL.
    pub purl: String,
    /// Namespace where the ecosystem has one (Maven groupId, Composer vendor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Declared licenses as recorded (SPDX expressions where the metadata
    /// uses them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// CPU architecture for OS packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Source package, for OS packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// The layer that introduced this package (the first layer in which the
    /// same package was present without interruption).
    pub layer: LayerRef,
    /// Evidence, primary first.
    pub locations: Vec<Location>,
    /// Name of the cataloger that found it.
    pub found_by: String,
    /// Extra ecosystem-specific facts.
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

/// Ecosystem-specific facts that don't fit the common fields. An enum, not a
/// map, so consumers match exhaustively.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Metadata {
    /// Nothing beyond the common fields.
    #[default]
    None,
    /// RPM: epoch, version, release are also kept apart for matching.
    Rpm {
        /// Epoch, if set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<i32>,
        /// Release.
        release: String,
        /// The source rpm file name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source_rpm: Option<String>,
        /// Module stream label (RHEL modularity).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        modularity_label: Option<String>,
    },
    /// Go binaries.
    Golang {
        /// Toolchain that built the binary (`go1.19.8`).
        go_version: String,
        /// The binary's main module path.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        main_module: Option<String>,
        /// True for the main module itself.
        main: bool,
    },
    /// Java archives.
    Java {
        /// SHA-1 of the archive.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sha1: Option<String>,
    },
}

impl Metadata {
    /// True for [`Metadata::None`].
    pub fn is_empty(&self) -> bool {
        matches!(self, Self::None)
    }
}

impl Package {
    /// The primary evidence path.
    pub fn primary_path(&self) -> Option<&str> {
        self.locations
            .iter()
            .find(|l| l.evidence == Evidence::Primary)
            .or(self.locations.first())
            .map(|l| l.path.as_str())
    }

    /// A key that identifies the same package found twice (the same purl
    /// evidenced at the same primary path).
    pub fn identity(&self) -> (Ecosystem, &str, &str, Option<&str>) {
        (
            self.ecosystem,
            self.purl.as_str(),
            self.version.as_str(),
            self.primary_path(),
        )
    }
}

/// The operating system release of the image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// `ID` from os-release (`debian`, `alpine`, `rhel`, …).
    pub id: String,
    /// `VERSION_ID` (`12`, `3.19.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// `PRETTY_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
    /// `ID_LIKE`, split.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
}

impl Distro {
    /// The `distro` purl qualifier, e.g. `debian-12`.
    pub fn purl_qualifier(&self) -> String {
        match &self.version_id {
            Some(v) => format!("{}-{}", self.id, v),
            None => self.id.clone(),
        }
    }
}

/// A file that looked like package metadata but could not be read. The scan
/// goes on; the report lists these so a silent gap is never mistaken for a
/// clean result.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unknown {
    /// Path inside the image.
    pub path: String,
    /// Layer holding the file, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// Analyzer that failed.
    pub analyzer: String,
    /// What went wrong.
    pub reason: String,
}

/// Everything found in one image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// Operating system, if detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    /// Packages sorted by ecosystem, name, version and path.
    pub packages: Vec<Package>,
    /// Unreadable metadata.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknowns: Vec<Unknown>,
}

impl Inventory {
    /// Sorts packages and unknowns into their canonical order, so reports are
    /// byte-for-byte reproducible.
    pub fn sort(&mut self) {
        self.packages.sort_by(|a, b| {
            (a.ecosystem, &a.name, &a.version, a.primary_path()).cmp(&(
                b.ecosystem,
                &b.name,
                &b.version,
                b.primary_path(),
            ))
        });
        self.unknowns.sort();
    }
}
