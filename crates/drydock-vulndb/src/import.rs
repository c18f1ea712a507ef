//! The write side: feeds in, one atomic database replacement out.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use drydock_advisory::feeds::{alpine, debian, debian_cve, debian_json, osv};
use drydock_advisory::{Advisory, Affected, Event, Parsed, RangeKind, RecordError};
use drydock_version::Scheme;
use rusqlite::{Connection, OptionalExtension, params};

use crate::detect::{InputKind, detect};
use crate::names::normalize_name;
use crate::store::{SCHEMA, SCHEMA_VERSION};
use crate::{DB_FILE, Error};

/// Bounds on what an import reads.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Largest feed file read into memory.
    pub max_file: u64,
    /// Bounds on OSV archives.
    pub osv: osv::Limits,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            // The tracker's JSON export is ~70 MB and the largest OSV
            // ecosystem zip a few hundred MB.
            max_file: 1 << 30,
            osv: osv::Limits::default(),
        }
    }
}

/// One thing to import: a path, and what to call its origin in the
/// database (a URL for downloads; the path otherwise).
#[derive(Debug, Clone)]
pub struct Input {
    /// File or directory.
    pub path: PathBuf,
    /// Shown by `db status`; defaults to the path.
    pub origin: Option<String>,
}

impl From<PathBuf> for Input {
    fn from(path: PathBuf) -> Self {
        Self { path, origin: None }
    }
}

/// What one source contributed.
#[derive(Debug, Clone)]
pub struct SourceReport {
    /// `osv/PyPI`, `debian/DSA`, …
    pub name: String,
    /// Feed kind.
    pub kind: InputKind,
    /// Path or URL.
    pub origin: String,
    /// Advisories stored.
    pub records: usize,
    /// Records skipped, with the reason.
    pub skipped: Vec<RecordError>,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// Sources written, each replacing its previous records.
    pub sources: Vec<SourceReport>,
    /// Inputs that could not be read at all, with the reason.
    pub failed: Vec<(String, String)>,
    /// The database file.
    pub path: PathBuf,
}

/// Imports `inputs` into the database in `db_dir`. Sources that are
/// re-imported replace their old records; other sources stay. Inputs that
/// cannot be read are listed in [`ImportReport::failed`] while the rest is
/// imported; when nothing at all could be read, the database is left as it
/// was and [`Error::Nothing`] is returned.
pub fn import(
    db_dir: &Path,
    inputs: &[Input],
    opts: &ImportOptions,
) -> Result<ImportReport, Error> {
    let mut report = ImportReport {
        path: db_dir.join(DB_FILE),
        ..ImportReport::default()
    };
    let mut parsed: Vec<(SourceReport, Vec<Advisory>)> = Vec::new();
    for input in inputs {
        let origin = input
            .origin
            .clone()
            .unwrap_or_else(|| input.path.display().to_string());
        match read_input(&input.path, &origin, opts) {
            Ok(sources) => parsed.extend(sources),
            Err(e) => report.failed.push((origin, e.to_string())),
        }
    }
    if parsed.is_empty() {
        let why = report
            .failed
            .iter()
            .map(|(o, e)| format!("{o}: {e}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Error::Nothing(if why.is_empty() {
            "no inputs".into()
        } else {
            why
        }));
    }

    fs::create_dir_all(db_dir).map_err(|source| Error::Io {
        path: db_dir.to_owned(),
        source,
    })?;
    // One writer at a time: two imports racing on copy-and-rename would
    // silently drop one of them.
    let lock_path = db_dir.join(format!("{DB_FILE}.lock"));
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| Error::Io {
            path: lock_path.clone(),
            source,
        })?;
    lock.lock().map_err(|source| Error::Io {
        path: lock_path.clone(),
        source,
    })?;

    // Under the lock no other import is running: temporary files still
    // here are from imports that were killed.
    if let Ok(entries) = fs::read_dir(db_dir) {
        let prefix = format!("{DB_FILE}.tmp-");
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    let target = db_dir.join(DB_FILE);
    let tmp = TempFile(db_dir.join(format!("{DB_FILE}.tmp-{}", std::process::id())));
    let _ = fs::remove_file(&tmp.0);
    if target.is_file() {
        fs::copy(&target, &tmp.0).map_err(|source| Error::Io {
            path: target.clone(),
            source,
        })?;
    }
    write(&tmp.0, &mut parsed)?;
    let f = fs::File::open(&tmp.0).map_err(|source| Error::Io {
        path: tmp.0.clone(),
        source,
    })?;
    f.sync_all().map_err(|source| Error::Io {
        path: tmp.0.clone(),
        source,
    })?;
    drop(f);
    fs::rename(&tmp.0, &target).map_err(|source| Error::Io {
        path: target.clone(),
        source,
    })?;
    std::mem::forget(tmp);
    if let Ok(d) = fs::File::open(db_dir) {
        let _ = d.sync_all();
    }
    report.sources = parsed.into_iter().map(|(s, _)| s).collect();
    Ok(report)
}

