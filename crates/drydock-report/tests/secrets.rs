//! Secrets in every format: SARIF results and their locations, the table
//! section, the JSON names, nothing in the SBOMs, and never the value
//! unless it was revealed.

mod common;

use common::*;
use drydock_findings::{SecretLocation, Suppression, SuppressionKind};
use drydock_report::{Format, RenderOptions, ScanReport, Sections, Show, render_sections};
use serde_json::{Value, json};

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().unwrap()
}

/// The results tagged as secrets by their rule, in log order.
fn secret_results(doc: &Value) -> Vec<&Value> {
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    results(doc)
        .iter()
        .filter(|r| {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            rules[i]["properties"]["tags"][0] == "secret"
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

fn secret_named<'a>(report: &'a mut ScanReport, rule: &str) -> &'a mut drydock_findings::Secret {
    report
        .secrets
        .iter_mut()
        .find(|s| s.rule_id == rule)
        .unwrap()
}

#[test]
fn sarif_secret_results_follow_the_conventions() {
    let report = sample_report();
    let doc = render_json(&report, Format::Sarif);
    check_sarif(&doc).unwrap();

    // After the vulnerabilities, most severe first, then by rule id;
    // suppressed ones kept.
    let secrets = secret_results(&doc);
    let ids: Vec<&str> = secrets
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "aws-access-key-id",
            "github-pat",
            "npm-access-token",
            "private-key",
            "generic-password"
        ]
    );
    assert_eq!(
        results(&doc).len(),
        5 + 5 + report.misconfigurations.len() + report.malware.len()
    );
    let levels: Vec<&str> = secrets
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error", "error", "error", "warning"]);

    // One rule per rule id.
    let aws_rule = rule(&doc, "aws-access-key-id");
    assert_eq!(aws_rule["shortDescription"]["text"], "AWS access key ID");
    assert_eq!(
        aws_rule["properties"],
        json!({"security-severity": "9.5", "tags": ["secret", "security", "cloud"]})
    );
    assert_eq!(aws_rule["defaultConfiguration"]["level"], "error");
    assert_eq!(
        rule(&doc, "generic-password")["properties"]["security-severity"],
        "5.5"
    );

    // A file a later layer deleted: path, line and column, and the layer
    // that still holds it.
    let aws = &report.secrets[3];
    assert_eq!(aws.rule_id, "aws-access-key-id");
    let r = result(&doc, "aws-access-key-id");
    assert_eq!(
        r["message"]["text"],
        "AWS access key ID in /root/.aws/credentials:2 (AKIA…(20)); \
         deleted in layer 2, still readable in layer 1"
    );
    assert_eq!(
        r["locations"],
        json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": "root/.aws/credentials", "uriBaseId": "IMAGE_ROOT"},
                "region": {"startLine": 2, "startColumn": 19}
            }
        }])
    );
    assert_eq!(
        r["properties"],
        json!({
            "layer-index": 1,
            "layer-diff-id": digest("layer1").to_string(),
            "deleted-in-layer": 2,
            "category": "cloud",
            "severity": "CRITICAL",
            "redacted": "AKIA…(20)",
            "fingerprint": aws.fingerprint,
        })
    );
    assert_eq!(
        r["partialFingerprints"],
        json!({"drydock/v1": aws.fingerprint})
    );
    assert!(r.get("suppressions").is_none());

    let ghp = result(&doc, "github-pat");
    assert_eq!(
        ghp["message"]["text"],
        "GitHub personal access token in /app/.env:3 (ghp_…(40)); \
         replaced in layer 2, still readable in layer 1"
    );
    assert_eq!(ghp["properties"]["replaced-in-layer"], 2);
    assert!(ghp["properties"].get("deleted-in-layer").is_none());

    // Config entries: the config stand-in under its own base, the entry as
    // a logical location, no region.
    let base = &doc["runs"][0]["originalUriBaseIds"];
    assert!(base["IMAGE_CONFIG"].get("uri").is_none(), "{base}");
    assert!(
        base["IMAGE_CONFIG"]["description"]["text"]
            .as_str()
            .unwrap()
            .contains("not a file of the image")
    );
    let env = result(&doc, "generic-password");
    assert_eq!(
        env["locations"],
        json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": "image-config.json", "uriBaseId": "IMAGE_CONFIG"}
            },
            "logicalLocations": [{
                "name": "DB_PASSWORD",
                "fullyQualifiedName": "config.Env[DB_PASSWORD]",
                "kind": "variable"
            }]
        }])
    );
    assert_eq!(
        env["message"]["text"],
        "Password in config.Env[DB_PASSWORD] (s3cr…(20))"
    );
    assert!(env["properties"].get("layer-index").is_none());

    let history = result(&doc, "npm-access-token");
    assert_eq!(
        history["locations"][0]["logicalLocations"],
        json!([{"name": "history[3]", "fullyQualifiedName": "history[3]", "kind": "object"}])
    );
    assert_eq!(
        history["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        "IMAGE_CONFIG"
    );
    // The layer the step created, its diff_id from the target.
    assert_eq!(history["properties"]["layer-index"], 2);
    assert_eq!(
        history["properties"]["layer-diff-id"],
        digest("layer2").to_string()
    );

    let key = result(&doc, "private-key");
    assert_eq!(
        key["suppressions"],
        json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "test host key, not used in production",
            "properties": {"suppressed-by": "ignore-file", "source": ".drydockignore.yaml"}
        }])
    );

    // A report without config secrets (and without config checks, which
    // use the same base) declares no config base.
    let mut files_only = report.clone();
    files_only.misconfigurations.clear();
    files_only
        .secrets
        .retain(|s| matches!(s.location, SecretLocation::File { .. }));
    let doc = render_json(&files_only, Format::Sarif);
    check_sarif(&doc).unwrap();
    assert!(
        doc["runs"][0]["originalUriBaseIds"]
            .get("IMAGE_CONFIG")
            .is_none()
    );
}

