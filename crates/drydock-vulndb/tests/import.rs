//! Import: per-record errors, atomic replacement, downloads.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use drydock_vulndb::update::{UpdateOptions, update};
use drydock_vulndb::{DB_FILE, Error, ImportOptions, Input, Store, import};

fn osv(id: &str, name: &str, intro: &str, fixed: &str) -> String {
    format!(
        r#"{{"id":"{id}","modified":"2024-01-02T00:00:00Z","aliases":["CVE-{id}"],
        "affected":[{{"package":{{"ecosystem":"PyPI","name":"{name}"}},
        "ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"{intro}"}},{{"fixed":"{fixed}"}}]}}]}}]}}"#
    )
}

fn zip(members: &[(&str, String)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts: zip::write::SimpleFileOptions = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, body) in members {
            z.start_file(*name, opts).unwrap();
            z.write_all(body.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

fn inputs(paths: &[&Path]) -> Vec<Input> {
    paths.iter().map(|p| Input::from(p.to_path_buf())).collect()
}

#[test]
fn malformed_records_are_reported_by_id_and_the_rest_imports() {
    let d = tempfile::tempdir().unwrap();
    let bad_version = osv("PYSEC-BAD-1", "flask", "0", "not..a..version");
    let unknown_range =
        r#"{"id":"PYSEC-BAD-2","affected":[{"package":{"ecosystem":"PyPI","name":"x"},
        "ranges":[{"type":"WEIRD","events":[{"introduced":"0"}]}]}]}"#
            .to_string();
    let z = zip(&[
        ("PYSEC-1.json", osv("PYSEC-1", "Django", "2.2", "2.2.4")),
        ("PYSEC-BAD-1.json", bad_version),
        ("PYSEC-BAD-2.json", unknown_range),
        ("PYSEC-3.json", osv("PYSEC-3", "requests", "0", "2.20.0")),
    ]);
    let zp = write(d.path(), "PyPI-all.zip", &z);
    let db = d.path().join("db");
    let report = import(&db, &inputs(&[&zp]), &ImportOptions::default()).unwrap();
    assert_eq!(report.sources.len(), 1);
    let src = &report.sources[0];
    assert_eq!(src.name, "osv/PyPI");
    assert_eq!(src.records, 2);
    let mut ids: Vec<&str> = src.skipped.iter().map(|e| e.record.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["PYSEC-BAD-1", "PYSEC-BAD-2"], "{:?}", src.skipped);
    assert!(
        src.skipped
            .iter()
            .any(|e| e.reason.contains("not..a..version"))
    );
    assert!(src.skipped.iter().any(|e| e.reason.contains("WEIRD")));

    let store = Store::open(&db).unwrap();
    let hits = store.advisories_for("PyPI", "django").unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].id, "PYSEC-1");
    // Names are looked up in their normalised form.
    assert_eq!(store.advisories_for("PyPI", "DJANGO").unwrap().len(), 1);
    assert_eq!(
        store.advisories_by_id("CVE-PYSEC-3").unwrap()[0].id,
        "PYSEC-3"
    );
    let status = store.status().unwrap();
    assert_eq!(status.sources[0].records, 2);
    assert_eq!(status.sources[0].skipped, 2);
}

#[test]
fn corrupt_zip_is_reported_and_other_inputs_import() {
    let d = tempfile::tempdir().unwrap();
    let good = write(
        d.path(),
        "Go-all.zip",
        &zip(&[(
            "GO-1.json",
            r#"{"id":"GO-2023-1","affected":[{"package":{"ecosystem":"Go","name":"stdlib"},
            "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.19.9"}]}]}]}"#
                .into(),
        )]),
    );
    let mut broken = zip(&[("PYSEC-1.json", osv("PYSEC-1", "django", "0", "2.2.4"))]);
    let n = broken.len();
    broken.truncate(n / 2);
    let bad = write(d.path(), "PyPI-all.zip", &broken);
    let db = d.path().join("db");
    let report = import(&db, &inputs(&[&bad, &good]), &ImportOptions::default()).unwrap();
    assert_eq!(report.sources.len(), 1);
    assert_eq!(report.sources[0].name, "osv/Go");
    assert_eq!(report.failed.len(), 1);
    assert!(report.failed[0].0.ends_with("PyPI-all.zip"));
    assert!(report.failed[0].1.contains("zip"), "{}", report.failed[0].1);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.advisories_for("Go", "stdlib").unwrap().len(), 1);
}

