//! The rpm header blob, as stored in every database backend.
//!
//! Layout (all integers big-endian): `il` (index entry count), `dl` (data
//! length), `il` entries of `{tag, type, offset, count}` (16 bytes each), then
//! `dl` bytes of data that the entries point into. Databases store headers
//! without the 8-byte lead magic a package file has, but it is accepted.

use memchr::memchr;

use crate::{Error, Limits, RpmPackage};

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_SIZE: u32 = 1009;
const TAG_VENDOR: u32 = 1011;
const TAG_LICENSE: u32 = 1014;
const TAG_ARCH: u32 = 1022;
const TAG_OLDFILENAMES: u32 = 1027;
const TAG_SOURCERPM: u32 = 1044;
const TAG_DIRINDEXES: u32 = 1116;
const TAG_BASENAMES: u32 = 1117;
const TAG_DIRNAMES: u32 = 1118;
const TAG_LONGSIZE: u32 = 5009;
const TAG_MODULARITYLABEL: u32 = 5096;

/// The tags this parser reads; the position in this list is the slot the
/// first matching index entry is remembered in.
const WANTED: [u32; 15] = [
    TAG_NAME,
    TAG_VERSION,
    TAG_RELEASE,
    TAG_EPOCH,
    TAG_SIZE,
    TAG_VENDOR,
    TAG_LICENSE,
    TAG_ARCH,
    TAG_OLDFILENAMES,
    TAG_SOURCERPM,
    TAG_DIRINDEXES,
    TAG_BASENAMES,
    TAG_DIRNAMES,
    TAG_LONGSIZE,
    TAG_MODULARITYLABEL,
];

const TYPE_NULL: u32 = 0;
const TYPE_CHAR: u32 = 1;
const TYPE_INT8: u32 = 2;
const TYPE_INT16: u32 = 3;
const TYPE_INT32: u32 = 4;
const TYPE_INT64: u32 = 5;
const TYPE_STRING: u32 = 6;
const TYPE_BIN: u32 = 7;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// The lead a header has inside a package file; databases normally omit it.
const HEADER_MAGIC: [u8; 8] = [0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0];

const ENTRY_SIZE: usize = 16;

#[derive(Clone, Copy, Debug)]
struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

/// Strings read from an array entry.
struct Strings<'a> {
    items: Vec<&'a [u8]>,
    /// The entry held more than were read.
    more: bool,
}

struct Header<'a> {
    data: &'a [u8],
    found: [Option<Entry>; WANTED.len()],
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn be64(bytes: &[u8], at: usize) -> Option<u64> {
    let b: [u8; 8] = bytes.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_be_bytes(b))
}

fn bad(msg: impl Into<String>) -> Error {
    Error::Header(msg.into())
}

fn to_usize(v: u32) -> usize {
    // u32 always fits: the crate only builds for 32- and 64-bit targets
    usize::try_from(v).unwrap_or(usize::MAX)
}

