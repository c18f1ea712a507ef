//! Every kind of source, every layer compression and the index shapes seen in
//! the wild must open and scan to the same inventory. Images are built here,
//! byte by byte with `drydock-test`, so each test controls digests, media
//! types and layouts.

use std::path::Path;

use drydock_oci::Platform;
use drydock_scan::{ScanError, ScanOptions, ScanOutcome, scan};
use drydock_source::{OpenOptions, SourceError, SourceKind};
use serde_json::{Value, json};
use tempfile::TempDir;

use drydock_test::*;

const OS_RELEASE: &str = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
const STATUS: &str = "var/lib/dpkg/status";
const SITE: &str = "usr/lib/python3/dist-packages";

fn dpkg_para(name: &str, version: &str) -> String {
    format!(
        "Package: {name}\nStatus: install ok installed\nPriority: optional\nArchitecture: amd64\nVersion: {version}\nDescription: {name}\n the {name} package\n\n"
    )
}

fn dist_info(name: &str, version: &str) -> (String, Node) {
    file(
        &format!("{SITE}/{name}-{version}.dist-info/METADATA"),
        format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nLicense: MIT\n\nbody\n"),
    )
}

fn base_entries() -> (Entries, Entries) {
    let l0 = vec![
        ("etc".to_owned(), Node::Dir),
        file("etc/os-release", OS_RELEASE),
        file(
            STATUS,
            dpkg_para("libfoo1", "1.2-3") + &dpkg_para("bar-utils", "2:0.9-1"),
        ),
    ];
    let l1 = vec![dist_info("requests", "2.31.0")];
    (l0, l1)
}

fn base(comp: [Comp; 2]) -> Built {
    let (l0, l1) = base_entries();
    build(
        vec![Layer::new(&l0, comp[0]), Layer::new(&l1, comp[1])],
        "amd64",
    )
}

/// (ecosystem, name, version, purl, introducing layer, primary path, its layer)
type Row = (String, String, String, String, usize, String, usize);

fn rows(o: &ScanOutcome) -> Vec<Row> {
    o.inventory
        .packages
        .iter()
        .map(|p| {
            (
                p.ecosystem.to_string(),
                p.name.clone(),
                p.version.clone(),
                p.purl.clone(),
                p.layer.index,
                p.locations[0].path.clone(),
                p.locations[0].layer.index,
            )
        })
        .collect()
}

fn names(o: &ScanOutcome) -> Vec<(String, String, usize)> {
    o.inventory
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.layer.index))
        .collect()
}

fn scan_at(p: &Path, platform: Option<&str>) -> Result<ScanOutcome, ScanError> {
    let options = ScanOptions {
        open: OpenOptions {
            platform: platform.map(|s| s.parse::<Platform>().unwrap()),
        },
        ..ScanOptions::default()
    };
    scan(p.to_str().unwrap(), &options)
}

fn oci_archive(dir: &TempDir, name: &str, members: &[(String, Vec<u8>)]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    write_tar(&p, members);
    p
}

/// Scans a single image written as an OCI archive.
fn scan_layers(layers: Vec<Entries>) -> ScanOutcome {
    let dir = TempDir::new().unwrap();
    let built = build(
        layers.iter().map(|l| Layer::new(l, Comp::Gzip)).collect(),
        "amd64",
    );
    let p = oci_archive(&dir, "img.tar", &oci_single(&built));
    scan_at(&p, None).unwrap()
}

fn expected_base_rows(o: &ScanOutcome) {
    let got: Vec<(String, String, String, usize, String)> = rows(o)
        .into_iter()
        .map(|r| (r.0, r.1, r.2, r.4, r.5))
        .collect();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        got,
        vec![
            (
                s("deb"),
                s("bar-utils"),
                s("2:0.9-1"),
                0,
                s("/var/lib/dpkg/status")
            ),
            (
                s("deb"),
                s("libfoo1"),
                s("1.2-3"),
                0,
                s("/var/lib/dpkg/status")
            ),
            (
                s("pypi"),
                s("requests"),
                s("2.31.0"),
                1,
                format!("/{SITE}/requests-2.31.0.dist-info/METADATA")
            ),
        ],
        "{:#?}",
        o.inventory.packages
    );
    assert_eq!(
        o.inventory.distro.as_ref().map(|d| d.id.as_str()),
        Some("debian")
    );
    assert!(
        o.inventory.unknowns.is_empty(),
        "{:?}",
        o.inventory.unknowns
    );
}