#[test]
fn sarif_secret_locations_stay_valid_for_odd_input() {
    let mut report = sample_report();
    let s = secret_named(&mut report, "aws-access-key-id");
    s.location = SecretLocation::File {
        path: "/app/we ird/名#?.env".into(),
        layer: drydock_inventory::LayerRef {
            index: 2,
            diff_id: None,
        },
        deleted_in_layer: Some(3),
        replaced_in_layer: Some(3),
        line: 0,
        column: 7,
    };
    s.category = "security".into();
    s.title = "  ".into();
    s.fingerprint = String::new();
    let env = secret_named(&mut report, "generic-password");
    env.location = SecretLocation::Env {
        name: "A]\u{1b}[31m\nB".into(),
    };
    let doc = render_json(&report, Format::Sarif);
    check_sarif(&doc).unwrap();

    let r = result(&doc, "aws-access-key-id");
    // Encoded like vulnerability paths, leading `/` dropped; line 0 means
    // unknown, so no region at all.
    assert_eq!(
        r["locations"][0]["physicalLocation"],
        json!({
            "artifactLocation": {
                "uri": "app/we%20ird/%E5%90%8D%23%3F.env",
                "uriBaseId": "IMAGE_ROOT"
            }
        })
    );
    // Deletion wins over replacement in the message; both are properties.
    assert_eq!(
        r["message"]["text"],
        "aws-access-key-id in /app/we ird/名#?.env (AKIA…(20)); \
         deleted in layer 3, still readable in layer 2"
    );
    assert_eq!(r["properties"]["replaced-in-layer"], 3);
    // The diff_id the finding lacks comes from the target.
    assert_eq!(
        r["properties"]["layer-diff-id"],
        digest("layer2").to_string()
    );
    // Tags stay unique; a blank title falls back to the rule id; a missing
    // fingerprint is replaced by a computed one.
    let rl = rule(&doc, "aws-access-key-id");
    assert_eq!(rl["properties"]["tags"], json!(["secret", "security"]));
    assert_eq!(rl["shortDescription"]["text"], "aws-access-key-id");
    let fp = r["partialFingerprints"]["drydock/v1"].as_str().unwrap();
    assert_eq!(fp.len(), 32);

    let env = result(&doc, "generic-password");
    assert_eq!(
        env["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "config.Env[A]\u{1b}[31m\nB]"
    );
}

#[test]
fn revealed_secrets_are_in_json_and_sarif_properties_only() {
    let mut report = sample_report();
    let values = secret_values(&report);
    for (s, value) in report.secrets.iter_mut().zip(values) {
        s.secret = Some(value.to_owned());
    }
    let sarif = render_json(&report, Format::Sarif);
    check_sarif(&sarif).unwrap();
    for r in secret_results(&sarif) {
        let value = r["properties"]["secret"].as_str().unwrap();
        assert!(SAMPLE_SECRET_VALUES.contains(&value), "{value}");
        assert!(!r["message"]["text"].as_str().unwrap().contains(value));
    }
    let json = render_json(&report, Format::Json);
    assert_eq!(json["secrets"][0]["secret"], SAMPLE_SECRET_VALUES[1]);

    // The search below finds a revealed value where it is allowed, so its
    // silence elsewhere means something.
    for format in [Format::Json, Format::Sarif] {
        let text = render_string(&report, format);
        assert!(!leaks(&text).is_empty(), "{format}: value not found");
    }
    for format in [Format::Table, Format::CycloneDxJson, Format::SpdxJson] {
        let text = render_string(&report, format);
        assert_eq!(leaks(&text), Vec::<&str>::new(), "{format}");
    }
}

/// The sample values, in the order of `report.secrets` (matched by their
/// redactions).
fn secret_values(report: &ScanReport) -> Vec<&'static str> {
    report
        .secrets
        .iter()
        .map(|s| {
            *SAMPLE_SECRET_VALUES
                .iter()
                .find(|v| redact(v) == s.redacted)
                .unwrap()
        })
        .collect()
}

