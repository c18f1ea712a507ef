//! Public value types: categories, severities, limits, matches and the small helpers around them.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// What kind of credential a rule looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Cloud and infrastructure providers (AWS, GCP, Azure, DigitalOcean, Kubernetes, …).
    Cloud,
    /// Version-control hosting (GitHub, GitLab, Bitbucket).
    Vcs,
    /// CI/CD and infrastructure-as-code services.
    Ci,
    /// Chat and messaging (Slack, Discord, Telegram, Teams, Twilio).
    Chat,
    /// Payment providers (Stripe, Square, PayPal/Braintree, Shopify).
    Payment,
    /// Package and container registries (npm, PyPI, RubyGems, NuGet, Docker).
    Registry,
    /// Private key material (PEM, OpenSSH, PuTTY, PGP, age).
    PrivateKey,
    /// API tokens of other SaaS products.
    Token,
    /// Database credentials.
    Database,
    /// Web-framework signing secrets (Django, Rails, Flask, Laravel).
    Framework,
    /// Credentials in well-known credential stores (`.netrc`, `.git-credentials`, env files).
    Credentials,
    /// Heuristic password/secret assignments.
    Generic,
}

impl Category {
    /// The serialized (kebab-case) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cloud => "cloud",
            Category::Vcs => "vcs",
            Category::Ci => "ci",
            Category::Chat => "chat",
            Category::Payment => "payment",
            Category::Registry => "registry",
            Category::PrivateKey => "private-key",
            Category::Token => "token",
            Category::Database => "database",
            Category::Framework => "framework",
            Category::Credentials => "credentials",
            Category::Generic => "generic",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How bad a leak of this kind of secret is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Low impact (e.g. a semi-public client key).
    Low,
    /// Medium impact (heuristic findings, scoped tokens).
    Medium,
    /// High impact (service credentials).
    High,
    /// Critical impact (cloud root credentials, private keys, payment keys).
    Critical,
}

impl Severity {
    /// The serialized (lowercase) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a piece of image metadata handed to [`crate::RuleSet::scan_text`] comes from.
///
/// `Env` and `History` enable the environment-assignment rule (`password-in-env`), which
/// understands `KEY=value`, `ENV KEY=value`, `export KEY=value` and the `|1 NAME=value`
/// build-argument prefix of history lines. `Label` runs the rules that do not depend on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextContext {
    /// One `KEY=value` entry of the image config's `Env`.
    Env,
    /// One label (`key=value`) of the image config.
    Label,
    /// One `created_by` line of the image history.
    History,
}

/// Bounds that keep scanning cheap and safe on hostile content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Files larger than this are not wanted ([`crate::RuleSet::wants_path`]); `scan` looks at
    /// no more than this many bytes. Default 10 MiB.
    pub max_file: u64,
    /// Lines up to this length are regex-scanned whole; longer lines are scanned in bounded,
    /// overlapping windows around keyword hits. Default 64 KiB.
    pub max_line: usize,
    /// At most this many matches are reported per file (or per text). Default 100.
    pub max_matches_per_file: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file: 10 * 1024 * 1024,
            max_line: 64 * 1024,
            max_matches_per_file: 100,
        }
    }
}

/// One detected secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecretMatch {
    /// Stable id of the rule that found it (e.g. `github-pat`).
    pub rule_id: String,
    /// Human-readable title of the rule.
    pub title: String,
    /// The rule's category.
    pub category: Category,
    /// The rule's severity.
    pub severity: Severity,
    /// The secret itself (not redacted; use [`redact`] before showing it).
    pub secret: String,
    /// 1-based line of the secret's first byte.
    pub line: u32,
    /// 1-based column (in characters) of the secret's first byte.
    pub column: u32,
    /// Byte offset of the secret in the scanned content (on a UTF-8 character boundary).
    pub start: usize,
    /// Byte offset one past the secret's end (on a UTF-8 character boundary).
    pub end: usize,
    /// Shannon entropy of the secret in bits per byte (`None` for path-only rules).
    pub entropy: Option<f32>,
}

impl SecretMatch {
    /// The secret in redacted form (see [`redact`]).
    pub fn redacted(&self) -> String {
        redact(&self.secret)
    }

    /// Stable fingerprint of this match at `path_or_context` (see [`fingerprint`]).
    pub fn fingerprint(&self, path_or_context: &str) -> String {
        fingerprint(&self.rule_id, path_or_context, &self.secret)
    }
}

/// Redact a secret for display: a short prefix, an ellipsis and the length,
/// e.g. `AKIA…(20 chars)`.
///
/// The prefix never exceeds 4 characters nor 25 % of the secret, so short secrets show less
/// (a 7-character password shows 1 character, a 3-character one none).
pub fn redact(secret: &str) -> String {
    let n = secret.chars().count();
    let shown = (n / 4).min(4);
    let prefix: String = secret.chars().take(shown).collect();
    format!("{prefix}…({n} chars)")
}

/// Stable fingerprint (lowercase SHA-256 hex) of a finding: the rule, where it was found
/// (a path, or a description of the metadata such as `config.Env`) and the secret.
///
/// Fields are NUL-separated so that no two different triples hash the same input.
pub fn fingerprint(rule_id: &str, path_or_context: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule_id.as_bytes());
    h.update([0u8]);
    h.update(path_or_context.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_never_reveals_more_than_a_quarter_or_four_chars() {
        assert_eq!(redact("AKIAYVOKYSRYAPB4JJUK"), "AKIA…(20 chars)");
        assert_eq!(redact("abcdefg"), "a…(7 chars)");
        assert_eq!(redact("abc"), "…(3 chars)");
        assert_eq!(redact(""), "…(0 chars)");
        assert_eq!(redact("ééééééééé"), "éé…(9 chars)");
        for len in 0..64 {
            let s: String = "x".repeat(len);
            let r = redact(&s);
            let shown = r.split('…').next().unwrap_or_default().chars().count();
            assert!(shown <= 4 && shown * 4 <= len, "{len}: {r}");
        }
    }

    #[test]
    fn fingerprint_is_stable_and_field_separated() {
        let a = fingerprint("github-pat", "/app/x", "ghp_1");
        assert_eq!(a, fingerprint("github-pat", "/app/x", "ghp_1"));
        assert_eq!(a.len(), 64);
        assert_ne!(fingerprint("a", "bc", "d"), fingerprint("ab", "c", "d"));
    }

    #[test]
    fn serde_names() {
        assert_eq!(
            serde_json::to_string(&Category::PrivateKey).unwrap_or_default(),
            "\"private-key\""
        );
        assert_eq!(
            serde_json::to_string(&Severity::Critical).unwrap_or_default(),
            "\"critical\""
        );
        assert_eq!(Category::PrivateKey.to_string(), "private-key");
    }
}
