//! `drydock image` and `drydock sbom-scan`: match an inventory against the
//! advisory database, then apply the user's noise controls and gates.
//!
//! Order matters and is fixed: match → suppress (ignore file, then VEX;
//! suppressed findings stay in the report, marked) → filter
//! (`--ignore-unfixed`, `--severity`; filtered findings are dropped) →
//! `--only-new-since` → gate (`--exit-code` when any unsuppressed finding
//! remains).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use clap::Args;
use drydock_findings::{Severity, Vulnerability};
use drydock_inventory::Inventory;
use drydock_match::Matcher;
use drydock_policy::{Filter, IgnoreFile, VexDocument};
use drydock_report::{Format, LayerInfo, ScanReport, Sections, Target, TargetKind, ToolInfo};
use rayon::prelude::*;

use crate::db::{DbDirArg, db_dir, open_for_scan};
use crate::{OutputArgs, ScanArgs};

/// Vulnerability reports list findings, not the whole SBOM, in the table.
const FINDINGS_ONLY: Sections = Sections::findings(true, false);

/// Scanners `drydock image` can run.
const SCANNERS: &[&str] = &["vuln", "secret", "misconfig", "malware"];

/// Ignore files picked up from the working directory when no
/// `--ignore-file` is given, in this order.
const DEFAULT_IGNORE_FILES: &[&str] =
    &[".drydockignore.yaml", ".drydockignore.yml", ".trivyignore"];

#[derive(Args)]
pub struct ImageArgs {
    #[command(flatten)]
    scan: ScanArgs,
    /// Scanners to run, comma-separated: vuln, secret, misconfig, malware
    #[arg(
        long,
        value_name = "LIST",
        default_value = "vuln",
        value_delimiter = ','
    )]
    scanners: Vec<String>,
    /// Extra secret rules in gitleaks' TOML format (added to the built-in
    /// rules unless the file says `[extend] useDefault = false`)
    #[arg(long, value_name = "FILE")]
    secret_config: Option<PathBuf>,
    /// Print secrets in full instead of redacted
    #[arg(long)]
    show_secrets: bool,
    /// Largest file the secret scanner reads, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 10 << 20)]
    secret_max_file: u64,
    /// Largest jar, war or zip whose members the secret scanner reads, in
    /// bytes (0: do not open archives)
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    secret_max_archive: u64,
    /// Directory of extra YARA rules (`*.yar`, `*.yara`, recursive), added
    /// to the built-in rules (repeatable)
    #[arg(long, value_name = "DIR")]
    yara_rules: Vec<PathBuf>,
    /// clamd to scan with as well: unix:/path, /path, tcp://host:port or
    /// host:port
    #[arg(long, value_name = "ADDR")]
    clamd: Option<String>,
    /// Directory of custom Rego policies run on the image document (with
    /// --scanners misconfig)
    #[arg(long, value_name = "DIR")]
    policy: Option<PathBuf>,
    /// Trust policy (YAML): allowed registries and repositories, required
    /// cosign signatures, digest pins, maximum age, allowed base images;
    /// violations are findings and fail the --exit-code gate
    #[arg(long, value_name = "FILE")]
    trust_policy: Option<PathBuf>,
    /// Largest file the malware engines read, in bytes
    #[arg(long, value_name = "BYTES", default_value_t = 32 << 20)]
    malware_max_file: u64,
    /// Report format: table, json, sarif, cyclonedx-json, spdx-json
    #[arg(short, long, default_value = "table")]
    format: String,
    #[command(flatten)]
    vuln: VulnArgs,
    /// Report only what IMAGE adds over BASE (an image, directory or SBOM
    /// file): findings BASE already has are dropped
    #[arg(long, value_name = "BASE")]
    only_new_since: Option<String>,
    #[command(flatten)]
    out: OutputArgs,
}

