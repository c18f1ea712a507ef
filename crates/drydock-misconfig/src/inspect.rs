//! `docker inspect` output (one container object or the usual array) into
//! the shared runtime description.
//!
//! Inspect shows the effective configuration: `Config.User` already holds
//! the image's USER when none was given, so an empty user is root; mounts
//! appear both in `.Mounts` (what the runtime did) and in
//! `HostConfig.Binds`/`HostConfig.Mounts` (what was asked), and are
//! de-duplicated by source and target.

use serde_json::Value;

use crate::runtime::{At, Container, Mount, PortMap};
use crate::tree::Path;
use crate::val::{get, get_in, number, str_list, text, truthy};

/// Whether a JSON value looks like one inspected container.
pub(crate) fn is_container(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.get("HostConfig").is_some_and(Value::is_object))
}

/// The containers of an inspect dump, with their paths.
pub(crate) fn containers(doc: &Value) -> Vec<Container> {
    match doc {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter(|(_, c)| is_container(c))
            .map(|(i, c)| container(c, &Path::root().idx(i)))
            .collect(),
        v if is_container(v) => vec![container(v, &Path::root())],
        _ => Vec::new(),
    }
}

fn host_mode(hc: &Value, key: &str, base: &Path) -> Option<At<String>> {
    let v = get(hc, key).and_then(text)?;
    (v == "host").then(|| At {
        v,
        path: base.key(key),
    })
}

fn container(c: &Value, base: &Path) -> Container {
    let name = get(c, "Name")
        .and_then(Value::as_str)
        .map(|n| n.trim_start_matches('/').to_owned())
        .filter(|n| !n.is_empty())
        .or_else(|| {
            get(c, "Id")
                .and_then(Value::as_str)
                .map(|i| i.chars().take(12).collect())
        })
        .unwrap_or_else(|| "unnamed".to_owned());
    let hc_path = base.key("HostConfig");
    let empty = Value::Null;
    let hc = get(c, "HostConfig").unwrap_or(&empty);
    let mut out = Container {
        object: format!("container {name}"),
        ..Container::default()
    };
    if truthy(get(hc, "Privileged")) {
        out.privileged = Some(hc_path.key("Privileged"));
    }
    out.cap_add = str_list(get(hc, "CapAdd"))
        .into_iter()
        .map(|(i, v)| At {
            v,
            path: hc_path.key("CapAdd").idx(i),
        })
        .collect();
    out.cap_drop = At {
        v: str_list(get(hc, "CapDrop"))
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        path: hc_path.key("CapDrop"),
    };
    out.network_host = host_mode(hc, "NetworkMode", &hc_path);
    out.pid_host = host_mode(hc, "PidMode", &hc_path);
    out.ipc_host = host_mode(hc, "IpcMode", &hc_path);
    out.uts_host = host_mode(hc, "UTSMode", &hc_path);
    out.userns_host = host_mode(hc, "UsernsMode", &hc_path);

    let mut mounts: Vec<Mount> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut add_mount = |m: Mount| {
        if seen.insert((m.source.clone(), m.target.clone())) {
            mounts.push(m);
        }
    };
    if let Some(Value::Array(ms)) = get(c, "Mounts") {
        for (i, m) in ms.iter().enumerate() {
            let ty = get(m, "Type").and_then(Value::as_str).unwrap_or("bind");
            if ty != "bind" {
                continue;
            }
            let Some(source) = get(m, "Source").and_then(Value::as_str) else {
                continue;
            };
            add_mount(Mount {
                source: source.to_owned(),
                target: get(m, "Destination")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                propagation: get(m, "Propagation").and_then(text),
                path: base.key("Mounts").idx(i),
            });
        }
    }
    for (i, b) in str_list(get(hc, "Binds")) {
        if let Some(m) = parse_bind(&b, hc_path.key("Binds").idx(i)) {
            add_mount(m);
        }
    }
    if let Some(Value::Array(ms)) = get(hc, "Mounts") {
        for (i, m) in ms.iter().enumerate() {
            if get(m, "Type").and_then(Value::as_str) != Some("bind") {
                continue;
            }
            let Some(source) = get(m, "Source").and_then(Value::as_str) else {
                continue;
            };
            add_mount(Mount {
                source: source.to_owned(),
                target: get(m, "Target")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned(),
                propagation: get_in(m, &["BindOptions", "Propagation"]).and_then(text),
                path: hc_path.key("Mounts").idx(i),
            });
        }
    }
    out.mounts = mounts;

    out.security_opt = str_list(get(hc, "SecurityOpt"))
        .into_iter()
        .map(|(i, v)| At {
            v,
            path: hc_path.key("SecurityOpt").idx(i),
        })
        .collect();
    out.security_opt_path = hc_path.key("SecurityOpt");
    out.apparmor_profile = get(c, "AppArmorProfile").and_then(text).map(|v| At {
        v,
        path: base.key("AppArmorProfile"),
    });
    if let Some(Value::Object(s)) = get(hc, "Sysctls") {
        out.sysctls = s
            .keys()
            .map(|k| At {
                v: k.clone(),
                path: hc_path.key("Sysctls").key(k),
            })
            .collect();
    }
    if let Some(Value::Array(ds)) = get(hc, "Devices") {
        for (i, d) in ds.iter().enumerate() {
            let host = get(d, "PathOnHost").and_then(text).unwrap_or_default();
            let inner = get(d, "PathInContainer").and_then(text).unwrap_or_default();
            out.devices.push(At {
                v: format!("{host}:{inner}"),
                path: hc_path.key("Devices").idx(i),
            });
        }
    }
    out.cgroup_parent = get(hc, "CgroupParent")
        .and_then(text)
        .filter(|s| !s.is_empty())
        .map(|v| At {
            v,
            path: hc_path.key("CgroupParent"),
        });
    out.read_only = At {
        v: truthy(get(hc, "ReadonlyRootfs")),
        path: hc_path.key("ReadonlyRootfs"),
    };
    out.memory_limit = At {
        v: number(get(hc, "Memory")).is_some_and(|m| m > 0.0),
        path: hc_path.key("Memory"),
    };
    let positive = |k: &str| number(get(hc, k)).is_some_and(|n| n > 0.0);
    // CIS 5.12 accepts CPU shares other than the default 1024 as a control.
    let shares = number(get(hc, "CpuShares")).is_some_and(|n| n > 0.0 && n != 1024.0);
    out.cpu_limit = At {
        v: positive("NanoCpus") || positive("CpuQuota") || shares,
        path: hc_path.key("NanoCpus"),
    };
    out.pids_limit = At {
        v: number(get(hc, "PidsLimit")).is_some_and(|n| n > 0.0),
        path: hc_path.key("PidsLimit"),
    };
    if let Some(rp) = get(hc, "RestartPolicy") {
        let name = get(rp, "Name").and_then(text).unwrap_or_default();
        let max = number(get(rp, "MaximumRetryCount")).unwrap_or(0.0);
        let path = hc_path.key("RestartPolicy");
        out.restart_unbounded = match name.as_str() {
            "always" | "unless-stopped" => Some(At {
                v: format!("restart policy {name} restarts without limit"),
                path: path.key("Name"),
            }),
            "on-failure" if max <= 0.0 => Some(At {
                v: "restart policy on-failure without a maximum retry count".to_owned(),
                path: path.key("MaximumRetryCount"),
            }),
            "on-failure" if max > 5.0 => Some(At {
                v: format!("restart policy on-failure:{max} allows more than 5 retries"),
                path: path.key("MaximumRetryCount"),
            }),
            _ => None,
        };
    }
    out.user = At {
        v: get_in(c, &["Config", "User"]).and_then(text),
        path: base.keys(&["Config", "User"]),
    };
    out.unset_user_is_root = true;
    out.ports = ports(c, hc, base);
    out
}

