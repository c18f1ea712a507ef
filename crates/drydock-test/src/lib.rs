//! Test support for drydock: builds container images, byte by byte, in every
//! source format drydock opens.
//!
//! A test describes each layer as a list of `(path, Node)` entries (files,
//! directories, symlinks, whiteouts, opaque markers). [`Layer::new`] turns
//! that into a tar, compressed plain, gzip or zstd; [`build`] adds a config
//! whose `diff_ids` and history match the layers and an OCI manifest whose
//! descriptors carry the right digests and sizes. The resulting [`Built`]
//! image is then laid out as
//!
//! - an OCI layout ([`oci_single`], or [`oci_members`] with a hand-made
//!   index for multi-platform and nested indexes),
//! - a classic `docker save` archive ([`docker_classic`]),
//! - a Docker 25+ `docker save` archive ([`docker25`]),
//!
//! and written as a tar ([`write_tar`]) or a directory ([`write_dir`]).
//!
//! Tests build images instead of committing them because the interesting
//! cases are small variations of a correct image: a wrong digest, a lying
//! media type, a missing blob, a hostile tar member. Built in the test, each
//! variation is visible next to its assertions, every other digest stays
//! consistent without hand editing, and the repository carries no opaque
//! binary fixtures that drift from what the code expects.
//!
//! For registry tests, [`registry::TestRegistry`] runs a real distribution
//! registry on a private port (skopeo pushes, raw blob and manifest pushes,
//! storage tampering) and [`proxy::Proxy`] sits in front of it to count
//! requests and cut blob downloads short.
//!
//! This crate is for tests only: it panics on I/O errors and on names too
//! long for a plain tar header, which is what a test wants.

#![deny(missing_docs)]

use std::io::Write;
use std::path::Path;

pub mod proxy;
pub mod registry;

use drydock_oci::Digest;
use serde_json::{Value, json};

/// Media type of an OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Media type of an OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Media type of an OCI image config.
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// Media type of an uncompressed layer.
pub const LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";
/// Media type of a gzip-compressed layer.
pub const LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// Media type of a zstd-compressed layer.
pub const LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";

/// The `sha256:<hex>` digest of `b`.
pub fn digest(b: &[u8]) -> String {
    Digest::sha256_of(b).to_string()
}

/// The bare hex SHA-256 of `b`.
pub fn hex(b: &[u8]) -> String {
    Digest::sha256_of(b).hex().to_owned()
}

/// Where an OCI layout stores `b`: `blobs/sha256/<hex>`.
pub fn blob_name(b: &[u8]) -> String {
    format!("blobs/sha256/{}", hex(b))
}

/// What a layer puts at a path.
#[derive(Clone)]
pub enum Node {
    /// A regular file with this content.
    File(Vec<u8>),
    /// A directory, recorded as its own tar member.
    Dir,
    /// A symbolic link to this target.
    Symlink(String),
    /// `.wh.<name>` next to the path.
    Whiteout,
    /// `.wh..wh..opq` inside the directory.
    Opaque,
}

/// The contents of one layer, in tar order.
pub type Entries = Vec<(String, Node)>;

/// A regular file at `path`.
pub fn file(path: &str, content: impl AsRef<[u8]>) -> (String, Node) {
    (path.to_owned(), Node::File(content.as_ref().to_vec()))
}

/// A whiteout deleting `path` from lower layers.
pub fn whiteout(path: &str) -> (String, Node) {
    (path.to_owned(), Node::Whiteout)
}

/// An opaque marker hiding what lower layers put under `dir`.
pub fn opaque(dir: &str) -> (String, Node) {
    (dir.to_owned(), Node::Opaque)
}