#[derive(Args)]
pub struct SbomScanArgs {
    /// CycloneDX or SPDX JSON files
    #[arg(value_name = "SBOM", required = true)]
    sboms: Vec<PathBuf>,
    /// Report format: table, json, sarif, cyclonedx-json
    #[arg(short, long, default_value = "table")]
    format: String,
    #[command(flatten)]
    vuln: VulnArgs,
    /// With several SBOMs: write one report per SBOM into DIR
    /// (`<name>.<format>`) instead of one stream
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// Matching, suppression, filtering and gating options.
#[derive(Args)]
pub struct VulnArgs {
    #[command(flatten)]
    db: DbDirArg,
    /// Drop findings that have no released fix
    #[arg(long)]
    ignore_unfixed: bool,
    /// Keep only these severities, comma-separated
    /// (CRITICAL,HIGH,MEDIUM,LOW,NEGLIGIBLE,UNKNOWN)
    #[arg(long, value_name = "LIST")]
    severity: Option<String>,
    /// Exit with this code when unsuppressed findings remain after the
    /// filters (0 disables the gate)
    #[arg(long, value_name = "CODE", default_value_t = 0)]
    exit_code: u8,
    /// Ignore file: YAML rules with reasons and expiry dates, or a
    /// `.trivyignore` [default: .drydockignore.yaml or .trivyignore in the
    /// current directory, if present]
    #[arg(long, value_name = "FILE")]
    ignore_file: Option<PathBuf>,
    /// OpenVEX document; `not_affected` and `fixed` statements suppress
    /// findings (repeatable)
    #[arg(long, value_name = "FILE")]
    vex: Vec<PathBuf>,
}

/// The loaded policy inputs of [`VulnArgs`].
struct Policy {
    ignore: Option<IgnoreFile>,
    vex: Vec<VexDocument>,
    filter: Filter,
    warnings: Vec<String>,
}

impl Policy {
    fn load(a: &VulnArgs) -> Result<Self> {
        let mut warnings = Vec::new();
        let ignore_path = a.ignore_file.clone().or_else(|| {
            DEFAULT_IGNORE_FILES
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_file())
        });
        let ignore = match ignore_path {
            Some(p) => {
                let (f, w) = IgnoreFile::load(&p)?;
                warnings.extend(w);
                Some(f)
            }
            None => None,
        };
        let mut vex = Vec::new();
        for p in &a.vex {
            let (d, w) = VexDocument::load(p)?;
            warnings.extend(w);
            vex.push(d);
        }
        let severities = match &a.severity {
            Some(list) => Some(drydock_policy::parse_severity_list(list)?),
            None => None,
        };
        Ok(Self {
            ignore,
            vex,
            filter: Filter {
                ignore_unfixed: a.ignore_unfixed,
                min_severity: None,
                severities,
            },
            warnings,
        })
    }

    /// Suppress, then filter. Returns warnings for this report.
    fn apply(&self, findings: &mut Vec<Vulnerability>) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(f) = &self.ignore {
            warnings.extend(f.apply(findings, SystemTime::now()).warnings);
        }
        if !self.vex.is_empty() {
            warnings.extend(drydock_policy::apply_vex(findings, &self.vex).warnings);
        }
        self.filter.apply(findings);
        warnings
    }

    /// Suppress misconfigurations by check id, then keep the `--severity`
    /// list.
    fn apply_misconfigs(&self, found: &mut Vec<drydock_findings::Misconfiguration>) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(f) = &self.ignore {
            warnings.extend(f.apply_misconfigs(found, SystemTime::now()).warnings);
        }
        if let Some(keep) = &self.filter.severities {
            found.retain(|m| keep.contains(&m.severity));
        }
        warnings
    }

    /// Suppress secrets by rule id or fingerprint, then keep the
    /// `--severity` list. Returns warnings for this report.
    fn apply_secrets(&self, secrets: &mut Vec<drydock_findings::Secret>) -> Vec<String> {
        let mut warnings = Vec::new();
        if let Some(f) = &self.ignore {
            warnings.extend(f.apply_secrets(secrets, SystemTime::now()).warnings);
        }
        if let Some(keep) = &self.filter.severities {
            secrets.retain(|s| keep.contains(&s.severity));
        }
        warnings
    }
}

