//! Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`,
//! `*.egg-info` files and `EGG-INFO/PKG-INFO`, in any directory (system
//! site-packages, virtualenvs, user installs).

use drydock_inventory::Ecosystem;
use drydock_layer::EntryMeta;

use crate::rfc822::{get, headers};
use crate::{FileCataloger, Finding, PackageRecord};

/// The `python-installed-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "python-installed-cataloger",
    version: 1,
    max_size: 4 << 20,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    path.ends_with(".dist-info/METADATA")
        || path.ends_with(".egg-info/PKG-INFO")
        || path.ends_with("/EGG-INFO/PKG-INFO")
        || path.ends_with(".egg-info")
}

fn parse(_path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let text = String::from_utf8_lossy(content);
    Ok(parse_metadata(&text)
        .map(Finding::Package)
        .into_iter()
        .collect())
}

/// Parses core metadata (PEP 241/314/345/566/643).
pub(crate) fn parse_metadata(text: &str) -> Option<PackageRecord> {
    let h = headers(text);
    let name = get(&h, "Name")?;
    let version = get(&h, "Version")?;
    let mut rec = PackageRecord::new(Ecosystem::Pypi, name, version);
    if let Some(expr) = get(&h, "License-Expression") {
        rec.licenses.push(expr.to_owned());
    } else {
        let classifiers: Vec<String> = h
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("Classifier"))
            .filter_map(|(_, v)| v.strip_prefix("License :: "))
            .filter_map(|v| v.rsplit(" :: ").next())
            .filter(|v| *v != "OSI Approved")
            .map(str::to_owned)
            .collect();
        match get(&h, "License") {
            // Some projects paste the whole licence text into this field.
            Some(l) if l.len() <= 100 && !l.contains('\n') && l != "UNKNOWN" => {
                rec.licenses.push(l.to_owned())
            }
            _ => rec.licenses.extend(classifiers),
        }
    }
    Some(rec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer as _;
    use proptest::prelude::*;

    #[test]
    fn dist_info() {
        let r = parse_metadata(
            "Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\nLicense: BSD\nClassifier: License :: OSI Approved :: BSD License\n\nJinja2\n======\nName: not-this\n",
        )
        .unwrap();
        assert_eq!((r.name.as_str(), r.version.as_str()), ("Jinja2", "2.10"));
        assert_eq!(r.licenses, vec!["BSD"]);
    }

    #[test]
    fn classifier_fallback_and_expression() {
        let r = parse_metadata("Name: x\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n").unwrap();
        assert_eq!(r.licenses, vec!["MIT License"]);
        let r =
            parse_metadata("Name: x\nVersion: 1\nLicense-Expression: MIT OR Apache-2.0\n").unwrap();
        assert_eq!(r.licenses, vec!["MIT OR Apache-2.0"]);
        assert!(parse_metadata("Name: x\n").is_none());
    }

    #[test]
    fn selection() {
        let m = crate::test_meta(0o644, 0);
        let c = CATALOGER;
        assert!(c.wants(
            "app/venv/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA",
            &m
        ));
        assert!(c.wants(
            "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO",
            &m
        ));
        assert!(c.wants("usr/lib/python3/dist-packages/six-1.16.0.egg-info", &m));
        assert!(!c.wants(
            "app/venv/lib/python3.11/site-packages/Jinja2-2.10.dist-info/RECORD",
            &m
        ));
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse_metadata(&String::from_utf8_lossy(&b));
        }
    }
}
