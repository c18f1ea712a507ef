//! Registry source: images pulled over the distribution API.
//!
//! [`Registry::open_image`] resolves a reference (tag or digest) to one
//! image manifest, following an index to the requested platform, verifies
//! every document against the digest that names it, reads the config, and
//! returns a [`drydock_source::Image`] whose layers are opened lazily as
//! HTTP bodies. Nothing is written to disk: the scan pipeline streams each
//! layer straight into its analyzers, and it consults the layer cache by
//! diff_id *before* opening a layer, so a layer analysed earlier is never
//! downloaded again.
//!
//! The HTTP side is `oci-client` (token and basic auth, challenges, TLS,
//! range requests) on a small tokio runtime owned by the [`Registry`];
//! blocking readers bridge it to the synchronous pipeline. Credentials come
//! from explicit [`Credentials`], else the Docker config (`auths`,
//! `credHelpers`, `credsStore`). Plain HTTP is used only for hosts listed in
//! [`RegistryOptions::insecure_registries`]; transient failures are retried
//! with exponential backoff a bounded number of times, and a layer body that
//! breaks off is resumed with a range request.

#![deny(missing_docs)]

mod auth;
mod blob;
mod error;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drydock_oci::media_types;
use drydock_oci::{
    Compression, Digest, ImageConfig, ImageManifest, ManifestKind, Platform, parse_config,
    parse_manifest_kind,
};
use drydock_source::{BlobStore, Image, LayerSource, RemoteParts, SourceError};
use futures_util::StreamExt;
use oci_client::Reference;
use oci_client::client::{Certificate, CertificateEncoding, ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;

pub use auth::Credentials;
pub use error::RegistryError;

use crate::error::{Context, classify};

/// A manifest or index larger than this is not a real one.
pub const MAX_MANIFEST: u64 = 4 << 20;
/// Configs carry history and labels; generous, but bounded.
pub const MAX_CONFIG: u64 = 16 << 20;
/// Docker refuses more than 127 layers; anything far beyond is hostile.
const MAX_LAYERS: usize = 1000;
/// Nested indexes deeper than this can only be a loop or an attack.
const MAX_INDEX_DEPTH: usize = 4;

/// How to reach registries.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// Credentials for every registry, overriding the Docker config.
    pub credentials: Option<Credentials>,
    /// Docker config file; default `$DOCKER_CONFIG/config.json`, then
    /// `~/.docker/config.json`.
    pub docker_config: Option<PathBuf>,
    /// Hosts (`host:port` as in the reference) that may be reached over
    /// plain HTTP.
    pub insecure_registries: Vec<String>,
    /// Extra trusted CA certificates (PEM or DER files).
    pub ca_certs: Vec<PathBuf>,
    /// Platform to choose from an index; `linux/amd64` when unset.
    pub platform: Option<Platform>,
    /// Extra attempts after a transient failure (connection, 5xx, 429, a
    /// body that breaks off).
    pub retries: u32,
    /// Wait before the first retry; doubled each time, capped at 5 s.
    pub initial_backoff: Duration,
    /// Connect timeout per request.
    pub connect_timeout: Duration,
    /// Longest silence while reading a body.
    pub read_timeout: Duration,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            credentials: None,
            docker_config: None,
            insecure_registries: Vec::new(),
            ca_certs: Vec::new(),
            platform: None,
            retries: 3,
            initial_backoff: Duration::from_millis(250),
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
        }
    }
}

/// A parsed image reference, normalised as Docker does (`alpine` is
/// `docker.io/library/alpine:latest`).
#[derive(Clone)]
pub struct ImageReference {
    inner: Reference,
    given: String,
}

