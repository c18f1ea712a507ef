//! Lints Dockerfiles and prints every finding as one JSON array of
//! `Misconfiguration` objects: the output `drydock dockerfile -f json`
//! is meant to have. Used by bench/dockerfile-agreement.sh until the CLI
//! subcommand exists.
//!
//! Usage: `cargo run -p drydock-dockerfile --example lint -- [--config FILE] FILE...`
//! Syntax errors go to stderr; the exit code is 1 when a finding reaches
//! the failure threshold, 2 on usage or I/O errors.

use std::io::Read;
use std::process::ExitCode;

use drydock_dockerfile::{LintConfig, MAX_DOCKERFILE_BYTES, lint_lenient};

fn main() -> ExitCode {
    match run() {
        Ok(fail) => ExitCode::from(u8::from(fail)),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let mut args = std::env::args().skip(1);
    let mut config = LintConfig::default();
    let mut files = Vec::new();
    while let Some(a) = args.next() {
        if a == "--config" {
            let path = args.next().ok_or("--config needs a file")?;
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            config = LintConfig::from_yaml(&text, &path).map_err(|e| e.to_string())?;
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        return Err("usage: lint [--config FILE] DOCKERFILE...".into());
    }
    let mut all = Vec::new();
    for path in &files {
        let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
        let mut bytes = Vec::new();
        // Read one byte past the cap so an oversized file is reported,
        // not silently truncated.
        file.take(MAX_DOCKERFILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{path}: {e}"))?;
        let text = String::from_utf8_lossy(&bytes);
        let report = lint_lenient(path, &text, &config);
        for e in &report.errors {
            eprintln!("{path}: {e}");
        }
        all.extend(report.findings);
    }
    let json = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(config.fails(&all))
}
