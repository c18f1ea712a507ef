//! NuGet version precedence.

mod common;

use common::{assert_all_equal, assert_chain, assert_invalid};
use drydock_version::Scheme;

#[test]
fn nuget_precedence() {
    assert_chain(
        Scheme::Nuget,
        &[
            "0.9.9.9",
            "1.0.0-1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.9",
            "1.0.0-alpha.10",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1-preview.1",
            "1.0.1",
            "4.0.0-rc-1",
            "4.0.0-rc-2",
            "4.0.0",
            "10.0.0",
        ],
    );
    assert_all_equal(
        Scheme::Nuget,
        &["1.0", "1.0.0", "1.0.0.0", "1", "01.0.0", "1.0.0+metadata"],
    );
    assert_all_equal(
        Scheme::Nuget,
        &["1.0.0-BETA", "1.0.0-beta", "1.0.0-Beta+build.7"],
    );
    assert_invalid(
        Scheme::Nuget,
        &[
            "v1.0",
            "1.0.0.0.0",
            "1.",
            "1.0-",
            "1.0-a..b",
            "1.0+",
            "1.a",
            "1.0 -beta",
        ],
    );
}
