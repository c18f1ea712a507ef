//! The client: one connection per request.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crate::ClamdAddr;
use crate::error::ClamdError;
use crate::protocol::{self, ReadError, ScanReply};

/// Default [`ClamdClient::max_stream`]: 25 MiB, the `StreamMaxLength` of Debian's and most
/// distributions' `clamd.conf`.
pub const DEFAULT_MAX_STREAM: u64 = 25 * 1024 * 1024;
/// Default [`ClamdClient::chunk_size`].
pub const DEFAULT_CHUNK_SIZE: usize = 256 * 1024;
/// Default [`ClamdClient::connect_timeout`].
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default [`ClamdClient::io_timeout`].
pub const DEFAULT_IO_TIMEOUT: Duration = Duration::from_secs(60);

/// Upper bound for [`ClamdClient::chunk_size`]; larger chunks only add memory pressure in
/// clamd, which buffers a chunk before writing it to its temporary file.
const MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;

/// [`ClamdError::Protocol`] response when the daemon closed the connection before replying.
const CLOSED_WITHOUT_REPLY: &str = "connection closed without a reply";

/// What clamd thinks of the bytes it scanned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClamdVerdict {
    /// No signature matched.
    Clean,
    /// A signature matched.
    Found {
        /// The signature name as clamd reports it, e.g. `Win.Test.EICAR_HDB-1` or
        /// `Drydock.Test.EICAR.UNOFFICIAL` for a signature from a custom database.
        signature: String,
    },
}

impl ClamdVerdict {
    /// True for [`ClamdVerdict::Clean`].
    pub fn is_clean(&self) -> bool {
        matches!(self, ClamdVerdict::Clean)
    }
}

/// A clamd client. Cheap to clone, `Send + Sync`: every request opens its own connection, so
/// one client can be shared by any number of threads (clamd scans concurrent connections in
/// parallel, up to its `MaxThreads`).
#[derive(Debug, Clone)]
pub struct ClamdClient {
    addr: ClamdAddr,
    connect_timeout: Duration,
    io_timeout: Duration,
    chunk_size: usize,
    max_stream: u64,
}

impl ClamdClient {
    /// A client for the daemon at `addr` with the default timeouts and limits.
    pub fn new(addr: ClamdAddr) -> Self {
        ClamdClient {
            addr,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            io_timeout: DEFAULT_IO_TIMEOUT,
            chunk_size: DEFAULT_CHUNK_SIZE,
            max_stream: DEFAULT_MAX_STREAM,
        }
    }

    /// How long a connect may take (default 5 s). A zero duration is raised to 1 ms.
    ///
    /// Host names are resolved before this timeout starts; resolution uses the system
    /// resolver and its own timeouts.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// How long clamd may take to accept each write, and to answer once a request is sent
    /// (default 60 s, which bounds the scan time of one file). A zero duration is raised to
    /// 1 ms.
    #[must_use]
    pub fn io_timeout(mut self, timeout: Duration) -> Self {
        self.io_timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Size of the `INSTREAM` chunks (default 256 KiB), clamped to 1 byte ..= 16 MiB.
    #[must_use]
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.clamp(1, MAX_CHUNK_SIZE);
        self
    }

    /// The daemon's `StreamMaxLength` (default 25 MiB). Larger inputs are not sent:
    /// [`scan_bytes`](Self::scan_bytes) returns [`ClamdError::SizeLimitExceeded`] at once
    /// instead of uploading data clamd would reject after reading up to the limit.
    #[must_use]
    pub fn max_stream(mut self, bytes: u64) -> Self {
        self.max_stream = bytes;
        self
    }

    /// The daemon's address.
    pub fn addr(&self) -> &ClamdAddr {
        &self.addr
    }

    /// The configured `StreamMaxLength`.
    pub fn max_stream_len(&self) -> u64 {
        self.max_stream
    }

    /// Checks that clamd answers (`PING` → `PONG`).
    pub fn ping(&self) -> Result<(), ClamdError> {
        let reply = self.request("PING", b"zPING\0")?;
        protocol::parse_ping_reply(&reply)
            .map_err(|message| self.bad_reply("PING", &reply, message))
    }

    /// clamd's version string, e.g. `ClamAV 1.4.6` (custom-only database) or
    /// `ClamAV 1.4.6/27100/Tue Nov 11 08:30:00 2025` (with official databases loaded).
    pub fn version(&self) -> Result<String, ClamdError> {
        let reply = self.request("VERSION", b"zVERSION\0")?;
        protocol::parse_version_reply(&reply)
            .map_err(|message| self.bad_reply("VERSION", &reply, message))
    }

