//! A private clamd for tests (cargo feature `testing`).
//!
//! [`TestClamd::start`] writes a custom signature database into a fresh temporary directory,
//! writes a `clamd.conf` that listens only on a unix socket in that directory and on a free
//! loopback TCP port, starts `/usr/sbin/clamd -c <conf>` in the foreground and waits until it
//! answers `PING` on both. Dropping the value kills the daemon and removes the directory.
//!
//! No official ClamAV database is needed (or used): with only custom signatures clamd starts
//! in well under a second, and it does **not** detect EICAR by itself, so tests that want
//! EICAR detected load [`Signature::eicar`]. clamd reports custom signatures with a
//! `.UNOFFICIAL` suffix ([`Signature::reported_name`]).
//!
//! Tests call [`TestClamd::start_or_skip`]: when the clamd binary is missing it returns
//! `Ok(None)` after printing a skip note, unless `DRYDOCK_REQUIRE_CLAMD=1` is set (CI), in which
//! case it is an error.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::{ClamdAddr, ClamdClient};

/// The 68-byte EICAR anti-virus test file.
pub const EICAR: &[u8] = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// Name of the signature [`Signature::eicar`] loads.
pub const EICAR_SIGNATURE: &str = "Drydock.Test.EICAR";

/// Environment variable that turns a missing clamd into a test failure.
pub const REQUIRE_ENV: &str = "DRYDOCK_REQUIRE_CLAMD";

/// Environment variable naming another clamd binary than [`DEFAULT_CLAMD`].
pub const BINARY_ENV: &str = "DRYDOCK_CLAMD_BIN";

/// Where Debian's `clamav-daemon` installs clamd.
pub const DEFAULT_CLAMD: &str = "/usr/sbin/clamd";

/// Signature always loaded so the database is never empty (clamd refuses to start with no
/// signatures at all).
const CANARY: (&str, &[u8]) = ("Drydock.Test.Canary", b"drydock-clamd-canary-4f1c9a2e");

/// A custom signature for the generated database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signature {
    /// Whole-content hash (`.hsb`, SHA-256): matches exactly this content, nothing else.
    Hash {
        /// Signature name (letters, digits, `.`, `-`, `_`).
        name: String,
        /// SHA-256 of the content, lower-case hex.
        sha256: String,
        /// Content size in bytes.
        size: u64,
    },
    /// Body signature (`.ndb`, any file type, any offset): matches content containing the
    /// bytes.
    Body {
        /// Signature name (letters, digits, `.`, `-`, `_`).
        name: String,
        /// The bytes to look for (at least 4).
        pattern: Vec<u8>,
    },
}

impl Signature {
    /// A hash signature for exactly `content`.
    pub fn hash(name: impl Into<String>, content: &[u8]) -> Self {
        Signature::Hash {
            name: name.into(),
            sha256: hex::encode(Sha256::digest(content)),
            size: u64::try_from(content.len()).unwrap_or(u64::MAX),
        }
    }

    /// A body signature matching any content that contains `pattern`.
    pub fn body(name: impl Into<String>, pattern: &[u8]) -> Self {
        Signature::Body {
            name: name.into(),
            pattern: pattern.to_vec(),
        }
    }

    /// The EICAR test file as a hash signature named [`EICAR_SIGNATURE`].
    pub fn eicar() -> Self {
        Signature::hash(EICAR_SIGNATURE, EICAR)
    }

    /// The signature's name in the database.
    pub fn name(&self) -> &str {
        match self {
            Signature::Hash { name, .. } | Signature::Body { name, .. } => name,
        }
    }

    /// The name clamd reports on a match: custom signatures get `.UNOFFICIAL` appended.
    pub fn reported_name(&self) -> String {
        format!("{}.UNOFFICIAL", self.name())
    }

    fn validate(&self) -> Result<(), TestClamdError> {
        let name = self.name();
        let invalid = |reason: &'static str| TestClamdError::InvalidSignature {
            name: name.to_owned(),
            reason,
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            return Err(invalid(
                "names may only contain ASCII letters, digits, '.', '-' and '_'",
            ));
        }
        match self {
            Signature::Hash { size: 0, .. } => {
                Err(invalid("clamd ignores hash signatures of empty content"))
            }
            Signature::Body { pattern, .. } if pattern.len() < 4 => {
                Err(invalid("body patterns need at least 4 bytes"))
            }
            _ => Ok(()),
        }
    }
}

