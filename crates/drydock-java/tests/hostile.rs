//! Hostile archives: every limit must hold and bad nested parts must only
//! cost a warning.

mod common;

use std::time::{Duration, Instant};

use common::*;
use drydock_java::{Error, Limits, MAX_DEPTH_CAP, scan_archive};

fn has_warning(scan: &drydock_java::Scan, needles: &[&str]) -> bool {
    scan.warnings
        .iter()
        .any(|w| needles.iter().all(|n| w.contains(n)))
}

const OUTER_POM: &str = "META-INF/maven/com.example/outer/pom.properties";

/// A jar identified as com.example:outer:1 plus the given entries.
fn outer_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let props = pom("com.example", "outer", "1");
    let mut all: Vec<(&str, &[u8])> = vec![(OUTER_POM, &props)];
    all.extend_from_slice(entries);
    jar(&all)
}

fn assert_outer_found(scan: &drydock_java::Scan) {
    assert!(
        scan.packages
            .iter()
            .any(|p| p.artifact_id == "outer" && p.location == "outer-1.jar"),
        "outer package missing: {:?}",
        scan.packages
    );
}

#[test]
fn entry_declaring_a_huge_size_is_not_read() {
    let props = pom("g", "a", "1");
    let mut bytes = jar(&[("META-INF/maven/g/a/pom.properties", &props)]);
    patch_uncompressed_size(&mut bytes, "META-INF/maven/g/a/pom.properties", 0xffff_0000);
    let scan = scan_archive(&bytes, "a.jar", &Limits::default()).unwrap();
    assert!(scan.packages.is_empty());
    assert!(
        has_warning(
            &scan,
            &["pom.properties", "declares 4294901760 uncompressed bytes"]
        ),
        "{:?}",
        scan.warnings
    );
}

#[test]
fn metadata_bomb_lying_about_its_size_stops_at_the_limit() {
    // 16 MiB of zeros compresses to ~16 KiB; the headers claim 100 bytes.
    let mut bomb = b"version=1\n".to_vec();
    bomb.resize(16 * 1024 * 1024, b'0');
    let mut bytes = outer_with(&[("META-INF/maven/g/bomb/pom.properties", &bomb)]);
    assert!(bytes.len() < 200 * 1024);
    patch_uncompressed_size(&mut bytes, "META-INF/maven/g/bomb/pom.properties", 100);
    let scan = scan_archive(&bytes, "outer-1.jar", &Limits::default()).unwrap();
    assert_outer_found(&scan);
    // Whichever notices first, the zip reader (output beyond the declared
    // size) or our own bound, the entry is refused.
    assert!(
        has_warning(&scan, &["bomb/pom.properties", "larger than its declared"])
            || has_warning(&scan, &["bomb/pom.properties", "more than the limit"]),
        "{:?}",
        scan.warnings
    );
    assert!(!scan.packages.iter().any(|p| p.artifact_id == "bomb"));

    // Declaring exactly the limit is allowed; producing more is still refused.
    patch_uncompressed_size(
        &mut bytes,
        "META-INF/maven/g/bomb/pom.properties",
        1024 * 1024,
    );
    let scan = scan_archive(&bytes, "outer-1.jar", &Limits::default()).unwrap();
    assert_outer_found(&scan);
    assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
    assert!(scan.warnings[0].contains("bomb/pom.properties"));
}

#[test]
fn nested_archive_bomb_is_cut_off_and_the_outer_scan_continues() {
    let mut zeros = maven_jar("g", "inner", "1");
    zeros.resize(32 * 1024 * 1024, 0);
    let mut bytes = outer_with(&[("lib/bomb.jar", &zeros)]);
    patch_uncompressed_size(&mut bytes, "lib/bomb.jar", 1000);
    let limits = Limits {
        max_nested_archive: 4 * 1024 * 1024,
        ..Limits::default()
    };
    let started = Instant::now();
    let scan = scan_archive(&bytes, "outer-1.jar", &limits).unwrap();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_outer_found(&scan);
    assert_eq!(scan.packages.len(), 1);
    assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
    assert!(
        has_warning(
            &scan,
            &["outer-1.jar!/lib/bomb.jar", "larger than its declared"]
        ),
        "{:?}",
        scan.warnings
    );

    // Declared honestly, it is refused before any decompression.
    patch_uncompressed_size(&mut bytes, "lib/bomb.jar", 32 * 1024 * 1024);
    let scan = scan_archive(&bytes, "outer-1.jar", &limits).unwrap();
    assert_outer_found(&scan);
    assert!(
        has_warning(
            &scan,
            &[
                "lib/bomb.jar",
                "declares 33554432 uncompressed bytes, more than the limit of 4194304"
            ]
        ),
        "{:?}",
        scan.warnings
    );
}

