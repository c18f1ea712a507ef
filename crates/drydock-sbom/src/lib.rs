//! Reading stored SBOMs back into drydock's inventory model.
//!
//! [`read_sbom`] takes the bytes of a CycloneDX (1.2 to 1.6) or SPDX (2.2,
//! 2.3) JSON document and returns a [`LoadedSbom`]: an
//! [`Inventory`] that the matcher can check
//! against the advisory database again without the image, plus the target's
//! name, the layers the document mentions and warnings about what could not
//! be read.
//!
//! # What is read
//!
//! A package is a CycloneDX component (nested `components` included) or an
//! SPDX package with a purl whose type is one of drydock's ecosystems (`deb`,
//! `apk`, `rpm`, `pypi`, `npm`, `maven`, `golang`, `cargo`, `gem`,
//! `composer`, `nuget`). Components with other purl types, or without a
//! purl, are skipped, with one warning per kind giving the count.
//!
//! - **Identity.** Name, namespace and version come from the purl, in
//!   drydock's conventions: OS packages and Go modules have no namespace, a
//!   Go module's name is its whole path (a purl subpath is dropped), Maven's
//!   namespace is the groupId and npm's the `@scope`, RPM versions leave the
//!   epoch to the metadata, and the Go standard library is versioned
//!   `go1.x.y`. The component's own spelling of the name is kept when it
//!   differs from the purl only by case or PEP 503 normalisation.
//!   Components that drydock wrote (they carry `drydock:package:type`) keep
//!   their name and version exactly, with `drydock:package:full-version`
//!   restoring a version the writer had to shorten.
//! - **Source package** (OS packages): `drydock:package:source-name` /
//!   `source-version`, else syft's `syft:metadata:source` /
//!   `sourceVersion`, else the purl's `upstream` qualifier (`openssl` or
//!   `openssl@1.1.1n-0+deb11u3`; for rpm, the source rpm file name). A
//!   source without a version has the package's version, as in dpkg, and a
//!   Debian package from another producer without any is its own source.
//! - **Layer and locations**: `drydock:package:layer-index` /
//!   `layer-diff-id` and one `drydock:package:evidence-path` per location
//!   (the first is primary; the writer's `evidence.occurrences` restore each
//!   location's own layer and role), else CycloneDX `evidence.occurrences`,
//!   else syft's `syft:location:N:path` / `syft:location:N:layerID`. Syft
//!   does not record layer positions, so its layers have index 0 and keep
//!   their diff_id; it lists locations alphabetically, so an OS package's
//!   database file (`/var/lib/dpkg/status` and the like) is made the primary
//!   location when present. Without any, the layer is index 0, no diff_id.
//!   drydock's package properties are also read under the bare `drydock:`
//!   prefix (`drydock:layer-index`).
//! - **Metadata**: `drydock:package:rpm:*`, `drydock:package:go:*`,
//!   `drydock:package:java:sha1` and `SHA-1` hashes, or syft's
//!   `goCompiledVersion` / `mainModule` / `sourceRpm` / `epoch` properties
//!   and the purl's rpm `epoch`. Maven packages get Java metadata, as
//!   drydock's Java cataloger gives them.
//! - **Cataloger**: `drydock:package:found-by` or `syft:package:foundBy`,
//!   else `sbom`.
//! - **Distribution**: the CycloneDX `operating-system` component (or the
//!   SPDX `OPERATING_SYSTEM` package), else the `distro` qualifier of the OS
//!   packages' purls (`debian-11`, `alpine-3.18.4`); when packages disagree
//!   the most frequent wins, with a warning.
//! - **Target name**: drydock's `drydock:target:name`, else the CycloneDX
//!   `metadata.component` name and version (`name:tag`, `name@sha256:…`),
//!   else the SPDX document `name`.
//! - **Layers**: drydock's `drydock:image:layer` properties, else every
//!   layer a package or location names.
//! - drydock's recorded unknowns (`drydock:unknown`, or `unknown:` lines of
//!   a drydock SPDX document comment) become inventory unknowns again, and
//!   its recorded warnings are passed on. drydock SPDX documents also give
//!   back namespaces, architectures and source packages (package
//!   `comment`), catalogers and locations with their layers (`sourceInfo`).
//!
//! # Errors and limits
//!
//! A document that is not JSON, not an object, or not one of the supported
//! formats and versions is an [`SbomError`] naming the file (and the line
//! and column for JSON errors). One bad component or package is a warning
//! and the rest are read. Documents over 512 MiB, with more than 5 million
//! components (nested ones included), or with components nested more than
//! 64 levels deep are refused. Warnings do not repeat the file name, which
//! the caller knows, and stop after 100 with a count of the rest.