/// Removes the half-written database unless the import got to the rename.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
        let _ = fs::remove_file(self.0.with_extension("tmp-journal"));
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn write(path: &Path, parsed: &mut [(SourceReport, Vec<Advisory>)]) -> Result<(), Error> {
    let sql = |source| Error::Sqlite {
        path: path.to_owned(),
        source,
    };
    let mut conn = Connection::open(path).map_err(sql)?;
    let schema: Option<String> = conn
        .query_row(
            "SELECT value FROM sqlite_master m, meta WHERE m.name = 'meta' AND key = 'schema'",
            [],
            |r| r.get(0),
        )
        .optional()
        .unwrap_or(None);
    if schema.is_some_and(|s| s != SCHEMA_VERSION.to_string()) {
        // An older layout: rebuilding from the new imports is the only safe
        // move; its other sources must be imported again.
        drop(conn);
        fs::remove_file(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        conn = Connection::open(path).map_err(sql)?;
    }
    conn.execute_batch(SCHEMA).map_err(sql)?;
    let tx = conn.transaction().map_err(sql)?;
    tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?1)",
        params![SCHEMA_VERSION.to_string()],
    )
    .map_err(sql)?;
    let stamp = now();
    for (src, advisories) in parsed.iter_mut() {
        tx.execute(
            "DELETE FROM affected WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
            params![src.name],
        )
        .map_err(sql)?;
        tx.execute(
            "DELETE FROM aliases WHERE advisory IN (SELECT id FROM advisories WHERE source = ?1)",
            params![src.name],
        )
        .map_err(sql)?;
        tx.execute(
            "DELETE FROM advisories WHERE source = ?1",
            params![src.name],
        )
        .map_err(sql)?;
        let mut ins_adv = tx
            .prepare_cached(
                "INSERT INTO advisories(source, advisory_id, modified, withdrawn, body) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .map_err(sql)?;
        let mut ins_aff = tx
            .prepare_cached("INSERT INTO affected(advisory, ecosystem, name) VALUES (?1, ?2, ?3)")
            .map_err(sql)?;
        let mut ins_alias = tx
            .prepare_cached("INSERT INTO aliases(advisory, alias) VALUES (?1, ?2)")
            .map_err(sql)?;
        let mut newest: Option<String> = None;
        for a in advisories.iter() {
            let json = serde_json::to_vec(a).map_err(|e| Error::Record {
                path: path.to_owned(),
                record: a.id.clone(),
                reason: e.to_string(),
            })?;
            let body = zstd::bulk::compress(&json, 3).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })?;
            ins_adv
                .execute(params![
                    src.name,
                    a.id,
                    a.modified,
                    a.withdrawn.is_some(),
                    body
                ])
                .map_err(sql)?;
            let rowid = tx.last_insert_rowid();
            let mut keys: Vec<(String, String)> = a
                .affected
                .iter()
                .map(|f| {
                    (
                        f.package.ecosystem.clone(),
                        normalize_name(&f.package.ecosystem, &f.package.name),
                    )
                })
                .collect();
            keys.sort();
            keys.dedup();
            for (eco, name) in keys {
                ins_aff.execute(params![rowid, eco, name]).map_err(sql)?;
            }
            for alias in &a.aliases {
                ins_alias.execute(params![rowid, alias]).map_err(sql)?;
            }
            // Feeds that write no real `modified` (Go's vulndb writes the
            // zero time, dropped in `finish`) still date their records by
            // `published`; without it a fresh Go feed had no date at all.
            if let Some(m) = a.modified.as_ref().or(a.published.as_ref())
                && newest.as_ref().is_none_or(|n| m > n)
            {
                newest = Some(m.clone());
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO sources(name, kind, origin, imported_at, records, skipped, newest) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                src.name,
                src.kind.as_str(),
                src.origin,
                stamp,
                advisories.len() as i64,
                src.skipped.len() as i64,
                newest
            ],
        )
        .map_err(sql)?;
    }
    tx.commit().map_err(sql)?;
    conn.execute_batch("PRAGMA optimize;").map_err(sql)?;
    conn.close().map_err(|(_, e)| sql(e))?;
    Ok(())
}

