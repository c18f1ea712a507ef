//! gitleaks configuration files: parsing, semantics of every supported field, errors, extend.

use drydock_secrets::{Limits, RuleSet, SecretsError, TextContext};

const CONFIG: &str = r#"
title = "acme secrets"

[extend]
useDefault = true
disabledRules = ["generic-password-assignment"]

[[rules]]
id = "acme-api-token"
description = "ACME internal API token"
regex = '''(?i)acme[_-]?token\s*[:=]\s*['"]?(acme_[a-z0-9]{24})'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_"]
tags = ["internal", "severity:critical"]

  [[rules.allowlists]]
  description = "the onboarding doc token"
  regexes = ['''acme_0{24}''']

  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''#\s*gitleaks:allow''']

  [[rules.allowlists]]
  condition = "AND"
  paths = ['''(?:^|/)fixtures/''']
  stopwords = ["sandbox"]

[[rules]]
id = "acme-deploy-key"
description = "Deploy key in deploy manifests only"
regex = '''deploy_key:\s*([A-Za-z0-9]{32})'''
path = '''(?:^|/)deploy/[^/]+\.ya?ml$'''
keywords = ["deploy_key"]

  [rules.allowlist]
  stopwords = ["publicdemo"]

[[rules]]
id = "acme-keystore"
description = "Java keystore shipped in the image"
path = '''(?i)\.(?:jks|keystore)$'''

[[rules]]
id = "acme-braces"
description = "Go-only syntax: literal braces and \\Q...\\E"
regex = '''\Q${{\E(acmevar_[a-z]{10})}'''
keywords = ["acmevar_"]

[allowlist]
description = "global"
paths = ['''(?:^|/)third_party/''']
regexes = ['''^acme_demo''']
stopwords = ["acme_neverreal"]
"#;

fn limits() -> Limits {
    Limits::default()
}

