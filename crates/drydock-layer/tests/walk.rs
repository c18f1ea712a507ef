//! Layer walking against hand-built tars, including hostile ones.

use std::io::{Read, Write};

use drydock_layer::{Change, EntryKind, LayerError, Limits, walk_layer, walk_tar};
use drydock_oci::{Compression, Digest};
use proptest::prelude::*;

fn header(path: &str, size: u64, ty: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(ty);
    h.set_size(size);
    h.set_mode(0o644);
    // set_path refuses `..`; write the raw bytes like a hostile builder would.
    let bytes = h.as_old_mut();
    bytes.name = [0; 100];
    bytes.name[..path.len()].copy_from_slice(path.as_bytes());
    h.set_cksum();
    h
}

fn sample_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8], ty: tar::EntryType, link: Option<&str>| {
        let mut h = header(path, data.len() as u64, ty);
        if let Some(l) = link {
            h.set_link_name(l).unwrap();
            h.set_cksum();
        }
        b.append(&h, data).unwrap();
    };
    add("etc/", b"", tar::EntryType::Directory, None);
    add(
        "etc/os-release",
        b"ID=debian\n",
        tar::EntryType::Regular,
        None,
    );
    add(
        "etc/alias",
        b"",
        tar::EntryType::Symlink,
        Some("os-release"),
    );
    add(
        "etc/hard",
        b"",
        tar::EntryType::Link,
        Some("./etc/os-release"),
    );
    add("app/.wh.secret", b"", tar::EntryType::Regular, None);
    add("var/cache/.wh..wh..opq", b"", tar::EntryType::Regular, None);
    add("/abs/file", b"x", tar::EntryType::Regular, None);
    add("../escape", b"evil", tar::EntryType::Regular, None);
    add(
        "usr/bin/tool",
        b"\x7fELF....",
        tar::EntryType::Regular,
        None,
    );
    b.into_inner().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[derive(Debug, PartialEq)]
enum Seen {
    Entry(String, EntryKind, Option<String>, Vec<u8>),
    Whiteout(String),
    Opaque(String),
}

fn collect(
    blob: &[u8],
    expect_blob: Option<&Digest>,
    expect_diff: Option<&Digest>,
) -> Result<(Vec<Seen>, drydock_layer::LayerSummary), LayerError> {
    let mut seen = Vec::new();
    let summary = walk_layer(
        blob,
        None,
        expect_blob,
        expect_diff,
        &Limits::default(),
        |c, r| {
            match c {
                Change::Entry(m) => {
                    let mut data = Vec::new();
                    r.read_to_end(&mut data)?;
                    seen.push(Seen::Entry(m.path.clone(), m.kind, m.link.clone(), data));
                }
                Change::Whiteout(p) => seen.push(Seen::Whiteout(p.to_owned())),
                Change::Opaque(p) => seen.push(Seen::Opaque(p.to_owned())),
            }
            Ok(())
        },
    )?;
    Ok((seen, summary))
}

#[test]
fn walks_entries_whiteouts_and_links() {
    let tar = sample_tar();
    let (seen, summary) = collect(&tar, None, None).unwrap();
    assert_eq!(
        seen,
        vec![
            Seen::Entry("etc".into(), EntryKind::Dir, None, vec![]),
            Seen::Entry(
                "etc/os-release".into(),
                EntryKind::File,
                None,
                b"ID=debian\n".to_vec()
            ),
            Seen::Entry(
                "etc/alias".into(),
                EntryKind::Symlink,
                Some("os-release".into()),
                vec![]
            ),
            Seen::Entry(
                "etc/hard".into(),
                EntryKind::Hardlink,
                Some("etc/os-release".into()),
                vec![]
            ),
            Seen::Whiteout("app/secret".into()),
            Seen::Opaque("var/cache".into()),
            Seen::Entry("abs/file".into(), EntryKind::File, None, b"x".to_vec()),
            Seen::Entry(
                "usr/bin/tool".into(),
                EntryKind::File,
                None,
                b"\x7fELF....".to_vec()
            ),
        ]
    );
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.contains("escapes the image root")),
        "{:?}",
        summary.warnings
    );
    assert!(summary.warnings.iter().any(|w| w.contains("absolute path")));
    assert_eq!(summary.compression, Compression::None);
    assert_eq!(summary.diff_id, Digest::sha256_of(&tar));
    assert_eq!(summary.uncompressed_bytes, tar.len() as u64);
}

