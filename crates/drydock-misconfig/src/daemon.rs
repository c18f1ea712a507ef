//! Docker daemon settings: daemon.json and dockerd flags, alone or together.
//!
//! dockerd reads both and refuses to start when a setting appears in both
//! places; the audit reports that (DD-DAEMON-020) and otherwise evaluates
//! the union. A setting left unset is judged by dockerd's default (icc on,
//! live-restore off, no user-namespace remapping...). Such findings point at
//! daemon.json when there is one (that is where the fix goes), else at the
//! dockerd command.

use std::collections::BTreeMap;

use drydock_findings::{Misconfiguration, Severity};
use serde_json::Value;

use crate::catalog::{self, CheckInfo, kind};
use crate::cmdline::Word;
use crate::emit::Emitter;
use crate::tree::{Node, Path};
use crate::val::{falsy, text, truthy};

/// How a flag takes its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arity {
    Bool,
    One,
    Many,
}

/// dockerd flags, their daemon.json keys and how they take values.
const FLAGS: &[(&str, Option<&str>, &str, Arity)] = &[
    ("--host", Some("-H"), "hosts", Arity::Many),
    ("--tls", None, "tls", Arity::Bool),
    ("--tlsverify", None, "tlsverify", Arity::Bool),
    ("--tlscacert", None, "tlscacert", Arity::One),
    ("--tlscert", None, "tlscert", Arity::One),
    ("--tlskey", None, "tlskey", Arity::One),
    ("--icc", None, "icc", Arity::Bool),
    (
        "--insecure-registry",
        None,
        "insecure-registries",
        Arity::Many,
    ),
    ("--userns-remap", None, "userns-remap", Arity::One),
    ("--live-restore", None, "live-restore", Arity::Bool),
    ("--log-driver", None, "log-driver", Arity::One),
    ("--log-opt", None, "log-opts", Arity::Many),
    ("--log-level", Some("-l"), "log-level", Arity::One),
    ("--debug", Some("-D"), "debug", Arity::Bool),
    ("--experimental", None, "experimental", Arity::Bool),
    ("--iptables", None, "iptables", Arity::Bool),
    ("--ip6tables", None, "ip6tables", Arity::Bool),
    ("--default-ulimit", None, "default-ulimits", Arity::Many),
    (
        "--no-new-privileges",
        None,
        "no-new-privileges",
        Arity::Bool,
    ),
    (
        "--authorization-plugin",
        None,
        "authorization-plugins",
        Arity::Many,
    ),
    ("--userland-proxy", None, "userland-proxy", Arity::Bool),
    ("--cgroup-parent", None, "cgroup-parent", Arity::One),
    ("--storage-driver", Some("-s"), "storage-driver", Arity::One),
    ("--storage-opt", None, "storage-opts", Arity::Many),
    ("--seccomp-profile", None, "seccomp-profile", Arity::One),
    ("--selinux-enabled", None, "selinux-enabled", Arity::Bool),
    ("--rootless", None, "rootless", Arity::Bool),
    ("--config-file", None, "", Arity::One),
    ("--data-root", None, "data-root", Arity::One),
    ("--group", Some("-G"), "group", Arity::One),
    ("--pidfile", Some("-p"), "pidfile", Arity::One),
    ("--containerd", None, "containerd", Arity::One),
    ("--ip", None, "ip", Arity::One),
    ("--bip", None, "bip", Arity::One),
    ("--bridge", Some("-b"), "bridge", Arity::One),
    ("--mtu", None, "mtu", Arity::One),
    ("--dns", None, "dns", Arity::Many),
    ("--registry-mirror", None, "registry-mirrors", Arity::Many),
    ("--exec-opt", None, "exec-opts", Arity::Many),
    ("--label", None, "labels", Arity::Many),
    ("--default-runtime", None, "default-runtime", Arity::One),
    ("--add-runtime", None, "runtimes", Arity::Many),
    ("--ipv6", None, "ipv6", Arity::Bool),
    ("--ip-forward", None, "ip-forward", Arity::Bool),
    ("--ip-masq", None, "ip-masq", Arity::Bool),
    ("--init", None, "init", Arity::Bool),
    ("--raw-logs", None, "raw-logs", Arity::Bool),
    ("--validate", None, "", Arity::Bool),
];

