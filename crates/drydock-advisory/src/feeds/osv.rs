//! OSV records, one JSON document each, alone or in an `all.zip`.

use std::io::{Cursor, Read};

use crate::{Advisory, FeedError, Parsed, RecordError, validate};

/// Bounds on an OSV archive.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest record, uncompressed.
    pub max_record: u64,
    /// Most records in one archive.
    pub max_records: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_record: 16 << 20,
            max_records: 2_000_000,
        }
    }
}

/// Parses one OSV record. `name` identifies it in errors when the record
/// has no readable id.
pub fn parse_record(bytes: &[u8], name: &str) -> Result<Advisory, RecordError> {
    let err = |record: String, reason: String| RecordError { record, reason };
    let advisory: Advisory = serde_json::from_slice(bytes).map_err(|e| {
        // Name the record by its id when the document gets that far.
        let id = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
            .unwrap_or_else(|| name.to_owned());
        err(id, format!("invalid OSV record: {e}"))
    })?;
    validate(&advisory).map_err(|reason| err(advisory.id.clone(), reason))?;
    Ok(advisory)
}

/// Parses every `*.json` member of an OSV `all.zip`. A broken member is a
/// [`RecordError`]; a broken archive is a [`FeedError`].
pub fn parse_zip(bytes: &[u8], what: &str, limits: &Limits) -> Result<Parsed, FeedError> {
    let corrupt = |reason: String| FeedError::Corrupt {
        what: what.to_owned(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("not a zip archive: {e}")))?;
    if zip.len() > limits.max_records {
        return Err(FeedError::Limit {
            what: what.to_owned(),
            limit: format!("{} records", limits.max_records),
        });
    }
    let mut out = Parsed::default();
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let mut member = match zip.by_index(i) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(RecordError {
                    record: format!("{what} member {i}"),
                    reason: format!("unreadable zip member: {e}"),
                });
                continue;
            }
        };
        let name = member
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("{what} member {i}"));
        if member.is_dir() || !name.ends_with(".json") {
            continue;
        }
        if member.size() > limits.max_record {
            out.errors.push(RecordError {
                record: name,
                reason: format!(
                    "{} bytes, over the {}-byte record limit",
                    member.size(),
                    limits.max_record
                ),
            });
            continue;
        }
        buf.clear();
        // The declared size is only a claim; bound the actual read too.
        if let Err(e) = (&mut member)
            .take(limits.max_record + 1)
            .read_to_end(&mut buf)
        {
            out.errors.push(RecordError {
                record: name,
                reason: format!("cannot decompress: {e}"),
            });
            continue;
        }
        if buf.len() as u64 > limits.max_record {
            out.errors.push(RecordError {
                record: name,
                reason: "inflates past the record limit".into(),
            });
            continue;
        }
        match parse_record(&buf, &name) {
            Ok(a) => out.advisories.push(a),
            Err(e) => out.errors.push(e),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Event, RangeKind};
    use proptest::prelude::*;
    use std::io::Write;

    const RECORD: &str = r#"{"id":"PYSEC-2019-12","modified":"2021-01-01T00:00:00Z","aliases":["CVE-2019-11324"],
        "affected":[{"package":{"ecosystem":"PyPI","name":"urllib3","purl":"pkg:pypi/urllib3"},
        "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.24.2"}]}],
        "versions":["1.24","1.24.1"]}],"unknown_field":{"kept":"out"}}"#;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn parses_a_record() {
        let a = parse_record(RECORD.as_bytes(), "x.json").unwrap();
        assert_eq!(a.id, "PYSEC-2019-12");
        assert_eq!(a.aliases, vec!["CVE-2019-11324"]);
        let r = &a.affected[0].ranges[0];
        assert_eq!(r.kind, RangeKind::Ecosystem);
        assert_eq!(
            r.events,
            vec![Event::Introduced("0".into()), Event::Fixed("1.24.2".into())]
        );
    }

    #[test]
    fn bad_records_name_their_id() {
        let unknown_range = RECORD.replace("\"ECOSYSTEM\"", "\"BOGUS\"");
        let e = parse_record(unknown_range.as_bytes(), "x.json").unwrap_err();
        assert_eq!(e.record, "PYSEC-2019-12");
        assert!(
            e.reason.contains("BOGUS") || e.reason.contains("unknown variant"),
            "{e}"
        );
        let no_intro = RECORD.replace(r#"{"introduced":"0"},"#, "");
        let e = parse_record(no_intro.as_bytes(), "x.json").unwrap_err();
        assert!(e.reason.contains("introduced"), "{e}");
        let e = parse_record(b"{not json", "broken.json").unwrap_err();
        assert_eq!(e.record, "broken.json");
    }

    #[test]
    fn zip_skips_bad_members_and_keeps_the_rest() {
        let bad = RECORD.replace("\"ECOSYSTEM\"", "\"NOPE\"");
        let z = zip_of(&[
            ("a.json", RECORD.as_bytes()),
            ("b.json", bad.as_bytes()),
            ("README", b"hi"),
        ]);
        let p = parse_zip(&z, "PyPI-all.zip", &Limits::default()).unwrap();
        assert_eq!(p.advisories.len(), 1);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].record, "PYSEC-2019-12");
    }

    #[test]
    fn corrupt_zip_is_a_feed_error() {
        let mut z = zip_of(&[("a.json", RECORD.as_bytes())]);
        let n = z.len();
        z.truncate(n / 2);
        assert!(matches!(
            parse_zip(&z, "x.zip", &Limits::default()),
            Err(FeedError::Corrupt { .. })
        ));
        assert!(parse_zip(b"garbage", "x.zip", &Limits::default()).is_err());
    }

    #[test]
    fn oversized_member_is_skipped() {
        let big = vec![b' '; 4096];
        let z = zip_of(&[("big.json", &big), ("a.json", RECORD.as_bytes())]);
        let limits = Limits {
            max_record: 1024,
            ..Limits::default()
        };
        let p = parse_zip(&z, "x.zip", &limits).unwrap();
        assert_eq!(p.advisories.len(), 1);
        assert!(p.errors[0].reason.contains("limit"));
    }

    #[test]
    fn shared_snapshots_parse() {
        let dir = std::env::var_os("DRYDOCK_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
            });
        for (file, min) in [("PyPI-all.zip", 2000), ("Go-all.zip", 1000)] {
            let bytes =
                std::fs::read(dir.join("vulndb/osv").join(file)).expect("shared OSV snapshot");
            let p = parse_zip(&bytes, file, &Limits::default()).unwrap();
            assert!(p.advisories.len() >= min, "{file}: {}", p.advisories.len());
            assert!(
                p.errors.is_empty(),
                "{file}: {:?}",
                &p.errors[..p.errors.len().min(5)]
            );
        }
    }

    proptest! {
        #[test]
        fn record_never_panics(b in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_record(&b, "x");
        }

        #[test]
        fn zip_never_panics(flips in proptest::collection::vec((0usize..2000, any::<u8>()), 0..8)) {
            let mut z = zip_of(&[("a.json", RECORD.as_bytes())]);
            for (at, b) in flips {
                let n = z.len();
                z[at % n] = b;
            }
            let _ = parse_zip(&z, "x.zip", &Limits::default());
        }
    }
}
