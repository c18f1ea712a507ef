//! `drydock db`: build, refresh and inspect the local advisory database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use drydock_vulndb::update::{DEFAULT_SOURCES, UpdateOptions};
use drydock_vulndb::{ImportOptions, ImportReport, Input, Status, Store};

/// Advisory data older than this draws a warning: feeds publish daily, so a
/// week without news means the database stopped being refreshed.
pub const DEFAULT_MAX_AGE_DAYS: u64 = 7;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Import feeds from files or directories
    ///
    /// Accepts OSV `all.zip` archives or directories of OSV records, the
    /// Debian security tracker's `DSA/list`, `DLA/list`, `CVE/list` and JSON
    /// export (a directory holding `DSA/list` and/or `DLA/list` is
    /// recognised), and Alpine secdb documents. Re-importing a source
    /// replaces its previous records; the database is replaced atomically.
    Import(ImportArgs),
    /// Download the feeds and import them
    ///
    /// Without --source, fetches the upstream OSV, Debian and Alpine feeds.
    /// With --source (repeatable), fetches only those URLs or paths: use
    /// it for mirrors and air-gapped setups. If any source cannot be
    /// fetched, the database is left unchanged and the exit code is 2.
    Update(UpdateArgs),
    /// Show sources, record counts and age
    Status(StatusArgs),
    /// Import known-bad file hashes for the malware scanner
    ///
    /// One MD5, SHA-1 or SHA-256 per line (an optional name after it),
    /// `sha256sum` output, ClamAV `.hdb`/`.hsb`, or CSV exports such as
    /// MalwareBazaar's. Stored in `hashes.db` in the database directory;
    /// re-importing a source replaces it.
    ImportHashes(ImportHashesArgs),
}

#[derive(Args)]
pub struct ImportHashesArgs {
    /// Hash list files
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// Source name [default: each file's name]
    #[arg(long, value_name = "NAME")]
    source: Option<String>,
    #[command(flatten)]
    db: DbDirArg,
    /// No summary on standard error
    #[arg(short, long)]
    quiet: bool,
}

/// Where the known-bad hashes live.
pub fn hashes_db(dir: &std::path::Path) -> PathBuf {
    dir.join("hashes.db")
}