impl<'a> Header<'a> {
    fn parse(blob: &'a [u8], limits: &Limits) -> Result<Self, Error> {
        if blob.len() > limits.max_header_bytes {
            return Err(Error::LimitExceeded {
                what: "header blob size",
                actual: blob.len() as u64,
                limit: limits.max_header_bytes as u64,
            });
        }
        let blob = blob.strip_prefix(&HEADER_MAGIC[..]).unwrap_or(blob);
        let il = be32(blob, 0).ok_or(Error::Truncated("rpm header"))?;
        let dl = be32(blob, 4).ok_or(Error::Truncated("rpm header"))?;
        let il = to_usize(il);
        let dl = to_usize(dl);
        if il == 0 {
            return Err(bad("no index entries"));
        }
        if il > limits.max_index_entries {
            return Err(Error::LimitExceeded {
                what: "header index entry count",
                actual: il as u64,
                limit: limits.max_index_entries as u64,
            });
        }
        let index_len = il
            .checked_mul(ENTRY_SIZE)
            .ok_or_else(|| bad("index size overflows"))?;
        let data_start = index_len
            .checked_add(8)
            .ok_or_else(|| bad("index size overflows"))?;
        let data_end = data_start
            .checked_add(dl)
            .ok_or_else(|| bad("data length overflows"))?;
        if data_end > blob.len() {
            return Err(Error::Truncated("rpm header (index or data store)"));
        }
        let index = blob
            .get(8..data_start)
            .ok_or(Error::Truncated("rpm header index"))?;
        let data = blob
            .get(data_start..data_end)
            .ok_or(Error::Truncated("rpm header data"))?;

        let mut found = [None; WANTED.len()];
        for (i, raw) in index.chunks_exact(ENTRY_SIZE).enumerate() {
            let field = |n: usize| be32(raw, n * 4).unwrap_or(0);
            let entry = Entry {
                tag: field(0),
                kind: field(1),
                offset: to_usize(field(2)),
                count: to_usize(field(3)),
            };
            validate_entry(i, &entry, data.len())?;
            if let Some(slot) = WANTED.iter().position(|t| *t == entry.tag)
                && let Some(place) = found.get_mut(slot)
                && place.is_none()
            {
                *place = Some(entry);
            }
        }
        Ok(Header { data, found })
    }

    fn get(&self, tag: u32) -> Option<Entry> {
        let slot = WANTED.iter().position(|t| *t == tag)?;
        self.found.get(slot).copied().flatten()
    }

    /// The NUL-terminated string starting at `offset`, without the NUL.
    fn cstr_at(&self, offset: usize, tag: u32) -> Result<&'a [u8], Error> {
        let rest = self
            .data
            .get(offset..)
            .ok_or_else(|| bad(format!("tag {tag}: offset {offset} beyond data")))?;
        let end = memchr(0, rest)
            .ok_or_else(|| bad(format!("tag {tag}: string is not NUL-terminated")))?;
        Ok(rest.get(..end).unwrap_or_default())
    }

    /// A single string; for array types, the first element (what rpm itself
    /// shows for an i18n string in the C locale).
    fn string(&self, tag: u32) -> Result<Option<String>, Error> {
        let Some(e) = self.get(tag) else {
            return Ok(None);
        };
        match e.kind {
            TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING if e.count > 0 => {
                let s = self.cstr_at(e.offset, tag)?;
                Ok(Some(String::from_utf8_lossy(s).into_owned()))
            }
            _ => Err(bad(format!(
                "tag {tag}: expected a string, found type {} count {}",
                e.kind, e.count
            ))),
        }
    }

    fn required_string(&self, tag: u32, what: &str) -> Result<String, Error> {
        self.string(tag)?
            .ok_or_else(|| bad(format!("missing {what} (tag {tag})")))
    }

    /// Up to `max` strings of a string array.
    fn string_array(&self, tag: u32, max: usize) -> Result<Option<Strings<'a>>, Error> {
        let Some(e) = self.get(tag) else {
            return Ok(None);
        };
        if !matches!(e.kind, TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return Err(bad(format!(
                "tag {tag}: expected a string array, found type {}",
                e.kind
            )));
        }
        let take = e.count.min(max);
        // validate_entry bounded count by the bytes left, so this allocation
        // is at most the size of the input
        let mut out = Vec::with_capacity(take);
        let mut at = e.offset;
        for _ in 0..take {
            let s = self.cstr_at(at, tag)?;
            at = at
                .checked_add(s.len())
                .and_then(|v| v.checked_add(1))
                .ok_or_else(|| bad(format!("tag {tag}: string array overflows")))?;
            out.push(s);
        }
        Ok(Some(Strings {
            items: out,
            more: e.count > take,
        }))
    }

    fn int32_first(&self, tag: u32) -> Result<Option<u32>, Error> {
        let Some(e) = self.get(tag) else {
            return Ok(None);
        };
        if e.kind != TYPE_INT32 || e.count == 0 {
            return Err(bad(format!(
                "tag {tag}: expected int32, found type {} count {}",
                e.kind, e.count
            )));
        }
        be32(self.data, e.offset)
            .map(Some)
            .ok_or_else(|| bad(format!("tag {tag}: value beyond data")))
    }

    fn int64_first(&self, tag: u32) -> Result<Option<u64>, Error> {
        let Some(e) = self.get(tag) else {
            return Ok(None);
        };
        if e.kind != TYPE_INT64 || e.count == 0 {
            return Err(bad(format!(
                "tag {tag}: expected int64, found type {} count {}",
                e.kind, e.count
            )));
        }
        be64(self.data, e.offset)
            .map(Some)
            .ok_or_else(|| bad(format!("tag {tag}: value beyond data")))
    }

    /// Up to `max` values of an int32 array.
    fn int32_array(&self, tag: u32, max: usize) -> Result<Option<Vec<u32>>, Error> {
        let Some(e) = self.get(tag) else {
            return Ok(None);
        };
        if e.kind != TYPE_INT32 {
            return Err(bad(format!(
                "tag {tag}: expected an int32 array, found type {}",
                e.kind
            )));
        }
        let take = e.count.min(max);
        let end = take
            .checked_mul(4)
            .and_then(|n| n.checked_add(e.offset))
            .ok_or_else(|| bad(format!("tag {tag}: array overflows")))?;
        let bytes = self
            .data
            .get(e.offset..end)
            .ok_or_else(|| bad(format!("tag {tag}: array beyond data")))?;
        Ok(Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ))
    }
}

