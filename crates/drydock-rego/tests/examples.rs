//! The policies shipped in `examples/policies`.

mod common;

use common::{deployment, dockerfile, examples_dir, image_input};
use drydock_findings::{Misconfiguration, Severity};
use drydock_rego::{InputKind, PolicySet};
use serde_json::json;

const DIGEST: &str = "sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1";

fn load() -> PolicySet {
    PolicySet::load_dir(&examples_dir()).unwrap()
}

fn with_id<'a>(findings: &'a [Misconfiguration], id: &str) -> Vec<&'a Misconfiguration> {
    findings.iter().filter(|f| f.check_id == id).collect()
}

#[test]
fn loads_all_examples() {
    let set = load();
    let ids: Vec<&str> = set
        .policies()
        .iter()
        .map(|p| p.metadata.id.as_str())
        .collect();
    assert_eq!(ids, ["CORP-LBL-001", "CORP-TAG-001", "CORP-REG-001"]);
}

#[test]
fn registry_image() {
    let set = load();
    let bad = set
        .evaluate(
            InputKind::Image,
            &image_input("docker.io/library/nginx:latest"),
            "",
        )
        .unwrap();
    assert!(bad.warnings.is_empty(), "{:?}", bad.warnings);
    let reg = with_id(&bad.findings, "CORP-REG-001");
    assert_eq!(reg.len(), 1, "{:?}", bad.findings);
    assert_eq!(reg[0].severity, Severity::High);
    assert_eq!(reg[0].source, "image");
    assert_eq!(reg[0].location.file, None);
    assert_eq!(reg[0].location.config_path.as_deref(), Some("reference"));
    assert!(reg[0].evidence.contains("docker.io"), "{}", reg[0].evidence);
    assert_eq!(
        reg[0].remediation,
        "Mirror the image into registry.corp.example and reference it from there."
    );
    // The same input fails the latest check too.
    assert_eq!(with_id(&bad.findings, "CORP-TAG-001").len(), 1);

    let good = set
        .evaluate(
            InputKind::Image,
            &image_input(&format!("registry.corp.example/team/app@{DIGEST}")),
            "",
        )
        .unwrap();
    assert!(good.warnings.is_empty(), "{:?}", good.warnings);
    assert!(good.findings.is_empty(), "{:?}", good.findings);
    assert_eq!(good.policies_run, 3);
}

#[test]
fn registry_kubernetes() {
    let set = load();
    let bad = set
        .evaluate(
            InputKind::Kubernetes,
            &deployment("docker.io/library/nginx:latest"),
            "k8s/web.yaml",
        )
        .unwrap();
    assert!(bad.warnings.is_empty(), "{:?}", bad.warnings);
    let reg = with_id(&bad.findings, "CORP-REG-001");
    assert_eq!(reg.len(), 1, "{:?}", bad.findings);
    let loc = &reg[0].location;
    assert_eq!(loc.file.as_deref(), Some("k8s/web.yaml"));
    assert_eq!(
        loc.config_path.as_deref(),
        Some("spec.template.spec.containers[1].image")
    );
    assert_eq!(loc.object.as_deref(), Some("Deployment/web"));
    assert_eq!(reg[0].source, "kubernetes");

    // Docker Hub short names are Docker Hub too.
    let short = set
        .evaluate(InputKind::Kubernetes, &deployment("nginx"), "web.yaml")
        .unwrap();
    assert_eq!(with_id(&short.findings, "CORP-REG-001").len(), 1);
    // The labels policy is for images only.
    assert!(with_id(&short.findings, "CORP-LBL-001").is_empty());
    assert_eq!(short.policies_run, 2);

    let good = set
        .evaluate(
            InputKind::Kubernetes,
            &deployment(&format!("registry.corp.example/team/app@{DIGEST}")),
            "k8s/web.yaml",
        )
        .unwrap();
    assert!(good.findings.is_empty(), "{:?}", good.findings);
    assert!(good.warnings.is_empty(), "{:?}", good.warnings);
}

#[test]
fn registry_kubernetes_pod_and_cronjob() {
    let set = load();
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "quay.io/x/y:1"}],
                 "ephemeralContainers": [{"name": "dbg", "image": "busybox:1.36"}]}});
    let ev = set
        .evaluate(InputKind::Kubernetes, &pod, "pod.yaml")
        .unwrap();
    let mut paths: Vec<_> = with_id(&ev.findings, "CORP-REG-001")
        .iter()
        .map(|f| f.location.config_path.clone().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "spec.containers[0].image",
            "spec.ephemeralContainers[0].image"
        ]
    );
    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "c", "image": "ghcr.io/o/r:2"}]}}}}}});
    let ev = set
        .evaluate(InputKind::Kubernetes, &cron, "cron.yaml")
        .unwrap();
    let reg = with_id(&ev.findings, "CORP-REG-001");
    assert_eq!(reg.len(), 1);
    assert_eq!(
        reg[0].location.config_path.as_deref(),
        Some("spec.jobTemplate.spec.template.spec.containers[0].image")
    );
    assert_eq!(reg[0].location.object.as_deref(), Some("CronJob/nightly"));
}

