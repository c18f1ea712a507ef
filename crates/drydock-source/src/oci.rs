//! OCI image layouts, packed in a tar or as a directory.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use drydock_oci::{
    Compression, Descriptor, Digest, ImageIndex, ManifestKind, Platform, parse_config,
    parse_manifest_kind,
};

use crate::archive::MAX_DOCUMENT;
use crate::{BlobStore, Image, LayerSource, OpenOptions, SourceError, SourceKind};

/// Nested indexes deeper than this are refused (they can only be a loop or
/// an attack).
const MAX_INDEX_DEPTH: usize = 4;

/// Files of a layout, wherever they are kept.
pub(crate) trait Layout: Send + Sync {
    fn describe(&self) -> PathBuf;
    fn read(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, SourceError>;
    fn open(&self, name: &str) -> Result<Option<Box<dyn Read + Send>>, SourceError>;
    fn exists(&self, name: &str) -> bool;
}

fn blob_path(d: &Digest) -> String {
    format!("blobs/{}/{}", d.algorithm(), d.hex())
}

/// Reads a blob named by a descriptor and checks it against its digest.
fn read_verified(
    layout: &dyn Layout,
    what: &'static str,
    desc: &Descriptor,
) -> Result<Vec<u8>, SourceError> {
    let name = blob_path(&desc.digest);
    let bytes = layout
        .read(&name, MAX_DOCUMENT)?
        .ok_or_else(|| SourceError::MissingBlob {
            what: what.to_owned(),
            digest: desc.digest.to_string(),
            source_path: layout.describe(),
        })?;
    let actual = desc.digest.recompute(&bytes);
    if actual != desc.digest {
        return Err(SourceError::DigestMismatch {
            what,
            path: format!("{}:{name}", layout.describe().display()),
            expected: desc.digest.clone(),
            actual,
        });
    }
    Ok(bytes)
}

struct LayoutStore(Arc<dyn Layout>);

impl BlobStore for LayoutStore {
    fn open(&self, layer: &LayerSource) -> Result<Box<dyn Read + Send>, SourceError> {
        self.0
            .open(&layer.locator)?
            .ok_or_else(|| SourceError::MissingBlob {
                what: format!("layer {}", layer.index),
                digest: layer.locator.clone(),
                source_path: self.0.describe(),
            })
    }
}

pub(crate) fn open_layout(
    reference: &str,
    kind: SourceKind,
    layout: Arc<dyn Layout>,
    options: &OpenOptions,
) -> Result<Image, SourceError> {
    let where_ = layout.describe();
    let describe = |m: &str| format!("{}:{m}", where_.display());
    let index_bytes =
        layout
            .read("index.json", MAX_DOCUMENT)?
            .ok_or_else(|| SourceError::Invalid {
                path: describe(""),
                reason: "OCI layout without index.json".into(),
            })?;
    let index: ImageIndex =
        serde_json::from_slice(&index_bytes).map_err(|e| SourceError::Invalid {
            path: describe("index.json"),
            reason: format!("invalid OCI index: {e}"),
        })?;
    let want = options
        .platform
        .clone()
        .unwrap_or_else(Platform::linux_amd64);
    let mut warnings = Vec::new();
    let (manifest_desc, manifest) =
        choose_manifest(layout.as_ref(), &index, &want, 0, &mut warnings)?;
    let config_bytes = read_verified(layout.as_ref(), "config", &manifest.config)?;
    let config = parse_config(&config_bytes).map_err(|source| SourceError::BadDocument {
        path: describe(&blob_path(&manifest.config.digest)),
        source,
    })?;
    let diff_ids = &config.rootfs.diff_ids;
    if diff_ids.len() != manifest.layers.len() {
        return Err(SourceError::Invalid {
            path: describe(&blob_path(&manifest_desc.digest)),
            reason: format!(
                "manifest lists {} layers but the config has {} diff_ids",
                manifest.layers.len(),
                diff_ids.len()
            ),
        });
    }
    let layers = manifest
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| LayerSource {
            index: i,
            media_type: Some(l.media_type.clone()),
            compression_hint: Compression::from_media_type(&l.media_type),
            blob_digest: Some(l.digest.clone()),
            diff_id: diff_ids.get(i).cloned(),
            size: u64::try_from(l.size).ok(),
            locator: blob_path(&l.digest),
        })
        .collect::<Vec<_>>();
    for l in &layers {
        if !layout.exists(&l.locator) {
            return Err(SourceError::MissingBlob {
                what: format!("manifest layer {}", l.index),
                digest: l
                    .blob_digest
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                source_path: layout.describe(),
            });
        }
    }
    let repo_tags = index
        .manifests
        .iter()
        .filter_map(|d| d.annotations.get("io.containerd.image.name").cloned())
        .collect();
    for l in &layers {
        if let Some(d) = l.blob_digest.as_ref().filter(|d| !d.is_sha256()) {
            // Streaming verification is sha256 only; the diff_id still
            // guards the content.
            warnings.push(format!(
                "layer {}: blob digest {d} is not verified (only sha256 is checked while streaming)",
                l.index
            ));
        }
    }
    let platform = (!config.os.is_empty()).then(|| Platform {
        os: config.os.clone(),
        architecture: config.architecture.clone(),
        variant: config.variant.clone(),
    });
    Ok(Image {
        reference: reference.to_owned(),
        kind,
        manifest_digest: Some(manifest_desc.digest.clone()),
        config_digest: Some(manifest.config.digest.clone()),
        config,
        repo_tags,
        layers,
        platform,
        rootfs: None,
        warnings,
        store: Some(Arc::new(LayoutStore(layout))),
    })
}

