//! Docker-style image references, normalised the way `docker pull` reads
//! them, so that policy patterns see one spelling per image.

use std::fmt;

use drydock_oci::Digest;
use serde::Serialize;

use crate::error::TrustError;

/// Docker caps a repository name (registry included) at 255 characters.
const MAX_NAME: usize = 255;
/// Docker caps a tag at 128 characters.
const MAX_TAG: usize = 128;
/// The registry that unqualified names (`alpine`, `user/app`) refer to.
pub const DOCKER_HUB: &str = "docker.io";

/// A fully qualified image reference: `registry/repository[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ImageName {
    /// Registry host, lower-case, with its port when one was given
    /// (`docker.io`, `127.0.0.1:5000`, `[::1]:5000`).
    pub registry: String,
    /// Repository path inside the registry (`library/alpine`, `shop/api`).
    pub repository: String,
    /// The tag, when the reference has one. `latest` is not implied.
    pub tag: Option<String>,
    /// The digest, when the reference is pinned.
    pub digest: Option<Digest>,
}

impl ImageName {
    /// `registry/repository`, the string trust-policy patterns match (host
    /// names compare case-insensitively, so the host is lowercased).
    pub fn qualified_repository(&self) -> String {
        format!("{}/{}", self.registry.to_ascii_lowercase(), self.repository)
    }
}

impl fmt::Display for ImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for ImageName {
    type Err = TrustError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        normalize_reference(s)
    }
}

/// Parses a Docker-style reference and fills in what Docker implies:
/// `alpine` is `docker.io/library/alpine`, `user/app` is `docker.io/user/app`,
/// `index.docker.io` is `docker.io`. The first path component is a registry
/// when it contains `.` or `:`, is `localhost`, or has upper-case letters
/// (as in Docker). Registry hosts are lower-cased; ports are kept.
pub fn normalize_reference(s: &str) -> Result<ImageName, TrustError> {
    let fail = |reason: &str| TrustError::Reference {
        reference: truncate(s),
        reason: reason.to_owned(),
    };
    if s.is_empty() {
        return Err(fail("the reference is empty"));
    }
    if s.len() > MAX_NAME + 1 + MAX_TAG + 1 + 7 + 128 {
        return Err(fail("the reference is too long"));
    }
    let (rest, digest) = match s.split_once('@') {
        Some((rest, d)) => {
            let digest = d.parse::<Digest>().map_err(|e| fail(&e.to_string()))?;
            (rest, Some(digest))
        }
        None => (s, None),
    };
    // A `:` after the last `/` starts the tag; one before it is a port.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].find(':') {
        Some(i) => {
            let at = last_slash + i;
            (&rest[..at], Some(&rest[at + 1..]))
        }
        None => (rest, None),
    };
    if let Some(tag) = tag {
        validate_tag(tag).map_err(|r| fail(&r))?;
    }
    if name.is_empty() {
        return Err(fail("the repository name is empty"));
    }
    let (registry, path) = match name.split_once('/') {
        Some((first, path)) if looks_like_registry(first) => {
            validate_registry(first).map_err(|r| fail(&r))?;
            let lower = first.to_ascii_lowercase();
            // A single-label host (`MYHOST/app`) is recognised by its upper
            // case alone, as Docker does; lowercased, the name would mean a
            // Docker Hub repository, so such a host keeps its case.
            let host = if looks_like_registry(&lower) {
                lower
            } else {
                first.to_owned()
            };
            (host, path)
        }
        _ => (DOCKER_HUB.to_owned(), name),
    };
    let registry = if registry == "index.docker.io" {
        DOCKER_HUB.to_owned()
    } else {
        registry
    };
    for component in path.split('/') {
        validate_path_component(component).map_err(|r| fail(&r))?;
    }
    let repository = if registry == DOCKER_HUB && !path.contains('/') {
        format!("library/{path}")
    } else {
        path.to_owned()
    };
    if registry.len() + 1 + repository.len() > MAX_NAME {
        return Err(fail("the repository name is longer than 255 characters"));
    }
    Ok(ImageName {
        registry,
        repository,
        tag: tag.map(str::to_owned),
        digest,
    })
}

