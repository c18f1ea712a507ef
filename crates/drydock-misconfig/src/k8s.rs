//! Kubernetes manifests: workloads, their pod templates, and the findings
//! for them.
//!
//! Controls that the Pod Security Standards define are reported from the
//! PSS engine's own verdicts (one finding per offending field), mapped onto
//! the shared check ids, so a manifest's findings and `pss_evaluate` never
//! disagree. Hardening checks PSS does not cover (read-only root
//! filesystem, limits, dangerous capabilities, socket and sensitive hostPath
//! mounts, propagation, privileged and sensitive host ports) are read from
//! the pod spec here, with container settings overriding pod settings where
//! Kubernetes does.

use serde_json::Value;

use crate::catalog::{self, CheckInfo};
use crate::emit::Emitter;
use crate::pss::{Violation, evaluate_all, pod_template_paths};
use crate::runtime::{
    At, BASELINE_CAPS, DANGEROUS_CAPS, PortMap, check_host_mount, check_port, normalize_cap,
    shared_propagation,
};
use crate::tree::{Path, json_at};
use crate::val::{get, text};

/// Whether a document is a Kubernetes object.
pub(crate) fn is_k8s(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        o.get("apiVersion").is_some_and(Value::is_string)
            && o.get("kind").is_some_and(Value::is_string)
    })
}

/// A workload found in a document.
pub(crate) struct Workload {
    pub object: String,
    pub meta: Path,
    pub spec: Path,
}

/// Every workload in a document, descending into `List` kinds.
pub(crate) fn workloads(doc: &Value) -> Vec<Workload> {
    let mut out = Vec::new();
    collect(doc, &Path::root(), &mut out, 0);
    out
}

fn collect(v: &Value, path: &Path, out: &mut Vec<Workload>, depth: usize) {
    let Some(kind) = get(v, "kind").and_then(Value::as_str) else {
        return;
    };
    if kind == "List" || kind.ends_with("List") {
        if depth > 8 {
            return;
        }
        if let Some(Value::Array(items)) = get(v, "items") {
            for (i, it) in items.iter().enumerate() {
                collect(it, &path.key("items").idx(i), out, depth + 1);
            }
        }
        return;
    }
    let Some((meta, spec)) = pod_template_paths(kind) else {
        return;
    };
    let name = get(v, "metadata")
        .and_then(|m| get(m, "name"))
        .and_then(text)
        .unwrap_or_else(|| "unnamed".to_owned());
    if !json_at(v, &Path::root().keys(spec)).is_some_and(Value::is_object) {
        return;
    }
    out.push(Workload {
        object: format!("{kind}/{name}"),
        meta: path.keys(meta),
        spec: path.keys(spec),
    });
}

fn pss_check(v: &Violation) -> Option<&'static CheckInfo> {
    let last = match v.path.0.last() {
        Some(crate::tree::Seg::Key(k)) => k.as_str(),
        _ => "",
    };
    Some(match v.control {
        "privileged" => catalog::PRIVILEGED,
        "capabilities_baseline" => catalog::CAP_BEYOND_BASELINE,
        "capabilities_restricted" => catalog::CAP_NOT_MINIMAL,
        "hostNamespaces" => match last {
            "hostNetwork" => catalog::HOST_NETWORK,
            "hostPID" => catalog::HOST_PID,
            _ => catalog::HOST_IPC,
        },
        "hostPathVolumes" => catalog::K8S_HOSTPATH,
        "restrictedVolumes" => catalog::K8S_VOLUME_TYPE,
        "hostPorts" => catalog::K8S_HOST_PORT,
        "appArmorProfile" => catalog::APPARMOR_UNCONFINED,
        "seLinuxOptions" => catalog::SELINUX_RELAXED,
        "procMount" | "procMount_restricted" => catalog::PROC_UNMASKED,
        "seccompProfile_baseline" => catalog::SECCOMP_UNCONFINED,
        "seccompProfile_restricted" => catalog::SECCOMP_UNSET,
        "sysctls" => catalog::UNSAFE_SYSCTL,
        "windowsHostProcess" => catalog::K8S_HOST_PROCESS,
        "hostProbesAndHostLifecycle" => catalog::K8S_PROBE_HOST,
        "allowPrivilegeEscalation" => catalog::PRIV_ESCALATION,
        "runAsNonRoot" => catalog::NONROOT_NOT_ENFORCED,
        "runAsUser" => catalog::RUNS_AS_ROOT,
        _ => return None,
    })
}

fn object_for(w: &Workload, container: Option<&str>) -> String {
    match container {
        Some(c) if !c.is_empty() => format!("{} container {c}", w.object),
        _ => w.object.clone(),
    }
}

/// Audits one workload of a document.
pub(crate) fn audit_workload(em: &mut Emitter<'_>, doc: &Value, w: &Workload) {
    let violations = evaluate_all(doc, Some(&w.meta), &w.spec);
    let unconfined: std::collections::HashSet<&crate::tree::Path> = violations
        .iter()
        .filter(|o| o.control == "seccompProfile_baseline")
        .map(|o| &o.path)
        .collect();
    for v in &violations {
        let Some(check) = pss_check(v) else { continue };
        // Some restricted verdicts repeat a baseline one for the same field;
        // the baseline finding already says it.
        let duplicate = match v.control {
            "restrictedVolumes" => {
                v.path.0.last() == Some(&crate::tree::Seg::Key("hostPath".into()))
            }
            "seccompProfile_restricted" => unconfined.contains(&v.path),
            "capabilities_restricted" => {
                // An added capability outside the baseline set is already
                // DD-RT-002; DD-RT-004 keeps the missing drop-ALL and the
                // baseline capabilities other than NET_BIND_SERVICE.
                matches!(v.path.0.last(), Some(crate::tree::Seg::Index(_)))
                    && !json_at(doc, &v.path)
                        .and_then(Value::as_str)
                        .is_some_and(|c| BASELINE_CAPS.contains(&c))
            }
            _ => false,
        };
        if duplicate {
            continue;
        }
        em.emit(
            check,
            &v.path,
            &object_for(w, v.container.as_deref()),
            v.message.clone(),
        );
    }
    hardening(em, doc, w);
}

