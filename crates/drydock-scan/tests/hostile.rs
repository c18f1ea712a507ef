//! Whole scans of hostile images: what fails must fail with the layer named,
//! what is merely odd must finish with a warning or an unknown, and nothing
//! may panic, leave the image root or use memory in proportion to what a
//! header claims. Images come from the `drydock-test` builder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use drydock_layer::{LayerError, Limits};
use drydock_oci::Sha256Writer;
use drydock_scan::{ScanError, ScanOptions, ScanOutcome, scan};
use serde_json::json;
use tempfile::TempDir;

use drydock_test::*;

/// Tests run one at a time so that the peak-memory readings are their own.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `f` and returns how far the resident set rose above where it was,
/// in MiB, or `None` where the kernel cannot reset the peak.
fn peak_rise<R>(f: impl FnOnce() -> R) -> (R, Option<u64>) {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmRSS:");
    let r = f();
    let after = status_kb("VmHWM:");
    let rise = match (reset, before, after) {
        (true, Some(b), Some(a)) => Some(a.saturating_sub(b) / 1024),
        _ => None,
    };
    (r, rise)
}

fn assert_peak_below(rise: Option<u64>, mib: u64, what: &str) {
    if let Some(r) = rise {
        assert!(
            r < mib,
            "{what}: resident memory rose by {r} MiB (bound {mib} MiB)"
        );
    }
}

#[test]
fn peak_memory_probe_sees_a_large_allocation() {
    // The memory bounds below are only as good as this probe.
    let _g = serial();
    let (sum, rise) = peak_rise(|| {
        let v = vec![1u8; 96 << 20];
        v.iter().map(|&b| u64::from(b)).sum::<u64>()
    });
    assert_eq!(sum, 96 << 20);
    if let Some(r) = rise {
        // The kernel's resident counters are batched per thread and lag a
        // little on a loaded machine (86 MiB has been seen): the probe only
        // has to see most of the buffer.
        assert!((64..200).contains(&r), "a 96 MiB buffer showed as {r} MiB");
    }
}

fn scan_file(p: &Path) -> Result<ScanOutcome, ScanError> {
    scan(p.to_str().unwrap(), &ScanOptions::default())
}

/// An image whose config promises these diff_ids, whatever the layers hold.
fn build_with_diff_ids(layers: Vec<Layer>, diff_ids: Vec<String>) -> Built {
    let config = to_bytes(&json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }));
    let manifest = to_bytes(&manifest_json(&config, &layers));
    Built {
        config,
        manifest,
        layers,
        arch: "amd64".into(),
    }
}

fn write_oci(dir: &TempDir, name: &str, b: &Built) -> PathBuf {
    let p = dir.path().join(name);
    write_tar(&p, &oci_single(b));
    p
}

fn scan_layers(layers: Vec<Layer>) -> (TempDir, Result<ScanOutcome, ScanError>) {
    let dir = TempDir::new().unwrap();
    let p = write_oci(&dir, "img.tar", &build(layers, "amd64"));
    let r = scan_file(&p);
    (dir, r)
}

/// A tar header with any name and any claimed size; no data follows.
fn header(name: &[u8], ty: tar::EntryType, size: u64, link: &[u8]) -> [u8; 512] {
    let mut h = tar::Header::new_gnu();
    let old = h.as_old_mut();
    old.name[..name.len()].copy_from_slice(name);
    old.linkname[..link.len()].copy_from_slice(link);
    h.set_entry_type(ty);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_size(size);
    h.set_cksum();
    *h.as_bytes()
}

fn dpkg_para(name: &str, version: &str) -> String {
    format!(
        "Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {version}\n\n"
    )
}

const STATUS: &str = "var/lib/dpkg/status";

fn packages(o: &ScanOutcome) -> Vec<(String, String, String)> {
    o.inventory
        .packages
        .iter()
        .map(|p| (p.ecosystem.to_string(), p.name.clone(), p.version.clone()))
        .collect()
}

fn pkg(e: &str, n: &str, v: &str) -> (String, String, String) {
    (e.into(), n.into(), v.into())
}

