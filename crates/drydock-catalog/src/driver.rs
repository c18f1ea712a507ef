use std::io::{self, Read};

use drydock_fs::LayerIndex;
use drydock_inventory::{LayerRef, Unknown};
use drydock_layer::{Change, EntryKind};
use serde::{Deserialize, Serialize};

use crate::{Analyzer, Finding};

/// Findings of one analyzer in one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileFindings {
    /// Path relative to the root.
    pub path: String,
    /// Analyzer name.
    pub analyzer: String,
    /// What it found.
    pub findings: Vec<Finding>,
}

/// Everything learnt from one layer, independent of the layers around it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerAnalysis {
    /// The layer's entries, whiteouts and opaque directories.
    pub index: LayerIndex,
    /// Findings by file, in tar order.
    pub files: Vec<FileFindings>,
    /// Files that should have been read but could not be.
    pub unknowns: Vec<Unknown>,
}

/// A layer cache key: diff_id plus every analyzer's name and version, so a
/// changed analyzer invalidates exactly the results it could change.
pub fn cache_key(diff_id: &drydock_oci::Digest, analyzers: &[Box<dyn Analyzer>]) -> String {
    let mut key = diff_id.to_string();
    for a in analyzers {
        key.push('|');
        key.push_str(&a.cache_tag());
    }
    drydock_oci::Digest::sha256_of(key.as_bytes())
        .hex()
        .to_owned()
}

/// Runs analyzers over the entries of one layer walk.
pub struct LayerDriver<'a> {
    analyzers: &'a [Box<dyn Analyzer>],
    layer: LayerRef,
    out: LayerAnalysis,
    buf: Vec<u8>,
}

impl<'a> LayerDriver<'a> {
    /// A driver for the layer `layer`.
    pub fn new(analyzers: &'a [Box<dyn Analyzer>], layer: LayerRef) -> Self {
        Self {
            analyzers,
            layer,
            out: LayerAnalysis::default(),
            buf: Vec::new(),
        }
    }

    /// Handles one change of the walk; pass it as the walk's visitor.
    pub fn visit(&mut self, change: Change<'_>, content: &mut dyn Read) -> io::Result<()> {
        self.out.index.record(change);
        let Change::Entry(meta) = change else {
            return Ok(());
        };
        if meta.kind != EntryKind::File {
            return Ok(());
        }
        let mut wanted = self
            .analyzers
            .iter()
            .filter(|a| a.wants(&meta.path, meta))
            .peekable();
        if wanted.peek().is_none() {
            return Ok(());
        }
        let wanted: Vec<&Box<dyn Analyzer>> = wanted.collect();
        let limit = wanted.iter().map(|a| a.max_size()).max().unwrap_or(0);
        self.buf.clear();
        if meta.size <= limit {
            // Never trust the header's size for the allocation.
            content.take(limit).read_to_end(&mut self.buf)?;
        }
        for a in wanted {
            if meta.size > a.max_size() {
                self.unknown(
                    &meta.path,
                    a.name(),
                    format!(
                        "file is {} bytes, over this analyzer's {}-byte limit",
                        meta.size,
                        a.max_size()
                    ),
                );
                continue;
            }
            match a.analyze(&meta.path, meta, &self.buf) {
                Ok(findings) => {
                    let mut keep = Vec::with_capacity(findings.len());
                    for f in findings {
                        match f {
                            Finding::Problem(reason) => self.unknown(&meta.path, a.name(), reason),
                            other => keep.push(other),
                        }
                    }
                    if !keep.is_empty() {
                        self.out.files.push(FileFindings {
                            path: meta.path.clone(),
                            analyzer: a.name().to_owned(),
                            findings: keep,
                        });
                    }
                }
                Err(reason) => self.unknown(&meta.path, a.name(), reason),
            }
        }
        Ok(())
    }

    fn unknown(&mut self, path: &str, analyzer: &str, reason: String) {
        self.out.unknowns.push(Unknown {
            path: format!("/{path}"),
            layer: Some(self.layer.clone()),
            analyzer: analyzer.to_owned(),
            reason,
        });
    }

    /// The finished analysis.
    pub fn finish(self) -> LayerAnalysis {
        self.out
    }
}
