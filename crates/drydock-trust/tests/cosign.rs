//! Cosign signatures: round trips, tampering, wrong keys, copied
//! signatures, OpenSSL-made fixtures, and hostile manifests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use drydock_oci::Digest;
use drydock_trust::TrustError;
use drydock_trust::cosign::{
    self, PublicKey, SignatureLayer, SignatureManifest, SigningKey, VerifyError,
};
use drydock_trust::policy::SignatureStatus;
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn image_digest(tag: &str) -> Digest {
    Digest::sha256_of(tag.as_bytes())
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_seed(&[seed; 32])
}

/// Signs `digest` and returns the single parsed layer with its payload.
fn signed(
    key: &SigningKey,
    digest: &Digest,
    annotations: &BTreeMap<String, String>,
) -> (SignatureLayer, Vec<u8>) {
    let art = cosign::signature_artifacts(key, "registry.example/app", digest, annotations);
    let manifest = cosign::parse_signature_manifest(&art.manifest_json).unwrap();
    assert!(manifest.ignored.is_empty(), "{:?}", manifest.ignored);
    assert_eq!(manifest.layers.len(), 1);
    (manifest.layers[0].clone(), art.payload)
}

#[test]
fn signature_tag_is_cosigns() {
    let d = image_digest("x");
    assert_eq!(cosign::signature_tag(&d), format!("sha256-{}.sig", d.hex()));
}

#[test]
fn sign_and_verify_round_trip() {
    let k = key(1);
    let digest = image_digest("app:1");
    let annotations = BTreeMap::from([
        ("git-sha".to_owned(), "abc123".to_owned()),
        ("env".to_owned(), "prod".to_owned()),
    ]);
    let (layer, payload) = signed(&k, &digest, &annotations);
    let public = PublicKey::from_pem(k.public_key_pem().as_bytes()).unwrap();
    let v = cosign::verify(&layer, &payload, &public, &digest).unwrap();
    assert_eq!(v.docker_reference, "registry.example/app");
    assert_eq!(v.manifest_digest, digest);
    assert_eq!(v.annotations, annotations);
    assert_eq!(v.key_fingerprint, public.fingerprint());
    assert!(!v.has_bundle);
}

