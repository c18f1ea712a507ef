//! Tar archives holding an image: docker archives and OCI archives.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use drydock_layer::normalize_path;
use drydock_oci::{Compression, Digest, parse_config};
use serde::Deserialize;

use crate::oci::{self, Layout};
use crate::{BlobStore, Image, LayerSource, OpenOptions, SourceError, SourceKind};

/// Largest manifest, index or config drydock will read.
pub(crate) const MAX_DOCUMENT: u64 = 8 << 20;
const MAX_MEMBERS: usize = 1_000_000;
const MAX_EXTENSION: u64 = 64 << 10;

/// Where each member of an archive starts and how long it is.
#[derive(Debug)]
pub(crate) struct ArchiveIndex {
    path: PathBuf,
    members: HashMap<String, (u64, u64)>,
}

impl ArchiveIndex {
    /// Reads only the headers, seeking over member data.
    pub(crate) fn build(path: &Path) -> Result<Self, SourceError> {
        let io_err = |source| SourceError::Io {
            path: path.to_path_buf(),
            source,
        };
        let corrupt = |reason: String| SourceError::CorruptArchive {
            path: path.to_path_buf(),
            reason,
        };
        let mut f = File::open(path).map_err(io_err)?;
        let file_len = f.metadata().map_err(io_err)?.len();
        let mut head = [0u8; 512];
        let mut members = HashMap::new();
        let mut pos = 0u64;
        let mut long_name: Option<Vec<u8>> = None;
        let mut pax_path: Option<Vec<u8>> = None;
        let mut pax_size: Option<u64> = None;
        loop {
            let n = read_full(&mut f, &mut head).map_err(io_err)?;
            if n == 0 {
                break;
            }
            if n < 512 {
                return Err(corrupt(format!("truncated header at offset {pos}")));
            }
            if pos == 0
                && (head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]))
            {
                return Err(SourceError::NotAnImage {
                    path: path.to_path_buf(),
                    reason: "the archive itself is compressed; decompress it first (e.g. `gunzip`)"
                        .into(),
                });
            }
            if head.iter().all(|&b| b == 0) {
                break;
            }
            let header = tar::Header::from_byte_slice(&head);
            let cksum_ok = header.cksum().ok()
                == Some(
                    head.iter()
                        .enumerate()
                        .map(|(i, &b)| u32::from(if (148..156).contains(&i) { b' ' } else { b }))
                        .sum(),
                );
            if !cksum_ok {
                let reason = if pos == 0 {
                    return Err(SourceError::NotAnImage {
                        path: path.to_path_buf(),
                        reason: "not a tar archive, OCI layout or directory".into(),
                    });
                } else {
                    format!("bad header checksum at offset {pos}")
                };
                return Err(corrupt(reason));
            }
            let size = pax_size
                .take()
                .map_or_else(|| header.entry_size(), Ok)
                .map_err(|e| corrupt(format!("bad size at offset {pos}: {e}")))?;
            let data_at = pos + 512;
            let padded = size
                .checked_add(511)
                .map(|s| s / 512 * 512)
                .ok_or_else(|| corrupt(format!("size overflow at offset {pos}")))?;
            if data_at.saturating_add(size) > file_len {
                return Err(corrupt(format!(
                    "member at offset {pos} claims {size} bytes past the end of the file"
                )));
            }
            let ty = header.entry_type();
            let read_ext = |f: &mut File| -> Result<Vec<u8>, SourceError> {
                if size > MAX_EXTENSION {
                    return Err(corrupt(format!(
                        "oversized extension header at offset {pos}"
                    )));
                }
                let mut v = vec![0u8; size as usize];
                f.read_exact(&mut v).map_err(io_err)?;
                while v.last() == Some(&0) {
                    v.pop();
                }
                Ok(v)
            };
            if ty.is_gnu_longname() {
                long_name = Some(read_ext(&mut f)?);
            } else if ty.is_pax_local_extensions() {
                for ext in tar::PaxExtensions::new(&read_ext(&mut f)?).flatten() {
                    match ext.key_bytes() {
                        b"path" => pax_path = Some(ext.value_bytes().to_vec()),
                        b"size" => pax_size = ext.value().ok().and_then(|v| v.parse().ok()),
                        _ => {}
                    }
                }
            } else if ty.is_gnu_longlink() || ty.is_pax_global_extensions() {
            } else {
                let name = pax_path
                    .take()
                    .or(long_name.take())
                    .unwrap_or_else(|| header.path_bytes().into_owned());
                if (ty.is_file() || ty.is_hard_link() || ty.is_symlink())
                    && let Ok((p, _)) = normalize_path(&name, 4096)
                {
                    if members.len() >= MAX_MEMBERS {
                        return Err(corrupt("too many members".into()));
                    }
                    let target = if ty.is_file() {
                        Some((data_at, size))
                    } else {
                        // Docker archives hard-link identical layers; resolve
                        // the link to the member it names.
                        header
                            .link_name_bytes()
                            .and_then(|l| normalize_path(&l, 4096).ok())
                            .and_then(|(l, _)| members.get(&l).copied())
                    };
                    if let Some(t) = target {
                        members.insert(p, t);
                    }
                }
            }
            pos = data_at + padded;
            f.seek(SeekFrom::Start(pos)).map_err(io_err)?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            members,
        })
    }

    fn get(&self, name: &str) -> Option<(u64, u64)> {
        let (n, _) = normalize_path(name.as_bytes(), 4096).ok()?;
        self.members.get(&n).copied()
    }
}

