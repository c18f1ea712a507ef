//! Turning what a format says about one component into a [`Package`]: the
//! rules both readers share.

use std::collections::{BTreeMap, BTreeSet};

use drydock_inventory::{
    Distro, Ecosystem, Evidence, LayerRef, Location, Metadata, Package, SourcePackage,
};
use drydock_oci::Digest;

use crate::distro;
use crate::purl::{self, Purl};

/// The cataloger name for packages whose SBOM does not say who found them.
const UNKNOWN_FOUND_BY: &str = "sbom";

/// What one component or package says, in format-neutral form.
#[derive(Debug, Default)]
pub(crate) struct Candidate {
    /// The purl as written.
    pub purl: Option<String>,
    /// Written by drydock (`drydock:package:type` present): name and version
    /// are the package's own and win over the purl's.
    pub drydock: bool,
    /// `drydock:package:type`.
    pub type_hint: Option<String>,
    /// `drydock:package:malformed-purl`: the purl field drydock could not
    /// put in `purl`.
    pub malformed_purl: Option<String>,
    pub name: Option<String>,
    pub version: Option<String>,
    /// A version the writer had to shorten, in full.
    pub full_version: Option<String>,
    /// CycloneDX `group`.
    pub group: Option<String>,
    pub licenses: Vec<String>,
    pub found_by: Option<String>,
    pub arch: Option<String>,
    pub source_name: Option<String>,
    pub source_version: Option<String>,
    pub layer_index: Option<String>,
    pub layer_diff_id: Option<String>,
    /// Evidence, in document order.
    pub locations: Vec<RawLocation>,
    pub rpm: RpmFacts,
    pub go: GoFacts,
    pub sha1: Option<String>,
}

/// A location as documented; missing parts are filled from the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawLocation {
    pub path: String,
    pub index: Option<usize>,
    pub diff_id: Option<String>,
    pub evidence: Option<Evidence>,
}

impl RawLocation {
    pub fn path(path: String) -> Self {
        Self {
            path,
            index: None,
            diff_id: None,
            evidence: None,
        }
    }
}

/// RPM facts from properties.
#[derive(Debug, Default)]
pub(crate) struct RpmFacts {
    pub epoch: Option<String>,
    pub release: Option<String>,
    pub source_rpm: Option<String>,
    pub modularity_label: Option<String>,
}

/// Go facts from properties.
#[derive(Debug, Default)]
pub(crate) struct GoFacts {
    pub toolchain: Option<String>,
    pub main_module: Option<String>,
    pub main: Option<String>,
}

/// Counts of what was skipped, reported once per kind.
#[derive(Default)]
pub(crate) struct Tally {
    unsupported: BTreeMap<String, usize>,
    without_purl: usize,
    bad_digests: usize,
    pub votes: distro::Votes,
}

impl Tally {
    /// One warning line per kind of skip.
    pub fn warnings(&self, noun: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.unsupported.is_empty() {
            let total: usize = self.unsupported.values().sum();
            let kinds: Vec<String> = self
                .unsupported
                .iter()
                .map(|(ty, n)| format!("{ty} ({n})"))
                .collect();
            out.push(format!(
                "skipped {total} {noun}{} with purl types drydock does not match: {}",
                plural(total),
                kinds.join(", ")
            ));
        }
        if self.without_purl > 0 {
            out.push(format!(
                "skipped {} {noun}{} without a purl",
                self.without_purl,
                plural(self.without_purl)
            ));
        }
        if self.bad_digests > 0 {
            out.push(format!(
                "ignored {} layer digest{} that are not sha256 or sha512 digests",
                self.bad_digests,
                plural(self.bad_digests)
            ));
        }
        out
    }

