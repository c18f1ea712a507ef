//! The secret scanner as a layer analyzer: every regular file of every layer
//! that could hold a credential is read once, during the same walk that
//! catalogs packages, and its matches are kept per layer (so the layer
//! cache covers them and files deleted later are still seen). Jars, wars and
//! zips are opened too, within [`MemberLimits`]: credentials baked into
//! `application.properties` inside a Spring Boot jar are a classic leak.

use std::sync::Arc;

use drydock_java::{MemberLimits, is_walkable_archive, walk_members};
use drydock_layer::EntryMeta;
use drydock_secrets::{Limits, RuleSet, SecretMatch};

use crate::{Analyzer, Finding, SecretHit};

/// Bumped when what this adapter records changes (independently of rules).
const ADAPTER_VERSION: u32 = 2;

/// Runs a [`RuleSet`] over layer files and the members of archives.
pub struct SecretAnalyzer {
    rules: Arc<RuleSet>,
    limits: Limits,
    archives: Option<(u64, MemberLimits)>,
    tag: String,
}

impl SecretAnalyzer {
    /// An analyzer for `rules` within `limits`; archives up to `max_archive`
    /// bytes are opened within `members` (`None` leaves archives alone).
    pub fn new(rules: Arc<RuleSet>, limits: Limits, archives: Option<(u64, MemberLimits)>) -> Self {
        // Custom rules change results as much as a new drydock does: the
        // rule set's fingerprint and the limits are part of the cache key.
        let mut tag = format!(
            "secret-scanner@{ADAPTER_VERSION}:{}:{}:{}:{}",
            rules.fingerprint(),
            limits.max_file,
            limits.max_line,
            limits.max_matches_per_file
        );
        if let Some((max, m)) = &archives {
            tag.push_str(&format!(
                ":zip:{max}:{}:{}:{}:{}",
                m.max_depth, m.max_member, m.max_nested_archive, m.max_total_uncompressed
            ));
        }
        Self {
            rules,
            limits,
            archives,
            tag,
        }
    }

    fn hit(m: SecretMatch, member: Option<String>) -> Finding {
        Finding::Secret(SecretHit {
            rule_id: m.rule_id,
            title: m.title,
            category: m.category.as_str().to_owned(),
            severity: m.severity.as_str().to_owned(),
            secret: m.secret,
            line: m.line,
            column: m.column,
            member,
        })
    }

    fn archive_limit(&self, path: &str) -> Option<u64> {
        let (max, _) = self.archives.as_ref()?;
        is_walkable_archive(path).then_some(*max)
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
        match self.archive_limit(path) {
            Some(max) => meta.size > 0 && meta.size <= max,
            None => self.rules.wants_path(path, meta.size, &self.limits),
        }
    }

    fn max_size(&self) -> u64 {
        let archive = self.archives.as_ref().map_or(0, |(max, _)| *max);
        self.limits.max_file.max(archive)
    }

    fn analyze(
        &self,
        path: &str,
        _meta: &EntryMeta,
        content: &[u8],
    ) -> Result<Vec<Finding>, String> {
        let Some((_, members)) = self.archives.as_ref().filter(|_| is_walkable_archive(path))
        else {
            return Ok(self
                .rules
                .scan(path, content, &self.limits)
                .into_iter()
                .map(|m| Self::hit(m, None))
                .collect());
        };
        let mut out = Vec::new();
        let prefix_len = path.len() + 2;
        let walked = walk_members(
            content,
            path,
            members,
            &mut |name, size| self.rules.wants_path(name, size, &self.limits),
            &mut |location, name, data| {
                let member = location.get(prefix_len..).unwrap_or(name).to_owned();
                out.extend(
                    self.rules
                        .scan(name, data, &self.limits)
                        .into_iter()
                        .map(|m| Self::hit(m, Some(member.clone()))),
                );
            },
        );
        match walked {
            // Inner problems (a member over its limit, a corrupt nested jar)
            // cost coverage of that member only; the rest was scanned.
            Ok(_) => Ok(out),
            // Not a zip after all (a `.zip` that is a text file, say): scan
            // it as the plain file it is.
            Err(_)
                if self
                    .rules
                    .wants_path(path, content.len() as u64, &self.limits) =>
            {
                Ok(self
                    .rules
                    .scan(path, content, &self.limits)
                    .into_iter()
                    .map(|m| Self::hit(m, None))
                    .collect())
            }
            Err(e) => Err(format!("archive not scanned for secrets: {e}")),
        }
    }
}
