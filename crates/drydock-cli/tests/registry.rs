//! Registry pulls, signatures and trust policies against a real registry
//! (Debian's `docker-registry`, images pushed with `skopeo`), started by
//! each test on loopback. Skipped with a note when the tools are missing,
//! unless `DRYDOCK_REQUIRE_REGISTRY=1` (CI sets it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use drydock_oci::Digest;
use drydock_test::proxy::Proxy;
use drydock_test::registry::{RegistryOptions, TestRegistry, corpus_image, registry_required};
use drydock_test::{Comp, Layer, OCI_INDEX, build, digest, file, index_json};
use drydock_trust::cosign::{SigningKey, signature_artifacts};
use serde_json::{Value, json};

const SIG_LAYER: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

struct Env {
    _home: tempfile::TempDir,
    home: PathBuf,
    cache: PathBuf,
}

impl Env {
    fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let path = home.path().to_path_buf();
        std::fs::create_dir_all(path.join("docker")).unwrap();
        Self {
            cache: path.join("cache"),
            home: path,
            _home: home,
        }
    }

    /// Runs drydock with a private cache and an empty Docker config, so
    /// nothing from the machine leaks in.
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_drydock"));
        c.args(args)
            .env("DRYDOCK_CACHE_DIR", &self.cache)
            .env("DRYDOCK_DB_DIR", self.home.join("db"))
            .env("DOCKER_CONFIG", self.home.join("docker"))
            .env("HOME", &self.home)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .env_remove("DRYDOCK_USERNAME")
            .env_remove("DRYDOCK_PASSWORD");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().expect("run drydock")
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok_json(o: &Output) -> Value {
    assert!(o.status.success(), "drydock failed: {}", stderr(o));
    serde_json::from_slice(&o.stdout).expect("json report")
}

fn corpus(name: &str) -> Option<PathBuf> {
    let p = corpus_image(name);
    if p.is_none() {
        assert!(!registry_required(), "corpus image {name} missing");
        eprintln!("skipping: corpus image {name} not found");
    }
    p
}

fn start(opts: RegistryOptions) -> Option<TestRegistry> {
    TestRegistry::start(opts)
}

/// What an inventory holds, independent of where the image came from.
fn packages(report: &Value) -> BTreeSet<String> {
    report["inventory"]["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {} {}",
                p["purl"].as_str().unwrap_or(""),
                p["name"].as_str().unwrap_or(""),
                p["version"].as_str().unwrap_or(""),
                p["layer"]["diff_id"].as_str().unwrap_or(""),
                p["locations"]
                    .as_array()
                    .map(|l| l.len())
                    .unwrap_or_default()
            )
        })
        .collect()
}

/// The layer blob digests of an OCI archive's single image, with sizes,
/// and its config size.
fn archive_layout(path: &Path) -> (u64, Vec<(String, u64)>) {
    let mut ar = tar::Archive::new(std::fs::File::open(path).unwrap());
    let mut files = BTreeMap::new();
    for e in ar.entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().to_string_lossy().into_owned();
        if name == "index.json"
            || (name.starts_with("blobs/") && e.header().size().unwrap() < 1 << 20)
        {
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut v).unwrap();
            files.insert(name, v);
        }
    }
    let index: Value = serde_json::from_slice(&files["index.json"]).unwrap();
    let m = index["manifests"][0]["digest"]
        .as_str()
        .unwrap()
        .replace(':', "/");
    let manifest: Value = serde_json::from_slice(&files[&format!("blobs/{m}")]).unwrap();
    let layers = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["digest"].as_str().unwrap().to_owned(),
                l["size"].as_u64().unwrap(),
            )
        })
        .collect();
    (manifest["config"]["size"].as_u64().unwrap(), layers)
}

