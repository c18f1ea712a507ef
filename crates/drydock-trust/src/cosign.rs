//! Cosign key-based signatures, offline: reading the `sha256-<hex>.sig`
//! manifest, checking each signature against a public key and the image
//! digest, and producing signatures `cosign verify --key` accepts.
//!
//! Cosign stores the signature of image `sha256:<hex>` as an OCI manifest
//! tagged [`signature_tag`] in the image's repository. Each layer of that
//! manifest is a *simple signing* payload (JSON naming the image digest) and
//! carries the base64 DER ECDSA signature of the payload's bytes in the
//! `dev.cosignproject.cosign/signature` annotation. Fetching the manifest and
//! the payload blobs is the caller's job; everything here is pure.
//!
//! Transparency-log bundles (`dev.sigstore.cosign/bundle`) and keyless
//! certificates are carried through but not verified: a signature is trusted
//! because the key verifies it, as with `cosign verify --key K
//! --insecure-ignore-tlog`.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use drydock_oci::Digest;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::TrustError;
use crate::keys::VerifyingKey;
pub use crate::keys::{PublicKey, SigningKey};
use crate::policy::SignatureStatus;

/// Media type of a cosign simple-signing payload layer.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer annotation holding the base64 DER signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Layer annotation holding the signing certificate (keyless signing).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// Layer annotation holding the certificate chain (keyless signing).
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// Layer annotation holding the Rekor transparency-log bundle (JSON).
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
/// The `critical.type` every cosign image signature payload states.
pub const SIGNATURE_TYPE: &str = "cosign container image signature";
/// Largest signature manifest accepted, in bytes.
pub const MAX_SIGNATURE_MANIFEST_BYTES: usize = 4 * 1024 * 1024;
/// Most layers (signatures) a signature manifest may list.
pub const MAX_SIGNATURE_LAYERS: usize = 1000;
/// Largest payload blob accepted, in bytes; callers should not fetch more.
pub const MAX_PAYLOAD_BYTES: u64 = 1024 * 1024;

/// A DER ECDSA signature is at most ~140 bytes; base64 of anything much
/// longer is not one, and is refused before decoding.
const MAX_SIGNATURE_B64: usize = 1024;
/// How many failure reasons a [`SignatureStatus::Invalid`] keeps.
const MAX_REASONS: usize = 16;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";

/// The tag cosign stores the signatures of `manifest_digest` under:
/// `sha256-<hex>.sig`.
pub fn signature_tag(manifest_digest: &Digest) -> String {
    format!(
        "{}-{}.sig",
        manifest_digest.algorithm(),
        manifest_digest.hex()
    )
}

/// The usable content of a signature manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureManifest {
    /// Signature layers, in manifest order.
    pub layers: Vec<SignatureLayer>,
    /// Layers that are not usable signatures, with the reason; reported
    /// rather than fatal, so one odd layer does not hide valid signatures.
    pub ignored: Vec<IgnoredLayer>,
}

/// One signature: the payload it signs and the signature itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLayer {
    /// Position in the manifest's `layers`.
    pub index: usize,
    /// Digest of the payload blob, to fetch and check it.
    pub payload_digest: Digest,
    /// Size of the payload blob as the manifest states it (at most
    /// [`MAX_PAYLOAD_BYTES`]).
    pub payload_size: u64,
    /// The `dev.cosignproject.cosign/signature` annotation.
    pub signature_b64: String,
    /// The signing certificate PEM, for keyless signatures.
    pub certificate: Option<String>,
    /// The certificate chain PEM, for keyless signatures.
    pub chain: Option<String>,
    /// The Rekor bundle JSON, when the signature was logged.
    pub bundle: Option<String>,
    /// Every annotation of the layer.
    pub annotations: BTreeMap<String, String>,
}

