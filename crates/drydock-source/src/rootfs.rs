//! Root filesystem directories, walked without following symlinks.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use drydock_layer::{Change, EntryKind, EntryMeta};

use crate::SourceError;

/// Bounds on a directory walk.
#[derive(Debug, Clone)]
pub struct RootfsLimits {
    /// Most entries visited.
    pub max_entries: u64,
    /// Deepest directory nesting.
    pub max_depth: usize,
}

impl Default for RootfsLimits {
    fn default() -> Self {
        Self {
            max_entries: 4_000_000,
            max_depth: 256,
        }
    }
}

/// Walks `root` in sorted order and hands each entry to `visit` exactly as a
/// layer walk would, with paths relative to `root`. Symlinks are reported as
/// symlinks and never followed, so the walk cannot leave the directory.
/// Unreadable entries become warnings.
pub fn walk_rootfs<F>(
    root: &Path,
    limits: &RootfsLimits,
    mut visit: F,
) -> Result<Vec<String>, SourceError>
where
    F: FnMut(Change<'_>, &mut dyn Read) -> io::Result<()>,
{
    let mut warnings = Vec::new();
    let mut count = 0u64;
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(root.to_path_buf(), String::new(), 0)];
    while let Some((dir, rel, depth)) = stack.pop() {
        if depth > limits.max_depth {
            warnings.push(format!(
                "`{rel}`: deeper than {} levels, not walked",
                limits.max_depth
            ));
            continue;
        }
        let mut names: Vec<_> = match fs::read_dir(&dir) {
            Ok(rd) => rd.filter_map(Result::ok).map(|e| e.file_name()).collect(),
            Err(e) => {
                warnings.push(format!("cannot list `/{rel}`: {e}"));
                continue;
            }
        };
        names.sort();
        // Reverse so that the stack pops directories in sorted order.
        let mut subdirs = Vec::new();
        for name in names {
            let Some(name) = name.to_str().map(str::to_owned) else {
                warnings.push(format!("skipped a non-UTF-8 name in `/{rel}`"));
                continue;
            };
            count += 1;
            if count > limits.max_entries {
                return Err(SourceError::Invalid {
                    path: root.display().to_string(),
                    reason: format!("more than {} entries", limits.max_entries),
                });
            }
            let full = dir.join(&name);
            let child = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let md = match fs::symlink_metadata(&full) {
                Ok(m) => m,
                Err(e) => {
                    warnings.push(format!("cannot stat `/{child}`: {e}"));
                    continue;
                }
            };
            let ft = md.file_type();
            let kind = if ft.is_file() {
                EntryKind::File
            } else if ft.is_dir() {
                EntryKind::Dir
            } else if ft.is_symlink() {
                EntryKind::Symlink
            } else {
                EntryKind::Other
            };
            let link = if ft.is_symlink() {
                fs::read_link(&full)
                    .ok()
                    .map(|p| p.to_string_lossy().into_owned())
            } else {
                None
            };
            let meta = EntryMeta {
                path: child.clone(),
                kind,
                mode: md.permissions().mode() & 0o7777,
                uid: u64::from(md.uid()),
                gid: u64::from(md.gid()),
                size: if kind == EntryKind::File { md.len() } else { 0 },
                link,
            };
            let result = if kind == EntryKind::File {
                match File::open(&full) {
                    Ok(f) => visit(Change::Entry(&meta), &mut f.take(meta.size)),
                    Err(e) => {
                        warnings.push(format!("cannot read `/{child}`: {e}"));
                        visit(Change::Entry(&meta), &mut io::empty())
                    }
                }
            } else {
                visit(Change::Entry(&meta), &mut io::empty())
            };
            if let Err(e) = result {
                warnings.push(format!("`/{child}`: {e}"));
            }
            if kind == EntryKind::Dir {
                subdirs.push((full, child, depth + 1));
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(warnings)
}
