//! Compose services into the shared runtime description.
//!
//! Follows the Compose Specification: short and long volume and port
//! syntax, `deploy.resources.limits`, `deploy.restart_policy`, `sysctls` as
//! a map or a `name=value` list. Variables (`${PORT}`) are not interpolated;
//! a value that still holds one is skipped rather than guessed.

use serde_json::Value;

use crate::inspect::parse_range;
use crate::runtime::{At, Container, Mount, PortMap};
use crate::tree::Path;
use crate::val::{falsy, get, get_in, number, str_list, text, truthy};

/// Whether a document is a compose file: a `services` mapping at the top.
pub(crate) fn is_compose(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.get("services").is_some_and(Value::is_object))
}

/// The services of a compose document.
pub(crate) fn services(doc: &Value) -> Vec<Container> {
    let Some(Value::Object(svcs)) = get(doc, "services") else {
        return Vec::new();
    };
    svcs.iter()
        .filter(|(_, s)| s.is_object())
        .map(|(name, s)| service(name, s, &Path::root().key("services").key(name)))
        .collect()
}

fn host_mode(s: &Value, key: &str, base: &Path) -> Option<At<String>> {
    let v = get(s, key).and_then(text)?;
    (v == "host").then(|| At {
        v,
        path: base.key(key),
    })
}

fn list_at(s: &Value, key: &str, base: &Path) -> Vec<At<String>> {
    str_list(get(s, key))
        .into_iter()
        .map(|(i, v)| At {
            v,
            path: base.key(key).idx(i),
        })
        .collect()
}

fn is_bind_source(src: &str) -> bool {
    src.starts_with('/')
        || src.starts_with("./")
        || src.starts_with("../")
        || src == "."
        || src == ".."
        || src.starts_with('~')
}

