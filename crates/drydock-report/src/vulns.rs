//! What every renderer of vulnerabilities shares: one order, the link from
//! a finding to its inventory package, score selection, and making the
//! image's untrusted strings into valid URIs.

use std::cmp::Reverse;
use std::collections::HashMap;

use drydock_findings::{Cvss, FixState, PackageRef, Severity, Vulnerability};
use drydock_inventory::Package;

/// Findings most severe first, then by advisory id, package purl, path and
/// layer. The scanner's order is not part of the report's meaning, so every
/// renderer lists findings this one way; the sort is stable, so exact ties
/// keep their input order and output stays deterministic.
pub(crate) fn sorted(vulns: &[Vulnerability]) -> Vec<&Vulnerability> {
    let mut out: Vec<&Vulnerability> = vulns.iter().collect();
    out.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    out
}

type OrderKey<'a> = (
    Reverse<Severity>,
    &'a str,
    &'a str,
    Option<&'a str>,
    usize,
    &'a str,
    &'a str,
);

fn order_key(v: &Vulnerability) -> OrderKey<'_> {
    let p = &v.package;
    (
        Reverse(v.severity),
        v.id.as_str(),
        p.purl.as_str(),
        p.path.as_deref(),
        p.layer.index,
        p.name.as_str(),
        p.version.as_str(),
    )
}

/// The package path a finding points at: [`PackageRef::path`] without any
/// leading `/`, `None` when empty.
pub(crate) fn package_path(p: &PackageRef) -> Option<&str> {
    p.path
        .as_deref()
        .map(|s| s.trim_start_matches('/'))
        .filter(|s| !s.is_empty())
}

/// The path [`PackageRef::of`] records for an inventory package: its first
/// location, without the leading `/`.
fn inventory_path(p: &Package) -> Option<&str> {
    p.locations
        .first()
        .map(|l| l.path.trim_start_matches('/'))
        .filter(|s| !s.is_empty())
}

/// Finds the inventory package a finding is about, to link the finding to
/// that package's element in an SBOM.
///
/// A [`PackageRef`] is a copy, not a pointer: the same purl can be installed
/// twice (a wheel in the system site-packages and again in a venv), so the
/// lookup tries purl + path + layer first, then purl + path, then purl
/// alone. At each level the first package inserted wins.
pub(crate) struct PackageIndex<T> {
    exact: HashMap<(String, Option<String>, usize), T>,
    by_path: HashMap<(String, Option<String>), T>,
    by_purl: HashMap<String, T>,
}

impl<T: Clone> PackageIndex<T> {
    pub(crate) fn new() -> Self {
        Self {
            exact: HashMap::new(),
            by_path: HashMap::new(),
            by_purl: HashMap::new(),
        }
    }

    /// Records the SBOM element `value` for package `p`.
    pub(crate) fn insert(&mut self, p: &Package, value: T) {
        let path = inventory_path(p).map(str::to_owned);
        let purl = p.purl.clone();
        self.exact
            .entry((purl.clone(), path.clone(), p.layer.index))
            .or_insert_with(|| value.clone());
        self.by_path
            .entry((purl.clone(), path))
            .or_insert_with(|| value.clone());
        self.by_purl.entry(purl).or_insert(value);
    }

    /// The element of the package `r` refers to, if the inventory has it.
    pub(crate) fn find(&self, r: &PackageRef) -> Option<&T> {
        let purl = r.purl.clone();
        let path = package_path(r).map(str::to_owned);
        self.exact
            .get(&(purl.clone(), path.clone(), r.layer.index))
            .or_else(|| self.by_path.get(&(purl, path)))
            .or_else(|| self.by_purl.get(r.purl.as_str()))
    }
}

/// A CVSS base score that is a real score: finite and within 0–10.
pub(crate) fn valid_score(c: &Cvss) -> Option<f64> {
    c.score
        .filter(|s| s.is_finite() && (0.0..=10.0).contains(s))
}

fn is_cvss_v2(c: &Cvss) -> bool {
    c.kind.eq_ignore_ascii_case("CVSS_V2")
}

/// The score that stands for a finding: the highest valid base score among
/// its CVSS v3/v4 entries, or among its v2 entries when it has no other.
/// v2 scores run systematically different from v3, so they are only a
/// fallback.
pub(crate) fn best_score(cvss: &[Cvss]) -> Option<f64> {
    let max = |v2: bool| {
        cvss.iter()
            .filter(|c| is_cvss_v2(c) == v2)
            .filter_map(valid_score)
            .max_by(f64::total_cmp)
    };
    max(false).or_else(|| max(true))
}

