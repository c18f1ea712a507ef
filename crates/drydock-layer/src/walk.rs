use std::io::{self, BufRead, BufReader, Read};

use drydock_oci::{Compression, Digest, Sha256Writer};
use tar::{EntryType, Header, PaxExtensions};

use crate::path::normalize_path;

const BLOCK: usize = 512;

/// Bounds on what one layer may cost.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Most tar entries in one layer.
    pub max_entries: u64,
    /// Longest entry path, in bytes.
    pub max_path_len: usize,
    /// Largest GNU long-name or PAX extension member.
    pub max_extension_header: u64,
    /// Most uncompressed bytes in one layer; stops gzip and zstd bombs.
    pub max_layer_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entries: 4_000_000,
            max_path_len: 4096,
            max_extension_header: 1 << 20,
            max_layer_bytes: 32 << 30,
        }
    }
}

/// The kind of a tar entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// Regular file.
    File,
    /// Directory.
    Dir,
    /// Symbolic link.
    Symlink,
    /// Hard link to an earlier entry of the same layer.
    Hardlink,
    /// Device, fifo, sparse or anything else without readable content.
    Other,
}

/// One file system entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryMeta {
    /// Normalised path relative to the root, without a leading `/`.
    pub path: String,
    /// Entry kind.
    pub kind: EntryKind,
    /// Permission bits including setuid, setgid and sticky.
    pub mode: u32,
    /// Owner.
    pub uid: u64,
    /// Group.
    pub gid: u64,
    /// Content size for regular files, 0 otherwise.
    pub size: u64,
    /// Symlink target as written, or the normalised path a hard link names.
    pub link: Option<String>,
}

/// What a layer entry does to the stacked file system.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Adds or replaces an entry.
    Entry(&'a EntryMeta),
    /// `.wh.NAME`: deletes `NAME` (the path given) from lower layers.
    Whiteout(&'a str),
    /// `.wh..wh..opq`: hides everything lower layers put in this directory.
    Opaque(&'a str),
}

/// What walking a layer established.
#[derive(Debug, Clone)]
pub struct LayerSummary {
    /// Entries visited.
    pub entries: u64,
    /// Uncompressed size.
    pub uncompressed_bytes: u64,
    /// Compressed size (equal to the uncompressed size for plain tars).
    pub compressed_bytes: u64,
    /// Compression found.
    pub compression: Compression,
    /// sha256 of the uncompressed tar.
    pub diff_id: Digest,
    /// sha256 of the blob as stored.
    pub blob_digest: Digest,
    /// Entries skipped and other oddities, each naming the path.
    pub warnings: Vec<String>,
}

/// Why a layer could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LayerError {
    /// The stream failed: truncated or corrupt gzip/zstd, or an I/O error.
    #[error("reading the layer stream failed at uncompressed offset {offset}: {source}")]
    Stream {
        /// Uncompressed offset reached.
        offset: u64,
        /// Cause.
        #[source]
        source: io::Error,
    },
    /// The tar ends in the middle of a header or an entry.
    #[error("truncated tar: {what} at offset {offset}")]
    Truncated {
        /// What was being read.
        what: String,
        /// Uncompressed offset reached.
        offset: u64,
    },
    /// A header that is not a tar header.
    #[error("corrupt tar header at offset {offset}: {reason}")]
    BadHeader {
        /// Offset of the header.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// A configured limit was exceeded.
    #[error("layer exceeds the {what} limit of {limit}")]
    Limit {
        /// Which limit.
        what: &'static str,
        /// Its value.
        limit: u64,
    },
    /// The content does not match the digest the image promised.
    #[error("{what} digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        /// `blob` or `diff_id`.
        what: &'static str,
        /// Promised.
        expected: Digest,
        /// Computed.
        actual: Digest,
    },
    /// The visitor failed.
    #[error("processing `{path}` failed: {source}")]
    Visitor {
        /// Entry being processed.
        path: String,
        /// Cause.
        #[source]
        source: io::Error,
    },
}

/// Hashes and counts every byte that passes, and refuses to pass more than
/// `limit`.
struct Meter<R> {
    inner: R,
    hash: Option<Sha256Writer>,
    count: u64,
    limit: u64,
}

impl<R: Read> Read for Meter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(LimitHit));
        }
        if let Some(h) = &mut self.hash {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct LimitHit;
impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("byte limit reached")
    }
}
impl std::error::Error for LimitHit {}

enum Decoder<R: BufRead> {
    Plain(R),
    Gzip(Box<flate2::bufread::MultiGzDecoder<R>>),
    Zstd(zstd::stream::read::Decoder<'static, R>),
}

impl<R: BufRead> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(r) => r.read(buf),
            Self::Gzip(r) => r.read(buf),
            Self::Zstd(r) => r.read(buf),
        }
    }
}