/// Appends one tar member with a hand-written GNU header, so names are
/// stored exactly as given (the `tar` crate's builder would normalise the
/// `..` and absolute paths hostile tests need).
///
/// # Panics
///
/// If `name` or `link` is longer than the 100 bytes a plain header holds.
pub fn put_member(out: &mut Vec<u8>, name: &str, ty: tar::EntryType, data: &[u8], link: &str) {
    assert!(
        name.len() <= 100 && link.len() <= 100,
        "builder keeps names short"
    );
    let mut h = tar::Header::new_gnu();
    let old = h.as_old_mut();
    old.name[..name.len()].copy_from_slice(name.as_bytes());
    old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    h.set_entry_type(ty);
    h.set_mode(if ty == tar::EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_size(data.len() as u64);
    h.set_cksum();
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

/// Ends a tar written with [`put_member`] with its two zero blocks.
pub fn finish_tar(mut out: Vec<u8>) -> Vec<u8> {
    out.extend_from_slice(&[0u8; 1024]);
    out
}

/// The uncompressed tar of a layer.
pub fn layer_tar(entries: &[(String, Node)]) -> Vec<u8> {
    use tar::EntryType as T;
    let mut out = Vec::new();
    for (path, node) in entries {
        match node {
            Node::File(c) => put_member(&mut out, path, T::Regular, c, ""),
            Node::Dir => put_member(&mut out, &format!("{path}/"), T::Directory, b"", ""),
            Node::Symlink(t) => put_member(&mut out, path, T::Symlink, b"", t),
            Node::Whiteout => {
                let wh = match path.rsplit_once('/') {
                    Some((d, b)) => format!("{d}/.wh.{b}"),
                    None => format!(".wh.{path}"),
                };
                put_member(&mut out, &wh, T::Regular, b"", "");
            }
            Node::Opaque => put_member(
                &mut out,
                &format!("{path}/.wh..wh..opq"),
                T::Regular,
                b"",
                "",
            ),
        }
    }
    finish_tar(out)
}

/// How a layer blob is compressed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comp {
    /// Stored as the plain tar.
    Plain,
    /// gzip.
    Gzip,
    /// zstd.
    Zstd,
}

/// `data` compressed as `c` says.
pub fn compress(data: &[u8], c: Comp) -> Vec<u8> {
    match c {
        Comp::Plain => data.to_vec(),
        Comp::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).expect("gzip into memory");
            e.finish().expect("gzip into memory")
        }
        Comp::Zstd => zstd::encode_all(data, 3).expect("zstd into memory"),
    }
}

/// The OCI layer media type for compression `c`.
pub fn media_type(c: Comp) -> &'static str {
    match c {
        Comp::Plain => LAYER_TAR,
        Comp::Gzip => LAYER_GZIP,
        Comp::Zstd => LAYER_ZSTD,
    }
}

/// A layer: its tar (for the diff_id) and the blob as stored.
///
/// Fields are public so that tests can make the blob, or its media type, lie.
#[derive(Clone)]
pub struct Layer {
    /// The uncompressed tar; its digest is the diff_id.
    pub tar: Vec<u8>,
    /// The blob as stored in the image; its digest is the manifest's.
    pub blob: Vec<u8>,
    /// The media type the manifest gives the blob.
    pub media_type: String,
}

impl Layer {
    /// A layer holding `entries`, compressed as `c` with the matching media
    /// type.
    pub fn new(entries: &[(String, Node)], c: Comp) -> Self {
        let tar = layer_tar(entries);
        Self {
            blob: compress(&tar, c),
            tar,
            media_type: media_type(c).to_owned(),
        }
    }
}

/// One single-platform image: config, manifest and layer blobs.
#[derive(Clone)]
pub struct Built {
    /// The config JSON, as stored.
    pub config: Vec<u8>,
    /// The OCI manifest JSON, as stored.
    pub manifest: Vec<u8>,
    /// The layers, bottom first.
    pub layers: Vec<Layer>,
    /// The architecture in the config and in platform descriptors.
    pub arch: String,
}

/// A linux config for `arch` whose `diff_ids` are the layers' tars and whose
/// history has one `step <i>` entry per layer.
pub fn config_json(layers: &[Layer], arch: &str) -> Value {
    json!({
        "architecture": arch,
        "os": "linux",
        "config": {"Env": ["PATH=/usr/bin"]},
        "rootfs": {
            "type": "layers",
            "diff_ids": layers.iter().map(|l| digest(&l.tar)).collect::<Vec<_>>(),
        },
        "history": layers.iter().enumerate()
            .map(|(i, _)| json!({"created_by": format!("step {i}")}))
            .collect::<Vec<_>>(),
    })
}

/// An OCI manifest pointing at `config` and the layers' blobs.
pub fn manifest_json(config: &[u8], layers: &[Layer]) -> Value {
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": digest(config), "size": config.len()},
        "layers": layers.iter().map(|l| json!({
            "mediaType": l.media_type,
            "digest": digest(&l.blob),
            "size": l.blob.len(),
        })).collect::<Vec<_>>(),
    })
}

/// `v` serialised, pretty-printed as image tools write it.
pub fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).expect("a JSON value serialises")
}

/// An image of `layers` for linux/`arch`, with a consistent config and
/// manifest.
pub fn build(layers: Vec<Layer>, arch: &str) -> Built {
    let config = to_bytes(&config_json(&layers, arch));
    let manifest = to_bytes(&manifest_json(&config, &layers));
    Built {
        config,
        manifest,
        layers,
        arch: arch.to_owned(),
    }
}

impl Built {
    /// Config, manifest and layers as `blobs/sha256/<hex>` members.
    pub fn blobs(&self) -> Vec<(String, Vec<u8>)> {
        let mut v = vec![
            (blob_name(&self.config), self.config.clone()),
            (blob_name(&self.manifest), self.manifest.clone()),
        ];
        v.extend(
            self.layers
                .iter()
                .map(|l| (blob_name(&l.blob), l.blob.clone())),
        );
        v
    }

