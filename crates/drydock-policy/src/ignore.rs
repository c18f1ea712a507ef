//! Ignore files: the YAML `.drydockignore.yaml` and, for migration, the
//! plain-text `.trivyignore`.
//!
//! A matching rule marks the finding suppressed; it never removes it, so
//! reports can still show what was hidden and why.

use std::fmt;
use std::path::Path;
use std::time::SystemTime;

use drydock_findings::{
    Misconfiguration, Secret, SecretLocation, Suppression, SuppressionKind, Vulnerability,
};
use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Deserializer};

use crate::error::path_text;
use crate::purl::{Candidate, PurlPattern};
use crate::{Applied, PolicyError, load, when};

/// When a rule stops applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    text: String,
    /// The last Unix nanosecond at which the rule still applies.
    until: i128,
}

impl Expiry {
    /// Parses an ignore-file `expires`: a `YYYY-MM-DD` date keeps the rule
    /// through the end of that day (UTC); an RFC 3339 timestamp keeps it up
    /// to and including that instant.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let until = if let Some(d) = when::parse_date(t) {
            when::end_of_day(d)
        } else if let Some(ts) = when::parse_rfc3339(t) {
            ts.unix_timestamp_nanos()
        } else {
            return Err(format!(
                "`{t}` is neither a YYYY-MM-DD date nor an RFC 3339 timestamp"
            ));
        };
        Ok(Self {
            text: t.to_owned(),
            until,
        })
    }

    /// Parses a `.trivyignore` `exp:` date with trivy's meaning: the rule
    /// is expired once that day has begun (UTC), so a migrated file behaves
    /// exactly as it did under trivy.
    pub fn parse_trivy(text: &str) -> Result<Self, String> {
        let d = when::parse_date(text)
            .ok_or_else(|| format!("expiry `{text}` is not a YYYY-MM-DD date"))?;
        Ok(Self {
            text: text.to_owned(),
            until: when::start_of_day(d),
        })
    }

    /// The expiry as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when the rule no longer applies at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        when::unix_nanos(now) > self.until
    }
}

impl fmt::Display for Expiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A glob on a package's path inside the image (its primary location,
/// without the leading `/`). `*` and `?` stay within one path component;
/// `**` crosses components.
#[derive(Debug, Clone)]
pub struct PathGlob {
    text: String,
    matcher: GlobMatcher,
}

impl PathGlob {
    /// Compiles a glob. A leading `/` or `./` is dropped, since package
    /// paths are relative to the image root.
    pub fn parse(text: &str) -> Result<Self, String> {
        let norm = normalize_path(text.trim());
        if norm.is_empty() {
            return Err("empty path pattern".to_owned());
        }
        let glob = GlobBuilder::new(norm)
            .literal_separator(true)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            text: text.trim().to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True when `path` (with or without a leading `/`) matches.
    pub fn is_match(&self, path: &str) -> bool {
        self.matcher.is_match(normalize_path(path))
    }
}

/// The YAML parser prefixes its messages with its own (shorter) path of the
/// enclosing mapping; the error already names the full key, so drop it.
fn strip_path_prefix<'a>(message: &'a str, key: &str) -> &'a str {
    match message.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') && key.starts_with(head) => rest,
        _ => message,
    }
}

fn normalize_path(p: &str) -> &str {
    let p = p.strip_prefix("./").unwrap_or(p);
    p.trim_start_matches('/')
}

/// Which findings a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `vulnerabilities:`; `id` is an advisory id or alias.
    Vulnerability,
    /// `secrets:`; `id` is a rule id or a finding's fingerprint.
    Secret,
    /// `misconfigurations:`; `id` is a check id.
    Misconfiguration,
    /// A `.trivyignore` line, which (as in trivy) may name any of them.
    Any,
}

impl Scope {
    fn covers(self, other: Scope) -> bool {
        self == Scope::Any || self == other
    }
}

/// One rule of an ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreRule {
    /// What it ignores: an advisory id or alias, a secret rule id or
    /// fingerprint, a check id (compared case-insensitively).
    pub id: String,
    /// Which kind of finding it applies to.
    pub scope: Scope,
    /// Why it is safe to ignore.
    pub reason: Option<String>,
    /// When the rule stops applying.
    pub expires: Option<Expiry>,
    /// When non-empty, only packages matching one of these purls.
    pub purls: Vec<PurlPattern>,
    /// When non-empty, only packages whose path matches one of these globs.
    pub paths: Vec<PathGlob>,
    /// Where the rule is in its file: `vulnerabilities[2]` or `line 7`.
    pub origin: String,
}