#[test]
fn every_source_kind_scans_to_the_same_inventory() {
    let dir = TempDir::new().unwrap();
    let gz = base([Comp::Gzip, Comp::Gzip]);
    let plain = base([Comp::Plain, Comp::Plain]);

    let oci_tar = oci_archive(&dir, "oci.tar", &oci_single(&gz));
    let oci_dir = dir.path().join("layout");
    write_dir(&oci_dir, &oci_single(&gz));
    let classic = oci_archive(&dir, "classic.tar", &docker_classic(&plain));
    let d25 = oci_archive(&dir, "d25.tar", &docker25(&plain));
    let rootfs = dir.path().join("rootfs");
    let (l0, l1) = base_entries();
    let flat: Vec<(String, Vec<u8>)> = l0
        .into_iter()
        .chain(l1)
        .filter_map(|(p, n)| match n {
            Node::File(c) => Some((p, c)),
            _ => None,
        })
        .collect();
    write_dir(&rootfs, &flat);

    let cases = [
        (&oci_tar, SourceKind::OciArchive),
        (&oci_dir, SourceKind::OciLayout),
        (&classic, SourceKind::DockerArchive),
        (&d25, SourceKind::DockerArchive),
    ];
    let mut reference: Option<Vec<Row>> = None;
    for (path, kind) in cases {
        let o = scan_at(path, None).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(o.image.kind, kind, "{}", path.display());
        assert_eq!(o.image.layers.len(), 2);
        assert_eq!(o.layers.len(), 2);
        assert_eq!(
            o.image
                .platform
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("linux/amd64")
        );
        assert_eq!(
            o.layers[1].created_by.as_deref(),
            Some("step 1"),
            "history is mapped to layers for {}",
            path.display()
        );
        // The diff_ids the walk computed are the ones the config promised.
        for (info, layer) in o.layers.iter().zip(&gz.layers) {
            assert_eq!(
                info.layer.diff_id.as_ref().map(ToString::to_string),
                Some(digest(&layer.tar))
            );
        }
        expected_base_rows(&o);
        let r = rows(&o);
        match &reference {
            None => reference = Some(r),
            Some(first) => assert_eq!(first, &r, "{} differs", path.display()),
        }
    }
    let classic_img =
        drydock_source::open(classic.to_str().unwrap(), &OpenOptions::default()).unwrap();
    assert_eq!(classic_img.repo_tags, vec!["drydock/test:latest"]);
    let d25_img = drydock_source::open(d25.to_str().unwrap(), &OpenOptions::default()).unwrap();
    assert_eq!(d25_img.repo_tags, vec!["drydock/test:latest"]);
    let oci_img = drydock_source::open(oci_tar.to_str().unwrap(), &OpenOptions::default()).unwrap();
    assert_eq!(
        oci_img.manifest_digest.map(|d| d.to_string()),
        Some(digest(&gz.manifest))
    );
    assert_eq!(
        oci_img.config_digest.map(|d| d.to_string()),
        Some(digest(&gz.config))
    );

    // A root filesystem has one pseudo-layer: same packages, layer 0.
    let o = scan_at(&rootfs, None).unwrap();
    assert_eq!(o.image.kind, SourceKind::Rootfs);
    let got: Vec<_> = rows(&o).into_iter().map(|r| (r.1, r.2, r.3, r.5)).collect();
    let want: Vec<_> = reference
        .unwrap()
        .into_iter()
        .map(|r| (r.1, r.2, r.3, r.5))
        .collect();
    assert_eq!(got, want);
    assert!(
        o.inventory
            .packages
            .iter()
            .all(|p| p.layer.index == 0 && p.layer.diff_id.is_none())
    );
}

