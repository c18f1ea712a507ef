//! drydock's runtime-configuration audit.
//!
//! Reads how containers are (or will be) run and reports what weakens their
//! isolation: `docker inspect` dumps, compose files, Kubernetes manifests
//! (with the complete Pod Security Standards, baseline and restricted),
//! Docker's `daemon.json` and `dockerd` command lines (bare, in a systemd
//! unit, or in `/etc/default/docker`-style environment files).
//!
//! One control keeps one check id across input kinds: "privileged" is
//! `DD-RT-001` whether it comes from `HostConfig.Privileged`, a compose
//! `privileged: true` or a pod's `securityContext.privileged`; the input
//! kind is the finding's `source`. Daemon settings are `DD-DAEMON-NNN`,
//! Kubernetes-only PSS controls `DD-K8S-NNN`. [`checks`] lists them all.
//!
//! Findings on YAML and JSON inputs carry the 1-based line of the offending
//! key, or of the enclosing object when the setting is missing, and the
//! setting's path (`spec.template.spec.containers[0].securityContext`).
//! Malformed input is an error naming file, line and column
//! (`deploy.yaml:14:3: mapping values are not allowed in this context`).
//! Inputs are bounded: [`MAX_INPUT_BYTES`], nesting depth and node count
//! (alias expansion included).

#![deny(missing_docs)]

mod catalog;
mod cmdline;
mod compose;
mod daemon;
mod emit;
mod error;
mod inspect;
mod json;
mod k8s;
mod pss;
mod runtime;
mod tree;
mod val;
mod yaml;

use std::path::Path as FsPath;

use drydock_findings::Misconfiguration;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use catalog::{CheckInfo, kind as source_kind};
pub use error::MisconfigError;
pub use pss::{
    BASELINE_CONTROLS, PssLevel, PssViolation, RESTRICTED_CONTROLS, control_applies, pss_evaluate,
};

use emit::Emitter;
use tree::Node;

/// Largest input accepted, in bytes. Configuration files are small; this
/// bounds memory on hostile input.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

pub(crate) mod limits {
    /// Deepest nesting of YAML/JSON collections.
    pub const MAX_DEPTH: usize = 128;
    /// Most values in one input, alias expansion included.
    pub const MAX_NODES: usize = 2_000_000;
}

/// Every check, runtime controls first, then Kubernetes-only and daemon
/// checks.
pub fn checks() -> &'static [&'static CheckInfo] {
    catalog::ALL
}

/// Looks a check up by id.
pub fn check(id: &str) -> Option<&'static CheckInfo> {
    catalog::by_id(id)
}

/// What an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InputKind {
    /// `docker inspect` output: a container object or an array of them.
    DockerInspect,
    /// A docker-compose / Compose Specification file.
    Compose,
    /// Kubernetes manifests (YAML, multi-document, or JSON; `List` kinds).
    Kubernetes,
    /// Docker's daemon.json.
    DaemonJson,
    /// A dockerd command line, systemd unit, or DOCKER_OPTS/OPTIONS file.
    DockerdFlags,
}

impl InputKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DockerInspect => "docker-inspect",
            Self::Compose => "compose",
            Self::Kubernetes => "kubernetes",
            Self::DaemonJson => "daemon-json",
            Self::DockerdFlags => "dockerd-flags",
        }
    }

    /// The `Misconfiguration::source` its findings carry.
    pub fn source(self) -> &'static str {
        match self {
            Self::DockerInspect => source_kind::INSPECT,
            Self::Compose => source_kind::COMPOSE,
            Self::Kubernetes => source_kind::K8S,
            Self::DaemonJson | Self::DockerdFlags => source_kind::DAEMON,
        }
    }
}

/// A parsed input.
struct Loaded {
    kind: InputKind,
    /// The documents (one for JSON; one per `---` for YAML).
    docs: Vec<Node>,
}

fn decode<'a>(label: &str, bytes: &'a [u8]) -> Result<&'a str, MisconfigError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(MisconfigError::Limit {
            file: label.to_owned(),
            what: "input size in bytes",
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let col = std::str::from_utf8(good.get(line_start..).unwrap_or_default())
            .map_or(1, |s| s.chars().count() + 1);
        MisconfigError::Syntax {
            file: label.to_owned(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(col).unwrap_or(u32::MAX),
            message: "invalid UTF-8".to_owned(),
        }
    })
}

fn file_name(label: &str) -> &str {
    label.rsplit(['/', '\\']).next().unwrap_or(label)
}

