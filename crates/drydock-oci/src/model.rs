use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Digest, Platform};

/// Media type strings for the documents and blobs drydock understands.
pub mod media_types {
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image config.
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// Docker manifest list (schema 2).
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker image manifest (schema 2).
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker image config.
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
}

/// How a layer blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// A plain tar.
    None,
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
}

impl Compression {
    /// Compression implied by a layer media type, if it says.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        if media_type.ends_with("+gzip") || media_type.ends_with(".gzip") {
            Some(Self::Gzip)
        } else if media_type.ends_with("+zstd") || media_type.ends_with(".zstd") {
            Some(Self::Zstd)
        } else if media_type.ends_with(".tar") || media_type.ends_with("tar.v1") {
            Some(Self::None)
        } else {
            None
        }
    }

    /// Compression recognised from the first bytes of a blob. Magic bytes win
    /// over the media type: Docker archives often store gzip layers under a
    /// plain-tar name and the reverse.
    pub fn sniff(head: &[u8]) -> Self {
        if head.starts_with(&[0x1f, 0x8b]) {
            Self::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Self::Zstd
        } else {
            Self::None
        }
    }
}

/// A reference to a blob: what it is, its digest and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Media type of the referenced content.
    #[serde(default)]
    pub media_type: String,
    /// Digest of the referenced content.
    pub digest: Digest,
    /// Size in bytes.
    #[serde(default)]
    pub size: i64,
    /// Platform, for entries of an index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Free-form annotations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// An OCI image index or Docker manifest list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageIndex {
    /// Always 2.
    #[serde(default)]
    pub schema_version: u32,
    /// Media type, when the document states it.
    #[serde(default)]
    pub media_type: Option<String>,
    /// The manifests (or nested indexes) listed.
    #[serde(default)]
    pub manifests: Vec<Descriptor>,
}

impl ImageIndex {
    /// The entry to scan for `want`: the first one whose platform matches,
    /// or, when no entry states a platform, the first entry. Attestation
    /// manifests (BuildKit's `unknown/unknown`) are never images.
    pub fn select(&self, want: &Platform) -> Option<&Descriptor> {
        let candidates = || {
            self.manifests.iter().filter(|d| {
                d.platform
                    .as_ref()
                    .is_none_or(|p| p.os != "unknown" && p.architecture != "unknown")
            })
        };
        candidates()
            .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
            .or_else(|| {
                if candidates().all(|d| d.platform.is_none()) {
                    candidates().next()
                } else {
                    None
                }
            })
    }

    /// The platforms the index offers, for error messages (`none` if it
    /// states none).
    pub fn platforms(&self) -> String {
        let list = self
            .manifests
            .iter()
            .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
            .collect::<Vec<_>>()
            .join(", ");
        if list.is_empty() { "none".into() } else { list }
    }
}

/// An OCI image manifest or Docker schema 2 manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// Always 2.
    #[serde(default)]
    pub schema_version: u32,
    /// Media type, when the document states it.
    #[serde(default)]
    pub media_type: Option<String>,
    /// The image config blob.
    pub config: Descriptor,
    /// Layer blobs, base first.
    #[serde(default)]
    pub layers: Vec<Descriptor>,
}

/// Whether a JSON document is an index or a manifest.
#[derive(Debug, Clone)]
pub enum ManifestKind {
    /// An index or manifest list.
    Index(ImageIndex),
    /// A single-platform manifest.
    Manifest(ImageManifest),
}

/// Why a JSON document could not be read as the expected image document.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The bytes are not the JSON document expected.
    #[error("invalid {what}: {source}")]
    Json {
        /// Which document.
        what: &'static str,
        /// The JSON error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The document is JSON, but of a kind drydock cannot use.
    #[error("unsupported {what}: {reason}")]
    Unsupported {
        /// Which document.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Reads a manifest or index, deciding by media type and falling back to shape.
pub fn parse_manifest_kind(bytes: &[u8]) -> Result<ManifestKind, ParseError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Probe {
        #[serde(default)]
        media_type: Option<String>,
        #[serde(default)]
        manifests: Option<serde_json::Value>,
        #[serde(default)]
        schema_version: Option<u32>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|source| ParseError::Json {
        what: "manifest",
        source,
    })?;
    if probe.schema_version == Some(1) {
        return Err(ParseError::Unsupported {
            what: "manifest",
            reason: "Docker schema 1 manifests are deprecated and not supported".into(),
        });
    }
    let is_index = match probe.media_type.as_deref() {
        Some(media_types::OCI_INDEX | media_types::DOCKER_MANIFEST_LIST) => true,
        Some(media_types::OCI_MANIFEST | media_types::DOCKER_MANIFEST) => false,
        _ => probe.manifests.is_some(),
    };
    if is_index {
        serde_json::from_slice(bytes)
            .map(ManifestKind::Index)
            .map_err(|source| ParseError::Json {
                what: "image index",
                source,
            })
    } else {
        serde_json::from_slice(bytes)
            .map(ManifestKind::Manifest)
            .map_err(|source| ParseError::Json {
                what: "image manifest",
                source,
            })
    }
}

/// The image config: platform, runtime defaults, layer diff_ids and history.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImageConfig {
    /// CPU architecture, e.g. `amd64`.
    #[serde(default)]
    pub architecture: String,
    /// Operating system, e.g. `linux`.
    #[serde(default)]
    pub os: String,
    /// CPU variant, e.g. `v8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Creation time as written by the builder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Author field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Runtime defaults.
    #[serde(default)]
    pub config: ContainerConfig,
    /// Layer diff_ids.
    #[serde(default)]
    pub rootfs: RootFs,
    /// Build history, including empty layers.
    #[serde(default)]
    pub history: Vec<History>,
}

