//! gitleaks configuration files: parsing, Go-regex translation and conversion to rules.

use crate::builtin::builtin_meta;
use crate::error::SecretsError;
use crate::model::{Category, Severity};
use crate::rule::{
    Allowlist, Compiled, ExtendSpec, Keyword, Reach, RegexTarget, Rule, RuleSet, Scope,
    SecretGroup, Validator, compile,
};
use regex::bytes::Regex;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlConfig {
    title: Option<String>,
    #[serde(default)]
    rules: Vec<GlRule>,
    allowlist: Option<GlAllowlist>,
    #[serde(default)]
    allowlists: Vec<GlAllowlist>,
    extend: Option<GlExtend>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlRule {
    id: Option<String>,
    description: Option<String>,
    regex: Option<String>,
    secret_group: Option<i64>,
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    allowlist: Option<GlAllowlist>,
    #[serde(default)]
    allowlists: Vec<GlAllowlist>,
    skip_report: Option<bool>,
    required: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlAllowlist {
    description: Option<String>,
    condition: Option<String>,
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GlExtend {
    use_default: Option<bool>,
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

/// Custom rules rank between context rules and shaped tokens: they beat generic heuristics and
/// env assignments, but a shaped provider token overlapping them keeps its precise name.
const CUSTOM_SPECIFICITY: u8 = 70;
const GLOBAL: &str = "(global allowlist)";

pub(crate) fn parse(text: &str, source: &str) -> Result<RuleSet, SecretsError> {
    let cfg: GlConfig = toml::from_str(text).map_err(|e| SecretsError::Config {
        source_name: source.to_string(),
        message: e.to_string().trim().to_string(),
    })?;
    let extend = cfg.extend.map(|e| ExtendSpec {
        use_default: e.use_default.unwrap_or(false),
        path: e.path,
        disabled_rules: e.disabled_rules,
    });
    let mut rules: Vec<Rule> = Vec::with_capacity(cfg.rules.len());
    for r in cfg.rules {
        let rule = convert_rule(r, source, extend.is_some())?;
        if rules.iter().any(|x| x.id == rule.id) {
            return Err(SecretsError::InvalidRule {
                source_name: source.to_string(),
                rule_id: rule.id,
                message: "duplicate rule id".to_string(),
            });
        }
        rules.push(rule);
    }
    let mut global = Vec::new();
    for a in cfg.allowlist.into_iter().chain(cfg.allowlists) {
        global.push(convert_allowlist(a, source, GLOBAL, true)?);
    }
    Ok(RuleSet::assemble(rules, global, extend, cfg.title))
}

fn invalid(source: &str, id: &str, message: impl Into<String>) -> SecretsError {
    SecretsError::InvalidRule {
        source_name: source.to_string(),
        rule_id: id.to_string(),
        message: message.into(),
    }
}

fn compile_go(pattern: &str, source: &str, id: &str, field: &str) -> Result<Regex, SecretsError> {
    let err = |message: String| SecretsError::Regex {
        source_name: source.to_string(),
        rule_id: id.to_string(),
        field: field.to_string(),
        message,
    };
    let translated = translate_go_regex(pattern).map_err(err)?;
    compile(&translated).map_err(|e| err(e.to_string()))
}

fn convert_rule(r: GlRule, source: &str, extending: bool) -> Result<Rule, SecretsError> {
    let id = r.id.unwrap_or_default().trim().to_string();
    if id.is_empty() {
        return Err(invalid(source, "", "rule without id"));
    }
    if r.required.is_some() {
        return Err(invalid(
            source,
            &id,
            "composite rules ([[rules.required]]) are not supported",
        ));
    }
    let regex = match r.regex.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => Some(compile_go(p, source, &id, "regex")?),
        None => None,
    };
    let path = match r.path.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => Some(compile_go(p, source, &id, "path")?),
        None => None,
    };
    let mut allowlists = Vec::new();
    for a in r.allowlist.into_iter().chain(r.allowlists) {
        allowlists.push(convert_allowlist(a, source, &id, false)?);
    }
    // An allowlist-only rule is a patch for the rule of the same id in the extended set.
    let is_patch = extending && !allowlists.is_empty();
    if regex.is_none() && path.is_none() && !is_patch {
        return Err(invalid(
            source,
            &id,
            "rule has neither regex nor path (only allowed for allowlist-only overrides when extending)",
        ));
    }
    let groups = regex.as_ref().map_or(1, |re| re.captures_len());
    let group = match r.secret_group {
        Some(g) if g < 0 => {
            return Err(invalid(source, &id, format!("secretGroup {g} is negative")));
        }
        Some(g) if g > 0 => {
            let g = usize::try_from(g).unwrap_or(usize::MAX);
            if g >= groups {
                return Err(invalid(
                    source,
                    &id,
                    format!(
                        "secretGroup {g} but the regex has {} capture group(s)",
                        groups - 1
                    ),
                ));
            }
            SecretGroup::Index(g)
        }
        _ if groups > 1 => SecretGroup::FirstFrom(1),
        _ => SecretGroup::Whole,
    };
    let entropy = match r.entropy {
        Some(e) if !e.is_finite() || e < 0.0 => {
            return Err(invalid(
                source,
                &id,
                format!("entropy {e} is not a non-negative number"),
            ));
        }
        Some(e) if e > 0.0 => Some(e as f32),
        _ => None,
    };
    let keywords = r
        .keywords
        .iter()
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .map(|text| Keyword {
            text,
            word_start: false,
        })
        .collect();
    let pattern_src = r.regex.as_deref().unwrap_or_default();
    let multiline = ["(?s", "\\n", "\\r", "[\\s\\S]", "(?m"]
        .iter()
        .any(|m| pattern_src.contains(m));
    let builtin = builtin_meta(&id);
    let category = builtin.map_or_else(|| infer_category(&id, &r.tags), |b| b.0);
    let severity = severity_from_tags(&r.tags)
        .or(builtin.map(|b| b.1))
        .unwrap_or(Severity::High);
    let description = r.description.unwrap_or_default().trim().to_string();
    let title = match builtin {
        Some((_, _, t)) => t.to_string(),
        None if description.is_empty() => id.clone(),
        None => description.chars().take(120).collect(),
    };
    let scope = if path.is_some() {
        Scope::FILES
    } else {
        Scope::ALL
    };
    let compiled = Compiled {
        regex,
        path,
        keywords,
        group,
        entropy,
        min_len: 1,
        max_len: 16 * 1024,
        reach: if multiline {
            Reach::Block {
                back: 4096,
                fwd: 4096,
            }
        } else {
            Reach::Line
        },
        specificity: CUSTOM_SPECIFICITY,
        validator: Validator::None,
        scope,
        skip_test_paths: false,
        placeholders: true,
        allowlists,
        report: !r.skip_report.unwrap_or(false),
    };
    Ok(Rule {
        id,
        title,
        description,
        category,
        severity,
        tags: r.tags,
        source: source.to_string(),
        c: Arc::new(compiled),
    })
}

fn convert_allowlist(
    a: GlAllowlist,
    source: &str,
    id: &str,
    global: bool,
) -> Result<Allowlist, SecretsError> {
    let and = match a
        .condition
        .as_deref()
        .map(|s| s.trim().to_ascii_uppercase())
    {
        None => false,
        Some(c) if c.is_empty() || c == "OR" => false,
        Some(c) if c == "AND" => true,
        Some(c) => {
            return Err(invalid(
                source,
                id,
                format!("allowlist condition {c:?} is not OR or AND"),
            ));
        }
    };
    let target = match a
        .regex_target
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase())
    {
        None => RegexTarget::Secret,
        Some(t) if t.is_empty() || t == "secret" => RegexTarget::Secret,
        Some(t) if t == "match" => RegexTarget::Match,
        Some(t) if t == "line" => RegexTarget::Line,
        Some(t) => {
            return Err(invalid(
                source,
                id,
                format!("allowlist regexTarget {t:?} is not secret, match or line"),
            ));
        }
    };
    if !global && !a.target_rules.is_empty() {
        return Err(invalid(
            source,
            id,
            "targetRules is only valid in global allowlists",
        ));
    }
    let mut regexes = Vec::with_capacity(a.regexes.len());
    for p in &a.regexes {
        regexes.push(compile_go(p, source, id, "allowlist regex")?);
    }
    let mut paths = Vec::with_capacity(a.paths.len());
    for p in &a.paths {
        paths.push(compile_go(p, source, id, "allowlist path")?);
    }
    Ok(Allowlist {
        description: a.description.unwrap_or_default(),
        and,
        target,
        regexes,
        paths,
        stopwords: a
            .stopwords
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect(),
        has_commits: !a.commits.is_empty(),
        target_rules: a.target_rules,
    })
}

fn severity_from_tags(tags: &[String]) -> Option<Severity> {
    tags.iter().find_map(|t| {
        let t = t.to_ascii_lowercase();
        let t = t
            .strip_prefix("severity:")
            .or_else(|| t.strip_prefix("severity="))
            .unwrap_or(&t)
            .to_string();
        match t.as_str() {
            "critical" => Some(Severity::Critical),
            "high" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" | "info" => Some(Severity::Low),
            _ => None,
        }
    })
}

fn infer_category(id: &str, tags: &[String]) -> Category {
    let hay = format!(
        "{} {}",
        id.to_ascii_lowercase(),
        tags.join(" ").to_ascii_lowercase()
    );
    let any = |words: &[&str]| words.iter().any(|w| hay.contains(w));
    if any(&[
        "private-key",
        "private_key",
        "privatekey",
        "pkcs",
        "pgp",
        "ssh-key",
        "age-secret",
    ]) {
        Category::PrivateKey
    } else if any(&[
        "aws",
        "gcp",
        "google",
        "azure",
        "alibaba",
        "digitalocean",
        "heroku",
        "cloudflare",
        "fastly",
        "vault",
        "kube",
        "openshift",
        "databricks",
    ]) {
        Category::Cloud
    } else if any(&["github", "gitlab", "bitbucket", "gitea"]) {
        Category::Vcs
    } else if any(&[
        "circleci",
        "travis",
        "drone",
        "jenkins",
        "terraform",
        "pulumi",
        "sonar",
        "snyk",
        "buildkite",
        "codecov",
    ]) {
        Category::Ci
    } else if any(&[
        "slack",
        "discord",
        "telegram",
        "teams",
        "twilio",
        "mattermost",
    ]) {
        Category::Chat
    } else if any(&[
        "stripe",
        "square",
        "paypal",
        "braintree",
        "shopify",
        "plaid",
        "adyen",
    ]) {
        Category::Payment
    } else if any(&[
        "npm",
        "pypi",
        "rubygems",
        "nuget",
        "docker",
        "artifactory",
        "jfrog",
        "clojars",
        "maven",
        "registry",
    ]) {
        Category::Registry
    } else if any(&["database", "postgres", "mysql", "mongo", "redis", "jdbc"]) {
        Category::Database
    } else if any(&["generic"]) {
        Category::Generic
    } else if any(&["password", "passwd", "credential"]) {
        Category::Credentials
    } else {
        Category::Token
    }
}

/// Length of a valid counted repetition (`{n}`, `{n,}`, `{n,m}`) at the start of `s`.
fn repetition_len(s: &[char]) -> Option<usize> {
    let mut i = 1; // past '{'
    let digits = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if s.get(i) == Some(&',') {
        i += 1;
        digits(&mut i);
    }
    (s.get(i) == Some(&'}')).then_some(i + 1)
}

/// Translate RE2/Go syntax to the `regex` crate's: `\Q…\E` literals, `{` and `}` that are not
/// repetitions (literal in Go, errors here), `[` inside classes (literal in Go, nesting here)
/// and doubled `&&`/`--`/`~~` inside classes (literal in Go, set operations here). `\C` has no
/// equivalent and is rejected.
pub(crate) fn translate_go_regex(p: &str) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0usize;
    let mut in_class = false;
    let mut class_body_start = 0usize;
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err("pattern ends with a lone backslash".to_string());
            };
            match n {
                'C' => return Err("\\C (match any byte) is not supported".to_string()),
                'Q' if in_class => {
                    return Err("\\Q inside a character class is not supported".to_string());
                }
                'Q' => {
                    let mut j = i + 2;
                    let mut lit = String::new();
                    while let Some(&d) = chars.get(j) {
                        if d == '\\' && chars.get(j + 1) == Some(&'E') {
                            j += 2;
                            break;
                        }
                        lit.push(d);
                        j += 1;
                    }
                    out.push_str(&regex::escape(&lit));
                    i = j;
                    continue;
                }
                _ => {
                    out.push(c);
                    out.push(n);
                    i += 2;
                    continue;
                }
            }
        }
        if in_class {
            match c {
                ']' if i > class_body_start => {
                    in_class = false;
                    out.push(']');
                }
                '[' if chars.get(i + 1) == Some(&':') => {
                    // POSIX class such as [:alpha:]: copy through the closing ":]".
                    let mut j = i + 2;
                    while j + 1 < chars.len()
                        && !(chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&']'))
                    {
                        j += 1;
                    }
                    let end = (j + 2).min(chars.len());
                    out.extend(chars.get(i..end).unwrap_or_default());
                    i = end;
                    continue;
                }
                '[' => out.push_str("\\["),
                '&' | '~' if chars.get(i + 1) == Some(&c) => {
                    out.push('\\');
                    out.push(c);
                }
                '-' if chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
                _ => out.push(c),
            }
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                class_body_start = i;
                continue;
            }
            '{' => match repetition_len(chars.get(i..).unwrap_or_default()) {
                Some(len) => {
                    out.extend(chars.get(i..i + len).unwrap_or_default());
                    i += len;
                    continue;
                }
                None => out.push_str("\\{"),
            },
            '}' => out.push_str("\\}"),
            _ => out.push(c),
        }
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_regex_translation() {
        let t = |p: &str| translate_go_regex(p).unwrap_or_else(|e| format!("ERR {e}"));
        assert_eq!(
            t(r"^\${(?:[A-Z_]+|[a-z_]+)}$"),
            r"^\$\{(?:[A-Z_]+|[a-z_]+)\}$"
        );
        assert_eq!(t(r"a{2,3}b{,5}"), r"a{2,3}b\{,5\}");
        assert_eq!(t(r"\Qa.b\E+"), r"a\.b+");
        assert_eq!(t(r"[[a]"), r"[\[a]");
        assert_eq!(t(r"[]a]"), r"[]a]");
        assert_eq!(t(r"[[:alpha:]_]"), r"[[:alpha:]_]");
        assert_eq!(t(r"[a&&b]"), r"[a\&&b]");
        assert!(t(r"\C").starts_with("ERR"));
        assert!(t("a\\").starts_with("ERR"));
        for p in [r"^\${(?:[A-Z_]+|[a-z_]+)}$", r"a{,5}", r"[[a]", r"\Qa.b\E"] {
            let tr = translate_go_regex(p).unwrap_or_default();
            assert!(compile(&tr).is_ok(), "{p} -> {tr}");
        }
    }

    #[test]
    fn categories() {
        assert_eq!(infer_category("acme-github-token", &[]), Category::Vcs);
        assert_eq!(
            infer_category("internal", &["password".to_string()]),
            Category::Credentials
        );
        assert_eq!(infer_category("internal", &[]), Category::Token);
        assert_eq!(
            severity_from_tags(&["severity:critical".to_string()]),
            Some(Severity::Critical)
        );
    }
}