#[test]
fn total_decompression_budget_is_shared_by_all_archives() {
    let inner: Vec<Vec<u8>> = (0..8)
        .map(|i| {
            // A stored padding entry makes each nested jar 512 KiB.
            let props = pom("g", &format!("lib{i}"), "1");
            let path = pom_path("g", &format!("lib{i}"));
            stored_jar(&[(&path, &props), ("pad.bin", &vec![0u8; 512 * 1024])])
        })
        .collect();
    let names: Vec<String> = (0..8).map(|i| format!("lib/lib{i}-1.jar")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .zip(&inner)
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let bytes = outer_with(&entries);
    let limits = Limits {
        max_total_uncompressed: 2 * 1024 * 1024,
        ..Limits::default()
    };
    let scan = scan_archive(&bytes, "outer-1.jar", &limits).unwrap();
    assert_outer_found(&scan);
    let nested = scan
        .packages
        .iter()
        .filter(|p| p.artifact_id.starts_with("lib"))
        .count();
    assert!((1..8).contains(&nested), "{nested} nested packages");
    assert!(has_warning(
        &scan,
        &["scan-wide limit of 2097152 decompressed bytes"]
    ));
}

fn nest(depth: usize) -> Vec<u8> {
    let mut current = maven_jar("g", &format!("level{depth}"), "1");
    for level in (0..depth).rev() {
        let props = pom("g", &format!("level{level}"), "1");
        let path = pom_path("g", &format!("level{level}"));
        let inner_name = format!("lib/level{}-1.jar", level + 1);
        current = jar(&[(&path, &props), (&inner_name, &current)]);
    }
    current
}

#[test]
fn nesting_deeper_than_the_limit_is_skipped_with_a_warning() {
    let bytes = nest(10);
    let scan = scan_archive(&bytes, "level0-1.jar", &Limits::default()).unwrap();
    let levels: Vec<&str> = scan
        .packages
        .iter()
        .map(|p| p.artifact_id.as_str())
        .collect();
    assert_eq!(levels, ["level0", "level1", "level2", "level3", "level4"]);
    assert_eq!(scan.warnings.len(), 1, "{:?}", scan.warnings);
    assert!(has_warning(
        &scan,
        &["level5-1.jar", "nested more than 4 archives deep"]
    ));
    assert_eq!(
        scan.packages[4].location,
        "level0-1.jar!/lib/level1-1.jar!/lib/level2-1.jar!/lib/level3-1.jar!/lib/level4-1.jar"
    );

    let shallow = Limits {
        max_depth: 0,
        ..Limits::default()
    };
    let scan = scan_archive(&bytes, "level0-1.jar", &shallow).unwrap();
    assert_eq!(scan.packages.len(), 1);

    // An unbounded depth setting is capped rather than trusted.
    let deep = nest(MAX_DEPTH_CAP + 3);
    let unbounded = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    let scan = scan_archive(&deep, "level0-1.jar", &unbounded).unwrap();
    assert_eq!(scan.packages.len(), MAX_DEPTH_CAP + 1);
    assert!(has_warning(&scan, &["nested more than 32 archives deep"]));
}

#[test]
fn a_million_entries_are_refused_before_indexing() {
    let bytes = many_entries_zip(1_000_000);
    let started = Instant::now();
    let result = scan_archive(&bytes, "many.jar", &Limits::default());
    assert_eq!(
        result,
        Err(Error::TooManyEntries {
            declared: 1_000_000,
            limit: 100_000
        })
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn hand_built_many_entry_archive_is_otherwise_valid() {
    // Shows the refusal above comes from the entry cap, not from a broken file.
    let bytes = many_entries_zip(1000);
    assert!(scan_archive(&bytes, "many.jar", &Limits::default()).is_ok());
    let tight = Limits {
        max_entries: 999,
        ..Limits::default()
    };
    assert!(matches!(
        scan_archive(&bytes, "many.jar", &tight),
        Err(Error::TooManyEntries { declared: 1000, .. })
    ));
    // Nested, the same refusal is a warning.
    let outer = outer_with(&[("lib/many.jar", &bytes)]);
    let scan = scan_archive(&outer, "outer-1.jar", &tight).unwrap();
    assert_outer_found(&scan);
    assert!(has_warning(
        &scan,
        &["lib/many.jar", "declares 1000 entries"]
    ));
}

#[test]
fn scan_wide_entry_and_archive_budgets() {
    let inner = maven_jar("g", "inner", "1");
    let names: Vec<String> = (0..10).map(|i| format!("lib/inner{i}.jar")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), inner.as_slice()))
        .collect();
    let bytes = outer_with(&entries);

    let few_archives = Limits {
        max_archives: 4,
        ..Limits::default()
    };
    let scan = scan_archive(&bytes, "outer-1.jar", &few_archives).unwrap();
    assert_eq!(scan.packages.len(), 4);
    assert!(has_warning(
        &scan,
        &["inner9.jar", "scan-wide limit of 4 archives"]
    ));

    let few_entries = Limits {
        max_total_entries: 15,
        ..Limits::default()
    };
    let scan = scan_archive(&bytes, "outer-1.jar", &few_entries).unwrap();
    assert!(has_warning(&scan, &["scan-wide limit of 15 entries"]));
    assert!(scan.packages.len() < 11);
}

#[test]
fn truncated_archives() {
    let bytes = outer_with(&[("lib/x.jar", &maven_jar("g", "x", "1"))]);
    for cut in [0, 1, 10, bytes.len() / 2, bytes.len() - 1] {
        let result = scan_archive(&bytes[..cut], "outer-1.jar", &Limits::default());
        assert!(
            matches!(result, Err(Error::InvalidZip(_))),
            "cut at {cut}: {result:?}"
        );
    }

    let inner = maven_jar("g", "x", "1");
    let bytes = outer_with(&[("lib/x.jar", &inner[..inner.len() - 30])]);
    let scan = scan_archive(&bytes, "outer-1.jar", &Limits::default()).unwrap();
    assert_outer_found(&scan);
    assert_eq!(scan.packages.len(), 1);
    assert!(has_warning(
        &scan,
        &["outer-1.jar!/lib/x.jar", "invalid zip archive"]
    ));
}

#[test]
fn corrupt_central_directory() {
    let bytes = outer_with(&[("META-INF/MANIFEST.MF", b"Implementation-Title: x\n")]);
    let cd = central_directory_offset(&bytes);

    // A broken record signature makes the directory unreadable.
    let mut broken = bytes.clone();
    broken[cd..cd + 4].copy_from_slice(b"XXXX");
    assert!(matches!(
        scan_archive(&broken, "outer-1.jar", &Limits::default()),
        Err(Error::InvalidZip(_))
    ));

    // A record pointing its local header past the end opens but cannot be read.
    let mut dangling = bytes.clone();
    dangling[cd + 42..cd + 46].copy_from_slice(&0x7fff_fff0u32.to_le_bytes());
    let scan = scan_archive(&dangling, "outer-1.jar", &Limits::default()).unwrap();
    assert!(
        scan.packages
            .iter()
            .all(|p| p.evidence == drydock_java::Evidence::FileName),
        "{:?}",
        scan.packages
    );
    assert!(
        has_warning(&scan, &["outer/pom.properties", "unreadable entry"]),
        "{:?}",
        scan.warnings
    );

    // A name length running past the directory.
    let mut long_name = bytes.clone();
    long_name[cd + 28..cd + 30].copy_from_slice(&0xffffu16.to_le_bytes());
    assert!(scan_archive(&long_name, "outer-1.jar", &Limits::default()).is_err());

    // Every byte of the directory overwritten in turn: never a panic.
    for i in cd..bytes.len() {
        let mut mutated = bytes.clone();
        mutated[i] ^= 0xff;
        let _ = scan_archive(&mutated, "outer-1.jar", &Limits::default());
    }
}

#[test]
fn nested_archive_that_is_not_a_zip() {
    let bytes = outer_with(&[
        ("WEB-INF/lib/bad.jar", b"this is not a zip file"),
        ("WEB-INF/lib/empty.jar", b""),
        ("WEB-INF/lib/good-2.0.jar", &jar(&[("a", b"b")])),
    ]);
    let scan = scan_archive(&bytes, "outer-1.jar", &Limits::default()).unwrap();
    assert_outer_found(&scan);
    assert!(has_warning(
        &scan,
        &["outer-1.jar!/WEB-INF/lib/bad.jar", "invalid zip archive"]
    ));
    assert!(has_warning(
        &scan,
        &["outer-1.jar!/WEB-INF/lib/empty.jar", "invalid zip archive"]
    ));
    assert!(
        scan.packages
            .iter()
            .any(|p| p.artifact_id == "good" && p.version == "2.0")
    );
}

#[test]
fn garbage_and_huge_lines_in_pom_properties() {
    let mut garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    garbage.extend_from_slice(b"\nversion=7.1\ngroupId=org.g\n");
    let mut huge_line = b"artifactId=".to_vec();
    huge_line.resize(900 * 1024, b'x');
    huge_line.extend_from_slice(b"\nversion=1\n");
    let mut huge_version = b"version=".to_vec();
    huge_version.resize(10_000, b'9');
    let too_big = vec![b'#'; 2 * 1024 * 1024];
    let bytes = jar(&[
        ("META-INF/maven/org.g/garbage/pom.properties", &garbage),
        ("META-INF/maven/org.g/huge-line/pom.properties", &huge_line),
        (
            "META-INF/maven/org.g/huge-version/pom.properties",
            &huge_version,
        ),
        ("META-INF/maven/org.g/too-big/pom.properties", &too_big),
    ]);
    let started = Instant::now();
    let scan = scan_archive(&bytes, "x.jar", &Limits::default()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    let got: Vec<_> = scan
        .packages
        .iter()
        .map(|p| {
            (
                p.group_id.as_deref(),
                p.artifact_id.as_str(),
                p.version.as_str(),
            )
        })
        .collect();
    // The garbage file still yields its readable keys; the overlong artifactId
    // is dropped in favour of the path.
    assert_eq!(
        got,
        vec![
            (Some("org.g"), "garbage", "7.1"),
            (Some("org.g"), "huge-line", "1"),
        ]
    );
    assert!(has_warning(
        &scan,
        &["huge-version/pom.properties", "no usable version"]
    ));
    assert!(has_warning(
        &scan,
        &["too-big/pom.properties", "more than the limit"]
    ));
}

#[test]
fn manifest_with_endless_continuation_lines() {
    let mut manifest = b"Manifest-Version: 1.0\nImplementation-Title: app\n".to_vec();
    while manifest.len() < 1024 * 1024 - 100 {
        manifest.extend_from_slice(b" continued\n");
    }
    manifest.extend_from_slice(b"Implementation-Version: 3\n");
    let bytes = jar(&[("META-INF/MANIFEST.MF", &manifest)]);
    let started = Instant::now();
    let scan = scan_archive(&bytes, "app-9.jar", &Limits::default()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    // The overlong title is discarded, so the file name names the artifact
    // while the manifest still supplies nothing else usable as identity.
    assert_eq!(scan.packages.len(), 1);
    assert_eq!(scan.packages[0].artifact_id, "app");
    assert_eq!(scan.packages[0].version, "9");

    let mut endless = b"Implementation-Title: x\n".to_vec();
    endless.resize(3 * 1024 * 1024, b' ');
    let bytes = jar(&[("META-INF/MANIFEST.MF", &endless)]);
    let scan = scan_archive(&bytes, "app-9.jar", &Limits::default()).unwrap();
    assert!(has_warning(
        &scan,
        &["META-INF/MANIFEST.MF", "more than the limit"]
    ));
}

#[test]
fn warnings_are_capped() {
    let names: Vec<String> = (0..50).map(|i| format!("lib/bad{i}.jar")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"nope"[..])).collect();
    let bytes = jar(&entries);
    let limits = Limits {
        max_warnings: 10,
        ..Limits::default()
    };
    let scan = scan_archive(&bytes, "x.jar", &limits).unwrap();
    assert_eq!(scan.warnings.len(), 11);
    assert_eq!(scan.warnings[10], "40 further warnings suppressed");
}

#[test]
fn control_characters_in_names_are_neutralised() {
    let inner = jar(&[("a", b"b")]);
    let bytes = jar(&[("lib/\u{1b}[31mevil\n-1.0.jar", &inner)]);
    let scan = scan_archive(&bytes, "x\r.jar", &Limits::default()).unwrap();
    let p = &scan.packages[0];
    assert!(
        !p.location.chars().any(char::is_control),
        "{:?}",
        p.location
    );
    assert!(
        p.location
            .starts_with("x\u{fffd}.jar!/lib/\u{fffd}[31mevil\u{fffd}-1.0.jar")
    );
}
