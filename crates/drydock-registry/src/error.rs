use std::path::PathBuf;

use drydock_oci::Digest;
use oci_client::errors::{OciDistributionError, OciErrorCode};

/// Why a registry operation failed. Each variant is a distinct situation a
/// CI user has to fix differently, so none of them is a catch-all for
/// another.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The reference does not parse.
    #[error("`{reference}` is not a valid image reference: {reason}")]
    InvalidReference {
        /// As given.
        reference: String,
        /// What is wrong.
        reason: String,
    },
    /// The registry refused the credentials that were sent.
    #[error(
        "registry {registry} rejected the credentials of `{user}` (HTTP 401, credentials from {origin}): check the user name and password"
    )]
    BadCredentials {
        /// Host.
        registry: String,
        /// User name sent.
        user: String,
        /// Where the credentials came from.
        origin: String,
    },
    /// The registry wants credentials and none were found.
    #[error(
        "registry {registry} requires authentication (HTTP 401) and no credentials were found: pass --username/--password, set DRYDOCK_USERNAME/DRYDOCK_PASSWORD, or `docker login {registry}`"
    )]
    AuthRequired {
        /// Host.
        registry: String,
    },
    /// Authenticated, but not allowed to pull this repository.
    #[error("registry {registry} denied access to `{repository}` (HTTP 403): {detail}")]
    Denied {
        /// Host.
        registry: String,
        /// Repository.
        repository: String,
        /// The registry's message.
        detail: String,
    },
    /// The repository, tag or digest does not exist.
    #[error("{reference}: not found in the registry ({detail})")]
    NotFound {
        /// The reference.
        reference: String,
        /// The registry's error code and message.
        detail: String,
    },
    /// The registry speaks plain HTTP and the user did not allow it.
    #[error(
        "registry {host} answered a TLS handshake with plain HTTP; if it really serves HTTP, allow it explicitly with --insecure-registry {host}"
    )]
    PlainHttp {
        /// Host.
        host: String,
    },
    /// The TLS handshake failed (untrusted certificate, wrong name).
    #[error("TLS with registry {host} failed: {detail} (for a private CA, pass --ca-cert FILE)")]
    Tls {
        /// Host.
        host: String,
        /// The TLS library's reason.
        detail: String,
    },
    /// The registry could not be reached.
    #[error("cannot reach registry {host} after {attempts} attempt(s): {detail}")]
    Connect {
        /// Host.
        host: String,
        /// Attempts made.
        attempts: u32,
        /// Last cause.
        detail: String,
    },
    /// Any other HTTP failure, after retries where they apply.
    #[error("registry {host}: {detail} (after {attempts} attempt(s))")]
    Http {
        /// Host.
        host: String,
        /// Attempts made.
        attempts: u32,
        /// Status and message.
        detail: String,
    },
    /// Content did not match the digest that names it.
    #[error("{what} from {host} does not match its digest: expected {expected}, got {actual}")]
    DigestMismatch {
        /// Which document or blob.
        what: String,
        /// Host.
        host: String,
        /// Promised.
        expected: String,
        /// Computed.
        actual: String,
    },
    /// A blob download ended early and retries did not complete it.
    #[error(
        "blob {digest} from {host}: connection closed after {received} of {expected} bytes; gave up after {attempts} attempt(s): {detail}"
    )]
    Truncated {
        /// The blob.
        digest: String,
        /// Host.
        host: String,
        /// Bytes received in total.
        received: u64,
        /// Bytes the manifest promised.
        expected: u64,
        /// Attempts made.
        attempts: u32,
        /// Last cause.
        detail: String,
    },
    /// A document drydock cannot use.
    #[error("{reference}: {reason}")]
    Unsupported {
        /// The reference.
        reference: String,
        /// What is unsupported.
        reason: String,
    },
    /// A document that does not parse.
    #[error("{what} of {reference}: {source}")]
    Document {
        /// Which document.
        what: &'static str,
        /// The reference.
        reference: String,
        /// Cause.
        #[source]
        source: drydock_oci::ParseError,
    },
    /// The index has no image for the requested platform.
    #[error("{reference}: no image for platform {wanted} (available: {available})")]
    NoMatchingPlatform {
        /// The reference.
        reference: String,
        /// Requested.
        wanted: String,
        /// Offered.
        available: String,
    },
    /// A document over its size limit.
    #[error("{what} of {reference} is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Which document.
        what: String,
        /// The reference.
        reference: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The Docker config or a credential helper failed.
    #[error("credentials for {registry}: {detail}")]
    Credentials {
        /// Host.
        registry: String,
        /// What failed.
        detail: String,
    },
    /// A `--ca-cert` file that cannot be used.
    #[error("CA certificate `{path}`: {detail}")]
    CaCert {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the network runtime: {0}")]
    Runtime(String),
}

