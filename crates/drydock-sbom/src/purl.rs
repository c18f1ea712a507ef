//! Purls, decoded.

use std::str::FromStr;

use drydock_inventory::Ecosystem;
use packageurl::PackageUrl;

/// A parsed purl with every part percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Purl {
    /// Type, lowercase.
    pub ty: String,
    /// Namespace, if any.
    pub namespace: Option<String>,
    /// Name (lowercased by the parser for types whose names are case
    /// insensitive: `deb`, `npm`, `pypi`, …).
    pub name: String,
    /// Version, if any.
    pub version: Option<String>,
    /// Qualifiers, keys lowercase.
    qualifiers: Vec<(String, String)>,
}

impl Purl {
    /// Parses `s`; the error says why it is not a purl.
    pub fn parse(s: &str) -> Result<Self, String> {
        let p = PackageUrl::from_str(s.trim()).map_err(|e| e.to_string())?;
        let mut qualifiers: Vec<(String, String)> = p
            .qualifiers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        qualifiers.sort();
        Ok(Self {
            ty: p.ty().to_owned(),
            namespace: p.namespace().filter(|n| !n.is_empty()).map(str::to_owned),
            name: p.name().to_owned(),
            version: p.version().filter(|v| !v.is_empty()).map(str::to_owned),
            qualifiers,
        })
    }

    /// A qualifier's value.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The drydock ecosystem of this purl's type.
    pub fn ecosystem(&self) -> Option<Ecosystem> {
        ecosystem_of_type(&self.ty)
    }
}

/// The ecosystem a purl type (or a `drydock:package:type` value) names.
/// `alpine` is what older syft releases called `apk`.
pub(crate) fn ecosystem_of_type(ty: &str) -> Option<Ecosystem> {
    Some(match ty {
        "deb" => Ecosystem::Deb,
        "apk" | "alpine" => Ecosystem::Apk,
        "rpm" => Ecosystem::Rpm,
        "pypi" => Ecosystem::Pypi,
        "npm" => Ecosystem::Npm,
        "maven" => Ecosystem::Maven,
        "golang" => Ecosystem::Golang,
        "cargo" => Ecosystem::Cargo,
        "gem" => Ecosystem::Gem,
        "composer" => Ecosystem::Composer,
        "nuget" => Ecosystem::Nuget,
        _ => return None,
    })
}

/// The purl type at the start of a string that failed to parse, for the
/// skipped-types count.
pub(crate) fn type_prefix(s: &str) -> Option<&str> {
    let rest = s.trim().strip_prefix("pkg:")?.trim_start_matches('/');
    let ty = rest.split('/').next()?;
    (!ty.is_empty() && ty.len() <= 32).then_some(ty)
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_` and `.` as one `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut last_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !last_sep {
                out.push('-');
            }
            last_sep = true;
        } else {
            out.extend(c.to_lowercase());
            last_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_parts() {
        let p = Purl::parse(
            "pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u3?arch=amd64&upstream=openssl%401.1.1n-0%2Bdeb11u3&distro=debian-11",
        )
        .unwrap();
        assert_eq!(p.ty, "deb");
        assert_eq!(p.namespace.as_deref(), Some("debian"));
        assert_eq!(p.name, "libssl1.1");
        assert_eq!(p.version.as_deref(), Some("1.1.1n-0+deb11u3"));
        assert_eq!(p.qualifier("upstream"), Some("openssl@1.1.1n-0+deb11u3"));
        assert_eq!(p.qualifier("distro"), Some("debian-11"));
        assert_eq!(p.qualifier("missing"), None);

        let p = Purl::parse("pkg:npm/%40babel/core@7.24.0").unwrap();
        assert_eq!(p.namespace.as_deref(), Some("@babel"));
        assert_eq!(p.name, "core");

        let p = Purl::parse("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3").unwrap();
        assert_eq!(p.version.as_deref(), Some("1:2.38.1-5+deb12u3"));
    }

    #[test]
    fn rejects_non_purls() {
        for bad in [
            "",
            "pkg:",
            "deb/debian/x",
            "pkg:deb",
            "pkg:1x/y",
            "http://x/y",
        ] {
            assert!(Purl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn types() {
        assert_eq!(type_prefix("pkg:binary/x@1"), Some("binary"));
        assert_eq!(type_prefix("pkg://github/x"), Some("github"));
        assert_eq!(type_prefix("cpe:2.3"), None);
        assert_eq!(ecosystem_of_type("alpine"), Some(Ecosystem::Apk));
        assert_eq!(ecosystem_of_type("generic"), None);
        assert_eq!(pep503("Zope.Interface__x"), "zope-interface-x");
    }
}