#[test]
fn failed_import_leaves_the_previous_database_untouched() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("db");
    let first = write(
        d.path(),
        "a/PyPI-all.zip",
        &zip(&[("PYSEC-1.json", osv("PYSEC-1", "django", "0", "2.2.4"))]),
    );
    import(&db, &inputs(&[&first]), &ImportOptions::default()).unwrap();
    let before = std::fs::read(db.join(DB_FILE)).unwrap();

    let garbage = write(
        d.path(),
        "b/PyPI-all.zip",
        b"PK\x03\x04 definitely not a zip",
    );
    let err = import(&db, &inputs(&[&garbage]), &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Nothing(_)), "{err}");
    assert_eq!(std::fs::read(db.join(DB_FILE)).unwrap(), before);
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&db)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn reimport_replaces_a_source_and_keeps_the_others() {
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("db");
    let pypi1 = write(
        d.path(),
        "1/PyPI-all.zip",
        &zip(&[
            ("A.json", osv("PYSEC-A", "django", "0", "1.0")),
            ("B.json", osv("PYSEC-B", "flask", "0", "1.0")),
        ]),
    );
    let dsa = write(
        d.path(),
        "debian/DSA/list",
        b"[08 Feb 2023] DSA-5343-1 openssl - security update\n\t{CVE-2022-4304}\n\t[bullseye] - openssl 1.1.1n-0+deb11u4\n",
    );
    import(
        &db,
        &inputs(&[&pypi1, &d.path().join("debian")]),
        &ImportOptions::default(),
    )
    .unwrap();
    let pypi2 = write(
        d.path(),
        "2/PyPI-all.zip",
        &zip(&[("C.json", osv("PYSEC-C", "django", "0", "3.0"))]),
    );
    import(&db, &inputs(&[&pypi2]), &ImportOptions::default()).unwrap();
    let store = Store::open(&db).unwrap();
    let ids: Vec<String> = store
        .advisories_for("PyPI", "django")
        .unwrap()
        .iter()
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(ids, ["PYSEC-C"]);
    assert!(store.advisories_for("PyPI", "flask").unwrap().is_empty());
    let deb = store.advisories_for("Debian:11", "openssl").unwrap();
    assert_eq!(deb[0].id, "DSA-5343-1");
    let _ = dsa;
    let names: Vec<String> = store
        .status()
        .unwrap()
        .sources
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["debian/DSA", "osv/PyPI"]);
}

#[test]
fn shared_feeds_import() {
    let shared = std::env::var_os("DRYDOCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let vulndb = shared.join("vulndb");
    assert!(
        vulndb.is_dir(),
        "shared feeds missing at {}",
        vulndb.display()
    );
    let d = tempfile::tempdir().unwrap();
    let report = import(
        d.path(),
        &inputs(&[&vulndb.join("debian"), &vulndb.join("alpine")]),
        &ImportOptions::default(),
    )
    .unwrap();
    let names: Vec<&str> = report.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "debian/DLA",
            "debian/DSA",
            "alpine/v3.10/community",
            "alpine/v3.10/main",
            "alpine/v3.11/community",
            "alpine/v3.11/main"
        ]
    );
    let store = Store::open(d.path()).unwrap();
    let xorg = store.advisories_for("Debian:11", "xorg-server").unwrap();
    assert!(xorg.iter().any(|a| a.id == "DSA-5380-1"));
    // A bad version in one package entry of a multi-package Alpine record
    // drops that entry only.
    let skipped: usize = report.sources.iter().map(|s| s.skipped.len()).sum();
    assert!(skipped > 0);
    assert!(
        !store
            .advisories_for("Alpine:v3.11", "openssl")
            .unwrap()
            .is_empty()
    );
}

