//! Rules, allowlists and rule sets.

use crate::engine::{self, Engine};
use crate::error::SecretsError;
use crate::model::{Category, Limits, SecretMatch, Severity, TextContext};
use crate::paths;
use regex::bytes::{Regex, RegexBuilder};
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};

/// Bumped whenever scanning semantics change in code (validators, placeholder filter, window
/// logic), so that [`RuleSet::fingerprint`] invalidates caches built by an older engine.
const ENGINE_VERSION: &str = "drydock-secrets/1";

/// Compiled-program size limit per regex: generous for real rules, but a hostile custom
/// pattern (`a{1000}{1000}`) is rejected instead of eating memory.
pub(crate) const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;
/// Lazy-DFA cache per regex.
pub(crate) const REGEX_DFA_LIMIT: usize = 2 * 1024 * 1024;

/// Compile a rule pattern the way the engine runs it: over bytes, ASCII classes (as in Go's
/// RE2, which gitleaks rules are written for). Patterns that need Unicode (`\pL`, non-ASCII
/// class members) fall back to Unicode mode.
pub(crate) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    let build = |unicode: bool| {
        RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_DFA_LIMIT)
            .build()
    };
    match build(false) {
        Ok(re) => Ok(re),
        Err(first) => build(true).map_err(|_| first),
    }
}

/// Which capture group holds the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SecretGroup {
    /// The whole match.
    Whole,
    /// Exactly this group (gitleaks `secretGroup`).
    Index(usize),
    /// The first non-empty group from this index on (gitleaks' default when groups exist).
    FirstFrom(usize),
    /// The first non-empty group among these.
    FirstOf(&'static [usize]),
}

/// How far around a keyword hit the rule's regex looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The containing line (a window around the hit when longer than `max_line`).
    Line,
    /// A multi-line block: `back` bytes before and `fwd` bytes after the hit.
    Block {
        /// Bytes before the hit.
        back: usize,
        /// Bytes after the hit.
        fwd: usize,
    },
}

/// Rule-specific checks beyond regex and entropy (see `validate.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Validator {
    None,
    /// JSON header with `alg` (not `none`) and JSON payload.
    Jwt,
    /// docker `auth` decodes to `user:password`; identity tokens pass.
    RegistryAuth,
    /// A private-key body with enough base64 material and no ellipsis.
    PemBody,
    /// Heuristic `password = "..."`.
    GenericPassword,
    /// Heuristic `secret/token/api_key = "..."`.
    GenericSecret,
    /// `NAME=value` environment assignment with a sensitive name.
    EnvAssignment,
    /// Credentials in a URL: password not a placeholder, host not an example domain.
    UrlCredentials,
    /// The secret must contain a letter and a digit (shape-free context rules).
    LetterAndDigit,
}

/// Where a rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope {
    pub files: bool,
    pub env: bool,
    pub label: bool,
    pub history: bool,
}

impl Scope {
    pub(crate) const ALL: Scope = Scope {
        files: true,
        env: true,
        label: true,
        history: true,
    };
    pub(crate) const FILES: Scope = Scope {
        files: true,
        env: false,
        label: false,
        history: false,
    };

    pub(crate) fn allows(self, ctx: TextContext) -> bool {
        match ctx {
            TextContext::Env => self.env,
            TextContext::Label => self.label,
            TextContext::History => self.history,
        }
    }
}

/// A keyword of the prefilter. `word_start` keywords only count when not preceded by an ASCII
/// letter or digit (so `sg.` does not fire inside `msg.`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Keyword {
    pub text: String,
    pub word_start: bool,
}

/// What an allowlist regex is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RegexTarget {
    Secret,
    Match,
    Line,
}

/// A compiled allowlist (gitleaks `[[rules.allowlists]]` / `[allowlist]` semantics).
#[derive(Debug, Clone)]
pub(crate) struct Allowlist {
    pub description: String,
    /// `AND`: every present criterion must hold; `OR` (default): any.
    pub and: bool,
    pub target: RegexTarget,
    pub regexes: Vec<Regex>,
    pub paths: Vec<Regex>,
    /// Lowercase; a secret containing one is allowed.
    pub stopwords: Vec<String>,
    /// gitleaks `commits`: never satisfiable when scanning images.
    pub has_commits: bool,
    /// For global allowlists: only these rule ids (empty = all rules).
    pub target_rules: Vec<String>,
}