#[test]
fn anonymous_pull_gives_the_archive_inventory_and_a_second_scan_downloads_no_layer() {
    let Some(shop) = corpus("shop.oci.tar") else {
        return;
    };
    let Some(reg) = start(RegistryOptions::plain()) else {
        return;
    };
    let pushed = reg.push(&format!("oci-archive:{}", shop.display()), "shop:1.4.2");
    let proxy = Proxy::start(&reg.host());
    let host = proxy.host();
    let env = Env::new();
    let remote = format!("{host}/shop:1.4.2");
    let first = ok_json(&env.run(
        &[
            "sbom",
            &remote,
            "--insecure-registry",
            &host,
            "-q",
            "-f",
            "json",
        ],
        &[],
    ));
    let local = ok_json(&env.run(
        &[
            "sbom",
            shop.to_str().unwrap(),
            "--no-cache",
            "-q",
            "-f",
            "json",
        ],
        &[],
    ));
    let (remote_pkgs, local_pkgs) = (packages(&first), packages(&local));
    assert!(remote_pkgs.len() > 50, "{}", remote_pkgs.len());
    assert_eq!(remote_pkgs, local_pkgs);
    assert_eq!(first["target"]["manifest_digest"], json!(pushed));
    assert_eq!(
        first["target"]["repo_digests"],
        json!([format!("{host}/shop@{pushed}")])
    );

    let (_, layers) = archive_layout(&shop);
    let layer_gets = |p: &Proxy| {
        p.requests()
            .iter()
            .filter(|(m, path)| {
                m == "GET" && layers.iter().any(|(d, _)| path.ends_with(d.as_str()))
            })
            .count()
    };
    assert_eq!(layer_gets(&proxy), layers.len(), "{:?}", proxy.requests());
    proxy.clear_requests();
    // Same cache: every layer is known by diff_id, so none is fetched; the
    // manifest and config still are (the tag may have moved).
    let second = ok_json(&env.run(
        &[
            "sbom",
            &remote,
            "--insecure-registry",
            &host,
            "-q",
            "-f",
            "json",
        ],
        &[],
    ));
    assert_eq!(packages(&second), remote_pkgs);
    assert_eq!(layer_gets(&proxy), 0, "{:?}", proxy.requests());
    assert!(
        proxy
            .requests()
            .iter()
            .any(|(_, p)| p.contains("/manifests/"))
    );
}

#[test]
fn basic_auth_needs_the_right_credentials_from_flags_env_or_docker_config() {
    let Some(clean) = corpus("clean.oci.tar") else {
        return;
    };
    let Some(reg) = start(RegistryOptions::plain().with_auth("ci", "s3cret-pass")) else {
        return;
    };
    reg.push(&format!("oci-archive:{}", clean.display()), "clean:1");
    let host = reg.host();
    let image = format!("{host}/clean:1");
    let env = Env::new();
    let base = [
        "sbom",
        image.as_str(),
        "--insecure-registry",
        host.as_str(),
        "-q",
        "-f",
        "json",
        "--no-cache",
    ];

    let anon = env.run(&base, &[]);
    assert_eq!(anon.status.code(), Some(2));
    assert!(
        stderr(&anon).contains("requires authentication"),
        "{}",
        stderr(&anon)
    );

    let mut wrong = base.to_vec();
    wrong.extend(["--username", "ci", "--password", "nope"]);
    let wrong = env.run(&wrong, &[]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("rejected the credentials of `ci`"),
        "{}",
        stderr(&wrong)
    );

    let mut flags = base.to_vec();
    flags.extend(["--username", "ci", "--password", "s3cret-pass"]);
    assert!(ok_json(&env.run(&flags, &[]))["inventory"]["packages"].is_array());

    let from_env = env.run(
        &base,
        &[
            ("DRYDOCK_USERNAME", "ci"),
            ("DRYDOCK_PASSWORD", "s3cret-pass"),
        ],
    );
    ok_json(&from_env);

    // `docker login` leaves base64("user:password") under the host.
    let auth = base64_encode(b"ci:s3cret-pass");
    std::fs::write(
        env.home.join("docker/config.json"),
        json!({"auths": {host.clone(): {"auth": auth}}}).to_string(),
    )
    .unwrap();
    ok_json(&env.run(&base, &[]));
}

