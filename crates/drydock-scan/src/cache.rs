//! The layer cache: one file per analyzed layer, keyed by diff_id and the
//! name and version of every analyzer.
//!
//! A layer's analysis depends only on its bytes and the analyzers, so the
//! key says everything: bumping an analyzer's `version()` invalidates exactly
//! the entries it could change. Entries are written to a temporary file and
//! renamed, so a crash never leaves a half-written entry, and an entry that
//! fails to parse is treated as a miss and rewritten.

use std::path::{Path, PathBuf};

use drydock_catalog::LayerAnalysis;
use serde::{Deserialize, Serialize};

/// Bumped when the entry format changes.
const FORMAT: u32 = 1;

/// A cached layer result.
#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    format: u32,
    pub(crate) analysis: LayerAnalysis,
    pub(crate) uncompressed_size: u64,
    pub(crate) entries: u64,
    pub(crate) warnings: Vec<String>,
}

impl Entry {
    pub(crate) fn new(
        analysis: LayerAnalysis,
        uncompressed_size: u64,
        entries: u64,
        warnings: Vec<String>,
    ) -> Self {
        Self {
            format: FORMAT,
            analysis,
            uncompressed_size,
            entries,
            warnings,
        }
    }
}

fn entry_path(dir: &Path, key: &str) -> PathBuf {
    dir.join("layers").join(format!("{key}.json"))
}

/// The cached entry for `key`, if there is a readable one.
pub(crate) fn load(dir: &Path, key: &str) -> Option<Entry> {
    let bytes = std::fs::read(entry_path(dir, key)).ok()?;
    let entry: Entry = serde_json::from_slice(&bytes).ok()?;
    (entry.format == FORMAT).then_some(entry)
}

/// Stores an entry; failures only cost a future cache miss, so they are
/// returned as a warning text rather than failing the scan.
pub(crate) fn store(dir: &Path, key: &str, entry: &Entry) -> Result<(), String> {
    let path = entry_path(dir, key);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let bytes = serde_json::to_vec(entry).map_err(|e| e.to_string())?;
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write `{}`: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
