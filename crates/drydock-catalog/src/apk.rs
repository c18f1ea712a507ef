//! Alpine packages: `lib/apk/db/installed`.

use drydock_inventory::{Ecosystem, SourcePackage};
use drydock_layer::EntryMeta;

use crate::{FileCataloger, Finding, PackageRecord};

/// The `apk-db-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "apk-db-cataloger",
    version: 1,
    max_size: 64 << 20,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    path == "lib/apk/db/installed"
}

fn parse(_path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    Ok(parse_installed(&String::from_utf8_lossy(content)))
}

/// Parses the apk database: single-letter keys, blank-line separated
/// entries. `F:` names a directory and the `R:` lines after it its files.
pub(crate) fn parse_installed(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut cur: Option<(PackageRecord, Vec<String>)> = None;
    let mut dir = String::new();
    let flush = |cur: &mut Option<(PackageRecord, Vec<String>)>, out: &mut Vec<Finding>| {
        if let Some((rec, files)) = cur.take()
            && !rec.name.is_empty()
            && !rec.version.is_empty()
        {
            out.push(Finding::OwnedFiles {
                ecosystem: Ecosystem::Apk,
                package: rec.name.clone(),
                files,
            });
            out.push(Finding::Package(rec));
        }
    };
    for line in text.lines() {
        if line.trim().is_empty() {
            flush(&mut cur, &mut out);
            dir.clear();
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (rec, files) =
            cur.get_or_insert_with(|| (PackageRecord::new(Ecosystem::Apk, "", ""), Vec::new()));
        match key {
            "P" => rec.name = value.to_owned(),
            "V" => rec.version = value.to_owned(),
            "A" => rec.arch = Some(value.to_owned()),
            "L" if !value.is_empty() => rec.licenses = vec![value.to_owned()],
            "o" => {
                rec.source = Some(SourcePackage {
                    name: value.to_owned(),
                    version: String::new(),
                })
            }
            "F" => dir = value.to_owned(),
            "R" => files.push(if dir.is_empty() {
                format!("/{value}")
            } else {
                format!("/{dir}/{value}")
            }),
            _ => {}
        }
    }
    flush(&mut cur, &mut out);
    // The origin's version is the package's own version.
    for f in &mut out {
        if let Finding::Package(rec) = f
            && let Some(src) = &mut rec.source
        {
            src.version = rec.version.clone();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_installed() {
        let db = "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\nF:usr/lib\nR:libcrypto.so.3\n\n";
        let f = parse_installed(db);
        let pkgs: Vec<_> = f
            .iter()
            .filter_map(|f| match f {
                Finding::Package(p) => Some((
                    p.name.as_str(),
                    p.version.as_str(),
                    p.source.as_ref().unwrap().name.as_str(),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            pkgs,
            vec![
                ("musl", "1.2.4-r2", "musl"),
                ("libcrypto3", "3.1.4-r5", "openssl")
            ]
        );
        assert!(f.contains(&Finding::OwnedFiles {
            ecosystem: Ecosystem::Apk,
            package: "libcrypto3".into(),
            files: vec!["/usr/lib/libcrypto.so.3".into()],
        }));
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse_installed(&String::from_utf8_lossy(&b));
        }
    }
}
