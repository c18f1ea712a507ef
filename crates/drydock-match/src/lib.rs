//! Matching an inventory against the advisory database.
//!
//! For each package the [`Matcher`] decides which feed speaks for it and
//! under which name and version:
//!
//! - **Debian**: advisories are keyed by *source* package and release
//!   (`Debian:11` from os-release), and compared with the source version,
//!   so `libssl1.1` is checked as `openssl 1.1.1n-0+deb11u3`. A release's
//!   entry never applies to another release.
//! - **Alpine**: by origin package in `Alpine:vX.Y`.
//! - **Language packages** by their OSV ecosystem (`PyPI`, `npm`, `Go`, …).
//!   Go binaries contribute their modules and `stdlib` at the toolchain
//!   version that built them.
//! - **Files owned by an OS package** (a jar or binary shipped by dpkg) are
//!   left to the distribution feed when the database has one for the
//!   distribution: the distribution tracks the fix in its own package, and
//!   the upstream advisory would be a false positive for a patched build.
//!
//! Every finding explains itself: the range that matched, the fixed
//! versions, the fix state and where the severity came from.

#![deny(missing_docs)]

mod eval;
mod severity;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use drydock_advisory::Advisory;
use drydock_findings::{FixState, PackageRef, Vulnerability};
use drydock_inventory::{Distro, Ecosystem, Inventory, Package};
use drydock_version::Scheme;
use drydock_vulndb::Store;

pub use eval::{Hit, evaluate};
pub use severity::rate;

/// Why matching failed.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct Error(#[from] drydock_vulndb::Error);

/// The result of matching one inventory.
#[derive(Debug, Default, Clone)]
pub struct Matches {
    /// Findings, sorted by package then advisory id.
    pub vulnerabilities: Vec<Vulnerability>,
    /// Gaps worth telling the user (no feed for the distribution, versions
    /// that could not be compared).
    pub warnings: Vec<String>,
}

/// One lookup a package needs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    ecosystem: String,
    name: String,
    version: String,
    scheme: Scheme,
}

type Cached = Arc<[Arc<Advisory>]>;

/// Findings of one `(ecosystem, name, version)`, before they are tied to a
/// package.
struct Prepared {
    vulnerabilities: Vec<Vulnerability>,
    errors: Vec<(String, String)>,
}

/// Matches inventories against a [`Store`]. Lookups are cached, so matching
/// many inventories (a rescan of stored SBOMs) touches each package name in
/// the database once. Safe to share between threads.
pub struct Matcher {
    store: Mutex<Store>,
    cache: RwLock<HashMap<(String, String), Cached>>,
    prepared: RwLock<HashMap<(String, String, String), Arc<Prepared>>>,
    ecosystems: BTreeSet<String>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("ecosystems", &self.ecosystems)
            .finish()
    }
}

impl Matcher {
    /// A matcher over `store`.
    pub fn new(store: Store) -> Result<Self, Error> {
        let ecosystems = store.ecosystems()?.into_iter().collect();
        Ok(Self {
            store: Mutex::new(store),
            cache: RwLock::new(HashMap::new()),
            prepared: RwLock::new(HashMap::new()),
            ecosystems,
        })
    }

    /// Ecosystems the database has advisories for.
    pub fn ecosystems(&self) -> &BTreeSet<String> {
        &self.ecosystems
    }

    /// A database read through the cache: `key` names the query, `fetch`
    /// runs it on a cache miss.
    fn cached(
        &self,
        key: (String, String),
        fetch: impl FnOnce(&Store) -> Result<Vec<Arc<Advisory>>, drydock_vulndb::Error>,
    ) -> Result<Cached, Error> {
        if let Some(hit) = self.cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let found: Cached = {
            let store = self.store.lock().unwrap_or_else(|p| p.into_inner());
            fetch(&store)?.into()
        };
        if let Ok(mut c) = self.cache.write() {
            c.insert(key, found.clone());
        }
        Ok(found)
    }