#[test]
fn artifacts_have_cosigns_layout() {
    let k = key(2);
    let digest = image_digest("layout");
    let art = cosign::signature_artifacts(&k, "r.example/app", &digest, &BTreeMap::new());
    assert_eq!(art.tag, cosign::signature_tag(&digest));

    let expected_payload = format!(
        "{{\"critical\":{{\"identity\":{{\"docker-reference\":\"r.example/app\"}},\
         \"image\":{{\"docker-manifest-digest\":\"{digest}\"}},\
         \"type\":\"cosign container image signature\"}},\"optional\":null}}"
    );
    assert_eq!(
        String::from_utf8(art.payload.clone()).unwrap(),
        expected_payload
    );

    let config: Value = serde_json::from_slice(&art.config_json).unwrap();
    assert_eq!(
        config,
        json!({
            "architecture": "",
            "created": "0001-01-01T00:00:00Z",
            "history": [{"created": "0001-01-01T00:00:00Z"}],
            "os": "",
            "rootfs": {"type": "layers", "diff_ids": [art.payload_digest().to_string()]},
            "config": {}
        })
    );

    let m: Value = serde_json::from_slice(&art.manifest_json).unwrap();
    assert_eq!(m["schemaVersion"], 2);
    assert_eq!(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(
        m["config"]["mediaType"],
        "application/vnd.oci.image.config.v1+json"
    );
    assert_eq!(m["config"]["digest"], art.config_digest().to_string());
    assert_eq!(m["config"]["size"], art.config_json.len());
    let layer = &m["layers"][0];
    assert_eq!(layer["mediaType"], cosign::SIMPLE_SIGNING_MEDIA_TYPE);
    assert_eq!(layer["digest"], art.payload_digest().to_string());
    assert_eq!(layer["size"], art.payload.len());
    assert_eq!(
        layer["annotations"][cosign::SIGNATURE_ANNOTATION],
        art.signature_b64.as_str()
    );
    assert_eq!(m["layers"].as_array().unwrap().len(), 1);
    assert_eq!(art.manifest_digest(), Digest::sha256_of(&art.manifest_json));
}

#[test]
fn tampered_payload_is_caught_by_digest_then_by_signature() {
    let k = key(3);
    let digest = image_digest("tamper");
    let (layer, payload) = signed(&k, &digest, &BTreeMap::new());
    let evil = String::from_utf8(payload)
        .unwrap()
        .replace("registry.example/app", "registry.example/evil")
        .into_bytes();

    let err = cosign::verify(&layer, &evil, &k.public_key(), &digest).unwrap_err();
    assert!(
        matches!(&err, VerifyError::PayloadDigestMismatch { actual, .. } if *actual == Digest::sha256_of(&evil)),
        "{err}"
    );

    // An attacker who also rewrites the manifest's digest meets the signature.
    let mut rewritten = layer.clone();
    rewritten.payload_digest = Digest::sha256_of(&evil);
    let err = cosign::verify(&rewritten, &evil, &k.public_key(), &digest).unwrap_err();
    assert!(matches!(err, VerifyError::BadSignature { .. }), "{err}");
}

#[test]
fn another_key_does_not_verify() {
    let digest = image_digest("keys");
    let (layer, payload) = signed(&key(4), &digest, &BTreeMap::new());
    let other = key(5).public_key();
    let err = cosign::verify(&layer, &payload, &other, &digest).unwrap_err();
    assert_eq!(
        err,
        VerifyError::BadSignature {
            fingerprint: other.fingerprint().to_owned()
        }
    );
    assert!(err.to_string().contains(other.fingerprint()), "{err}");
}

#[test]
fn signature_copied_onto_another_image_is_refused() {
    let k = key(6);
    let signed_digest = image_digest("good");
    let other_digest = image_digest("evil");
    let (layer, payload) = signed(&k, &signed_digest, &BTreeMap::new());
    let err = cosign::verify(&layer, &payload, &k.public_key(), &other_digest).unwrap_err();
    assert_eq!(
        err,
        VerifyError::ManifestDigestMismatch {
            signed: signed_digest.to_string(),
            actual: other_digest.clone(),
        }
    );
    let msg = err.to_string();
    assert!(msg.contains(&signed_digest.to_string()) && msg.contains(&other_digest.to_string()));
}

#[test]
fn malformed_signatures_are_distinct_from_bad_ones() {
    let k = key(7);
    let digest = image_digest("malformed");
    let (layer, payload) = signed(&k, &digest, &BTreeMap::new());
    for bad in ["***not base64***", "AAAA", "MEUCIQ==", &"A".repeat(4000)] {
        let mut l = layer.clone();
        l.signature_b64 = bad.to_owned();
        let err = cosign::verify(&l, &payload, &k.public_key(), &digest).unwrap_err();
        assert!(
            matches!(err, VerifyError::MalformedSignature(_)),
            "{bad}: {err}"
        );
    }
    // Valid DER shape, wrong numbers: a bad signature, not a malformed one.
    let other = cosign::sign(&key(8), &payload);
    let mut l = layer.clone();
    l.signature_b64 = other;
    let err = cosign::verify(&l, &payload, &k.public_key(), &digest).unwrap_err();
    assert!(matches!(err, VerifyError::BadSignature { .. }), "{err}");
    // Surrounding whitespace (a trailing newline from `base64`) is tolerated.
    let mut l = layer.clone();
    l.signature_b64 = format!(" {}\n", layer.signature_b64);
    cosign::verify(&l, &payload, &k.public_key(), &digest).unwrap();
}

/// A layer whose payload is `payload`, signed by `k`.
fn layer_for(k: &SigningKey, payload: &[u8]) -> SignatureLayer {
    SignatureLayer {
        index: 0,
        payload_digest: Digest::sha256_of(payload),
        payload_size: payload.len() as u64,
        signature_b64: cosign::sign(k, payload),
        certificate: None,
        chain: None,
        bundle: None,
        annotations: BTreeMap::new(),
    }
}

#[test]
fn signed_but_malformed_or_foreign_payloads() {
    let k = key(9);
    let digest = image_digest("payload");
    let not_json = b"hello".to_vec();
    let err = cosign::verify(
        &layer_for(&k, &not_json),
        &not_json,
        &k.public_key(),
        &digest,
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::MalformedPayload(_)), "{err}");

    let no_image = br#"{"critical":{"identity":{"docker-reference":"x"},"type":"cosign container image signature"}}"#.to_vec();
    let err = cosign::verify(
        &layer_for(&k, &no_image),
        &no_image,
        &k.public_key(),
        &digest,
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::MalformedPayload(_)), "{err}");

    let atomic = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"x"}},"image":{{"docker-manifest-digest":"{digest}"}},"type":"atomic container signature"}},"optional":null}}"#
    )
    .into_bytes();
    let err =
        cosign::verify(&layer_for(&k, &atomic), &atomic, &k.public_key(), &digest).unwrap_err();
    assert_eq!(
        err,
        VerifyError::WrongType("atomic container signature".into())
    );

    let bad_digest = br#"{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"sha256:nope"},"type":"cosign container image signature"}}"#.to_vec();
    let err = cosign::verify(
        &layer_for(&k, &bad_digest),
        &bad_digest,
        &k.public_key(),
        &digest,
    )
    .unwrap_err();
    assert!(
        matches!(&err, VerifyError::ManifestDigestMismatch { signed, .. } if signed == "sha256:nope"),
        "{err}"
    );
}

