//! Trust policies: parsing and its errors, glob semantics, and every
//! DD-TRUST check failing and passing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use drydock_findings::{Misconfiguration, Severity};
use drydock_oci::Digest;
use drydock_trust::cosign::{self, SigningKey, VerifiedSignature};
use drydock_trust::policy::{
    self, ImageFacts, MaxAge, SignatureStatus, TrustPolicy, evaluate, required_keys,
};
use drydock_trust::{TrustError, normalize_reference};
use proptest::prelude::*;

const FILE: &str = "/etc/drydock/trust.yaml";

fn parse(yaml: &str) -> TrustPolicy {
    TrustPolicy::parse(yaml, Path::new(FILE)).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_err(yaml: &str) -> (String, String) {
    match TrustPolicy::parse(yaml, Path::new(FILE)) {
        Err(TrustError::Policy {
            file,
            location,
            message,
        }) => {
            assert_eq!(file, Path::new(FILE));
            (location, message)
        }
        other => panic!("expected a policy error, got {other:?}"),
    }
}

fn d(s: &str) -> Digest {
    Digest::sha256_of(s.as_bytes())
}

/// 2025-06-01T00:00:00Z.
fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_748_736_000)
}

fn facts(reference: &str) -> ImageFacts {
    let mut f = ImageFacts::new(normalize_reference(reference).unwrap());
    f.manifest_digest = Some(d(reference));
    f
}

fn ids(findings: &[Misconfiguration]) -> Vec<&str> {
    findings.iter().map(|m| m.check_id.as_str()).collect()
}

fn only<'a>(findings: &'a [Misconfiguration], id: &str) -> &'a Misconfiguration {
    assert_eq!(ids(findings), [id], "{findings:#?}");
    let m = &findings[0];
    assert_eq!(m.source, "trust");
    assert!(!m.evidence.is_empty() && !m.remediation.is_empty());
    assert!(m.location.object.is_some() && m.location.config_path.is_some());
    m
}

#[test]
fn documented_example_parses() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("trust.yaml");
    std::fs::write(
        &file,
        r#"
registries:
  - "registry.corp.example/**"
  - "docker.io/library/*"
signatures:
  - repositories: ["registry.corp.example/prod/**"]
    keys: ["keys/cosign.pub"]
require_digest: true
max_age: 90d
base_images:
  - name: debian-bookworm
    diff_ids: ["sha256:1f1d26b7e6f1e2d6e4bf4d6c9c5c8a5e6f6d7c8b9a0a1b2c3d4e5f6a7b8c9d0e"]
  - label: org.opencontainers.image.base.name
    value: "docker.io/library/debian:bookworm*"
"#,
    )
    .unwrap();
    let p = TrustPolicy::load(&file).unwrap();
    assert_eq!(p.registries.len(), 2);
    assert_eq!(p.signatures[0].keys, [dir.path().join("keys/cosign.pub")]);
    assert!(p.require_digest);
    assert_eq!(p.max_age.unwrap().seconds(), 90 * 86_400);
    assert_eq!(p.base_images.len(), 2);
    assert_eq!(p.base_images[0].name.as_deref(), Some("debian-bookworm"));
}

#[test]
fn empty_policy_allows_everything() {
    let p = parse("");
    let mut f = facts("alpine:3");
    f.created = None;
    assert!(evaluate(&p, &f, now()).is_empty());
    assert!(evaluate(&parse("{}"), &f, now()).is_empty());
}