/// Settings of a [`TestClamd`].
#[derive(Debug, Clone)]
pub struct TestClamdOptions {
    /// clamd's `StreamMaxLength` in bytes (default 2 MiB, small so limit tests stay cheap).
    pub stream_max_length: u64,
    /// clamd's `MaxThreads` (default 4).
    pub max_threads: u32,
    /// How long to wait for the daemon to answer (default 60 s).
    pub startup_timeout: Duration,
    /// The clamd binary (default: [`clamd_binary`]).
    pub binary: Option<PathBuf>,
    /// A fixed loopback TCP port (default: a free one, picked anew if clamd cannot bind it).
    pub tcp_port: Option<u16>,
}

impl Default for TestClamdOptions {
    fn default() -> Self {
        TestClamdOptions {
            stream_max_length: 2 * 1024 * 1024,
            max_threads: 4,
            startup_timeout: Duration::from_secs(60),
            binary: None,
            tcp_port: None,
        }
    }
}

/// Why a test clamd could not be started.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestClamdError {
    /// The binary is missing and `DRYDOCK_REQUIRE_CLAMD=1` is set.
    #[error(
        "clamd is required ({REQUIRE_ENV}=1) but {} does not exist; install the Debian package \
         clamav-daemon or point {BINARY_ENV} at a clamd binary",
        .binary.display()
    )]
    Missing {
        /// The binary that was looked for.
        binary: PathBuf,
    },
    /// A signature cannot be written to a database.
    #[error("invalid test signature {name:?}: {reason}")]
    InvalidSignature {
        /// The signature's name.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Preparing the temporary directory, database or configuration failed.
    #[error("cannot prepare the test clamd in {}: {source}", .path.display())]
    Setup {
        /// The file or directory involved.
        path: PathBuf,
        /// The I/O error.
        source: io::Error,
    },
    /// The socket path is too long for a unix socket address.
    #[error(
        "unix socket path {} is {len} bytes, over the 107-byte limit; set TMPDIR to a shorter directory",
        .path.display()
    )]
    SocketPathTooLong {
        /// The socket path.
        path: PathBuf,
        /// Its length.
        len: usize,
    },
    /// The process could not be spawned.
    #[error("cannot run {}: {source}", .binary.display())]
    Spawn {
        /// The binary.
        binary: PathBuf,
        /// The spawn error.
        source: io::Error,
    },
    /// clamd exited before it answered.
    #[error("clamd exited during startup ({status}); its log ends with:\n{log}")]
    Exited {
        /// The exit status.
        status: ExitStatus,
        /// The end of its output.
        log: String,
    },
    /// clamd could not bind its TCP port (another process took it); retried internally.
    #[error("clamd could not bind its TCP port; its log ends with:\n{log}")]
    PortTaken {
        /// The end of its output.
        log: String,
    },
    /// clamd did not answer in time.
    #[error(
        "clamd did not answer PING within {after:?} (last error: {last_error}); its log ends with:\n{log}"
    )]
    NotReady {
        /// The startup timeout.
        after: Duration,
        /// The last ping error.
        last_error: String,
        /// The end of its output.
        log: String,
    },
}

/// The clamd binary tests use: `$DRYDOCK_CLAMD_BIN` if set, else `/usr/sbin/clamd`.
pub fn clamd_binary() -> PathBuf {
    std::env::var_os(BINARY_ENV)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_CLAMD), PathBuf::from)
}

/// True when `DRYDOCK_REQUIRE_CLAMD=1`: a missing clamd fails tests instead of skipping them.
pub fn clamd_required() -> bool {
    std::env::var_os(REQUIRE_ENV).is_some_and(|v| v == "1")
}

/// A clamd daemon private to a test, killed on drop.
#[derive(Debug)]
pub struct TestClamd {
    child: Child,
    dir: tempfile::TempDir,
    socket: PathBuf,
    tcp_port: u16,
    stream_max_length: u64,
    startup: Duration,
    log_path: PathBuf,
}

impl TestClamd {
    /// Starts clamd with `signatures` (plus an internal canary) and default options.
    pub fn start(signatures: &[Signature]) -> Result<TestClamd, TestClamdError> {
        Self::start_with(signatures, &TestClamdOptions::default())
    }

    /// Like [`start`](Self::start), but returns `Ok(None)` after printing a skip note when the
    /// clamd binary is missing, unless `DRYDOCK_REQUIRE_CLAMD=1` is set.
    pub fn start_or_skip(signatures: &[Signature]) -> Result<Option<TestClamd>, TestClamdError> {
        Self::start_or_skip_with(signatures, &TestClamdOptions::default())
    }

