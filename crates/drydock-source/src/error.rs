use std::path::PathBuf;

use drydock_oci::Digest;

/// Why an image could not be opened or a blob not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// Nothing at that path.
    #[error(
        "`{0}` does not exist (expected a docker or OCI archive, an OCI layout, a directory, or a registry reference such as registry.example.com/team/app:1.2)"
    )]
    NotFound(String),
    /// A remote source (registry) failed while opening a blob.
    #[error("{what}: {source}")]
    Remote {
        /// What was being fetched.
        what: String,
        /// Cause, as the remote source classified it.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Reading a file failed.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// A file that is not any kind of image drydock reads.
    #[error("`{path}` is not an image: {reason}")]
    NotAnImage {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        reason: String,
    },
    /// A directory was required.
    #[error("`{0}` is not a directory")]
    NotADirectory(PathBuf),
    /// The tar around the image is broken.
    #[error("`{path}`: corrupt archive: {reason}")]
    CorruptArchive {
        /// The archive.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A document names a blob that the source does not have.
    #[error("{what} names blob `{digest}`, which is missing from `{source_path}`")]
    MissingBlob {
        /// Which document referred to it.
        what: String,
        /// The blob.
        digest: String,
        /// The archive or layout.
        source_path: PathBuf,
    },
    /// A document does not match the digest that names it.
    #[error("{what} `{path}` does not match its digest: expected {expected}, got {actual}")]
    DigestMismatch {
        /// Which document.
        what: &'static str,
        /// Where it was read.
        path: String,
        /// Promised.
        expected: Digest,
        /// Computed.
        actual: Digest,
    },
    /// A manifest, index or config that does not parse.
    #[error("{path}: {source}")]
    BadDocument {
        /// Where it was read.
        path: String,
        /// Cause.
        #[source]
        source: drydock_oci::ParseError,
    },
    /// No image for the requested platform.
    #[error("no image for platform {wanted} in `{path}` (available: {available})")]
    NoMatchingPlatform {
        /// Requested.
        wanted: String,
        /// Offered.
        available: String,
        /// The archive or layout.
        path: String,
    },
    /// Anything else structurally wrong with the image.
    #[error("`{path}`: {reason}")]
    Invalid {
        /// The archive or layout.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The image has no layer with that index.
    #[error("no layer {0}")]
    NoSuchLayer(usize),
    /// A document too large to be a real manifest or config.
    #[error("`{path}` is {size} bytes, over the {limit}-byte limit for image documents")]
    DocumentTooLarge {
        /// Where.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}