/// Checks one index entry against the data store, the way rpm's own
/// `headerVerifyInfo` does, so no later read can run off the end.
fn validate_entry(i: usize, e: &Entry, dl: usize) -> Result<(), Error> {
    let at = |what: &str| bad(format!("index entry {i} (tag {}): {what}", e.tag));
    if e.offset > dl {
        return Err(at(&format!("offset {} beyond data length {dl}", e.offset)));
    }
    let room = dl - e.offset;
    let width = match e.kind {
        TYPE_NULL | TYPE_CHAR | TYPE_INT8 | TYPE_BIN => 1,
        TYPE_INT16 => 2,
        TYPE_INT32 => 4,
        TYPE_INT64 => 8,
        // every string takes at least its terminating NUL
        TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING => 1,
        other => return Err(at(&format!("unknown type {other}"))),
    };
    let need = e
        .count
        .checked_mul(width)
        .ok_or_else(|| at("count overflows"))?;
    if need > room {
        return Err(at(&format!(
            "count {} of type {} at offset {} runs past data length {dl}",
            e.count, e.kind, e.offset
        )));
    }
    Ok(())
}

/// Parses one rpm header blob (as stored in `Packages` databases) into a
/// package.
///
/// The blob may optionally start with the 8-byte header magic. Every index
/// entry is validated against the data store before anything is read. File
/// lists longer than [`Limits::max_files_per_package`] entries or
/// [`Limits::max_file_list_bytes`] bytes are cut short and
/// [`RpmPackage::files_truncated`] is set, so the package itself is still
/// reported.
pub fn parse_header_blob(blob: &[u8], limits: &Limits) -> Result<RpmPackage, Error> {
    let budget = FileBudget {
        files: limits.max_files_per_package,
        bytes: limits.max_file_list_bytes,
    };
    parse_with_budget(blob, limits, budget)
}

/// How many file paths, and bytes of them, one header may still produce.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileBudget {
    pub(crate) files: usize,
    pub(crate) bytes: usize,
}

