//! Misconfigurations in every format: the table section, SARIF results,
//! rules and locations, the JSON names, and nothing in the SBOMs.

mod common;

use std::collections::HashSet;

use common::*;
use drydock_findings::{MisconfigLocation, Severity, Suppression, SuppressionKind};
use drydock_report::{Format, RenderOptions, ScanReport, Sections, Show, render_sections};
use serde_json::{Value, json};

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().unwrap()
}

/// The results whose rule is tagged `kind`, in log order.
fn results_tagged<'a>(doc: &'a Value, kind: &str) -> Vec<&'a Value> {
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    results(doc)
        .iter()
        .filter(|r| {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            rules[i]["properties"]["tags"][0] == kind
        })
        .collect()
}

fn result<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    results(doc)
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

fn rule<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn table(report: &ScanReport, sections: Sections) -> String {
    let mut out = Vec::new();
    render_sections(report, Format::Table, &sections, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn only_misconfigs() -> Sections {
    Sections::for_scanners(false, false, true, false)
}

/// The section from its heading to its summary line.
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    let start = text
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading}: {text}"));
    let mut lines = Vec::new();
    for l in text[start..].lines() {
        lines.push(l);
        if l.ends_with(" suppressed") {
            break;
        }
    }
    lines
}

fn check<'a>(report: &'a mut ScanReport, id: &str) -> &'a mut drydock_findings::Misconfiguration {
    report
        .misconfigurations
        .iter_mut()
        .find(|m| m.check_id == id)
        .unwrap()
}

#[test]
fn table_groups_misconfigurations_by_source_with_remediations() {
    let report = sample_report();
    let text = table(&report, only_misconfigs());
    assert!(
        !text.contains("Vulnerabilities:") && !text.contains("Secrets:"),
        "{text}"
    );
    assert!(!text.contains("Malware:"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("NAME ")), "{text}");
    assert_eq!(
        section(&text, "Misconfigurations:\n"),
        [
            "Misconfigurations:",
            "dockerfile",
            "  MEDIUM    DD-DF-004        ADD with a remote URL     /app/Dockerfile:12   ADD https://example.com…",
            "            Download with curl and check a checksum, or COPY a vetted file.",
            "  LOW       DD-DF-010        apt-get install without…  /app/Dockerfile:7-9  RUN apt-get update && a…",
            "            Pin versions: apt-get install curl=<version>.",
            "",
            "image",
            "  HIGH      DD-IMG-001       Image runs as root   config.User            User is empty (defaults to…",
            "            Add a USER instruction with a non-root user after the last FROM.",
            "  MEDIUM    DD-IMG-009       setuid binary added  /usr/local/bin/helper  mode 4755, owner root",
            "            Remove the setuid bit (chmod u-s) unless the binary needs it.",
            "",
            "kubernetes",
            "  CRITICAL  DD-K8S-PSS-PRIV  Privileged container  …y/web.yaml:21 (Deployment/web)  privileged: true",
            "            Set securityContext.privileged to false.",
            "",
            "image (info)",
            "  INFO      DD-IMG-100       No HEALTHCHECK     config.Healthcheck  not set",
            "            Add a HEALTHCHECK so orchestrators can restart a hung service.",
            "  INFO      DD-IMG-101       File capabilities  /usr/bin/ping       cap_net_raw=ep",
            "",
            "7 misconfigurations (critical 1, high 1, medium 2, low 1, info 2); 1 suppressed",
        ]
    );
    // Suppressed: counted, not listed.
    assert!(!text.contains("DD-IMG-004"), "{text}");
    // Readable in 100 columns.
    for l in section(&text, "Misconfigurations:\n") {
        assert!(l.chars().count() <= 100, "{} chars: {l}", l.chars().count());
    }
    // The evidence that was cut is whole in JSON.
    let json = render_json(&report, Format::Json);
    assert_eq!(json["misconfigurations"][4]["evidence"], LONG_RUN);
}

