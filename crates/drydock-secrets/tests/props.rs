//! Property tests: nothing panics on arbitrary input, and every reported match is a valid,
//! character-aligned range of the scanned content whose text is the reported secret.

use drydock_secrets::{Limits, RuleSet, SecretMatch, TextContext};
use proptest::collection::vec;
use proptest::prelude::*;

/// Content fragments biased toward what rules look for, so that regexes, validators and
/// allowlists actually run (pure random bytes rarely get past the keyword prefilter).
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "password", "PASSWORD=", "db_password: ", "token: ", "secret", "SECRET_KEY = '", "api_key",
            "ghp_", "github_pat_", "AKIA", "aws_secret_access_key=", "sk_live_", "xoxb-", "npm_",
            "pypi-AgEIcHlwaS5vcmc", "-----BEGIN RSA PRIVATE KEY-----\n", "-----END RSA PRIVATE KEY-----",
            "PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 1\n", "://", "postgres://u:", "@db",
            "\"auth\": \"", "Y2ktYm90OmZXUVo3MjJDYlR0Z3R5WmVJMQ==", "eyJhbGciOiJIUzI1NiJ9.", "eyJ",
            "ENV ", "export ", "|1 ", "Authorization: Bearer ", "\"type\": \"service_account\"",
            "\"private_key\": \"", "${X}", "{{ x }}", "changeme", "EXAMPLE", "=", ":", "\"", "'",
            "`", "\\", " ", "\t", "\n", "\r\n", ";", "(", ")", "é", "€", "\u{1F600}", "\u{0}",
        ]).prop_map(String::from),
        2 => "[A-Za-z0-9+/=_.:@-]{0,70}",
        1 => any::<String>().prop_map(|s| s.chars().take(40).collect()),
    ]
}

fn content() -> impl Strategy<Value = String> {
    vec(fragment(), 0..80).prop_map(|parts| parts.concat())
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "/app/.env",
            "/app/Dockerfile",
            "/root/.docker/config.json",
            "/root/.kube/config",
            "/root/.pypirc",
            "/root/.npmrc",
            "/root/.git-credentials",
            "/root/.netrc",
            "/root/.pgpass",
            "/app/shop/settings.py",
            "/app/config/master.key",
            "/var/www/html/wp-config.php",
            "/root/.m2/settings.xml",
            "/app/app.py",
            "/app/config.yaml",
            "/app/tests/test_x.py",
            "",
        ])
        .prop_map(String::from),
        "[a-zA-Z0-9/._ -]{0,40}",
    ]
}

fn check(content: &[u8], m: &[SecretMatch], limits: &Limits) -> Result<(), TestCaseError> {
    prop_assert!(m.len() <= limits.max_matches_per_file);
    for x in m {
        prop_assert!(x.start <= x.end && x.end <= content.len());
        let text = content.get(x.start..x.end).map(String::from_utf8_lossy);
        prop_assert_eq!(text.as_deref(), Some(x.secret.as_str()));
        prop_assert!(x.line >= 1 && x.column >= 1);
        if let Ok(s) = std::str::from_utf8(content) {
            prop_assert!(s.is_char_boundary(x.start) && s.is_char_boundary(x.end));
        }
    }
    let mut pairs: Vec<(&str, &str)> = m
        .iter()
        .map(|x| (x.rule_id.as_str(), x.secret.as_str()))
        .collect();
    let n = pairs.len();
    pairs.sort_unstable();
    pairs.dedup();
    prop_assert_eq!(n, pairs.len(), "a (rule, secret) pair was reported twice");
    Ok(())
}

fn limits() -> impl Strategy<Value = Limits> {
    prop_oneof![
        3 => Just(Limits::default()),
        1 => (0u64..5000, 0usize..300, 0usize..5).prop_map(|(max_file, max_line, max_matches_per_file)| Limits {
            max_file,
            max_line,
            max_matches_per_file,
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn scan_of_text_is_sound(path in path(), content in content(), limits in limits()) {
        let m = RuleSet::builtin().scan(&path, content.as_bytes(), &limits);
        check(content.as_bytes(), &m, &limits)?;
    }

    #[test]
    fn scan_of_bytes_is_sound(path in path(), bytes in vec(any::<u8>(), 0..2048), text in content()) {
        // Random bytes around real text: invalid UTF-8 and NULs next to keywords.
        let mut content = bytes.clone();
        content.extend_from_slice(text.as_bytes());
        content.extend_from_slice(&bytes);
        let limits = Limits::default();
        let m = RuleSet::builtin().scan(&path, &content, &limits);
        check(&content, &m, &limits)?;
    }

    #[test]
    fn scan_text_is_sound(ctx in 0u8..3, text in content(), limits in limits()) {
        let ctx = match ctx { 0 => TextContext::Env, 1 => TextContext::Label, _ => TextContext::History };
        let m = RuleSet::builtin().scan_text(ctx, &text, &limits);
        check(text.as_bytes(), &m, &limits)?;
    }

    #[test]
    fn wants_path_never_panics(path in any::<String>(), size in any::<u64>()) {
        let _ = RuleSet::builtin().wants_path(&path, size, &Limits::default());
    }

    #[test]
    fn gitleaks_parser_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = RuleSet::from_gitleaks_toml(&text, "prop.toml");
    }

    #[test]
    fn gitleaks_rules_with_arbitrary_fields(
        regex in any::<String>(),
        path in prop::option::of(any::<String>()),
        keywords in vec(any::<String>(), 0..4),
        group in -2i64..4,
        entropy in -1.0f64..6.0,
        allow in vec(any::<String>(), 0..3),
        target in prop::sample::select(vec!["secret", "match", "line", "bogus"]),
        content in content(),
    ) {
        let q = |s: &str| format!("\"{}\"", s.chars().map(|c| match c {
            '"' => "\\\"".to_string(),
            '\\' => "\\\\".to_string(),
            c if (c as u32) < 0x20 || c == '\u{7f}' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        }).collect::<String>());
        let kws = keywords.iter().map(|k| q(k)).collect::<Vec<_>>().join(", ");
        let allows = allow.iter().map(|a| q(a)).collect::<Vec<_>>().join(", ");
        let mut toml = format!("[[rules]]\nid = \"p\"\nregex = {}\nsecretGroup = {group}\nentropy = {entropy}\nkeywords = [{kws}]\n", q(&regex));
        if let Some(p) = &path {
            toml.push_str(&format!("path = {}\n", q(p)));
        }
        toml.push_str(&format!("[[rules.allowlists]]\nregexTarget = \"{target}\"\nregexes = [{allows}]\nstopwords = [{kws}]\n"));
        if let Ok(set) = RuleSet::from_gitleaks_toml(&toml, "prop.toml") {
            let limits = Limits::default();
            let m = set.scan("app/x.txt", content.as_bytes(), &limits);
            check(content.as_bytes(), &m, &limits)?;
            let _ = set.fingerprint();
        }
    }
}