#[test]
fn parse_errors_name_the_file_and_path() {
    let cases = [
        ("registrys: []", "registrys", "unknown field `registrys`"),
        (
            "signatures:\n  - repositories: ['r.example/**']\n    keys: [a.pub]\n    key: b.pub",
            "signatures[0].key",
            "unknown field `key`",
        ),
        ("max_age: 90", "max_age", "h, d or w"),
        ("max_age: 0d", "max_age", "more than zero"),
        ("max_age: 90y", "max_age", "h, d or w"),
        ("max_age: 99999999w", "max_age", "100 years"),
        (
            "base_images:\n  - diff_ids: ['sha256:nope']",
            "base_images[0].diff_ids[0]",
            "sha256:nope",
        ),
        (
            "registries: ['library/alpine']",
            "registries[0]",
            "docker.io/library/alpine",
        ),
        (
            "registries: ['r.example/[']",
            "registries[0]",
            "invalid pattern",
        ),
        ("require_digest: maybe", "require_digest", ""),
        (
            "signatures:\n  - repositories: []\n    keys: [a.pub]",
            "signatures[0].repositories",
            "at least one",
        ),
        (
            "signatures:\n  - repositories: ['**']\n    keys: []",
            "signatures[0].keys",
            "at least one",
        ),
        (
            "signatures:\n  - repositories: ['**']",
            "signatures[0]",
            "missing field `keys`",
        ),
        (
            "base_images:\n  - name: x\n    diff_ids: ['sha256:1f1d26b7e6f1e2d6e4bf4d6c9c5c8a5e6f6d7c8b9a0a1b2c3d4e5f6a7b8c9d0e']\n    label: a\n    value: b",
            "base_images[0]",
            "either",
        ),
        ("base_images:\n  - label: a", "base_images[0]", "value"),
        (
            "base_images:\n  - diff_ids: []",
            "base_images[0].diff_ids",
            "at least one",
        ),
        ("registries: [ghcr.io\nmax_age: [", "registries", "line 2"),
        ("registries: ]", "registries", "line 1 column 13"),
        ("\tregistries: []", ".", "cannot start any token"),
        ("[1, 2]", ".", "expected a mapping of trust policy settings"),
        (
            "signatures: [x]",
            "signatures[0]",
            "expected a mapping with `repositories` and `keys`",
        ),
    ];
    for (yaml, location, word) in cases {
        let (loc, msg) = parse_err(yaml);
        assert_eq!(loc, location, "{yaml}: {msg}");
        assert!(msg.contains(word), "{yaml}: {msg}");
    }
    // Lists are capped, aliases included.
    let many = format!("registries: [{}]", vec!["ghcr.io"; 1025].join(","));
    let (loc, msg) = parse_err(&many);
    assert_eq!(loc, "registries");
    assert!(msg.contains("more than 1024"), "{msg}");
    let list = vec!["r.example/x"; 256].join(",");
    let rule = "{repositories: *r, keys: [k.pub]}";
    let bomb = format!(
        "registries: &r [{list}]\nsignatures: [{}]",
        vec![rule; 257].join(",")
    );
    let (loc, msg) = parse_err(&bomb);
    assert_eq!(loc, "signatures");
    assert!(msg.contains("more than 256"), "{msg}");

    let err = TrustPolicy::parse("max_age: 1x", Path::new(FILE))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with(&format!("{FILE}: max_age: ")), "{err}");
}

#[test]
fn load_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.yaml");
    let err = TrustPolicy::load(&missing).unwrap_err().to_string();
    assert!(err.contains("absent.yaml"), "{err}");
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, vec![b'#'; policy::MAX_POLICY_BYTES as usize + 1]).unwrap();
    let err = TrustPolicy::load(&big).unwrap_err().to_string();
    assert!(err.contains("big.yaml") && err.contains("limit"), "{err}");
}

fn allowed(patterns: &[&str], reference: &str) -> bool {
    let yaml = format!("registries: {patterns:?}");
    evaluate(&parse(&yaml), &facts(reference), now()).is_empty()
}

#[test]
fn glob_semantics() {
    // `*` stays inside one component.
    assert!(allowed(&["docker.io/library/*"], "alpine"));
    assert!(allowed(
        &["docker.io/library/*"],
        "docker.io/library/alpine:3"
    ));
    assert!(!allowed(&["docker.io/library/*"], "user/app"));
    assert!(!allowed(&["docker.io/*"], "docker.io/library/alpine"));
    // `**` crosses components.
    assert!(allowed(
        &["registry.corp.example/**"],
        "registry.corp.example/a/b/c:1"
    ));
    assert!(!allowed(
        &["registry.corp.example/**"],
        "registry.corp.example.evil.com/a"
    ));
    assert!(!allowed(
        &["registry.corp.example/**"],
        "evil.com/registry.corp.example/a"
    ));
    // A bare host means the whole registry; ports are part of the host.
    assert!(allowed(&["ghcr.io"], "ghcr.io/org/tool"));
    assert!(!allowed(&["ghcr.io"], "ghcr.io.evil.com/org/tool"));
    assert!(allowed(&["127.0.0.1:5000"], "127.0.0.1:5000/shop"));
    assert!(!allowed(&["127.0.0.1:5000"], "127.0.0.1:5001/shop"));
    // Hosts in patterns are case-insensitive like registry names; Hub aliases.
    assert!(allowed(
        &["Registry.Corp.Example/**"],
        "registry.corp.example/x"
    ));
    assert!(allowed(&["index.docker.io/library/*"], "alpine"));
    // Alternatives, single characters and globbed hosts.
    assert!(allowed(&["{ghcr.io,quay.io}/org/*"], "quay.io/org/app"));
    assert!(allowed(&["docker.io/library/alpin?"], "alpine"));
    assert!(allowed(&["*.corp.example/**"], "eu.corp.example/app"));
    assert!(!allowed(&["*.corp.example/**"], "corp.example/app"));
    // Any one pattern suffices.
    assert!(allowed(&["ghcr.io", "docker.io/library/*"], "alpine"));
}

