//! Parallel dispatch gives exactly the analysis the walking thread alone
//! gives: same findings, same unknowns, in tar order, whatever the budget
//! (a tiny one forces the inline fallback between offloaded files).

use std::sync::Arc;

use drydock_catalog::{
    Analyzer, Dispatch, LayerAnalysis, LayerDriver, MalwareAnalyzer, MalwareEngines,
    SecretAnalyzer, default_analyzers,
};
use drydock_inventory::LayerRef;
use drydock_layer::{Limits, walk_layer};
use drydock_malware::YaraEngine;
use drydock_secrets::RuleSet;
use drydock_test::*;

const EICAR: &str = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

fn analyzers() -> Vec<Box<dyn Analyzer>> {
    let mut a = default_analyzers();
    a.push(Box::new(SecretAnalyzer::new(
        Arc::new(RuleSet::builtin()),
        drydock_secrets::Limits::default(),
        None,
    )));
    a.push(Box::new(MalwareAnalyzer::new(MalwareEngines {
        yara: Some(Arc::new(YaraEngine::builtin().unwrap())),
        deobfuscate: true,
        hashes: None,
        clamd: None,
        // Small enough that the big files below are skipped.
        max_file: 64 << 10,
    })));
    a
}

/// A layer of a few hundred files: packages, secrets, malware, files over
/// the malware limit, unreadable manifests and whiteouts.
fn layer() -> Vec<u8> {
    let mut entries = Vec::new();
    for i in 0..120 {
        entries.push(file(
            &format!("app/venv/lib/python3.11/site-packages/pkg{i}-1.{i}.dist-info/METADATA"),
            format!("Metadata-Version: 2.1\nName: pkg{i}\nVersion: 1.{i}\n"),
        ));
        entries.push(file(
            &format!("app/web/node_modules/mod{i}/package.json"),
            format!("{{\"name\": \"mod{i}\", \"version\": \"2.{i}.0\"}}"),
        ));
        match i % 6 {
            0 => entries.push(file(
                &format!("app/conf/settings{i}.py"),
                format!("TOKEN = \"ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ{i:03}\"\n"),
            )),
            1 => entries.push(file(&format!("tmp/eicar{i}.com"), EICAR)),
            2 => entries.push(file(
                &format!("var/www/html/s{i}.php"),
                format!("<?php system($_REQUEST['c{i}']); ?>"),
            )),
            3 => {
                // Over the malware limit (skipped), and a manifest no parser can read
                // (an unknown).
                entries.push(file(
                    &format!("opt/big{i}.bin"),
                    vec![b'x'; (100 << 10) + i],
                ));
                entries.push(file(
                    &format!("app/web/node_modules/broken{i}/package.json"),
                    format!("{{\"name\": \"broken{i}\", "),
                ));
            }
            4 => entries.push(whiteout(&format!("etc/old{i}"))),
            _ => entries.push(file(&format!("etc/plain{i}.txt"), "nothing to see\n")),
        }
    }
    layer_tar(&entries)
}

fn analyze(tar: &[u8], dispatch: Dispatch) -> LayerAnalysis {
    let analyzers = analyzers();
    let layer = LayerRef {
        index: 0,
        diff_id: None,
    };
    let (summary, analysis) = LayerDriver::new(&analyzers, layer).run(dispatch, |visit| {
        walk_layer(tar, None, None, None, &Limits::default(), visit)
    });
    summary.unwrap();
    analysis
}

fn json(a: &LayerAnalysis) -> String {
    serde_json::to_string(a).unwrap()
}

#[test]
fn parallel_dispatch_matches_the_inline_analysis() {
    let tar = layer();
    let inline = analyze(&tar, Dispatch::Inline);
    // The fixture exercises every kind of result.
    let analyzers: std::collections::BTreeSet<&str> =
        inline.files.iter().map(|f| f.analyzer.as_str()).collect();
    assert!(analyzers.contains("malware-scanner"), "{analyzers:?}");
    assert!(analyzers.contains("secret-scanner"), "{analyzers:?}");
    assert!(analyzers.len() >= 4, "{analyzers:?}");
    assert!(inline.unknowns.len() >= 20, "{:?}", inline.unknowns);
    for budget in [1, 4 << 10, 64 << 20] {
        let parallel = analyze(&tar, Dispatch::Parallel { budget });
        assert_eq!(json(&parallel), json(&inline), "budget {budget}");
    }
}

#[test]
fn parallel_dispatch_works_inside_and_outside_the_pool() {
    let tar = layer();
    let inline = json(&analyze(&tar, Dispatch::Inline));
    // Layers are walked on rayon's pool by the scan, and on the caller's
    // thread for a root filesystem: both must finish with the same result.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let results: Vec<String> = pool.install(|| {
        use rayon::prelude::*;
        (0..3)
            .into_par_iter()
            .map(|_| json(&analyze(&tar, Dispatch::DEFAULT_PARALLEL)))
            .collect()
    });
    assert!(results.iter().all(|r| *r == inline));
}