fn custom_only() -> RuleSet {
    match RuleSet::from_gitleaks_toml(CONFIG, "acme.toml") {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

fn ids(set: &RuleSet, path: &str, content: &str) -> Vec<(String, String)> {
    set.scan(path, content.as_bytes(), &limits())
        .into_iter()
        .map(|m| (m.rule_id, m.secret))
        .collect()
}

#[test]
fn parses_rules_metadata_and_extend() {
    let set = custom_only();
    assert_eq!(set.title(), Some("acme secrets"));
    assert_eq!(set.rules().len(), 4);
    let spec = set.extend_spec().cloned().unwrap_or_default();
    assert!(spec.use_default);
    assert_eq!(
        spec.disabled_rules,
        vec!["generic-password-assignment".to_string()]
    );
    let rule = set.rules().iter().find(|r| r.id == "acme-api-token");
    let Some(rule) = rule else {
        panic!("rule missing")
    };
    assert_eq!(rule.title, "ACME internal API token");
    assert_eq!(rule.severity, drydock_secrets::Severity::Critical);
    assert_eq!(rule.source, "acme.toml");
    assert_eq!(rule.keywords(), vec!["acme_"]);
    assert_eq!(rule.entropy(), Some(3.0));
    assert_eq!(
        rule.tags,
        vec!["internal".to_string(), "severity:critical".to_string()]
    );
}

#[test]
fn secret_group_entropy_and_keywords() {
    let set = custom_only();
    let m = ids(
        &set,
        "app/settings.py",
        "ACME_TOKEN = 'acme_k3v9x2m7q4w8z1r6t5y0u2p8'\n",
    );
    assert_eq!(
        m,
        vec![(
            "acme-api-token".to_string(),
            "acme_k3v9x2m7q4w8z1r6t5y0u2p8".to_string()
        )]
    );
    // Below the entropy floor.
    assert!(
        ids(
            &set,
            "app/settings.py",
            "ACME_TOKEN = 'acme_aaaaaaaaaaaabbbbbbbbbbbb'\n"
        )
        .is_empty()
    );
    // The keyword prefilter: without "acme_" nothing runs (the regex alone would not match either,
    // but a keyword-less line never reaches it).
    assert!(
        ids(
            &set,
            "app/settings.py",
            "ACME_TOKEN = 'other_k3v9x2m7q4w8z1r6t5y0u2p8'\n"
        )
        .is_empty()
    );
}

#[test]
fn rule_allowlists_regex_line_and_condition() {
    let set = custom_only();
    // regexes (target secret)
    assert!(
        ids(
            &set,
            "app/a.py",
            "acme_token='acme_000000000000000000000000'\n"
        )
        .is_empty()
    );
    // regexTarget = line
    assert!(
        ids(
            &set,
            "app/a.py",
            "acme_token='acme_k3v9x2m7q4w8z1r6t5y0u2p8' # gitleaks:allow\n"
        )
        .is_empty()
    );
    // AND: path and stopword must both hold
    let sandbox = "acme_token='acme_sandboxk3v9x2m7q4w8z1r6t'\n";
    assert!(ids(&set, "app/fixtures/a.py", sandbox).is_empty());
    assert_eq!(ids(&set, "app/src/a.py", sandbox).len(), 1);
    let real = "acme_token='acme_k3v9x2m7q4w8z1r6t5y0u2p8'\n";
    assert_eq!(ids(&set, "app/fixtures/a.py", real).len(), 1);
}

#[test]
fn path_restriction_legacy_allowlist_and_path_only_rules() {
    let set = custom_only();
    let line = "deploy_key: Qw3rTy7uI9oP1aS2dF4gH6jK8lZ0xC5v\n";
    assert_eq!(ids(&set, "srv/deploy/prod.yaml", line).len(), 1);
    assert!(ids(&set, "srv/config/prod.yaml", line).is_empty());
    assert!(
        ids(
            &set,
            "srv/deploy/prod.yaml",
            "deploy_key: publicdemoQw3rTy7uI9oP1aS2dF4gH\n"
        )
        .is_empty()
    );
    // A path-only rule reports the file itself, even when the content is binary.
    let m = set.scan(
        "opt/app/server.keystore",
        b"\xfe\xed\xfe\xed\x00\x00\x00\x02",
        &limits(),
    );
    assert_eq!(m.len(), 1);
    assert_eq!(
        m.first()
            .map(|m| (m.rule_id.as_str(), m.secret.as_str(), m.entropy)),
        Some(("acme-keystore", "", None))
    );
    assert!(set.wants_path("opt/app/server.keystore", 2048, &limits()));
}

#[test]
fn go_regex_syntax_is_translated() {
    let set = custom_only();
    let m = ids(&set, "app/x.tmpl", "value: ${{acmevar_qwertyuiop}\n");
    assert_eq!(
        m,
        vec![("acme-braces".to_string(), "acmevar_qwertyuiop".to_string())]
    );
}

#[test]
fn global_allowlist() {
    let set = custom_only();
    let line = "acme_token='acme_k3v9x2m7q4w8z1r6t5y0u2p8'\n";
    assert!(ids(&set, "src/third_party/lib.py", line).is_empty());
    assert!(!set.wants_path("src/third_party/lib.py", 100, &limits()));
    assert!(ids(&set, "a.py", "acme_token='acme_demok3v9x2m7q4w8z1r6t5y0'\n").is_empty());
    assert!(ids(&set, "a.py", "acme_token='acme_neverrealk3v9x2m7q4w8z1'\n").is_empty());
}

#[test]
fn text_contexts_run_path_free_custom_rules() {
    let set = custom_only();
    let m = set.scan_text(
        TextContext::Env,
        "ACME_TOKEN=acme_k3v9x2m7q4w8z1r6t5y0u2p8",
        &limits(),
    );
    assert_eq!(m.len(), 1);
    // Path-bound rules never apply to metadata.
    assert!(
        set.scan_text(
            TextContext::Env,
            "deploy_key: Qw3rTy7uI9oP1aS2dF4gH6jK8lZ0xC5v",
            &limits()
        )
        .is_empty()
    );
}

#[test]
fn use_default_extends_builtin_and_disables_rules() {
    let set = match RuleSet::from_gitleaks_config(CONFIG, "acme.toml") {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let builtin = RuleSet::builtin();
    assert_eq!(set.rules().len(), builtin.rules().len() - 1 + 4);
    assert!(set.rules().iter().any(|r| r.id == "github-pat"));
    assert!(
        !set.rules()
            .iter()
            .any(|r| r.id == "generic-password-assignment")
    );
    let m = ids(
        &set,
        "app/.env",
        "GITHUB_TOKEN=ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny\nacme_token=acme_k3v9x2m7q4w8z1r6t5y0u2p8\n",
    );
    assert_eq!(m.len(), 2, "{m:?}");
    // Without useDefault the custom set stands alone.
    assert!(
        custom_only()
            .rules()
            .iter()
            .all(|r| r.source == "acme.toml")
    );
}

#[test]
fn allowlist_only_override_patches_a_builtin_rule() {
    let patch = r#"
[extend]
useDefault = true

[[rules]]
id = "github-pat"
  [[rules.allowlists]]
  regexes = ['''^ghp_HAM2''']
"#;
    let set = match RuleSet::from_gitleaks_config(patch, "patch.toml") {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(set.rules().len(), RuleSet::builtin().rules().len());
    assert!(
        ids(
            &set,
            "app/.env",
            "T=ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny\n"
        )
        .is_empty()
    );
    assert_eq!(
        ids(
            &set,
            "app/.env",
            "T=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\n"
        )
        .len(),
        1
    );
    // A replacing rule with the same id wins over the builtin one.
    let replace = r#"
[extend]
useDefault = true
[[rules]]
id = "github-pat"
regex = '''never_matches_[0-9]{50}'''
keywords = ["never_matches_"]
"#;
    let set = match RuleSet::from_gitleaks_config(replace, "replace.toml") {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert!(
        ids(
            &set,
            "app/.env",
            "T=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\n"
        )
        .is_empty()
    );
}

#[test]
fn fingerprints_are_stable_and_sensitive() {
    let a = custom_only().fingerprint();
    assert_eq!(a, custom_only().fingerprint());
    assert_eq!(a.len(), 64);
    let changed = CONFIG.replace("entropy = 3.0", "entropy = 3.1");
    let b = match RuleSet::from_gitleaks_toml(&changed, "acme.toml") {
        Ok(s) => s.fingerprint(),
        Err(e) => panic!("{e}"),
    };
    assert_ne!(a, b);
    assert_eq!(
        RuleSet::builtin().fingerprint(),
        RuleSet::builtin().fingerprint()
    );
    assert_ne!(RuleSet::builtin().fingerprint(), a);
}

fn err(text: &str) -> String {
    match RuleSet::from_gitleaks_toml(text, "bad.toml") {
        Ok(_) => panic!("accepted: {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn errors_name_the_file_rule_and_cause() {
    let e = err("[[rules]]\nid = \"x\"\nregex = '''(unclosed'''\n");
    assert!(
        e.contains("bad.toml") && e.contains("\"x\"") && e.contains("regex"),
        "{e}"
    );
    let e = err("[[rules]]\nid = \"anybyte\"\nregex = '''a\\Cb'''\n");
    assert!(e.contains("anybyte") && e.contains("not supported"), "{e}");
    let e = err("[[rules]]\nregex = 'a'\n");
    assert!(e.contains("without id"), "{e}");
    let e = err("[[rules]]\nid = \"g\"\nregex = '''(a)'''\nsecretGroup = 2\n");
    assert!(e.contains("secretGroup 2"), "{e}");
    let e = err("[[rules]]\nid = \"empty\"\ndescription = \"nothing\"\n");
    assert!(e.contains("neither regex nor path"), "{e}");
    let e = err(
        "[[rules]]\nid = \"c\"\nregex = 'a'\n[[rules.allowlists]]\ncondition = \"XOR\"\nregexes = ['b']\n",
    );
    assert!(e.contains("XOR"), "{e}");
    let e = err("[[rules]]\nid = \"r\"\nregex = 'a'\n[[rules.required]]\nid = \"b\"\n");
    assert!(e.contains("not supported"), "{e}");
    let e = err("[[rules]]\nid = \"p\"\nregex = 'a'\npath = '''[z-a]'''\n");
    assert!(e.contains("path"), "{e}");
    let e = err("title = [\n");
    assert!(e.contains("bad.toml"), "{e}");
    let e = err("[[rules]]\nid = \"e\"\nregex = 'a'\nentropy = -1.0\n");
    assert!(e.contains("entropy"), "{e}");
    let e = err("[[rules]]\nid = \"d\"\nregex = 'a'\n[[rules]]\nid = \"d\"\nregex = 'b'\n");
    assert!(e.contains("duplicate"), "{e}");
    let e = err("[[rules]]\nid = \"huge\"\nregex = '''(?:a{1000}){1000}'''\n");
    assert!(e.contains("huge"), "{e}");
    assert!(matches!(
        RuleSet::from_gitleaks_toml("[[rules]]\nid = \"x\"\nregex = '('\n", "f"),
        Err(SecretsError::Regex { .. })
    ));
}

#[test]
fn keywordless_rules_scan_everything() {
    let cfg = "[[rules]]\nid = \"serial\"\nregex = '''SN-[0-9]{6}-[A-Z]{4}'''\n";
    let set = match RuleSet::from_gitleaks_toml(cfg, "k.toml") {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let mut content = "filler line\n".repeat(20_000);
    content.push_str("serial SN-482913-QXZT\n");
    let m = set.scan("a.txt", content.as_bytes(), &limits());
    assert_eq!(
        m.iter().map(|m| m.secret.as_str()).collect::<Vec<_>>(),
        vec!["SN-482913-QXZT"]
    );
    assert_eq!(m.first().map(|m| m.line), Some(20_001));
}
