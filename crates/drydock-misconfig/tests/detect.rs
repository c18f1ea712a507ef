//! Input-kind detection and malformed-input errors.

use std::path::Path;

use drydock_misconfig::{InputKind, MisconfigError, audit, detect};

fn kind(name: &str, text: &str) -> Result<InputKind, MisconfigError> {
    detect(Path::new(name), text.as_bytes())
}

#[test]
fn detects_each_kind() {
    let cases: &[(&str, &str, InputKind)] = &[
        (
            "inspect.json",
            "[{\"Id\": \"x\", \"HostConfig\": {}}]",
            InputKind::DockerInspect,
        ),
        (
            "one.json",
            "{\"Id\": \"x\", \"HostConfig\": {\"Privileged\": false}}",
            InputKind::DockerInspect,
        ),
        (
            "x",
            "  \n[\n {\"Name\": \"/a\", \"HostConfig\": {}}\n]",
            InputKind::DockerInspect,
        ),
        (
            "docker-compose.yml",
            "services:\n  web:\n    image: nginx\n",
            InputKind::Compose,
        ),
        (
            "compose.json",
            "{\"services\": {\"a\": {\"image\": \"x\"}}}",
            InputKind::Compose,
        ),
        (
            "c.yaml",
            "version: \"3.8\"\nservices:\n  a: {image: x}\n",
            InputKind::Compose,
        ),
        (
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: []\n",
            InputKind::Kubernetes,
        ),
        (
            "multi.yaml",
            "# comment\n---\napiVersion: v1\nkind: Service\n---\napiVersion: apps/v1\nkind: Deployment\n",
            InputKind::Kubernetes,
        ),
        (
            "list.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": []}",
            InputKind::Kubernetes,
        ),
        (
            "x.yaml",
            "---\napiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n",
            InputKind::Kubernetes,
        ),
        ("daemon.json", "{\"icc\": false}", InputKind::DaemonJson),
        (
            "conf",
            "{\"insecure-registries\": [\"r:5000\"], \"live-restore\": true}",
            InputKind::DaemonJson,
        ),
        (
            "conf",
            "{\"log-driver\": \"journald\"}",
            InputKind::DaemonJson,
        ),
        ("daemon.json", "{}", InputKind::DaemonJson),
        ("cmd", "dockerd --icc=false", InputKind::DockerdFlags),
        (
            "cmd",
            "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock\n",
            InputKind::DockerdFlags,
        ),
        (
            "docker.service",
            "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
            InputKind::DockerdFlags,
        ),
        (
            "override.conf",
            "[Service]\nExecStart=\nExecStart=-/usr/local/bin/dockerd --tlsverify\n",
            InputKind::DockerdFlags,
        ),
        (
            "/etc/default/docker",
            "DOCKER_OPTS=\"--icc=false\"\n",
            InputKind::DockerdFlags,
        ),
        (
            "/etc/sysconfig/docker",
            "OPTIONS='--selinux-enabled --log-driver=journald'\n",
            InputKind::DockerdFlags,
        ),
    ];
    for (name, text, want) in cases {
        assert_eq!(
            kind(name, text).unwrap_or_else(|e| panic!("{name}: {e}")),
            *want,
            "{name}: {text}"
        );
    }
}

#[test]
fn bom_is_ignored() {
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(b"services:\n  a: {image: x}\n");
    assert_eq!(
        detect(Path::new("c.yml"), &b).expect("detects"),
        InputKind::Compose
    );
}

#[test]
fn unrecognized_inputs() {
    for (name, text) in [
        ("a.yaml", "foo: bar\n"),
        ("a.json", "{\"foo\": 1}"),
        ("a.json", "[1, 2, 3]"),
        ("a.txt", "hello world"),
        ("empty", ""),
        ("ws", "  \n\t\n"),
        ("a.yaml", "services: [a, b]\n"),
        ("a.json", "\"string\""),
        ("cmd", "containerd --config /etc/containerd/config.toml"),
    ] {
        match kind(name, text) {
            Err(MisconfigError::Unrecognized { file, .. }) => assert_eq!(file, name),
            Err(MisconfigError::Syntax { .. }) if name == "a.json" => {}
            other => panic!("{name}: {text:?} gave {other:?}"),
        }
    }
    let err = kind("a.yaml", "foo: bar\n").expect_err("unrecognized");
    assert!(
        err.to_string()
            .starts_with("a.yaml: not a docker inspect dump"),
        "{err}"
    );
}

#[test]
fn malformed_yaml_names_file_line_and_column() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: x\n          securityContext:\n            privileged: true\n  bad: indent: here\n";
    let err = audit("deploy.yaml", text.as_bytes()).expect_err("malformed");
    match &err {
        MisconfigError::Syntax {
            file,
            line,
            column,
            message,
        } => {
            assert_eq!(file, "deploy.yaml");
            assert_eq!(*line, 13);
            assert_eq!(*column, 14, "{message}");
            assert!(
                message.contains("mapping values are not allowed"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "deploy.yaml:13:14: mapping values are not allowed in this context"
    );
}

#[test]
fn malformed_yaml_other_errors() {
    for (text, line) in [
        ("services:\n  a:\n    image: [x\n", 4),
        ("a: 'unterminated\n", 1),
        ("a:\n\t- b\n", 2),
        ("a: *missing\n", 1),
        ("- a\nb: c\n", 2),
    ] {
        match audit("c.yaml", text.as_bytes()) {
            Err(MisconfigError::Syntax {
                line: got, column, ..
            }) => {
                assert_eq!(got, line, "{text:?}");
                assert!(column >= 1);
            }
            Err(MisconfigError::Unrecognized { .. }) if text.contains("*missing") => {}
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

#[test]
fn malformed_json_names_file_line_and_column() {
    let text = "[\n  {\n    \"Id\": \"x\",\n    \"HostConfig\": {\n      \"Privileged\": tru\n    }\n  }\n]\n";
    let err = audit("inspect.json", text.as_bytes()).expect_err("malformed");
    assert_eq!(err.to_string(), "inspect.json:5:21: expected a value");
    let err = audit(
        "k.json",
        b"{\"apiVersion\": \"v1\",\n \"kind\": \"Pod\"\n \"spec\": {}}",
    )
    .expect_err("malformed");
    assert_eq!(err.to_string(), "k.json:3:2: expected `,` or `}`");
}

#[test]
fn invalid_utf8_is_a_positioned_error() {
    let err = audit("x.yaml", b"a: 1\nb: \xff\n").expect_err("invalid");
    assert_eq!(err.to_string(), "x.yaml:2:4: invalid UTF-8");
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b' '; drydock_misconfig::MAX_INPUT_BYTES + 1];
    assert!(matches!(
        audit("big", &big),
        Err(MisconfigError::Limit { .. })
    ));
}

#[test]
fn alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("services:\n  x:\n    image: *a9\n");
    assert!(matches!(
        audit("bomb.yaml", text.as_bytes()),
        Err(MisconfigError::Limit { .. })
    ));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "[".repeat(200_000),
        "{a: ".repeat(50_000),
        format!("a: {}x\n", "- ".repeat(20_000)),
        format!("{}1", "[".repeat(200_000)),
    ] {
        assert!(audit("deep.yaml", text.as_bytes()).is_err());
    }
    let json = "[".repeat(100_000);
    assert!(audit("deep.json", json.as_bytes()).is_err());
}