fn open_matcher(a: &VulnArgs) -> Result<(Matcher, Option<String>)> {
    let dir = db_dir(&a.db)?;
    let (store, stale) = open_for_scan(&dir)?;
    let matcher = Matcher::new(store).context("cannot read the advisory database")?;
    Ok((matcher, stale))
}

fn is_rootfs(target: &str) -> bool {
    let p = Path::new(target);
    p.is_dir() && !p.join("oci-layout").exists() && !p.join("manifest.json").exists()
}

pub fn image(args: ImageArgs) -> Result<ExitCode> {
    for s in &args.scanners {
        if !SCANNERS.contains(&s.as_str()) {
            bail!("unknown scanner `{s}` (available: {})", SCANNERS.join(", "));
        }
    }
    let want_vuln = args.scanners.iter().any(|s| s == "vuln");
    let want_secret = args.scanners.iter().any(|s| s == "secret");
    let want_misconfig = args.scanners.iter().any(|s| s == "misconfig");
    let want_malware = args.scanners.iter().any(|s| s == "malware");
    let mut setup_warnings = Vec::new();
    let policies = if want_misconfig {
        crate::policy::load(args.policy.as_deref())?
    } else {
        None
    };
    let malware = if want_malware {
        Some(malware_engines(&args, &mut setup_warnings)?)
    } else {
        None
    };
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let secrets = if want_secret {
        Some(secret_options(&args)?)
    } else {
        None
    };
    let policy = Policy::load(&args.vuln)?;
    // Open the database before the scan so a missing one fails fast.
    let db = if want_vuln {
        Some(open_matcher(&args.vuln)?)
    } else {
        None
    };
    let quiet = args.out.quiet;
    let misconfig = want_misconfig.then(|| drydock_scan::MisconfigOptions {
        // The same rules the secret scanner uses recognise credentials in
        // ENV and build arguments by their value.
        secret_rules: Some(
            secrets
                .as_ref()
                .map(|s| s.rules.clone())
                .unwrap_or_else(|| std::sync::Arc::new(drydock_secrets::RuleSet::builtin())),
        ),
        dockerfile: drydock_dockerfile::LintConfig::default(),
    });
    let opened = crate::remote::open(&args.scan, is_rootfs(&args.scan.target))?;
    // Trust is decided from the manifest, config and signatures, before
    // any layer is downloaded.
    let trust_findings = match &args.trust_policy {
        Some(p) => crate::remote::evaluate_trust(p, &opened)?,
        None => Vec::new(),
    };
    let outcome = crate::scan_opened(
        opened.image,
        &args.scan,
        quiet,
        crate::Scanners {
            secrets,
            misconfig,
            malware,
        },
    )?;
    let mut warnings: Vec<String> = policy.warnings.clone();
    warnings.extend(setup_warnings);
    let mut findings = Vec::new();
    if let Some((matcher, stale)) = &db {
        let matches = matcher.match_inventory(&outcome.inventory)?;
        warnings.extend(stale.iter().cloned());
        warnings.extend(matches.warnings);
        findings = matches.vulnerabilities;
        warnings.extend(policy.apply(&mut findings));
        if let Some(base) = &args.only_new_since {
            let base_findings = base_findings(base, &args.scan, matcher, &policy, quiet)?;
            findings = drydock_policy::only_new(findings, &base_findings);
        }
    }
    let mut policy_findings = Vec::new();
    if let Some(set) = &policies {
        let input = crate::policy::image_input(&outcome);
        crate::policy::evaluate(
            set,
            drydock_rego::InputKind::Image,
            &input,
            "",
            &mut policy_findings,
            &mut warnings,
        );
    }
    let mut report = crate::to_report(outcome);
    report.misconfigurations.extend(policy_findings);
    report.misconfigurations.extend(trust_findings);
    warnings.extend(policy.apply_secrets(&mut report.secrets));
    warnings.extend(policy.apply_misconfigs(&mut report.misconfigurations));
    // A `.trivyignore` line covers every kind of finding, so an expired one
    // is reported once per kind; say it once.
    let mut seen = std::collections::HashSet::new();
    warnings.retain(|w| seen.insert(w.clone()));
    if !quiet {
        for w in &warnings {
            eprintln!("warning: {w}");
        }
    }
    report.warnings.extend(warnings);
    report.vulnerabilities = findings;
    // Informational findings (the hardening inventory) never fail a gate.
    let failed = gate_failed(&report.vulnerabilities)
        || report.secrets.iter().any(|s| s.suppressed.is_none())
        || report.malware.iter().any(|m| m.suppressed.is_none())
        || report
            .misconfigurations
            .iter()
            .any(|m| m.suppressed.is_none() && m.severity > Severity::Info);
    let sections = Sections::for_scanners(
        want_vuln,
        want_secret,
        want_misconfig || args.trust_policy.is_some(),
        want_malware,
    );
    crate::write_report_with(&report, format, &sections, args.out.output.as_deref())?;
    Ok(exit(args.vuln.exit_code, failed))
}