fn base64_encode(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn tls_with_a_private_ca_and_plain_http_only_when_allowed() {
    let Some(clean) = corpus("clean.oci.tar") else {
        return;
    };
    let Some(tls) = start(RegistryOptions::tls()) else {
        return;
    };
    tls.push(&format!("oci-archive:{}", clean.display()), "clean:1");
    let env = Env::new();
    let image = format!("{}/clean:1", tls.host());
    let untrusted = env.run(&["sbom", &image, "-q", "--no-cache"], &[]);
    assert_eq!(untrusted.status.code(), Some(2));
    let e = stderr(&untrusted);
    assert!(
        e.contains("TLS with registry") && e.contains("--ca-cert"),
        "{e}"
    );
    let ca = tls.ca_cert().unwrap();
    ok_json(&env.run(
        &[
            "sbom",
            &image,
            "--ca-cert",
            ca.to_str().unwrap(),
            "-q",
            "-f",
            "json",
            "--no-cache",
        ],
        &[],
    ));

    let Some(plain) = start(RegistryOptions::plain()) else {
        return;
    };
    plain.push(&format!("oci-archive:{}", clean.display()), "clean:1");
    let image = format!("{}/clean:1", plain.host());
    let refused = env.run(&["sbom", &image, "-q", "--no-cache"], &[]);
    assert_eq!(refused.status.code(), Some(2));
    let e = stderr(&refused);
    assert!(
        e.contains("plain HTTP") && e.contains(&format!("--insecure-registry {}", plain.host())),
        "{e}"
    );
}

#[test]
fn unknown_tags_tampered_blobs_and_cut_connections_are_distinct_errors() {
    let Some(clean) = corpus("clean.oci.tar") else {
        return;
    };
    let Some(reg) = start(RegistryOptions::plain()) else {
        return;
    };
    reg.push(&format!("oci-archive:{}", clean.display()), "clean:1");
    let env = Env::new();
    let host = reg.host();
    let run = |image: &str, extra: &[&str]| {
        let mut args = vec![
            "sbom",
            image,
            "--insecure-registry",
            host.as_str(),
            "-q",
            "--no-cache",
        ];
        args.extend(extra);
        env.run(&args, &[])
    };

    let missing = run(&format!("{host}/clean:nope"), &[]);
    assert_eq!(missing.status.code(), Some(2));
    let e = stderr(&missing);
    assert!(e.contains("clean:nope") && e.contains("not found"), "{e}");
    let missing_repo = run(&format!("{host}/nothing-here:1"), &[]);
    assert!(
        stderr(&missing_repo).contains("not found"),
        "{}",
        stderr(&missing_repo)
    );

    // A registry that dies mid-blob: the proxy passes the config whole but
    // cuts every layer body; each resume is cut again, so the retries run
    // out and say so.
    let (config_size, layers) = archive_layout(&clean);
    let biggest = layers.iter().map(|(_, s)| *s).max().unwrap();
    let cut_at = config_size.max(4096);
    assert!(biggest > cut_at, "clean has no layer over {cut_at} bytes");
    let proxy = Proxy::start(&host);
    proxy.cut_blobs_after(Some(cut_at));
    let phost = proxy.host();
    let cut = env.run(
        &[
            "sbom",
            &format!("{phost}/clean:1"),
            "--insecure-registry",
            &phost,
            "--registry-retries",
            "2",
            "-q",
            "--no-cache",
        ],
        &[],
    );
    assert_eq!(cut.status.code(), Some(2));
    let e = stderr(&cut);
    assert!(
        e.contains("connection closed after") && e.contains("gave up after 3 attempt(s)"),
        "{e}"
    );
    let big = &layers.iter().find(|(_, s)| *s == biggest).unwrap().0;
    let gets = proxy
        .requests()
        .iter()
        .filter(|(_, p)| p.ends_with(big.as_str()))
        .count();
    assert_eq!(gets, 3, "bounded retries: {:?}", proxy.requests());

    // Content that does not match its digest is never accepted.
    let (digest, _) = &layers[0];
    reg.tamper_blob(digest, b"not the layer you are looking for");
    let tampered = run(&format!("{host}/clean:1"), &[]);
    assert_eq!(tampered.status.code(), Some(2));
    let e = stderr(&tampered);
    assert!(
        e.contains("does not match") && e.contains(digest.as_str()),
        "{e}"
    );
}

#[test]
fn the_requested_platform_is_chosen_from_a_multi_arch_index() {
    let Some(reg) = start(RegistryOptions::plain()) else {
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
    reg.push_all(&format!("oci:{}:multi", dir.path().display()), "multi:1");

    let env = Env::new();
    let host = reg.host();
    let image = format!("{host}/multi:1");
    let scan = |platform: Option<&str>| {
        let mut args = vec![
            "sbom",
            image.as_str(),
            "--insecure-registry",
            host.as_str(),
            "-q",
            "-f",
            "json",
        ];
        if let Some(p) = platform {
            args.extend(["--platform", p]);
        }
        env.run(&args, &[])
    };
    let arm_report = ok_json(&scan(Some("linux/arm64")));
    assert_eq!(
        arm_report["target"]["manifest_digest"],
        json!(digest(&arm.manifest))
    );
    assert_eq!(arm_report["target"]["platform"], json!("linux/arm64"));
    let default = ok_json(&scan(None));
    assert_eq!(
        default["target"]["manifest_digest"],
        json!(digest(&amd.manifest))
    );
    let none = scan(Some("linux/s390x"));
    assert_eq!(none.status.code(), Some(2));
    let e = stderr(&none);
    assert!(
        e.contains("linux/s390x") && e.contains("linux/arm64"),
        "{e}"
    );
}

/// Pushes a cosign signature of `signed` (as `docker_reference`) made with
/// `key`; returns the payload digest.
fn push_signature(
    reg: &TestRegistry,
    repo: &str,
    key: &SigningKey,
    signed: &Digest,
    under: &Digest,
) -> String {
    let mut annotations = BTreeMap::new();
    annotations.insert("ci.run".to_owned(), "4711".to_owned());
    let a = signature_artifacts(key, &format!("{}/{repo}", reg.host()), signed, &annotations);
    reg.put_blob(repo, &a.config_json);
    let payload = reg.put_blob(repo, &a.payload);
    let tag = drydock_trust::cosign::signature_tag(under);
    reg.put_manifest(repo, &tag, OCI_MANIFEST, &a.manifest_json);
    let m: Value = serde_json::from_slice(&a.manifest_json).unwrap();
    assert_eq!(m["layers"][0]["mediaType"], json!(SIG_LAYER));
    payload
}

fn write_key(dir: &Path, name: &str, key: &SigningKey) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, key.public_key_pem()).unwrap();
    p
}

