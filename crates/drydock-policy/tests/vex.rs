//! OpenVEX parsing and application.

mod common;

use common::{finding, fixture, with_aliases};
use drydock_findings::SuppressionKind;
use drydock_policy::{PolicyError, VexDocument, VexStatus, apply_vex};

const GIT_ARMV7: &str = "pkg:apk/wolfi/git@2.39.0-r1?arch=armv7&distro=wolfi-20230201";
const GIT_X86: &str = "pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64";
const GIT_AARCH64: &str = "pkg:apk/wolfi/git@2.39.0-r1?arch=aarch64";

fn load(name: &str) -> VexDocument {
    let (doc, warnings) = VexDocument::load(&fixture(name)).unwrap();
    assert!(warnings.is_empty(), "{name}: {warnings:?}");
    doc
}

fn doc(json: &str) -> VexDocument {
    VexDocument::parse(json, "inline.vex.json").unwrap().0
}

fn statement(vuln: &str, product: &str, status: &str, ts: &str) -> String {
    format!(
        r#"{{"vulnerability": {{"name": "{vuln}"}}, "products": [{{"@id": "{product}"}}],
            "status": "{status}", "justification": "component_not_present",
            "action_statement": "upgrade", "timestamp": "{ts}"}}"#
    )
}

fn document(statements: &[String]) -> String {
    format!(
        r#"{{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://openvex.dev/docs/example/t",
            "author": "test", "timestamp": "2024-01-01T00:00:00Z", "version": 1,
            "statements": [{}]}}"#,
        statements.join(",")
    )
}

#[test]
fn spec_minimal_document_fixed_suppresses_listed_products() {
    let d = load("openvex-spec-minimal.json");
    assert_eq!(
        d.id.as_deref(),
        Some("https://openvex.dev/docs/example/vex-9fb3463de1b57")
    );
    assert_eq!(d.statements.len(), 1);
    assert_eq!(d.statements[0].status, VexStatus::Fixed);
    assert_eq!(
        d.statements[0].timestamp.as_deref(),
        Some("2023-01-08T18:02:03.647787998-06:00")
    );

    let mut f = vec![
        finding("CVE-2023-12345", GIT_ARMV7),
        finding("CVE-2023-12345", GIT_X86),
        finding("CVE-2023-12345", GIT_AARCH64),
        finding("CVE-2023-12345", "pkg:apk/wolfi/git@2.40.0-r0?arch=x86_64"),
        finding("CVE-2023-99999", GIT_X86),
    ];
    let a = apply_vex(&mut f, &[d]);
    let hit: Vec<bool> = f.iter().map(|v| v.suppressed.is_some()).collect();
    // aarch64 is not listed (qualifier subset fails); 2.40.0 is another
    // version; CVE-2023-99999 is another vulnerability.
    assert_eq!(hit, [true, true, false, false, false]);
    assert_eq!(a.suppressed, 2);
    let s = f[0].suppressed.as_ref().unwrap();
    assert_eq!(s.kind, SuppressionKind::Vex);
    assert!(s.source.ends_with("openvex-spec-minimal.json"));
    assert_eq!(s.reason.as_deref(), Some("fixed"));
}

#[test]
fn spec_spring_example_not_affected_with_alias_and_reason() {
    let d = load("openvex-spec-spring-log4j.json");
    let st = &d.statements[0];
    assert_eq!(st.aliases, ["GHSA-jfh8-c2jp-5v3q"]);
    assert_eq!(
        st.products[0].component.purls.len(),
        1,
        "@id and identifiers.purl are one purl"
    );

    let purl = "pkg:maven/org.springframework.boot/spring-boot@2.6.0-M3";
    let mut f = vec![
        // The finding's own id is the GHSA; the CVE is its alias.
        with_aliases(finding("GHSA-jfh8-c2jp-5v3q", purl), &["CVE-2021-44228"]),
        finding("CVE-2021-44228", purl),
        finding(
            "CVE-2021-44228",
            "pkg:maven/org.springframework.boot/spring-boot@2.6.1",
        ),
    ];
    apply_vex(&mut f, &[d]);
    assert!(f[0].suppressed.is_some());
    assert!(f[1].suppressed.is_some());
    assert!(f[2].suppressed.is_none(), "version mismatch must not match");
    let reason = f[1].suppressed.as_ref().unwrap().reason.as_deref().unwrap();
    assert!(
        reason.starts_with(
            "vulnerable_code_not_in_execute_path: Spring Boot users are only affected"
        ),
        "{reason}"
    );
}

