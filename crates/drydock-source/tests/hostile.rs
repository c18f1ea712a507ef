//! Broken and malicious images must fail to open with a distinct, clear error
//! that names what is wrong, never with a panic or a read outside the source.
//! Images come from the `drydock-test` builder, as in `formats.rs`.

use std::io::Read;
use std::path::{Path, PathBuf};

use drydock_source::{Image, OpenOptions, SourceError, SourceKind};
use serde_json::json;
use tempfile::TempDir;

use drydock_test::*;

type Members = Vec<(String, Vec<u8>)>;

fn open(p: &Path) -> Result<Image, SourceError> {
    drydock_source::open(p.to_str().unwrap(), &OpenOptions::default())
}

fn simple() -> Built {
    build(
        vec![
            Layer::new(&[file("etc/a", "a")], Comp::Gzip),
            Layer::new(&[file("etc/b", "b".repeat(3000))], Comp::Plain),
        ],
        "amd64",
    )
}

fn without(mut m: Members, name: &str) -> Members {
    let before = m.len();
    m.retain(|(n, _)| n != name);
    assert_eq!(m.len(), before - 1, "builder has no member {name}");
    m
}

fn replaced(mut m: Members, name: &str, bytes: Vec<u8>) -> Members {
    let slot = m
        .iter_mut()
        .find(|(n, _)| n == name)
        .expect("member exists");
    slot.1 = bytes;
    m
}

fn renamed(mut m: Members, name: &str, to: &str) -> Members {
    let slot = m
        .iter_mut()
        .find(|(n, _)| n == name)
        .expect("member exists");
    slot.0 = to.to_owned();
    m
}

struct Fixture {
    dir: TempDir,
}

impl Fixture {
    fn new() -> Self {
        Self {
            dir: TempDir::new().unwrap(),
        }
    }

    fn tar(&self, name: &str, members: &[(String, Vec<u8>)]) -> PathBuf {
        let p = self.dir.path().join(name);
        write_tar(&p, members);
        p
    }

