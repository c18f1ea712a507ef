//! Installed npm packages: `node_modules/<name>/package.json` and
//! `node_modules/@scope/<name>/package.json`, nested to any depth.

use drydock_inventory::Ecosystem;
use drydock_layer::EntryMeta;
use serde::Deserialize;

use crate::{FileCataloger, Finding, PackageRecord};

/// The `npm-installed-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "npm-installed-cataloger",
    version: 1,
    max_size: 4 << 20,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    is_installed_manifest(path)
}

fn parse(path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    parse_package_json(content)
        .map(|r| r.map(Finding::Package).into_iter().collect())
        .map_err(|e| format!("invalid package.json `/{path}`: {e}"))
}

/// True for a package's own manifest directly under `node_modules`, not for
/// the stray `package.json` files packages carry in their subdirectories.
pub(crate) fn is_installed_manifest(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/package.json") else {
        return false;
    };
    let mut parts = dir.rsplit('/');
    let (Some(name), Some(parent)) = (parts.next(), parts.next()) else {
        return false;
    };
    if parent == "node_modules" {
        return !name.starts_with('.') && !name.starts_with('@');
    }
    parent.starts_with('@') && parts.next() == Some("node_modules")
}

#[derive(Deserialize)]
#[serde(untagged)]
enum License {
    Plain(String),
    Object {
        #[serde(rename = "type")]
        kind: Option<String>,
    },
    Other(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct Manifest {
    name: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
    license: Option<License>,
    licenses: Option<Vec<License>>,
}

/// Reads `name`, `version` and licenses; `Ok(None)` when the manifest does
/// not describe an installed package (no name or version).
pub(crate) fn parse_package_json(content: &[u8]) -> Result<Option<PackageRecord>, String> {
    let m: Manifest = serde_json::from_slice(content).map_err(|e| e.to_string())?;
    let (Some(serde_json::Value::String(full)), Some(serde_json::Value::String(version))) =
        (m.name, m.version)
    else {
        return Ok(None);
    };
    if full.is_empty() || version.is_empty() {
        return Ok(None);
    }
    let (namespace, name) = match full.strip_prefix('@').and_then(|s| s.split_once('/')) {
        Some((scope, name)) => (Some(format!("@{scope}")), name.to_owned()),
        None => (None, full.clone()),
    };
    let mut rec = PackageRecord::new(Ecosystem::Npm, name, version);
    rec.namespace = namespace;
    let lic = |l: License| match l {
        License::Plain(s) => Some(s),
        License::Object { kind } => kind,
        License::Other(_) => None,
    };
    rec.licenses = m
        .license
        .into_iter()
        .chain(m.licenses.unwrap_or_default())
        .filter_map(lic)
        .filter(|s| !s.is_empty())
        .collect();
    Ok(Some(rec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn selection() {
        assert!(is_installed_manifest(
            "app/web/node_modules/express/package.json"
        ));
        assert!(is_installed_manifest(
            "app/web/node_modules/@babel/core/package.json"
        ));
        assert!(is_installed_manifest(
            "usr/lib/node_modules/npm/node_modules/abbrev/package.json"
        ));
        assert!(!is_installed_manifest("app/web/package.json"));
        assert!(!is_installed_manifest(
            "app/web/node_modules/resolve/test/resolver/package.json"
        ));
        assert!(!is_installed_manifest(
            "app/web/node_modules/.bin/package.json"
        ));
        assert!(!is_installed_manifest(
            "app/web/node_modules/@babel/package.json"
        ));
    }

    #[test]
    fn parses_manifests() {
        let r = parse_package_json(br#"{"name":"@babel/core","version":"7.22.0","license":"MIT"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(
            (r.namespace.as_deref(), r.name.as_str(), r.version.as_str()),
            (Some("@babel"), "core", "7.22.0")
        );
        assert_eq!(r.licenses, vec!["MIT"]);
        let r = parse_package_json(
            br#"{"name":"old","version":"1.0.0","licenses":[{"type":"BSD"},{"type":"MIT"}]}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.licenses, vec!["BSD", "MIT"]);
        assert!(parse_package_json(br#"{"name":"nov"}"#).unwrap().is_none());
        assert!(
            parse_package_json(br#"{"name":1,"version":[]}"#)
                .unwrap()
                .is_none()
        );
        assert!(parse_package_json(b"{not json").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse_package_json(deep.as_bytes()).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse_package_json(&b);
        }
    }
}
