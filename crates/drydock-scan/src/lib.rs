//! The scan pipeline as a library.
//!
//! [`scan`] opens a source, streams every layer once (in parallel, one
//! thread per layer, each decompressing and hashing its own stream), runs
//! the analyzers over each layer's files as they pass, stacks the layer
//! indexes into the merged file system and assembles the inventory. Callers
//! (the CLI, later the server) choose the source and render the result; this
//! crate neither prints nor exits.

#![deny(missing_docs)]

mod cache;
mod found;
mod malware;
mod secrets;

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use drydock_catalog::{Analyzer, AssembleOptions, Dispatch, LayerAnalysis, LayerDriver, assemble};
use drydock_fs::LayeredFs;
use drydock_inventory::{Inventory, LayerRef};
use drydock_layer::{LayerError, Limits};
use drydock_source::{Image, OpenOptions, RootfsLimits, SourceError, SourceKind};
use rayon::prelude::*;

pub use drydock_catalog::{MalwareEngines, MemberLimits};
pub use secrets::SecretOptions;

/// Receives progress events; implementations must be cheap and thread-safe.
pub trait Progress: Send + Sync {
    /// The scan will read this many stored bytes in total (0 if unknown).
    fn start(&self, _total_bytes: u64, _layers: usize) {}
    /// `n` more stored bytes were read.
    fn advance(&self, _n: u64) {}
    /// A layer is finished.
    fn layer_done(&self, _index: usize) {}
}

/// Options for a scan.
#[derive(Clone, Default)]
pub struct ScanOptions {
    /// Source options (platform).
    pub open: OpenOptions,
    /// Per-layer limits.
    pub limits: Limits,
    /// Progress receiver.
    pub progress: Option<Arc<dyn Progress>>,
    /// Treat the reference as a root filesystem directory.
    pub rootfs: bool,
    /// Directory of the layer cache; `None` disables it.
    pub cache_dir: Option<PathBuf>,
    /// Scan every layer file, the config and the history for secrets.
    pub secrets: Option<SecretOptions>,
    /// Run the image configuration checks.
    pub misconfig: Option<MisconfigOptions>,
    /// Run the malware engines over every layer.
    pub malware: Option<drydock_catalog::MalwareEngines>,
    /// Whether file analysis runs beside each layer's walk.
    pub dispatch: Dispatch,
}

/// How to check the image's configuration.
#[derive(Clone)]
pub struct MisconfigOptions {
    /// Secret rules that recognise credentials in ENV and build arguments
    /// by value (names are checked without them).
    pub secret_rules: Option<Arc<drydock_secrets::RuleSet>>,
    /// How Dockerfiles found inside the image are linted.
    pub dockerfile: drydock_dockerfile::LintConfig,
}

impl std::fmt::Debug for MisconfigOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MisconfigOptions")
            .field(
                "secret_rules",
                &self.secret_rules.as_ref().map(|r| r.rules().len()),
            )
            .finish()
    }
}

/// Facts about one layer of a finished scan.
#[derive(Debug, Clone)]
pub struct LayerInfo {
    /// Position and diff_id.
    pub layer: LayerRef,
    /// The history step that created it.
    pub created_by: Option<String>,
    /// Stored size.
    pub size: Option<u64>,
    /// Uncompressed size.
    pub uncompressed_size: u64,
    /// Entries walked.
    pub entries: u64,
}

/// The result of a scan.
#[derive(Debug)]
pub struct ScanOutcome {
    /// The image as opened.
    pub image: Image,
    /// What it contains.
    pub inventory: Inventory,
    /// Per-layer facts.
    pub layers: Vec<LayerInfo>,
    /// Oddities that did not stop the scan.
    pub warnings: Vec<String>,
    /// Secrets, when [`ScanOptions::secrets`] asked for them: every layer's
    /// files (deleted and replaced ones too), then config and history.
    pub secrets: Vec<drydock_findings::Secret>,
    /// Configuration findings, when [`ScanOptions::misconfig`] asked for
    /// them.
    pub misconfigurations: Vec<drydock_findings::Misconfiguration>,
    /// Malware, when [`ScanOptions::malware`] asked for it: every layer's
    /// files, deleted and replaced ones too.
    pub malware: Vec<drydock_findings::Malware>,
}

/// Why a scan failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The image could not be opened.
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A layer could not be read or verified.
    #[error("layer {index} ({diff_id}): {source}")]
    Layer {
        /// Layer position.
        index: usize,
        /// Its diff_id, or `unknown`.
        diff_id: String,
        /// Cause.
        #[source]
        source: LayerError,
    },
    /// A layer blob could not be opened.
    #[error("layer {index}: {source}")]
    LayerSource {
        /// Layer position.
        index: usize,
        /// Cause.
        #[source]
        source: SourceError,
    },
}

