//! The client against peers that are not (or no longer) a healthy clamd: fake servers on
//! sockets in a temporary directory. No clamd needed.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use drydock_clamd::{ClamdAddr, ClamdClient, ClamdError, ClamdVerdict};
use proptest::prelude::*;

/// A unix-socket server answering each connection with `serve`. The directory and listener
/// live as long as the returned guard.
struct FakeServer {
    _dir: tempfile::TempDir,
    path: PathBuf,
    accepted: Arc<AtomicUsize>,
}

impl FakeServer {
    fn start(serve: impl Fn(UnixStream) + Send + Sync + 'static) -> FakeServer {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fake.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let serve = Arc::new(serve);
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                counter.fetch_add(1, Ordering::SeqCst);
                let serve = Arc::clone(&serve);
                thread::spawn(move || serve(conn));
            }
        });
        FakeServer {
            _dir: dir,
            path,
            accepted,
        }
    }

    fn addr(&self) -> ClamdAddr {
        ClamdAddr::Unix(self.path.clone())
    }

    fn client(&self) -> ClamdClient {
        ClamdClient::new(self.addr()).io_timeout(Duration::from_secs(5))
    }
}

/// Reads the request up to and including the INSTREAM terminator (or the command's NUL for
/// other commands), so replies are sent at the moment clamd would send them.
fn read_request(conn: &mut UnixStream) -> Vec<u8> {
    let mut command = Vec::new();
    let mut byte = [0u8; 1];
    while conn.read_exact(&mut byte).is_ok() && byte[0] != 0 {
        command.push(byte[0]);
    }
    if command == b"zINSTREAM" {
        loop {
            let mut len = [0u8; 4];
            if conn.read_exact(&mut len).is_err() {
                break;
            }
            let len = u32::from_be_bytes(len);
            if len == 0 {
                break;
            }
            let mut chunk = vec![0u8; len as usize];
            if conn.read_exact(&mut chunk).is_err() {
                break;
            }
        }
    }
    command
}

fn reply_with(bytes: &'static [u8]) -> FakeServer {
    FakeServer::start(move |mut conn| {
        read_request(&mut conn);
        let _ = conn.write_all(bytes);
    })
}

#[test]
fn missing_socket_is_unreachable_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing-here.sock");
    let err = ClamdClient::new(ClamdAddr::Unix(path.clone()))
        .ping()
        .unwrap_err();
    assert!(matches!(err, ClamdError::Unreachable { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "clamd at unix:{} is not reachable: no such socket file",
            path.display()
        )
    );
}

#[test]
fn regular_file_instead_of_socket_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("not-a-socket");
    std::fs::write(&path, b"x").unwrap();
    let err = ClamdClient::new(ClamdAddr::Unix(path.clone()))
        .scan_bytes(b"abc")
        .unwrap_err();
    assert!(matches!(err, ClamdError::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn closed_tcp_port_is_unreachable_with_a_clear_message() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let addr: ClamdAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let err = ClamdClient::new(addr).scan_bytes(b"abc").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("clamd at tcp://127.0.0.1:{port} is not reachable: connection refused")
    );
}