#[test]
fn spec_inheritance_example_latest_statement_wins() {
    // under_investigation at 18:02 on the 8th (explicit), fixed inheriting
    // the document's 09:08 on the 9th: fixed wins.
    let d = load("openvex-spec-inheritance.json");
    assert_eq!(
        d.statements[1].timestamp.as_deref(),
        Some("2023-01-09T09:08:42-06:00")
    );
    let mut f = vec![finding("CVE-2023-12345", GIT_ARMV7)];
    apply_vex(&mut f, &[d]);
    assert_eq!(
        f[0].suppressed.as_ref().unwrap().reason.as_deref(),
        Some("fixed")
    );
}

#[test]
fn old_v0_0_1_string_shape_is_accepted() {
    let d = load("openvex-v0.0.1.json");
    assert_eq!(d.statements[0].vulnerability, "CVE-2023-12345");
    let mut f = vec![
        finding("CVE-2023-12345", GIT_X86),
        finding("CVE-2023-12345", GIT_AARCH64),
    ];
    apply_vex(&mut f, &[d]);
    assert!(f[0].suppressed.is_some());
    assert!(f[1].suppressed.is_none());
}

#[test]
fn old_statement_level_subcomponents_apply_to_every_product() {
    let json = r#"{"@context": "https://openvex.dev/ns", "@id": "x", "author": "a",
        "timestamp": "2023-01-08T18:02:03Z", "version": "1",
        "statements": [{"vulnerability": "CVE-2023-1", "status": "not_affected",
          "justification": "vulnerable_code_not_present",
          "products": ["pkg:oci/img@sha256%3Aabc"],
          "subcomponents": ["pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1"]}]}"#;
    let d = doc(json);
    let mut f = vec![finding(
        "CVE-2023-1",
        "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64",
    )];
    apply_vex(&mut f, &[d]);
    assert!(f[0].suppressed.is_some());
}

#[test]
fn image_product_subcomponents_match_packages() {
    let d = load("openvex-image-subcomponents.json");
    let mut f = vec![
        // Subcomponent purl has no qualifiers: any arch matches.
        with_aliases(
            finding(
                "CVE-2023-2650",
                "pkg:apk/alpine/libssl3@3.0.8-r3?arch=x86_64&distro=3.17.3",
            ),
            &[],
        ),
        // Matched through the statement's alias.
        with_aliases(
            finding(
                "GHSA-gqxg-9vfr-p9cg",
                "pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=aarch64",
            ),
            &[],
        ),
        // The image's other packages are not covered.
        finding("CVE-2023-2650", "pkg:apk/alpine/openssl@3.0.8-r3"),
        // The image purl itself is not a package of the finding.
        finding("CVE-2023-2650", "pkg:apk/alpine/libssl3@3.0.9-r0"),
        // affected: nothing suppressed.
        finding(
            "CVE-2023-0464",
            "pkg:apk/alpine/libcrypto3@3.0.8-r3?arch=x86_64",
        ),
    ];
    let a = apply_vex(&mut f, &[d]);
    let hit: Vec<bool> = f.iter().map(|v| v.suppressed.is_some()).collect();
    assert_eq!(hit, [true, true, false, false, false]);
    assert_eq!(a.suppressed, 2);
    assert_eq!(
        f[0].suppressed.as_ref().unwrap().reason.as_deref(),
        Some(
            "vulnerable_code_not_in_execute_path: The service never calls OBJ_obj2txt on untrusted ASN.1 input."
        )
    );
}

#[test]
fn subcomponent_qualifiers_must_be_a_subset() {
    let json = document(&[
        r#"{"vulnerability": {"name": "CVE-1"}, "status": "not_affected",
            "justification": "component_not_present",
            "products": [{"@id": "pkg:oci/app", "subcomponents": [
              {"@id": "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12"}]}]}"#
            .to_owned(),
    ]);
    let d = doc(&json);
    let mut f = vec![
        finding(
            "CVE-1",
            "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12",
        ),
        finding("CVE-1", "pkg:deb/debian/openssl@3.0.11-1?arch=amd64"),
        finding(
            "CVE-1",
            "pkg:deb/debian/openssl@3.0.11-1?arch=arm64&distro=debian-12",
        ),
    ];
    apply_vex(&mut f, &[d]);
    let hit: Vec<bool> = f.iter().map(|v| v.suppressed.is_some()).collect();
    assert_eq!(hit, [true, false, false]);
}