impl ImageReference {
    /// Parses `s`; a `docker://` prefix (skopeo's transport) is accepted.
    pub fn parse(s: &str) -> Result<Self, RegistryError> {
        let bare = s.strip_prefix("docker://").unwrap_or(s);
        let inner = Reference::try_from(bare).map_err(|e| RegistryError::InvalidReference {
            reference: s.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Self {
            inner,
            given: bare.to_owned(),
        })
    }

    /// Registry host as written (`docker.io` for Docker Hub).
    pub fn registry(&self) -> &str {
        self.inner.registry()
    }

    /// Repository path (`library/alpine`).
    pub fn repository(&self) -> &str {
        self.inner.repository()
    }

    /// Tag, if the reference has one.
    pub fn tag(&self) -> Option<&str> {
        self.inner.tag()
    }

    /// Digest pin, if the reference has one and it parses.
    pub fn digest(&self) -> Option<Digest> {
        self.inner.digest().and_then(|d| d.parse().ok())
    }

    /// The reference as the user gave it (without `docker://`).
    pub fn as_given(&self) -> &str {
        &self.given
    }

    /// The same repository at `digest`.
    pub fn with_digest(&self, digest: &Digest) -> Self {
        let inner = Reference::with_digest(
            self.inner.registry().to_owned(),
            self.inner.repository().to_owned(),
            digest.to_string(),
        );
        Self {
            given: inner.whole(),
            inner,
        }
    }

    /// The same repository at `tag`.
    pub fn with_tag(&self, tag: &str) -> Self {
        let inner = Reference::with_tag(
            self.inner.registry().to_owned(),
            self.inner.repository().to_owned(),
            tag.to_owned(),
        );
        Self {
            given: inner.whole(),
            inner,
        }
    }

    /// Host to connect to (`index.docker.io` for Docker Hub).
    fn host(&self) -> &str {
        self.inner.resolve_registry()
    }
}

impl fmt::Display for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.whole())
    }
}

impl fmt::Debug for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ImageReference({})", self.inner.whole())
    }
}

/// Whether an argument that is not a file or directory should be pulled
/// from a registry: `docker://…`, a first component that names a host
/// (`registry.example.com/…`, `localhost:5000/…`), or a Docker Hub short
/// name with a tag or digest (`alpine:3.20`). A mistyped path such as
/// `images/shop.tar` is not one, so it still gets a "does not exist" error
/// instead of a network attempt.
pub fn looks_like_reference(s: &str) -> bool {
    if s.starts_with("docker://") {
        return ImageReference::parse(s).is_ok();
    }
    if s.is_empty() || s.starts_with(['/', '.', '~']) || s.contains('\\') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    if [".tar", ".tar.gz", ".tgz", ".tar.zst", ".oci", ".json"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return false;
    }
    let names_host = match s.split_once('/') {
        Some((first, _)) => first.contains(['.', ':']) || first == "localhost",
        None => s.contains([':', '@']),
    };
    names_host && ImageReference::parse(s).is_ok()
}

/// A manifest or index as fetched, verified against its digest.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    /// The exact bytes (signatures and digests are over these).
    pub bytes: Vec<u8>,
    /// Their digest.
    pub digest: Digest,
    /// Parsed.
    pub kind: ManifestKind,
}

/// A reference resolved to one image.
#[derive(Debug, Clone)]
pub struct ResolvedImage {
    /// The reference the user gave.
    pub reference: ImageReference,
    /// The index the reference pointed at, if it was one.
    pub index_digest: Option<Digest>,
    /// The image manifest's digest.
    pub manifest_digest: Digest,
    /// The image manifest.
    pub manifest: ImageManifest,
    /// Config digest.
    pub config_digest: Digest,
    /// Parsed config.
    pub config: ImageConfig,
    /// Platform of the image, from its config.
    pub platform: Option<Platform>,
}

/// Shared by the client and every blob reader it hands out.
pub(crate) struct Inner {
    pub(crate) runtime: tokio::runtime::Runtime,
    pub(crate) client: Arc<oci_client::Client>,
    pub(crate) retries: u32,
    initial_backoff: Duration,
}

impl Inner {
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        backoff(self.initial_backoff, attempt)
    }
}

/// The wait before retry `attempt` (1-based): doubling from `initial`,
/// capped at 5 s.
fn backoff(initial: Duration, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(5);
    (initial * factor).min(Duration::from_secs(5))
}

