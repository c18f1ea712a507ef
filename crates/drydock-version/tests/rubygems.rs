//! RubyGems `Gem::Version` ordering.

mod common;

use common::{assert_all_equal, assert_chain, assert_invalid};
use drydock_version::Scheme;

#[test]
fn gem_ordering() {
    assert_chain(
        Scheme::RubyGems,
        &[
            "0.0.1.a",
            "0.0.1",
            "0.9",
            "1.0.0.a",
            "1.0.0.a9",
            "1.0.0.a10",
            "1.0.0.b1",
            // A pre-release of the pre-release sorts before it.
            "1.0.0.pre.rc1",
            "1.0.0.pre",
            "1.0.0.rc1",
            "1.0.0.rc2",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "1.8.2",
            "1.8.10",
            "5.2.4.3",
            "5.2.4.4",
            "6.0.0.beta1",
            "6.0.0.rc1",
            "6.0.0",
            "9.8.7",
        ],
    );
}

#[test]
fn gem_canonical_equality() {
    let groups: &[&[&str]] = &[
        &["1", "1.0", "1.0.0", " 1.0 ", "01"],
        &["1.a", "1.0.a", "1.0.0.a", "1.0.a.0", "1.0.0.a.0.0"],
        &["1.0.0-rc1", "1.0.0.pre.rc1", "1.0.0.pre.rc.1", "1.0.0-rc.1"],
        &["1.0.0.pre1", "1.0.0.pre.1"],
    ];
    for group in groups {
        assert_all_equal(Scheme::RubyGems, group);
    }
}

#[test]
fn gem_rejects_malformed() {
    assert_invalid(
        Scheme::RubyGems,
        &[
            "junk",
            "1.0\n2.0",
            "1..2",
            "1.2 3.4",
            "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
            "v1.0",
            "1.0-",
            "-1",
            "1_0",
        ],
    );
}
