//! Composer `installed.json`, both layouts.

mod common;
use common::*;

use drydock_langmeta::{ComposerPackage, Error, Limits, parse_composer_installed};

fn parse(json: &str) -> drydock_langmeta::ComposerInstalled {
    parse_composer_installed(json.as_bytes(), &Limits::default()).unwrap()
}

#[test]
fn composer2() {
    let got = parse(COMPOSER2);
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.packages.len(), 4);
    assert_eq!(
        got.packages[0],
        ComposerPackage {
            name: "monolog/monolog".into(),
            version: "2.3.5".into(),
            version_normalized: Some("2.3.5.0".into()),
            licenses: vec!["MIT".into()],
            package_type: Some("library".into()),
            dev: false,
        }
    );
    assert!(got.packages[1].dev);
    assert!(!got.packages[2].dev);
    let console = &got.packages[3];
    assert_eq!(console.version, "5.4.2");
    assert_eq!(console.version_normalized.as_deref(), Some("5.4.2.0"));
    assert_eq!(console.purl(), "pkg:composer/symfony/console@5.4.2");
    assert_eq!(got.packages[0].purl(), "pkg:composer/monolog/monolog@2.3.5");
}

#[test]
fn composer1() {
    let got = parse(COMPOSER1);
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.packages.len(), 2);
    assert!(got.packages.iter().all(|p| !p.dev));
    let laminas = &got.packages[1];
    assert_eq!(laminas.name, "Laminas/Laminas-Escaper");
    assert_eq!(laminas.licenses, vec!["BSD-3-Clause".to_owned()]);
    assert_eq!(laminas.purl(), "pkg:composer/laminas/laminas-escaper@2.6.1");
}

#[test]
fn wrong_types_skip_entries_with_reasons() {
    let json = r#"{"packages": [
        {"name": 42, "version": "1.0.0"},
        {"name": "a/b", "version": 1.5},
        {"name": "c/d"},
        "not-an-object",
        {"name": "nodash", "version": "1"},
        {"name": "e/f", "version": "1.0.0", "license": 7, "type": ["x"], "version_normalized": {}},
        {"name": "g/h", "version": "2.0.0", "license": ["MIT", 3, null]},
        {"name": "ok/ok", "version": "dev-main", "version_normalized": "dev-main"}
    ], "dev-package-names": "g/h"}"#;
    let got = parse(json);
    let names: Vec<_> = got.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["e/f", "g/h", "ok/ok"]);
    let skipped: Vec<_> = got
        .problems
        .iter()
        .filter(|p| p.skipped)
        .map(|p| (p.entry.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("#0", "`name` is a number, expected a string"),
            ("a/b", "`version` is a number, expected a string"),
            ("c/d", "missing `version`"),
            ("#3", "package entry is a string, expected an object"),
            ("#4", "name is not of the form `vendor/package`"),
        ]
    );
    let ef = &got.packages[0];
    assert!(ef.licenses.is_empty());
    assert_eq!(ef.package_type, None);
    assert_eq!(ef.version_normalized, None);
    let notes: Vec<_> = got.problems.iter().filter(|p| !p.skipped).collect();
    assert_eq!(notes.iter().filter(|p| p.entry == "e/f").count(), 3);
    assert!(notes.iter().any(|p| p.entry == "g/h"));
    assert!(notes.iter().any(|p| p.entry == "dev-package-names"));
    assert_eq!(got.packages[1].licenses, vec!["MIT".to_owned()]);
    assert!(!got.packages[1].dev);
}

#[test]
fn top_level_shape_errors() {
    let limits = Limits::default();
    assert!(matches!(
        parse_composer_installed(br#"{"dev": true}"#, &limits),
        Err(Error::MissingField("packages"))
    ));
    assert!(matches!(
        parse_composer_installed(b"42", &limits),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        parse_composer_installed(br#"{"packages": {}}"#, &limits),
        Err(Error::Json { .. })
    ));
    assert_eq!(parse("[]").packages, vec![]);
}
