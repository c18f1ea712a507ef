//! The fallback scheme: numeric and alphabetic runs.

mod common;

use common::{assert_all_equal, assert_chain};
use drydock_version::Scheme;

#[test]
fn generic_order() {
    assert_chain(
        Scheme::Generic,
        &[
            "alpha", "0.9", "1.0alpha", "1.0beta", "1.0rc1", "1.0", "1.0.1", "1.0.10", "1.1", "2",
            "2024.1",
        ],
    );
    assert_all_equal(
        Scheme::Generic,
        &["1.0rc1", "1-0-RC-1", "1.0.rc.1", "1_0_rc1"],
    );
    assert_all_equal(Scheme::Generic, &["01.002", "1.2", "1+2"]);
}