impl RegistryError {
    /// Whether trying again could help: network trouble and server-side
    /// errors, never a refusal or a content problem.
    pub(crate) fn retryable(&self) -> bool {
        matches!(self, Self::Connect { .. } | Self::Http { .. })
    }

    pub(crate) fn digest_mismatch(
        what: String,
        host: &str,
        expected: &Digest,
        actual: &Digest,
    ) -> Self {
        Self::DigestMismatch {
            what,
            host: host.to_owned(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        }
    }
}

/// What the classifier needs to know about the request that failed.
pub(crate) struct Context<'a> {
    pub host: &'a str,
    pub repository: &'a str,
    pub reference: &'a str,
    /// User name and where it came from, when credentials were sent.
    pub user: Option<(&'a str, &'a str)>,
    pub attempts: u32,
}

/// Every error's source chain, flattened: TLS and connection causes sit
/// several levels below reqwest's own message.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Sorts a transport error into plain HTTP, TLS, or connection trouble.
pub(crate) fn classify_transport(detail: String, ctx: &Context<'_>) -> RegistryError {
    let lower = detail.to_ascii_lowercase();
    // rustls reads a plain-HTTP answer ("HTTP/1.1 400 ...") as a TLS record
    // with an invalid content type; that is the signature of an HTTP server.
    if lower.contains("invalidcontenttype")
        || lower.contains("corrupt message")
        || lower.contains("invalid tls record")
        || lower.contains("wrong version number")
    {
        return RegistryError::PlainHttp {
            host: ctx.host.to_owned(),
        };
    }
    if lower.contains("certificate")
        || lower.contains("unknownissuer")
        || lower.contains("handshake")
        || lower.contains("tls")
    {
        return RegistryError::Tls {
            host: ctx.host.to_owned(),
            detail,
        };
    }
    RegistryError::Connect {
        host: ctx.host.to_owned(),
        attempts: ctx.attempts,
        detail,
    }
}

