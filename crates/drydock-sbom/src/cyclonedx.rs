//! CycloneDX JSON (1.2 to 1.6).

use std::collections::BTreeMap;

use drydock_inventory::{Distro, Evidence, Inventory};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::json::{self, Doc, Many, Obj, Property, Props, RawList, Text, Warnings};
use crate::package::{self, Candidate, GoFacts, RawLocation, RpmFacts, Skip, Tally};
use crate::{LoadedSbom, MAX_COMPONENT_DEPTH, MAX_COMPONENTS, SbomError, SbomFormat, unknown};

#[derive(Deserialize)]
struct Component<'a> {
    #[serde(rename = "type", default, borrow)]
    kind: Text<'a>,
    #[serde(default, borrow)]
    name: Text<'a>,
    #[serde(default, borrow)]
    version: Text<'a>,
    #[serde(default, borrow)]
    group: Text<'a>,
    #[serde(default, borrow)]
    purl: Text<'a>,
    #[serde(default, borrow)]
    description: Text<'a>,
    #[serde(default, borrow)]
    properties: Many<Property<'a>>,
    #[serde(default, borrow)]
    licenses: Many<LicenseChoice<'a>>,
    #[serde(default, borrow)]
    hashes: Many<Hash<'a>>,
    #[serde(rename = "externalReferences", default, borrow)]
    external_references: Many<ExternalReference<'a>>,
    #[serde(default, borrow)]
    evidence: Obj<ComponentEvidence<'a>>,
    #[serde(borrow, default)]
    components: Option<RawList<'a>>,
}

#[derive(Deserialize)]
struct LicenseChoice<'a> {
    #[serde(default, borrow)]
    license: Obj<LicenseObj<'a>>,
    #[serde(default, borrow)]
    expression: Text<'a>,
}

#[derive(Deserialize)]
struct LicenseObj<'a> {
    #[serde(default, borrow)]
    id: Text<'a>,
    #[serde(default, borrow)]
    name: Text<'a>,
}

#[derive(Deserialize)]
struct Hash<'a> {
    #[serde(default, borrow)]
    alg: Text<'a>,
    #[serde(default, borrow)]
    content: Text<'a>,
}

#[derive(Deserialize)]
struct ExternalReference<'a> {
    #[serde(default, borrow)]
    hashes: Many<Hash<'a>>,
}

#[derive(Deserialize)]
struct ComponentEvidence<'a> {
    #[serde(default, borrow)]
    occurrences: Many<Occurrence<'a>>,
}

#[derive(Deserialize)]
struct Occurrence<'a> {
    #[serde(default, borrow)]
    location: Text<'a>,
    #[serde(rename = "additionalContext", default, borrow)]
    additional_context: Text<'a>,
}

#[derive(Deserialize, Default)]
struct Metadata<'a> {
    #[serde(default, borrow)]
    component: Obj<MetaComponent<'a>>,
    #[serde(default, borrow)]
    properties: Many<Property<'a>>,
}

#[derive(Deserialize)]
struct MetaComponent<'a> {
    #[serde(default, borrow)]
    name: Text<'a>,
    #[serde(default, borrow)]
    version: Text<'a>,
    #[serde(default, borrow)]
    properties: Many<Property<'a>>,
}

/// State of one read.
struct Reader<'d> {
    doc: &'d Doc<'d>,
    tally: Tally,
    warnings: Warnings,
    packages: Vec<drydock_inventory::Package>,
    os: Option<Distro>,
    seen: usize,
}

