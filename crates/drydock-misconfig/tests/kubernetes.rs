//! Kubernetes manifests: findings, objects and lines across workload kinds,
//! multi-document files, `List` kinds and JSON.

mod common;

use common::{assert_at, ids, line_after, of, of_obj};
use drydock_misconfig::{PssLevel, audit, audit_kubernetes, pss_evaluate};

const MANIFESTS: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: unconfined
    spec:
      hostNetwork: true
      hostPID: true
      securityContext:
        runAsUser: 0
        sysctls:
          - name: kernel.msgmax
            value: "65536"
      volumes:
        - name: docker
          hostPath:
            path: /var/run/docker.sock
            type: Socket
        - name: host-etc
          hostPath:
            path: /etc
        - name: nfs
          nfs:
            server: nfs.example
            path: /exports
      initContainers:
        - name: init
          image: busybox
          securityContext:
            privileged: true
      containers:
        - name: web
          image: nginx
          ports:
            - containerPort: 22
              hostPort: 22
          securityContext:
            capabilities:
              add: ["SYS_ADMIN", "CHOWN"]
            procMount: Unmasked
            seLinuxOptions:
              type: spc_t
            seccompProfile:
              type: Unconfined
          livenessProbe:
            httpGet:
              host: 169.254.169.254
              port: 80
          volumeMounts:
            - name: docker
              mountPath: /var/run/docker.sock
              mountPropagation: Bidirectional
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          securityContext:
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault
          containers:
            - name: job
              image: registry.example/job:1
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: [ALL]
              resources:
                limits:
                  cpu: 500m
                  memory: 128Mi
"#;

fn findings() -> Vec<drydock_findings::Misconfiguration> {
    audit("deploy.yaml", MANIFESTS.as_bytes()).expect("audits")
}

#[test]
fn hardened_cronjob_is_clean() {
    let f = findings();
    let got: Vec<_> = f
        .iter()
        .filter(|m| {
            m.location
                .object
                .as_deref()
                .is_some_and(|o| o.starts_with("CronJob/"))
        })
        .map(|m| (m.check_id.clone(), m.evidence.clone()))
        .collect();
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn deployment_findings_sit_on_their_lines() {
    let f = findings();
    let d = "Deployment/web";
    let web = "Deployment/web container web";
    let init = "Deployment/web container init";
    let l = |n: &str| line_after(MANIFESTS, "kind: Deployment", n);
    assert_at(&f, "DD-RT-005", d, l("hostNetwork: true"));
    assert_at(&f, "DD-RT-006", d, l("hostPID: true"));
    assert_at(&f, "DD-RT-050", d, l("runAsUser: 0"));
    assert_at(&f, "DD-RT-025", d, l("- name: kernel.msgmax"));
    assert_at(&f, "DD-K8S-001", d, l("hostPath:"));
    assert_at(&f, "DD-RT-010", d, l("path: /var/run/docker.sock"));
    assert_at(&f, "DD-RT-011", d, l("path: /etc"));
    assert_at(&f, "DD-K8S-002", d, l("nfs:"));
    assert_at(
        &f,
        "DD-RT-022",
        d,
        l("container.apparmor.security.beta.kubernetes.io/web"),
    );
    assert_at(&f, "DD-RT-001", init, l("privileged: true"));
    assert_at(&f, "DD-RT-002", web, l("add: [\"SYS_ADMIN\""));
    assert_at(&f, "DD-RT-003", web, l("add: [\"SYS_ADMIN\""));
    assert_at(&f, "DD-RT-004", web, l("add: [\"SYS_ADMIN\""));
    assert_at(&f, "DD-RT-024", web, l("procMount: Unmasked"));
    assert_at(&f, "DD-RT-023", web, l("type: spc_t"));
    assert_at(&f, "DD-RT-020", web, l("type: Unconfined"));
    assert_at(&f, "DD-K8S-003", web, l("hostPort: 22"));
    assert_at(&f, "DD-RT-061", web, l("hostPort: 22"));
    assert_at(&f, "DD-RT-060", web, l("hostPort: 22"));
    assert_at(&f, "DD-K8S-005", web, l("host: 169.254.169.254"));
    assert_at(&f, "DD-RT-026", web, l("mountPropagation: Bidirectional"));
    // Missing settings point at the nearest existing parent.
    assert_at(
        &f,
        "DD-RT-031",
        web,
        l("securityContext:\n            capabilities"),
    );
    assert_at(
        &f,
        "DD-RT-040",
        web,
        l("- name: web\n          image: nginx"),
    );
    assert_at(
        &f,
        "DD-RT-030",
        init,
        l("securityContext:\n            privileged"),
    );
    assert_at(
        &f,
        "DD-RT-051",
        web,
        l("securityContext:\n            capabilities"),
    );
    assert!(f.iter().all(|m| m.source == "kubernetes"));
    // Not a workload: no findings for the Service.
    assert!(f.iter().all(|m| {
        !m.location
            .object
            .as_deref()
            .unwrap_or("")
            .starts_with("Service/")
    }));
}

#[test]
fn config_paths_are_full() {
    let f = findings();
    let p = of_obj(&f, "DD-RT-001", "Deployment/web container init");
    assert_eq!(
        p[0].location.config_path.as_deref(),
        Some("spec.template.spec.initContainers[0].securityContext.privileged")
    );
    let a = of(&f, "DD-RT-022");
    assert_eq!(
        a[0].location.config_path.as_deref(),
        Some(
            "spec.template.metadata.annotations[\"container.apparmor.security.beta.kubernetes.io/web\"]"
        )
    );
    let hp = of(&f, "DD-K8S-001");
    assert!(
        hp.iter().all(|m| m.location.end_line > m.location.line),
        "{hp:#?}"
    );
}

#[test]
fn drop_all_missing_is_reported_once_per_container() {
    let f = findings();
    let web: Vec<_> = of_obj(&f, "DD-RT-004", "Deployment/web container web");
    // CHOWN (baseline but not minimal) and the missing drop ALL.
    assert_eq!(web.len(), 2, "{web:#?}");
    assert!(web.iter().any(|m| m.evidence.contains("CHOWN")));
    assert!(web.iter().any(|m| m.evidence.contains("drop")));
}

#[test]
fn list_kind_and_json_manifests() {
    let list = r#"{
  "apiVersion": "v1",
  "kind": "List",
  "items": [
    {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {"name": "p"},
      "spec": {
        "containers": [
          {"name": "c", "image": "x", "securityContext": {"privileged": true}}
        ]
      }
    }
  ]
}
"#;
    let f = audit_kubernetes("list.json", list.as_bytes()).expect("audits");
    let p = of_obj(&f, "DD-RT-001", "Pod/p container c");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].location.line, Some(11));
    assert_eq!(
        p[0].location.config_path.as_deref(),
        Some("items[0].spec.containers[0].securityContext.privileged")
    );
}