fn truncate(s: &str) -> String {
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

fn looks_like_registry(first: &str) -> bool {
    first.contains(['.', ':'])
        || first == "localhost"
        || first.starts_with('[')
        || first.bytes().any(|b| b.is_ascii_uppercase())
}

fn validate_registry(host_port: &str) -> Result<(), String> {
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("registry `{host_port}` has an unclosed `[`"))?;
        if inside.is_empty() || !inside.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(format!(
                "registry `{host_port}` is not a valid IPv6 address"
            ));
        }
        match after {
            "" => (None, None),
            p => (
                None,
                Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| format!("registry `{host_port}` has junk after `]`"))?,
                ),
            ),
        }
    } else {
        match host_port.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(host_port), None),
        }
    };
    if let Some(host) = host {
        let ok = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !ok {
            return Err(format!("registry host `{host}` is not a valid host name"));
        }
    }
    if let Some(port) = port
        && (port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!("registry port `{port}` is not a number"));
    }
    Ok(())
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`, Docker's path component grammar.
fn validate_path_component(c: &str) -> Result<(), String> {
    let bad = || {
        if c.is_empty() {
            "the repository has an empty path component".to_owned()
        } else {
            format!(
                "repository component `{c}` must be lower-case letters and digits, \
                 separated by `.`, `_`, `__` or dashes"
            )
        }
    };
    let bytes = c.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.first().is_none_or(|&b| !alnum(b)) || bytes.last().is_none_or(|&b| !alnum(b)) {
        return Err(bad());
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if alnum(b) {
            i += 1;
            continue;
        }
        let run_end = bytes[i..]
            .iter()
            .position(|&x| alnum(x))
            .map_or(bytes.len(), |p| i + p);
        let sep = &c[i..run_end];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return Err(bad());
        }
        i = run_end;
    }
    Ok(())
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, Docker's tag grammar.
fn validate_tag(tag: &str) -> Result<(), String> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let ok = !tag.is_empty()
        && tag.len() <= MAX_TAG
        && tag.bytes().next().is_some_and(word)
        && tag.bytes().all(|b| word(b) || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "tag `{}` must be 1–128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`",
            truncate(tag)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> ImageName {
        normalize_reference(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn docker_defaults() {
        let a = n("alpine");
        assert_eq!(
            (a.registry.as_str(), a.repository.as_str(), a.tag.as_deref()),
            ("docker.io", "library/alpine", None)
        );
        assert_eq!(
            n("alpine:3.19").to_string(),
            "docker.io/library/alpine:3.19"
        );
        assert_eq!(n("user/app").qualified_repository(), "docker.io/user/app");
        assert_eq!(n("docker.io/alpine").repository, "library/alpine");
        assert_eq!(n("index.docker.io/user/app").registry, "docker.io");
        assert_eq!(n("localhost/app").registry, "localhost");
    }

    #[test]
    fn registries_with_ports_and_digests() {
        let d = Digest::sha256_of(b"x");
        let r = n(&format!("127.0.0.1:5000/shop/api:v1@{d}"));
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "shop/api");
        assert_eq!(r.tag.as_deref(), Some("v1"));
        assert_eq!(r.digest.as_ref(), Some(&d));
        let r = n(&format!("Registry.Corp.Example/app@{d}"));
        assert_eq!(r.registry, "registry.corp.example");
        assert_eq!(r.tag, None);
        assert_eq!(n("[::1]:5000/app").registry, "[::1]:5000");
        assert_eq!(n("localhost:5000/a/b/c").repository, "a/b/c");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "Alpine",
            "alpine:",
            "alpine:-x",
            "alpine@sha256:abc",
            "registry.example/",
            "registry.example//app",
            "registry.example/App",
            "registry.example:port/app",
            "-bad.example/app",
            "a..b/app",
            "app/x_-y",
            "app:tag:tag",
            "[::1/app",
            "alpine@sha256:../../etc",
        ] {
            assert!(normalize_reference(bad).is_err(), "{bad} accepted");
        }
        let long = format!("r.example/{}", "a".repeat(300));
        assert!(normalize_reference(&long).is_err());
    }

    #[test]
    fn separators_follow_docker() {
        for ok in ["a.b", "a_b", "a__b", "a---b", "a-b.c_d"] {
            n(&format!("r.example/{ok}"));
        }
        for bad in ["a___b", "a._b", "a-.b", ".a", "a."] {
            assert!(
                normalize_reference(&format!("r.example/{bad}")).is_err(),
                "{bad}"
            );
        }
    }

    fn component() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,6}([._-][a-z0-9]{1,6}){0,2}"
    }

    fn host() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9]{1,8}(\\.[a-z0-9]{1,8}){1,2}",
            "[a-z]{1,8}\\.[a-z]{2,4}:[0-9]{1,5}",
            Just("localhost".to_owned()),
            Just("127.0.0.1:5000".to_owned()),
        ]
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            let _ = normalize_reference(&s);
        }

        #[test]
        fn never_panics_on_reference_like_text(s in "[a-zA-Z0-9:/@._\\[\\]-]{0,80}") {
            if let Ok(r) = normalize_reference(&s) {
                // Normalisation is idempotent.
                prop_assert_eq!(normalize_reference(&r.to_string()).unwrap(), r);
            }
        }

        #[test]
        fn round_trips(
            host in host(),
            path in proptest::collection::vec(component(), 1..4),
            tag in proptest::option::of("[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,20}"),
            digest_seed in proptest::option::of(any::<u64>()),
        ) {
            let name = ImageName {
                registry: host,
                repository: path.join("/"),
                tag,
                digest: digest_seed.map(|s| Digest::sha256_of(&s.to_le_bytes())),
            };
            prop_assume!(name.registry != DOCKER_HUB && name.registry != "index.docker.io");
            let text = name.to_string();
            prop_assert_eq!(normalize_reference(&text).unwrap(), name);
        }
    }
}
