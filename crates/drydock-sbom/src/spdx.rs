//! SPDX JSON (2.2, 2.3).

use drydock_inventory::{Distro, Evidence, Inventory};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{self, Doc, Many, RawList, Strings, Text, Warnings};
use crate::package::{self, Candidate, RawLocation, Skip, Tally};
use crate::{LoadedSbom, SbomError, SbomFormat, unknown};

/// The document-level fields read besides `packages`.
pub(crate) struct TopFields<'a> {
    pub name: Option<&'a RawValue>,
    pub creation_info: Option<&'a RawValue>,
    pub comment: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct SpdxPackage<'a> {
    #[serde(default, borrow)]
    name: Text<'a>,
    #[serde(rename = "versionInfo", default, borrow)]
    version_info: Text<'a>,
    #[serde(rename = "externalRefs", default, borrow)]
    external_refs: Many<ExternalRef<'a>>,
    #[serde(rename = "sourceInfo", default, borrow)]
    source_info: Text<'a>,
    #[serde(default, borrow)]
    comment: Text<'a>,
    #[serde(rename = "licenseDeclared", default, borrow)]
    license_declared: Text<'a>,
    #[serde(rename = "primaryPackagePurpose", default, borrow)]
    purpose: Text<'a>,
    #[serde(default, borrow)]
    checksums: Many<Checksum<'a>>,
    #[serde(default, borrow)]
    description: Text<'a>,
}

#[derive(Deserialize)]
struct ExternalRef<'a> {
    #[serde(rename = "referenceType", default, borrow)]
    reference_type: Text<'a>,
    #[serde(rename = "referenceLocator", default, borrow)]
    reference_locator: Text<'a>,
}

#[derive(Deserialize)]
struct Checksum<'a> {
    #[serde(default, borrow)]
    algorithm: Text<'a>,
    #[serde(rename = "checksumValue", default, borrow)]
    checksum_value: Text<'a>,
}

#[derive(Deserialize, Default)]
struct CreationInfo<'a> {
    #[serde(default, borrow)]
    creators: Strings<'a>,
}

pub(crate) fn read(
    doc: &Doc<'_>,
    top: TopFields<'_>,
    packages: Option<&RawList<'_>>,
) -> Result<LoadedSbom, SbomError> {
    let mut warnings = Warnings::default();
    let mut tally = Tally::default();
    let creation: CreationInfo<'_> = json::lenient(top.creation_info).unwrap_or_default();
    // drydock's own documents carry facts in `sourceInfo` and `comment`
    // that are worth reading back; other producers' free text is not
    // trusted to follow drydock's shapes.
    let by_drydock = creation
        .creators
        .0
        .iter()
        .filter_map(Text::get)
        .any(|c| c.starts_with("Tool: drydock-"));

    let mut out = Vec::new();
    let mut os: Option<Distro> = None;
    let list = packages.map_or(&[][..], |l| &l.0[..]);
    // `RawList` already refused more than `MAX_COMPONENTS` packages.
    for raw in list {
        let p: SpdxPackage<'_> = match json::parse(raw) {
            Ok(p) => p,
            Err(e) => {
                warnings.push(format!(
                    "package skipped at {}",
                    doc.value_warning(raw.get(), &e)
                ));
                continue;
            }
        };
        let purpose = p.purpose.get().unwrap_or("").to_ascii_uppercase();
        match purpose.as_str() {
            "OPERATING_SYSTEM" | "OPERATING-SYSTEM" => {
                if os.is_none() {
                    os = package::os_distro(
                        p.name.owned(),
                        p.version_info.owned(),
                        None,
                        p.description.owned(),
                        Vec::new(),
                    );
                }
                continue;
            }
            // The image itself and other things that are not installed
            // packages.
            "CONTAINER" | "FILE" | "DEVICE" | "FIRMWARE" | "SOURCE" | "OTHER" => continue,
            _ => {}
        }
        match package::build(candidate(&p, by_drydock), &mut tally) {
            Ok(pkg) => out.push(pkg),
            Err(Skip::Counted) => {}
            Err(Skip::Bad(why)) => {
                let (line, column) = doc.position_of(raw.get());
                let name = p.name.get().map(json::shorten).unwrap_or_default();
                warnings.push(format!(
                    "package {name:?} at line {line}, column {column} skipped: {why}"
                ));
            }
        }
    }

    let mut unknowns = Vec::new();
    if by_drydock
        && let Some(comment) = json::lenient::<Text<'_>>(top.comment).and_then(|t| t.owned())
    {
        for line in comment.lines() {
            if let Some(w) = line.strip_prefix("warning: ") {
                warnings.push(format!("recorded by the scan: {}", json::printable(w)));
            } else if let Some(u) = line.strip_prefix("unknown: ") {
                match unknown::parse(u, &[]) {
                    Some(u) => unknowns.push(u),
                    None => warnings.push(format!(
                        "recorded unknown not understood: {}",
                        json::shorten(u)
                    )),
                }
            }
        }
    }

    let mut distro = os;
    if distro.is_none()
        && let Some((d, warning)) = std::mem::take(&mut tally.votes).winner()
    {
        if let Some(w) = warning {
            warnings.push(w);
        }
        distro = Some(d);
    }
    for w in tally.warnings("package") {
        warnings.push(w);
    }
    let layers = package::layers_of(&out);
    let mut inventory = Inventory {
        distro,
        packages: out,
        unknowns,
    };
    inventory.sort();
    Ok(LoadedSbom {
        inventory,
        target_name: json::lenient::<Text<'_>>(top.name).and_then(|t| t.owned()),
        format: SbomFormat::Spdx,
        warnings: warnings.finish(),
        layers,
    })
}

