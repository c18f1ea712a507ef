//! Parse and lint errors. Every parse error carries the 1-based line where
//! the offending construct starts, so messages read `line 12: …`.

use std::fmt;

/// Largest Dockerfile accepted, in bytes. Real Dockerfiles are a few KiB;
/// the cap keeps a hostile input from costing more than a bounded amount
/// of memory and time.
pub const MAX_DOCKERFILE_BYTES: usize = 4 * 1024 * 1024;

/// A syntax error, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct ParseError {
    /// 1-based line where the offending construct starts.
    pub line: u32,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(line: u32, kind: ParseErrorKind) -> Self {
        Self { line, kind }
    }
}

/// What a [`ParseError`] is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The first word of an instruction is not a Dockerfile instruction.
    #[error("unknown instruction {keyword}{}", Suggestion(*.suggestion))]
    UnknownInstruction {
        /// The word as written.
        keyword: String,
        /// The instruction it most likely misspells.
        suggestion: Option<&'static str>,
    },
    /// A heredoc whose terminator line never comes.
    #[error("unterminated heredoc <<{name} started here")]
    UnterminatedHeredoc {
        /// The delimiter word.
        name: String,
    },
    /// An instruction without the arguments it needs.
    #[error("{instruction} requires {expected}")]
    MissingArguments {
        /// Upper-case instruction name.
        instruction: &'static str,
        /// What was expected, in words.
        expected: &'static str,
    },
    /// An instruction whose arguments do not parse.
    #[error("{instruction}: {message}")]
    InvalidArguments {
        /// Upper-case instruction name.
        instruction: &'static str,
        /// What is wrong with them.
        message: String,
    },
    /// A `--flag` the instruction does not take.
    #[error("unknown flag --{flag} for {instruction}")]
    UnknownFlag {
        /// Upper-case instruction name.
        instruction: &'static str,
        /// The flag name, without dashes.
        flag: String,
    },
    /// `# escape=` with something other than `\` or `` ` ``.
    #[error("invalid escape directive `{0}` (expected \\ or `)")]
    InvalidEscape(String),
    /// The same parser directive twice.
    #[error("parser directive `{0}` given more than once")]
    DuplicateDirective(String),
    /// Input over [`MAX_DOCKERFILE_BYTES`].
    #[error("Dockerfile is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// Input size.
        size: usize,
        /// The cap.
        limit: usize,
    },
}

struct Suggestion(Option<&'static str>);

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(s) => write!(f, " (did you mean {s}?)"),
            None => Ok(()),
        }
    }
}

/// A Dockerfile that could not be linted, named by its label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Dockerfile {file}: {source}")]
pub struct LintError {
    /// The label the caller gave the file (usually its path).
    pub file: String,
    /// The first syntax error.
    #[source]
    pub source: ParseError,
}

/// A lint configuration that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The YAML does not parse or has an unexpected shape.
    #[error("lint config {origin}: {path}: {message}")]
    Yaml {
        /// Where the config came from (a path, or `<inline>`).
        origin: String,
        /// The key path of the offending value (`.` for the root).
        path: String,
        /// The YAML parser's message.
        message: String,
    },
    /// A rule id that no rule has (neither ours nor a mapped hadolint id).
    #[error("lint config {origin}: unknown rule id `{id}` in `{key}`")]
    UnknownRule {
        /// Where the config came from.
        origin: String,
        /// The config key that named it.
        key: &'static str,
        /// The unknown id.
        id: String,
    },
    /// A severity or threshold name that is not recognised.
    #[error("lint config {origin}: `{key}`: {message}")]
    BadValue {
        /// Where the config came from.
        origin: String,
        /// The config key.
        key: String,
        /// What is wrong.
        message: String,
    },
}
