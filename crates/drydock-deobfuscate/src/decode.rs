//! The decoding functions webshells chain together, each bounded in output size.
//!
//! They follow the forgiving behaviour of the PHP/JS originals where that matters for
//! obfuscated input (PHP's `base64_decode` skips junk characters, for example).

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use std::io::Read;

/// Output of a decompression: possibly cut at the limit, possibly cut by a corrupt stream.
#[derive(Debug)]
pub(crate) struct Inflated {
    pub bytes: Vec<u8>,
    pub over_limit: bool,
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// Raw deflate (`gzinflate`).
    Raw,
    /// zlib (`gzuncompress`).
    Zlib,
    /// gzip (`gzdecode`).
    Gzip,
}

const CHUNK: usize = 32 * 1024;

/// Reads at most `limit` bytes; reading one byte past the limit tells a bomb from an exact fit.
/// The vector's capacity never exceeds `limit`, so a bomb costs `limit` bytes of memory.
fn read_capped<R: Read>(reader: R, limit: usize) -> Inflated {
    let mut take = reader.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1));
    let mut out: Vec<u8> = Vec::new();
    let mut buf = vec![0u8; CHUNK];
    let mut over_limit = false;
    let mut error = None;
    loop {
        match take.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let got = buf.get(..n).unwrap_or(&[]);
                let room = limit.saturating_sub(out.len());
                let keep = got.len().min(room);
                if out.capacity() < out.len() + keep {
                    let want = (out.capacity().saturating_mul(2))
                        .max(out.len() + keep)
                        .min(limit);
                    out.reserve_exact(want.saturating_sub(out.len()));
                }
                out.extend_from_slice(got.get(..keep).unwrap_or(&[]));
                if got.len() > room {
                    over_limit = true;
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                error = Some(e.to_string());
                break;
            }
        }
    }
    Inflated {
        bytes: out,
        over_limit,
        error,
    }
}

pub(crate) fn inflate(container: Container, data: &[u8], limit: usize) -> Inflated {
    match container {
        Container::Raw => read_capped(flate2::bufread::DeflateDecoder::new(data), limit),
        Container::Zlib => read_capped(flate2::bufread::ZlibDecoder::new(data), limit),
        Container::Gzip => read_capped(flate2::bufread::GzDecoder::new(data), limit),
    }
}

