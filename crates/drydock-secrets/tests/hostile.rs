//! Hostile and degenerate input: huge lines, keyword floods, unterminated constructs, binary
//! files, invalid UTF-8, limits. These assert behaviour (bounded, correct results), not timing.

use drydock_secrets::{Limits, RuleSet, SecretMatch};

fn scan(path: &str, content: &[u8]) -> Vec<SecretMatch> {
    RuleSet::builtin().scan(path, content, &Limits::default())
}

/// Deterministic alphanumeric filler.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A.get((x % A.len() as u64) as usize)
                .copied()
                .unwrap_or(b'a')
        })
        .collect()
}

fn assert_valid(content: &[u8], m: &[SecretMatch], limits: &Limits) {
    assert!(m.len() <= limits.max_matches_per_file);
    for x in m {
        assert!(x.start <= x.end && x.end <= content.len());
        assert_eq!(
            content
                .get(x.start..x.end)
                .map(String::from_utf8_lossy)
                .as_deref(),
            Some(x.secret.as_str())
        );
    }
}

#[test]
fn fifty_megabyte_single_line_of_tokens_is_bounded() {
    // 50 MB on one line, a GitHub token every 41 bytes: the scan stops at the match cap.
    let mut line = Vec::with_capacity(50 * 1024 * 1024 + 64);
    let mut seed = 7;
    while line.len() < 50 * 1024 * 1024 {
        line.extend_from_slice(b"ghp_");
        line.extend_from_slice(&noise(36, seed));
        line.push(b' ');
        seed += 1;
    }
    let limits = Limits {
        max_file: 64 * 1024 * 1024,
        ..Limits::default()
    };
    let m = RuleSet::builtin().scan("app/blob.txt", &line, &limits);
    assert_eq!(m.len(), limits.max_matches_per_file);
    assert!(m.iter().all(|m| m.rule_id == "github-pat" && m.line == 1));
    assert_valid(&line, &m, &limits);
}

#[test]
fn fifty_megabyte_single_line_without_keywords() {
    let mut line = noise(50 * 1024 * 1024, 99);
    // One real token in the middle of the giant line is still found.
    let at = 31 * 1024 * 1024;
    let token = b" ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM ";
    if let Some(slot) = line.get_mut(at..at + token.len()) {
        slot.copy_from_slice(token);
    }
    let limits = Limits {
        max_file: 64 * 1024 * 1024,
        ..Limits::default()
    };
    let m = RuleSet::builtin().scan("app/blob.txt", &line, &limits);
    assert_eq!(m.len(), 1);
    assert_eq!(
        m.first().map(|m| (m.start, m.column as usize)),
        Some((at + 1, at + 2))
    );
}

#[test]
fn keyword_repeated_ten_megabytes() {
    // `password` × 10 MB as in the brief; the other floods are smaller to keep debug test runs
    // short (the engine treats them alike).
    let floods: [(&[u8], usize); 9] = [
        (b"password", 10 << 20),
        (b"password=", 2 << 20),
        (b"token: \"", 2 << 20),
        (b"secret_key = '", 2 << 20),
        (b"-----BEGIN RSA PRIVATE KEY-----", 2 << 20),
        (b"://a:b@", 2 << 20),
        (b"eyJ", 2 << 20),
        (b"AKIA", 2 << 20),
        (b"ENV A ", 2 << 20),
    ];
    for (unit, size) in floods {
        let content: Vec<u8> = unit.iter().copied().cycle().take(size).collect();
        let m = scan("app/config.env", &content);
        assert_valid(&content, &m, &Limits::default());
    }
    // The same as many short lines.
    let content = "password = hunter2\n".repeat(200_000);
    assert!(scan("app/config.ini", content.as_bytes()).is_empty());
}

#[test]
fn unterminated_constructs() {
    let mut pem = b"-----BEGIN RSA PRIVATE KEY-----\n".to_vec();
    for i in 0..100_000u64 {
        pem.extend_from_slice(&noise(64, i + 1));
        pem.push(b'\n');
    }
    assert!(
        scan("root/.ssh/id_rsa", &pem).is_empty(),
        "no END line, no key"
    );
    let mut auth = br#"{"auths":{"r":{"auth":""#.to_vec();
    auth.extend(std::iter::repeat_n(b'A', 2 * 1024 * 1024));
    assert!(scan("root/.docker/config.json", &auth).is_empty());
    let url = format!(
        "postgres://{}:{}",
        "u".repeat(1_000_000),
        "p".repeat(1_000_000)
    );
    assert!(scan("app/db.yaml", url.as_bytes()).is_empty());
    let quotes = format!("password = \"{}", "\\\"".repeat(1_000_000));
    assert!(scan("app/a.yaml", quotes.as_bytes()).is_empty());
}

