//! Kubernetes Pod Security Standards, as the reference admission plugin
//! (`k8s.io/pod-security-admission`) enforces policy version `latest`
//! (v1.37): every baseline and restricted check, with its user-namespace
//! relaxations and Windows exemptions.
//!
//! Control names are PSA's check ids (`privileged`, `capabilities_baseline`,
//! `runAsNonRoot`...). Restricted is baseline minus the checks restricted
//! overrides (`hostPathVolumes`, `seccompProfile_baseline`,
//! `capabilities_baseline`, `procMount`) plus the restricted checks. Unlike
//! PSA, which gives one verdict per check, every offending field is reported
//! with its own path, so a finding can point at its line.
//!
//! Containers are `initContainers`, `containers` and `ephemeralContainers`,
//! in PSA's visiting order; native sidecars are ordinary init containers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::runtime::{BASELINE_CAPS, SAFE_SYSCTLS, SELINUX_TYPES};
use crate::tree::{Path, json_at};
use crate::val::get;

/// A Pod Security Standards level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    /// Unrestricted: nothing is checked.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Current pod-hardening best practice.
    Restricted,
}

impl PssLevel {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }
}

/// One field that breaks a PSS control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PssViolation {
    /// PSA check id: `privileged`, `hostNamespaces`, `runAsNonRoot`...
    pub control: String,
    /// The level that introduces the control.
    pub level: PssLevel,
    /// Path of the offending (or missing) field, relative to the value
    /// given to [`pss_evaluate`]: `spec.containers[0].securityContext.privileged`.
    pub field_path: String,
    /// What is wrong.
    pub message: String,
}

/// Checks of the baseline level.
pub const BASELINE_CONTROLS: &[&str] = &[
    "windowsHostProcess",
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
];

/// Checks the restricted level adds.
pub const RESTRICTED_CONTROLS: &[&str] = &[
    "restrictedVolumes",
    "allowPrivilegeEscalation",
    "runAsNonRoot",
    "runAsUser",
    "seccompProfile_restricted",
    "capabilities_restricted",
    "procMount_restricted",
];

/// Baseline checks that a restricted check replaces.
const OVERRIDDEN_BY_RESTRICTED: &[&str] = &[
    "hostPathVolumes",
    "seccompProfile_baseline",
    "capabilities_baseline",
    "procMount",
];

/// Whether `control` is evaluated at `level`.
pub fn control_applies(control: &str, level: PssLevel) -> bool {
    match level {
        PssLevel::Privileged => false,
        PssLevel::Baseline => BASELINE_CONTROLS.contains(&control),
        PssLevel::Restricted => {
            RESTRICTED_CONTROLS.contains(&control)
                || (BASELINE_CONTROLS.contains(&control)
                    && !OVERRIDDEN_BY_RESTRICTED.contains(&control))
        }
    }
}

/// A violation with its structured path (internal form).
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub control: &'static str,
    pub path: Path,
    pub message: String,
    /// The container involved, for per-container controls.
    pub container: Option<String>,
}

const RESTRICTED_VOLUMES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

const APPARMOR_ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Workload kinds and where their pod template is.
pub(crate) fn pod_template_paths(
    kind: &str,
) -> Option<(&'static [&'static str], &'static [&'static str])> {
    // (metadata path, spec path) relative to the object.
    Some(match kind {
        "Pod" => (&["metadata"], &["spec"]),
        "PodTemplate" => (&["template", "metadata"], &["template", "spec"]),
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "DeploymentConfig"
        | "Rollout" => (
            &["spec", "template", "metadata"],
            &["spec", "template", "spec"],
        ),
        "CronJob" => (
            &["spec", "jobTemplate", "spec", "template", "metadata"],
            &["spec", "jobTemplate", "spec", "template", "spec"],
        ),
        _ => return None,
    })
}