#[test]
fn diff_id_mismatch_names_the_layer() {
    let _g = serial();
    let good = Layer::new(&[file(STATUS, dpkg_para("a", "1"))], Comp::Gzip);
    let other = Layer::new(&[file("etc/x", "x")], Comp::Gzip);
    let wrong = digest(b"not this layer");
    let built = build_with_diff_ids(
        vec![good.clone(), other.clone()],
        vec![digest(&good.tar), wrong.clone()],
    );
    let dir = TempDir::new().unwrap();
    let e = scan_file(&write_oci(&dir, "img.tar", &built)).unwrap_err();
    match &e {
        ScanError::Layer {
            index,
            diff_id,
            source:
                LayerError::DigestMismatch {
                    what,
                    expected,
                    actual,
                },
        } => {
            assert_eq!(*index, 1);
            assert_eq!(diff_id, &wrong);
            assert_eq!(*what, "diff_id");
            assert_eq!(expected.to_string(), wrong);
            assert_eq!(actual.to_string(), digest(&other.tar));
        }
        other => panic!("expected a diff_id mismatch on layer 1, got {other:?}"),
    }
    assert!(e.to_string().starts_with("layer 1 ("), "{e}");
}

/// A layer whose stored bytes are `blob` while the config promises the
/// diff_id of the intact tar; the manifest digest matches `blob`, so only
/// decompression can notice.
fn damaged_gzip(damage: impl FnOnce(&mut Vec<u8>)) -> Result<ScanOutcome, ScanError> {
    let entries = vec![
        file(STATUS, dpkg_para("a", "1").repeat(200)),
        file(
            "usr/share/doc/big.txt",
            (0..60_000u32)
                .map(|i| (i * 7 % 251) as u8)
                .collect::<Vec<_>>(),
        ),
    ];
    let mut layer = Layer::new(&entries, Comp::Gzip);
    damage(&mut layer.blob);
    let base = Layer::new(&[file("etc/hostname", "h")], Comp::Plain);
    scan_layers(vec![base, layer]).1
}

