//! Bounded walk over the members of a zip-family archive and of the
//! archives nested in it, for content scanners (secrets, malware) that want
//! to look inside jars, wars and zips without trusting their headers.

use std::io::Cursor;

use zip::ZipArchive;

use crate::text::sanitize;
use crate::{Error, MAX_DEPTH_CAP, entry_name, filename, read_bounded, zipguard};

/// Bounds on one [`walk_members`] call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLimits {
    /// Levels of nested archives opened below the outer one.
    pub max_depth: usize,
    /// Most entries one archive may declare; bigger ones are refused before
    /// their central directory is indexed.
    pub max_entries: usize,
    /// Most bytes one wanted member may decompress to; bigger members are
    /// skipped with a warning.
    pub max_member: u64,
    /// Most bytes one nested archive may decompress to (it is held in memory
    /// while its own members are walked).
    pub max_nested_archive: u64,
    /// Most bytes all decompression in one walk may produce.
    pub max_total_uncompressed: u64,
    /// Most archives opened in one walk, the outer one included.
    pub max_archives: usize,
    /// Most warnings kept.
    pub max_warnings: usize,
}

impl Default for MemberLimits {
    fn default() -> Self {
        Self {
            max_depth: 2,
            max_entries: 100_000,
            max_member: 10 * 1024 * 1024,
            max_nested_archive: 64 * 1024 * 1024,
            max_total_uncompressed: 256 * 1024 * 1024,
            max_archives: 1_000,
            max_warnings: 100,
        }
    }
}

/// Whether a member name is an archive [`walk_members`] descends into:
/// the Java archive family and plain zips.
pub fn is_walkable_archive(name: &str) -> bool {
    filename::has_java_extension(name)
        || name
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && ext.eq_ignore_ascii_case("zip"))
}

/// Walks the members of the archive `bytes` found at `location`, descending
/// into nested archives. For every regular member, `want(name, size)` is
/// asked with the member's path inside its own archive and its declared
/// uncompressed size; wanted members are decompressed (bounded) and passed to
/// `visit(location, name, data)`, where `location` is the full
/// `outer.jar!/inner.jar!/member` path.
///
/// Errors only when the outer archive cannot be opened; everything skipped
/// inside it is reported in the returned warnings.
pub fn walk_members(
    bytes: &[u8],
    location: &str,
    limits: &MemberLimits,
    want: &mut dyn FnMut(&str, u64) -> bool,
    visit: &mut dyn FnMut(&str, &str, &[u8]),
) -> Result<Vec<String>, Error> {
    let mut w = Walker {
        limits,
        warnings: Vec::new(),
        suppressed: 0,
        remaining_bytes: limits.max_total_uncompressed,
        remaining_archives: limits.max_archives,
    };
    w.level(bytes, &sanitize(location), 0, want, visit)?;
    if w.suppressed > 0 {
        let n = w.suppressed;
        w.warnings.push(format!("{n} further warnings suppressed"));
    }
    Ok(w.warnings)
}

struct Walker<'l> {
    limits: &'l MemberLimits,
    warnings: Vec<String>,
    suppressed: usize,
    remaining_bytes: u64,
    remaining_archives: usize,
}

impl Walker<'_> {
    fn warn(&mut self, message: String) {
        if self.warnings.len() < self.limits.max_warnings {
            self.warnings.push(message);
        } else {
            self.suppressed = self.suppressed.saturating_add(1);
        }
    }

    fn level(
        &mut self,
        bytes: &[u8],
        location: &str,
        depth: usize,
        want: &mut dyn FnMut(&str, u64) -> bool,
        visit: &mut dyn FnMut(&str, &str, &[u8]),
    ) -> Result<(), Error> {
        let limits = self.limits;
        if self.remaining_archives == 0 {
            return Err(Error::ArchiveBudgetExhausted {
                limit: limits.max_archives,
            });
        }
        self.remaining_archives -= 1;
        let declared = zipguard::declared_entry_bound(bytes);
        if declared > limits.max_entries as u64 {
            return Err(Error::TooManyEntries {
                declared,
                limit: limits.max_entries,
            });
        }
        let mut archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| Error::InvalidZip(e.to_string()))?;
        for index in 0..archive.len() {
            let name = entry_name(&archive, index);
            if name.ends_with('/') {
                continue;
            }
            let clean = member_path(&name);
            let child = format!("{location}!/{clean}");
            if is_walkable_archive(&name) {
                let max_depth = limits.max_depth.min(MAX_DEPTH_CAP);
                if depth >= max_depth {
                    self.warn(format!(
                        "{child}: nested more than {max_depth} archives deep; not scanned"
                    ));
                    continue;
                }
                match self.read(&mut archive, index, limits.max_nested_archive) {
                    Ok(data) => {
                        if let Err(e) = self.level(&data, &child, depth + 1, want, visit) {
                            self.warn(format!("{child}: {e}"));
                        }
                    }
                    Err(why) => self.warn(format!("{child}: {why}")),
                }
                continue;
            }
            let size = archive.by_index_raw(index).map(|f| f.size()).unwrap_or(0);
            if !want(&clean, size) {
                continue;
            }
            match self.read(&mut archive, index, limits.max_member) {
                Ok(data) => visit(&child, &clean, &data),
                Err(why) => self.warn(format!("{child}: {why}")),
            }
        }
        Ok(())
    }

    fn read(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        cap: u64,
    ) -> Result<Vec<u8>, String> {
        read_bounded(
            archive,
            index,
            cap,
            &mut self.remaining_bytes,
            self.limits.max_total_uncompressed,
        )
    }
}