/// Evaluates a pod spec at `level`.
///
/// `value` may be a PodSpec (it has `containers`), a Pod or workload object
/// (`kind` Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
/// ReplicationController, Job, CronJob, PodTemplate), or a PodTemplateSpec
/// (`metadata` + `spec`). Annotations (AppArmor) are read from the pod
/// metadata when the value carries it. Field paths are relative to `value`.
pub fn pss_evaluate(value: &Value, level: PssLevel) -> Vec<PssViolation> {
    let Some((meta, spec)) = locate(value) else {
        return Vec::new();
    };
    evaluate_all(value, meta.as_ref(), &spec)
        .into_iter()
        .filter(|v| control_applies(v.control, level))
        .map(|v| PssViolation {
            control: v.control.to_owned(),
            level: if BASELINE_CONTROLS.contains(&v.control) {
                PssLevel::Baseline
            } else {
                PssLevel::Restricted
            },
            field_path: v.path.to_string(),
            message: v.message,
        })
        .collect()
}

/// Finds the pod metadata and spec inside `value`.
fn locate(value: &Value) -> Option<(Option<Path>, Path)> {
    let obj = value.as_object()?;
    if obj.contains_key("containers") {
        return Some((None, Path::root()));
    }
    if let Some(kind) = obj.get("kind").and_then(Value::as_str) {
        let (m, s) = pod_template_paths(kind)?;
        return Some((Some(Path::root().keys(m)), Path::root().keys(s)));
    }
    if obj.get("spec").is_some_and(Value::is_object) {
        return Some((Some(Path::root().key("metadata")), Path::root().key("spec")));
    }
    None
}

struct Ctr<'a> {
    v: &'a Value,
    path: Path,
    name: String,
}

fn containers<'a>(root: &'a Value, spec: &Path) -> Vec<Ctr<'a>> {
    let mut out = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let p = spec.key(list);
        if let Some(Value::Array(items)) = json_at(root, &p) {
            for (i, c) in items.iter().enumerate() {
                if !c.is_object() {
                    continue;
                }
                out.push(Ctr {
                    v: c,
                    path: p.idx(i),
                    name: c
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                });
            }
        }
    }
    out
}

fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
}

fn is_zero(v: Option<&Value>) -> bool {
    v.and_then(Value::as_f64) == Some(0.0)
}