#[test]
fn dd_trust_001_registry() {
    let p = parse("registries: ['registry.corp.example/**']");
    let out = evaluate(&p, &facts("docker.io/evil/app:1"), now());
    let m = only(&out, "DD-TRUST-001");
    assert_eq!(m.severity, Severity::High);
    assert_eq!(m.location.config_path.as_deref(), Some("registries"));
    assert_eq!(m.location.object.as_deref(), Some("docker.io/evil/app:1"));
    assert!(m.evidence.contains("docker.io/evil/app"), "{}", m.evidence);
    assert!(
        m.evidence.contains("registry.corp.example/**"),
        "{}",
        m.evidence
    );
    assert!(m.remediation.contains(FILE), "{}", m.remediation);
    assert!(evaluate(&p, &facts("registry.corp.example/app:1"), now()).is_empty());
}

const SIG_POLICY: &str = "
signatures:
  - repositories: ['registry.corp.example/prod/**']
    keys: [keys/a.pub, /abs/b.pub]
  - repositories: ['registry.corp.example/**']
    keys: [keys/a.pub]
";

fn key_a() -> PathBuf {
    PathBuf::from("/etc/drydock/keys/a.pub")
}

fn key_b() -> PathBuf {
    PathBuf::from("/abs/b.pub")
}

fn verified(digest: &Digest) -> SignatureStatus {
    let k = SigningKey::from_seed(&[1; 32]);
    let art = cosign::signature_artifacts(
        &k,
        "registry.corp.example/prod/api",
        digest,
        &BTreeMap::new(),
    );
    let m = cosign::parse_signature_manifest(&art.manifest_json).unwrap();
    let v: VerifiedSignature =
        cosign::verify(&m.layers[0], &art.payload, &k.public_key(), digest).unwrap();
    SignatureStatus::Verified(vec![v])
}

#[test]
fn required_keys_follow_matching_rules() {
    let p = parse(SIG_POLICY);
    let prod = normalize_reference("registry.corp.example/prod/api:1").unwrap();
    assert_eq!(required_keys(&p, &prod), [key_a(), key_b()]);
    let dev = normalize_reference("registry.corp.example/dev/api:1").unwrap();
    assert_eq!(required_keys(&p, &dev), [key_a()]);
    assert!(required_keys(&p, &normalize_reference("alpine").unwrap()).is_empty());
}

#[test]
fn dd_trust_002_and_003_signatures() {
    let p = parse(SIG_POLICY);
    let image = "registry.corp.example/prod/api:1";
    let digest = d(image);

    // Verified with the key both rules accept: no finding.
    let mut f = facts(image);
    f.signatures.insert(key_a(), verified(&digest));
    assert!(evaluate(&p, &f, now()).is_empty());

    // Verified only with b: the first rule passes, the second needs a.
    let mut f = facts(image);
    f.signatures.insert(key_b(), verified(&digest));
    f.signatures.insert(key_a(), SignatureStatus::Missing);
    let out = evaluate(&p, &f, now());
    let m = only(&out, "DD-TRUST-002");
    assert_eq!(m.severity, Severity::High);
    assert_eq!(m.location.config_path.as_deref(), Some("signatures[1]"));
    assert!(
        m.evidence.contains(&cosign::signature_tag(&digest)),
        "{}",
        m.evidence
    );

    // Nothing checked: both rules fail closed.
    let out = evaluate(&p, &facts(image), now());
    assert_eq!(ids(&out), ["DD-TRUST-002", "DD-TRUST-002"]);
    assert!(
        out[0].evidence.contains("not checked"),
        "{}",
        out[0].evidence
    );

    let mut f = facts(image);
    f.signatures.insert(
        key_a(),
        SignatureStatus::NotChecked("the image was read from a docker-archive".into()),
    );
    f.signatures.insert(key_b(), SignatureStatus::Missing);
    let out = evaluate(&p, &f, now());
    assert_eq!(ids(&out), ["DD-TRUST-002", "DD-TRUST-002"]);
    assert!(
        out[1].evidence.contains("docker-archive"),
        "{}",
        out[1].evidence
    );

    // Invalid beats missing: the user must hear about a failing signature.
    let mut f = facts(image);
    f.signatures.insert(
        key_a(),
        SignatureStatus::Invalid(vec!["signature 0: the signature does not verify".into()]),
    );
    f.signatures.insert(key_b(), SignatureStatus::Missing);
    let out = evaluate(&p, &f, now());
    assert_eq!(ids(&out), ["DD-TRUST-003", "DD-TRUST-003"]);
    assert_eq!(out[0].severity, Severity::High);
    assert!(
        out[0].evidence.contains("does not verify"),
        "{}",
        out[0].evidence
    );
    assert!(out[0].evidence.contains("a.pub"), "{}", out[0].evidence);

    // A verified signature for another digest does not count.
    let mut f = facts(image);
    f.signatures.insert(key_a(), verified(&d("another image")));
    let out = evaluate(&p, &f, now());
    assert_eq!(ids(&out), ["DD-TRUST-003", "DD-TRUST-003"]);
    assert!(out[0].evidence.contains(&d("another image").to_string()));

    // Nor does one when the image digest is unknown.
    let mut f = facts(image);
    f.signatures.insert(key_a(), verified(&digest));
    f.manifest_digest = None;
    assert_eq!(
        ids(&evaluate(&p, &f, now())),
        ["DD-TRUST-003", "DD-TRUST-003"]
    );

    // Repositories no rule names need nothing.
    assert!(evaluate(&p, &facts("alpine"), now()).is_empty());
}

