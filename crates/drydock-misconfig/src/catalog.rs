//! The check catalogue: one entry per check id, shared by every input kind.
//!
//! A control keeps one id wherever it is found ("privileged" is DD-RT-001 in
//! an inspect dump, a compose service and a pod spec); the input kind goes
//! into `Misconfiguration::source`. Severities are drydock's own judgement;
//! `docs/checks-runtime.md` explains them.

use drydock_findings::Severity;

/// Input kinds, as `Misconfiguration::source` spells them.
pub mod kind {
    /// `docker inspect` output.
    pub const INSPECT: &str = "docker-inspect";
    /// A compose file.
    pub const COMPOSE: &str = "compose";
    /// A Kubernetes manifest.
    pub const K8S: &str = "kubernetes";
    /// daemon.json and dockerd flags.
    pub const DAEMON: &str = "daemon";
}

/// Static description of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckInfo {
    /// Stable id: `DD-RT-001`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity (a finding may lower it, as documented per check).
    pub severity: Severity,
    /// Input kinds the check runs on (`Misconfiguration::source` values).
    pub kinds: &'static [&'static str],
    /// Benchmark and peer mappings.
    pub references: &'static [&'static str],
    /// What to do, in one line.
    pub remediation: &'static str,
}

use Severity::{Critical, High, Info, Low, Medium};
use kind::{COMPOSE as C, DAEMON as D, INSPECT as I, K8S as K};

macro_rules! checks {
    ($( $name:ident = $id:literal, $sev:ident, [$($k:ident),*], $title:literal, [$($r:literal),*], $rem:literal; )*) => {
        $( pub(crate) const $name: &CheckInfo = &CheckInfo {
            id: $id, title: $title, severity: $sev, kinds: &[$($k),*],
            references: &[$($r),*], remediation: $rem,
        }; )*
        /// Every check, in id order.
        pub const ALL: &[&CheckInfo] = &[$($name),*];
    };
}

