//! ECDSA keys in the PEM forms cosign and OpenSSL write.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use p256::elliptic_curve::ops::ReduceNonZero;
use p256::pkcs8::der::Decode as _;
use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _};
use p256::pkcs8::{EncodePublicKey as _, SubjectPublicKeyInfoRef};
use sha2::{Digest as _, Sha256};

use crate::error::{TrustError, read_bounded};

/// Key files are a few hundred bytes; anything near this is not a key.
const MAX_KEY_FILE: u64 = 64 * 1024;

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";

/// A public key that verifies cosign signatures: ECDSA on P-256 (cosign's
/// default) or P-384.
#[derive(Clone)]
pub struct PublicKey {
    key: VerifyingKey,
    fingerprint: String,
}

#[derive(Clone)]
pub(crate) enum VerifyingKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Reads a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM, as
    /// written by `cosign generate-key-pair` (`cosign.pub`) or
    /// `openssl ec -pubout`.
    pub fn from_pem(pem: &[u8]) -> Result<Self, TrustError> {
        let (label, der) = pem_block(pem).map_err(invalid)?;
        match label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&der),
            "RSA PUBLIC KEY" => Err(unsupported(
                "RSA keys are not supported; use an ECDSA P-256 key (cosign's default)",
            )),
            "CERTIFICATE" => Err(unsupported(
                "X.509 certificates (keyless signing) are not supported; give the signer's \
                 public key (`-----BEGIN PUBLIC KEY-----`)",
            )),
            l if l.contains("PRIVATE KEY") => Err(invalid(format!(
                "this is a private key (`{l}`); give the public key, such as cosign.pub"
            ))),
            l => Err(invalid(format!(
                "expected a `-----BEGIN PUBLIC KEY-----` block, found `-----BEGIN {l}-----`"
            ))),
        }
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, TrustError> {
        let spki = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| invalid(format!("not a DER SubjectPublicKeyInfo: {e}")))?;
        let algorithm = spki.algorithm.oid.to_string();
        if algorithm != OID_EC_PUBLIC_KEY {
            return Err(unsupported(format!(
                "{} keys are not supported; use an ECDSA P-256 key (cosign's default)",
                algorithm_name(&algorithm)
            )));
        }
        let curve = spki
            .algorithm
            .parameters_oid()
            .map_err(|e| invalid(format!("EC key without a named curve: {e}")))?
            .to_string();
        let key = match curve.as_str() {
            OID_P256 => p256::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(VerifyingKey::P256)
                .map_err(|e| invalid(format!("bad P-256 public key: {e}")))?,
            OID_P384 => p384::ecdsa::VerifyingKey::from_public_key_der(der)
                .map(VerifyingKey::P384)
                .map_err(|e| invalid(format!("bad P-384 public key: {e}")))?,
            other => {
                return Err(unsupported(format!(
                    "ECDSA curve {} is not supported; use P-256 (cosign's default) or P-384",
                    curve_name(other)
                )));
            }
        };
        // Fingerprint the re-encoded key, not the input: the same key given
        // with a compressed point must get the same fingerprint.
        let canonical = match &key {
            VerifyingKey::P256(k) => k.to_public_key_der(),
            VerifyingKey::P384(k) => k.to_public_key_der(),
        }
        .map_err(|e| invalid(format!("cannot re-encode the key: {e}")))?;
        Ok(Self {
            fingerprint: hex::encode(Sha256::digest(canonical.as_bytes())),
            key,
        })
    }

    /// Reads a PEM public key file (at most 64 KiB).
    pub fn load(path: &Path) -> Result<Self, TrustError> {
        let bytes = read_bounded(path, "public key", MAX_KEY_FILE)?;
        Self::from_pem(&bytes).map_err(|e| e.with_origin(path.to_path_buf()))
    }

    /// Lower-case hex SHA-256 of the key's DER SubjectPublicKeyInfo, the
    /// identity reports give for a key.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// `ecdsa-p256` or `ecdsa-p384`.
    pub fn algorithm(&self) -> &'static str {
        match self.key {
            VerifyingKey::P256(_) => "ecdsa-p256",
            VerifyingKey::P384(_) => "ecdsa-p384",
        }
    }

    /// The key as a `-----BEGIN PUBLIC KEY-----` PEM, the form of `cosign.pub`.
    pub fn to_pem(&self) -> String {
        let der = match &self.key {
            VerifyingKey::P256(k) => k.to_public_key_der(),
            VerifyingKey::P384(k) => k.to_public_key_der(),
        };
        // Encoding a key that was decoded (or derived) successfully cannot
        // fail; an empty body would still be rejected by any reader.
        let body = der.map(|d| d.as_bytes().to_vec()).unwrap_or_default();
        pem_encode("PUBLIC KEY", &body)
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm())
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.fingerprint == other.fingerprint
    }
}