/// Keys that mark a JSON object as a daemon.json.
pub(crate) const DAEMON_KEYS: &[&str] = &[
    "hosts",
    "tls",
    "tlsverify",
    "tlscacert",
    "icc",
    "insecure-registries",
    "userns-remap",
    "live-restore",
    "log-driver",
    "log-opts",
    "log-level",
    "experimental",
    "iptables",
    "default-ulimits",
    "no-new-privileges",
    "authorization-plugins",
    "userland-proxy",
    "storage-driver",
    "storage-opts",
    "data-root",
    "registry-mirrors",
    "exec-opts",
    "default-address-pools",
    "bip",
    "dns",
    "seccomp-profile",
    "selinux-enabled",
    "features",
    "builder",
    "default-runtime",
    "runtimes",
    "cgroup-parent",
    "ipv6",
    "max-concurrent-downloads",
    "debug",
];

/// Whether a JSON value looks like a daemon.json.
pub(crate) fn is_daemon_json(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.keys().any(|k| DAEMON_KEYS.contains(&k.as_str())))
}

/// One flag occurrence.
#[derive(Debug, Clone)]
struct Flag {
    key: &'static str,
    value: String,
    /// The flag as written, for the evidence and config path.
    raw: String,
    line: u32,
}

fn parse_flags(words: &[Word]) -> Vec<Flag> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        i += 1;
        let t = w.text.as_str();
        if t == "--" {
            break;
        }
        if !t.starts_with('-') || t == "-" {
            continue;
        }
        let (name, inline) = match t.split_once('=') {
            Some((n, v)) if t.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => {
                // `-Hvalue`, `-H=value` for single-letter flags.
                if !t.starts_with("--") && t.len() > 2 {
                    let (n, v) = t.split_at(2);
                    (n.to_owned(), Some(v.trim_start_matches('=').to_owned()))
                } else {
                    (t.to_owned(), None)
                }
            }
        };
        let spec = FLAGS
            .iter()
            .find(|(long, short, _, _)| *long == name || *short == Some(name.as_str()));
        let (key, arity) = match spec {
            Some((_, _, key, arity)) => (*key, *arity),
            None => {
                // Unknown flag: takes the next word when it is not a flag.
                let takes =
                    inline.is_none() && words.get(i).is_some_and(|n| !n.text.starts_with('-'));
                if takes {
                    i += 1;
                }
                continue;
            }
        };
        let (value, raw) = match (arity, inline) {
            (Arity::Bool, Some(v)) => (v.clone(), t.to_owned()),
            (Arity::Bool, None) => ("true".to_owned(), t.to_owned()),
            (_, Some(v)) => (v.clone(), t.to_owned()),
            (_, None) => match words.get(i) {
                Some(n) => {
                    i += 1;
                    (n.text.clone(), format!("{t} {}", n.text))
                }
                None => (String::new(), t.to_owned()),
            },
        };
        if key.is_empty() {
            continue;
        }
        out.push(Flag {
            key,
            value,
            raw,
            line: w.line,
        });
    }
    out
}

/// Where a setting came from.
#[derive(Debug, Clone)]
enum Loc {
    Json(Path),
    Flag { line: u32, raw: String },
}

struct Cfg<'a> {
    json: Option<(&'a str, &'a Node, Value)>,
    flags: Option<(&'a str, u32, Vec<Flag>)>,
}

impl Cfg<'_> {
    fn json_get(&self, key: &str) -> Option<&Value> {
        self.json
            .as_ref()
            .and_then(|(_, _, v)| v.get(key))
            .filter(|v| !v.is_null())
    }

    fn flags_for(&self, key: &str) -> Vec<&Flag> {
        self.flags
            .as_ref()
            .map(|(_, _, f)| f.iter().filter(|f| f.key == key).collect())
            .unwrap_or_default()
    }

    /// A single-valued setting: the flag wins (if both are set dockerd
    /// refuses to start, which is reported separately).
    fn one(&self, key: &str) -> Option<(String, Loc)> {
        if let Some(f) = self.flags_for(key).last() {
            return Some((
                f.value.clone(),
                Loc::Flag {
                    line: f.line,
                    raw: f.raw.clone(),
                },
            ));
        }
        let v = self.json_get(key)?;
        Some((text(v)?, Loc::Json(Path::root().key(key))))
    }

    fn bool_of(&self, key: &str) -> Option<(bool, Loc)> {
        let (v, loc) = self.one(key)?;
        let val = Value::String(v);
        if truthy(Some(&val)) {
            Some((true, loc))
        } else if falsy(Some(&val)) {
            Some((false, loc))
        } else {
            None
        }
    }

    fn many(&self, key: &str) -> Vec<(String, Loc)> {
        let mut out: Vec<(String, Loc)> = self
            .flags_for(key)
            .into_iter()
            .map(|f| {
                (
                    f.value.clone(),
                    Loc::Flag {
                        line: f.line,
                        raw: f.raw.clone(),
                    },
                )
            })
            .collect();
        match self.json_get(key) {
            Some(Value::Array(items)) => {
                for (i, it) in items.iter().enumerate() {
                    if let Some(t) = text(it) {
                        out.push((t, Loc::Json(Path::root().key(key).idx(i))));
                    }
                }
            }
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    let t = text(v).unwrap_or_default();
                    out.push((format!("{k}={t}"), Loc::Json(Path::root().key(key).key(k))));
                }
            }
            Some(other) => {
                if let Some(t) = text(other) {
                    out.push((t, Loc::Json(Path::root().key(key))));
                }
            }
            None => {}
        }
        out
    }
}

