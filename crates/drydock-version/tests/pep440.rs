//! PEP 440 ordering and normalization, from the examples in the PEP.

mod common;

use common::{assert_all_equal, assert_chain, assert_invalid};
use drydock_version::Scheme;

#[test]
fn pep440_summary_ordering() {
    // The ordering example of PEP 440 ("Summary of permitted suffixes and
    // relative ordering"), extended with epochs and neighbours.
    assert_chain(
        Scheme::Pep440,
        &[
            "0.9",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "1.1",
            "2013.10",
            "1!0.1",
            "2!0.0.dev0",
        ],
    );
}

#[test]
fn pep440_normalization() {
    let groups: &[&[&str]] = &[
        &["1", "1.0", "1.0.0", "v1.0", "V1", " 1.0 ", "0!1.0", "01.00"],
        &[
            "1.0rc1",
            "1.0RC1",
            "1.0c1",
            "1.0-rc-1",
            "1.0.rc.1",
            "1.0_rc1",
            "1.0-preview1",
            "1.0pre1",
        ],
        &["1.0a0", "1.0a", "1.0.alpha", "1.0-ALPHA-0"],
        &["1.0b2", "1.0beta2", "1.0.b.2"],
        &[
            "1.0.post1",
            "1.0post1",
            "1.0-post1",
            "1.0-1",
            "1.0.r1",
            "1.0-rev1",
        ],
        &["1.0.dev0", "1.0dev", "1.0-dev"],
        &[
            "1.0+ubuntu.1",
            "1.0+ubuntu-1",
            "1.0+ubuntu_1",
            "1.0+UBUNTU.1",
        ],
    ];
    for group in groups {
        assert_all_equal(Scheme::Pep440, group);
    }
}

#[test]
fn pep440_rejects_non_versions() {
    assert_invalid(
        Scheme::Pep440,
        &[
            "not-a-version",
            "latest",
            "1.0-",
            "1.0.x",
            "1.0+",
            "1..0",
            "1.0a-b",
            "1.0 2",
            "*",
            "1.0.*",
            "=1.0",
        ],
    );
}
