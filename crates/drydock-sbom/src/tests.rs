//! Format detection and document-level errors.

use super::*;

fn err(s: &str) -> SbomError {
    read_sbom(s.as_bytes(), "x.json").unwrap_err()
}

#[test]
fn malformed_json_names_file_and_position() {
    let e = err("{\n  \"bomFormat\": \"CycloneDX\",\n  oops\n}");
    match &e {
        SbomError::Malformed {
            what, line, column, ..
        } => {
            assert_eq!(what, "x.json");
            assert_eq!((*line, *column), (3, 3));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string()
            .starts_with("x.json: malformed JSON at line 3, column 3: "),
        "{e}"
    );
    assert!(matches!(err(""), SbomError::Malformed { .. }));
    assert!(matches!(err("[1, 2"), SbomError::Malformed { .. }));
    assert!(matches!(err("\u{feff}{"), SbomError::Malformed { .. }));
}

#[test]
fn other_json_is_unrecognized() {
    let cases = [
        ("[]", "a JSON array"),
        ("\"bom\"", "a JSON string"),
        ("42", "a JSON number"),
        ("null", "JSON null"),
        (
            "{}",
            "a JSON object with neither `bomFormat` nor `spdxVersion`",
        ),
        ("{\"bomFormat\": \"SWID\"}", "bomFormat \"SWID\""),
        ("{\"bomFormat\": 7}", "bomFormat that is a JSON number"),
        ("{\"spdxVersion\": \"2.3\"}", "spdxVersion \"2.3\""),
        (
            "{\"@context\": \"https://spdx.org/rdf/3.0.1/spdx-context.jsonld\"}",
            "a JSON-LD document (SPDX 3 and other JSON-LD formats are not supported)",
        ),
    ];
    for (doc, found) in cases {
        match err(doc) {
            SbomError::Unrecognized { found: f, what } => {
                assert_eq!(f, found, "{doc}");
                assert_eq!(what, "x.json");
            }
            other => panic!("{doc}: {other:?}"),
        }
    }
}

#[test]
fn versions_are_checked() {
    for v in ["1.2", "1.3", "1.4", "1.5", "1.6"] {
        let doc = format!("{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"{v}\"}}");
        let sbom = read_sbom(doc.as_bytes(), "x").unwrap();
        assert_eq!(sbom.format, SbomFormat::CycloneDx);
        assert!(sbom.inventory.packages.is_empty());
    }
    for v in ["1.1", "1.7", "2"] {
        let doc = format!("{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"{v}\"}}");
        let e = read_sbom(doc.as_bytes(), "x").unwrap_err();
        assert!(
            matches!(&e, SbomError::UnsupportedVersion { version, format: SbomFormat::CycloneDx, .. } if version == v),
            "{e:?}"
        );
    }
    assert!(matches!(
        err("{\"bomFormat\": \"CycloneDX\"}"),
        SbomError::UnsupportedVersion { .. }
    ));
    for v in ["SPDX-2.2", "SPDX-2.3"] {
        let doc = format!("{{\"spdxVersion\": \"{v}\", \"name\": \"img\"}}");
        let sbom = read_sbom(doc.as_bytes(), "x").unwrap();
        assert_eq!(sbom.format, SbomFormat::Spdx);
        assert_eq!(sbom.target_name.as_deref(), Some("img"));
    }
    let e = err("{\"spdxVersion\": \"SPDX-2.1\"}");
    assert_eq!(
        e.to_string(),
        "x.json: SPDX version 2.1 is not supported (drydock reads CycloneDX 1.2 to 1.6 and SPDX 2.2 and 2.3)"
    );
}

#[test]
fn size_limit() {
    // A slice of the limit's length without allocating 512 MiB: the check
    // comes before anything reads the bytes, so zeroed memory is enough,
    // and `vec![0; n]` gets it from the allocator lazily.
    let big = vec![0u8; MAX_SBOM_BYTES + 1];
    assert!(matches!(
        read_sbom(&big, "big.json"),
        Err(SbomError::TooLarge { size, .. }) if size == MAX_SBOM_BYTES + 1
    ));
}

#[test]
fn nesting_limits() {
    // A chain of nested components: each level is an object inside a
    // `components` array.
    let nested = |levels: usize| {
        let mut s =
            String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":");
        for i in 0..levels {
            s.push_str(&format!("[{{\"purl\":\"pkg:npm/p{i}@1\",\"components\":"));
        }
        s.push_str("[]");
        for _ in 0..levels {
            s.push_str("}]");
        }
        s.push('}');
        s
    };
    let ok = read_sbom(nested(MAX_COMPONENT_DEPTH).as_bytes(), "n").unwrap();
    assert_eq!(ok.inventory.packages.len(), MAX_COMPONENT_DEPTH);
    for levels in [MAX_COMPONENT_DEPTH + 1, 10_000] {
        let doc = nested(levels);
        let e = read_sbom(doc.as_bytes(), "n").unwrap_err();
        // Reported at the first component past the limit.
        let at = doc
            .match_indices("{\"purl\"")
            .nth(MAX_COMPONENT_DEPTH)
            .unwrap()
            .0;
        assert_eq!(
            e,
            SbomError::TooDeep {
                what: "n".into(),
                line: 1,
                column: at + 1,
                limit: MAX_COMPONENT_DEPTH
            }
        );
    }
    // Deeply nested values the reader skips are no problem.
    let deep = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"x\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(read_sbom(deep.as_bytes(), "d").is_ok());
}