/// The sample values found in `text`: whole, JSON-escaped, or any line of
/// them past the prefix a redaction shows.
fn leaks(text: &str) -> Vec<&'static str> {
    SAMPLE_SECRET_VALUES
        .iter()
        .copied()
        .filter(|v| {
            let escaped = serde_json::to_string(v).unwrap();
            let escaped = escaped.trim_matches('"');
            text.contains(v)
                || text.contains(escaped)
                || v.lines().any(|l| {
                    let tail: String = l.chars().skip(4).collect();
                    tail.chars().count() >= 8 && text.contains(&tail)
                })
        })
        .collect()
}

#[test]
fn unrevealed_secrets_never_appear_in_any_format() {
    let report = sample_report();
    assert!(report.secrets.iter().all(|s| s.secret.is_none()));
    let mut outputs: Vec<(String, String)> = Format::ALL
        .iter()
        .map(|f| (f.to_string(), render_string(&report, *f)))
        .collect();
    for (name, sections) in [
        ("findings table", Sections::findings(true, true)),
        (
            "legacy findings table",
            RenderOptions {
                show_packages: false,
            }
            .sections(),
        ),
    ] {
        outputs.push((name.to_owned(), table(&report, sections)));
    }
    for (name, text) in &outputs {
        assert_eq!(leaks(text), Vec::<&str>::new(), "{name}");
    }
    // The redactions themselves are shown where secrets are.
    for (name, text) in &outputs {
        if name == "cyclonedx-json" || name == "spdx-json" {
            continue;
        }
        assert!(text.contains("AKIA…(20)"), "{name}");
    }
}

#[test]
fn sboms_carry_nothing_of_secrets() {
    let report = sample_report();
    let mut without = report.clone();
    without.secrets.clear();
    // Byte for byte: no element, property or id depends on secrets.
    for format in [Format::CycloneDxJson, Format::SpdxJson] {
        assert_eq!(
            render_string(&report, format),
            render_string(&without, format),
            "{format}"
        );
    }
    check_cyclonedx(&render_json(&report, Format::CycloneDxJson)).unwrap();
    check_spdx(&render_json(&report, Format::SpdxJson)).unwrap();
}

#[test]
fn json_names_secrets_stably() {
    let report = sample_report();
    let text = render_string(&report, Format::Json);
    let back: ScanReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    let v: Value = serde_json::from_str(&text).unwrap();
    let ghp = &v["secrets"][0];
    assert_eq!(ghp["rule_id"], "github-pat");
    assert_eq!(ghp["title"], "GitHub personal access token");
    assert_eq!(ghp["category"], "vcs");
    assert_eq!(ghp["severity"], "high");
    assert_eq!(
        ghp["location"],
        json!({
            "kind": "file",
            "path": "app/.env",
            "layer": {"index": 1, "diff_id": digest("layer1").to_string()},
            "replaced_in_layer": 2,
            "line": 3,
            "column": 14
        })
    );
    assert_eq!(ghp["redacted"], "ghp_…(40)");
    assert!(ghp.get("secret").is_none());
    assert_eq!(ghp["fingerprint"].as_str().unwrap().len(), 32);
    assert_eq!(
        v["secrets"][1]["location"],
        json!({"kind": "history", "index": 3, "layer": 2})
    );
    assert_eq!(
        v["secrets"][2]["location"],
        json!({"kind": "env", "name": "DB_PASSWORD"})
    );
    assert_eq!(v["secrets"][3]["location"]["deleted_in_layer"], 2);
    assert_eq!(v["secrets"][4]["suppressed"]["kind"], "ignore-file");
}