pub(crate) fn read(
    doc: &Doc<'_>,
    metadata: Option<&RawValue>,
    components: Option<&RawList<'_>>,
) -> Result<LoadedSbom, SbomError> {
    let mut r = Reader {
        doc,
        tally: Tally::default(),
        warnings: Warnings::default(),
        packages: Vec::new(),
        os: None,
        seen: 0,
    };
    let meta = match metadata.map(json::parse::<Metadata<'_>>) {
        Some(Ok(m)) => m,
        Some(Err(e)) => {
            let raw = metadata.map(RawValue::get).unwrap_or_default();
            r.warnings
                .push(format!("metadata ignored: {}", doc.value_warning(raw, &e)));
            Metadata::default()
        }
        None => Metadata::default(),
    };
    if let Some(list) = components {
        r.count(list)?;
        r.walk(list, 1)?;
    }

    let meta_props = Props(&meta.properties.0);
    let root = meta.component.0.as_ref();
    let root_props = root.map_or(Props(&[]), |c| Props(&c.properties.0));
    let target_name = meta_props
        .get("drydock:target:name")
        .map(str::to_owned)
        .or_else(|| root.and_then(|c| target_name(c.name.get()?, c.version.get())));

    let layers = image_layers(root_props);
    let mut unknowns = Vec::new();
    for u in meta_props.all("drydock:unknown") {
        match unknown::parse(u, &layers) {
            Some(u) => unknowns.push(u),
            None => r.warnings.push(format!(
                "recorded unknown not understood: {}",
                json::shorten(u)
            )),
        }
    }
    for w in meta_props.all("drydock:warning") {
        r.warnings
            .push(format!("recorded by the scan: {}", json::printable(w)));
    }

    let mut distro = r.os.take();
    let votes = std::mem::take(&mut r.tally.votes);
    if distro.is_none()
        && let Some((d, warning)) = votes.winner()
    {
        if let Some(w) = warning {
            r.warnings.push(w);
        }
        distro = Some(d);
    }
    for w in r.tally.warnings("component") {
        r.warnings.push(w);
    }
    let layers = if layers.is_empty() {
        package::layers_of(&r.packages)
    } else {
        layers
    };
    let mut inventory = Inventory {
        distro,
        packages: r.packages,
        unknowns,
    };
    inventory.sort();
    Ok(LoadedSbom {
        inventory,
        target_name,
        format: SbomFormat::CycloneDx,
        warnings: r.warnings.finish(),
        layers,
    })
}

/// `name:tag`, or `name@digest` when the version is a digest.
fn target_name(name: &str, version: Option<&str>) -> Option<String> {
    Some(match version {
        Some(v) if v.starts_with("sha256:") || v.starts_with("sha512:") => format!("{name}@{v}"),
        Some(v) => format!("{name}:{v}"),
        None => name.to_owned(),
    })
}

