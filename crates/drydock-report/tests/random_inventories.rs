//! Any inventory, however strange its strings, renders to schema-valid
//! CycloneDX and SPDX, and to a table and JSON without failing.

mod common;

use common::*;
use drydock_inventory::{
    Distro, Ecosystem, Evidence, Inventory, LayerRef, Location, Metadata, Package, PurlBuilder,
    SourcePackage, Unknown,
};
use drydock_oci::Digest;
use drydock_report::{Format, LayerInfo, ScanReport, Target, TargetKind, ToolInfo};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// Any characters (controls, newlines, unicode, quotes), short or empty, plus
/// a few fixed values so collisions between packages actually happen.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "(?s).{0,16}",
        1 => Just(String::new()),
        1 => Just("a".to_owned()),
        1 => Just("A b/c".to_owned()),
        1 => "[a-zA-Z0-9.+~:-]{1,12}",
    ]
    .boxed()
}

fn digest() -> impl Strategy<Value = Digest> {
    any::<u8>().prop_map(|b| Digest::sha256_of(&[b]))
}

fn license() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        Just("MIT".to_owned()),
        Just("apache-2.0".to_owned()),
        Just("MIT OR (Apache-2.0 AND BSD-3-Clause)".to_owned()),
        Just("GPL-2.0-only WITH Classpath-exception-2.0".to_owned()),
        Just("GPL-2.0+".to_owned()),
        Just("LicenseRef-acme".to_owned()),
        Just("LicenseRef-a b".to_owned()),
        Just("NOASSERTION".to_owned()),
        Just("((MIT".to_owned()),
    ]
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

fn layer_ref() -> impl Strategy<Value = LayerRef> {
    (0usize..4, option::of(digest())).prop_map(|(index, diff_id)| LayerRef { index, diff_id })
}

fn location() -> impl Strategy<Value = Location> {
    (text(), layer_ref(), any::<bool>()).prop_map(|(path, layer, primary)| Location {
        path,
        layer,
        evidence: if primary {
            Evidence::Primary
        } else {
            Evidence::Supporting
        },
    })
}

fn metadata() -> impl Strategy<Value = Metadata> {
    prop_oneof![
        Just(Metadata::None),
        (
            option::of(any::<i32>()),
            text(),
            option::of(text()),
            option::of(text())
        )
            .prop_map(
                |(epoch, release, source_rpm, modularity_label)| Metadata::Rpm {
                    epoch,
                    release,
                    source_rpm,
                    modularity_label,
                }
            ),
        (text(), option::of(text()), any::<bool>()).prop_map(|(go_version, main_module, main)| {
            Metadata::Golang {
                go_version,
                main_module,
                main,
            }
        }),
        option::of(prop_oneof![text(), "[0-9a-fA-F]{40}"]).prop_map(|sha1| Metadata::Java { sha1 }),
    ]
}

prop_compose! {
    fn package()(
        ecosystem in ecosystem(),
        name in text(),
        version in prop_oneof![8 => text(), 1 => "[0-9]{1030,1040}"],
        purl_kind in 0u8..3,
        odd_purl in text(),
        namespace in option::of(text()),
        licenses in vec(license().boxed(), 0..4),
        arch in option::of(text()),
        source in option::of((text(), text())),
        layer in layer_ref(),
        locations in vec(location().boxed(), 0..3),
        found_by in text(),
        metadata in metadata().boxed(),
    ) -> Package {
        let purl = match purl_kind {
            0 => PurlBuilder::new(ecosystem.as_str(), name.clone()).version(version.clone()).build(),
            1 => odd_purl,
            _ => "pkg:npm/a@1".to_owned(),
        };
        Package {
            name,
            version,
            ecosystem,
            purl,
            namespace,
            licenses,
            arch,
            source: source.map(|(name, version)| SourcePackage { name, version }),
            layer,
            locations,
            found_by,
            metadata,
        }
    }
}

fn distro() -> impl Strategy<Value = Distro> {
    (
        text(),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        vec(text(), 0..2),
    )
        .prop_map(|(id, version_id, codename, pretty_name, id_like)| Distro {
            id,
            version_id,
            codename,
            pretty_name,
            id_like,
        })
}

fn unknown() -> impl Strategy<Value = Unknown> {
    (text(), option::of(layer_ref()), text(), text()).prop_map(|(path, layer, analyzer, reason)| {
        Unknown {
            path,
            layer,
            analyzer,
            reason,
        }
    })
}

prop_compose! {
    fn target()(
        name in text(),
        image in any::<bool>(),
        manifest_digest in option::of(digest()),
        config_digest in option::of(digest()),
        repo_tags in vec(prop_oneof![text(), "[a-z.:0-9/]{1,12}:[a-z0-9.]{1,5}"], 0..2),
        repo_digests in vec(prop_oneof![text(), digest().prop_map(|d| format!("reg/app@{d}"))], 0..2),
        platform in option::of(prop_oneof![text(), Just("linux/arm64/v8".to_owned())]),
        layers in vec((option::of(digest()), option::of(text()), option::of(any::<u64>())), 0..3),
        os in option::of(distro()),
    ) -> Target {
        Target {
            name,
            kind: if image { TargetKind::Image } else { TargetKind::Filesystem },
            manifest_digest,
            config_digest,
            repo_tags,
            repo_digests,
            platform,
            layers: layers
                .into_iter()
                .enumerate()
                .map(|(index, (diff_id, created_by, size))| LayerInfo { index, diff_id, created_by, size })
                .collect(),
            os,
        }
    }
}

prop_compose! {
    fn report()(
        tool_version in text(),
        target in target().boxed(),
        distro in option::of(distro().boxed()),
        packages in vec(package().boxed(), 0..8),
        unknowns in vec(unknown(), 0..2),
        warnings in vec(text(), 0..2),
        sort in any::<bool>(),
    ) -> ScanReport {
        let mut inventory = Inventory { distro, packages, unknowns };
        if sort {
            inventory.sort();
        }
        ScanReport {
            tool: ToolInfo { name: "drydock".into(), version: tool_version },
            created: "2024-02-29T23:59:60.999Z".into(),
            target,
            inventory,
            vulnerabilities: Vec::new(),
            warnings,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn every_report_renders_to_valid_documents(report in report()) {
        let cdx = render_json(&report, Format::CycloneDxJson);
        if let Err(e) = check_cyclonedx(&cdx) {
            prop_assert!(false, "{e}\n{cdx:#}");
        }
        let spdx = render_json(&report, Format::SpdxJson);
        if let Err(e) = check_spdx(&spdx) {
            prop_assert!(false, "{e}\n{spdx:#}");
        }
        // One component / package per inventory package, never dropped.
        let n = report.inventory.packages.len() + usize::from(report.distro().is_some());
        prop_assert_eq!(cdx["components"].as_array().unwrap().len(), n);
        prop_assert_eq!(spdx["packages"].as_array().unwrap().len(), n + 1);

        let table = render_string(&report, Format::Table);
        prop_assert!(!table.chars().any(|c| c.is_control() && c != '\n'), "{table}");
        let json = render_string(&report, Format::Json);
        let back: ScanReport = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, report);
    }
}
