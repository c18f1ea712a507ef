//! clamd's wire format: `z`-prefixed, NUL-terminated commands and replies.
//!
//! These functions are pure (no sockets) so they can be tested on arbitrary bytes; the client
//! uses them for every reply it reads.
//!
//! * A command is `z<NAME>\0`; clamd answers with the same terminator.
//! * `INSTREAM` is followed by chunks `[u32 big-endian length][bytes]` and a zero-length chunk.

use std::io::{self, IoSlice, Write};

/// Longest reply accepted, terminator excluded. Real replies are a signature name plus a few
/// words (well under 1 KiB); a peer that sends more without a terminator is not clamd.
pub const MAX_REPLY_LEN: usize = 8 * 1024;

/// The zero-length chunk that ends an `INSTREAM` upload.
const END_OF_STREAM: [u8; 4] = [0; 4];

/// Meaning of a reply to `INSTREAM` (without its NUL terminator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanReply {
    /// `stream: OK`
    Clean,
    /// `stream: <signature> FOUND`
    Found {
        /// The signature name as clamd printed it (custom signatures carry `.UNOFFICIAL`;
        /// with `ExtendedDetectionInfo` the name is followed by `(<hash>:<size>)`).
        signature: String,
    },
    /// `INSTREAM size limit exceeded. ERROR`: the stream was longer than `StreamMaxLength`.
    SizeLimitExceeded,
    /// `<message> ERROR`, `UNKNOWN COMMAND` or `COMMAND READ TIMED OUT`.
    Error {
        /// The message without the trailing ` ERROR`.
        message: String,
    },
    /// Anything else. Never to be read as clean.
    Invalid,
}

/// Interprets a reply to `INSTREAM`. Only the exact forms clamd produces are accepted; anything
/// else is [`ScanReply::Invalid`].
pub fn parse_scan_reply(reply: &[u8]) -> ScanReply {
    let Ok(text) = std::str::from_utf8(reply) else {
        return ScanReply::Invalid;
    };
    if text == "stream: OK" {
        return ScanReply::Clean;
    }
    if text == "INSTREAM size limit exceeded. ERROR" {
        return ScanReply::SizeLimitExceeded;
    }
    if let Some(signature) = text
        .strip_prefix("stream: ")
        .and_then(|rest| rest.strip_suffix(" FOUND"))
    {
        return if is_signature_name(signature) {
            ScanReply::Found {
                signature: signature.to_owned(),
            }
        } else {
            ScanReply::Invalid
        };
    }
    parse_error_reply(text).unwrap_or(ScanReply::Invalid)
}

/// Recognises the error replies any command can get.
fn parse_error_reply(text: &str) -> Option<ScanReply> {
    if text == "UNKNOWN COMMAND" || text == "COMMAND READ TIMED OUT" {
        return Some(ScanReply::Error {
            message: text.to_owned(),
        });
    }
    let message = text.strip_suffix(" ERROR")?;
    if message.is_empty() || message.chars().any(char::is_control) {
        return None;
    }
    Some(ScanReply::Error {
        message: message.to_owned(),
    })
}

/// A signature name is printable, non-empty and has no surrounding blanks. clamd's own names
/// contain no spaces, but a space is tolerated since custom databases are free-form.
fn is_signature_name(name: &str) -> bool {
    !name.is_empty() && name.trim() == name && !name.chars().any(char::is_control) && name != "OK"
}

/// Interprets a reply to `PING`: `Ok(())` for `PONG`, otherwise the error reply or `Err(None)`
/// for an invalid one.
pub fn parse_ping_reply(reply: &[u8]) -> Result<(), Option<String>> {
    if reply == b"PONG" {
        return Ok(());
    }
    Err(error_message(reply))
}

/// Interprets a reply to `VERSION`: `ClamAV <version>[/<db version>/<db date>]`.
///
/// Returns the whole reply, e.g. `ClamAV 1.4.6` (custom-only database) or
/// `ClamAV 1.4.6/27100/Tue Nov 11 08:30:00 2025`.
pub fn parse_version_reply(reply: &[u8]) -> Result<String, Option<String>> {
    match std::str::from_utf8(reply) {
        Ok(text)
            if text.len() > "ClamAV ".len()
                && text.starts_with("ClamAV ")
                && !text.chars().any(char::is_control) =>
        {
            Ok(text.to_owned())
        }
        _ => Err(error_message(reply)),
    }
}

fn error_message(reply: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(reply).ok()?;
    match parse_error_reply(text)? {
        ScanReply::Error { message } => Some(message),
        _ => None,
    }
}