#[test]
fn binary_dotenv_is_skipped() {
    let mut content = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    content.extend_from_slice(b"\nAWS_SECRET_ACCESS_KEY=Ghpe3KBjU8qcpmswgIOCdx3hMZsnl0c+YDckrj6Z\nGITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\n");
    assert!(scan("app/.env", &content).is_empty());
    // A NUL after the first 8 KiB does not make a text file binary.
    let mut late = "x = 1\n".repeat(2000).into_bytes();
    late.extend_from_slice(b"GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\n\0");
    assert_eq!(scan("app/.env", &late).len(), 1);
}

#[test]
fn invalid_utf8_around_secrets() {
    let mut content = vec![0xff, 0xfe, b'\n', 0xc3];
    content.extend_from_slice(b"GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\xe2\x82\n");
    let m = scan("app/.env", &content);
    assert_eq!(m.len(), 1);
    assert_valid(&content, &m, &Limits::default());
    assert_eq!(m.first().map(|m| (m.line, m.column)), Some((2, 15)));
}

#[test]
fn limits_are_honoured() {
    // max_file: content beyond it is not looked at.
    let mut content = b"GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\n".to_vec();
    let limits = Limits {
        max_file: 30,
        ..Limits::default()
    };
    assert!(
        RuleSet::builtin()
            .scan("app/notes.txt", &content, &limits)
            .is_empty()
    );
    assert_eq!(
        RuleSet::builtin()
            .scan("app/notes.txt", &content, &Limits::default())
            .len(),
        1
    );
    content.truncate(0);
    // max_matches_per_file
    for i in 0..1000u64 {
        content.extend_from_slice(b"t=ghp_");
        content.extend_from_slice(&noise(36, i + 11));
        content.push(b'\n');
    }
    let limits = Limits {
        max_matches_per_file: 7,
        ..Limits::default()
    };
    let m = RuleSet::builtin().scan("app/.env", &content, &limits);
    assert_eq!(m.len(), 7);
    // Matches are reported in file order.
    assert!(
        m.windows(2)
            .all(|w| matches!(w, [a, b] if a.start < b.start))
    );
    // max_line: a tiny limit still finds secrets (in windows around the keyword).
    let limits = Limits {
        max_line: 16,
        ..Limits::default()
    };
    let line = format!(
        "{}GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM{}\n",
        "a ".repeat(5000),
        " b".repeat(5000)
    );
    assert_eq!(
        RuleSet::builtin()
            .scan("app/.env", line.as_bytes(), &limits)
            .len(),
        1
    );
    // Zero limits are harmless.
    let zero = Limits {
        max_file: 0,
        max_line: 0,
        max_matches_per_file: 0,
    };
    assert!(
        RuleSet::builtin()
            .scan("app/.env", line.as_bytes(), &zero)
            .is_empty()
    );
}

#[test]
fn each_rule_and_secret_once_per_file() {
    let content = "GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM\n".repeat(50);
    let m = scan("app/.env", content.as_bytes());
    assert_eq!(m.len(), 1);
    assert_eq!(m.first().map(|m| m.line), Some(1));
}

#[test]
fn wants_path_filters_cheaply() {
    let set = RuleSet::builtin();
    let l = Limits::default();
    for (path, wanted) in [
        ("/app/.env", true),
        ("/app/shop/settings.py", true),
        ("/root/.ssh/id_rsa", true),
        ("/root/.docker/config.json", true),
        ("/usr/src/app/index.js", true),
        ("/usr/lib/x86_64-linux-gnu/libssl.so.3", false),
        ("/usr/local/lib/libfoo.so", false),
        ("/app/static/logo.PNG", false),
        ("/app/fonts/inter.woff2", false),
        (
            "/app/venv/lib/python3.11/site-packages/requests/api.py",
            false,
        ),
        ("/app/.venv/bin/activate", false),
        ("/app/web/node_modules/lodash/index.js", false),
        ("/usr/share/doc/openssl/README", false),
        ("/usr/lib/python3.11/urllib/request.py", false),
        ("/var/lib/dpkg/status", false),
        ("/app/__pycache__/x.cpython-311.pyc", false),
        ("/app/web/package-lock.json", false),
        ("/root/go/pkg/mod/github.com/x/y@v1/z.go", false),
    ] {
        assert_eq!(set.wants_path(path, 1000, &l), wanted, "{path}");
    }
    assert!(!set.wants_path("/app/.env", 0, &l));
    assert!(!set.wants_path("/app/.env", l.max_file + 1, &l));
    assert!(set.wants_path("/app/.env", l.max_file, &l));
    // scan() applies the same path allowlist.
    assert!(
        set.scan(
            "/app/web/node_modules/x/.env",
            b"T=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM",
            &l
        )
        .is_empty()
    );
}