/// [`parse_header_blob`] with an explicit file budget, which the database
/// readers shrink as a database's packages use up its total.
pub(crate) fn parse_with_budget(
    blob: &[u8],
    limits: &Limits,
    budget: FileBudget,
) -> Result<RpmPackage, Error> {
    let h = Header::parse(blob, limits)?;
    let name = h.required_string(TAG_NAME, "name")?;
    let version = h.required_string(TAG_VERSION, "version")?;
    let release = h.required_string(TAG_RELEASE, "release")?;
    // rpm stores the epoch as an unsigned 32-bit value but compares it as a
    // signed int; keep its bit pattern
    let epoch = h.int32_first(TAG_EPOCH)?.map(|v| v as i32);
    let size = match h.int64_first(TAG_LONGSIZE)? {
        Some(v) => Some(v),
        None => h.int32_first(TAG_SIZE)?.map(u64::from),
    };
    let (files, files_truncated) = file_list(&h, budget)?;
    Ok(RpmPackage {
        name,
        epoch,
        version,
        release,
        arch: h.string(TAG_ARCH)?,
        source_rpm: h.string(TAG_SOURCERPM)?,
        license: h.string(TAG_LICENSE)?,
        vendor: h.string(TAG_VENDOR)?,
        size,
        modularity_label: h.string(TAG_MODULARITYLABEL)?,
        files,
        files_truncated,
    })
}

/// Collects paths while enforcing the per-package file and byte budgets.
struct PathBudget {
    files: Vec<String>,
    max_files: usize,
    bytes_left: usize,
    truncated: bool,
}

impl PathBudget {
    /// Returns false once the budget is spent.
    fn push(&mut self, parts: &[&[u8]]) -> bool {
        let len = parts
            .iter()
            .map(|p| p.len())
            .fold(0usize, usize::saturating_add);
        if self.files.len() >= self.max_files || len > self.bytes_left {
            self.truncated = true;
            return false;
        }
        self.bytes_left -= len;
        let mut raw = Vec::with_capacity(len);
        for p in parts {
            raw.extend_from_slice(p);
        }
        let path = match String::from_utf8(raw) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        self.files.push(path);
        true
    }
}

fn file_list(h: &Header<'_>, limit: FileBudget) -> Result<(Vec<String>, bool), Error> {
    let max = limit.files;
    let mut budget = PathBudget {
        files: Vec::new(),
        max_files: max,
        bytes_left: limit.bytes,
        truncated: false,
    };
    if let Some(Strings {
        items: basenames,
        more,
    }) = h.string_array(TAG_BASENAMES, max)?
    {
        budget.truncated |= more;
        let dirindexes = h
            .int32_array(TAG_DIRINDEXES, max)?
            .ok_or_else(|| bad("basenames without dirindexes"))?;
        let base_count = h.get(TAG_BASENAMES).map_or(0, |e| e.count);
        let index_count = h.get(TAG_DIRINDEXES).map_or(0, |e| e.count);
        if base_count != index_count {
            return Err(bad(format!(
                "{base_count} basenames but {index_count} dirindexes"
            )));
        }
        // a directory is referenced at most once per file, so more dirnames
        // than files can be cut without losing anything
        let dirnames = h
            .string_array(TAG_DIRNAMES, max)?
            .ok_or_else(|| bad("basenames without dirnames"))?
            .items;
        budget.files.reserve(basenames.len());
        for (base, idx) in basenames.iter().zip(&dirindexes) {
            let dir = dirnames.get(to_usize(*idx)).ok_or_else(|| {
                bad(format!(
                    "dirindex {idx} out of range ({} dirnames)",
                    dirnames.len()
                ))
            })?;
            if !budget.push(&[dir, base]) {
                break;
            }
        }
    } else if let Some(Strings { items: names, more }) = h.string_array(TAG_OLDFILENAMES, max)? {
        budget.truncated |= more;
        budget.files.reserve(names.len());
        for name in names {
            if !budget.push(&[name]) {
                break;
            }
        }
    }
    Ok((budget.files, budget.truncated))
}

#[cfg(test)]
pub(crate) mod build {
    //! A minimal header writer for tests.

    /// One index entry's value.
    pub enum Value {
        Str(&'static str),
        Strs(Vec<String>),
        I32(Vec<u32>),
        I64(u64),
    }