fn paths_allow(globs: &[PathGlob], path: Option<&str>) -> bool {
    globs.is_empty() || path.is_some_and(|p| globs.iter().any(|g| g.is_match(p)))
}

impl IgnoreRule {
    /// True when the rule covers `v`, whose package purl was parsed into
    /// `purl`. Expiry is not considered here.
    pub fn matches(&self, v: &Vulnerability, purl: &Candidate) -> bool {
        self.scope.covers(Scope::Vulnerability)
            && v.ids().any(|i| i.eq_ignore_ascii_case(&self.id))
            && (self.purls.is_empty() || self.purls.iter().any(|p| p.matches_candidate(purl)))
            && paths_allow(&self.paths, v.package.path.as_deref())
    }

    /// True when the rule covers the secret `s`: its id is the secret's rule
    /// id or fingerprint, and its paths (if any) match the file the secret is
    /// in (`outer.jar!/member` for archive members).
    pub fn matches_secret(&self, s: &Secret) -> bool {
        let path = match &s.location {
            SecretLocation::File { path, .. } => Some(path.as_str()),
            _ => None,
        };
        self.scope.covers(Scope::Secret)
            && (s.rule_id.eq_ignore_ascii_case(&self.id)
                || s.fingerprint.eq_ignore_ascii_case(&self.id))
            && paths_allow(&self.paths, path)
    }

    /// True when the rule covers the misconfiguration `m`: its id is the
    /// check id, and its paths (if any) match the checked file.
    pub fn matches_misconfig(&self, m: &Misconfiguration) -> bool {
        self.scope.covers(Scope::Misconfiguration)
            && m.check_id.eq_ignore_ascii_case(&self.id)
            && paths_allow(&self.paths, m.location.file.as_deref())
    }
}

/// Which syntax an ignore file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreFormat {
    /// The YAML format (`.drydockignore.yaml`).
    Yaml,
    /// trivy's plain-text format (`.trivyignore`).
    TrivyIgnore,
}

/// A parsed ignore file.
#[derive(Debug, Clone)]
pub struct IgnoreFile {
    source: String,
    format: IgnoreFormat,
    rules: Vec<IgnoreRule>,
}

#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a mapping with `vulnerabilities`, `secrets` or `misconfigurations` lists"
)]
struct RawFile {
    #[serde(default)]
    vulnerabilities: Option<Vec<RawRule>>,
    #[serde(default)]
    secrets: Option<Vec<RawPathRule>>,
    #[serde(default)]
    misconfigurations: Option<Vec<RawPathRule>>,
}

/// A rule of the `secrets` or `misconfigurations` list: like a
/// vulnerability rule, without purls (they are not about packages).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a rule mapping with an `id`")]
struct RawPathRule {
    #[serde(deserialize_with = "de_id")]
    id: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, deserialize_with = "de_expiry")]
    expires: Option<Expiry>,
    #[serde(default, deserialize_with = "de_paths")]
    paths: Vec<PathGlob>,
}

fn clean_reason(r: Option<String>) -> Option<String> {
    r.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a rule mapping with an `id`")]
struct RawRule {
    #[serde(deserialize_with = "de_id")]
    id: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, deserialize_with = "de_expiry")]
    expires: Option<Expiry>,
    #[serde(default, deserialize_with = "de_purls")]
    purls: Vec<PurlPattern>,
    #[serde(default, deserialize_with = "de_paths")]
    paths: Vec<PathGlob>,
}

fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let s = String::deserialize(d)?;
    let t = s.trim();
    if t.is_empty() {
        return Err(serde::de::Error::custom("empty id"));
    }
    Ok(t.to_owned())
}

fn de_expiry<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Expiry>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| Expiry::parse(&s).map_err(serde::de::Error::custom))
        .transpose()
}

fn de_purls<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PurlPattern>, D::Error> {
    Option::<Vec<String>>::deserialize(d)?
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            PurlPattern::parse(s)
                .map_err(|e| serde::de::Error::custom(format!("entry {i}: `{s}`: {e}")))
        })
        .collect()
}

