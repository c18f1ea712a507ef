//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

/// A temporary policy directory holding `files` (relative path, content).
pub fn policy_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, content) in files {
        let path = dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, content).unwrap();
    }
    dir
}

/// `examples/policies` at the repository root.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies")
}

/// An image input as drydock builds it.
pub fn image_input(reference: &str) -> Value {
    // Split the way drydock's reference parser does, enough for the tests.
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    let (registry, rest) = name.split_once('/').unwrap();
    let (repository, tag) = match rest.rsplit_once(':') {
        Some((r, t)) => (r, Some(t)),
        None => (rest, None),
    };
    json!({
        "reference": reference,
        "registry": registry,
        "repository": repository,
        "tag": tag,
        "digest": digest.unwrap_or("sha256:0000000000000000000000000000000000000000000000000000000000000000"),
        "config": {
            "architecture": "amd64",
            "os": "linux",
            "config": {
                "User": "app",
                "Env": ["PATH=/usr/local/bin:/usr/bin"],
                "Labels": {
                    "org.opencontainers.image.source": "https://git.corp.example/team/app",
                    "org.opencontainers.image.revision": "abc123",
                    "org.opencontainers.image.licenses": "Apache-2.0"
                },
                "Cmd": ["/app"]
            },
            "history": [{"created_by": "COPY app /app"}]
        },
        "base_image": null,
        "files": [
            {"path": "app", "mode": 493, "uid": 0, "gid": 0, "size": 1024, "layer": 0, "setuid": false}
        ],
        "packages": [
            {"name": "openssl", "version": "3.0.13-1", "ecosystem": "deb", "purl": "pkg:deb/debian/openssl@3.0.13-1"}
        ]
    })
}

/// A Deployment whose container and init container use `image`.
pub fn deployment(image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "replicas": 2,
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "initContainers": [{"name": "migrate", "image": "registry.corp.example/team/migrate:3"}],
                    "containers": [
                        {"name": "sidecar", "image": "registry.corp.example/team/proxy:1.0"},
                        {"name": "web", "image": image}
                    ]
                }
            }
        }
    })
}

/// A parsed Dockerfile: a named builder stage from `builder_image`, then a
/// final stage `FROM builder` (a stage reference, not an image).
pub fn dockerfile(builder_image: &str, tag: Option<&str>, digest: Option<&str>) -> Value {
    json!({
        "stages": [
            {
                "name": "builder",
                "from": {"image": builder_image, "tag": tag, "digest": digest, "platform": null},
                "instructions": [
                    {"cmd": "from", "args": [builder_image, "AS", "builder"], "flags": [], "json": false,
                     "line": 3, "end_line": 3, "original": format!("FROM {builder_image} AS builder")},
                    {"cmd": "run", "args": ["make"], "flags": [], "json": false,
                     "line": 4, "end_line": 5, "original": "RUN make \\\n  all"}
                ]
            },
            {
                "name": null,
                "from": {"image": "builder", "tag": null, "digest": null, "platform": null},
                "instructions": [
                    {"cmd": "from", "args": ["builder"], "flags": [], "json": false,
                     "line": 7, "end_line": 7, "original": "FROM builder"},
                    {"cmd": "user", "args": ["app"], "flags": [], "json": false,
                     "line": 8, "end_line": 8, "original": "USER app"}
                ]
            }
        ]
    })
}
