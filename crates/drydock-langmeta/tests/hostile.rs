//! Hostile input: malformed, oversized, deeply nested and random bytes.

mod common;
use common::*;

use drydock_langmeta::{
    Error, Limits, is_composer_installed_path, is_deps_json_path, is_gemspec_path,
    parse_composer_installed, parse_deps_json, parse_gemspec,
};
use proptest::prelude::*;

/// Runs `f` on a thread with a small stack, so that any recursion driven by
/// input depth overflows here instead of passing on a big default stack.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn invalid_json_reports_line_and_column() {
    let limits = Limits::default();
    let bad = "{\n  \"packages\": [\n    {\"name\": \"a/b\",, }\n  ]\n}";
    match parse_composer_installed(bad.as_bytes(), &limits) {
        Err(Error::Json {
            line,
            column,
            message,
        }) => {
            assert_eq!((line, column), (3, 20));
            assert!(!message.contains("line"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match parse_deps_json(
        b"{\"libraries\": {\"A/1\": {\"type\": \"package\"}",
        &limits,
    ) {
        Err(Error::Json { line, column, .. }) => assert_eq!((line, column), (1, 41)),
        other => panic!("{other:?}"),
    }
    let err = parse_deps_json(b"", &limits).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid json at line 1 column 0"),
        "{err}"
    );
}

fn nested(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = nested(100_000);
    let composer_docs = [
        deep.clone(),
        format!("[{deep}]"),
        format!(r#"[{{"name": "a/b", "version": "1", "extra": {deep}}}]"#),
        format!(r#"[{{"name": "a/b", "version": "1", "license": [{deep}]}}]"#),
        format!(r#"[{{"name": {deep}, "version": "1"}}]"#),
        format!(r#"{{"packages": [], "dev-package-names": [{deep}]}}"#),
        format!(r#"{{"other": {deep}, "packages": []}}"#),
        "{\"a\":".repeat(100_000),
    ];
    for doc in composer_docs {
        let result =
            small_stack(move || parse_composer_installed(doc.as_bytes(), &Limits::default()));
        // Either refused by serde_json's depth limit or read with the deep
        // value skipped; never a crash.
        if let Ok(got) = result {
            assert!(got.packages.len() <= 1);
        }
    }
    let deps_docs = [
        deep.clone(),
        format!(r#"{{"targets": {deep}, "libraries": {{}}}}"#),
        format!(r#"{{"libraries": {{"A/1": {deep}}}}}"#),
        format!(r#"{{"libraries": {{"A/1": {{"type": "package", "sha512": [{deep}]}}}}}}"#),
        format!(r#"{{"runtimeTarget": {{"name": {deep}}}, "libraries": {{}}}}"#),
    ];
    for doc in deps_docs {
        let result = small_stack(move || parse_deps_json(doc.as_bytes(), &Limits::default()));
        if let Ok(got) = result {
            assert!(got.packages.len() <= 1);
        }
    }
    // Deep values in ignored or wrongly typed places really are skipped, not
    // rejected, so the package next to them survives.
    let doc =
        format!(r#"[{{"name": "a/b", "version": "1", "extra": {deep}, "license": [{deep}]}}]"#);
    let got =
        small_stack(move || parse_composer_installed(doc.as_bytes(), &Limits::default())).unwrap();
    assert_eq!(got.packages.len(), 1);
    let doc = format!(r#"{{"targets": {deep}, "libraries": {{"A/1": {{"type": "package"}}}}}}"#);
    let got = small_stack(move || parse_deps_json(doc.as_bytes(), &Limits::default())).unwrap();
    assert_eq!(got.packages.len(), 1);
}

#[test]
fn megabyte_gemspec_line() {
    let files = format!(
        "  s.files = [{}]\n",
        "\"lib/some/file.rb\".freeze, ".repeat(40_000)
    );
    assert!(files.len() > 1_000_000);
    let text = format!("{}{}", RACK, files);
    let started = std::time::Instant::now();
    let gem = parse_gemspec(text.as_bytes(), "x.gemspec", &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!((gem.name.as_str(), gem.version.as_str()), ("rack", "2.2.3"));

    // A single 1 MB line holding everything: longer than max_line, so only
    // the file name is left.
    let one_line = format!(
        "s.name = \"evil\"; s.version = \"6.6.6\"; s.summary = \"{}\"",
        "x".repeat(1 << 20)
    );
    let gem = parse_gemspec(one_line.as_bytes(), "real-1.0.gemspec", &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!((gem.name.as_str(), gem.version.as_str()), ("real", "1.0"));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    // With a limit that admits the line, its leading assignment is read.
    let limits = Limits {
        max_line: 2 << 20,
        ..Limits::default()
    };
    let gem = parse_gemspec(one_line.as_bytes(), "real-1.0.gemspec", &limits)
        .unwrap()
        .unwrap();
    assert_eq!(gem.name, "evil");
}

#[test]
fn non_utf8() {
    // Latin-1 author name: the line is decoded lossily, the rest is intact.
    let mut text = b"s.name = \"caf\"\ns.version = \"1.0\"\ns.authors = [\"Ren\xe9\"]\n".to_vec();
    text.extend_from_slice(b"s.licenses = [\"MIT\"]\n\xff\xfe\x00\n");
    let gem = parse_gemspec(&text, "caf-1.0.gemspec", &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(gem.authors, vec!["Ren\u{fffd}".to_owned()]);
    assert_eq!(gem.licenses, vec!["MIT".to_owned()]);

    let json = b"[{\"name\": \"a/\xff\", \"version\": \"1\"}]";
    assert!(matches!(
        parse_composer_installed(json, &Limits::default()),
        Err(Error::Json { line: 1, .. })
    ));
    let json = b"{\"libraries\": {\"A\xc3/1\": {\"type\": \"package\"}}}";
    assert!(matches!(
        parse_deps_json(json, &Limits::default()),
        Err(Error::Json { .. })
    ));
}

#[test]
fn package_cap() {
    let limits = Limits {
        max_packages: 10,
        ..Limits::default()
    };
    let entries = |n: usize| vec![r#"{"name":"a/b","version":"1"}"#; n].join(",");
    let ok = format!("[{}]", entries(10));
    assert_eq!(
        parse_composer_installed(ok.as_bytes(), &limits)
            .unwrap()
            .packages
            .len(),
        10
    );
    let over = format!("[{}]", entries(11));
    assert_eq!(
        parse_composer_installed(over.as_bytes(), &limits),
        Err(Error::TooManyPackages { limit: 10 })
    );
    // Invalid entries count too.
    let junk = format!("[{}]", ["0"; 11].join(","));
    assert_eq!(
        parse_composer_installed(junk.as_bytes(), &limits),
        Err(Error::TooManyPackages { limit: 10 })
    );
    let names = format!(
        r#"{{"packages": [], "dev-package-names": [{}]}}"#,
        ["\"a/b\""; 11].join(",")
    );
    assert_eq!(
        parse_composer_installed(names.as_bytes(), &limits),
        Err(Error::TooManyPackages { limit: 10 })
    );
    let libs: Vec<String> = (0..11)
        .map(|i| format!(r#""P{i}/1.0": {{"type": "package"}}"#))
        .collect();
    let deps = format!(r#"{{"libraries": {{{}}}}}"#, libs.join(","));
    assert_eq!(
        parse_deps_json(deps.as_bytes(), &limits),
        Err(Error::TooManyPackages { limit: 10 })
    );

    // The default cap, with the smallest possible entries.
    let huge = format!("[{}]", vec!["{}"; 100_001].join(","));
    assert_eq!(
        parse_composer_installed(huge.as_bytes(), &Limits::default()),
        Err(Error::TooManyPackages { limit: 100_000 })
    );
}

#[test]
fn input_size_cap() {
    let limits = Limits {
        max_input: 16,
        ..Limits::default()
    };
    let big = [b' '; 17];
    let want = Error::InputTooLarge {
        size: 17,
        limit: 16,
    };
    assert_eq!(parse_composer_installed(&big, &limits).unwrap_err(), want);
    assert_eq!(parse_deps_json(&big, &limits).unwrap_err(), want);
    assert_eq!(
        parse_gemspec(&big, "a-1.gemspec", &limits).unwrap_err(),
        want
    );
    assert!(parse_gemspec(&big[..16], "a-1.gemspec", &limits).is_ok());
}

#[test]
fn hostile_names_never_break_purls() {
    let json = r#"[{"name": "a/b@evil", "version": "1"}, {"name": "a/b", "version": "1@2"},
                   {"name": "a/b", "version": "1 #x"}, {"name": "a/b", "version": "1?x=y"}]"#;
    let got = parse_composer_installed(json.as_bytes(), &Limits::default()).unwrap();
    for p in &got.packages {
        let purl = p.purl();
        assert_eq!(purl.matches('@').count(), 1, "{purl}");
        assert!(!purl.contains('#') && !purl.contains(' '), "{purl}");
    }
    assert_eq!(got.problems.iter().filter(|p| p.skipped).count(), 3);
    let long_key = format!(r#"{{"libraries": {{"{}": 1}}}}"#, "k".repeat(10_000));
    let got = parse_deps_json(long_key.as_bytes(), &Limits::default()).unwrap();
    assert!(got.problems[0].entry.len() < 200);
}

fn mutate(base: &str, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for &(pos, op, byte) in edits {
        if bytes.is_empty() {
            bytes.push(byte);
            continue;
        }
        let pos = pos % bytes.len();
        match op % 3 {
            0 => bytes[pos] = byte,
            1 => bytes.insert(pos, byte),
            _ => {
                bytes.remove(pos);
            }
        }
    }
    bytes
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[]\",:0-\\/@ \n\"#%'.".to_vec()),
    ]
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), name in ".{0,40}") {
        let limits = Limits::default();
        let _ = parse_gemspec(&bytes, &name, &limits);
        let _ = parse_composer_installed(&bytes, &limits);
        let _ = parse_deps_json(&bytes, &limits);
        let _ = is_gemspec_path(&name);
        let _ = is_composer_installed_path(&name);
        let _ = is_deps_json_path(&name);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), interesting_byte()), 1..12),
    ) {
        let limits = Limits { max_packages: 3, max_line: 200, ..Limits::default() };
        for fixture in [RACK, NOKOGIRI, JSON_DEFAULT] {
            let bytes = mutate(fixture, &edits);
            if let Ok(Some(gem)) = parse_gemspec(&bytes, "x-1.0.gemspec", &limits) {
                let _ = gem.purl();
            }
        }
        for fixture in [COMPOSER1, COMPOSER2] {
            let bytes = mutate(fixture, &edits);
            if let Ok(got) = parse_composer_installed(&bytes, &limits) {
                prop_assert!(got.packages.len() <= 3);
                for p in got.packages {
                    prop_assert!(p.purl().starts_with("pkg:composer/"));
                }
            }
        }
        let bytes = mutate(WEBAPP, &edits);
        if let Ok(got) = parse_deps_json(&bytes, &limits) {
            prop_assert!(got.packages.len() + got.projects.len() <= 3);
            for p in got.packages {
                prop_assert!(p.purl().starts_with("pkg:nuget/"));
            }
        }
    }

    #[test]
    fn gemspec_lines_never_panic(lines in prop::collection::vec(
        prop_oneof![
            "[a-z]{1,3}\\.(name|version|platform|licenses|license|authors|homepage) ?= ?.{0,40}",
            "s\\.name = [\"'%][qQw]?[\\[({<|]?[^\n]{0,30}",
            "# stub: .{0,40}",
            ".{0,60}",
        ],
        0..20,
    ), file in "[a-z0-9._-]{0,30}") {
        let text = lines.join("\n");
        if let Ok(Some(gem)) = parse_gemspec(text.as_bytes(), &file, &Limits::default()) {
            prop_assert!(!gem.name.is_empty() && !gem.version.is_empty());
            let purl = gem.purl();
            prop_assert!(purl.starts_with("pkg:gem/"));
            prop_assert_eq!(purl.matches('@').count(), 1);
        }
    }
}