    pub fn no_purl(&mut self) {
        self.without_purl += 1;
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Why a candidate is not a package. Unsupported types and missing purls
/// are counted in the [`Tally`]; the rest are warnings of their own.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Skip {
    /// Counted in the tally.
    Counted,
    /// Worth a warning naming the component.
    Bad(String),
}

/// Builds the package a candidate describes.
pub(crate) fn build(c: Candidate, tally: &mut Tally) -> Result<Package, Skip> {
    let parsed = c.purl.as_deref().map(Purl::parse);
    let hinted = c
        .type_hint
        .as_deref()
        .and_then(purl::ecosystem_of_type)
        .filter(|_| c.drydock);
    let (ecosystem, purl) = match parsed {
        Some(Ok(p)) => match p.ecosystem() {
            Some(e) => (e, Some(p)),
            None => {
                *tally.unsupported.entry(type_label(&p.ty)).or_default() += 1;
                return Err(Skip::Counted);
            }
        },
        Some(Err(e)) => match (hinted, c.purl.as_deref().and_then(purl::type_prefix)) {
            (Some(h), _) => (h, None),
            (None, Some(ty)) if purl::ecosystem_of_type(&ty.to_ascii_lowercase()).is_none() => {
                *tally.unsupported.entry(type_label(ty)).or_default() += 1;
                return Err(Skip::Counted);
            }
            _ => {
                let written = c.purl.as_deref().unwrap_or_default();
                return Err(Skip::Bad(format!(
                    "purl {:?} is not valid: {e}",
                    crate::json::shorten(written)
                )));
            }
        },
        None => match hinted {
            Some(h) => (h, None),
            None => {
                tally.no_purl();
                return Err(Skip::Counted);
            }
        },
    };

    let (name, namespace) = identity(&c, ecosystem, purl.as_ref())?;
    let mut version = version(&c, purl.as_ref());
    // drydock versions the Go standard library by toolchain (`go1.19.8`),
    // as Go itself does; some purls drop the prefix.
    if ecosystem == Ecosystem::Golang
        && name == "stdlib"
        && version.starts_with(|c: char| c.is_ascii_digit())
    {
        version.insert_str(0, "go");
    }
    let purl_string = c
        .purl
        .clone()
        .or_else(|| c.malformed_purl.clone())
        .unwrap_or_default();

    let source = if ecosystem.is_os() {
        source(&c, ecosystem, purl.as_ref(), &name, &version)
    } else {
        None
    };
    let arch = c.arch.clone().or_else(|| {
        purl.as_ref()
            .and_then(|p| p.qualifier("arch"))
            .map(str::to_owned)
    });
    let metadata = metadata(&c, ecosystem, purl.as_ref(), &name, &version);
    let (layer, locations) = evidence(&c, ecosystem, tally);

    if ecosystem.is_os()
        && let Some(d) = purl
            .as_ref()
            .and_then(|p| p.qualifier("distro"))
            .and_then(distro::from_qualifier)
    {
        tally.votes.add(d);
    }

    Ok(Package {
        name,
        version,
        ecosystem,
        purl: purl_string,
        namespace,
        licenses: c.licenses,
        arch,
        source,
        layer,
        locations,
        found_by: c
            .found_by
            .filter(|f| !f.is_empty())
            .unwrap_or_else(|| UNKNOWN_FOUND_BY.to_owned()),
        metadata,
    })
}

/// A purl type as shown in the skipped-types warning.
fn type_label(ty: &str) -> String {
    crate::json::shorten(&ty.to_ascii_lowercase())
}

/// Name and namespace, in drydock's conventions.
fn identity(
    c: &Candidate,
    ecosystem: Ecosystem,
    purl: Option<&Purl>,
) -> Result<(String, Option<String>), Skip> {
    let given = c.name.as_deref().filter(|n| !n.is_empty());
    let group = c.group.clone().filter(|g| !g.is_empty());
    let Some(p) = purl else {
        let name = given.ok_or_else(|| Skip::Bad("no name".to_owned()))?;
        return Ok((name.to_owned(), group));
    };
    let derived = match (ecosystem, &p.namespace) {
        // A Go module's name is its whole path.
        (Ecosystem::Golang, Some(ns)) => format!("{ns}/{}", p.name),
        _ => p.name.clone(),
    };
    let namespace = match ecosystem {
        // The OS packages' purl namespace is the vendor, not part of the name.
        Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm | Ecosystem::Golang => None,
        _ => p.namespace.clone(),
    };
    match given {
        Some(g) if same_name(g, &derived, ecosystem) => Ok((g.to_owned(), namespace)),
        // drydock writes the package's own name; a purl that disagrees lost
        // something when it was built, so the purl's namespace is suspect too.
        Some(g) if c.drydock => Ok((g.to_owned(), group)),
        _ => Ok((derived, namespace)),
    }
}

/// True when a component spells the purl's name another way: purl parsers
/// lowercase some types, and PyPI compares PEP 503 normalised names.
fn same_name(given: &str, derived: &str, ecosystem: Ecosystem) -> bool {
    given == derived
        || given.to_lowercase() == derived.to_lowercase()
        || (ecosystem == Ecosystem::Pypi && purl::pep503(given) == purl::pep503(derived))
}

fn version(c: &Candidate, purl: Option<&Purl>) -> String {
    let given = c.version.clone().filter(|v| !v.is_empty());
    let from_purl = purl.and_then(|p| p.version.clone());
    let full = c.full_version.clone().filter(|v| !v.is_empty());
    let ordered = if c.drydock {
        [full, given, from_purl]
    } else {
        [full, from_purl, given]
    };
    ordered.into_iter().flatten().next().unwrap_or_default()
}

fn source(
    c: &Candidate,
    ecosystem: Ecosystem,
    purl: Option<&Purl>,
    name: &str,
    version: &str,
) -> Option<SourcePackage> {
    if let Some(name) = c.source_name.clone().filter(|n| !n.is_empty()) {
        let version = c
            .source_version
            .clone()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| version.to_owned());
        return Some(SourcePackage { name, version });
    }
    let Some(upstream) = purl.and_then(|p| p.qualifier("upstream")) else {
        // A Debian purl names its source only when it differs from the
        // binary package, so none means the package is its own source, as
        // drydock's dpkg cataloger records it. (drydock's own components
        // say so in a property when they have a source.)
        return (ecosystem == Ecosystem::Deb && purl.is_some() && !c.drydock).then(|| {
            SourcePackage {
                name: name.to_owned(),
                version: version.to_owned(),
            }
        });
    };
    if ecosystem == Ecosystem::Rpm {
        let (name, version) = split_source_rpm(upstream)?;
        return Some(SourcePackage { name, version });
    }
    let (name, v) = match upstream.split_once('@') {
        Some((n, v)) if !v.is_empty() => (n, v),
        Some((n, _)) => (n, version),
        None => (upstream, version),
    };
    (!name.is_empty()).then(|| SourcePackage {
        name: name.to_owned(),
        version: v.to_owned(),
    })
}