impl Eq for PublicKey {}

/// An ECDSA P-256 private key that signs images the way `cosign sign --key`
/// does.
#[derive(Clone)]
pub struct SigningKey {
    key: p256::ecdsa::SigningKey,
}

impl SigningKey {
    /// A key derived deterministically from a 32-byte seed, for tests and
    /// reproducible fixtures. The seed is hashed and reduced to a non-zero
    /// scalar, so every seed gives a valid key; a seed that is not secret
    /// gives a key that is not secret.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let mut h = Sha256::new();
        h.update(b"drydock-trust signing key v1\0");
        h.update(seed);
        let bytes = p256::FieldBytes::from(<[u8; 32]>::from(h.finalize()));
        let scalar = p256::NonZeroScalar::reduce_nonzero(&bytes);
        Self {
            key: p256::ecdsa::SigningKey::from(scalar),
        }
    }

    /// Reads an unencrypted P-256 private key: PKCS#8
    /// (`-----BEGIN PRIVATE KEY-----`, `openssl genpkey`) or SEC1
    /// (`-----BEGIN EC PRIVATE KEY-----`, `openssl ecparam -genkey`).
    pub fn from_pem(pem: &[u8]) -> Result<Self, TrustError> {
        let (label, der) = pem_block(pem).map_err(invalid)?;
        let key = match label.as_str() {
            "PRIVATE KEY" => p256::ecdsa::SigningKey::from_pkcs8_der(&der).map_err(|e| {
                invalid(format!(
                    "not a PKCS#8 ECDSA P-256 private key ({e}); only P-256 keys can sign"
                ))
            })?,
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(|k| p256::ecdsa::SigningKey::from(&k))
                .map_err(|e| {
                    invalid(format!(
                        "not a SEC1 ECDSA P-256 private key ({e}); only P-256 keys can sign"
                    ))
                })?,
            l if l.starts_with("ENCRYPTED") => {
                return Err(unsupported(format!(
                    "encrypted private keys (`{l}`) are not supported; use an unencrypted \
                     PKCS#8 P-256 key (`openssl genpkey -algorithm EC -pkeyopt \
                     ec_paramgen_curve:P-256`), which `cosign import-key-pair` also accepts"
                )));
            }
            l => {
                return Err(invalid(format!(
                    "expected a `-----BEGIN PRIVATE KEY-----` block, found `-----BEGIN {l}-----`"
                )));
            }
        };
        Ok(Self { key })
    }

    /// Reads a PEM private key file (at most 64 KiB); see [`SigningKey::from_pem`].
    pub fn load(path: &Path) -> Result<Self, TrustError> {
        let bytes = read_bounded(path, "private key", MAX_KEY_FILE)?;
        Self::from_pem(&bytes).map_err(|e| e.with_origin(path.to_path_buf()))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        let verifying = *self.key.verifying_key();
        let der = verifying.to_public_key_der();
        let fingerprint = der
            .map(|d| hex::encode(Sha256::digest(d.as_bytes())))
            .unwrap_or_default();
        PublicKey {
            key: VerifyingKey::P256(verifying),
            fingerprint,
        }
    }

    /// The public key as PEM, the content of `cosign.pub`.
    pub fn public_key_pem(&self) -> String {
        self.public_key().to_pem()
    }

    /// The private key as an unencrypted PKCS#8 PEM. Handle it as a secret.
    pub fn to_pkcs8_pem(&self) -> String {
        let body = self
            .key
            .to_pkcs8_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        pem_encode("PRIVATE KEY", &body)
    }

    /// A DER ECDSA signature over SHA-256 of `message`, deterministic
    /// (RFC 6979), as cosign and `openssl dgst -sha256 -sign` produce.
    pub(crate) fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        use p256::ecdsa::signature::Signer as _;
        let sig: p256::ecdsa::DerSignature = self.key.sign(message);
        sig.as_bytes().to_vec()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public_key", &self.public_key().fingerprint)
            .finish_non_exhaustive()
    }
}

fn invalid(reason: impl Into<String>) -> TrustError {
    TrustError::InvalidKey {
        origin: None,
        reason: reason.into(),
    }
}

fn unsupported(reason: impl Into<String>) -> TrustError {
    TrustError::UnsupportedKey {
        origin: None,
        reason: reason.into(),
    }
}

fn algorithm_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => "RSA".into(),
        "1.3.101.112" => "Ed25519".into(),
        "1.3.101.113" => "Ed448".into(),
        "1.2.840.10040.4.1" => "DSA".into(),
        other => format!("algorithm {other}"),
    }
}

fn curve_name(oid: &str) -> String {
    match oid {
        "1.3.132.0.35" => "P-521".into(),
        "1.3.132.0.10" => "secp256k1".into(),
        other => other.to_owned(),
    }
}

