//! Acceptance tests against a real clamd (Debian `clamav-daemon`) with a generated custom-only
//! signature database. Skipped when clamd is not installed, unless DRYDOCK_REQUIRE_CLAMD=1.

mod support;

use std::time::Duration;

use drydock_clamd::testing::{EICAR, Signature, TestClamd, TestClamdOptions};
use drydock_clamd::{ClamdAddr, ClamdClient, ClamdError, ClamdVerdict};
use rayon::prelude::*;
use support::{BODY_PATTERN, BODY_SIGNATURE, HASH_SIGNATURE, hashed_file, noise};

fn found(name: &str) -> ClamdVerdict {
    ClamdVerdict::Found {
        signature: format!("{name}.UNOFFICIAL"),
    }
}

/// EICAR must be found. With our custom-only database clamd 1.4.6 reports our signature;
/// a clamd that also knows EICAR by itself (built-in or official database) may report its own
/// name, which is accepted too.
fn assert_eicar_found(verdict: &ClamdVerdict) {
    let ClamdVerdict::Found { signature } = verdict else {
        panic!("EICAR not detected: {verdict:?}");
    };
    let ours = Signature::eicar().reported_name();
    assert!(
        *signature == ours || signature.to_ascii_lowercase().contains("eicar"),
        "EICAR detected under an unexpected name {signature:?}"
    );
}

fn both_addrs(clamd: &TestClamd) -> [ClamdAddr; 2] {
    [clamd.unix_addr(), clamd.tcp_addr()]
}

#[test]
fn ping_and_version_over_unix_and_tcp() {
    let Some(clamd) = support::start() else {
        return;
    };
    eprintln!(
        "clamd startup with a custom-only database: {:?}",
        clamd.startup_time()
    );
    for addr in both_addrs(&clamd) {
        let client = clamd.client(addr.clone());
        client.ping().unwrap_or_else(|e| panic!("{e}"));
        let version = client.version().unwrap_or_else(|e| panic!("{e}"));
        assert!(version.starts_with("ClamAV "), "{addr}: {version:?}");
    }
}

#[test]
fn eicar_found_over_unix() {
    let Some(clamd) = support::start() else {
        return;
    };
    let verdict = clamd.client(clamd.unix_addr()).scan_bytes(EICAR).unwrap();
    assert_eicar_found(&verdict);
    assert_eq!(verdict, found("Drydock.Test.EICAR"));
}

#[test]
fn eicar_found_over_tcp() {
    let Some(clamd) = support::start() else {
        return;
    };
    let verdict = clamd.client(clamd.tcp_addr()).scan_bytes(EICAR).unwrap();
    assert_eicar_found(&verdict);
}

#[test]
fn body_signature_found_across_chunk_boundaries() {
    let Some(clamd) = support::start() else {
        return;
    };
    let mut data = noise(100_000, 7);
    data.splice(54_321..54_321, BODY_PATTERN.iter().copied());
    for addr in both_addrs(&clamd) {
        for chunk in [5, 4096, 1 << 20] {
            let verdict = clamd
                .client(addr.clone())
                .chunk_size(chunk)
                .scan_bytes(&data);
            assert_eq!(
                verdict.unwrap(),
                found(BODY_SIGNATURE),
                "{addr}, chunk {chunk}"
            );
        }
    }
}

#[test]
fn hash_signature_matches_exact_content_only() {
    let Some(clamd) = support::start() else {
        return;
    };
    let client = clamd.client(clamd.unix_addr());
    let file = hashed_file();
    assert_eq!(client.scan_bytes(&file).unwrap(), found(HASH_SIGNATURE));
    let mut changed = file.clone();
    if let Some(b) = changed.get_mut(100) {
        *b ^= 1;
    }
    assert_eq!(client.scan_bytes(&changed).unwrap(), ClamdVerdict::Clean);
    assert_eq!(client.scan_bytes(&file[1..]).unwrap(), ClamdVerdict::Clean);
}

#[test]
fn clean_content_is_clean() {
    let Some(clamd) = support::start() else {
        return;
    };
    let cases: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"#!/bin/sh\necho hello\n".to_vec(),
        // EICAR minus its last byte: not the hashed content any more.
        EICAR[..EICAR.len() - 1].to_vec(),
        noise(1 << 20, 42),
    ];
    for addr in both_addrs(&clamd) {
        let client = clamd.client(addr.clone());
        for data in &cases {
            assert_eq!(
                client.scan_bytes(data).unwrap(),
                ClamdVerdict::Clean,
                "{addr}, {} bytes",
                data.len()
            );
        }
    }
}

#[test]
fn stream_at_the_limit_is_scanned() {
    let Some(clamd) = support::start() else {
        return;
    };
    let limit = usize::try_from(clamd.stream_max_length()).unwrap();
    let mut data = noise(limit, 3);
    let tail = data.len() - BODY_PATTERN.len();
    data[tail..].copy_from_slice(BODY_PATTERN);
    let verdict = clamd.client(clamd.unix_addr()).scan_bytes(&data).unwrap();
    assert_eq!(verdict, found(BODY_SIGNATURE));
}

