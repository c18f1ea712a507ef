//! The SQLite backend: table `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`.
//!
//! The database is deserialised from memory into SQLite's in-memory VFS, read
//! only, so nothing touches the filesystem. Because the file is hostile,
//! SQLite runs with its defensive settings: an untrusted schema, no views
//! or triggers, cell size checks, a cap on value sizes and a budget of
//! virtual machine steps enforced by a progress handler.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB};

use crate::{Error, Limits, Sink};

pub(crate) const MAGIC: &[u8] = b"SQLite format 3\0";

/// Progress handler granularity, in virtual machine steps.
const STEP_CHUNK: u32 = 10_000;

fn sql_err(e: rusqlite::Error) -> Error {
    Error::Sqlite(e.to_string())
}

/// Opens `bytes` as a read-only in-memory database with the defensive
/// settings applied. Returns the connection and a flag that is set when the
/// step budget ran out.
fn open(bytes: &[u8], limits: &Limits) -> Result<(Connection, Arc<AtomicBool>), Error> {
    // rpm leaves its database in WAL mode (file format bytes 18/19 = 2). The
    // in-memory VFS has no WAL support and would refuse to read such a file;
    // without its -wal file the main file is a complete rollback-journal
    // database, so mark it as one. Only the first bytes are copied here; the
    // rest streams straight into SQLite's own buffer.
    let split = bytes.len().min(20);
    let (head, tail) = bytes.split_at(split);
    let mut head = head.to_vec();
    for at in [18, 19] {
        if let Some(b) = head.get_mut(at)
            && *b == 2
        {
            *b = 1;
        }
    }
    let mut conn = Connection::open_in_memory().map_err(sql_err)?;
    for (cfg, on) in [
        (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
        (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false),
    ] {
        conn.set_db_config(cfg, on).map_err(sql_err)?;
    }
    let max_len = i32::try_from(limits.max_header_bytes).unwrap_or(i32::MAX);
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, max_len)
        .map_err(sql_err)?;
    conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)
        .map_err(sql_err)?;

    let exhausted = Arc::new(AtomicBool::new(false));
    let chunks = Arc::new(AtomicU64::new(0));
    let max_chunks = limits.max_sqlite_steps / u64::from(STEP_CHUNK);
    let flag = Arc::clone(&exhausted);
    conn.progress_handler(
        i32::try_from(STEP_CHUNK).unwrap_or(i32::MAX),
        Some(move || {
            let used = chunks.fetch_add(1, Ordering::Relaxed);
            if used >= max_chunks {
                flag.store(true, Ordering::Relaxed);
                true
            } else {
                false
            }
        }),
    )
    .map_err(sql_err)?;

    conn.deserialize_read_exact(MAIN_DB, head.as_slice().chain(tail), bytes.len(), true)
        .map_err(sql_err)?;
    conn.execute_batch("PRAGMA cell_size_check = ON; PRAGMA query_only = ON;")
        .map_err(sql_err)?;
    Ok((conn, exhausted))
}

/// Makes sure `Packages` is an ordinary table, so reading it cannot run a
/// view's or virtual table's code chosen by whoever wrote the file.
fn check_schema(conn: &Connection, err: &dyn Fn(rusqlite::Error) -> Error) -> Result<(), Error> {
    let mut stmt = conn
        .prepare("SELECT type, sql FROM main.sqlite_schema WHERE lower(name) = 'packages'")
        .map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    let mut seen = 0usize;
    while let Some(row) = rows.next().map_err(err)? {
        seen += 1;
        let kind = row.get_ref(0).map_err(err)?;
        let sql = row.get_ref(1).map_err(err)?;
        let is_table = matches!(kind, ValueRef::Text(t) if t == b"table");
        let is_virtual = match sql {
            ValueRef::Text(t) => String::from_utf8_lossy(t)
                .to_ascii_lowercase()
                .contains("virtual"),
            _ => true,
        };
        if !is_table || is_virtual {
            return Err(Error::Unsupported(
                "sqlite Packages is not an ordinary table".into(),
            ));
        }
    }
    match seen {
        0 => Err(Error::Sqlite("no Packages table".into())),
        1 => Ok(()),
        _ => Err(Error::Sqlite("more than one Packages schema entry".into())),
    }
}

pub(crate) fn read(bytes: &[u8], limits: &Limits, sink: &mut Sink<'_>) -> Result<(), Error> {
    let (conn, exhausted) = open(bytes, limits)?;
    let budget = |e: rusqlite::Error| {
        if exhausted.load(Ordering::Relaxed) {
            Error::LimitExceeded {
                what: "sqlite steps",
                actual: limits.max_sqlite_steps.saturating_add(1),
                limit: limits.max_sqlite_steps,
            }
        } else {
            sql_err(e)
        }
    };
    check_schema(&conn, &budget)?;
    let mut stmt = conn
        .prepare("SELECT hnum, blob FROM main.Packages")
        .map_err(budget)?;
    let mut rows = stmt.query([]).map_err(budget)?;
    loop {
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                // what was read so far is still good
                sink.note(format!("stopped reading sqlite Packages: {}", budget(e)));
                break;
            }
        };
        let instance = match row.get_ref(0) {
            Ok(ValueRef::Integer(i)) => u64::try_from(i).ok(),
            _ => None,
        };
        let Some(instance) = instance else {
            sink.warn("sqlite Packages row without a valid hnum skipped");
            continue;
        };
        match row.get_ref(1) {
            Ok(ValueRef::Blob(blob)) => {
                if !sink.blob(instance, blob) {
                    break;
                }
            }
            _ => sink.warn(format!(
                "sqlite Packages row {instance}: blob column is not a blob"
            )),
        }
    }
    Ok(())
}