    /// [`start_or_skip`](Self::start_or_skip) with options.
    pub fn start_or_skip_with(
        signatures: &[Signature],
        options: &TestClamdOptions,
    ) -> Result<Option<TestClamd>, TestClamdError> {
        let binary = options.binary.clone().unwrap_or_else(clamd_binary);
        if !binary.is_file() {
            if clamd_required() {
                return Err(TestClamdError::Missing { binary });
            }
            eprintln!(
                "skipping clamd test: {} not found (install clamav-daemon; set {REQUIRE_ENV}=1 to \
                 make this a failure)",
                binary.display()
            );
            return Ok(None);
        }
        Self::start_with(signatures, options).map(Some)
    }

    /// Starts clamd with `signatures` (plus an internal canary) and `options`.
    pub fn start_with(
        signatures: &[Signature],
        options: &TestClamdOptions,
    ) -> Result<TestClamd, TestClamdError> {
        for signature in signatures {
            signature.validate()?;
        }
        let binary = options.binary.clone().unwrap_or_else(clamd_binary);
        let dir = tempfile::Builder::new()
            .prefix("drydock-clamd-")
            .tempdir()
            .map_err(|source| TestClamdError::Setup {
                path: std::env::temp_dir(),
                source,
            })?;
        let db = dir.path().join("db");
        let tmp = dir.path().join("tmp");
        for d in [&db, &tmp] {
            fs::create_dir(d).map_err(|source| TestClamdError::Setup {
                path: d.clone(),
                source,
            })?;
        }
        write_databases(&db, signatures)?;
        let socket = dir.path().join("clamd.sock");
        let socket_len = socket.as_os_str().len();
        if socket_len > 107 {
            return Err(TestClamdError::SocketPathTooLong {
                path: socket,
                len: socket_len,
            });
        }

        // The port is picked by binding port 0 and releasing it, so another process may take it
        // before clamd binds. clamd then logs the failure but keeps running on the unix socket
        // alone (checked with 1.4.6), so the log is watched and a new port tried.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let tcp_port = match options.tcp_port {
                Some(port) => port,
                None => free_loopback_port().map_err(|source| TestClamdError::Setup {
                    path: dir.path().to_owned(),
                    source,
                })?,
            };
            let conf = dir.path().join("clamd.conf");
            write_file(
                &conf,
                config(&socket, tcp_port, &db, &tmp, options).as_bytes(),
            )?;
            let log_path = dir.path().join(format!("clamd-{attempt}.log"));
            let started = Instant::now();
            let mut child = spawn(&binary, &conf, &log_path)?;
            let ready = wait_ready(
                &mut child,
                &socket,
                tcp_port,
                &log_path,
                options.startup_timeout,
            );
            match ready {
                Ok(()) => {
                    return Ok(TestClamd {
                        child,
                        dir,
                        socket,
                        tcp_port,
                        stream_max_length: options.stream_max_length,
                        startup: started.elapsed(),
                        log_path,
                    });
                }
                Err(e) => {
                    kill(&mut child);
                    match e {
                        TestClamdError::PortTaken { .. }
                            if attempt < 3 && options.tcp_port.is_none() =>
                        {
                            let _ = fs::remove_file(&socket);
                        }
                        e => return Err(e),
                    }
                }
            }
        }
    }

    /// The unix socket address (`unix:<tmp>/clamd.sock`).
    pub fn unix_addr(&self) -> ClamdAddr {
        ClamdAddr::Unix(self.socket.clone())
    }

    /// The TCP address (`tcp://127.0.0.1:<port>`).
    pub fn tcp_addr(&self) -> ClamdAddr {
        ClamdAddr::Tcp(format!("127.0.0.1:{}", self.tcp_port))
    }

    /// A client for `addr` whose `max_stream` matches this daemon's `StreamMaxLength`.
    pub fn client(&self, addr: ClamdAddr) -> ClamdClient {
        ClamdClient::new(addr).max_stream(self.stream_max_length)
    }

    /// The daemon's `StreamMaxLength`.
    pub fn stream_max_length(&self) -> u64 {
        self.stream_max_length
    }

    /// Time from spawning clamd until it answered `PING` on both sockets.
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// The daemon's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The temporary directory holding the configuration, database, socket and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The last 4 KiB of the daemon's output.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log_path)
    }
}

impl Drop for TestClamd {
    fn drop(&mut self) {
        kill(&mut self.child);
    }
}

fn kill(child: &mut Child) {
    // SIGKILL: nothing of the daemon's state is worth a graceful shutdown, and the directory
    // with its socket is removed right after.
    let _ = child.kill();
    let _ = child.wait();
}

