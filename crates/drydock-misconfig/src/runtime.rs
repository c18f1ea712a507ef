//! Runtime controls shared by docker inspect dumps and compose services.
//!
//! Both inputs are read into one [`Container`] description, each setting
//! with the path it came from, and checked once here, so a control behaves
//! the same whichever way it was written down. Kubernetes pods reach the
//! same check ids through the Pod Security Standards engine plus the
//! helpers below (socket and sensitive-path classification, dangerous
//! capabilities, port classification).

use crate::catalog::{self, CheckInfo};
use crate::emit::Emitter;
use crate::tree::Path;

/// A setting's value and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct At<T> {
    pub v: T,
    pub path: Path,
}

/// A host path mounted into the container.
#[derive(Debug, Clone)]
pub(crate) struct Mount {
    pub source: String,
    pub target: String,
    pub propagation: Option<String>,
    pub path: Path,
}

/// A published port.
#[derive(Debug, Clone)]
pub(crate) struct PortMap {
    /// Host address; empty for all interfaces.
    pub host_ip: String,
    /// Host port range; `None` when the runtime picks a random port.
    pub host_ports: Option<(u32, u32)>,
    /// Container port range, when known.
    pub container_ports: Option<(u32, u32)>,
    pub spec: String,
    pub path: Path,
}

/// One container's runtime settings, whatever the input format.
#[derive(Debug, Clone, Default)]
pub(crate) struct Container {
    pub object: String,
    pub privileged: Option<Path>,
    pub cap_add: Vec<At<String>>,
    /// The `cap_drop` entries, and where they are (or would go).
    pub cap_drop: At<Vec<String>>,
    pub network_host: Option<At<String>>,
    pub pid_host: Option<At<String>>,
    pub ipc_host: Option<At<String>>,
    pub uts_host: Option<At<String>>,
    pub userns_host: Option<At<String>>,
    pub mounts: Vec<Mount>,
    pub security_opt: Vec<At<String>>,
    /// Where `security_opt` is (or would go).
    pub security_opt_path: Path,
    /// The AppArmor profile the runtime applied (inspect only).
    pub apparmor_profile: Option<At<String>>,
    pub sysctls: Vec<At<String>>,
    pub devices: Vec<At<String>>,
    pub cgroup_parent: Option<At<String>>,
    /// Whether the root filesystem is read-only, and where that is set.
    pub read_only: At<bool>,
    pub memory_limit: At<bool>,
    pub cpu_limit: At<bool>,
    pub pids_limit: At<bool>,
    /// A restart policy that retries without bound, with its description.
    pub restart_unbounded: Option<At<String>>,
    /// The configured user; `v` is `None` when not set.
    pub user: At<Option<String>>,
    /// Whether an unset user means root (inspect shows the effective user)
    /// or is unknown (compose leaves it to the image).
    pub unset_user_is_root: bool,
    pub ports: Vec<PortMap>,
}

impl<T: Default> Default for At<T> {
    fn default() -> Self {
        Self {
            v: T::default(),
            path: Path::root(),
        }
    }
}

/// Capabilities the PSS baseline allows adding (PSA
/// `capabilities_allowed_1_0`); docker's default set minus NET_RAW.
pub(crate) const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Capabilities that open a path to the host (container escapes, kernel
/// modules, reading any file, tracing host processes, raw network access).
pub(crate) const DANGEROUS_CAPS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "SYS_MODULE",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "DAC_READ_SEARCH",
    "NET_ADMIN",
    "NET_RAW",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SYSLOG",
];

/// `cap_sys_admin`, `CAP_SYS_ADMIN` and `SYS_ADMIN` are the same to docker.
pub(crate) fn normalize_cap(c: &str) -> String {
    let up = c.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map_or(up.clone(), str::to_owned)
}

