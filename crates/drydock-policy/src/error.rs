//! The one error type of the crate.

use drydock_findings::UnknownSeverity;

/// Why a policy input could not be used. Every variant names the file it
/// came from and where in it the problem is, so the CLI can print it as is.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than any sane policy file; refusing to load it
    /// keeps a wrong path (an image tarball) from exhausting memory.
    #[error("{file}: {size} bytes exceeds the {limit}-byte limit for policy files")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A YAML ignore file is malformed: bad syntax, an unknown key, a bad
    /// date, purl or glob.
    #[error("{file}: {key}: {message}")]
    IgnoreYaml {
        /// The file.
        file: String,
        /// Path of the offending key, like `vulnerabilities[2].expires`.
        key: String,
        /// 1-based line, when the YAML parser knows it.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A `.trivyignore` line is malformed (an `exp:` date that is not
    /// `YYYY-MM-DD`).
    #[error("{file}:{line}: {message}")]
    TrivyIgnore {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An OpenVEX document is malformed.
    #[error("{file}: {path}: {message}")]
    Vex {
        /// The file.
        file: String,
        /// JSON path of the offending value, like `statements[0].status`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A `--severity` list names something that is not a severity.
    #[error("invalid severity list `{list}`: {reason}")]
    SeverityList {
        /// The list as given.
        list: String,
        /// Why it is invalid.
        reason: String,
    },
}

impl PolicyError {
    pub(crate) fn severity(list: &str, e: &UnknownSeverity) -> Self {
        Self::SeverityList {
            list: list.to_owned(),
            reason: e.to_string(),
        }
    }
}

/// Renders a serde_path_to_error path; the empty path (an error at the
/// document root) reads better as "document" than as ".".
pub(crate) fn path_text(path: &serde_path_to_error::Path) -> String {
    let s = path.to_string();
    if s == "." || s.is_empty() {
        "document".to_owned()
    } else {
        s
    }
}