#[test]
fn affected_and_under_investigation_suppress_nothing() {
    for status in ["affected", "under_investigation"] {
        let d = doc(&document(&[statement(
            "CVE-1",
            "pkg:pypi/django",
            status,
            "2024-02-01T00:00:00Z",
        )]));
        let mut f = vec![finding("CVE-1", "pkg:pypi/django@2.2.1")];
        let a = apply_vex(&mut f, &[d]);
        assert_eq!(a.suppressed, 0, "{status}");
        assert!(f[0].suppressed.is_none(), "{status}");
    }
}

#[test]
fn latest_timestamp_wins_regardless_of_order() {
    let older_na = statement(
        "CVE-1",
        "pkg:pypi/django",
        "not_affected",
        "2024-01-01T00:00:00Z",
    );
    let newer_aff = statement(
        "CVE-1",
        "pkg:pypi/django",
        "affected",
        "2024-06-01T00:00:00Z",
    );
    let older_aff = statement(
        "CVE-1",
        "pkg:pypi/django",
        "affected",
        "2024-01-01T00:00:00Z",
    );
    let newer_na = statement(
        "CVE-1",
        "pkg:pypi/django",
        "not_affected",
        "2024-06-01T00:00:00Z",
    );

    let run = |docs: Vec<VexDocument>| {
        let mut f = vec![finding("CVE-1", "pkg:pypi/django@2.2.1")];
        apply_vex(&mut f, &docs);
        f[0].suppressed.is_some()
    };
    // Same document, either order.
    assert!(!run(vec![doc(&document(&[
        older_na.clone(),
        newer_aff.clone()
    ]))]));
    assert!(!run(vec![doc(&document(&[
        newer_aff.clone(),
        older_na.clone()
    ]))]));
    assert!(run(vec![doc(&document(&[
        older_aff.clone(),
        newer_na.clone()
    ]))]));
    assert!(run(vec![doc(&document(&[
        newer_na.clone(),
        older_aff.clone()
    ]))]));
    // Across documents, either order.
    assert!(!run(vec![
        doc(&document(std::slice::from_ref(&newer_aff))),
        doc(&document(std::slice::from_ref(&older_na)))
    ]));
    assert!(run(vec![
        doc(&document(&[older_aff])),
        doc(&document(&[newer_na]))
    ]));
    // Timestamps compare as instants, not strings: 01:00+02:00 is before
    // 00:30Z.
    let a = statement(
        "CVE-1",
        "pkg:pypi/django",
        "not_affected",
        "2024-01-01T00:30:00Z",
    );
    let b = statement(
        "CVE-1",
        "pkg:pypi/django",
        "affected",
        "2024-01-01T01:00:00+02:00",
    );
    assert!(run(vec![doc(&document(&[a, b]))]));
}

#[test]
fn statements_for_other_products_do_not_override() {
    // A newer `affected` about another package leaves the not_affected in
    // force for django.
    let na = statement(
        "CVE-1",
        "pkg:pypi/django",
        "not_affected",
        "2024-01-01T00:00:00Z",
    );
    let other = statement(
        "CVE-1",
        "pkg:pypi/flask",
        "affected",
        "2024-06-01T00:00:00Z",
    );
    let mut f = vec![finding("CVE-1", "pkg:pypi/django@2.2.1")];
    apply_vex(&mut f, &[doc(&document(&[na, other]))]);
    assert!(f[0].suppressed.is_some());
}

#[test]
fn versioned_product_does_not_match_other_versions() {
    let d = doc(&document(&[statement(
        "CVE-1",
        "pkg:pypi/django@2.2.1",
        "not_affected",
        "2024-01-01T00:00:00Z",
    )]));
    let mut f = vec![
        finding("CVE-1", "pkg:pypi/django@2.2.10"),
        finding("CVE-1", "pkg:pypi/Django@2.2.1"),
    ];
    apply_vex(&mut f, &[d]);
    assert!(f[0].suppressed.is_none());
    assert!(f[1].suppressed.is_some(), "pypi names are case-insensitive");
}

#[test]
fn malformed_status_names_file_path_and_cause() {
    let err = VexDocument::load(&fixture("openvex-malformed-status.json")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("openvex-malformed-status.json"), "{msg}");
    assert!(msg.contains("statements[1].status"), "{msg}");
    assert!(msg.contains("not_vulnerable"), "{msg}");
    assert!(matches!(err, PolicyError::Vex { .. }));
}

