//! Debian packages: `var/lib/dpkg/status`, distroless `status.d/*`, and the
//! `info/*.list` files that say which files each package owns.

use drydock_inventory::{Ecosystem, SourcePackage};
use drydock_layer::EntryMeta;

use crate::rfc822::{get, paragraphs};
use crate::{FileCataloger, Finding, PackageRecord};

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";
const INFO: &str = "var/lib/dpkg/info/";

/// The `dpkg-db-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "dpkg-db-cataloger",
    version: 1,
    max_size: 64 << 20,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    path == STATUS
        || (path.starts_with(STATUS_D)
            && !path.ends_with(".md5sums")
            && !path[STATUS_D.len()..].contains('/'))
        || (path.starts_with(INFO) && path.ends_with(".list") && !path[INFO.len()..].contains('/'))
}

fn parse(path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let text = String::from_utf8_lossy(content);
    if let Some(name) = path
        .strip_prefix(INFO)
        .and_then(|n| n.strip_suffix(".list"))
    {
        // `libc6:amd64.list` belongs to `libc6`.
        let package = name.split(':').next().unwrap_or(name).to_owned();
        let files = text
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with('/') && *l != "/.")
            .map(str::to_owned)
            .collect();
        return Ok(vec![Finding::OwnedFiles {
            ecosystem: Ecosystem::Deb,
            package,
            files,
        }]);
    }
    let distroless = path.starts_with(STATUS_D);
    Ok(parse_status(&text, distroless)
        .into_iter()
        .map(Finding::Package)
        .collect())
}

/// Parses a dpkg status file. Entries not fully installed are skipped
/// (`deinstall ok config-files` leaves only configuration behind). Distroless
/// `status.d` entries often lack a Status field; they are installed by
/// construction.
pub(crate) fn parse_status(text: &str, distroless: bool) -> Vec<PackageRecord> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let (Some(name), Some(version)) = (get(&para, "Package"), get(&para, "Version")) else {
            continue;
        };
        match get(&para, "Status") {
            Some(status) if status.split_whitespace().nth(2) != Some("installed") => continue,
            Some(_) => {}
            None if !distroless => continue,
            None => {}
        }
        let source = match get(&para, "Source") {
            Some(src) => {
                let mut parts = src.splitn(2, ' ');
                let sname = parts.next().unwrap_or(name).trim();
                let sversion = parts
                    .next()
                    .map(|v| {
                        v.trim()
                            .trim_start_matches('(')
                            .trim_end_matches(')')
                            .trim()
                    })
                    .filter(|v| !v.is_empty())
                    .unwrap_or(version);
                SourcePackage {
                    name: sname.to_owned(),
                    version: sversion.to_owned(),
                }
            }
            None => SourcePackage {
                name: name.to_owned(),
                version: version.to_owned(),
            },
        };
        let mut rec = PackageRecord::new(Ecosystem::Deb, name, version);
        rec.arch = get(&para, "Architecture").map(str::to_owned);
        rec.source = Some(source);
        out.push(rec);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer as _;
    use proptest::prelude::*;

    const STATUS_TEXT: &str = "Package: bsdutils
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Source: util-linux (2.38.1-5+deb12u3)
Version: 1:2.38.1-5+deb12u3
Description: basic utilities from 4.4BSD-Lite
 This package contains the bare minimum.
 .
 More.

Package: diffutils
Status: install ok installed
Architecture: amd64
Version: 1:3.8-4

Package: libtiffxx5
Status: install ok installed
Architecture: amd64
Source: tiff
Version: 4.2.0-1+deb11u1

Package: oldconf
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0

Package: held
Status: hold ok installed
Architecture: all
Source: bash (5.2.15-2)
Version: 5.2.15-2+b13
";

    #[test]
    fn parses_status() {
        let pkgs = parse_status(STATUS_TEXT, false);
        let summary: Vec<_> = pkgs
            .iter()
            .map(|p| {
                let s = p.source.as_ref().unwrap();
                (
                    p.name.as_str(),
                    p.version.as_str(),
                    s.name.as_str(),
                    s.version.as_str(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "bsdutils",
                    "1:2.38.1-5+deb12u3",
                    "util-linux",
                    "2.38.1-5+deb12u3"
                ),
                ("diffutils", "1:3.8-4", "diffutils", "1:3.8-4"),
                ("libtiffxx5", "4.2.0-1+deb11u1", "tiff", "4.2.0-1+deb11u1"),
                ("held", "5.2.15-2+b13", "bash", "5.2.15-2"),
            ]
        );
        assert_eq!(pkgs[0].arch.as_deref(), Some("amd64"));
    }

    #[test]
    fn distroless_entries_without_status() {
        let pkgs = parse_status(
            "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
            true,
        );
        assert_eq!(pkgs.len(), 1);
        assert!(parse_status("Package: base-files\nVersion: 12.4\n", false).is_empty());
    }

    #[test]
    fn list_files_and_selection() {
        let meta = crate::test_meta(0o644, 0);
        let c = CATALOGER;
        assert!(c.wants("var/lib/dpkg/status", &meta));
        assert!(c.wants("var/lib/dpkg/status.d/base", &meta));
        assert!(!c.wants("var/lib/dpkg/status.d/base.md5sums", &meta));
        assert!(c.wants("var/lib/dpkg/info/libc6:amd64.list", &meta));
        assert!(!c.wants("var/lib/dpkg/status-old", &meta));
        let f = c
            .analyze(
                "var/lib/dpkg/info/libc6:amd64.list",
                &meta,
                b"/.\n/lib/x86_64-linux-gnu/libc.so.6\n",
            )
            .unwrap();
        assert_eq!(
            f,
            vec![Finding::OwnedFiles {
                ecosystem: Ecosystem::Deb,
                package: "libc6".into(),
                files: vec!["/lib/x86_64-linux-gnu/libc.so.6".into()],
            }]
        );
    }

    #[test]
    fn megabyte_line_is_fine() {
        let long = "x".repeat(1 << 20);
        let text = format!(
            "Package: big\nStatus: install ok installed\nVersion: 1\nDescription: {long}\n"
        );
        let pkgs = parse_status(&text, false);
        assert_eq!(pkgs.len(), 1);
        let text = format!("Package: {long}\nStatus: install ok installed\nVersion: 1\n");
        assert_eq!(parse_status(&text, false).len(), 1);
    }

    proptest! {
        #[test]
        fn never_panics(s in "(Package|Version|Status|Source|Architecture|[A-Za-z]{1,8}): ?[ -~()]{0,30}\n( [ -~]{0,20}\n)?(\n)?{0,40}") {
            let _ = parse_status(&s, false);
            let _ = parse_status(&s, true);
        }

        #[test]
        fn random_bytes(b in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = parse_status(&String::from_utf8_lossy(&b), true);
        }
    }
}