/// Runtime defaults from the image config (Docker capitalises these fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    /// Default user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Environment, `NAME=value` strings.
    #[serde(default, deserialize_with = "null_as_default")]
    pub env: Vec<String>,
    /// Entrypoint.
    #[serde(default, deserialize_with = "null_as_default")]
    pub entrypoint: Vec<String>,
    /// Default command.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cmd: Vec<String>,
    /// Exposed ports as `22/tcp` keys.
    #[serde(default, deserialize_with = "null_as_default")]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    /// Labels.
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: BTreeMap<String, String>,
    /// Working directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Volumes.
    #[serde(default, deserialize_with = "null_as_default")]
    pub volumes: BTreeMap<String, serde_json::Value>,
    /// Stop signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    /// Health check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
}

/// The HEALTHCHECK instruction as recorded in the config.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthConfig {
    /// `["NONE"]` disables it; `["CMD", …]` or `["CMD-SHELL", …]` run a check.
    #[serde(default, deserialize_with = "null_as_default")]
    pub test: Vec<String>,
}

/// The `rootfs` section: diff_ids, one per layer, of the uncompressed tars.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// One diff_id per layer, base first.
    #[serde(default)]
    pub diff_ids: Vec<Digest>,
}

/// One build step.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    /// When the step ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// The command; build args show up here as `|N NAME=value …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// True when the step produced no layer.
    #[serde(default)]
    pub empty_layer: bool,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Reads an image config.
pub fn parse_config(bytes: &[u8]) -> Result<ImageConfig, ParseError> {
    serde_json::from_slice(bytes).map_err(|source| ParseError::Json {
        what: "image config",
        source,
    })
}

impl ImageConfig {
    /// For each layer, the index of the history entry that created it.
    /// Entries with `empty_layer` are skipped; returns `None` where the
    /// history is shorter than the layer list (squashed or hand-made images).
    pub fn layer_history(&self) -> Vec<Option<usize>> {
        let mut out = Vec::with_capacity(self.rootfs.diff_ids.len());
        let mut steps = self
            .history
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.empty_layer)
            .map(|(i, _)| i);
        for _ in &self.rootfs.diff_ids {
            out.push(steps.next());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_config_with_nulls() {
        let cfg = parse_config(
            br#"{"architecture":"amd64","os":"linux","config":{"Env":null,"Cmd":null,"Labels":null,"User":""},
                "rootfs":{"type":"layers","diff_ids":["sha256:60e31823d75f07c1a0c30d9918f1a006a30583542e427dca9c553d3e94da2536"]},
                "history":[{"created_by":"ARG X","empty_layer":true},{"created_by":"ADD x /"}]}"#,
        )
        .unwrap();
        assert!(cfg.config.env.is_empty());
        assert_eq!(cfg.layer_history(), vec![Some(1)]);
    }

    #[test]
    fn detects_index_by_shape() {
        let k = parse_manifest_kind(br#"{"schemaVersion":2,"manifests":[]}"#).unwrap();
        assert!(matches!(k, ManifestKind::Index(_)));
    }

    #[test]
    fn rejects_schema1() {
        let e = parse_manifest_kind(br#"{"schemaVersion":1,"fsLayers":[]}"#).unwrap_err();
        assert!(e.to_string().contains("schema 1"));
    }

    #[test]
    fn rejects_bad_digest_in_manifest() {
        let e = parse_manifest_kind(
            br#"{"schemaVersion":2,"config":{"digest":"sha256:../../x","size":1},"layers":[]}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not lowercase hex"), "{e}");
    }

    #[test]
    fn compression_sniffing() {
        assert_eq!(Compression::sniff(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(
            Compression::sniff(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::sniff(b"etc/"), Compression::None);
        assert_eq!(
            Compression::from_media_type("application/vnd.oci.image.layer.v1.tar+zstd"),
            Some(Compression::Zstd)
        );
    }
}