    fn raw(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn layout(&self, name: &str, members: &[(String, Vec<u8>)]) -> PathBuf {
        let p = self.dir.path().join(name);
        write_dir(&p, members);
        p
    }
}

#[test]
fn well_formed_fixture_opens() {
    // Every test below breaks one thing in this image; it must be fine as is.
    let f = Fixture::new();
    let b = simple();
    for p in [
        f.tar("oci.tar", &oci_single(&b)),
        f.layout("layout", &oci_single(&b)),
        f.tar("classic.tar", &docker_classic(&b)),
        f.tar("d25.tar", &docker25(&b)),
    ] {
        let img = open(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(img.layers.len(), 2);
        let mut blob = Vec::new();
        img.open_layer(1).unwrap().read_to_end(&mut blob).unwrap();
        assert_eq!(blob, b.layers[1].blob);
    }
}

#[test]
fn missing_layer_blob_names_its_digest() {
    let f = Fixture::new();
    let b = simple();
    let gone = digest(&b.layers[1].blob);
    let members = without(oci_single(&b), &blob_name(&b.layers[1].blob));
    for p in [f.tar("oci.tar", &members), f.layout("layout", &members)] {
        let e = open(&p).unwrap_err();
        match &e {
            SourceError::MissingBlob { what, digest, .. } => {
                assert_eq!(what, "manifest layer 1");
                assert_eq!(digest, &gone);
            }
            other => panic!("expected MissingBlob, got {other:?}"),
        }
        assert!(e.to_string().contains(&gone), "{e}");
    }
    // Docker 25 archives name layers by blob path in manifest.json.
    let members = without(docker25(&b), &blob_name(&b.layers[1].blob));
    let e = open(&f.tar("d25.tar", &members)).unwrap_err();
    assert!(
        matches!(&e, SourceError::MissingBlob { digest, .. } if digest.contains(&hex(&b.layers[1].blob))),
        "{e:?}"
    );
}

#[test]
fn missing_config_blob() {
    let f = Fixture::new();
    let b = simple();
    let e = open(&f.tar("oci.tar", &without(oci_single(&b), &blob_name(&b.config)))).unwrap_err();
    match &e {
        SourceError::MissingBlob {
            what, digest: d, ..
        } => {
            assert_eq!(what, "config");
            assert_eq!(d, &digest(&b.config));
        }
        other => panic!("expected MissingBlob, got {other:?}"),
    }
    let name = format!("{}.json", hex(&b.config));
    let e = open(&f.tar("classic.tar", &without(docker_classic(&b), &name))).unwrap_err();
    assert!(
        matches!(&e, SourceError::MissingBlob { digest, .. } if *digest == name),
        "{e:?}"
    );
}

#[test]
fn config_that_does_not_match_its_digest() {
    let f = Fixture::new();
    let b = simple();
    let mut tampered: serde_json::Value = serde_json::from_slice(&b.config).unwrap();
    tampered["config"]["Env"] = json!(["LD_PRELOAD=/evil.so"]);
    let tampered = to_bytes(&tampered);
    let cases = [
        (
            "oci.tar",
            replaced(oci_single(&b), &blob_name(&b.config), tampered.clone()),
        ),
        (
            "d25.tar",
            replaced(docker25(&b), &blob_name(&b.config), tampered.clone()),
        ),
        (
            "classic.tar",
            replaced(
                docker_classic(&b),
                &format!("{}.json", hex(&b.config)),
                tampered.clone(),
            ),
        ),
    ];
    for (name, members) in cases {
        match open(&f.tar(name, &members)) {
            Err(SourceError::DigestMismatch {
                what,
                expected,
                actual,
                ..
            }) => {
                assert_eq!(what, "config", "{name}");
                assert_eq!(expected.to_string(), digest(&b.config), "{name}");
                assert_eq!(actual.to_string(), digest(&tampered), "{name}");
            }
            other => panic!("{name}: expected DigestMismatch, got {other:?}"),
        }
    }
}

#[test]
fn manifest_that_does_not_match_the_index_digest() {
    let f = Fixture::new();
    let b = simple();
    let other = build(vec![Layer::new(&[file("x", "y")], Comp::Plain)], "amd64");
    let members = replaced(
        oci_single(&b),
        &blob_name(&b.manifest),
        other.manifest.clone(),
    );
    for p in [f.tar("oci.tar", &members), f.layout("layout", &members)] {
        match open(&p) {
            Err(SourceError::DigestMismatch { what, expected, .. }) => {
                assert_eq!(what, "manifest");
                assert_eq!(expected.to_string(), digest(&b.manifest));
            }
            other => panic!("expected DigestMismatch, got {other:?}"),
        }
    }
}

#[test]
fn index_json_that_is_not_an_index() {
    let f = Fixture::new();
    let b = simple();
    for (name, bytes) in [
        ("garbage.tar", b"this is not json {".to_vec()),
        ("array.tar", b"[1, 2, 3]".to_vec()),
        (
            "digestless.tar",
            br#"{"manifests":[{"mediaType":"x"}]}"#.to_vec(),
        ),
    ] {
        let members = replaced(oci_single(&b), "index.json", bytes);
        match open(&f.tar(name, &members)) {
            Err(SourceError::Invalid { path, reason }) => {
                assert!(path.ends_with("index.json"), "{path}");
                assert!(reason.contains("invalid OCI index"), "{name}: {reason}");
            }
            other => panic!("{name}: expected Invalid, got {other:?}"),
        }
    }
    let e = open(&f.tar("noindex.tar", &without(oci_single(&b), "index.json"))).unwrap_err();
    assert!(
        matches!(&e, SourceError::Invalid { reason, .. } if reason.contains("without index.json")),
        "{e:?}"
    );
}

#[test]
fn docker_manifest_listing_a_missing_layer_member() {
    let f = Fixture::new();
    let b = simple();
    let members = docker_classic(&b);
    let gone = members
        .iter()
        .map(|(n, _)| n.clone())
        .find(|n| n.ends_with("/layer.tar"))
        .unwrap();
    let e = open(&f.tar("classic.tar", &without(members, &gone))).unwrap_err();
    match &e {
        SourceError::MissingBlob { what, digest, .. } => {
            assert_eq!(what, "manifest.json layer 0");
            assert_eq!(digest, &gone);
        }
        other => panic!("expected MissingBlob, got {other:?}"),
    }
    assert!(e.to_string().contains(&gone));

    let bad_manifest =
        |v: serde_json::Value| replaced(docker_classic(&b), "manifest.json", to_bytes(&v));
    let e = open(&f.tar("empty.tar", &bad_manifest(json!([])))).unwrap_err();
    assert!(
        matches!(&e, SourceError::Invalid { reason, .. } if reason.contains("lists no images")),
        "{e:?}"
    );
    let e = open(&f.tar("object.tar", &bad_manifest(json!({"Config": "x"})))).unwrap_err();
    assert!(
        matches!(&e, SourceError::Invalid { reason, .. } if reason.contains("not a docker archive manifest")),
        "{e:?}"
    );
}

#[test]
fn diff_id_count_differs_from_layer_count() {
    let f = Fixture::new();
    let b = simple();
    // The config knows one layer, the manifest two.
    let config = to_bytes(&config_json(&b.layers[..1], "amd64"));
    let manifest = to_bytes(&manifest_json(&config, &b.layers));
    let short = Built {
        config,
        manifest,
        layers: b.layers.clone(),
        arch: "amd64".into(),
    };
    for (name, members) in [
        ("oci.tar", oci_single(&short)),
        ("classic.tar", docker_classic(&short)),
        ("d25.tar", docker25(&short)),
    ] {
        match open(&f.tar(name, &members)) {
            Err(SourceError::Invalid { reason, .. }) => {
                assert!(
                    reason.contains("lists 2 layers but the config has 1 diff_ids"),
                    "{name}: {reason}"
                );
            }
            other => panic!("{name}: expected Invalid, got {other:?}"),
        }
    }
}

#[test]
fn compressed_outer_archive_gets_a_hint() {
    let f = Fixture::new();
    let tar = tar_of(&oci_single(&simple()));
    for (name, bytes) in [
        ("img.tar.gz", compress(&tar, Comp::Gzip)),
        ("img.tar.zst", compress(&tar, Comp::Zstd)),
    ] {
        match open(&f.raw(name, &bytes)) {
            Err(SourceError::NotAnImage { reason, .. }) => {
                assert!(
                    reason.contains("compressed") && reason.contains("decompress"),
                    "{reason}"
                );
            }
            other => panic!("{name}: expected NotAnImage, got {other:?}"),
        }
    }
}

#[test]
fn truncated_outer_tar() {
    let f = Fixture::new();
    let members = oci_single(&simple());
    let tar = tar_of(&members);
    // Inside the data of the last member (the 3000-byte plain layer).
    let last = members.last().unwrap().1.len();
    let data_start = tar.len() - 1024 - last.div_ceil(512) * 512;
    match open(&f.raw("mid-data.tar", &tar[..data_start + last / 2])) {
        Err(SourceError::CorruptArchive { reason, .. }) => {
            assert!(reason.contains("past the end of the file"), "{reason}");
        }
        other => panic!("expected CorruptArchive, got {other:?}"),
    }
    // Inside the second header.
    match open(&f.raw("mid-header.tar", &tar[..1024 + 100])) {
        Err(SourceError::CorruptArchive { reason, .. }) => {
            assert_eq!(reason, "truncated header at offset 1024");
        }
        other => panic!("expected CorruptArchive, got {other:?}"),
    }
    // A later header overwritten with garbage.
    let mut bad = tar.clone();
    bad[1024..1536].fill(b'A');
    match open(&f.raw("bad-header.tar", &bad)) {
        Err(SourceError::CorruptArchive { reason, .. }) => {
            assert_eq!(reason, "bad header checksum at offset 1024");
        }
        other => panic!("expected CorruptArchive, got {other:?}"),
    }
}

#[test]
fn files_that_are_not_images() {
    let f = Fixture::new();
    match open(&f.raw("notes.txt", &b"hello, this is a text file\n".repeat(40))) {
        Err(SourceError::NotAnImage { reason, .. }) => {
            assert!(reason.contains("not a tar archive"), "{reason}")
        }
        other => panic!("expected NotAnImage, got {other:?}"),
    }
    for (name, bytes) in [
        ("empty", Vec::new()),
        (
            "other.tar",
            tar_of(&[("etc/passwd".into(), b"root:x:0:0".to_vec())]),
        ),
    ] {
        match open(&f.raw(name, &bytes)) {
            Err(SourceError::NotAnImage { reason, .. }) => {
                assert!(reason.contains("without manifest.json"), "{name}: {reason}")
            }
            other => panic!("{name}: expected NotAnImage, got {other:?}"),
        }
    }
    let missing = f.dir.path().join("does-not-exist.tar");
    let e = open(&missing).unwrap_err();
    assert!(matches!(e, SourceError::NotFound(_)), "{e:?}");
    assert!(
        e.to_string().contains("does not exist")
            && e.to_string().contains("registry reference such as"),
        "{e}"
    );
}

/// `depth` nested index blobs between index.json and the manifest.
fn nested_indexes(depth: usize) -> Members {
    let b = simple();
    let mut blobs = b.blobs();
    let mut desc = b.descriptor(true);
    for _ in 0..depth {
        let idx = index_json(vec![desc]);
        desc = json!({"mediaType": OCI_INDEX, "digest": digest(&idx), "size": idx.len()});
        blobs.push((blob_name(&idx), idx));
    }
    oci_members(index_json(vec![desc]), blobs)
}

#[test]
fn nested_indexes_deeper_than_the_limit_are_refused() {
    let f = Fixture::new();
    let img = open(&f.tar("four.tar", &nested_indexes(4))).unwrap();
    assert_eq!(img.kind, SourceKind::OciArchive);
    match open(&f.tar("five.tar", &nested_indexes(5))) {
        Err(SourceError::Invalid { reason, .. }) => {
            assert!(reason.contains("nested too deeply"), "{reason}")
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let e = open(&f.tar("fifty.tar", &nested_indexes(50))).unwrap_err();
    assert!(e.to_string().contains("nested too deeply"), "{e}");
}

#[test]
fn traversal_digests_are_rejected_when_parsed() {
    let f = Fixture::new();
    let b = simple();
    let evil = "sha256:../../../../etc/passwd";
    // In index.json.
    let mut desc = b.descriptor(false);
    desc["digest"] = json!(evil);
    let members = replaced(oci_single(&b), "index.json", index_json(vec![desc]));
    match open(&f.tar("index.tar", &members)) {
        Err(SourceError::Invalid { reason, .. }) => {
            assert!(reason.contains(evil) && reason.contains("hex"), "{reason}")
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // Uppercase hex is not a digest either (it would alias another blob name).
    let mut desc = b.descriptor(false);
    desc["digest"] = json!(
        digest(&b.manifest)
            .to_uppercase()
            .replace("SHA256", "sha256")
    );
    let members = replaced(oci_single(&b), "index.json", index_json(vec![desc]));
    assert!(matches!(
        open(&f.tar("upper.tar", &members)),
        Err(SourceError::Invalid { .. })
    ));

    // In a manifest: a layer and the config.
    for field in ["layer", "config"] {
        let mut m: serde_json::Value = serde_json::from_slice(&b.manifest).unwrap();
        match field {
            "layer" => m["layers"][0]["digest"] = json!(evil),
            _ => m["config"]["digest"] = json!(evil),
        }
        let manifest = to_bytes(&m);
        let desc =
            json!({"mediaType": OCI_MANIFEST, "digest": digest(&manifest), "size": manifest.len()});
        let mut blobs = b.blobs();
        blobs.push((blob_name(&manifest), manifest));
        let p = f.tar(
            &format!("{field}.tar"),
            &oci_members(index_json(vec![desc]), blobs),
        );
        match open(&p) {
            Err(e @ SourceError::BadDocument { .. }) => {
                assert!(e.to_string().contains(evil), "{e}")
            }
            other => panic!("{field}: expected BadDocument, got {other:?}"),
        }
    }

    // Docker manifest.json names members, which are looked up, never opened
    // as paths.
    for (cfg, layer) in [
        (evil.to_owned(), None),
        (
            format!("{}.json", hex(&b.config)),
            Some("../../../etc/passwd"),
        ),
    ] {
        let manifest = json!([{
            "Config": cfg,
            "Layers": [layer.unwrap_or("x/layer.tar"), "y/layer.tar"],
        }]);
        let members = replaced(docker_classic(&b), "manifest.json", to_bytes(&manifest));
        let e = open(&f.tar("docker.tar", &members)).unwrap_err();
        assert!(matches!(e, SourceError::MissingBlob { .. }), "{e:?}");
    }
}

#[test]
fn outer_members_that_climb_out_are_ignored() {
    let f = Fixture::new();
    let b = simple();
    // An extra escaping member does not disturb a valid image.
    let mut members = oci_single(&b);
    members.push((
        "../../../../etc/passwd".into(),
        b"root::0:0::/:/bin/sh\n".to_vec(),
    ));
    members.insert(0, ("../index.json".into(), b"garbage".to_vec()));
    let img = open(&f.tar("extra.tar", &members)).unwrap();
    assert_eq!(img.layers.len(), 2);

    // The only copy of a blob lives outside the root: it does not exist.
    let layer = blob_name(&b.layers[1].blob);
    let members = renamed(oci_single(&b), &layer, &format!("../{layer}"));
    let e = open(&f.tar("outside.tar", &members)).unwrap_err();
    assert!(
        matches!(&e, SourceError::MissingBlob { digest: d, .. } if *d == digest(&b.layers[1].blob)),
        "{e:?}"
    );

    // `..` that stays inside is resolved as tar extraction would.
    let members = renamed(oci_single(&b), &layer, &format!("blobs/../{layer}"));
    let img = open(&f.tar("inside.tar", &members)).unwrap();
    let mut blob = Vec::new();
    img.open_layer(1).unwrap().read_to_end(&mut blob).unwrap();
    assert_eq!(blob, b.layers[1].blob);

    // A symlink member standing in for a blob is not followed out of the
    // archive; a hard link to a real member is (docker dedups layers so).
    for (kind, target, ok) in [
        (tar::EntryType::Symlink, "/etc/passwd".to_owned(), false),
        (
            tar::EntryType::Symlink,
            "../../../etc/passwd".to_owned(),
            false,
        ),
        (
            tar::EntryType::Link,
            "../../../etc/passwd".to_owned(),
            false,
        ),
        (tar::EntryType::Link, "real/blob".to_owned(), true),
    ] {
        let mut raw = Vec::new();
        for (name, data) in without(oci_single(&b), &layer) {
            put_member(&mut raw, &name, tar::EntryType::Regular, &data, "");
        }
        put_member(
            &mut raw,
            "real/blob",
            tar::EntryType::Regular,
            &b.layers[1].blob,
            "",
        );
        put_member(&mut raw, &layer, kind, b"", &target);
        let p = f.raw("link.tar", &finish_tar(raw));
        match (open(&p), ok) {
            (Ok(img), true) => {
                let mut blob = Vec::new();
                img.open_layer(1).unwrap().read_to_end(&mut blob).unwrap();
                assert_eq!(blob, b.layers[1].blob);
            }
            (Err(SourceError::MissingBlob { .. }), false) => {}
            (other, _) => panic!("{kind:?} -> {target}: unexpected {other:?}"),
        }
    }
}

#[test]
fn oversized_documents_are_refused_before_reading() {
    let f = Fixture::new();
    let b = simple();
    let mut cfg: serde_json::Value = serde_json::from_slice(&b.config).unwrap();
    cfg["config"]["Labels"] = json!({"pad": "x".repeat(9 << 20)});
    let config = to_bytes(&cfg);
    let manifest = to_bytes(&manifest_json(&config, &b.layers));
    let big = Built {
        config,
        manifest,
        layers: b.layers.clone(),
        arch: "amd64".into(),
    };
    for (name, members) in [
        ("oci.tar", oci_single(&big)),
        ("classic.tar", docker_classic(&big)),
    ] {
        match open(&f.tar(name, &members)) {
            Err(SourceError::DocumentTooLarge { size, limit, .. }) => {
                assert_eq!(size, big.config.len() as u64);
                assert_eq!(limit, 8 << 20);
            }
            other => panic!("{name}: expected DocumentTooLarge, got {other:?}"),
        }
    }
}

fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    // The length prefix counts itself.
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

#[test]
fn gnu_long_names_and_pax_paths_in_the_outer_archive() {
    // Real `docker save` output uses neither, but other tar tools do; names
    // must resolve the same, `..` included.
    let f = Fixture::new();
    let b = simple();
    let long_dir = "d".repeat(120);
    let mut raw = Vec::new();
    for (i, (name, data)) in oci_single(&b).into_iter().enumerate() {
        let full = format!("{long_dir}/../{name}");
        if i % 2 == 0 {
            put_member(
                &mut raw,
                "././@LongLink",
                tar::EntryType::GNULongName,
                full.as_bytes(),
                "",
            );
            put_member(
                &mut raw,
                "truncated-name",
                tar::EntryType::Regular,
                &data,
                "",
            );
        } else {
            put_member(
                &mut raw,
                "PaxHeaders/x",
                tar::EntryType::XHeader,
                &pax_record("path", &full),
                "",
            );
            put_member(
                &mut raw,
                "also-truncated",
                tar::EntryType::Regular,
                &data,
                "",
            );
        }
    }
    let p = f.raw("long.tar", &finish_tar(raw));
    let img = open(&p).unwrap();
    assert_eq!(img.layers.len(), 2);
    let mut blob = Vec::new();
    img.open_layer(1).unwrap().read_to_end(&mut blob).unwrap();
    assert_eq!(blob, b.layers[1].blob);
}

#[test]
fn fifo_in_a_layout_directory_does_not_hang() {
    // Opening a FIFO for reading blocks until a writer appears; a layout
    // directory unpacked from an untrusted tarball can contain one.
    let f = Fixture::new();
    let b = simple();
    for victim in [blob_name(&b.config), blob_name(&b.layers[0].blob)] {
        let dir = f.layout(&format!("fifo-{}", &victim[13..21]), &oci_single(&b));
        let p = dir.join(&victim);
        std::fs::remove_file(&p).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&p).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("mkfifo unavailable; skipping");
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(open(&dir).map(|_| ()));
        });
        match rx.recv_timeout(std::time::Duration::from_secs(20)) {
            Ok(Err(SourceError::MissingBlob { .. })) => {}
            Ok(other) => panic!("{victim}: expected MissingBlob, got {other:?}"),
            Err(_) => panic!("{victim}: opening the layout hung on a FIFO"),
        }
    }
}
