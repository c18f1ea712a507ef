//! The Berkeley DB backend: a read-only walker of the hash access method.
//!
//! rpm's `Packages` file maps a 4-byte instance number to a header blob. The
//! layout this reader relies on:
//!
//! - page 0 is the hash metadata page: magic `0x061561` at byte 12 (its byte
//!   order gives the byte order of the whole file), version, page size,
//!   last page number, highest bucket and the `spares` table that maps a
//!   bucket number to its first page;
//! - every other page starts with a 26-byte header (page number, previous
//!   and next page, entry count, high-free offset or overflow length, level,
//!   type);
//! - a hash page (type 2 or 13) holds an array of 16-bit item offsets after
//!   the header; items alternate key, value and are packed downwards from
//!   the end of the page, so an item runs up to the start of the one before
//!   it. An item's first byte is its kind: inline data, or an "off-page"
//!   reference (page number + total length) to a chain of overflow pages
//!   (type 7) linked by their next-page field.
//!
//! Each page may be visited once: a bucket chain or overflow chain that comes
//! back to a page already seen is a cycle (or a shared page) and is
//! reported, which also bounds the work to the size of the file.

use crate::{Error, Limits, Sink};

const HASH_MAGIC: u32 = 0x0006_1561;

const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;

const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

/// Size of the generic page header.
const PAGE_HEADER: usize = 26;
/// Metadata page flag: pages carry checksums, which moves their contents.
const DBMETA_CHKSUM: u8 = 0x01;

pub(crate) fn has_hash_magic(bytes: &[u8]) -> bool {
    byte_order(bytes).is_some()
}

/// Whether the file is big-endian, from the metadata magic.
fn byte_order(bytes: &[u8]) -> Option<bool> {
    let raw: [u8; 4] = bytes.get(12..16)?.try_into().ok()?;
    if u32::from_le_bytes(raw) == HASH_MAGIC {
        Some(false)
    } else if u32::from_be_bytes(raw) == HASH_MAGIC {
        Some(true)
    } else {
        None
    }
}

#[derive(Clone, Copy)]
struct Order {
    big: bool,
}

impl Order {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let raw: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big {
            u16::from_be_bytes(raw)
        } else {
            u16::from_le_bytes(raw)
        })
    }

    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let raw: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        })
    }
}

fn bad(msg: impl Into<String>) -> Error {
    Error::BerkeleyDb(msg.into())
}

struct Db<'a> {
    bytes: &'a [u8],
    order: Order,
    page_size: usize,
    /// Pages both declared by the metadata and present in the input.
    pages: usize,
    /// Pages already walked, to detect cycles and pages claimed twice.
    seen: Vec<bool>,
    max_blob: usize,
}

/// What a page walk wants next.
enum Flow {
    Continue,
    Stop,
}

