//! Random and mutated archives never panic and never break the output's
//! invariants.

mod common;

use common::*;
use drydock_java::{Limits, Scan, is_java_archive_name, scan_archive};
use proptest::prelude::*;

fn limits() -> Limits {
    Limits {
        max_warnings: 20,
        max_nested_archive: 1024 * 1024,
        max_total_uncompressed: 8 * 1024 * 1024,
        ..Limits::default()
    }
}

fn check_invariants(scan: &Scan, location: &str, limits: &Limits) {
    assert!(scan.warnings.len() <= limits.max_warnings + 1);
    for p in &scan.packages {
        assert!(!p.artifact_id.is_empty());
        assert!(!p.version.is_empty());
        assert!(p.location.starts_with(location));
        for field in [&p.artifact_id, &p.version, &p.location]
            .into_iter()
            .chain(p.group_id.as_ref())
            .chain(&p.licenses)
        {
            assert!(!field.chars().any(char::is_control), "{field:?}");
        }
        assert!(p.purl().starts_with("pkg:maven/"));
        if let Some(sha1) = &p.sha1 {
            assert_eq!(sha1.len(), 40);
            assert!(sha1.bytes().all(|b| b.is_ascii_hexdigit()));
        }
    }
}

/// A small ear holding a war holding jars, with every kind of evidence.
fn seed() -> Vec<u8> {
    let lib = maven_jar("org.lib", "lib", "1.0");
    let osgi = streamed_jar(&[(
        "META-INF/MANIFEST.MF",
        b"Bundle-SymbolicName: org.x.osgi\nBundle-Version: 2\nBundle-License: MIT\n",
    )]);
    let war = jar(&[
        ("WEB-INF/lib/lib-1.0.jar", &lib),
        ("WEB-INF/lib/osgi.jar", &osgi),
        ("META-INF/MANIFEST.MF", DEBIAN_LOG4J_MANIFEST.as_bytes()),
    ]);
    stored_jar(&[
        ("web.war", &war),
        ("META-INF/maven/g/app/pom.properties", &pom("g", "app", "3")),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let limits = limits();
        if let Ok(scan) = scan_archive(&bytes, "r.jar", &limits) {
            check_invariants(&scan, "r.jar", &limits);
        }
    }

    #[test]
    fn random_bytes_behind_a_zip_signature(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
        // End-record-like prefixes get the parser past its first checks.
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend_from_slice(&tail);
        bytes.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
        bytes.extend_from_slice(tail.get(..10).unwrap_or(&[]));
        let limits = limits();
        if let Ok(scan) = scan_archive(&bytes, "r.jar", &limits) {
            check_invariants(&scan, "r.jar", &limits);
        }
    }

    #[test]
    fn mutated_archives(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = seed();
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let limits = limits();
        if let Ok(scan) = scan_archive(&bytes, "app.ear", &limits) {
            check_invariants(&scan, "app.ear", &limits);
        }
    }

    #[test]
    fn archive_names(name in ".{0,64}") {
        let _ = is_java_archive_name(&name);
    }
}

#[test]
fn seed_is_fully_understood() {
    // The mutation seed must exercise every path to be a useful starting point.
    let scan = scan_archive(&seed(), "app.ear", &limits()).unwrap();
    assert_eq!(scan.warnings, Vec::<String>::new());
    let purls: Vec<String> = scan.packages.iter().map(|p| p.purl()).collect();
    assert_eq!(
        purls,
        [
            "pkg:maven/g/app@3",
            "pkg:maven/log4j/log4j@1.2.17",
            "pkg:maven/org.lib/lib@1.0",
            "pkg:maven/org.x/osgi@2",
        ]
    );
}
