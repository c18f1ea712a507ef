//! Matching rules, end to end through a real database built from feed text.

use std::path::Path;

use drydock_findings::{FixState, Severity};
use drydock_inventory::{
    Distro, Ecosystem, Evidence, Inventory, LayerRef, Location, Metadata, Package, SourcePackage,
};
use drydock_match::Matcher;
use drydock_vulndb::{ImportOptions, Input, Store, import};

fn deb(name: &str, version: &str, source: Option<(&str, &str)>) -> Package {
    Package {
        name: name.into(),
        version: version.into(),
        ecosystem: Ecosystem::Deb,
        purl: format!("pkg:deb/debian/{name}@{version}"),
        namespace: Some("debian".into()),
        licenses: vec![],
        arch: Some("amd64".into()),
        source: source.map(|(n, v)| SourcePackage {
            name: n.into(),
            version: v.into(),
        }),
        layer: LayerRef {
            index: 0,
            diff_id: None,
        },
        locations: vec![Location {
            path: "/var/lib/dpkg/status".into(),
            layer: LayerRef {
                index: 0,
                diff_id: None,
            },
            evidence: Evidence::Primary,
        }],
        found_by: "dpkg".into(),
        metadata: Metadata::None,
    }
}

fn pypi(name: &str, version: &str, path: &str) -> Package {
    Package {
        ecosystem: Ecosystem::Pypi,
        purl: format!("pkg:pypi/{}@{version}", name.to_lowercase()),
        namespace: None,
        arch: None,
        source: None,
        locations: vec![Location {
            path: path.into(),
            layer: LayerRef {
                index: 2,
                diff_id: None,
            },
            evidence: Evidence::Primary,
        }],
        found_by: "python".into(),
        layer: LayerRef {
            index: 2,
            diff_id: None,
        },
        ..deb(name, version, None)
    }
}

fn debian(version: &str, codename: &str) -> Distro {
    Distro {
        id: "debian".into(),
        version_id: Some(version.into()),
        codename: Some(codename.into()),
        pretty_name: None,
        id_like: vec![],
    }
}

const DSA: &str = "\
[08 Feb 2023] DSA-5343-1 openssl - security update
\t{CVE-2022-4304 CVE-2023-0286}
\t[bullseye] - openssl 1.1.1n-0+deb11u4
[20 Aug 2022] DSA-5218-1 zlib - security update
\t{CVE-2022-37434}
\t[bullseye] - zlib 1:1.2.11.dfsg-2+deb11u2
";

const CVE_LIST: &str = "\
CVE-2023-0286 (There is a type confusion vulnerability relating to X.400 ...)
\t{DSA-5343-1}
\t- openssl 3.0.8-1
\t[bullseye] - openssl 1.1.1n-0+deb11u4
CVE-2022-4304 (A timing based side channel exists in the OpenSSL RSA Decryption ...)
\t{DSA-5343-1}
\t- openssl 3.0.8-1 (low)
\t[bullseye] - openssl 1.1.1n-0+deb11u4
CVE-2023-9999 (A made-up issue nobody fixed in bullseye)
\t- openssl <unfixed> (bug #1; medium)
\t[bullseye] - openssl <no-dsa> (Minor issue)
";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn matcher(files: &[(&str, &str)]) -> (tempfile::TempDir, Matcher) {
    let d = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        write(&d.path().join("feeds"), rel, text);
    }
    import(
        &d.path().join("db"),
        &[Input::from(d.path().join("feeds"))],
        &ImportOptions::default(),
    )
    .unwrap();
    let m = Matcher::new(Store::open(&d.path().join("db")).unwrap()).unwrap();
    (d, m)
}

fn inventory(distro: Distro, packages: Vec<Package>) -> Inventory {
    Inventory {
        distro: Some(distro),
        packages,
        unknowns: vec![],
    }
}