    fn lookup(&self, ecosystem: &str, name: &str) -> Result<Cached, Error> {
        if !self.ecosystems.contains(ecosystem) {
            return Ok(Arc::from(Vec::new()));
        }
        self.cached((ecosystem.to_owned(), name.to_owned()), |s| {
            s.advisories_for(ecosystem, name)
        })
    }

    /// Matches every package of `inventory`.
    pub fn match_inventory(&self, inventory: &Inventory) -> Result<Matches, Error> {
        let mut out = Matches::default();
        let os_eco = inventory.distro.as_ref().and_then(os_ecosystem);
        let has_os_packages = inventory.packages.iter().any(|p| p.ecosystem.is_os());
        let os_covered = os_eco
            .as_ref()
            .is_some_and(|e| self.ecosystems.contains(e.as_str()));
        if has_os_packages {
            match (&inventory.distro, &os_eco) {
                (None, _) => out.warnings.push(
                    "OS packages found but the distribution is unknown (no os-release): they were \
                     not checked for vulnerabilities"
                        .into(),
                ),
                (Some(d), None) => out.warnings.push(format!(
                    "no advisory feed is known for the distribution `{}` {}: OS packages were not \
                     checked",
                    d.id,
                    d.version_id.as_deref().unwrap_or("")
                )),
                (Some(_), Some(e)) if !os_covered => out.warnings.push(format!(
                    "the advisory database has no records for {e}: OS packages were not checked \
                     (import the distribution's feed)"
                )),
                _ => {}
            }
        }
        let mut lang_missing: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut range_errors: Vec<(String, String)> = Vec::new();
        for pkg in &inventory.packages {
            let owned_by_os = pkg
                .locations
                .iter()
                .any(|l| l.path.starts_with("owned-by:"));
            if owned_by_os && os_covered {
                continue;
            }
            let Some(q) = query(pkg, os_eco.as_deref()) else {
                continue;
            };
            if !pkg.ecosystem.is_os() && !self.ecosystems.contains(&q.ecosystem) {
                *lang_missing
                    .entry(osv_ecosystem(pkg.ecosystem).unwrap_or("?"))
                    .or_default() += 1;
                continue;
            }
            let prepared = self.prepared(pkg, &q)?;
            range_errors.extend(prepared.errors.iter().cloned());
            let via = if q.name != pkg.name || q.version != pkg.version {
                format!(" (source package {} {})", q.name, q.version)
            } else {
                String::new()
            };
            let package = PackageRef::of(pkg);
            for template in &prepared.vulnerabilities {
                let mut v = template.clone();
                v.package = package.clone();
                v.reason.push_str(&via);
                out.vulnerabilities.push(v);
            }
        }
        // One unreadable version fails every advisory of its package: say it
        // once, with the count.
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (id, w) in range_errors {
            grouped.entry(w).or_default().push(id);
        }
        for (w, mut ids) in grouped {
            ids.sort();
            ids.dedup();
            let shown: Vec<&str> = ids.iter().take(3).map(String::as_str).collect();
            let more = if ids.len() > 3 { ", …" } else { "" };
            out.warnings.push(format!(
                "{w} ({} advisories: {}{more})",
                ids.len(),
                shown.join(", ")
            ));
        }
        for (eco, n) in lang_missing {
            out.warnings.push(format!(
                "the advisory database has no {eco} records: {n} {eco} package(s) were not checked"
            ));
        }
        dedup(&mut out.vulnerabilities);
        out.vulnerabilities.sort_by(|a, b| {
            (&a.package.purl, &a.package.path, &a.id).cmp(&(
                &b.package.purl,
                &b.package.path,
                &b.id,
            ))
        });
        out.warnings.sort();
        out.warnings.dedup();
        Ok(out)
    }

