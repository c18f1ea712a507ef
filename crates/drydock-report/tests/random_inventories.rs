//! Any inventory and any findings, however strange their strings, render to
//! schema-valid CycloneDX, SPDX and SARIF, and to a table and JSON without
//! failing; findings render the same whatever order the scanners gave.

mod common;

use common::*;
use drydock_findings::{
    Cvss, FixState, Malware, MisconfigLocation, Misconfiguration, PackageRef, Secret,
    SecretLocation, Severity, Suppression, SuppressionKind, Vulnerability,
};
use drydock_inventory::{
    Distro, Ecosystem, Evidence, Inventory, LayerRef, Location, Metadata, Package, PurlBuilder,
    SourcePackage, Unknown,
};
use drydock_oci::Digest;
use drydock_report::{
    Format, LayerInfo, ScanReport, Sections, Show, Target, TargetKind, ToolInfo, render_sections,
};
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

fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn fix_state() -> impl Strategy<Value = FixState> {
    prop::sample::select(vec![
        FixState::Fixed,
        FixState::NotFixed,
        FixState::WontFix,
        FixState::Deferred,
        FixState::EndOfLife,
        FixState::Unknown,
    ])
}

fn cvss() -> impl Strategy<Value = Cvss> {
    (
        prop_oneof![
            Just("CVSS_V3".to_owned()),
            Just("CVSS_V4".to_owned()),
            Just("CVSS_V2".to_owned()),
            text(),
        ],
        prop_oneof![
            text(),
            Just("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".to_owned()),
            Just("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".to_owned()),
            Just("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".to_owned()),
            Just("AV:N/AC:L/Au:N/C:P/I:P/A:P".to_owned()),
        ],
        option::of(prop_oneof![3 => 0.0..=10.0f64, 1 => any::<f64>()]),
    )
        .prop_map(|(kind, vector, score)| Cvss {
            kind,
            vector,
            score,
        })
}

fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        Just("https://osv.dev/vulnerability/PYSEC-2019-10".to_owned()),
        "https?://[a-z.]{1,10}(:[0-9]{1,5})?/(?s).{0,12}",
        "(?s)[a-zA-Z]{1,6}://.{0,12}",
    ]
}

fn suppression() -> impl Strategy<Value = Suppression> {
    (
        any::<bool>(),
        text(),
        option::of(prop_oneof![
            text(),
            Just("vulnerable_code_not_present".to_owned()),
            Just("inline_mitigations_already_exist".to_owned()),
        ]),
    )
        .prop_map(|(vex, source, reason)| Suppression {
            kind: if vex {
                SuppressionKind::Vex
            } else {
                SuppressionKind::IgnoreFile
            },
            source,
            reason,
        })
}

prop_compose! {
    /// A package a finding may point at when it is not one of the
    /// inventory's.
    fn package_ref()(
        name in text(),
        version in text(),
        ecosystem in ecosystem(),
        purl in prop_oneof![text(), Just("pkg:npm/a@1".to_owned())],
        source in option::of((text(), text())),
        path in option::of(text()),
        layer in layer_ref(),
    ) -> PackageRef {
        PackageRef {
            name,
            version,
            ecosystem,
            purl,
            source: source.map(|(name, version)| SourcePackage { name, version }),
            path,
            layer,
        }
    }
}

prop_compose! {
    /// A finding, and which inventory package (if any) it is about.
    fn vulnerability()(
        id in prop_oneof![text(), "(CVE|GHSA|PYSEC|GO|DSA)-[0-9]{4}-[0-9a-z]{1,5}"],
        aliases in vec(prop_oneof![text(), "CVE-[0-9]{4}-[0-9]{4,5}", "GHSA-[a-z0-9-]{4,8}"], 0..3),
        pick in option::of(any::<prop::sample::Index>()),
        package in package_ref(),
        matched_version in text(),
        fixed_versions in vec(prop_oneof![4 => text(), 1 => "[0-9]{1030,1040}"], 0..3),
        fix_state in fix_state(),
        severity in severity(),
        severity_source in option::of(text()),
        cvss in vec(cvss(), 0..3),
        summary in option::of(text()),
        feed in text(),
        reason in text(),
        references in vec(reference(), 0..3),
        published in option::of(prop_oneof![
            text(),
            Just("2024-01-02".to_owned()),
            Just("2024-01-02T03:04:05Z".to_owned()),
            Just("2024-02-30".to_owned()),
        ]),
        suppressed in option::of(suppression()),
    ) -> (Option<prop::sample::Index>, Vulnerability) {
        (pick, Vulnerability {
            id,
            aliases,
            package,
            matched_version,
            fixed_versions,
            fix_state,
            severity,
            severity_source,
            cvss,
            summary,
            feed,
            reason,
            references,
            published,
            suppressed,
        })
    }
}