    /// Scans `data` with `INSTREAM`.
    ///
    /// Data longer than [`max_stream`](Self::max_stream) is not sent
    /// ([`ClamdError::SizeLimitExceeded`] with `limit: Some(..)`). Any reply other than
    /// `stream: OK` or `stream: <name> FOUND` is an error, never a clean verdict.
    pub fn scan_bytes(&self, data: &[u8]) -> Result<ClamdVerdict, ClamdError> {
        self.check_size(data)?;
        let mut conn = self.connect()?;
        let reply = self.instream_exchange(&mut conn, data)?;
        self.scan_verdict(&reply, data)
    }

    fn check_size(&self, data: &[u8]) -> Result<(), ClamdError> {
        let size = u64::try_from(data.len()).unwrap_or(u64::MAX);
        if size > self.max_stream {
            return Err(ClamdError::SizeLimitExceeded {
                addr: self.addr.clone(),
                size,
                limit: Some(self.max_stream),
            });
        }
        Ok(())
    }

    /// Sends an `INSTREAM` upload and reads one reply.
    fn instream_exchange(&self, conn: &mut Conn, data: &[u8]) -> Result<Vec<u8>, ClamdError> {
        let sent = protocol::write_instream(conn, b"zINSTREAM\0", data, self.chunk_size);
        match sent {
            Ok(()) => self.read_reply(conn, "INSTREAM"),
            Err(e) if is_timeout(&e) => Err(self.timeout("accept INSTREAM data")),
            // clamd stops reading and answers (then closes) as soon as a stream breaks its
            // StreamMaxLength, so a failed upload may still have a reply waiting.
            Err(write_error) => match self.read_reply(conn, "INSTREAM") {
                Ok(reply) => Ok(reply),
                Err(_) => Err(self.io_error("INSTREAM", write_error)),
            },
        }
    }

    fn scan_verdict(&self, reply: &[u8], data: &[u8]) -> Result<ClamdVerdict, ClamdError> {
        match protocol::parse_scan_reply(reply) {
            ScanReply::Clean => Ok(ClamdVerdict::Clean),
            ScanReply::Found { signature } => Ok(ClamdVerdict::Found { signature }),
            ScanReply::SizeLimitExceeded => Err(ClamdError::SizeLimitExceeded {
                addr: self.addr.clone(),
                size: u64::try_from(data.len()).unwrap_or(u64::MAX),
                limit: None,
            }),
            ScanReply::Error { message } => Err(self.server_error("INSTREAM", message)),
            ScanReply::Invalid => Err(self.protocol_error("INSTREAM", protocol::excerpt(reply))),
        }
    }

    /// One command, one reply, one connection.
    fn request(&self, command: &'static str, wire: &[u8]) -> Result<Vec<u8>, ClamdError> {
        let mut conn = self.connect()?;
        self.send(&mut conn, command, wire)?;
        self.read_reply(&mut conn, command)
    }

    fn send(&self, conn: &mut Conn, command: &'static str, wire: &[u8]) -> Result<(), ClamdError> {
        conn.write_all(wire).map_err(|e| {
            if is_timeout(&e) {
                self.timeout("accept the command")
            } else {
                self.io_error(command, e)
            }
        })
    }

    /// Reads one reply, allowing [`io_timeout`](Self::io_timeout) in total from now: a peer
    /// trickling bytes cannot stretch the wait.
    fn read_reply(&self, conn: &mut Conn, command: &'static str) -> Result<Vec<u8>, ClamdError> {
        let deadline = Instant::now() + self.io_timeout;
        let result = protocol::read_reply(|buf| {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            conn.set_read_timeout(left)?;
            conn.read(buf)
        });
        result.map_err(|e| match e {
            ReadError::Io(e) if is_timeout(&e) => self.timeout(answer_op(command)),
            ReadError::Io(e) => self.io_error(command, e),
            ReadError::Closed { partial } if partial.is_empty() => {
                self.protocol_error(command, CLOSED_WITHOUT_REPLY.to_owned())
            }
            ReadError::Closed { partial } => self.protocol_error(
                command,
                format!(
                    "connection closed inside a reply: {}",
                    protocol::excerpt(&partial)
                ),
            ),
            ReadError::TooLong => self.protocol_error(
                command,
                format!(
                    "reply longer than {} bytes without a terminator",
                    protocol::MAX_REPLY_LEN
                ),
            ),
        })
    }

