//! The parsers never panic, whatever they are fed, and matching never
//! panics on whatever purls and ids the findings carry.

mod common;

use std::time::{Duration, UNIX_EPOCH};

use common::{at_path, finding};
use drydock_policy::{IgnoreFile, PurlPattern, VexDocument, apply_vex};
use proptest::prelude::*;

/// YAML-ish text built from fragments the grammar cares about, so the
/// parser gets past the first byte more often than with random strings.
fn yamlish() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        Just("vulnerabilities:\n".to_owned()),
        Just("  - id: ".to_owned()),
        Just("    reason: ".to_owned()),
        Just("    expires: ".to_owned()),
        Just("    purls: [".to_owned()),
        Just("    paths: [".to_owned()),
        Just("]\n".to_owned()),
        Just("\n".to_owned()),
        Just("&a ".to_owned()),
        Just("*a ".to_owned()),
        Just("2027-01-31".to_owned()),
        Just("pkg:pypi/django".to_owned()),
        Just("\"app/**\"".to_owned()),
        Just("{".to_owned()),
        "[a-zA-Z0-9:/@?=&%#*\\[\\]{}\"' ,.-]{0,12}",
    ];
    prop::collection::vec(frag, 0..24).prop_map(|v| v.concat())
}

/// JSON-ish text in the shape of an OpenVEX document.
fn jsonish() -> impl Strategy<Value = String> {
    let frag = prop_oneof![
        Just(r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": ["#.to_owned()),
        Just(r#"{"vulnerability": "#.to_owned()),
        Just(r#"{"name": "CVE-1", "aliases": ["GHSA-x"]}"#.to_owned()),
        Just(r#""products": [{"@id": "#.to_owned()),
        Just(r#""subcomponents": ["#.to_owned()),
        Just(r#""pkg:apk/wolfi/git@2.39.0-r1?arch=armv7""#.to_owned()),
        Just(r#""status": "not_affected""#.to_owned()),
        Just(r#""timestamp": "2023-01-08T18:02:03Z""#.to_owned()),
        Just(r#""identifiers": {"purl": "#.to_owned()),
        Just(",".to_owned()),
        Just("}".to_owned()),
        Just("]".to_owned()),
        "[a-zA-Z0-9:/@?=&%#\\[\\]{}\" ,.-]{0,12}",
    ];
    prop::collection::vec(frag, 0..32).prop_map(|v| v.concat())
}

fn probe() -> Vec<drydock_findings::Vulnerability> {
    vec![
        at_path(finding("CVE-1", "pkg:pypi/django@2.2.1"), "app/venv/x"),
        finding("GHSA-x", "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7"),
    ]
}

/// Well-formed JSON in the OpenVEX shape with arbitrary values, so the
/// semantic layer (purl parsing, timestamps, matching) sees hostile content.
fn vex_values() -> impl Strategy<Value = String> {
    let text = prop_oneof![
        any::<String>(),
        "pkg:[a-z]{1,5}/[a-zA-Z0-9%@?=&#/:.-]{0,24}",
        "20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(Z|[+-][0-9]{2}:[0-9]{2})",
        Just("CVE-1".to_owned()),
    ];
    let stamp = prop_oneof![
        4 => "20[0-9]{2}-0[1-9]-[0-2][0-9]T[0-1][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]0[0-9]:[0-5][0-9])",
        1 => any::<String>(),
    ];
    let status = prop_oneof![
        Just("not_affected"),
        Just("affected"),
        Just("fixed"),
        Just("under_investigation"),
    ];
    let component = (text.clone(), text.clone(), prop::collection::vec(text.clone(), 0..3))
        .prop_map(|(id, purl, subs)| {
            serde_json::json!({
                "@id": id,
                "identifiers": {"purl": purl},
                "subcomponents": subs.into_iter().map(|s| serde_json::json!({"@id": s})).collect::<Vec<_>>(),
            })
        });
    let statement = (
        text.clone(),
        prop::collection::vec(text.clone(), 0..3),
        prop::collection::vec(component, 0..3),
        status,
        prop::option::of(text.clone()),
        prop::option::of(stamp.clone()),
    )
        .prop_map(|(name, aliases, products, status, justification, ts)| {
            let mut st = serde_json::json!({
                "vulnerability": {"name": name, "aliases": aliases},
                "products": products,
                "status": status,
            });
            if let Some(j) = justification {
                st["justification"] = j.into();
            }
            if let Some(t) = ts {
                st["timestamp"] = t.into();
            }
            st
        });
    (prop::collection::vec(statement, 0..4), stamp).prop_map(|(statements, ts)| {
        serde_json::json!({
            "@context": "https://openvex.dev/ns/v0.2.0",
            "@id": "https://openvex.dev/docs/example/p",
            "author": "p",
            "timestamp": ts,
            "version": 1,
            "statements": statements,
        })
        .to_string()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn yaml_ignore_never_panics(text in any::<String>()) {
        let _ = IgnoreFile::parse_yaml(&text, "f.yaml");
    }

    #[test]
    fn yaml_ignore_structured_never_panics(text in yamlish(), secs in any::<u32>()) {
        if let Ok((file, _)) = IgnoreFile::parse_yaml(&text, "f.yaml") {
            let mut f = probe();
            let _ = file.apply(&mut f, UNIX_EPOCH + Duration::from_secs(u64::from(secs) * 512));
        }
    }

    #[test]
    fn trivyignore_never_panics(text in any::<String>()) {
        if let Ok((file, _)) = IgnoreFile::parse_trivyignore(&text, ".trivyignore") {
            let mut f = probe();
            let _ = file.apply(&mut f, UNIX_EPOCH);
        }
    }

    #[test]
    fn trivyignore_lines_never_panic(
        lines in prop::collection::vec("[A-Z0-9-]{0,8}( exp:[0-9-]{0,12})?( #.{0,8})?", 0..8)
    ) {
        let _ = IgnoreFile::parse_trivyignore(&lines.join("\n"), ".trivyignore");
    }

    #[test]
    fn vex_never_panics(text in any::<String>()) {
        let _ = VexDocument::parse(&text, "v.json");
    }

    #[test]
    fn vex_structured_never_panics(text in jsonish()) {
        if let Ok((doc, _)) = VexDocument::parse(&text, "v.json") {
            let mut f = probe();
            let _ = apply_vex(&mut f, &[doc]);
        }
    }

    #[test]
    fn vex_values_never_panic(text in vex_values()) {
        if let Ok((doc, _)) = VexDocument::parse(&text, "v.json") {
            let mut f = probe();
            let _ = apply_vex(&mut f, &[doc]);
        }
    }

    #[test]
    fn purl_matching_never_panics(pattern in "pkg:[a-z]{0,4}/.{0,24}", candidate in ".{0,32}") {
        if let Ok(p) = PurlPattern::parse(&pattern) {
            let _ = p.matches(&candidate);
        }
    }
}
