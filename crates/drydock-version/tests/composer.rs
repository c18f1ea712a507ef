//! Composer version ordering (normalized versions under PHP's
//! `version_compare()`).

mod common;

use common::{assert_all_equal, assert_chain, assert_invalid};
use drydock_version::Scheme;

#[test]
fn composer_stability_order() {
    assert_chain(
        Scheme::Composer,
        &[
            "0.9",
            "1.0.0-dev",
            "1.0.0-alpha",
            "1.0.0-alpha1",
            "1.0.0-alpha2",
            "1.0.0-beta1-dev",
            "1.0.0-beta1",
            "1.0.0-beta2",
            "1.0.0-beta10",
            "1.0.0-RC1",
            "1.0.0-RC1.1",
            "1.0.0-RC2",
            "1.0.0",
            "1.0.0-p1",
            "1.0.0-patch2",
            "1.0.0.1",
            "1.0.1-dev",
            "1.0.1",
            "1.10",
            "2.0.0.0-beta",
        ],
    );
    let groups: &[&[&str]] = &[
        &[
            "1.2.3",
            "v1.2.3",
            "1.2.3.0",
            "V1.2.3",
            "1.2.3+build.1",
            "1.2.3-stable",
            "1.2.3.stable",
        ],
        &[
            "1.0.0-beta2",
            "1.0.0-b2",
            "1.0.0.beta.2",
            "1.0.0beta2",
            "1.0.0-BETA2",
            "1.0.0_beta2",
        ],
        &["1.0-RC1", "1.0.0-rc1", "1.0.0.RC.1", "1.0.0-rc.1"],
        &["1.0.0-pl1", "1.0.0-patch1", "1.0.0-p1"],
        &["1.0.0-alpha2-dev", "1.0.0-alpha2.dev", "1.0.0-a2dev"],
    ];
    for group in groups {
        assert_all_equal(Scheme::Composer, group);
    }
    assert_invalid(
        Scheme::Composer,
        &[
            "dev-main",
            "dev-feature/x",
            "2.x-dev",
            "1.0.x-dev",
            "1.0.0.0.0",
            "1.0-foo",
            "master",
            "1..2",
            "1.0.0-1",
        ],
    );
}