#[test]
fn oversized_payload_is_refused_before_hashing_it() {
    let k = key(10);
    let big = vec![b' '; cosign::MAX_PAYLOAD_BYTES as usize + 1];
    let err = cosign::verify(
        &layer_for(&k, b"x"),
        &big,
        &k.public_key(),
        &image_digest("big"),
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::PayloadTooLarge { .. }), "{err}");
}

#[test]
fn openssl_p256_signature_verifies() {
    let key = PublicKey::load(&fixture("openssl-p256.pub")).unwrap();
    assert_eq!(key.algorithm(), "ecdsa-p256");
    let payload = read("payload.json");
    let mut layer = layer_for(&SigningKey::from_seed(&[0; 32]), &payload);
    layer.signature_b64 = String::from_utf8(read("payload.p256.sig")).unwrap();
    let digest = image_digest("drydock fixture image manifest");
    let v = cosign::verify(&layer, &payload, &key, &digest).unwrap();
    assert_eq!(v.docker_reference, "registry.corp.example/prod/api");
    assert_eq!(v.annotations["creator"], "openssl fixture");
    // Non-string annotation values are rendered as JSON.
    assert_eq!(v.annotations["build"], "42");
}

#[test]
fn openssl_p384_signatures_verify_with_either_hash() {
    let key = PublicKey::load(&fixture("openssl-p384.pub")).unwrap();
    assert_eq!(key.algorithm(), "ecdsa-p384");
    let payload = read("payload.json");
    let digest = image_digest("drydock fixture image manifest");
    for sig in ["payload.p384-sha256.sig", "payload.p384-sha384.sig"] {
        let mut layer = layer_for(&SigningKey::from_seed(&[0; 32]), &payload);
        layer.signature_b64 = String::from_utf8(read(sig)).unwrap();
        cosign::verify(&layer, &payload, &key, &digest).unwrap_or_else(|e| panic!("{sig}: {e}"));
        // And not with a P-256 key.
        let err = cosign::verify(&layer, &payload, &key_p256(), &digest).unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::MalformedSignature(_) | VerifyError::BadSignature { .. }
            ),
            "{err}"
        );
    }
}

