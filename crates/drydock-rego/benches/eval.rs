//! Time to load `examples/policies` and to evaluate them on one input of each
//! kind. Plain `std::time`; run with `cargo bench -p drydock-rego`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use drydock_rego::{InputKind, PolicySet};
use serde_json::{Value, json};

fn time<F: FnMut()>(label: &str, iters: u32, mut f: F) {
    // Warm caches (regex compilation, allocator) before measuring.
    for _ in 0..iters.min(10) {
        f();
    }
    let mut samples: Vec<Duration> = (0..iters)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    let total: Duration = samples.iter().sum();
    let mean = total / iters;
    let median = samples[samples.len() / 2];
    let p95 = samples[samples.len() * 95 / 100];
    println!(
        "{label:<44} mean {:>9.1} µs  median {:>9.1} µs  p95 {:>9.1} µs  ({iters} runs)",
        mean.as_secs_f64() * 1e6,
        median.as_secs_f64() * 1e6,
        p95.as_secs_f64() * 1e6,
    );
}

fn image_with_files(n: usize) -> Value {
    let mut v = common::image_input("docker.io/library/nginx:latest");
    v["files"] = Value::Array(
        (0..n)
            .map(|i| {
                json!({"path": format!("usr/lib/file{i}"), "mode": 420, "uid": 0, "gid": 0,
                       "size": 4096, "layer": i % 5, "setuid": false})
            })
            .collect(),
    );
    v
}

fn main() {
    let dir = common::examples_dir();
    time("load_dir(examples/policies)", 20, || {
        black_box(PolicySet::load_dir(&dir).unwrap());
    });
    let set = PolicySet::load_dir(&dir).unwrap();

    let cases: Vec<(&str, InputKind, Value)> = vec![
        (
            "image (1 file)",
            InputKind::Image,
            common::image_input("docker.io/library/nginx:latest"),
        ),
        (
            "image (10,000 files)",
            InputKind::Image,
            image_with_files(10_000),
        ),
        (
            "kubernetes Deployment (3 containers)",
            InputKind::Kubernetes,
            common::deployment("docker.io/library/nginx:latest"),
        ),
        (
            "dockerfile (2 stages)",
            InputKind::Dockerfile,
            common::dockerfile("docker.io/library/nginx", Some("latest"), None),
        ),
        (
            "compose (3 services)",
            InputKind::Compose,
            json!({"services": {"db": {"image": "postgres"}, "web": {"image": "nginx:1.25"},
                   "cache": {"image": "registry.corp.example/redis:7"}}}),
        ),
    ];
    // The share of the 10,000-file case spent handing the input to regorus.
    let big = image_with_files(10_000);
    time("input conversion only (10,000 files)", 50, || {
        use serde::Deserialize;
        black_box(regorus::Value::deserialize(&big).unwrap());
    });
    time("input via JSON text (10,000 files)", 50, || {
        let text = serde_json::to_string(&big).unwrap();
        black_box(regorus::Value::from_json_str(&text).unwrap());
    });

    for (label, kind, input) in &cases {
        let ev = set.evaluate(*kind, input, "bench").unwrap();
        assert!(ev.warnings.is_empty(), "{label}: {:?}", ev.warnings);
        let iters = if label.contains("10,000") { 50 } else { 500 };
        time(
            &format!("evaluate {label} [{} findings]", ev.findings.len()),
            iters,
            || {
                black_box(set.evaluate(*kind, input, "bench").unwrap());
            },
        );
    }
}