#[test]
fn truncated_gzip_layer() {
    let _g = serial();
    let e = damaged_gzip(|b| b.truncate(b.len() / 2)).unwrap_err();
    match &e {
        ScanError::Layer {
            index: 1, source, ..
        } => assert!(
            matches!(
                source,
                LayerError::Stream { .. } | LayerError::Truncated { .. }
            ),
            "{source:?}"
        ),
        other => panic!("expected layer 1 to fail, got {other:?}"),
    }
    // Cut inside the trailer: all tar data decodes, the stream still fails.
    let e = damaged_gzip(|b| b.truncate(b.len() - 3)).unwrap_err();
    assert!(
        matches!(
            &e,
            ScanError::Layer {
                index: 1,
                source: LayerError::Stream { .. },
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn corrupt_gzip_layer() {
    let _g = serial();
    // Wrong CRC in the trailer: the content is intact, the stream is not.
    let e = damaged_gzip(|b| {
        let n = b.len();
        b[n - 8] ^= 0xff;
    })
    .unwrap_err();
    match &e {
        ScanError::Layer {
            index: 1,
            source: LayerError::Stream { source, .. },
            ..
        } => {
            assert!(source.to_string().contains("checksum"), "{source}");
        }
        other => panic!("expected a stream error on layer 1, got {other:?}"),
    }
    // Garbage in the middle of the deflate data.
    let e = damaged_gzip(|b| {
        let mid = b.len() / 2;
        b[mid..mid + 64].fill(0xff);
    })
    .unwrap_err();
    match &e {
        ScanError::Layer {
            index: 1, source, ..
        } => assert!(
            matches!(
                source,
                LayerError::Stream { .. }
                    | LayerError::BadHeader { .. }
                    | LayerError::Truncated { .. }
            ),
            "{source:?}"
        ),
        other => panic!("expected layer 1 to fail, got {other:?}"),
    }
}

#[test]
fn entries_that_climb_out_or_are_absolute() {
    let _g = serial();
    let outer = TempDir::new().unwrap();
    let dir = TempDir::new_in(outer.path()).unwrap();
    let mut raw = Vec::new();
    let marker = "drydock-escape-marker-5f1c";
    for name in [
        format!("../../../{marker}"),
        format!("a/../../{marker}"),
        format!("/etc/../../{marker}"),
        "../usr/lib/python3/dist-packages/evil-6.6.6.dist-info/METADATA".to_owned(),
    ] {
        put_member(
            &mut raw,
            &name,
            tar::EntryType::Regular,
            b"Name: evil\nVersion: 6.6.6\n",
            "",
        );
    }
    put_member(
        &mut raw,
        &format!("/{STATUS}"),
        tar::EntryType::Regular,
        dpkg_para("abs-pkg", "1.0").as_bytes(),
        "",
    );
    put_member(
        &mut raw,
        "etc/shadow-link",
        tar::EntryType::Link,
        b"",
        "../../etc/shadow",
    );
    put_member(
        &mut raw,
        "etc/passwd-link",
        tar::EntryType::Symlink,
        b"",
        "../../../../etc/passwd",
    );
    let tar = finish_tar(raw);
    let layer = Layer {
        blob: compress(&tar, Comp::Gzip),
        tar,
        media_type: LAYER_GZIP.into(),
    };
    let p = write_oci(&dir, "img.tar", &build(vec![layer], "amd64"));
    let o = scan_file(&p).unwrap();
    assert_eq!(packages(&o), vec![pkg("deb", "abs-pkg", "1.0")]);
    assert_eq!(
        o.inventory.packages[0].locations[0].path,
        "/var/lib/dpkg/status"
    );
    let escapes = o
        .warnings
        .iter()
        .filter(|w| w.contains("skipped entry") && w.contains("escapes the image root"))
        .count();
    assert_eq!(escapes, 4, "{:#?}", o.warnings);
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("`/var/lib/dpkg/status` has an absolute path")),
        "{:#?}",
        o.warnings
    );
    assert!(
        o.warnings
            .iter()
            .any(|w| w.contains("hard link `etc/shadow-link` ignored")),
        "{:#?}",
        o.warnings
    );
    assert!(
        o.warnings.iter().all(|w| w.starts_with("layer 0: ")),
        "{:#?}",
        o.warnings
    );
    // Nothing was written anywhere near the image.
    for base in [
        outer.path(),
        dir.path(),
        &std::env::current_dir().unwrap(),
        Path::new("/"),
    ] {
        assert!(!base.join(marker).exists(), "{} escaped", base.display());
    }
}

#[test]
fn symlink_loops_and_links_out_of_the_root() {
    let _g = serial();
    let sym = |p: &str, t: &str| (p.to_owned(), Node::Symlink(t.to_owned()));
    let entries = vec![
        sym("loop/a", "b"),
        sym("loop/b", "a"),
        sym("loop/abs", "/loop/abs"),
        sym("self", "."),
        sym("deep", "deep/deep"),
        sym("lib", "../../../../host/lib"),
        sym("etc/os-release", "../../../../host/os-release"),
        file("usr/lib/os-release", "ID=drydocklinux\nVERSION_ID=7\n"),
        file(
            "loop/a/site/x-1.0.dist-info/METADATA",
            "Name: x\nVersion: 1.0\n",
        ),
        file(STATUS, dpkg_para("libloop", "2.0")),
        file(
            "var/lib/dpkg/info/libloop.list",
            "/.\n/lib/libloop.so\n/deep/x\n/loop/abs/y\n/self/self/self/etc/os-release\n",
        ),
        // Reached only through the looping directory symlinks.
        file(
            "self/usr/lib/python3/dist-packages/y-2.0.dist-info/METADATA",
            "Name: y\nVersion: 2.0\n",
        ),
    ];
    let started = Instant::now();
    let (_dir, r) = scan_layers(vec![Layer::new(&entries, Comp::Gzip)]);
    let o = r.unwrap();
    assert!(started.elapsed() < Duration::from_secs(30));
    let distro = o
        .inventory
        .distro
        .as_ref()
        .expect("usr/lib/os-release is in the image");
    assert_eq!(
        distro.id, "drydocklinux",
        "must never read the host's os-release"
    );
    assert_eq!(distro.version_id.as_deref(), Some("7"));
    assert_eq!(
        packages(&o),
        vec![
            pkg("deb", "libloop", "2.0"),
            pkg("pypi", "x", "1.0"),
            pkg("pypi", "y", "2.0")
        ]
    );
    let x = o.inventory.packages.iter().find(|p| p.name == "x").unwrap();
    assert_eq!(x.locations[0].path, "/loop/a/site/x-1.0.dist-info/METADATA");
}

#[test]
fn header_claiming_a_100_gb_file() {
    let _g = serial();
    let hundred_gb = 100u64 << 30;
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    for name in ["big.bin", STATUS, "app/huge.jar"] {
        let mut tar = header(name.as_bytes(), tar::EntryType::Regular, hundred_gb, b"").to_vec();
        tar.extend_from_slice(&[b'x'; 4096]);
        cases.push((name, tar));
    }
    // The same claim made through a PAX size record.
    let record = format!("21 size={hundred_gb}\n");
    assert_eq!(record.len(), 21);
    let mut pax = header(
        b"PaxHeaders/big",
        tar::EntryType::XHeader,
        record.len() as u64,
        b"",
    )
    .to_vec();
    pax.extend_from_slice(record.as_bytes());
    pax.resize(1024, 0);
    pax.extend_from_slice(&header(STATUS.as_bytes(), tar::EntryType::Regular, 0, b""));
    pax.extend_from_slice(&[b'x'; 4096]);
    cases.push(("pax", pax));

    for (what, tar) in cases {
        let layer = Layer {
            blob: compress(&tar, Comp::Gzip),
            tar,
            media_type: LAYER_GZIP.into(),
        };
        let started = Instant::now();
        let ((_dir, r), rise) = peak_rise(|| scan_layers(vec![layer]));
        assert!(started.elapsed() < Duration::from_secs(20), "{what}");
        assert_peak_below(rise, 64, what);
        match r {
            Err(ScanError::Layer {
                index: 0,
                source: LayerError::Truncated { what: w, .. },
                ..
            }) => {
                assert!(w.contains("data"), "{what}: {w}");
            }
            other => panic!("{what}: expected a truncated layer, got {other:?}"),
        }
    }
}

#[test]
fn megabyte_line_in_dpkg_status() {
    let _g = serial();
    let long = "y".repeat(1 << 20);
    let status = format!(
        "Package: first\nStatus: install ok installed\nVersion: 1.0\nDescription: {long}\n {long}\n\n{}Package: {}\nStatus: install ok installed\nVersion: 3.0\n",
        dpkg_para("second", "2.0"),
        "n".repeat(1 << 20)
    );
    let (_dir, r) = scan_layers(vec![Layer::new(&[file(STATUS, status)], Comp::Gzip)]);
    let o = r.unwrap();
    // Print lengths, not megabyte names, when this fails.
    let got: Vec<(String, usize, String)> = o
        .inventory
        .packages
        .iter()
        .map(|p| {
            (
                p.name.chars().take(8).collect(),
                p.name.len(),
                p.version.clone(),
            )
        })
        .collect();
    let s = |n: &str, l, v: &str| (n.to_owned(), l, v.to_owned());
    assert_eq!(
        got,
        vec![
            s("first", 5, "1.0"),
            s("nnnnnnnn", 1 << 20, "3.0"),
            s("second", 6, "2.0")
        ]
    );
    assert!(o.inventory.unknowns.is_empty());
}

/// A zip archive written by hand so that declared sizes can lie.
enum Content {
    Bytes(Vec<u8>),
    Zeros(u64),
}

struct ZipEntry {
    name: String,
    content: Content,
    deflate: bool,
    /// Uncompressed size written in the headers instead of the true one.
    declared: Option<u32>,
}

fn zip_entry(name: &str, content: Content, deflate: bool) -> ZipEntry {
    ZipEntry {
        name: name.to_owned(),
        content,
        deflate,
        declared: None,
    }
}

fn zip(entries: Vec<ZipEntry>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in &entries {
        let mut crc = flate2::Crc::new();
        let (data, size) = match &e.content {
            Content::Bytes(b) => {
                crc.update(b);
                let data = if e.deflate {
                    let mut enc =
                        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
                    enc.write_all(b).unwrap();
                    enc.finish().unwrap()
                } else {
                    b.clone()
                };
                (data, b.len() as u64)
            }
            Content::Zeros(n) => {
                assert!(e.deflate);
                let mut enc =
                    flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
                let chunk = vec![0u8; 1 << 20];
                let mut left = *n;
                while left > 0 {
                    let k = left.min(chunk.len() as u64) as usize;
                    crc.update(&chunk[..k]);
                    enc.write_all(&chunk[..k]).unwrap();
                    left -= k as u64;
                }
                (enc.finish().unwrap(), *n)
            }
        };
        let usize32 = e.declared.unwrap_or(u32::try_from(size).unwrap());
        let method: u16 = if e.deflate { 8 } else { 0 };
        let offset = u32::try_from(out.len()).unwrap();
        let name = e.name.as_bytes();
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes());
            v.extend_from_slice(&method.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes()); // time, date
            v.extend_from_slice(&crc.sum().to_le_bytes());
            v.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            v.extend_from_slice(&usize32.to_le_bytes());
            v.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(&data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut central);
        central.extend_from_slice(&[0u8; 10]); // comment, disk, attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let n = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&u32::try_from(central.len()).unwrap().to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn pom(artifact: &str, version: &str) -> ZipEntry {
    zip_entry(
        &format!("META-INF/maven/org.example/{artifact}/pom.properties"),
        Content::Bytes(
            format!("groupId=org.example\nartifactId={artifact}\nversion={version}\n").into_bytes(),
        ),
        true,
    )
}

fn unknowns_for<'a>(o: &'a ScanOutcome, path: &str) -> Vec<&'a str> {
    o.inventory
        .unknowns
        .iter()
        .filter(|u| u.path == path)
        .map(|u| {
            assert_eq!(u.analyzer, "java-archive-cataloger");
            u.reason.as_str()
        })
        .collect()
}