    /// Serialises `(tag, value)` pairs into a header blob.
    pub fn header(entries: &[(u32, Value)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data: Vec<u8> = Vec::new();
        let align = |data: &mut Vec<u8>, n: usize| {
            while !data.len().is_multiple_of(n) {
                data.push(0);
            }
        };
        for (tag, v) in entries {
            let (kind, count): (u32, usize) = match v {
                Value::Str(_) => (6, 1),
                Value::Strs(list) => (8, list.len()),
                Value::I32(vals) => {
                    align(&mut data, 4);
                    (4, vals.len())
                }
                Value::I64(_) => {
                    align(&mut data, 8);
                    (5, 1)
                }
            };
            let offset = data.len();
            match v {
                Value::Str(s) => {
                    data.extend_from_slice(s.as_bytes());
                    data.push(0);
                }
                Value::Strs(list) => {
                    for s in list {
                        data.extend_from_slice(s.as_bytes());
                        data.push(0);
                    }
                }
                Value::I32(vals) => {
                    for v in vals {
                        data.extend_from_slice(&v.to_be_bytes());
                    }
                }
                Value::I64(v) => data.extend_from_slice(&v.to_be_bytes()),
            }
            for field in [*tag, kind, offset as u32, count as u32] {
                index.extend_from_slice(&field.to_be_bytes());
            }
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&data);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::build::{Value, header};
    use super::*;

    fn basic() -> Vec<(u32, Value)> {
        vec![
            (TAG_NAME, Value::Str("foo")),
            (TAG_VERSION, Value::Str("1.2")),
            (TAG_RELEASE, Value::Str("3.el9")),
            (TAG_EPOCH, Value::I32(vec![1])),
            (TAG_ARCH, Value::Str("x86_64")),
            (TAG_SOURCERPM, Value::Str("foo-1.2-3.el9.src.rpm")),
            (TAG_SIZE, Value::I32(vec![1234])),
            (
                TAG_DIRNAMES,
                Value::Strs(vec!["/usr/bin/".into(), "/etc/".into()]),
            ),
            (
                TAG_BASENAMES,
                Value::Strs(vec!["foo".into(), "foo.conf".into(), "bar".into()]),
            ),
            (TAG_DIRINDEXES, Value::I32(vec![0, 1, 0])),
        ]
    }

    #[test]
    fn parses_a_built_header() {
        let blob = header(&basic());
        let p = parse_header_blob(&blob, &Limits::default()).unwrap();
        assert_eq!(p.name, "foo");
        assert_eq!(p.epoch, Some(1));
        assert_eq!(p.evr(), "1:1.2-3.el9");
        assert_eq!(p.arch.as_deref(), Some("x86_64"));
        assert_eq!(p.size, Some(1234));
        assert_eq!(p.files, ["/usr/bin/foo", "/etc/foo.conf", "/usr/bin/bar"]);
        assert!(!p.files_truncated);
    }

    #[test]
    fn accepts_the_lead_magic() {
        let mut blob = HEADER_MAGIC.to_vec();
        blob.extend(header(&basic()));
        assert_eq!(
            parse_header_blob(&blob, &Limits::default()).unwrap().name,
            "foo"
        );
    }

    #[test]
    fn longsize_wins_over_size() {
        let mut e = basic();
        e.push((TAG_LONGSIZE, Value::I64(5_000_000_000)));
        let p = parse_header_blob(&header(&e), &Limits::default()).unwrap();
        assert_eq!(p.size, Some(5_000_000_000));
    }

    #[test]
    fn legacy_oldfilenames() {
        let e = vec![
            (TAG_NAME, Value::Str("old")),
            (TAG_VERSION, Value::Str("1")),
            (TAG_RELEASE, Value::Str("1")),
            (
                TAG_OLDFILENAMES,
                Value::Strs(vec!["/bin/old".into(), "/etc/old".into()]),
            ),
        ];
        let p = parse_header_blob(&header(&e), &Limits::default()).unwrap();
        assert_eq!(p.files, ["/bin/old", "/etc/old"]);
        assert_eq!(p.epoch, None);
        assert_eq!(p.evr(), "1-1");
    }

    #[test]
    fn offset_beyond_data_is_an_error() {
        let mut blob = header(&basic());
        // first entry's offset field
        blob[8 + 8..8 + 12].copy_from_slice(&0x00ff_ffffu32.to_be_bytes());
        let err = parse_header_blob(&blob, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("beyond data length"), "{err}");
    }

    #[test]
    fn count_past_data_is_an_error() {
        let mut blob = header(&basic());
        blob[8 + 12..8 + 16].copy_from_slice(&1_000_000u32.to_be_bytes());
        let err = parse_header_blob(&blob, &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("runs past"), "{err}");
    }

    #[test]
    fn ten_million_index_entries_is_rejected_without_allocating() {
        let mut blob = header(&basic());
        blob[0..4].copy_from_slice(&10_000_000u32.to_be_bytes());
        let err = parse_header_blob(&blob, &Limits::default()).unwrap_err();
        assert!(matches!(err, Error::LimitExceeded { .. }), "{err}");
        // even with a permissive limit the claim is checked against the size
        let loose = Limits {
            max_index_entries: usize::MAX,
            ..Limits::default()
        };
        let err = parse_header_blob(&blob, &loose).unwrap_err();
        assert!(matches!(err, Error::Truncated(_)), "{err}");
    }

    #[test]
    fn unterminated_string_is_an_error() {
        let e = vec![(TAG_NAME, Value::Str("x"))];
        let mut blob = header(&e);
        let last = blob.len() - 1;
        blob[last] = b'y';
        assert!(parse_header_blob(&blob, &Limits::default()).is_err());
    }

    #[test]
    fn dirindex_out_of_range_is_an_error() {
        let mut e = basic();
        e.retain(|(t, _)| *t != TAG_DIRINDEXES);
        e.push((TAG_DIRINDEXES, Value::I32(vec![0, 7, 0])));
        let err = parse_header_blob(&header(&e), &Limits::default()).unwrap_err();
        assert!(err.to_string().contains("dirindex 7"), "{err}");
    }

    #[test]
    fn mismatched_file_counts_are_an_error() {
        let mut e = basic();
        e.retain(|(t, _)| *t != TAG_DIRINDEXES);
        e.push((TAG_DIRINDEXES, Value::I32(vec![0, 1])));
        assert!(parse_header_blob(&header(&e), &Limits::default()).is_err());
    }

    #[test]
    fn file_count_cap_truncates() {
        let limits = Limits {
            max_files_per_package: 2,
            ..Limits::default()
        };
        let p = parse_header_blob(&header(&basic()), &limits).unwrap();
        assert_eq!(p.files, ["/usr/bin/foo", "/etc/foo.conf"]);
        assert!(p.files_truncated);
    }

    #[test]
    fn long_dirname_cannot_amplify_memory() {
        // one 4 KiB directory shared by many files would expand to
        // count * 4 KiB of paths without the byte budget
        let dir = format!("/{}/", "d".repeat(4096));
        let n = 1000;
        let e = vec![
            (TAG_NAME, Value::Str("amp")),
            (TAG_VERSION, Value::Str("1")),
            (TAG_RELEASE, Value::Str("1")),
            (TAG_DIRNAMES, Value::Strs(vec![dir])),
            (TAG_BASENAMES, Value::Strs(vec!["f".into(); n])),
            (TAG_DIRINDEXES, Value::I32(vec![0; n])),
        ];
        let limits = Limits {
            max_file_list_bytes: 64 * 1024,
            ..Limits::default()
        };
        let p = parse_header_blob(&header(&e), &limits).unwrap();
        assert!(p.files_truncated);
        assert_eq!(p.files.len(), 15);
    }

    #[test]
    fn missing_name_is_an_error() {
        let e = vec![(TAG_VERSION, Value::Str("1"))];
        assert!(parse_header_blob(&header(&e), &Limits::default()).is_err());
    }

    #[test]
    fn oversized_blob_is_rejected() {
        let limits = Limits {
            max_header_bytes: 16,
            ..Limits::default()
        };
        let err = parse_header_blob(&header(&basic()), &limits).unwrap_err();
        assert!(matches!(err, Error::LimitExceeded { .. }));
    }
}
