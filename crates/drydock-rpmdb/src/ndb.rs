//! The ndb backend: rpm's own package store, `Packages.db` (SUSE 15+).
//!
//! Layout, all integers little-endian:
//!
//! - a 32-byte file header: magic `RpmP`, version 0, generation, number of
//!   slot pages, next package index;
//! - slot pages (4096 bytes each, the first one after the file header): one
//!   16-byte slot per package: magic `Slot`, package index, block offset,
//!   block count, in 16-byte blocks; block offset 0 marks a free slot;
//! - blobs at their block offset: `BlbS`, package index, timestamp, length,
//!   the header blob, zero padding to the block size, then adler32 (of
//!   everything before it), length again and `BlbE`.
//!
//! Slots are checked to point past the slot pages, inside the file and not
//! at overlapping blobs, so every byte is read at most once.

use std::collections::HashSet;

use crate::{Error, Limits, Sink};

pub(crate) const MAGIC: &[u8] = b"RpmP";
const SLOT_MAGIC: &[u8] = b"Slot";
const BLOB_HEAD_MAGIC: &[u8] = b"BlbS";
const BLOB_TAIL_MAGIC: &[u8] = b"BlbE";

const FILE_HEADER: usize = 32;
const PAGE: usize = 4096;
const SLOT: usize = 16;
const BLOCK: u64 = 16;
const BLOB_HEAD: usize = 16;
const BLOB_TAIL: usize = 12;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let raw: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(raw))
}

/// Adler-32 as in RFC 1950, which ndb uses to check each blob.
fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    // the largest run that cannot overflow u32 before reducing
    const RUN: usize = 5552;
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(RUN) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[derive(Clone, Copy)]
struct Slot {
    number: usize,
    pkgidx: u32,
    blkoff: u64,
    blkcnt: u64,
}

pub(crate) fn read(bytes: &[u8], limits: &Limits, sink: &mut Sink<'_>) -> Result<(), Error> {
    let header = bytes
        .get(..FILE_HEADER)
        .ok_or(Error::Truncated("ndb file header"))?;
    if header.get(..4) != Some(MAGIC) {
        return Err(Error::UnknownFormat);
    }
    let version = le32(header, 4).unwrap_or(0);
    if version != 0 {
        return Err(Error::Unsupported(format!("ndb version {version}")));
    }
    let slot_pages = u64::from(le32(header, 12).unwrap_or(0));
    if slot_pages == 0 {
        return Err(Error::Ndb("no slot pages".into()));
    }
    let slot_end = slot_pages
        .checked_mul(PAGE as u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n <= bytes.len())
        .ok_or(Error::Truncated("ndb slot pages"))?;
    let file_blocks = bytes.len() as u64 / BLOCK;
    let first_data_block = slot_end as u64 / BLOCK;

    let mut slots = Vec::new();
    let area = bytes.get(FILE_HEADER..slot_end).unwrap_or_default();
    for (i, rec) in area.chunks_exact(SLOT).enumerate() {
        let number = i + FILE_HEADER / SLOT;
        if rec.get(..4) != Some(SLOT_MAGIC) {
            sink.warn(format!("ndb slot {number}: bad magic"));
            continue;
        }
        let blkoff = u64::from(le32(rec, 8).unwrap_or(0));
        if blkoff == 0 {
            continue;
        }
        let pkgidx = le32(rec, 4).unwrap_or(0);
        let blkcnt = u64::from(le32(rec, 12).unwrap_or(0));
        if pkgidx == 0 || blkcnt == 0 || blkoff < first_data_block {
            sink.warn(format!("ndb slot {number}: invalid entry"));
            continue;
        }
        if blkoff + blkcnt > file_blocks {
            sink.warn(format!(
                "ndb slot {number} (package {pkgidx}): blob lies past the end of the file"
            ));
            continue;
        }
        slots.push(Slot {
            number,
            pkgidx,
            blkoff,
            blkcnt,
        });
    }

    // overlapping or repeated entries would let a small file make us parse
    // the same bytes over and over
    slots.sort_by_key(|s| (s.blkoff, s.number));
    let mut end = 0u64;
    let mut packages = HashSet::new();
    let mut kept = Vec::with_capacity(slots.len());
    for s in slots {
        if s.blkoff < end {
            sink.warn(format!(
                "ndb slot {} (package {}): blob overlaps another",
                s.number, s.pkgidx
            ));
            continue;
        }
        if !packages.insert(s.pkgidx) {
            sink.warn(format!(
                "ndb slot {}: package {} listed twice",
                s.number, s.pkgidx
            ));
            continue;
        }
        end = s.blkoff + s.blkcnt;
        kept.push(s);
    }

    for s in kept {
        match blob(bytes, &s, limits) {
            Ok(data) => {
                if !sink.blob(u64::from(s.pkgidx), data) {
                    break;
                }
            }
            Err(e) => sink.warn(format!("ndb package {}: {e}", s.pkgidx)),
        }
    }
    Ok(())
}

/// The header blob a slot points at, after checking its framing.
fn blob<'a>(bytes: &'a [u8], s: &Slot, limits: &Limits) -> Result<&'a [u8], String> {
    let start = usize::try_from(s.blkoff * BLOCK).map_err(|_| "offset overflows")?;
    let len = usize::try_from(s.blkcnt * BLOCK).map_err(|_| "length overflows")?;
    let area = start
        .checked_add(len)
        .and_then(|end| bytes.get(start..end))
        .ok_or("blob lies past the end of the file")?;
    if area.get(..4) != Some(BLOB_HEAD_MAGIC) {
        return Err("bad blob start magic".into());
    }
    if le32(area, 4) != Some(s.pkgidx) {
        return Err("blob belongs to another package".into());
    }
    let blob_len = usize::try_from(le32(area, 12).unwrap_or(0)).unwrap_or(usize::MAX);
    if blob_len > limits.max_header_bytes {
        return Err(format!(
            "blob of {blob_len} bytes exceeds the limit of {}",
            limits.max_header_bytes
        ));
    }
    let framed = blob_len
        .checked_add(BLOB_HEAD + BLOB_TAIL)
        .ok_or("blob length overflows")?;
    if framed.div_ceil(BLOCK as usize) != len / BLOCK as usize {
        return Err(format!(
            "blob length {blob_len} does not match {} blocks",
            s.blkcnt
        ));
    }
    let tail_at = len - BLOB_TAIL;
    let tail = area.get(tail_at..).ok_or("missing blob trailer")?;
    if tail.get(8..12) != Some(BLOB_TAIL_MAGIC) {
        return Err("bad blob end magic".into());
    }
    if le32(tail, 4) != Some(le32(area, 12).unwrap_or(0)) {
        return Err("blob trailer length differs from its header".into());
    }
    let covered = area.get(..tail_at).ok_or("missing blob trailer")?;
    if le32(tail, 0) != Some(adler32(covered)) {
        return Err("blob checksum mismatch".into());
    }
    area.get(BLOB_HEAD..BLOB_HEAD + blob_len)
        .ok_or_else(|| "blob lies past its blocks".into())
}

#[cfg(test)]
mod tests {
    use super::adler32;

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        // long enough to need the periodic reduction
        let big = vec![0xffu8; 100_000];
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + u64::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(adler32(&big), ((b << 16) | a) as u32);
    }
}
