//! Hostile inputs for the secret scanner, through the whole pipeline: a 2 GiB
//! single-line file, a file of one keyword repeated, a pathological regex
//! input, binary files named `.env`, a zip bomb in a jar. Each scan must finish
//! within the configured limits (files over `max_file` are skipped without
//! being buffered, match counts are capped), and the one real secret planted
//! next to them must still be reported.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use drydock_findings::{Secret, SecretLocation};
use drydock_oci::Sha256Writer;
use drydock_scan::{MemberLimits, ScanOptions, ScanOutcome, SecretOptions, scan};
use drydock_secrets::{Limits, RuleSet};
use serde_json::json;
use tempfile::TempDir;

use drydock_test::*;

const PAT: &str = "ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny";

/// Tests run one at a time so that the peak-memory readings are their own.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `f` and returns how far the resident set rose above where it was,
/// in MiB, or `None` where the kernel cannot reset the peak.
fn peak_rise<R>(f: impl FnOnce() -> R) -> (R, Option<u64>) {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS:");
    let r = f();
    let after = status_kb("VmHWM:");
    let rise = match (reset, before, after) {
        (true, Some(b), Some(a)) => Some(a.saturating_sub(b) / 1024),
        _ => None,
    };
    (r, rise)
}

/// A gzip layer written as it is generated, so that multi-GiB files never
/// exist in memory or on disk uncompressed.
struct StreamedLayer {
    hash: Sha256Writer,
    gz: flate2::write::GzEncoder<Vec<u8>>,
}

impl Write for StreamedLayer {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.hash.update(b);
        self.gz.write_all(b)?;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl StreamedLayer {
    fn new() -> Self {
        Self {
            hash: Sha256Writer::default(),
            gz: flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()),
        }
    }

    /// Appends a regular file of `size` bytes produced by repeating `chunk`.
    fn file_repeating(&mut self, path: &str, size: u64, chunk: &[u8]) {
        let mut h = tar::Header::new_gnu();
        h.set_path(path).unwrap();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_size(size);
        h.set_cksum();
        self.write_all(h.as_bytes()).unwrap();
        let block: Vec<u8> = chunk
            .iter()
            .copied()
            .cycle()
            .take(chunk.len() * (1usize << 20).div_ceil(chunk.len()))
            .collect();
        let mut left = size;
        while left > 0 {
            let k = left.min(block.len() as u64) as usize;
            self.write_all(&block[..k]).unwrap();
            left -= k as u64;
        }
        let pad = (512 - size % 512) % 512;
        self.write_all(&vec![0u8; pad as usize]).unwrap();
    }

    fn file(&mut self, path: &str, data: &[u8]) {
        self.file_repeating(path, data.len() as u64, data);
    }

    fn finish(mut self) -> (Layer, String) {
        self.write_all(&[0u8; 1024]).unwrap();
        let diff_id = self.hash.finish().to_string();
        let layer = Layer {
            tar: Vec::new(),
            blob: self.gz.finish().unwrap(),
            media_type: LAYER_GZIP.into(),
        };
        (layer, diff_id)
    }
}

fn write_image(dir: &TempDir, layers: Vec<(Layer, String)>) -> PathBuf {
    let (layers, diff_ids): (Vec<Layer>, Vec<String>) = layers.into_iter().unzip();
    let config = to_bytes(&json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Env": ["PATH=/usr/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }));
    let manifest = to_bytes(&manifest_json(&config, &layers));
    let built = Built {
        config,
        manifest,
        layers,
        arch: "amd64".into(),
    };
    let p = dir.path().join("img.tar");
    write_tar(&p, &oci_single(&built));
    p
}

fn secret_scan(p: &std::path::Path, limits: Limits) -> ScanOutcome {
    let options = ScanOptions {
        secrets: Some(SecretOptions {
            rules: Arc::new(RuleSet::builtin()),
            limits,
            reveal: true,
            archives: Some((64 << 20, MemberLimits::default())),
        }),
        ..ScanOptions::default()
    };
    scan(p.to_str().unwrap(), &options).expect("a hostile image still scans")
}

fn file_path(s: &Secret) -> &str {
    match &s.location {
        SecretLocation::File { path, .. } => path,
        _ => "",
    }
}

/// One real secret in `app/config.py`, which every scan must report.
fn planted(o: &ScanOutcome) -> bool {
    o.secrets
        .iter()
        .any(|s| file_path(s) == "app/config.py" && s.secret.as_deref() == Some(PAT))
}