#[test]
fn table_misconfiguration_section_is_safe_and_handles_none() {
    let mut report = sample_report();
    let m = check(&mut report, "DD-IMG-001");
    m.check_id = "DD-\u{1b}[2J".into();
    m.title = "root\r\u{202e}".into();
    m.evidence = "User \u{1b}]0;pwned\u{7}".into();
    m.remediation = "fix\nit".into();
    let m = check(&mut report, "DD-DF-004");
    m.source = "docker\u{1b}file".into();
    m.location.file = Some(format!("{}/Dockerfile", "very-long-directory".repeat(10)));
    m.title = "t".repeat(300);
    m.evidence = "e".repeat(10_000);
    m.remediation = "r".repeat(10_000);
    let text = table(&report, only_misconfigs());
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\r'),
        "{text}"
    );
    assert!(text.contains("DD-\\u{1b}[2J"), "{text}");
    assert!(text.contains("root\\r\\u{202e}"), "{text}");
    assert!(text.contains("User \\u{1b}]0;pwned\\u{7}"), "{text}");
    assert!(text.contains("fix\\nit"), "{text}");
    assert!(text.contains("\ndocker\\u{1b}file\n"), "{text}");
    // However long the cells, every line still fits.
    for l in section(&text, "Misconfigurations:\n") {
        assert!(l.chars().count() <= 100, "{} chars: {l}", l.chars().count());
    }
    // The location keeps its end, the file name.
    assert!(text.contains("  …rectory/Dockerfile:12  eeee"), "{text}");

    // Every finding suppressed: nothing listed, the count still shown.
    for m in &mut report.misconfigurations {
        m.suppressed = Some(Suppression {
            kind: SuppressionKind::Vex,
            source: "x".into(),
            reason: None,
        });
    }
    let text = table(&report, only_misconfigs());
    assert!(
        text.contains("\nNo misconfigurations found (8 suppressed).\n"),
        "{text}"
    );

    // None at all: said only when the caller knows the scanner ran.
    report.misconfigurations.clear();
    assert!(table(&report, only_misconfigs()).contains("\nNo misconfigurations found.\n"));
    for t in [
        render_string(&report, Format::Table),
        render_table_with(&report, false),
        table(&report, Sections::findings(true, true)),
        table(&report, Sections::for_scanners(true, true, false, true)),
    ] {
        assert!(!t.contains("isconfiguration"), "{t}");
    }
}

#[test]
fn sections_show_misconfigurations_and_malware_as_asked() {
    let report = sample_report();
    // The default table and the legacy options show both when present.
    for t in [
        render_string(&report, Format::Table),
        render_table_with(&report, false),
        table(&report, Sections::DEFAULT),
    ] {
        let s = t.find("Secrets:\n").unwrap();
        let m = t.find("Misconfigurations:\n").unwrap();
        let w = t.find("Malware:\n").unwrap();
        let u = t.find("Unknowns (1)").unwrap();
        assert!(s < m && m < w && w < u, "{t}");
    }
    assert_eq!(Sections::DEFAULT.misconfigurations, Show::IfAny);
    assert_eq!(Sections::DEFAULT.malware, Show::IfAny);
    let legacy = RenderOptions {
        show_packages: false,
    }
    .sections();
    assert_eq!(
        (legacy.misconfigurations, legacy.malware),
        (Show::IfAny, Show::IfAny)
    );
    // `findings` predates them and leaves them out.
    let old = Sections::findings(true, true);
    assert_eq!(
        (old.misconfigurations, old.malware),
        (Show::Never, Show::Never)
    );
    let t = table(&report, old);
    assert!(
        !t.contains("Misconfigurations:") && !t.contains("Malware:"),
        "{t}"
    );
    assert_eq!(
        Sections::for_scanners(true, true, false, false),
        Sections::findings(true, true)
    );
    assert_eq!(
        Sections::for_scanners(false, true, true, false),
        Sections {
            packages: Show::Never,
            vulnerabilities: Show::Never,
            secrets: Show::Always,
            misconfigurations: Show::Always,
            malware: Show::Never,
        }
    );
    // Each view shows exactly the sections of the scanners that ran.
    let t = table(&report, Sections::for_scanners(false, false, false, true));
    assert!(t.contains("Malware:\n"), "{t}");
    for other in [
        "Vulnerabilities:",
        "Secrets:",
        "Misconfigurations:",
        "NAME ",
    ] {
        assert!(!t.contains(other), "{other}: {t}");
    }
}