fn str_of(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

/// Renders a scalar for a message.
fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// Runs every check (both levels, overridden ones included).
pub(crate) fn evaluate_all(root: &Value, meta: Option<&Path>, spec: &Path) -> Vec<Violation> {
    let mut out = Vec::new();
    let Some(spec_v) = json_at(root, spec).filter(|v| v.is_object()) else {
        return out;
    };
    let ctrs = containers(root, spec);
    let pod_sc = get(spec_v, "securityContext");
    let pod_sc_path = spec.key("securityContext");
    let windows = spec_v
        .get("os")
        .and_then(|o| o.get("name"))
        .and_then(Value::as_str)
        == Some("windows");
    let userns = matches!(spec_v.get("hostUsers"), Some(Value::Bool(false)));
    let mut push = |control: &'static str, path: Path, message: String, c: Option<&Ctr<'_>>| {
        out.push(Violation {
            control,
            path,
            message,
            container: c.map(|c| c.name.clone()),
        });
    };

    // windowsHostProcess
    if let Some(sc) = pod_sc
        && is_true(sc.get("windowsOptions").and_then(|w| w.get("hostProcess")))
    {
        push(
            "windowsHostProcess",
            pod_sc_path.keys(&["windowsOptions", "hostProcess"]),
            "pod must not set securityContext.windowsOptions.hostProcess=true".into(),
            None,
        );
    }
    for c in &ctrs {
        let sc = c.v.get("securityContext");
        if is_true(
            sc.and_then(|s| s.get("windowsOptions"))
                .and_then(|w| w.get("hostProcess")),
        ) {
            push(
                "windowsHostProcess",
                c.path
                    .keys(&["securityContext", "windowsOptions", "hostProcess"]),
                format!(
                    "container {:?} must not set securityContext.windowsOptions.hostProcess=true",
                    c.name
                ),
                Some(c),
            );
        }
    }

    // hostNamespaces
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if is_true(spec_v.get(key)) {
            push(
                "hostNamespaces",
                spec.key(key),
                format!("{key}=true is forbidden"),
                None,
            );
        }
    }

    for c in &ctrs {
        let sc = c.v.get("securityContext").filter(|s| s.is_object());
        let scp = c.path.key("securityContext");
        // privileged
        if is_true(sc.and_then(|s| s.get("privileged"))) {
            push(
                "privileged",
                scp.key("privileged"),
                format!(
                    "container {:?} must not set securityContext.privileged=true",
                    c.name
                ),
                Some(c),
            );
        }
        // capabilities_baseline and capabilities_restricted (add part)
        let caps = sc
            .and_then(|s| s.get("capabilities"))
            .filter(|v| v.is_object());
        if let Some(Value::Array(add)) = caps.and_then(|c| c.get("add")) {
            for (i, cap) in add.iter().enumerate() {
                let name = cap.as_str().unwrap_or("");
                let p = scp.keys(&["capabilities", "add"]).idx(i);
                if !BASELINE_CAPS.contains(&name) {
                    push(
                        "capabilities_baseline",
                        p.clone(),
                        format!(
                            "container {:?} must not include {} in securityContext.capabilities.add",
                            c.name,
                            show(cap)
                        ),
                        Some(c),
                    );
                }
                if name != "NET_BIND_SERVICE" && !windows {
                    push(
                        "capabilities_restricted",
                        p,
                        format!(
                            "container {:?} must not include {} in securityContext.capabilities.add",
                            c.name,
                            show(cap)
                        ),
                        Some(c),
                    );
                }
            }
        }
        if !windows {
            let dropped_all = matches!(caps.and_then(|c| c.get("drop")), Some(Value::Array(d)) if d.iter().any(|x| x.as_str() == Some("ALL")));
            if !dropped_all {
                let p = if caps.is_some() {
                    scp.keys(&["capabilities", "drop"])
                } else {
                    scp.key("capabilities")
                };
                push(
                    "capabilities_restricted",
                    p,
                    format!(
                        "container {:?} must set securityContext.capabilities.drop=[\"ALL\"]",
                        c.name
                    ),
                    Some(c),
                );
            }
        }
        // hostPorts
        if let Some(Value::Array(ports)) = c.v.get("ports") {
            for (i, port) in ports.iter().enumerate() {
                let hp = port.get("hostPort");
                if hp.is_some_and(|h| !h.is_null() && !is_zero(Some(h))) {
                    push(
                        "hostPorts",
                        c.path.key("ports").idx(i).key("hostPort"),
                        format!(
                            "container {:?} must not set hostPort ({})",
                            c.name,
                            show(hp.unwrap_or(&Value::Null))
                        ),
                        Some(c),
                    );
                }
            }
        }
        // procMount (baseline, relaxed for user-namespaced pods) and
        // procMount_restricted (never relaxed)
        if let Some(pm) = sc.and_then(|s| s.get("procMount")).filter(|v| !v.is_null())
            && pm.as_str() != Some("Default")
        {
            let msg = format!(
                "container {:?} must not set securityContext.procMount to {}",
                c.name,
                show(pm)
            );
            if !userns {
                push("procMount", scp.key("procMount"), msg.clone(), Some(c));
            }
            push("procMount_restricted", scp.key("procMount"), msg, Some(c));
        }
        // allowPrivilegeEscalation
        if !windows
            && !matches!(
                sc.and_then(|s| s.get("allowPrivilegeEscalation")),
                Some(Value::Bool(false))
            )
        {
            push(
                "allowPrivilegeEscalation",
                scp.key("allowPrivilegeEscalation"),
                format!(
                    "container {:?} must set securityContext.allowPrivilegeEscalation=false",
                    c.name
                ),
                Some(c),
            );
        }
        // hostProbesAndHostLifecycle
        let mut handlers: Vec<(Path, &Value)> = Vec::new();
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            if let Some(p) = c.v.get(probe).filter(|v| v.is_object()) {
                handlers.push((c.path.key(probe), p));
            }
        }
        if let Some(lc) = c.v.get("lifecycle").filter(|v| v.is_object()) {
            for hook in ["postStart", "preStop"] {
                if let Some(h) = lc.get(hook).filter(|v| v.is_object()) {
                    handlers.push((c.path.keys(&["lifecycle", hook]), h));
                }
            }
        }
        for (hp, h) in handlers {
            for action in ["httpGet", "tcpSocket"] {
                let host = h.get(action).and_then(|a| a.get("host"));
                if host.is_some_and(|v| !v.is_null() && v.as_str() != Some("")) {
                    push(
                        "hostProbesAndHostLifecycle",
                        hp.keys(&[action, "host"]),
                        format!(
                            "container {:?} must not set {action}.host ({})",
                            c.name,
                            show(host.unwrap_or(&Value::Null))
                        ),
                        Some(c),
                    );
                }
            }
        }
    }

    // hostPathVolumes and restrictedVolumes
    if let Some(Value::Array(vols)) = spec_v.get("volumes") {
        for (i, vol) in vols.iter().enumerate() {
            let Some(obj) = vol.as_object() else { continue };
            let vp = spec.key("volumes").idx(i);
            let name = obj.get("name").and_then(Value::as_str).unwrap_or("");
            if obj.get("hostPath").is_some_and(|h| !h.is_null()) {
                push(
                    "hostPathVolumes",
                    vp.key("hostPath"),
                    format!("volume {name:?} must not use hostPath"),
                    None,
                );
            }
            for (k, v) in obj {
                if k == "name" || v.is_null() || RESTRICTED_VOLUMES.contains(&k.as_str()) {
                    continue;
                }
                push(
                    "restrictedVolumes",
                    vp.key(k),
                    format!("volume {name:?} uses restricted volume type {k:?}"),
                    None,
                );
            }
        }
    }

    // appArmorProfile: the annotation and the fields
    if let Some(meta) = meta
        && let Some(Value::Object(ann)) = json_at(root, &meta.key("annotations"))
    {
        for (k, v) in ann {
            let Some(cname) = k.strip_prefix(APPARMOR_ANNOTATION_PREFIX) else {
                continue;
            };
            let val = v.as_str().unwrap_or("");
            let ok = v.is_null()
                || val.is_empty()
                || val == "runtime/default"
                || val.starts_with("localhost/");
            if !ok {
                push(
                    "appArmorProfile",
                    meta.keys(&["annotations", k]),
                    format!(
                        "container {cname:?} must not set AppArmor annotation to {}",
                        show(v)
                    ),
                    None,
                );
            }
        }
    }
    let apparmor = |sc: Option<&Value>| -> Option<String> {
        let prof = sc?.get("appArmorProfile").filter(|v| !v.is_null())?;
        let t = str_of(prof.get("type"));
        (t != "RuntimeDefault" && t != "Localhost").then(|| t.to_owned())
    };
    if let Some(t) = apparmor(pod_sc) {
        push(
            "appArmorProfile",
            pod_sc_path.keys(&["appArmorProfile", "type"]),
            format!("pod must not set securityContext.appArmorProfile.type to {t:?}"),
            None,
        );
    }
    for c in &ctrs {
        if let Some(t) = apparmor(c.v.get("securityContext")) {
            push(
                "appArmorProfile",
                c.path.keys(&["securityContext", "appArmorProfile", "type"]),
                format!(
                    "container {:?} must not set securityContext.appArmorProfile.type to {t:?}",
                    c.name
                ),
                Some(c),
            );
        }
    }

    // seLinuxOptions
    let mut selinux = |sc: Option<&Value>, base: Path, who: String, c: Option<&Ctr<'_>>| {
        let Some(opts) = sc
            .and_then(|s| s.get("seLinuxOptions"))
            .filter(|v| v.is_object())
        else {
            return;
        };
        let t = str_of(opts.get("type"));
        if !SELINUX_TYPES.contains(&t) {
            push(
                "seLinuxOptions",
                base.keys(&["seLinuxOptions", "type"]),
                format!("{who} must not set securityContext.seLinuxOptions.type to {t:?}"),
                c,
            );
        }
        for field in ["user", "role"] {
            let v = str_of(opts.get(field));
            if !v.is_empty() {
                push(
                    "seLinuxOptions",
                    base.keys(&["seLinuxOptions", field]),
                    format!("{who} must not set securityContext.seLinuxOptions.{field} ({v:?})"),
                    c,
                );
            }
        }
    };
    selinux(pod_sc, pod_sc_path.clone(), "pod".into(), None);
    for c in &ctrs {
        selinux(
            c.v.get("securityContext"),
            c.path.key("securityContext"),
            format!("container {:?}", c.name),
            Some(c),
        );
    }

    // seccompProfile_baseline and seccompProfile_restricted
    let seccomp_type = |sc: Option<&Value>| -> Option<String> {
        let prof = sc?.get("seccompProfile").filter(|v| !v.is_null())?;
        Some(str_of(prof.get("type")).to_owned())
    };
    let valid = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let pod_seccomp = seccomp_type(pod_sc);
    if pod_seccomp.as_deref() == Some("Unconfined") {
        push(
            "seccompProfile_baseline",
            pod_sc_path.keys(&["seccompProfile", "type"]),
            "pod must not set securityContext.seccompProfile.type to \"Unconfined\"".into(),
            None,
        );
    }
    let pod_seccomp_ok = pod_seccomp.as_deref().is_some_and(valid);
    if !windows && let Some(t) = pod_seccomp.as_deref().filter(|t| !valid(t)) {
        push(
            "seccompProfile_restricted",
            pod_sc_path.keys(&["seccompProfile", "type"]),
            format!("pod must not set securityContext.seccompProfile.type to {t:?}"),
            None,
        );
    }
    for c in &ctrs {
        let scp = c.path.key("securityContext");
        let t = seccomp_type(c.v.get("securityContext"));
        if t.as_deref() == Some("Unconfined") {
            push(
                "seccompProfile_baseline",
                scp.keys(&["seccompProfile", "type"]),
                format!(
                    "container {:?} must not set securityContext.seccompProfile.type to \"Unconfined\"",
                    c.name
                ),
                Some(c),
            );
        }
        if windows {
            continue;
        }
        match t.as_deref() {
            Some(t) if !valid(t) => push(
                "seccompProfile_restricted",
                scp.keys(&["seccompProfile", "type"]),
                format!(
                    "container {:?} must not set securityContext.seccompProfile.type to {t:?}",
                    c.name
                ),
                Some(c),
            ),
            None if !pod_seccomp_ok => push(
                "seccompProfile_restricted",
                scp.key("seccompProfile"),
                format!(
                    "pod or container {:?} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                    c.name
                ),
                Some(c),
            ),
            _ => {}
        }
    }

    // sysctls
    if let Some(Value::Array(sysctls)) = pod_sc.and_then(|s| s.get("sysctls")) {
        for (i, s) in sysctls.iter().enumerate() {
            let name = str_of(s.get("name"));
            if !SAFE_SYSCTLS.contains(&name) {
                push(
                    "sysctls",
                    pod_sc_path.key("sysctls").idx(i).key("name"),
                    format!("forbidden sysctl {name:?}"),
                    None,
                );
            }
        }
    }

    // runAsNonRoot and runAsUser, skipped for user-namespaced pods (v1.35)
    if !userns {
        let pod_nonroot = pod_sc.and_then(|s| s.get("runAsNonRoot"));
        let pod_true = is_true(pod_nonroot);
        if matches!(pod_nonroot, Some(Value::Bool(false))) {
            push(
                "runAsNonRoot",
                pod_sc_path.key("runAsNonRoot"),
                "pod must not set securityContext.runAsNonRoot=false".into(),
                None,
            );
        }
        if is_zero(pod_sc.and_then(|s| s.get("runAsUser"))) {
            push(
                "runAsUser",
                pod_sc_path.key("runAsUser"),
                "pod must not set runAsUser=0".into(),
                None,
            );
        }
        for c in &ctrs {
            let sc = c.v.get("securityContext").filter(|s| s.is_object());
            let scp = c.path.key("securityContext");
            match sc
                .and_then(|s| s.get("runAsNonRoot"))
                .filter(|v| !v.is_null())
            {
                Some(Value::Bool(true)) => {}
                Some(_) => push(
                    "runAsNonRoot",
                    scp.key("runAsNonRoot"),
                    format!(
                        "container {:?} must not set securityContext.runAsNonRoot=false",
                        c.name
                    ),
                    Some(c),
                ),
                None if !pod_true => push(
                    "runAsNonRoot",
                    scp.key("runAsNonRoot"),
                    format!(
                        "pod or container {:?} must set securityContext.runAsNonRoot=true",
                        c.name
                    ),
                    Some(c),
                ),
                None => {}
            }
            if is_zero(sc.and_then(|s| s.get("runAsUser"))) {
                push(
                    "runAsUser",
                    scp.key("runAsUser"),
                    format!("container {:?} must not set runAsUser=0", c.name),
                    Some(c),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn controls(v: &Value, level: PssLevel) -> Vec<String> {
        let mut c: Vec<String> = pss_evaluate(v, level)
            .into_iter()
            .map(|v| v.control)
            .collect();
        c.sort();
        c.dedup();
        c
    }

    #[test]
    fn restricted_pod_passes_both_levels() {
        let pod = json!({
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "a", "securityContext": {
                "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
        });
        assert!(controls(&pod, PssLevel::Baseline).is_empty());
        assert!(controls(&pod, PssLevel::Restricted).is_empty());
        assert!(controls(&pod, PssLevel::Privileged).is_empty());
    }

    #[test]
    fn overridden_baseline_checks_do_not_show_at_restricted() {
        let pod = json!({"containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]});
        assert_eq!(
            controls(&pod, PssLevel::Baseline),
            vec!["capabilities_baseline"]
        );
        let r = controls(&pod, PssLevel::Restricted);
        assert!(r.contains(&"capabilities_restricted".to_owned()));
        assert!(!r.contains(&"capabilities_baseline".to_owned()));
    }

    #[test]
    fn field_paths_are_relative_to_the_value() {
        let dep = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
            {"name": "a", "securityContext": {"privileged": true}}]}}}});
        let v = pss_evaluate(&dep, PssLevel::Baseline);
        assert_eq!(v.len(), 1);
        assert_eq!(
            v[0].field_path,
            "spec.template.spec.containers[0].securityContext.privileged"
        );
        assert_eq!(v[0].level, PssLevel::Baseline);
    }

    #[test]
    fn level_tables_are_consistent() {
        for c in BASELINE_CONTROLS {
            assert!(control_applies(c, PssLevel::Baseline));
        }
        for c in RESTRICTED_CONTROLS {
            assert!(control_applies(c, PssLevel::Restricted));
            assert!(!control_applies(c, PssLevel::Baseline));
        }
        for c in OVERRIDDEN_BY_RESTRICTED {
            assert!(!control_applies(c, PssLevel::Restricted));
        }
    }
}
