//! drydock's own CycloneDX and SPDX output, read back, gives back the
//! inventory it was rendered from.

mod common;

use common::*;
use drydock_inventory::{Evidence, Package};
use drydock_report::Format;
use drydock_sbom::{SbomFormat, read_sbom};

fn primary(p: &Package) -> Option<(&str, &drydock_inventory::LayerRef)> {
    p.locations
        .iter()
        .find(|l| l.evidence == Evidence::Primary)
        .map(|l| (l.path.as_str(), &l.layer))
}

#[test]
fn cyclonedx_round_trip() {
    let report = rich_report();
    let bytes = rendered(&report, Format::CycloneDxJson);
    let sbom = read_sbom(&bytes, "app.cdx.json").expect("reads");

    assert_eq!(sbom.format, SbomFormat::CycloneDx);
    assert_eq!(
        sbom.target_name.as_deref(),
        Some("registry.example.com:5000/shop/app:1.2")
    );
    assert_eq!(sbom.inventory.distro, report.inventory.distro);
    assert_eq!(
        sbom.layers,
        report
            .target
            .layers
            .iter()
            .map(|l| (l.index, l.diff_id.as_ref().map(ToString::to_string)))
            .collect::<Vec<_>>()
    );
    assert_eq!(sbom.inventory.unknowns, report.inventory.unknowns);
    assert_eq!(
        sbom.warnings,
        ["recorded by the scan: layer 2 has a whiteout for a missing file"]
    );

    let want = &report.inventory.packages;
    let got = &sbom.inventory.packages;
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        let id = format!("{} {}", w.ecosystem, w.name);
        assert_eq!(g.ecosystem, w.ecosystem, "{id}");
        assert_eq!(g.name, w.name, "{id}");
        assert_eq!(g.namespace, w.namespace, "{id}");
        assert_eq!(g.version, w.version, "{id}");
        assert_eq!(g.purl, w.purl, "{id}");
        assert_eq!(g.source, w.source, "{id}");
        assert_eq!(g.layer, w.layer, "{id}");
        assert_eq!(g.primary_path(), w.primary_path(), "{id}");
        // Beyond the brief: every location with its own layer and role,
        // and everything else but licenses, which the writer normalises.
        assert_eq!(g.locations, w.locations, "{id}");
        assert_eq!(g.arch, w.arch, "{id}");
        assert_eq!(g.found_by, w.found_by, "{id}");
        assert_eq!(g.metadata, w.metadata, "{id}");
    }
}

#[test]
fn spdx_round_trip() {
    let report = rich_report();
    let bytes = rendered(&report, Format::SpdxJson);
    let sbom = read_sbom(&bytes, "app.spdx.json").expect("reads");

    assert_eq!(sbom.format, SbomFormat::Spdx);
    assert_eq!(
        sbom.target_name.as_deref(),
        Some("registry.example.com:5000/shop/app:1.2")
    );
    let distro = sbom.inventory.distro.as_ref().expect("distro");
    assert_eq!(distro.id, "debian");
    assert_eq!(distro.version_id.as_deref(), Some("12"));
    assert_eq!(sbom.inventory.unknowns.len(), 1);
    assert_eq!(
        sbom.inventory.unknowns[0].path,
        report.inventory.unknowns[0].path
    );

    let want = &report.inventory.packages;
    let got = &sbom.inventory.packages;
    assert_eq!(got.len(), want.len(), "{:#?}", sbom.warnings);
    for (g, w) in got.iter().zip(want) {
        let id = format!("{} {}", w.ecosystem, w.name);
        assert_eq!(g.ecosystem, w.ecosystem, "{id}");
        assert_eq!(g.name, w.name, "{id}");
        assert_eq!(g.version, w.version, "{id}");
        assert_eq!(g.purl, w.purl, "{id}");
        // drydock's SPDX comment and sourceInfo carry these too.
        assert_eq!(g.namespace, w.namespace, "{id}");
        assert_eq!(g.source, w.source, "{id}");
        assert_eq!(g.arch, w.arch, "{id}");
        assert_eq!(g.found_by, w.found_by, "{id}");
        assert_eq!(primary(g), primary(w), "{id}");
    }
}

/// A foreign-looking document: drydock's CycloneDX with every `drydock:`
/// property removed must still give the packages from purls alone, the
/// way another producer's SBOM would.
#[test]
fn cyclonedx_without_drydock_properties() {
    let report = rich_report();
    let bytes = rendered(&report, Format::CycloneDxJson);
    let mut doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    for c in doc["components"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("properties");
        c.as_object_mut().unwrap().remove("evidence");
    }
    let bytes = serde_json::to_vec(&doc).unwrap();
    let sbom = read_sbom(&bytes, "stripped.json").unwrap();
    let got = &sbom.inventory.packages;
    // The long version's purl keeps it whole, so every package is back.
    assert_eq!(got.len(), report.inventory.packages.len());
    for w in &report.inventory.packages {
        let g = got
            .iter()
            .find(|g| g.purl == w.purl)
            .unwrap_or_else(|| panic!("{} missing", w.purl));
        assert_eq!(g.ecosystem, w.ecosystem);
        assert_eq!(g.name, w.name, "{}", w.purl);
        assert_eq!(g.namespace, w.namespace, "{}", w.purl);
        assert_eq!(g.version, w.version, "{}", w.purl);
        if w.ecosystem.is_os() {
            assert_eq!(g.arch, w.arch, "{}", w.purl);
        }
        if w.ecosystem == drydock_inventory::Ecosystem::Deb {
            // The upstream qualifier carries the source package.
            assert_eq!(g.source, w.source, "{}", w.purl);
        }
    }
    // The OS component alone still names the distribution (its codename
    // was a property).
    let distro = sbom.inventory.distro.unwrap();
    assert_eq!(
        (distro.id.as_str(), distro.version_id.as_deref()),
        ("debian", Some("12"))
    );
    assert_eq!(
        distro.pretty_name.as_deref(),
        Some("Debian GNU/Linux 12 (bookworm)")
    );
}