fn key_p256() -> PublicKey {
    PublicKey::load(&fixture("openssl-p256.pub")).unwrap()
}

#[test]
fn unsupported_keys_are_named() {
    for (file, word) in [
        ("openssl-p521.pub", "P-521"),
        ("openssl-ed25519.pub", "Ed25519"),
        ("openssl-rsa.pub", "RSA"),
    ] {
        let err = PublicKey::load(&fixture(file)).unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, TrustError::UnsupportedKey { .. }),
            "{file}: {msg}"
        );
        assert!(msg.contains(word) && msg.contains(file), "{file}: {msg}");
    }
}

#[test]
fn openssl_private_keys_sign_for_their_public_key() {
    let k = SigningKey::load(&fixture("openssl-p256.key")).unwrap();
    assert_eq!(k.public_key(), key_p256());
    let digest = image_digest("openssl-key");
    let (layer, payload) = signed(&k, &digest, &BTreeMap::new());
    cosign::verify(&layer, &payload, &key_p256(), &digest).unwrap();

    let sec1 = SigningKey::load(&fixture("openssl-p256-sec1.key")).unwrap();
    let (layer, payload) = signed(&sec1, &digest, &BTreeMap::new());
    cosign::verify(&layer, &payload, &sec1.public_key(), &digest).unwrap();
}

/// Our signatures must verify the way cosign verifies them: a DER ECDSA
/// signature over SHA-256 of the payload, which is what
/// `openssl dgst -sha256 -verify` checks. Skipped where OpenSSL is absent.
#[test]
fn openssl_verifies_our_signatures() {
    let Ok(out) = std::process::Command::new("openssl")
        .arg("version")
        .output()
    else {
        eprintln!("openssl not installed; skipping the cross-check");
        return;
    };
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let k = key(11);
    let digest = image_digest("cross-check");
    let art = cosign::signature_artifacts(&k, "r.example/app", &digest, &BTreeMap::new());
    let (pubf, payf, sigf) = (
        dir.path().join("k.pub"),
        dir.path().join("payload"),
        dir.path().join("sig"),
    );
    std::fs::write(&pubf, k.public_key_pem()).unwrap();
    std::fs::write(&payf, &art.payload).unwrap();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD
        .decode(&art.signature_b64)
        .unwrap();
    std::fs::write(&sigf, &der).unwrap();
    let verify = |payload: &Path| {
        std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&pubf)
            .arg("-signature")
            .arg(&sigf)
            .arg(payload)
            .output()
            .unwrap()
    };
    let ok = verify(&payf);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let tampered = dir.path().join("tampered");
    let mut t = art.payload.clone();
    t[10] ^= 1;
    std::fs::write(&tampered, t).unwrap();
    assert!(!verify(&tampered).status.success());
}

fn manifest_with_layers(layers: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2, "digest": image_digest("c").to_string()},
        "layers": layers,
    }))
    .unwrap()
}

fn sig_layer_json(payload: &[u8], sig: &str) -> Value {
    json!({
        "mediaType": cosign::SIMPLE_SIGNING_MEDIA_TYPE,
        "size": payload.len(),
        "digest": Digest::sha256_of(payload).to_string(),
        "annotations": {
            cosign::SIGNATURE_ANNOTATION: sig,
            cosign::BUNDLE_ANNOTATION: "{\"SignedEntryTimestamp\":\"x\"}",
            cosign::CERTIFICATE_ANNOTATION: "",
            "custom": "kept"
        }
    })
}