fn secret_location() -> impl Strategy<Value = SecretLocation> {
    prop_oneof![
        3 => (
            prop_oneof![text(), Just("app/a.jar!/BOOT-INF/x.env".to_owned()), Just("/".to_owned())],
            layer_ref(),
            option::of(0usize..5),
            option::of(0usize..5),
            prop_oneof![Just(0u32), Just(1u32), any::<u32>()],
            prop_oneof![Just(0u32), Just(1u32), any::<u32>()],
        )
            .prop_map(|(path, layer, deleted_in_layer, replaced_in_layer, line, column)| {
                SecretLocation::File {
                    path,
                    layer,
                    deleted_in_layer,
                    replaced_in_layer,
                    line,
                    column,
                }
            }),
        1 => text().prop_map(|name| SecretLocation::Env { name }),
        1 => text().prop_map(|name| SecretLocation::Label { name }),
        1 => (any::<usize>(), option::of(prop_oneof![0usize..4, any::<usize>()]))
            .prop_map(|(index, layer)| SecretLocation::History { index, layer }),
    ]
}

prop_compose! {
    /// A secret whose value (`value`) is kept out of the finding unless
    /// `revealed`.
    fn secret()(
        rule_id in prop_oneof![text(), Just("aws-access-key-id".to_owned())],
        title in text(),
        category in prop_oneof![text(), Just("secret".to_owned()), Just("security".to_owned())],
        severity in severity(),
        location in secret_location(),
        redacted in text(),
        revealed in option::of(text()),
        fingerprint in prop_oneof![text(), "[0-9a-f]{32}"],
        suppressed in option::of(suppression()),
    ) -> Secret {
        Secret {
            rule_id,
            title,
            category,
            severity,
            location,
            redacted,
            secret: revealed,
            fingerprint,
            suppressed,
        }
    }
}

/// Sometimes absent, sometimes 0 (unknown), sometimes anything.
fn line() -> impl Strategy<Value = Option<u32>> {
    option::of(prop_oneof![Just(0u32), 1u32..40, any::<u32>()])
}

prop_compose! {
    fn misconfig_location()(
        file in option::of(prop_oneof![
            text(),
            Just("app/Dockerfile".to_owned()),
            Just("/".to_owned()),
            "[a-z/]{40,120}",
        ]),
        line in line(),
        end_line in line(),
        config_path in option::of(prop_oneof![
            text(),
            Just("config.User".to_owned()),
            Just("spec.template.spec.containers[0].securityContext.privileged".to_owned()),
        ]),
        layer in option::of(prop_oneof![0usize..4, any::<usize>()]),
        object in option::of(prop_oneof![text(), Just("Deployment/web".to_owned())]),
    ) -> MisconfigLocation {
        MisconfigLocation { file, line, end_line, config_path, layer, object }
    }
}

/// Short, empty or far longer than a table line.
fn long_text() -> BoxedStrategy<String> {
    prop_oneof![3 => text(), 1 => "(?s).{100,300}"].boxed()
}

prop_compose! {
    fn misconfiguration()(
        check_id in prop_oneof![text(), Just("DD-IMG-001".to_owned()), "[A-Z0-9-]{30,40}"],
        title in long_text(),
        severity in severity(),
        source in prop_oneof![
            text(),
            Just("image".to_owned()),
            Just("dockerfile".to_owned()),
            Just("kubernetes".to_owned()),
            Just("policy".to_owned()),
            Just("daemon".to_owned()),
            Just("security".to_owned()),
        ],
        location in misconfig_location(),
        evidence in long_text(),
        remediation in long_text(),
        references in vec(reference(), 0..3),
        suppressed in option::of(suppression()),
    ) -> Misconfiguration {
        Misconfiguration {
            check_id,
            title,
            severity,
            source,
            location,
            evidence,
            remediation,
            references,
            suppressed,
        }
    }
}

