//! Errors of loading and evaluating a policy directory.

use std::path::PathBuf;
use std::time::Duration;

/// Why a policy directory could not be loaded, or an input not evaluated.
///
/// Problems of one policy at evaluation time are not errors: they become
/// [`PolicyWarning`](crate::PolicyWarning)s and the other policies still run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegoError {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The policy path is not a directory.
    #[error("{} is not a directory", path.display())]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// A file is larger than drydock reads.
    #[error("{} is larger than the {limit}-byte limit for {what}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// `policy` or `data document`.
        what: &'static str,
        /// The limit in bytes.
        limit: u64,
    },
    /// The directory holds more files, or is nested deeper, than drydock walks.
    #[error("{}: {what} (limit {limit})", dir.display())]
    DirectoryLimit {
        /// The policy directory.
        dir: PathBuf,
        /// What overflowed.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A Rego file does not parse.
    #[error("{}:{line}:{column}: syntax error: {message}", path.display())]
    Syntax {
        /// The Rego file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The parser's message.
        message: String,
    },
    /// A Rego file was rejected without a position (size limits, encoding).
    #[error("{}: {message}", path.display())]
    Parse {
        /// The Rego file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The loaded modules do not compile together (unsafe variables,
    /// conflicting rule kinds, bad imports), found when preparing the engine.
    #[error("policies in {} do not compile: {message}", dir.display())]
    Compile {
        /// The policy directory.
        dir: PathBuf,
        /// The first error, with its file and line.
        message: String,
    },
    /// A data document is not valid JSON/YAML, not an object, or conflicts
    /// with another data document.
    #[error("data document {}: {message}", path.display())]
    Data {
        /// The data file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A policy's metadata is missing or invalid.
    #[error("policy `{package}` ({}): {message}", path.display())]
    Metadata {
        /// The file declaring the policy's `deny`/`warn` rules.
        path: PathBuf,
        /// The package, without the `data.` prefix.
        package: String,
        /// What is wrong.
        message: String,
    },
    /// Two policies use the same id.
    #[error("policy id `{id}` is used by both `{first}` and `{second}`")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first package using it.
        first: String,
        /// The second package using it.
        second: String,
    },
    /// The directory holds no policy: no package under `drydock.` with a
    /// `deny` or `warn` rule.
    #[error(
        "no policies in {}: a policy is a `package drydock.<name>` with `deny` or `warn` rules",
        dir.display()
    )]
    NoPolicies {
        /// The policy directory.
        dir: PathBuf,
    },
    /// The input document cannot be handed to the engine.
    #[error("input document for {file}: {message}")]
    Input {
        /// The file label given to `evaluate`.
        file: String,
        /// Why.
        message: String,
    },
}

/// Why one policy produced no (or partial) results for one input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarningKind {
    /// The rule raised an error: a conflict between rule values, an unknown
    /// function, a builtin error.
    #[error("{rule} failed: {message}")]
    Runtime {
        /// `deny` or `warn`.
        rule: &'static str,
        /// The engine's message, with file and line.
        message: String,
    },
    /// The rule ran longer than the limit and was stopped.
    #[error("{rule} stopped after exceeding the {} ms time limit", limit.as_millis())]
    TimeLimit {
        /// `deny` or `warn`.
        rule: &'static str,
        /// The limit that was exceeded.
        limit: Duration,
    },
    /// The rule's value is not a set, or one of its results is malformed.
    #[error("{rule}: {message}")]
    BadResult {
        /// `deny` or `warn`.
        rule: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The rule produced more results than are kept.
    #[error("{rule} produced {produced} results; only the first {kept} are reported")]
    Truncated {
        /// `deny` or `warn`.
        rule: &'static str,
        /// How many it produced.
        produced: usize,
        /// How many were kept.
        kept: usize,
    },
    /// More warnings than are kept for one policy and input.
    #[error("{0} further warnings not shown")]
    MoreWarnings(usize),
}

/// A problem of one policy on one input; the other policies still ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy {policy_id} (`{package}`, {file}): {kind}")]
pub struct PolicyWarning {
    /// The policy's id.
    pub policy_id: String,
    /// Its package, without the `data.` prefix.
    pub package: String,
    /// The file declaring its rules.
    pub file: String,
    /// What happened.
    pub kind: WarningKind,
}

/// Shortens a regorus error (a multi-line snippet with a `--> file:line:col`
/// header and an `error: …` line) to `file:line:col: message`.
pub(crate) fn condense(err: &anyhow::Error) -> String {
    let text = format!("{err:#}");
    let mut location = None;
    let mut message = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("--> ") {
            location.get_or_insert(rest.trim());
        } else if let Some(rest) = t.strip_prefix("error: ") {
            message.get_or_insert(rest.trim());
        }
    }
    match (location, message) {
        (Some(l), Some(m)) => format!("{l}: {m}"),
        (None, Some(m)) => m.to_owned(),
        _ => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Parses the `--> file:line:col` header of a regorus parse error.
pub(crate) fn located(text: &str) -> Option<(u32, u32, String)> {
    let mut position = None;
    let mut message = None;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("--> ") {
            if position.is_none() {
                // The label may itself hold ':', so split from the right.
                let mut parts = rest.trim().rsplitn(3, ':');
                let col = parts.next().and_then(|c| c.parse::<u32>().ok());
                let line = parts.next().and_then(|l| l.parse::<u32>().ok());
                if let (Some(l), Some(c)) = (line, col) {
                    position = Some((l, c));
                }
            }
        } else if let Some(rest) = t.strip_prefix("error: ") {
            message.get_or_insert_with(|| rest.trim().to_owned());
        }
    }
    let (line, col) = position?;
    Some((
        line,
        col,
        message.unwrap_or_else(|| "invalid Rego".to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn located_reads_header_and_message() {
        let text = "\n--> dir/bad:x.rego:4:7\n  |\n4 |   msg := \n  |       ^\nerror: expecting `}` while parsing set";
        let (l, c, m) = located(text).unwrap();
        assert_eq!((l, c), (4, 7));
        assert_eq!(m, "expecting `}` while parsing set");
        assert!(located("file too large").is_none());
    }
}