impl<R: BufRead> Decoder<R> {
    fn into_inner(self) -> R {
        match self {
            Self::Plain(r) => r,
            Self::Gzip(r) => r.into_inner(),
            Self::Zstd(r) => r.finish(),
        }
    }
}

/// Streams one layer blob: decompresses it, walks its tar entries, verifies
/// the digests and returns a summary.
///
/// `visit` sees every entry with a reader over its content (empty for
/// anything but regular files); content it does not read is skipped. The
/// whole stream is always read to its end so the digests cover every byte.
pub fn walk_layer<R, F>(
    blob: R,
    hint: Option<Compression>,
    expected_blob: Option<&Digest>,
    expected_diff_id: Option<&Digest>,
    limits: &Limits,
    visit: F,
) -> Result<LayerSummary, LayerError>
where
    R: Read,
    F: FnMut(Change<'_>, &mut dyn Read) -> io::Result<()>,
{
    let stream_err = |offset: u64| move |source: io::Error| LayerError::Stream { offset, source };
    let mut raw = BufReader::with_capacity(
        256 * 1024,
        Meter {
            inner: blob,
            hash: None,
            count: 0,
            limit: u64::MAX,
        },
    );
    let head = raw.fill_buf().map_err(stream_err(0))?;
    let compression = if head.len() >= 4 {
        Compression::sniff(head)
    } else {
        hint.unwrap_or(Compression::None)
    };
    if compression != Compression::None {
        // Only compressed blobs have a digest of their own; a plain tar's
        // blob digest is its diff_id, so hashing it twice would waste time.
        raw.get_mut().hash = Some(Sha256Writer::default());
        let buffered = raw.buffer().to_vec();
        if let Some(h) = raw.get_mut().hash.as_mut() {
            h.update(&buffered);
        }
    }
    let decoder = match compression {
        Compression::None => Decoder::Plain(raw),
        Compression::Gzip => Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(raw))),
        Compression::Zstd => {
            Decoder::Zstd(zstd::stream::read::Decoder::with_buffer(raw).map_err(stream_err(0))?)
        }
    };
    let mut tar_in = Meter {
        inner: decoder,
        hash: Some(Sha256Writer::default()),
        count: 0,
        limit: limits.max_layer_bytes,
    };
    let (entries, warnings) =
        walk_tar(&mut tar_in, limits, visit).map_err(|e| relabel_limit(e, limits))?;
    // Drain what follows the end-of-archive blocks so the digests cover it.
    let offset = tar_in.count;
    io::copy(&mut tar_in, &mut io::sink())
        .map_err(|e| relabel_limit(LayerError::Stream { offset, source: e }, limits))?;
    let uncompressed_bytes = tar_in.count;
    let diff_id = tar_in.hash.take().unwrap_or_default().finish();
    let mut raw = tar_in.inner.into_inner();
    io::copy(&mut raw, &mut io::sink()).map_err(stream_err(uncompressed_bytes))?;
    let meter = raw.into_inner();
    let compressed_bytes = meter.count;
    let blob_digest = match meter.hash {
        Some(h) => h.finish(),
        None => diff_id.clone(),
    };
    if let Some(expected) = expected_blob
        && expected.is_sha256()
        && *expected != blob_digest
    {
        return Err(LayerError::DigestMismatch {
            what: "blob",
            expected: expected.clone(),
            actual: blob_digest,
        });
    }
    if let Some(expected) = expected_diff_id
        && expected.is_sha256()
        && *expected != diff_id
    {
        return Err(LayerError::DigestMismatch {
            what: "diff_id",
            expected: expected.clone(),
            actual: diff_id,
        });
    }
    Ok(LayerSummary {
        entries,
        uncompressed_bytes,
        compressed_bytes,
        compression,
        diff_id,
        blob_digest,
        warnings,
    })
}

fn relabel_limit(e: LayerError, limits: &Limits) -> LayerError {
    match e {
        LayerError::Stream { source, .. } | LayerError::Visitor { source, .. }
            if source.get_ref().is_some_and(|i| i.is::<LimitHit>()) =>
        {
            LayerError::Limit {
                what: "uncompressed layer size",
                limit: limits.max_layer_bytes,
            }
        }
        other => other,
    }
}

/// Tracks the offset of an uncompressed tar stream.
struct Offset<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Read for Offset<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Reads a full block; `Ok(false)` on a clean end of stream before any byte.
fn read_block<R: Read>(r: &mut Offset<R>, buf: &mut [u8; BLOCK]) -> Result<bool, LayerError> {
    let start = r.pos;
    let mut filled = 0;
    while filled < BLOCK {
        match r.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => {
                return Err(LayerError::Truncated {
                    what: "partial header".into(),
                    offset: start,
                });
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(LayerError::Stream {
                    offset: r.pos,
                    source,
                });
            }
        }
    }
    Ok(true)
}