#[test]
fn zip_bombs_inside_a_jar() {
    let _g = serial();
    // A nested jar that honestly declares 200 MiB, a manifest that declares
    // 100 bytes but inflates to 64 MiB, and one honest package beside them.
    let mut liar = zip_entry("META-INF/MANIFEST.MF", Content::Zeros(64 << 20), true);
    liar.declared = Some(100);
    let jar = zip(vec![
        liar,
        pom("survivor", "1.2.3"),
        zip_entry("lib/bomb.jar", Content::Zeros(200 << 20), true),
    ]);
    assert!(
        jar.len() < 1 << 20,
        "the bomb is small when compressed: {}",
        jar.len()
    );
    let layer = Layer::new(&[file("app/bomb.jar", &jar)], Comp::Gzip);
    let started = Instant::now();
    let ((_dir, r), rise) = peak_rise(|| scan_layers(vec![layer]));
    let o = r.unwrap();
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_peak_below(rise, 100, "zip bomb");
    assert_eq!(packages(&o), vec![pkg("maven", "survivor", "1.2.3")]);
    let reasons = unknowns_for(&o, "/app/bomb.jar");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("lib/bomb.jar") && r.contains("209715200") && r.contains("limit")),
        "{reasons:#?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("MANIFEST.MF")),
        "the lying manifest is reported, not silently used: {reasons:#?}"
    );
}

