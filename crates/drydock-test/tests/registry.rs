//! The test registry and proxy against the real `docker-registry` and
//! `skopeo`. Each test skips (with a note on stderr) when they are not
//! installed, unless `DRYDOCK_REQUIRE_REGISTRY=1`.

use std::io::Read;
use std::path::PathBuf;

use drydock_test::proxy::Proxy;
use drydock_test::registry::{
    RegistryOptions, TestRegistry, corpus_image, http, registry_required,
};
use drydock_test::{Comp, Layer, OCI_INDEX, OCI_MANIFEST, build, digest, file, index_json};
use serde_json::{Value, json};

/// The small corpus image, or `None` (skip) when the shared corpus is absent.
fn clean_image() -> Option<PathBuf> {
    let p = corpus_image("clean.oci.tar");
    if p.is_none() {
        assert!(
            !registry_required(),
            "DRYDOCK_REQUIRE_REGISTRY=1 but corpus/images/clean.oci.tar is missing"
        );
        eprintln!("skipping: corpus/images/clean.oci.tar not found (set DRYDOCK_SHARED)");
    }
    p
}

/// The archive's `index.json` manifest descriptor: `(digest, tag)`.
fn archive_manifest(path: &PathBuf) -> (String, String) {
    let mut ar = tar::Archive::new(std::fs::File::open(path).unwrap());
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        if e.path().unwrap().to_str() == Some("index.json") {
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            let v: Value = serde_json::from_str(&s).unwrap();
            let d = &v["manifests"][0];
            return (
                d["digest"].as_str().unwrap().to_owned(),
                d["annotations"]["org.opencontainers.image.ref.name"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    panic!("{} has no index.json", path.display());
}

fn start(opts: RegistryOptions) -> Option<(TestRegistry, PathBuf)> {
    let image = clean_image()?;
    Some((TestRegistry::start(opts)?, image))
}

#[test]
fn plain_push_then_fetch_through_the_proxy_and_cut_a_blob() {
    let Some((reg, image)) = start(RegistryOptions::plain()) else {
        return;
    };
    let (want, tag) = archive_manifest(&image);
    let pushed = reg.push(
        &format!("oci-archive:{}", image.display()),
        &format!("clean:{tag}"),
    );
    assert_eq!(pushed, want);

    let proxy = Proxy::start(&reg.host());
    let accept = [("Accept", OCI_MANIFEST)];
    let m = http(
        &proxy.host(),
        "GET",
        &format!("/v2/clean/manifests/{tag}"),
        &accept,
        b"",
    )
    .unwrap();
    assert_eq!(m.status, 200, "{}", String::from_utf8_lossy(&m.body));
    assert_eq!(digest(&m.body), want);
    assert_eq!(m.header("docker-content-digest"), Some(want.as_str()));
    assert_eq!(
        proxy.requests(),
        [("GET".to_owned(), format!("/v2/clean/manifests/{tag}"))]
    );
    assert_eq!(proxy.blob_gets(), 0);

    let manifest: Value = serde_json::from_slice(&m.body).unwrap();
    let layer = &manifest["layers"][0];
    let layer_digest = layer["digest"].as_str().unwrap();
    let layer_size = layer["size"].as_u64().unwrap();
    let blob_path = format!("/v2/clean/blobs/{layer_digest}");
    let whole = http(&proxy.host(), "GET", &blob_path, &[], b"").unwrap();
    assert_eq!(whole.status, 200);
    assert_eq!(digest(&whole.body), layer_digest);
    assert_eq!(whole.body.len() as u64, layer_size);
    assert_eq!(proxy.blob_gets(), 1);

    proxy.cut_blobs_after(Some(1000));
    let err = http(&proxy.host(), "GET", &blob_path, &[], b"").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof, "{err}");
    assert_eq!(proxy.blob_gets(), 2);
    // Uploads through the proxy: the body is forwarded, and the registry's
    // Location points back at the proxy because the Host header is kept.
    proxy.cut_blobs_after(None);
    let start = http(&proxy.host(), "POST", "/v2/clean/blobs/uploads/", &[], b"").unwrap();
    assert_eq!(start.status, 202);
    let origin = format!("http://{}", proxy.host());
    let loc = start.header("location").unwrap();
    let upload = loc
        .strip_prefix(&origin)
        .unwrap_or_else(|| panic!("{loc} is not behind {origin}"));
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let d = digest(&data);
    let put = http(
        &proxy.host(),
        "PUT",
        &format!("{upload}&digest={d}"),
        &[("Content-Type", "application/octet-stream")],
        &data,
    )
    .unwrap();
    assert_eq!(put.status, 201, "{}", String::from_utf8_lossy(&put.body));
    let back = reg
        .request("GET", &format!("/v2/clean/blobs/{d}"), &[], b"")
        .unwrap();
    assert_eq!(back.body, data);
    assert_eq!(proxy.requests().len(), 5);

    // The registry itself served both blob GETs in full.
    let log = reg.log();
    assert_eq!(
        log.matches(&format!("\"GET {blob_path} HTTP/1.1\" 200"))
            .count(),
        2,
        "{log}"
    );
}

#[test]
fn htpasswd_registry_requires_the_credentials() {
    let Some((reg, image)) = start(RegistryOptions::plain().with_auth("alice", "s3cret pass"))
    else {
        return;
    };
    let (want, tag) = archive_manifest(&image);
    assert_eq!(reg.credentials(), Some(("alice", "s3cret pass")));
    let pushed = reg.push(
        &format!("oci-archive:{}", image.display()),
        &format!("clean:{tag}"),
    );
    assert_eq!(pushed, want);

    let path = format!("/v2/clean/manifests/{tag}");
    let accept = [("Accept", OCI_MANIFEST)];
    let anonymous = http(&reg.host(), "GET", &path, &accept, b"").unwrap();
    assert_eq!(anonymous.status, 401);
    assert!(
        anonymous
            .header("www-authenticate")
            .is_some_and(|h| h.starts_with("Basic"))
    );
    let wrong = http(
        &reg.host(),
        "GET",
        &path,
        &[accept[0], ("Authorization", "Basic YWxpY2U6bm8=")],
        b"",
    )
    .unwrap();
    assert_eq!(wrong.status, 401);
    let authed = reg.request("GET", &path, &accept, b"").unwrap();
    assert_eq!(authed.status, 200);
    assert_eq!(digest(&authed.body), want);

    // Raw pushes carry the credentials too.
    let cfg = reg.put_blob("raw", b"{}");
    assert_eq!(cfg, digest(b"{}"));
}

#[test]
fn tls_registry_serves_with_the_test_ca() {
    let Some((reg, image)) = start(RegistryOptions::tls().with_auth("bob", "pw")) else {
        return;
    };
    assert!(reg.base_url().starts_with("https://127.0.0.1:"));
    let ca = reg.ca_cert().expect("a TLS registry has a CA");
    let pem = std::fs::read_to_string(&ca).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let (want, tag) = archive_manifest(&image);
    // skopeo verifies the chain against the CA: a push succeeding proves the
    // server certificate is valid for 127.0.0.1.
    let pushed = reg.push(
        &format!("oci-archive:{}", image.display()),
        &format!("clean:{tag}"),
    );
    assert_eq!(pushed, want);
    // Plain HTTP to a TLS port gets the Go server's 400, not a manifest.
    let plain = http(&reg.host(), "GET", "/v2/", &[], b"").unwrap();
    assert_eq!(plain.status, 400);
    match reg.request(
        "GET",
        &format!("/v2/clean/manifests/{tag}"),
        &[("Accept", OCI_MANIFEST)],
        b"",
    ) {
        Ok(r) => {
            assert_eq!(r.status, 200);
            assert_eq!(digest(&r.body), want);
            let blob = reg.put_blob("raw", b"tls blob");
            assert_eq!(blob, digest(b"tls blob"));
        }
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => {
            eprintln!("curl not installed, raw TLS requests not checked: {e}")
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn raw_blob_and_manifest_pushes_round_trip() {
    let Some(reg) = TestRegistry::start(RegistryOptions::plain()) else {
        return;
    };
    let b = build(
        vec![Layer::new(
            &[file("etc/os-release", "ID=test\n")],
            Comp::Gzip,
        )],
        "amd64",
    );
    assert_eq!(reg.put_blob("raw/img", &b.config), digest(&b.config));
    for l in &b.layers {
        assert_eq!(reg.put_blob("raw/img", &l.blob), digest(&l.blob));
    }
    let md = reg.put_manifest("raw/img", "v1", OCI_MANIFEST, &b.manifest);
    assert_eq!(md, digest(&b.manifest));

    let got = reg
        .request(
            "GET",
            "/v2/raw/img/manifests/v1",
            &[("Accept", OCI_MANIFEST)],
            b"",
        )
        .unwrap();
    assert_eq!(got.status, 200);
    assert_eq!(got.body, b.manifest);
    assert_eq!(got.header("content-type"), Some(OCI_MANIFEST));
    let by_digest = reg
        .request(
            "GET",
            &format!("/v2/raw/img/manifests/{md}"),
            &[("Accept", OCI_MANIFEST)],
            b"",
        )
        .unwrap();
    assert_eq!(by_digest.body, b.manifest);

    // A cosign-style signature manifest under the sha256-<hex>.sig tag.
    let payload = br#"{"critical":{"image":{"docker-manifest-digest":"x"}}}"#;
    let sig_layer = reg.put_blob("raw/img", payload);
    let sig_config = reg.put_blob("raw/img", b"{}");
    let sig = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sig_config, "size": 2},
        "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "digest": sig_layer,
            "size": payload.len(),
            "annotations": {"dev.cosignproject.cosign/signature": "MEUC"},
        }],
    }))
    .unwrap();
    let sig_tag = format!("{}.sig", md.replace(':', "-"));
    assert_eq!(
        reg.put_manifest("raw/img", &sig_tag, OCI_MANIFEST, &sig),
        digest(&sig)
    );
    let tags = reg
        .request("GET", "/v2/raw/img/tags/list", &[], b"")
        .unwrap();
    let tags: Value = serde_json::from_slice(&tags.body).unwrap();
    let mut tags: Vec<&str> = tags["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    tags.sort_unstable();
    assert_eq!(tags, [sig_tag.as_str(), "v1"]);
    let blob = reg
        .request("GET", &format!("/v2/raw/img/blobs/{sig_layer}"), &[], b"")
        .unwrap();
    assert_eq!(blob.body, payload);
}