    /// A descriptor of the manifest for an index, with a linux/`arch`
    /// platform if `with_platform`.
    pub fn descriptor(&self, with_platform: bool) -> Value {
        let mut d = json!({
            "mediaType": OCI_MANIFEST,
            "digest": digest(&self.manifest),
            "size": self.manifest.len(),
        });
        if with_platform {
            d["platform"] = json!({"os": "linux", "architecture": self.arch});
        }
        d
    }
}

/// An OCI index listing `manifests` (descriptors), serialised.
pub fn index_json(manifests: Vec<Value>) -> Vec<u8> {
    to_bytes(&json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}))
}

/// The files of an OCI layout holding `blobs` under `index`.
pub fn oci_members(index: Vec<u8>, blobs: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let mut v = vec![
        (
            "oci-layout".to_owned(),
            br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
        ),
        ("index.json".to_owned(), index),
    ];
    v.extend(blobs);
    v
}

/// A single image as an OCI layout.
pub fn oci_single(b: &Built) -> Vec<(String, Vec<u8>)> {
    oci_members(index_json(vec![b.descriptor(false)]), b.blobs())
}

/// `docker save` before Docker 25: `<id>/layer.tar` and `<config-hex>.json`,
/// tagged `drydock/test:latest`.
pub fn docker_classic(b: &Built) -> Vec<(String, Vec<u8>)> {
    let config_name = format!("{}.json", hex(&b.config));
    let layer_names: Vec<String> = b
        .layers
        .iter()
        .map(|l| format!("{}/layer.tar", &hex(&l.tar)[..32]))
        .collect();
    let manifest = json!([{
        "Config": config_name,
        "RepoTags": ["drydock/test:latest"],
        "Layers": layer_names,
    }]);
    let mut v = vec![
        ("manifest.json".to_owned(), to_bytes(&manifest)),
        (config_name, b.config.clone()),
    ];
    v.extend(
        layer_names
            .into_iter()
            .zip(b.layers.iter().map(|l| l.blob.clone())),
    );
    v
}

/// `docker save` from Docker 25 on: an OCI layout plus a manifest.json
/// naming blobs by path, tagged `drydock/test:latest`.
pub fn docker25(b: &Built) -> Vec<(String, Vec<u8>)> {
    let manifest = json!([{
        "Config": blob_name(&b.config),
        "RepoTags": ["drydock/test:latest"],
        "Layers": b.layers.iter().map(|l| blob_name(&l.blob)).collect::<Vec<_>>(),
    }]);
    let mut desc = b.descriptor(false);
    desc["annotations"] = json!({"io.containerd.image.name": "docker.io/drydock/test:latest"});
    let mut v = oci_members(index_json(vec![desc]), b.blobs());
    v.push(("manifest.json".to_owned(), to_bytes(&manifest)));
    v
}

/// `members` as a tar of regular files, names stored verbatim.
pub fn tar_of(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in members {
        put_member(&mut out, name, tar::EntryType::Regular, data, "");
    }
    finish_tar(out)
}

/// Writes `members` as a tar file at `path`.
pub fn write_tar(path: &Path, members: &[(String, Vec<u8>)]) {
    std::fs::write(path, tar_of(members)).expect("write test tar");
}

/// Writes `members` as files under `root`, creating directories as needed.
pub fn write_dir(root: &Path, members: &[(String, Vec<u8>)]) {
    for (name, data) in members {
        let p = root.join(name);
        std::fs::create_dir_all(p.parent().expect("member path has a parent"))
            .expect("create test dir");
        std::fs::write(p, data).expect("write test file");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_and_manifest_digests_agree_with_the_layers() {
        let l = Layer::new(&[file("a", "x")], Comp::Gzip);
        let b = build(vec![l.clone()], "amd64");
        let config: Value = serde_json::from_slice(&b.config).unwrap();
        assert_eq!(config["rootfs"]["diff_ids"][0], digest(&l.tar));
        let manifest: Value = serde_json::from_slice(&b.manifest).unwrap();
        assert_eq!(manifest["config"]["digest"], digest(&b.config));
        assert_eq!(manifest["layers"][0]["digest"], digest(&l.blob));
        assert_eq!(manifest["layers"][0]["size"], l.blob.len());
        assert_eq!(manifest["layers"][0]["mediaType"], LAYER_GZIP);
    }

    #[test]
    fn layer_tar_reads_back_with_names_verbatim() {
        let t = layer_tar(&[
            ("d".to_owned(), Node::Dir),
            file("d/f", "hi"),
            ("d/l".to_owned(), Node::Symlink("/t".into())),
            whiteout("d/gone"),
            opaque("o"),
        ]);
        let mut ar = tar::Archive::new(t.as_slice());
        let names: Vec<String> = ar
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["d/", "d/f", "d/l", "d/.wh.gone", "o/.wh..wh..opq"]);
    }
}
