//! The checks. Each one reads the config, the history or the merged file
//! system and says why in its evidence; ids are stable.

use std::collections::{BTreeSet, HashSet};
use std::sync::LazyLock;

use drydock_findings::{MisconfigLocation, Misconfiguration, Severity};
use drydock_fs::{LayeredFs, NodeKind};
use drydock_oci::ImageConfig;
use drydock_secrets::{Limits, RuleSet, TextContext, redact};
use regex::Regex;

use crate::history::{HistoryStep, parse_history};

/// A check's fixed description.
#[derive(Debug, Clone, Copy)]
pub struct CheckInfo {
    /// Stable id.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Default severity (a finding may be raised above it, e.g. port 2375).
    pub severity: Severity,
    /// CIS Docker Benchmark and Dockle mappings.
    pub references: &'static [&'static str],
    /// What to do.
    pub remediation: &'static str,
}

/// Every image check.
pub static CHECKS: &[CheckInfo] = &[
    CheckInfo {
        id: "DD-IMG-001",
        title: "Image runs as root",
        severity: Severity::High,
        references: &["CIS-Docker-4.1", "dockle:CIS-DI-0001"],
        remediation: "Create an unprivileged user and end the Dockerfile with `USER <uid>` (a numeric UID lets Kubernetes verify runAsNonRoot).",
    },
    CheckInfo {
        id: "DD-IMG-002",
        title: "No HEALTHCHECK",
        severity: Severity::Low,
        references: &["CIS-Docker-4.6", "dockle:CIS-DI-0006"],
        remediation: "Add a HEALTHCHECK that probes the service (or rely on orchestrator probes and say so in an ignore rule).",
    },
    CheckInfo {
        id: "DD-IMG-003",
        title: "Sensitive port exposed",
        severity: Severity::Medium,
        references: &["CIS-Docker-5.8"],
        remediation: "Remove the EXPOSE; remote shells and management APIs do not belong in an application image.",
    },
    CheckInfo {
        id: "DD-IMG-004",
        title: "Secret in ENV",
        severity: Severity::High,
        references: &["CIS-Docker-4.10", "dockle:CIS-DI-0010"],
        remediation: "Pass secrets at run time (orchestrator secrets, mounted files); anything in ENV is readable by everyone who can pull the image.",
    },
    CheckInfo {
        id: "DD-IMG-005",
        title: "Secret passed as a build argument",
        severity: Severity::High,
        references: &["CIS-Docker-4.10", "dockle:CIS-DI-0010"],
        remediation: "Use BuildKit secret mounts (`RUN --mount=type=secret`); build arguments are recorded in the image history.",
    },
    CheckInfo {
        id: "DD-IMG-006",
        title: "Remote script piped to an interpreter",
        severity: Severity::Medium,
        references: &[],
        remediation: "Download the script, verify its checksum or signature, then run it; or install from a signed package.",
    },
    CheckInfo {
        id: "DD-IMG-007",
        title: "setuid/setgid file added by the image",
        severity: Severity::High,
        references: &["CIS-Docker-4.8", "dockle:CIS-DI-0008"],
        remediation: "Remove the file or its setuid/setgid bit (`chmod u-s,g-s`); only distribution packages should ship privileged binaries.",
    },
    CheckInfo {
        id: "DD-IMG-008",
        title: "World-writable file",
        severity: Severity::Medium,
        references: &[],
        remediation: "Drop the write bit for others (`chmod o-w`) and give the file to the user that needs to write it.",
    },
    CheckInfo {
        id: "DD-IMG-009",
        title: "World-writable directory without the sticky bit",
        severity: Severity::Medium,
        references: &[],
        remediation: "Set the sticky bit (`chmod +t`) or drop the write bit for others.",
    },
    CheckInfo {
        id: "DD-IMG-010",
        title: "Hardening inventory",
        severity: Severity::Info,
        references: &["CIS-Docker-4.3"],
        remediation: "Distroless or multi-stage images leave shells, package managers, compilers and network tools out of the runtime image.",
    },
    CheckInfo {
        id: "DD-IMG-011",
        title: "SSH server installed",
        severity: Severity::Low,
        references: &["CIS-Docker-5.6"],
        remediation: "Remove openssh-server; use `docker exec` / `kubectl exec` to get a shell.",
    },
    CheckInfo {
        id: "DD-IMG-012",
        title: "Base image not pinned",
        severity: Severity::Low,
        references: &["CIS-Docker-4.2", "dockle:DKL-DI-0006"],
        remediation: "Pin the base image by digest (`FROM image:tag@sha256:…`) and update it deliberately.",
    },
    CheckInfo {
        id: "DD-IMG-013",
        title: "sudo used in a build step",
        severity: Severity::Medium,
        references: &["dockle:DKL-DI-0001"],
        remediation: "Build steps already run as the current USER; switch with USER instead of sudo.",
    },
    CheckInfo {
        id: "DD-IMG-014",
        title: "Sensitive directory declared as VOLUME",
        severity: Severity::High,
        references: &["dockle:DKL-DI-0002"],
        remediation: "Do not declare /proc, /sys, /dev or runtime sockets as volumes.",
    },
    CheckInfo {
        id: "DD-IMG-015",
        title: "ADD used in a build step",
        severity: Severity::Low,
        references: &["CIS-Docker-4.9", "dockle:CIS-DI-0009"],
        remediation: "Use COPY for local files; ADD also fetches URLs and unpacks archives, which is rarely intended.",
    },
    CheckInfo {
        id: "DD-IMG-016",
        title: "Package index updated without installing in the same step",
        severity: Severity::Low,
        references: &["CIS-Docker-4.7", "dockle:CIS-DI-0007"],
        remediation: "Run `apt-get update && apt-get install …` in one RUN so a cached stale index is never used.",
    },
];