struct Out<'a> {
    json: Option<Emitter<'a>>,
    flags: Option<(Emitter<'a>, u32)>,
}

impl Out<'_> {
    fn at(&mut self, check: &'static CheckInfo, sev: Severity, loc: &Loc, evidence: String) {
        match loc {
            Loc::Json(p) => {
                if let Some(e) = self.json.as_mut() {
                    e.emit_sev(check, sev, p, "dockerd", evidence);
                }
            }
            Loc::Flag { line, raw } => {
                if let Some((e, _)) = self.flags.as_mut() {
                    e.push(
                        check,
                        sev,
                        Some(*line),
                        None,
                        raw.clone(),
                        "dockerd",
                        evidence,
                    );
                }
            }
        }
    }

    /// A finding about a setting that is absent: daemon.json if given.
    fn missing(&mut self, check: &'static CheckInfo, key: &str, evidence: String) {
        if let Some(e) = self.json.as_mut() {
            e.emit_sev(
                check,
                check.severity,
                &Path::root().key(key),
                "dockerd",
                evidence,
            );
        } else if let Some((e, line)) = self.flags.as_mut() {
            let line = *line;
            e.push(
                check,
                check.severity,
                Some(line),
                None,
                String::new(),
                "dockerd",
                evidence,
            );
        }
    }
}

/// A `-H` address that is TCP, and whether it is loopback only.
fn tcp_host(h: &str) -> Option<bool> {
    let h = h.trim();
    let rest = if let Some(r) = h.strip_prefix("tcp://") {
        r
    } else if h.contains("://") || h.starts_with('/') || h.is_empty() {
        return None;
    } else {
        // `0.0.0.0:2375` and `:2375` default to TCP.
        h
    };
    let host = if let Some(r) = rest.strip_prefix('[') {
        r.split(']').next().unwrap_or("")
    } else {
        rest.rsplit_once(':').map_or(rest, |(h, _)| h)
    };
    let host = host.split('/').next().unwrap_or("");
    Some(matches!(host, "localhost" | "::1") || host.starts_with("127.") || (rest.is_empty()))
}

fn is_loopback_registry(r: &str) -> bool {
    let host = r.split('/').next().unwrap_or(r);
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    host == "localhost" || host.starts_with("127.") || host == "::1" || host == "[::1]"
}