/// A member name as reports show it: control characters replaced, and
/// `..`, `.`, empty and drive components dropped, so a hostile name cannot
/// make a location look like it is outside its archive.
fn member_path(name: &str) -> String {
    sanitize(name)
        .split(['/', '\\'])
        .filter(|c| !c.is_empty() && *c != "." && *c != ".." && !c.ends_with(':'))
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            out.start_file(*name, SimpleFileOptions::default()).unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// (full location, member name, data) per visited member.
    type Visited = Vec<(String, String, Vec<u8>)>;

    fn walk(bytes: &[u8], limits: &MemberLimits) -> (Visited, Vec<String>) {
        let mut seen = Vec::new();
        let warnings = walk_members(
            bytes,
            "app/app.jar",
            limits,
            &mut |_, _| true,
            &mut |l, n, d| seen.push((l.to_owned(), n.to_owned(), d.to_vec())),
        )
        .unwrap();
        (seen, warnings)
    }

    #[test]
    fn visits_members_and_nested_archives_with_full_locations() {
        let inner = zip_of(&[("conf/app.properties", b"password=x")]);
        let outer = zip_of(&[
            ("META-INF/", b""),
            ("BOOT-INF/classes/application.yml", b"a: b"),
            ("BOOT-INF/lib/inner.jar", &inner),
        ]);
        let (seen, warnings) = walk(&outer, &MemberLimits::default());
        assert!(warnings.is_empty(), "{warnings:?}");
        let locs: Vec<_> = seen.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(
            locs,
            [
                "app/app.jar!/BOOT-INF/classes/application.yml",
                "app/app.jar!/BOOT-INF/lib/inner.jar!/conf/app.properties"
            ]
        );
        assert_eq!(seen[1].1, "conf/app.properties");
        assert_eq!(seen[1].2, b"password=x");
    }

    #[test]
    fn want_filters_before_decompressing() {
        let outer = zip_of(&[("a.txt", b"1"), ("b.bin", b"2")]);
        let mut asked = Vec::new();
        let mut visited = Vec::new();
        walk_members(
            &outer,
            "x.zip",
            &MemberLimits::default(),
            &mut |n, size| {
                asked.push((n.to_owned(), size));
                n.ends_with(".txt")
            },
            &mut |_, n, _| visited.push(n.to_owned()),
        )
        .unwrap();
        assert_eq!(asked, [("a.txt".to_owned(), 1), ("b.bin".to_owned(), 1)]);
        assert_eq!(visited, ["a.txt"]);
    }

    #[test]
    fn oversized_members_and_deep_nesting_are_skipped_with_warnings() {
        let big = vec![b'a'; 4096];
        let l3 = zip_of(&[("deep.txt", b"x")]);
        let l2 = zip_of(&[("l3.jar", &l3)]);
        let l1 = zip_of(&[("l2.jar", &l2), ("big.txt", &big)]);
        let limits = MemberLimits {
            max_depth: 1,
            max_member: 1024,
            ..MemberLimits::default()
        };
        let (seen, warnings) = walk(&l1, &limits);
        assert!(seen.is_empty(), "{seen:?}");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("big.txt") && w.contains("1024"))
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("l3.jar") && w.contains("deep"))
        );
    }

    #[test]
    fn total_budget_stops_a_zip_bomb() {
        // Ten members of 1 MiB of zeros compress to a few KiB each.
        let mb = vec![0u8; 1 << 20];
        let names: Vec<String> = (0..10).map(|i| format!("f{i}.txt")).collect();
        let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &mb[..])).collect();
        let bomb = zip_of(&entries);
        let limits = MemberLimits {
            max_total_uncompressed: 3 << 20,
            ..MemberLimits::default()
        };
        let (seen, warnings) = walk(&bomb, &limits);
        assert_eq!(seen.len(), 3);
        assert_eq!(warnings.len(), 7, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.contains("scan-wide limit")));
    }

    #[test]
    fn not_a_zip_is_an_error_and_traversal_names_are_sanitized() {
        assert!(
            walk_members(
                b"not a zip",
                "x.jar",
                &MemberLimits::default(),
                &mut |_, _| true,
                &mut |_, _, _| {}
            )
            .is_err()
        );
        let evil = zip_of(&[("../../etc/passwd", b"root")]);
        let (seen, _) = walk(&evil, &MemberLimits::default());
        assert_eq!(seen.len(), 1);
        assert!(!seen[0].0.contains(".."), "{}", seen[0].0);
    }

    #[test]
    fn walkable_archive_names() {
        assert!(is_walkable_archive("lib/a.jar"));
        assert!(is_walkable_archive("x.ZIP"));
        assert!(!is_walkable_archive(".zip"));
        assert!(!is_walkable_archive("notes.txt"));
    }
}