/// What an allowlist is asked about one finding.
pub(crate) struct Finding<'a> {
    pub path: Option<&'a str>,
    pub secret: &'a [u8],
    pub full_match: &'a [u8],
    pub line: &'a [u8],
}

impl Allowlist {
    fn is_empty(&self) -> bool {
        self.regexes.is_empty()
            && self.paths.is_empty()
            && self.stopwords.is_empty()
            && !self.has_commits
    }

    pub(crate) fn applies_to(&self, rule_id: &str) -> bool {
        self.target_rules.is_empty() || self.target_rules.iter().any(|r| r == rule_id)
    }

    fn path_matches(&self, path: Option<&str>) -> bool {
        path.is_some_and(|p| self.paths.iter().any(|re| re.is_match(p.as_bytes())))
    }

    /// True when the path alone is enough to allow every finding in the file (an `OR`
    /// allowlist whose paths match), so the rule need not run at all.
    pub(crate) fn allows_whole_path(&self, path: Option<&str>) -> bool {
        if self.and {
            !self.paths.is_empty()
                && self.regexes.is_empty()
                && self.stopwords.is_empty()
                && !self.has_commits
                && self.path_matches(path)
        } else {
            self.path_matches(path)
        }
    }

    pub(crate) fn allows(&self, f: &Finding<'_>) -> bool {
        if self.is_empty() {
            return false;
        }
        let target = match self.target {
            RegexTarget::Secret => f.secret,
            RegexTarget::Match => f.full_match,
            RegexTarget::Line => f.line,
        };
        let mut results: Vec<bool> = Vec::with_capacity(4);
        if self.has_commits {
            results.push(false);
        }
        if !self.paths.is_empty() {
            results.push(self.path_matches(f.path));
        }
        if !self.regexes.is_empty() {
            results.push(self.regexes.iter().any(|re| re.is_match(target)));
        }
        if !self.stopwords.is_empty() {
            let lower = f.secret.to_ascii_lowercase();
            results.push(
                self.stopwords
                    .iter()
                    .any(|w| !w.is_empty() && memchr::memmem::find(&lower, w.as_bytes()).is_some()),
            );
        }
        if self.and {
            results.iter().all(|&r| r)
        } else {
            results.iter().any(|&r| r)
        }
    }

    fn hash_into(&self, h: &mut Sha256) {
        feed(h, "allowlist");
        feed(h, &self.description);
        feed(h, if self.and { "and" } else { "or" });
        feed(h, &format!("{:?}", self.target));
        for re in &self.regexes {
            feed(h, re.as_str());
        }
        feed(h, "|paths");
        for re in &self.paths {
            feed(h, re.as_str());
        }
        feed(h, "|stopwords");
        for w in &self.stopwords {
            feed(h, w);
        }
        feed(h, &format!("commits={}", self.has_commits));
        for r in &self.target_rules {
            feed(h, r);
        }
    }
}

fn feed(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// The compiled, private part of a rule.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub regex: Option<Regex>,
    pub path: Option<Regex>,
    pub keywords: Vec<Keyword>,
    pub group: SecretGroup,
    pub entropy: Option<f32>,
    pub min_len: usize,
    pub max_len: usize,
    pub reach: Reach,
    /// Higher wins when two rules report overlapping secrets.
    pub specificity: u8,
    pub validator: Validator,
    pub scope: Scope,
    /// Stay quiet in tests, fixtures, examples and docs.
    pub skip_test_paths: bool,
    /// Run the global placeholder filter on the secret.
    pub placeholders: bool,
    pub allowlists: Vec<Allowlist>,
    /// gitleaks `skipReport`: the rule exists but never reports.
    pub report: bool,
}

/// One detection rule.
///
/// The public fields describe the rule; the compiled matcher is private. Rules are cheap to
/// clone (the compiled part is shared).
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable kebab-case id (e.g. `aws-access-key-id`).
    pub id: String,
    /// Short human-readable title.
    pub title: String,
    /// Longer description (gitleaks `description`; may equal the title).
    pub description: String,
    /// What kind of credential this is.
    pub category: Category,
    /// How bad a leak is.
    pub severity: Severity,
    /// Free-form tags (gitleaks `tags`).
    pub tags: Vec<String>,
    /// Where the rule comes from: `builtin` or the name of the configuration it was read from.
    pub source: String,
    pub(crate) c: Arc<Compiled>,
}

impl Rule {
    /// The rule's regex source, if it has one (path-only rules do not).
    pub fn regex(&self) -> Option<&str> {
        self.c.regex.as_ref().map(|r| r.as_str())
    }