fn de_paths<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathGlob>, D::Error> {
    Option::<Vec<String>>::deserialize(d)?
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| {
            PathGlob::parse(s)
                .map_err(|e| serde::de::Error::custom(format!("entry {i}: `{s}`: {e}")))
        })
        .collect()
}

impl IgnoreFile {
    /// Reads an ignore file, choosing the syntax by extension as trivy
    /// does: `.yaml`/`.yml` is YAML, anything else the plain-text format.
    /// Returns the file and its warnings (rules without a reason).
    pub fn load(path: &Path) -> Result<(Self, Vec<String>), PolicyError> {
        let text = load::read_text(path)?;
        let source = path.display().to_string();
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if is_yaml {
            Self::parse_yaml(&text, &source)
        } else {
            Self::parse_trivyignore(&text, &source)
        }
    }

    /// Parses the YAML format; `source` names the file in errors, warnings
    /// and suppressions. Unknown keys are errors naming the key.
    pub fn parse_yaml(text: &str, source: &str) -> Result<(Self, Vec<String>), PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let de = serde_norway::Deserializer::from_str(text);
        let raw: Option<RawFile> = serde_path_to_error::deserialize(de).map_err(|e| {
            let line = e.inner().location().map(|l| l.line());
            let key = path_text(e.path());
            let message = strip_path_prefix(&e.inner().to_string(), &key).to_owned();
            PolicyError::IgnoreYaml {
                file: source.to_owned(),
                key,
                line,
                message,
            }
        })?;
        let raw = raw.unwrap_or(RawFile {
            vulnerabilities: None,
            secrets: None,
            misconfigurations: None,
        });
        let mut rules: Vec<IgnoreRule> = raw
            .vulnerabilities
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, r)| IgnoreRule {
                id: r.id,
                scope: Scope::Vulnerability,
                reason: clean_reason(r.reason),
                expires: r.expires,
                purls: r.purls,
                paths: r.paths,
                origin: format!("vulnerabilities[{i}]"),
            })
            .collect();
        for (list, scope, name) in [
            (raw.secrets, Scope::Secret, "secrets"),
            (
                raw.misconfigurations,
                Scope::Misconfiguration,
                "misconfigurations",
            ),
        ] {
            rules.extend(
                list.unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| IgnoreRule {
                        id: r.id,
                        scope,
                        reason: clean_reason(r.reason),
                        expires: r.expires,
                        purls: Vec::new(),
                        paths: r.paths,
                        origin: format!("{name}[{i}]"),
                    }),
            );
        }
        Ok(Self::finish(source, IgnoreFormat::Yaml, rules, Vec::new()))
    }

    /// Parses trivy's `.trivyignore` format: one id per line, `#` starts a
    /// comment, and an `exp:YYYY-MM-DD` field sets the expiry. A comment
    /// after the id on the same line becomes the rule's reason. Other
    /// `key:value` fields are ignored with a warning, as trivy ignores them.
    pub fn parse_trivyignore(text: &str, source: &str) -> Result<(Self, Vec<String>), PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rules = Vec::new();
        let mut warnings = Vec::new();
        for (idx, raw) in text.lines().enumerate() {
            let line_no = idx + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (fields_part, comment) = match line.find(" #").or_else(|| line.find("\t#")) {
                Some(at) => (
                    line.get(..at).unwrap_or(line),
                    line.get(at + 2..).map(str::trim),
                ),
                None => (line, None),
            };
            let mut fields = fields_part.split_whitespace();
            let Some(id) = fields.next() else { continue };
            let mut expires = None;
            for field in fields {
                if let Some(date) = field.strip_prefix("exp:") {
                    if expires.is_none() {
                        expires = Some(Expiry::parse_trivy(date).map_err(|message| {
                            PolicyError::TrivyIgnore {
                                file: source.to_owned(),
                                line: line_no,
                                message,
                            }
                        })?);
                    }
                } else {
                    warnings.push(format!(
                        "{source}:{line_no}: ignoring unknown field `{field}` (only `exp:YYYY-MM-DD` is understood)"
                    ));
                }
            }
            rules.push(IgnoreRule {
                id: id.to_owned(),
                scope: Scope::Any,
                reason: comment.filter(|c| !c.is_empty()).map(str::to_owned),
                expires,
                purls: Vec::new(),
                paths: Vec::new(),
                origin: format!("line {line_no}"),
            });
        }
        Ok(Self::finish(
            source,
            IgnoreFormat::TrivyIgnore,
            rules,
            warnings,
        ))
    }

    fn finish(
        source: &str,
        format: IgnoreFormat,
        rules: Vec<IgnoreRule>,
        mut warnings: Vec<String>,
    ) -> (Self, Vec<String>) {
        for r in rules.iter().filter(|r| r.reason.is_none()) {
            warnings.push(format!(
                "{source}: rule {} ignoring {} has no reason; state why it is safe to ignore",
                r.origin, r.id
            ));
        }
        (
            Self {
                source: source.to_owned(),
                format,
                rules,
            },
            warnings,
        )
    }

    /// The file name used in messages and suppressions.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax the file was written in.
    pub fn format(&self) -> IgnoreFormat {
        self.format
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[IgnoreRule] {
        &self.rules
    }

    /// The unexpired rules for `scope`, and a warning for each expired one.
    fn active(&self, scope: Scope, now: SystemTime, out: &mut Applied) -> Vec<&IgnoreRule> {
        let mut active = Vec::with_capacity(self.rules.len());
        for r in self.rules.iter().filter(|r| r.scope.covers(scope)) {
            match &r.expires {
                Some(e) if e.is_expired(now) => out.warnings.push(format!(
                    "{}: rule {} ignoring {} expired {}; it no longer suppresses anything",
                    self.source, r.origin, r.id, e
                )),
                _ => active.push(r),
            }
        }
        active
    }

    fn suppression(&self, rule: &IgnoreRule) -> Suppression {
        Suppression {
            kind: SuppressionKind::IgnoreFile,
            source: self.source.clone(),
            reason: rule.reason.clone(),
        }
    }

    /// Marks every finding covered by an unexpired rule as suppressed
    /// (kind `IgnoreFile`, the first matching rule's reason). Findings
    /// already suppressed keep their suppression. Each expired rule yields
    /// a warning naming it and its expiry, and suppresses nothing.
    pub fn apply(&self, findings: &mut [Vulnerability], now: SystemTime) -> Applied {
        let mut out = Applied::default();
        let active = self.active(Scope::Vulnerability, now, &mut out);
        if active.is_empty() {
            return out;
        }
        let need_purl = active.iter().any(|r| !r.purls.is_empty());
        for v in findings.iter_mut().filter(|v| v.suppressed.is_none()) {
            let purl = if need_purl {
                Candidate::parse(&v.package.purl)
            } else {
                Candidate::unparsed()
            };
            if let Some(rule) = active.iter().find(|r| r.matches(v, &purl)) {
                v.suppressed = Some(self.suppression(rule));
                out.suppressed += 1;
            }
        }
        out
    }

    /// [`IgnoreFile::apply`] for secrets: rules of the `secrets` list (and
    /// `.trivyignore` lines) naming a rule id or a fingerprint.
    pub fn apply_secrets(&self, findings: &mut [Secret], now: SystemTime) -> Applied {
        let mut out = Applied::default();
        let active = self.active(Scope::Secret, now, &mut out);
        for s in findings.iter_mut().filter(|s| s.suppressed.is_none()) {
            if let Some(rule) = active.iter().find(|r| r.matches_secret(s)) {
                s.suppressed = Some(self.suppression(rule));
                out.suppressed += 1;
            }
        }
        out
    }

    /// [`IgnoreFile::apply`] for misconfigurations: rules of the
    /// `misconfigurations` list (and `.trivyignore` lines) naming a check id.
    pub fn apply_misconfigs(&self, findings: &mut [Misconfiguration], now: SystemTime) -> Applied {
        let mut out = Applied::default();
        let active = self.active(Scope::Misconfiguration, now, &mut out);
        for m in findings.iter_mut().filter(|m| m.suppressed.is_none()) {
            if let Some(rule) = active.iter().find(|r| r.matches_misconfig(m)) {
                m.suppressed = Some(self.suppression(rule));
                out.suppressed += 1;
            }
        }
        out
    }
}
