//! Java archives (jar, war, ear and relatives), nested archives included.

use drydock_inventory::{Ecosystem, Metadata};
use drydock_java::{Limits, is_java_archive_name, scan_archive};
use drydock_layer::EntryMeta;

use crate::{FileCataloger, Finding, PackageRecord};

/// The `java-archive-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "java-archive-cataloger",
    version: 1,
    max_size: 256 << 20,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    is_java_archive_name(path)
}

fn parse(path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let location = format!("/{path}");
    let scan = scan_archive(content, &location, &Limits::default()).map_err(|e| e.to_string())?;
    let mut out: Vec<Finding> = scan.warnings.into_iter().map(Finding::Problem).collect();
    for p in scan.packages {
        let mut rec = PackageRecord::new(Ecosystem::Maven, p.artifact_id, p.version);
        rec.namespace = p.group_id;
        rec.licenses = p.licenses;
        // Nested members are located as `outer.war!/WEB-INF/lib/x.jar`.
        rec.member = p
            .location
            .strip_prefix(&location)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        rec.metadata = Metadata::Java { sha1: p.sha1 };
        out.push(Finding::Package(rec));
    }
    Ok(out)
}
