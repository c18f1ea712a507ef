//! The local advisory database: an indexed SQLite file built from feeds.
//!
//! [`import`] reads feed files and directories (OSV `all.zip` or record
//! directories, the Debian security tracker's lists and JSON export,
//! Alpine secdb documents), validates each record against its ecosystem's
//! version scheme, and writes them into the database **atomically**: the
//! current database is copied to a temporary file next to it, the new
//! sources replace their previous records inside one transaction, and the
//! file is renamed over the old one only when everything succeeded. A crash
//! or a bad feed leaves the previous database untouched.
//!
//! [`Store`] is the read side: advisories by `(ecosystem, package name)`,
//! and [`Store::status`] for sources, counts and age. Records are kept as
//! zstd-compressed OSV JSON; the `affected` table indexes every
//! `(ecosystem, name)` an advisory names, and `aliases` every alias, so a
//! lookup is one index probe.

#![deny(missing_docs)]

mod detect;
mod import;
mod names;
mod store;
pub mod update;

pub use detect::{InputKind, detect};
pub use import::{ImportOptions, ImportReport, Input, SourceReport, import};
pub use names::{normalize_name, version_scheme};
pub use store::{SCHEMA_VERSION, SourceStatus, Status, Store};

use std::path::PathBuf;

/// The database file name inside a database directory.
pub const DB_FILE: &str = "advisories.db";

/// Why the database could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// Which file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// SQLite refused an operation.
    #[error("advisory database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// No database at the path.
    #[error(
        "no advisory database at {0}; run `drydock db import PATH` or `drydock db update` first"
    )]
    Missing(PathBuf),
    /// The database was written by an incompatible drydock.
    #[error(
        "advisory database {path} has schema {found}, this drydock reads {expected}; run `drydock db update` or re-import"
    )]
    Schema {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: String,
        /// The supported version.
        expected: u32,
    },
    /// An input is not a feed drydock knows.
    #[error("{path}: {reason}")]
    Input {
        /// The input.
        path: PathBuf,
        /// Why it was not recognised or could not be read.
        reason: String,
    },
    /// A stored record could not be decoded.
    #[error("advisory database {path}: record {record} is unreadable: {reason}")]
    Record {
        /// The database file.
        path: PathBuf,
        /// Record id.
        record: String,
        /// Why.
        reason: String,
    },
    /// Nothing could be imported.
    #[error("nothing imported: {0}")]
    Nothing(String),
}