/// A one-file HTTP server: each request gets the file named by its path
/// under `root`, or 404.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                    break;
                }
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let file = root.join(path.trim_start_matches('/'));
            let resp = match std::fs::File::open(&file) {
                Ok(mut f) => {
                    let mut body = Vec::new();
                    f.read_to_end(&mut body).unwrap();
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                Err(_) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = s.write_all(&resp);
        }
    });
    format!("http://{addr}")
}

#[test]
fn update_downloads_from_a_mirror_and_failure_keeps_the_old_database() {
    let d = tempfile::tempdir().unwrap();
    let mirror = d.path().join("mirror");
    write(
        &mirror,
        "PyPI/all.zip",
        &zip(&[("A.json", osv("PYSEC-A", "django", "0", "2.2.4"))]),
    );
    write(
        &mirror,
        "data/DSA/list",
        b"[08 Feb 2023] DSA-5343-1 openssl - security update\n\t{CVE-2022-4304}\n\t[bullseye] - openssl 1.1.1n-0+deb11u4\n",
    );
    write(
        &mirror,
        "v3.18/main.json",
        br#"{"distroversion":"v3.18","reponame":"main","packages":[{"pkg":{"name":"openssl","secfixes":{"3.1.4-r1":["CVE-2023-5678"]}}}]}"#,
    );
    let base = serve(mirror.clone());
    let db = d.path().join("db");
    let sources = vec![
        format!("{base}/PyPI/all.zip"),
        format!("{base}/data/DSA/list"),
        format!("{base}/v3.18/main.json"),
    ];
    let report = update(&db, &sources, &UpdateOptions::default()).unwrap();
    let mut names: Vec<&str> = report.sources.iter().map(|s| s.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["alpine/v3.18/main", "debian/DSA", "osv/PyPI"]);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.advisories_for("PyPI", "django").unwrap().len(), 1);
    assert_eq!(
        store
            .advisories_for("Alpine:v3.18", "openssl")
            .unwrap()
            .len(),
        1
    );
    let status = store.status().unwrap();
    assert!(
        status
            .sources
            .iter()
            .any(|s| s.origin == format!("{base}/PyPI/all.zip"))
    );
    drop(store);
    let before = std::fs::read(db.join(DB_FILE)).unwrap();

    // A missing file on the mirror, and a port nobody listens on.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    for bad in [
        format!("{base}/Go/all.zip"),
        format!("http://{closed}/PyPI/all.zip"),
    ] {
        let err = update(
            &db,
            &[format!("{base}/PyPI/all.zip"), bad.clone()],
            &UpdateOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains(&bad), "{err}");
        assert!(err.contains("not changed"), "{err}");
        assert_eq!(std::fs::read(db.join(DB_FILE)).unwrap(), before);
    }
}

#[test]
fn records_without_a_real_modified_date_are_dated_by_published() {
    // Go's vulndb writes the zero time as `modified`.
    let d = tempfile::tempdir().unwrap();
    let go = |id: &str, published: &str| {
        format!(
            r#"{{"id":"{id}","modified":"0001-01-01T00:00:00Z","published":"{published}",
            "affected":[{{"package":{{"ecosystem":"Go","name":"example.com/m"}},
            "ranges":[{{"type":"SEMVER","events":[{{"introduced":"0"}},{{"fixed":"1.2.3"}}]}}]}}]}}"#
        )
    };
    let z = zip(&[
        ("GO-1.json", go("GO-2026-0001", "2026-08-01T10:00:00Z")),
        ("GO-2.json", go("GO-2021-0002", "2021-04-14T20:04:52Z")),
    ]);
    let zp = write(d.path(), "Go-all.zip", &z);
    let db = d.path().join("db");
    import(&db, &inputs(&[&zp]), &ImportOptions::default()).unwrap();
    let status = Store::open(&db).unwrap().status().unwrap();
    assert_eq!(
        status.sources[0].newest.as_deref(),
        Some("2026-08-01T10:00:00Z")
    );
    assert_eq!(status.newest(), Some("2026-08-01T10:00:00Z"));
}