fn classify_json(label: &str, v: &Value) -> Option<InputKind> {
    match v {
        Value::Array(items) => {
            if items.iter().any(inspect::is_container) {
                Some(InputKind::DockerInspect)
            } else if items.iter().any(k8s::is_k8s) {
                Some(InputKind::Kubernetes)
            } else {
                None
            }
        }
        Value::Object(_) => {
            if inspect::is_container(v) {
                Some(InputKind::DockerInspect)
            } else if k8s::is_k8s(v) {
                Some(InputKind::Kubernetes)
            } else if compose::is_compose(v) {
                Some(InputKind::Compose)
            } else if daemon::is_daemon_json(v) || file_name(label) == "daemon.json" {
                Some(InputKind::DaemonJson)
            } else {
                None
            }
        }
        _ => None,
    }
}

fn classify_yaml(docs: &[Node]) -> Option<InputKind> {
    let values: Vec<Value> = docs.iter().map(Node::to_json).collect();
    if values.iter().any(k8s::is_k8s) {
        return Some(InputKind::Kubernetes);
    }
    if values.iter().any(compose::is_compose) {
        return Some(InputKind::Compose);
    }
    None
}

fn describe(docs: &[Node]) -> String {
    match docs.iter().find(|d| !matches!(d.kind, tree::Kind::Null)) {
        None => "empty document".to_owned(),
        Some(d) => match &d.kind {
            tree::Kind::Map(entries) => {
                let keys: Vec<&str> = entries
                    .iter()
                    .take(5)
                    .map(|(k, _)| k.name.as_str())
                    .collect();
                format!("a mapping with keys {}", keys.join(", "))
            }
            tree::Kind::Seq(_) => "a list".to_owned(),
            _ => "a plain scalar".to_owned(),
        },
    }
}

fn load(label: &str, bytes: &[u8]) -> Result<Loaded, MisconfigError> {
    let text = decode(label, bytes)?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(MisconfigError::Unrecognized {
            file: label.to_owned(),
            reason: "the input is empty".to_owned(),
        });
    }
    let mut first_error = None;
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match json::parse(label, text) {
            Ok(node) => {
                let v = node.to_json();
                if let Some(kind) = classify_json(label, &v) {
                    return Ok(Loaded {
                        kind,
                        docs: vec![node],
                    });
                }
                return Err(MisconfigError::Unrecognized {
                    file: label.to_owned(),
                    reason: describe(&[node]),
                });
            }
            Err(e @ MisconfigError::Limit { .. }) => return Err(e),
            Err(e) => {
                if label.ends_with(".json") {
                    return Err(e);
                }
                first_error = Some(e);
            }
        }
    }
    let yaml_result = yaml::parse(label, text);
    if let Ok(docs) = &yaml_result
        && let Some(kind) = classify_yaml(docs)
    {
        return Ok(Loaded {
            kind,
            docs: yaml_result.unwrap_or_default(),
        });
    }
    if cmdline::looks_like_dockerd(text, label) {
        return Ok(Loaded {
            kind: InputKind::DockerdFlags,
            docs: Vec::new(),
        });
    }
    match yaml_result {
        Err(e @ MisconfigError::Limit { .. }) => Err(e),
        Err(e) => Err(first_error.unwrap_or(e)),
        Ok(docs) => Err(first_error.unwrap_or_else(|| MisconfigError::Unrecognized {
            file: label.to_owned(),
            reason: describe(&docs),
        })),
    }
}

/// Detects what an input is from its content (and, for an empty JSON
/// object, its file name `daemon.json`).
///
/// JSON with `HostConfig` is a docker inspect dump; YAML or JSON with
/// `apiVersion` and `kind` is Kubernetes; a top-level `services` mapping is
/// compose; a JSON object with daemon keys (`hosts`, `icc`,
/// `insecure-registries`, `userns-remap`, `live-restore`, `log-driver`...)
/// is daemon.json; text whose command is `dockerd` (bare, `ExecStart=`, or
/// `DOCKER_OPTS=`) is a dockerd command line.
pub fn detect(path: &FsPath, bytes: &[u8]) -> Result<InputKind, MisconfigError> {
    let label = path.to_string_lossy();
    load(&label, bytes).map(|l| l.kind)
}

fn sort(findings: &mut [Misconfiguration]) {
    findings.sort_by(|a, b| {
        (
            &a.location.file,
            a.location.line,
            &a.check_id,
            &a.location.config_path,
        )
            .cmp(&(
                &b.location.file,
                b.location.line,
                &b.check_id,
                &b.location.config_path,
            ))
    });
}