/// The label and decoded body of the first PEM block of `input`. Text around
/// the block (comments some tools write) is ignored; encrypted legacy PEM
/// (with `Proc-Type` headers) is refused.
fn pem_block(input: &[u8]) -> Result<(String, Vec<u8>), String> {
    if input.len() as u64 > MAX_KEY_FILE {
        return Err(format!("PEM input is over {MAX_KEY_FILE} bytes"));
    }
    let text = std::str::from_utf8(input).map_err(|_| "the key is not PEM text".to_owned())?;
    const BEGIN: &str = "-----BEGIN ";
    let start = text
        .find(BEGIN)
        .ok_or_else(|| "no `-----BEGIN …-----` line found; is this a PEM key?".to_owned())?;
    let after_begin = &text[start + BEGIN.len()..];
    let label_end = after_begin
        .find("-----")
        .ok_or_else(|| "unterminated `-----BEGIN` line".to_owned())?;
    let label = &after_begin[..label_end];
    if label.is_empty() || label.len() > 64 || label.contains(['\n', '\r']) {
        return Err("malformed `-----BEGIN` line".to_owned());
    }
    let body_and_rest = &after_begin[label_end + 5..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or_else(|| format!("missing `{end_marker}` line"))?;
    let body = &body_and_rest[..body_end];
    if body.contains(':') {
        return Err(format!(
            "PEM headers (`{label}` with Proc-Type/DEK-Info) mean a legacy encrypted key, \
             which is not supported"
        ));
    }
    let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let der = STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| format!("the `{label}` block is not valid base64: {e}"))?;
    if der.is_empty() {
        return Err(format!("the `{label}` block is empty"));
    }
    Ok((label.to_owned(), der))
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    // base64 output is ASCII, so byte chunks are char boundaries.
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seeded_keys_are_deterministic_and_distinct() {
        let a = SigningKey::from_seed(&[1; 32]);
        let b = SigningKey::from_seed(&[1; 32]);
        let c = SigningKey::from_seed(&[2; 32]);
        assert_eq!(a.public_key(), b.public_key());
        assert_ne!(a.public_key(), c.public_key());
        assert_eq!(a.public_key().fingerprint().len(), 64);
    }

    #[test]
    fn public_pem_round_trips() {
        let k = SigningKey::from_seed(&[7; 32]);
        let pem = k.public_key_pem();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let back = PublicKey::from_pem(pem.as_bytes()).unwrap();
        assert_eq!(back, k.public_key());
        assert_eq!(back.algorithm(), "ecdsa-p256");
    }

    #[test]
    fn private_pem_round_trips() {
        let k = SigningKey::from_seed(&[9; 32]);
        let pem = k.to_pkcs8_pem();
        let back = SigningKey::from_pem(pem.as_bytes()).unwrap();
        assert_eq!(back.public_key(), k.public_key());
    }

    #[test]
    fn text_around_the_block_is_ignored() {
        let k = SigningKey::from_seed(&[3; 32]);
        let pem = format!("# team key\n\n{}\ntrailing", k.public_key_pem());
        assert_eq!(PublicKey::from_pem(pem.as_bytes()).unwrap(), k.public_key());
    }

    #[test]
    fn wrong_pem_kinds_are_explained() {
        let k = SigningKey::from_seed(&[4; 32]);
        let err = PublicKey::from_pem(k.to_pkcs8_pem().as_bytes()).unwrap_err();
        assert!(err.to_string().contains("private key"), "{err}");
        let err =
            PublicKey::from_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")
                .unwrap_err();
        assert!(matches!(err, TrustError::UnsupportedKey { .. }), "{err}");
        let err = SigningKey::from_pem(
            b"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----",
        )
        .unwrap_err();
        assert!(err.to_string().contains("import-key-pair"), "{err}");
        let err = PublicKey::from_pem(b"ssh-ed25519 AAAA").unwrap_err();
        assert!(err.to_string().contains("BEGIN"), "{err}");
    }

    #[test]
    fn load_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.pub");
        std::fs::write(&path, "nonsense").unwrap();
        let err = PublicKey::load(&path).unwrap_err().to_string();
        assert!(err.contains("bad.pub"), "{err}");
        let err = PublicKey::load(&dir.path().join("absent.pub"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("absent.pub"), "{err}");
    }

    proptest! {
        #[test]
        fn from_pem_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = PublicKey::from_pem(&bytes);
            let _ = SigningKey::from_pem(&bytes);
            let _ = PublicKey::from_spki_der(&bytes);
        }

        #[test]
        fn armoured_garbage_never_panics(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let pem = pem_encode("PUBLIC KEY", &body);
            let _ = PublicKey::from_pem(pem.as_bytes());
            let pem = pem_encode("PRIVATE KEY", &body);
            let _ = SigningKey::from_pem(pem.as_bytes());
        }
    }
}