#[test]
fn manifest_layers_are_kept_or_explained() {
    let payload = read("payload.json");
    let sig = String::from_utf8(read("payload.p256.sig")).unwrap();
    let bytes = manifest_with_layers(vec![
        sig_layer_json(&payload, &sig),
        json!({"mediaType": "application/vnd.in-toto+json", "size": 1, "digest": image_digest("a").to_string()}),
        json!({"mediaType": cosign::SIMPLE_SIGNING_MEDIA_TYPE, "size": 1, "digest": "sha256:zz", "annotations": {cosign::SIGNATURE_ANNOTATION: "x"}}),
        json!({"mediaType": cosign::SIMPLE_SIGNING_MEDIA_TYPE, "size": 2_000_000, "digest": image_digest("b").to_string(), "annotations": {cosign::SIGNATURE_ANNOTATION: "x"}}),
        json!({"mediaType": cosign::SIMPLE_SIGNING_MEDIA_TYPE, "size": -1, "digest": image_digest("b").to_string(), "annotations": {cosign::SIGNATURE_ANNOTATION: "x"}}),
        json!({"mediaType": cosign::SIMPLE_SIGNING_MEDIA_TYPE, "size": 1, "digest": image_digest("b").to_string()}),
    ]);
    let m = cosign::parse_signature_manifest(&bytes).unwrap();
    assert_eq!(m.layers.len(), 1);
    let l = &m.layers[0];
    assert_eq!(l.index, 0);
    assert_eq!(l.payload_size, payload.len() as u64);
    assert_eq!(l.signature_b64, sig);
    assert!(l.bundle.is_some());
    assert_eq!(l.certificate.as_deref(), Some(""));
    assert_eq!(l.annotations["custom"], "kept");
    let ignored: Vec<usize> = m.ignored.iter().map(|i| i.index).collect();
    assert_eq!(ignored, [1, 2, 3, 4, 5]);
    assert!(m.ignored[0].reason.contains("in-toto"));
    assert!(m.ignored[1].reason.contains("digest"));
    assert!(m.ignored[2].reason.contains("size"));
    assert!(m.ignored[3].reason.contains("size"));
    assert!(m.ignored[4].reason.contains(cosign::SIGNATURE_ANNOTATION));

    let digest = image_digest("drydock fixture image manifest");
    let v = cosign::verify(l, &payload, &key_p256(), &digest).unwrap();
    assert!(v.has_bundle);
}

#[test]
fn unusable_manifests_are_errors() {
    let many: Vec<Value> = (0..=cosign::MAX_SIGNATURE_LAYERS)
        .map(|_| json!({}))
        .collect();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not json".to_vec(), "JSON"),
        (manifest_with_layers(many), "more than 1000 layers"),
        (
            br#"{"schemaVersion":1,"layers":[]}"#.to_vec(),
            "schemaVersion",
        ),
        (
            br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#
                .to_vec(),
            "index",
        ),
        (
            vec![b' '; cosign::MAX_SIGNATURE_MANIFEST_BYTES + 1],
            "limit",
        ),
    ];
    for (bytes, word) in cases {
        let err = cosign::parse_signature_manifest(&bytes).unwrap_err();
        assert!(matches!(err, TrustError::SignatureManifest(_)));
        assert!(err.to_string().contains(word), "{word}: {err}");
    }
    // Exactly the limit is fine.
    let max: Vec<Value> = (0..cosign::MAX_SIGNATURE_LAYERS)
        .map(|_| json!({}))
        .collect();
    let m = cosign::parse_signature_manifest(&manifest_with_layers(max)).unwrap();
    assert_eq!(m.ignored.len(), cosign::MAX_SIGNATURE_LAYERS);
}

