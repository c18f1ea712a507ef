//! `--policy DIR`: custom Rego policies run on the same input documents as
//! the built-in configuration checks (see docs/policies.md for their shape).

use std::path::Path;

use anyhow::{Context, Result};
use drydock_findings::Misconfiguration;
use drydock_rego::{InputKind, PolicySet};
use serde_json::{Value, json};

/// Loads the policies of `dir`, if one was given.
pub fn load(dir: Option<&Path>) -> Result<Option<PolicySet>> {
    dir.map(|d| {
        PolicySet::load_dir(d)
            .with_context(|| format!("cannot load policies from `{}`", d.display()))
    })
    .transpose()
}

/// Runs every applicable policy on `input`, adding findings and warnings.
pub fn evaluate(
    set: &PolicySet,
    kind: InputKind,
    input: &Value,
    label: &str,
    findings: &mut Vec<Misconfiguration>,
    warnings: &mut Vec<String>,
) {
    match set.evaluate(kind, input, label) {
        Ok(e) => {
            findings.extend(e.findings);
            warnings.extend(e.warnings.iter().map(ToString::to_string));
        }
        Err(e) => warnings.push(format!("{label}: policies not evaluated: {e}")),
    }
}

/// The `image` document: reference parts, the config as stored, the base
/// image when labelled, and the packages. `files` is left empty for now:
/// the merged file list is not kept after the scan.
pub fn image_input(outcome: &drydock_scan::ScanOutcome) -> Value {
    let image = &outcome.image;
    let reference = image
        .repo_tags
        .first()
        .cloned()
        .unwrap_or_else(|| image.reference.clone());
    let parts = drydock_dockerfile::ImageRef::parse(&reference);
    let registry = parts
        .registry
        .clone()
        .unwrap_or_else(|| "docker.io".to_owned())
        .to_ascii_lowercase();
    let repository = if registry == "docker.io" && !parts.repository.contains('/') {
        format!("library/{}", parts.repository)
    } else {
        parts.repository.clone()
    };
    let config = serde_json::to_value(&image.config).unwrap_or(Value::Null);
    let base = image
        .config
        .config
        .labels
        .get("org.opencontainers.image.base.name")
        .map(|r| json!({ "reference": r }))
        .unwrap_or(Value::Null);
    let packages: Vec<Value> = outcome
        .inventory
        .packages
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "version": p.version,
                "ecosystem": p.ecosystem,
                "purl": p.purl,
            })
        })
        .collect();
    json!({
        "reference": reference,
        "registry": registry,
        "repository": repository,
        "tag": parts.tag,
        "digest": image.manifest_digest.as_ref().map(ToString::to_string).or(parts.digest),
        "config": config,
        "base_image": base,
        "files": [],
        "packages": packages,
    })
}

/// The `dockerfile` document: stages with their base image split into
/// parts, and each stage's instructions with lines.
pub fn dockerfile_input(df: &drydock_dockerfile::Dockerfile) -> Value {
    let stages: Vec<Value> = df
        .stages()
        .iter()
        .map(|st| {
            let base = drydock_dockerfile::ImageRef::parse(&st.base);
            let image = match &base.registry {
                Some(r) => format!("{r}/{}", base.repository),
                None => base.repository.clone(),
            };
            let platform = df
                .instructions
                .get(st.from)
                .and_then(|i| i.flag("platform").map(str::to_owned));
            let instructions: Vec<Value> = df
                .instructions
                .get(st.from..st.end.max(st.from))
                .unwrap_or(&[])
                .iter()
                .map(|ins| {
                    let flags: Vec<String> = ins
                        .flags
                        .iter()
                        .map(|f| match &f.value {
                            Some(v) => format!("--{}={v}", f.name),
                            None => format!("--{}", f.name),
                        })
                        .collect();
                    json!({
                        "cmd": ins.name().to_ascii_lowercase(),
                        "args": [ins.args],
                        "flags": flags,
                        "json": ins.args.trim_start().starts_with('['),
                        "line": ins.line,
                        "end_line": ins.end_line,
                        "original": ins.text(),
                    })
                })
                .collect();
            json!({
                "name": st.name,
                "from": {
                    "image": image,
                    "tag": base.tag,
                    "digest": base.digest,
                    "platform": platform,
                },
                "instructions": instructions,
            })
        })
        .collect();
    json!({ "stages": stages })
}

/// The documents of a runtime configuration file, with their rego kind:
/// one per Kubernetes object and per inspected container, one for a
/// compose file or daemon.json; none for dockerd command lines.
pub fn config_documents(label: &str, bytes: &[u8]) -> Vec<(InputKind, Value)> {
    use drydock_misconfig::InputKind as K;
    let Ok(kind) = drydock_misconfig::detect(Path::new(label), bytes) else {
        return Vec::new();
    };
    let rego = match kind {
        K::Kubernetes => InputKind::Kubernetes,
        K::Compose => InputKind::Compose,
        K::DockerInspect => InputKind::DockerInspect,
        K::DaemonJson => InputKind::Daemon,
        _ => return Vec::new(),
    };
    let docs = drydock_misconfig::parse_documents(label, bytes).unwrap_or_default();
    docs.into_iter()
        .flat_map(|d| match (rego, d) {
            (InputKind::DockerInspect, Value::Array(items)) => items,
            (InputKind::Kubernetes, Value::Object(o))
                if o.get("kind").and_then(Value::as_str) == Some("List") =>
            {
                o.get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            }
            (_, d) => vec![d],
        })
        .map(|d| (rego, d))
        .collect()
}
