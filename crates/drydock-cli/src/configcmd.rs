//! `drydock dockerfile FILE...` and `drydock config FILE...`: configuration
//! checks on files outside any image. Both produce the same report as
//! `drydock image --scanners misconfig`, so every format and the ignore
//! file work the same way.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result};
use clap::Args;
use drydock_findings::{Misconfiguration, Severity};
use drydock_policy::IgnoreFile;
use drydock_report::{Format, ScanReport, Sections, Target, TargetKind, ToolInfo};

use crate::OutputArgs;

/// Options shared by both commands.
#[derive(Args)]
pub struct CheckArgs {
    /// Report format: table, json, sarif
    #[arg(short, long, default_value = "table")]
    format: String,
    /// Exit with this code when unsuppressed findings at or above the
    /// failure threshold remain (0 disables the gate)
    #[arg(long, value_name = "CODE", default_value_t = 0)]
    exit_code: u8,
    /// Lowest severity that fails the gate: info, low, medium, high,
    /// critical
    #[arg(long, value_name = "SEVERITY", default_value = "low")]
    failure_threshold: String,
    /// Ignore file (YAML `misconfigurations:` rules, or a `.trivyignore`)
    #[arg(long, value_name = "FILE")]
    ignore_file: Option<PathBuf>,
    /// Directory of custom Rego policies, run on every input next to the
    /// built-in checks
    #[arg(long, value_name = "DIR")]
    policy: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args)]
pub struct DockerfileArgs {
    /// Dockerfiles to lint
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Lint configuration (YAML: ignore, failure-threshold,
    /// trusted-registries, per-rule severity overrides)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Args)]
pub struct ConfigArgs {
    /// docker inspect JSON, docker-compose files, Kubernetes manifests,
    /// daemon.json or dockerd command lines (type detected per file)
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    check: CheckArgs,
}

fn report(name: String, found: Vec<Misconfiguration>, warnings: Vec<String>) -> ScanReport {
    ScanReport {
        tool: ToolInfo::drydock(),
        created: crate::now_rfc3339(),
        target: Target {
            name,
            kind: TargetKind::Filesystem,
            ..Target::default()
        },
        inventory: Default::default(),
        vulnerabilities: Vec::new(),
        secrets: Vec::new(),
        misconfigurations: found,
        malware: Vec::new(),
        warnings,
    }
}

fn finish(
    args: &CheckArgs,
    name: String,
    mut found: Vec<Misconfiguration>,
    mut warnings: Vec<String>,
    errors: &[String],
    failure_threshold: Option<Severity>,
) -> Result<ExitCode> {
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let threshold: Severity = match failure_threshold {
        Some(s) => s,
        None => args
            .failure_threshold
            .parse()
            .map_err(|e| anyhow::anyhow!("--failure-threshold: {e}"))?,
    };
    if let Some(path) = &args.ignore_file {
        let (ignore, w) = IgnoreFile::load(path)?;
        warnings.extend(w);
        warnings.extend(
            ignore
                .apply_misconfigs(&mut found, SystemTime::now())
                .warnings,
        );
    }
    if !args.out.quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    // Inputs that could not be read are reported however quiet the run.
    for e in errors {
        eprintln!("error: {e}");
    }
    warnings.extend(errors.iter().cloned());
    let failed = found
        .iter()
        .any(|m| m.suppressed.is_none() && m.severity >= threshold);
    let report = report(name, found, warnings);
    let sections = Sections::for_scanners(false, false, true, false);
    crate::write_report_with(&report, format, &sections, args.out.output.as_deref())?;
    Ok(if args.exit_code != 0 && failed {
        ExitCode::from(args.exit_code)
    } else {
        ExitCode::SUCCESS
    })
}

fn names(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| f.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn dockerfile(args: DockerfileArgs) -> Result<ExitCode> {
    let config = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read `{}`", p.display()))?;
            drydock_dockerfile::LintConfig::from_yaml(&text, &p.display().to_string())?
        }
        None => drydock_dockerfile::LintConfig::default(),
    };
    let policies = crate::policy::load(args.check.policy.as_deref())?;
    let mut found = Vec::new();
    let mut warnings = Vec::new();
    for f in &args.files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read `{}`", f.display()))?;
        let text = String::from_utf8(bytes)
            .with_context(|| format!("`{}` is not UTF-8 text", f.display()))?;
        let label = f.display().to_string();
        found.extend(drydock_dockerfile::lint(&label, &text, &config)?);
        if let Some(set) = &policies {
            // `lint` above has already rejected text that does not parse.
            let df = drydock_dockerfile::parse(&text).map_err(|source| {
                drydock_dockerfile::LintError {
                    file: label.clone(),
                    source,
                }
            })?;
            let input = crate::policy::dockerfile_input(&df);
            crate::policy::evaluate(
                set,
                drydock_rego::InputKind::Dockerfile,
                &input,
                &label,
                &mut found,
                &mut warnings,
            );
        }
    }
    let threshold = args.config.as_ref().and(config.failure_threshold);
    finish(
        &args.check,
        names(&args.files),
        found,
        warnings,
        &[],
        threshold,
    )
}

pub fn config(args: ConfigArgs) -> Result<ExitCode> {
    let mut inputs = Vec::new();
    for f in &args.files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read `{}`", f.display()))?;
        inputs.push((f.display().to_string(), bytes));
    }
    // Together, so a daemon.json and a dockerd command line are checked as
    // one daemon (a setting given in both stops dockerd from starting).
    let refs: Vec<(&str, &[u8])> = inputs
        .iter()
        .map(|(l, b)| (l.as_str(), b.as_slice()))
        .collect();
    let outcome = drydock_misconfig::audit_files(&refs);
    let errors: Vec<String> = outcome.errors.iter().map(ToString::to_string).collect();
    let mut found = outcome.findings;
    let mut warnings = Vec::new();
    if let Some(set) = crate::policy::load(args.check.policy.as_deref())? {
        for (label, bytes) in &refs {
            for (kind, doc) in crate::policy::config_documents(label, bytes) {
                crate::policy::evaluate(&set, kind, &doc, label, &mut found, &mut warnings);
            }
        }
    }
    let code = finish(
        &args.check,
        names(&args.files),
        found,
        warnings,
        &errors,
        None,
    )?;
    // A file that could not be read is not a clean result.
    Ok(if errors.is_empty() {
        code
    } else {
        ExitCode::from(2)
    })
}