fn read_full(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match f.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// An archive viewed as an OCI layout.
struct ArchiveLayout(Arc<ArchiveIndex>);

impl Layout for ArchiveLayout {
    fn exists(&self, name: &str) -> bool {
        self.0.get(name).is_some()
    }

    fn describe(&self) -> PathBuf {
        self.0.path.clone()
    }

    fn read(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, SourceError> {
        let Some((offset, size)) = self.0.get(name) else {
            return Ok(None);
        };
        if size > limit {
            return Err(SourceError::DocumentTooLarge {
                path: format!("{}:{name}", self.0.path.display()),
                size,
                limit,
            });
        }
        let mut r = self.open_range(offset, size)?;
        let mut v = Vec::with_capacity(size as usize);
        r.read_to_end(&mut v).map_err(|source| SourceError::Io {
            path: self.0.path.clone(),
            source,
        })?;
        Ok(Some(v))
    }

    fn open(&self, name: &str) -> Result<Option<Box<dyn Read + Send>>, SourceError> {
        match self.0.get(name) {
            Some((offset, size)) => Ok(Some(self.open_range(offset, size)?)),
            None => Ok(None),
        }
    }
}

impl ArchiveLayout {
    fn open_range(&self, offset: u64, size: u64) -> Result<Box<dyn Read + Send>, SourceError> {
        let io_err = |source| SourceError::Io {
            path: self.0.path.clone(),
            source,
        };
        let mut f = File::open(&self.0.path).map_err(io_err)?;
        f.seek(SeekFrom::Start(offset)).map_err(io_err)?;
        Ok(Box::new(f.take(size)))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// A docker archive's blob store: layers by member name.
struct DockerStore(Arc<ArchiveIndex>);

impl BlobStore for DockerStore {
    fn open(&self, layer: &LayerSource) -> Result<Box<dyn Read + Send>, SourceError> {
        ArchiveLayout(self.0.clone())
            .open(&layer.locator)?
            .ok_or_else(|| SourceError::MissingBlob {
                what: "manifest.json".into(),
                digest: layer.locator.clone(),
                source_path: self.0.path.clone(),
            })
    }
}

pub(crate) fn open_archive(
    reference: &str,
    path: &Path,
    options: &OpenOptions,
) -> Result<Image, SourceError> {
    let index = Arc::new(ArchiveIndex::build(path)?);
    let layout = ArchiveLayout(index.clone());
    if let Some(bytes) = layout.read("manifest.json", MAX_DOCUMENT)? {
        return open_docker(reference, index, &bytes);
    }
    if layout.read("oci-layout", 4096)?.is_some() {
        return oci::open_layout(reference, SourceKind::OciArchive, Arc::new(layout), options);
    }
    Err(SourceError::NotAnImage {
        path: path.to_path_buf(),
        reason: "tar archive without manifest.json (docker) or oci-layout (OCI)".into(),
    })
}

fn open_docker(
    reference: &str,
    index: Arc<ArchiveIndex>,
    manifest: &[u8],
) -> Result<Image, SourceError> {
    let path = index.path.clone();
    let describe = |m: &str| format!("{}:{m}", path.display());
    let entries: Vec<DockerManifestEntry> =
        serde_json::from_slice(manifest).map_err(|e| SourceError::Invalid {
            path: describe("manifest.json"),
            reason: format!("not a docker archive manifest: {e}"),
        })?;
    let mut warnings = Vec::new();
    let Some(entry) = entries.first() else {
        return Err(SourceError::Invalid {
            path: describe("manifest.json"),
            reason: "lists no images".into(),
        });
    };
    if entries.len() > 1 {
        warnings.push(format!(
            "{} holds {} images; scanning the first ({})",
            path.display(),
            entries.len(),
            entry.repo_tags.as_deref().unwrap_or_default().join(", ")
        ));
    }
    let layout = ArchiveLayout(index.clone());
    let config_bytes =
        layout
            .read(&entry.config, MAX_DOCUMENT)?
            .ok_or_else(|| SourceError::MissingBlob {
                what: "manifest.json".into(),
                digest: entry.config.clone(),
                source_path: path.clone(),
            })?;
    let config_digest = Digest::sha256_of(&config_bytes);
    // The config's member name is its digest in both docker layouts
    // (`<hex>.json` and `blobs/sha256/<hex>`); check it when it says so.
    if let Some(expected) = digest_from_member_name(&entry.config)
        && expected != config_digest
    {
        return Err(SourceError::DigestMismatch {
            what: "config",
            path: describe(&entry.config),
            expected,
            actual: config_digest,
        });
    }
    let config = parse_config(&config_bytes).map_err(|source| SourceError::BadDocument {
        path: describe(&entry.config),
        source,
    })?;
    let diff_ids = &config.rootfs.diff_ids;
    if diff_ids.len() != entry.layers.len() {
        return Err(SourceError::Invalid {
            path: describe("manifest.json"),
            reason: format!(
                "lists {} layers but the config has {} diff_ids",
                entry.layers.len(),
                diff_ids.len()
            ),
        });
    }
    let mut layers = Vec::with_capacity(entry.layers.len());
    for (i, member) in entry.layers.iter().enumerate() {
        let Some((_, size)) = index.get(member) else {
            return Err(SourceError::MissingBlob {
                what: format!("manifest.json layer {i}"),
                digest: member.clone(),
                source_path: path.clone(),
            });
        };
        layers.push(LayerSource {
            index: i,
            media_type: None,
            compression_hint: member.ends_with(".tar").then_some(Compression::None),
            blob_digest: digest_from_member_name(member),
            diff_id: diff_ids.get(i).cloned(),
            size: Some(size),
            locator: member.clone(),
        });
    }
    let platform = (!config.os.is_empty()).then(|| drydock_oci::Platform {
        os: config.os.clone(),
        architecture: config.architecture.clone(),
        variant: config.variant.clone(),
    });
    Ok(Image {
        reference: reference.to_owned(),
        kind: SourceKind::DockerArchive,
        manifest_digest: None,
        config_digest: Some(config_digest),
        config,
        repo_tags: entry.repo_tags.clone().unwrap_or_default(),
        layers,
        platform,
        rootfs: None,
        warnings,
        store: Some(Arc::new(DockerStore(index))),
    })
}

/// `blobs/sha256/<hex>` or `<hex>.json` name their digest.
fn digest_from_member_name(name: &str) -> Option<Digest> {
    if let Some(rest) = name.strip_prefix("blobs/")
        && let Some((algo, hex)) = rest.split_once('/')
    {
        return format!("{algo}:{hex}").parse().ok();
    }
    let stem = name.strip_suffix(".json")?;
    format!("sha256:{stem}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        let hex = "d54aa9738b722dc06629734c7eaa1391a5eb1ad13e5cb9543410cb43af76a5f4";
        assert_eq!(
            digest_from_member_name(&format!("blobs/sha256/{hex}"))
                .unwrap()
                .hex(),
            hex
        );
        assert_eq!(
            digest_from_member_name(&format!("{hex}.json"))
                .unwrap()
                .hex(),
            hex
        );
        assert!(digest_from_member_name("abc/layer.tar").is_none());
    }
}