    /// The findings for one `(ecosystem, name, version)`, without the
    /// package they belong to: every package at that version gets the same
    /// advisories, so fleets of images (and rescans of stored SBOMs) evaluate
    /// each version's ranges once.
    fn prepared(&self, pkg: &Package, q: &Query) -> Result<Arc<Prepared>, Error> {
        let key = (q.ecosystem.clone(), q.name.clone(), q.version.clone());
        if let Some(hit) = self.prepared.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(hit);
        }
        let mut errors = Vec::new();
        let mut vulnerabilities = Vec::new();
        for adv in self.lookup(&q.ecosystem, &q.name)?.iter() {
            if adv.withdrawn.is_some() {
                continue;
            }
            if let Some(mut v) = self.match_one(pkg, q, adv, &mut errors) {
                if v.severity == drydock_findings::Severity::Unknown {
                    self.enrich(&mut v)?;
                }
                vulnerabilities.push(v);
            }
        }
        let prepared = Arc::new(Prepared {
            vulnerabilities,
            errors,
        });
        if let Ok(mut c) = self.prepared.write() {
            c.insert(key, prepared.clone());
        }
        Ok(prepared)
    }

    /// Advisories that rate nothing themselves (Debian's DSA list, most
    /// PYSEC records) borrow the rating of another record of the same issue:
    /// a CVSS vector from any feed, else the urgency the distribution gave
    /// the same package. The source names the record it came from.
    fn enrich(&self, v: &mut Vulnerability) -> Result<(), Error> {
        let ids: Vec<String> = v.ids().map(str::to_owned).collect();
        let mut best: Option<(
            drydock_findings::Severity,
            String,
            Vec<drydock_findings::Cvss>,
        )> = None;
        for id in ids.iter().filter(|i| *i != &v.id) {
            for other in self.by_id(id)?.iter() {
                if other.id == v.id || other.withdrawn.is_some() {
                    continue;
                }
                let aff = other
                    .affected
                    .iter()
                    .find(|a| a.package.ecosystem == v.feed)
                    .or_else(|| other.affected.first());
                let Some(aff) = aff else { continue };
                let r = rate(other, aff);
                // Urgency only speaks for the distribution that assigned it.
                let applies = !r.cvss.is_empty() || aff.package.ecosystem == v.feed;
                if let Some(src) = r.source
                    && applies
                    && best.as_ref().is_none_or(|(s, _, _)| r.severity > *s)
                {
                    best = Some((r.severity, format!("{src} (via {id})"), r.cvss));
                }
            }
        }
        if let Some((severity, source, cvss)) = best {
            v.severity = severity;
            v.severity_source = Some(source);
            if v.cvss.is_empty() {
                v.cvss = cvss;
            }
        }
        Ok(())
    }

    fn by_id(&self, id: &str) -> Result<Cached, Error> {
        // `#id` cannot be an OSV ecosystem name, so the two kinds of keys
        // never collide.
        self.cached(("#id".to_owned(), id.to_owned()), |s| {
            s.advisories_by_id(id)
        })
    }

    fn match_one(
        &self,
        pkg: &Package,
        q: &Query,
        adv: &Advisory,
        range_errors: &mut Vec<(String, String)>,
    ) -> Option<Vulnerability> {
        let key = drydock_vulndb::normalize_name(&q.ecosystem, &q.name);
        let mut hit: Option<(Hit, &drydock_advisory::Affected)> = None;
        for aff in &adv.affected {
            if aff.package.ecosystem != q.ecosystem
                || drydock_vulndb::normalize_name(&aff.package.ecosystem, &aff.package.name) != key
            {
                continue;
            }
            let mut warn = |w: String| range_errors.push((adv.id.clone(), w));
            if let Some(h) = evaluate(aff, &q.version, q.scheme, &mut warn) {
                match &mut hit {
                    Some((prev, _)) => {
                        prev.fixed.extend(h.fixed);
                        prev.reason = format!("{}; {}", prev.reason, h.reason);
                    }
                    None => hit = Some((h, aff)),
                }
            }
        }
        let (hit, aff) = hit?;
        let fix_state = if !hit.fixed.is_empty() {
            FixState::Fixed
        } else {
            aff.database_specific
                .as_ref()
                .and_then(|d| d.get("fix_state"))
                .and_then(|s| s.as_str())
                .and_then(FixState::parse)
                .unwrap_or(FixState::NotFixed)
        };
        let rating = rate(adv, aff);
        let mut aliases = adv.aliases.clone();
        aliases.sort();
        aliases.dedup();
        aliases.retain(|a| a != &adv.id);
        let mut references: Vec<String> = adv.references.iter().map(|r| r.url.clone()).collect();
        if let Some(url) = advisory_url(&adv.id) {
            references.retain(|r| r != &url);
            references.insert(0, url);
        }
        Some(Vulnerability {
            id: adv.id.clone(),
            aliases,
            package: PackageRef::of(pkg),
            matched_version: q.version.clone(),
            fixed_versions: hit.fixed,
            fix_state,
            severity: rating.severity,
            severity_source: rating.source,
            cvss: rating.cvss,
            summary: adv.summary.clone().map(|s| one_line(&s)),
            feed: q.ecosystem.clone(),
            reason: hit.reason,
            references,
            published: adv.published.clone(),
            suppressed: None,
        })
    }
}