#[test]
fn debian_matches_by_source_package_and_release_only() {
    let (_d, m) = matcher(&[("DSA/list", DSA)]);
    let pkgs = vec![
        deb(
            "libssl1.1",
            "1.1.1n-0+deb11u3",
            Some(("openssl", "1.1.1n-0+deb11u3")),
        ),
        // Equal to the fixed version: not affected.
        deb(
            "zlib1g",
            "1:1.2.11.dfsg-2+deb11u2",
            Some(("zlib", "1:1.2.11.dfsg-2+deb11u2")),
        ),
        // A binNMU of the fixed source version is fixed too.
        deb(
            "libz-extra",
            "1:1.2.11.dfsg-2+deb11u2+b1",
            Some(("zlib", "1:1.2.11.dfsg-2+deb11u2")),
        ),
    ];
    let found = m
        .match_inventory(&inventory(debian("11", "bullseye"), pkgs.clone()))
        .unwrap();
    let ids: Vec<(&str, &str)> = found
        .vulnerabilities
        .iter()
        .map(|v| (v.package.name.as_str(), v.id.as_str()))
        .collect();
    assert_eq!(ids, [("libssl1.1", "DSA-5343-1")]);
    let v = &found.vulnerabilities[0];
    assert_eq!(v.matched_version, "1.1.1n-0+deb11u3");
    assert_eq!(v.fixed_versions, ["1.1.1n-0+deb11u4"]);
    assert_eq!(v.fix_state, FixState::Fixed);
    assert_eq!(v.feed, "Debian:11");
    assert_eq!(
        v.reason,
        "installed 1.1.1n-0+deb11u3 < fixed 1.1.1n-0+deb11u4 in range introduced 0 \
         (source package openssl 1.1.1n-0+deb11u3)"
    );
    assert_eq!(v.aliases, ["CVE-2022-4304", "CVE-2023-0286"]);

    // The same packages on bookworm: the bullseye entry does not apply, and
    // the missing bookworm feed is reported instead of a clean result.
    let found = m
        .match_inventory(&inventory(debian("12", "bookworm"), pkgs))
        .unwrap();
    assert!(found.vulnerabilities.is_empty());
    assert!(
        found.warnings.iter().any(|w| w.contains("Debian:12")),
        "{:?}",
        found.warnings
    );
}

#[test]
fn tracker_records_rate_and_merge_with_the_dsa() {
    let (_d, m) = matcher(&[("DSA/list", DSA), ("CVE/list", CVE_LIST)]);
    let found = m
        .match_inventory(&inventory(
            debian("11", "bullseye"),
            vec![deb(
                "libssl1.1",
                "1.1.1n-0+deb11u3",
                Some(("openssl", "1.1.1n-0+deb11u3")),
            )],
        ))
        .unwrap();
    let mut ids: Vec<&str> = found
        .vulnerabilities
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    ids.sort();
    // The DSA and the tracker's CVE entries name each other: one finding
    // per CVE, with the DSA as an alias.
    assert_eq!(ids, ["CVE-2022-4304", "CVE-2023-0286", "CVE-2023-9999"]);
    let by = |id: &str| found.vulnerabilities.iter().find(|v| v.id == id).unwrap();
    assert!(
        by("CVE-2023-0286")
            .aliases
            .contains(&"DSA-5343-1".to_string())
    );
    assert_eq!(by("CVE-2022-4304").fix_state, FixState::Fixed);
    // no-dsa: affected, but Debian will not fix it in bullseye.
    let nodsa = by("CVE-2023-9999");
    assert_eq!(nodsa.fix_state, FixState::WontFix);
    assert!(nodsa.fixed_versions.is_empty());
    assert!(nodsa.reason.contains("no fix"), "{}", nodsa.reason);
}