impl<'a> Db<'a> {
    fn page(&self, pgno: usize) -> Option<&'a [u8]> {
        let start = pgno.checked_mul(self.page_size)?;
        self.bytes.get(start..start.checked_add(self.page_size)?)
    }

    /// Marks `pgno` as visited; an error if it lies outside the file or was
    /// visited before.
    fn claim(&mut self, pgno: usize) -> Result<&'a [u8], String> {
        if pgno == 0 || pgno >= self.pages {
            return Err(format!("page {pgno} is outside the file"));
        }
        match self.seen.get_mut(pgno) {
            Some(true) => return Err(format!("page {pgno} reached twice (page cycle)")),
            Some(seen) => *seen = true,
            None => return Err(format!("page {pgno} is outside the file")),
        }
        self.page(pgno)
            .ok_or_else(|| format!("page {pgno} is outside the file"))
    }

    fn read_overflow(&mut self, first: u32, total: u32) -> Result<Vec<u8>, String> {
        let total = usize::try_from(total).unwrap_or(usize::MAX);
        if total == 0 {
            return Err("empty overflow item".into());
        }
        if total > self.max_blob {
            return Err(format!(
                "overflow item of {total} bytes exceeds the limit of {}",
                self.max_blob
            ));
        }
        let mut out = Vec::with_capacity(total);
        let mut pgno = usize::try_from(first).unwrap_or(usize::MAX);
        loop {
            let page = self
                .claim(pgno)
                .map_err(|e| format!("overflow chain: {e}"))?;
            let o = self.order;
            if o.u32(page, 8).and_then(|v| usize::try_from(v).ok()) != Some(pgno) {
                return Err(format!("overflow page {pgno}: page number mismatch"));
            }
            if page.get(25) != Some(&P_OVERFLOW) {
                return Err(format!(
                    "page {pgno} in an overflow chain is not an overflow page"
                ));
            }
            let len = usize::from(o.u16(page, 22).unwrap_or(0));
            let data = PAGE_HEADER
                .checked_add(len)
                .and_then(|end| page.get(PAGE_HEADER..end))
                .ok_or_else(|| format!("overflow page {pgno}: length {len} exceeds the page"))?;
            if data.len() > total - out.len() {
                return Err(format!(
                    "overflow page {pgno}: holds more than the item length {total}"
                ));
            }
            out.extend_from_slice(data);
            if out.len() == total {
                return Ok(out);
            }
            let next = o.u32(page, 16).unwrap_or(0);
            if next == 0 {
                return Err(format!(
                    "overflow chain ends after {} of {total} bytes",
                    out.len()
                ));
            }
            pgno = usize::try_from(next).unwrap_or(usize::MAX);
        }
    }

    fn hash_page(&mut self, pgno: usize, page: &'a [u8], sink: &mut Sink<'_>) -> Flow {
        let o = self.order;
        let entries = usize::from(o.u16(page, 20).unwrap_or(0));
        let max_entries = (self.page_size - PAGE_HEADER) / 2;
        if entries > max_entries {
            sink.warn(format!("hash page {pgno}: {entries} entries cannot fit"));
            return Flow::Continue;
        }
        if entries % 2 != 0 {
            sink.warn(format!("hash page {pgno}: odd entry count {entries}"));
        }
        let floor = PAGE_HEADER + 2 * entries;
        let offset = |i: usize| usize::from(o.u16(page, PAGE_HEADER + 2 * i).unwrap_or(0));
        let mut upper = self.page_size;
        for pair in 0..entries / 2 {
            let koff = offset(2 * pair);
            let voff = offset(2 * pair + 1);
            // items are packed downwards, each ending where the previous
            // one starts; anything else is corruption, and insisting on it
            // also keeps the bytes read per page within the page
            if !(floor <= voff && voff < koff && koff < upper) {
                sink.warn(format!(
                    "hash page {pgno}: item {} has out-of-order offsets",
                    2 * pair
                ));
                return Flow::Continue;
            }
            let key = page.get(koff..upper).unwrap_or_default();
            let val = page.get(voff..koff).unwrap_or_default();
            upper = voff;

            let instance = match key.split_first() {
                Some((&H_KEYDATA, k)) if k.len() == 4 => o.u32(k, 0).unwrap_or(0),
                _ => {
                    sink.warn(format!(
                        "hash page {pgno}: item {} is not a 4-byte instance key",
                        2 * pair
                    ));
                    continue;
                }
            };
            // rpm keeps its next-instance counter under key 0
            if instance == 0 {
                continue;
            }
            let more = match val.split_first() {
                Some((&H_KEYDATA, data)) => sink.blob(u64::from(instance), data),
                Some((&H_OFFPAGE, _)) if val.len() >= 12 => {
                    let first = o.u32(val, 4).unwrap_or(0);
                    let total = o.u32(val, 8).unwrap_or(0);
                    match self.read_overflow(first, total) {
                        Ok(blob) => sink.blob(u64::from(instance), &blob),
                        Err(e) => {
                            sink.warn(format!("instance {instance}: {e}"));
                            true
                        }
                    }
                }
                other => {
                    let kind = other.map_or(0, |(k, _)| *k);
                    sink.warn(format!("instance {instance}: unsupported item kind {kind}"));
                    true
                }
            };
            if !more {
                return Flow::Stop;
            }
        }
        Flow::Continue
    }
}

