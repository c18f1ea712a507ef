//! Damaged and malicious databases: each must give an error or a warning,
//! never a panic, a hang or a huge allocation.

use drydock_rpmdb::{Error, Limits, Parsed, parse, parse_header_blob};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

const ALL: [&str; 4] = [
    "rpmdb.sqlite",
    "Packages.bdb-be",
    "Packages.bdb-le",
    "Packages.ndb",
];

fn names(p: &Parsed) -> Vec<&str> {
    p.packages.iter().map(|p| p.name.as_str()).collect()
}

fn has_warning(p: &Parsed, needle: &str) -> bool {
    p.warnings.iter().any(|w| w.contains(needle))
}

// --- helpers for poking at the fixtures ---------------------------------------

/// The header blobs of the ndb fixture, in slot order (slots start at byte
/// 32, blobs are framed by a 16-byte head).
fn ndb_blobs() -> Vec<Vec<u8>> {
    let db = fixture("Packages.ndb");
    let le = |at: usize| u32::from_le_bytes(db[at..at + 4].try_into().unwrap()) as usize;
    (0..3)
        .map(|i| {
            let slot = 32 + i * 16;
            let start = le(slot + 8) * 16;
            let len = le(start + 12);
            db[start + 16..start + 16 + len].to_vec()
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("blob present in fixture")
}

struct Bdb {
    bytes: Vec<u8>,
    big: bool,
    page_size: usize,
}

impl Bdb {
    fn load(name: &str) -> Self {
        let bytes = fixture(name);
        let big = bytes[12..16] == [0x00, 0x06, 0x15, 0x61];
        let mut db = Bdb {
            bytes,
            big,
            page_size: 0,
        };
        db.page_size = db.u32(20) as usize;
        db
    }
    fn u32(&self, at: usize) -> u32 {
        let raw: [u8; 4] = self.bytes[at..at + 4].try_into().unwrap();
        if self.big {
            u32::from_be_bytes(raw)
        } else {
            u32::from_le_bytes(raw)
        }
    }
    fn set_u32(&mut self, at: usize, v: u32) {
        let raw = if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        };
        self.bytes[at..at + 4].copy_from_slice(&raw);
    }
    fn pages_of_type(&self, kind: u8) -> Vec<usize> {
        (1..self.bytes.len() / self.page_size)
            .filter(|p| self.bytes[p * self.page_size + 25] == kind)
            .collect()
    }
    fn next_field(&self, page: usize) -> usize {
        page * self.page_size + 16
    }
}

// --- every format -----------------------------------------------------------------

#[test]
fn wrong_magic_is_an_error() {
    for name in ALL {
        let mut bytes = fixture(name);
        // clobber both the leading and the Berkeley DB magic
        bytes[..16].fill(0x5a);
        assert!(
            matches!(parse(&bytes, &Limits::default()), Err(Error::UnknownFormat)),
            "{name}"
        );
    }
    assert!(matches!(
        parse(b"", &Limits::default()),
        Err(Error::UnknownFormat)
    ));
}

#[test]
fn truncation_never_panics_and_never_invents_packages() {
    let all = ["drydock-alpha", "drydock-beta", "drydock-gamma"];
    for name in ALL {
        let bytes = fixture(name);
        let step = (bytes.len() / 150).max(1);
        for len in (0..bytes.len()).step_by(step) {
            if let Ok(parsed) = parse(&bytes[..len], &Limits::default()) {
                for n in names(&parsed) {
                    assert!(all.contains(&n), "{name}[..{len}] gave {n}");
                }
            }
        }
    }
}

#[test]
fn short_files_are_errors() {
    for (name, len) in [
        ("rpmdb.sqlite", 100),
        ("Packages.bdb-le", 300),
        ("Packages.ndb", 20),
        ("Packages.ndb", 1000),
    ] {
        let bytes = fixture(name);
        assert!(
            parse(&bytes[..len], &Limits::default()).is_err(),
            "{name}[..{len}]"
        );
    }
}

#[test]
fn oversized_input_is_rejected_up_front() {
    let limits = Limits {
        max_db_bytes: 1024,
        ..Limits::default()
    };
    for name in ALL {
        let err = parse(&fixture(name), &limits).unwrap_err();
        assert!(matches!(err, Error::LimitExceeded { .. }), "{name}: {err}");
    }
}

// --- header blobs inside a database -------------------------------------------------

#[test]
fn bad_header_in_a_database_is_a_warning_and_the_rest_parse() {
    let beta = &ndb_blobs()[1];
    let base = Bdb::load("Packages.bdb-le");
    let at = find(&base.bytes, beta);

    // an index entry whose offset points past the data store
    let mut db = Bdb::load("Packages.bdb-le");
    db.bytes[at + 8 + 16 + 8..at + 8 + 16 + 12].copy_from_slice(&0x7fff_0000u32.to_be_bytes());
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert_eq!(names(&parsed), ["drydock-gamma", "drydock-alpha"]);
    assert!(
        has_warning(&parsed, "beyond data length"),
        "{:?}",
        parsed.warnings
    );

    // a header claiming ten million index entries
    let mut db = Bdb::load("Packages.bdb-le");
    db.bytes[at..at + 4].copy_from_slice(&10_000_000u32.to_be_bytes());
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert_eq!(names(&parsed), ["drydock-gamma", "drydock-alpha"]);
    assert!(
        has_warning(&parsed, "index entry count"),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn ten_million_entry_header_alone() {
    let mut blob = ndb_blobs()[0].clone();
    blob[..4].copy_from_slice(&10_000_000u32.to_be_bytes());
    assert!(parse_header_blob(&blob, &Limits::default()).is_err());
    // data length claiming 4 GiB
    let mut blob = ndb_blobs()[0].clone();
    blob[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        parse_header_blob(&blob, &Limits::default()),
        Err(Error::Truncated(_))
    ));
}

// --- Berkeley DB --------------------------------------------------------------------

#[test]
fn bdb_be_fixture_really_uses_overflow_pages() {
    let db = Bdb::load("Packages.bdb-be");
    assert!(db.big);
    assert_eq!(db.page_size, 512);
    assert!(db.pages_of_type(7).len() > 10);
    let le = Bdb::load("Packages.bdb-le");
    assert!(!le.big);
    assert!(le.pages_of_type(7).is_empty());
}

#[test]
fn bdb_overflow_page_cycle_is_detected() {
    let mut db = Bdb::load("Packages.bdb-be");
    // an overflow page that continues a chain: point it back at itself
    let page = db
        .pages_of_type(7)
        .into_iter()
        .find(|&p| db.u32(db.next_field(p)) != 0)
        .unwrap();
    let at = db.next_field(page);
    db.set_u32(at, page as u32);
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert_eq!(parsed.packages.len(), 2, "{:?}", parsed.warnings);
    assert!(has_warning(&parsed, "page cycle"), "{:?}", parsed.warnings);
}

#[test]
fn bdb_overflow_chain_into_another_chain_is_detected() {
    let mut db = Bdb::load("Packages.bdb-be");
    let overflow = db.pages_of_type(7);
    // continue the last chain into the first one's pages
    let page = *overflow
        .iter()
        .rev()
        .find(|&&p| db.u32(db.next_field(p)) != 0)
        .unwrap();
    let at = db.next_field(page);
    db.set_u32(at, overflow[0] as u32);
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert!(parsed.packages.len() < 3);
    assert!(!parsed.warnings.is_empty());
}

#[test]
fn bdb_overflow_chain_pointing_outside_the_file() {
    let mut db = Bdb::load("Packages.bdb-be");
    let page = db
        .pages_of_type(7)
        .into_iter()
        .find(|&p| db.u32(db.next_field(p)) != 0)
        .unwrap();
    let at = db.next_field(page);
    db.set_u32(at, 0x00ff_ffff);
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert_eq!(parsed.packages.len(), 2);
    assert!(
        has_warning(&parsed, "outside the file"),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn bdb_overflow_length_claiming_gigabytes() {
    let mut db = Bdb::load("Packages.bdb-be");
    // the off-page item's total length field: find hash pages' 12-byte items
    let hash = db.pages_of_type(13);
    let mut patched = 0;
    for p in hash {
        let base = p * db.page_size;
        let n = {
            let raw: [u8; 2] = db.bytes[base + 20..base + 22].try_into().unwrap();
            u16::from_be_bytes(raw) as usize
        };
        for i in (1..n).step_by(2) {
            let raw: [u8; 2] = db.bytes[base + 26 + 2 * i..base + 28 + 2 * i]
                .try_into()
                .unwrap();
            let off = base + u16::from_be_bytes(raw) as usize;
            if db.bytes[off] == 3 {
                db.set_u32(off + 8, 0xffff_fff0);
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 3);
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert!(parsed.packages.is_empty());
    assert_eq!(parsed.warnings.len(), 3, "{:?}", parsed.warnings);
    assert!(has_warning(&parsed, "exceeds the limit"));
}

#[test]
fn bdb_bucket_chain_cycle_is_detected() {
    for name in ["Packages.bdb-be", "Packages.bdb-le"] {
        let mut db = Bdb::load(name);
        let page = db.pages_of_type(13)[0];
        let at = db.next_field(page);
        db.set_u32(at, page as u32);
        let parsed = parse(&db.bytes, &Limits::default()).unwrap();
        assert!(
            has_warning(&parsed, "page cycle"),
            "{name}: {:?}",
            parsed.warnings
        );
    }
}

#[test]
fn bdb_huge_bucket_count_costs_nothing() {
    let mut db = Bdb::load("Packages.bdb-le");
    // claims four billion pages and buckets in a 40 KiB file
    db.set_u32(32, u32::MAX - 1);
    db.set_u32(72, u32::MAX - 2);
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert!(has_warning(&parsed, "truncated"), "{:?}", parsed.warnings);
}

#[test]
fn bdb_bad_meta_fields_are_errors() {
    let cases: [(usize, u32); 3] = [(20, 1000), (16, 3), (72, 1_000_000)];
    for (at, v) in cases {
        let mut db = Bdb::load("Packages.bdb-le");
        db.set_u32(at, v);
        assert!(
            parse(&db.bytes, &Limits::default()).is_err(),
            "field {at} = {v}"
        );
    }
    let mut db = Bdb::load("Packages.bdb-le");
    db.bytes[24] = 1; // encrypted
    assert!(matches!(
        parse(&db.bytes, &Limits::default()),
        Err(Error::Unsupported(_))
    ));
}

#[test]
fn bdb_out_of_order_item_offsets_are_a_warning() {
    let mut db = Bdb::load("Packages.bdb-le");
    for p in db.pages_of_type(13) {
        let base = p * db.page_size;
        // first item offset pointing at the page header
        db.bytes[base + 26..base + 28].copy_from_slice(&4u16.to_le_bytes());
    }
    let parsed = parse(&db.bytes, &Limits::default()).unwrap();
    assert!(
        has_warning(&parsed, "out-of-order"),
        "{:?}",
        parsed.warnings
    );
}

// --- ndb --------------------------------------------------------------------------------

fn ndb_set(db: &mut [u8], at: usize, v: u32) {
    db[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn ndb_slot_past_end_of_file() {
    let mut db = fixture("Packages.ndb");
    ndb_set(&mut db, 32 + 8, 0x0fff_ffff);
    let parsed = parse(&db, &Limits::default()).unwrap();
    assert_eq!(parsed.packages.len(), 2);
    assert!(
        has_warning(&parsed, "past the end"),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn ndb_overlapping_slots_are_read_once() {
    let mut db = fixture("Packages.ndb");
    let first = u32::from_le_bytes(db[40..44].try_into().unwrap());
    let count = u32::from_le_bytes(db[44..48].try_into().unwrap());
    // every free slot claims the first blob under another package index
    for (i, slot) in (32 + 3 * 16..4096).step_by(16).enumerate() {
        ndb_set(&mut db, slot + 4, 100 + i as u32);
        ndb_set(&mut db, slot + 8, first);
        ndb_set(&mut db, slot + 12, count);
    }
    let parsed = parse(&db, &Limits::default()).unwrap();
    assert_eq!(parsed.packages.len(), 3);
    assert!(has_warning(&parsed, "overlaps"), "{:?}", parsed.warnings);
    assert!(has_warning(&parsed, "further warnings suppressed") || parsed.warnings.len() > 200);
}

#[test]
fn ndb_checksum_mismatch_is_a_warning() {
    let mut db = fixture("Packages.ndb");
    let beta = &ndb_blobs()[1];
    let at = find(&db, beta);
    db[at + beta.len() - 2] ^= 0xff;
    let parsed = parse(&db, &Limits::default()).unwrap();
    assert_eq!(names(&parsed), ["drydock-gamma", "drydock-alpha"]);
    assert!(has_warning(&parsed, "checksum"), "{:?}", parsed.warnings);
}

#[test]
fn ndb_huge_slot_page_count_is_an_error() {
    let mut db = fixture("Packages.ndb");
    ndb_set(&mut db, 12, u32::MAX);
    assert!(matches!(
        parse(&db, &Limits::default()),
        Err(Error::Truncated(_))
    ));
    ndb_set(&mut db, 12, 0);
    assert!(parse(&db, &Limits::default()).is_err());
}

#[test]
fn ndb_bad_slot_magic_is_a_warning() {
    let mut db = fixture("Packages.ndb");
    db[32 + 16..32 + 20].copy_from_slice(b"XXXX");
    let parsed = parse(&db, &Limits::default()).unwrap();
    assert_eq!(parsed.packages.len(), 2);
    assert!(has_warning(&parsed, "bad magic"));
}

// --- sqlite -----------------------------------------------------------------------------

fn sqlite_image(sql: &str) -> Vec<u8> {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(sql).unwrap();
    conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
}

#[test]
fn sqlite_view_named_packages_is_refused() {
    // an endless recursive view would hang a reader that just selects from it
    let bytes = sqlite_image(
        "CREATE VIEW Packages AS WITH RECURSIVE c(x) AS \
         (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, x AS blob FROM c;",
    );
    let err = parse(&bytes, &Limits::default()).unwrap_err();
    assert!(matches!(err, Error::Unsupported(_)), "{err}");
}

#[test]
fn sqlite_without_packages_table_is_an_error() {
    let bytes = sqlite_image("CREATE TABLE Other(x);");
    assert!(matches!(
        parse(&bytes, &Limits::default()),
        Err(Error::Sqlite(_))
    ));
}

#[test]
fn sqlite_bad_rows_are_warnings() {
    let beta: String = ndb_blobs()[1].iter().map(|b| format!("{b:02x}")).collect();
    let bytes = sqlite_image(&format!(
        "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);
         INSERT INTO Packages VALUES (1, x'00010203');
         INSERT INTO Packages VALUES (2, 'text, not a blob');
         INSERT INTO Packages VALUES (3, x'{beta}');"
    ));
    let parsed = parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(names(&parsed), ["drydock-beta"]);
    assert_eq!(parsed.warnings.len(), 2, "{:?}", parsed.warnings);
}

#[test]
fn sqlite_oversized_blob_is_not_loaded() {
    let bytes = sqlite_image(
        "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB);
         INSERT INTO Packages VALUES (1, zeroblob(300000));",
    );
    let limits = Limits {
        max_header_bytes: 100_000,
        ..Limits::default()
    };
    let parsed = parse(&bytes, &limits).unwrap();
    assert!(parsed.packages.is_empty());
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
}

#[test]
fn sqlite_step_budget_is_enforced() {
    let bytes = sqlite_image(
        "CREATE TABLE Packages(hnum INTEGER PRIMARY KEY, blob BLOB);
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
         INSERT INTO Packages SELECT x, x'00' FROM c;",
    );
    let limits = Limits {
        max_sqlite_steps: 50_000,
        max_warnings: 5,
        ..Limits::default()
    };
    let parsed = parse(&bytes, &limits).unwrap();
    assert!(
        has_warning(&parsed, "sqlite steps"),
        "{:?}",
        parsed.warnings
    );
}

#[test]
fn sqlite_input_buffer_is_not_modified() {
    // the WAL flag is rewritten on a copy, never in the caller's bytes
    let bytes = fixture("rpmdb.sqlite");
    let before = bytes.clone();
    parse(&bytes, &Limits::default()).unwrap();
    assert_eq!(bytes, before);
}
