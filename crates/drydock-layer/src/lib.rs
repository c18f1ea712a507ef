//! One layer: decompress it, verify its digests, walk its tar entries once,
//! and hand each entry to a visitor.
//!
//! [`walk_layer`] streams a layer blob (plain, gzip or zstd, detected from the
//! magic bytes with the media type as a hint), hashes the compressed bytes and
//! the uncompressed tar as they pass, and at the end compares them with the
//! expected blob digest and diff_id. Each entry reaches the visitor as a
//! [`Change`]: a file system entry with its normalised path, a whiteout, or an
//! opaque directory. Whiteouts are *recorded*, never applied here: stacking
//! layers is `drydock-fs`'s job, so the result of one layer stays cacheable on
//! its own.
//!
//! Every byte comes from an untrusted image. The entry loop is driven here
//! rather than by `tar::Archive` because that reads GNU long-name and PAX
//! extension members into memory without a size bound; with [`Limits`] every
//! read is bounded, paths that climb out of the root are dropped with a
//! warning, and nothing is ever written to disk.

#![deny(missing_docs)]

mod path;
mod walk;

pub use path::{NormalizeError, normalize_path};
pub use walk::{
    Change, EntryKind, EntryMeta, LayerError, LayerSummary, Limits, walk_layer, walk_tar,
};