#[test]
fn unread_content_is_skipped_and_counted() {
    let tar = sample_tar();
    let mut n = 0;
    let s = walk_layer(&tar[..], None, None, None, &Limits::default(), |_, _| {
        n += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(n, 8);
    assert_eq!(s.diff_id, Digest::sha256_of(&tar));
}

#[test]
fn gzip_and_zstd_are_sniffed_and_verified() {
    let tar = sample_tar();
    let gz = gzip(&tar);
    let diff = Digest::sha256_of(&tar);
    let (_, s) = collect(&gz, Some(&Digest::sha256_of(&gz)), Some(&diff)).unwrap();
    assert_eq!(s.compression, Compression::Gzip);
    assert_eq!(s.blob_digest, Digest::sha256_of(&gz));
    let zst = zstd::encode_all(&tar[..], 3).unwrap();
    let (_, s) = collect(&zst, Some(&Digest::sha256_of(&zst)), Some(&diff)).unwrap();
    assert_eq!(s.compression, Compression::Zstd);
    // Media type says gzip, bytes say plain: bytes win.
    let s = walk_layer(
        &tar[..],
        Some(Compression::Gzip),
        None,
        Some(&diff),
        &Limits::default(),
        |_, _| Ok(()),
    )
    .unwrap();
    assert_eq!(s.compression, Compression::None);
}

#[test]
fn digest_mismatch_is_reported() {
    let tar = sample_tar();
    let gz = gzip(&tar);
    let wrong = Digest::sha256_of(b"something else");
    match collect(&gz, Some(&wrong), None) {
        Err(LayerError::DigestMismatch { what: "blob", .. }) => {}
        other => panic!("expected blob mismatch, got {other:?}"),
    }
    match collect(&gz, None, Some(&wrong)) {
        Err(
            e @ LayerError::DigestMismatch {
                what: "diff_id", ..
            },
        ) => {
            assert!(e.to_string().contains("diff_id digest mismatch"), "{e}");
        }
        other => panic!("expected diff_id mismatch, got {other:?}"),
    }
}

#[test]
fn truncated_tar_is_an_error() {
    let tar = sample_tar();
    // Cut inside the os-release data (header at 512, data at 1024).
    let cut = &tar[..1030];
    match collect(cut, None, None) {
        Err(LayerError::Truncated { .. }) => {}
        other => panic!("expected truncation, got {other:?}"),
    }
    // Cut inside a header.
    match collect(&tar[..700], None, None) {
        Err(LayerError::Truncated { .. }) => {}
        other => panic!("expected truncation, got {other:?}"),
    }
}

#[test]
fn corrupt_gzip_is_an_error() {
    let mut gz = gzip(&sample_tar());
    let mid = gz.len() / 2;
    for b in &mut gz[mid..mid + 16] {
        *b ^= 0x5a;
    }
    let err = collect(&gz, None, None).unwrap_err();
    assert!(
        matches!(
            err,
            LayerError::Stream { .. } | LayerError::BadHeader { .. } | LayerError::Truncated { .. }
        ),
        "{err:?}"
    );
    // Truncated gzip stream.
    let gz = gzip(&sample_tar());
    let err = collect(&gz[..gz.len() / 2], None, None).unwrap_err();
    assert!(
        matches!(
            err,
            LayerError::Stream { .. } | LayerError::Truncated { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn garbage_is_not_a_tar() {
    let junk = vec![0x41u8; 2048];
    match collect(&junk, None, None) {
        Err(e @ LayerError::BadHeader { .. }) => assert!(e.to_string().contains("checksum")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn header_claiming_100gb_does_not_allocate() {
    let h = header("huge.bin", 100 << 30, tar::EntryType::Regular);
    let mut tar = h.as_bytes().to_vec();
    tar.extend_from_slice(&[7u8; 4096]);
    let mut read = 0usize;
    let err = walk_tar(&tar[..], &Limits::default(), |_, r| {
        let mut buf = Vec::new();
        r.take(1 << 20).read_to_end(&mut buf)?;
        read += buf.len();
        Ok(())
    })
    .unwrap_err();
    assert!(matches!(err, LayerError::Truncated { .. }), "{err:?}");
    assert_eq!(read, 4096);
}

#[test]
fn oversized_long_name_hits_the_limit() {
    let mut tar = Vec::new();
    let h = header("././@LongLink", 10 << 20, tar::EntryType::GNULongName);
    tar.extend_from_slice(h.as_bytes());
    tar.extend_from_slice(&[b'a'; 4096]);
    let err = walk_tar(&tar[..], &Limits::default(), |_, _| Ok(())).unwrap_err();
    assert!(
        matches!(
            err,
            LayerError::Limit {
                what: "long name",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn long_names_and_pax_paths_apply() {
    let mut b = tar::Builder::new(Vec::new());
    let long = format!("usr/lib/{}/METADATA", "d".repeat(200));
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o644);
    b.append_data(&mut h, &long, &b"ok"[..]).unwrap();
    b.append_pax_extensions([("path", "opt/pax/named.txt".as_bytes())])
        .unwrap();
    let mut h = header("ignored-name", 3, tar::EntryType::Regular);
    h.set_cksum();
    b.append(&h, &b"pax"[..]).unwrap();
    let tar = b.into_inner().unwrap();
    let (seen, _) = collect(&tar, None, None).unwrap();
    assert_eq!(
        seen[0],
        Seen::Entry(long, EntryKind::File, None, b"ok".to_vec())
    );
    assert_eq!(
        seen[1],
        Seen::Entry(
            "opt/pax/named.txt".into(),
            EntryKind::File,
            None,
            b"pax".to_vec()
        )
    );
}

#[test]
fn gzip_bomb_stops_at_the_byte_limit() {
    // 64 MiB of zeros compresses to ~64 KiB.
    let mut tar = header("zeros", 64 << 20, tar::EntryType::Regular)
        .as_bytes()
        .to_vec();
    tar.resize(512 + (64 << 20), 0);
    let gz = gzip(&tar);
    assert!(gz.len() < 1 << 20);
    let limits = Limits {
        max_layer_bytes: 8 << 20,
        ..Limits::default()
    };
    let err = walk_layer(&gz[..], None, None, None, &limits, |_, r| {
        std::io::copy(r, &mut std::io::sink())?;
        Ok(())
    })
    .unwrap_err();
    assert!(
        matches!(
            err,
            LayerError::Limit {
                what: "uncompressed layer size",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn entry_count_limit() {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..50 {
        let mut h = tar::Header::new_gnu();
        h.set_size(0);
        b.append_data(&mut h, format!("f{i}"), &b""[..]).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let err = walk_tar(&tar[..], &limits, |_, _| Ok(())).unwrap_err();
    assert!(matches!(
        err,
        LayerError::Limit {
            what: "entry count",
            ..
        }
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = walk_layer(&data[..], None, None, None, &Limits::default(), |_, r| {
            std::io::copy(r, &mut std::io::sink())?;
            Ok(())
        });
    }

    #[test]
    fn mutated_tars_never_panic(flips in proptest::collection::vec((0usize..6000, any::<u8>()), 1..16)) {
        let mut tar = sample_tar();
        for (at, b) in flips {
            let n = tar.len();
            tar[at % n] = b;
        }
        let _ = collect(&tar, None, None);
        let gz = gzip(&tar);
        let _ = collect(&gz, None, None);
    }
}
