//! How package names and ecosystems are keyed, the same way at import and at
//! lookup, so that `Django`, `django` and `DJANGO` meet in one index entry.

use drydock_version::Scheme;

/// The lookup form of a package name in an OSV ecosystem.
///
/// PyPI names compare after PEP 503 normalisation (case-folded, runs of
/// `-`, `_` and `.` collapsed to `-`); npm, RubyGems, Packagist, NuGet and
/// the distributions' package names are case-insensitive in practice and
/// are lower-cased; Go module paths, Maven coordinates and crate names are
/// kept as written because their ecosystems treat case as significant (or
/// the feeds already spell them canonically).
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let base = ecosystem.split(':').next().unwrap_or(ecosystem);
    match base {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        "Go" | "Maven" | "crates.io" => name.trim().to_owned(),
        _ => name.trim().to_lowercase(),
    }
}

/// The version scheme of an OSV ecosystem.
pub fn version_scheme(ecosystem: &str) -> Scheme {
    Scheme::for_ecosystem(ecosystem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_follow_pep_503() {
        for n in ["Django", "django", "DJANGO", " django "] {
            assert_eq!(normalize_name("PyPI", n), "django");
        }
        assert_eq!(normalize_name("PyPI", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "Foo__Bar-.baz"), "foo-bar-baz");
        assert_eq!(normalize_name("PyPI", "_leading"), "leading");
    }

    #[test]
    fn go_and_maven_keep_case() {
        assert_eq!(
            normalize_name("Go", "github.com/BurntSushi/toml"),
            "github.com/BurntSushi/toml"
        );
        assert_eq!(
            normalize_name("Maven", "org.Apache:Log4j"),
            "org.Apache:Log4j"
        );
        assert_eq!(normalize_name("Debian:11", "OpenSSL"), "openssl");
    }
}
