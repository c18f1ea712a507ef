//! Parser for the rpm package database found in container images.
//!
//! rpm-based images record their installed packages in one of three on-disk
//! formats, all holding the same thing: one rpm *header blob* per installed
//! package.
//!
//! | format | usual path | used by |
//! | --- | --- | --- |
//! | [`DbFormat::Sqlite`] | `/var/lib/rpm/rpmdb.sqlite` | RHEL 9+, Fedora 33+, recent Amazon Linux |
//! | [`DbFormat::BerkeleyDb`] | `/var/lib/rpm/Packages` | RHEL/CentOS ≤ 8, Amazon Linux 2, older SUSE |
//! | [`DbFormat::Ndb`] | `/var/lib/rpm/Packages.db` | SUSE 15+ |
//!
//! [`parse`] detects the format from its magic bytes, reads every header
//! blob and turns each into an [`RpmPackage`] (name, epoch, version,
//! release, arch, source rpm, license, vendor, size, modularity label and the
//! file list). [`parse_header_blob`] parses a single blob.
//!
//! Everything here is pure: bytes in, values out. The input comes from
//! untrusted images, so every size read from it is checked against the input
//! and against [`Limits`] before it is used, page chains are checked for
//! cycles, and a malformed header costs only that package: it becomes one of
//! [`Parsed::warnings`] while the rest still parse. The SQLite database is
//! opened from memory, read-only, with SQLite's defensive settings and a
//! bound on the work a query may do; the Berkeley DB and NDB readers are
//! written here and use no library.
//!
//! The `gpg-pubkey` pseudo-packages rpm creates for imported signing keys
//! are returned like any other package (version = key id, release = creation
//! date, no arch); callers that list software usually skip them.

#![deny(missing_docs)]

mod bdb;
mod header;
mod ndb;
mod sqlite;

use header::FileBudget;
pub use header::parse_header_blob;

/// One installed package, from its rpm header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RpmPackage {
    /// Package name (`NAME`).
    pub name: String,
    /// Epoch (`EPOCH`), absent for most packages; rpm treats absent as 0.
    pub epoch: Option<i32>,
    /// Upstream version (`VERSION`).
    pub version: String,
    /// Distribution release (`RELEASE`).
    pub release: String,
    /// Architecture (`ARCH`); `None` for `gpg-pubkey` pseudo-packages.
    pub arch: Option<String>,
    /// File name of the source rpm (`SOURCERPM`), e.g. `foo-1.2-3.el9.src.rpm`.
    pub source_rpm: Option<String>,
    /// License expression (`LICENSE`).
    pub license: Option<String>,
    /// Vendor (`VENDOR`).
    pub vendor: Option<String>,
    /// Installed size in bytes (`LONGSIZE`, else `SIZE`).
    pub size: Option<u64>,
    /// Module stream (`MODULARITYLABEL`), e.g. `nodejs:18:8090020230810:a75119d5`.
    pub modularity_label: Option<String>,
    /// Absolute paths of the package's files, in header order
    /// (`DIRNAMES` + `BASENAMES` via `DIRINDEXES`, or legacy `OLDFILENAMES`).
    pub files: Vec<String>,
    /// True when `files` was cut short by a [`Limits`] file budget.
    pub files_truncated: bool,
}

impl RpmPackage {
    /// `epoch:version-release`, or `version-release` when there is no epoch
    /// tag. An explicit epoch of 0 is kept (`0:1.0-1`), since the header says
    /// so; rpm compares both forms as equal.
    pub fn evr(&self) -> String {
        match self.epoch {
            Some(e) => format!("{e}:{}-{}", self.version, self.release),
            None => format!("{}-{}", self.version, self.release),
        }
    }

    /// Source package name and `version-release`, from the source rpm file
    /// name: `foo-1.2-3.el9.src.rpm` gives `("foo", "1.2-3.el9")`.
    ///
    /// `None` when there is no source rpm or its name is not of the form
    /// `NAME-VERSION-RELEASE.ARCH.rpm`.
    pub fn source_name_version(&self) -> Option<(String, String)> {
        split_source_rpm(self.source_rpm.as_deref()?)
    }
}