#[test]
fn table_lists_secrets_by_location() {
    let report = sample_report();
    let text = table(&report, Sections::findings(false, true));
    assert!(!text.contains("Vulnerabilities:"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("NAME ")), "{text}");
    let start = text.find("Secrets:\n").expect("section");
    let section: Vec<&str> = text[start..].lines().take(7).collect();
    assert_eq!(
        section,
        [
            "Secrets:",
            "  HIGH      github-pat         /app/.env:3               layer 1  replaced in layer 2  ghp_…(40)",
            "  CRITICAL  aws-access-key-id  /root/.aws/credentials:2  layer 1  deleted in layer 2   AKIA…(20)",
            "  MEDIUM    generic-password   config.Env[DB_PASSWORD]                                 s3cr…(20)",
            "  HIGH      npm-access-token   history[3]                layer 2                       npm_…(40)",
            "",
            "4 secrets (critical 1, high 2, medium 1); 1 in deleted files; 1 suppressed",
        ]
    );
    // Suppressed: counted, not listed.
    assert!(!text.contains("private-key"), "{text}");

    // The default table and the older findings view add the section after
    // the vulnerabilities (and before the other findings) because the
    // report has secrets.
    let end = start + text[start..].find(" suppressed\n").unwrap() + " suppressed\n".len();
    for t in [
        render_string(&report, Format::Table),
        render_table_with(&report, false),
    ] {
        let v = t.find("Vulnerabilities:\n").unwrap();
        let s = t.find("Secrets:\n").unwrap();
        let m = t.find("Misconfigurations:\n").unwrap();
        assert!(v < s && s < m, "{t}");
        assert!(t.contains(&text[start..end]), "{t}");
    }
}

#[test]
fn table_secret_section_is_safe_and_handles_none() {
    let mut report = sample_report();
    let s = secret_named(&mut report, "github-pat");
    s.rule_id = "gh\u{1b}[2J\u{202e}pat".into();
    s.redacted = "ghp_\u{1b}]0;pwned\u{7}…(40)".into();
    s.location = SecretLocation::File {
        path: "app/\n.env\u{202e}".into(),
        layer: drydock_inventory::LayerRef {
            index: 1,
            diff_id: None,
        },
        deleted_in_layer: None,
        replaced_in_layer: None,
        line: 0,
        column: 0,
    };
    let env = secret_named(&mut report, "generic-password");
    env.location = SecretLocation::Label {
        name: "org.opencontainers\r\u{1b}[1A".into(),
    };
    let text = table(&report, Sections::findings(false, true));
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\r'),
        "{text}"
    );
    assert!(text.contains("gh\\u{1b}[2J\\u{202e}pat"), "{text}");
    assert!(text.contains("/app/\\n.env\\u{202e}  "), "{text}");
    assert!(text.contains("ghp_\\u{1b}]0;pwned\\u{7}…(40)"), "{text}");
    assert!(
        text.contains("config.Labels[org.opencontainers\\r\\u{1b}[1A]"),
        "{text}"
    );

    // Every secret suppressed: nothing listed, the count still shown.
    for s in &mut report.secrets {
        s.suppressed = Some(Suppression {
            kind: SuppressionKind::Vex,
            source: "x".into(),
            reason: None,
        });
    }
    let text = table(&report, Sections::findings(false, true));
    assert!(
        text.contains("\nNo secrets found (5 suppressed).\n"),
        "{text}"
    );

    // None at all: said only when the caller knows the scanner ran.
    report.secrets.clear();
    assert!(table(&report, Sections::findings(false, true)).contains("\nNo secrets found.\n"));
    for t in [
        render_string(&report, Format::Table),
        render_table_with(&report, false),
        table(&report, Sections::findings(true, false)),
    ] {
        assert!(!t.contains("ecrets"), "{t}");
    }
}

#[test]
fn sections_choose_what_the_table_shows() {
    let mut report = sample_report();
    let only_secrets = Sections {
        packages: Show::Never,
        vulnerabilities: Show::Never,
        secrets: Show::IfAny,
        misconfigurations: Show::Never,
        malware: Show::Never,
    };
    let t = table(&report, only_secrets);
    assert!(
        !t.contains("Vulnerabilities:") && !t.contains("NAME "),
        "{t}"
    );
    assert!(t.contains("Secrets:"), "{t}");
    // The header and trailer stay.
    assert!(t.starts_with("drydock 0.1.0: "), "{t}");
    assert!(t.contains("Warnings (1):"), "{t}");

    let t = table(&report, Sections::findings(true, true));
    assert!(
        t.contains("Vulnerabilities:") && t.contains("Secrets:"),
        "{t}"
    );
    assert!(!t.lines().any(|l| l.starts_with("NAME ")), "{t}");

    // The legacy options keep their meaning.
    assert_eq!(
        render_table_with(&report, true),
        table(&report, Sections::DEFAULT)
    );
    assert_eq!(Sections::default(), Sections::DEFAULT);
    report.inventory.packages.clear();
    let if_any = Sections {
        packages: Show::IfAny,
        ..Sections::DEFAULT
    };
    assert!(!table(&report, if_any).contains("No packages found."));
    assert!(table(&report, Sections::DEFAULT).contains("No packages found."));
}
