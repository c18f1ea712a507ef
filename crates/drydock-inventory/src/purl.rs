use packageurl::PackageUrl;

/// Builds purl strings, keeping the spec's per-type rules in one place.
///
/// Falls back to a hand-escaped string if the `packageurl` crate rejects a
/// component: an image can hold any bytes in a package name, and a package
/// must still be reported.
#[derive(Debug, Clone)]
pub struct PurlBuilder {
    ty: &'static str,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: Vec<(&'static str, String)>,
    subpath: Option<String>,
}

impl PurlBuilder {
    /// A purl of type `ty` for `name`.
    pub fn new(ty: &'static str, name: impl Into<String>) -> Self {
        Self {
            ty,
            namespace: None,
            name: name.into(),
            version: None,
            qualifiers: Vec::new(),
            subpath: None,
        }
    }

    /// Sets the namespace (Maven group, Debian vendor, npm scope).
    pub fn namespace(mut self, ns: impl Into<String>) -> Self {
        let ns = ns.into();
        if !ns.is_empty() {
            self.namespace = Some(ns);
        }
        self
    }

    /// Sets the version.
    pub fn version(mut self, v: impl Into<String>) -> Self {
        let v = v.into();
        if !v.is_empty() {
            self.version = Some(v);
        }
        self
    }

    /// Adds a qualifier; empty values are dropped.
    pub fn qualifier(mut self, key: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        if !value.is_empty() {
            self.qualifiers.push((key, value));
        }
        self
    }

    /// Sets the subpath (a Go package inside a module).
    pub fn subpath(mut self, subpath: impl Into<String>) -> Self {
        self.subpath = Some(subpath.into());
        self
    }

    /// Renders the purl.
    pub fn build(mut self) -> String {
        // The spec asks for qualifiers sorted by key.
        self.qualifiers.sort_by(|a, b| a.0.cmp(b.0));
        match self.try_build() {
            Some(s) => s,
            None => self.fallback(),
        }
    }

    fn try_build(&self) -> Option<String> {
        let mut p = PackageUrl::new(self.ty, self.name.as_str()).ok()?;
        if let Some(ns) = &self.namespace {
            p.with_namespace(ns.as_str());
        }
        if let Some(v) = &self.version {
            p.with_version(v.as_str());
        }
        for (k, v) in &self.qualifiers {
            p.add_qualifier(*k, v.as_str()).ok()?;
        }
        if let Some(s) = &self.subpath {
            p.with_subpath(s.as_str()).ok()?;
        }
        Some(p.to_string())
    }

    fn fallback(&self) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        let mut out = format!("pkg:{}/", self.ty);
        if let Some(ns) = &self.namespace {
            out.push_str(&ns.split('/').map(enc).collect::<Vec<_>>().join("/"));
            out.push('/');
        }
        out.push_str(&enc(&self.name));
        if let Some(v) = &self.version {
            out.push('@');
            out.push_str(&enc(v));
        }
        if !self.qualifiers.is_empty() {
            out.push('?');
            let q: Vec<String> = self
                .qualifiers
                .iter()
                .map(|(k, v)| format!("{k}={}", enc(v)))
                .collect();
            out.push_str(&q.join("&"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb_purl() {
        let p = PurlBuilder::new("deb", "bsdutils")
            .namespace("debian")
            .version("1:2.38.1-5+deb12u3")
            .qualifier("distro", "debian-12")
            .qualifier("arch", "amd64")
            .build();
        assert!(
            p.starts_with(
                "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12"
            ) || p.starts_with(
                "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12"
            ),
            "{p}"
        );
    }

    #[test]
    fn maven_and_scoped_npm() {
        assert_eq!(
            PurlBuilder::new("maven", "log4j")
                .namespace("log4j")
                .version("1.2.17")
                .build(),
            "pkg:maven/log4j/log4j@1.2.17"
        );
        let npm = PurlBuilder::new("npm", "core")
            .namespace("@babel")
            .version("7.0.0")
            .build();
        assert_eq!(npm, "pkg:npm/%40babel/core@7.0.0");
    }
}
