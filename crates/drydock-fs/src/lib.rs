//! The layered file system: what a container started from the image sees,
//! and where each path came from.
//!
//! Each layer is first recorded on its own as a [`LayerIndex`] (entries,
//! whiteouts and opaque directories exactly as the tar had them), so layer
//! results can be cached by diff_id. [`LayeredFs::build`] then stacks the
//! indexes: opaque directories and whiteouts of layer *n* remove what layers
//! below *n* put there, and its own entries are added on top. The merged view
//! keeps, for every path, the layer that supplied it; [`LayeredFs::fate`]
//! tells for any file of any layer whether it is visible in the final image,
//! or which later layer replaced or deleted it.
//!
//! [`LayeredFs::resolve`] follows symlinks the way the kernel would inside a
//! chroot: absolute targets start at the image root, `..` never climbs above
//! it, and loops end after a fixed number of hops.

#![deny(missing_docs)]

use std::collections::{BTreeMap, HashMap, HashSet};

use drydock_layer::{Change, EntryKind, EntryMeta};
use serde::{Deserialize, Serialize};

/// Symlink hops allowed while resolving one path (Linux uses 40).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// The part of an entry the merged view keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    /// Entry kind.
    pub kind: NodeKind,
    /// Permission bits.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Size of regular files.
    pub size: u64,
    /// Symlink target as written, or hard link target path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

/// Entry kinds, serialisable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link.
    Symlink,
    /// Hard link.
    Hardlink,
    /// Anything else.
    Other,
}

impl From<&EntryMeta> for Node {
    fn from(m: &EntryMeta) -> Self {
        Self {
            kind: match m.kind {
                EntryKind::File => NodeKind::File,
                EntryKind::Dir => NodeKind::Dir,
                EntryKind::Symlink => NodeKind::Symlink,
                EntryKind::Hardlink => NodeKind::Hardlink,
                EntryKind::Other => NodeKind::Other,
            },
            mode: m.mode,
            uid: m.uid,
            gid: m.gid,
            size: m.size,
            link: m.link.clone(),
        }
    }
}

/// One layer's changes, in the order the tar held them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayerIndex {
    /// Entries added or replaced, by path. A path repeated within one tar
    /// keeps its last entry, as extraction would.
    pub entries: BTreeMap<String, Node>,
    /// Paths deleted from lower layers.
    pub whiteouts: Vec<String>,
    /// Directories whose lower contents are hidden.
    pub opaques: Vec<String>,
}

impl LayerIndex {
    /// Records one change from a layer walk.
    pub fn record(&mut self, change: Change<'_>) {
        match change {
            Change::Entry(m) => {
                self.entries.insert(m.path.clone(), Node::from(m));
            }
            Change::Whiteout(p) => self.whiteouts.push(p.to_owned()),
            Change::Opaque(p) => self.opaques.push(p.to_owned()),
        }
    }
}

/// A path in the merged view and the layer it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    /// The entry.
    pub node: Node,
    /// Index of the layer that supplied it.
    pub layer: usize,
}

/// What became of a file a layer added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "layer", rename_all = "lowercase")]
pub enum Fate {
    /// Present in the final image.
    Visible,
    /// A later layer wrote a new entry at the same path.
    Replaced(usize),
    /// A later layer deleted it (whiteout or opaque directory).
    Deleted(usize),
    /// The layer never had this path.
    Absent,
}

/// The merged view over all layers.
#[derive(Debug, Default)]
pub struct LayeredFs {
    merged: BTreeMap<String, Visible>,
    layers: Vec<LayerIndex>,
    whiteout_sets: Vec<HashSet<String>>,
}

fn descendants_prefix(dir: &str) -> String {
    if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    }
}

fn remove_tree(map: &mut BTreeMap<String, Visible>, path: &str, keep_root: bool) {
    if !keep_root {
        map.remove(path);
    }
    let prefix = descendants_prefix(path);
    let doomed: Vec<String> = map
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, _)| k.clone())
        .collect();
    for k in doomed {
        map.remove(&k);
    }
}

impl LayeredFs {
    /// Stacks layer indexes, base first.
    pub fn build(layers: Vec<LayerIndex>) -> Self {
        let mut merged: BTreeMap<String, Visible> = BTreeMap::new();
        for (i, layer) in layers.iter().enumerate() {
            // Deletions apply to lower layers only, so they go first.
            for dir in &layer.opaques {
                remove_tree(&mut merged, dir, true);
            }
            for path in &layer.whiteouts {
                remove_tree(&mut merged, path, false);
            }
            for (path, node) in &layer.entries {
                if node.kind != NodeKind::Dir {
                    // A file replacing a directory takes its contents with
                    // it, whether or not the tar had an entry for the
                    // directory itself.
                    remove_tree(&mut merged, path, true);
                }
                merged.insert(
                    path.clone(),
                    Visible {
                        node: node.clone(),
                        layer: i,
                    },
                );
            }
        }
        let whiteout_sets = layers
            .iter()
            .map(|l| l.whiteouts.iter().cloned().collect())
            .collect();
        Self {
            merged,
            layers,
            whiteout_sets,
        }
    }