fn info(id: &str) -> &'static CheckInfo {
    CHECKS.iter().find(|c| c.id == id).unwrap_or(&CHECKS[0])
}

/// What the checks look at.
pub struct ImageInput<'a> {
    /// The image config.
    pub config: &'a ImageConfig,
    /// The merged file system.
    pub fs: &'a LayeredFs,
    /// Paths OS packages installed (dpkg lists, apk `R:` lines, rpm file
    /// lists), absolute or relative.
    pub owned: &'a [String],
    /// For each history entry, the layer it created.
    pub history_layers: &'a [Option<usize>],
    /// Secret rules to recognise credentials in ENV and build arguments by
    /// value; names are checked without them.
    pub secret_rules: Option<&'a RuleSet>,
}

/// Runs every check.
pub fn check(input: &ImageInput<'_>) -> Vec<Misconfiguration> {
    let mut out = Vec::new();
    let entries: Vec<(usize, &str)> = input
        .config
        .history
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.created_by.as_deref().map(|c| (i, c)))
        .collect();
    let history = parse_history(&entries);
    let layer_of = |index: usize| input.history_layers.get(index).copied().flatten();
    user(input.config, &mut out);
    healthcheck(input.config, &mut out);
    ports(input.config, &history, &layer_of, &mut out);
    env_secrets(input, &mut out);
    history_checks(input, &history, &layer_of, &mut out);
    volumes(input.config, &mut out);
    files(input, &mut out);
    base_image(input.config, &mut out);
    out
}

fn finding(
    id: &str,
    severity: Option<Severity>,
    location: MisconfigLocation,
    evidence: String,
) -> Misconfiguration {
    let c = info(id);
    Misconfiguration {
        check_id: c.id.to_owned(),
        title: c.title.to_owned(),
        severity: severity.unwrap_or(c.severity),
        source: "image".to_owned(),
        location,
        evidence,
        remediation: c.remediation.to_owned(),
        references: c.references.iter().map(|r| (*r).to_owned()).collect(),
        suppressed: None,
    }
}

fn at_config(path: impl Into<String>) -> MisconfigLocation {
    MisconfigLocation {
        config_path: Some(path.into()),
        ..MisconfigLocation::default()
    }
}

fn at_history(index: usize, layer: Option<usize>) -> MisconfigLocation {
    MisconfigLocation {
        config_path: Some(format!("history[{index}].created_by")),
        layer,
        ..MisconfigLocation::default()
    }
}

/// `""`, `0`, `root`, `0:0`, `root:root`, `root:staff`, `0:1000`: all run as
/// UID 0. A named user other than root is trusted to be non-root (its UID
/// is in /etc/passwd, which an orchestrator cannot verify either).
fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name.is_empty() || name == "root" || name.trim_start_matches('0').is_empty()
}

fn user(config: &ImageConfig, out: &mut Vec<Misconfiguration>) {
    let user = config.config.user.as_deref().unwrap_or("");
    if is_root_user(user) {
        let evidence = if user.trim().is_empty() {
            "no USER in the image config; containers run as root".to_owned()
        } else {
            format!("USER {user}")
        };
        out.push(finding(
            "DD-IMG-001",
            None,
            at_config("config.User"),
            evidence,
        ));
    }
}