/// Lexically normalizes a host path: collapses `//`, drops `.` and trailing
/// slashes, resolves `..` (never above `/`). `None` for relative paths.
pub(crate) fn normalize_host_path(p: &str) -> Option<String> {
    let p = p.trim();
    if !p.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Runtime sockets by path (docker, containerd, CRI-O, podman, cri-dockerd,
/// buildkit; rootful and rootless).
const SOCKET_NAMES: &[&str] = &[
    "docker.sock",
    "containerd.sock",
    "crio.sock",
    "podman.sock",
    "cri-dockerd.sock",
    "dockershim.sock",
    "buildkitd.sock",
];

/// Directories whose whole content includes a runtime socket.
const SOCKET_DIRS: &[&str] = &[
    "/",
    "/run",
    "/var",
    "/var/run",
    "/run/docker",
    "/var/run/docker",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
    "/run/k3s",
    "/run/k3s/containerd",
    "/run/buildkit",
    "/run/user",
];

/// Why a host path is a runtime socket (or exposes one), if it is.
pub(crate) fn runtime_socket(path: &str) -> Option<&'static str> {
    let p = normalize_host_path(path)?;
    let name = p.rsplit('/').next().unwrap_or("");
    if SOCKET_NAMES.contains(&name) || name.starts_with("containerd.sock") {
        return Some("container runtime socket");
    }
    if SOCKET_DIRS.contains(&p.as_str()) {
        return Some("directory containing container runtime sockets");
    }
    // Rootless runtimes keep their sockets under /run/user/<uid>.
    let mut it = p.split('/').skip(1);
    if it.next() == Some("run") && it.next() == Some("user") {
        let rest: Vec<&str> = it.collect();
        if rest.len() == 1
            || (rest.len() == 2 && matches!(rest.get(1).copied(), Some("docker" | "podman")))
        {
            return Some("rootless runtime directory containing its socket");
        }
    }
    None
}

/// Host directories whose mount gives control over or insight into the
/// host (CIS 5.6 list, plus kernel modules and runtime state).
const SENSITIVE_DIRS: &[&str] = &[
    "/proc",
    "/sys",
    "/dev",
    "/etc",
    "/boot",
    "/lib/modules",
    "/usr",
    "/lib",
    "/lib64",
    "/bin",
    "/sbin",
    "/root",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/kubelet",
    "/var/lib/containers",
];

/// Why a host path is sensitive, if it is.
pub(crate) fn sensitive_path(path: &str) -> Option<String> {
    let p = normalize_host_path(path)?;
    if p == "/" {
        return Some("the host root filesystem".to_owned());
    }
    for d in SENSITIVE_DIRS {
        if p == *d || p.strip_prefix(d).is_some_and(|r| r.starts_with('/')) {
            return Some(format!("host {d}"));
        }
    }
    None
}

/// Ports whose exposure on a host is an administration or control-plane
/// risk, with the service name for the evidence.
pub(crate) fn sensitive_port(p: u32) -> Option<&'static str> {
    Some(match p {
        21 => "FTP",
        22 => "SSH",
        23 => "telnet",
        111 => "rpcbind",
        135 => "MS RPC",
        139 | 445 => "SMB",
        2375 => "Docker API (plain)",
        2376 => "Docker API (TLS)",
        2377 => "Docker swarm management",
        2379 | 2380 => "etcd",
        3389 => "RDP",
        5900 => "VNC",
        6443 => "Kubernetes API",
        6379 => "Redis",
        9200 => "Elasticsearch",
        10250 | 10255 => "kubelet",
        11211 => "memcached",
        27017 => "MongoDB",
        _ => return None,
    })
}

fn range_sensitive(r: (u32, u32)) -> Option<(u32, &'static str)> {
    // Ranges are bounded by 65535, but an attacker-sized range is still
    // cheap to scan only over the known list.
    [
        21, 22, 23, 111, 135, 139, 445, 2375, 2376, 2377, 2379, 2380, 3389, 5900, 6379, 6443, 9200,
        10250, 10255, 11211, 27017,
    ]
    .into_iter()
    .find(|p| *p >= r.0 && *p <= r.1)
    .and_then(|p| sensitive_port(p).map(|n| (p, n)))
}

/// A parsed `--security-opt` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SecOpt {
    SeccompUnconfined,
    ApparmorUnconfined,
    LabelDisable,
    LabelType(String),
    LabelUser(String),
    LabelRole(String),
    NoNewPrivileges(bool),
    SystemPathsUnconfined,
    Other,
}

/// Parses `seccomp=unconfined`, `seccomp:unconfined` (the old syntax),
/// `label=type:spc_t`, `no-new-privileges[=true|:true]`...
pub(crate) fn parse_security_opt(s: &str) -> SecOpt {
    let s = s.trim();
    let (k, v) = match s.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => match s.split_once(':') {
            Some((k, v)) => (k, Some(v)),
            None => (s, None),
        },
    };
    let k = k.trim().to_ascii_lowercase();
    let v = v.map(str::trim);
    match (k.as_str(), v) {
        ("seccomp", Some(v)) if v.eq_ignore_ascii_case("unconfined") => SecOpt::SeccompUnconfined,
        ("apparmor", Some(v)) if v.eq_ignore_ascii_case("unconfined") => SecOpt::ApparmorUnconfined,
        ("label", Some(v)) => {
            if v.eq_ignore_ascii_case("disable") {
                return SecOpt::LabelDisable;
            }
            match v.split_once(':') {
                Some(("type", t)) => SecOpt::LabelType(t.to_owned()),
                Some(("user", u)) => SecOpt::LabelUser(u.to_owned()),
                Some(("role", r)) => SecOpt::LabelRole(r.to_owned()),
                _ => SecOpt::Other,
            }
        }
        ("no-new-privileges", None) => SecOpt::NoNewPrivileges(true),
        ("no-new-privileges", Some(v)) => {
            SecOpt::NoNewPrivileges(!matches!(v.to_ascii_lowercase().as_str(), "false" | "0"))
        }
        ("systempaths", Some(v)) if v.eq_ignore_ascii_case("unconfined") => {
            SecOpt::SystemPathsUnconfined
        }
        _ => SecOpt::Other,
    }
}