#[test]
fn sarif_misconfiguration_results_follow_the_conventions() {
    let report = sample_report();
    let doc = render_json(&report, Format::Sarif);
    check_sarif(&doc).unwrap();

    // After the vulnerabilities and secrets, most severe first, then by
    // check id; suppressed ones kept; info last but before unknown.
    let found = results_tagged(&doc, "misconfiguration");
    let ids: Vec<&str> = found
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "DD-K8S-PSS-PRIV",
            "DD-IMG-001",
            "DD-DF-004",
            "DD-IMG-009",
            "DD-DF-010",
            "DD-IMG-004",
            "DD-IMG-100",
            "DD-IMG-101",
        ]
    );
    let first = results(&doc)
        .iter()
        .position(|r| r["ruleId"] == "DD-K8S-PSS-PRIV")
        .unwrap();
    assert_eq!(first, 5 + report.secrets.len());
    let levels: Vec<&str> = found.iter().map(|r| r["level"].as_str().unwrap()).collect();
    assert_eq!(
        levels,
        [
            "error", "error", "warning", "warning", "note", "note", "note", "note"
        ]
    );

    // One rule per check id.
    let r = rule(&doc, "DD-IMG-001");
    assert_eq!(r["shortDescription"]["text"], "Image runs as root");
    assert_eq!(
        r["help"]["text"],
        "Add a USER instruction with a non-root user after the last FROM."
    );
    assert!(r.get("helpUri").is_none(), "{r}");
    assert_eq!(
        r["properties"],
        json!({"security-severity": "8.0", "tags": ["misconfiguration", "security", "image"]})
    );
    assert_eq!(r["defaultConfiguration"]["level"], "error");
    let info = rule(&doc, "DD-IMG-100");
    assert_eq!(info["properties"]["security-severity"], "0.0");
    assert_eq!(info["defaultConfiguration"]["level"], "note");
    // No remediation, no help.
    assert!(rule(&doc, "DD-IMG-101").get("help").is_none());
    // The first reference that is a URL becomes the help link.
    assert_eq!(
        rule(&doc, "DD-K8S-PSS-PRIV")["helpUri"],
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/"
    );

    // A config check: the config stand-in, the setting as a logical
    // location, no region.
    let user = result(&doc, "DD-IMG-001");
    assert_eq!(
        user["locations"],
        json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": "image-config.json", "uriBaseId": "IMAGE_CONFIG"}
            },
            "logicalLocations": [{"name": "config.User", "kind": "property"}]
        }])
    );
    assert_eq!(
        user["message"]["text"],
        "Image runs as root in config.User: User is empty (defaults to root)"
    );
    assert_eq!(
        user["properties"],
        json!({
            "source": "image",
            "severity": "HIGH",
            "config-path": "config.User",
            "evidence": "User is empty (defaults to root)",
            "references": ["CIS-Docker-4.1", "dockle:CIS-DI-0001"],
        })
    );
    assert!(user.get("suppressions").is_none());

    // A Dockerfile span: the file under the image root, both lines.
    let apt = result(&doc, "DD-DF-010");
    assert_eq!(
        apt["locations"],
        json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": "app/Dockerfile", "uriBaseId": "IMAGE_ROOT"},
                "region": {"startLine": 7, "endLine": 9}
            }
        }])
    );
    // The message quotes the evidence (it is short enough here).
    assert_eq!(
        apt["message"]["text"],
        format!("apt-get install without version pins in /app/Dockerfile:7-9: {LONG_RUN}")
    );
    assert_eq!(
        result(&doc, "DD-DF-004")["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 12})
    );

    // A Kubernetes object: file and line, then the object and the setting.
    let k8s = result(&doc, "DD-K8S-PSS-PRIV");
    assert_eq!(
        k8s["locations"][0]["logicalLocations"],
        json!([
            {"name": "Deployment/web", "kind": "resource"},
            {
                "name": "spec.template.spec.containers[0].securityContext.privileged",
                "fullyQualifiedName": "Deployment/web/spec.template.spec.containers[0].securityContext.privileged",
                "kind": "property"
            }
        ])
    );
    assert_eq!(
        k8s["message"]["text"],
        "Privileged container in /deploy/web.yaml:21 (Deployment/web): privileged: true"
    );
    assert_eq!(k8s["properties"]["object"], "Deployment/web");

    // An image file check: the file and its layer.
    let setuid = result(&doc, "DD-IMG-009");
    assert_eq!(
        setuid["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "usr/local/bin/helper"
    );
    assert_eq!(setuid["properties"]["layer-index"], 2);
    assert_eq!(
        setuid["properties"]["layer-diff-id"],
        digest("layer2").to_string()
    );

    // Suppressed: kept, marked.
    let ssh = result(&doc, "DD-IMG-004");
    assert_eq!(
        ssh["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "bastion image, ssh is its purpose",
            "properties": {"suppressed-by": "ignore-file", "source": ".drydockignore.yaml"}
        }])
    );
}

