//! `drydock image`: scan an image and match its inventory against the
//! advisory database, then apply the user's noise controls and gates.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use drydock_findings::Vulnerability;
use drydock_match::Matcher;
use drydock_report::Format;

use crate::db::{DbDirArg, db_dir, open_for_scan};
use crate::{OutputArgs, ScanArgs};

/// Scanners `drydock image` can run.
const SCANNERS: &[&str] = &["vuln"];

#[derive(Args)]
pub struct ImageArgs {
    #[command(flatten)]
    scan: ScanArgs,
    /// Scanners to run, comma-separated (available: vuln)
    #[arg(
        long,
        value_name = "LIST",
        default_value = "vuln",
        value_delimiter = ','
    )]
    scanners: Vec<String>,
    /// Report format: table, json, sarif, cyclonedx-json, spdx-json
    #[arg(short, long, default_value = "table")]
    format: String,
    #[command(flatten)]
    vuln: VulnArgs,
    #[command(flatten)]
    out: OutputArgs,
}

/// Matching, filtering and gating options shared by `image` and
/// `sbom-scan`.
#[derive(Args)]
pub struct VulnArgs {
    #[command(flatten)]
    db: DbDirArg,
    /// Exit with this code when findings remain after filters and
    /// suppressions (0 disables the gate)
    #[arg(long, value_name = "CODE", default_value_t = 0)]
    exit_code: u8,
}

pub fn image(args: ImageArgs) -> Result<ExitCode> {
    for s in &args.scanners {
        if !SCANNERS.contains(&s.as_str()) {
            bail!("unknown scanner `{s}` (available: {})", SCANNERS.join(", "));
        }
    }
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let dir = db_dir(&args.vuln.db)?;
    // Open the database before the scan so a missing one fails fast.
    let (store, stale) = open_for_scan(&dir)?;
    let matcher = Matcher::new(store).context("cannot read the advisory database")?;
    let rootfs = std::path::Path::new(&args.scan.target).is_dir()
        && !std::path::Path::new(&args.scan.target)
            .join("oci-layout")
            .exists();
    let outcome = crate::run_scan(&args.scan, rootfs, args.out.quiet)?;
    let matches = matcher.match_inventory(&outcome.inventory)?;
    let mut report = crate::to_report(outcome);
    report.warnings.extend(stale.iter().cloned());
    report.warnings.extend(matches.warnings.iter().cloned());
    if !args.out.quiet {
        for w in stale.iter().chain(&matches.warnings) {
            eprintln!("warning: {w}");
        }
    }
    report.vulnerabilities = matches.vulnerabilities;
    let failing = gate_count(&report.vulnerabilities);
    crate::write_report(&report, format, args.out.output.as_deref())?;
    Ok(if args.vuln.exit_code != 0 && failing > 0 {
        ExitCode::from(args.vuln.exit_code)
    } else {
        ExitCode::SUCCESS
    })
}

fn gate_count(v: &[Vulnerability]) -> usize {
    v.iter().filter(|f| f.suppressed.is_none()).count()
}
