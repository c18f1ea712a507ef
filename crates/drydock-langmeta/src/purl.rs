//! purl rendering through the `packageurl` crate.

use packageurl::PackageUrl;

/// Renders `pkg:TY/[NAMESPACE/]NAME@VERSION[?QUALIFIERS]`.
///
/// The `packageurl` crate only fails on an invalid type or qualifier key, and
/// the callers pass constants, so the hand-built fallback exists only to keep
/// this function total.
pub(crate) fn render(
    ty: &'static str,
    namespace: Option<&str>,
    name: &str,
    version: &str,
    qualifiers: &[(&'static str, &str)],
) -> String {
    let build = || -> Option<String> {
        let mut p = PackageUrl::new(ty, name).ok()?;
        if let Some(ns) = namespace {
            p.with_namespace(ns);
        }
        if !version.is_empty() {
            p.with_version(version);
        }
        for (k, v) in qualifiers {
            if !v.is_empty() {
                p.add_qualifier(*k, *v).ok()?;
            }
        }
        Some(p.to_string())
    };
    build().unwrap_or_else(|| match namespace {
        Some(ns) => format!("pkg:{ty}/{ns}/{name}@{version}"),
        None => format!("pkg:{ty}/{name}@{version}"),
    })
}