fn import_hashes(a: ImportHashesArgs) -> Result<ExitCode> {
    let dir = db_dir(&a.db)?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut db = drydock_malware::HashDb::open(&hashes_db(&dir))?;
    for f in &a.files {
        let parsed = drydock_malware::HashList::parse_file(f)?;
        for b in parsed.bad_lines.iter().take(20) {
            eprintln!("warning: {}:{}: {}", f.display(), b.line, b.reason);
        }
        let source = a.source.clone().unwrap_or_else(|| {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.display().to_string())
        });
        if parsed.list.is_empty() {
            anyhow::bail!("`{}` holds no usable hash; nothing imported", f.display());
        }
        let stats = db.import(&source, &parsed.list)?;
        if !a.quiet {
            eprintln!(
                "imported {} hashes from {} as `{}` ({} replaced, {} lines skipped)",
                stats.stored,
                f.display(),
                stats.source,
                stats.replaced,
                parsed.bad_lines.len()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct DbDirArg {
    /// Database directory [default: $DRYDOCK_DB_DIR, else <cache dir>/db]
    #[arg(long, value_name = "DIR")]
    pub db_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// Feed files or directories
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbDirArg,
    /// No progress or per-record messages
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub struct UpdateArgs {
    /// A feed URL (http, https, file) or path; repeat for several
    #[arg(long = "source", value_name = "URL")]
    sources: Vec<String>,
    #[command(flatten)]
    db: DbDirArg,
    /// No progress or per-record messages
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub struct StatusArgs {
    #[command(flatten)]
    db: DbDirArg,
    /// Output format: table or json
    #[arg(short, long, default_value = "table")]
    format: String,
    /// Warn when the newest advisory is older than this many days
    #[arg(long, value_name = "DAYS", default_value_t = DEFAULT_MAX_AGE_DAYS)]
    max_age: u64,
    /// Write to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The database directory: the flag, `$DRYDOCK_DB_DIR`, else `db` under the
/// cache directory.
pub fn db_dir(arg: &DbDirArg) -> Result<PathBuf> {
    if let Some(d) = &arg.db_dir {
        return Ok(d.clone());
    }
    if let Some(d) = std::env::var_os("DRYDOCK_DB_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    crate::default_cache_dir()
        .map(|c| c.join("db"))
        .context("no database directory: pass --db-dir or set DRYDOCK_DB_DIR")
}

pub fn run(cmd: DbCommand) -> Result<ExitCode> {
    match cmd {
        DbCommand::ImportHashes(a) => import_hashes(a),
        DbCommand::Import(a) => {
            let dir = db_dir(&a.db)?;
            let inputs: Vec<Input> = a.paths.iter().cloned().map(Input::from).collect();
            let started = std::time::Instant::now();
            let report = drydock_vulndb::import(&dir, &inputs, &ImportOptions::default())
                .context("import failed; the database was not changed")?;
            summarize(&report, a.quiet, started.elapsed());
            Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        DbCommand::Update(a) => {
            let dir = db_dir(&a.db)?;
            let sources: Vec<String> = if a.sources.is_empty() {
                DEFAULT_SOURCES.iter().map(|s| s.to_string()).collect()
            } else {
                a.sources.clone()
            };
            if !a.quiet {
                eprintln!(
                    "fetching {} source(s) into {}",
                    sources.len(),
                    dir.display()
                );
            }
            let started = std::time::Instant::now();
            let report = drydock_vulndb::update::update(&dir, &sources, &UpdateOptions::default())
                .context("update failed")?;
            summarize(&report, a.quiet, started.elapsed());
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Status(a) => {
            let dir = db_dir(&a.db)?;
            let store = Store::open(&dir)?;
            let status = store.status()?;
            let text = match a.format.as_str() {
                "json" => serde_json::to_string_pretty(&status)? + "\n",
                "table" => status_table(&status),
                other => anyhow::bail!("unknown format `{other}` for db status (table, json)"),
            };
            crate::write_text(&text, a.output.as_deref())?;
            if let Some(w) = staleness(&status, a.max_age) {
                eprintln!("warning: {w}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn summarize(report: &ImportReport, quiet: bool, took: Duration) {
    for s in &report.sources {
        if !quiet {
            eprintln!(
                "imported {:<22} {:>7} advisories, {:>4} skipped  ({})",
                s.name,
                s.records,
                s.skipped.len(),
                s.origin
            );
            for e in s.skipped.iter().take(20) {
                eprintln!("  skipped: {e}");
            }
            if s.skipped.len() > 20 {
                eprintln!("  … and {} more skipped records", s.skipped.len() - 20);
            }
        }
    }
    for (origin, why) in &report.failed {
        eprintln!("error: {origin}: {why}");
    }
    if !quiet {
        eprintln!(
            "database {} written in {:.2} s",
            report.path.display(),
            took.as_secs_f64()
        );
    }
}

fn status_table(s: &Status) -> String {
    let mut out = format!(
        "database  {}\nschema    {}\nsize      {:.1} MiB\n\n",
        s.path.display(),
        s.schema,
        s.size as f64 / (1 << 20) as f64
    );
    out.push_str(&format!(
        "{:<24} {:>9} {:>8}  {:<20} {:<10} ORIGIN\n",
        "SOURCE", "RECORDS", "SKIPPED", "IMPORTED", "NEWEST"
    ));
    for src in &s.sources {
        out.push_str(&format!(
            "{:<24} {:>9} {:>8}  {:<20} {:<10} {}\n",
            src.name,
            src.records,
            src.skipped,
            crate::rfc3339(src.imported_at.max(0) as u64),
            src.newest
                .as_deref()
                .map(|n| &n[..n.len().min(10)])
                .unwrap_or("-"),
            src.origin
        ));
    }
    out
}

/// A warning when the newest advisory is older than `max_days`: the data
/// itself is old, whenever it was imported.
pub fn staleness(s: &Status, max_days: u64) -> Option<String> {
    let newest = s.newest()?;
    let day = days_since_epoch(newest)?;
    let today = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let age = today - day;
    (age > max_days as i64).then(|| {
        format!(
            "the advisory database is stale: its newest record is {age} days old ({}); run \
             `drydock db update` or import fresh feeds",
            &newest[..newest.len().min(10)]
        )
    })
}

/// Days since 1970-01-01 of an RFC 3339 date's `YYYY-MM-DD` prefix.
fn days_since_epoch(date: &str) -> Option<i64> {
    let y: i64 = date.get(0..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    // Inverse of Howard Hinnant's civil_from_days.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Opens the store in `dir` for a scan, with the staleness warning.
pub fn open_for_scan(dir: &Path) -> Result<(Store, Option<String>)> {
    let store = Store::open(dir)?;
    let status = store.status()?;
    if status.sources.is_empty() {
        anyhow::bail!(
            "the advisory database {} is empty; run `drydock db import PATH` or `drydock db update`",
            store.path().display()
        );
    }
    let warn = staleness(&status, DEFAULT_MAX_AGE_DAYS);
    Ok((store, warn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_days() {
        assert_eq!(days_since_epoch("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(days_since_epoch("2026-06-01"), Some(20_605));
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
        assert_eq!(days_since_epoch("garbage"), None);
    }
}