/// Audits daemon settings from a daemon.json tree and/or a dockerd command.
pub(crate) fn audit(
    json: Option<(&str, &Node)>,
    flags: Option<(&str, Vec<Word>, u32)>,
) -> Vec<Misconfiguration> {
    let cfg = Cfg {
        json: json.map(|(f, n)| (f, n, n.to_json())),
        flags: flags.map(|(f, words, line)| (f, line, parse_flags(&words))),
    };
    let mut out = Out {
        json: cfg
            .json
            .as_ref()
            .map(|(f, n, _)| Emitter::new(f, kind::DAEMON, Some(*n))),
        flags: cfg
            .flags
            .as_ref()
            .map(|(f, line, _)| (Emitter::new(f, kind::DAEMON, None), *line)),
    };

    // Conflicts between the two sources.
    if let (Some((_, _, jv)), Some((_, _, fl))) = (&cfg.json, &cfg.flags) {
        let mut seen = BTreeMap::new();
        for f in fl {
            if jv.get(f.key).is_some() && seen.insert(f.key, ()).is_none() {
                out.at(
                    catalog::DAEMON_CONFLICT,
                    catalog::DAEMON_CONFLICT.severity,
                    &Loc::Flag {
                        line: f.line,
                        raw: f.raw.clone(),
                    },
                    format!(
                        "{} is set by the flag {} and by daemon.json key {:?}",
                        f.key, f.raw, f.key
                    ),
                );
            }
        }
    }

    match cfg.bool_of("icc") {
        Some((false, _)) => {}
        Some((true, loc)) => out.at(
            catalog::DAEMON_ICC,
            catalog::DAEMON_ICC.severity,
            &loc,
            "icc is true".into(),
        ),
        None => out.missing(
            catalog::DAEMON_ICC,
            "icc",
            "icc is not set (default: enabled)".into(),
        ),
    }

    let tls = cfg.bool_of("tls").is_some_and(|(b, _)| b);
    let verify = cfg.bool_of("tlsverify").is_some_and(|(b, _)| b);
    for (h, loc) in cfg.many("hosts") {
        let Some(loopback) = tcp_host(&h) else {
            continue;
        };
        if !tls && !verify {
            let sev = if loopback {
                Severity::High
            } else {
                Severity::Critical
            };
            out.at(
                catalog::DAEMON_TCP_NO_TLS,
                sev,
                &loc,
                format!("API listens on {h} without TLS"),
            );
        } else if !verify {
            out.at(
                catalog::DAEMON_TLS_NO_VERIFY,
                catalog::DAEMON_TLS_NO_VERIFY.severity,
                &loc,
                format!("API listens on {h} with tls but without tlsverify"),
            );
        }
    }

    for (r, loc) in cfg.many("insecure-registries") {
        if !is_loopback_registry(&r) {
            out.at(
                catalog::DAEMON_INSECURE_REGISTRY,
                catalog::DAEMON_INSECURE_REGISTRY.severity,
                &loc,
                format!("insecure registry {r}"),
            );
        }
    }

    let rootless = cfg.bool_of("rootless").is_some_and(|(b, _)| b);
    match cfg.one("userns-remap") {
        Some((v, _)) if !v.trim().is_empty() => {}
        Some((_, loc)) if !rootless => out.at(
            catalog::DAEMON_NO_USERNS,
            catalog::DAEMON_NO_USERNS.severity,
            &loc,
            "userns-remap is empty".into(),
        ),
        None if !rootless => out.missing(
            catalog::DAEMON_NO_USERNS,
            "userns-remap",
            "userns-remap is not set".into(),
        ),
        _ => {}
    }

    match cfg.bool_of("live-restore") {
        Some((true, _)) => {}
        Some((false, loc)) => out.at(
            catalog::DAEMON_NO_LIVE_RESTORE,
            catalog::DAEMON_NO_LIVE_RESTORE.severity,
            &loc,
            "live-restore is false".into(),
        ),
        None => out.missing(
            catalog::DAEMON_NO_LIVE_RESTORE,
            "live-restore",
            "live-restore is not set (default: false)".into(),
        ),
    }

    let driver = cfg.one("log-driver");
    let opts = cfg.many("log-opts");
    let has_max_size = opts.iter().any(|(o, _)| o.starts_with("max-size="));
    match &driver {
        Some((d, loc)) if d == "none" => out.at(
            catalog::DAEMON_LOGGING_OFF,
            catalog::DAEMON_LOGGING_OFF.severity,
            loc,
            "log-driver is none".into(),
        ),
        Some((d, loc)) if d == "json-file" && !has_max_size => out.at(
            catalog::DAEMON_LOG_UNBOUNDED,
            catalog::DAEMON_LOG_UNBOUNDED.severity,
            loc,
            "log-driver json-file without log-opts max-size".into(),
        ),
        None if !has_max_size => out.missing(
            catalog::DAEMON_LOG_UNBOUNDED,
            "log-opts",
            "default json-file logging without log-opts max-size".into(),
        ),
        _ => {}
    }

    if let Some((true, loc)) = cfg.bool_of("experimental") {
        out.at(
            catalog::DAEMON_EXPERIMENTAL,
            catalog::DAEMON_EXPERIMENTAL.severity,
            &loc,
            "experimental is true".into(),
        );
    }
    if let Some((false, loc)) = cfg.bool_of("iptables") {
        out.at(
            catalog::DAEMON_IPTABLES_OFF,
            catalog::DAEMON_IPTABLES_OFF.severity,
            &loc,
            "iptables is false".into(),
        );
    }
    if cfg.many("default-ulimits").is_empty() {
        out.missing(
            catalog::DAEMON_NO_ULIMITS,
            "default-ulimits",
            "default-ulimits is not set".into(),
        );
    }
    match cfg.bool_of("no-new-privileges") {
        Some((true, _)) => {}
        Some((false, loc)) => out.at(
            catalog::DAEMON_NO_NNP,
            catalog::DAEMON_NO_NNP.severity,
            &loc,
            "no-new-privileges is false".into(),
        ),
        None => out.missing(
            catalog::DAEMON_NO_NNP,
            "no-new-privileges",
            "no-new-privileges is not set (default: false)".into(),
        ),
    }
    if cfg.many("authorization-plugins").is_empty() {
        out.missing(
            catalog::DAEMON_NO_AUTHZ,
            "authorization-plugins",
            "no authorization-plugins configured".into(),
        );
    }
    if let Some((lvl, loc)) = cfg.one("log-level")
        && lvl.eq_ignore_ascii_case("debug")
    {
        out.at(
            catalog::DAEMON_DEBUG_LOG,
            catalog::DAEMON_DEBUG_LOG.severity,
            &loc,
            "log-level is debug".into(),
        );
    }
    if let Some((true, loc)) = cfg.bool_of("debug") {
        out.at(
            catalog::DAEMON_DEBUG_LOG,
            catalog::DAEMON_DEBUG_LOG.severity,
            &loc,
            "debug is true (log level debug)".into(),
        );
    }
    match cfg.bool_of("userland-proxy") {
        Some((false, _)) => {}
        Some((true, loc)) => out.at(
            catalog::DAEMON_USERLAND_PROXY,
            catalog::DAEMON_USERLAND_PROXY.severity,
            &loc,
            "userland-proxy is true".into(),
        ),
        None => out.missing(
            catalog::DAEMON_USERLAND_PROXY,
            "userland-proxy",
            "userland-proxy is not set (default: enabled)".into(),
        ),
    }
    if let Some((p, loc)) = cfg.one("cgroup-parent")
        && !p.trim().is_empty()
    {
        out.at(
            catalog::DAEMON_CGROUP_PARENT,
            catalog::DAEMON_CGROUP_PARENT.severity,
            &loc,
            format!("cgroup-parent {p}"),
        );
    }
    if let Some((d, loc)) = cfg.one("storage-driver")
        && matches!(d.as_str(), "aufs" | "devicemapper" | "overlay")
    {
        out.at(
            catalog::DAEMON_STORAGE_DRIVER,
            catalog::DAEMON_STORAGE_DRIVER.severity,
            &loc,
            format!("storage-driver {d}"),
        );
    }
    if let Some((p, loc)) = cfg.one("seccomp-profile")
        && p.trim().eq_ignore_ascii_case("unconfined")
    {
        out.at(
            catalog::DAEMON_SECCOMP_OFF,
            catalog::DAEMON_SECCOMP_OFF.severity,
            &loc,
            "seccomp-profile is unconfined".into(),
        );
    }
    for (o, loc) in cfg.many("storage-opts") {
        if o.starts_with("dm.basesize") {
            out.at(
                catalog::DAEMON_DM_BASESIZE,
                catalog::DAEMON_DM_BASESIZE.severity,
                &loc,
                format!("storage-opt {o}"),
            );
        }
    }

    let mut all = Vec::new();
    if let Some((f, _)) = out.flags {
        all.extend(f.out);
    }
    if let Some(j) = out.json {
        all.extend(j.out);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_hosts() {
        assert_eq!(tcp_host("tcp://0.0.0.0:2375"), Some(false));
        assert_eq!(tcp_host("tcp://127.0.0.1:2375"), Some(true));
        assert_eq!(tcp_host("tcp://[::1]:2375"), Some(true));
        assert_eq!(tcp_host(":2375"), Some(false));
        assert_eq!(tcp_host("192.168.1.2:2376"), Some(false));
        assert_eq!(tcp_host("unix:///var/run/docker.sock"), None);
        assert_eq!(tcp_host("fd://"), None);
        assert_eq!(tcp_host("ssh://me@host"), None);
    }

    #[test]
    fn flags_parse_all_forms() {
        let words: Vec<Word> = [
            "-H",
            "tcp://x:1",
            "-Hunix:///s",
            "--icc=false",
            "--tls",
            "--unknown",
            "v",
            "--log-opt",
            "max-size=1m",
            "-D",
        ]
        .iter()
        .map(|t| Word {
            text: (*t).to_owned(),
            line: 1,
        })
        .collect();
        let f = parse_flags(&words);
        let got: Vec<(&str, &str)> = f.iter().map(|f| (f.key, f.value.as_str())).collect();
        assert_eq!(
            got,
            [
                ("hosts", "tcp://x:1"),
                ("hosts", "unix:///s"),
                ("icc", "false"),
                ("tls", "true"),
                ("log-opts", "max-size=1m"),
                ("debug", "true"),
            ]
        );
    }
}
