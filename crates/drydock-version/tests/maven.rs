//! Maven `ComparableVersion` ordering, checked against the behaviour Maven's
//! own `ComparableVersionTest` pins down (qualifier and number chains,
//! aliases, MNG-5568, MNG-6572, MNG-6964, MNG-7644, MNG-7714), restated as
//! tables.

mod common;

use std::cmp::Ordering;

use common::{assert_all_equal, assert_chain, assert_table};
use drydock_version::{Scheme, compare};

const M: Scheme = Scheme::Maven;

#[test]
fn qualifier_chain() {
    assert_chain(
        M,
        &[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ],
    );
}

#[test]
fn number_chain() {
    assert_chain(
        M,
        &[
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
            "11", "11.a", "11b", "11c", "11m",
        ],
    );
}

#[test]
fn equal_spellings() {
    let groups: &[&[&str]] = &[
        &["1", "1.0", "1.0.0", "1-0", "1.0-0", "1.0.0-0"],
        &["1a", "1-a", "1.0-a", "1.0.0-a", "1.0a", "1.0.0a", "1A"],
        &["1x", "1-x", "1.0-x", "1.0.0-x", "1.0x", "1.0.0x", "1X"],
        &["1cr", "1rc", "1Cr", "1Rc", "1cR", "1rC"],
        &["1a1", "1-alpha-1", "1alpha1", "1ALPHA1"],
        &["1b2", "1-beta-2", "1beta2"],
        &[
            "1m3",
            "1-milestone-3",
            "1Milestone3",
            "1MileStone3",
            "1MILESTONE3",
        ],
        &["1B", "1b"],
        &["1M", "1m"],
        &[
            "1-abcdefghijklmnopqrstuvwxyz",
            "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        ],
        &["1.0.0-alpha1", "1.0.0-ALPHA1"],
        &["1.a", "1.A"],
        &["1.é", "1.É"],
    ];
    for group in groups {
        assert_all_equal(M, group);
    }
    // Release qualifiers sort like no qualifier (Maven keeps them distinct
    // for equals(), but compareTo() is 0).
    for v in [
        "1ga", "1release", "1final", "1Ga", "1GA", "1RELEASE", "1RELeaSE", "1Final", "1FinaL",
        "1FINAL",
    ] {
        assert_eq!(compare(M, v, "1"), Ok(Ordering::Equal), "{v}");
        assert_eq!(compare(M, "1", v), Ok(Ordering::Equal), "{v}");
    }
}

#[test]
fn pairwise_order() {
    assert_table(
        M,
        &[
            ("1", "<", "2"),
            ("1.5", "<", "2"),
            ("1", "<", "2.5"),
            ("1.0", "<", "1.1"),
            ("1.1", "<", "1.2"),
            ("1.0.0", "<", "1.1"),
            ("1.0.1", "<", "1.1"),
            ("1.1", "<", "1.2.0"),
            ("1.0-alpha-1", "<", "1.0"),
            ("1.0-alpha-1", "<", "1.0-alpha-2"),
            ("1.0-alpha-1", "<", "1.0-beta-1"),
            ("1.0-beta-1", "<", "1.0-SNAPSHOT"),
            ("1.0-SNAPSHOT", "<", "1.0"),
            ("1.0-alpha-1-SNAPSHOT", "<", "1.0-alpha-1"),
            ("1.0", "<", "1.0-1"),
            ("1.0-1", "<", "1.0-2"),
            ("1.0.0", "<", "1.0-1"),
            ("2.0-1", "<", "2.0.1"),
            ("2.0.1-klm", "<", "2.0.1-lmn"),
            ("2.0.1", "<", "2.0.1-xyz"),
            ("2.0.1", "<", "2.0.1-123"),
            ("2.0.1-xyz", "<", "2.0.1-123"),
            // Leading zeros.
            ("0.7", "<", "2"),
            ("0.2", "<", "1.0.7"),
            // Digits beat letters, letters compare lexically.
            ("7", ">", "J"),
            ("7", ">", "c"),
            ("1", ">", "é"),
            ("1", ">", "\u{0668}"),
            ("9", ">", "\u{0668}"),
            ("1", ">", "\u{1D7E4}"),
            ("zebra", ">", "aardvark"),
            ("ζέβρα", ">", "zebra"),
            // MNG-5568: transitivity with an odd middle version.
            ("6.1.0rc3", "<", "6.1.0"),
            ("6.1.0rc3", "<", "6.1H.5-beta"),
            ("6.1.0", "<", "6.1H.5-beta"),
            // MNG-6572: long numbers.
            ("20190126.230843", "<", "1234567890.12345"),
            ("1234567890.12345", "<", "123456789012345.1H.5-beta"),
            ("20190126.230843", "<", "123456789012345.1H.5-beta"),
            (
                "123456789012345.1H.5-beta",
                "<",
                "12345678901234567890.1H.5-beta",
            ),
            ("1234567890.12345", "<", "12345678901234567890.1H.5-beta"),
            ("20190126.230843", "<", "12345678901234567890.1H.5-beta"),
            // MNG-6964: qualifiers starting with -0.
            ("1-0.alpha", "<", "1"),
            ("1-0.beta", "<", "1"),
            ("1-0.alpha", "<", "1-0.beta"),
            // MNG-7714: sp after final.
            ("1.0.final-redhat", "<", "1.0-sp1-redhat"),
            ("1.0.final-redhat", "<", "1.0-sp-1-redhat"),
            ("1.0.final-redhat", "<", "1.0-sp.1-redhat"),
            // A release qualifier with a number: the number decides.
            ("1-ga1", ">", "1"),
            ("1-ga1", "<", "1-ga2"),
            ("1-ga1", ">", "1-ga"),
            ("1-ga0", "=", "1-ga"),
            ("1-final0", "=", "1"),
            ("1-rc1", ">", "1-rc"),
            ("1-rc0", ">", "1-rc"),
            // The usual Maven Central shapes.
            ("2.17.0", ">", "2.17.0-rc1"),
            ("2.15.0-rc2", ">", "2.15.0-rc1"),
            ("5.3.18", "<", "5.3.20"),
            ("3.0.0-M1", "<", "3.0.0"),
            ("3.0.0-M9", "<", "3.0.0-M10"),
            ("1.2.3.Final", "=", "1.2.3"),
            ("4.1.68.Final", "<", "4.1.77.Final"),
            ("2.0.0.RELEASE", "=", "2.0.0"),
            ("9.4.44.v20210927", "<", "9.4.45.v20220203"),
            ("31.1-jre", "<", "32.0.0-jre"),
            ("31.1-android", "<", "31.1-jre"),
        ],
    );
}

#[test]
fn leading_zeros_do_not_matter() {
    let ones: Vec<String> = (0..19).map(|n| format!("{}1", "0".repeat(n))).collect();
    let zeros: Vec<String> = (1..20).map(|n| "0".repeat(n)).collect();
    for group in [ones, zeros] {
        let refs: Vec<&str> = group.iter().map(String::as_str).collect();
        assert_all_equal(M, &refs);
    }
}

#[test]
fn dot_and_dash_qualifiers_mng7644() {
    for x in [
        "abc",
        "alpha",
        "a",
        "beta",
        "b",
        "def",
        "milestone",
        "m",
        "RC",
    ] {
        let dotted = format!("1.0.0.{x}1");
        let dashed = format!("1.0.0-{x}2");
        assert_eq!(
            compare(M, &dotted, &dashed),
            Ok(Ordering::Less),
            "{dotted} < {dashed}"
        );
        assert_eq!(
            compare(M, &dashed, &dotted),
            Ok(Ordering::Greater),
            "{dashed} > {dotted}"
        );
        let group = [format!("2-{x}"), format!("2.0.{x}"), format!("2.0.0.{x}")];
        let refs: Vec<&str> = group.iter().map(String::as_str).collect();
        assert_all_equal(M, &refs);
    }
}
