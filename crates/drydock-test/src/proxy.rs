//! A recording, fault-injecting HTTP proxy for registry tests.
//!
//! [`Proxy`] listens on a loopback port and forwards plain HTTP to one
//! target (usually a [`TestRegistry`](crate::registry::TestRegistry)). It
//! rewrites every request to `Connection: close`, so each request arrives on
//! its own connection and its request line is seen and recorded: tests can
//! then assert how many blobs a client fetched. In cut mode
//! ([`Proxy::cut_blobs_after`]) blob downloads stop after a number of body
//! bytes, like a registry dying mid-blob.
//!
//! The `Host` header is forwarded unchanged, so the registry builds upload
//! `Location`s pointing back at the proxy and the client stays behind it.
//! TLS is not supported: the proxy must read the request line.

use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::registry::read_head;

const IO_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const ACCEPT_POLL: Duration = Duration::from_millis(5);

/// Hop-by-hop headers the proxy replaces with its own `Connection: close`.
const HOP_HEADERS: [&str; 3] = ["connection", "keep-alive", "proxy-connection"];

/// A forwarding proxy on 127.0.0.1; dropping it closes every connection and
/// joins its threads.
pub struct Proxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    target: SocketAddr,
    stop: AtomicBool,
    requests: Mutex<Vec<(String, String)>>,
    cut: Mutex<Option<u64>>,
    conns: Mutex<Vec<Conn>>,
}

/// A connection thread and the sockets to shut down to end it early.
struct Conn {
    handle: JoinHandle<()>,
    sockets: Arc<Mutex<Vec<TcpStream>>>,
}

/// Locks `m`, ignoring poisoning: a panicking connection thread leaves the
/// lists consistent (every update is a single push or assignment).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Proxy {
    /// Starts a proxy forwarding to `target` (`ip:port`).
    ///
    /// # Panics
    ///
    /// If `target` is not `ip:port` or no loopback port can be bound.
    pub fn start(target: &str) -> Proxy {
        let target: SocketAddr = target
            .parse()
            .unwrap_or_else(|e| panic!("proxy target {target:?} is not ip:port: {e}"));
        let listener = TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("bind the proxy on 127.0.0.1:0: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("read the proxy's port: {e}"));
        // Non-blocking so the loop notices the stop flag without a wake-up
        // connection.
        listener
            .set_nonblocking(true)
            .unwrap_or_else(|e| panic!("make the proxy listener non-blocking: {e}"));
        let shared = Arc::new(Shared {
            target,
            stop: AtomicBool::new(false),
            requests: Mutex::new(Vec::new()),
            cut: Mutex::new(None),
            conns: Mutex::new(Vec::new()),
        });
        let s = Arc::clone(&shared);
        let acceptor = thread::Builder::new()
            .name(format!("proxy-{}", addr.port()))
            .spawn(move || accept_loop(&listener, &s))
            .unwrap_or_else(|e| panic!("spawn the proxy thread: {e}"));
        Proxy {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `127.0.0.1:PORT`, where clients should connect.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// Every request seen so far as `(method, request target)`, in arrival
    /// order.
    pub fn requests(&self) -> Vec<(String, String)> {
        lock(&self.shared.requests).clone()
    }

    /// How many `GET`s of a `/blobs/sha256:` path were seen.
    pub fn blob_gets(&self) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|(m, p)| is_blob_get(m, p))
            .count()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// With `Some(n)`, later blob `GET`s get the response head and only `n`
    /// body bytes before the connection closes; `None` forwards them whole
    /// again.
    pub fn cut_blobs_after(&self, n_bytes: Option<u64>) {
        *lock(&self.shared.cut) = n_bytes;
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        let conns = std::mem::take(&mut *lock(&self.shared.conns));
        for c in &conns {
            for s in lock(&c.sockets).iter() {
                let _ = s.shutdown(Shutdown::Both);
            }
        }
        for c in conns {
            let _ = c.handle.join();
        }
    }
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("addr", &self.addr)
            .field("target", &self.shared.target)
            .finish_non_exhaustive()
    }
}

