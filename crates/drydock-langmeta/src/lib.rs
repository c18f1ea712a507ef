//! Readers for the installed-package metadata that Ruby, PHP and .NET leave
//! inside container images.
//!
//! * [`parse_gemspec`] reads an installed RubyGems specification
//!   (`specifications/*.gemspec`) into a [`Gem`]. The file is Ruby source, so
//!   it is never executed: the assignments RubyGems writes are matched line by
//!   line.
//! * [`parse_composer_installed`] reads Composer's
//!   `vendor/composer/installed.json` (both the Composer 1 and Composer 2
//!   layouts) into [`ComposerPackage`]s.
//! * [`parse_deps_json`] reads a .NET `*.deps.json` into [`NugetPackage`]s and
//!   the application's own [`DotnetProject`]s.
//!
//! The `is_*_path` functions say which image paths each parser is for, and
//! every package type can render its purl.
//!
//! Everything here is pure (bytes in, values out) and treats its input as
//! hostile: sizes and counts are capped by [`Limits`], nothing recurses on
//! input nesting, and one malformed entry is reported as a [`Problem`]
//! instead of failing the whole file.

#![deny(missing_docs)]

mod composer;
mod deps;
mod gem;
mod json;
mod purl;
mod text;

pub use composer::{
    ComposerInstalled, ComposerPackage, is_composer_installed_path, parse_composer_installed,
};
pub use deps::{DepsJson, DotnetProject, NugetPackage, is_deps_json_path, parse_deps_json};
pub use gem::{Gem, is_gemspec_path, parse_gemspec};

/// Caps on the work and memory spent on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes. Larger input is rejected before any
    /// parsing.
    pub max_input: usize,
    /// Most package entries (of any type, valid or not) read from one JSON
    /// file; more is an error rather than a silently truncated list.
    pub max_packages: usize,
    /// Longest gemspec line looked at, in bytes. Longer lines are skipped:
    /// RubyGems keeps the fields read here on short lines, while the long ones
    /// (`s.files = [...]`) are of no interest.
    pub max_line: usize,
}

impl Default for Limits {
    /// Generous for real files: the largest `installed.json` and `deps.json`
    /// files seen in practice are a few megabytes with a few thousand entries.
    fn default() -> Self {
        Self {
            max_input: 32 * 1024 * 1024,
            max_packages: 100_000,
            max_line: 64 * 1024,
        }
    }
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The input is larger than [`Limits::max_input`].
    #[error("input is {size} bytes, more than the limit of {limit}")]
    InputTooLarge {
        /// Size of the input.
        size: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The file holds more entries than [`Limits::max_packages`].
    #[error("more than {limit} package entries")]
    TooManyPackages {
        /// The configured limit.
        limit: usize,
    },
    /// The file is not well-formed JSON, or its top level has the wrong shape.
    #[error("invalid json at line {line} column {column}: {message}")]
    Json {
        /// 1-based line of the error (0 when unknown).
        line: usize,
        /// 1-based column of the error (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A key every file of this kind has is absent.
    #[error("missing `{0}`")]
    MissingField(&'static str),
}

/// Something wrong with one entry of a file that was otherwise read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The entry: its package name or key when known, else `#INDEX`
    /// (0-based). Cut to a bounded length.
    pub entry: String,
    /// What is wrong, in lowercase words.
    pub reason: String,
    /// True when the whole entry was dropped; false when only a field was
    /// ignored and the package is still reported.
    pub skipped: bool,
}
