//! Vulnerability acceptance tests: the shared feeds imported with
//! `drydock db import`, the sample images scanned with `drydock image`, and
//! the findings compared with the truth files, exactly.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use serde_json::Value;

fn shared() -> PathBuf {
    std::env::var_os("DRYDOCK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

static CACHE: LazyLock<tempfile::TempDir> = LazyLock::new(|| tempfile::tempdir().unwrap());

fn drydock(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drydock"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .env("DRYDOCK_CACHE_DIR", CACHE.path())
        .env_remove("DRYDOCK_DB_DIR")
        .output()
        .expect("run drydock")
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "drydock failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A database per feed set, built once per test binary.
fn db(name: &str, feeds: &[&str]) -> PathBuf {
    let dir = CACHE.path().join("db").join(name);
    if !dir.join("advisories.db").exists() {
        let paths: Vec<String> = feeds
            .iter()
            .map(|f| shared().join("vulndb").join(f).display().to_string())
            .collect();
        let mut args = vec!["db", "import", "-q", "--db-dir", dir.to_str().unwrap()];
        args.extend(paths.iter().map(String::as_str));
        ok(&drydock(&args));
    }
    dir
}

static PYPI: LazyLock<PathBuf> = LazyLock::new(|| db("pypi", &["osv/PyPI-all.zip"]));
static GO: LazyLock<PathBuf> = LazyLock::new(|| db("go", &["osv/Go-all.zip"]));
static DSA: LazyLock<PathBuf> = LazyLock::new(|| db("dsa", &["debian/DSA/list"]));

fn image(name: &str) -> String {
    shared()
        .join("corpus/images")
        .join(name)
        .display()
        .to_string()
}

fn scan(img: &str, db: &Path, extra: &[&str]) -> (Value, Output) {
    let mut args = vec![
        "image",
        img,
        "-q",
        "-f",
        "json",
        "--db-dir",
        db.to_str().unwrap(),
    ];
    args.extend(extra);
    let out = drydock(&args);
    ok(&out);
    (serde_json::from_slice(&out.stdout).expect("json report"), out)
}

fn vulns(report: &Value) -> &Vec<Value> {
    static EMPTY: Vec<Value> = Vec::new();
    report["vulnerabilities"].as_array().unwrap_or(&EMPTY)
}

#[test]
fn shop_reports_exactly_the_pypi_truth() {
    let (report, _) = scan(&image("shop.oci.tar"), &PYPI, &[]);
    let truth: Value = serde_json::from_slice(
        &std::fs::read(shared().join("corpus/truth/shop-pypi-truth.json")).unwrap(),
    )
    .unwrap();
    let want: BTreeSet<(String, String, String)> = truth
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["package"].as_str().unwrap().to_lowercase(),
                t["version"].as_str().unwrap().to_owned(),
                t["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let got: BTreeSet<(String, String, String)> = vulns(&report)
        .iter()
        .map(|v| {
            (
                v["package"]["name"].as_str().unwrap().to_lowercase(),
                v["package"]["version"].as_str().unwrap().to_owned(),
                v["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(want.len(), 52);
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}\nextra {extra:?}"
    );
    // Aliases come along, and every finding explains itself.
    for t in truth.as_array().unwrap() {
        let v = vulns(&report)
            .iter()
            .find(|v| v["id"] == t["id"])
            .unwrap();
        for alias in t["aliases"].as_array().unwrap() {
            assert!(
                v["aliases"].as_array().unwrap().contains(alias),
                "{} lacks alias {alias}",
                t["id"]
            );
        }
    }
    let django = vulns(&report)
        .iter()
        .find(|v| v["id"] == "PYSEC-2019-10")
        .unwrap();
    assert_eq!(django["fix_state"], "fixed");
    assert_eq!(django["fixed_versions"][0], "2.2.3");
    assert_eq!(
        django["reason"],
        "installed 2.2.1 < fixed 2.2.3 in range introduced 2.2"
    );
    assert!(
        django["package"]["path"]
            .as_str()
            .unwrap()
            .ends_with(".dist-info/METADATA"),
        "{}",
        django["package"]
    );
    assert!(django["package"]["layer"]["diff_id"].is_string());
    // Feeds that are not imported are named, not silently skipped.
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("no npm records"), "{warnings}");
}

#[test]
fn bullseye_reports_exactly_the_dsa_truth() {
    for archive in ["bullseye-legacy.oci.tar", "bullseye-legacy.docker.tar"] {
        let (report, _) = scan(&image(archive), &DSA, &[]);
        let truth: Value = serde_json::from_slice(
            &std::fs::read(shared().join("corpus/truth/bullseye-legacy-debian-truth.json"))
                .unwrap(),
        )
        .unwrap();
        let want: BTreeSet<(String, String, String)> = truth
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["package"].as_str().unwrap().to_owned(),
                    t["advisory"].as_str().unwrap().to_owned(),
                    t["fixed"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let got: BTreeSet<(String, String, String)> = vulns(&report)
            .iter()
            .map(|v| {
                (
                    v["package"]["name"].as_str().unwrap().to_owned(),
                    v["id"].as_str().unwrap().to_owned(),
                    v["fixed_versions"][0].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(want.len(), 22);
        assert_eq!(got, want, "{archive}");
        let zlib = vulns(&report)
            .iter()
            .find(|v| v["package"]["name"] == "zlib1g")
            .unwrap();
        assert_eq!(zlib["matched_version"], "1:1.2.11.dfsg-2+deb11u1");
        assert_eq!(zlib["feed"], "Debian:11");
        assert!(
            zlib["reason"]
                .as_str()
                .unwrap()
                .contains("source package zlib"),
            "{}",
            zlib["reason"]
        );
    }
}

/// The Go stdlib advisories for go1.19.8, computed here with the `semver`
/// crate straight from the zip, independently of drydock's evaluator.
fn expected_stdlib(version: &semver::Version) -> BTreeSet<String> {
    let bytes = std::fs::read(shared().join("vulndb/osv/Go-all.zip")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let parse = |s: &str| -> semver::Version {
        let s = s.trim_start_matches('v');
        semver::Version::parse(s)
            .or_else(|_| semver::Version::parse(&format!("{s}.0")))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    };
    let mut out = BTreeSet::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        let rec: Value = serde_json::from_str(&s).unwrap();
        if rec.get("withdrawn").is_some() {
            continue;
        }
        for aff in rec["affected"].as_array().into_iter().flatten() {
            if aff["package"]["name"] != "stdlib" || aff["package"]["ecosystem"] != "Go" {
                continue;
            }
            for range in aff["ranges"].as_array().into_iter().flatten() {
                // Introduced/fixed pairs in order, as the Go vulndb writes them.
                let mut lo: Option<semver::Version> = None;
                let mut hit = false;
                for ev in range["events"].as_array().unwrap() {
                    if let Some(v) = ev["introduced"].as_str() {
                        lo = Some(if v == "0" {
                            semver::Version::new(0, 0, 0)
                        } else {
                            parse(v)
                        });
                    } else if let Some(v) = ev["fixed"].as_str() {
                        if let Some(l) = lo.take()
                            && *version >= l
                            && *version < parse(v)
                        {
                            hit = true;
                        }
                    }
                }
                if let Some(l) = lo
                    && *version >= l
                {
                    hit = true;
                }
                if hit {
                    out.insert(rec["id"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn go_stdlib_of_the_registry_binary() {
    let (report, _) = scan(&image("shop.oci.tar"), &GO, &[]);
    let got: BTreeSet<String> = vulns(&report)
        .iter()
        .filter(|v| v["package"]["name"] == "stdlib")
        .inspect(|v| {
            assert_eq!(v["package"]["path"], "usr/local/bin/registry");
            assert_eq!(v["matched_version"], "go1.19.8");
        })
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect();
    let want = expected_stdlib(&semver::Version::new(1, 19, 8));
    assert!(want.len() > 50, "{}", want.len());
    assert_eq!(got, want);
    // The module itself (v2.8.2+ds1) is at the fixed version of its one
    // advisory: build metadata does not change the order.
    assert!(
        !vulns(&report)
            .iter()
            .any(|v| v["package"]["name"] == "github.com/docker/distribution"),
    );
}

#[test]
fn missing_database_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let out = drydock(&[
        "image",
        &image("clean.oci.tar"),
        "-q",
        "--db-dir",
        d.path().join("none").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no advisory database"), "{err}");
    assert!(err.contains("drydock db import"), "{err}");
}

#[test]
fn db_status_lists_sources() {
    let out = drydock(&[
        "db",
        "status",
        "-f",
        "json",
        "--db-dir",
        DSA.to_str().unwrap(),
    ]);
    ok(&out);
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["sources"][0]["name"], "debian/DSA");
    assert!(status["sources"][0]["records"].as_u64().unwrap() > 5000);
    // The snapshot is years old: say so.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stale"), "{err}");
}

#[test]
fn db_import_of_a_corrupt_zip_fails_and_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dbdir = d.path().join("db");
    let good = shared().join("vulndb/debian/DSA/list");
    ok(&drydock(&[
        "db",
        "import",
        "-q",
        "--db-dir",
        dbdir.to_str().unwrap(),
        good.to_str().unwrap(),
    ]));
    let before = std::fs::read(dbdir.join("advisories.db")).unwrap();
    let bad = d.path().join("PyPI-all.zip");
    std::fs::write(&bad, b"PK\x03\x04garbage").unwrap();
    let out = drydock(&[
        "db",
        "import",
        "--db-dir",
        dbdir.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("PyPI-all.zip"), "{err}");
    assert!(err.contains("not changed"), "{err}");
    assert_eq!(std::fs::read(dbdir.join("advisories.db")).unwrap(), before);
}

#[test]
fn db_update_with_an_unreachable_source_keeps_the_database() {
    let dbdir = DSA.clone();
    let before = std::fs::read(dbdir.join("advisories.db")).unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/PyPI/all.zip");
    let out = drydock(&[
        "db",
        "update",
        "-q",
        "--db-dir",
        dbdir.to_str().unwrap(),
        "--source",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&url) && err.contains("not changed"), "{err}");
    assert_eq!(std::fs::read(dbdir.join("advisories.db")).unwrap(), before);
}