fn healthcheck(config: &ImageConfig, out: &mut Vec<Misconfiguration>) {
    let test = config.config.healthcheck.as_ref().map(|h| &h.test);
    let evidence = match test {
        None => "no HEALTHCHECK in the image config".to_owned(),
        Some(t) if t.is_empty() => "HEALTHCHECK with an empty test".to_owned(),
        Some(t) if t.first().is_some_and(|f| f.eq_ignore_ascii_case("NONE")) => {
            "HEALTHCHECK NONE disables the inherited check".to_owned()
        }
        Some(_) => return,
    };
    out.push(finding(
        "DD-IMG-002",
        None,
        at_config("config.Healthcheck"),
        evidence,
    ));
}

/// Ports that expose a remote shell, a desktop or a management API.
fn sensitive_port(port: u16) -> Option<(&'static str, Severity)> {
    Some(match port {
        21 => ("FTP", Severity::Medium),
        22 => ("SSH", Severity::Medium),
        23 => ("Telnet", Severity::High),
        111 => ("rpcbind", Severity::Medium),
        135 => ("MS RPC", Severity::Medium),
        139 | 445 => ("SMB", Severity::Medium),
        2375 => ("Docker API without TLS", Severity::Critical),
        2376 => ("Docker API", Severity::High),
        2379 | 2380 => ("etcd", Severity::High),
        3389 => ("RDP", Severity::Medium),
        5900..=5903 => ("VNC", Severity::Medium),
        6000 => ("X11", Severity::Medium),
        10250 => ("kubelet API", Severity::High),
        _ => return None,
    })
}

fn ports(
    config: &ImageConfig,
    history: &[HistoryStep],
    layer_of: &dyn Fn(usize) -> Option<usize>,
    out: &mut Vec<Misconfiguration>,
) {
    let mut seen = BTreeSet::new();
    for key in config.config.exposed_ports.keys() {
        let (num, proto) = key.split_once('/').unwrap_or((key, "tcp"));
        let Ok(port) = num.trim().parse::<u16>() else {
            continue;
        };
        let Some((what, severity)) = sensitive_port(port) else {
            continue;
        };
        if !seen.insert(port) {
            continue;
        }
        // Name the build step that exposed it when the history shows it.
        let step = history.iter().rev().find(|h| {
            h.instruction == "EXPOSE"
                && h.text
                    .split(|c: char| c.is_whitespace() || c == '[' || c == ']' || c == ':')
                    .any(|t| t.split('/').next() == Some(num.trim()))
        });
        let mut location = at_config(format!("config.ExposedPorts.{key}"));
        let mut evidence = format!("EXPOSE {port}/{proto} ({what})");
        if let Some(h) = step {
            location.layer = layer_of(h.index);
            evidence.push_str(&format!("; history[{}]: {}", h.index, h.raw.trim()));
        }
        out.push(finding("DD-IMG-003", Some(severity), location, evidence));
    }
}

/// Whether a variable name says its value is a credential.
fn secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if matches!(upper.as_str(), "PWD" | "OLDPWD") {
        return false;
    }
    const NOT_A_VALUE: &[&str] = &[
        "_FILE",
        "_PATH",
        "_DIR",
        "_FILENAME",
        "_LENGTH",
        "_HEADER",
        "_NAME",
        "_ENABLED",
        "_TYPE",
        "_URL_PATH",
        "_MODE",
    ];
    if NOT_A_VALUE.iter().any(|s| upper.ends_with(s)) {
        return false;
    }
    if ["GPG_KEY", "GPG_KEYS"].iter().any(|k| upper.ends_with(k)) {
        return false;
    }
    const COMPOUND: &[&str] = &[
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "SECRET_KEY",
        "AUTH_TOKEN",
        "CLIENT_SECRET",
    ];
    if COMPOUND.iter().any(|c| upper.contains(c)) {
        return true;
    }
    upper.split(['_', '-', '.']).any(|t| {
        matches!(
            t,
            "PASSWORD"
                | "PASSWD"
                | "PASS"
                | "PWD"
                | "SECRET"
                | "TOKEN"
                | "CREDENTIALS"
                | "CREDENTIAL"
        )
    })
}

/// Values that cannot be a credential: empty, a path or a reference to
/// another variable, a boolean or a number of a few digits.
fn inert_value(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    v.is_empty()
        || v.starts_with('/')
        || v.starts_with('$')
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null"
        )
        || (v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit()))
}