/// `openssl-3.0.7-25.el9.src.rpm` → (`openssl`, `3.0.7-25.el9`).
fn split_source_rpm(file: &str) -> Option<(String, String)> {
    let stem = file.strip_suffix(".rpm")?;
    let (nvr, arch) = stem.rsplit_once('.')?;
    let (nv, release) = nvr.rsplit_once('-')?;
    let (name, version) = nv.rsplit_once('-')?;
    if arch.is_empty() || name.is_empty() || version.is_empty() || release.is_empty() {
        return None;
    }
    Some((name.to_owned(), format!("{version}-{release}")))
}

fn metadata(
    c: &Candidate,
    ecosystem: Ecosystem,
    purl: Option<&Purl>,
    name: &str,
    version: &str,
) -> Metadata {
    let rpm_facts = c.rpm.epoch.is_some() || c.rpm.release.is_some() || c.rpm.source_rpm.is_some();
    match ecosystem {
        // drydock writes rpm properties whenever it has rpm metadata, so
        // their absence from its components means there was none.
        Ecosystem::Rpm if c.drydock && !rpm_facts => Metadata::None,
        Ecosystem::Rpm => {
            let epoch = c
                .rpm
                .epoch
                .as_deref()
                .or_else(|| purl.and_then(|p| p.qualifier("epoch")))
                .and_then(|e| e.trim().parse::<i32>().ok());
            let release = c.rpm.release.clone().unwrap_or_else(|| {
                version
                    .rsplit_once('-')
                    .map(|(_, r)| r.to_owned())
                    .unwrap_or_default()
            });
            let source_rpm = c.rpm.source_rpm.clone().or_else(|| {
                purl.and_then(|p| p.qualifier("upstream"))
                    .filter(|u| u.ends_with(".rpm"))
                    .map(str::to_owned)
            });
            Metadata::Rpm {
                epoch,
                release,
                source_rpm,
                modularity_label: c.rpm.modularity_label.clone(),
            }
        }
        Ecosystem::Golang => match &c.go.toolchain {
            Some(t) if !t.is_empty() => Metadata::Golang {
                go_version: t.clone(),
                main_module: c.go.main_module.clone().filter(|m| !m.is_empty()),
                main: match c.go.main.as_deref().map(str::trim) {
                    Some("true") => true,
                    Some(_) => false,
                    None => c.go.main_module.as_deref() == Some(name),
                },
            },
            _ => Metadata::None,
        },
        // drydock's java cataloger gives every Maven package Java metadata.
        Ecosystem::Maven => Metadata::Java {
            sha1: c.sha1.clone().filter(|s| !s.is_empty()),
        },
        _ => Metadata::None,
    }
}

