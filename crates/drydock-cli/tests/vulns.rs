//! Vulnerability acceptance tests: the shared feeds imported with
//! `drydock db import`, the sample images scanned with `drydock image`, and
//! the findings compared with the truth files, exactly.

#[path = "../../drydock-report/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use serde_json::Value;

mod support;
use support::{image, shared};

fn drydock(args: &[&str]) -> Output {
    support::command(args)
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
    let dir = support::scratch().join("db").join(name);
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

/// `drydock image IMG -q -f json --db-dir DB EXTRA...`
fn run_image(img: &str, db: &Path, extra: &[&str]) -> Output {
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
    drydock(&args)
}

fn scan(img: &str, db: &Path, extra: &[&str]) -> (Value, Output) {
    let out = run_image(img, db, extra);
    ok(&out);
    (
        serde_json::from_slice(&out.stdout).expect("json report"),
        out,
    )
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
        let v = vulns(&report).iter().find(|v| v["id"] == t["id"]).unwrap();
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
                    } else if let Some(v) = ev["fixed"].as_str()
                        && let Some(l) = lo.take()
                        && *version >= l
                        && *version < parse(v)
                    {
                        hit = true;
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

fn scan_code(img: &str, db: &Path, extra: &[&str]) -> (Value, Option<i32>) {
    let out = run_image(img, db, extra);
    assert!(
        matches!(out.status.code(), Some(0 | 1 | 3)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        out.status.code(),
    )
}

#[test]
fn gates_and_filters() {
    let img = image("bullseye-legacy.oci.tar");
    let (_, code) = scan_code(&img, &DSA, &["--exit-code", "3"]);
    assert_eq!(code, Some(3), "22 findings fail the gate");
    // The DSA list carries no severity: keeping only CRITICAL leaves nothing.
    let (r, code) = scan_code(&img, &DSA, &["--exit-code", "3", "--severity", "CRITICAL"]);
    assert_eq!(code, Some(0));
    assert!(vulns(&r).is_empty());
    let (r, _) = scan_code(&img, &DSA, &["--severity", "unknown,critical"]);
    assert_eq!(vulns(&r).len(), 22);
    // Every DSA has a fix, so --ignore-unfixed keeps all of them.
    let (r, _) = scan_code(&img, &DSA, &["--ignore-unfixed"]);
    assert_eq!(vulns(&r).len(), 22);
    let out = drydock(&[
        "image",
        &img,
        "-q",
        "--db-dir",
        DSA.to_str().unwrap(),
        "--severity",
        "SEVERE",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SEVERE"));
}

#[test]
fn ignore_file_and_vex_suppress_but_keep_findings() {
    let d = tempfile::tempdir().unwrap();
    let ignore = d.path().join("ignore.yaml");
    std::fs::write(
        &ignore,
        "vulnerabilities:\n\
         \x20 - id: CVE-2019-12781\n\
         \x20   reason: SECURE_PROXY_SSL_HEADER is not used\n\
         \x20   expires: 2999-01-01\n\
         \x20   purls: [\"pkg:pypi/django\"]\n\
         \x20 - id: PYSEC-2019-11\n\
         \x20   reason: accepted until the upgrade\n\
         \x20   expires: 2001-01-01\n",
    )
    .unwrap();
    let vex = d.path().join("app.openvex.json");
    std::fs::write(
        &vex,
        r#"{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/shop-1",
  "author": "Shop security team",
  "timestamp": "2024-05-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": { "name": "CVE-2023-37920" },
      "products": [
        { "@id": "pkg:oci/shop", "subcomponents": [ { "@id": "pkg:pypi/certifi@2018.4.16" } ] }
      ],
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path"
    }
  ]
}"#,
    )
    .unwrap();
    let (r, code) = scan_code(
        &image("shop.oci.tar"),
        &PYPI,
        &[
            "--ignore-file",
            ignore.to_str().unwrap(),
            "--vex",
            vex.to_str().unwrap(),
            "--exit-code",
            "1",
        ],
    );
    assert_eq!(code, Some(1), "50 unsuppressed findings remain");
    assert_eq!(
        vulns(&r).len(),
        52,
        "suppressed findings stay in the report"
    );
    let by_id = |id: &str| vulns(&r).iter().find(|v| v["id"] == id).unwrap().clone();
    let ignored = by_id("PYSEC-2019-10");
    assert_eq!(ignored["suppressed"]["kind"], "ignore-file");
    assert_eq!(
        ignored["suppressed"]["reason"],
        "SECURE_PROXY_SSL_HEADER is not used"
    );
    let vexed = by_id("PYSEC-2023-135");
    assert_eq!(vexed["suppressed"]["kind"], "vex");
    assert!(
        by_id("PYSEC-2019-11")["suppressed"].is_null(),
        "expired rule"
    );
    assert!(
        r["warnings"].to_string().contains("expired"),
        "{}",
        r["warnings"]
    );
    let suppressed = vulns(&r)
        .iter()
        .filter(|v| !v["suppressed"].is_null())
        .count();
    assert_eq!(suppressed, 2);
}

#[test]
fn only_new_since_a_base_sbom_and_rescan_of_stored_sboms() {
    let d = tempfile::tempdir().unwrap();
    let img = image("shop.oci.tar");
    let sbom_path = d.path().join("shop.cdx.json");
    ok(&drydock(&[
        "sbom",
        &img,
        "-q",
        "-f",
        "cyclonedx-json",
        "-o",
        sbom_path.to_str().unwrap(),
    ]));
    // The "base" lacks Django: only Django's advisories are new.
    let mut bom: Value = serde_json::from_slice(&std::fs::read(&sbom_path).unwrap()).unwrap();
    bom["components"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c["name"] != "Django");
    let base = d.path().join("base.cdx.json");
    std::fs::write(&base, serde_json::to_vec(&bom).unwrap()).unwrap();
    let (r, _) = scan_code(&img, &PYPI, &["--only-new-since", base.to_str().unwrap()]);
    assert_eq!(vulns(&r).len(), 28);
    assert!(vulns(&r).iter().all(|v| v["package"]["name"] == "Django"));

    // sbom-scan of the stored SBOM finds what the image scan finds.
    let out = drydock(&[
        "sbom-scan",
        sbom_path.to_str().unwrap(),
        "-q",
        "-f",
        "json",
        "--db-dir",
        PYPI.to_str().unwrap(),
    ]);
    ok(&out);
    let rescan: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (direct, _) = scan(&img, &PYPI, &[]);
    let ids = |r: &Value| -> BTreeSet<(String, String)> {
        vulns(r)
            .iter()
            .map(|v| {
                (
                    v["id"].as_str().unwrap().to_owned(),
                    v["package"]["purl"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(ids(&rescan), ids(&direct));
    let django = vulns(&rescan)
        .iter()
        .find(|v| v["id"] == "PYSEC-2019-10")
        .unwrap();
    assert_eq!(
        django["package"]["layer"],
        vulns(&direct)
            .iter()
            .find(|v| v["id"] == "PYSEC-2019-10")
            .unwrap()["package"]["layer"]
    );

    // Several SBOMs, one report each.
    let copy = d.path().join("again.cdx.json");
    std::fs::copy(&sbom_path, &copy).unwrap();
    let outdir = d.path().join("out");
    ok(&drydock(&[
        "sbom-scan",
        sbom_path.to_str().unwrap(),
        copy.to_str().unwrap(),
        "-q",
        "-f",
        "sarif",
        "--output-dir",
        outdir.to_str().unwrap(),
        "--db-dir",
        PYPI.to_str().unwrap(),
    ]));
    for name in ["shop.cdx.sarif", "again.cdx.sarif"] {
        let sarif: Value =
            serde_json::from_slice(&std::fs::read(outdir.join(name)).unwrap()).unwrap();
        assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 52);
    }
}

#[test]
fn sarif_and_cyclonedx_carry_the_conventions() {
    let img = image("shop.oci.tar");
    let out = drydock(&[
        "image",
        &img,
        "-q",
        "-f",
        "sarif",
        "--db-dir",
        PYPI.to_str().unwrap(),
    ]);
    ok(&out);
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    common::check_sarif(&sarif).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 52);
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "PYSEC-2019-10")
        .unwrap();
    let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("app/venv/") && uri.ends_with("METADATA"),
        "{uri}"
    );
    assert!(
        r["properties"]["layer-index"].is_number(),
        "{}",
        r["properties"]
    );

    let out = drydock(&[
        "image",
        &img,
        "-q",
        "-f",
        "cyclonedx-json",
        "--db-dir",
        PYPI.to_str().unwrap(),
    ]);
    ok(&out);
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    common::check_cyclonedx(&bom).unwrap();
    let vs = bom["vulnerabilities"].as_array().unwrap();
    assert_eq!(vs.len(), 52);
    let v = vs.iter().find(|v| v["id"] == "PYSEC-2019-10").unwrap();
    let refs: Vec<&str> = v["references"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(refs.contains(&"CVE-2019-12781"), "{refs:?}");
    let target = v["affects"][0]["ref"].as_str().unwrap();
    let mut stack: Vec<&Value> = bom["components"].as_array().unwrap().iter().collect();
    let mut found = None;
    while let Some(c) = stack.pop() {
        if c["bom-ref"] == target {
            found = Some(c);
        }
        stack.extend(c["components"].as_array().into_iter().flatten());
    }
    let c = found.expect("affects.ref names a component");
    assert_eq!(c["name"], "Django");
}

/// Killing an import at any moment leaves either the old database or the
/// complete new one, never a mix: the new file only replaces the old one by
/// rename after it is complete and synced.
#[test]
fn killed_import_leaves_a_whole_database() {
    use std::io::Write;
    let d = tempfile::tempdir().unwrap();
    let dbdir = d.path().join("db");
    ok(&drydock(&[
        "db",
        "import",
        "-q",
        "--db-dir",
        dbdir.to_str().unwrap(),
        shared().join("vulndb/debian/DSA/list").to_str().unwrap(),
    ]));
    let before = std::fs::read(dbdir.join("advisories.db")).unwrap();
    // A large feed so that the kill lands inside the import.
    let big = d.path().join("PyPI-all.zip");
    {
        let f = std::fs::File::create(&big).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..60_000 {
            z.start_file(format!("PYSEC-{i}.json"), opts).unwrap();
            write!(
                z,
                r#"{{"id":"PYSEC-{i}","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-{i}"],"summary":"{}","affected":[{{"package":{{"ecosystem":"PyPI","name":"pkg{i}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{i}"}}]}}],"versions":["0.1","0.2","0.3"]}}]}}"#,
                "x".repeat(200)
            )
            .unwrap();
        }
        z.finish().unwrap();
    }
    let mut saw_old = false;
    for delay_ms in [50u64, 300, 700, 1200, 2000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_drydock"))
            .args(["db", "import", "-q", "--db-dir"])
            .arg(&dbdir)
            .arg(&big)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let finished = child.wait().unwrap().success();
        let now = std::fs::read(dbdir.join("advisories.db")).unwrap();
        if now == before {
            saw_old = true;
            continue;
        }
        // Otherwise the import completed before the kill: the new database
        // is whole and holds both sources.
        assert!(finished || now != before);
        let out = drydock(&[
            "db",
            "status",
            "-f",
            "json",
            "--db-dir",
            dbdir.to_str().unwrap(),
        ]);
        ok(&out);
        let status: Value = serde_json::from_slice(&out.stdout).unwrap();
        let records: u64 = status["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["records"].as_u64().unwrap())
            .sum();
        assert!(records > 60_000, "{status}");
        break;
    }
    assert!(saw_old, "no kill landed inside the import");
    // The next import cleans up what the killed ones left.
    ok(&drydock(&[
        "db",
        "import",
        "-q",
        "--db-dir",
        dbdir.to_str().unwrap(),
        shared().join("vulndb/debian/DSA/list").to_str().unwrap(),
    ]));
    let leftovers: Vec<String> = std::fs::read_dir(&dbdir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Alpine packages are matched by origin in their branch's secdb, with apk
/// version order (`-r2` < `-r3`).
#[test]
fn alpine_rootfs_against_the_shared_secdb() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("rootfs");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::create_dir_all(root.join("lib/apk/db")).unwrap();
    std::fs::write(
        root.join("etc/os-release"),
        "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.11.3\nPRETTY_NAME=\"Alpine Linux v3.11\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lib/apk/db/installed"),
        "P:libcrypto1.1\nV:1.1.1d-r2\nA:x86_64\no:openssl\nL:OpenSSL\n\n\
         P:musl\nV:1.1.24-r0\nA:x86_64\no:musl\nL:MIT\n\n",
    )
    .unwrap();
    let dbdir = db("alpine", &["alpine"]);
    let (report, _) = scan(root.to_str().unwrap(), &dbdir, &[]);
    let got: BTreeSet<(String, String)> = vulns(&report)
        .iter()
        .map(|v| {
            (
                v["package"]["name"].as_str().unwrap().to_owned(),
                v["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // openssl 1.1.1d-r3 fixed CVE-2019-1551; r1 fixed three older ones.
    assert!(
        got.contains(&("libcrypto1.1".into(), "CVE-2019-1551".into())),
        "{got:?}"
    );
    for older in ["CVE-2019-1547", "CVE-2019-1549", "CVE-2019-1563"] {
        assert!(
            !got.contains(&("libcrypto1.1".into(), older.into())),
            "{got:?}"
        );
    }
    // musl 1.1.24 is past every listed fix.
    assert!(!got.iter().any(|(p, _)| p == "musl"), "{got:?}");
    let v = vulns(&report)
        .iter()
        .find(|v| v["id"] == "CVE-2019-1551")
        .unwrap();
    assert_eq!(v["feed"], "Alpine:v3.11");
    assert_eq!(v["fixed_versions"][0], "1.1.1d-r3");
}