/// Why `name=value` looks like a credential, if it does.
fn credential(
    name: &str,
    value: &str,
    context: TextContext,
    rules: Option<&RuleSet>,
) -> Option<String> {
    if let Some(rules) = rules {
        let text = format!("{name}={value}");
        if let Some(m) = rules
            .scan_text(context, &text, &Limits::default())
            .into_iter()
            .next()
        {
            return Some(format!("{name}={} (rule {})", redact(&m.secret), m.rule_id));
        }
    }
    (secret_name(name) && !inert_value(value)).then(|| format!("{name}={}", redact(value)))
}

fn env_secrets(input: &ImageInput<'_>, out: &mut Vec<Misconfiguration>) {
    for entry in &input.config.config.env {
        let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
        if let Some(evidence) = credential(name, value, TextContext::Env, input.secret_rules) {
            out.push(finding(
                "DD-IMG-004",
                None,
                at_config(format!("config.Env.{name}")),
                evidence,
            ));
        }
    }
}

static PIPE_TO_SHELL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?x)
        \b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?(?:ba|z|da|k|a)?sh\b
      | \b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?(?:python[0-9.]*|perl|ruby|node)\b
      | \b(?:ba|z|da)?sh\s+(?:-c\s+)?["']?\$\(\s*(?:curl|wget)\b
      | \b(?:ba|z|da)?sh\s+<\(\s*(?:curl|wget)\b
    "#,
    )
    .expect("static regex compiles")
});

static SUDO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[;&|(]\s*|\s)sudo\s").expect("static regex compiles"));

static UPDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:apt-get|apt|yum|dnf|apk|zypper)\s+(?:-\S+\s+)*update\b")
        .expect("static regex compiles")
});

static INSTALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:apt-get|apt|yum|dnf|apk|zypper)\s+(?:-\S+\s+)*(?:install|upgrade|dist-upgrade|add)\b")
        .expect("static regex compiles")
});

fn short(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        return s.to_owned();
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{cut}…")
}

fn history_checks(
    input: &ImageInput<'_>,
    history: &[HistoryStep],
    layer_of: &dyn Fn(usize) -> Option<usize>,
    out: &mut Vec<Misconfiguration>,
) {
    let mut base_add_seen = false;
    for h in history {
        let layer = layer_of(h.index);
        for arg in &h.build_args {
            if let Some(evidence) = credential(
                &arg.name,
                &arg.value,
                TextContext::History,
                input.secret_rules,
            ) {
                out.push(finding(
                    "DD-IMG-005",
                    None,
                    at_history(h.index, layer),
                    format!("build argument {evidence} in scope of a RUN step"),
                ));
            }
        }
        if h.instruction == "ARG"
            && let Some((name, value)) = h.text.split_once('=')
            && let Some(evidence) =
                credential(name, value, TextContext::History, input.secret_rules)
        {
            out.push(finding(
                "DD-IMG-005",
                None,
                at_history(h.index, layer),
                format!("ARG default {evidence}"),
            ));
        }
        match h.instruction.as_str() {
            "RUN" => {
                if let Some(m) = PIPE_TO_SHELL.find(&h.text) {
                    out.push(finding(
                        "DD-IMG-006",
                        None,
                        at_history(h.index, layer),
                        short(m.as_str()),
                    ));
                }
                if SUDO.is_match(&h.text) {
                    out.push(finding(
                        "DD-IMG-013",
                        None,
                        at_history(h.index, layer),
                        short(&h.text),
                    ));
                }
                if UPDATE.is_match(&h.text) && !INSTALL.is_match(&h.text) {
                    out.push(finding(
                        "DD-IMG-016",
                        None,
                        at_history(h.index, layer),
                        short(&h.text),
                    ));
                }
            }
            "ADD" => {
                // The base image's root file system arrives by ADD; later
                // ones are the build's own.
                if !base_add_seen && h.text.starts_with("file:") {
                    base_add_seen = true;
                    continue;
                }
                base_add_seen = true;
                out.push(finding(
                    "DD-IMG-015",
                    None,
                    at_history(h.index, layer),
                    short(&format!("ADD {}", h.text)),
                ));
            }
            _ => {}
        }
    }
}

