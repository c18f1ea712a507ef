//! Image sources: turn what the user named into an [`Image`] whose layers can
//! be opened as blob streams.
//!
//! [`open`] detects the kind of source from the argument alone: a docker
//! archive (`docker save`, classic or the OCI-style layout Docker 25+ writes),
//! an OCI archive tar, an OCI layout directory, or a plain root filesystem
//! directory ([`SourceKind::Rootfs`], which has no layers and is walked with
//! [`walk_rootfs`]). Archives are indexed once by reading tar headers and
//! seeking; blobs are then read in place, one file handle per layer, so layers
//! can stream in parallel and nothing is extracted to disk.
//!
//! Every document read here (manifest, index, config) is checked against the
//! digest that names it, and blob paths are built only from validated digests.
//! Registries (`drydock-registry`) implement [`BlobStore`] the same way and
//! build their [`Image`] with [`Image::from_remote`], so nothing downstream
//! knows where the bytes come from.

#![deny(missing_docs)]

mod archive;
mod error;
mod oci;
mod rootfs;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use drydock_oci::{Compression, Digest, ImageConfig, Platform};

pub use error::SourceError;
pub use rootfs::{RootfsLimits, walk_rootfs};

/// What kind of source an image came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `docker save` output.
    DockerArchive,
    /// An OCI image layout packed in a tar.
    OciArchive,
    /// An OCI image layout directory.
    OciLayout,
    /// A root filesystem directory.
    Rootfs,
    /// A registry (distribution API).
    Registry,
}

impl SourceKind {
    /// Short name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DockerArchive => "docker-archive",
            Self::OciArchive => "oci-archive",
            Self::OciLayout => "oci-layout",
            Self::Rootfs => "rootfs",
            Self::Registry => "registry",
        }
    }
}

/// One layer of an image as the source describes it.
#[derive(Debug, Clone)]
pub struct LayerSource {
    /// Position, base first.
    pub index: usize,
    /// Media type, when the manifest gives one.
    pub media_type: Option<String>,
    /// Compression implied by the media type; the bytes have the last word.
    pub compression_hint: Option<Compression>,
    /// Digest of the blob as stored, when known.
    pub blob_digest: Option<Digest>,
    /// diff_id from the config.
    pub diff_id: Option<Digest>,
    /// Stored size.
    pub size: Option<u64>,
    /// Where the blob lives in the store.
    pub locator: String,
}

/// Opens layer blobs. Implemented by each kind of source; `drydock-registry`
/// implements it over HTTP.
pub trait BlobStore: Send + Sync {
    /// Opens the stored (possibly compressed) bytes of a layer.
    fn open(&self, layer: &LayerSource) -> Result<Box<dyn Read + Send>, SourceError>;
}

/// Options for opening a source.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Platform to pick from a multi-platform index; `linux/amd64` when unset.
    pub platform: Option<Platform>,
}

/// An image ready to be scanned.
#[derive(Clone)]
pub struct Image {
    /// What the user named.
    pub reference: String,
    /// Kind of source.
    pub kind: SourceKind,
    /// Manifest digest, when the source has a manifest.
    pub manifest_digest: Option<Digest>,
    /// Config digest.
    pub config_digest: Option<Digest>,
    /// Parsed config (empty for root filesystems).
    pub config: ImageConfig,
    /// Tags the archive records.
    pub repo_tags: Vec<String>,
    /// Layers, base first (empty for root filesystems).
    pub layers: Vec<LayerSource>,
    /// Platform of the chosen image.
    pub platform: Option<Platform>,
    /// Root directory, for [`SourceKind::Rootfs`].
    pub rootfs: Option<std::path::PathBuf>,
    /// Things worth telling the user that did not stop the scan.
    pub warnings: Vec<String>,
    store: Option<Arc<dyn BlobStore>>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("reference", &self.reference)
            .field("kind", &self.kind)
            .field("manifest_digest", &self.manifest_digest)
            .field("layers", &self.layers.len())
            .finish_non_exhaustive()
    }
}

/// What a source outside this crate (a registry) knows about an image.
#[derive(Debug, Clone)]
pub struct RemoteParts {
    /// What the user named.
    pub reference: String,
    /// Digest of the chosen manifest.
    pub manifest_digest: Digest,
    /// Config digest.
    pub config_digest: Digest,
    /// Parsed config.
    pub config: ImageConfig,
    /// Layers, base first.
    pub layers: Vec<LayerSource>,
    /// Platform of the chosen image.
    pub platform: Option<Platform>,
    /// Things worth telling the user.
    pub warnings: Vec<String>,
}

impl Image {
    /// An image whose layers are opened through `store` (a registry).
    pub fn from_remote(parts: RemoteParts, store: Arc<dyn BlobStore>) -> Self {
        Self {
            reference: parts.reference,
            kind: SourceKind::Registry,
            manifest_digest: Some(parts.manifest_digest),
            config_digest: Some(parts.config_digest),
            config: parts.config,
            repo_tags: Vec::new(),
            layers: parts.layers,
            platform: parts.platform,
            rootfs: None,
            warnings: parts.warnings,
            store: Some(store),
        }
    }

    /// Opens the stored bytes of layer `index`.
    pub fn open_layer(&self, index: usize) -> Result<Box<dyn Read + Send>, SourceError> {
        let layer = self
            .layers
            .get(index)
            .ok_or(SourceError::NoSuchLayer(index))?;
        match &self.store {
            Some(store) => store.open(layer),
            None => Err(SourceError::NoSuchLayer(index)),
        }
    }
}

/// Opens whatever `reference` names, deciding the kind from what is there.
pub fn open(reference: &str, options: &OpenOptions) -> Result<Image, SourceError> {
    let path = Path::new(reference);
    let meta = std::fs::metadata(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SourceError::NotFound(reference.to_owned())
        } else {
            SourceError::Io {
                path: path.to_path_buf(),
                source,
            }
        }
    })?;
    if meta.is_dir() && !(path.join("oci-layout").is_file() && path.join("index.json").is_file()) {
        return open_rootfs(reference, path);
    }
    let image = if meta.is_dir() {
        oci::open_layout_dir(reference, path, options)?
    } else {
        archive::open_archive(reference, path, options)?
    };
    check_platform(&image, options)?;
    Ok(image)
}

/// An explicit `--platform` must not silently scan another platform: a
/// single-image archive or an index without platform data is checked
/// against the config.
fn check_platform(image: &Image, options: &OpenOptions) -> Result<(), SourceError> {
    if let (Some(want), Some(have)) = (&options.platform, &image.platform)
        && !want.matches(have)
    {
        return Err(SourceError::NoMatchingPlatform {
            wanted: want.to_string(),
            available: have.to_string(),
            path: image.reference.clone(),
        });
    }
    Ok(())
}

/// Opens a directory as a root filesystem, whatever it contains.
pub fn open_rootfs(reference: &str, path: &Path) -> Result<Image, SourceError> {
    if !path.is_dir() {
        return Err(SourceError::NotADirectory(path.to_path_buf()));
    }
    Ok(Image {
        reference: reference.to_owned(),
        kind: SourceKind::Rootfs,
        manifest_digest: None,
        config_digest: None,
        config: ImageConfig::default(),
        repo_tags: Vec::new(),
        layers: Vec::new(),
        platform: None,
        rootfs: Some(path.to_path_buf()),
        warnings: Vec::new(),
        store: None,
    })
}
