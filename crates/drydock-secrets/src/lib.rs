//! Secret detection for drydock: bytes in, matches out.
//!
//! The crate is pure: it never touches the file system or the network. The caller (the layer
//! walk) decides which files to read with [`RuleSet::wants_path`], reads at most
//! [`Limits::max_file`] bytes and hands them to [`RuleSet::scan`]; image metadata (ENV entries,
//! labels, history lines) goes through [`RuleSet::scan_text`].
//!
//! # Engine
//!
//! * Every rule carries keywords. One Aho-Corasick automaton (ASCII case-insensitive) over all
//!   keywords of all rules runs over the content first; content without a keyword hit is
//!   rejected without running a single regex.
//! * A rule's regex runs only on a bounded window around its keyword hits: the containing line
//!   (lines longer than [`Limits::max_line`] are cut into overlapping tiles), or, for rules whose
//!   secrets span lines (PEM blocks, service-account JSON), a bounded block around the hit.
//!   Windows are deduplicated per rule, and the total number of bytes handed to regexes per file
//!   is capped at a small multiple of the content size, so hostile content (a keyword repeated
//!   millions of times) stays linear.
//! * Regexes use the `regex` crate (finite automata, no backtracking blow-up) with explicit
//!   compile-size limits.
//! * Candidate secrets then pass the rule's entropy floor, allowlists, a global placeholder
//!   filter (documentation examples such as `AKIAIOSFODNN7EXAMPLE`, `changeme`, `${VAR}`,
//!   `<your-token>` …) and rule-specific validators (a docker `auth` must decode to
//!   `user:password`, a JWT header must decode to JSON with `alg`, …).
//! * When two rules report overlapping secrets the more specific one wins (`github-pat` beats
//!   `git-credentials` and `password-in-env`); each `(rule, secret)` pair is reported once per
//!   file.
//!
//! Custom rules come from gitleaks configuration files ([`RuleSet::from_gitleaks_toml`]).

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod builtin;
mod engine;
mod error;
mod gitleaks;
mod model;
mod paths;
mod placeholder;
mod prefilter;
mod rule;
mod util;
mod validate;

pub use error::SecretsError;
pub use model::{Category, Limits, SecretMatch, Severity, TextContext, fingerprint, redact};
pub use rule::{ExtendSpec, Rule, RuleSet};