/// A layer of a signature manifest that is not a usable signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredLayer {
    /// Position in the manifest's `layers`.
    pub index: usize,
    /// Why it was skipped.
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    #[serde(default)]
    schema_version: Option<i64>,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default, deserialize_with = "bounded_layers")]
    layers: Vec<RawLayer>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawLayer {
    #[serde(default)]
    media_type: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    size: i64,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

/// Deserialises `layers` but stops at [`MAX_SIGNATURE_LAYERS`], so a hostile
/// manifest of tiny layers cannot make us allocate for all of them first.
fn bounded_layers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<RawLayer>, D::Error> {
    struct Bounded;
    impl<'de> Visitor<'de> for Bounded {
        type Value = Vec<RawLayer>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "an array of at most {MAX_SIGNATURE_LAYERS} layers")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(layer) = seq.next_element()? {
                if out.len() == MAX_SIGNATURE_LAYERS {
                    return Err(de::Error::custom(format!(
                        "more than {MAX_SIGNATURE_LAYERS} layers"
                    )));
                }
                out.push(layer);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded)
}

/// Reads the signature manifest stored under [`signature_tag`]. Errors only
/// when the document as a whole is unusable (not JSON, over
/// [`MAX_SIGNATURE_MANIFEST_BYTES`], over [`MAX_SIGNATURE_LAYERS`] layers, an
/// index); layers that are not signatures land in
/// [`SignatureManifest::ignored`].
pub fn parse_signature_manifest(bytes: &[u8]) -> Result<SignatureManifest, TrustError> {
    if bytes.len() > MAX_SIGNATURE_MANIFEST_BYTES {
        return Err(TrustError::SignatureManifest(format!(
            "{} bytes, over the {MAX_SIGNATURE_MANIFEST_BYTES}-byte limit",
            bytes.len()
        )));
    }
    let raw: RawManifest = serde_json::from_slice(bytes)
        .map_err(|e| TrustError::SignatureManifest(format!("not a JSON image manifest: {e}")))?;
    if let Some(v) = raw.schema_version
        && v != 2
    {
        return Err(TrustError::SignatureManifest(format!(
            "schemaVersion is {v}, expected 2"
        )));
    }
    if let Some(mt) = raw.media_type.as_deref()
        && (mt.contains("image.index") || mt.contains("manifest.list"))
    {
        return Err(TrustError::SignatureManifest(format!(
            "it is an image index (`{}`), not a signature manifest",
            raw.media_type.unwrap_or_default()
        )));
    }
    let mut manifest = SignatureManifest {
        layers: Vec::new(),
        ignored: Vec::new(),
    };
    for (index, layer) in raw.layers.into_iter().enumerate() {
        match signature_layer(index, layer) {
            Ok(l) => manifest.layers.push(l),
            Err(reason) => manifest.ignored.push(IgnoredLayer { index, reason }),
        }
    }
    Ok(manifest)
}

fn signature_layer(index: usize, raw: RawLayer) -> Result<SignatureLayer, String> {
    if raw.media_type != SIMPLE_SIGNING_MEDIA_TYPE {
        return Err(format!(
            "media type `{}` is not `{SIMPLE_SIGNING_MEDIA_TYPE}`",
            clip(&raw.media_type)
        ));
    }
    let payload_digest: Digest = raw
        .digest
        .parse()
        .map_err(|e| format!("payload digest: {e}"))?;
    let payload_size = u64::try_from(raw.size)
        .ok()
        .filter(|s| *s <= MAX_PAYLOAD_BYTES)
        .ok_or_else(|| {
            format!(
                "payload size {} is not between 0 and {MAX_PAYLOAD_BYTES} bytes",
                raw.size
            )
        })?;
    let signature_b64 = raw
        .annotations
        .get(SIGNATURE_ANNOTATION)
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .ok_or_else(|| format!("no `{SIGNATURE_ANNOTATION}` annotation"))?;
    let get = |k: &str| raw.annotations.get(k).cloned();
    Ok(SignatureLayer {
        index,
        payload_digest,
        payload_size,
        certificate: get(CERTIFICATE_ANNOTATION),
        chain: get(CHAIN_ANNOTATION),
        bundle: get(BUNDLE_ANNOTATION),
        signature_b64,
        annotations: raw.annotations,
    })
}

/// A signature that checked out: made by the key, over a payload naming
/// the expected image digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedSignature {
    /// `critical.identity.docker-reference`: the repository the signer named.
    pub docker_reference: String,
    /// The image digest the payload signs (equal to the expected one).
    pub manifest_digest: Digest,
    /// The payload's `optional` annotations (`cosign sign -a k=v`);
    /// non-string values are rendered as JSON.
    pub annotations: BTreeMap<String, String>,
    /// [`PublicKey::fingerprint`] of the key that verified it.
    pub key_fingerprint: String,
    /// Whether the layer carries a Rekor bundle (not verified here).
    pub has_bundle: bool,
}

