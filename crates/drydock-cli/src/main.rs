//! `drydock`: scan container images.
//!
//! Exit codes: 0 success, 2 error (bad arguments, unreadable image). Gate
//! failures (exit 1) arrive with the vulnerability scanner.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use drydock_report::{Format, LayerInfo as ReportLayer, ScanReport, Target, TargetKind, ToolInfo};
use drydock_scan::{Progress, ScanOptions, ScanOutcome};

mod progress;

#[derive(Parser)]
#[command(
    name = "drydock",
    version,
    about = "Container image security scanner",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inventory every package in an image (SBOM)
    ///
    /// IMAGE is a docker archive (`docker save`), an OCI archive, an OCI
    /// layout directory, or a root filesystem directory.
    Sbom(SbomArgs),
    /// Inventory a root filesystem directory
    Fs(SbomArgs),
}

#[derive(Args)]
struct OutputArgs {
    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// No progress or warnings on standard error
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
struct SbomArgs {
    /// Image or directory to scan
    #[arg(value_name = "IMAGE")]
    target: String,
    /// Report format: table, json, cyclonedx-json, spdx-json
    #[arg(short, long, default_value = "table")]
    format: String,
    /// Platform to pick from a multi-platform image, e.g. linux/arm64
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    platform: Option<String>,
    /// Layer cache directory [default: $DRYDOCK_CACHE_DIR, else
    /// $XDG_CACHE_HOME/drydock, else ~/.cache/drydock]
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Analyze every layer again instead of using cached results
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    out: OutputArgs,
}

/// Where layer results are cached, unless disabled.
fn cache_dir(args: &SbomArgs) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    args.cache_dir
        .clone()
        .or_else(|| env("DRYDOCK_CACHE_DIR"))
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("drydock")))
        .or_else(|| env("HOME").map(|d| d.join(".cache/drydock")))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sbom(args) => sbom(args, false),
        Command::Fs(args) => sbom(args, true),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn sbom(args: SbomArgs, rootfs: bool) -> Result<ExitCode> {
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut options = ScanOptions {
        rootfs,
        cache_dir: cache_dir(&args),
        ..ScanOptions::default()
    };
    if let Some(p) = &args.platform {
        options.open.platform = Some(p.parse()?);
    }
    let bar = (!args.out.quiet).then(|| Arc::new(progress::Bar::new()));
    if let Some(b) = &bar {
        options.progress = Some(b.clone() as Arc<dyn Progress>);
    }
    let outcome = drydock_scan::scan(&args.target, &options);
    if let Some(b) = &bar {
        b.finish();
    }
    let outcome = outcome.with_context(|| format!("cannot scan `{}`", args.target))?;
    if !args.out.quiet {
        for w in &outcome.warnings {
            eprintln!("warning: {w}");
        }
        for u in &outcome.inventory.unknowns {
            eprintln!("warning: {} ({}): {}", u.path, u.analyzer, u.reason);
        }
    }
    let report = to_report(outcome);
    write_report(&report, format, args.out.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

fn to_report(outcome: ScanOutcome) -> ScanReport {
    let ScanOutcome {
        image,
        inventory,
        layers,
        warnings,
    } = outcome;
    let kind = if image.kind == drydock_source::SourceKind::Rootfs {
        TargetKind::Filesystem
    } else {
        TargetKind::Image
    };
    ScanReport {
        tool: ToolInfo {
            name: "drydock".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        created: now_rfc3339(),
        target: Target {
            name: image.reference.clone(),
            kind,
            manifest_digest: image.manifest_digest.clone(),
            config_digest: image.config_digest.clone(),
            repo_tags: image.repo_tags.clone(),
            repo_digests: Vec::new(),
            platform: image.platform.as_ref().map(ToString::to_string),
            layers: layers
                .into_iter()
                .map(|l| ReportLayer {
                    index: l.layer.index,
                    diff_id: l.layer.diff_id,
                    created_by: l.created_by,
                    size: l.size,
                })
                .collect(),
            os: inventory.distro.clone(),
        },
        inventory,
        vulnerabilities: Vec::new(),
        warnings,
    }
}

fn write_report(
    report: &ScanReport,
    format: Format,
    output: Option<&std::path::Path>,
) -> Result<()> {
    match output {
        Some(path) => {
            let mut buf = Vec::new();
            drydock_report::render(report, format, &mut buf)?;
            // Write then rename, so a failed run never leaves half a report.
            let tmp = path.with_extension("drydock-tmp");
            std::fs::write(&tmp, &buf)
                .with_context(|| format!("cannot write `{}`", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            match drydock_report::render(report, format, &mut lock)
                .and_then(|()| lock.flush().map_err(Into::into))
            {
                Ok(()) => {}
                // `drydock sbom x | head` is not an error.
                Err(e) if is_broken_pipe(&e) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

fn is_broken_pipe(e: &drydock_report::Error) -> bool {
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        || e.to_string().contains("Broken pipe")
}

/// RFC 3339 UTC time; `SOURCE_DATE_EPOCH` pins it for reproducible output.
fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Howard Hinnant's days-to-civil conversion.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil() {
        assert_eq!(super::civil_from_days(0), (1970, 1, 1));
        assert_eq!(super::civil_from_days(20_605), (2026, 6, 1));
    }
}
