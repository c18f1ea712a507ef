//! The kinds of input document a policy can apply to.

use std::fmt;
use std::str::FromStr;

/// What an input document describes; selects the policies that run on it
/// (metadata `input_kinds`) and becomes the findings' `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InputKind {
    /// An image: reference, OCI config, files and packages.
    Image,
    /// A parsed Dockerfile.
    Dockerfile,
    /// One Kubernetes object, as parsed from YAML/JSON.
    Kubernetes,
    /// A Compose file, as parsed from YAML.
    Compose,
    /// The output of `docker inspect` for one container.
    DockerInspect,
    /// The Docker daemon configuration (`daemon.json`).
    Daemon,
}

impl InputKind {
    /// Every kind.
    pub const ALL: [InputKind; 6] = [
        Self::Image,
        Self::Dockerfile,
        Self::Kubernetes,
        Self::Compose,
        Self::DockerInspect,
        Self::Daemon,
    ];

    /// The name used in policy metadata and in findings' `source`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Dockerfile => "dockerfile",
            Self::Kubernetes => "kubernetes",
            Self::Compose => "compose",
            Self::DockerInspect => "docker-inspect",
            Self::Daemon => "daemon",
        }
    }

    /// The kind of a Trivy `__rego_input__` selector type, for the few that
    /// map onto drydock's inputs.
    pub(crate) fn from_trivy_selector(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "dockerfile" => Some(Self::Dockerfile),
            "kubernetes" | "rbac" => Some(Self::Kubernetes),
            _ => None,
        }
    }
}

impl fmt::Display for InputKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of [`InputKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown input kind `{0}` (expected image, dockerfile, kubernetes, compose, docker-inspect or daemon)"
)]
pub struct UnknownInputKind(pub String);

impl FromStr for InputKind {
    type Err = UnknownInputKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownInputKind(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in InputKind::ALL {
            assert_eq!(k.as_str().parse::<InputKind>(), Ok(k));
        }
        assert_eq!(" Docker-Inspect ".parse(), Ok(InputKind::DockerInspect));
        assert!("helm".parse::<InputKind>().is_err());
        assert_eq!(
            InputKind::from_trivy_selector("Dockerfile"),
            Some(InputKind::Dockerfile)
        );
        assert_eq!(InputKind::from_trivy_selector("cloud"), None);
    }
}
