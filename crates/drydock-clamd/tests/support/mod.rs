//! Shared helpers of the integration tests: a real clamd through the `testing` feature.

#![allow(dead_code)] // each test binary uses a different subset

use drydock_clamd::testing::{Signature, TestClamd, TestClamdOptions};

/// Pattern of the body signature [`BODY_SIGNATURE`].
pub const BODY_PATTERN: &[u8] = b"drydock-test-body-marker-0c61";
/// Name of the body signature loaded by [`start`].
pub const BODY_SIGNATURE: &str = "Drydock.Test.Body";
/// Name of the hash signature of [`hashed_file`].
pub const HASH_SIGNATURE: &str = "Drydock.Test.Hash";

/// Content of a generated "malicious" test file detected by its SHA-256 only.
pub fn hashed_file() -> Vec<u8> {
    (0..5000u32)
        .flat_map(|i| (i.wrapping_mul(2_654_435_761)).to_le_bytes())
        .collect()
}

/// The standard signature set: EICAR (hash), a body pattern, a generated file's hash.
pub fn signatures() -> Vec<Signature> {
    vec![
        Signature::eicar(),
        Signature::body(BODY_SIGNATURE, BODY_PATTERN),
        Signature::hash(HASH_SIGNATURE, &hashed_file()),
    ]
}

/// A private clamd with [`signatures`], or `None` (skip) when clamd is not installed and
/// `DRYDOCK_REQUIRE_CLAMD` is not `1`. Any other failure fails the test.
pub fn start() -> Option<TestClamd> {
    start_with(&TestClamdOptions::default())
}

/// [`start`] with options.
pub fn start_with(options: &TestClamdOptions) -> Option<TestClamd> {
    match TestClamd::start_or_skip_with(&signatures(), options) {
        Ok(clamd) => clamd,
        Err(e) => panic!("{e}"),
    }
}

/// Deterministic pseudo-random bytes (xorshift), for clean content.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[3]
        })
        .collect()
}