#[test]
fn oversized_stream_is_refused_by_the_client() {
    let Some(clamd) = support::start() else {
        return;
    };
    let limit = clamd.stream_max_length();
    let data = noise(usize::try_from(limit).unwrap() + 1, 5);
    for addr in both_addrs(&clamd) {
        match clamd.client(addr.clone()).scan_bytes(&data) {
            Err(ClamdError::SizeLimitExceeded {
                size,
                limit: Some(l),
                addr: a,
            }) => {
                assert_eq!((size, l, &a), (limit + 1, limit, &addr));
            }
            other => panic!("{addr}: expected a client-side size error, got {other:?}"),
        }
    }
}

#[test]
fn oversized_stream_is_refused_by_the_server() {
    let Some(clamd) = support::start() else {
        return;
    };
    let limit = clamd.stream_max_length();
    for len in [limit + 1, limit + (1 << 20)] {
        let data = noise(usize::try_from(len).unwrap(), 9);
        for addr in both_addrs(&clamd) {
            // Bypass the client-side check: the daemon must say no by itself.
            let client = ClamdClient::new(addr.clone()).max_stream(u64::MAX);
            match client.scan_bytes(&data) {
                Err(e @ ClamdError::SizeLimitExceeded { limit: None, .. }) => {
                    assert!(e.to_string().contains("refused"), "{e}");
                    assert!(e.is_per_file());
                }
                other => {
                    panic!("{addr}, {len} bytes: expected the server's size error, got {other:?}")
                }
            }
        }
    }
    // The daemon is still fine afterwards.
    clamd.client(clamd.unix_addr()).ping().unwrap();
}

#[test]
fn stopped_clamd_is_unreachable() {
    let Some(clamd) = support::start() else {
        return;
    };
    let addrs = both_addrs(&clamd);
    let socket_dir = clamd.dir().to_owned();
    drop(clamd);
    assert!(!socket_dir.exists());
    for addr in addrs {
        let err = ClamdClient::new(addr.clone())
            .connect_timeout(Duration::from_secs(2))
            .ping()
            .unwrap_err();
        assert!(matches!(err, ClamdError::Unreachable { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.starts_with(&format!("clamd at {addr} is not reachable: ")),
            "{msg}"
        );
    }
}

#[test]
fn concurrent_scans_from_many_threads() {
    let Some(clamd) = support::start_with(&TestClamdOptions {
        max_threads: 4,
        ..TestClamdOptions::default()
    }) else {
        return;
    };
    let clients = [
        clamd.client(clamd.unix_addr()),
        clamd.client(clamd.tcp_addr()),
    ];
    let mut marked = noise(10_000, 11);
    marked.extend_from_slice(BODY_PATTERN);
    let inputs: Vec<(Vec<u8>, ClamdVerdict)> = (0..96u64)
        .map(|i| match i % 4 {
            0 => (EICAR.to_vec(), found("Drydock.Test.EICAR")),
            1 => (marked.clone(), found(BODY_SIGNATURE)),
            2 => (hashed_file(), found(HASH_SIGNATURE)),
            _ => (
                noise(20_000 + usize::try_from(i).unwrap(), i),
                ClamdVerdict::Clean,
            ),
        })
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(8)
        .build()
        .unwrap();
    let results: Vec<_> = pool.install(|| {
        inputs
            .par_iter()
            .enumerate()
            .map(|(i, (data, _))| clients[i % 2].scan_bytes(data))
            .collect()
    });
    for (i, ((_, want), got)) in inputs.iter().zip(results).enumerate() {
        assert_eq!(
            &got.unwrap_or_else(|e| panic!("input {i}: {e}")),
            want,
            "input {i}"
        );
    }
}

#[test]
fn harness_notices_a_taken_tcp_port() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let options = TestClamdOptions {
        tcp_port: Some(taken.local_addr().unwrap().port()),
        ..TestClamdOptions::default()
    };
    match TestClamd::start_or_skip_with(&support::signatures(), &options) {
        Ok(None) => {}
        Ok(Some(_)) => panic!("clamd claimed to listen on a port held by the test"),
        Err(e) => assert!(
            matches!(e, drydock_clamd::testing::TestClamdError::PortTaken { .. }),
            "{e}"
        ),
    }
}

#[test]
fn harness_rejects_bad_signatures_and_handles_a_missing_binary() {
    let bad = [
        Signature::body("has space", b"abcdef"),
        Signature::body("Short.Pattern", b"ab"),
        Signature::hash("Empty.Content", b""),
        Signature::hash("Colon:Name", b"abc"),
    ];
    for sig in bad {
        let err = TestClamd::start(std::slice::from_ref(&sig)).unwrap_err();
        assert!(err.to_string().contains("invalid test signature"), "{err}");
    }
    let options = TestClamdOptions {
        binary: Some("/nonexistent/drydock/clamd".into()),
        ..TestClamdOptions::default()
    };
    match TestClamd::start_or_skip_with(&[], &options) {
        Ok(None) => assert!(!drydock_clamd::testing::clamd_required()),
        Err(e) => {
            assert!(drydock_clamd::testing::clamd_required());
            assert!(e.to_string().contains("clamav-daemon"), "{e}");
        }
        Ok(Some(_)) => panic!("started a nonexistent binary"),
    }
}
