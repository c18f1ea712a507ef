//! Noise control for vulnerability findings.
//!
//! Four independent steps, each a plain function or method that returns its
//! warnings instead of printing them:
//!
//! - [`IgnoreFile`]: rules from `.drydockignore.yaml` (or a migrated
//!   `.trivyignore`) that mark findings as suppressed, scoped by purl and
//!   path, with expiry evaluated against an injected "now".
//! - [`VexDocument`] and [`apply_vex`]: OpenVEX statements whose latest
//!   status for a finding is `not_affected` or `fixed` suppress it.
//! - [`Filter`]: `--ignore-unfixed` and `--severity`, which remove findings.
//! - [`gate`] for `--exit-code`, and [`only_new`] for `--only-new-since`.
//!
//! Suppression never deletes a finding: it sets
//! [`Vulnerability::suppressed`](drydock_findings::Vulnerability::suppressed)
//! so reports can show what was hidden and why, and gates skip it. A
//! finding that is already suppressed keeps its first suppression.

#![deny(missing_docs)]

mod error;
mod filter;
mod ignore;
mod load;
mod purl;
mod vex;
mod when;

pub use error::PolicyError;
pub use filter::{Filter, GateResult, gate, only_new, parse_severity_list};
pub use ignore::{Expiry, IgnoreFile, IgnoreFormat, IgnoreRule, PathGlob, Scope};
pub use purl::{Candidate, PurlPattern};
pub use vex::{VexComponent, VexDocument, VexProduct, VexStatement, VexStatus, apply_vex};

/// The outcome of applying an ignore file or VEX documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// How many findings this step newly suppressed.
    pub suppressed: usize,
    /// Warnings to show the user (expired rules).
    pub warnings: Vec<String>,
}
