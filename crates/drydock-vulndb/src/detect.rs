//! Recognising what an import path holds.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::Error;

/// The kind of one feed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputKind {
    /// An OSV per-ecosystem `all.zip`.
    OsvZip,
    /// One OSV record (`*.json`).
    OsvRecord,
    /// The Debian tracker's `DSA/list` or `DLA/list`.
    DebianList,
    /// The Debian tracker's `CVE/list`.
    DebianCveList,
    /// The Debian tracker's JSON export.
    DebianJson,
    /// An Alpine secdb document (`v3.18/main.json`).
    AlpineSecdb,
}

impl InputKind {
    /// A short name for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OsvZip => "OSV zip",
            Self::OsvRecord => "OSV record",
            Self::DebianList => "Debian DSA/DLA list",
            Self::DebianCveList => "Debian CVE list",
            Self::DebianJson => "Debian tracker JSON",
            Self::AlpineSecdb => "Alpine secdb",
        }
    }
}

/// Directories deeper than this are not walked; real feed trees are shallow.
const MAX_DEPTH: usize = 12;
/// OSV record directories of the largest ecosystems hold a few hundred
/// thousand files.
const MAX_FILES: usize = 2_000_000;
/// Bytes read to tell JSON documents apart.
const SNIFF: usize = 64 << 10;

/// Classifies `path`: a feed file, or a directory holding feed files (an
/// OSV record tree, the tracker's `data/` with `DSA/list`, `DLA/list` and
/// `CVE/list`, or an Alpine secdb mirror with `v3.18/main.json`).
///
/// Symbolic links inside directories are not followed. Files in a
/// directory that are not feeds are ignored; a directory without any feed,
/// or a single file that is not one, is an error.
pub fn detect(path: &Path) -> Result<Vec<(InputKind, PathBuf)>, Error> {
    let meta = fs::metadata(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_file() {
        return match classify(path)? {
            Some(kind) => Ok(vec![(kind, path.to_owned())]),
            None => Err(Error::Input {
                path: path.to_owned(),
                reason: "not a recognised feed (expected an OSV zip or record, a Debian tracker \
                         DSA/DLA/CVE list or JSON export, or an Alpine secdb document)"
                    .into(),
            }),
        };
    }
    let mut out = Vec::new();
    let mut stack = vec![(path.to_owned(), 0usize)];
    let mut seen = 0usize;
    while let Some((dir, depth)) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            source,
        })?;
        let mut names: Vec<_> = entries.filter_map(Result::ok).collect();
        names.sort_by_key(|e| e.file_name());
        for entry in names {
            seen += 1;
            if seen > MAX_FILES {
                return Err(Error::Input {
                    path: path.to_owned(),
                    reason: format!("more than {MAX_FILES} files"),
                });
            }
            let p = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                if depth < MAX_DEPTH {
                    stack.push((p, depth + 1));
                }
            } else if ft.is_file()
                && let Some(kind) = classify(&p)?
            {
                out.push((kind, p));
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Input {
            path: path.to_owned(),
            reason: "no feed files found in this directory".into(),
        });
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

fn classify(path: &Path) -> Result<Option<InputKind>, Error> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".zip") {
        return Ok(Some(InputKind::OsvZip));
    }
    let head = sniff(path)?;
    let text = String::from_utf8_lossy(&head);
    let first = text.lines().map(str::trim_end).find(|l| !l.is_empty());
    if name == "list" {
        return Ok(match first {
            Some(l) if l.starts_with('[') => Some(InputKind::DebianList),
            Some(l) if l.starts_with("CVE-") || l.starts_with("TEMP-") => {
                Some(InputKind::DebianCveList)
            }
            _ => None,
        });
    }
    if !lower.ends_with(".json") {
        // A list under another name (`DSA.list`, a download) is recognised
        // by its first line.
        return Ok(match first {
            Some(l) if is_dsa_header(l) => Some(InputKind::DebianList),
            _ => None,
        });
    }
    let t = text.trim_start();
    if !t.starts_with('{') {
        return Ok(None);
    }
    if t.contains("\"distroversion\"") {
        return Ok(Some(InputKind::AlpineSecdb));
    }
    // The tracker export nests issues under package names; an OSV record
    // names an id and what it affects at its top level.
    if t.contains("\"releases\"") && (t.contains("\"CVE-") || t.contains("\"TEMP-")) {
        return Ok(Some(InputKind::DebianJson));
    }
    if t.contains("\"id\"") {
        return Ok(Some(InputKind::OsvRecord));
    }
    Ok(None)
}

/// `[29 Mar 2023] DSA-5380-1 xorg-server - security update`
fn is_dsa_header(line: &str) -> bool {
    line.starts_with('[')
        && line
            .split_once(']')
            .map(|(_, rest)| {
                let id = rest.trim_start();
                id.starts_with("DSA-") || id.starts_with("DLA-") || id.starts_with("DTSA-")
            })
            .unwrap_or(false)
}

fn sniff(path: &Path) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    let mut buf = Vec::with_capacity(SNIFF);
    fs::File::open(path)
        .map_err(io)?
        .take(SNIFF as u64)
        .read_to_end(&mut buf)
        .map_err(io)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, body: &str) -> PathBuf {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn recognises_each_feed_kind() {
        let d = tempfile::tempdir().unwrap();
        let dsa = write(
            d.path(),
            "data/DSA/list",
            "[29 Mar 2023] DSA-5380-1 xorg-server - security update\n",
        );
        let cve = write(d.path(), "data/CVE/list", "CVE-2023-0001 (x)\n\tRESERVED\n");
        let other = write(d.path(), "data/embedded-code-copies", "whatever\n");
        let alpine = write(
            d.path(),
            "alpine/v3.18/main.json",
            r#"{"distroversion":"v3.18","reponame":"main","packages":[]}"#,
        );
        let osv = write(
            d.path(),
            "osv/PYSEC-1.json",
            r#"{"id":"PYSEC-1","affected":[]}"#,
        );
        let json = write(
            d.path(),
            "tracker.json",
            r#"{"openssl":{"CVE-2023-0286":{"releases":{}}}}"#,
        );
        let zip = write(d.path(), "PyPI-all.zip", "PK");
        assert_eq!(
            detect(&dsa).unwrap(),
            vec![(InputKind::DebianList, dsa.clone())]
        );
        assert_eq!(detect(&cve).unwrap()[0].0, InputKind::DebianCveList);
        assert_eq!(detect(&alpine).unwrap()[0].0, InputKind::AlpineSecdb);
        assert_eq!(detect(&osv).unwrap()[0].0, InputKind::OsvRecord);
        assert_eq!(detect(&json).unwrap()[0].0, InputKind::DebianJson);
        assert_eq!(detect(&zip).unwrap()[0].0, InputKind::OsvZip);
        assert!(detect(&other).is_err());

        let all = detect(d.path()).unwrap();
        assert_eq!(all.len(), 6, "{all:?}");
        assert!(!all.iter().any(|(_, p)| p == &other));
    }

    #[test]
    fn empty_directory_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let e = detect(d.path()).unwrap_err().to_string();
        assert!(e.contains("no feed files"), "{e}");
    }
}
