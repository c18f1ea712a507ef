//! The layer cache: a second scan uses cached layer results without reading
//! the layer blobs, and a damaged cache entry is only a miss.

use std::path::Path;

use drydock_scan::{ScanOptions, scan};

fn shared() -> std::path::PathBuf {
    std::env::var_os("DRYDOCK_SHARED")
        .map(Into::into)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// Unpacks the bullseye-legacy OCI archive into a layout directory.
fn layout(dir: &Path) -> Vec<std::path::PathBuf> {
    let archive = shared().join("corpus/images/bullseye-legacy.oci.tar");
    let mut a = tar::Archive::new(std::fs::File::open(archive).expect("sample image"));
    a.unpack(dir).unwrap();
    std::fs::read_dir(dir.join("blobs/sha256"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[test]
fn second_scan_uses_the_cache_and_skips_blobs() {
    let img = tempfile::tempdir().unwrap();
    let blobs = layout(img.path());
    let cache = tempfile::tempdir().unwrap();
    let options = ScanOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        ..ScanOptions::default()
    };
    let reference = img.path().to_str().unwrap();
    let first = scan(reference, &options).unwrap();
    assert_eq!(first.inventory.packages.len(), 26);
    let entries: Vec<_> = std::fs::read_dir(cache.path().join("layers"))
        .unwrap()
        .collect();
    assert_eq!(entries.len(), 1);

    // Break the layer blob (the only gzip blob): a scan that read it would fail.
    let layer = blobs
        .iter()
        .find(|p| std::fs::read(p).unwrap().starts_with(&[0x1f, 0x8b]))
        .unwrap();
    std::fs::write(layer, b"\x1f\x8b garbage").unwrap();
    let second = scan(reference, &options).unwrap();
    assert_eq!(second.inventory, first.inventory);
    let uncached = scan(reference, &ScanOptions::default());
    assert!(
        uncached.is_err(),
        "the broken blob should fail without the cache"
    );

    // A damaged entry is a miss: the scan reads the (broken) blob again.
    let entry = std::fs::read_dir(cache.path().join("layers"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(&entry, b"{not json").unwrap();
    assert!(scan(reference, &options).is_err());
}
