//! No input makes the reader panic, and any inventory drydock renders comes
//! back with its identity intact.

mod common;

use common::*;
use drydock_inventory::{
    Distro, Ecosystem, Evidence, Inventory, LayerRef, Location, Metadata, Package, PurlBuilder,
};
use drydock_report::{Format, ScanReport, Target, TargetKind};
use drydock_sbom::read_sbom;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// Keys the reader looks at, so random objects hit its code paths.
const KEYS: &[&str] = &[
    "bomFormat",
    "specVersion",
    "spdxVersion",
    "metadata",
    "component",
    "components",
    "packages",
    "type",
    "name",
    "version",
    "group",
    "purl",
    "description",
    "properties",
    "value",
    "licenses",
    "license",
    "id",
    "expression",
    "hashes",
    "alg",
    "content",
    "externalReferences",
    "evidence",
    "occurrences",
    "location",
    "additionalContext",
    "externalRefs",
    "referenceType",
    "referenceLocator",
    "versionInfo",
    "sourceInfo",
    "comment",
    "licenseDeclared",
    "primaryPackagePurpose",
    "checksums",
    "algorithm",
    "checksumValue",
    "creationInfo",
    "creators",
    "@context",
];

/// Strings the reader gives meaning to, plus arbitrary ones.
fn interesting_string() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "(?s).{0,24}",
        1 => Just("CycloneDX".to_owned()),
        1 => Just("1.6".to_owned()),
        1 => Just("SPDX-2.3".to_owned()),
        1 => Just("operating-system".to_owned()),
        1 => Just("OPERATING_SYSTEM".to_owned()),
        1 => Just("purl".to_owned()),
        1 => Just("SHA-1".to_owned()),
        1 => Just("Tool: drydock-0.1.0".to_owned()),
        1 => Just("drydock:package:type".to_owned()),
        1 => Just("drydock:package:evidence-path".to_owned()),
        1 => Just("drydock:package:layer-index".to_owned()),
        1 => Just("drydock:package:layer-diff-id".to_owned()),
        1 => Just("drydock:image:layer".to_owned()),
        1 => Just("drydock:unknown".to_owned()),
        1 => Just("syft:location:0:path".to_owned()),
        1 => Just("syft:location:0:layerID".to_owned()),
        1 => Just("primary evidence in layer 1 (sha256:00)".to_owned()),
        1 => Just("found by drydock cataloger x at /a (layer 1), /b (layer".to_owned()),
        1 => Just("acquired package info from X: /a, /b".to_owned()),
        1 => "pkg:(deb|apk|rpm|npm|pypi|golang|maven|generic)/(?s).{0,20}",
        1 => "pkg:deb/debian/[a-z]{1,5}@[0-9.:~+-]{0,6}\\?(arch|distro|upstream|epoch)=[a-z0-9@%.-]{0,8}",
        1 => "sha256:[0-9a-f]{64}",
        1 => "[0-9]{1,3} (sha256:[0-9a-f]{64}|-) [0-9-]{1,4}",
    ]
    .boxed()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        interesting_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|kv| {
                let map: Map<String, Value> =
                    kv.into_iter().map(|(k, v)| ((*k).to_owned(), v)).collect();
                Value::Object(map)
            }),
        ]
    })
}

/// A document with a valid header and random contents.
fn shaped_document() -> impl Strategy<Value = Value> {
    prop_oneof![
        (json_value(), json_value()).prop_map(|(components, metadata)| json!({
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "metadata": metadata,
            "components": components,
        })),
        (json_value(), json_value()).prop_map(|(packages, creation)| json!({
            "spdxVersion": "SPDX-2.3",
            "creationInfo": creation,
            "comment": "unknown: /a (layer 2): x: y\nwarning: w",
            "packages": packages,
        })),
        json_value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..512)) {
        let _ = read_sbom(&bytes, "fuzz");
    }

    #[test]
    fn random_json_never_panics(doc in shaped_document()) {
        let bytes = serde_json::to_vec(&doc).unwrap();
        let _ = read_sbom(&bytes, "fuzz");
    }

    #[test]
    fn components_of_any_shape_never_panic(components in vec(json_value(), 0..8)) {
        // Components of random shape inside a valid document: each one is
        // read or skipped with a warning, never a failure of the whole.
        let doc = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components});
        let bytes = serde_json::to_vec(&doc).unwrap();
        prop_assert!(read_sbom(&bytes, "fuzz").is_ok());
    }

    #[test]
    fn arbitrary_purls_never_panic(purls in vec("(?s)pkg:.{0,40}", 1..8)) {
        let components: Vec<Value> = purls.iter().map(|p| json!({"purl": p, "name": "n"})).collect();
        let doc = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components});
        let sbom = read_sbom(&serde_json::to_vec(&doc).unwrap(), "fuzz").unwrap();
        prop_assert!(sbom.inventory.packages.len() <= purls.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Damaged copies of a real drydock SBOM: truncated, or with bytes
    /// overwritten.
    #[test]
    fn damaged_documents_never_panic(
        cut in 0usize..100_000,
        edits in vec((0usize..100_000, any::<u8>()), 0..16),
        spdx in any::<bool>(),
    ) {
        let format = if spdx { Format::SpdxJson } else { Format::CycloneDxJson };
        let mut bytes = rendered(&rich_report(), format);
        for (at, b) in edits {
            let n = bytes.len();
            bytes[at % n] = b;
        }
        let n = bytes.len();
        bytes.truncate(n - cut % n);
        let _ = read_sbom(&bytes, "damaged");
    }
}