fn volumes(config: &ImageConfig, out: &mut Vec<Misconfiguration>) {
    const SENSITIVE: &[&str] = &[
        "/proc",
        "/sys",
        "/dev",
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/run/containerd/containerd.sock",
    ];
    for v in config.config.volumes.keys() {
        let norm = format!("/{}", v.trim().trim_matches('/'));
        if SENSITIVE
            .iter()
            .any(|s| norm == *s || norm.starts_with(&format!("{s}/")))
        {
            out.push(finding(
                "DD-IMG-014",
                None,
                at_config(format!("config.Volumes.{v}")),
                format!("VOLUME {v}"),
            ));
        }
    }
}

/// Tool categories of the hardening inventory, by file name in the usual
/// executable directories.
const INVENTORY: &[(&str, &[&str])] = &[
    (
        "shells",
        &["sh", "bash", "dash", "ash", "zsh", "ksh", "busybox"],
    ),
    (
        "package managers",
        &[
            "apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "zypper", "pip",
            "pip3", "npm", "gem",
        ],
    ),
    (
        "compilers",
        &["gcc", "cc", "g++", "c++", "clang", "rustc", "go", "javac"],
    ),
    (
        "network tools",
        &[
            "nc", "ncat", "netcat", "socat", "curl", "wget", "telnet", "nmap", "tcpdump",
        ],
    ),
];

const BIN_DIRS: &[&str] = &[
    "bin",
    "usr/bin",
    "sbin",
    "usr/sbin",
    "usr/local/bin",
    "usr/local/sbin",
];

/// Most files one check reports individually; the rest are counted.
const MAX_FILE_FINDINGS: usize = 50;

fn files(input: &ImageInput<'_>, out: &mut Vec<Misconfiguration>) {
    let fs = input.fs;
    let canon = |p: &str| {
        let rel = p.trim_start_matches('/');
        fs.canonical_parent(rel).unwrap_or_else(|| rel.to_owned())
    };
    let owned: HashSet<String> = input.owned.iter().map(|p| canon(p)).collect();
    let mut setuid_owned = Vec::new();
    let (mut setuid_n, mut ww_files, mut ww_dirs) = (0usize, 0usize, 0usize);
    for (path, v) in fs.iter() {
        let mode = v.node.mode;
        let at_file = |layer: usize| MisconfigLocation {
            file: Some(path.to_owned()),
            layer: Some(layer),
            ..MisconfigLocation::default()
        };
        match v.node.kind {
            NodeKind::File => {
                if mode & 0o6000 != 0 {
                    if owned.contains(&canon(path)) {
                        setuid_owned.push(path.to_owned());
                    } else {
                        setuid_n += 1;
                        if setuid_n <= MAX_FILE_FINDINGS {
                            let bits = match (mode & 0o4000 != 0, mode & 0o2000 != 0) {
                                (true, true) => "setuid and setgid",
                                (true, false) => "setuid",
                                _ => "setgid",
                            };
                            out.push(finding(
                                "DD-IMG-007",
                                None,
                                at_file(v.layer),
                                format!(
                                    "/{path} is {bits} (mode {:04o}, owner {}), and no OS package installed it",
                                    mode & 0o7777,
                                    v.node.uid
                                ),
                            ));
                        }
                    }
                }
                if mode & 0o002 != 0 {
                    ww_files += 1;
                    if ww_files <= MAX_FILE_FINDINGS {
                        out.push(finding(
                            "DD-IMG-008",
                            None,
                            at_file(v.layer),
                            format!("/{path} has mode {:04o}", mode & 0o7777),
                        ));
                    }
                }
            }
            NodeKind::Dir if mode & 0o002 != 0 && mode & 0o1000 == 0 => {
                ww_dirs += 1;
                if ww_dirs <= MAX_FILE_FINDINGS {
                    out.push(finding(
                        "DD-IMG-009",
                        None,
                        at_file(v.layer),
                        format!("/{path}/ has mode {:04o}", mode & 0o7777),
                    ));
                }
            }
            _ => {}
        }
    }
    for (id, n) in [
        ("DD-IMG-007", setuid_n),
        ("DD-IMG-008", ww_files),
        ("DD-IMG-009", ww_dirs),
    ] {
        if n > MAX_FILE_FINDINGS {
            out.push(finding(
                id,
                None,
                MisconfigLocation::default(),
                format!("{} more files like the ones above", n - MAX_FILE_FINDINGS),
            ));
        }
    }
    inventory(input.fs, &setuid_owned, out);
}