#[test]
fn malformed_documents_name_the_path() {
    let cases = [
        // Not JSON at all.
        ("vulnerabilities:\n - id: x", "document", "expected value"),
        // Missing statements.
        (
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2024-01-01T00:00:00Z"}"#,
            "document",
            "missing field `statements`",
        ),
        // Wrong context: a CycloneDX document passed by mistake.
        (
            r#"{"@context": "https://cyclonedx.org", "statements": []}"#,
            "@context",
            "not an OpenVEX context",
        ),
        // Bad timestamp deep inside.
        (
            &document(&[statement("CVE-1", "pkg:pypi/x", "fixed", "yesterday")]),
            "statements[0].timestamp",
            "`yesterday` is not an RFC 3339 timestamp",
        ),
        // Wrong type inside a product object.
        (
            &document(&[r#"{"vulnerability": {"name": "CVE-1"}, "status": "fixed",
                "products": [{"@id": "pkg:pypi/x", "subcomponents": [{"@id": 7}]}]}"#
                .to_owned()]),
            "statements[0].products[0].subcomponents[0].@id",
            "invalid type: integer `7`",
        ),
        // Vulnerability object without a name.
        (
            &document(&[
                r#"{"vulnerability": {"aliases": []}, "status": "fixed", "products": []}"#
                    .to_owned(),
            ]),
            "statements[0].vulnerability",
            "missing field `name`",
        ),
        // Trailing garbage.
        (
            &format!("{} ]", document(&[])),
            "document",
            "trailing characters",
        ),
    ];
    for (json, path, cause) in cases {
        let err = VexDocument::parse(json, "bad.json").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("bad.json: "), "{msg}");
        assert!(msg.contains(&format!(": {path}: ")), "{path} not in {msg}");
        assert!(msg.contains(cause), "{cause} not in {msg}");
    }
}

#[test]
fn questionable_statements_warn() {
    let json = document(&[
        // not_affected without justification or impact statement.
        r#"{"vulnerability": {"name": "CVE-1"}, "status": "not_affected",
            "products": [{"@id": "pkg:pypi/x"}]}"#
            .to_owned(),
        // Unknown justification label.
        r#"{"vulnerability": {"name": "CVE-2"}, "status": "not_affected",
            "justification": "not_exploitable", "products": [{"@id": "pkg:pypi/x"}]}"#
            .to_owned(),
        // No products.
        r#"{"vulnerability": {"name": "CVE-3"}, "status": "fixed"}"#.to_owned(),
        // Product without purl; bad purl in identifiers.
        r#"{"vulnerability": {"name": "CVE-4"}, "status": "fixed",
            "products": [{"@id": "https://example.com/product", "identifiers": {"purl": "pkg:/x"}}]}"#
            .to_owned(),
    ]);
    let (d, w) = VexDocument::parse(&json, "w.json").unwrap();
    assert_eq!(d.statements.len(), 4);
    let has = |needle: &str| w.iter().any(|x| x.contains(needle));
    assert!(
        has("statements[0]: not_affected without justification"),
        "{w:?}"
    );
    assert!(
        has("statements[1].justification: `not_exploitable`"),
        "{w:?}"
    );
    assert!(has("statements[2]: no products"), "{w:?}");
    assert!(
        has("statements[3].products[0].identifiers.purl: invalid purl"),
        "{w:?}"
    );
    assert!(has("statements[3].products[0]: no purl"), "{w:?}");

    // The statement without justification still suppresses, with its
    // status as reason.
    let mut f = vec![finding("CVE-1", "pkg:pypi/x@1.0")];
    apply_vex(&mut f, &[d]);
    assert_eq!(
        f[0].suppressed.as_ref().unwrap().reason.as_deref(),
        Some("not_affected")
    );
}

#[test]
fn missing_timestamps_order_as_oldest() {
    let json = r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "version": 1,
        "statements": [
          {"vulnerability": {"name": "CVE-1"}, "status": "affected", "action_statement": "x",
           "products": [{"@id": "pkg:pypi/x"}]},
          {"vulnerability": {"name": "CVE-1"}, "status": "not_affected",
           "justification": "component_not_present", "timestamp": "2020-01-01T00:00:00Z",
           "products": [{"@id": "pkg:pypi/x"}]}]}"#;
    let (d, w) = VexDocument::parse(json, "t.json").unwrap();
    assert!(
        w.iter().any(|x| x.contains("statements[0]: no timestamp")),
        "{w:?}"
    );
    let mut f = vec![finding("CVE-1", "pkg:pypi/x@1.0")];
    apply_vex(&mut f, &[d]);
    assert!(f[0].suppressed.is_some());
}
