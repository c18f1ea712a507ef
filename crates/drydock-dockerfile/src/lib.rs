//! Dockerfile parser and hadolint-class linter.
//!
//! [`parse`] turns Dockerfile text into a [`Dockerfile`]: parser
//! directives, comments, and every instruction with its 1-based line span,
//! flags, heredocs and typed arguments (exec vs shell form, ENV pairs,
//! EXPOSE ports, COPY sources…). [`parse_lenient`] records syntax errors
//! and keeps going. [`lint`] runs the rules of [`rules()`] over a file and
//! returns findings in the shared [`Misconfiguration`] model: stable
//! `DD-DF-NNN` ids, severities, evidence (secrets redacted), remediation,
//! and `hadolint:DLxxxx` / `CIS-Docker-4.x` references.
//!
//! RUN commands go through a small shell parser ([`shell`]) that splits a
//! script into simple commands on `&&`, `||`, `;` and `|`, respecting
//! quotes, `$(…)` and heredocs, so package-manager, download and trust
//! rules look at real command words rather than regexes over the line.
//!
//! Inline comments `# drydock ignore=DD-DF-001` (or hadolint's
//! `# hadolint ignore=DL3008`, mapped through references) suppress
//! findings on the next instruction; `global ignore=` on the whole file.
//! [`LintConfig`] (YAML) drops rules, overrides severities, lists trusted
//! registries and sets the failure threshold.
//!
//! ```
//! use drydock_dockerfile::{LintConfig, lint};
//!
//! let findings = lint("Dockerfile", "FROM debian\nEXPOSE 22\n", &LintConfig::default()).unwrap();
//! let ids: Vec<&str> = findings.iter().map(|f| f.check_id.as_str()).collect();
//! assert!(ids.contains(&"DD-DF-001")); // no tag
//! assert!(ids.contains(&"DD-DF-020")); // SSH port
//! assert!(ids.contains(&"DD-DF-010")); // no USER
//! ```

#![deny(missing_docs)]

mod ast;
mod config;
mod error;
mod parser;
mod rules;
pub mod shell;
mod words;

pub use ast::{
    Command, Comment, CopyArgs, Directives, Dockerfile, Flag, From, Healthcheck, Heredoc,
    Instruction, InstructionKind, KeyValue, PortSpec, Run, Stage,
};
pub use config::{LintConfig, reaches_threshold};
pub use error::{ConfigError, LintError, MAX_DOCKERFILE_BYTES, ParseError, ParseErrorKind};
pub use parser::{Parsed, parse, parse_lenient};
pub use rules::{ImageRef, RuleInfo, rule, rules};
pub use words::{Expanded, VarState, expand, unquote};

use drydock_findings::Misconfiguration;

/// Findings of a lenient lint, with the syntax errors met on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintReport {
    /// Findings, by line then rule id.
    pub findings: Vec<Misconfiguration>,
    /// Syntax errors; the instructions they hit were skipped.
    pub errors: Vec<ParseError>,
}

/// Lints Dockerfile text. `file_label` goes into each finding's location
/// (usually the path as the user gave it). Fails on the first syntax
/// error, as `docker build` would.
pub fn lint(
    file_label: &str,
    text: &str,
    config: &LintConfig,
) -> Result<Vec<Misconfiguration>, LintError> {
    let df = parse(text).map_err(|source| LintError {
        file: file_label.to_owned(),
        source,
    })?;
    Ok(lint_dockerfile(file_label, &df, config))
}

/// Lints Dockerfile text, linting whatever parses and reporting syntax
/// errors next to the findings.
pub fn lint_lenient(file_label: &str, text: &str, config: &LintConfig) -> LintReport {
    let parsed = parse_lenient(text);
    LintReport {
        findings: lint_dockerfile(file_label, &parsed.dockerfile, config),
        errors: parsed.errors,
    }
}

/// Lints an already parsed Dockerfile.
pub fn lint_dockerfile(
    file_label: &str,
    dockerfile: &Dockerfile,
    config: &LintConfig,
) -> Vec<Misconfiguration> {
    rules::check(file_label, dockerfile, config)
}
