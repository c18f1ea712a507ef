//! Property tests: random and mutated bytes through every public entry point
//! must return (an error or a result), never panic.

use drydock_rpmdb::{Limits, detect_format, parse, parse_header_blob};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Small limits, so that a mutation which inflates a count hits them.
fn tight() -> Limits {
    Limits {
        max_header_bytes: 1 << 20,
        max_files_per_package: 1000,
        max_file_list_bytes: 1 << 16,
        max_total_files: 5000,
        max_sqlite_steps: 5_000_000,
        ..Limits::default()
    }
}

fn header_blobs() -> Vec<Vec<u8>> {
    let db = fixture("Packages.ndb");
    let le = |at: usize| u32::from_le_bytes(db[at..at + 4].try_into().unwrap()) as usize;
    (0..3)
        .map(|i| {
            let start = le(32 + i * 16 + 8) * 16;
            let len = le(start + 12);
            db[start + 16..start + 16 + len].to_vec()
        })
        .collect()
}

/// Byte edits: (position as a fraction of the length, new byte).
fn edits() -> impl Strategy<Value = Vec<(f64, u8)>> {
    prop::collection::vec((0.0f64..1.0, any::<u8>()), 1..24)
}

fn mutate(mut bytes: Vec<u8>, edits: &[(f64, u8)], cut: Option<f64>) -> Vec<u8> {
    for (pos, b) in edits {
        let i = ((bytes.len() as f64) * pos) as usize;
        if let Some(x) = bytes.get_mut(i) {
            *x = *b;
        }
    }
    if let Some(c) = cut {
        bytes.truncate(((bytes.len() as f64) * c) as usize);
    }
    bytes
}

/// Big-endian u32 edits aimed at the index of a header blob, where counts
/// and offsets live.
fn header_field_edits() -> impl Strategy<Value = Vec<(usize, u32)>> {
    prop::collection::vec(
        (
            0usize..64,
            prop_oneof![any::<u32>(), 0u32..64, Just(u32::MAX), Just(0x8000_0000)],
        ),
        1..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = detect_format(&bytes);
        let _ = parse(&bytes, &tight());
        let _ = parse_header_blob(&bytes, &tight());
    }

    #[test]
    fn random_bytes_behind_each_magic(
        kind in 0usize..4,
        body in prop::collection::vec(any::<u8>(), 0..9000),
    ) {
        let mut bytes = match kind {
            0 => b"SQLite format 3\0".to_vec(),
            1 => b"RpmP\0\0\0\0".to_vec(),
            _ => vec![0; 16],
        };
        bytes.extend_from_slice(&body);
        if kind >= 2 {
            // Berkeley DB magic at byte 12, in either byte order, plus a
            // plausible version / page size / type so the walker runs
            let big = kind == 3;
            let put = |b: &mut Vec<u8>, at: usize, v: u32| {
                if b.len() >= at + 4 {
                    let raw = if big { v.to_be_bytes() } else { v.to_le_bytes() };
                    b[at..at + 4].copy_from_slice(&raw);
                }
            };
            put(&mut bytes, 12, 0x0006_1561);
            put(&mut bytes, 16, 9);
            put(&mut bytes, 20, 512);
            if bytes.len() > 26 {
                bytes[24] = 0;
                bytes[25] = 8;
                bytes[26] = 0;
            }
        }
        prop_assert!(detect_format(&bytes).is_some());
        let _ = parse(&bytes, &tight());
    }

    #[test]
    fn mutated_header_blobs(
        which in 0usize..3,
        edits in edits(),
        fields in header_field_edits(),
        cut in prop::option::of(0.0f64..1.0),
    ) {
        let mut blob = header_blobs()[which].clone();
        for (slot, v) in fields {
            let at = slot * 4;
            if at + 4 <= blob.len() {
                blob[at..at + 4].copy_from_slice(&v.to_be_bytes());
            }
        }
        let blob = mutate(blob, &edits, cut);
        if let Ok(p) = parse_header_blob(&blob, &tight()) {
            prop_assert!(p.files.len() <= 1000);
        }
    }
}

proptest! {
    // each case opens a whole database; fewer cases keep the suite quick
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mutated_berkeley_db(
        big in any::<bool>(),
        edits in edits(),
        cut in prop::option::of(0.0f64..1.0),
    ) {
        let name = if big { "Packages.bdb-be" } else { "Packages.bdb-le" };
        let bytes = mutate(fixture(name), &edits, cut);
        if let Ok(parsed) = parse(&bytes, &tight()) {
            prop_assert!(parsed.packages.len() <= 3);
        }
    }

    #[test]
    fn mutated_ndb(edits in edits(), cut in prop::option::of(0.0f64..1.0)) {
        let bytes = mutate(fixture("Packages.ndb"), &edits, cut);
        if let Ok(parsed) = parse(&bytes, &tight()) {
            prop_assert!(parsed.packages.len() <= 3);
        }
    }

    #[test]
    fn mutated_sqlite(edits in edits(), cut in prop::option::of(0.0f64..1.0)) {
        let bytes = mutate(fixture("rpmdb.sqlite"), &edits, cut);
        let _ = parse(&bytes, &tight());
    }

    #[test]
    fn mutated_ndb_slot_area(
        fields in prop::collection::vec((0usize..256, any::<u32>()), 1..16),
    ) {
        // aim at the header and slot records, where offsets and counts live
        let mut bytes = fixture("Packages.ndb");
        for (slot, v) in fields {
            let at = slot * 4;
            bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
        }
        let _ = parse(&bytes, &tight());
    }
}