/// Package databases: for OS packages these are the primary evidence even
/// when a producer lists them after the package's other files.
fn is_package_db(path: &str) -> bool {
    path == "/var/lib/dpkg/status"
        || path.starts_with("/var/lib/dpkg/status.d/")
        || path == "/lib/apk/db/installed"
        || path.starts_with("/var/lib/rpm/")
        || path.starts_with("/usr/lib/sysimage/rpm/")
        || path.starts_with("/usr/share/rpm/")
}

fn digest(s: Option<&str>, tally: &mut Tally) -> Option<Digest> {
    let s = s?.trim();
    if s.is_empty() {
        return None;
    }
    match s.parse() {
        Ok(d) => Some(d),
        Err(_) => {
            tally.bad_digests += 1;
            None
        }
    }
}

/// The package's layer and its locations, primary first.
fn evidence(c: &Candidate, ecosystem: Ecosystem, tally: &mut Tally) -> (LayerRef, Vec<Location>) {
    let mut raw: Vec<RawLocation> = c
        .locations
        .iter()
        .filter(|l| !l.path.is_empty())
        .cloned()
        .collect();
    // Without roles from the document, the first location is primary,
    // except that an OS package's database entry beats its other files.
    if raw.iter().all(|l| l.evidence.is_none())
        && ecosystem.is_os()
        && let Some(i) = raw.iter().position(|l| is_package_db(&l.path))
    {
        let db = raw.remove(i);
        raw.insert(0, db);
    }
    let primary_at = raw
        .iter()
        .position(|l| l.evidence == Some(Evidence::Primary))
        .unwrap_or(0);

    let located: Vec<(RawLocation, Option<Digest>)> = raw
        .into_iter()
        .map(|l| {
            let diff = digest(l.diff_id.as_deref(), tally);
            (l, diff)
        })
        .collect();

    let explicit_index = c
        .layer_index
        .as_deref()
        .and_then(|s| s.trim().parse::<usize>().ok());
    let explicit_diff = digest(c.layer_diff_id.as_deref(), tally);
    // Without the package's own layer, the primary evidence's stands in.
    let layer = match (explicit_index, explicit_diff, located.get(primary_at)) {
        (None, None, Some((p, diff))) => LayerRef {
            index: p.index.unwrap_or(0),
            diff_id: diff.clone(),
        },
        (index, diff_id, _) => LayerRef {
            index: index.unwrap_or(0),
            diff_id,
        },
    };

    let locations = located
        .into_iter()
        .enumerate()
        .map(|(i, (l, diff))| {
            // A location's missing layer facts are the package's when the
            // known half agrees with it.
            let layer = match (l.index, diff) {
                (None, None) => layer.clone(),
                (Some(index), None) => LayerRef {
                    index,
                    diff_id: layer.diff_id.clone().filter(|_| index == layer.index),
                },
                (None, Some(d)) => LayerRef {
                    index: if layer.diff_id.as_ref() == Some(&d) {
                        layer.index
                    } else {
                        0
                    },
                    diff_id: Some(d),
                },
                (Some(index), Some(d)) => LayerRef {
                    index,
                    diff_id: Some(d),
                },
            };
            let role = if i == primary_at {
                Evidence::Primary
            } else {
                Evidence::Supporting
            };
            Location {
                path: l.path,
                layer,
                evidence: l.evidence.unwrap_or(role),
            }
        })
        .collect();
    (layer, locations)
}

/// A drydock `Distro` from a document's operating-system entry.
pub(crate) fn os_distro(
    id: Option<String>,
    version_id: Option<String>,
    codename: Option<String>,
    pretty_name: Option<String>,
    id_like: Vec<String>,
) -> Option<Distro> {
    let id = id?.trim().to_ascii_lowercase();
    if id.is_empty() {
        return None;
    }
    let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Some(Distro {
        id,
        version_id: non_empty(version_id),
        codename: non_empty(codename),
        pretty_name: non_empty(pretty_name),
        id_like: id_like.into_iter().filter(|s| !s.is_empty()).collect(),
    })
}

