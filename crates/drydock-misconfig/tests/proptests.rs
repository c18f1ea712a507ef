//! Property tests: no input makes the audit panic, and generated pod specs
//! keep their line numbers right.

use std::path::Path;

use drydock_misconfig::{PssLevel, audit, audit_daemon, detect, parse_documents, pss_evaluate};
use proptest::prelude::*;

/// Fragments that steer random inputs into each parser's interesting paths.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("services:\n".to_owned()),
        Just("apiVersion: v1\nkind: Pod\n".to_owned()),
        Just("spec:\n  containers:\n  - name: a\n".to_owned()),
        Just("    securityContext: {privileged: true}\n".to_owned()),
        Just("---\n".to_owned()),
        Just("&a [*a, ".to_owned()),
        Just("<<: *b\n".to_owned()),
        Just("{\"HostConfig\": {".to_owned()),
        Just("\"Binds\": [\"/:/h\"]".to_owned()),
        Just("dockerd -H tcp://0.0.0.0:2375 ".to_owned()),
        Just("ExecStart=/usr/bin/dockerd '".to_owned()),
        Just("\"".to_owned()),
        Just("  - ".to_owned()),
        Just("\t".to_owned()),
        Just("? ".to_owned()),
        Just("!!binary ".to_owned()),
        "[a-z:{}\\[\\],'\"&*!|>#%@` \n-]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = audit("fuzz", &bytes);
        let _ = detect(Path::new("fuzz.json"), &bytes);
        let _ = parse_documents("fuzz", &bytes);
        let _ = audit_daemon(Some(("daemon.json", &bytes)), Some(("cmd", &bytes)));
    }

    #[test]
    fn structured_fragments_never_panic(parts in proptest::collection::vec(fragment(), 0..24)) {
        let text = parts.concat();
        let _ = audit("fuzz.yaml", text.as_bytes());
        let _ = audit("daemon.json", text.as_bytes());
        if let Ok(docs) = parse_documents("fuzz.yaml", text.as_bytes()) {
            for d in &docs {
                let _ = pss_evaluate(d, PssLevel::Restricted);
            }
        }
    }

    #[test]
    fn arbitrary_json_values_never_panic_pss(v in json_value()) {
        let _ = pss_evaluate(&v, PssLevel::Restricted);
        let wrapped = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "spec": v});
        let _ = pss_evaluate(&wrapped, PssLevel::Baseline);
        let bytes = serde_json::to_vec(&wrapped).expect("serializes");
        let _ = audit("p.json", &bytes);
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|i| serde_json::json!(i)),
        prop_oneof![
            Just("ALL"),
            Just("Unconfined"),
            Just("RuntimeDefault"),
            Just("x"),
            Just(""),
            Just("windows")
        ]
        .prop_map(|s| serde_json::Value::String(s.to_owned())),
    ];
    let keys = prop_oneof![
        Just("containers"),
        Just("initContainers"),
        Just("securityContext"),
        Just("capabilities"),
        Just("add"),
        Just("drop"),
        Just("privileged"),
        Just("seccompProfile"),
        Just("type"),
        Just("volumes"),
        Just("hostPath"),
        Just("ports"),
        Just("hostPort"),
        Just("os"),
        Just("name"),
        Just("livenessProbe"),
        Just("httpGet"),
        Just("host"),
        Just("sysctls"),
        Just("hostUsers"),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((keys.clone(), inner), 0..5).prop_map(|kv| {
                serde_json::Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// One generated container: which flags it sets, and layout noise.
#[derive(Debug, Clone)]
struct Ctr {
    privileged: bool,
    /// Extra keys before the security context (shifts lines).
    padding: usize,
    /// Blank or comment lines inside the container.
    comments: usize,
    flow_caps: bool,
    host_port: Option<u16>,
}

fn ctr() -> impl Strategy<Value = Ctr> {
    (
        any::<bool>(),
        0usize..4,
        0usize..3,
        any::<bool>(),
        proptest::option::of(1u16..65535),
    )
        .prop_map(
            |(privileged, padding, comments, flow_caps, host_port)| Ctr {
                privileged,
                padding,
                comments,
                flow_caps,
                host_port,
            },
        )
}

/// Renders a Deployment and records the line of every `privileged: true`,
/// every `hostPort`, and the first line of every container.
fn render(init: &[Ctr], ctrs: &[Ctr], kind_idx: usize) -> (String, Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut out: Vec<String> = Vec::new();
    let mut privileged = Vec::new();
    let mut host_ports = Vec::new();
    let mut starts = Vec::new();
    let (kind, indent) = match kind_idx {
        0 => ("Pod", ""),
        1 => ("Deployment", "    "),
        _ => ("CronJob", "          "),
    };
    out.push("# generated".into());
    out.push(format!(
        "apiVersion: {}",
        if kind == "Pod" { "v1" } else { "apps/v1" }
    ));
    out.push(format!("kind: {kind}"));
    out.push("metadata:".into());
    out.push("  name: gen".into());
    out.push("spec:".into());
    match kind {
        "Deployment" => {
            out.push("  replicas: 1".into());
            out.push("  template:".into());
            out.push("    spec:".into());
        }
        "CronJob" => {
            out.push("  schedule: \"* * * * *\"".into());
            out.push("  jobTemplate:".into());
            out.push("    spec:".into());
            out.push("      template:".into());
            out.push("        spec:".into());
        }
        _ => {}
    }
    let base = format!("{indent}  ");
    for (list, items) in [("initContainers", init), ("containers", ctrs)] {
        if items.is_empty() {
            continue;
        }
        out.push(format!("{base}{list}:"));
        for (i, c) in items.iter().enumerate() {
            starts.push(out.len() as u32 + 1);
            out.push(format!("{base}- name: c{i}"));
            let f = format!("{base}  ");
            out.push(format!("{f}image: registry.example/c{i}:1"));
            for p in 0..c.padding {
                out.push(format!("{f}env{p}: value-{p}"));
            }
            for k in 0..c.comments {
                out.push(if k % 2 == 0 {
                    String::new()
                } else {
                    format!("{f}# note {k}")
                });
            }
            if let Some(hp) = c.host_port {
                out.push(format!("{f}ports:"));
                out.push(format!("{f}- containerPort: 8080"));
                host_ports.push(out.len() as u32 + 1);
                out.push(format!("{f}  hostPort: {hp}"));
            }
            out.push(format!("{f}securityContext:"));
            if c.flow_caps {
                out.push(format!("{f}  capabilities: {{drop: [ALL]}}"));
            } else {
                out.push(format!("{f}  capabilities:"));
                out.push(format!("{f}    drop:"));
                out.push(format!("{f}    - ALL"));
            }
            if c.privileged {
                privileged.push(out.len() as u32 + 1);
                out.push(format!("{f}  privileged: true"));
            } else {
                out.push(format!("{f}  privileged: false"));
            }
        }
    }
    (out.join("\n") + "\n", privileged, host_ports, starts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn generated_pod_specs_keep_lines(
        init in proptest::collection::vec(ctr(), 0..3),
        ctrs in proptest::collection::vec(ctr(), 1..4),
        kind_idx in 0usize..3,
    ) {
        let (text, privileged, host_ports, starts) = render(&init, &ctrs, kind_idx);
        let f = audit("gen.yaml", text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut got: Vec<u32> = f.iter().filter(|m| m.check_id == "DD-RT-001").filter_map(|m| m.location.line).collect();
        got.sort_unstable();
        prop_assert_eq!(&got, &privileged, "{}", text);
        let mut got: Vec<u32> = f.iter().filter(|m| m.check_id == "DD-K8S-003").filter_map(|m| m.location.line).collect();
        got.sort_unstable();
        prop_assert_eq!(&got, &host_ports, "{}", text);
        // Missing limits point at the container's first line.
        let mut got: Vec<u32> = f.iter().filter(|m| m.check_id == "DD-RT-040").filter_map(|m| m.location.line).collect();
        got.sort_unstable();
        let mut want = starts.clone();
        want.sort_unstable();
        prop_assert_eq!(&got, &want, "{}", text);
    }
}

fn plain_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|i| serde_json::json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        any::<String>().prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(any::<String>(), inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// YAML 1.1 booleans that YAML 1.2 writers (serde_norway) leave unquoted;
/// Kubernetes and drydock read them as booleans, which is intended.
fn yaml11_keyword(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "yes" | "n" | "no" | "off" | "on" | "null" | "true" | "false"
    )
}

/// Strings that read the same in YAML 1.1 and 1.2 when left unquoted.
fn yaml_safe_string() -> impl Strategy<Value = String> {
    "[a-x][a-x0-9_]{0,6}".prop_filter("not a YAML 1.1 keyword", |s| !yaml11_keyword(s))
}

fn yaml_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|i| serde_json::json!(i)),
        yaml_safe_string().prop_map(serde_json::Value::String),
        // U+0085, U+2028 and U+2029 are line breaks to YAML 1.1 writers
        // (libyaml folds them) and ordinary characters to YAML 1.2 readers.
        any::<String>()
            .prop_filter("not a YAML 1.1 keyword or break", |s| {
                !yaml11_keyword(s) && !s.contains(['\u{85}', '\u{2028}', '\u{2029}'])
            })
            .prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..5).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(yaml_safe_string(), inner, 1..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The JSON reader agrees with serde_json on every value serde_json
    /// writes, compact or pretty.
    #[test]
    fn json_reader_matches_serde_json(v in plain_json()) {
        for text in [serde_json::to_string(&v).expect("ser"), serde_json::to_string_pretty(&v).expect("ser")] {
            let wrapped = format!("[{text}]");
            let docs = parse_documents("v.json", wrapped.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&docs, &vec![serde_json::Value::Array(vec![v.clone()])]);
        }
    }

    /// The YAML reader agrees with serde_norway on what serde_norway writes.
    #[test]
    fn yaml_reader_matches_serde_norway(v in yaml_value()) {
        let text = serde_norway::to_string(&v).expect("ser");
        let docs = parse_documents("v.yaml", text.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(docs.len(), 1, "{}", text);
        prop_assert_eq!(&docs[0], &v, "{}", text);
    }
}
