//! `drydock`: scan container images.
//!
//! Exit codes: 0 success; the `--exit-code` value when a gate fails
//! (findings remain after filters and suppressions); 2 error (bad
//! arguments, unreadable image, missing database).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use drydock_report::{
    Format, LayerInfo as ReportLayer, ScanReport, Sections, Target, TargetKind, ToolInfo,
};
use drydock_scan::{Progress, ScanOptions, ScanOutcome};

mod configcmd;
mod db;
mod policy;
mod progress;
mod remote;
mod vuln;

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
    /// Scan an image for vulnerabilities
    ///
    /// IMAGE is a docker archive, an OCI archive or layout, or a root
    /// filesystem directory. Advisories come from the local database
    /// (`drydock db import` / `drydock db update`).
    Image(Box<vuln::ImageArgs>),
    /// Rescan stored SBOMs (CycloneDX or SPDX JSON) for vulnerabilities,
    /// without the image
    SbomScan(vuln::SbomScanArgs),
    /// Lint Dockerfiles (hadolint-class rules, shell checks on RUN)
    Dockerfile(configcmd::DockerfileArgs),
    /// Audit runtime configuration: docker inspect, compose, Kubernetes
    /// manifests (Pod Security Standards), daemon.json, dockerd flags
    Config(configcmd::ConfigArgs),
    /// Manage the advisory database
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Verify an image's cosign signature in its registry with a public
    /// key (offline: no transparency log, no Fulcio)
    Verify(Box<remote::VerifyArgs>),
}

#[derive(Args)]
pub(crate) struct OutputArgs {
    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// No progress or warnings on standard error
    #[arg(short, long)]
    pub(crate) quiet: bool,
}

#[derive(Args)]
struct SbomArgs {
    #[command(flatten)]
    scan: ScanArgs,
    /// Report format: table, json, cyclonedx-json, spdx-json
    #[arg(short, long, default_value = "table")]
    format: String,
    #[command(flatten)]
    out: OutputArgs,
}

/// What to scan and how to read it.
#[derive(Args)]
pub(crate) struct ScanArgs {
    /// Image or directory to scan
    #[arg(value_name = "IMAGE")]
    pub(crate) target: String,
    /// Platform to pick from a multi-platform image, e.g. linux/arm64
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub(crate) platform: Option<String>,
    /// Layer cache directory [default: $DRYDOCK_CACHE_DIR, else
    /// $XDG_CACHE_HOME/drydock, else ~/.cache/drydock]
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Analyze every layer again instead of using cached results (compiled
    /// YARA rules are still reused)
    #[arg(long)]
    pub(crate) no_cache: bool,
    #[command(flatten)]
    pub(crate) registry: remote::RegistryArgs,
}

/// drydock's cache directory: `$DRYDOCK_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/drydock`, else `~/.cache/drydock`.
pub(crate) fn default_cache_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("DRYDOCK_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("drydock")))
        .or_else(|| env("HOME").map(|d| d.join(".cache/drydock")))
}

/// Where layer results are cached, unless disabled.
pub(crate) fn cache_dir(args: &ScanArgs) -> Option<PathBuf> {
    if args.no_cache {
        return None;
    }
    args.cache_dir.clone().or_else(default_cache_dir)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sbom(args) => sbom(args, false),
        Command::Fs(args) => sbom(args, true),
        Command::Image(args) => vuln::image(*args),
        Command::SbomScan(args) => vuln::sbom_scan(args),
        Command::Dockerfile(args) => configcmd::dockerfile(args),
        Command::Config(args) => configcmd::config(args),
        Command::Db(cmd) => db::run(cmd),
        Command::Verify(args) => remote::verify(*args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", error_chain(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line. Library errors often include
/// their cause in their own message as well; a cause already said is not
/// repeated.
fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

fn sbom(args: SbomArgs, rootfs: bool) -> Result<ExitCode> {
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let outcome = run_scan(&args.scan, rootfs, args.out.quiet, Scanners::default())?;
    let report = to_report(outcome);
    write_report(&report, format, args.out.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// Scans an image (or a root filesystem) into an inventory, with the
/// progress bar and warnings on standard error unless quiet.
/// The optional scanners of one run.
#[derive(Default)]
pub(crate) struct Scanners {
    pub secrets: Option<drydock_scan::SecretOptions>,
    pub misconfig: Option<drydock_scan::MisconfigOptions>,
    pub malware: Option<drydock_scan::MalwareEngines>,
}

pub(crate) fn run_scan(
    args: &ScanArgs,
    rootfs: bool,
    quiet: bool,
    scanners: Scanners,
) -> Result<ScanOutcome> {
    let opened = remote::open(args, rootfs)?;
    scan_opened(opened.image, args, quiet, scanners)
}

/// Scans an image [`remote::open`] opened.
pub(crate) fn scan_opened(
    image: drydock_source::Image,
    args: &ScanArgs,
    quiet: bool,
    scanners: Scanners,
) -> Result<ScanOutcome> {
    let mut options = ScanOptions {
        cache_dir: cache_dir(args),
        secrets: scanners.secrets,
        misconfig: scanners.misconfig,
        malware: scanners.malware,
        ..ScanOptions::default()
    };
    let bar = (!quiet).then(|| Arc::new(progress::Bar::new()));
    if let Some(b) = &bar {
        options.progress = Some(b.clone() as Arc<dyn Progress>);
    }
    let outcome = drydock_scan::scan_image(image, &options);
    if let Some(b) = &bar {
        b.finish();
    }
    let outcome = outcome.with_context(|| format!("cannot scan `{}`", args.target))?;
    if !quiet {
        for w in &outcome.warnings {
            eprintln!("warning: {w}");
        }
        for u in &outcome.inventory.unknowns {
            eprintln!("warning: {} ({}): {}", u.path, u.analyzer, u.reason);
        }
    }
    Ok(outcome)
}

pub(crate) fn to_report(outcome: ScanOutcome) -> ScanReport {
    let ScanOutcome {
        image,
        inventory,
        layers,
        warnings,
        secrets,
        misconfigurations,
        malware,
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
            repo_digests: remote::repo_digest(&image).into_iter().collect(),
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
        secrets,
        misconfigurations,
        malware,
        warnings,
    }
}

/// Writes text to FILE (atomically) or standard output.
pub(crate) fn write_text(text: &str, output: Option<&std::path::Path>) -> Result<()> {
    match output {
        Some(path) => write_atomic(path, text.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }
    }
}

/// Write then rename, so a failed run never leaves half a report.
fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("drydock-tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write `{}`", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write `{}`", path.display()))
}

pub(crate) fn write_report(
    report: &ScanReport,
    format: Format,
    output: Option<&std::path::Path>,
) -> Result<()> {
    write_report_with(report, format, &Sections::DEFAULT, output)
}

pub(crate) fn write_report_with(
    report: &ScanReport,
    format: Format,
    sections: &Sections,
    output: Option<&std::path::Path>,
) -> Result<()> {
    match output {
        Some(path) => {
            let mut buf = Vec::new();
            drydock_report::render_sections(report, format, sections, &mut buf)?;
            write_atomic(path, &buf)?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            match drydock_report::render_sections(report, format, sections, &mut lock)
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
pub(crate) fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    rfc3339(secs)
}

/// Seconds since the epoch as RFC 3339 UTC.
pub(crate) fn rfc3339(secs: u64) -> String {
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