fn choose_manifest(
    layout: &dyn Layout,
    index: &ImageIndex,
    want: &Platform,
    depth: usize,
    warnings: &mut Vec<String>,
) -> Result<(Descriptor, drydock_oci::ImageManifest), SourceError> {
    if depth > MAX_INDEX_DEPTH {
        return Err(SourceError::Invalid {
            path: layout.describe().display().to_string(),
            reason: "image indexes nested too deeply".into(),
        });
    }
    if let Some(desc) = index.select(want) {
        let bytes = read_verified(layout, "manifest", desc)?;
        let kind = parse_manifest_kind(&bytes).map_err(|source| SourceError::BadDocument {
            path: format!(
                "{}:{}",
                layout.describe().display(),
                blob_path(&desc.digest)
            ),
            source,
        })?;
        match kind {
            ManifestKind::Index(nested) => {
                return choose_manifest(layout, &nested, want, depth + 1, warnings);
            }
            ManifestKind::Manifest(m) => {
                if index.manifests.len() > 1 && desc.platform.is_none() {
                    warnings.push(format!(
                        "index lists {} manifests without platforms; scanning {}",
                        index.manifests.len(),
                        desc.digest
                    ));
                }
                return Ok((desc.clone(), m));
            }
        }
    }
    Err(SourceError::NoMatchingPlatform {
        wanted: want.to_string(),
        available: index.platforms(),
        path: layout.describe().display().to_string(),
    })
}

/// An OCI layout directory.
struct DirLayout(PathBuf);

impl Layout for DirLayout {
    fn exists(&self, name: &str) -> bool {
        self.0.join(name).is_file()
    }

    fn describe(&self) -> PathBuf {
        self.0.clone()
    }

    fn read(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, SourceError> {
        let path = self.0.join(name);
        // Opening a FIFO or device would block or never end; only regular files are blobs.
        if !path.is_file() {
            return Ok(None);
        }
        let f = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(SourceError::Io { path, source }),
        };
        let size = f
            .metadata()
            .map_err(|source| SourceError::Io {
                path: path.clone(),
                source,
            })?
            .len();
        if size > limit {
            return Err(SourceError::DocumentTooLarge {
                path: path.display().to_string(),
                size,
                limit,
            });
        }
        let mut v = Vec::with_capacity(size as usize);
        f.take(limit)
            .read_to_end(&mut v)
            .map_err(|source| SourceError::Io { path, source })?;
        Ok(Some(v))
    }

    fn open(&self, name: &str) -> Result<Option<Box<dyn Read + Send>>, SourceError> {
        let path = self.0.join(name);
        if !path.is_file() {
            return Ok(None);
        }
        match File::open(&path) {
            Ok(f) => Ok(Some(Box::new(f))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(SourceError::Io { path, source }),
        }
    }
}

pub(crate) fn open_layout_dir(
    reference: &str,
    path: &Path,
    options: &OpenOptions,
) -> Result<Image, SourceError> {
    open_layout(
        reference,
        SourceKind::OciLayout,
        Arc::new(DirLayout(path.to_path_buf())),
        options,
    )
}
