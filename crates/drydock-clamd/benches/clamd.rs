//! Latency and throughput of the client against a real, private clamd with a custom-only
//! database (`cargo bench -p drydock-clamd`). Prints a table; skips when clamd is missing.
//!
//! Measures `PING` round trips (the cost of a connection plus clamd's dispatch), per-file
//! scan latency for small files over the unix socket and TCP with 1 and 4 threads, and the
//! effect of the INSTREAM chunk size on a large input.

use std::hint::black_box;
use std::time::{Duration, Instant};

use drydock_clamd::testing::{Signature, TestClamd, TestClamdOptions};
use drydock_clamd::{ClamdAddr, ClamdClient};

fn noise(len: usize, seed: u64) -> Vec<u8> {
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

/// Median of `rounds` runs of `f`, each returning the elapsed time.
fn median(rounds: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..rounds).map(|_| f()).collect();
    times.sort();
    times[times.len() / 2]
}

fn scan_all(client: &ClamdClient, files: &[Vec<u8>], threads: usize) -> Duration {
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for f in files.iter().skip(t).step_by(threads) {
                    match client.scan_bytes(f) {
                        Ok(v) => {
                            black_box(v);
                        }
                        Err(e) => panic!("{e}"),
                    }
                }
            });
        }
    });
    start.elapsed()
}

fn main() {
    let options = TestClamdOptions {
        stream_max_length: 64 << 20,
        max_threads: 8,
        ..TestClamdOptions::default()
    };
    let signatures = [
        Signature::eicar(),
        Signature::body("Drydock.Bench.Body", b"drydock-bench-body-pattern"),
    ];
    let clamd = match TestClamd::start_or_skip_with(&signatures, &options) {
        Ok(Some(clamd)) => clamd,
        Ok(None) => return,
        Err(e) => panic!("{e}"),
    };
    println!(
        "clamd startup (custom-only database, 3 signatures): {:?}",
        clamd.startup_time()
    );

    let addrs: [(&str, ClamdAddr); 2] = [("unix", clamd.unix_addr()), ("tcp", clamd.tcp_addr())];
    for (name, addr) in &addrs {
        let client = clamd.client(addr.clone());
        let t = median(5, || {
            let start = Instant::now();
            for _ in 0..500 {
                client.ping().unwrap_or_else(|e| panic!("{e}"));
            }
            start.elapsed()
        });
        println!(
            "{name:4} PING, new connection each: {:.0} us",
            t.as_secs_f64() * 1e6 / 500.0
        );
    }

    for size in [1024usize, 64 * 1024] {
        let files: Vec<Vec<u8>> = (0..1000u64).map(|i| noise(size, i + 1)).collect();
        for (name, addr) in &addrs {
            let client = clamd.client(addr.clone());
            for threads in [1usize, 4] {
                let t = median(5, || scan_all(&client, &files, threads));
                println!(
                    "{name:4} {size:>6} B x {n} files, {threads} thread(s): {per:>7.1} us/file, {rate:>6.0} files/s",
                    n = files.len(),
                    per = t.as_secs_f64() * 1e6 / files.len() as f64,
                    rate = files.len() as f64 / t.as_secs_f64(),
                );
            }
        }
    }

    let big = noise(32 << 20, 99);
    for (name, addr) in &addrs {
        for chunk in [16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20] {
            let client = clamd.client(addr.clone()).chunk_size(chunk);
            let t = median(5, || {
                let start = Instant::now();
                black_box(client.scan_bytes(&big).unwrap_or_else(|e| panic!("{e}")));
                start.elapsed()
            });
            println!(
                "{name:4} 32 MiB, chunk {kib:>5} KiB: {ms:>6.1} ms, {mbs:>5.0} MiB/s",
                kib = chunk >> 10,
                ms = t.as_secs_f64() * 1e3,
                mbs = 32.0 / t.as_secs_f64(),
            );
        }
    }
}
