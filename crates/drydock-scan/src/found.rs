//! Walking what one analyzer found in every layer, with what became of each
//! file later: the shared first step of the secret and malware collectors.

use drydock_catalog::{Finding, LayerAnalysis};
use drydock_fs::{Fate, LayeredFs};
use drydock_inventory::LayerRef;

/// One finding of `analyzer` in one layer's file.
pub(crate) struct Found<'a> {
    /// The layer the file is in.
    pub layer: &'a LayerRef,
    /// The file's path in the image, without the leading `/`.
    pub path: &'a str,
    /// The layer that deleted the file, if one did.
    pub deleted: Option<usize>,
    /// The layer that replaced the file, if one did.
    pub replaced: Option<usize>,
    /// The finding.
    pub finding: &'a Finding,
}

impl Found<'_> {
    /// The path to report: `path`, or `path!/member` inside an archive.
    pub fn display_path(&self, member: Option<&str>) -> String {
        match member {
            Some(m) => format!("{}!/{m}", self.path),
            None => self.path.to_owned(),
        }
    }
}

/// Every finding `analyzer` recorded, layer by layer in tar order.
pub(crate) fn found_by<'a>(
    analyses: &'a [LayerAnalysis],
    refs: &'a [LayerRef],
    fs: &'a LayeredFs,
    analyzer: &'a str,
) -> impl Iterator<Item = Found<'a>> + 'a {
    analyses
        .iter()
        .zip(refs)
        .enumerate()
        .flat_map(move |(i, (analysis, layer))| {
            analysis
                .files
                .iter()
                .filter(move |f| f.analyzer == analyzer)
                .flat_map(move |file| {
                    let (deleted, replaced) = match fs.fate(&file.path, i) {
                        Fate::Deleted(l) => (Some(l), None),
                        Fate::Replaced(l) => (None, Some(l)),
                        Fate::Visible | Fate::Absent => (None, None),
                    };
                    let path = file.path.trim_start_matches('/');
                    file.findings.iter().map(move |finding| Found {
                        layer,
                        path,
                        deleted,
                        replaced,
                        finding,
                    })
                })
        })
}