fn one_line(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 300 {
        let cut: String = line.chars().take(297).collect();
        format!("{cut}...")
    } else {
        line
    }
}

/// The canonical page of an advisory id, when its namespace has one.
fn advisory_url(id: &str) -> Option<String> {
    let (prefix, _) = id.split_once('-')?;
    Some(match prefix {
        "CVE" => format!("https://nvd.nist.gov/vuln/detail/{id}"),
        "GHSA" => format!("https://github.com/advisories/{id}"),
        "PYSEC" | "RUSTSEC" => format!("https://osv.dev/vulnerability/{id}"),
        "GO" => format!("https://pkg.go.dev/vuln/{id}"),
        "DSA" | "DLA" => {
            // DSA-5343-1 → https://security-tracker.debian.org/tracker/DSA-5343-1
            format!("https://security-tracker.debian.org/tracker/{id}")
        }
        _ => return None,
    })
}

/// How specific an advisory id is: a distribution's CVE-keyed record is the
/// finest grain, then the ecosystem's own database (PYSEC, GO, RUSTSEC),
/// then GitHub's; a DSA or DLA bundles several CVEs.
fn grain(id: &str) -> u8 {
    match id.split('-').next().unwrap_or("") {
        "CVE" => 3,
        "GHSA" => 1,
        "DSA" | "DLA" | "DTSA" | "USN" | "RHSA" | "ALSA" => 0,
        _ => 2,
    }
}

/// One issue reported by several feeds on one package is one finding.
///
/// Finding `y` is covered by finding `x` on the same package when `y` names
/// `x` as an alias and `x` is the finer record: a DSA naming the tracker's
/// CVE entries, or the second of two records naming each other (PYSEC and
/// GHSA). Covered findings are dropped and their ids join the aliases of
/// the findings covering them. Two CVEs named by one DSA stay two findings.
fn dedup(v: &mut Vec<Vulnerability>) {
    let order = |a: &Vulnerability, b: &Vulnerability| {
        (&a.package.purl, &a.package.path, &a.id).cmp(&(&b.package.purl, &b.package.path, &b.id))
    };
    v.sort_by(order);
    // The same advisory id twice on one package (e.g. one CVE in both
    // Alpine main and community documents) is one finding.
    v.dedup_by(|b, a| a.id == b.id && a.package == b.package);
    let covers = |x: &Vulnerability, y: &Vulnerability| {
        if x.package != y.package || !y.aliases.contains(&x.id) {
            return false;
        }
        let mutual = x.aliases.contains(&y.id);
        match grain(&x.id).cmp(&grain(&y.id)) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => mutual && x.id < y.id,
            std::cmp::Ordering::Less => false,
        }
    };
    let mut dropped = vec![false; v.len()];
    let mut extra: Vec<Vec<String>> = vec![Vec::new(); v.len()];
    // Findings of one package are adjacent after the sort: compare within
    // each run only.
    let mut start = 0;
    while start < v.len() {
        let mut end = start + 1;
        while end < v.len() && v[end].package == v[start].package {
            end += 1;
        }
        for y in start..end {
            for x in start..end {
                if x != y && covers(&v[x], &v[y]) {
                    dropped[y] = true;
                    extra[x].push(v[y].id.clone());
                }
            }
        }
        start = end;
    }
    for (f, more) in v.iter_mut().zip(extra) {
        if !more.is_empty() {
            f.aliases.extend(more);
            f.aliases.sort();
            f.aliases.dedup();
        }
    }
    let mut k = 0;
    v.retain(|_| {
        k += 1;
        !dropped[k - 1]
    });
}