/// drydock's `drydock:image:layer` values: `index diff_id size created_by`
/// with `-` for unknowns.
fn image_layers(props: Props<'_, '_>) -> Vec<(usize, Option<String>)> {
    let mut out: Vec<(usize, Option<String>)> = props
        .all("drydock:image:layer")
        .filter_map(|v| {
            let mut parts = v.split(' ');
            let index = parts.next()?.parse().ok()?;
            let diff = parts.next().filter(|d| *d != "-").map(str::to_owned);
            Some((index, diff))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Reader<'_> {
    /// Counts a list of components as found, refusing more than
    /// [`MAX_COMPONENTS`] in all. Lists are counted when they are parsed,
    /// before any of their members is, so at most one list beyond the
    /// limit is ever held.
    fn count(&mut self, list: &RawList<'_>) -> Result<(), SbomError> {
        self.seen = self.seen.saturating_add(list.0.len());
        if self.seen > MAX_COMPONENTS {
            return Err(SbomError::TooManyComponents {
                what: self.doc.what.to_owned(),
                limit: MAX_COMPONENTS,
            });
        }
        Ok(())
    }

    fn walk(&mut self, list: &RawList<'_>, depth: usize) -> Result<(), SbomError> {
        for raw in &list.0 {
            if depth > MAX_COMPONENT_DEPTH {
                let (line, column) = self.doc.position_of(raw.get());
                return Err(SbomError::TooDeep {
                    what: self.doc.what.to_owned(),
                    line,
                    column,
                    limit: MAX_COMPONENT_DEPTH,
                });
            }
            let mut c: Component<'_> = match json::parse(raw) {
                Ok(c) => c,
                Err(e) => {
                    self.warnings.push(format!(
                        "component skipped at {}",
                        self.doc.value_warning(raw.get(), &e)
                    ));
                    continue;
                }
            };
            self.component(&c, raw.get());
            let children = c.components.take();
            // Only the lists on the path down stay alive while descending,
            // not every ancestor's properties.
            drop(c);
            if let Some(children) = children {
                self.count(&children)?;
                self.walk(&children, depth + 1)?;
            }
        }
        Ok(())
    }

    fn component(&mut self, c: &Component<'_>, raw: &str) {
        let props = Props(&c.properties.0);
        let kind = c.kind.get().unwrap_or("library");
        if kind == "operating-system" {
            self.os_component(c, props);
            return;
        }
        let drydock = props.drydock("type").is_some();
        if c.purl.get().is_none()
            && !drydock
            && !matches!(kind, "library" | "framework" | "application")
        {
            // Files, containers, devices and the like are not packages.
            return;
        }
        let candidate = candidate(c, props, drydock);
        match package::build(candidate, &mut self.tally) {
            Ok(p) => self.packages.push(p),
            Err(Skip::Counted) => {}
            Err(Skip::Bad(why)) => {
                let (line, column) = self.doc.position_of(raw);
                let name = c.name.get().map(json::shorten).unwrap_or_default();
                self.warnings.push(format!(
                    "component {name:?} at line {line}, column {column} skipped: {why}"
                ));
            }
        }
    }

    fn os_component(&mut self, c: &Component<'_>, props: Props<'_, '_>) {
        let id_like: Vec<String> = props
            .all("drydock:os:id-like")
            .map(str::to_owned)
            .chain(
                props
                    .all("syft:distro:idLike")
                    .flat_map(|v| v.split([',', ' ']))
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            )
            .collect();
        let Some(d) = package::os_distro(
            props.owned(&["syft:distro:id"]).or_else(|| c.name.owned()),
            c.version
                .owned()
                .or_else(|| props.owned(&["syft:distro:versionID"])),
            props.owned(&["drydock:os:codename", "syft:distro:versionCodename"]),
            c.description
                .owned()
                .or_else(|| props.owned(&["syft:distro:prettyName"])),
            id_like,
        ) else {
            return;
        };
        match &self.os {
            None => self.os = Some(d),
            Some(first) if first.id != d.id || first.version_id != d.version_id => {
                self.warnings.push(format!(
                    "several operating-system components; using {}",
                    json::shorten(&first.purl_qualifier())
                ));
            }
            Some(_) => {}
        }
    }
}

fn candidate(c: &Component<'_>, props: Props<'_, '_>, drydock: bool) -> Candidate {
    let licenses = c
        .licenses
        .0
        .iter()
        .filter_map(|l| {
            l.expression.owned().or_else(|| {
                let obj = l.license.0.as_ref()?;
                obj.id.owned().or_else(|| obj.name.owned())
            })
        })
        .collect();
    let sha1 = c
        .hashes
        .0
        .iter()
        .chain(
            c.external_references
                .0
                .iter()
                .flat_map(|r| r.hashes.0.iter()),
        )
        .find(|h| {
            h.alg
                .get()
                .is_some_and(|a| a.eq_ignore_ascii_case("SHA-1") || a.eq_ignore_ascii_case("SHA1"))
        })
        .and_then(|h| h.content.owned())
        .or_else(|| props.drydock("java:sha1").map(str::to_owned));
    Candidate {
        purl: c.purl.get().map(|p| p.trim().to_owned()),
        drydock,
        type_hint: props.drydock("type").map(str::to_owned),
        malformed_purl: props.drydock("malformed-purl").map(str::to_owned),
        name: c.name.owned(),
        version: c.version.owned(),
        full_version: props.drydock("full-version").map(str::to_owned),
        group: c.group.owned(),
        licenses,
        found_by: props
            .drydock("found-by")
            .or_else(|| props.get("syft:package:foundBy"))
            .map(str::to_owned),
        arch: props.drydock("arch").map(str::to_owned),
        source_name: props
            .drydock("source-name")
            .or_else(|| props.first_of(&["syft:metadata:source", "syft:metadata:originPackage"]))
            .map(str::to_owned),
        source_version: match props.drydock("source-name") {
            Some(_) => props.drydock("source-version").map(str::to_owned),
            None => props.owned(&["syft:metadata:sourceVersion"]),
        },
        layer_index: props.drydock("layer-index").map(str::to_owned),
        layer_diff_id: props.drydock("layer-diff-id").map(str::to_owned),
        locations: locations(c, props),
        rpm: RpmFacts {
            epoch: props
                .drydock("rpm:epoch")
                .or_else(|| props.get("syft:metadata:epoch"))
                .map(str::to_owned),
            release: props
                .drydock("rpm:release")
                .or_else(|| props.get("syft:metadata:release"))
                .map(str::to_owned),
            source_rpm: props
                .drydock("rpm:source-rpm")
                .or_else(|| props.get("syft:metadata:sourceRpm"))
                .map(str::to_owned),
            modularity_label: props
                .drydock("rpm:modularity-label")
                .or_else(|| props.get("syft:metadata:modularityLabel"))
                .map(str::to_owned),
        },
        go: GoFacts {
            toolchain: props
                .drydock("go:toolchain")
                .or_else(|| props.get("syft:metadata:goCompiledVersion"))
                .map(str::to_owned),
            main_module: props
                .drydock("go:main-module")
                .or_else(|| props.get("syft:metadata:mainModule"))
                .map(str::to_owned),
            main: props.drydock("go:main").map(str::to_owned),
        },
        sha1,
    }
}

/// Locations from drydock's evidence paths (with the layer and role its
/// occurrences give), else CycloneDX occurrences, else syft's location
/// properties.
fn locations(c: &Component<'_>, props: Props<'_, '_>) -> Vec<RawLocation> {
    let occurrences: Vec<(String, Option<&str>)> = c
        .evidence
        .0
        .as_ref()
        .map(|e| {
            e.occurrences
                .0
                .iter()
                .filter_map(|o| Some((o.location.owned()?, o.additional_context.get())))
                .collect()
        })
        .unwrap_or_default();
    let from_occurrences = |occ: &[(String, Option<&str>)]| -> Vec<RawLocation> {
        occ.iter()
            .map(|(path, ctx)| {
                let mut l = RawLocation::path(path.clone());
                if let Some((evidence, index, diff)) = ctx.and_then(parse_context) {
                    l.evidence = Some(evidence);
                    l.index = Some(index);
                    l.diff_id = diff.map(str::to_owned);
                }
                l
            })
            .collect()
    };

    let paths: Vec<&str> = props.drydock_all("evidence-path").collect();
    if !paths.is_empty() {
        let same = paths.len() == occurrences.len()
            && paths.iter().zip(&occurrences).all(|(p, (o, _))| *p == o);
        if same {
            return from_occurrences(&occurrences);
        }
        return paths
            .into_iter()
            .map(|p| RawLocation::path(p.to_owned()))
            .collect();
    }
    if !occurrences.is_empty() {
        return from_occurrences(&occurrences);
    }
    let mut syft: BTreeMap<usize, RawLocation> = BTreeMap::new();
    for p in props.0 {
        let Some(rest) = p.name.get().and_then(|n| n.strip_prefix("syft:location:")) else {
            continue;
        };
        let Some((n, field)) = rest.split_once(':') else {
            continue;
        };
        let (Ok(n), Some(value)) = (n.parse::<usize>(), p.value.get()) else {
            continue;
        };
        let entry = syft
            .entry(n)
            .or_insert_with(|| RawLocation::path(String::new()));
        match field {
            "path" => entry.path = value.to_owned(),
            "layerID" => entry.diff_id = Some(value.to_owned()),
            _ => {}
        }
    }
    syft.into_values().filter(|l| !l.path.is_empty()).collect()
}

/// drydock's occurrence context: `primary evidence in layer 1 (sha256:…)`.
fn parse_context(s: &str) -> Option<(Evidence, usize, Option<&str>)> {
    let (role, rest) = s.split_once(" evidence in layer ")?;
    let evidence = match role {
        "primary" => Evidence::Primary,
        "supporting" => Evidence::Supporting,
        _ => return None,
    };
    let (index, diff) = match rest.split_once(' ') {
        Some((i, d)) => (i, Some(d.strip_prefix('(')?.strip_suffix(')')?)),
        None => (rest, None),
    };
    Some((evidence, index.parse().ok()?, diff))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts() {
        assert_eq!(
            parse_context("primary evidence in layer 1 (sha256:ab)"),
            Some((Evidence::Primary, 1, Some("sha256:ab")))
        );
        assert_eq!(
            parse_context("supporting evidence in layer 0"),
            Some((Evidence::Supporting, 0, None))
        );
        assert_eq!(parse_context("found in layer 0"), None);
        assert_eq!(parse_context("primary evidence in layer x"), None);
    }

    #[test]
    fn target_names() {
        assert_eq!(target_name("shop", Some("1.4.2")).unwrap(), "shop:1.4.2");
        assert_eq!(
            target_name("/x/shop.tar", Some("sha256:ab")).unwrap(),
            "/x/shop.tar@sha256:ab"
        );
        assert_eq!(target_name("dir", None).unwrap(), "dir");
    }
}