#[test]
fn cosign_signatures_verify_and_fail_for_tampering_other_keys_and_moved_tags() {
    let (Some(clean), Some(shop)) = (corpus("clean.oci.tar"), corpus("shop.oci.tar")) else {
        return;
    };
    let Some(reg) = start(RegistryOptions::plain()) else {
        return;
    };
    let digest: Digest = reg
        .push(&format!("oci-archive:{}", clean.display()), "app:1")
        .parse()
        .unwrap();
    let env = Env::new();
    let signer = SigningKey::from_seed(&[7; 32]);
    let other = SigningKey::from_seed(&[9; 32]);
    let good = write_key(&env.home, "cosign.pub", &signer);
    let wrong = write_key(&env.home, "other.pub", &other);
    let host = reg.host();
    let image = format!("{host}/app:1");
    let verify = |key: &Path| {
        env.run(
            &[
                "verify",
                &image,
                "--key",
                key.to_str().unwrap(),
                "--insecure-registry",
                &host,
            ],
            &[],
        )
    };

    let unsigned = verify(&good);
    assert_eq!(unsigned.status.code(), Some(1));
    assert!(
        stderr(&unsigned).contains("is not signed"),
        "{}",
        stderr(&unsigned)
    );

    let payload = push_signature(&reg, "app", &signer, &digest, &digest);
    let ok = verify(&good);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.contains(signer.public_key().fingerprint()), "{out}");
    assert!(
        out.contains("ci.run=4711") && out.contains(&digest.to_string()),
        "{out}"
    );
    let json_out = env.run(
        &[
            "verify",
            &image,
            "--key",
            good.to_str().unwrap(),
            "--insecure-registry",
            &host,
            "-f",
            "json",
        ],
        &[],
    );
    let doc: Value = serde_json::from_slice(&json_out.stdout).unwrap();
    assert_eq!(doc["verified"], json!(true));
    assert_eq!(
        doc["signatures"][0]["docker_reference"],
        json!(format!("{host}/app"))
    );

    let by_other = verify(&wrong);
    assert_eq!(by_other.status.code(), Some(1));
    assert!(
        stderr(&by_other).contains("does not verify"),
        "{}",
        stderr(&by_other)
    );

    // The payload blob is rewritten in storage: its digest no longer holds.
    let original = std::fs::read(reg.blob_path(&payload)).unwrap();
    let mut forged = original.clone();
    let at = forged.len() / 2;
    forged[at] ^= 1;
    reg.tamper_blob(&payload, &forged);
    let tampered = verify(&good);
    assert_eq!(tampered.status.code(), Some(1));
    let e = stderr(&tampered);
    assert!(
        e.contains("does not match its digest") && e.contains(&payload),
        "{e}"
    );
    assert!(
        !e.contains("attempt"),
        "a digest mismatch is not retried: {e}"
    );
    reg.tamper_blob(&payload, &original);
    assert!(verify(&good).status.success());

    // The tag is re-pushed with other content: the old signature does not
    // cover the new digest, and copying it over does not help.
    let moved: Digest = reg
        .push(&format!("oci-archive:{}", shop.display()), "app:1")
        .parse()
        .unwrap();
    assert_ne!(moved, digest);
    let repushed = verify(&good);
    assert_eq!(repushed.status.code(), Some(1));
    assert!(
        stderr(&repushed).contains("is not signed"),
        "{}",
        stderr(&repushed)
    );
    push_signature(&reg, "app", &signer, &digest, &moved);
    let replayed = verify(&good);
    assert_eq!(replayed.status.code(), Some(1));
    let e = stderr(&replayed);
    assert!(
        e.contains(&digest.to_string()) && e.contains(&moved.to_string()),
        "{e}"
    );
}