#[test]
fn severity_is_borrowed_from_another_record_of_the_same_issue() {
    let pysec = r#"{"id":"PYSEC-2019-10","aliases":["CVE-2019-12781"],
      "affected":[{"package":{"ecosystem":"PyPI","name":"django"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.2"},{"fixed":"2.2.3"}]}]}]}"#;
    let ghsa = r#"{"id":"GHSA-6c7v-2f49-8h26","aliases":["CVE-2019-12781"],
      "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
      "affected":[{"package":{"ecosystem":"PyPI","name":"django"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.2"},{"fixed":"2.2.3"}]}]}],
      "withdrawn":"2024-01-01T00:00:00Z"}"#;
    let other = r#"{"id":"GHSA-xxxx","aliases":["CVE-2019-12781"],
      "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}],
      "affected":[{"package":{"ecosystem":"PyPI","name":"unrelated"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"}]}]}]}"#;
    let (_d, m) = matcher(&[
        ("osv/PYSEC-2019-10.json", pysec),
        ("osv/GHSA-6c7v.json", ghsa),
        ("osv/GHSA-xxxx.json", other),
    ]);
    let found = m
        .match_inventory(&Inventory {
            distro: None,
            packages: vec![pypi(
                "Django",
                "2.2.1",
                "/app/venv/lib/python3.11/site-packages/Django-2.2.1.dist-info/METADATA",
            )],
            unknowns: vec![],
        })
        .unwrap();
    // The withdrawn GHSA does not match, and does not lend its rating.
    let ids: Vec<&str> = found
        .vulnerabilities
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(ids, ["PYSEC-2019-10"]);
    let v = &found.vulnerabilities[0];
    assert_eq!(v.severity, Severity::Medium, "{:?}", v.severity_source);
    assert_eq!(
        v.severity_source.as_deref(),
        Some("CVSS_V3 5.3 of GHSA-xxxx (via CVE-2019-12781)")
    );
    assert_eq!(
        v.package.path.as_deref(),
        Some("app/venv/lib/python3.11/site-packages/Django-2.2.1.dist-info/METADATA")
    );
    assert_eq!(v.package.layer.index, 2);
}

#[test]
fn os_owned_files_are_left_to_the_distribution_feed() {
    let pysec = r#"{"id":"PYSEC-1","affected":[{"package":{"ecosystem":"PyPI","name":"pyyaml"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.4"}]}]}]}"#;
    let (_d, m) = matcher(&[("DSA/list", DSA), ("osv/PYSEC-1.json", pysec)]);
    let mut owned = pypi(
        "PyYAML",
        "5.3.1",
        "/usr/lib/python3/dist-packages/PyYAML.egg-info",
    );
    owned.locations.push(Location {
        path: "owned-by:python3-yaml".into(),
        layer: LayerRef {
            index: 0,
            diff_id: None,
        },
        evidence: Evidence::Supporting,
    });
    let inv = inventory(debian("11", "bullseye"), vec![owned.clone()]);
    assert!(m.match_inventory(&inv).unwrap().vulnerabilities.is_empty());
    // Without a distribution feed, the upstream advisory is all there is.
    let inv = inventory(debian("12", "bookworm"), vec![owned]);
    assert_eq!(m.match_inventory(&inv).unwrap().vulnerabilities.len(), 1);
}

#[test]
fn tracker_json_export_gives_fix_states_and_urgency() {
    let json = r#"{
      "openssl": {
        "CVE-2023-0286": {
          "description": "X.400 address type confusion in X.509 GeneralName",
          "scope": "remote",
          "releases": {
            "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.1.1n-0+deb11u3"},
                         "fixed_version": "1.1.1n-0+deb11u4", "urgency": "high"},
            "bookworm": {"status": "resolved", "repositories": {"bookworm": "3.0.8-1"},
                         "fixed_version": "3.0.8-1", "urgency": "not yet assigned"}
          }
        },
        "CVE-2023-1111": {
          "description": "An issue postponed to a point release",
          "releases": {
            "bullseye": {"status": "open", "repositories": {"bullseye": "1.1.1n-0+deb11u3"},
                         "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": "postponed"}
          }
        },
        "CVE-2023-2222": {
          "description": "Not affecting bullseye",
          "releases": {
            "bullseye": {"status": "resolved", "repositories": {"bullseye": "1.1.1n-0+deb11u3"},
                         "fixed_version": "0", "urgency": "unimportant"}
          }
        }
      }
    }"#;
    let (_d, m) = matcher(&[("tracker.json", json)]);
    let found = m
        .match_inventory(&inventory(
            debian("11", "bullseye"),
            vec![deb(
                "openssl",
                "1.1.1n-0+deb11u3",
                Some(("openssl", "1.1.1n-0+deb11u3")),
            )],
        ))
        .unwrap();
    let by = |id: &str| found.vulnerabilities.iter().find(|v| v.id == id);
    let fixed = by("CVE-2023-0286").expect("fixed in bullseye");
    assert_eq!(fixed.fix_state, FixState::Fixed);
    assert_eq!(fixed.severity, Severity::High);
    assert_eq!(fixed.severity_source.as_deref(), Some("Debian:11 urgency"));
    let postponed = by("CVE-2023-1111").expect("open in bullseye");
    assert_eq!(postponed.fix_state, FixState::Deferred);
    assert_eq!(postponed.severity, Severity::Low);
    assert!(
        by("CVE-2023-2222").is_none(),
        "fixed_version 0: not affected"
    );
    assert_eq!(found.vulnerabilities.len(), 2);
}

/// With the DSA list and the tracker's JSON export both imported (the
/// default `db update`), a DSA and the CVEs it fixed are one set of
/// findings: one per CVE, the DSA among the aliases.
#[test]
fn dsa_and_tracker_json_are_not_double_counted() {
    let json = r#"{"openssl": {
        "CVE-2023-0286": {"description": "x", "releases": {"bullseye": {"status": "resolved",
            "fixed_version": "1.1.1n-0+deb11u4", "urgency": "high"}}},
        "CVE-2022-4304": {"description": "y", "releases": {"bullseye": {"status": "resolved",
            "fixed_version": "1.1.1n-0+deb11u4", "urgency": "medium"}}}
    }}"#;
    let (_d, m) = matcher(&[("DSA/list", DSA), ("tracker.json", json)]);
    let found = m
        .match_inventory(&inventory(
            debian("11", "bullseye"),
            vec![deb(
                "libssl1.1",
                "1.1.1n-0+deb11u3",
                Some(("openssl", "1.1.1n-0+deb11u3")),
            )],
        ))
        .unwrap();
    let ids: Vec<&str> = found
        .vulnerabilities
        .iter()
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(ids, ["CVE-2022-4304", "CVE-2023-0286"]);
    for v in &found.vulnerabilities {
        assert!(
            v.aliases.contains(&"DSA-5343-1".to_string()),
            "{:?}",
            v.aliases
        );
    }
}

#[test]
fn records_naming_each_other_merge_into_one() {
    let pysec = r#"{"id":"PYSEC-2019-10","aliases":["CVE-2019-12781","GHSA-6c7v-2f49-8h26"],
      "affected":[{"package":{"ecosystem":"PyPI","name":"django"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.2"},{"fixed":"2.2.3"}]}]}]}"#;
    let ghsa = r#"{"id":"GHSA-6c7v-2f49-8h26","aliases":["CVE-2019-12781","PYSEC-2019-10"],
      "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
      "affected":[{"package":{"ecosystem":"PyPI","name":"django"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.2"},{"fixed":"2.2.3"}]}]}]}"#;
    let (_d, m) = matcher(&[("osv/a.json", pysec), ("osv/b.json", ghsa)]);
    let found = m
        .match_inventory(&Inventory {
            distro: None,
            packages: vec![pypi("Django", "2.2.1", "/app/METADATA")],
            unknowns: vec![],
        })
        .unwrap();
    assert_eq!(found.vulnerabilities.len(), 1);
    let v = &found.vulnerabilities[0];
    assert_eq!(v.id, "PYSEC-2019-10");
    assert!(v.aliases.contains(&"GHSA-6c7v-2f49-8h26".to_string()));
    // The rating of the GHSA record carries over to the survivor.
    assert_eq!(v.severity, Severity::High);
}