fn run(label: &str, bytes: &[u8], loaded: Loaded) -> Result<Vec<Misconfiguration>, MisconfigError> {
    let mut out = match loaded.kind {
        InputKind::DockerInspect => run_inspect(label, &loaded.docs),
        InputKind::Compose => run_compose(label, &loaded.docs),
        InputKind::Kubernetes => run_k8s(label, &loaded.docs),
        InputKind::DaemonJson => {
            let doc = loaded
                .docs
                .first()
                .ok_or_else(|| not_kind(label, "daemon.json"))?;
            if !matches!(doc.kind, tree::Kind::Map(_)) {
                return Err(not_kind(label, "daemon.json (a JSON object)"));
            }
            daemon::audit(Some((label, doc)), None)
        }
        InputKind::DockerdFlags => {
            let text = decode(label, bytes)?;
            let (words, line) = dockerd_words(label, text)?;
            daemon::audit(None, Some((label, words, line)))
        }
    };
    sort(&mut out);
    Ok(out)
}

fn not_kind(label: &str, what: &str) -> MisconfigError {
    MisconfigError::Unrecognized {
        file: label.to_owned(),
        reason: format!("expected {what}"),
    }
}

fn dockerd_words(label: &str, text: &str) -> Result<(Vec<cmdline::Word>, u32), MisconfigError> {
    match cmdline::find_dockerd(text, label) {
        Ok(Some(found)) => Ok(found),
        Ok(None) => Err(not_kind(
            label,
            "a dockerd command line (dockerd ..., ExecStart=.../dockerd ..., DOCKER_OPTS=...)",
        )),
        Err((line, message)) => Err(MisconfigError::Shape {
            file: label.to_owned(),
            line,
            message,
        }),
    }
}

fn run_inspect(label: &str, docs: &[Node]) -> Vec<Misconfiguration> {
    let mut out = Vec::new();
    for doc in docs {
        let v = doc.to_json();
        let mut em = Emitter::new(label, source_kind::INSPECT, Some(doc));
        for c in inspect::containers(&v) {
            runtime::check_container(&mut em, &c);
        }
        out.extend(em.out);
    }
    out
}

fn run_compose(label: &str, docs: &[Node]) -> Vec<Misconfiguration> {
    let mut out = Vec::new();
    for doc in docs {
        let v = doc.to_json();
        let mut em = Emitter::new(label, source_kind::COMPOSE, Some(doc));
        for c in compose::services(&v) {
            runtime::check_container(&mut em, &c);
        }
        out.extend(em.out);
    }
    out
}

fn run_k8s(label: &str, docs: &[Node]) -> Vec<Misconfiguration> {
    let mut out = Vec::new();
    for doc in docs {
        let v = doc.to_json();
        let mut em = Emitter::new(label, source_kind::K8S, Some(doc));
        let items: Vec<(tree::Path, &Value)> = match &v {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, it)| (tree::Path::root().idx(i), it))
                .collect(),
            other => vec![(tree::Path::root(), other)],
        };
        for (base, item) in items {
            for w in k8s::workloads(item) {
                let w = k8s::Workload {
                    object: w.object,
                    meta: base.join(&w.meta),
                    spec: base.join(&w.spec),
                };
                k8s::audit_workload(&mut em, &v, &w);
            }
        }
        out.extend(em.out);
    }
    out
}

/// Parses YAML (every `---` document) or JSON into JSON values, with the
/// same scalar rules, limits and errors the audit uses (YAML 1.1 booleans
/// as Kubernetes reads them, merge keys applied). For callers that evaluate
/// objects themselves, such as [`pss_evaluate`].
pub fn parse_documents(label: &str, bytes: &[u8]) -> Result<Vec<Value>, MisconfigError> {
    let text = decode(label, bytes)?;
    let trimmed = text.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(node) = json::parse(label, text)
    {
        return Ok(vec![node.to_json()]);
    }
    Ok(yaml::parse(label, text)?
        .iter()
        .map(Node::to_json)
        .collect())
}

/// Audits an input of any supported kind, detected from its content.
/// `label` names the input in findings and errors (usually its path).
pub fn audit(label: &str, bytes: &[u8]) -> Result<Vec<Misconfiguration>, MisconfigError> {
    let loaded = load(label, bytes)?;
    run(label, bytes, loaded)
}

fn audit_expecting(
    label: &str,
    bytes: &[u8],
    want: InputKind,
    what: &str,
) -> Result<Vec<Misconfiguration>, MisconfigError> {
    let loaded = load(label, bytes)?;
    if loaded.kind != want {
        return Err(MisconfigError::WrongKind {
            file: label.to_owned(),
            expected: what.to_owned(),
            found: loaded.kind.as_str(),
        });
    }
    run(label, bytes, loaded)
}