fn candidate(p: &SpdxPackage<'_>, by_drydock: bool) -> Candidate {
    let purl = p
        .external_refs
        .0
        .iter()
        .find(|r| {
            r.reference_type
                .get()
                .is_some_and(|t| t.eq_ignore_ascii_case("purl"))
        })
        .and_then(|r| r.reference_locator.get())
        .map(|s| s.trim().to_owned());
    let licenses = p
        .license_declared
        .get()
        .filter(|l| !matches!(*l, "NOASSERTION" | "NONE"))
        .map(|l| vec![l.to_owned()])
        .unwrap_or_default();
    let sha1 = p
        .checksums
        .0
        .iter()
        .find(|c| {
            c.algorithm
                .get()
                .is_some_and(|a| a.eq_ignore_ascii_case("SHA1"))
        })
        .and_then(|c| c.checksum_value.owned());
    let mut c = Candidate {
        purl,
        name: p.name.owned(),
        version: p.version_info.owned(),
        licenses,
        sha1,
        ..Candidate::default()
    };
    let info = p.source_info.get().unwrap_or_default();
    if by_drydock {
        // drydock writes the package's own name and version.
        c.drydock = true;
        if let Some((found_by, locations, index)) = drydock_source_info(info) {
            c.found_by = Some(found_by);
            c.locations = locations;
            c.layer_index = index.map(|i| i.to_string());
        }
        for part in p.comment.get().unwrap_or_default().split("; ") {
            if let Some(ns) = part.strip_prefix("namespace ") {
                c.group = Some(ns.to_owned());
            } else if let Some(a) = part.strip_prefix("arch ") {
                c.arch = Some(a.to_owned());
            } else if let Some((name, version)) = part
                .strip_prefix("source package ")
                .and_then(|s| s.split_once(' '))
            {
                c.source_name = Some(name.to_owned());
                c.source_version = Some(version.to_owned());
            }
        }
    } else {
        c.locations = other_source_info(info);
    }
    c
}