struct Counting<R> {
    inner: R,
    progress: Option<Arc<dyn Progress>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p.advance(n as u64);
        }
        Ok(n)
    }
}

/// Opens `reference` and scans it with the default analyzers.
pub fn scan(reference: &str, options: &ScanOptions) -> Result<ScanOutcome, ScanError> {
    let image = if options.rootfs {
        drydock_source::open_rootfs(reference, std::path::Path::new(reference))?
    } else {
        drydock_source::open(reference, &options.open)?
    };
    scan_image(image, options)
}

/// Scans an already opened image.
pub fn scan_image(image: Image, options: &ScanOptions) -> Result<ScanOutcome, ScanError> {
    let mut analyzers = drydock_catalog::default_analyzers();
    if let Some(s) = &options.secrets {
        analyzers.push(Box::new(drydock_catalog::SecretAnalyzer::new(
            s.rules.clone(),
            s.limits,
            s.archives.clone(),
        )));
    }
    if let Some(engines) = &options.malware {
        analyzers.push(Box::new(drydock_catalog::MalwareAnalyzer::new(
            engines.clone(),
        )));
    }
    if let Some(m) = &options.misconfig {
        analyzers.push(Box::new(drydock_catalog::DockerfileAnalyzer::new(
            m.dockerfile.clone(),
            &format!("{:?}", m.dockerfile),
        )));
    }
    let mut warnings = image.warnings.clone();
    let (analyses, layers) = if image.kind == SourceKind::Rootfs {
        scan_rootfs(&image, &analyzers, options, &mut warnings)?
    } else {
        scan_layers(&image, &analyzers, options, &mut warnings)?
    };
    let refs: Vec<LayerRef> = layers.iter().map(|l| l.layer.clone()).collect();
    let mut analyses = analyses;
    // The indexes move into the stacked view; `assemble` needs only the
    // findings, so nothing is held twice.
    let fs = LayeredFs::build(
        analyses
            .iter_mut()
            .map(|a| std::mem::take(&mut a.index))
            .collect(),
    );
    let inventory = assemble(&analyses, &refs, &fs, &AssembleOptions::default());
    let secrets = match &options.secrets {
        Some(s) => secrets::collect(
            &analyses,
            &refs,
            &fs,
            &image.config,
            &image.config.layer_history(),
            s,
        ),
        None => Vec::new(),
    };
    let misconfigurations = match &options.misconfig {
        Some(m) => {
            let owned: Vec<String> = analyses
                .iter()
                .flat_map(|a| &a.files)
                .flat_map(|f| &f.findings)
                .filter_map(|f| match f {
                    drydock_catalog::Finding::OwnedFiles { files, .. } => Some(files),
                    _ => None,
                })
                .flatten()
                .cloned()
                .collect();
            // `layer_history` maps layers to history entries; the checks
            // want the reverse.
            let mut history_layers = vec![None; image.config.history.len()];
            for (layer, step) in image.config.layer_history().into_iter().enumerate() {
                if let Some(slot) = step.and_then(|h| history_layers.get_mut(h)) {
                    *slot = Some(layer);
                }
            }
            let mut found = drydock_imagecheck::check(&drydock_imagecheck::ImageInput {
                config: &image.config,
                fs: &fs,
                owned: &owned,
                history_layers: &history_layers,
                secret_rules: m.secret_rules.as_deref(),
            });
            // Dockerfiles still in the final image; a deleted one says
            // nothing about how the image runs.
            for (i, a) in analyses.iter().enumerate() {
                for file in a.files.iter().filter(|f| f.analyzer == "dockerfile-linter") {
                    if !matches!(fs.fate(&file.path, i), drydock_fs::Fate::Visible) {
                        continue;
                    }
                    for f in &file.findings {
                        if let drydock_catalog::Finding::Misconfig(m) = f {
                            let mut m = (**m).clone();
                            m.location.file = Some(file.path.trim_start_matches('/').to_owned());
                            m.location.layer = Some(i);
                            found.push(m);
                        }
                    }
                }
            }
            found
        }
        None => Vec::new(),
    };
    let malware = if options.malware.is_some() {
        malware::collect(&analyses, &refs, &fs)
    } else {
        Vec::new()
    };
    Ok(ScanOutcome {
        image,
        inventory,
        layers,
        warnings,
        secrets,
        misconfigurations,
        malware,
    })
}

/// What one layer task produces.
struct LayerOutcome {
    analysis: LayerAnalysis,
    info: LayerInfo,
    warnings: Vec<String>,
}