prop_compose! {
    fn malware()(
        engine in prop_oneof![
            text(),
            Just("yara".to_owned()),
            Just("hash".to_owned()),
            Just("clamav".to_owned()),
        ],
        rule in prop_oneof![text(), Just("php_webshell_eval".to_owned())],
        category in prop_oneof![text(), Just("malware".to_owned()), Just("security".to_owned())],
        severity in severity(),
        description in long_text(),
        path in prop_oneof![
            text(),
            Just("app/a.jar!/BOOT-INF/x.class".to_owned()),
            Just("/".to_owned()),
            "[a-z/]{60,200}",
        ],
        layer in layer_ref(),
        deleted_in_layer in option::of(prop_oneof![0usize..5, any::<usize>()]),
        replaced_in_layer in option::of(0usize..5),
        evidence in vec(long_text(), 0..5),
        sha256 in option::of(prop_oneof![text(), "[0-9a-f]{64}"]),
        suppressed in option::of(suppression()),
    ) -> Malware {
        Malware {
            engine,
            rule,
            category,
            severity,
            description,
            path,
            layer,
            deleted_in_layer,
            replaced_in_layer,
            evidence,
            sha256,
            suppressed,
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
        findings in vec(vulnerability().boxed(), 0..5),
        secrets in vec(secret().boxed(), 0..5),
        misconfigurations in vec(misconfiguration().boxed(), 0..6),
        malware in vec(malware().boxed(), 0..5),
    ) -> ScanReport {
        let mut inventory = Inventory { distro, packages, unknowns };
        if sort {
            inventory.sort();
        }
        // Most findings point at an inventory package, as the matcher's do.
        let vulnerabilities = findings
            .into_iter()
            .map(|(pick, mut v)| {
                if let Some(i) = pick.filter(|_| !inventory.packages.is_empty()) {
                    v.package = PackageRef::of(i.get(&inventory.packages));
                }
                v
            })
            .collect();
        ScanReport {
            tool: ToolInfo { name: "drydock".into(), version: tool_version },
            created: "2024-02-29T23:59:60.999Z".into(),
            target,
            inventory,
            vulnerabilities,
            secrets,
            misconfigurations,
            malware,
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

        let sarif = render_json(&report, Format::Sarif);
        if let Err(e) = check_sarif(&sarif) {
            prop_assert!(false, "{e}\n{sarif:#}");
        }
        // Every finding is in every machine format, suppressed ones too.
        let n = report.vulnerabilities.len();
        let results = sarif["runs"][0]["results"].as_array().map_or(0, Vec::len);
        prop_assert_eq!(
            results,
            n + report.secrets.len() + report.misconfigurations.len() + report.malware.len()
        );
        // Secrets follow the vulnerabilities; code scanning needs a file
        // for each, which only an empty path cannot give.
        let secret_results = sarif["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .skip(n)
            .take(report.secrets.len());
        let mut without_uri = 0;
        let mut revealed: Vec<&str> = Vec::new();
        let mut severities: Vec<&str> = Vec::new();
        for r in secret_results {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str();
            if uri.is_none_or(str::is_empty) {
                without_uri += 1;
            }
            revealed.extend(r["properties"]["secret"].as_str());
            severities.extend(r["properties"]["severity"].as_str());
        }
        let empty_paths = report
            .secrets
            .iter()
            .filter(|s| matches!(
                &s.location,
                SecretLocation::File { path, .. } if path.trim_start_matches('/').is_empty()
            ))
            .count();
        prop_assert_eq!(without_uri, empty_paths);
        let mut want: Vec<&str> = report.secrets.iter().filter_map(|s| s.secret.as_deref()).collect();
        want.sort_unstable();
        revealed.sort_unstable();
        prop_assert_eq!(revealed, want);
        // Most severe first.
        let rank = |s: &str| s.parse::<Severity>().ok().map(std::cmp::Reverse);
        prop_assert!(severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{severities:?}");
        // Misconfigurations follow the secrets, malware comes last, each
        // most severe first. Only a finding with neither a file nor
        // anything about the image config has no file to point at.
        let after_secrets = n + report.secrets.len();
        let all_results = sarif["runs"][0]["results"].as_array().cloned().unwrap_or_default();
        let (misconfig_results, malware_results) = all_results
            .get(after_secrets..)
            .unwrap_or_default()
            .split_at(report.misconfigurations.len());
        let no_file = |results: &[serde_json::Value]| {
            results
                .iter()
                .filter(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .is_none_or(str::is_empty))
                .count()
        };
        let fileless = report
            .misconfigurations
            .iter()
            .filter(|m| {
                let file = m.location.file.as_deref().map(|f| f.trim_start_matches('/'));
                file.is_none_or(str::is_empty) && !matches!(m.source.trim(), "image" | "policy")
            })
            .count();
        prop_assert_eq!(no_file(misconfig_results), fileless);
        let pathless = report
            .malware
            .iter()
            .filter(|m| m.path.trim_start_matches('/').is_empty())
            .count();
        prop_assert_eq!(no_file(malware_results), pathless);
        for results in [misconfig_results, malware_results] {
            let severities: Vec<&str> = results
                .iter()
                .filter_map(|r| r["properties"]["severity"].as_str())
                .collect();
            prop_assert_eq!(severities.len(), results.len());
            prop_assert!(severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{severities:?}");
        }

        // The scanners' order changes nothing but JSON, which is the
        // report as given.
        let mut shuffled = report.clone();
        shuffled.misconfigurations.reverse();
        shuffled.malware.reverse();
        if shuffled.misconfigurations.len() > 2 {
            shuffled.misconfigurations.swap(0, 1);
        }
        prop_assert_eq!(&sarif, &render_json(&shuffled, Format::Sarif));
        let only_new = Sections::for_scanners(false, false, true, true);
        let table_of = |r: &ScanReport| {
            let mut out = Vec::new();
            render_sections(r, Format::Table, &only_new, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let findings_table = table_of(&report);
        prop_assert_eq!(&findings_table, &table_of(&shuffled));
        prop_assert!(
            !findings_table.chars().any(|c| c.is_control() && c != '\n'),
            "{findings_table}"
        );
        // Every misconfiguration line fits 100 columns, whatever its cells.
        let shown = report.misconfigurations.iter().filter(|m| m.suppressed.is_none()).count();
        if shown > 0 {
            let summary = format!("{shown} misconfiguration");
            let lines: Vec<&str> = findings_table
                .lines()
                .skip_while(|l| *l != "Misconfigurations:")
                .take_while(|l| !l.starts_with(&summary))
                .collect();
            prop_assert!(lines.len() > shown, "{findings_table}");
            for l in lines {
                prop_assert!(l.chars().count() <= 100, "{l}");
            }
        }

        // The SBOMs do not depend on secrets, misconfigurations or malware
        // at all.
        let mut without = report.clone();
        without.secrets.clear();
        without.misconfigurations.clear();
        without.malware.clear();
        prop_assert_eq!(&cdx, &render_json(&without, Format::CycloneDxJson));
        prop_assert_eq!(&spdx, &render_json(&without, Format::SpdxJson));
        let cdx_vulns = cdx["vulnerabilities"].as_array().map_or(0, Vec::len);
        prop_assert_eq!(cdx_vulns, n);
        let spdx_refs = spdx["packages"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["externalRefs"].as_array().into_iter().flatten())
            .filter(|r| r["referenceCategory"] != "PACKAGE-MANAGER")
            .count();
        prop_assert_eq!(spdx_refs, n);

        for show_packages in [true, false] {
            let table = render_table_with(&report, show_packages);
            prop_assert!(!table.chars().any(|c| c.is_control() && c != '\n'), "{table}");
        }
        let all = Sections {
            packages: Show::Always,
            vulnerabilities: Show::Always,
            secrets: Show::Always,
            misconfigurations: Show::Always,
            malware: Show::Always,
        };
        let mut table = Vec::new();
        render_sections(&report, Format::Table, &all, &mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        prop_assert!(!table.chars().any(|c| c.is_control() && c != '\n'), "{table}");
        prop_assert!(table.contains("Secrets:\n") || table.contains("No secrets found"), "{table}");
        prop_assert!(
            table.contains("Misconfigurations:\n") || table.contains("No misconfigurations found"),
            "{table}"
        );
        prop_assert!(table.contains("Malware:\n") || table.contains("No malware found"), "{table}");
        let json = render_string(&report, Format::Json);
        let back: ScanReport = serde_json::from_str(&json).unwrap();
        // JSON has no NaN or infinity: such a score reads back as absent.
        let finite = report
            .vulnerabilities
            .iter()
            .flat_map(|v| &v.cvss)
            .all(|c| c.score.is_none_or(f64::is_finite));
        if finite {
            prop_assert_eq!(back, report);
        }
    }
}