#[test]
fn check_signatures_summarises_per_key() {
    let k = key(12);
    let digest = image_digest("status");
    let art = cosign::signature_artifacts(&k, "r.example/app", &digest, &BTreeMap::new());
    let manifest = cosign::parse_signature_manifest(&art.manifest_json).unwrap();
    let payloads = BTreeMap::from([(art.payload_digest(), art.payload.clone())]);

    assert_eq!(
        cosign::check_signatures(None, &payloads, &k.public_key(), &digest),
        SignatureStatus::Missing
    );
    let empty = SignatureManifest {
        layers: vec![],
        ignored: vec![],
    };
    assert_eq!(
        cosign::check_signatures(Some(&empty), &payloads, &k.public_key(), &digest),
        SignatureStatus::Missing
    );
    match cosign::check_signatures(Some(&manifest), &payloads, &k.public_key(), &digest) {
        SignatureStatus::Verified(v) => assert_eq!(v.len(), 1),
        other => panic!("{other:?}"),
    }
    match cosign::check_signatures(Some(&manifest), &payloads, &key(13).public_key(), &digest) {
        SignatureStatus::Invalid(r) => {
            assert_eq!(r.len(), 1);
            assert!(r[0].contains("does not verify"), "{r:?}");
        }
        other => panic!("{other:?}"),
    }
    match cosign::check_signatures(Some(&manifest), &BTreeMap::new(), &k.public_key(), &digest) {
        SignatureStatus::Invalid(r) => assert!(r[0].contains("not fetched"), "{r:?}"),
        other => panic!("{other:?}"),
    }

    // One good signature among bad ones is enough; reasons are bounded.
    let mut crowded = manifest.clone();
    for i in 0..40 {
        let mut l = manifest.layers[0].clone();
        l.index = i + 1;
        l.signature_b64 = "garbage".into();
        crowded.layers.push(l);
    }
    assert!(matches!(
        cosign::check_signatures(Some(&crowded), &payloads, &k.public_key(), &digest),
        SignatureStatus::Verified(_)
    ));
    crowded.layers.remove(0);
    match cosign::check_signatures(Some(&crowded), &payloads, &k.public_key(), &digest) {
        SignatureStatus::Invalid(r) => {
            assert_eq!(r.len(), 16);
            assert!(r[15].contains("more"), "{r:?}");
        }
        other => panic!("{other:?}"),
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "[a-z0-9:./+-]{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("layers".to_owned()),
                    Just("mediaType".to_owned()),
                    Just("digest".to_owned()),
                    Just("size".to_owned()),
                    Just("annotations".to_owned()),
                    Just("schemaVersion".to_owned()),
                    Just("critical".to_owned()),
                    Just("optional".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn manifest_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = cosign::parse_signature_manifest(&bytes);
    }

    #[test]
    fn manifest_parser_never_panics_on_json(v in arb_json()) {
        let _ = cosign::parse_signature_manifest(&serde_json::to_vec(&v).unwrap());
    }

    #[test]
    fn payload_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = cosign::parse_simple_signing_payload(&bytes);
    }

    #[test]
    fn payload_parser_never_panics_on_json(v in arb_json()) {
        let _ = cosign::parse_simple_signing_payload(&serde_json::to_vec(&v).unwrap());
    }

    #[test]
    fn payload_round_trips(
        reference in "[a-z0-9./:-]{1,40}",
        seed in any::<u64>(),
        annotations in proptest::collection::btree_map("\\PC{1,10}", "\\PC{0,20}", 0..5),
    ) {
        let digest = Digest::sha256_of(&seed.to_le_bytes());
        let bytes = cosign::simple_signing_payload(&reference, &digest, &annotations);
        let p = cosign::parse_simple_signing_payload(&bytes).unwrap();
        prop_assert_eq!(p.docker_reference, reference);
        prop_assert_eq!(p.manifest_digest, digest.to_string());
        prop_assert_eq!(p.signature_type, cosign::SIGNATURE_TYPE);
        prop_assert_eq!(p.annotations, annotations);
    }

    #[test]
    fn verify_never_panics(sig in "\\PC{0,200}", payload in proptest::collection::vec(any::<u8>(), 0..128)) {
        let k = SigningKey::from_seed(&[42; 32]);
        let mut layer = layer_for(&k, &payload);
        layer.signature_b64 = sig;
        prop_assert!(cosign::verify(&layer, &payload, &k.public_key(), &image_digest("p")).is_err());
    }
}