fn scan_layers(
    image: &Image,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
    warnings: &mut Vec<String>,
) -> Result<(Vec<LayerAnalysis>, Vec<LayerInfo>), ScanError> {
    if let Some(p) = &options.progress {
        p.start(
            image.layers.iter().filter_map(|l| l.size).sum(),
            image.layers.len(),
        );
    }
    let history = image.config.layer_history();
    let results: Vec<Result<LayerOutcome, ScanError>> = image
        .layers
        .par_iter()
        .map(|layer| scan_layer(image, layer, &history, analyzers, options))
        .collect();
    let mut analyses = Vec::with_capacity(results.len());
    let mut infos = Vec::with_capacity(results.len());
    for r in results {
        let outcome = r?;
        analyses.push(outcome.analysis);
        infos.push(outcome.info);
        warnings.extend(outcome.warnings);
    }
    Ok((analyses, infos))
}

/// Reads one layer once: decompress, verify, walk, analyze.
fn scan_layer(
    image: &Image,
    layer: &drydock_source::LayerSource,
    history: &[Option<usize>],
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
) -> Result<LayerOutcome, ScanError> {
    let layer_ref = LayerRef {
        index: layer.index,
        diff_id: layer.diff_id.clone(),
    };
    let created_by = history
        .get(layer.index)
        .copied()
        .flatten()
        .and_then(|h| image.config.history.get(h))
        .and_then(|h| h.created_by.clone());
    let key = match (&options.cache_dir, &layer.diff_id) {
        (Some(dir), Some(diff_id)) => Some((dir, drydock_catalog::cache_key(diff_id, analyzers))),
        _ => None,
    };
    if let Some((dir, key)) = &key
        && let Some(hit) = cache::load(dir, key)
    {
        if let Some(p) = &options.progress {
            p.advance(layer.size.unwrap_or(0));
            p.layer_done(layer.index);
        }
        return Ok(LayerOutcome {
            analysis: hit.analysis,
            info: LayerInfo {
                layer: layer_ref,
                created_by,
                size: layer.size,
                uncompressed_size: hit.uncompressed_size,
                entries: hit.entries,
            },
            warnings: hit.warnings,
        });
    }
    let blob = image
        .open_layer(layer.index)
        .map_err(|source| ScanError::LayerSource {
            index: layer.index,
            source,
        })?;
    let blob = Counting {
        inner: blob,
        progress: options.progress.clone(),
    };
    let (summary, analysis) =
        LayerDriver::new(analyzers, layer_ref.clone()).run(options.dispatch, |visit| {
            drydock_layer::walk_layer(
                blob,
                layer.compression_hint,
                layer.blob_digest.as_ref(),
                layer.diff_id.as_ref(),
                &options.limits,
                visit,
            )
        });
    let summary = summary.map_err(|source| ScanError::Layer {
        index: layer.index,
        diff_id: layer
            .diff_id
            .as_ref()
            .map_or_else(|| "unknown".to_owned(), ToString::to_string),
        source,
    })?;
    if let Some(p) = &options.progress {
        p.layer_done(layer.index);
    }
    let mut warnings: Vec<String> = summary
        .warnings
        .iter()
        .map(|w| format!("layer {}: {w}", layer.index))
        .collect();
    let mut analysis = analysis;
    if let Some((dir, key)) = &key {
        let entry = cache::Entry::new(
            analysis,
            summary.uncompressed_bytes,
            summary.entries,
            warnings.clone(),
        );
        if let Err(e) = cache::store(dir, key, &entry) {
            warnings.push(format!("layer cache: {e}"));
        }
        analysis = entry.analysis;
    }
    Ok(LayerOutcome {
        analysis,
        info: LayerInfo {
            layer: LayerRef {
                index: layer.index,
                diff_id: Some(summary.diff_id.clone()),
            },
            created_by,
            size: layer.size,
            uncompressed_size: summary.uncompressed_bytes,
            entries: summary.entries,
        },
        warnings,
    })
}

fn scan_rootfs(
    image: &Image,
    analyzers: &[Box<dyn Analyzer>],
    options: &ScanOptions,
    warnings: &mut Vec<String>,
) -> Result<(Vec<LayerAnalysis>, Vec<LayerInfo>), ScanError> {
    let root = image.rootfs.clone().unwrap_or_default();
    let layer_ref = LayerRef {
        index: 0,
        diff_id: None,
    };
    let mut entries = 0u64;
    let (w, analysis) =
        LayerDriver::new(analyzers, layer_ref.clone()).run(options.dispatch, |visit| {
            drydock_source::walk_rootfs(&root, &RootfsLimits::default(), |change, content| {
                entries += 1;
                visit(change, content)
            })
        });
    warnings.extend(w?);
    Ok((
        vec![analysis],
        vec![LayerInfo {
            layer: layer_ref,
            created_by: None,
            size: None,
            uncompressed_size: 0,
            entries,
        }],
    ))
}