#[test]
fn plain_gzip_and_zstd_layers_scan_alike() {
    let dir = TempDir::new().unwrap();
    let mut results = Vec::new();
    for comp in [
        [Comp::Plain, Comp::Plain],
        [Comp::Gzip, Comp::Gzip],
        [Comp::Zstd, Comp::Zstd],
        [Comp::Zstd, Comp::Plain],
    ] {
        let built = base(comp);
        for (l, c) in built.layers.iter().zip(comp) {
            // The builder really produced what it says.
            match c {
                Comp::Gzip => assert_eq!(&l.blob[..2], &[0x1f, 0x8b]),
                Comp::Zstd => assert_eq!(&l.blob[..4], &[0x28, 0xb5, 0x2f, 0xfd]),
                Comp::Plain => assert_eq!(l.blob, l.tar),
            }
        }
        let p = oci_archive(
            &dir,
            &format!("{comp:?}.tar").replace([' ', '[', ']', ','], ""),
            &oci_single(&built),
        );
        let o = scan_at(&p, None).unwrap_or_else(|e| panic!("{comp:?}: {e}"));
        expected_base_rows(&o);
        for (info, l) in o.layers.iter().zip(&built.layers) {
            assert_eq!(info.size, Some(l.blob.len() as u64));
            assert_eq!(info.uncompressed_size, l.tar.len() as u64);
        }
        results.push(rows(&o));
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn media_type_that_lies_about_compression_is_overruled_by_the_bytes() {
    let dir = TempDir::new().unwrap();
    let (l0, l1) = base_entries();
    // Says gzip, is a plain tar.
    let mut a = Layer::new(&l0, Comp::Plain);
    a.media_type = LAYER_GZIP.into();
    // Says plain tar, is zstd.
    let mut b = Layer::new(&l1, Comp::Zstd);
    b.media_type = LAYER_TAR.into();
    let built = build(vec![a, b], "amd64");
    let p = oci_archive(&dir, "lying.tar", &oci_single(&built));
    let img = drydock_source::open(p.to_str().unwrap(), &OpenOptions::default()).unwrap();
    assert_eq!(
        img.layers[0].compression_hint,
        Some(drydock_oci::Compression::Gzip)
    );
    assert_eq!(
        img.layers[1].compression_hint,
        Some(drydock_oci::Compression::None)
    );
    let o = scan_at(&p, None).unwrap();
    expected_base_rows(&o);
}

/// An amd64 and an arm64 image that differ in one package.
fn two_platforms() -> (Built, Built) {
    let (l0, _) = base_entries();
    let amd = build(
        vec![
            Layer::new(&l0, Comp::Gzip),
            Layer::new(&[dist_info("only-amd64", "1.0")], Comp::Gzip),
        ],
        "amd64",
    );
    let arm = build(
        vec![
            Layer::new(&l0, Comp::Gzip),
            Layer::new(&[dist_info("only-arm64", "1.0")], Comp::Gzip),
        ],
        "arm64",
    );
    (amd, arm)
}

fn pypi_names(o: &ScanOutcome) -> Vec<String> {
    o.inventory
        .packages
        .iter()
        .filter(|p| p.ecosystem.to_string() == "pypi")
        .map(|p| p.name.clone())
        .collect()
}

#[test]
fn multi_platform_index_picks_amd64_by_default_and_arm64_on_request() {
    let dir = TempDir::new().unwrap();
    let (amd, arm) = two_platforms();
    // arm64 listed first so that "first entry" would be the wrong choice.
    let mut arm_desc = arm.descriptor(true);
    arm_desc["platform"]["variant"] = json!("v8");
    let index = index_json(vec![arm_desc, amd.descriptor(true)]);
    let blobs: Vec<_> = amd.blobs().into_iter().chain(arm.blobs()).collect();
    let p = oci_archive(&dir, "multi.tar", &oci_members(index, blobs));

    let o = scan_at(&p, None).unwrap();
    assert_eq!(o.image.platform.as_ref().unwrap().architecture, "amd64");
    assert_eq!(
        o.image.manifest_digest.as_ref().unwrap().to_string(),
        digest(&amd.manifest)
    );
    assert_eq!(pypi_names(&o), vec!["only-amd64"]);

    for wanted in ["linux/arm64", "linux/arm64/v8"] {
        let o = scan_at(&p, Some(wanted)).unwrap();
        assert_eq!(
            o.image.platform.as_ref().unwrap().architecture,
            "arm64",
            "{wanted}"
        );
        assert_eq!(
            o.image.manifest_digest.as_ref().unwrap().to_string(),
            digest(&arm.manifest)
        );
        assert_eq!(pypi_names(&o), vec!["only-arm64"]);
    }

    match scan_at(&p, Some("linux/s390x")) {
        Err(ScanError::Source(SourceError::NoMatchingPlatform {
            wanted, available, ..
        })) => {
            assert_eq!(wanted, "linux/s390x");
            assert!(
                available.contains("linux/arm64/v8") && available.contains("linux/amd64"),
                "{available}"
            );
        }
        other => panic!("expected NoMatchingPlatform, got {other:?}"),
    }
}

#[test]
fn nested_index_is_followed_to_the_right_platform() {
    let dir = TempDir::new().unwrap();
    let (amd, arm) = two_platforms();
    let inner = index_json(vec![arm.descriptor(true), amd.descriptor(true)]);
    let outer = index_json(vec![json!({
        "mediaType": OCI_INDEX,
        "digest": digest(&inner),
        "size": inner.len(),
    })]);
    let blobs: Vec<_> = amd
        .blobs()
        .into_iter()
        .chain(arm.blobs())
        .chain([(blob_name(&inner), inner.clone())])
        .collect();
    let members = oci_members(outer, blobs);
    let p = oci_archive(&dir, "nested.tar", &members);
    let layout = dir.path().join("nested-layout");
    write_dir(&layout, &members);
    for src in [&p, &layout] {
        let o = scan_at(src, None).unwrap();
        assert_eq!(pypi_names(&o), vec!["only-amd64"], "{}", src.display());
        let o = scan_at(src, Some("linux/arm64")).unwrap();
        assert_eq!(pypi_names(&o), vec!["only-arm64"], "{}", src.display());
    }
}

#[test]
fn attestation_manifests_are_never_chosen() {
    let dir = TempDir::new().unwrap();
    let (amd, _) = two_platforms();
    // BuildKit's attestation: a real manifest, platform unknown/unknown.
    let att = build(
        vec![Layer::new(
            &[dist_info("attestation-only", "9.9")],
            Comp::Plain,
        )],
        "unknown",
    );
    let mut att_desc = att.descriptor(false);
    att_desc["platform"] = json!({"os": "unknown", "architecture": "unknown"});
    att_desc["annotations"] = json!({
        "vnd.docker.reference.type": "attestation-manifest",
        "vnd.docker.reference.digest": digest(&amd.manifest),
    });
    let index = index_json(vec![att_desc, amd.descriptor(true)]);
    let blobs: Vec<_> = amd.blobs().into_iter().chain(att.blobs()).collect();
    let p = oci_archive(&dir, "att.tar", &oci_members(index, blobs));

    let o = scan_at(&p, None).unwrap();
    assert_eq!(
        o.image.manifest_digest.as_ref().unwrap().to_string(),
        digest(&amd.manifest)
    );
    assert_eq!(pypi_names(&o), vec!["only-amd64"]);
    // Explicitly asking for another platform must not fall back to the
    // attestation either.
    match scan_at(&p, Some("linux/arm64")) {
        Err(ScanError::Source(SourceError::NoMatchingPlatform { available, .. })) => {
            assert!(available.contains("linux/amd64"), "{available}");
        }
        other => panic!("expected NoMatchingPlatform, got {other:?}"),
    }
}

#[test]
fn whiteout_deletes_a_dist_info_from_lower_layers() {
    let o = scan_layers(vec![
        vec![dist_info("gone", "1.0"), dist_info("kept", "1.0")],
        vec![whiteout(&format!("{SITE}/gone-1.0.dist-info"))],
    ]);
    assert_eq!(names(&o), vec![("kept".to_owned(), "1.0".to_owned(), 0)]);

    // Whiting out only the METADATA file has the same effect.
    let o = scan_layers(vec![
        vec![dist_info("gone", "1.0")],
        vec![whiteout(&format!("{SITE}/gone-1.0.dist-info/METADATA"))],
    ]);
    assert!(o.inventory.packages.is_empty(), "{:?}", names(&o));
}

#[test]
fn opaque_directory_hides_lower_contents() {
    let o = scan_layers(vec![
        vec![
            dist_info("old", "1.0"),
            file("usr/lib/python3/other/keep.txt", "x"),
        ],
        vec![opaque(SITE), dist_info("new", "2.0")],
    ]);
    assert_eq!(names(&o), vec![("new".to_owned(), "2.0".to_owned(), 1)]);
    // The opaque marker does not hide the directory's own siblings.
    let o = scan_layers(vec![
        vec![
            dist_info("old", "1.0"),
            file(STATUS, dpkg_para("libfoo1", "1.2-3")),
        ],
        vec![opaque(SITE)],
    ]);
    assert_eq!(
        names(&o),
        vec![("libfoo1".to_owned(), "1.2-3".to_owned(), 0)]
    );
}

#[test]
fn replaced_file_is_attributed_to_the_later_layer() {
    let o = scan_layers(vec![
        vec![dist_info("lib", "1.0")],
        vec![file(
            &format!("{SITE}/lib-1.0.dist-info/METADATA"),
            "Metadata-Version: 2.1\nName: lib\nVersion: 1.1\n",
        )],
    ]);
    assert_eq!(names(&o), vec![("lib".to_owned(), "1.1".to_owned(), 1)]);
    assert_eq!(o.inventory.packages[0].locations[0].layer.index, 1);
}

#[test]
fn package_kept_across_a_rewritten_status_file_stays_in_its_first_layer() {
    let o = scan_layers(vec![
        vec![file(STATUS, dpkg_para("a", "1") + &dpkg_para("b", "1"))],
        vec![file(
            STATUS,
            dpkg_para("b", "1") + &dpkg_para("c", "1") + &dpkg_para("a", "1"),
        )],
    ]);
    let s = |n: &str, l| (n.to_owned(), "1".to_owned(), l);
    assert_eq!(names(&o), vec![s("a", 0), s("b", 0), s("c", 1)]);
    // The evidence is the status file that is actually visible.
    assert!(
        o.inventory
            .packages
            .iter()
            .all(|p| p.locations[0].layer.index == 1)
    );

    // A package dropped in layer 1 and re-added in layer 2 was introduced by
    // layer 2: there was a gap.
    let o = scan_layers(vec![
        vec![file(STATUS, dpkg_para("a", "1"))],
        vec![file(STATUS, dpkg_para("z", "1"))],
        vec![file(STATUS, dpkg_para("a", "1") + &dpkg_para("z", "1"))],
    ]);
    assert_eq!(names(&o), vec![s("a", 2), s("z", 1)]);
}

#[test]
fn builder_sanity_manifest_is_what_the_source_reads() {
    // Guards the builder itself: the JSON it writes is what drydock parses.
    let built = base([Comp::Gzip, Comp::Plain]);
    let m: Value = serde_json::from_slice(&built.manifest).unwrap();
    assert_eq!(m["layers"][0]["mediaType"], LAYER_GZIP);
    assert_eq!(m["layers"][1]["mediaType"], LAYER_TAR);
    let dir = TempDir::new().unwrap();
    let p = oci_archive(&dir, "x.tar", &oci_single(&built));
    let img = drydock_source::open(p.to_str().unwrap(), &OpenOptions::default()).unwrap();
    assert_eq!(img.layers.len(), 2);
    assert_eq!(
        img.layers[1].blob_digest.as_ref().map(ToString::to_string),
        Some(digest(&built.layers[1].blob))
    );
    assert_eq!(img.config.rootfs.diff_ids.len(), 2);
}

#[test]
fn symlink_replacing_a_directory_hides_what_was_under_it() {
    // With the directory recorded in the lower tar, as `docker build` writes it.
    let o = scan_layers(vec![
        vec![(SITE.to_owned(), Node::Dir), dist_info("under-dir", "1.0")],
        vec![(SITE.to_owned(), Node::Symlink("/opt/empty".into()))],
    ]);
    assert!(o.inventory.packages.is_empty(), "{:?}", names(&o));
}

#[test]
fn symlink_replacing_an_implicit_directory_hides_what_was_under_it() {
    // Tars need not record parent directories; the directory exists anyway.
    let o = scan_layers(vec![
        vec![dist_info("under-dir", "1.0")],
        vec![(SITE.to_owned(), Node::Symlink("/opt/empty".into()))],
    ]);
    assert!(o.inventory.packages.is_empty(), "{:?}", names(&o));
}