#[test]
fn two_gib_single_line_file_is_skipped_without_buffering() {
    let _g = serial();
    let dir = TempDir::new().unwrap();
    let mut l = StreamedLayer::new();
    // One line, no newline anywhere, full of keywords: the worst case for a
    // line-oriented scanner if it were ever read.
    l.file_repeating("app/.env", 2 << 30, b"password=ghp_ AKIA token=");
    l.file("app/config.py", format!("TOKEN = \"{PAT}\"\n").as_bytes());
    let p = write_image(&dir, vec![l.finish()]);
    let (o, rise) = peak_rise(|| secret_scan(&p, Limits::default()));
    assert!(planted(&o), "{:#?}", o.secrets);
    assert!(
        o.secrets.iter().all(|s| file_path(s) != "app/.env"),
        "{:#?}",
        o.secrets
    );
    // Both headers, the padded config.py and the end-of-archive blocks.
    assert_eq!(
        o.layers[0].uncompressed_size,
        (2u64 << 30) + 512 + 1024 + 1024
    );
    if let Some(r) = rise {
        assert!(r < 128, "resident memory rose by {r} MiB");
    }
}

#[test]
fn long_lines_repeated_keywords_and_pathological_input_stay_bounded() {
    let _g = serial();
    let dir = TempDir::new().unwrap();
    let mut l = StreamedLayer::new();
    // 48 MiB on one line, under a raised max_file: scanned in bounded
    // windows around keyword hits.
    l.file_repeating(
        "app/one-line.js",
        48 << 20,
        b"var a=\"x\";password=hunter2hunter2;AKIAZZZZ",
    );
    // Nothing but one keyword, 8 MiB of it.
    l.file_repeating("app/keywords.txt", 8 << 20, b"password");
    // Near-misses for the private-key block rule: BEGIN markers that never
    // end, and long almost-base64 runs.
    l.file_repeating(
        "app/keys.pem",
        8 << 20,
        b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Yq+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+/+\n",
    );
    // Assignment-shaped noise with quotes that never close.
    l.file_repeating("app/settings.ini", 4 << 20, b"secret = \"");
    l.file("app/config.py", format!("TOKEN = \"{PAT}\"\n").as_bytes());
    let p = write_image(&dir, vec![l.finish()]);
    let limits = Limits {
        max_file: 64 << 20,
        ..Limits::default()
    };
    let o = secret_scan(&p, limits);
    assert!(planted(&o), "{:#?}", o.secrets);
    for path in [
        "app/one-line.js",
        "app/keywords.txt",
        "app/keys.pem",
        "app/settings.ini",
    ] {
        let n = o.secrets.iter().filter(|s| file_path(s) == path).count();
        assert!(
            n <= limits.max_matches_per_file,
            "{path}: {n} findings over the per-file cap"
        );
    }
    // The repeated keyword and the unterminated material hold no secret.
    for path in ["app/keywords.txt", "app/keys.pem", "app/settings.ini"] {
        assert!(
            o.secrets.iter().all(|s| file_path(s) != path),
            "{path}: {:#?}",
            o.secrets
        );
    }
}

#[test]
fn binary_env_files_and_a_zip_bomb_are_skipped_and_the_rest_is_scanned() {
    let _g = serial();
    let dir = TempDir::new().unwrap();
    let mut l = StreamedLayer::new();
    // Binary content under names every secret rule wants.
    let mut binary = vec![0u8, 0x7f, b'E', b'L', b'F', 0, 0, 0];
    binary.extend(format!("AWS_SECRET_ACCESS_KEY={PAT}\0").as_bytes());
    binary.extend((0..=255u8).cycle().take(64 << 10));
    l.file(".env", &binary);
    l.file("app/.env", &binary);
    l.file("root/.env.production", &binary);
    // A jar whose one member inflates to 1 GiB of keywords.
    let bomb = {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        z.start_file("BOOT-INF/classes/application.properties", opts)
            .unwrap();
        let block = b"password=".repeat(1 << 16);
        for _ in 0..(1usize << 30) / block.len() {
            z.write_all(&block).unwrap();
        }
        z.finish().unwrap().into_inner()
    };
    assert!(bomb.len() < 8 << 20, "bomb is {} bytes", bomb.len());
    l.file("app/app.jar", &bomb);
    l.file("app/config.py", format!("TOKEN = \"{PAT}\"\n").as_bytes());
    let p = write_image(&dir, vec![l.finish()]);
    let (o, rise) = peak_rise(|| secret_scan(&p, Limits::default()));
    assert!(planted(&o), "{:#?}", o.secrets);
    assert_eq!(o.secrets.len(), 1, "{:#?}", o.secrets);
    // The bomb's member stops at max_member (10 MiB); the jar itself is
    // a few MiB.
    if let Some(r) = rise {
        assert!(r < 128, "resident memory rose by {r} MiB");
    }
}