/// Audits `docker inspect` output.
pub fn audit_inspect(label: &str, bytes: &[u8]) -> Result<Vec<Misconfiguration>, MisconfigError> {
    audit_expecting(
        label,
        bytes,
        InputKind::DockerInspect,
        "docker inspect output",
    )
}

/// Audits a compose file.
pub fn audit_compose(label: &str, bytes: &[u8]) -> Result<Vec<Misconfiguration>, MisconfigError> {
    audit_expecting(label, bytes, InputKind::Compose, "a compose file")
}

/// Audits Kubernetes manifests (every workload of every document).
pub fn audit_kubernetes(
    label: &str,
    bytes: &[u8],
) -> Result<Vec<Misconfiguration>, MisconfigError> {
    audit_expecting(label, bytes, InputKind::Kubernetes, "Kubernetes manifests")
}

/// Audits a daemon.json on its own (unset settings are judged by dockerd's
/// defaults, as if no flags were given).
pub fn audit_daemon_json(
    label: &str,
    bytes: &[u8],
) -> Result<Vec<Misconfiguration>, MisconfigError> {
    let text = decode(label, bytes)?;
    let node = json::parse(label, text)?;
    if !matches!(node.kind, tree::Kind::Map(_)) {
        return Err(not_kind(label, "daemon.json (a JSON object)"));
    }
    Ok(daemon::audit(Some((label, &node)), None))
}

/// Audits a dockerd command line, systemd unit or DOCKER_OPTS file on its
/// own (as if daemon.json were empty).
pub fn audit_dockerd(label: &str, bytes: &[u8]) -> Result<Vec<Misconfiguration>, MisconfigError> {
    audit_daemon(None, Some((label, bytes)))
}

/// Audits a daemon.json and a dockerd command line together, as dockerd
/// sees them: settings from either count, and a setting given in both is
/// reported (dockerd refuses to start).
pub fn audit_daemon(
    daemon_json: Option<(&str, &[u8])>,
    dockerd: Option<(&str, &[u8])>,
) -> Result<Vec<Misconfiguration>, MisconfigError> {
    let node = match daemon_json {
        Some((label, bytes)) => {
            let text = decode(label, bytes)?;
            let node = json::parse(label, text)?;
            if !matches!(node.kind, tree::Kind::Map(_)) {
                return Err(not_kind(label, "daemon.json (a JSON object)"));
            }
            Some((label, node))
        }
        None => None,
    };
    let flags = match dockerd {
        Some((label, bytes)) => {
            let text = decode(label, bytes)?;
            let (words, line) = dockerd_words(label, text)?;
            Some((label, words, line))
        }
        None => None,
    };
    let mut out = daemon::audit(node.as_ref().map(|(l, n)| (*l, n)), flags);
    sort(&mut out);
    Ok(out)
}

/// The result of auditing several inputs: a broken input is an error of
/// its own and does not stop the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditOutcome {
    /// Findings of every input that could be read, sorted by file and line.
    pub findings: Vec<Misconfiguration>,
    /// One error per input that could not be read.
    pub errors: Vec<MisconfigError>,
}

/// Audits several inputs (`drydock config FILE...`). When exactly one
/// daemon.json and exactly one dockerd command line are among them, they
/// are audited together as one daemon ([`audit_daemon`]); every other input
/// on its own.
pub fn audit_files(inputs: &[(&str, &[u8])]) -> AuditOutcome {
    let mut outcome = AuditOutcome::default();
    let mut loaded = Vec::new();
    for (label, bytes) in inputs {
        match load(label, bytes) {
            Ok(l) => loaded.push((*label, *bytes, l)),
            Err(e) => outcome.errors.push(e),
        }
    }
    let count = |k: InputKind| loaded.iter().filter(|(_, _, l)| l.kind == k).count();
    let pair = count(InputKind::DaemonJson) == 1 && count(InputKind::DockerdFlags) == 1;
    if pair {
        let find = |k: InputKind| {
            loaded
                .iter()
                .find(|(_, _, l)| l.kind == k)
                .map(|(label, bytes, _)| (*label, *bytes))
        };
        match audit_daemon(find(InputKind::DaemonJson), find(InputKind::DockerdFlags)) {
            Ok(f) => outcome.findings.extend(f),
            Err(e) => outcome.errors.push(e),
        }
    }
    for (label, bytes, l) in loaded {
        if pair && matches!(l.kind, InputKind::DaemonJson | InputKind::DockerdFlags) {
            continue;
        }
        match run(label, bytes, l) {
            Ok(f) => outcome.findings.extend(f),
            Err(e) => outcome.errors.push(e),
        }
    }
    sort(&mut outcome.findings);
    outcome
}