    /// The rule's path regex source, if it only applies to matching paths.
    pub fn path_regex(&self) -> Option<&str> {
        self.c.path.as_ref().map(|r| r.as_str())
    }

    /// The prefilter keywords (lowercase).
    pub fn keywords(&self) -> Vec<&str> {
        self.c.keywords.iter().map(|k| k.text.as_str()).collect()
    }

    /// The Shannon-entropy floor of the secret, if any.
    pub fn entropy(&self) -> Option<f32> {
        self.c.entropy
    }

    fn hash_into(&self, h: &mut Sha256) {
        let c = &self.c;
        feed(h, "rule");
        feed(h, &self.id);
        feed(h, &self.title);
        feed(h, self.category.as_str());
        feed(h, self.severity.as_str());
        feed(h, c.regex.as_ref().map_or("", |r| r.as_str()));
        feed(h, c.path.as_ref().map_or("", |r| r.as_str()));
        for k in &c.keywords {
            feed(h, &format!("{}:{}", k.text, k.word_start));
        }
        feed(
            h,
            &format!(
                "{:?}|{:?}|{}|{}|{:?}|{}|{:?}|{:?}|{}|{}|{}",
                c.group,
                c.entropy,
                c.min_len,
                c.max_len,
                c.reach,
                c.specificity,
                c.validator,
                c.scope,
                c.skip_test_paths,
                c.placeholders,
                c.report
            ),
        );
        for a in &c.allowlists {
            a.hash_into(h);
        }
    }
}

/// `[extend]` of a gitleaks configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtendSpec {
    /// `useDefault = true`: the custom rules extend the built-in rules.
    pub use_default: bool,
    /// `path = "..."`: another configuration to extend. This crate does no I/O; the caller
    /// loads it and combines the sets with [`RuleSet::extend`].
    pub path: Option<String>,
    /// `disabledRules`: ids removed from the extended (base) set.
    pub disabled_rules: Vec<String>,
}

/// A set of rules plus global allowlists, with the keyword prefilter built over all keywords.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) rules: Vec<Rule>,
    pub(crate) global: Vec<Allowlist>,
    pub(crate) extend_spec: Option<ExtendSpec>,
    pub(crate) title: Option<String>,
    pub(crate) engine: Arc<Engine>,
}

impl RuleSet {
    pub(crate) fn assemble(
        rules: Vec<Rule>,
        global: Vec<Allowlist>,
        extend_spec: Option<ExtendSpec>,
        title: Option<String>,
    ) -> RuleSet {
        let engine = Arc::new(Engine::build(&rules));
        RuleSet {
            rules,
            global,
            extend_spec,
            title,
            engine,
        }
    }

    /// The built-in rules (more than 80, each with a stable id) and the built-in global
    /// allowlist of vendored, third-party and distribution paths.
    pub fn builtin() -> RuleSet {
        static BUILTIN: OnceLock<RuleSet> = OnceLock::new();
        BUILTIN.get_or_init(crate::builtin::ruleset).clone()
    }

    /// Parse a gitleaks configuration (`title`, `[[rules]]`, `[[rules.allowlists]]`,
    /// `[rules.allowlist]`, `[allowlist]`, `[[allowlists]]`, `[extend]`).
    ///
    /// The result holds only the configuration's own rules; [`RuleSet::extend_spec`] tells
    /// whether it asked to extend the defaults. [`RuleSet::from_gitleaks_config`] does the
    /// combining. `source` names the configuration in errors and in [`Rule::source`].
    pub fn from_gitleaks_toml(text: &str, source: &str) -> Result<RuleSet, SecretsError> {
        crate::gitleaks::parse(text, source)
    }

    /// Parse a gitleaks configuration and resolve `[extend] useDefault = true` against the
    /// built-in rules (minus `disabledRules`). An `[extend] path` is left to the caller
    /// (see [`ExtendSpec::path`]).
    pub fn from_gitleaks_config(text: &str, source: &str) -> Result<RuleSet, SecretsError> {
        let custom = RuleSet::from_gitleaks_toml(text, source)?;
        let use_default = custom.extend_spec.as_ref().is_some_and(|e| e.use_default);
        if use_default {
            Ok(RuleSet::builtin().extend(custom))
        } else {
            Ok(custom)
        }
    }

    /// The `[extend]` section of the configuration this set was parsed from.
    pub fn extend_spec(&self) -> Option<&ExtendSpec> {
        self.extend_spec.as_ref()
    }