/// The malware engines for this run: YARA-X (built-in and `--yara-rules`,
/// compiled rules cached), the hashes imported with `drydock db
/// import-hashes`, and clamd when `--clamd` names one that answers. An
/// engine that cannot run is a warning; the others still run.
fn malware_engines(
    args: &ImageArgs,
    warnings: &mut Vec<String>,
) -> Result<drydock_scan::MalwareEngines> {
    // Compiled rules are a build artifact keyed by the exact rule texts and
    // yara-x release, not a scan result: `--no-cache` (analyze every layer
    // again) still uses them. Compiling the pack costs about 0.1 s a run.
    let cache = args
        .scan
        .cache_dir
        .clone()
        .or_else(crate::default_cache_dir)
        .map(|c| c.join("yara"));
    let yara =
        drydock_malware::YaraEngine::with_rules_dirs(true, &args.yara_rules, cache.as_deref())
            .context("cannot compile the YARA rules")?
            .with_max_file_size(args.malware_max_file);
    warnings.extend(yara.warnings().iter().cloned());
    let db = crate::db::hashes_db(&db_dir(&args.vuln.db)?);
    let hashes = if db.is_file() {
        let store = drydock_malware::HashDb::open_read_only(&db)?;
        let sources: Vec<String> = store
            .sources()?
            .iter()
            .map(|s| format!("{}={}@{}", s.name, s.entries, s.imported_at))
            .collect();
        let index = store.load_index()?;
        (!index.is_empty()).then(|| (std::sync::Arc::new(index), sources.join(",")))
    } else {
        None
    };
    let clamd = match &args.clamd {
        Some(addr) => {
            let addr: drydock_clamd::ClamdAddr = addr
                .parse()
                .map_err(|e| anyhow::anyhow!("--clamd {addr}: {e}"))?;
            let client = drydock_clamd::ClamdClient::new(addr);
            match client.version() {
                Ok(version) => Some((client, version)),
                Err(e) => {
                    warnings.push(format!("{e}; the ClamAV engine did not run"));
                    None
                }
            }
        }
        None => None,
    };
    Ok(drydock_scan::MalwareEngines {
        yara: Some(std::sync::Arc::new(yara)),
        deobfuscate: true,
        hashes,
        clamd,
        max_file: args.malware_max_file,
    })
}

