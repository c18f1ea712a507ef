//! .NET `*.deps.json`.

mod common;
use common::*;

use drydock_langmeta::{DotnetProject, Error, Limits, NugetPackage, parse_deps_json};

#[test]
fn webapp() {
    let got = parse_deps_json(WEBAPP.as_bytes(), &Limits::default()).unwrap();
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(
        got.runtime_target.as_deref(),
        Some(".NETCoreApp,Version=v6.0")
    );
    assert_eq!(
        got.root(),
        Some(&DotnetProject {
            name: "WebApp".into(),
            version: "1.0.0".into()
        })
    );
    assert_eq!(got.projects.len(), 2);
    let names: Vec<_> = got.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Microsoft.OpenApi",
            "Serilog.AspNetCore",
            "Serilog",
            "Swashbuckle.AspNetCore"
        ]
    );
    assert_eq!(
        got.packages[2],
        NugetPackage {
            name: "Serilog".into(),
            version: "2.10.0".into(),
            sha512: Some("sha512-+QX0hmf37a0/OZLxM3wL7V6/ADvC1XihXN4Kq/p6d8lCPfgkRdiuhbWlMaFjR9Av0dy5F0+MBeDmDdRZN/YwQA==".into()),
            path: Some("serilog/2.10.0".into()),
        }
    );
    assert_eq!(got.packages[0].purl(), "pkg:nuget/Microsoft.OpenApi@1.2.3");
}

#[test]
fn bad_entries_are_skipped_with_reasons() {
    let json = r#"{"libraries": {
        "NoSlash": {"type": "package"},
        "A/1.0": {"type": 3},
        "B/1.0": [],
        "C/1.0": {"sha512": "x"},
        "D/1.0": {"type": "package", "sha512": 5, "path": null},
        "E/1 0": {"type": "package"},
        "F/2.0": {"type": "runtimepack"}
    }}"#;
    let got = parse_deps_json(json.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(
        got.packages,
        vec![NugetPackage {
            name: "D".into(),
            version: "1.0".into(),
            sha512: None,
            path: None
        }]
    );
    let skipped: Vec<_> = got
        .problems
        .iter()
        .filter(|p| p.skipped)
        .map(|p| (p.entry.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("NoSlash", "key is not of the form `name/version`"),
            ("A/1.0", "`type` is a number, expected a string"),
            ("B/1.0", "library entry is an array, expected an object"),
            ("C/1.0", "missing `type`"),
            ("E/1 0", "version contains the character U+0020"),
        ]
    );
    assert!(
        got.problems
            .iter()
            .any(|p| !p.skipped && p.entry == "D/1.0" && p.reason.contains("sha512"))
    );
    assert_eq!(got.root(), None);
}

#[test]
fn shape_errors() {
    let limits = Limits::default();
    assert!(matches!(
        parse_deps_json(br#"{"targets": {}}"#, &limits),
        Err(Error::MissingField("libraries"))
    ));
    assert!(matches!(
        parse_deps_json(b"[]", &limits),
        Err(Error::Json { .. })
    ));
    assert!(matches!(
        parse_deps_json(br#"{"libraries": []}"#, &limits),
        Err(Error::Json { .. })
    ));
}