#[test]
fn the_trust_policy_blocks_other_registries_and_unsigned_images() {
    let Some(clean) = corpus("clean.oci.tar") else {
        return;
    };
    let Some(reg) = start(RegistryOptions::plain()) else {
        return;
    };
    let digest: Digest = reg
        .push(&format!("oci-archive:{}", clean.display()), "team/app:1")
        .parse()
        .unwrap();
    reg.push(
        &format!("oci-archive:{}", clean.display()),
        "team/unsigned:1",
    );
    let env = Env::new();
    let signer = SigningKey::from_seed(&[3; 32]);
    write_key(&env.home, "cosign.pub", &signer);
    push_signature(&reg, "team/app", &signer, &digest, &digest);
    let host = reg.host();
    let policy = |registries: &str| {
        let p = env.home.join("trust.yaml");
        std::fs::write(
            &p,
            format!(
                "registries:\n  - \"{registries}\"\nsignatures:\n  - repositories: [\"{host}/team/**\"]\n    keys: [\"cosign.pub\"]\n"
            ),
        )
        .unwrap();
        p
    };
    let scan = |image: &str, policy: &Path| {
        env.run(
            &[
                "image",
                image,
                "--scanners",
                "misconfig",
                "--trust-policy",
                policy.to_str().unwrap(),
                "--insecure-registry",
                &host,
                "--exit-code",
                "4",
                "-q",
                "-f",
                "json",
            ],
            &[],
        )
    };
    let trust = |o: &Output| -> Vec<(String, String)> {
        let v: Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(o)));
        v["misconfigurations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["source"] == "trust")
            .map(|m| {
                (
                    m["check_id"].as_str().unwrap().to_owned(),
                    m["evidence"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };

    let allowed = policy(&format!("{host}/**"));
    let signed = scan(&format!("{host}/team/app:1"), &allowed);
    assert_eq!(trust(&signed), vec![], "{}", stderr(&signed));

    let unsigned = scan(&format!("{host}/team/unsigned:1"), &allowed);
    assert_eq!(unsigned.status.code(), Some(4));
    let found = trust(&unsigned);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "DD-TRUST-002");

    let elsewhere = policy("registry.corp.example/**");
    let blocked = scan(&format!("{host}/team/app:1"), &elsewhere);
    assert_eq!(blocked.status.code(), Some(4));
    let found = trust(&blocked);
    assert_eq!(
        found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["DD-TRUST-001"]
    );
    assert!(found[0].1.contains(&host), "{found:?}");
}