fn inventory(fs: &LayeredFs, setuid_owned: &[String], out: &mut Vec<Misconfiguration>) {
    // The directory the file really is in (`/usr/bin/apt`, not `/bin/apt`
    // through a merged-/usr symlink).
    let present = |name: &str| {
        BIN_DIRS.iter().find_map(|d| {
            let p = format!("{d}/{name}");
            let dir = fs.canonical_parent(&p)?;
            fs.resolve(&p)
                .filter(|(_, v)| v.node.kind == NodeKind::File)
                .map(|_| format!("/{dir}"))
        })
    };
    for (category, names) in INVENTORY {
        let mut found: Vec<String> = names.iter().filter_map(|n| present(n)).collect();
        found.dedup();
        if !found.is_empty() {
            out.push(finding(
                "DD-IMG-010",
                None,
                MisconfigLocation {
                    object: Some((*category).to_owned()),
                    ..MisconfigLocation::default()
                },
                format!("{category}: {}", found.join(", ")),
            ));
        }
    }
    if !setuid_owned.is_empty() {
        let mut list: Vec<String> = setuid_owned.iter().map(|p| format!("/{p}")).collect();
        list.sort();
        out.push(finding(
            "DD-IMG-010",
            None,
            MisconfigLocation {
                object: Some("setuid/setgid files from OS packages".to_owned()),
                ..MisconfigLocation::default()
            },
            format!("setuid/setgid files from OS packages: {}", list.join(", ")),
        ));
    }
    if let Some(p) = present("sshd") {
        out.push(finding(
            "DD-IMG-011",
            None,
            MisconfigLocation {
                file: Some(p.trim_start_matches('/').to_owned()),
                ..MisconfigLocation::default()
            },
            format!("{p} is installed"),
        ));
    }
}

fn base_image(config: &ImageConfig, out: &mut Vec<Misconfiguration>) {
    let labels = &config.config.labels;
    let Some(name) = labels.get("org.opencontainers.image.base.name") else {
        return;
    };
    let has_digest = name.contains("@sha256:")
        || labels
            .get("org.opencontainers.image.base.digest")
            .is_some_and(|d| d.starts_with("sha256:"));
    if has_digest {
        return;
    }
    let last = name.rsplit('/').next().unwrap_or(name);
    let evidence = match last.split_once(':') {
        None => format!("base image {name} has no tag (means `latest`) and no digest"),
        Some((_, "latest")) => format!("base image {name} uses `latest` and no digest"),
        Some(_) => format!("base image {name} is not pinned by digest"),
    };
    out.push(finding(
        "DD-IMG-012",
        None,
        at_config("config.Labels.org.opencontainers.image.base.name"),
        evidence,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_user_spellings() {
        for u in [
            "",
            " ",
            "0",
            "0:0",
            "root",
            "root:root",
            "root:staff",
            "00",
            "0:1000",
        ] {
            assert!(is_root_user(u), "{u:?}");
        }
        for u in [
            "1000",
            "app",
            "app:app",
            "10001:10001",
            "nobody",
            "rootless",
        ] {
            assert!(!is_root_user(u), "{u:?}");
        }
    }

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "GITHUB_TOKEN",
            "API_KEY",
            "STRIPE_SECRET_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "REDIS_PASS",
            "client_secret",
            "NPM_AUTH_TOKEN",
        ] {
            assert!(secret_name(n), "{n}");
        }
        for n in [
            "PWD",
            "PATH",
            "PASSWORD_FILE",
            "TOKEN_PATH",
            "PYTHON_GPG_KEY",
            "GPG_KEYS",
            "KEYCLOAK_URL",
            "PASSENGER_VERSION",
            "SECRET_KEY_BASE_DIR",
            "HOME",
        ] {
            assert!(!secret_name(n), "{n}");
        }
    }

    #[test]
    fn pipe_to_shell_shapes() {
        for cmd in [
            "curl -sSL https://get.example.sh | sh",
            "wget -qO- https://x/install | sudo -E bash -",
            "curl https://x | /bin/bash",
            "sh -c \"$(curl -fsSL https://x)\"",
            "bash <(curl -s https://x)",
            "curl -s https://bootstrap.pypa.io/get-pip.py | python3",
        ] {
            assert!(PIPE_TO_SHELL.is_match(cmd), "{cmd}");
        }
        for cmd in [
            "curl -o /tmp/x.sh https://x && sha256sum -c x.sha256 && sh /tmp/x.sh",
            "curl https://x | tar xz",
            "echo hi | sha256sum",
            "curl https://x | shasum -a 256",
        ] {
            assert!(!PIPE_TO_SHELL.is_match(cmd), "{cmd}");
        }
    }
}
