use std::path::PathBuf;

/// Why keys, signature manifests, references or trust policies could not be
/// read. Verification outcomes are [`crate::cosign::VerifyError`]s, not these.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// A file could not be read.
    #[error("cannot read {what} {}: {source}", path.display())]
    Io {
        /// What the file was meant to be (`public key`, `trust policy`).
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// An input is larger than drydock accepts for its kind.
    #[error("{what} is larger than the {limit}-byte limit")]
    TooLarge {
        /// What was too large, with its file when there is one.
        what: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A key file is not a usable PEM key.
    #[error("invalid key{}: {reason}", origin_suffix(.origin))]
    InvalidKey {
        /// Where the key came from, when known.
        origin: Option<PathBuf>,
        /// What is wrong, in words.
        reason: String,
    },
    /// A well-formed key of a kind drydock cannot use.
    #[error("unsupported key{}: {reason}", origin_suffix(.origin))]
    UnsupportedKey {
        /// Where the key came from, when known.
        origin: Option<PathBuf>,
        /// The key kind and what is supported instead.
        reason: String,
    },
    /// A cosign signature manifest (`sha256-….sig`) that cannot be used at all.
    #[error("invalid cosign signature manifest: {0}")]
    SignatureManifest(String),
    /// An image reference that is not Docker-style.
    #[error("invalid image reference `{reference}`: {reason}")]
    Reference {
        /// The reference as given (truncated when very long).
        reference: String,
        /// What is wrong.
        reason: String,
    },
    /// A trust policy file with a syntax or semantic error.
    #[error("{}: {location}: {message}", file.display())]
    Policy {
        /// The policy file.
        file: PathBuf,
        /// Where in the document: `signatures[0].keys`, or `.` for the top.
        location: String,
        /// What is wrong (YAML errors include line and column).
        message: String,
    },
}

impl TrustError {
    /// The same error, attributed to the key file it came from.
    pub(crate) fn with_origin(self, path: PathBuf) -> Self {
        match self {
            Self::InvalidKey { reason, .. } => Self::InvalidKey {
                origin: Some(path),
                reason,
            },
            Self::UnsupportedKey { reason, .. } => Self::UnsupportedKey {
                origin: Some(path),
                reason,
            },
            other => other,
        }
    }
}

fn origin_suffix(origin: &Option<PathBuf>) -> String {
    origin
        .as_ref()
        .map(|p| format!(" {}", p.display()))
        .unwrap_or_default()
}

/// Reads a whole file, refusing files over `limit` bytes without reading
/// them: key and policy paths come from users, but may point at anything.
pub(crate) fn read_bounded(
    path: &std::path::Path,
    what: &'static str,
    limit: u64,
) -> Result<Vec<u8>, TrustError> {
    use std::io::Read;
    let io = |source| TrustError::Io {
        what,
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(TrustError::TooLarge {
            what: format!("{what} {}", path.display()),
            limit,
        });
    }
    Ok(bytes)
}