/// Quotes a reply for error messages: lossy UTF-8, at most 200 characters, control bytes
/// escaped so a hostile peer cannot inject terminal sequences into logs.
pub(crate) fn excerpt(reply: &[u8]) -> String {
    let text = String::from_utf8_lossy(reply);
    let mut out = String::from("\"");
    out.extend(text.chars().take(200).flat_map(char::escape_default));
    out.push('"');
    if text.chars().nth(200).is_some() {
        out.push_str("...");
    }
    out
}

/// Why no complete reply could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// Reading failed (including the read timeout, kind `TimedOut`/`WouldBlock`).
    Io(io::Error),
    /// The peer closed the connection; `partial` holds what it sent without a terminator.
    Closed { partial: Vec<u8> },
    /// More than [`MAX_REPLY_LEN`] bytes arrived without a terminator.
    TooLong,
}

/// Reads one NUL-terminated reply and returns it without the terminator, never buffering
/// more than [`MAX_REPLY_LEN`] + one read. Bytes after the terminator are ignored: clamd sends
/// one reply per connection.
///
/// `read` is called for more bytes and must enforce the caller's deadline (returning a
/// `TimedOut` error once it has passed).
pub(crate) fn read_reply(
    mut read: impl FnMut(&mut [u8]) -> io::Result<usize>,
) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        let n = match read(&mut chunk) {
            Ok(0) => return Err(ReadError::Closed { partial: buf }),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        let new = chunk.get(..n).unwrap_or_default();
        if let Some(pos) = memchr_nul(new) {
            buf.extend_from_slice(new.get(..pos).unwrap_or_default());
            return if buf.len() > MAX_REPLY_LEN {
                Err(ReadError::TooLong)
            } else {
                Ok(buf)
            };
        }
        buf.extend_from_slice(new);
        if buf.len() > MAX_REPLY_LEN {
            return Err(ReadError::TooLong);
        }
    }
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == 0)
}

/// Writes `command` followed by `data` as an `INSTREAM` upload: chunks of at most
/// `chunk_size` bytes, each with its big-endian length, then the zero-length terminator.
///
/// Each chunk goes out with its length prefix in one vectored write: fewer system calls, and
/// over TCP no tiny length-only segment that Nagle's algorithm would hold back.
pub(crate) fn write_instream(
    w: &mut impl Write,
    command: &[u8],
    data: &[u8],
    chunk_size: usize,
) -> io::Result<()> {
    let mut prefix = command;
    let mut pieces = data.chunks(chunk_size.max(1)).peekable();
    while let Some(piece) = pieces.next() {
        let len = u32::try_from(piece.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "INSTREAM chunk over 4 GiB"))?
            .to_be_bytes();
        let tail: &[u8] = if pieces.peek().is_none() {
            &END_OF_STREAM
        } else {
            &[]
        };
        let mut slices = [
            IoSlice::new(prefix),
            IoSlice::new(&len),
            IoSlice::new(piece),
            IoSlice::new(tail),
        ];
        write_all_vectored(w, &mut slices)?;
        prefix = &[];
    }
    if data.is_empty() {
        let mut slices = [IoSlice::new(prefix), IoSlice::new(&END_OF_STREAM)];
        write_all_vectored(w, &mut slices)?;
    }
    Ok(())
}

