//! The read side of the database, and its schema.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use drydock_advisory::Advisory;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::{DB_FILE, Error, names::normalize_name};

/// Bumped whenever the tables or the record encoding change; an older
/// database is refused with a message rather than misread.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    records INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    newest TEXT
);
CREATE TABLE IF NOT EXISTS advisories (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    modified TEXT,
    withdrawn INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS advisories_source ON advisories(source);
CREATE INDEX IF NOT EXISTS advisories_id ON advisories(advisory_id);
CREATE TABLE IF NOT EXISTS affected (
    advisory INTEGER NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS affected_package ON affected(ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_advisory ON affected(advisory);
CREATE TABLE IF NOT EXISTS aliases (advisory INTEGER NOT NULL, alias TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_alias ON aliases(alias);
CREATE INDEX IF NOT EXISTS aliases_advisory ON aliases(advisory);
";

/// One imported source.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceStatus {
    /// `osv/PyPI`, `debian/DSA`, `alpine/v3.18/main`.
    pub name: String,
    /// The feed kind.
    pub kind: String,
    /// Where it was imported from (a path or URL).
    pub origin: String,
    /// Import time, seconds since the Unix epoch.
    pub imported_at: i64,
    /// Advisories stored.
    pub records: u64,
    /// Records skipped at import.
    pub skipped: u64,
    /// The newest `modified` date among its records.
    pub newest: Option<String>,
}

/// What the database holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The database file.
    pub path: PathBuf,
    /// Schema version.
    pub schema: u32,
    /// File size in bytes.
    pub size: u64,
    /// Sources, by name.
    pub sources: Vec<SourceStatus>,
}

impl Status {
    /// The newest record date over every source (`2023-03-29T…`).
    pub fn newest(&self) -> Option<&str> {
        self.sources
            .iter()
            .filter_map(|s| s.newest.as_deref())
            .max()
    }

    /// The most recent import, seconds since the epoch.
    pub fn last_import(&self) -> Option<i64> {
        self.sources.iter().map(|s| s.imported_at).max()
    }
}

/// A read-only handle on the database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens the database in `dir` (the file [`DB_FILE`]) read-only.
    pub fn open(dir: &Path) -> Result<Self, Error> {
        Self::open_file(&dir.join(DB_FILE))
    }

    /// Opens a database file read-only.
    pub fn open_file(path: &Path) -> Result<Self, Error> {
        if !path.is_file() {
            return Err(Error::Missing(path.to_owned()));
        }
        let sql = |source| Error::Sqlite {
            path: path.to_owned(),
            source,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sql)?;
        let found: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql)?;
        if found.as_deref() != Some(&SCHEMA_VERSION.to_string()) {
            return Err(Error::Schema {
                path: path.to_owned(),
                found: found.unwrap_or_else(|| "none".into()),
                expected: SCHEMA_VERSION,
            });
        }
        Ok(Self {
            conn,
            path: path.to_owned(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Every advisory naming `name` in `ecosystem` (exactly, e.g.
    /// `Debian:11`), withdrawn ones included: the matcher decides.
    pub fn advisories_for(&self, ecosystem: &str, name: &str) -> Result<Vec<Arc<Advisory>>, Error> {
        let key = normalize_name(ecosystem, name);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT a.id, a.advisory_id, a.body FROM affected f \
                 JOIN advisories a ON a.id = f.advisory \
                 WHERE f.ecosystem = ?1 AND f.name = ?2 ORDER BY a.advisory_id, a.id",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![ecosystem, key], |r| {
                Ok((r.get::<_, String>(1)?, r.get::<_, Vec<u8>>(2)?))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row.map_err(|e| self.sql(e))?;
            out.push(Arc::new(self.decode(&id, &body)?));
        }
        Ok(out)
    }

    /// Every advisory whose id or alias is `id` (`CVE-2023-0286` finds the
    /// CVE record and every DSA, PYSEC or GHSA naming it).
    pub fn advisories_by_id(&self, id: &str) -> Result<Vec<Arc<Advisory>>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.advisory_id, a.body FROM advisories a WHERE a.advisory_id = ?1 \
                 UNION SELECT a.advisory_id, a.body FROM aliases l \
                 JOIN advisories a ON a.id = l.advisory WHERE l.alias = ?1",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, body) = row.map_err(|e| self.sql(e))?;
            out.push(Arc::new(self.decode(&id, &body)?));
        }
        Ok(out)
    }

    /// Which ecosystems have any advisory (`PyPI`, `Debian:11`, …).
    pub fn ecosystems(&self) -> Result<Vec<String>, Error> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    fn decode(&self, id: &str, body: &[u8]) -> Result<Advisory, Error> {
        let bad = |reason: String| Error::Record {
            path: self.path.clone(),
            record: id.to_owned(),
            reason,
        };
        // Records are written by us, but the file is on disk and may be
        // damaged: bound the inflated size like any other input.
        let json = zstd::bulk::decompress(body, 64 << 20).map_err(|e| bad(e.to_string()))?;
        serde_json::from_slice(&json).map_err(|e| bad(e.to_string()))
    }

    /// Sources, counts and sizes.
    pub fn status(&self) -> Result<Status, Error> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, kind, origin, imported_at, records, skipped, newest \
                 FROM sources ORDER BY name",
            )
            .map_err(|e| self.sql(e))?;
        let sources = stmt
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    origin: r.get(2)?,
                    imported_at: r.get(3)?,
                    records: r.get::<_, i64>(4)?.max(0) as u64,
                    skipped: r.get::<_, i64>(5)?.max(0) as u64,
                    newest: r.get(6)?,
                })
            })
            .map_err(|e| self.sql(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql(e))?;
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        Ok(Status {
            path: self.path.clone(),
            schema: SCHEMA_VERSION,
            size,
            sources,
        })
    }
}
