//! Alpine's secdb (`v3.18/main.json`): per package, the versions that fixed
//! which CVEs. Each CVE becomes one advisory whose affected entries name
//! every package and branch that fixed it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{Advisory, Affected, Event, FeedError, Package, Parsed, Range, RangeKind, RecordError};

#[derive(Deserialize)]
struct SecDb {
    distroversion: String,
    #[serde(default)]
    packages: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Entry {
    pkg: Pkg,
}

#[derive(Deserialize)]
struct Pkg {
    name: String,
    #[serde(default)]
    secfixes: BTreeMap<String, Option<Vec<String>>>,
}

/// Parses one secdb document.
pub fn parse_secdb(bytes: &[u8], what: &str) -> Result<Parsed, FeedError> {
    let db: SecDb = serde_json::from_slice(bytes).map_err(|e| FeedError::Corrupt {
        what: what.to_owned(),
        reason: format!("not an Alpine secdb document: {e}"),
    })?;
    let branch = db.distroversion.trim();
    if branch.is_empty() {
        return Err(FeedError::Corrupt {
            what: what.to_owned(),
            reason: "no distroversion".into(),
        });
    }
    let ecosystem = format!(
        "Alpine:{}",
        if branch.starts_with('v') {
            branch.to_owned()
        } else {
            format!("v{branch}")
        }
    );
    let mut out = Parsed::default();
    let mut by_id: BTreeMap<String, Advisory> = BTreeMap::new();
    for (i, raw) in db.packages.into_iter().enumerate() {
        let entry: Entry = match serde_json::from_value(raw) {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(RecordError {
                    record: format!("{what} package {i}"),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        for (version, ids) in entry.pkg.secfixes {
            // Version `0` lists issues that never affected Alpine's build.
            if version.trim() == "0" || version.trim().is_empty() {
                continue;
            }
            for id in ids
                .unwrap_or_default()
                .iter()
                .flat_map(|s| s.split_whitespace())
            {
                if !(id.starts_with("CVE-") || id.starts_with("GHSA-") || id.starts_with("XSA-")) {
                    continue;
                }
                let adv = by_id.entry(id.to_owned()).or_insert_with(|| Advisory {
                    id: id.to_owned(),
                    modified: None,
                    published: None,
                    withdrawn: None,
                    aliases: Vec::new(),
                    summary: None,
                    details: None,
                    severity: Vec::new(),
                    affected: Vec::new(),
                    references: Vec::new(),
                    database_specific: None,
                });
                adv.affected.push(Affected {
                    package: Package {
                        ecosystem: ecosystem.clone(),
                        name: entry.pkg.name.clone(),
                        purl: None,
                    },
                    ranges: vec![Range {
                        kind: RangeKind::Ecosystem,
                        events: vec![
                            Event::Introduced("0".into()),
                            Event::Fixed(version.trim().to_owned()),
                        ],
                    }],
                    versions: Vec::new(),
                    ecosystem_specific: None,
                    database_specific: None,
                });
            }
        }
    }
    out.advisories = by_id.into_values().collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_secdb() {
        let doc = br#"{"distroversion":"v3.10","reponame":"main","packages":[
            {"pkg":{"name":"openssl","secfixes":{"1.1.1d-r0":["CVE-2019-1547 CVE-2019-1549"],"0":["CVE-2000-1"]}}},
            {"pkg":{"name":"libressl","secfixes":{"2.9.2-r0":["CVE-2019-1547"]}}},
            {"pkg":{"name":7}}]}"#;
        let p = parse_secdb(doc, "main.json").unwrap();
        let ids: Vec<&str> = p.advisories.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["CVE-2019-1547", "CVE-2019-1549"]);
        assert_eq!(p.advisories[0].affected.len(), 2);
        assert_eq!(
            p.advisories[0].affected[0].package.ecosystem,
            "Alpine:v3.10"
        );
        assert_eq!(p.errors.len(), 1);
        assert!(parse_secdb(b"[]", "x").is_err());
    }

    #[test]
    fn shared_secdb_parses() {
        let dir = std::env::var_os("DRYDOCK_SHARED")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
            });
        for f in [
            "v3.10/main.json",
            "v3.10/community.json",
            "v3.11/main.json",
            "v3.11/community.json",
        ] {
            let bytes = std::fs::read(dir.join("vulndb/alpine").join(f)).expect("shared secdb");
            let p = parse_secdb(&bytes, f).unwrap();
            assert!(!p.advisories.is_empty(), "{f}");
            assert!(p.errors.is_empty(), "{f}: {:?}", p.errors);
        }
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = parse_secdb(&b, "x");
        }
    }
}