/// SELinux types the PSS baseline allows (v1.31+).
pub(crate) const SELINUX_TYPES: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

/// Sysctls the PSS baseline allows (policy v1.37).
pub(crate) const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

/// Whether a `user` value means root: empty, `root`, `0`, with any group.
pub(crate) fn is_root_user(u: &str) -> bool {
    let name = u.trim().split(':').next().unwrap_or("").trim();
    name.is_empty() || name == "root" || name.trim_start_matches('0').is_empty()
}

/// Mount-propagation modes that let mounts cross between host and container.
pub(crate) fn shared_propagation(p: &str) -> bool {
    matches!(
        p.trim().to_ascii_lowercase().as_str(),
        "shared" | "rshared" | "bidirectional"
    )
}

/// Reports the capability checks for one added capability.
pub(crate) fn check_added_cap(em: &mut Emitter<'_>, cap: &At<String>, object: &str) {
    let n = normalize_cap(&cap.v);
    if DANGEROUS_CAPS.contains(&n.as_str()) {
        em.emit(
            catalog::CAP_DANGEROUS,
            &cap.path,
            object,
            format!("capability {} added", cap.v),
        );
    }
    if !BASELINE_CAPS.contains(&n.as_str()) {
        em.emit(
            catalog::CAP_BEYOND_BASELINE,
            &cap.path,
            object,
            format!("capability {} is not in the baseline set", cap.v),
        );
    } else if n != "NET_BIND_SERVICE" {
        em.emit(
            catalog::CAP_NOT_MINIMAL,
            &cap.path,
            object,
            format!(
                "capability {} added (only NET_BIND_SERVICE is minimal)",
                cap.v
            ),
        );
    }
}

/// Reports socket and sensitive-directory checks for a host mount.
pub(crate) fn check_host_mount(
    em: &mut Emitter<'_>,
    source: &str,
    target: &str,
    path: &Path,
    object: &str,
) {
    if let Some(why) = runtime_socket(source) {
        em.emit(
            catalog::RUNTIME_SOCKET,
            path,
            object,
            format!("{source} mounted at {target} ({why})"),
        );
    }
    if let Some(why) = sensitive_path(source) {
        em.emit(
            catalog::SENSITIVE_MOUNT,
            path,
            object,
            format!("{source} mounted at {target} ({why})"),
        );
    }
}

/// Reports the port checks for one published port.
pub(crate) fn check_port(em: &mut Emitter<'_>, p: &PortMap, object: &str, all_ifaces: bool) {
    if let Some((lo, _)) = p.host_ports
        && lo < 1024
    {
        em.emit(
            catalog::PRIVILEGED_PORT,
            &p.path,
            object,
            format!("host port {lo} published ({})", p.spec),
        );
    }
    let sensitive = p
        .container_ports
        .and_then(range_sensitive)
        .or_else(|| p.host_ports.and_then(range_sensitive));
    if let Some((port, name)) = sensitive {
        em.emit(
            catalog::SENSITIVE_PORT,
            &p.path,
            object,
            format!("{name} port {port} published on the host ({})", p.spec),
        );
    }
    if all_ifaces {
        let ip = p.host_ip.trim_matches(|c| c == '[' || c == ']');
        if ip.is_empty() || ip == "0.0.0.0" || ip == "::" {
            em.emit(
                catalog::ALL_INTERFACES,
                &p.path,
                object,
                format!("{} is bound to all host interfaces", p.spec),
            );
        }
    }
}

fn emit_opt(
    em: &mut Emitter<'_>,
    check: &'static CheckInfo,
    at: &Option<At<String>>,
    object: &str,
    what: &str,
) {
    if let Some(a) = at {
        em.emit(check, &a.path, object, format!("{what}: {}", a.v));
    }
}