/// drydock's `sourceInfo`: `found by drydock cataloger NAME at PATH (layer
/// N, DIGEST), PATH (layer N)…`, or `… in layer N` without locations.
/// Returns the cataloger, the locations (primary first) and the layer
/// index when there are no locations.
fn drydock_source_info(s: &str) -> Option<(String, Vec<RawLocation>, Option<usize>)> {
    let rest = s.strip_prefix("found by drydock cataloger ")?;
    if let Some((found_by, locs)) = rest.split_once(" at ") {
        return Some((found_by.to_owned(), drydock_locations(locs)?, None));
    }
    let (found_by, index) = rest.rsplit_once(" in layer ")?;
    Some((found_by.to_owned(), Vec::new(), Some(index.parse().ok()?)))
}

fn drydock_locations(mut s: &str) -> Option<Vec<RawLocation>> {
    const MARK: &str = " (layer ";
    let mut out: Vec<RawLocation> = Vec::new();
    loop {
        let at = s.find(MARK)?;
        let path = s.get(..at)?;
        let after = s.get(at + MARK.len()..)?;
        let close = after.find(')')?;
        let inner = after.get(..close)?;
        let (index, diff) = match inner.split_once(", ") {
            Some((i, d)) => (i, Some(d.to_owned())),
            None => (inner, None),
        };
        out.push(RawLocation {
            path: path.to_owned(),
            index: Some(index.parse().ok()?),
            diff_id: diff,
            evidence: Some(if out.is_empty() {
                Evidence::Primary
            } else {
                Evidence::Supporting
            }),
        });
        s = after.get(close + 1..)?;
        if s.is_empty() {
            return Some(out);
        }
        s = s.strip_prefix(", ")?;
    }
}

/// syft's `sourceInfo`: `acquired package info from WHAT: PATH, PATH…`.
fn other_source_info(s: &str) -> Vec<RawLocation> {
    let Some(rest) = s.strip_prefix("acquired package info from ") else {
        return Vec::new();
    };
    let Some((_, paths)) = rest.split_once(": /") else {
        return Vec::new();
    };
    std::iter::once(format!("/{}", paths.split(", ").next().unwrap_or_default()))
        .chain(paths.split(", ").skip(1).map(str::to_owned))
        .filter(|p| p.starts_with('/') && p.len() > 1)
        .map(RawLocation::path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drydock_source_infos() {
        let d = format!("sha256:{}", "b".repeat(64));
        let (by, locs, idx) = drydock_source_info(&format!(
            "found by drydock cataloger dpkg-db-cataloger at /var/lib/dpkg/status (layer 1, {d}), /var/lib/dpkg/info/x.list (layer 0)"
        ))
        .unwrap();
        assert_eq!(by, "dpkg-db-cataloger");
        assert_eq!(idx, None);
        assert_eq!(locs.len(), 2);
        assert_eq!(locs[0].path, "/var/lib/dpkg/status");
        assert_eq!(locs[0].index, Some(1));
        assert_eq!(locs[0].diff_id.as_deref(), Some(d.as_str()));
        assert_eq!(locs[0].evidence, Some(Evidence::Primary));
        assert_eq!(locs[1].evidence, Some(Evidence::Supporting));
        assert_eq!(locs[1].diff_id, None);

        let (by, locs, idx) =
            drydock_source_info("found by drydock cataloger npm-cataloger in layer 3").unwrap();
        assert_eq!(
            (by.as_str(), locs.len(), idx),
            ("npm-cataloger", 0, Some(3))
        );
        assert!(drydock_source_info("found by drydock cataloger x at /p (layer q)").is_none());
        assert!(drydock_source_info("acquired package info").is_none());
    }

    #[test]
    fn syft_source_infos() {
        let locs = other_source_info(
            "acquired package info from DPKG DB: /usr/share/doc/adduser/copyright, /var/lib/dpkg/status",
        );
        let paths: Vec<&str> = locs.iter().map(|l| l.path.as_str()).collect();
        assert_eq!(
            paths,
            ["/usr/share/doc/adduser/copyright", "/var/lib/dpkg/status"]
        );
        assert!(other_source_info("something else: /x").is_empty());
    }
}