/// The OSV ecosystem of an OS release (`Debian:11`, `Alpine:v3.18`).
pub fn os_ecosystem(d: &Distro) -> Option<String> {
    match d.id.as_str() {
        "debian" => match d.version_id.as_deref() {
            Some(v) if !v.is_empty() => {
                Some(format!("Debian:{}", v.split('.').next().unwrap_or(v)))
            }
            _ => d
                .codename
                .as_deref()
                .map(drydock_advisory::feeds::debian::ecosystem_for),
        },
        "alpine" => {
            let v = d.version_id.as_deref()?;
            let mut parts = v.split('.');
            let (maj, min) = (parts.next()?, parts.next()?);
            Some(format!("Alpine:v{maj}.{min}"))
        }
        "ubuntu" => d.version_id.as_deref().map(|v| format!("Ubuntu:{v}")),
        _ => None,
    }
}

/// The OSV ecosystem of a language package.
fn osv_ecosystem(e: Ecosystem) -> Option<&'static str> {
    Some(match e {
        Ecosystem::Pypi => "PyPI",
        Ecosystem::Npm => "npm",
        Ecosystem::Maven => "Maven",
        Ecosystem::Golang => "Go",
        Ecosystem::Cargo => "crates.io",
        Ecosystem::Gem => "RubyGems",
        Ecosystem::Composer => "Packagist",
        Ecosystem::Nuget => "NuGet",
        Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => return None,
    })
}

fn query(pkg: &Package, os_eco: Option<&str>) -> Option<Query> {
    if pkg.ecosystem.is_os() {
        let eco = os_eco?;
        // RPM feeds are not imported yet; an rpm-based image has no OS
        // ecosystem from `os_ecosystem` and never gets here.
        let (name, version) = match &pkg.source {
            Some(s) => (s.name.clone(), s.version.clone()),
            None => (pkg.name.clone(), pkg.version.clone()),
        };
        return Some(Query {
            scheme: Scheme::for_ecosystem(eco),
            ecosystem: eco.to_owned(),
            name,
            version,
        });
    }
    let eco = osv_ecosystem(pkg.ecosystem)?;
    let name = match (pkg.ecosystem, &pkg.namespace) {
        (Ecosystem::Maven, Some(ns)) => format!("{ns}:{}", pkg.name),
        (Ecosystem::Composer, Some(ns)) => format!("{ns}/{}", pkg.name),
        (Ecosystem::Npm, Some(ns)) => format!("{ns}/{}", pkg.name),
        _ => pkg.name.clone(),
    };
    Some(Query {
        scheme: Scheme::for_ecosystem(eco),
        ecosystem: eco.to_owned(),
        name,
        version: pkg.version.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distro(id: &str, v: Option<&str>, code: Option<&str>) -> Distro {
        Distro {
            id: id.into(),
            version_id: v.map(Into::into),
            codename: code.map(Into::into),
            pretty_name: None,
            id_like: vec![],
        }
    }

    #[test]
    fn os_ecosystems() {
        assert_eq!(
            os_ecosystem(&distro("debian", Some("11"), None)).unwrap(),
            "Debian:11"
        );
        assert_eq!(
            os_ecosystem(&distro("debian", None, Some("bookworm"))).unwrap(),
            "Debian:12"
        );
        assert_eq!(
            os_ecosystem(&distro("alpine", Some("3.18.4"), None)).unwrap(),
            "Alpine:v3.18"
        );
        assert_eq!(os_ecosystem(&distro("rhel", Some("9.2"), None)), None);
    }
}