#[test]
fn bad_components_are_warnings() {
    let doc = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
        "not an object",
        {"purl":"pkg:npm/left-pad@1.3.0","name":5,"version":["x"],"properties":"nope","licenses":[{"license":7},{"expression":"MIT"}]},
        {"purl":"pkg:npm","name":"broken"},
        {"purl":"pkg:github/a/b@1"},
        {"type":"file","name":"/etc/passwd"},
        {"type":"library","name":"no-purl"},
        {"purl":"pkg:pypi/django@2.2.1","components":{"not":"a list"}}
    ]}"#;
    let sbom = read_sbom(doc.as_bytes(), "w.json").unwrap();
    let names: Vec<&str> = sbom
        .inventory
        .packages
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["left-pad"]);
    let p = &sbom.inventory.packages[0];
    assert_eq!(p.version, "1.3.0");
    assert_eq!(p.licenses, ["MIT"]);
    assert_eq!(sbom.warnings.len(), 5, "{:#?}", sbom.warnings);
    assert!(
        sbom.warnings[0].starts_with("component skipped at line 2, column 9: invalid type: string"),
        "{}",
        sbom.warnings[0]
    );
    assert!(
        sbom.warnings[1].starts_with(
            "component \"broken\" at line 4, column 9 skipped: purl \"pkg:npm\" is not valid"
        ),
        "{}",
        sbom.warnings[1]
    );
    assert!(
        sbom.warnings[2].starts_with("component skipped at line 8, column "),
        "{}",
        sbom.warnings[2]
    );
    assert_eq!(
        sbom.warnings[3],
        "skipped 1 component with purl types drydock does not match: github (1)"
    );
    assert_eq!(sbom.warnings[4], "skipped 1 component without a purl");
}

#[test]
fn component_count_limit() {
    // One element past the limit in a single list: refused while the list
    // is read, before any component is parsed.
    let mut doc =
        String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    doc.push_str(&"{},".repeat(MAX_COMPONENTS));
    doc.push_str("{}]}");
    assert_eq!(
        read_sbom(doc.as_bytes(), "many").unwrap_err(),
        SbomError::TooManyComponents {
            what: "many".into(),
            limit: MAX_COMPONENTS
        }
    );
}

#[test]
fn nested_components_count_towards_the_limit() {
    // Two lists that fit on their own but not together.
    let half = MAX_COMPONENTS / 2 + 1;
    let mut doc =
        String::from("{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[");
    doc.push_str("{\"components\":[");
    doc.push_str(&"{},".repeat(half - 1));
    doc.push_str("{}]},");
    doc.push_str(&"{},".repeat(half - 2));
    doc.push_str("{}]}");
    assert!(matches!(
        read_sbom(doc.as_bytes(), "many").unwrap_err(),
        SbomError::TooManyComponents { .. }
    ));
}

#[test]
fn lowercase_bom_format_is_accepted() {
    let sbom = read_sbom(br#"{"bomFormat":"cyclonedx","specVersion":"1.6"}"#, "x").unwrap();
    assert_eq!(sbom.format, SbomFormat::CycloneDx);
}

#[test]
fn document_text_in_warnings_is_escaped() {
    let doc = r#"{"bomFormat":"CycloneDX","specVersion":"1.6",
        "metadata":{"properties":[{"name":"drydock:warning","value":"red \u001b[31m alert"}]},
        "components":[{"purl":"pkg:evil\u0007type/x@1"}]}"#;
    let sbom = read_sbom(doc.as_bytes(), "x").unwrap();
    assert!(
        sbom.warnings
            .iter()
            .all(|w| !w.chars().any(char::is_control)),
        "{:?}",
        sbom.warnings
    );
    assert_eq!(
        sbom.warnings[0],
        "recorded by the scan: red \\u{1b}[31m alert"
    );
}
