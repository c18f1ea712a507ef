//! Errors: every one names the file and, for syntax errors, the line and
//! column, in the `file:line:col: message` form editors understand.

/// Why an input could not be audited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MisconfigError {
    /// The YAML or JSON is malformed.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The input's label (usually its path).
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column (in characters).
        column: u32,
        /// What is wrong, as the parser says it.
        message: String,
    },
    /// The input is well-formed but is none of the supported kinds.
    #[error(
        "{file}: not a docker inspect dump, compose file, Kubernetes manifest, daemon.json or dockerd command line: {reason}"
    )]
    Unrecognized {
        /// The input's label.
        file: String,
        /// What was seen instead.
        reason: String,
    },
    /// A per-kind entry point was given another kind of input.
    #[error("{file}: expected {expected}, found {found}")]
    WrongKind {
        /// The input's label.
        file: String,
        /// What the entry point audits.
        expected: String,
        /// What the input was detected as.
        found: &'static str,
    },
    /// The input is of the expected kind but a required part has the wrong
    /// shape (`services` is a list, a dockerd line has an unterminated quote).
    #[error("{file}:{line}: {message}")]
    Shape {
        /// The input's label.
        file: String,
        /// 1-based line.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// The input exceeds a resource limit (size, nesting, alias expansion).
    #[error("{file}: {what} exceeds the limit of {limit}")]
    Limit {
        /// The input's label.
        file: String,
        /// What was too large or too deep.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl MisconfigError {
    /// The label of the input the error is about.
    pub fn file(&self) -> &str {
        match self {
            Self::Syntax { file, .. }
            | Self::Unrecognized { file, .. }
            | Self::WrongKind { file, .. }
            | Self::Shape { file, .. }
            | Self::Limit { file, .. } => file,
        }
    }
}