fn secret_options(args: &ImageArgs) -> Result<drydock_scan::SecretOptions> {
    let mut rules = drydock_secrets::RuleSet::builtin();
    if let Some(path) = &args.secret_config {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read `{}`", path.display()))?;
        let custom =
            drydock_secrets::RuleSet::from_gitleaks_toml(&text, &path.display().to_string())?;
        rules = if custom.extend_spec().is_some_and(|e| !e.use_default) {
            custom
        } else {
            rules.extend(custom)
        };
    }
    let limits = drydock_secrets::Limits {
        max_file: args.secret_max_file,
        ..drydock_secrets::Limits::default()
    };
    Ok(drydock_scan::SecretOptions {
        rules: std::sync::Arc::new(rules),
        limits,
        reveal: args.show_secrets,
        archives: (args.secret_max_archive > 0).then(|| {
            (
                args.secret_max_archive,
                drydock_scan::MemberLimits {
                    max_member: args.secret_max_file,
                    ..drydock_scan::MemberLimits::default()
                },
            )
        }),
    })
}

fn exit(code: u8, failed: bool) -> ExitCode {
    if code != 0 && failed {
        ExitCode::from(code)
    } else {
        ExitCode::SUCCESS
    }
}

fn gate_failed(v: &[Vulnerability]) -> bool {
    drydock_policy::gate(v, &Severity::ALL).failed()
}

/// The findings of the base image (scanned) or base SBOM (read), with the
/// same database and policy, so that only what the image adds remains.
fn base_findings(
    base: &str,
    scan: &ScanArgs,
    matcher: &Matcher,
    policy: &Policy,
    quiet: bool,
) -> Result<Vec<Vulnerability>> {
    let inventory = if is_sbom_file(Path::new(base)) {
        let bytes = std::fs::read(base).with_context(|| format!("cannot read `{base}`"))?;
        drydock_sbom::read_sbom(&bytes, base)?.inventory
    } else {
        let args = ScanArgs {
            target: base.to_owned(),
            platform: scan.platform.clone(),
            cache_dir: scan.cache_dir.clone(),
            no_cache: scan.no_cache,
            registry: scan.registry.clone(),
        };
        crate::run_scan(&args, is_rootfs(base), quiet, crate::Scanners::default())
            .with_context(|| format!("cannot scan base `{base}`"))?
            .inventory
    };
    let mut findings = matcher.match_inventory(&inventory)?.vulnerabilities;
    policy.apply(&mut findings);
    Ok(findings)
}

/// A regular file starting with `{` is an SBOM document; image archives are
/// tar files.
fn is_sbom_file(p: &Path) -> bool {
    use std::io::Read;
    if !p.is_file() {
        return false;
    }
    let mut head = [0u8; 64];
    let n = std::fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let body = head[..n]
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&head[..n]);
    body.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// One SBOM's result. With `--output-dir` the report is written as soon as
/// it is ready and not kept, so memory stays flat however many SBOMs are
/// rescanned.
struct Rescanned {
    report: Option<ScanReport>,
    findings: usize,
    failed: bool,
    warnings: Vec<String>,
}