#[test]
fn unresolvable_host_is_unreachable() {
    let addr: ClamdAddr = "no-such-host.invalid:3310".parse().unwrap();
    let err = ClamdClient::new(addr).ping().unwrap_err();
    assert!(matches!(err, ClamdError::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string().contains("tcp://no-such-host.invalid:3310"),
        "{err}"
    );
}

#[test]
fn oversized_data_is_never_sent() {
    let server = reply_with(b"stream: OK\0");
    let err = server
        .client()
        .max_stream(10)
        .scan_bytes(&[0u8; 11])
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClamdError::SizeLimitExceeded {
                size: 11,
                limit: Some(10),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.accepted.load(Ordering::SeqCst), 0);
    assert!(err.to_string().contains("not sent"), "{err}");
    // At the limit it is sent.
    assert_eq!(
        server
            .client()
            .max_stream(10)
            .scan_bytes(&[0u8; 10])
            .unwrap(),
        ClamdVerdict::Clean
    );
    assert_eq!(server.accepted.load(Ordering::SeqCst), 1);
}

#[test]
fn endless_reply_is_cut_off() {
    let server = FakeServer::start(|mut conn| {
        read_request(&mut conn);
        let junk = [b'A'; 4096];
        // Stops when the client hangs up.
        while conn.write_all(&junk).is_ok() {}
    });
    let err = server.client().scan_bytes(b"data").unwrap_err();
    match err {
        ClamdError::Protocol { response, .. } => {
            assert!(response.contains("longer than"), "{response}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn silent_server_times_out() {
    let server = FakeServer::start(|mut conn| {
        read_request(&mut conn);
        thread::sleep(Duration::from_secs(5));
    });
    let err = server
        .client()
        .io_timeout(Duration::from_millis(200))
        .scan_bytes(b"data")
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClamdError::Timeout {
                op: "answer INSTREAM",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn server_that_stops_reading_times_out_the_upload() {
    let server = FakeServer::start(|conn| {
        thread::sleep(Duration::from_secs(5));
        drop(conn);
    });
    let err = server
        .client()
        .max_stream(u64::MAX)
        .io_timeout(Duration::from_millis(200))
        .scan_bytes(&vec![0u8; 16 << 20])
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClamdError::Timeout {
                op: "accept INSTREAM data",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn unterminated_ok_is_not_clean() {
    let server = reply_with(b"stream: OK");
    let err = server.client().scan_bytes(b"data").unwrap_err();
    assert!(matches!(err, ClamdError::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("closed inside a reply"), "{err}");
}

#[test]
fn hang_up_without_reply_is_a_protocol_error() {
    let server = reply_with(b"");
    let err = server.client().scan_bytes(b"data").unwrap_err();
    assert!(err.to_string().contains("without a reply"), "{err}");
}

#[test]
fn error_replies_are_server_errors() {
    let server = reply_with(b"stream: Can't allocate memory ERROR\0");
    let err = server.client().scan_bytes(b"data").unwrap_err();
    match &err {
        ClamdError::ServerError {
            message,
            command: "INSTREAM",
            ..
        } => {
            assert_eq!(message, "stream: Can't allocate memory");
        }
        other => panic!("{other:?}"),
    }
    let server = reply_with(b"UNKNOWN COMMAND\0");
    assert!(matches!(
        server.client().ping(),
        Err(ClamdError::ServerError { .. })
    ));
    assert!(matches!(
        server.client().version(),
        Err(ClamdError::ServerError { .. })
    ));
}

#[test]
fn control_bytes_in_replies_are_escaped_in_messages() {
    let server = reply_with(b"\x1b[31mred\x07\0");
    let msg = server.client().scan_bytes(b"data").unwrap_err().to_string();
    assert!(!msg.contains('\x1b') && !msg.contains('\x07'), "{msg:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever a peer answers, the client never panics, never reads more than it must, and
    /// reports Clean only for the exact reply `stream: OK`.
    #[test]
    fn arbitrary_replies_never_yield_a_false_clean(
        reply in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..64),
            Just(b"stream: OK\0".to_vec()),
            "[ -~]{0,40}".prop_map(|s| format!("stream: {s} FOUND\0").into_bytes()),
            proptest::collection::vec(any::<u8>(), 0..64).prop_map(|mut v| { v.splice(0..0, b"stream: ".iter().copied()); v }),
        ],
    ) {
        let answer = Arc::new(reply.clone());
        let server = FakeServer::start(move |mut conn| {
            read_request(&mut conn);
            let _ = conn.write_all(&answer);
        });
        let result = server.client().scan_bytes(b"payload");
        let first = reply.split(|&b| b == 0).next().unwrap_or_default();
        let terminated = reply.contains(&0);
        match result {
            Ok(ClamdVerdict::Clean) => prop_assert!(terminated && first == b"stream: OK"),
            Ok(ClamdVerdict::Found { signature }) => {
                prop_assert!(terminated);
                let expected = format!("stream: {signature} FOUND");
                prop_assert_eq!(first, expected.as_bytes());
            }
            Err(_) => {}
        }
    }
}