#[test]
fn pss_evaluate_on_manifest_objects() {
    let docs =
        drydock_misconfig::parse_documents("deploy.yaml", MANIFESTS.as_bytes()).expect("parses");
    let dep = &docs[1];
    let baseline: Vec<String> = pss_evaluate(dep, PssLevel::Baseline)
        .into_iter()
        .map(|v| v.control)
        .collect();
    for c in [
        "hostNamespaces",
        "privileged",
        "capabilities_baseline",
        "hostPathVolumes",
        "hostPorts",
        "appArmorProfile",
        "seLinuxOptions",
        "procMount",
        "seccompProfile_baseline",
        "sysctls",
        "hostProbesAndHostLifecycle",
    ] {
        assert!(
            baseline.iter().any(|b| b == c),
            "missing {c} in {baseline:?}"
        );
    }
    let cron = &docs[2];
    assert!(pss_evaluate(cron, PssLevel::Restricted).is_empty());
    let v = &pss_evaluate(dep, PssLevel::Baseline)[0];
    assert!(!v.message.is_empty());
}

#[test]
fn hostusers_true_and_windows_and_multi_docs() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  hostUsers: true\n  containers:\n  - name: c\n    image: x\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  k: v\n";
    let f = audit_kubernetes("pods.yaml", text.as_bytes()).expect("audits");
    assert_at(&f, "DD-RT-009", "Pod/a", 6);
    assert!(ids(&f).contains("DD-RT-051"));
}

#[test]
fn wrong_kind_is_an_error() {
    assert!(audit_kubernetes("x.yaml", b"services:\n  a: {image: x}\n").is_err());
}

#[test]
fn wide_hostile_documents_stay_linear() {
    // A container with many junk keys and many added capabilities: every
    // capability is a finding whose line is looked up through the wide
    // mapping. Linear work finishes at once; a quadratic lookup would not.
    let mut text = String::from(
        "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"w\"}, \"spec\": {\"containers\": [{\"name\": \"c\",",
    );
    for i in 0..60_000 {
        text.push_str(&format!("\"junk{i}\": {i},"));
    }
    text.push_str("\"securityContext\": {\"capabilities\": {\"add\": [");
    let caps: Vec<String> = (0..20_000).map(|i| format!("\"X{i}\"")).collect();
    text.push_str(&caps.join(","));
    text.push_str("]}}}]}}");
    let f = audit_kubernetes("wide.json", text.as_bytes()).expect("audits");
    assert!(of(&f, "DD-RT-002").len() >= 20_000);
    assert!(f.iter().all(|m| m.location.line == Some(1)));
}