#[test]
fn deeply_nested_jars() {
    let _g = serial();
    // Level 0 is the file in the image; level k holds a{k} and level k+1.
    let levels = 9;
    let mut inner: Option<Vec<u8>> = None;
    for k in (0..levels).rev() {
        let mut entries = vec![pom(&format!("a{k}"), &format!("1.{k}"))];
        if let Some(child) = inner.take() {
            entries.push(zip_entry("lib/inner.jar", Content::Bytes(child), false));
        }
        inner = Some(zip(entries));
    }
    let layer = Layer::new(&[file("app/deep.jar", inner.unwrap())], Comp::Gzip);
    let (_dir, r) = scan_layers(vec![layer]);
    let o = r.unwrap();
    let names: Vec<String> = o
        .inventory
        .packages
        .iter()
        .map(|p| p.name.clone())
        .collect();
    // Default java limits open four levels below the outer archive.
    assert_eq!(names, vec!["a0", "a1", "a2", "a3", "a4"]);
    let a4 = o
        .inventory
        .packages
        .iter()
        .find(|p| p.name == "a4")
        .unwrap();
    assert_eq!(
        a4.locations[0].path,
        format!("/app/deep.jar{}", "!/lib/inner.jar".repeat(4))
    );
    let reasons = unknowns_for(&o, "/app/deep.jar");
    assert_eq!(reasons.len(), 1, "{reasons:#?}");
    assert!(
        reasons[0].contains("nested more than 4 archives deep"),
        "{}",
        reasons[0]
    );
}