/// Checks beyond the Pod Security Standards.
fn hardening(em: &mut Emitter<'_>, doc: &Value, w: &Workload) {
    let Some(spec) = json_at(doc, &w.spec) else {
        return;
    };
    if matches!(spec.get("hostUsers"), Some(Value::Bool(true))) {
        em.emit(
            catalog::HOST_USERNS,
            &w.spec.key("hostUsers"),
            &w.object,
            "hostUsers: true".to_owned(),
        );
    }
    // Host paths, with the mounts that use them for the evidence.
    if let Some(Value::Array(vols)) = spec.get("volumes") {
        for (i, vol) in vols.iter().enumerate() {
            let Some(hp) = vol
                .get("hostPath")
                .and_then(|h| h.get("path"))
                .and_then(Value::as_str)
            else {
                continue;
            };
            let name = vol.get("name").and_then(Value::as_str).unwrap_or("");
            check_host_mount(
                em,
                hp,
                &format!("volume {name}"),
                &w.spec.key("volumes").idx(i).keys(&["hostPath", "path"]),
                &w.object,
            );
        }
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let lp = w.spec.key(list);
        let Some(Value::Array(items)) = spec.get(list) else {
            continue;
        };
        for (i, c) in items.iter().enumerate() {
            if !c.is_object() {
                continue;
            }
            let cp = lp.idx(i);
            let name = c.get("name").and_then(Value::as_str).unwrap_or("");
            let object = object_for(w, Some(name));
            let sc = c.get("securityContext").filter(|s| s.is_object());
            let scp = cp.key("securityContext");
            if let Some(Value::Array(add)) = sc
                .and_then(|s| s.get("capabilities"))
                .and_then(|c| c.get("add"))
            {
                for (j, cap) in add.iter().enumerate() {
                    if let Some(t) = cap.as_str() {
                        let at = At {
                            v: t.to_owned(),
                            path: scp.keys(&["capabilities", "add"]).idx(j),
                        };
                        // DD-RT-002/004 come from the PSS verdicts; only the
                        // dangerous-capability check is added here.
                        if DANGEROUS_CAPS.contains(&normalize_cap(t).as_str()) {
                            check_added_cap_dangerous_only(em, &at, &object);
                        }
                    }
                }
            }
            if !matches!(
                sc.and_then(|s| s.get("readOnlyRootFilesystem")),
                Some(Value::Bool(true))
            ) {
                em.emit(
                    catalog::WRITABLE_ROOTFS,
                    &scp.key("readOnlyRootFilesystem"),
                    &object,
                    format!("container {name:?} does not set readOnlyRootFilesystem: true"),
                );
            }
            if list != "ephemeralContainers" {
                let limits = c.get("resources").and_then(|r| r.get("limits"));
                let lp = cp.keys(&["resources", "limits"]);
                let has = |k: &str| limits.and_then(|l| l.get(k)).is_some_and(|v| !v.is_null());
                if !has("memory") {
                    em.emit(
                        catalog::NO_MEMORY_LIMIT,
                        &lp.key("memory"),
                        &object,
                        format!("container {name:?} has no resources.limits.memory"),
                    );
                }
                if !has("cpu") {
                    em.emit(
                        catalog::NO_CPU_LIMIT,
                        &lp.key("cpu"),
                        &object,
                        format!("container {name:?} has no resources.limits.cpu"),
                    );
                }
            }
            if let Some(Value::Array(mounts)) = c.get("volumeMounts") {
                for (j, m) in mounts.iter().enumerate() {
                    if let Some(p) = m.get("mountPropagation").and_then(Value::as_str)
                        && shared_propagation(p)
                    {
                        em.emit(
                            catalog::MOUNT_PROPAGATION,
                            &cp.key("volumeMounts").idx(j).key("mountPropagation"),
                            &object,
                            format!("mountPropagation {p}"),
                        );
                    }
                }
            }
            if let Some(Value::Array(ports)) = c.get("ports") {
                for (j, p) in ports.iter().enumerate() {
                    let hp = p
                        .get("hostPort")
                        .and_then(Value::as_f64)
                        .filter(|h| *h > 0.0);
                    let Some(hp) = hp else { continue };
                    let cport = p.get("containerPort").and_then(Value::as_f64);
                    let host_ip = p
                        .get("hostIP")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    let pm = PortMap {
                        spec: format!(
                            "hostPort {hp} -> containerPort {}",
                            cport.map_or_else(|| "?".to_owned(), |c| c.to_string())
                        ),
                        host_ip,
                        host_ports: Some((hp as u32, hp as u32)),
                        container_ports: cport.map(|c| (c as u32, c as u32)),
                        path: cp.key("ports").idx(j).key("hostPort"),
                    };
                    check_port(em, &pm, &object, false);
                }
            }
        }
    }
}

fn check_added_cap_dangerous_only(em: &mut Emitter<'_>, cap: &At<String>, object: &str) {
    em.emit(
        catalog::CAP_DANGEROUS,
        &cap.path,
        object,
        format!("capability {} added", cap.v),
    );
}
