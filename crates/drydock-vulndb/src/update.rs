//! `drydock db update`: fetch the feeds from their upstream URLs (or from
//! mirrors) and import them.
//!
//! Every source is downloaded into a scratch directory first; only when all
//! of them arrived intact does the import run. An unreachable mirror
//! therefore leaves the previous database exactly as it was.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Error;
use crate::import::{ImportOptions, ImportReport, Input, import};

/// The feeds `db update` fetches when no `--source` is given.
pub const DEFAULT_SOURCES: &[&str] = &[
    "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/NuGet/all.zip",
    "https://osv-vulnerabilities.storage.googleapis.com/Packagist/all.zip",
    "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DSA/list",
    "https://salsa.debian.org/security-tracker-team/security-tracker/-/raw/master/data/DLA/list",
    "https://security-tracker.debian.org/tracker/data/json",
    "https://secdb.alpinelinux.org/v3.18/main.json",
    "https://secdb.alpinelinux.org/v3.18/community.json",
    "https://secdb.alpinelinux.org/v3.19/main.json",
    "https://secdb.alpinelinux.org/v3.19/community.json",
    "https://secdb.alpinelinux.org/v3.20/main.json",
    "https://secdb.alpinelinux.org/v3.20/community.json",
    "https://secdb.alpinelinux.org/v3.21/main.json",
    "https://secdb.alpinelinux.org/v3.21/community.json",
    "https://secdb.alpinelinux.org/v3.22/main.json",
    "https://secdb.alpinelinux.org/v3.22/community.json",
];

/// Download limits.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Largest download accepted.
    pub max_download: u64,
    /// Connection timeout.
    pub connect_timeout: Duration,
    /// Whole-request timeout per source.
    pub timeout: Duration,
    /// Import bounds.
    pub import: ImportOptions,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        Self {
            max_download: 1 << 30,
            connect_timeout: Duration::from_secs(15),
            timeout: Duration::from_secs(600),
            import: ImportOptions::default(),
        }
    }
}

/// Fetches every source (`http://`, `https://`, `file://` URLs or local
/// paths) and imports them into `db_dir`. Any source that cannot be fetched
/// aborts the update before the database is touched.
pub fn update(
    db_dir: &Path,
    sources: &[String],
    opts: &UpdateOptions,
) -> Result<ImportReport, Error> {
    fs::create_dir_all(db_dir).map_err(|source| Error::Io {
        path: db_dir.to_owned(),
        source,
    })?;
    let scratch = tempfile::Builder::new()
        .prefix(".download-")
        .tempdir_in(db_dir)
        .map_err(|source| Error::Io {
            path: db_dir.to_owned(),
            source,
        })?;
    let agent = ureq::Agent::config_builder()
        .timeout_connect(Some(opts.connect_timeout))
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(true)
        .build()
        .new_agent();
    let mut inputs = Vec::new();
    for (n, src) in sources.iter().enumerate() {
        let path = if let Some(local) = local_path(src) {
            if !local.exists() {
                return Err(Error::Input {
                    path: local,
                    reason: "source does not exist".into(),
                });
            }
            local
        } else {
            fetch(&agent, src, &scratch.path().join(n.to_string()), opts)?
        };
        inputs.push(Input {
            path,
            origin: Some(src.clone()),
        });
    }
    let report = import(db_dir, &inputs, &opts.import)?;
    if let Some((origin, why)) = report.failed.first() {
        // A feed that downloaded but cannot be parsed is as bad as one that
        // did not download: the others are imported, but say so.
        return Err(Error::Input {
            path: PathBuf::from(origin),
            reason: format!("{why} (other sources were imported)"),
        });
    }
    Ok(report)
}

fn local_path(src: &str) -> Option<PathBuf> {
    if let Some(p) = src.strip_prefix("file://") {
        return Some(PathBuf::from(p));
    }
    if src.starts_with("http://") || src.starts_with("https://") {
        return None;
    }
    Some(PathBuf::from(src))
}

/// Downloads `url` into `dir`, naming the file so that import recognises it.
fn fetch(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    opts: &UpdateOptions,
) -> Result<PathBuf, Error> {
    let unreachable = |reason: String| Error::Input {
        path: PathBuf::from(url),
        reason: format!("cannot download: {reason}; the database was not changed"),
    };
    let mut resp = agent
        .get(url)
        .call()
        .map_err(|e| unreachable(e.to_string()))?;
    let mut body = Vec::new();
    resp.body_mut()
        .as_reader()
        .take(opts.max_download + 1)
        .read_to_end(&mut body)
        .map_err(|e| unreachable(e.to_string()))?;
    if body.len() as u64 > opts.max_download {
        return Err(unreachable(format!(
            "larger than the {}-byte download limit",
            opts.max_download
        )));
    }
    let segments: Vec<&str> = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .rsplit('/')
        .take(2)
        .collect();
    let last = segments.first().copied().unwrap_or("feed");
    let parent = segments.get(1).copied().unwrap_or("feed");
    let rel = if last.ends_with(".zip") || body.starts_with(b"PK\x03\x04") {
        PathBuf::from(format!("{parent}-{last}")).with_extension("zip")
    } else if last == "list" {
        PathBuf::from(parent).join("list")
    } else if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        PathBuf::from(format!("{parent}-{last}")).with_extension("json")
    } else {
        PathBuf::from(last)
    };
    let path = dir.join(sanitize(&rel));
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).map_err(|source| Error::Io {
            path: p.to_owned(),
            source,
        })?;
    }
    fs::write(&path, &body).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// URL segments become file names: keep them to a safe alphabet.
fn sanitize(rel: &Path) -> PathBuf {
    rel.components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .chars()
                .map(|ch| {
                    if ch.is_ascii_alphanumeric() || matches!(ch, '.' | '-' | '_') {
                        ch
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        })
        .filter(|s| !s.is_empty() && s != "." && s != "..")
        .collect()
}