/// Where a blob reader fetches from, and as whom.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) reference: Reference,
    pub(crate) host: String,
    pub(crate) user: Option<(String, String)>,
}

/// The authentication for one host, and the user and origin sent (for
/// error messages).
type HostAuth = (RegistryAuth, Option<(String, String)>);

/// A connection to registries: one runtime, one HTTP client, credentials
/// resolved once per host.
pub struct Registry {
    inner: Arc<Inner>,
    options: RegistryOptions,
    auths: Mutex<HashMap<String, HostAuth>>,
    warnings: Mutex<Vec<String>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// Builds the client. Fails on unreadable CA files.
    pub fn new(options: RegistryOptions) -> Result<Self, RegistryError> {
        // reqwest is built without a bundled crypto provider so the workspace
        // has one (ring, shared with the advisory downloader); installing it
        // twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut certs = Vec::new();
        for path in &options.ca_certs {
            let data = std::fs::read(path).map_err(|e| RegistryError::CaCert {
                path: path.clone(),
                detail: e.to_string(),
            })?;
            let pem = data
                .windows(27)
                .any(|w| w == b"-----BEGIN CERTIFICATE-----");
            if !pem && data.first() != Some(&0x30) {
                return Err(RegistryError::CaCert {
                    path: path.clone(),
                    detail: "neither a PEM certificate nor DER".into(),
                });
            }
            certs.push(Certificate {
                encoding: if pem {
                    CertificateEncoding::Pem
                } else {
                    CertificateEncoding::Der
                },
                data,
            });
        }
        let config = ClientConfig {
            protocol: if options.insecure_registries.is_empty() {
                ClientProtocol::Https
            } else {
                ClientProtocol::HttpsExcept(options.insecure_registries.clone())
            },
            extra_root_certificates: certs,
            // Platform choice is ours (variants, attestation manifests).
            platform_resolver: None,
            connect_timeout: Some(options.connect_timeout),
            read_timeout: Some(options.read_timeout),
            user_agent: concat!("drydock/", env!("CARGO_PKG_VERSION")),
            ..ClientConfig::default()
        };
        let client = oci_client::Client::try_from(config).map_err(|e| RegistryError::CaCert {
            path: options.ca_certs.first().cloned().unwrap_or_default(),
            detail: error::chain(&e),
        })?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("drydock-registry")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| RegistryError::Runtime(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                runtime,
                client: Arc::new(client),
                retries: options.retries,
                initial_backoff: options.initial_backoff,
            }),
            options,
            auths: Mutex::new(HashMap::new()),
            warnings: Mutex::new(Vec::new()),
        })
    }

    /// Things worth telling the user that did not stop anything.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.lock().map(|w| w.clone()).unwrap_or_default()
    }

    fn auth_for(&self, r: &ImageReference) -> Result<HostAuth, RegistryError> {
        let host = r.host().to_owned();
        if let Some(found) = self.auths.lock().ok().and_then(|m| m.get(&host).cloned()) {
            return Ok(found);
        }
        let resolved = auth::resolve(
            &host,
            self.options.credentials.as_ref(),
            self.options.docker_config.as_deref(),
        )?;
        if let Some(w) = resolved.warning
            && let Ok(mut ws) = self.warnings.lock()
        {
            ws.push(w);
        }
        let entry = (resolved.auth, resolved.user);
        if let Ok(mut m) = self.auths.lock() {
            m.insert(host, entry.clone());
        }
        Ok(entry)
    }

    /// Runs `op` with bounded retries on transient failures.
    fn with_retries<T>(
        &self,
        mut op: impl FnMut(u32) -> Result<T, RegistryError>,
    ) -> Result<T, RegistryError> {
        let mut attempt = 1;
        loop {
            match op(attempt) {
                Err(e) if e.retryable() && attempt <= self.inner.retries => {
                    std::thread::sleep(self.inner.backoff(attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Fetches the manifest or index `r` names and checks it against the
    /// reference's digest, if it has one.
    pub fn fetch_manifest(&self, r: &ImageReference) -> Result<FetchedManifest, RegistryError> {
        let (auth, user) = self.auth_for(r)?;
        let accepted = [
            media_types::OCI_INDEX,
            media_types::OCI_MANIFEST,
            media_types::DOCKER_MANIFEST_LIST,
            media_types::DOCKER_MANIFEST,
        ];
        let whole = r.to_string();
        let bytes = self.with_retries(|attempt| {
            let ctx = Context {
                host: r.host(),
                repository: r.repository(),
                reference: &whole,
                user: user.as_ref().map(|(u, o)| (u.as_str(), o.as_str())),
                attempts: attempt,
            };
            self.inner
                .runtime
                .block_on(
                    self.inner
                        .client
                        .pull_manifest_raw(&r.inner, &auth, &accepted),
                )
                .map(|(b, _)| b)
                .map_err(|e| classify(e, &ctx))
        })?;
        if bytes.len() as u64 > MAX_MANIFEST {
            return Err(RegistryError::TooLarge {
                what: "manifest".into(),
                reference: whole,
                size: bytes.len() as u64,
                limit: MAX_MANIFEST,
            });
        }
        let digest = Digest::sha256_of(&bytes);
        if let Some(want) = r.digest() {
            let actual = want.recompute(&bytes);
            if actual != want {
                return Err(RegistryError::digest_mismatch(
                    format!("manifest {whole}"),
                    r.registry(),
                    &want,
                    &actual,
                ));
            }
        }
        let kind = parse_manifest_kind(&bytes).map_err(|source| RegistryError::Document {
            what: "manifest",
            reference: whole,
            source,
        })?;
        Ok(FetchedManifest {
            bytes: bytes.to_vec(),
            digest: r.digest().unwrap_or(digest),
            kind,
        })
    }

    /// Fetches a small blob (config, signature payload) whole, bounded by
    /// `limit` and checked against `digest`.
    pub fn fetch_blob(
        &self,
        r: &ImageReference,
        digest: &Digest,
        limit: u64,
    ) -> Result<Vec<u8>, RegistryError> {
        let (auth, user) = self.auth_for(r)?;
        let whole = format!("{}@{digest}", r.repository());
        let digest_text = digest.to_string();
        let bytes = self.with_retries(|attempt| {
            let ctx = Context {
                host: r.host(),
                repository: r.repository(),
                reference: &whole,
                user: user.as_ref().map(|(u, o)| (u.as_str(), o.as_str())),
                attempts: attempt,
            };
            let client = self.inner.client.clone();
            let reference = r.inner.clone();
            let auth = auth.clone();
            let digest_text = digest_text.clone();
            self.inner.runtime.block_on(async move {
                client
                    .store_auth_if_needed(reference.resolve_registry(), &auth)
                    .await;
                let layer: &str = &digest_text;
                let mut stream = client
                    .pull_blob_stream(&reference, layer)
                    .await
                    .map_err(|e| classify(e, &ctx))?;
                if let Some(len) = stream.content_length
                    && len > limit
                {
                    return Err(RegistryError::TooLarge {
                        what: format!("blob {digest_text}"),
                        reference: ctx.reference.to_owned(),
                        size: len,
                        limit,
                    });
                }
                let mut out = Vec::new();
                while let Some(chunk) = stream.stream.next().await {
                    let chunk = chunk.map_err(|e| {
                        // oci-client verifies the digest at the end of the
                        // body; that is tampering, not a network problem.
                        match e
                            .get_ref()
                            .and_then(|r| r.downcast_ref::<oci_client::errors::DigestError>())
                        {
                            Some(oci_client::errors::DigestError::VerificationError {
                                expected,
                                actual,
                            }) => RegistryError::DigestMismatch {
                                what: format!("blob {digest_text}"),
                                host: ctx.host.to_owned(),
                                expected: expected.clone(),
                                actual: actual.clone(),
                            },
                            _ => error::classify_transport(error::chain(&e), &ctx),
                        }
                    })?;
                    if out.len() as u64 + chunk.len() as u64 > limit {
                        return Err(RegistryError::TooLarge {
                            what: format!("blob {digest_text}"),
                            reference: ctx.reference.to_owned(),
                            size: out.len() as u64 + chunk.len() as u64,
                            limit,
                        });
                    }
                    out.extend_from_slice(&chunk);
                }
                Ok(out)
            })
        })?;
        let actual = digest.recompute(&bytes);
        if &actual != digest {
            return Err(RegistryError::digest_mismatch(
                format!("blob {digest}"),
                r.registry(),
                digest,
                &actual,
            ));
        }
        Ok(bytes)
    }

    /// Resolves `r` to one image: follows an index to the requested
    /// platform and reads the config.
    pub fn resolve(&self, r: &ImageReference) -> Result<ResolvedImage, RegistryError> {
        let want = self
            .options
            .platform
            .clone()
            .unwrap_or_else(Platform::linux_amd64);
        let mut fetched = self.fetch_manifest(r)?;
        let mut index_digest = None;
        let mut depth = 0;
        let manifest = loop {
            match fetched.kind {
                ManifestKind::Manifest(m) => break m,
                ManifestKind::Index(index) => {
                    depth += 1;
                    if depth > MAX_INDEX_DEPTH {
                        return Err(RegistryError::Unsupported {
                            reference: r.to_string(),
                            reason: "image indexes nested too deeply".into(),
                        });
                    }
                    index_digest.get_or_insert(fetched.digest.clone());
                    let Some(desc) = index.select(&want) else {
                        return Err(RegistryError::NoMatchingPlatform {
                            reference: r.to_string(),
                            wanted: want.to_string(),
                            available: index.platforms(),
                        });
                    };
                    fetched = self.fetch_manifest(&r.with_digest(&desc.digest))?;
                }
            }
        };
        if manifest.layers.len() > MAX_LAYERS {
            return Err(RegistryError::Unsupported {
                reference: r.to_string(),
                reason: format!("manifest lists {} layers", manifest.layers.len()),
            });
        }
        let config_bytes = self.fetch_blob(r, &manifest.config.digest, MAX_CONFIG)?;
        let config = parse_config(&config_bytes).map_err(|source| RegistryError::Document {
            what: "config",
            reference: r.to_string(),
            source,
        })?;
        if config.rootfs.diff_ids.len() != manifest.layers.len() {
            return Err(RegistryError::Unsupported {
                reference: r.to_string(),
                reason: format!(
                    "manifest lists {} layers but the config has {} diff_ids",
                    manifest.layers.len(),
                    config.rootfs.diff_ids.len()
                ),
            });
        }
        let platform = (!config.os.is_empty()).then(|| Platform {
            os: config.os.clone(),
            architecture: config.architecture.clone(),
            variant: config.variant.clone(),
        });
        if let (Some(asked), Some(have)) = (&self.options.platform, &platform)
            && !asked.matches(have)
        {
            return Err(RegistryError::NoMatchingPlatform {
                reference: r.to_string(),
                wanted: asked.to_string(),
                available: have.to_string(),
            });
        }
        Ok(ResolvedImage {
            reference: r.clone(),
            index_digest,
            manifest_digest: fetched.digest,
            config_digest: manifest.config.digest.clone(),
            manifest,
            config,
            platform,
        })
    }

    /// Opens `reference` as an image for the scan pipeline, with what
    /// resolving it found (the index digest a signature may cover).
    pub fn open_image(&self, reference: &str) -> Result<(Image, ResolvedImage), RegistryError> {
        let r = ImageReference::parse(reference)?;
        let resolved = self.resolve(&r)?;
        let (_, user) = self.auth_for(&r)?;
        let mut warnings = self.warnings();
        let mut layers = Vec::with_capacity(resolved.manifest.layers.len());
        for (i, l) in resolved.manifest.layers.iter().enumerate() {
            if l.media_type.contains("foreign") {
                return Err(RegistryError::Unsupported {
                    reference: r.to_string(),
                    reason: format!(
                        "layer {i} is a foreign (non-distributable) layer `{}`",
                        l.media_type
                    ),
                });
            }
            if !l.digest.is_sha256() {
                warnings.push(format!(
                    "layer {i}: blob digest {} is not verified (only sha256 is checked while streaming)",
                    l.digest
                ));
            }
            layers.push(LayerSource {
                index: i,
                media_type: Some(l.media_type.clone()),
                compression_hint: Compression::from_media_type(&l.media_type),
                blob_digest: Some(l.digest.clone()),
                diff_id: resolved.config.rootfs.diff_ids.get(i).cloned(),
                size: u64::try_from(l.size).ok(),
                locator: l.digest.to_string(),
            });
        }
        let store = RegistryStore {
            inner: self.inner.clone(),
            target: Target {
                reference: r.inner.clone(),
                host: r.registry().to_owned(),
                user,
            },
        };
        let image = Image::from_remote(
            RemoteParts {
                reference: reference.to_owned(),
                manifest_digest: resolved.manifest_digest.clone(),
                config_digest: resolved.config_digest.clone(),
                config: resolved.config.clone(),
                layers,
                platform: resolved.platform.clone(),
                warnings,
            },
            Arc::new(store),
        );
        Ok((image, resolved))
    }
}

struct RegistryStore {
    inner: Arc<Inner>,
    target: Target,
}

impl BlobStore for RegistryStore {
    fn open(&self, layer: &LayerSource) -> Result<Box<dyn std::io::Read + Send>, SourceError> {
        Ok(Box::new(blob::BlobReader::new(
            self.inner.clone(),
            self.target.clone(),
            layer.locator.clone(),
            layer.size,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_normalised() {
        let r = ImageReference::parse("alpine").unwrap();
        assert_eq!(r.registry(), "docker.io");
        assert_eq!(r.repository(), "library/alpine");
        let r = ImageReference::parse("docker://127.0.0.1:5000/team/app:1.2").unwrap();
        assert_eq!(r.registry(), "127.0.0.1:5000");
        assert_eq!(r.repository(), "team/app");
        assert_eq!(r.tag(), Some("1.2"));
        let d = Digest::sha256_of(b"x");
        let p = r.with_digest(&d);
        assert_eq!(p.digest(), Some(d));
        assert!(ImageReference::parse("registry.example/Team/app:1").is_err());
        assert!(ImageReference::parse("registry.example/app:bad tag").is_err());
    }

    #[test]
    fn what_counts_as_a_registry_reference() {
        for yes in [
            "registry.example.com/team/app:1.2",
            "localhost:5000/shop",
            "127.0.0.1:5000/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "alpine:3.20",
            "docker://alpine",
        ] {
            assert!(looks_like_reference(yes), "{yes}");
        }
        for no in [
            "images/shop.tar",
            "shop.oci.tar",
            "./rootfs",
            "/tmp/x",
            "alpine",
            "",
            "registry.example.com/app.tar",
        ] {
            assert!(!looks_like_reference(no), "{no}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let initial = Duration::from_millis(100);
        assert_eq!(backoff(initial, 1), Duration::from_millis(100));
        assert_eq!(backoff(initial, 2), Duration::from_millis(200));
        assert_eq!(backoff(initial, 40), Duration::from_millis(3200));
        assert_eq!(backoff(Duration::from_secs(1), 9), Duration::from_secs(5));
    }

    proptest::proptest! {
        #[test]
        fn reference_parsing_never_panics(s in "\\PC{0,80}") {
            let _ = looks_like_reference(&s);
            if let Ok(r) = ImageReference::parse(&s) {
                let again = ImageReference::parse(&r.to_string()).unwrap();
                proptest::prop_assert_eq!(again.to_string(), r.to_string());
            }
        }
    }
}