fn b64_value(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// PHP's non-strict `base64_decode` (and browsers' `atob` after whitespace removal): characters
/// outside the alphabet are skipped, padding is optional. `-`/`_` are mapped to `+`/`/` so that
/// URL-safe payloads decode too. Returns `None` if nothing decodable is left.
pub(crate) fn base64(data: &[u8]) -> Option<Vec<u8>> {
    let mut clean: Vec<u8> = data
        .iter()
        .filter_map(|&b| match b {
            b'-' => Some(b'+'),
            b'_' => Some(b'/'),
            _ if b64_value(b) => Some(b),
            _ => None,
        })
        .collect();
    // A single leftover character carries no full byte.
    if clean.len() % 4 == 1 {
        clean.pop();
    }
    if clean.is_empty() {
        return None;
    }
    let engine = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    engine.decode(&clean).ok()
}

pub(crate) fn rot13(data: &[u8]) -> Vec<u8> {
    data.iter()
        .map(|&b| match b {
            b'a'..=b'z' => (b - b'a' + 13) % 26 + b'a',
            b'A'..=b'Z' => (b - b'A' + 13) % 26 + b'A',
            _ => b,
        })
        .collect()
}

pub(crate) fn strrev(data: &[u8]) -> Vec<u8> {
    data.iter().rev().copied().collect()
}

/// JS `s.split('').reverse().join('')` reverses UTF-16 code units; reversing characters is the
/// faithful equivalent for text outside the astral planes.
pub(crate) fn js_reverse(data: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(data) {
        Ok(s) => s.chars().rev().collect::<String>().into_bytes(),
        Err(_) => strrev(data),
    }
}

fn nibble(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `hex2bin`: whitespace tolerated, anything else non-hex or an odd count fails (as in PHP).
pub(crate) fn hex2bin(data: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if !digits.len().is_multiple_of(2) || digits.is_empty() {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|p| Some(nibble(*p.first()?)? << 4 | nibble(*p.get(1)?)?))
        .collect()
}

/// `pack('H*', $hex)`: high nibble first, an odd trailing nibble is padded with zero.
pub(crate) fn pack_h(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 2 + 1);
    for pair in data.chunks(2) {
        let hi = nibble(*pair.first()?)?;
        let lo = match pair.get(1) {
            Some(&b) => nibble(b)?,
            None => 0,
        };
        out.push(hi << 4 | lo);
    }
    Some(out)
}

/// `urldecode` (`plus` true) / `rawurldecode`; also `decodeURIComponent`, whose `%XX` bytes
/// form UTF-8 sequences. Malformed escapes are kept as they are.
pub(crate) fn urldecode(data: &[u8], plus: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        match b {
            b'%' => match (
                data.get(i + 1).copied().and_then(nibble),
                data.get(i + 2).copied().and_then(nibble),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b);
                    i += 1;
                }
            },
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// JS `unescape`: `%XX` and `%uXXXX` name UTF-16 code units, written here as UTF-8.
pub(crate) fn js_unescape(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    let hex = |from: usize, n: usize| -> Option<u32> {
        let mut v = 0u32;
        for k in 0..n {
            v = v * 16 + u32::from(nibble(*data.get(from + k)?)?);
        }
        Some(v)
    };
    while let Some(&b) = data.get(i) {
        if b == b'%' {
            if data.get(i + 1) == Some(&b'u')
                && let Some(v) = hex(i + 2, 4)
            {
                push_char(&mut out, v);
                i += 6;
                continue;
            }
            if let Some(v) = hex(i + 1, 2) {
                push_char(&mut out, v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn push_char(out: &mut Vec<u8>, cp: u32) {
    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// `convert_uudecode`: per line, a length character then groups of four 6-bit characters.
pub(crate) fn uudecode(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut any = false;
    for line in data.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some((&len_ch, body)) = line.split_first() else {
            continue;
        };
        let len = usize::from(len_ch.wrapping_sub(b' ') & 0x3f);
        if len == 0 {
            break;
        }
        let mut line_out = Vec::with_capacity(len + 2);
        for quad in body.chunks(4) {
            let v = |k: usize| u32::from(quad.get(k).map_or(0, |c| c.wrapping_sub(b' ') & 0x3f));
            let n = v(0) << 18 | v(1) << 12 | v(2) << 6 | v(3);
            line_out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        }
        line_out.truncate(len);
        out.extend_from_slice(&line_out);
        any = true;
    }
    any.then_some(out)
}

/// `str_replace($search, $replace, $subject)` for scalar strings. Fails rather than allocate
/// when the result would exceed `limit` (a tiny call can otherwise ask for gigabytes).
pub(crate) fn str_replace(
    search: &[u8],
    replace: &[u8],
    subject: &[u8],
    limit: usize,
) -> Option<Vec<u8>> {
    if search.is_empty() {
        return (subject.len() <= limit).then(|| subject.to_vec());
    }
    let finder = memchr::memmem::Finder::new(search);
    let count = finder.find_iter(subject).count();
    let size = subject
        .len()
        .checked_sub(count.checked_mul(search.len())?)?
        .checked_add(count.checked_mul(replace.len())?)?;
    if size > limit {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    let mut last = 0;
    for at in finder.find_iter(subject) {
        out.extend_from_slice(subject.get(last..at)?);
        out.extend_from_slice(replace);
        last = at + search.len();
    }
    out.extend_from_slice(subject.get(last..)?);
    Some(out)
}

/// Heuristic for "is this decoded payload text worth normalizing as code?".
pub(crate) fn looks_textual(b: &[u8]) -> bool {
    if b.is_empty() {
        return true;
    }
    let control = b
        .iter()
        .filter(|&&c| (c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)) || c == 0x7f)
        .count();
    if control.saturating_mul(50) > b.len() {
        return false;
    }
    if std::str::from_utf8(b).is_err() {
        let high = b.iter().filter(|&&c| c >= 0x80).count();
        if high.saturating_mul(3) > b.len() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn base64_is_forgiving() {
        assert_eq!(base64(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64(b"aGVs\n bG8").unwrap(), b"hello");
        assert_eq!(base64(b"aGVsbG8=!!").unwrap(), b"hello");
        assert_eq!(base64(b"aGVsbG8x").unwrap(), b"hello1");
        assert_eq!(base64(b"PD9w-_8").unwrap(), base64(b"PD9w+/8").unwrap());
        assert_eq!(base64(b"aGVsbG8xY"), base64(b"aGVsbG8x"));
        assert!(base64(b"!!!").is_none());
    }

    #[test]
    fn inflate_roundtrip_and_limit() {
        let data = b"system($_GET['c']);".repeat(100);
        let z = deflate(&data);
        let ok = inflate(Container::Raw, &z, data.len());
        assert_eq!(ok.bytes, data);
        assert!(!ok.over_limit && ok.error.is_none());
        let cut = inflate(Container::Raw, &z, 10);
        assert_eq!(cut.bytes, &data[..10]);
        assert!(cut.over_limit);
        assert!(cut.bytes.capacity() <= 10);
        let bad = inflate(Container::Zlib, &z, 1000);
        assert!(bad.error.is_some());
    }

    #[test]
    fn small_decoders() {
        assert_eq!(rot13(b"flfgrz(Abc)"), b"system(Nop)");
        assert_eq!(strrev(b"metsys"), b"system");
        assert_eq!(js_reverse("lavé".as_bytes()), "éval".as_bytes());
        assert_eq!(hex2bin(b"73797374656d").unwrap(), b"system");
        assert!(hex2bin(b"7").is_none());
        assert!(hex2bin(b"zz").is_none());
        assert_eq!(pack_h(b"414").unwrap(), b"A@");
        assert_eq!(urldecode(b"a%20b+c%zz", true), b"a b c%zz");
        assert_eq!(urldecode(b"a+b%2B", false), b"a+b+");
        assert_eq!(js_unescape(b"%u0065v%61l%"), b"eval%");
        assert_eq!(uudecode(b"&<WES=&5M\n`\n").unwrap(), b"system");
        assert_eq!(
            str_replace(b"x", b"", b"sxyxsxtem", 100).unwrap(),
            b"system"
        );
        assert!(str_replace(b"a", &[b'b'; 1000], &[b'a'; 1000], 10_000).is_none());
    }

    #[test]
    fn textual_heuristic() {
        assert!(looks_textual(b"<?php echo 1;\n"));
        assert!(!looks_textual(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_textual(&[0xff; 64]));
        assert!(looks_textual("caf\u{e9}".as_bytes()));
    }
}