#[test]
fn registry_dockerfile() {
    let set = load();
    let bad = set
        .evaluate(
            InputKind::Dockerfile,
            &dockerfile("docker.io/library/nginx", Some("latest"), None),
            "Dockerfile",
        )
        .unwrap();
    assert!(bad.warnings.is_empty(), "{:?}", bad.warnings);
    let reg = with_id(&bad.findings, "CORP-REG-001");
    // `FROM builder` refers to the first stage and is not reported.
    assert_eq!(reg.len(), 1, "{:?}", bad.findings);
    assert_eq!(reg[0].location.line, Some(3));
    assert_eq!(reg[0].location.end_line, Some(3));
    assert_eq!(reg[0].location.file.as_deref(), Some("Dockerfile"));
    assert_eq!(reg[0].source, "dockerfile");
    let tag = with_id(&bad.findings, "CORP-TAG-001");
    assert_eq!(tag.len(), 1);
    assert_eq!(tag[0].location.line, Some(3));

    let good = set
        .evaluate(
            InputKind::Dockerfile,
            &dockerfile("registry.corp.example/team/app", None, Some(DIGEST)),
            "Dockerfile",
        )
        .unwrap();
    assert!(good.findings.is_empty(), "{:?}", good.findings);
    assert!(good.warnings.is_empty(), "{:?}", good.warnings);
}

#[test]
fn registry_dockerfile_build_arg_is_a_warn_result() {
    let set = load();
    let ev = set
        .evaluate(
            InputKind::Dockerfile,
            &dockerfile("${BASE}", None, None),
            "Dockerfile",
        )
        .unwrap();
    let reg = with_id(&ev.findings, "CORP-REG-001");
    assert_eq!(reg.len(), 1, "{:?}", ev.findings);
    // warn results of a HIGH policy default to Low.
    assert_eq!(reg[0].severity, Severity::Low);
    assert!(reg[0].evidence.contains("build argument"));
    // The unresolvable FROM is not reported as unpinned either.
    assert!(with_id(&ev.findings, "CORP-TAG-001").is_empty());
}

#[test]
fn compose_services() {
    let set = load();
    let compose = json!({"services": {
        "db": {"image": "postgres"},
        "web": {"image": format!("registry.corp.example/team/app@{DIGEST}")},
        "built": {"build": "."}
    }});
    let ev = set
        .evaluate(InputKind::Compose, &compose, "compose.yaml")
        .unwrap();
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
    let reg = with_id(&ev.findings, "CORP-REG-001");
    assert_eq!(reg.len(), 1);
    assert_eq!(
        reg[0].location.config_path.as_deref(),
        Some("services.db.image")
    );
    assert_eq!(reg[0].location.object.as_deref(), Some("service db"));
    assert_eq!(with_id(&ev.findings, "CORP-TAG-001").len(), 1);
}

#[test]
fn labels_required_and_recommended() {
    let set = load();
    let mut input = image_input(&format!("registry.corp.example/team/app@{DIGEST}"));
    let labels = input["config"]["config"]["Labels"].as_object_mut().unwrap();
    labels.remove("org.opencontainers.image.revision");
    labels.remove("org.opencontainers.image.licenses");
    let ev = set.evaluate(InputKind::Image, &input, "").unwrap();
    let mut got: Vec<(Severity, &str)> = with_id(&ev.findings, "CORP-LBL-001")
        .iter()
        .map(|f| (f.severity, f.evidence.as_str()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                Severity::Low,
                "label org.opencontainers.image.licenses is recommended"
            ),
            (
                Severity::Low,
                "label org.opencontainers.image.revision is not set"
            ),
        ]
    );

    // No Labels at all, or a non-object: every required label is missing.
    input["config"]["config"]["Labels"] = json!(null);
    let ev = set.evaluate(InputKind::Image, &input, "").unwrap();
    assert_eq!(with_id(&ev.findings, "CORP-LBL-001").len(), 3);
    assert!(ev.warnings.is_empty(), "{:?}", ev.warnings);
}

#[test]
fn data_document_overrides_allowed_registries() {
    // Copy the examples and allow quay.io as well.
    let tmp = tempfile::tempdir().unwrap();
    for name in ["registry.rego", "no_latest.rego", "labels.rego"] {
        std::fs::copy(examples_dir().join(name), tmp.path().join(name)).unwrap();
    }
    std::fs::write(
        tmp.path().join("data.yaml"),
        "allowed_registries: [registry.corp.example, quay.io]\n",
    )
    .unwrap();
    let set = PolicySet::load_dir(tmp.path()).unwrap();
    let ev = set
        .evaluate(InputKind::Image, &image_input("quay.io/team/app:1.0"), "")
        .unwrap();
    assert!(
        with_id(&ev.findings, "CORP-REG-001").is_empty(),
        "{:?}",
        ev.findings
    );
    let ev = set
        .evaluate(InputKind::Image, &image_input("ghcr.io/team/app:1.0"), "")
        .unwrap();
    assert_eq!(with_id(&ev.findings, "CORP-REG-001").len(), 1);
}

#[test]
fn deepest_accepted_input_is_evaluated_on_a_small_stack() {
    // Scan threads may have small stacks (2 MiB is std's default): the depth
    // limit must keep regorus' recursion (walk, conversion) within them.
    let depth = drydock_rego::EvalLimits::default().max_input_depth - 1;
    let mut v = json!({"image": "nginx"});
    for i in 0..depth {
        v = if i % 2 == 0 {
            json!([v])
        } else {
            json!({ "containers": v })
        };
    }
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let set = load();
            for kind in InputKind::ALL {
                let ev = set.evaluate(kind, &v, "deep").unwrap();
                assert!(ev.warnings.is_empty(), "{kind}: {:?}", ev.warnings);
            }
        })
        .unwrap();
    handle.join().unwrap();
}