pub fn sbom_scan(args: SbomScanArgs) -> Result<ExitCode> {
    let format: Format = args.format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    if format == Format::SpdxJson {
        bail!("sbom-scan writes table, json, sarif or cyclonedx-json");
    }
    let many = args.sboms.len() > 1;
    if many && args.output_dir.is_none() && !matches!(format, Format::Table | Format::Json) {
        bail!("several SBOMs in {format} need --output-dir (one report per SBOM)");
    }
    if let Some(dir) = &args.output_dir {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    let policy = Policy::load(&args.vuln)?;
    let (matcher, stale) = open_matcher(&args.vuln)?;
    let started = std::time::Instant::now();
    let created = crate::now_rfc3339();
    // Every SBOM is independent; the matcher's caches are shared, so each
    // package name is read from the database, and each version evaluated,
    // once for the whole batch.
    let results: Vec<Result<Rescanned>> = args
        .sboms
        .par_iter()
        .map(|path| {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read `{}`", path.display()))?;
            let loaded = drydock_sbom::read_sbom(&bytes, &path.display().to_string())?;
            drop(bytes);
            let matches = matcher.match_inventory(&loaded.inventory)?;
            let mut findings = matches.vulnerabilities;
            let mut warnings: Vec<String> = stale.iter().cloned().collect();
            warnings.extend(policy.warnings.iter().cloned());
            warnings.extend(loaded.warnings);
            warnings.extend(matches.warnings);
            warnings.extend(policy.apply(&mut findings));
            let report = sbom_report(
                loaded
                    .target_name
                    .unwrap_or_else(|| path.display().to_string()),
                loaded.inventory,
                &loaded.layers,
                findings,
                warnings,
                created.clone(),
            );
            let mut done = Rescanned {
                findings: report.vulnerabilities.len(),
                failed: gate_failed(&report.vulnerabilities),
                warnings: if many {
                    Vec::new()
                } else {
                    report.warnings.clone()
                },
                report: None,
            };
            match &args.output_dir {
                Some(dir) => {
                    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("sbom");
                    let out = dir.join(format!("{stem}.{}", extension(format)));
                    crate::write_report_with(&report, format, &FINDINGS_ONLY, Some(&out))?;
                }
                None => done.report = Some(report),
            }
            Ok(done)
        })
        .collect();
    let mut done = Vec::with_capacity(results.len());
    for r in results {
        done.push(r?);
    }
    let failed = done.iter().any(|r| r.failed);
    if !args.out.quiet {
        for w in done.iter().flat_map(|r| &r.warnings) {
            eprintln!("warning: {w}");
        }
        let total: usize = done.iter().map(|r| r.findings).sum();
        eprintln!(
            "rescanned {} SBOM(s) in {:.2} s: {total} finding(s)",
            done.len(),
            started.elapsed().as_secs_f64()
        );
    }
    let reports: Vec<ScanReport> = done.into_iter().filter_map(|r| r.report).collect();
    if args.output_dir.is_some() {
        // Written already.
    } else if !many {
        if let Some(r) = reports.first() {
            crate::write_report_with(r, format, &FINDINGS_ONLY, args.out.output.as_deref())?;
        }
    } else if format == Format::Json {
        crate::write_text(
            &(serde_json::to_string_pretty(&reports)? + "\n"),
            args.out.output.as_deref(),
        )?;
    } else {
        let mut text = String::new();
        for r in &reports {
            let mut buf = Vec::new();
            drydock_report::render_sections(r, format, &FINDINGS_ONLY, &mut buf)?;
            text.push_str(&String::from_utf8_lossy(&buf));
            text.push('\n');
        }
        crate::write_text(&text, args.out.output.as_deref())?;
    }
    Ok(exit(args.vuln.exit_code, failed))
}

fn extension(f: Format) -> &'static str {
    match f {
        Format::Table => "txt",
        Format::Sarif => "sarif",
        Format::CycloneDxJson => "cdx.json",
        _ => "json",
    }
}

fn sbom_report(
    name: String,
    inventory: Inventory,
    layers: &[(usize, Option<String>)],
    vulnerabilities: Vec<Vulnerability>,
    warnings: Vec<String>,
    created: String,
) -> ScanReport {
    ScanReport {
        tool: ToolInfo::drydock(),
        created,
        target: Target {
            name,
            kind: TargetKind::Image,
            layers: layers
                .iter()
                .map(|(index, diff_id)| LayerInfo {
                    index: *index,
                    diff_id: diff_id.as_deref().and_then(|d| d.parse().ok()),
                    created_by: None,
                    size: None,
                })
                .collect(),
            os: inventory.distro.clone(),
            ..Target::default()
        },
        inventory,
        vulnerabilities,
        secrets: Vec::new(),
        misconfigurations: Vec::new(),
        malware: Vec::new(),
        warnings,
    }
}
