//! SemVer 2.0 precedence (spec §11) for the Semver, Npm and Cargo schemes,
//! with the tolerated deviations (leading `v`/`=`, missing minor/patch).

mod common;

use common::{assert_all_equal, assert_chain, assert_invalid, assert_table};
use drydock_version::Scheme;

const SPEC_CHAIN: &[&str] = &[
    "0.9.9",
    "1.0.0-0",
    "1.0.0-1",
    "1.0.0-10",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "1.10.0",
    "2.0.0",
    "2.1.0",
    "2.1.1",
    "18446744073709551615.0.0",
];

#[test]
fn semver_spec_precedence() {
    for scheme in [Scheme::Semver, Scheme::Npm, Scheme::Cargo] {
        assert_chain(scheme, SPEC_CHAIN);
        assert_all_equal(
            scheme,
            &[
                "1.0.0",
                "1.0.0+20130313144700",
                "1.0.0+exp.sha.5114f85",
                "v1.0.0",
            ],
        );
        assert_all_equal(scheme, &["1.2", "1.2.0", "v1.2", "1.2+build"]);
        assert_all_equal(scheme, &["1.2-rc.1", "1.2.0-rc.1", "v1.2.0-rc.1+x"]);
        assert_table(
            scheme,
            &[
                ("1.2.3-alpha.10", ">", "1.2.3-alpha.9"),
                ("1.2.3-alpha.9", "<", "1.2.3-alpha.a"),
                ("1.2.3-Alpha", "<", "1.2.3-alpha"),
                ("1.2.3-alpha-1", ">", "1.2.3-alpha"),
                ("1", "<", "1.0.1"),
                ("0.3.4", "<", "0.10.0"),
            ],
        );
        assert_invalid(
            scheme,
            &[
                "01.1.1",
                "1.01.1",
                "1.1.01",
                "1.2.3-01",
                "1.2.3.4",
                "1.2.3-",
                "1.2.3+",
                "a.b.c",
                "1.2.3-alpha..1",
                "1.2.3-al_pha",
                "x1.2.3",
                "1.2.3 4",
                "18446744073709551616.0.0",
            ],
        );
    }
}

#[test]
fn npm_prefixes() {
    assert_all_equal(
        Scheme::Npm,
        &[
            "1.2.3",
            "=1.2.3",
            "v1.2.3",
            "=v1.2.3",
            " =v1.2.3 ",
            "\t1.2.3\n",
        ],
    );
    assert_invalid(Scheme::Semver, &["=1.2.3", " 1.2.3"]);
}