fn is_blob_get(method: &str, path: &str) -> bool {
    method == "GET" && path.contains("/blobs/sha256:")
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((client, _)) => {
                let sockets = Arc::new(Mutex::new(Vec::new()));
                if let Ok(c) = client.try_clone() {
                    lock(&sockets).push(c);
                }
                let s = Arc::clone(shared);
                let socks = Arc::clone(&sockets);
                let Ok(handle) =
                    thread::Builder::new()
                        .name("proxy-conn".to_owned())
                        .spawn(move || {
                            let _ = serve(client, &s, &socks);
                        })
                else {
                    continue;
                };
                let mut conns = lock(&shared.conns);
                // Joining finished threads keeps the list as long as the
                // number of open connections.
                let (done, open): (Vec<Conn>, Vec<Conn>) = std::mem::take(&mut *conns)
                    .into_iter()
                    .partition(|c| c.handle.is_finished());
                *conns = open;
                conns.push(Conn { handle, sockets });
                drop(conns);
                for c in done {
                    let _ = c.handle.join();
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => thread::sleep(ACCEPT_POLL),
            // Aborted handshakes and fd exhaustion are transient.
            Err(_) => thread::sleep(ACCEPT_POLL),
        }
    }
}

/// `lines` as a head with hop-by-hop headers replaced by `Connection: close`.
pub(crate) fn rewrite_head(lines: &[String]) -> Vec<u8> {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let name = l.split(':').next().unwrap_or("").trim();
        if i > 0 && HOP_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
            continue;
        }
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out.into_bytes()
}

fn serve(client: TcpStream, shared: &Shared, sockets: &Mutex<Vec<TcpStream>>) -> io::Result<()> {
    let result = forward(&client, shared, sockets);
    for s in lock(sockets).iter() {
        let _ = s.shutdown(Shutdown::Both);
    }
    result
}

