//! What the CLI integration tests share: where the shared corpus is, and how
//! to run the `drydock` binary under test with a reproducible clock and one
//! layer cache per test binary (so images scanned by several tests exercise
//! both the cold and the cached path).

// Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

/// `$DRYDOCK_SHARED`, else `../shared` beside the repository.
pub fn shared() -> PathBuf {
    std::env::var_os("DRYDOCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// A sample image of the shared corpus; a missing one fails the test with a
/// hint.
pub fn image_path(name: &str) -> PathBuf {
    let p = shared().join("corpus/images").join(name);
    assert!(
        p.exists(),
        "sample image {} is missing (set DRYDOCK_SHARED)",
        p.display()
    );
    p
}

/// [`image_path`] as a command-line argument.
pub fn image(name: &str) -> String {
    image_path(name).display().to_string()
}

static CACHE: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("cache dir"));

/// `drydock ARGS` with `SOURCE_DATE_EPOCH` and this binary's layer cache set;
/// callers add what else their environment needs.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_drydock"));
    c.args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("DRYDOCK_CACHE_DIR", CACHE.path());
    c
}

/// Runs [`command`].
pub fn drydock(args: &[&str]) -> Output {
    command(args).output().expect("run drydock")
}

/// A directory that lives as long as this test binary (the layer cache's),
/// for files several tests share.
pub fn scratch() -> &'static Path {
    CACHE.path()
}