fn ecosystem() -> impl Strategy<Value = Ecosystem> {
    prop::sample::select(vec![
        Ecosystem::Deb,
        Ecosystem::Apk,
        Ecosystem::Rpm,
        Ecosystem::Pypi,
        Ecosystem::Npm,
        Ecosystem::Maven,
        Ecosystem::Golang,
        Ecosystem::Cargo,
        Ecosystem::Gem,
        Ecosystem::Composer,
        Ecosystem::Nuget,
    ])
}

/// A package as drydock's catalogers would record it, with plausible but
/// random names, versions and paths.
fn package() -> impl Strategy<Value = Package> {
    (
        ecosystem(),
        "[a-z][a-z0-9.+-]{0,10}",
        option::of("[a-z][a-z0-9.-]{0,8}"),
        "[0-9][0-9a-z.+~:-]{0,10}",
        0usize..4,
        vec("/[a-zA-Z0-9 ._()-]{1,20}", 0..3),
        option::of(("[a-z][a-z0-9.+-]{0,10}", "[0-9][0-9a-z.+~-]{0,10}")),
    )
        .prop_map(
            |(ecosystem, name, ns, version, layer_index, paths, source)| {
                let namespace = match ecosystem {
                    Ecosystem::Maven | Ecosystem::Composer => ns,
                    Ecosystem::Npm => ns.map(|n| format!("@{n}")),
                    _ => None,
                };
                let name = match ecosystem {
                    Ecosystem::Golang => format!("example.com/{name}"),
                    _ => name,
                };
                let mut b = match ecosystem {
                    Ecosystem::Golang => {
                        let (ns, last) = name.rsplit_once('/').unwrap_or(("", &name));
                        PurlBuilder::new("golang", last).namespace(ns)
                    }
                    e => PurlBuilder::new(e.as_str(), name.clone())
                        .namespace(namespace.clone().unwrap_or_default()),
                };
                b = b.version(version.clone());
                let source = source
                    .filter(|_| ecosystem == Ecosystem::Deb)
                    .map(|(n, v)| drydock_inventory::SourcePackage {
                        name: n,
                        version: v,
                    });
                if let Some(s) = &source {
                    b = b.qualifier("upstream", format!("{}@{}", s.name, s.version));
                }
                let layer = layer(layer_index);
                Package {
                    name,
                    version,
                    ecosystem,
                    purl: b.build(),
                    namespace,
                    licenses: vec![],
                    arch: None,
                    source,
                    layer: layer.clone(),
                    locations: paths
                        .into_iter()
                        .enumerate()
                        .map(|(i, path)| Location {
                            path,
                            layer: LayerRef {
                                index: (layer_index + i) % 4,
                                diff_id: Some(digest(&format!("layer{}", (layer_index + i) % 4))),
                            },
                            evidence: if i == 0 {
                                Evidence::Primary
                            } else {
                                Evidence::Supporting
                            },
                        })
                        .collect(),
                    found_by: "random-cataloger".to_owned(),
                    metadata: match ecosystem {
                        Ecosystem::Maven => Metadata::Java { sha1: None },
                        _ => Metadata::None,
                    },
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cyclonedx_round_trips_any_inventory(packages in vec(package(), 0..12)) {
        let mut inventory = Inventory {
            distro: Some(Distro { id: "debian".into(), version_id: Some("12".into()), ..Distro::default() }),
            packages,
            unknowns: vec![],
        };
        inventory.sort();
        let report = ScanReport {
            created: "2024-05-01T12:00:00Z".into(),
            target: Target::new("random", TargetKind::Filesystem),
            inventory: inventory.clone(),
            ..ScanReport::default()
        };
        let bytes = rendered(&report, Format::CycloneDxJson);
        let sbom = read_sbom(&bytes, "random.cdx.json").unwrap();
        prop_assert_eq!(sbom.inventory.distro, inventory.distro);
        prop_assert_eq!(sbom.inventory.packages.len(), inventory.packages.len());
        for (g, w) in sbom.inventory.packages.iter().zip(&inventory.packages) {
            prop_assert_eq!(g, w);
        }
    }
}