/// Streams a layer whose one file, at `path`, is `size` bytes of repeated
/// dpkg paragraphs, gzip-compressed as it is generated; returns the layer
/// (with an empty `tar`) and its diff_id.
fn streamed_layer(path: &str, size: u64) -> (Layer, String) {
    struct Tee {
        hash: Sha256Writer,
        gz: flate2::write::GzEncoder<Vec<u8>>,
    }
    impl Write for Tee {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.hash.update(b);
            self.gz.write_all(b)?;
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut t = Tee {
        hash: Sha256Writer::default(),
        gz: flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()),
    };
    t.write_all(&header(path.as_bytes(), tar::EntryType::Regular, size, b""))
        .unwrap();
    let para = dpkg_para("filler", "1.0").into_bytes();
    let chunk: Vec<u8> = para
        .iter()
        .copied()
        .cycle()
        .take(para.len() * 4096)
        .collect();
    let mut left = size;
    while left > 0 {
        let k = left.min(chunk.len() as u64) as usize;
        t.write_all(&chunk[..k]).unwrap();
        left -= k as u64;
    }
    let pad = (512 - size % 512) % 512;
    t.write_all(&vec![0u8; pad as usize + 1024]).unwrap();
    let diff_id = t.hash.finish().to_string();
    let layer = Layer {
        tar: Vec::new(),
        blob: t.gz.finish().unwrap(),
        media_type: LAYER_GZIP.into(),
    };
    (layer, diff_id)
}

#[test]
fn dpkg_status_over_the_analyzer_limit_becomes_an_unknown() {
    let _g = serial();
    let limit = 64u64 << 20;
    let (layer, diff_id) = streamed_layer(STATUS, limit + 1);
    let dir = TempDir::new().unwrap();
    let p = write_oci(
        &dir,
        "img.tar",
        &build_with_diff_ids(vec![layer], vec![diff_id]),
    );
    let (r, rise) = peak_rise(|| scan_file(&p));
    let o = r.unwrap();
    assert!(o.inventory.packages.is_empty(), "{:?}", packages(&o));
    assert_eq!(o.inventory.unknowns.len(), 1, "{:#?}", o.inventory.unknowns);
    let u = &o.inventory.unknowns[0];
    assert_eq!(u.path, "/var/lib/dpkg/status");
    assert_eq!(u.analyzer, "dpkg-db-cataloger");
    assert_eq!(u.layer.as_ref().map(|l| l.index), Some(0));
    assert!(
        u.reason.contains(&format!("{} bytes", limit + 1))
            && u.reason.contains(&format!("{limit}-byte limit")),
        "{}",
        u.reason
    );
    // The file was skipped, not buffered.
    assert_peak_below(rise, 48, "oversized status");
    assert_eq!(o.layers[0].uncompressed_size, limit + 1 + 512 + 511 + 1024);
}

#[test]
fn uncompressed_layer_size_limit_stops_a_gzip_bomb() {
    let _g = serial();
    let (layer, diff_id) = streamed_layer("var/tmp/bomb", 32 << 20);
    let ratio = (32u64 << 20) / layer.blob.len() as u64;
    assert!(ratio > 50, "compresses {ratio}:1");
    let dir = TempDir::new().unwrap();
    let p = write_oci(
        &dir,
        "img.tar",
        &build_with_diff_ids(vec![layer], vec![diff_id]),
    );
    let options = ScanOptions {
        limits: Limits {
            max_layer_bytes: 8 << 20,
            ..Limits::default()
        },
        ..ScanOptions::default()
    };
    match scan(p.to_str().unwrap(), &options) {
        Err(ScanError::Layer {
            index: 0,
            source: LayerError::Limit { what, limit },
            ..
        }) => {
            assert_eq!(what, "uncompressed layer size");
            assert_eq!(limit, 8 << 20);
        }
        other => panic!("expected the size limit, got {other:?}"),
    }
    // Under the default limits the same image scans.
    scan_file(&p).unwrap();
}