    /// The entry at exactly `path` in the merged view (no symlink following).
    pub fn get(&self, path: &str) -> Option<&Visible> {
        self.merged.get(path.trim_start_matches('/'))
    }

    /// Number of paths in the merged view.
    pub fn len(&self) -> usize {
        self.merged.len()
    }

    /// True when the merged view is empty.
    pub fn is_empty(&self) -> bool {
        self.merged.is_empty()
    }

    /// Every visible path with its entry, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Visible)> {
        self.merged.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The per-layer indexes.
    pub fn layers(&self) -> &[LayerIndex] {
        &self.layers
    }

    /// What happened to `path` as added by `layer`.
    pub fn fate(&self, path: &str, layer: usize) -> Fate {
        let path = path.trim_start_matches('/');
        if !self
            .layers
            .get(layer)
            .is_some_and(|l| l.entries.contains_key(path))
        {
            return Fate::Absent;
        }
        if self.merged.get(path).is_some_and(|v| v.layer == layer) {
            return Fate::Visible;
        }
        let ancestors: Vec<&str> = path.match_indices('/').map(|(i, _)| &path[..i]).collect();
        for later in layer + 1..self.layers.len() {
            let l = &self.layers[later];
            let wh = &self.whiteout_sets[later];
            if wh.contains(path) || ancestors.iter().any(|a| wh.contains(*a)) {
                return Fate::Deleted(later);
            }
            if l.opaques
                .iter()
                .any(|o| o.is_empty() || ancestors.contains(&o.as_str()))
            {
                return Fate::Deleted(later);
            }
            if l.entries.contains_key(path) {
                return Fate::Replaced(later);
            }
            if ancestors
                .iter()
                .any(|a| l.entries.get(*a).is_some_and(|n| n.kind != NodeKind::Dir))
            {
                return Fate::Replaced(later);
            }
        }
        // Only reachable when the layer list and merged view disagree.
        Fate::Absent
    }

    /// Follows symlinks in every component of `path`, staying inside the
    /// image. Returns the final path and its entry, or `None` if it does not
    /// exist, loops, or dangles.
    pub fn resolve(&self, path: &str) -> Option<(String, &Visible)> {
        let resolved = self.resolve_path(path, true)?;
        let v = self.merged.get(&resolved)?;
        Some((resolved, v))
    }

    /// Like [`resolve`](Self::resolve) but leaves a final symlink
    /// unfollowed, and returns the path even if nothing exists there: the
    /// canonical spelling of a path whose directories may be symlinks
    /// (`lib/x` → `usr/lib/x` on merged-/usr systems).
    pub fn canonical_parent(&self, path: &str) -> Option<String> {
        self.resolve_path(path, false)
    }

    fn resolve_path(&self, path: &str, follow_last: bool) -> Option<String> {
        let mut hops = 0usize;
        let mut done: Vec<String> = Vec::new();
        let mut pending: Vec<String> = split_rev(path);
        while let Some(comp) = pending.pop() {
            match comp.as_str() {
                "" | "." => continue,
                ".." => {
                    done.pop();
                    continue;
                }
                _ => {}
            }
            let mut candidate = done.join("/");
            if !candidate.is_empty() {
                candidate.push('/');
            }
            candidate.push_str(&comp);
            let is_last = pending.is_empty();
            match self.merged.get(&candidate) {
                Some(v) if v.node.kind == NodeKind::Symlink && (follow_last || !is_last) => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return None;
                    }
                    let target = v.node.link.as_deref().unwrap_or("");
                    if target.starts_with('/') {
                        done.clear();
                    }
                    pending.extend(split_rev(target));
                }
                _ => done.push(comp),
            }
        }
        Some(done.join("/"))
    }
}

fn split_rev(path: &str) -> Vec<String> {
    path.split('/').rev().map(str::to_owned).collect()
}

/// Maps layer-relative hard links to their targets; handy for analyzers that
/// meet a hard link to a file they want.
pub fn hardlink_targets(index: &LayerIndex) -> HashMap<&str, &str> {
    index
        .entries
        .iter()
        .filter(|(_, n)| n.kind == NodeKind::Hardlink)
        .filter_map(|(p, n)| n.link.as_deref().map(|l| (p.as_str(), l)))
        .collect()
}

#[cfg(test)]
mod tests;