/// Every layer the packages and their locations name, in order.
pub(crate) fn layers_of(packages: &[Package]) -> Vec<(usize, Option<String>)> {
    let mut set = BTreeSet::new();
    for p in packages {
        for l in std::iter::once(&p.layer).chain(p.locations.iter().map(|l| &l.layer)) {
            set.insert((l.index, l.diff_id.as_ref().map(ToString::to_string)));
        }
    }
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(purl: &str) -> Candidate {
        Candidate {
            purl: Some(purl.to_owned()),
            ..Candidate::default()
        }
    }

    #[test]
    fn deb_upstream_forms() {
        let mut t = Tally::default();
        let p = build(
            cand("pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u3?arch=amd64&upstream=openssl&distro=debian-11"),
            &mut t,
        )
        .unwrap();
        assert_eq!(
            p.source,
            Some(SourcePackage {
                name: "openssl".into(),
                version: "1.1.1n-0+deb11u3".into()
            })
        );
        assert_eq!(p.arch.as_deref(), Some("amd64"));
        assert_eq!(p.namespace, None);
        let p = build(
            cand("pkg:deb/debian/bash@5.2.15-2%2Bb13?upstream=bash%405.2.15-2"),
            &mut t,
        )
        .unwrap();
        assert_eq!(p.source.unwrap().version, "5.2.15-2");
    }

    #[test]
    fn rpm_from_purl() {
        let mut t = Tally::default();
        let p = build(
            cand("pkg:rpm/redhat/openssl-libs@3.0.7-25.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-25.el9.src.rpm"),
            &mut t,
        )
        .unwrap();
        assert_eq!(p.version, "3.0.7-25.el9");
        assert_eq!(
            p.metadata,
            Metadata::Rpm {
                epoch: Some(1),
                release: "25.el9".into(),
                source_rpm: Some("openssl-3.0.7-25.el9.src.rpm".into()),
                modularity_label: None
            }
        );
        assert_eq!(
            p.source,
            Some(SourcePackage {
                name: "openssl".into(),
                version: "3.0.7-25.el9".into()
            })
        );
    }

    #[test]
    fn names_follow_drydock_conventions() {
        let mut t = Tally::default();
        let mut c = cand("pkg:golang/github.com/docker/distribution@v2.8.2%2Bds1#cmd/registry");
        c.name = Some("github.com/docker/distribution/cmd/registry".into());
        let p = build(c, &mut t).unwrap();
        assert_eq!(p.name, "github.com/docker/distribution");
        assert_eq!(p.namespace, None);
        assert_eq!(p.version, "v2.8.2+ds1");

        let mut c = cand("pkg:pypi/django@2.2.1");
        c.name = Some("Django".into());
        assert_eq!(build(c, &mut t).unwrap().name, "Django");

        let mut c = cand("pkg:npm/%40babel/core@7.24.0");
        c.name = Some("@babel/core".into());
        let p = build(c, &mut t).unwrap();
        assert_eq!(
            (p.name.as_str(), p.namespace.as_deref()),
            ("core", Some("@babel"))
        );

        let p = build(
            cand("pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"),
            &mut t,
        )
        .unwrap();
        assert_eq!(p.namespace.as_deref(), Some("org.apache.logging.log4j"));
        assert_eq!(p.metadata, Metadata::Java { sha1: None });
    }

    #[test]
    fn skips_are_counted() {
        let mut t = Tally::default();
        assert_eq!(build(cand("pkg:generic/x@1"), &mut t), Err(Skip::Counted));
        assert_eq!(build(cand("pkg:binary/y@1"), &mut t), Err(Skip::Counted));
        assert_eq!(build(cand("pkg:binary/z@1"), &mut t), Err(Skip::Counted));
        assert_eq!(build(Candidate::default(), &mut t), Err(Skip::Counted));
        assert!(matches!(build(cand("pkg:npm"), &mut t), Err(Skip::Bad(_))));
        assert_eq!(
            t.warnings("component"),
            [
                "skipped 3 components with purl types drydock does not match: binary (2), generic (1)",
                "skipped 1 component without a purl"
            ]
        );
    }

    #[test]
    fn package_database_is_primary() {
        let mut t = Tally::default();
        let mut c = cand("pkg:deb/debian/adduser@3.134");
        let d1 = format!("sha256:{}", "1".repeat(64));
        let d2 = format!("sha256:{}", "2".repeat(64));
        c.locations = vec![
            RawLocation {
                diff_id: Some(d1.clone()),
                ..RawLocation::path("/usr/share/doc/adduser/copyright".into())
            },
            RawLocation {
                diff_id: Some(d2.clone()),
                ..RawLocation::path("/var/lib/dpkg/status".into())
            },
        ];
        let p = build(c, &mut t).unwrap();
        assert_eq!(p.primary_path(), Some("/var/lib/dpkg/status"));
        assert_eq!(p.layer.diff_id.unwrap().to_string(), d2);
        assert_eq!(p.locations[1].evidence, Evidence::Supporting);
        assert_eq!(
            p.locations[1].layer.diff_id.as_ref().unwrap().to_string(),
            d1
        );
    }
}
