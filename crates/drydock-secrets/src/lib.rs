//! Secret detection for drydock: bytes in, matches out.
//!
//! The crate is pure: it never touches the file system or the network. The caller (the layer
//! walk) decides which files to read with [`RuleSet::wants_path`], reads at most
//! [`Limits::max_file`] bytes and hands them to [`RuleSet::scan`]; image metadata (ENV entries,
//! labels, history lines) goes through [`RuleSet::scan_text`].
//!
//! # Engine
//!
//! * Every rule carries keywords (ASCII case-insensitive). A keyword prefilter finds every
//!   occurrence of every keyword first; content without a keyword hit is rejected without
//!   running a single regex. The prefilter is exact (a property test checks it against
//!   Aho-Corasick's overlapping search) but faster than an Aho-Corasick automaton over a couple
//!   of hundred keywords: it tests the class trigram at each byte against a small L1-resident
//!   bitset of one rare "anchor" trigram per keyword, and compares the few keywords designated
//!   to a candidate trigram in place (see `prefilter.rs`). Keywords of rules bound to special
//!   paths (`.npmrc`, `Dockerfile`, …) are only searched where such a rule applies.
//! * A rule's regex runs only on a bounded window around its keyword hits: the containing line
//!   when it is at most [`Limits::max_line`] long; otherwise, and for rules whose secrets span
//!   lines (PEM blocks, service-account JSON), a bounded window around each hit. Windows of
//!   nearby hits of one rule merge (up to 64 KiB), so each rule looks at each byte about once
//!   however dense the hits. The bytes handed to regexes per file are capped at a small
//!   multiple of the content size, so hostile content (a keyword repeated millions of times)
//!   stays linear.
//! * Regexes use the `regex` crate (finite automata, no backtracking blow-up) with explicit
//!   compile-size limits. Matches are located with the DFA; capture groups are extracted only
//!   for match spans short enough to hold a secret.
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
