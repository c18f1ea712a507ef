//! Image trust without the network: cosign signatures and trust policies.
//!
//! The registry client fetches; this crate decides. [`cosign`] reads the
//! signature manifest cosign stores next to an image (`sha256-<hex>.sig`),
//! verifies each signature against a public key and the image digest, and
//! produces signatures real `cosign verify --key` accepts. [`policy`] reads a
//! trust policy and turns what the caller learnt about an image into
//! `DD-TRUST-*` findings.
//!
//! # Trust policy
//!
//! A YAML file; every key is optional and unknown keys are errors:
//!
//! ```yaml
//! # Allowed `registry/repository` globs; absent or empty allows any.
//! # `*` stays within one path component, `**` crosses them, and a bare
//! # host (`ghcr.io`) allows every repository on it. Names are matched fully
//! # qualified: `alpine` is `docker.io/library/alpine`.
//! registries:
//!   - "registry.corp.example/**"
//!   - "docker.io/library/*"
//!
//! # Repositories matching a rule need a valid cosign signature from one of
//! # its keys (PEM public keys; relative paths are relative to this file).
//! signatures:
//!   - repositories: ["registry.corp.example/prod/**"]
//!     keys: ["keys/cosign.pub"]
//!
//! # The reference must be pinned (`repo@sha256:…`).
//! require_digest: true
//!
//! # The config's `created` must be newer than this: <n>h, <n>d or <n>w.
//! max_age: 90d
//!
//! # Allowed base images; absent or empty allows any. The image must match
//! # one entry: by its first layers, or by a label value glob.
//! base_images:
//!   - name: debian-bookworm
//!     diff_ids: ["sha256:1f1d26b7e6f1e2d6e4bf4d6c9c5c8a5e6f6d7c8b9a0a1b2c3d4e5f6a7b8c9d0e"]
//!   - label: org.opencontainers.image.base.name
//!     value: "docker.io/library/debian:bookworm*"
//! ```
//!
//! | check | severity | fails when |
//! |---|---|---|
//! | `DD-TRUST-001` | high | the repository matches no `registries` pattern |
//! | `DD-TRUST-002` | high | a signature is required but none was found (or checked) |
//! | `DD-TRUST-003` | high | signatures exist but none verifies with a required key |
//! | `DD-TRUST-004` | medium | `require_digest` and the reference has no digest |
//! | `DD-TRUST-005` | medium | the image is older than `max_age` |
//! | `DD-TRUST-006` | high | the image matches no `base_images` entry |
//! | `DD-TRUST-007` | medium | `max_age` is set but `created` is missing, unparseable or a placeholder |
//!
//! # Flow
//!
//! ```no_run
//! # fn fetch(_: &str) -> Vec<u8> { Vec::new() }
//! use std::collections::BTreeMap;
//! use drydock_trust::{cosign, policy, normalize_reference};
//!
//! # fn main() -> Result<(), drydock_trust::TrustError> {
//! let policy = policy::TrustPolicy::load("trust.yaml".as_ref())?;
//! let name = normalize_reference("registry.corp.example/prod/api:1.4")?;
//! let mut facts = policy::ImageFacts::new(name.clone());
//! let digest = drydock_oci::Digest::sha256_of(b"the manifest the client fetched");
//! facts.manifest_digest = Some(digest.clone());
//! for key_path in policy::required_keys(&policy, &name) {
//!     let key = cosign::PublicKey::load(&key_path)?;
//!     // The client fetches the manifest tagged cosign::signature_tag(&digest)
//!     // and each layer's payload blob (at most cosign::MAX_PAYLOAD_BYTES).
//!     let manifest = cosign::parse_signature_manifest(&fetch("sig manifest"))?;
//!     let payloads: BTreeMap<_, _> = manifest
//!         .layers
//!         .iter()
//!         .map(|l| (l.payload_digest.clone(), fetch("payload blob")))
//!         .collect();
//!     let status = cosign::check_signatures(Some(&manifest), &payloads, &key, &digest);
//!     facts.signatures.insert(key_path, status);
//! }
//! let findings = policy::evaluate(&policy, &facts, std::time::SystemTime::now());
//! # let _ = findings;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod cosign;
mod error;
mod keys;
pub mod policy;
mod reference;

pub use error::TrustError;
pub use reference::{DOCKER_HUB, ImageName, normalize_reference};
