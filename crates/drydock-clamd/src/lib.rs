//! A small client for ClamAV's daemon, clamd: one of the engines of drydock's malware scanner.
//!
//! * [`ClamdAddr`] is where clamd listens: a unix socket (`unix:/run/clamav/clamd.ctl`) or TCP
//!   (`tcp://127.0.0.1:3310`).
//! * [`ClamdClient`] sends `PING`, `VERSION` and `INSTREAM` scans. Every request opens its own
//!   connection, so one client is shared freely between threads (e.g. rayon workers).
//!
//! There is deliberately no `IDSESSION` support. Measured against clamd 1.4.6 over loopback
//! TCP and a unix socket (`benches/clamd.rs`, 2-core machine), keeping one connection for many
//! files was not consistently faster than one connection per file: clamd's own per-scan work
//! dominates (a `PING` over a fresh connection takes about 0.1–0.25 ms, a 1 KiB scan 0.5–2 ms).
//! Sessions also add failure modes: the daemon ends a session after any error reply.
//!
//! # Protocol
//!
//! Commands use the `z` form (`zINSTREAM\0`), so replies end in NUL. Data goes out as
//! `[u32 big-endian length][bytes]` chunks closed by a zero-length chunk. Replies are read with
//! a hard size cap ([`protocol::MAX_REPLY_LEN`]) and an overall deadline, and only the exact
//! forms `stream: OK` and `stream: <name> FOUND` give a verdict; everything else is an error,
//! never "clean".
//!
//! # Limits
//!
//! clamd rejects streams longer than its `StreamMaxLength` after reading that much. The client
//! knows the limit ([`ClamdClient::max_stream`], default 25 MiB) and does not send larger
//! inputs: [`ClamdError::SizeLimitExceeded`] tells the caller to report the file as skipped.
//! If the server's limit is lower than configured, its `INSTREAM size limit exceeded` reply
//! gives the same error.
//!
//! # Tests
//!
//! With the `testing` feature, [`testing::TestClamd`] starts a private clamd with a generated
//! custom-only signature database (see that module).

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod addr;
mod client;
mod error;
pub mod protocol;
#[cfg(feature = "testing")]
pub mod testing;

pub use addr::{AddrParseError, ClamdAddr};
pub use client::{
    ClamdClient, ClamdVerdict, DEFAULT_CHUNK_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_IO_TIMEOUT,
    DEFAULT_MAX_STREAM,
};
pub use error::ClamdError;