    fn connect(&self) -> Result<Conn, ClamdError> {
        let conn = match &self.addr {
            ClamdAddr::Unix(path) => connect_unix(path, self.connect_timeout).map(Conn::Unix),
            ClamdAddr::Tcp(hostport) => connect_tcp(hostport, self.connect_timeout).map(Conn::Tcp),
        }
        .map_err(|error| ClamdError::Unreachable {
            addr: self.addr.clone(),
            error,
        })?;
        conn.set_write_timeout(self.io_timeout)
            .map_err(|e| self.io_error("connect", e))?;
        Ok(conn)
    }

    fn bad_reply(
        &self,
        command: &'static str,
        reply: &[u8],
        message: Option<String>,
    ) -> ClamdError {
        match message {
            Some(message) => self.server_error(command, message),
            None => self.protocol_error(command, protocol::excerpt(reply)),
        }
    }

    fn timeout(&self, op: &'static str) -> ClamdError {
        ClamdError::Timeout {
            addr: self.addr.clone(),
            op,
            after: self.io_timeout,
        }
    }

    fn io_error(&self, command: &'static str, error: io::Error) -> ClamdError {
        ClamdError::Io {
            addr: self.addr.clone(),
            command,
            error,
        }
    }

    fn protocol_error(&self, command: &'static str, response: String) -> ClamdError {
        ClamdError::Protocol {
            addr: self.addr.clone(),
            command,
            response,
        }
    }

    fn server_error(&self, command: &'static str, message: String) -> ClamdError {
        ClamdError::ServerError {
            addr: self.addr.clone(),
            command,
            message,
        }
    }
}

fn answer_op(command: &'static str) -> &'static str {
    match command {
        "PING" => "answer PING",
        "VERSION" => "answer VERSION",
        "INSTREAM" => "answer INSTREAM",
        _ => "answer",
    }
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// An open connection to clamd.
#[derive(Debug)]
enum Conn {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl Conn {
    fn set_read_timeout(&self, t: Duration) -> io::Result<()> {
        match self {
            Conn::Unix(s) => s.set_read_timeout(Some(t)),
            Conn::Tcp(s) => s.set_read_timeout(Some(t)),
        }
    }

    fn set_write_timeout(&self, t: Duration) -> io::Result<()> {
        match self {
            Conn::Unix(s) => s.set_write_timeout(Some(t)),
            Conn::Tcp(s) => s.set_write_timeout(Some(t)),
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Unix(s) => s.read(buf),
            Conn::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Unix(s) => s.write(buf),
            Conn::Tcp(s) => s.write(buf),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match self {
            Conn::Unix(s) => s.write_vectored(bufs),
            Conn::Tcp(s) => s.write_vectored(bufs),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Connects to a unix socket within `timeout`.
///
/// A blocking unix connect waits without limit while the listener's backlog is full (a hung
/// clamd), so the socket is made non-blocking: the kernel then answers `EAGAIN` at once and the
/// connect is retried with a short back-off until the deadline.
fn connect_unix(path: &Path, timeout: Duration) -> io::Result<UnixStream> {
    let deadline = Instant::now() + timeout;
    let addr = socket2::SockAddr::unix(path)?;
    let mut backoff = Duration::from_millis(1);
    loop {
        let socket = socket2::Socket::new(socket2::Domain::UNIX, socket2::Type::STREAM, None)?;
        socket.set_nonblocking(true)?;
        match socket.connect(&addr) {
            Ok(()) => {
                socket.set_nonblocking(false)?;
                return Ok(UnixStream::from(std::os::fd::OwnedFd::from(socket)));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("connect timed out after {timeout:?}; the listen queue is full"),
                    ));
                }
                thread::sleep(backoff.min(left));
                backoff = (backoff * 2).min(Duration::from_millis(50));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Connects to the first address of `hostport` that accepts within `timeout` each.
fn connect_tcp(hostport: &str, timeout: Duration) -> io::Result<TcpStream> {
    let mut last_error = None;
    for addr in hostport.to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => {
                // Replies are tiny and requests are written whole; no reason to let Nagle's
                // algorithm delay the last segment of an upload.
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                last_error = Some(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("connect to {addr} timed out after {timeout:?}"),
                ));
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{hostport} resolves to no address"),
        )
    }))
}