#[test]
fn a_manifest_naming_a_missing_blob_is_refused() {
    let Some(reg) = TestRegistry::start(RegistryOptions::plain()) else {
        return;
    };
    let b = build(vec![Layer::new(&[file("a", "b")], Comp::Plain)], "amd64");
    reg.put_blob("r", &b.config);
    let r = reg
        .request(
            "PUT",
            "/v2/r/manifests/v1",
            &[("Content-Type", OCI_MANIFEST)],
            &b.manifest,
        )
        .unwrap();
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
}

#[test]
fn tampered_blob_is_served_under_its_old_digest() {
    let Some(reg) = TestRegistry::start(RegistryOptions::plain()) else {
        return;
    };
    let d = reg.put_blob("t", b"original bytes");
    assert!(reg.blob_path(&d).starts_with(reg.storage_dir()));
    reg.tamper_blob(&d, b"evil");
    let r = reg
        .request("GET", &format!("/v2/t/blobs/{d}"), &[], b"")
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"evil");
    assert_ne!(digest(&r.body), d);
}

#[test]
fn push_all_keeps_a_multi_platform_index() {
    let Some(reg) = TestRegistry::start(RegistryOptions::plain()) else {
        return;
    };
    let amd = build(
        vec![Layer::new(&[file("arch", "amd64")], Comp::Gzip)],
        "amd64",
    );
    let arm = build(
        vec![Layer::new(&[file("arch", "arm64")], Comp::Zstd)],
        "arm64",
    );
    let inner = index_json(vec![amd.descriptor(true), arm.descriptor(true)]);
    let outer = index_json(vec![json!({
        "mediaType": OCI_INDEX,
        "digest": digest(&inner),
        "size": inner.len(),
        "annotations": {"org.opencontainers.image.ref.name": "multi"},
    })]);
    let mut blobs = amd.blobs();
    blobs.extend(arm.blobs());
    blobs.push((drydock_test::blob_name(&inner), inner.clone()));
    let dir = tempfile::tempdir().unwrap();
    drydock_test::write_dir(dir.path(), &drydock_test::oci_members(outer, blobs));

    let pushed = reg.push_all(&format!("oci:{}:multi", dir.path().display()), "multi:1");
    assert_eq!(pushed, digest(&inner));
    let got = reg
        .request(
            "GET",
            "/v2/multi/manifests/1",
            &[("Accept", OCI_INDEX)],
            b"",
        )
        .unwrap();
    assert_eq!(got.status, 200);
    assert_eq!(got.body, inner);
    for m in [&amd, &arm] {
        let r = reg
            .request(
                "GET",
                &format!("/v2/multi/manifests/{}", digest(&m.manifest)),
                &[("Accept", OCI_MANIFEST)],
                b"",
            )
            .unwrap();
        assert_eq!(r.body, m.manifest);
    }
}

#[test]
fn parallel_registries_get_their_own_ports_and_storage() {
    let regs: Vec<Option<TestRegistry>> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| TestRegistry::start(RegistryOptions::plain())))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let Some(regs) = regs.into_iter().collect::<Option<Vec<_>>>() else {
        return;
    };
    let mut hosts: Vec<String> = regs.iter().map(TestRegistry::host).collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(hosts.len(), regs.len());
    for (i, r) in regs.iter().enumerate() {
        r.put_blob("p", format!("blob {i}").as_bytes());
    }
    for (i, r) in regs.iter().enumerate() {
        for (j, other) in regs.iter().enumerate() {
            let d = digest(format!("blob {j}").as_bytes());
            let got = r
                .request("HEAD", &format!("/v2/p/blobs/{d}"), &[], b"")
                .unwrap();
            assert_eq!(
                got.status,
                if i == j { 200 } else { 404 },
                "{} blob {j}",
                other.host()
            );
        }
    }
    let dirs: Vec<_> = regs.iter().map(|r| r.storage_dir().to_path_buf()).collect();
    drop(regs);
    for d in dirs {
        assert!(!d.exists(), "{} outlived its registry", d.display());
    }
}