fn fingerprint_of(doc: &Value, rule: &str) -> String {
    result(doc, rule)["partialFingerprints"]["drydock/v1"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn sarif_misconfiguration_fingerprints_follow_identity_not_position() {
    let report = sample_report();
    let doc = render_json(&report, Format::Sarif);
    let fps: HashSet<String> = results_tagged(&doc, "misconfiguration")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["drydock/v1"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(fps.len(), report.misconfigurations.len());

    // Lines, severity, title and remediation are not the identity...
    let mut moved = report.clone();
    let m = check(&mut moved, "DD-DF-004");
    m.location.line = Some(40);
    m.severity = Severity::Critical;
    m.title = "renamed".into();
    m.remediation = "other".into();
    let doc2 = render_json(&moved, Format::Sarif);
    assert_eq!(
        fingerprint_of(&doc2, "DD-DF-004"),
        fingerprint_of(&doc, "DD-DF-004")
    );
    // ...while each of the parts that are changes it.
    type Change = fn(&mut drydock_findings::Misconfiguration);
    let changes: [(&str, Change); 6] = [
        ("source", |m| m.source = "policy".into()),
        ("file", |m| {
            m.location.file = Some("other/Dockerfile".into())
        }),
        ("config path", |m| m.location.config_path = Some("x".into())),
        ("object", |m| m.location.object = Some("Pod/x".into())),
        ("evidence", |m| {
            m.evidence = "ADD https://example.org/x /".into()
        }),
        ("check id", |m| m.check_id = "DD-DF-005".into()),
    ];
    for (what, change) in changes {
        let mut changed = report.clone();
        let m = check(&mut changed, "DD-DF-004");
        change(m);
        let id = m.check_id.clone();
        let doc3 = render_json(&changed, Format::Sarif);
        assert_ne!(
            fingerprint_of(&doc3, &id),
            fingerprint_of(&doc, "DD-DF-004"),
            "{what}"
        );
    }
}

#[test]
fn sarif_misconfiguration_locations_stay_valid_for_odd_input() {
    let mut report = sample_report();
    let m = check(&mut report, "DD-DF-004");
    m.location = MisconfigLocation {
        file: Some("/app/we ird/名#?.Dockerfile".into()),
        line: Some(0),
        end_line: Some(3),
        ..MisconfigLocation::default()
    };
    m.source = "dockerfile".into();
    m.title = " ".into();
    m.evidence = "x".repeat(500);
    m.references = vec!["not a url".into(), "https://example.com/a b".into()];
    // File-less findings of a source that is not the image: no file to
    // point at, and not the image config either.
    let m = check(&mut report, "DD-K8S-PSS-PRIV");
    m.source = "docker-inspect".into();
    m.location = MisconfigLocation {
        config_path: Some("HostConfig.Privileged".into()),
        ..MisconfigLocation::default()
    };
    let m = check(&mut report, "DD-IMG-009");
    m.location = MisconfigLocation::default();
    m.source = "daemon".into();
    // An image check with only a layer: the config, no logical location.
    let m = check(&mut report, "DD-IMG-101");
    m.location = MisconfigLocation {
        file: Some("/".into()),
        layer: Some(7),
        ..MisconfigLocation::default()
    };
    // A tag equal to the kind stays unique.
    check(&mut report, "DD-IMG-100").source = "security".into();
    let doc = render_json(&report, Format::Sarif);
    check_sarif(&doc).unwrap();

    let odd = result(&doc, "DD-DF-004");
    // Encoded like other paths; line 0 means unknown, so no region.
    assert_eq!(
        odd["locations"][0]["physicalLocation"],
        json!({
            "artifactLocation": {
                "uri": "app/we%20ird/%E5%90%8D%23%3F.Dockerfile",
                "uriBaseId": "IMAGE_ROOT"
            }
        })
    );
    let text = odd["message"]["text"].as_str().unwrap();
    assert!(
        text.starts_with("DD-DF-004 in /app/we ird/名#?.Dockerfile: xxx"),
        "{text}"
    );
    assert!(text.ends_with("x…"), "{text}");
    assert!(text.chars().count() < 300, "{text}");
    assert_eq!(odd["properties"]["evidence"].as_str().unwrap().len(), 500);
    let rl = rule(&doc, "DD-DF-004");
    assert_eq!(rl["shortDescription"]["text"], "DD-DF-004");
    assert_eq!(rl["helpUri"], "https://example.com/a%20b");

    let inspect = result(&doc, "DD-K8S-PSS-PRIV");
    assert_eq!(
        inspect["locations"],
        json!([{"logicalLocations": [{"name": "HostConfig.Privileged", "kind": "property"}]}])
    );
    let daemon = result(&doc, "DD-IMG-009");
    assert!(daemon.get("locations").is_none(), "{daemon}");
    assert_eq!(
        daemon["message"]["text"],
        "setuid binary added: mode 4755, owner root"
    );
    let layer_only = result(&doc, "DD-IMG-101");
    assert_eq!(
        layer_only["locations"],
        json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": "image-config.json", "uriBaseId": "IMAGE_CONFIG"}
            }
        }])
    );
    // A layer the target does not list: the index, no diff_id.
    assert_eq!(layer_only["properties"]["layer-index"], 7);
    assert!(layer_only["properties"].get("layer-diff-id").is_none());
    assert_eq!(
        rule(&doc, "DD-IMG-100")["properties"]["tags"],
        json!(["misconfiguration", "security"])
    );
}