/// Why one signature does not vouch for an image. Each variant is a
/// different story for the user: tampering in transit, a malformed
/// signature, the wrong key, a signature copied from another image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The payload blob is larger than [`MAX_PAYLOAD_BYTES`].
    #[error("the signed payload is {size} bytes, over the {limit}-byte limit")]
    PayloadTooLarge {
        /// Size of the blob given.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The payload blob does not hash to the digest the manifest names.
    #[error(
        "the signature payload blob was altered: the signature manifest names {expected}, \
         but the blob hashes to {actual}"
    )]
    PayloadDigestMismatch {
        /// The digest in the signature manifest.
        expected: Digest,
        /// The digest of the bytes given.
        actual: Digest,
    },
    /// The signature annotation is not base64 of a DER ECDSA signature.
    #[error("the signature is malformed: {0}")]
    MalformedSignature(String),
    /// The signature is well-formed but not by this key over this payload.
    #[error(
        "the signature does not verify with key {fingerprint} (it was made with another key, \
         or the payload was altered)"
    )]
    BadSignature {
        /// Fingerprint of the key tried.
        fingerprint: String,
    },
    /// The signed payload is not a simple-signing JSON document.
    #[error("the signed payload is not a cosign simple-signing document: {0}")]
    MalformedPayload(String),
    /// The payload is of another kind than an image signature.
    #[error("the signed payload has type `{0}`, expected `{SIGNATURE_TYPE}`")]
    WrongType(String),
    /// A valid signature, but for another image.
    #[error(
        "the signature is for image {signed}, not for this image {actual}; \
         it was copied from another image"
    )]
    ManifestDigestMismatch {
        /// The digest the payload signs, as written.
        signed: String,
        /// The digest of the image being checked.
        actual: Digest,
    },
}