/// Parses a `-v` bind (`/src:/dst[:opts]`); named volumes are not host paths.
pub(crate) fn parse_bind(b: &str, path: Path) -> Option<Mount> {
    let parts: Vec<&str> = b.split(':').collect();
    let source = *parts.first()?;
    if !source.starts_with('/') {
        return None;
    }
    let target = parts.get(1).copied().unwrap_or(source);
    let opts = parts.get(2).copied().unwrap_or("");
    let propagation = opts
        .split(',')
        .find(|o| {
            matches!(
                *o,
                "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate"
            )
        })
        .map(str::to_owned);
    Some(Mount {
        source: source.to_owned(),
        target: target.to_owned(),
        propagation,
        path,
    })
}

fn ports(c: &Value, hc: &Value, base: &Path) -> Vec<PortMap> {
    let (map, path) = match get(hc, "PortBindings") {
        Some(Value::Object(m)) if !m.is_empty() => (m, base.keys(&["HostConfig", "PortBindings"])),
        _ => match get_in(c, &["NetworkSettings", "Ports"]) {
            Some(Value::Object(m)) => (m, base.keys(&["NetworkSettings", "Ports"])),
            _ => return Vec::new(),
        },
    };
    let mut out = Vec::new();
    for (cport, bindings) in map {
        let Value::Array(bs) = bindings else { continue };
        let container_port = cport
            .split('/')
            .next()
            .and_then(|p| p.parse::<u32>().ok())
            .map(|p| (p, p));
        for (i, b) in bs.iter().enumerate() {
            let host_ip = get(b, "HostIp").and_then(text).unwrap_or_default();
            let hp = get(b, "HostPort").and_then(text).unwrap_or_default();
            let host_ports = parse_range(&hp);
            out.push(PortMap {
                spec: format!(
                    "{}{}->{cport}",
                    if host_ip.is_empty() {
                        String::new()
                    } else {
                        format!("{host_ip}:")
                    },
                    if hp.is_empty() { "random" } else { hp.as_str() }
                ),
                host_ip,
                host_ports,
                container_ports: container_port,
                path: path.key(cport).idx(i),
            });
        }
    }
    out
}

/// `8080`, `8000-8010`; `None` for empty or malformed text.
pub(crate) fn parse_range(s: &str) -> Option<(u32, u32)> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b && b <= 65535).then_some((a, b))
        }
        None => {
            let p: u32 = s.parse().ok()?;
            (p <= 65535).then_some((p, p))
        }
    }
}