fn split_source_rpm(file: &str) -> Option<(String, String)> {
    let stem = file.strip_suffix(".rpm")?;
    // the arch part (src, nosrc) never contains a dot
    let (nvr, arch) = stem.rsplit_once('.')?;
    let (nv, release) = nvr.rsplit_once('-')?;
    let (name, version) = nv.rsplit_once('-')?;
    if arch.is_empty() || name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name.to_owned(), format!("{version}-{release}")))
}

/// The on-disk format of an rpm database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DbFormat {
    /// SQLite (`rpmdb.sqlite`).
    Sqlite,
    /// Berkeley DB hash (`Packages`).
    BerkeleyDb,
    /// rpm's native "ndb" format (`Packages.db`).
    Ndb,
}

impl std::fmt::Display for DbFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DbFormat::Sqlite => "sqlite",
            DbFormat::BerkeleyDb => "berkeley db",
            DbFormat::Ndb => "ndb",
        })
    }
}

/// Recognises the database format from its magic bytes.
///
/// Only Berkeley DB *hash* files count: rpm never stores packages in the
/// other Berkeley DB access methods.
pub fn detect_format(bytes: &[u8]) -> Option<DbFormat> {
    if bytes.starts_with(sqlite::MAGIC) {
        Some(DbFormat::Sqlite)
    } else if bytes.starts_with(ndb::MAGIC) {
        Some(DbFormat::Ndb)
    } else if bdb::has_hash_magic(bytes) {
        Some(DbFormat::BerkeleyDb)
    } else {
        None
    }
}

/// Bounds on what a parse may read, allocate and do.
///
/// The defaults are generous for real databases (a full RHEL install has a
/// few thousand packages and a few hundred thousand files) while keeping a
/// hostile input to a bounded cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest database file accepted (the SQLite reader copies it once).
    pub max_db_bytes: usize,
    /// Most packages returned; further records are skipped with a warning.
    pub max_packages: usize,
    /// Largest single header blob, including index (rpm's own ceiling on the
    /// data store is 16 MiB).
    pub max_header_bytes: usize,
    /// Most index entries in one header (rpm's own ceiling is 65535).
    pub max_index_entries: usize,
    /// Most file paths kept for one package.
    pub max_files_per_package: usize,
    /// Most bytes of file paths built for one package; guards against one
    /// long directory name shared by many files.
    pub max_file_list_bytes: usize,
    /// Most file paths kept across the whole database.
    pub max_total_files: usize,
    /// Most bytes of file paths kept across the whole database.
    pub max_total_file_bytes: usize,
    /// Most warnings kept; the rest are counted in a final warning.
    pub max_warnings: usize,
    /// Most SQLite virtual machine steps for reading the database.
    pub max_sqlite_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_db_bytes: 512 * 1024 * 1024,
            max_packages: 100_000,
            max_header_bytes: 32 * 1024 * 1024,
            max_index_entries: 65_535,
            max_files_per_package: 500_000,
            max_file_list_bytes: 128 * 1024 * 1024,
            max_total_files: 5_000_000,
            max_total_file_bytes: 512 * 1024 * 1024,
            max_warnings: 1_000,
            max_sqlite_steps: 200_000_000,
        }
    }
}

/// Why a database or header could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes carry none of the known magic numbers.
    #[error("not an rpm database (unrecognised magic)")]
    UnknownFormat,
    /// The input ends before a structure it declares.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// A size or count read from the input is over a [`Limits`] bound.
    #[error("{what} of {actual} exceeds the limit of {limit}")]
    LimitExceeded {
        /// What was being counted.
        what: &'static str,
        /// The value found.
        actual: u64,
        /// The bound in force.
        limit: u64,
    },
    /// A header blob is malformed.
    #[error("malformed rpm header: {0}")]
    Header(String),
    /// A Berkeley DB file is malformed.
    #[error("malformed berkeley db: {0}")]
    BerkeleyDb(String),
    /// An ndb file is malformed.
    #[error("malformed ndb database: {0}")]
    Ndb(String),
    /// SQLite refused the database or a query on it.
    #[error("sqlite database: {0}")]
    Sqlite(String),
    /// The file is a valid database of a kind this crate does not read.
    #[error("unsupported rpm database: {0}")]
    Unsupported(String),
}