fn forward(client: &TcpStream, shared: &Shared, sockets: &Mutex<Vec<TcpStream>>) -> io::Result<()> {
    client.set_nonblocking(false)?;
    client.set_read_timeout(Some(IO_TIMEOUT))?;
    client.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut from_client = BufReader::new(client.try_clone()?);
    let Some(lines) = read_head(&mut from_client)? else {
        return Ok(());
    };
    let mut parts = lines
        .first()
        .map(|l| l.split_whitespace())
        .into_iter()
        .flatten();
    let (Some(method), Some(path), Some(_version)) = (parts.next(), parts.next(), parts.next())
    else {
        let mut c = client;
        c.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    };
    let cut = if is_blob_get(method, path) {
        *lock(&shared.cut)
    } else {
        None
    };
    lock(&shared.requests).push((method.to_owned(), path.to_owned()));

    let upstream = TcpStream::connect_timeout(&shared.target, CONNECT_TIMEOUT)?;
    lock(sockets).push(upstream.try_clone()?);
    upstream.set_read_timeout(Some(IO_TIMEOUT))?;
    upstream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut to_upstream = upstream.try_clone()?;
    to_upstream.write_all(&rewrite_head(&lines))?;
    // The request body, if any, streams on its own thread while the response
    // comes back; shutting the sockets down at the end ends it.
    let body = thread::Builder::new()
        .name("proxy-body".to_owned())
        .spawn(move || {
            let _ = io::copy(&mut from_client, &mut to_upstream);
        })?;

    let result = (|| {
        let mut from_upstream = BufReader::new(upstream.try_clone()?);
        let mut to_client = client.try_clone()?;
        let Some(head) = read_head(&mut from_upstream)? else {
            return Ok(());
        };
        to_client.write_all(&rewrite_head(&head))?;
        match cut {
            Some(n) => io::copy(&mut from_upstream.take(n), &mut to_client)?,
            None => io::copy(&mut from_upstream, &mut to_client)?,
        };
        to_client.flush()
    })();
    for s in lock(sockets).iter() {
        let _ = s.shutdown(Shutdown::Both);
    }
    let _ = body.join();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_headers_become_connection_close() {
        let lines: Vec<String> = [
            "GET /v2/ HTTP/1.1",
            "Host: x",
            "connection: keep-alive",
            "Keep-Alive: timeout=5",
            "Accept: */*",
        ]
        .map(str::to_owned)
        .to_vec();
        assert_eq!(
            String::from_utf8(rewrite_head(&lines)).unwrap(),
            "GET /v2/ HTTP/1.1\r\nHost: x\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
    }

    /// An upstream answering each connection with `body` after reading
    /// its head; it records the heads it saw.
    fn fake_upstream(body: &'static [u8]) -> (String, Arc<Mutex<Vec<Vec<String>>>>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = l.local_addr().unwrap().to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s = Arc::clone(&seen);
        // Detached on purpose: it blocks in accept until the test binary exits.
        thread::spawn(move || {
            for c in l.incoming() {
                let Ok(mut c) = c else { return };
                let mut r = BufReader::new(c.try_clone().unwrap());
                if let Ok(Some(head)) = read_head(&mut r) {
                    lock(&s).push(head);
                }
                let _ = write!(
                    c,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n",
                    body.len()
                );
                let _ = c.write_all(body);
            }
        });
        (host, seen)
    }

    #[test]
    fn forwards_records_and_cuts_blobs() {
        let body: &[u8] = b"0123456789abcdef";
        let (upstream, seen) = fake_upstream(body);
        let p = Proxy::start(&upstream);
        let get = |path: &str| {
            crate::registry::http(&p.host(), "GET", path, &[("Connection", "keep-alive")], b"")
        };
        let r = get("/v2/").unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, body));
        assert_eq!(r.header("connection"), Some("close"));
        let b = get("/v2/r/blobs/sha256:ab").unwrap();
        assert_eq!(b.body, body);
        p.cut_blobs_after(Some(5));
        let e = get("/v2/r/blobs/sha256:ab").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "{e}");
        // Cut mode leaves other requests whole.
        assert_eq!(get("/v2/r/manifests/x").unwrap().body, body);
        p.cut_blobs_after(None);
        assert_eq!(get("/v2/r/blobs/sha256:ab").unwrap().body, body);
        assert_eq!(p.blob_gets(), 3);
        let paths: Vec<String> = p
            .requests()
            .into_iter()
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert_eq!(
            paths,
            [
                "GET /v2/",
                "GET /v2/r/blobs/sha256:ab",
                "GET /v2/r/blobs/sha256:ab",
                "GET /v2/r/manifests/x",
                "GET /v2/r/blobs/sha256:ab"
            ]
        );
        let heads = lock(&seen).clone();
        assert_eq!(heads.len(), 5);
        for h in heads {
            let conn: Vec<&String> = h
                .iter()
                .filter(|l| l.to_ascii_lowercase().starts_with("connection:"))
                .collect();
            assert_eq!(conn, ["Connection: close"], "{h:?}");
        }
        p.clear_requests();
        assert!(p.requests().is_empty());
    }

    #[test]
    fn malformed_request_lines_get_400_and_are_not_forwarded() {
        let (upstream, seen) = fake_upstream(b"x");
        let p = Proxy::start(&upstream);
        let mut c = TcpStream::connect(p.host()).unwrap();
        c.write_all(b"NONSENSE\r\n\r\n").unwrap();
        let r = crate::registry::read_response(&mut BufReader::new(c), false).unwrap();
        assert_eq!(r.status, 400);
        assert!(p.requests().is_empty());
        assert!(lock(&seen).is_empty());
    }

    #[test]
    fn blob_gets_are_gets_of_sha256_blob_paths() {
        assert!(is_blob_get("GET", "/v2/a/b/blobs/sha256:00"));
        assert!(!is_blob_get("HEAD", "/v2/a/blobs/sha256:00"));
        assert!(!is_blob_get("GET", "/v2/a/manifests/sha256:00"));
        assert!(!is_blob_get("GET", "/v2/a/blobs/uploads/x"));
    }
}
