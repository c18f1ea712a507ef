use std::io::{self, Read};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use drydock_fs::LayerIndex;
use drydock_inventory::{LayerRef, Unknown};
use drydock_layer::{Change, EntryKind, EntryMeta};
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

/// How [`LayerDriver::run`] spreads a layer's file work over threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatch {
    /// Every file is analyzed on the walking thread, in tar order.
    Inline,
    /// Files are analyzed on rayon's pool while the walk goes on; at most
    /// this many bytes of file content wait or run there at once (past it,
    /// the walking thread analyzes the next file itself).
    Parallel {
        /// Bytes of file content in flight, at most (one file above it is
        /// still offloaded when nothing else is in flight).
        budget: u64,
    },
}

impl Dispatch {
    /// The default for scans: one layer's walk (decompression, tar parsing,
    /// both digests) is inherently one thread, so content scanners run
    /// beside it. 64 MiB keeps memory flat: two layers walking at once
    /// hold at most 128 MiB of queued file content.
    pub const DEFAULT_PARALLEL: Dispatch = Dispatch::Parallel { budget: 64 << 20 };
}

impl Default for Dispatch {
    fn default() -> Self {
        Self::DEFAULT_PARALLEL
    }
}

/// What the analyzers made of one file: kept with its position in the
/// tar so that results come out in the same order however they ran.
#[derive(Default)]
struct FileOutcome {
    files: Vec<FileFindings>,
    unknowns: Vec<Unknown>,
}

fn unknown(layer: &LayerRef, path: &str, analyzer: &str, reason: String) -> Unknown {
    Unknown {
        path: format!("/{path}"),
        layer: Some(layer.clone()),
        analyzer: analyzer.to_owned(),
        reason,
    }
}

/// Runs the `wanted` analyzers over one file's content.
fn analyze_file(
    analyzers: &[Box<dyn Analyzer>],
    wanted: &[usize],
    layer: &LayerRef,
    meta: &EntryMeta,
    content: &[u8],
) -> FileOutcome {
    let mut out = FileOutcome::default();
    for a in wanted.iter().filter_map(|&i| analyzers.get(i)) {
        if meta.size > a.max_size() {
            out.unknowns.push(unknown(
                layer,
                &meta.path,
                a.name(),
                format!(
                    "file is {} bytes, over this analyzer's {}-byte limit",
                    meta.size,
                    a.max_size()
                ),
            ));
            continue;
        }
        match a.analyze(&meta.path, meta, content) {
            Ok(findings) => {
                let mut keep = Vec::with_capacity(findings.len());
                for f in findings {
                    match f {
                        Finding::Problem(reason) => {
                            out.unknowns
                                .push(unknown(layer, &meta.path, a.name(), reason));
                        }
                        other => keep.push(other),
                    }
                }
                if !keep.is_empty() {
                    out.files.push(FileFindings {
                        path: meta.path.clone(),
                        analyzer: a.name().to_owned(),
                        findings: keep,
                    });
                }
            }
            Err(reason) => out
                .unknowns
                .push(unknown(layer, &meta.path, a.name(), reason)),
        }
    }
    out
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

    /// Handles one change of the walk on the calling thread; pass it as
    /// the walk's visitor.
    pub fn visit(&mut self, change: Change<'_>, content: &mut dyn Read) -> io::Result<()> {
        self.out.index.record(change);
        let Some((meta, wanted, limit)) = self.wanted(change) else {
            return Ok(());
        };
        self.buf.clear();
        if meta.size <= limit {
            // Never trust the header's size for the allocation.
            content.take(limit).read_to_end(&mut self.buf)?;
        }
        let done = analyze_file(self.analyzers, &wanted, &self.layer, meta, &self.buf);
        self.out.files.extend(done.files);
        self.out.unknowns.extend(done.unknowns);
        Ok(())
    }

    /// The analyzers that want this change's file, and the most bytes any
    /// of them reads.
    fn wanted<'c>(&self, change: Change<'c>) -> Option<(&'c EntryMeta, Vec<usize>, u64)> {
        let Change::Entry(meta) = change else {
            return None;
        };
        if meta.kind != EntryKind::File {
            return None;
        }
        let wanted: Vec<usize> = (0..self.analyzers.len())
            .filter(|&i| self.analyzers[i].wants(&meta.path, meta))
            .collect();
        if wanted.is_empty() {
            return None;
        }
        let limit = wanted
            .iter()
            .map(|&i| self.analyzers[i].max_size())
            .max()
            .unwrap_or(0);
        Some((meta, wanted, limit))
    }

    /// Runs `walk` with a visitor that feeds this driver, dispatching file
    /// work as `dispatch` says, and returns what `walk` returned with the
    /// finished analysis. The result is the same as [`visit`](Self::visit)
    /// on every change would give, in the same order.
    pub fn run<T>(
        mut self,
        dispatch: Dispatch,
        walk: impl FnOnce(&mut dyn FnMut(Change<'_>, &mut dyn Read) -> io::Result<()>) -> T,
    ) -> (T, LayerAnalysis) {
        let Dispatch::Parallel { budget } = dispatch else {
            let t = walk(&mut |change, content| self.visit(change, content));
            return (t, self.finish());
        };
        let analyzers = self.analyzers;
        let layer = &self.layer;
        let done: Mutex<Vec<(u64, FileOutcome)>> = Mutex::new(Vec::new());
        let in_flight = AtomicU64::new(0);
        let mut index = LayerIndex::default();
        let mut seq = 0u64;
        let t = rayon::in_place_scope(|scope| {
            let done = &done;
            let in_flight = &in_flight;
            let driver = &self;
            walk(&mut |change, content| {
                index.record(change);
                let Some((meta, wanted, limit)) = driver.wanted(change) else {
                    return Ok(());
                };
                let mut bytes = Vec::new();
                if meta.size <= limit {
                    content.take(limit).read_to_end(&mut bytes)?;
                }
                let n = bytes.len() as u64;
                let this = seq;
                seq += 1;
                let queued = in_flight.load(Ordering::Acquire);
                if queued == 0 || queued + n <= budget {
                    in_flight.fetch_add(n, Ordering::AcqRel);
                    let meta = meta.clone();
                    scope.spawn(move |_| {
                        let outcome = analyze_file(analyzers, &wanted, layer, &meta, &bytes);
                        drop(bytes);
                        in_flight.fetch_sub(n, Ordering::AcqRel);
                        lock(done).push((this, outcome));
                    });
                } else {
                    // The pool is behind: helping beats waiting, and it
                    // bounds the queue.
                    let outcome = analyze_file(analyzers, &wanted, layer, meta, &bytes);
                    lock(done).push((this, outcome));
                }
                Ok(())
            })
        });
        let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        done.sort_unstable_by_key(|(seq, _)| *seq);
        self.out.index = index;
        for (_, outcome) in done {
            self.out.files.extend(outcome.files);
            self.out.unknowns.extend(outcome.unknowns);
        }
        (t, self.finish())
    }

    /// The finished analysis.
    pub fn finish(self) -> LayerAnalysis {
        self.out
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // An analyzer that panicked poisons nothing we rely on: the vector is
    // only ever pushed to.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
