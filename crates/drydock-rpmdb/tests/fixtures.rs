//! Every database format built from the same three packages (see
//! testdata/README.md) must yield exactly those packages.

use drydock_rpmdb::{DbFormat, Limits, RpmPackage, detect_format, parse};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// In instance order: rpm installed the transaction as gamma, beta, alpha.
fn expected() -> Vec<RpmPackage> {
    let s = |v: &str| Some(v.to_owned());
    vec![
        RpmPackage {
            name: "drydock-gamma".into(),
            epoch: None,
            version: "0.1~rc1".into(),
            release: "0.1.module+el9+123".into(),
            arch: s("noarch"),
            source_rpm: s("drydock-gamma-0.1~rc1-0.1.module+el9+123.src.rpm"),
            license: s("Apache-2.0 AND MIT"),
            vendor: None,
            size: Some(6),
            modularity_label: s("gamma:0.1:20240101:abcdef"),
            files: vec!["/opt/gamma".into(), "/opt/gamma/lib/libgamma.txt".into()],
            files_truncated: false,
        },
        RpmPackage {
            name: "drydock-beta".into(),
            epoch: Some(2),
            version: "3.4.5".into(),
            release: "6.fc99".into(),
            arch: s("noarch"),
            source_rpm: s("drydock-beta-3.4.5-6.fc99.src.rpm"),
            license: s("GPL-2.0-or-later"),
            vendor: None,
            size: Some(12),
            modularity_label: None,
            files: vec![
                "/etc/drydock-beta.conf".into(),
                "/usr/share/doc/drydock-beta/README".into(),
            ],
            files_truncated: false,
        },
        RpmPackage {
            name: "drydock-alpha".into(),
            epoch: None,
            version: "1.0".into(),
            release: "1".into(),
            arch: s("noarch"),
            source_rpm: s("drydock-alpha-1.0-1.src.rpm"),
            license: s("MIT"),
            vendor: s("Drydock Test"),
            size: Some(27),
            modularity_label: None,
            files: vec![
                "/usr/bin/drydock-alpha".into(),
                "/usr/share/drydock-alpha/a.txt".into(),
            ],
            files_truncated: false,
        },
    ]
}

fn check(name: &str, format: DbFormat) {
    let bytes = fixture(name);
    assert_eq!(detect_format(&bytes), Some(format), "{name}");
    let parsed = parse(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(parsed.format, format);
    assert!(parsed.warnings.is_empty(), "{name}: {:?}", parsed.warnings);
    assert_eq!(parsed.packages, expected(), "{name}");
}

#[test]
fn sqlite_fixture() {
    check("rpmdb.sqlite", DbFormat::Sqlite);
}

#[test]
fn sqlite_fixture_is_in_wal_mode() {
    // the fixture keeps rpm's WAL header so the in-memory open path that
    // rewrites it is exercised
    let bytes = fixture("rpmdb.sqlite");
    assert_eq!(&bytes[18..20], &[2, 2]);
}

#[test]
fn berkeley_db_big_endian_overflow_pages() {
    check("Packages.bdb-be", DbFormat::BerkeleyDb);
}

#[test]
fn berkeley_db_little_endian_inline_items() {
    check("Packages.bdb-le", DbFormat::BerkeleyDb);
}

#[test]
fn ndb_fixture() {
    check("Packages.ndb", DbFormat::Ndb);
}

#[test]
fn derived_fields() {
    let parsed = parse(&fixture("Packages.ndb"), &Limits::default()).unwrap();
    let beta = &parsed.packages[1];
    assert_eq!(beta.evr(), "2:3.4.5-6.fc99");
    assert_eq!(
        beta.source_name_version(),
        Some(("drydock-beta".into(), "3.4.5-6.fc99".into()))
    );
    let gamma = &parsed.packages[0];
    assert_eq!(gamma.evr(), "0.1~rc1-0.1.module+el9+123");
    assert_eq!(
        gamma.source_name_version(),
        Some(("drydock-gamma".into(), "0.1~rc1-0.1.module+el9+123".into()))
    );
}

#[test]
fn package_limit_stops_with_a_warning() {
    let limits = Limits {
        max_packages: 2,
        ..Limits::default()
    };
    for name in [
        "rpmdb.sqlite",
        "Packages.bdb-be",
        "Packages.bdb-le",
        "Packages.ndb",
    ] {
        let parsed = parse(&fixture(name), &limits).unwrap();
        assert_eq!(parsed.packages.len(), 2, "{name}");
        assert!(
            parsed.warnings.iter().any(|w| w.contains("limit")),
            "{name}: {:?}",
            parsed.warnings
        );
    }
}

#[test]
fn total_file_limit_truncates_later_packages() {
    let limits = Limits {
        max_total_files: 3,
        ..Limits::default()
    };
    let parsed = parse(&fixture("rpmdb.sqlite"), &limits).unwrap();
    let counts: Vec<_> = parsed.packages.iter().map(|p| p.files.len()).collect();
    assert_eq!(counts, [2, 1, 0]);
    assert!(parsed.packages[1].files_truncated);
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
}

#[test]
fn total_file_bytes_limit_truncates_later_packages() {
    let limits = Limits {
        max_total_file_bytes: 40,
        ..Limits::default()
    };
    // gamma comes first and its two paths take 37 bytes; nothing else fits
    let parsed = parse(&fixture("rpmdb.sqlite"), &limits).unwrap();
    let counts: Vec<_> = parsed.packages.iter().map(|p| p.files.len()).collect();
    assert_eq!(counts, [2, 0, 0]);
    assert!(parsed.packages[1].files_truncated);
    assert!(parsed.warnings.iter().any(|w| w.contains("database-wide")));
}