#[test]
fn output_does_not_depend_on_the_scanners_order() {
    let report = sample_report();
    let mut shuffled = report.clone();
    shuffled.misconfigurations.reverse();
    shuffled.misconfigurations.rotate_left(3);
    shuffled.malware.reverse();
    shuffled.malware.rotate_left(1);
    for format in [Format::Table, Format::Sarif] {
        assert_eq!(
            render_string(&report, format),
            render_string(&shuffled, format),
            "{format}"
        );
    }
    for sections in [
        only_misconfigs(),
        Sections::for_scanners(false, false, false, true),
    ] {
        assert_eq!(table(&report, sections), table(&shuffled, sections));
    }
    // JSON is the report: it keeps the scanner's order, and so is the same
    // for the same report.
    let json = render_json(&shuffled, Format::Json);
    assert_eq!(
        json["misconfigurations"][0]["check_id"],
        shuffled.misconfigurations[0].check_id.as_str()
    );
    assert_eq!(
        render_string(&shuffled, Format::Json),
        render_string(&shuffled, Format::Json)
    );
}

#[test]
fn json_names_misconfigurations_stably() {
    let report = sample_report();
    let text = render_string(&report, Format::Json);
    let back: ScanReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v["misconfigurations"][0],
        json!({
            "check_id": "DD-DF-004",
            "title": "ADD with a remote URL",
            "severity": "medium",
            "source": "dockerfile",
            "location": {"file": "app/Dockerfile", "line": 12},
            "evidence": "ADD https://example.com/tool.tar.gz /opt/",
            "remediation": "Download with curl and check a checksum, or COPY a vetted file.",
            "references": ["hadolint:DL3020", "CIS-Docker-4.9"]
        })
    );
    assert_eq!(v["misconfigurations"][2]["severity"], "info");
    assert_eq!(
        v["misconfigurations"][3]["location"],
        json!({
            "file": "deploy/web.yaml",
            "line": 21,
            "config_path": "spec.template.spec.containers[0].securityContext.privileged",
            "object": "Deployment/web"
        })
    );
    assert_eq!(v["misconfigurations"][4]["location"]["end_line"], 9);
    assert_eq!(v["misconfigurations"][5]["location"]["layer"], 0);
    assert_eq!(
        v["misconfigurations"][7]["suppressed"],
        json!({
            "kind": "ignore-file",
            "source": ".drydockignore.yaml",
            "reason": "bastion image, ssh is its purpose"
        })
    );
    // Without findings the field is left out.
    let mut none = report.clone();
    none.misconfigurations.clear();
    assert!(
        render_json(&none, Format::Json)
            .get("misconfigurations")
            .is_none()
    );
}

#[test]
fn sboms_carry_nothing_of_misconfigurations_or_malware() {
    let report = sample_report();
    let mut without = report.clone();
    without.misconfigurations.clear();
    without.malware.clear();
    assert!(!report.misconfigurations.is_empty() && !report.malware.is_empty());
    // Byte for byte: no element, property or id depends on them.
    for format in [Format::CycloneDxJson, Format::SpdxJson] {
        assert_eq!(
            render_string(&report, format),
            render_string(&without, format),
            "{format}"
        );
    }
    check_cyclonedx(&render_json(&report, Format::CycloneDxJson)).unwrap();
    check_spdx(&render_json(&report, Format::SpdxJson)).unwrap();
    // The machine formats for findings do change.
    for format in [Format::Json, Format::Sarif, Format::Table] {
        assert_ne!(
            render_string(&report, format),
            render_string(&without, format),
            "{format}"
        );
    }
}