/// The CVE ids among a finding's aliases, in their (sorted) order.
pub(crate) fn cve_aliases(v: &Vulnerability) -> Vec<&str> {
    v.aliases
        .iter()
        .map(String::as_str)
        .filter(|a| a.starts_with("CVE-"))
        .collect()
}

/// True when a fixed version is known.
pub(crate) fn is_fixable(v: &Vulnerability) -> bool {
    !v.fixed_versions.is_empty()
}

/// The fix state to show: `fixed` is only claimed with a version to show.
pub(crate) fn shown_fix_state(v: &Vulnerability) -> FixState {
    if v.fix_state == FixState::Fixed && v.fixed_versions.is_empty() {
        FixState::Unknown
    } else {
        v.fix_state
    }
}

/// The first reference that is, or can be made into, a valid `http(s)`
/// URL: the advisory page, as the advisory lists its page first.
pub(crate) fn advisory_url(v: &Vulnerability) -> Option<String> {
    v.references.iter().find_map(|r| web_url(r))
}

/// Every reference that is, or can be made into, a valid `http(s)` URL,
/// without duplicates, in the advisory's order.
pub(crate) fn web_urls(v: &Vulnerability) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in v.references.iter().filter_map(|r| web_url(r)) {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn is_sub_delim(c: char) -> bool {
    matches!(
        c,
        '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '='
    )
}

fn push_encoded(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

/// True if the two characters after byte `i` of `s` are hex digits, so the
/// `%` at `i` already starts a percent-encoded octet.
fn is_pct_octet(s: &str, i: usize) -> bool {
    s.as_bytes()
        .get(i + 1..i + 3)
        .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
}

/// Encodes the path, query and fragment of a URI: characters RFC 3986
/// allows there stay, existing `%XX` octets stay, a second `#` and
/// everything else (spaces, non-ASCII, brackets) is percent-encoded.
fn encode_tail(tail: &str, out: &mut String) {
    let mut in_fragment = false;
    for (i, c) in tail.char_indices() {
        let keep = match c {
            '%' => is_pct_octet(tail, i),
            '#' if !in_fragment => {
                in_fragment = true;
                true
            }
            ':' | '@' | '/' | '?' => true,
            c => is_unreserved(c) || is_sub_delim(c),
        };
        if keep {
            out.push(c);
        } else {
            push_encoded(out, c);
        }
    }
}

/// `s` as a valid absolute `http(s)` URL, or `None`. The scheme and
/// authority must already be plain (a host of letters, digits, `-`, `.`,
/// `_`, `~` and an optional numeric port); characters the rest may not hold
/// are percent-encoded, so a reference with a space or an IRI's non-ASCII
/// path still becomes a link.
pub(crate) fn web_url(s: &str) -> Option<String> {
    let s = s.trim();
    let scheme_end = s.find("://")?;
    let scheme = s.get(..scheme_end)?.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = s.get(scheme_end + 3..)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if host.is_empty()
        || !host.chars().all(is_unreserved)
        || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut out = format!("{scheme}://{authority}");
    encode_tail(tail, &mut out);
    Some(out)
}

/// A path inside the image as a relative URI reference: the leading `/` is
/// dropped and everything but unreserved characters, sub-delimiters, `@`
/// and `/` is percent-encoded (`:` too, which would otherwise read as a
/// scheme in the first segment). `None` for an empty path.
pub(crate) fn relative_uri(path: &str) -> Option<String> {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if is_unreserved(c) || is_sub_delim(c) || matches!(c, '@' | '/') {
            out.push(c);
        } else {
            push_encoded(&mut out, c);
        }
    }
    Some(out)
}

/// A purl as an absolute URI (scheme `pkg`), percent-encoding what a purl
/// builder should have but a hostile image may not have. `None` when it is
/// not shaped like a purl, or starts with `//` (which would make its type
/// an authority).
pub(crate) fn purl_uri(purl: &str) -> Option<String> {
    if !crate::ids::is_purl_shaped(purl) {
        return None;
    }
    let rest = purl.strip_prefix("pkg:")?;
    if rest.starts_with('/') {
        return None;
    }
    let mut out = String::from("pkg:");
    encode_tail(rest, &mut out);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_inventory::{Ecosystem, LayerRef};

    fn cvss(kind: &str, score: Option<f64>) -> Cvss {
        Cvss {
            kind: kind.into(),
            vector: String::new(),
            score,
        }
    }

    #[test]
    fn best_score_prefers_v3_and_v4() {
        assert_eq!(best_score(&[]), None);
        assert_eq!(
            best_score(&[cvss("CVSS_V2", Some(10.0)), cvss("CVSS_V3", Some(7.5))]),
            Some(7.5)
        );
        assert_eq!(
            best_score(&[cvss("CVSS_V3", Some(5.0)), cvss("CVSS_V4", Some(6.1))]),
            Some(6.1)
        );
        assert_eq!(
            best_score(&[cvss("CVSS_V2", Some(4.3)), cvss("CVSS_V3", None)]),
            Some(4.3)
        );
        assert_eq!(
            best_score(&[cvss("CVSS_V3", Some(f64::NAN)), cvss("CVSS_V3", Some(11.0))]),
            None
        );
    }

    #[test]
    fn web_urls_are_made_valid_or_refused() {
        assert_eq!(
            web_url("https://osv.dev/vulnerability/PYSEC-2019-10").as_deref(),
            Some("https://osv.dev/vulnerability/PYSEC-2019-10")
        );
        assert_eq!(
            web_url(" HTTP://example.com:8080/a b?q=ü#x#y").as_deref(),
            Some("http://example.com:8080/a%20b?q=%C3%BC#x%23y")
        );
        assert_eq!(
            web_url("https://e.com/100%/%41").as_deref(),
            Some("https://e.com/100%25/%41")
        );
        for bad in [
            "",
            "ftp://example.com/",
            "https://",
            "https://user@host/",
            "https://host:port/",
            "https://[::1]/",
            "https://exa mple.com/",
            "example.com/advisory",
        ] {
            assert_eq!(web_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn paths_and_purls_become_uri_references() {
        assert_eq!(
            relative_uri("/app/lib/app.jar!/BOOT-INF/lib/x.jar").as_deref(),
            Some("app/lib/app.jar!/BOOT-INF/lib/x.jar")
        );
        assert_eq!(
            relative_uri("/C:/we ird/%?#名").as_deref(),
            Some("C%3A/we%20ird/%25%3F%23%E5%90%8D")
        );
        assert_eq!(relative_uri("///"), None);
        assert_eq!(
            purl_uri("pkg:npm/%40babel/core@7.24.0").as_deref(),
            Some("pkg:npm/%40babel/core@7.24.0")
        );
        assert_eq!(
            purl_uri("pkg:npm/a\"b@1#s#t").as_deref(),
            Some("pkg:npm/a%22b@1#s%23t")
        );
        assert_eq!(purl_uri("pkg://a/b"), None);
        assert_eq!(purl_uri("not a purl"), None);
    }

    fn package(purl: &str, path: &str, layer: usize) -> Package {
        Package {
            name: "x".into(),
            version: "1".into(),
            ecosystem: Ecosystem::Pypi,
            purl: purl.into(),
            namespace: None,
            licenses: vec![],
            arch: None,
            source: None,
            layer: LayerRef {
                index: layer,
                diff_id: None,
            },
            locations: vec![drydock_inventory::Location {
                path: path.into(),
                layer: LayerRef {
                    index: layer,
                    diff_id: None,
                },
                evidence: drydock_inventory::Evidence::Primary,
            }],
            found_by: String::new(),
            metadata: drydock_inventory::Metadata::None,
        }
    }

    #[test]
    fn index_prefers_the_exact_package() {
        let pkgs = [
            package("pkg:pypi/six@1", "/a/METADATA", 1),
            package("pkg:pypi/six@1", "/b/METADATA", 2),
            package("pkg:pypi/six@1", "/b/METADATA", 3),
        ];
        let mut index = PackageIndex::new();
        for (i, p) in pkgs.iter().enumerate() {
            index.insert(p, i);
        }
        let find = |p: &Package, layer: usize, purl: &str| {
            let mut r = PackageRef::of(p);
            r.layer.index = layer;
            r.purl = purl.into();
            index.find(&r).copied()
        };
        assert_eq!(find(&pkgs[1], 2, "pkg:pypi/six@1"), Some(1));
        assert_eq!(find(&pkgs[2], 3, "pkg:pypi/six@1"), Some(2));
        assert_eq!(find(&pkgs[1], 9, "pkg:pypi/six@1"), Some(1));
        let mut elsewhere = pkgs[0].clone();
        elsewhere.locations[0].path = "/c/METADATA".into();
        assert_eq!(find(&elsewhere, 0, "pkg:pypi/six@1"), Some(0));
        assert_eq!(find(&pkgs[0], 1, "pkg:pypi/other@1"), None);
    }
}