/// The outcome of [`parse`]: the packages that could be read, plus one
/// warning per record that could not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The format that was detected.
    pub format: DbFormat,
    /// Packages in database order (SQLite `hnum`, Berkeley DB key, ndb
    /// package index), `gpg-pubkey` pseudo-packages included.
    pub packages: Vec<RpmPackage>,
    /// Records skipped or cut short, and why.
    pub warnings: Vec<String>,
}

/// Detects the format of an rpm database and reads every package in it.
///
/// Structural damage that makes the whole file unreadable (wrong magic, a
/// truncated metadata page, an unsupported variant) is an [`Error`]; damage
/// confined to one record (a bad header blob, a broken overflow chain, a
/// corrupt ndb slot) becomes a warning and the rest still parse.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Parsed, Error> {
    if bytes.len() > limits.max_db_bytes {
        return Err(Error::LimitExceeded {
            what: "database size",
            actual: bytes.len() as u64,
            limit: limits.max_db_bytes as u64,
        });
    }
    let format = detect_format(bytes).ok_or(Error::UnknownFormat)?;
    let mut sink = Sink::new(limits);
    match format {
        DbFormat::Sqlite => sqlite::read(bytes, limits, &mut sink)?,
        DbFormat::BerkeleyDb => bdb::read(bytes, limits, &mut sink)?,
        DbFormat::Ndb => ndb::read(bytes, limits, &mut sink)?,
    }
    Ok(sink.finish(format))
}

/// Receives header blobs from a backend, parses them, and enforces the
/// database-wide budgets.
pub(crate) struct Sink<'l> {
    limits: &'l Limits,
    packages: Vec<(u64, RpmPackage)>,
    warnings: Vec<String>,
    suppressed: usize,
    total_files: usize,
    total_file_bytes: usize,
    files_budget_warned: bool,
}

impl<'l> Sink<'l> {
    fn new(limits: &'l Limits) -> Self {
        Sink {
            limits,
            packages: Vec::new(),
            warnings: Vec::new(),
            suppressed: 0,
            total_files: 0,
            total_file_bytes: 0,
            files_budget_warned: false,
        }
    }

    /// Records a problem, keeping at most `max_warnings` of them.
    pub(crate) fn warn(&mut self, msg: impl Into<String>) {
        if self.warnings.len() < self.limits.max_warnings {
            self.warnings.push(msg.into());
        } else {
            self.suppressed = self.suppressed.saturating_add(1);
        }
    }

    /// Records why reading stopped early or lost data wholesale. These bypass
    /// the warning cap: each parse emits only a handful of them, and they
    /// matter more than the per-record ones that may fill it.
    pub(crate) fn note(&mut self, msg: impl Into<String>) {
        self.warnings.push(msg.into());
    }

    /// Whether another package would still be accepted.
    pub(crate) fn wants_more(&self) -> bool {
        self.packages.len() < self.limits.max_packages
    }

