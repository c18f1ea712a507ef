//! Vocabulary for container images: [`Digest`], [`Descriptor`], [`ImageIndex`],
//! [`ImageManifest`], [`ImageConfig`], [`Platform`] and media types.
//!
//! Everything here is pure: bytes in, typed values out, with no I/O. Parsing is
//! lenient where Docker and OCI disagree on field names (Docker's
//! `application/vnd.docker.*` documents share the OCI shape) and strict where a
//! wrong value would be a security problem (digests must be well-formed hex of
//! the right length, so they can be used in file names and cache keys).

#![deny(missing_docs)]

mod digest;
mod model;
mod platform;

pub use digest::{Digest, DigestError, Sha256Writer};
pub use model::{
    Compression, ContainerConfig, Descriptor, HealthConfig, History, ImageConfig, ImageIndex,
    ImageManifest, ManifestKind, ParseError, RootFs, media_types, parse_config,
    parse_manifest_kind,
};
pub use platform::{Platform, PlatformError};