/// Runs every shared runtime check on one container.
pub(crate) fn check_container(em: &mut Emitter<'_>, c: &Container) {
    let o = c.object.as_str();
    if let Some(p) = &c.privileged {
        em.emit(catalog::PRIVILEGED, p, o, "privileged: true".to_owned());
    }
    for cap in &c.cap_add {
        check_added_cap(em, cap, o);
    }
    if c.privileged.is_none() && !c.cap_drop.v.iter().any(|d| normalize_cap(d) == "ALL") {
        let ev = if c.cap_drop.v.is_empty() {
            "no capabilities dropped".to_owned()
        } else {
            format!("drops {} but not ALL", c.cap_drop.v.join(", "))
        };
        em.emit(catalog::CAP_NOT_MINIMAL, &c.cap_drop.path, o, ev);
    }
    emit_opt(
        em,
        catalog::HOST_NETWORK,
        &c.network_host,
        o,
        "network mode",
    );
    emit_opt(em, catalog::HOST_PID, &c.pid_host, o, "PID mode");
    emit_opt(em, catalog::HOST_IPC, &c.ipc_host, o, "IPC mode");
    emit_opt(em, catalog::HOST_UTS, &c.uts_host, o, "UTS mode");
    emit_opt(
        em,
        catalog::HOST_USERNS,
        &c.userns_host,
        o,
        "user namespace mode",
    );
    for m in &c.mounts {
        check_host_mount(em, &m.source, &m.target, &m.path, o);
        if let Some(p) = &m.propagation
            && shared_propagation(p)
        {
            em.emit(
                catalog::MOUNT_PROPAGATION,
                &m.path,
                o,
                format!("{} mounted at {} with {p} propagation", m.source, m.target),
            );
        }
    }
    let mut nnp = false;
    for opt in &c.security_opt {
        match parse_security_opt(&opt.v) {
            SecOpt::SeccompUnconfined => em.emit(
                catalog::SECCOMP_UNCONFINED,
                &opt.path,
                o,
                format!("security_opt {}", opt.v),
            ),
            SecOpt::ApparmorUnconfined => em.emit(
                catalog::APPARMOR_UNCONFINED,
                &opt.path,
                o,
                format!("security_opt {}", opt.v),
            ),
            SecOpt::LabelDisable | SecOpt::LabelUser(_) | SecOpt::LabelRole(_) => em.emit(
                catalog::SELINUX_RELAXED,
                &opt.path,
                o,
                format!("security_opt {}", opt.v),
            ),
            SecOpt::LabelType(t) if !SELINUX_TYPES.contains(&t.as_str()) => em.emit(
                catalog::SELINUX_RELAXED,
                &opt.path,
                o,
                format!(
                    "security_opt {} (type {t} is not a confined container type)",
                    opt.v
                ),
            ),
            SecOpt::SystemPathsUnconfined => em.emit(
                catalog::PROC_UNMASKED,
                &opt.path,
                o,
                format!("security_opt {}", opt.v),
            ),
            SecOpt::NoNewPrivileges(v) => nnp = v,
            SecOpt::LabelType(_) | SecOpt::Other => {}
        }
    }
    if let Some(a) = &c.apparmor_profile
        && a.v.eq_ignore_ascii_case("unconfined")
        && c.privileged.is_none()
    {
        em.emit(
            catalog::APPARMOR_UNCONFINED,
            &a.path,
            o,
            format!("AppArmor profile {}", a.v),
        );
    }
    if !nnp {
        em.emit(
            catalog::PRIV_ESCALATION,
            &c.security_opt_path,
            o,
            "no-new-privileges is not set".to_owned(),
        );
    }
    for s in &c.sysctls {
        if !SAFE_SYSCTLS.contains(&s.v.as_str()) {
            em.emit(
                catalog::UNSAFE_SYSCTL,
                &s.path,
                o,
                format!("sysctl {} is not in the safe set", s.v),
            );
        }
    }
    for d in &c.devices {
        em.emit(catalog::HOST_DEVICES, &d.path, o, format!("device {}", d.v));
    }
    emit_opt(
        em,
        catalog::CGROUP_PARENT,
        &c.cgroup_parent,
        o,
        "cgroup parent",
    );
    if !c.read_only.v {
        em.emit(
            catalog::WRITABLE_ROOTFS,
            &c.read_only.path,
            o,
            "root filesystem is not read-only".to_owned(),
        );
    }
    if !c.memory_limit.v {
        em.emit(
            catalog::NO_MEMORY_LIMIT,
            &c.memory_limit.path,
            o,
            "no memory limit".to_owned(),
        );
    }
    if !c.cpu_limit.v {
        em.emit(
            catalog::NO_CPU_LIMIT,
            &c.cpu_limit.path,
            o,
            "no CPU limit".to_owned(),
        );
    }
    if !c.pids_limit.v {
        em.emit(
            catalog::NO_PIDS_LIMIT,
            &c.pids_limit.path,
            o,
            "no PIDs limit".to_owned(),
        );
    }
    if let Some(r) = &c.restart_unbounded {
        em.emit(catalog::RESTART_POLICY, &r.path, o, r.v.clone());
    }
    match &c.user.v {
        Some(u) if is_root_user(u) => em.emit(
            catalog::RUNS_AS_ROOT,
            &c.user.path,
            o,
            if u.trim().is_empty() {
                "user is empty (root)".to_owned()
            } else {
                format!("user {u}")
            },
        ),
        Some(_) => {}
        None if c.unset_user_is_root => em.emit(
            catalog::RUNS_AS_ROOT,
            &c.user.path,
            o,
            "no user set (root)".to_owned(),
        ),
        None => em.emit(
            catalog::NONROOT_NOT_ENFORCED,
            &c.user.path,
            o,
            "no user set: the image's default user applies".to_owned(),
        ),
    }
    for p in &c.ports {
        check_port(em, p, o, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_and_their_directories() {
        for p in [
            "/var/run/docker.sock",
            "//var/run/docker.sock",
            "/run/docker.sock",
            "/run/containerd/containerd.sock",
            "/var/run/crio/crio.sock",
            "/run/podman/podman.sock",
            "/run/user/1000/podman/podman.sock",
            "/run/user/1000/docker.sock",
            "/var/run",
            "/run/",
            "/",
            "/run/containerd",
            "/var/run/../run",
        ] {
            assert!(runtime_socket(p).is_some(), "{p}");
        }
        for p in [
            "/srv/data",
            "/run/secrets",
            "relative/docker",
            "/var/log",
            "/home/docker.socks",
        ] {
            assert!(runtime_socket(p).is_none(), "{p}");
        }
    }

    #[test]
    fn sensitive_paths() {
        for p in [
            "/",
            "/proc",
            "/sys/fs/cgroup",
            "/etc",
            "/etc/kubernetes",
            "/boot",
            "/lib/modules",
            "/var/lib/docker",
            "/dev",
        ] {
            assert!(sensitive_path(p).is_some(), "{p}");
        }
        for p in [
            "/etcetera",
            "/srv",
            "/var/lib/dockerd",
            "/home/u",
            "/data/proc",
        ] {
            assert!(sensitive_path(p).is_none(), "{p}");
        }
    }

    #[test]
    fn root_users() {
        for u in ["", "root", "0", "0:0", "root:root", "00", " 0 :1000"] {
            assert!(is_root_user(u), "{u:?}");
        }
        for u in ["1000", "app", "1000:0", "nobody", "10"] {
            assert!(!is_root_user(u), "{u:?}");
        }
    }

    #[test]
    fn security_opts() {
        assert_eq!(
            parse_security_opt("seccomp=unconfined"),
            SecOpt::SeccompUnconfined
        );
        assert_eq!(
            parse_security_opt("seccomp:unconfined"),
            SecOpt::SeccompUnconfined
        );
        assert_eq!(parse_security_opt("seccomp=/p.json"), SecOpt::Other);
        assert_eq!(
            parse_security_opt("apparmor=unconfined"),
            SecOpt::ApparmorUnconfined
        );
        assert_eq!(parse_security_opt("label=disable"), SecOpt::LabelDisable);
        assert_eq!(parse_security_opt("label:disable"), SecOpt::LabelDisable);
        assert_eq!(
            parse_security_opt("label=type:spc_t"),
            SecOpt::LabelType("spc_t".to_owned())
        );
        assert_eq!(
            parse_security_opt("label=level:s0:c100,c200"),
            SecOpt::Other
        );
        assert_eq!(
            parse_security_opt("no-new-privileges"),
            SecOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            parse_security_opt("no-new-privileges:true"),
            SecOpt::NoNewPrivileges(true)
        );
        assert_eq!(
            parse_security_opt("no-new-privileges=false"),
            SecOpt::NoNewPrivileges(false)
        );
        assert_eq!(
            parse_security_opt("systempaths=unconfined"),
            SecOpt::SystemPathsUnconfined
        );
    }

    #[test]
    fn caps_normalize() {
        assert_eq!(normalize_cap("cap_sys_admin"), "SYS_ADMIN");
        assert_eq!(normalize_cap("SYS_ADMIN"), "SYS_ADMIN");
        assert_eq!(normalize_cap("CAP_NET_RAW"), "NET_RAW");
    }
}
