//! Arbitrary input documents never make the example policies panic or fail.

mod common;

use std::sync::OnceLock;

use drydock_rego::{InputKind, PolicySet};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn set() -> &'static PolicySet {
    static SET: OnceLock<PolicySet> = OnceLock::new();
    SET.get_or_init(|| PolicySet::load_dir(&common::examples_dir()).unwrap())
}

/// Keys and strings the policies look at, so that generated documents reach
/// deep into the rules instead of failing the first field test.
const KEYS: &[&str] = &[
    "stages",
    "instructions",
    "from",
    "image",
    "tag",
    "digest",
    "cmd",
    "line",
    "end_line",
    "name",
    "kind",
    "metadata",
    "spec",
    "template",
    "containers",
    "initContainers",
    "ephemeralContainers",
    "jobTemplate",
    "services",
    "registry",
    "reference",
    "config",
    "Labels",
    "apiVersion",
    "args",
];
const STRINGS: &[&str] = &[
    "from",
    "run",
    "latest",
    "nginx",
    "docker.io/library/nginx:latest",
    "registry.corp.example/a/b@sha256:00",
    "${BASE}",
    "",
    "scratch",
    "builder",
    "Pod",
    "Deployment",
    "a:b:c/d",
    "/",
    "localhost:5000/x",
    "org.opencontainers.image.source",
    "é/ü:∞",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop::sample::select(STRINGS).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        3 => prop::sample::select(KEYS).prop_map(str::to_owned),
                        1 => ".{0,6}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn example_policies_never_fail(input in json()) {
        for kind in InputKind::ALL {
            let ev = set().evaluate(kind, &input, "input").unwrap();
            prop_assert!(ev.warnings.is_empty(), "{kind}: {:?} on {input}", ev.warnings);
            for f in &ev.findings {
                prop_assert!(f.check_id.starts_with("CORP-"));
                prop_assert!(!f.evidence.is_empty());
                prop_assert_eq!(&f.source, kind.as_str());
            }
        }
    }
}

/// The registry of a reference as the registry policy must compute it.
fn oracle_registry(reference: &str) -> String {
    match reference.split_once('/') {
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => {
            host.to_lowercase()
        }
        _ => "docker.io".to_owned(),
    }
}

#[derive(Debug, Clone)]
struct Ref {
    name: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl Ref {
    fn full(&self) -> String {
        let mut s = self.name.clone();
        if let Some(t) = &self.tag {
            s = format!("{s}:{t}");
        }
        if let Some(d) = &self.digest {
            s = format!("{s}@{d}");
        }
        s
    }
}

fn reference() -> impl Strategy<Value = Ref> {
    let host = prop::option::of(prop::sample::select(
        &[
            "docker.io",
            "registry.corp.example",
            "REGISTRY.corp.example",
            "quay.io",
            "localhost",
            "localhost:5000",
            "registry.corp.example:5000",
            "corp",
        ][..],
    ));
    let path = prop::collection::vec("[a-z][a-z0-9]{0,4}", 1..4);
    let tag = prop::option::of(prop::sample::select(&["latest", "1.2", "v3", "LATEST"][..]));
    let digest = prop::option::of(Just(
        "sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1",
    ));
    (host, path, tag, digest).prop_map(|(host, path, tag, digest)| {
        let path = path.join("/");
        Ref {
            name: match host {
                Some(h) => format!("{h}/{path}"),
                None => path,
            },
            tag: tag.map(str::to_owned),
            digest: digest.map(str::to_owned),
        }
    })
}

fn ids(kind: InputKind, input: &Value) -> Vec<String> {
    let ev = set().evaluate(kind, input, "f").unwrap();
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    ev.findings.into_iter().map(|f| f.check_id).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The registry and pinning policies agree with a plain reading of the
    /// reference, whatever the input kind carrying it.
    #[test]
    fn registry_and_pinning_follow_the_reference(r in reference()) {
        let full = r.full();
        let foreign = oracle_registry(&full) != "registry.corp.example";
        let floating = r.tag.as_deref() == Some("latest") || (r.tag.is_none() && r.digest.is_none());

        let k8s = ids(InputKind::Kubernetes, &common::deployment(&full));
        prop_assert_eq!(k8s.iter().any(|i| i == "CORP-REG-001"), foreign, "k8s {}", full);
        prop_assert_eq!(k8s.iter().any(|i| i == "CORP-TAG-001"), floating, "k8s {}", full);

        let compose = serde_json::json!({"services": {"s": {"image": full}}});
        let c = ids(InputKind::Compose, &compose);
        prop_assert_eq!(c.iter().any(|i| i == "CORP-REG-001"), foreign, "compose {}", full);
        prop_assert_eq!(c.iter().any(|i| i == "CORP-TAG-001"), floating, "compose {}", full);

        let df = common::dockerfile(&r.name, r.tag.as_deref(), r.digest.as_deref());
        let d = ids(InputKind::Dockerfile, &df);
        prop_assert_eq!(d.iter().any(|i| i == "CORP-REG-001"), foreign, "dockerfile {}", full);
        prop_assert_eq!(d.iter().any(|i| i == "CORP-TAG-001"), floating, "dockerfile {}", full);
    }
}