pub(crate) fn read(bytes: &[u8], limits: &Limits, sink: &mut Sink<'_>) -> Result<(), Error> {
    let big = byte_order(bytes).ok_or(Error::UnknownFormat)?;
    let o = Order { big };
    let meta = bytes
        .get(..512)
        .ok_or(Error::Truncated("berkeley db metadata page"))?;
    let field = |at: usize| o.u32(meta, at).unwrap_or(0);
    let version = field(16);
    if !(8..=10).contains(&version) {
        return Err(Error::Unsupported(format!(
            "berkeley db hash version {version}"
        )));
    }
    let page_size = usize::try_from(field(20)).unwrap_or(0);
    if !page_size.is_power_of_two() || !(512..=65536).contains(&page_size) {
        return Err(bad(format!("invalid page size {page_size}")));
    }
    if meta.get(24).copied().unwrap_or(0) != 0 {
        return Err(Error::Unsupported("encrypted berkeley db".into()));
    }
    if meta.get(25) != Some(&P_HASHMETA) {
        return Err(bad("page 0 is not a hash metadata page"));
    }
    if meta.get(26).copied().unwrap_or(0) & DBMETA_CHKSUM != 0 {
        return Err(Error::Unsupported("berkeley db with page checksums".into()));
    }
    let declared = u64::from(field(32)) + 1;
    let present = (bytes.len() / page_size) as u64;
    if present < declared {
        sink.note(format!(
            "berkeley db truncated: {present} of {declared} pages present"
        ));
    }
    let pages = usize::try_from(declared.min(present)).unwrap_or(usize::MAX);
    let max_bucket = u64::from(field(72));
    if max_bucket >= declared {
        return Err(bad(format!(
            "highest bucket {max_bucket} but only {declared} pages"
        )));
    }
    let spares: Vec<u32> = (0..32).map(|i| field(96 + 4 * i)).collect();

    let mut db = Db {
        bytes,
        order: o,
        page_size,
        pages,
        seen: vec![false; pages],
        max_blob: limits.max_header_bytes,
    };
    // a bucket's first page is never below its number, so buckets past the
    // pages present cannot be read; stopping there keeps a huge declared
    // bucket count from costing anything
    let last_readable = max_bucket.min(pages.saturating_sub(1) as u64);
    for bucket in 0..=last_readable {
        // rpm's and Berkeley DB's mapping: the spares entry for the bucket's
        // doubling round, indexed by the bit length of the bucket number
        let round = (u64::BITS - bucket.leading_zeros()) as usize;
        let first = spares
            .get(round)
            .and_then(|s| bucket.checked_add(u64::from(*s)))
            .and_then(|p| usize::try_from(p).ok());
        let Some(mut pgno) = first else {
            sink.warn(format!("bucket {bucket}: no page"));
            continue;
        };
        loop {
            let page = match db.claim(pgno) {
                Ok(p) => p,
                Err(e) => {
                    sink.warn(format!("bucket {bucket}: {e}"));
                    break;
                }
            };
            let number = o.u32(page, 8).unwrap_or(0);
            let kind = page.get(25).copied().unwrap_or(0);
            if number == 0 && kind == 0 {
                // never written: Berkeley DB initialises bucket pages lazily
                break;
            }
            if usize::try_from(number).ok() != Some(pgno) {
                sink.warn(format!(
                    "bucket {bucket}: page {pgno} claims number {number}"
                ));
                break;
            }
            if kind != P_HASH && kind != P_HASH_UNSORTED {
                sink.warn(format!(
                    "bucket {bucket}: page {pgno} has type {kind}, not a hash page"
                ));
                break;
            }
            if let Flow::Stop = db.hash_page(pgno, page, sink) {
                return Ok(());
            }
            match o.u32(page, 16) {
                Some(0) | None => break,
                Some(next) => pgno = usize::try_from(next).unwrap_or(usize::MAX),
            }
        }
    }
    Ok(())
}
