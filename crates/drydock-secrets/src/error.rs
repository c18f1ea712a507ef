//! Errors of rule loading. Scanning itself never fails.

/// Why a rule set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// The configuration is not valid TOML or has fields of the wrong type.
    #[error("{source_name}: invalid gitleaks configuration: {message}")]
    Config {
        /// Name of the configuration (usually its path).
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// A rule is structurally invalid (no id, no regex and no path, bad secret group, …).
    #[error("{source_name}: rule {rule_id:?}: {message}")]
    InvalidRule {
        /// Name of the configuration (usually its path).
        source_name: String,
        /// The rule's id (empty when the rule has none).
        rule_id: String,
        /// What is wrong.
        message: String,
    },
    /// A regular expression of a rule or allowlist does not compile.
    #[error("{source_name}: rule {rule_id:?}: {field} does not compile: {message}")]
    Regex {
        /// Name of the configuration (usually its path).
        source_name: String,
        /// The rule's id, or `"(global allowlist)"`.
        rule_id: String,
        /// Which field held the pattern (`regex`, `path`, `allowlist regex`, `allowlist path`).
        field: String,
        /// The compiler's message, or why the construct is unsupported.
        message: String,
    },
}
