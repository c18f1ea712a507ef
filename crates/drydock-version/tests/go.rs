//! Go module, pseudo- and toolchain version ordering, as the go command
//! orders them (golang.org/x/mod/semver, go/version).

mod common;

use common::{assert_all_equal, assert_chain, assert_invalid};
use drydock_version::Scheme;

#[test]
fn go_module_versions() {
    assert_chain(
        Scheme::Go,
        &[
            "v0.0.0-20190101000000-aaaaaaaaaaaa",
            "v0.0.0-20210101000000-abcdef123456",
            "v0.0.1-0.20210101000000-abcdef123456",
            "v0.0.1",
            "v0.1.0",
            "v1.0.0-rc.1",
            "v1.0.0",
            "v1.2.3",
            "v1.2.4-0.20200101000000-abcdef123456",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20210101000000-abcdef123456",
            "v1.2.4",
            "v2.0.0+incompatible",
            "v2.0.1",
        ],
    );
    assert_all_equal(
        Scheme::Go,
        &["v2.0.0+incompatible", "v2.0.0", "2.0.0", "v2", "v2.0"],
    );
    assert_invalid(
        Scheme::Go,
        &["vx", "v1.2.3.4", "v01.2.3", "v1.2.3-", "latest", "master"],
    );
}

#[test]
fn go_toolchain_versions() {
    assert_chain(
        Scheme::Go,
        &[
            "go1",
            "go1.9beta2",
            "go1.9rc1",
            "go1.9",
            "go1.9.1",
            "go1.10",
            "1.19.8",
            "go1.19.9",
            "go1.20",
            "go1.21rc2",
            "go1.21rc10",
            "go1.21.0",
            "1.21.1",
            "go1.22.0",
        ],
    );
    assert_all_equal(Scheme::Go, &["go1.19.8", "1.19.8", "v1.19.8"]);
    assert_all_equal(Scheme::Go, &["go1.21rc2", "1.21.0-rc.2", "v1.21.0-rc.2"]);
    assert_all_equal(Scheme::Go, &["go1.20", "1.20.0", "1.20"]);
    assert_invalid(
        Scheme::Go,
        &[
            "go",
            "go1.",
            "go1.21rc",
            "go1.21-rc2",
            "go1.21.0.1",
            "gox",
            "go 1.20",
        ],
    );
}
