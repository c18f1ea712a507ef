//! The secret scanner as a layer analyzer: every regular file of every layer
//! that could hold a credential is read once, during the same walk that
//! catalogs packages, and its matches are kept per layer (so the layer
//! cache covers them and files deleted later are still seen).

use std::sync::Arc;

use drydock_layer::EntryMeta;
use drydock_secrets::{Limits, RuleSet};

use crate::{Analyzer, Finding, SecretHit};

/// Bumped when what this adapter records changes (independently of rules).
const ADAPTER_VERSION: u32 = 1;

/// Runs a [`RuleSet`] over layer files.
pub struct SecretAnalyzer {
    rules: Arc<RuleSet>,
    limits: Limits,
    tag: String,
}

impl SecretAnalyzer {
    /// An analyzer for `rules` within `limits`.
    pub fn new(rules: Arc<RuleSet>, limits: Limits) -> Self {
        // Custom rules change results as much as a new drydock does: the
        // rule set's fingerprint and the limits are part of the cache key.
        let tag = format!(
            "secret-scanner@{ADAPTER_VERSION}:{}:{}:{}:{}",
            rules.fingerprint(),
            limits.max_file,
            limits.max_line,
            limits.max_matches_per_file
        );
        Self { rules, limits, tag }
    }
}

impl Analyzer for SecretAnalyzer {
    fn name(&self) -> &'static str {
        "secret-scanner"
    }

    fn version(&self) -> u32 {
        ADAPTER_VERSION
    }

    fn cache_tag(&self) -> String {
        self.tag.clone()
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        self.rules.wants_path(path, meta.size, &self.limits)
    }

    fn max_size(&self) -> u64 {
        self.limits.max_file
    }

    fn analyze(
        &self,
        path: &str,
        _meta: &EntryMeta,
        content: &[u8],
    ) -> Result<Vec<Finding>, String> {
        Ok(self
            .rules
            .scan(path, content, &self.limits)
            .into_iter()
            .map(|m| {
                Finding::Secret(SecretHit {
                    rule_id: m.rule_id,
                    title: m.title,
                    category: m.category.as_str().to_owned(),
                    severity: m.severity.as_str().to_owned(),
                    secret: m.secret,
                    line: m.line,
                    column: m.column,
                })
            })
            .collect())
    }
}
