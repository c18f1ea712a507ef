//! Dockerfiles shipped inside the image (`/app/Dockerfile`, `*.Dockerfile`,
//! `Containerfile`), linted during the same single read of each layer: they
//! say how the image was built even when its history was squashed.

use drydock_dockerfile::{LintConfig, lint_lenient};
use drydock_layer::EntryMeta;

use crate::{Analyzer, Finding};

/// Bumped when what this adapter records changes.
const ADAPTER_VERSION: u32 = 2;

/// A Dockerfile larger than this is not a Dockerfile anyone wrote by hand.
const MAX_DOCKERFILE: u64 = 1 << 20;

/// Lints Dockerfiles found in layers.
pub struct DockerfileAnalyzer {
    config: LintConfig,
    tag: String,
}

impl DockerfileAnalyzer {
    /// An analyzer linting with `config`; `config_tag` identifies the
    /// configuration in the layer cache key.
    pub fn new(config: LintConfig, config_tag: &str) -> Self {
        let rules = drydock_dockerfile::rules().len();
        Self {
            config,
            tag: format!("dockerfile-linter@{ADAPTER_VERSION}:{rules}:{config_tag}"),
        }
    }
}

/// Whether a path names a Dockerfile by the conventions of `docker build`
/// and of repositories: `Dockerfile`, `Containerfile`, `Dockerfile.prod`,
/// `prod.Dockerfile`, `api.dockerfile`.
pub fn is_dockerfile_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    lower == "dockerfile"
        || lower == "containerfile"
        || (lower.starts_with("dockerfile.") && !lower.ends_with(".dockerignore"))
        || (lower.ends_with(".dockerfile") && lower.len() > ".dockerfile".len())
}

impl Analyzer for DockerfileAnalyzer {
    fn name(&self) -> &'static str {
        "dockerfile-linter"
    }

    fn version(&self) -> u32 {
        ADAPTER_VERSION
    }

    fn cache_tag(&self) -> String {
        self.tag.clone()
    }

    fn wants(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.size > 0 && meta.size <= MAX_DOCKERFILE && is_dockerfile_name(path)
    }

    fn max_size(&self) -> u64 {
        MAX_DOCKERFILE
    }

    fn analyze(
        &self,
        path: &str,
        _meta: &EntryMeta,
        content: &[u8],
    ) -> Result<Vec<Finding>, String> {
        // Binary content named Dockerfile is not worth a lint.
        if content.iter().take(8192).any(|&b| b == 0) {
            return Ok(Vec::new());
        }
        let text = String::from_utf8_lossy(content);
        let report = lint_lenient(path, &text, &self.config);
        let mut out: Vec<Finding> = report
            .findings
            .into_iter()
            .map(|m| Finding::Misconfig(Box::new(m)))
            .collect();
        out.extend(
            report
                .errors
                .iter()
                .take(20)
                .map(|e| Finding::Problem(format!("Dockerfile syntax: {e}"))),
        );
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_names() {
        for p in [
            "app/Dockerfile",
            "Containerfile",
            "src/Dockerfile.prod",
            "deploy/api.Dockerfile",
            "x/web.dockerfile",
        ] {
            assert!(is_dockerfile_name(p), "{p}");
        }
        for p in [
            "app/Dockerfile.dockerignore",
            ".dockerfile",
            "app/dockerfiles",
            "app/Dockerfile/readme.md",
        ] {
            assert!(!is_dockerfile_name(p), "{p}");
        }
    }
}
