use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256, Sha512};

/// A content digest such as `sha256:4408ab…`.
///
/// Only `sha256` and `sha512` are accepted, and the hex part must have the
/// algorithm's exact length in lowercase. Digests end up in cache keys and blob
/// paths, so anything looser would let an image name files outside a layout.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Algorithm {
    Sha256,
    Sha512,
}

/// Why a string is not a valid digest.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DigestError {
    /// No `algorithm:` prefix.
    #[error("digest `{0}` has no `algorithm:` prefix")]
    MissingAlgorithm(String),
    /// An algorithm other than sha256 or sha512.
    #[error("digest `{0}` uses an unsupported algorithm")]
    UnsupportedAlgorithm(String),
    /// Wrong length or not lowercase hex.
    #[error("digest `{0}` is not lowercase hex of the right length")]
    BadHex(String),
}

impl Digest {
    /// The sha256 digest of `bytes`.
    pub fn sha256_of(bytes: &[u8]) -> Self {
        Self::from_sha256(Sha256::digest(bytes).into())
    }

    /// A sha256 digest from its raw 32 bytes.
    pub fn from_sha256(raw: [u8; 32]) -> Self {
        Self {
            algorithm: Algorithm::Sha256,
            hex: hex::encode(raw),
        }
    }

    /// The digest of `bytes` computed with this digest's algorithm, for
    /// checking a document against the descriptor that names it.
    pub fn recompute(&self, bytes: &[u8]) -> Self {
        match self.algorithm {
            Algorithm::Sha256 => Self::sha256_of(bytes),
            Algorithm::Sha512 => Self {
                algorithm: Algorithm::Sha512,
                hex: hex::encode(Sha512::digest(bytes)),
            },
        }
    }

    /// The algorithm name, `sha256` or `sha512`.
    pub fn algorithm(&self) -> &'static str {
        match self.algorithm {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// The hex-encoded value without the algorithm.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// True for sha256 digests, the only kind drydock can verify while streaming.
    pub fn is_sha256(&self) -> bool {
        self.algorithm == Algorithm::Sha256
    }

    /// The first 12 hex characters, for human output.
    pub fn short(&self) -> &str {
        &self.hex[..12]
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let Some((algo, hex)) = s.split_once(':') else {
            return Err(DigestError::MissingAlgorithm(s.to_owned()));
        };
        let (algorithm, len) = match algo {
            "sha256" => (Algorithm::Sha256, 64),
            "sha512" => (Algorithm::Sha512, 128),
            _ => return Err(DigestError::UnsupportedAlgorithm(s.to_owned())),
        };
        if hex.len() != len || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(DigestError::BadHex(s.to_owned()));
        }
        Ok(Self {
            algorithm,
            hex: hex.to_owned(),
        })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm(), self.hex)
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A sink that hashes everything written to it; used to verify blobs and
/// diff_ids while they stream past.
#[derive(Default, Clone)]
pub struct Sha256Writer {
    hasher: Sha256,
    len: u64,
}

impl Sha256Writer {
    /// Feeds bytes into the hash.
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// Number of bytes hashed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True when nothing has been hashed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> Digest {
        Digest::from_sha256(self.hasher.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_displays() {
        let d: Digest = "sha256:4408ab3a2a852d73582df556e33e94ee6c4792a9f4ecf0dcdc999cc1a6b0be82"
            .parse()
            .unwrap();
        assert_eq!(d.algorithm(), "sha256");
        assert_eq!(d.short(), "4408ab3a2a85");
        assert_eq!(
            d.to_string(),
            "sha256:4408ab3a2a852d73582df556e33e94ee6c4792a9f4ecf0dcdc999cc1a6b0be82"
        );
    }

    #[test]
    fn rejects_traversal_and_bad_hex() {
        for bad in [
            "sha256:../../etc/passwd",
            "sha256:ABCDEF",
            "md5:d41d8cd98f00b204e9800998ecf8427e",
            "4408ab3a2a852d73582df556e33e94ee6c4792a9f4ecf0dcdc999cc1a6b0be82",
            "sha256:4408AB3A2A852D73582DF556E33E94EE6C4792A9F4ECF0DCDC999CC1A6B0BE82",
        ] {
            assert!(bad.parse::<Digest>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn recompute_uses_the_same_algorithm() {
        let d = Digest::sha256_of(b"x");
        assert_eq!(d.recompute(b"x"), d);
        let s512: Digest = format!("sha512:{}", "0".repeat(128)).parse().unwrap();
        let r = s512.recompute(b"x");
        assert_eq!(r.algorithm(), "sha512");
        assert_ne!(r, s512);
        assert_eq!(r.recompute(b"x"), r);
    }

    #[test]
    fn writer_matches_one_shot() {
        let mut w = Sha256Writer::default();
        w.update(b"hello ");
        w.update(b"world");
        assert_eq!(w.len(), 11);
        assert_eq!(w.finish(), Digest::sha256_of(b"hello world"));
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in ".{0,200}") {
            let _ = s.parse::<Digest>();
        }

        #[test]
        fn roundtrip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let d = Digest::sha256_of(&bytes);
            prop_assert_eq!(d.to_string().parse::<Digest>().unwrap(), d);
        }
    }
}