#![deny(missing_docs)]

mod cyclonedx;
mod distro;
mod json;
mod package;
mod purl;
mod spdx;
mod unknown;

use std::fmt;

use drydock_inventory::Inventory;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Largest document read, in bytes.
pub const MAX_SBOM_BYTES: usize = 512 * 1024 * 1024;
/// Deepest component nesting accepted (a top-level component is level 1).
pub const MAX_COMPONENT_DEPTH: usize = 64;
/// Most components (CycloneDX, nested included) or packages (SPDX) read.
pub const MAX_COMPONENTS: usize = 5_000_000;

/// The format an SBOM was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomFormat {
    /// CycloneDX JSON, spec versions 1.2 to 1.6.
    CycloneDx,
    /// SPDX JSON, versions 2.2 and 2.3.
    Spdx,
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CycloneDx => "CycloneDX",
            Self::Spdx => "SPDX",
        })
    }
}

/// An SBOM read back into drydock's model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedSbom {
    /// The packages, distribution and recorded unknowns, sorted with
    /// [`Inventory::sort`].
    pub inventory: Inventory,
    /// What the SBOM describes (the image name the scan was given), if the
    /// document says.
    pub target_name: Option<String>,
    /// The document's format.
    pub format: SbomFormat,
    /// What could not be read, and warnings the producing scan recorded.
    pub warnings: Vec<String>,
    /// The image's layers as `(index, diff_id)`, base first, as far as the
    /// document tells: drydock lists them all; for other producers these are
    /// the layers packages were found in, at index 0 when the position is
    /// unknown.
    pub layers: Vec<(usize, Option<String>)>,
}

/// Why an SBOM could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SbomError {
    /// The document is larger than [`MAX_SBOM_BYTES`].
    #[error("{what}: {size} bytes is more than the {limit} bytes an SBOM may have")]
    TooLarge {
        /// The file.
        what: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON, or JSON whose structure breaks the format (a field of the
    /// wrong type where the whole document depends on it).
    #[error("{what}: malformed JSON at line {line}, column {column}: {message}")]
    Malformed {
        /// The file.
        what: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// JSON, but neither CycloneDX nor SPDX.
    #[error("{what}: not a CycloneDX or SPDX JSON document: found {found}")]
    Unrecognized {
        /// The file.
        what: String,
        /// What the document looks like instead.
        found: String,
    },
    /// CycloneDX or SPDX, in a version drydock does not read.
    #[error(
        "{what}: {format} version {version} is not supported (drydock reads CycloneDX 1.2 to 1.6 and SPDX 2.2 and 2.3)"
    )]
    UnsupportedVersion {
        /// The file.
        what: String,
        /// The format.
        format: SbomFormat,
        /// The version the document declares.
        version: String,
    },
    /// Components nested deeper than [`MAX_COMPONENT_DEPTH`], or JSON deeper
    /// than the parser's limit.
    #[error(
        "{what}: nested too deeply at line {line}, column {column} (limit {limit} component levels)"
    )]
    TooDeep {
        /// The file.
        what: String,
        /// 1-based line of the component or value that is too deep.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The component nesting limit.
        limit: usize,
    },
    /// More than [`MAX_COMPONENTS`] components or packages.
    #[error("{what}: more than {limit} components")]
    TooManyComponents {
        /// The file.
        what: String,
        /// The limit.
        limit: usize,
    },
}

/// The top-level fields that decide the format, and the lists read later.
/// Everything is raw here so no field's type can fail the whole document;
/// each is interpreted on its own.
#[derive(Deserialize)]
struct Top<'a> {
    #[serde(rename = "bomFormat", borrow)]
    bom_format: Option<&'a RawValue>,
    #[serde(rename = "specVersion", borrow)]
    spec_version: Option<&'a RawValue>,
    #[serde(rename = "spdxVersion", borrow)]
    spdx_version: Option<&'a RawValue>,
    #[serde(rename = "@context", borrow)]
    context: Option<&'a RawValue>,
    #[serde(borrow)]
    metadata: Option<&'a RawValue>,
    #[serde(borrow)]
    components: Option<json::RawList<'a>>,
    #[serde(borrow)]
    packages: Option<json::RawList<'a>>,
    #[serde(borrow)]
    name: Option<&'a RawValue>,
    #[serde(rename = "creationInfo", borrow)]
    creation_info: Option<&'a RawValue>,
    #[serde(borrow)]
    comment: Option<&'a RawValue>,
}