/// The content of a simple-signing payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleSigningPayload {
    /// `critical.identity.docker-reference`.
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`, as written.
    pub manifest_digest: String,
    /// `critical.type`.
    pub signature_type: String,
    /// `optional`, with non-string values rendered as JSON.
    pub annotations: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
struct PayloadDoc {
    critical: Critical,
    #[serde(default)]
    optional: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Serialize, Deserialize)]
struct Critical {
    identity: Identity,
    image: Image,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize, Deserialize)]
struct Identity {
    #[serde(rename = "docker-reference")]
    docker_reference: String,
}

#[derive(Serialize, Deserialize)]
struct Image {
    #[serde(rename = "docker-manifest-digest")]
    docker_manifest_digest: String,
}

/// Parses a simple-signing payload. Its authenticity is not checked here;
/// [`verify`] checks the signature first.
pub fn parse_simple_signing_payload(bytes: &[u8]) -> Result<SimpleSigningPayload, VerifyError> {
    if bytes.len() as u64 > MAX_PAYLOAD_BYTES {
        return Err(VerifyError::PayloadTooLarge {
            size: bytes.len() as u64,
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let doc: PayloadDoc =
        serde_json::from_slice(bytes).map_err(|e| VerifyError::MalformedPayload(e.to_string()))?;
    let annotations = doc
        .optional
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k, v)
        })
        .collect();
    Ok(SimpleSigningPayload {
        docker_reference: doc.critical.identity.docker_reference,
        manifest_digest: doc.critical.image.docker_manifest_digest,
        signature_type: doc.critical.kind,
        annotations,
    })
}

/// Checks one signature layer against its payload blob, a key and the
/// digest of the image being checked.
///
/// In order: the payload's size and digest, the signature (with SHA-256, and
/// for P-384 keys also SHA-384), the payload's shape and type, and last that
/// it signs `expected_manifest_digest`.
pub fn verify(
    layer: &SignatureLayer,
    payload: &[u8],
    key: &PublicKey,
    expected_manifest_digest: &Digest,
) -> Result<VerifiedSignature, VerifyError> {
    let size = payload.len() as u64;
    if size > MAX_PAYLOAD_BYTES {
        return Err(VerifyError::PayloadTooLarge {
            size,
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let actual = layer.payload_digest.recompute(payload);
    if actual != layer.payload_digest {
        return Err(VerifyError::PayloadDigestMismatch {
            expected: layer.payload_digest.clone(),
            actual,
        });
    }
    let der = decode_signature(&layer.signature_b64)?;
    verify_der(key, payload, &der)?;
    let doc = parse_simple_signing_payload(payload)?;
    if doc.signature_type != SIGNATURE_TYPE {
        return Err(VerifyError::WrongType(clip(&doc.signature_type)));
    }
    let signed = doc.manifest_digest.parse::<Digest>().ok();
    match signed {
        Some(d) if d == *expected_manifest_digest => Ok(VerifiedSignature {
            docker_reference: doc.docker_reference,
            manifest_digest: d,
            annotations: doc.annotations,
            key_fingerprint: key.fingerprint().to_owned(),
            has_bundle: layer.bundle.is_some(),
        }),
        _ => Err(VerifyError::ManifestDigestMismatch {
            signed: clip(&doc.manifest_digest),
            actual: expected_manifest_digest.clone(),
        }),
    }
}

fn decode_signature(b64: &str) -> Result<Vec<u8>, VerifyError> {
    let b64 = b64.trim();
    if b64.len() > MAX_SIGNATURE_B64 {
        return Err(VerifyError::MalformedSignature(format!(
            "{} base64 characters is far too long for an ECDSA signature",
            b64.len()
        )));
    }
    STANDARD
        .decode(b64)
        .map_err(|e| VerifyError::MalformedSignature(format!("not valid base64: {e}")))
}

fn verify_der(key: &PublicKey, payload: &[u8], der: &[u8]) -> Result<(), VerifyError> {
    use p256::ecdsa::signature::Verifier as _;
    use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
    let malformed = |e: p256::ecdsa::Error| {
        VerifyError::MalformedSignature(format!("not a DER ASN.1 ECDSA signature ({e})"))
    };
    let ok = match key.verifying_key() {
        VerifyingKey::P256(k) => {
            let sig = p256::ecdsa::DerSignature::from_bytes(der).map_err(malformed)?;
            k.verify(payload, &sig).is_ok()
        }
        VerifyingKey::P384(k) => {
            let sig = p384::ecdsa::DerSignature::from_bytes(der).map_err(malformed)?;
            // cosign hashes with SHA-256 whatever the curve (older releases
            // and the default), but newer releases pair P-384 with SHA-384.
            k.verify(payload, &sig).is_ok()
                || k.verify_prehash(&Sha256::digest(payload), &sig).is_ok()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(VerifyError::BadSignature {
            fingerprint: key.fingerprint().to_owned(),
        })
    }
}

/// The outcome of checking every signature in a signature manifest with
/// one key: `Verified` if at least one signature verifies, `Missing` when
/// there is no manifest or it lists no layers, `Invalid` with one reason per
/// failing or ignored layer otherwise. `payloads` holds the payload blobs
/// the caller fetched, by digest; a missing one is a reason, not an error.
pub fn check_signatures(
    manifest: Option<&SignatureManifest>,
    payloads: &BTreeMap<Digest, Vec<u8>>,
    key: &PublicKey,
    expected_manifest_digest: &Digest,
) -> SignatureStatus {
    check_signatures_with(
        manifest,
        |digest| {
            payloads
                .get(digest)
                .map(Vec::as_slice)
                .ok_or_else(|| format!("payload blob {digest} was not fetched"))
        },
        key,
        expected_manifest_digest,
    )
}

/// [`check_signatures`] with the payloads looked up by `payload`, whose
/// error (the blob could not be fetched, or failed its digest check on the
/// way) becomes that signature's reason.
pub fn check_signatures_with<'p>(
    manifest: Option<&SignatureManifest>,
    mut payload: impl FnMut(&Digest) -> Result<&'p [u8], String>,
    key: &PublicKey,
    expected_manifest_digest: &Digest,
) -> SignatureStatus {
    let Some(manifest) = manifest else {
        return SignatureStatus::Missing;
    };
    if manifest.layers.is_empty() && manifest.ignored.is_empty() {
        return SignatureStatus::Missing;
    }
    let mut verified = Vec::new();
    let mut reasons = Vec::new();
    for layer in &manifest.layers {
        let outcome = payload(&layer.payload_digest)
            .and_then(|bytes| {
                verify(layer, bytes, key, expected_manifest_digest).map_err(|e| e.to_string())
            })
            .map_err(|e| format!("signature {}: {e}", layer.index));
        match outcome {
            Ok(v) => verified.push(v),
            Err(r) => reasons.push(r),
        }
    }
    if !verified.is_empty() {
        return SignatureStatus::Verified(verified);
    }
    reasons.extend(
        manifest
            .ignored
            .iter()
            .map(|i| format!("layer {} is not a signature: {}", i.index, i.reason)),
    );
    if reasons.len() > MAX_REASONS {
        let more = reasons.len() - (MAX_REASONS - 1);
        reasons.truncate(MAX_REASONS - 1);
        reasons.push(format!("and {more} more"));
    }
    SignatureStatus::Invalid(reasons)
}

/// The simple-signing payload cosign signs for `manifest_digest`, byte for
/// byte in cosign's field order; `optional` is `null` without annotations.
pub fn simple_signing_payload(
    docker_reference: &str,
    manifest_digest: &Digest,
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    let doc = PayloadDoc {
        critical: Critical {
            identity: Identity {
                docker_reference: docker_reference.to_owned(),
            },
            image: Image {
                docker_manifest_digest: manifest_digest.to_string(),
            },
            kind: SIGNATURE_TYPE.to_owned(),
        },
        optional: (!annotations.is_empty()).then(|| {
            annotations
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect()
        }),
    };
    to_json(&doc)
}

/// Signs `payload`: base64 of the DER ECDSA P-256 signature over its
/// SHA-256, the value of the `dev.cosignproject.cosign/signature` annotation.
pub fn sign(key: &SigningKey, payload: &[u8]) -> String {
    STANDARD.encode(key.sign_der(payload))
}

/// Everything to push so that `cosign verify --key` (and [`verify`]) accept
/// an image: two blobs and a manifest, to push under [`Self::tag`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureArtifacts {
    /// The tag to push the manifest under ([`signature_tag`]).
    pub tag: String,
    /// The signature manifest.
    pub manifest_json: Vec<u8>,
    /// The config blob the manifest names.
    pub config_json: Vec<u8>,
    /// The payload blob, the only layer.
    pub payload: Vec<u8>,
    /// The signature, as in the layer annotation.
    pub signature_b64: String,
}

impl SignatureArtifacts {
    /// Digest of [`Self::manifest_json`].
    pub fn manifest_digest(&self) -> Digest {
        Digest::sha256_of(&self.manifest_json)
    }

    /// Digest of [`Self::config_json`].
    pub fn config_digest(&self) -> Digest {
        Digest::sha256_of(&self.config_json)
    }

    /// Digest of [`Self::payload`].
    pub fn payload_digest(&self) -> Digest {
        Digest::sha256_of(&self.payload)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    config: OutDescriptor<'a>,
    layers: [OutDescriptor<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OutDescriptor<'a> {
    media_type: &'a str,
    size: u64,
    digest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<BTreeMap<&'a str, &'a str>>,
}

#[derive(Serialize)]
struct OutConfig {
    architecture: &'static str,
    created: &'static str,
    history: [OutHistory; 1],
    os: &'static str,
    rootfs: OutRootFs,
    config: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct OutHistory {
    created: &'static str,
}

#[derive(Serialize)]
struct OutRootFs {
    #[serde(rename = "type")]
    kind: &'static str,
    diff_ids: [String; 1],
}

/// Builds the payload, signs it, and lays out the config and manifest the
/// way `cosign sign --key` does for one signature.
pub fn signature_artifacts(
    key: &SigningKey,
    docker_reference: &str,
    manifest_digest: &Digest,
    annotations: &BTreeMap<String, String>,
) -> SignatureArtifacts {
    const ZERO_TIME: &str = "0001-01-01T00:00:00Z";
    let payload = simple_signing_payload(docker_reference, manifest_digest, annotations);
    let signature_b64 = sign(key, &payload);
    let payload_digest = Digest::sha256_of(&payload);
    let config_json = to_json(&OutConfig {
        architecture: "",
        created: ZERO_TIME,
        history: [OutHistory { created: ZERO_TIME }],
        os: "",
        rootfs: OutRootFs {
            kind: "layers",
            diff_ids: [payload_digest.to_string()],
        },
        config: BTreeMap::new(),
    });
    let manifest_json = to_json(&OutManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        config: OutDescriptor {
            media_type: OCI_CONFIG,
            size: config_json.len() as u64,
            digest: Digest::sha256_of(&config_json).to_string(),
            annotations: None,
        },
        layers: [OutDescriptor {
            media_type: SIMPLE_SIGNING_MEDIA_TYPE,
            size: payload.len() as u64,
            digest: payload_digest.to_string(),
            annotations: Some(BTreeMap::from([(
                SIGNATURE_ANNOTATION,
                signature_b64.as_str(),
            )])),
        }],
    });
    SignatureArtifacts {
        tag: signature_tag(manifest_digest),
        manifest_json,
        config_json,
        payload,
        signature_b64,
    }
}

/// Serialises one of this module's own documents. They hold only strings,
/// integers and string-keyed maps, which serde_json always encodes.
fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Cuts attacker-chosen text for error messages.
fn clip(s: &str) -> String {
    match s.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}