fn write_all_vectored(w: &mut impl Write, mut bufs: &mut [IoSlice<'_>]) -> io::Result<()> {
    IoSlice::advance_slices(&mut bufs, 0);
    while !bufs.is_empty() {
        let remaining: usize = bufs.iter().map(|b| b.len()).sum();
        match w.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            // advance_slices panics past the end; a writer claiming more than it was given is
            // broken, and treating it as "all written" is the only bounded choice.
            Ok(n) => IoSlice::advance_slices(&mut bufs, n.min(remaining)),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_replies() {
        assert_eq!(parse_scan_reply(b"stream: OK"), ScanReply::Clean);
        assert_eq!(
            parse_scan_reply(b"stream: Eicar-Signature FOUND"),
            ScanReply::Found {
                signature: "Eicar-Signature".into()
            }
        );
        assert_eq!(
            parse_scan_reply(
                b"stream: Drydock.Test.EICAR.UNOFFICIAL(44d88612fea8a8f36de82e1278abb02f:68) FOUND"
            ),
            ScanReply::Found {
                signature: "Drydock.Test.EICAR.UNOFFICIAL(44d88612fea8a8f36de82e1278abb02f:68)"
                    .into()
            }
        );
        assert_eq!(
            parse_scan_reply(b"INSTREAM size limit exceeded. ERROR"),
            ScanReply::SizeLimitExceeded
        );
        assert_eq!(
            parse_scan_reply(b"stream: Can't allocate memory ERROR"),
            ScanReply::Error {
                message: "stream: Can't allocate memory".into()
            }
        );
        assert_eq!(
            parse_scan_reply(b"UNKNOWN COMMAND"),
            ScanReply::Error {
                message: "UNKNOWN COMMAND".into()
            }
        );
        for invalid in [
            &b""[..],
            b"stream: OK ",
            b"stream:OK",
            b"stream: ok",
            b"stream: FOUND",
            b"stream:  FOUND",
            b"stream: OK FOUND",
            b"stream: a\nb FOUND",
            b"stream: \xff FOUND",
            b"ERROR",
            b" ERROR",
            b"PONG",
            b"stream: OK\0",
        ] {
            assert_eq!(parse_scan_reply(invalid), ScanReply::Invalid, "{invalid:?}");
        }
    }

    #[test]
    fn ping_and_version() {
        assert_eq!(parse_ping_reply(b"PONG"), Ok(()));
        assert_eq!(parse_ping_reply(b"PONG "), Err(None));
        assert_eq!(
            parse_ping_reply(b"UNKNOWN COMMAND"),
            Err(Some("UNKNOWN COMMAND".into()))
        );
        assert_eq!(
            parse_version_reply(b"ClamAV 1.4.6"),
            Ok("ClamAV 1.4.6".to_owned())
        );
        assert_eq!(
            parse_version_reply(b"ClamAV 1.4.6/27100/Tue Nov 11 08:30:00 2025"),
            Ok("ClamAV 1.4.6/27100/Tue Nov 11 08:30:00 2025".to_owned())
        );
        assert_eq!(parse_version_reply(b"ClamAV "), Err(None));
        assert_eq!(parse_version_reply(b"clamav 1.4"), Err(None));
    }

    #[test]
    fn instream_framing() {
        let mut out = Vec::new();
        write_instream(&mut out, b"zINSTREAM\0", b"abcdefg", 3).unwrap();
        let mut want = b"zINSTREAM\0".to_vec();
        for piece in [&b"abc"[..], b"def", b"g"] {
            want.extend_from_slice(&u32::try_from(piece.len()).unwrap().to_be_bytes());
            want.extend_from_slice(piece);
        }
        want.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(out, want);

        let mut out = Vec::new();
        write_instream(&mut out, b"zINSTREAM\0", b"", 3).unwrap();
        assert_eq!(out, b"zINSTREAM\0\0\0\0\0");
    }

    #[test]
    fn reader_stops_at_the_terminator() {
        let mut input: &[u8] = b"stream: OK\x00trailing";
        let mut read = |buf: &mut [u8]| io::Read::read(&mut input, buf);
        assert_eq!(read_reply(&mut read).unwrap(), b"stream: OK");
        let mut input: &[u8] = b"stream: O";
        let mut read = |buf: &mut [u8]| io::Read::read(&mut input, buf);
        assert!(matches!(
            read_reply(&mut read),
            Err(ReadError::Closed { partial }) if partial == b"stream: O"
        ));
    }

    #[test]
    fn reader_is_bounded() {
        let mut reads = 0usize;
        let result = read_reply(|buf: &mut [u8]| {
            reads += 1;
            buf.fill(b'x');
            Ok(buf.len())
        });
        assert!(matches!(result, Err(ReadError::TooLong)));
        assert!(reads <= MAX_REPLY_LEN / 1024 + 2, "{reads} reads");
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// However the bytes are split into reads, the reader returns exactly the bytes
        /// before the first NUL, or reports them all as unterminated when there is none.
        #[test]
        fn reader_finds_the_reply_at_any_read_boundaries(
            stream in proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..300),
            cuts in proptest::collection::vec(1usize..40, 1..50),
        ) {
            let mut pos = 0usize;
            let mut cut = cuts.iter().cycle();
            let read = |buf: &mut [u8]| -> io::Result<usize> {
                let want = (*cut.next().unwrap_or(&1)).min(buf.len());
                let rest = stream.get(pos..).unwrap_or_default();
                let n = want.min(rest.len());
                buf[..n].copy_from_slice(&rest[..n]);
                pos += n;
                Ok(n)
            };
            let result = read_reply(read);
            match stream.iter().position(|&b| b == 0) {
                Some(end) => prop_assert_eq!(result.unwrap(), &stream[..end]),
                None => match result {
                    Err(ReadError::Closed { partial }) => prop_assert_eq!(partial, stream),
                    other => prop_assert!(false, "{other:?}"),
                },
            }
        }
    }
}
