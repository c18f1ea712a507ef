//! Advisories, OSV-shaped, and the feeds they come from.
//!
//! [`Advisory`] follows the OSV schema, because OSV is already the common
//! shape of the language feeds and the distribution feeds map onto it
//! without loss: a Debian DSA becomes an advisory whose `affected` entries
//! name the source package per release (`Debian:bullseye`) with an
//! `ECOSYSTEM` range fixed at the DSA's version, and an Alpine secdb entry
//! becomes one advisory per CVE with a fixed version per branch.
//!
//! The modules under [`feeds`] are pure: bytes in, advisories out. A record
//! that cannot be used becomes a [`RecordError`] naming the record and the
//! reason; the rest of the feed still imports.

#![deny(missing_docs)]

pub mod feeds;
mod model;

pub use model::{
    Advisory, Affected, Event, Package, Range, RangeKind, Reference, Severity, validate,
};

/// A record of a feed that was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The record's id, or its position when it has none.
    pub record: String,
    /// Why it was skipped.
    pub reason: String,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record `{}`: {}", self.record, self.reason)
    }
}

/// What parsing one feed file produced.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Usable advisories.
    pub advisories: Vec<Advisory>,
    /// Records skipped, with reasons.
    pub errors: Vec<RecordError>,
}

/// Why a whole feed file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// The container (zip, JSON document) is broken.
    #[error("{what}: {reason}")]
    Corrupt {
        /// Which file.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A configured limit was exceeded.
    #[error("{what}: exceeds the {limit} limit")]
    Limit {
        /// Which file.
        what: String,
        /// Which limit.
        limit: String,
    },
}