    /// Parses one header blob stored under `instance`. Returns false, and
    /// records why, when the package budget was already spent: the backend
    /// should stop then.
    pub(crate) fn blob(&mut self, instance: u64, blob: &[u8]) -> bool {
        if !self.wants_more() {
            self.note(format!(
                "stopped after {} packages (limit reached)",
                self.limits.max_packages
            ));
            return false;
        }
        let l = self.limits;
        let left = FileBudget {
            files: l.max_total_files.saturating_sub(self.total_files),
            bytes: l.max_total_file_bytes.saturating_sub(self.total_file_bytes),
        };
        let db_wide = left.files < l.max_files_per_package || left.bytes < l.max_file_list_bytes;
        let budget = FileBudget {
            files: left.files.min(l.max_files_per_package),
            bytes: left.bytes.min(l.max_file_list_bytes),
        };
        match header::parse_with_budget(blob, l, budget) {
            Ok(pkg) => {
                if pkg.files_truncated {
                    if !db_wide {
                        self.warn(format!(
                            "package {} (instance {instance}): file list cut short by limits",
                            pkg.name
                        ));
                    } else if !self.files_budget_warned {
                        self.files_budget_warned = true;
                        self.note(format!(
                            "file lists cut short from package {} on: database-wide file limits reached",
                            pkg.name
                        ));
                    }
                }
                self.total_files = self.total_files.saturating_add(pkg.files.len());
                let bytes = pkg
                    .files
                    .iter()
                    .map(String::len)
                    .fold(0usize, usize::saturating_add);
                self.total_file_bytes = self.total_file_bytes.saturating_add(bytes);
                self.packages.push((instance, pkg));
            }
            Err(e) => self.warn(format!("header instance {instance}: {e}")),
        }
        true
    }

    fn finish(mut self, format: DbFormat) -> Parsed {
        if self.suppressed > 0 {
            self.warnings
                .push(format!("{} further warnings suppressed", self.suppressed));
        }
        self.packages.sort_by_key(|(instance, _)| *instance);
        Parsed {
            format,
            packages: self.packages.into_iter().map(|(_, p)| p).collect(),
            warnings: self.warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_rpm_split() {
        let cases = [
            ("foo-1.2-3.el9.src.rpm", Some(("foo", "1.2-3.el9"))),
            (
                "python3-foo-bar-0.1~rc1-0.1.nosrc.rpm",
                Some(("python3-foo-bar", "0.1~rc1-0.1")),
            ),
            ("foo-1.2.src.rpm", None),
            ("foo-1.2-3.src", None),
            ("-1-2.src.rpm", None),
            ("", None),
        ];
        for (input, want) in cases {
            let got = split_source_rpm(input);
            let want = want.map(|(a, b)| (a.to_owned(), b.to_owned()));
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn evr_forms() {
        let mut p = RpmPackage {
            version: "1.0".into(),
            release: "1".into(),
            ..RpmPackage::default()
        };
        assert_eq!(p.evr(), "1.0-1");
        p.epoch = Some(0);
        assert_eq!(p.evr(), "0:1.0-1");
        p.epoch = Some(7);
        assert_eq!(p.evr(), "7:1.0-1");
    }

    #[test]
    fn detects_by_magic() {
        assert_eq!(
            detect_format(b"SQLite format 3\0rest"),
            Some(DbFormat::Sqlite)
        );
        assert_eq!(detect_format(b"RpmP\0\0\0\0"), Some(DbFormat::Ndb));
        let mut bdb = vec![0u8; 64];
        bdb[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
        assert_eq!(detect_format(&bdb), Some(DbFormat::BerkeleyDb));
        bdb[12..16].copy_from_slice(&0x0006_1561u32.to_be_bytes());
        assert_eq!(detect_format(&bdb), Some(DbFormat::BerkeleyDb));
        // btree magic is not an rpm Packages file
        bdb[12..16].copy_from_slice(&0x0005_3162u32.to_le_bytes());
        assert_eq!(detect_format(&bdb), None);
        assert_eq!(detect_format(b""), None);
        assert_eq!(detect_format(b"\x7fELF"), None);
    }

    #[test]
    fn warnings_are_capped() {
        let limits = Limits {
            max_warnings: 3,
            ..Limits::default()
        };
        let mut sink = Sink::new(&limits);
        for i in 0..10 {
            sink.blob(i, b"junk");
        }
        let parsed = sink.finish(DbFormat::Ndb);
        assert_eq!(parsed.warnings.len(), 4);
        assert_eq!(parsed.warnings[3], "7 further warnings suppressed");
    }
}