/// Reads an SBOM. `what` names the document (its file name) in errors.
///
/// Never panics; see the crate documentation for what is read and which
/// limits apply.
pub fn read_sbom(bytes: &[u8], what: &str) -> Result<LoadedSbom, SbomError> {
    if bytes.len() > MAX_SBOM_BYTES {
        return Err(SbomError::TooLarge {
            what: what.to_owned(),
            size: bytes.len(),
            limit: MAX_SBOM_BYTES,
        });
    }
    // Editors on Windows like to start JSON files with a byte order mark,
    // which JSON itself does not allow.
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc = json::Doc { bytes: body, what };

    let first = body.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first != Some(b'{') {
        // Report malformed JSON as such; well-formed JSON that is not an
        // object is simply not an SBOM.
        serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(|e| doc.error(&e))?;
        return Err(SbomError::Unrecognized {
            what: what.to_owned(),
            found: json::kind_of_value(first),
        });
    }
    let top: Top<'_> = serde_json::from_slice(body).map_err(|e| doc.error(&e))?;

    let bom_format = top.bom_format.map(json::string_or_shape);
    let spdx_version = top.spdx_version.map(json::string_or_shape);
    match (&bom_format, &spdx_version) {
        (Some(Ok(f)), _) if f.eq_ignore_ascii_case("CycloneDX") => {
            let version = top.spec_version.map(json::string_or_shape);
            match version {
                Some(Ok(v)) if matches!(v.as_str(), "1.2" | "1.3" | "1.4" | "1.5" | "1.6") => {}
                Some(Ok(v)) => return Err(unsupported(what, SbomFormat::CycloneDx, &v)),
                Some(Err(shape)) => {
                    return Err(unsupported(what, SbomFormat::CycloneDx, &shape));
                }
                None => return Err(unsupported(what, SbomFormat::CycloneDx, "(missing)")),
            }
            cyclonedx::read(&doc, top.metadata, top.components.as_ref())
        }
        (_, Some(Ok(v))) if v.starts_with("SPDX-") => {
            if !matches!(v.as_str(), "SPDX-2.2" | "SPDX-2.3") {
                let version = v.strip_prefix("SPDX-").unwrap_or(v);
                return Err(unsupported(what, SbomFormat::Spdx, version));
            }
            spdx::read(
                &doc,
                spdx::TopFields {
                    name: top.name,
                    creation_info: top.creation_info,
                    comment: top.comment,
                },
                top.packages.as_ref(),
            )
        }
        _ => Err(SbomError::Unrecognized {
            what: what.to_owned(),
            found: describe_other(&bom_format, &spdx_version, top.context.is_some()),
        }),
    }
}

fn unsupported(what: &str, format: SbomFormat, version: &str) -> SbomError {
    SbomError::UnsupportedVersion {
        what: what.to_owned(),
        format,
        version: json::shorten(version),
    }
}

/// What a JSON object that is neither format looks like, for the error.
fn describe_other(
    bom_format: &Option<Result<String, String>>,
    spdx_version: &Option<Result<String, String>>,
    json_ld: bool,
) -> String {
    match (bom_format, spdx_version) {
        (Some(Ok(f)), _) => format!("bomFormat {:?}", json::shorten(f)),
        (Some(Err(shape)), _) => format!("bomFormat that is {shape}"),
        (None, Some(Ok(v))) => format!("spdxVersion {:?}", json::shorten(v)),
        (None, Some(Err(shape))) => format!("spdxVersion that is {shape}"),
        (None, None) if json_ld => {
            "a JSON-LD document (SPDX 3 and other JSON-LD formats are not supported)".to_owned()
        }
        (None, None) => "a JSON object with neither `bomFormat` nor `spdxVersion`".to_owned(),
    }
}

#[cfg(test)]
mod tests;