fn service(name: &str, s: &Value, base: &Path) -> Container {
    let mut out = Container {
        object: format!("service {name}"),
        ..Container::default()
    };
    if truthy(get(s, "privileged")) {
        out.privileged = Some(base.key("privileged"));
    }
    out.cap_add = list_at(s, "cap_add", base);
    out.cap_drop = At {
        v: str_list(get(s, "cap_drop"))
            .into_iter()
            .map(|(_, v)| v)
            .collect(),
        path: base.key("cap_drop"),
    };
    out.network_host = host_mode(s, "network_mode", base);
    out.pid_host = host_mode(s, "pid", base);
    out.ipc_host = host_mode(s, "ipc", base);
    out.uts_host = host_mode(s, "uts", base);
    out.userns_host = host_mode(s, "userns_mode", base);
    out.mounts = volumes(s, base);
    out.security_opt = list_at(s, "security_opt", base);
    out.security_opt_path = base.key("security_opt");
    out.sysctls = match get(s, "sysctls") {
        Some(Value::Object(m)) => m
            .keys()
            .map(|k| At {
                v: k.clone(),
                path: base.key("sysctls").key(k),
            })
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, x)| {
                let t = text(x)?;
                let name = t.split('=').next().unwrap_or("").trim().to_owned();
                Some(At {
                    v: name,
                    path: base.key("sysctls").idx(i),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    if let Some(Value::Array(ds)) = get(s, "devices") {
        for (i, d) in ds.iter().enumerate() {
            let v = match d {
                Value::Object(_) => get(d, "source").and_then(text),
                other => text(other),
            };
            if let Some(v) = v {
                out.devices.push(At {
                    v,
                    path: base.key("devices").idx(i),
                });
            }
        }
    }
    out.cgroup_parent = get(s, "cgroup_parent")
        .and_then(text)
        .filter(|s| !s.is_empty())
        .map(|v| At {
            v,
            path: base.key("cgroup_parent"),
        });
    out.read_only = At {
        v: truthy(get(s, "read_only")),
        path: base.key("read_only"),
    };
    let limits = get_in(s, &["deploy", "resources", "limits"]);
    let lim = |k: &str| limits.and_then(|l| get(l, k));
    let set = |v: Option<&Value>| {
        v.is_some_and(|x| match x {
            Value::String(t) => !t.trim().is_empty() && t.trim() != "0",
            other => number(Some(other)).is_some_and(|n| n > 0.0),
        })
    };
    out.memory_limit = At {
        v: set(get(s, "mem_limit")) || set(lim("memory")),
        path: base.key("mem_limit"),
    };
    out.cpu_limit = At {
        v: set(get(s, "cpus"))
            || set(get(s, "cpu_quota"))
            || set(get(s, "cpu_shares"))
            || set(get(s, "cpu_count"))
            || set(get(s, "cpu_percent"))
            || set(lim("cpus")),
        path: base.key("cpus"),
    };
    out.pids_limit = At {
        v: number(get(s, "pids_limit")).is_some_and(|n| n > 0.0)
            || number(lim("pids")).is_some_and(|n| n > 0.0),
        path: base.key("pids_limit"),
    };
    out.restart_unbounded = restart(s, base);
    out.user = At {
        v: get(s, "user").and_then(text),
        path: base.key("user"),
    };
    out.unset_user_is_root = false;
    out.ports = ports(s, base);
    out
}

fn restart(s: &Value, base: &Path) -> Option<At<String>> {
    if let Some(rp) = get_in(s, &["deploy", "restart_policy"]) {
        let cond = get(rp, "condition")
            .and_then(text)
            .unwrap_or_else(|| "any".to_owned());
        let max = number(get(rp, "max_attempts"));
        let path = base.keys(&["deploy", "restart_policy"]);
        return match (cond.as_str(), max) {
            ("none", _) => None,
            (_, Some(m)) if m > 0.0 && m <= 5.0 => None,
            (_, Some(m)) if m > 5.0 => Some(At {
                v: format!("deploy.restart_policy max_attempts {m} allows more than 5 retries"),
                path: path.key("max_attempts"),
            }),
            (c, _) => Some(At {
                v: format!("deploy.restart_policy condition {c} without max_attempts"),
                path,
            }),
        };
    }
    let r = get(s, "restart")?;
    // `restart: no` unquoted is a YAML 1.1 boolean.
    if falsy(Some(r)) {
        return None;
    }
    let r = text(r)?;
    let path = base.key("restart");
    match r.trim() {
        "always" | "unless-stopped" => Some(At {
            v: format!("restart: {r} restarts without limit"),
            path,
        }),
        "on-failure" => Some(At {
            v: "restart: on-failure without a maximum retry count".to_owned(),
            path,
        }),
        t => {
            let n = t.strip_prefix("on-failure:")?.trim().parse::<u64>().ok()?;
            (n == 0 || n > 5).then(|| At {
                v: format!("restart: {r} allows more than 5 retries"),
                path,
            })
        }
    }
}

fn volumes(s: &Value, base: &Path) -> Vec<Mount> {
    let Some(Value::Array(vs)) = get(s, "volumes") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in vs.iter().enumerate() {
        let path = base.key("volumes").idx(i);
        match v {
            Value::String(spec) => {
                if let Some(m) = short_volume(spec, path) {
                    out.push(m);
                }
            }
            Value::Object(_) => {
                let ty = get(v, "type").and_then(text);
                let Some(source) = get(v, "source").and_then(text) else {
                    continue;
                };
                let is_bind = match ty.as_deref() {
                    Some("bind") => true,
                    Some(_) => false,
                    None => is_bind_source(&source),
                };
                if !is_bind {
                    continue;
                }
                out.push(Mount {
                    source: normalize_source(&source),
                    target: get(v, "target").and_then(text).unwrap_or_default(),
                    propagation: get_in(v, &["bind", "propagation"]).and_then(text),
                    path,
                });
            }
            _ => {}
        }
    }
    out
}

/// Docker Desktop on Windows writes `//var/run/docker.sock`.
fn normalize_source(s: &str) -> String {
    if s.starts_with("//") {
        format!("/{}", s.trim_start_matches('/'))
    } else {
        s.to_owned()
    }
}

/// `src:dst[:opts]`; only host paths are returned.
fn short_volume(spec: &str, path: Path) -> Option<Mount> {
    let parts: Vec<&str> = spec.split(':').collect();
    if parts.len() < 2 {
        return None;
    }
    let source = parts.first()?;
    if !is_bind_source(source) {
        return None;
    }
    let target = parts.get(1).copied().unwrap_or("");
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
        source: normalize_source(source),
        target: target.to_owned(),
        propagation,
        path,
    })
}

fn ports(s: &Value, base: &Path) -> Vec<PortMap> {
    let Some(Value::Array(ps)) = get(s, "ports") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, p) in ps.iter().enumerate() {
        let path = base.key("ports").idx(i);
        match p {
            Value::Object(_) => {
                let target = number(get(p, "target")).map(|t| (t as u32, t as u32));
                let published = get(p, "published").and_then(text);
                let host_ip = get(p, "host_ip").and_then(text).unwrap_or_default();
                let spec = format!(
                    "{}{}:{}",
                    if host_ip.is_empty() {
                        String::new()
                    } else {
                        format!("{host_ip}:")
                    },
                    published.as_deref().unwrap_or("random"),
                    target.map_or_else(String::new, |t| t.0.to_string())
                );
                if published.as_deref().is_some_and(|p| p.contains('$')) {
                    continue;
                }
                out.push(PortMap {
                    host_ip,
                    host_ports: published.as_deref().and_then(parse_range),
                    container_ports: target,
                    spec,
                    path,
                });
            }
            other => {
                let Some(spec) = text(other) else { continue };
                if spec.contains('$') {
                    continue;
                }
                if let Some(pm) = short_port(&spec, path) {
                    out.push(pm);
                }
            }
        }
    }
    out
}