fn read_file(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut buf = Vec::new();
    fs::File::open(path)
        .map_err(io)?
        .take(max + 1)
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > max {
        return Err(Error::Input {
            path: path.to_owned(),
            reason: format!("larger than the {max}-byte feed limit"),
        });
    }
    Ok(buf)
}

fn feed_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Input {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Reads one import argument into sources. A single unreadable file inside
/// a directory fails the whole argument: importing half a feed would look
/// like a complete one.
fn read_input(
    path: &Path,
    origin: &str,
    opts: &ImportOptions,
) -> Result<Vec<(SourceReport, Vec<Advisory>)>, Error> {
    let units = detect(path)?;
    let mut out: Vec<(SourceReport, Vec<Advisory>)> = Vec::new();
    let mut records = Parsed::default();
    let mut record_files = 0usize;
    for (kind, file) in units {
        let unit_origin = if file == path {
            origin.to_owned()
        } else {
            format!(
                "{origin}/{}",
                file.strip_prefix(path).unwrap_or(&file).display()
            )
        };
        let (parsed, name) = match kind {
            InputKind::OsvRecord => {
                let bytes = read_file(&file, opts.osv.max_record)?;
                record_files += 1;
                match osv::parse_record(&bytes, &file.display().to_string()) {
                    Ok(a) => records.advisories.push(a),
                    Err(e) => records.errors.push(e),
                }
                continue;
            }
            InputKind::OsvZip => {
                let bytes = read_file(&file, opts.max_file)?;
                let p = osv::parse_zip(&bytes, &file.display().to_string(), &opts.osv)
                    .map_err(|e| feed_err(&file, e))?;
                let name = osv_source_name(&p.advisories, &file);
                (p, name)
            }
            InputKind::DebianList => {
                let bytes = read_file(&file, opts.max_file)?;
                let p = debian::parse_list(&String::from_utf8_lossy(&bytes));
                let which = p
                    .advisories
                    .first()
                    .and_then(|a| a.id.split('-').next())
                    .unwrap_or("DSA")
                    .to_owned();
                (p, format!("debian/{which}"))
            }
            InputKind::DebianCveList => {
                let bytes = read_file(&file, opts.max_file)?;
                (
                    debian_cve::parse_cve_list(&String::from_utf8_lossy(&bytes)),
                    "debian/CVE".to_owned(),
                )
            }
            InputKind::DebianJson => {
                let bytes = read_file(&file, opts.max_file)?;
                let p = debian_json::parse_tracker_json(&bytes, opts.max_file as usize)
                    .map_err(|e| feed_err(&file, e))?;
                (p, "debian/tracker-json".to_owned())
            }
            InputKind::AlpineSecdb => {
                let bytes = read_file(&file, opts.max_file)?;
                let p = alpine::parse_secdb(&bytes, &file.display().to_string())
                    .map_err(|e| feed_err(&file, e))?;
                let branch = p
                    .advisories
                    .iter()
                    .flat_map(|a| &a.affected)
                    .map(|f| f.package.ecosystem.trim_start_matches("Alpine:").to_owned())
                    .next()
                    .unwrap_or_else(|| "unknown".into());
                #[derive(serde::Deserialize)]
                struct Repo {
                    reponame: Option<String>,
                }
                // The document names its repository; the file name is only a
                // fallback (downloads and mirrors rename files).
                let repo = serde_json::from_slice::<Repo>(&bytes)
                    .ok()
                    .and_then(|r| r.reponame)
                    .filter(|r| {
                        !r.is_empty()
                            && r.chars()
                                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                    })
                    .or_else(|| file.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
                    .unwrap_or_else(|| "main".into());
                (p, format!("alpine/{branch}/{repo}"))
            }
        };
        out.push(finish(name, kind, unit_origin, parsed));
    }
    if record_files > 0 {
        let name = osv_source_name(&records.advisories, path);
        out.push(finish(
            name,
            InputKind::OsvRecord,
            origin.to_owned(),
            records,
        ));
    }
    // Two files of one source in one argument (e.g. two copies of a list)
    // would delete each other's records; merge them instead.
    let mut merged: BTreeMap<String, (SourceReport, Vec<Advisory>)> = BTreeMap::new();
    for (src, advs) in out {
        match merged.get_mut(&src.name) {
            Some((s, a)) => {
                s.records += src.records;
                s.skipped.extend(src.skipped);
                a.extend(advs);
            }
            None => {
                merged.insert(src.name.clone(), (src, advs));
            }
        }
    }
    Ok(merged.into_values().collect())
}

fn finish(
    name: String,
    kind: InputKind,
    origin: String,
    parsed: Parsed,
) -> (SourceReport, Vec<Advisory>) {
    let mut skipped = parsed.errors;
    let mut keep = Vec::with_capacity(parsed.advisories.len());
    for mut a in parsed.advisories {
        // Some feeds write the zero time for "unknown" (Go's vulndb does);
        // it would read as a 2,000-year-old record.
        for d in [&mut a.modified, &mut a.published] {
            if d.as_deref().is_some_and(|s| s.starts_with("0001-")) {
                *d = None;
            }
        }
        // A distribution record names many packages; one package's bad
        // version must not cost the others their advisory.
        let before = a.affected.len();
        let mut reasons = Vec::new();
        a.affected.retain(|f| match check_versions(f) {
            Ok(()) => true,
            Err(reason) => {
                reasons.push(reason);
                false
            }
        });
        for reason in reasons {
            let what = if a.affected.is_empty() {
                "record skipped"
            } else {
                "one package entry dropped, the rest imported"
            };
            skipped.push(RecordError {
                record: a.id.clone(),
                reason: format!("{what}: {reason}"),
            });
        }
        if !a.affected.is_empty() || before == 0 {
            keep.push(a);
        }
    }
    (
        SourceReport {
            name,
            kind,
            origin,
            records: keep.len(),
            skipped,
        },
        keep,
    )
}

/// `osv/PyPI` when every record is of one ecosystem (the usual `all.zip`),
/// else named after the file or directory.
fn osv_source_name(advisories: &[Advisory], path: &Path) -> String {
    let mut ecos: Vec<&str> = advisories
        .iter()
        .flat_map(|a| &a.affected)
        .map(|f| f.package.ecosystem.split(':').next().unwrap_or(""))
        .collect();
    ecos.sort_unstable();
    ecos.dedup();
    match ecos.as_slice() {
        [one] if !one.is_empty() => format!("osv/{one}"),
        _ => format!(
            "osv/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("records")
        ),
    }
}

/// An affected entry whose ranges name versions its ecosystem cannot order
/// would match arbitrarily; it is dropped and reported instead.
fn check_versions(f: &Affected) -> Result<(), String> {
    {
        let eco_scheme = Scheme::for_ecosystem(&f.package.ecosystem);
        for r in &f.ranges {
            let scheme = match r.kind {
                RangeKind::Git => continue,
                RangeKind::Semver if eco_scheme == Scheme::Go => Scheme::Go,
                RangeKind::Semver => Scheme::Semver,
                RangeKind::Ecosystem => eco_scheme,
            };
            for e in &r.events {
                if matches!(e, Event::Introduced(v) if v == "0") {
                    continue;
                }
                let v = e.version();
                if let Err(err) = drydock_version::validate(scheme, v) {
                    return Err(format!(
                        "bad version in {:?} range of `{}` ({}): {err}",
                        r.kind, f.package.name, f.package.ecosystem
                    ));
                }
            }
        }
    }
    Ok(())
}