/// Turns what oci-client reports into the error the user must act on.
pub(crate) fn classify(err: OciDistributionError, ctx: &Context<'_>) -> RegistryError {
    match err {
        OciDistributionError::UnauthorizedError { .. } => match ctx.user {
            Some((user, origin)) => RegistryError::BadCredentials {
                registry: ctx.host.to_owned(),
                user: user.to_owned(),
                origin: origin.to_owned(),
            },
            None => RegistryError::AuthRequired {
                registry: ctx.host.to_owned(),
            },
        },
        OciDistributionError::AuthenticationFailure(reason) => match ctx.user {
            Some((user, origin)) => RegistryError::BadCredentials {
                registry: ctx.host.to_owned(),
                user: user.to_owned(),
                origin: format!("{origin}; token service said: {}", clip(&reason)),
            },
            None => RegistryError::AuthRequired {
                registry: ctx.host.to_owned(),
            },
        },
        OciDistributionError::ImageManifestNotFoundError(detail) => RegistryError::NotFound {
            reference: ctx.reference.to_owned(),
            detail,
        },
        OciDistributionError::RegistryError { envelope, .. } => {
            let detail = envelope
                .errors
                .iter()
                .map(|e| format!("{:?}: {}", e.code, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            let code = envelope.errors.first().map(|e| &e.code);
            match code {
                Some(
                    OciErrorCode::ManifestUnknown
                    | OciErrorCode::NameUnknown
                    | OciErrorCode::BlobUnknown
                    | OciErrorCode::NotFound,
                ) => RegistryError::NotFound {
                    reference: ctx.reference.to_owned(),
                    detail,
                },
                Some(OciErrorCode::Unauthorized) => match ctx.user {
                    Some((user, origin)) => RegistryError::BadCredentials {
                        registry: ctx.host.to_owned(),
                        user: user.to_owned(),
                        origin: origin.to_owned(),
                    },
                    None => RegistryError::AuthRequired {
                        registry: ctx.host.to_owned(),
                    },
                },
                Some(OciErrorCode::Denied) => RegistryError::Denied {
                    registry: ctx.host.to_owned(),
                    repository: ctx.repository.to_owned(),
                    detail,
                },
                _ => RegistryError::Http {
                    host: ctx.host.to_owned(),
                    attempts: ctx.attempts,
                    detail,
                },
            }
        }
        OciDistributionError::ServerError { code, message, .. } => match code {
            404 => RegistryError::NotFound {
                reference: ctx.reference.to_owned(),
                detail: format!("HTTP 404 {}", clip(&message)),
            },
            403 => RegistryError::Denied {
                registry: ctx.host.to_owned(),
                repository: ctx.repository.to_owned(),
                detail: clip(&message),
            },
            _ => RegistryError::Http {
                host: ctx.host.to_owned(),
                attempts: ctx.attempts,
                detail: format!("HTTP {code} {}", clip(&message)),
            },
        },
        OciDistributionError::RequestError(e) => classify_transport(chain(&e), ctx),
        OciDistributionError::IoError(e) => classify_transport(chain(&e), ctx),
        OciDistributionError::DigestError(e) => RegistryError::DigestMismatch {
            what: "manifest".into(),
            host: ctx.host.to_owned(),
            expected: ctx.reference.to_owned(),
            actual: e.to_string(),
        },
        OciDistributionError::UnsupportedSchemaVersionError(v) => RegistryError::Unsupported {
            reference: ctx.reference.to_owned(),
            reason: format!(
                "manifest schema version {v} is not supported (Docker schema 1 is deprecated; re-push the image with a current client)"
            ),
        },
        OciDistributionError::UnsupportedMediaTypeError(m) => RegistryError::Unsupported {
            reference: ctx.reference.to_owned(),
            reason: format!("manifest media type `{m}` is not an image"),
        },
        other => RegistryError::Http {
            host: ctx.host.to_owned(),
            attempts: ctx.attempts,
            detail: other.to_string(),
        },
    }
}

/// Registry messages are echoed into errors; a hostile one must not flood
/// the terminal.
fn clip(s: &str) -> String {
    const MAX: usize = 300;
    let s = s.trim();
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(user: Option<(&'static str, &'static str)>) -> Context<'static> {
        Context {
            host: "reg.example:5000",
            repository: "team/app",
            reference: "reg.example:5000/team/app:1",
            user,
            attempts: 1,
        }
    }

    #[test]
    fn unauthorized_depends_on_whether_credentials_were_sent() {
        let e = classify(
            OciDistributionError::UnauthorizedError { url: "u".into() },
            &ctx(Some(("bob", "--username"))),
        );
        assert!(matches!(e, RegistryError::BadCredentials { .. }), "{e}");
        assert!(e.to_string().contains("`bob`"));
        let e = classify(
            OciDistributionError::UnauthorizedError { url: "u".into() },
            &ctx(None),
        );
        assert!(matches!(e, RegistryError::AuthRequired { .. }), "{e}");
    }

    #[test]
    fn transport_errors_are_sorted() {
        let c = ctx(None);
        assert!(matches!(
            classify_transport(
                "error sending request: received corrupt message of type InvalidContentType".into(),
                &c
            ),
            RegistryError::PlainHttp { .. }
        ));
        assert!(matches!(
            classify_transport("invalid peer certificate: UnknownIssuer".into(), &c),
            RegistryError::Tls { .. }
        ));
        let e = classify_transport("tcp connect error: Connection refused".into(), &c);
        assert!(matches!(e, RegistryError::Connect { .. }));
        assert!(e.retryable());
    }

    #[test]
    fn clip_respects_char_boundaries() {
        let s = "é".repeat(400);
        let c = clip(&s);
        assert!(c.len() <= 304);
        assert!(c.ends_with('…'));
    }
}
