//! RPM packages from the rpm database in any of its three formats.

use drydock_inventory::{Ecosystem, Metadata, SourcePackage};
use drydock_layer::EntryMeta;
use drydock_rpmdb::Limits;

use crate::{FileCataloger, Finding, PackageRecord};

const PATHS: &[&str] = &[
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
];

/// The `rpm-db-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "rpm-db-cataloger",
    version: 1,
    // rpmdb's own default limit on database size.
    max_size: 512 << 20,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    PATHS.contains(&path)
}

fn parse(_path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let parsed = drydock_rpmdb::parse(content, &Limits::default()).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for w in parsed.warnings {
        out.push(Finding::Problem(w));
    }
    for p in parsed.packages {
        // Imported signing keys live in the database as pseudo-packages.
        if p.name == "gpg-pubkey" {
            continue;
        }
        let source = p
            .source_name_version()
            .map(|(name, version)| SourcePackage { name, version });
        let mut rec = PackageRecord::new(
            Ecosystem::Rpm,
            p.name.clone(),
            format!("{}-{}", p.version, p.release),
        );
        rec.arch = p.arch.clone();
        rec.licenses = p.license.iter().cloned().collect();
        rec.source = source;
        rec.metadata = Metadata::Rpm {
            epoch: p.epoch,
            release: p.release.clone(),
            source_rpm: p.source_rpm.clone(),
            modularity_label: p.modularity_label.clone(),
        };
        out.push(Finding::OwnedFiles {
            ecosystem: Ecosystem::Rpm,
            package: p.name,
            files: p.files,
        });
        out.push(Finding::Package(rec));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer as _;

    #[test]
    fn reads_the_sqlite_fixture() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../drydock-rpmdb/testdata/rpmdb.sqlite"
        ))
        .unwrap();
        let meta = crate::test_meta(0o644, bytes.len() as u64);
        assert!(CATALOGER.wants("var/lib/rpm/rpmdb.sqlite", &meta));
        let f = CATALOGER
            .analyze("var/lib/rpm/rpmdb.sqlite", &meta, &bytes)
            .unwrap();
        let pkgs: Vec<&PackageRecord> = f
            .iter()
            .filter_map(|f| match f {
                Finding::Package(p) => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(pkgs.len(), 3, "{f:?}");
        assert!(
            pkgs.iter()
                .all(|p| p.source.is_some() && p.version.contains('-'))
        );
        assert!(
            f.iter()
                .any(|f| matches!(f, Finding::OwnedFiles { files, .. } if !files.is_empty()))
        );
    }
}