#[test]
fn dd_trust_004_digest_pinning() {
    let p = parse("require_digest: true");
    let out = evaluate(&p, &facts("alpine:3.19"), now());
    let m = only(&out, "DD-TRUST-004");
    assert_eq!(m.severity, Severity::Medium);
    assert!(
        m.remediation.contains(&d("alpine:3.19").to_string()),
        "{}",
        m.remediation
    );
    let pinned = format!("alpine:3.19@{}", d("x"));
    assert!(evaluate(&p, &facts(&pinned), now()).is_empty());
    assert!(evaluate(&parse("require_digest: false"), &facts("alpine"), now()).is_empty());
}

#[test]
fn dd_trust_005_and_007_age() {
    let p = parse("max_age: 90d");
    let mut f = facts("alpine");

    f.created = Some("2025-01-01T00:00:00Z".into());
    let out = evaluate(&p, &f, now());
    let m = only(&out, "DD-TRUST-005");
    assert_eq!(m.severity, Severity::Medium);
    assert!(m.evidence.contains("151 days"), "{}", m.evidence);
    assert!(m.evidence.contains("90d"), "{}", m.evidence);
    assert!(
        m.evidence.contains("2025-01-01T00:00:00Z"),
        "{}",
        m.evidence
    );

    for fresh in [
        "2025-05-01T12:30:00.123456789Z",
        "2025-03-04T00:00:00+02:00",
        // Clock skew: a date in the future is not old.
        "2025-07-01T00:00:00Z",
    ] {
        f.created = Some(fresh.into());
        assert!(evaluate(&p, &f, now()).is_empty(), "{fresh}");
    }
    // Exactly at the limit passes; one second over fails.
    f.created = Some("2025-03-03T00:00:00Z".into()); // now() - 90 days
    assert!(evaluate(&p, &f, now()).is_empty());
    assert_eq!(
        ids(&evaluate(&p, &f, now() + Duration::from_secs(1))),
        ["DD-TRUST-005"]
    );

    let hours = parse("max_age: 12h");
    f.created = Some("2025-05-31T00:00:00Z".into());
    let out = evaluate(&hours, &f, now());
    assert!(only(&out, "DD-TRUST-005").evidence.contains("24 hours"));

    for (created, word) in [
        (None, "no `created`"),
        (Some("yesterday"), "not an RFC 3339"),
        (Some("2025-01-01 00:00:00"), "not an RFC 3339"),
        (Some("1970-01-01T00:00:00Z"), "placeholder"),
        (Some("0001-01-01T00:00:00Z"), "placeholder"),
    ] {
        f.created = created.map(str::to_owned);
        let out = evaluate(&p, &f, now());
        let m = only(&out, "DD-TRUST-007");
        assert_eq!(m.severity, Severity::Medium);
        assert!(m.evidence.contains(word), "{created:?}: {}", m.evidence);
    }
    // Clocks far from now do not break the arithmetic.
    f.created = Some("2025-01-01T00:00:00Z".into());
    let before_epoch = SystemTime::UNIX_EPOCH - Duration::from_secs(1_000);
    assert!(evaluate(&p, &f, before_epoch).is_empty());
    let far = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(1 << 40))
        .unwrap();
    assert_eq!(ids(&evaluate(&p, &f, far)), ["DD-TRUST-005"]);

    // Without max_age the date does not matter.
    f.created = None;
    assert!(evaluate(&parse("require_digest: false"), &f, now()).is_empty());
}