/// `80`, `8080:80`, `127.0.0.1:8080:80/tcp`, `[::1]:8080:80`,
/// `9090-9091:8080-8081`.
fn short_port(spec: &str, path: Path) -> Option<PortMap> {
    let body = spec.split('/').next().unwrap_or(spec).trim();
    let (ip, rest) = if let Some(r) = body.strip_prefix('[') {
        let (ip, after) = r.split_once(']')?;
        (ip.to_owned(), after.trim_start_matches(':'))
    } else {
        let colons = body.matches(':').count();
        if colons >= 2 {
            let (ip, rest) = body.split_once(':')?;
            (ip.to_owned(), rest)
        } else {
            (String::new(), body)
        }
    };
    let (host, cont) = match rest.rsplit_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest),
    };
    let container_ports = parse_range(cont);
    container_ports?;
    Some(PortMap {
        host_ip: ip,
        host_ports: host.and_then(parse_range),
        container_ports,
        spec: spec.to_owned(),
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports() {
        let p = |s: &str| short_port(s, Path::root()).expect(s);
        let a = p("80");
        assert_eq!((a.host_ports, a.container_ports), (None, Some((80, 80))));
        let a = p("8080:80");
        assert_eq!((a.host_ports, a.host_ip.as_str()), (Some((8080, 8080)), ""));
        let a = p("127.0.0.1:80:8080/tcp");
        assert_eq!(
            (a.host_ports, a.host_ip.as_str()),
            (Some((80, 80)), "127.0.0.1")
        );
        let a = p("[::1]:2222:22");
        assert_eq!(
            (a.host_ports, a.host_ip.as_str()),
            (Some((2222, 2222)), "::1")
        );
        let a = p("9090-9091:8080-8081");
        assert_eq!(a.host_ports, Some((9090, 9091)));
        assert!(short_port("x:y", Path::root()).is_none());
    }

    #[test]
    fn short_volumes() {
        let m = short_volume("/var/run/docker.sock:/var/run/docker.sock:ro", Path::root())
            .expect("bind");
        assert_eq!(m.source, "/var/run/docker.sock");
        assert!(short_volume("data:/data", Path::root()).is_none());
        let m = short_volume("//var/run/docker.sock:/s", Path::root()).expect("bind");
        assert_eq!(m.source, "/var/run/docker.sock");
        let m = short_volume("/mnt:/mnt:rshared", Path::root()).expect("bind");
        assert_eq!(m.propagation.as_deref(), Some("rshared"));
    }
}