/// Waits until clamd answers `PING` on the unix socket and on TCP.
fn wait_ready(
    child: &mut Child,
    socket: &Path,
    tcp_port: u16,
    log_path: &Path,
    timeout: Duration,
) -> Result<(), TestClamdError> {
    let deadline = Instant::now() + timeout;
    let probe = |addr: ClamdAddr| {
        ClamdClient::new(addr)
            .connect_timeout(Duration::from_millis(500))
            .io_timeout(Duration::from_secs(5))
            .ping()
    };
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(TestClamdError::Exited {
                status,
                log: log_tail(log_path),
            });
        }
        // Checked before the TCP probe: with the port taken, that probe would talk to
        // whatever process holds it.
        // clamd binds before loading its database, so once the unix socket answers, a bind
        // failure is already in the log.
        let unix = probe(ClamdAddr::Unix(socket.to_owned()));
        if log_head_contains(log_path, "TCP: Cannot bind") {
            return Err(TestClamdError::PortTaken {
                log: log_tail(log_path),
            });
        }
        let result = unix.and_then(|()| probe(ClamdAddr::Tcp(format!("127.0.0.1:{tcp_port}"))));
        match result {
            Ok(()) => return Ok(()),
            Err(e) if Instant::now() >= deadline => {
                return Err(TestClamdError::NotReady {
                    after: timeout,
                    last_error: e.to_string(),
                    log: log_tail(log_path),
                });
            }
            Err(_) => thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn write_databases(db: &Path, signatures: &[Signature]) -> Result<(), TestClamdError> {
    let mut hsb = String::new();
    let mut ndb = format!("{}:0:*:{}\n", CANARY.0, hex::encode(CANARY.1));
    for signature in signatures {
        // Infallible: writing to a String.
        let _ = match signature {
            Signature::Hash { name, sha256, size } => writeln!(hsb, "{sha256}:{size}:{name}"),
            Signature::Body { name, pattern } => {
                writeln!(ndb, "{name}:0:*:{}", hex::encode(pattern))
            }
        };
    }
    if !hsb.is_empty() {
        write_file(&db.join("drydock-test.hsb"), hsb.as_bytes())?;
    }
    write_file(&db.join("drydock-test.ndb"), ndb.as_bytes())
}

fn config(
    socket: &Path,
    tcp_port: u16,
    db: &Path,
    tmp: &Path,
    options: &TestClamdOptions,
) -> String {
    // Only what the tests need; everything is private to the temp directory and loopback. No
    // `User`: clamd keeps the invoking user (root in containers is fine). No `LogFile` and
    // `LogSyslog no`: messages go to stderr, which is redirected to a log in the directory.
    format!(
        "LocalSocket {socket}\n\
         LocalSocketMode 600\n\
         FixStaleSocket yes\n\
         TCPSocket {tcp_port}\n\
         TCPAddr 127.0.0.1\n\
         DatabaseDirectory {db}\n\
         TemporaryDirectory {tmp}\n\
         Foreground yes\n\
         LogSyslog no\n\
         LogTime yes\n\
         ExtendedDetectionInfo no\n\
         SelfCheck 3600\n\
         StreamMaxLength {max}\n\
         MaxThreads {threads}\n",
        socket = socket.display(),
        db = db.display(),
        tmp = tmp.display(),
        max = options.stream_max_length,
        threads = options.max_threads.max(1),
    )
}

fn spawn(binary: &Path, conf: &Path, log_path: &Path) -> Result<Child, TestClamdError> {
    let log = File::create(log_path).map_err(|source| TestClamdError::Setup {
        path: log_path.to_owned(),
        source,
    })?;
    let log_err = log.try_clone().map_err(|source| TestClamdError::Setup {
        path: log_path.to_owned(),
        source,
    })?;
    Command::new(binary)
        .arg("-c")
        .arg(conf)
        .stdin(Stdio::null())
        // A file, not a pipe: nobody drains a pipe while tests run, and a full pipe would
        // block clamd.
        .stdout(log)
        .stderr(log_err)
        .spawn()
        .map_err(|source| TestClamdError::Spawn {
            binary: binary.to_owned(),
            source,
        })
}

/// Whether the first 64 KiB of the log contain `needle` (startup messages come first).
fn log_head_contains(path: &Path, needle: &str) -> bool {
    let mut head = Vec::new();
    File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .is_ok()
        && String::from_utf8_lossy(&head).contains(needle)
}

fn free_loopback_port() -> io::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

fn write_file(path: &Path, contents: &[u8]) -> Result<(), TestClamdError> {
    fs::write(path, contents).map_err(|source| TestClamdError::Setup {
        path: path.to_owned(),
        source,
    })
}

fn log_tail(path: &Path) -> String {
    const TAIL: u64 = 4096;
    let read = || -> io::Result<String> {
        let mut file = File::open(path)?;
        let len = file.metadata()?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(TAIL)))?;
        let mut bytes = Vec::new();
        file.take(TAIL).read_to_end(&mut bytes)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    read().unwrap_or_else(|e| format!("(cannot read {}: {e})", path.display()))
}