#[test]
fn dd_trust_006_base_images() {
    let base = [d("debian layer 1"), d("debian layer 2")];
    let p = parse(&format!(
        "base_images:
  - name: debian-bookworm
    diff_ids: ['{}', '{}']
  - label: org.opencontainers.image.base.name
    value: 'docker.io/library/debian:bookworm*'
",
        base[0], base[1]
    ));
    let mut f = facts("registry.corp.example/app");

    f.diff_ids = vec![base[0].clone(), base[1].clone(), d("app layer")];
    assert!(evaluate(&p, &f, now()).is_empty());
    f.diff_ids = base.to_vec();
    assert!(evaluate(&p, &f, now()).is_empty());

    // Same layers in another order, or only a prefix of the base: not it.
    for layers in [
        vec![base[1].clone(), base[0].clone()],
        vec![base[0].clone()],
        vec![d("alpine"), base[0].clone(), base[1].clone()],
        vec![],
    ] {
        f.diff_ids = layers;
        let out = evaluate(&p, &f, now());
        let m = only(&out, "DD-TRUST-006");
        assert_eq!(m.severity, Severity::High);
        assert!(m.evidence.contains("debian-bookworm"), "{}", m.evidence);
        assert!(
            m.evidence
                .contains("label org.opencontainers.image.base.name is not set"),
            "{}",
            m.evidence
        );
    }

    f.diff_ids = vec![d("other")];
    f.labels.insert(
        "org.opencontainers.image.base.name".into(),
        "docker.io/library/debian:bookworm-slim".into(),
    );
    assert!(evaluate(&p, &f, now()).is_empty());
    f.labels.insert(
        "org.opencontainers.image.base.name".into(),
        "docker.io/library/ubuntu:24.04".into(),
    );
    let out = evaluate(&p, &f, now());
    assert!(only(&out, "DD-TRUST-006").evidence.contains("ubuntu:24.04"));
}

#[test]
fn every_check_at_once() {
    let p = parse(
        "registries: [ghcr.io]
signatures:
  - repositories: ['**']
    keys: [k.pub]
require_digest: true
max_age: 1w
base_images:
  - label: base
    value: '*'
",
    );
    let mut f = facts("docker.io/user/app:1");
    f.created = Some("2020-01-01T00:00:00Z".into());
    let out = evaluate(&p, &f, now());
    assert_eq!(
        ids(&out),
        [
            "DD-TRUST-001",
            "DD-TRUST-002",
            "DD-TRUST-004",
            "DD-TRUST-005",
            "DD-TRUST-006"
        ]
    );
    assert!(out.iter().all(|m| m.source == "trust"));
}

proptest! {
    #[test]
    fn policy_parser_never_panics(s in "\\PC{0,200}") {
        let _ = TrustPolicy::parse(&s, Path::new(FILE));
    }

    #[test]
    fn policy_parser_never_panics_on_yamlish(
        s in "(registries|signatures|max_age|base_images|require_digest|keys|repositories|label|value|diff_ids|[:\\-\\[\\]{}*' \n]|[a-z0-9./]){0,120}"
    ) {
        let _ = TrustPolicy::parse(&s, Path::new(FILE));
    }

    #[test]
    fn max_age_round_trips(n in 1u64..5_000, unit in prop_oneof![Just('h'), Just('d'), Just('w')]) {
        let text = format!("{n}{unit}");
        let age = MaxAge::parse(&text).unwrap();
        prop_assert_eq!(age.to_string(), text);
        let per = match unit { 'h' => 3_600, 'd' => 86_400, _ => 604_800 };
        prop_assert_eq!(age.seconds(), n * per);
    }

    #[test]
    fn evaluate_never_panics(
        created in proptest::option::of("\\PC{0,40}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})"),
        label in "\\PC{0,40}",
        now_secs in any::<u32>(),
    ) {
        let p = parse("max_age: 1d\nbase_images:\n  - label: base\n    value: 'debian*'");
        let mut f = facts("alpine");
        f.created = created;
        f.labels.insert("base".into(), label);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(now_secs));
        for m in evaluate(&p, &f, now) {
            prop_assert!(m.check_id.starts_with("DD-TRUST-00"));
        }
    }

    #[test]
    fn max_age_never_panics(s in "\\PC{0,30}") {
        let _ = MaxAge::parse(&s);
    }
}