    /// The configuration's `title`, if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// Add `other`'s rules and allowlists to this set (gitleaks extend semantics, `self` being
    /// the base):
    /// * `other`'s `disabledRules` are removed from `self`;
    /// * a rule of `other` with the id of a rule of `self` replaces it, except when it has
    ///   neither regex nor path: then its allowlists are appended to the base rule;
    /// * global allowlists are concatenated.
    pub fn extend(self, other: RuleSet) -> RuleSet {
        let disabled: Vec<String> = other
            .extend_spec
            .as_ref()
            .map(|e| e.disabled_rules.clone())
            .unwrap_or_default();
        let mut rules: Vec<Rule> = self
            .rules
            .into_iter()
            .filter(|r| !disabled.iter().any(|d| d == &r.id))
            .collect();
        for rule in other.rules {
            match rules.iter().position(|r| r.id == rule.id) {
                Some(i) => {
                    let is_patch = rule.c.regex.is_none() && rule.c.path.is_none();
                    if is_patch {
                        if let Some(base) = rules.get_mut(i) {
                            *base = base.with_extra_allowlists(&rule.c.allowlists);
                        }
                    } else if let Some(slot) = rules.get_mut(i) {
                        *slot = rule;
                    }
                }
                None => rules.push(rule),
            }
        }
        let mut global = self.global;
        global.extend(other.global);
        let title = other.title.or(self.title);
        RuleSet::assemble(rules, global, self.extend_spec, title)
    }

    /// A stable SHA-256 (hex) over every rule, allowlist and the engine version, for cache
    /// keys: equal fingerprints scan identically.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        feed(&mut h, ENGINE_VERSION);
        for r in &self.rules {
            r.hash_into(&mut h);
        }
        feed(&mut h, "global");
        for a in &self.global {
            a.hash_into(&mut h);
        }
        hex::encode(h.finalize())
    }

    /// The rules of this set.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Cheap pre-read check: false for files that cannot hold a secret we look for (media,
    /// fonts, archives we do not open, compiled objects including ELF shared libraries),
    /// files allowlisted by path (vendored and distribution files), empty files and files
    /// larger than `limits.max_file`.
    pub fn wants_path(&self, path: &str, size: u64, limits: &Limits) -> bool {
        engine::wants_path(self, path, size, limits)
    }

    /// Scan one file's content. Binary content (a NUL byte in the first 8 KiB) is skipped
    /// cheaply; content beyond `limits.max_file` is ignored.
    pub fn scan(&self, path: &str, content: &[u8], limits: &Limits) -> Vec<SecretMatch> {
        engine::scan(self, Some(path), None, content, limits)
    }

    /// Scan one piece of image metadata: an ENV entry (`KEY=value`), a label or a history
    /// `created_by` line.
    pub fn scan_text(&self, context: TextContext, text: &str, limits: &Limits) -> Vec<SecretMatch> {
        engine::scan(self, None, Some(context), text.as_bytes(), limits)
    }
}

impl Rule {
    fn with_extra_allowlists(&self, extra: &[Allowlist]) -> Rule {
        let c = &self.c;
        let mut allowlists = c.allowlists.clone();
        allowlists.extend(extra.iter().cloned());
        let compiled = Compiled {
            regex: c.regex.clone(),
            path: c.path.clone(),
            keywords: c.keywords.clone(),
            group: c.group,
            entropy: c.entropy,
            min_len: c.min_len,
            max_len: c.max_len,
            reach: c.reach,
            specificity: c.specificity,
            validator: c.validator,
            scope: c.scope,
            skip_test_paths: c.skip_test_paths,
            placeholders: c.placeholders,
            allowlists,
            report: c.report,
        };
        Rule {
            c: Arc::new(compiled),
            ..self.clone()
        }
    }
}

/// The builtin global allowlist (vendored, third-party and distribution paths).
pub(crate) fn builtin_global_allowlist() -> Result<Allowlist, regex::Error> {
    let mut paths_re = Vec::with_capacity(paths::BUILTIN_PATH_ALLOWLIST.len());
    for p in paths::BUILTIN_PATH_ALLOWLIST {
        paths_re.push(compile(p)?);
    }
    Ok(Allowlist {
        description: "builtin: vendored, third-party and distribution files".to_string(),
        and: false,
        target: RegexTarget::Secret,
        regexes: Vec::new(),
        paths: paths_re,
        stopwords: Vec::new(),
        has_commits: false,
        target_rules: Vec::new(),
    })
}
