use std::collections::{BTreeMap, HashMap, HashSet};

use drydock_fs::LayeredFs;
use drydock_inventory::{Ecosystem, Evidence, Inventory, LayerRef, Location, Package};

use crate::purl::purl_for;
use crate::{Finding, LayerAnalysis, PackageRecord};

/// Knobs for [`assemble`].
#[derive(Debug, Clone, Default)]
pub struct AssembleOptions {}

/// Identity of a package within one metadata file across layers.
type Ident<'a> = (Ecosystem, &'a str, &'a str, Option<&'a str>);

fn ident(r: &PackageRecord) -> Ident<'_> {
    (r.ecosystem, &r.name, &r.version, r.member.as_deref())
}

/// Ecosystems whose installed metadata is a plain copy of what an OS package
/// ships, so the OS package stands for them. Java archives and compiled
/// binaries are kept even when an OS package owns the file: distributions
/// track their advisories by source package, and the embedded artifact
/// identity (`pkg:maven/log4j/log4j`) is what a log4shell-style search needs.
fn deferred_to_owner(e: Ecosystem) -> bool {
    matches!(
        e,
        Ecosystem::Pypi | Ecosystem::Npm | Ecosystem::Gem | Ecosystem::Composer | Ecosystem::Nuget
    )
}

/// Builds the image inventory from per-layer analyses and the stacked file
/// system. `layers[i]` must describe the same layer as `analyses[i]`.
pub fn assemble(
    analyses: &[LayerAnalysis],
    layers: &[LayerRef],
    fs: &LayeredFs,
    _options: &AssembleOptions,
) -> Inventory {
    let visible = |path: &str, layer: usize| fs.get(path).is_some_and(|v| v.layer == layer);

    // The operating system: the most authoritative visible release file.
    let distro = analyses
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.files.iter().map(move |f| (i, f)))
        .filter(|(i, f)| visible(&f.path, *i))
        .flat_map(|(_, f)| f.findings.iter())
        .filter_map(|f| match f {
            Finding::Distro(h) => Some(h),
            _ => None,
        })
        .min_by_key(|h| h.rank)
        .map(|h| h.distro.clone());

    // Files owned by OS packages, spelled canonically (merged /usr).
    let mut owned: HashMap<String, String> = HashMap::new();
    for (i, a) in analyses.iter().enumerate() {
        for f in a.files.iter().filter(|f| visible(&f.path, i)) {
            for finding in &f.findings {
                if let Finding::OwnedFiles {
                    ecosystem,
                    package,
                    files,
                } = finding
                {
                    for file in files {
                        let canon = fs
                            .canonical_parent(file.trim_start_matches('/'))
                            .unwrap_or_else(|| file.trim_start_matches('/').to_owned());
                        owned
                            .entry(canon)
                            .or_insert_with(|| format!("{ecosystem}:{package}"));
                    }
                }
            }
        }
    }

    // For attribution: which identities each layer's version of a path held.
    let mut history: HashMap<&str, BTreeMap<usize, HashSet<Ident<'_>>>> = HashMap::new();
    for (i, a) in analyses.iter().enumerate() {
        for f in &a.files {
            let set = history
                .entry(f.path.as_str())
                .or_default()
                .entry(i)
                .or_default();
            for finding in &f.findings {
                if let Finding::Package(r) = finding {
                    set.insert(ident(r));
                }
            }
        }
    }

    let layer_ref = |i: usize| {
        layers.get(i).cloned().unwrap_or(LayerRef {
            index: i,
            diff_id: None,
        })
    };

    let mut packages = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for (i, a) in analyses.iter().enumerate() {
        for f in a.files.iter().filter(|f| visible(&f.path, i)) {
            for finding in &f.findings {
                let Finding::Package(rec) = finding else {
                    continue;
                };
                let canon = fs
                    .canonical_parent(&f.path)
                    .unwrap_or_else(|| f.path.clone());
                let owner = owned.get(&canon);
                if !rec.ecosystem.is_os() && owner.is_some() && deferred_to_owner(rec.ecosystem) {
                    continue;
                }
                // Walk back while earlier versions of this file held the
                // same package without a gap.
                let mut introduced = i;
                if let Some(h) = history.get(f.path.as_str()) {
                    for (&earlier, set) in h.range(..i).rev() {
                        if set.contains(&ident(rec)) {
                            introduced = earlier;
                        } else {
                            break;
                        }
                    }
                }
                let mut path = format!("/{}", f.path);
                if let Some(m) = &rec.member {
                    path.push_str(m);
                }
                let purl = purl_for(rec, distro.as_ref());
                if !seen.insert((purl.clone(), path.clone())) {
                    continue;
                }
                let mut locations = vec![Location {
                    path,
                    layer: layer_ref(i),
                    evidence: Evidence::Primary,
                }];
                if let Some(owner) = owner.filter(|_| !rec.ecosystem.is_os()) {
                    locations.push(Location {
                        path: format!("owned-by:{owner}"),
                        layer: layer_ref(i),
                        evidence: Evidence::Supporting,
                    });
                }
                packages.push(Package {
                    name: rec.name.clone(),
                    version: rec.version.clone(),
                    ecosystem: rec.ecosystem,
                    purl,
                    namespace: rec.namespace.clone(),
                    licenses: rec.licenses.clone(),
                    arch: rec.arch.clone(),
                    source: rec.source.clone(),
                    layer: layer_ref(introduced),
                    locations,
                    found_by: f.analyzer.clone(),
                    metadata: rec.metadata.clone(),
                });
            }
        }
    }

    let unknowns = analyses
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.unknowns.iter().map(move |u| (i, u)))
        .filter(|(i, u)| visible(u.path.trim_start_matches('/'), *i))
        .map(|(_, u)| u.clone())
        .collect();

    let mut inv = Inventory {
        distro,
        packages,
        unknowns,
    };
    inv.sort();
    inv
}
