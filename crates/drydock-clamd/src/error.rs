//! What can go wrong when talking to clamd.

use std::io;
use std::time::Duration;

use crate::ClamdAddr;

/// Why a clamd request did not produce a verdict.
///
/// None of these means "clean": a caller must report the file as not scanned by clamd.
/// [`ClamdError::SizeLimitExceeded`] is the one expected, per-file outcome (the file is too
/// large for the daemon's `StreamMaxLength`); the others point at the daemon or the connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClamdError {
    /// Connecting failed: nothing listens, the socket file is missing, permission denied, the
    /// host name does not resolve, or the connect did not complete within the connect timeout.
    #[error("clamd at {addr} is not reachable: {}", describe_io(.error))]
    Unreachable {
        /// The address that was tried.
        addr: ClamdAddr,
        /// The connect error (kind `TimedOut` when the connect timeout expired).
        error: io::Error,
    },
    /// Connected, but clamd did not accept data or answer within the I/O timeout.
    #[error("clamd at {addr} did not {op} within {after:?}")]
    Timeout {
        /// The daemon's address.
        addr: ClamdAddr,
        /// What we were waiting for, e.g. `"answer INSTREAM"`.
        op: &'static str,
        /// The timeout that expired.
        after: Duration,
    },
    /// The data is larger than the daemon accepts in one stream (`StreamMaxLength`).
    ///
    /// `limit` is `Some` when the client refused to send it (its configured
    /// [`max_stream`](crate::ClamdClient::max_stream)), `None` when clamd itself answered
    /// `INSTREAM size limit exceeded`.
    #[error(
        "{size} bytes are more than clamd at {addr} accepts in one stream ({}); not scanned",
        match .limit { Some(l) => format!("StreamMaxLength {l} bytes, not sent"), None => "the daemon refused it".to_owned() }
    )]
    SizeLimitExceeded {
        /// The daemon's address.
        addr: ClamdAddr,
        /// Size of the data.
        size: u64,
        /// The client-side limit that refused it, if the client refused it.
        limit: Option<u64>,
    },
    /// clamd answered something that is not a valid reply to the command.
    #[error("clamd at {addr} sent an invalid reply to {command}: {response}")]
    Protocol {
        /// The daemon's address.
        addr: ClamdAddr,
        /// The command that was sent.
        command: &'static str,
        /// What was wrong: the reply (lossily decoded, control characters escaped, at most 200
        /// characters) or a description such as "connection closed without a reply".
        response: String,
    },
    /// clamd reported an error (a reply ending in `ERROR`, `UNKNOWN COMMAND`, ...).
    #[error("clamd at {addr} failed {command}: {message}")]
    ServerError {
        /// The daemon's address.
        addr: ClamdAddr,
        /// The command that was sent.
        command: &'static str,
        /// The daemon's message, without the trailing `ERROR`.
        message: String,
    },
    /// The connection failed after it was established (reset, broken pipe, ...).
    #[error("connection to clamd at {addr} failed during {command}: {}", describe_io(.error))]
    Io {
        /// The daemon's address.
        addr: ClamdAddr,
        /// The command in progress.
        command: &'static str,
        /// The I/O error.
        error: io::Error,
    },
}

impl ClamdError {
    /// The address of the daemon the error is about.
    pub fn addr(&self) -> &ClamdAddr {
        match self {
            ClamdError::Unreachable { addr, .. }
            | ClamdError::Timeout { addr, .. }
            | ClamdError::SizeLimitExceeded { addr, .. }
            | ClamdError::Protocol { addr, .. }
            | ClamdError::ServerError { addr, .. }
            | ClamdError::Io { addr, .. } => addr,
        }
    }

    /// True when the error concerns only this input (it was too large), so other files can
    /// still be sent to the same daemon.
    pub fn is_per_file(&self) -> bool {
        matches!(self, ClamdError::SizeLimitExceeded { .. })
    }
}

/// A short lower-case cause for the common connect/transfer failures, so messages read
/// "connection refused" rather than "Connection refused (os error 111)"; anything else keeps
/// the operating system's text.
pub(crate) fn describe_io(error: &io::Error) -> String {
    let short = match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused",
        io::ErrorKind::NotFound => "no such socket file",
        io::ErrorKind::PermissionDenied => "permission denied",
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out",
        io::ErrorKind::ConnectionReset => "connection reset by clamd",
        io::ErrorKind::BrokenPipe => "clamd closed the connection",
        io::ErrorKind::UnexpectedEof => "clamd closed the connection",
        _ => return error.to_string(),
    };
    // A custom message (e.g. "connect timed out after 5s") says more than the kind.
    match error.get_ref() {
        Some(inner) => format!("{short} ({inner})"),
        None => short.to_owned(),
    }
}