fn checksum_ok(block: &[u8; BLOCK], header: &Header) -> bool {
    let Ok(stored) = header.cksum() else {
        return false;
    };
    // The checksum field counts as eight spaces. Whole-block sums without a
    // per-byte branch let the compiler vectorise this hot loop.
    let field = &block[148..156];
    let unsigned = block.iter().map(|&b| u32::from(b)).sum::<u32>()
        - field.iter().map(|&b| u32::from(b)).sum::<u32>()
        + 8 * u32::from(b' ');
    let signed = block.iter().map(|&b| i32::from(b as i8)).sum::<i32>()
        - field.iter().map(|&b| i32::from(b as i8)).sum::<i32>()
        + 8 * i32::from(b' ');
    stored == unsigned || i64::from(stored) == i64::from(signed)
}

fn skip<R: Read>(r: &mut Offset<R>, n: u64, what: &str) -> Result<(), LayerError> {
    let start = r.pos;
    let copied =
        io::copy(&mut r.take(n), &mut io::sink()).map_err(|source| LayerError::Stream {
            offset: r.pos,
            source,
        })?;
    if copied < n {
        return Err(LayerError::Truncated {
            what: what.to_owned(),
            offset: start,
        });
    }
    Ok(())
}

fn padding(size: u64) -> u64 {
    (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64
}

fn read_extension<R: Read>(
    r: &mut Offset<R>,
    size: u64,
    limits: &Limits,
    what: &'static str,
) -> Result<Vec<u8>, LayerError> {
    if size > limits.max_extension_header {
        return Err(LayerError::Limit {
            what,
            limit: limits.max_extension_header,
        });
    }
    let start = r.pos;
    let mut data = Vec::with_capacity(size as usize);
    (&mut *r)
        .take(size)
        .read_to_end(&mut data)
        .map_err(|source| LayerError::Stream {
            offset: r.pos,
            source,
        })?;
    if (data.len() as u64) < size {
        return Err(LayerError::Truncated {
            what: what.to_owned(),
            offset: start,
        });
    }
    skip(r, padding(size), what)?;
    Ok(data)
}

fn trim_nul(mut v: Vec<u8>) -> Vec<u8> {
    while v.last() == Some(&0) {
        v.pop();
    }
    v
}

/// Walks an uncompressed tar stream; [`walk_layer`] adds decompression and
/// digest checks around it. Returns the number of entries and warnings.
pub fn walk_tar<R, F>(
    reader: R,
    limits: &Limits,
    mut visit: F,
) -> Result<(u64, Vec<String>), LayerError>
where
    R: Read,
    F: FnMut(Change<'_>, &mut dyn Read) -> io::Result<()>,
{
    let mut r = Offset {
        inner: reader,
        pos: 0,
    };
    let mut warnings = Vec::new();
    let mut entries = 0u64;
    let mut block = [0u8; BLOCK];
    let mut long_name: Option<Vec<u8>> = None;
    let mut long_link: Option<Vec<u8>> = None;
    let mut pax_path: Option<Vec<u8>> = None;
    let mut pax_link: Option<Vec<u8>> = None;
    let mut pax_size: Option<u64> = None;
    loop {
        let header_at = r.pos;
        if !read_block(&mut r, &mut block)? {
            // No end-of-archive blocks; tolerated, the diff_id still guards it.
            break;
        }
        if block.iter().all(|&b| b == 0) {
            break;
        }
        let header = Header::from_byte_slice(&block);
        if !checksum_ok(&block, header) {
            return Err(LayerError::BadHeader {
                offset: header_at,
                reason: "checksum mismatch (not a tar stream, or corrupt)".into(),
            });
        }
        let header_size = header.entry_size().map_err(|e| LayerError::BadHeader {
            offset: header_at,
            reason: format!("bad size field: {e}"),
        })?;
        let ty = header.entry_type();
        match ty {
            EntryType::GNULongName => {
                long_name = Some(trim_nul(read_extension(
                    &mut r,
                    header_size,
                    limits,
                    "long name",
                )?));
                continue;
            }
            EntryType::GNULongLink => {
                long_link = Some(trim_nul(read_extension(
                    &mut r,
                    header_size,
                    limits,
                    "long link name",
                )?));
                continue;
            }
            EntryType::XHeader => {
                let data = read_extension(&mut r, header_size, limits, "PAX header")?;
                for ext in PaxExtensions::new(&data) {
                    let Ok(ext) = ext else {
                        warnings.push(format!("malformed PAX record at offset {header_at}"));
                        break;
                    };
                    match ext.key_bytes() {
                        b"path" => pax_path = Some(ext.value_bytes().to_vec()),
                        b"linkpath" => pax_link = Some(ext.value_bytes().to_vec()),
                        b"size" => {
                            pax_size = ext.value().ok().and_then(|v| v.trim().parse().ok());
                            if pax_size.is_none() {
                                return Err(LayerError::BadHeader {
                                    offset: header_at,
                                    reason: "PAX size is not a number".into(),
                                });
                            }
                        }
                        _ => {}
                    }
                }
                continue;
            }
            EntryType::XGlobalHeader => {
                read_extension(&mut r, header_size, limits, "PAX global header")?;
                continue;
            }
            _ => {}
        }

        entries += 1;
        if entries > limits.max_entries {
            return Err(LayerError::Limit {
                what: "entry count",
                limit: limits.max_entries,
            });
        }
        let size = pax_size.take().unwrap_or(header_size);
        let name = pax_path
            .take()
            .or(long_name.take())
            .unwrap_or_else(|| header.path_bytes().into_owned());
        let link = pax_link
            .take()
            .or(long_link.take())
            .or_else(|| header.link_name_bytes().map(|c| c.into_owned()));

        // Only regular files carry data in the stream (plus sparse files and
        // odd types that still declare a size: skip their bytes).
        let data_len = match ty {
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => size,
            EntryType::Link | EntryType::Symlink | EntryType::Directory => 0,
            EntryType::Char | EntryType::Block | EntryType::Fifo => 0,
            _ => size,
        };

        let (path, absolute) = match normalize_path(&name, limits.max_path_len) {
            Ok(p) => p,
            Err(e) => {
                warnings.push(format!("skipped entry at offset {header_at}: {e}"));
                skip(&mut r, data_len + padding(data_len), "entry data")?;
                continue;
            }
        };
        if absolute {
            warnings.push(format!(
                "entry `/{path}` has an absolute path; treated as relative to the image root"
            ));
        }
        if path.is_empty() {
            skip(&mut r, data_len + padding(data_len), "entry data")?;
            continue;
        }

        let (dir, base) = match path.rsplit_once('/') {
            Some((d, b)) => (d, b),
            None => ("", path.as_str()),
        };
        if let Some(hidden) = base.strip_prefix(".wh.") {
            if hidden == ".wh..opq" {
                visit_change(&mut visit, Change::Opaque(dir), &mut io::empty(), &path)?;
            } else if hidden.starts_with(".wh.") {
                // aufs bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): no meaning
                // for the merged view.
            } else {
                let target = if dir.is_empty() {
                    hidden.to_owned()
                } else {
                    format!("{dir}/{hidden}")
                };
                visit_change(
                    &mut visit,
                    Change::Whiteout(&target),
                    &mut io::empty(),
                    &path,
                )?;
            }
            skip(&mut r, data_len + padding(data_len), "whiteout data")?;
            continue;
        }

        let kind = match ty {
            EntryType::Regular | EntryType::Continuous => EntryKind::File,
            EntryType::Directory => EntryKind::Dir,
            EntryType::Symlink => EntryKind::Symlink,
            EntryType::Link => EntryKind::Hardlink,
            _ => EntryKind::Other,
        };
        let link = match (kind, link) {
            (EntryKind::Symlink, Some(l)) => {
                Some(String::from_utf8_lossy(&trim_nul(l)).into_owned())
            }
            (EntryKind::Hardlink, Some(l)) => {
                match normalize_path(&trim_nul(l), limits.max_path_len) {
                    Ok((p, _)) => Some(p),
                    Err(e) => {
                        warnings.push(format!("hard link `{path}` ignored: {e}"));
                        None
                    }
                }
            }
            _ => None,
        };
        let meta = EntryMeta {
            path,
            kind,
            mode: header.mode().unwrap_or(0),
            uid: header.uid().unwrap_or(0),
            gid: header.gid().unwrap_or(0),
            size: if kind == EntryKind::File { data_len } else { 0 },
            link,
        };
        let start = r.pos;
        let mut content = (&mut r).take(if kind == EntryKind::File { data_len } else { 0 });
        visit_change(&mut visit, Change::Entry(&meta), &mut content, &meta.path)?;
        let consumed = r.pos - start;
        skip(&mut r, data_len - consumed.min(data_len), "entry data")?;
        skip(&mut r, padding(data_len), "entry padding")?;
        if r.pos - start < data_len {
            return Err(LayerError::Truncated {
                what: format!("data of `{}`", meta.path),
                offset: start,
            });
        }
    }
    Ok((entries, warnings))
}

fn visit_change<F>(
    visit: &mut F,
    change: Change<'_>,
    content: &mut dyn Read,
    path: &str,
) -> Result<(), LayerError>
where
    F: FnMut(Change<'_>, &mut dyn Read) -> io::Result<()>,
{
    match visit(change, content) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(LayerError::Truncated {
            what: format!("data of `{path}`"),
            offset: 0,
        }),
        Err(source) => Err(LayerError::Visitor {
            path: path.to_owned(),
            source,
        }),
    }
}
