//! Entry-count check done before the zip reader allocates its central
//! directory index.
//!
//! The zip crate loads every central directory record into memory when it
//! opens an archive, trusting the entry count of whichever end-of-central-
//! directory record it settles on. To refuse a million-entry archive before
//! that happens, this module takes the largest count declared by any record
//! the reader could pick: every classic record in the region where it
//! searches (the last 64 KiB plus the record size) and every ZIP64 record
//! anywhere in the input. Overestimating only costs a refusal of an archive
//! that was suspicious anyway.

use memchr::memmem;

const EOCD_SIGNATURE: &[u8] = b"PK\x05\x06";
const EOCD64_SIGNATURE: &[u8] = b"PK\x06\x06";
/// Classic record (22 bytes) plus the longest comment, with slack for the
/// reader's own rounding.
const EOCD_SEARCH_WINDOW: usize = 22 + 0xffff + 64;

fn read_u16(bytes: &[u8], at: usize) -> Option<u64> {
    let end = at.checked_add(2)?;
    let b: [u8; 2] = bytes.get(at..end)?.try_into().ok()?;
    Some(u64::from(u16::from_le_bytes(b)))
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let end = at.checked_add(8)?;
    let b: [u8; 8] = bytes.get(at..end)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// An upper bound on the number of entries any end record in `bytes` declares.
///
/// A classic count of 0xFFFF is the ZIP64 marker; it is left out when a ZIP64
/// record exists, so a ZIP64 archive reports its real count. Should the reader
/// fall back to the classic record anyway, it can index at most 65535
/// entries, and the count is checked again after opening.
pub(crate) fn declared_entry_bound(bytes: &[u8]) -> u64 {
    let mut classic = 0u64;
    let mut classic_marker = false;
    let window_start = bytes.len().saturating_sub(EOCD_SEARCH_WINDOW);
    let tail = bytes.get(window_start..).unwrap_or(&[]);
    for pos in memmem::find_iter(tail, EOCD_SIGNATURE) {
        let Some(at) = window_start.checked_add(pos) else {
            continue;
        };
        for field in [8usize, 10] {
            match at.checked_add(field).and_then(|f| read_u16(bytes, f)) {
                Some(0xffff) => classic_marker = true,
                Some(n) => classic = classic.max(n),
                None => {}
            }
        }
    }
    let mut zip64: Option<u64> = None;
    for at in memmem::find_iter(bytes, EOCD64_SIGNATURE) {
        for field in [24usize, 32] {
            if let Some(n) = at.checked_add(field).and_then(|f| read_u64(bytes, f)) {
                zip64 = Some(zip64.unwrap_or(0).max(n));
            }
        }
    }
    match zip64 {
        Some(n) => n.max(classic),
        None if classic_marker => 0xffff,
        None => classic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_classic_and_zip64_counts() {
        let mut eocd = b"PK\x05\x06\0\0\0\0".to_vec();
        eocd.extend_from_slice(&7u16.to_le_bytes());
        eocd.extend_from_slice(&9u16.to_le_bytes());
        eocd.extend_from_slice(&[0; 10]);
        assert_eq!(declared_entry_bound(&eocd), 9);
        let mut marker = eocd.clone();
        marker[10..12].copy_from_slice(&[0xff, 0xff]);
        assert_eq!(declared_entry_bound(&marker), 0xffff);

        let mut z64 = b"PK\x06\x06".to_vec();
        z64.extend_from_slice(&[0; 20]);
        z64.extend_from_slice(&1_000_000u64.to_le_bytes());
        z64.extend_from_slice(&1_000_000u64.to_le_bytes());
        z64.extend_from_slice(&marker);
        assert_eq!(declared_entry_bound(&z64), 1_000_000);
        assert_eq!(declared_entry_bound(b"PK\x06\x06"), 0);
        assert_eq!(declared_entry_bound(b""), 0);
    }
}