checks! {
    PRIVILEGED = "DD-RT-001", Critical, [I, C, K], "Container runs privileged",
        ["CIS-Docker-5.5", "PSS-baseline:privileged", "KSV-0017", "kubescape:C-0057"],
        "Remove privileged mode; grant only the specific capabilities or devices needed.";
    CAP_BEYOND_BASELINE = "DD-RT-002", Medium, [I, C, K], "Capability added beyond the baseline set",
        ["CIS-Docker-5.4", "PSS-baseline:capabilities_baseline", "KSV-0022"],
        "Add only capabilities from the PSS baseline list (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).";
    CAP_DANGEROUS = "DD-RT-003", High, [I, C, K], "Dangerous capability added",
        ["CIS-Docker-5.4", "docker-bench:C.5.3", "KSV-0005", "KSV-0119", "KSV-0120", "kubescape:C-0046"],
        "Do not add SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH, NET_ADMIN, NET_RAW, BPF or ALL; redesign around the narrow privilege needed.";
    CAP_NOT_MINIMAL = "DD-RT-004", Low, [I, C, K], "Capabilities not dropped to a minimum (drop ALL, add only NET_BIND_SERVICE)",
        ["PSS-restricted:capabilities_restricted", "KSV-0003", "KSV-0106"],
        "Drop ALL capabilities and add back at most NET_BIND_SERVICE.";
    HOST_NETWORK = "DD-RT-005", High, [I, C, K], "Host network namespace shared",
        ["CIS-Docker-5.10", "PSS-baseline:hostNamespaces", "KSV-0009", "kubescape:C-0041"],
        "Use a container network instead of the host network.";
    HOST_PID = "DD-RT-006", High, [I, C, K], "Host PID namespace shared",
        ["CIS-Docker-5.16", "PSS-baseline:hostNamespaces", "KSV-0010", "kubescape:C-0038"],
        "Do not share the host PID namespace.";
    HOST_IPC = "DD-RT-007", High, [I, C, K], "Host IPC namespace shared",
        ["CIS-Docker-5.17", "PSS-baseline:hostNamespaces", "KSV-0008", "kubescape:C-0038"],
        "Do not share the host IPC namespace.";
    HOST_UTS = "DD-RT-008", Medium, [I, C], "Host UTS namespace shared",
        ["CIS-Docker-5.21"],
        "Do not share the host UTS namespace.";
    HOST_USERNS = "DD-RT-009", Medium, [I, C, K], "Host user namespace shared (user-namespace remapping bypassed)",
        ["CIS-Docker-5.31"],
        "Remove --userns=host / userns_mode: host; in Kubernetes set hostUsers: false where supported.";
    RUNTIME_SOCKET = "DD-RT-010", Critical, [I, C, K], "Container runtime socket (or a directory holding it) mounted",
        ["CIS-Docker-5.32", "KSV-0006", "kubescape:C-0074"],
        "Never mount docker/containerd/CRI-O/podman sockets or /run, /var/run into a container.";
    SENSITIVE_MOUNT = "DD-RT-011", High, [I, C, K], "Sensitive host directory mounted",
        ["CIS-Docker-5.6", "KSV-0121", "kubescape:C-0045"],
        "Do not mount /, /proc, /sys, /dev, /etc, /boot, /lib/modules, /usr or /var/lib/docker from the host.";
    SECCOMP_UNCONFINED = "DD-RT-020", High, [I, C, K], "Seccomp disabled (unconfined)",
        ["CIS-Docker-5.22", "PSS-baseline:seccompProfile_baseline", "KSV-0104"],
        "Keep the runtime's default seccomp profile (RuntimeDefault) or a Localhost profile.";
    SECCOMP_UNSET = "DD-RT-021", Medium, [K], "Seccomp profile not set where the restricted standard requires one",
        ["PSS-restricted:seccompProfile_restricted", "KSV-0030", "KSV-0104"],
        "Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost) on the pod or every container.";
    APPARMOR_UNCONFINED = "DD-RT-022", Medium, [I, C, K], "AppArmor disabled or set to a profile the baseline forbids",
        ["CIS-Docker-5.2", "PSS-baseline:appArmorProfile", "KSV-0002"],
        "Use the runtime default AppArmor profile or a Localhost profile; never unconfined.";
    SELINUX_RELAXED = "DD-RT-023", Medium, [I, C, K], "SELinux labelling disabled or relaxed (custom type, user or role)",
        ["CIS-Docker-5.3", "PSS-baseline:seLinuxOptions", "KSV-0025"],
        "Do not disable labelling; use only container_t, container_init_t, container_kvm_t or container_engine_t and no custom user/role.";
    PROC_UNMASKED = "DD-RT-024", High, [I, C, K], "/proc and /sys masking disabled (Unmasked procMount, systempaths=unconfined)",
        ["PSS-baseline:procMount", "PSS-restricted:procMount_restricted", "KSV-0027"],
        "Keep the default /proc masks: remove procMount: Unmasked and systempaths=unconfined.";
    UNSAFE_SYSCTL = "DD-RT-025", Medium, [I, C, K], "Sysctl outside the safe set",
        ["PSS-baseline:sysctls", "KSV-0026"],
        "Set only the namespaced sysctls in the PSS safe list.";
    MOUNT_PROPAGATION = "DD-RT-026", Medium, [I, C, K], "Mount propagation shared with the host",
        ["CIS-Docker-5.20"],
        "Use private (rprivate) propagation; avoid shared/rshared/Bidirectional.";
    HOST_DEVICES = "DD-RT-027", Medium, [I, C], "Host device passed into the container",
        ["CIS-Docker-5.18"],
        "Pass through only the devices the workload needs, read-only where possible.";
    CGROUP_PARENT = "DD-RT-028", Low, [I, C], "Custom cgroup parent",
        ["CIS-Docker-5.25"],
        "Leave the cgroup parent at the daemon default.";
    PRIV_ESCALATION = "DD-RT-030", Medium, [I, C, K], "Privilege escalation not blocked (no-new-privileges / allowPrivilegeEscalation)",
        ["CIS-Docker-5.26", "PSS-restricted:allowPrivilegeEscalation", "KSV-0001", "kubescape:C-0016"],
        "Run with --security-opt no-new-privileges (allowPrivilegeEscalation: false in Kubernetes).";
    WRITABLE_ROOTFS = "DD-RT-031", Low, [I, C, K], "Root filesystem is writable",
        ["CIS-Docker-5.13", "KSV-0014", "kubescape:C-0017"],
        "Mount the root filesystem read-only and use volumes or tmpfs for writable paths.";
    NO_MEMORY_LIMIT = "DD-RT-040", Low, [I, C, K], "No memory limit",
        ["CIS-Docker-5.11", "KSV-0018", "kubescape:C-0271"],
        "Set a memory limit.";
    NO_CPU_LIMIT = "DD-RT-041", Low, [I, C, K], "No CPU limit",
        ["CIS-Docker-5.12", "KSV-0011", "kubescape:C-0270"],
        "Set a CPU limit (cpus / NanoCpus / CPU quota, or resources.limits.cpu).";
    NO_PIDS_LIMIT = "DD-RT-042", Low, [I, C], "No PIDs limit",
        ["CIS-Docker-5.29"],
        "Set --pids-limit (pids_limit in compose).";
    RESTART_POLICY = "DD-RT-043", Low, [I, C], "Restart policy retries without bound",
        ["CIS-Docker-5.15"],
        "Use on-failure with a small maximum retry count (on-failure:5).";
    RUNS_AS_ROOT = "DD-RT-050", Medium, [I, C, K], "Container runs as root (UID 0)",
        ["CIS-Docker-4.1", "PSS-restricted:runAsUser", "KSV-0105", "kubescape:C-0013"],
        "Run as a non-root UID (USER / user: / runAsUser with a non-zero value).";
    NONROOT_NOT_ENFORCED = "DD-RT-051", Low, [C, K], "Non-root user not enforced",
        ["PSS-restricted:runAsNonRoot", "KSV-0012", "kubescape:C-0013"],
        "Set user: to a non-root UID (compose) or runAsNonRoot: true (Kubernetes).";
    PRIVILEGED_PORT = "DD-RT-060", Low, [I, C, K], "Privileged host port (below 1024) mapped",
        ["CIS-Docker-5.8", "KSV-0117"],
        "Publish on a host port at or above 1024.";
    SENSITIVE_PORT = "DD-RT-061", Medium, [I, C, K], "Remote-administration or control-plane port published on the host",
        ["CIS-Docker-5.9"],
        "Do not publish SSH, telnet, RDP, VNC, Docker/etcd/Kubernetes API or unauthenticated datastore ports on the host.";
    ALL_INTERFACES = "DD-RT-062", Low, [I, C], "Published port bound to all host interfaces",
        ["CIS-Docker-5.14"],
        "Bind published ports to a specific host address (127.0.0.1:8080:80).";
    K8S_HOSTPATH = "DD-K8S-001", Medium, [K], "hostPath volume",
        ["PSS-baseline:hostPathVolumes", "PSS-restricted:restrictedVolumes", "KSV-0023", "kubescape:C-0048"],
        "Replace hostPath volumes with persistentVolumeClaim, emptyDir, configMap or secret volumes.";
    K8S_VOLUME_TYPE = "DD-K8S-002", Low, [K], "Volume type outside the restricted allowlist",
        ["PSS-restricted:restrictedVolumes", "KSV-0028"],
        "Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes.";
    K8S_HOST_PORT = "DD-K8S-003", Medium, [K], "hostPort set",
        ["PSS-baseline:hostPorts", "KSV-0024", "kubescape:C-0044"],
        "Remove hostPort; expose the pod through a Service.";
    K8S_HOST_PROCESS = "DD-K8S-004", Critical, [K], "Windows HostProcess container",
        ["PSS-baseline:windowsHostProcess", "KSV-0103"],
        "Do not run HostProcess containers outside node-management workloads.";
    K8S_PROBE_HOST = "DD-K8S-005", Medium, [K], "Probe or lifecycle hook targets another host",
        ["PSS-baseline:hostProbesAndHostLifecycle"],
        "Leave httpGet.host / tcpSocket.host empty in probes and lifecycle handlers.";
    DAEMON_ICC = "DD-DAEMON-001", Medium, [D], "Inter-container communication on the default bridge not disabled",
        ["CIS-Docker-2.2"],
        "Set \"icc\": false (--icc=false) and use user-defined networks.";
    DAEMON_TCP_NO_TLS = "DD-DAEMON-002", Critical, [D], "Docker API on TCP without TLS",
        ["CIS-Docker-2.7"],
        "Serve the API only on the unix socket, or with tlsverify and client certificates.";
    DAEMON_TLS_NO_VERIFY = "DD-DAEMON-003", High, [D], "Docker API on TCP with TLS but no client verification",
        ["CIS-Docker-2.7"],
        "Set tlsverify with tlscacert so only clients with a certificate from your CA connect.";
    DAEMON_INSECURE_REGISTRY = "DD-DAEMON-004", Medium, [D], "Insecure registry configured",
        ["CIS-Docker-2.5"],
        "Remove insecure-registries; give the registry a trusted TLS certificate.";
    DAEMON_NO_USERNS = "DD-DAEMON-005", Medium, [D], "User-namespace remapping not enabled",
        ["CIS-Docker-2.9"],
        "Set \"userns-remap\": \"default\" (or run the daemon rootless).";
    DAEMON_NO_LIVE_RESTORE = "DD-DAEMON-006", Low, [D], "live-restore not enabled",
        ["CIS-Docker-2.15"],
        "Set \"live-restore\": true.";
    DAEMON_LOGGING_OFF = "DD-DAEMON-007", Medium, [D], "Container logging disabled (log-driver none)",
        ["CIS-Docker-2.13"],
        "Use a logging driver (local, json-file with rotation, journald, syslog, fluentd...).";
    DAEMON_LOG_UNBOUNDED = "DD-DAEMON-008", Low, [D], "json-file logs without size limit",
        ["CIS-Docker-2.13"],
        "Set log-opts max-size (and max-file), or use the local driver.";
    DAEMON_EXPERIMENTAL = "DD-DAEMON-009", Low, [D], "Experimental features enabled",
        ["CIS-Docker-2.18"],
        "Set \"experimental\": false in production.";
    DAEMON_IPTABLES_OFF = "DD-DAEMON-010", Medium, [D], "Docker not allowed to manage iptables",
        ["CIS-Docker-2.4"],
        "Remove --iptables=false / \"iptables\": false.";
    DAEMON_NO_ULIMITS = "DD-DAEMON-011", Info, [D], "No default ulimits configured",
        ["CIS-Docker-2.8"],
        "Set default-ulimits (--default-ulimit nofile=...:..., nproc=...).";
    DAEMON_NO_NNP = "DD-DAEMON-012", Medium, [D], "no-new-privileges not enforced daemon-wide",
        ["CIS-Docker-2.14"],
        "Set \"no-new-privileges\": true.";
    DAEMON_NO_AUTHZ = "DD-DAEMON-013", Low, [D], "No authorization plugin",
        ["CIS-Docker-2.12"],
        "Configure an authorization plugin to control access to the Docker API.";
    DAEMON_DEBUG_LOG = "DD-DAEMON-014", Low, [D], "Daemon log level is debug",
        ["CIS-Docker-2.3"],
        "Use log-level info.";
    DAEMON_USERLAND_PROXY = "DD-DAEMON-015", Low, [D], "Userland proxy enabled",
        ["CIS-Docker-2.16"],
        "Set \"userland-proxy\": false where hairpin NAT is available.";
    DAEMON_CGROUP_PARENT = "DD-DAEMON-016", Low, [D], "Custom default cgroup parent",
        ["CIS-Docker-2.10"],
        "Leave cgroup-parent at its default unless required.";
    DAEMON_STORAGE_DRIVER = "DD-DAEMON-017", Medium, [D], "Deprecated storage driver (aufs, devicemapper, overlay)",
        ["CIS-Docker-2.6"],
        "Use overlay2.";
    DAEMON_SECCOMP_OFF = "DD-DAEMON-018", High, [D], "Seccomp disabled daemon-wide",
        ["CIS-Docker-2.17"],
        "Remove \"seccomp-profile\": \"unconfined\"; keep the default or a custom profile.";
    DAEMON_DM_BASESIZE = "DD-DAEMON-019", Low, [D], "dm.basesize changed in storage options",
        ["CIS-Docker-2.11"],
        "Leave the devicemapper base device size at its default.";
    DAEMON_CONFLICT = "DD-DAEMON-020", Medium, [D], "Setting given both as a dockerd flag and in daemon.json (dockerd refuses to start)",
        [],
        "Keep each setting in one place: either the daemon.json key or the flag.";
}

/// Looks a check up by id.
pub fn by_id(id: &str) -> Option<&'static CheckInfo> {
    ALL.iter().copied().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(by_id("DD-RT-001").is_some());
        assert!(by_id("DD-RT-999").is_none());
    }
}
