//! Encoders used to build obfuscated samples in tests (the inverse of the decoders under test).

#![allow(dead_code)]

use base64::Engine as _;
use flate2::Compression;
use std::io::Write;

pub fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).expect("write to Vec");
    e.finish().expect("finish to Vec")
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("write to Vec");
    e.finish().expect("finish to Vec")
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("write to Vec");
    e.finish().expect("finish to Vec")
}

pub fn rot13(data: &[u8]) -> Vec<u8> {
    data.iter()
        .map(|&b| match b {
            b'a'..=b'z' => (b - b'a' + 13) % 26 + b'a',
            b'A'..=b'Z' => (b - b'A' + 13) % 26 + b'A',
            _ => b,
        })
        .collect()
}

pub fn rev(data: &[u8]) -> Vec<u8> {
    data.iter().rev().copied().collect()
}

pub fn hex(data: &[u8]) -> String {
    data.iter().map(|b| format!("{b:02x}")).collect()
}

/// `rawurlencode`: everything but unreserved characters as `%XX`.
pub fn urlencode(data: &[u8]) -> String {
    data.iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// PHP `convert_uuencode`.
pub fn uuencode(data: &[u8]) -> String {
    let enc = |v: u32| -> char {
        let c = (v & 0x3f) as u8;
        if c == 0 { '`' } else { (c + b' ') as char }
    };
    let mut out = String::new();
    for line in data.chunks(45) {
        out.push((line.len() as u8 + b' ') as char);
        for tri in line.chunks(3) {
            let g = |k: usize| u32::from(tri.get(k).copied().unwrap_or(0));
            let n = g(0) << 16 | g(1) << 8 | g(2);
            for shift in [18, 12, 6, 0] {
                out.push(enc(n >> shift));
            }
        }
        out.push('\n');
    }
    out.push_str("`\n");
    out
}

/// Total length of all decoded texts.
pub fn decoded_total(n: &drydock_deobfuscate::Normalized) -> usize {
    n.decoded.iter().map(|d| d.text.len()).sum()
}
