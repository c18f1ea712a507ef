//! Image references as FROM and `COPY --from` write them.

/// A parsed `[registry/]repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// Registry host (`ghcr.io`, `localhost:5000`); `None` means Docker Hub.
    pub registry: Option<String>,
    /// Repository path without the registry.
    pub repository: String,
    /// Tag, if written.
    pub tag: Option<String>,
    /// Digest (`sha256:…`), if written.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Splits a reference. Never fails: odd input gives odd parts.
    pub fn parse(s: &str) -> Self {
        let (rest, digest) = match s.split_once('@') {
            Some((r, d)) => (r, Some(d.to_owned())),
            None => (s, None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let last = rest.get(slash..).unwrap_or_default();
        let (name, tag) = match last.rfind(':') {
            Some(c) => (
                rest.get(..slash + c).unwrap_or_default(),
                Some(last.get(c + 1..).unwrap_or_default().to_owned()),
            ),
            None => (rest, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, path))
                if first.contains(['.', ':']) || first.eq_ignore_ascii_case("localhost") =>
            {
                (Some(first.to_owned()), path.to_owned())
            }
            _ => (None, name.to_owned()),
        };
        Self {
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// The registry, with Docker Hub spelled `docker.io`.
    pub fn registry_or_hub(&self) -> &str {
        match self.registry.as_deref() {
            None | Some("index.docker.io" | "registry-1.docker.io") => "docker.io",
            Some(r) => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = ImageRef::parse("python:3.12-slim");
        assert_eq!(
            (r.registry, r.repository.as_str(), r.tag.as_deref()),
            (None, "python", Some("3.12-slim"))
        );
        let r = ImageRef::parse("localhost:5000/team/app");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag, None);
        let r = ImageRef::parse("ghcr.io/o/a:1@sha256:abc");
        assert_eq!(r.registry_or_hub(), "ghcr.io");
        assert_eq!(r.tag.as_deref(), Some("1"));
        assert_eq!(r.digest.as_deref(), Some("sha256:abc"));
        assert_eq!(
            ImageRef::parse("library/nginx").registry_or_hub(),
            "docker.io"
        );
    }
}
