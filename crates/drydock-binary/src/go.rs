//! Go build info: the blob `go version -m` reads.
//!
//! Layout (from the Go linker): a 32-byte header at a 16-byte aligned
//! address, starting with the 14-byte magic `\xff Go buildinf:`, then the
//! pointer size and a flags byte. With flag bit 2 set (Go ≥ 1.18) the version
//! and module text follow the header as uvarint-length-prefixed strings.
//! Otherwise the header holds two pointers to Go string headers
//! `{data pointer, length}` in the pointer size and byte order the header
//! gives (flags value 1 is big-endian).

use object::{BinaryFormat, Object, ObjectSection, ObjectSegment, SectionFlags, SegmentFlags};

use crate::exe::{self, Image};
use crate::{Error, Limits, check_input};

const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER_LEN: usize = 32;
const ALIGN: u64 = 16;
const FLAG_BIG_ENDIAN: u8 = 1;
const FLAG_INLINE: u8 = 2;
/// Go versions are short ("go1.21.3", "devel go1.23-abc123 Mon Jan 1 ...",
/// "go1.20 X:boringcrypto"); anything longer is not a version.
const MAX_VERSION_LEN: usize = 256;
/// The module text is framed by two 16-byte sentinels; the linker always
/// emits a newline before the closing one.
const SENTINEL_LEN: usize = 16;

/// What a Go binary says about how it was built.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GoBuildInfo {
    /// Toolchain version, e.g. `go1.19.8`.
    pub go_version: String,
    /// Import path of the main package, e.g.
    /// `github.com/docker/distribution/cmd/registry`. Present even for
    /// binaries built outside module mode.
    pub path: Option<String>,
    /// The main module. Absent for binaries built outside module mode
    /// (GOPATH builds, as many distribution packages are). Its version is
    /// often `(devel)`; it is reported as given.
    pub main: Option<GoModule>,
    /// Dependency modules, in the order the binary lists them.
    pub deps: Vec<GoModule>,
    /// `build` settings (`-compiler`, `-ldflags`, `GOOS`, `vcs.revision`, ...)
    /// in order, with Go quoting removed.
    pub settings: Vec<(String, String)>,
}

/// One module as recorded in the build info.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoModule {
    /// Module path.
    pub path: String,
    /// Module version as recorded (`v1.2.3`, a pseudo-version, `(devel)`,
    /// or empty for replacements by a local directory).
    pub version: String,
    /// `go.sum` hash (`h1:...`), if recorded.
    pub sum: Option<String>,
    /// The module that replaced this one (`=>` line), if any.
    pub replace: Option<Box<GoModule>>,
}

/// Reads the Go build info of an ELF, PE or Mach-O executable.
///
/// `Ok(None)` means the input is not an executable or carries no Go build
/// info. Binaries whose build info has a version but no module text (built
/// outside module mode) yield `main: None` and no deps.
pub fn go_build_info(bytes: &[u8], limits: &Limits) -> Result<Option<GoBuildInfo>, Error> {
    check_input(bytes, limits)?;
    exe::for_each_image(bytes, limits, |image| from_image(image, limits))
}

fn from_image(image: &Image<'_>, limits: &Limits) -> Result<Option<GoBuildInfo>, Error> {
    let Some((address, data)) = data_region(image)? else {
        return Ok(None);
    };
    let Some(at) = find_header(data, address, limits.max_scan) else {
        return Ok(None);
    };
    let blob = data.get(at..).unwrap_or_default();
    let header = blob
        .get(..HEADER_LEN)
        .ok_or(Error::GoBuildInfo("truncated header"))?;
    let ptr_size = header.get(14).copied().unwrap_or(0);
    let flags = header.get(15).copied().unwrap_or(0);

    let (version, modinfo) = if flags & FLAG_INLINE != 0 {
        let rest = blob.get(HEADER_LEN..).unwrap_or_default();
        let (version, rest) = varint_string(rest, "go version", limits)?;
        let (modinfo, _) = varint_string(rest, "module info", limits)?;
        (version, modinfo)
    } else {
        let ptr = Pointers::new(ptr_size, flags & FLAG_BIG_ENDIAN != 0)?;
        let version_at = ptr.read(header, 16)?;
        let modinfo_at = ptr.read(header, 16 + usize::from(ptr_size))?;
        let version = ptr.string(image, version_at, "go version", limits)?;
        let modinfo = ptr.string(image, modinfo_at, "module info", limits)?;
        (version, modinfo)
    };

    let go_version = check_version(version)?;
    let mut info = GoBuildInfo {
        go_version,
        ..GoBuildInfo::default()
    };
    if let Some(text) = strip_sentinels(modinfo) {
        let text = std::str::from_utf8(text).map_err(|_| Error::GoModinfo {
            line: 0,
            reason: "not utf-8",
        })?;
        parse_modinfo(text, limits, &mut info)?;
    }
    Ok(Some(info))
}

/// Where the build-info header is expected: the dedicated section when the
/// linker emitted one, else the region the Go tools fall back to (the first
/// writable data segment or section). Returns its virtual address and bytes.
fn data_region<'a>(image: &Image<'a>) -> Result<Option<(u64, &'a [u8])>, Error> {
    match image.format() {
        BinaryFormat::Elf => {
            if let Some(found) = exe::section_named(image, ".go.buildinfo")? {
                return Ok(Some(found));
            }
            const PF_X: u32 = 1;
            const PF_W: u32 = 2;
            for segment in image.segments() {
                if let SegmentFlags::Elf { p_flags, .. } = segment.flags()
                    && p_flags.0 & (PF_X | PF_W) == PF_W
                {
                    return segment_region(&segment);
                }
            }
            Ok(None)
        }
        BinaryFormat::MachO => {
            if let Some(found) = exe::section_named(image, "__go_buildinfo")? {
                return Ok(Some(found));
            }
            const RW: u32 = 3;
            for segment in image.segments() {
                if let SegmentFlags::MachO {
                    maxprot, initprot, ..
                } = segment.flags()
                    && segment.address() != 0
                    && segment.file_range().1 != 0
                    && initprot.0 == RW
                    && maxprot.0 == RW
                {
                    return segment_region(&segment);
                }
            }
            Ok(None)
        }
        BinaryFormat::Pe => {
            if let Some(found) = exe::section_named(image, ".data")? {
                return Ok(Some(found));
            }
            const INITIALIZED_DATA: u32 = 0x40;
            const READ: u32 = 0x4000_0000;
            const WRITE: u32 = 0x8000_0000;
            const ALIGN_32: u32 = 0x60_0000;
            for section in image.sections() {
                if let SectionFlags::Coff { characteristics } = section.flags()
                    && section.address() != 0
                    && section.size() != 0
                    && characteristics.0 & !ALIGN_32 == INITIALIZED_DATA | READ | WRITE
                {
                    let data = section
                        .data()
                        .map_err(|e| Error::Executable(e.to_string()))?;
                    return Ok(Some((section.address(), data)));
                }
            }
            Ok(None)
        }
        _ => Ok(None),
    }
}

fn segment_region<'a>(
    segment: &object::Segment<'a, '_, &'a [u8]>,
) -> Result<Option<(u64, &'a [u8])>, Error> {
    let data = segment
        .data()
        .map_err(|e| Error::Executable(e.to_string()))?;
    Ok(Some((segment.address(), data)))
}

/// Offset in `data` of the first magic at a 16-byte aligned virtual address
/// with room for a whole header after it, searching at most `max_scan` bytes.
fn find_header(data: &[u8], address: u64, max_scan: usize) -> Option<usize> {
    let window = data.get(..max_scan.min(data.len()))?;
    let finder = memchr::memmem::Finder::new(MAGIC);
    let mut from = 0usize;
    while let Some(found) = window.get(from..).and_then(|w| finder.find(w)) {
        let at = from.checked_add(found)?;
        let aligned = address.wrapping_add(at as u64).is_multiple_of(ALIGN);
        if aligned && data.len().checked_sub(at)? >= HEADER_LEN {
            return Some(at);
        }
        from = at.checked_add(1)?;
    }
    None
}

/// Decodes a Go uvarint (at most 10 bytes); returns the value and its length.
fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in data.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        // The tenth byte may only contribute the single remaining bit.
        if i == 9 && byte > 1 {
            return None;
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn varint_string<'a>(
    data: &'a [u8],
    what: &'static str,
    limits: &Limits,
) -> Result<(&'a [u8], &'a [u8]), Error> {
    let (len, used) = uvarint(data).ok_or(Error::GoBuildInfo("bad string length"))?;
    let max = limits.max_modinfo;
    let len = usize::try_from(len)
        .ok()
        .filter(|&l| l <= max)
        .ok_or(Error::TooLong {
            what,
            len,
            max: max as u64,
        })?;
    let rest = data.get(used..).unwrap_or_default();
    if rest.len() < len {
        return Err(Error::GoBuildInfo(
            "string runs past the end of its section",
        ));
    }
    Ok(rest.split_at(len))
}

/// Reads pointers in the width and byte order a pre-1.18 header declares.
struct Pointers {
    size: usize,
    big_endian: bool,
}

impl Pointers {
    fn new(size: u8, big_endian: bool) -> Result<Self, Error> {
        match size {
            4 | 8 => Ok(Self {
                size: usize::from(size),
                big_endian,
            }),
            _ => Err(Error::GoBuildInfo("pointer size is neither 4 nor 8")),
        }
    }

    fn read(&self, data: &[u8], at: usize) -> Result<u64, Error> {
        let bytes = at
            .checked_add(self.size)
            .and_then(|end| data.get(at..end))
            .ok_or(Error::GoBuildInfo("truncated pointer"))?;
        let mut value = 0u64;
        if self.big_endian {
            for &b in bytes {
                value = (value << 8) | u64::from(b);
            }
        } else {
            for &b in bytes.iter().rev() {
                value = (value << 8) | u64::from(b);
            }
        }
        Ok(value)
    }

    /// Follows a pointer to a Go string header and then to its bytes. The
    /// depth is fixed at two, so a header pointing at itself only yields
    /// its own bytes and cannot loop.
    fn string<'a>(
        &self,
        image: &Image<'a>,
        address: u64,
        what: &'static str,
        limits: &Limits,
    ) -> Result<&'a [u8], Error> {
        let header_len = 2 * self.size as u64;
        let header = exe::read_at(image, address, header_len).ok_or(Error::GoBuildInfo(
            "string header pointer is outside the file",
        ))?;
        let data_at = self.read(header, 0)?;
        let len = self.read(header, self.size)?;
        let max = limits.max_modinfo as u64;
        if len > max {
            return Err(Error::TooLong { what, len, max });
        }
        if len == 0 {
            return Ok(&[]);
        }
        exe::read_at(image, data_at, len).ok_or(Error::GoBuildInfo(
            "string data pointer is outside the file",
        ))
    }
}

fn check_version(raw: &[u8]) -> Result<String, Error> {
    if raw.is_empty() {
        return Err(Error::GoBuildInfo("empty go version"));
    }
    if raw.len() > MAX_VERSION_LEN {
        return Err(Error::TooLong {
            what: "go version",
            len: raw.len() as u64,
            max: MAX_VERSION_LEN as u64,
        });
    }
    let text =
        std::str::from_utf8(raw).map_err(|_| Error::GoBuildInfo("go version is not utf-8"))?;
    if text.chars().any(char::is_control) {
        return Err(Error::GoBuildInfo("go version contains control characters"));
    }
    Ok(text.to_owned())
}

/// The module text between the sentinels, or `None` when the blob is not
/// framed the way the Go linker frames it (Go then reports no module info).
fn strip_sentinels(modinfo: &[u8]) -> Option<&[u8]> {
    let len = modinfo.len();
    if len < 2 * SENTINEL_LEN + 1 || modinfo.get(len - SENTINEL_LEN - 1) != Some(&b'\n') {
        return None;
    }
    modinfo.get(SENTINEL_LEN..len - SENTINEL_LEN)
}

enum Last {
    None,
    Main,
    Dep(usize),
}

/// Parses the module text the way Go's `debug.ParseBuildInfo` does:
/// unknown line kinds are skipped (newer toolchains may add some), a final
/// line without a newline is ignored, and malformed known lines are errors.
fn parse_modinfo(text: &str, limits: &Limits, info: &mut GoBuildInfo) -> Result<(), Error> {
    let mut last = Last::None;
    let mut rest = text;
    let mut line_no = 0usize;
    while let Some((line, tail)) = rest.split_once('\n') {
        rest = tail;
        line_no += 1;
        let bad = |reason| Error::GoModinfo {
            line: line_no,
            reason,
        };
        if let Some(path) = line.strip_prefix("path\t") {
            info.path = Some(path.to_owned());
        } else if let Some(fields) = line.strip_prefix("mod\t") {
            info.main = Some(module_line(fields).map_err(bad)?);
            last = Last::Main;
        } else if let Some(fields) = line.strip_prefix("dep\t") {
            if info.deps.len() >= limits.max_deps {
                return Err(Error::TooManyDeps {
                    max: limits.max_deps,
                });
            }
            info.deps.push(module_line(fields).map_err(bad)?);
            last = Last::Dep(info.deps.len() - 1);
        } else if let Some(fields) = line.strip_prefix("=>\t") {
            let mut parts = fields.split('\t');
            let (Some(path), Some(version), Some(sum), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad("replacement needs exactly 3 columns"));
            };
            if path.is_empty() {
                return Err(bad("replacement with empty path"));
            }
            let replacement = Box::new(GoModule {
                path: path.to_owned(),
                version: version.to_owned(),
                sum: (!sum.is_empty()).then(|| sum.to_owned()),
                replace: None,
            });
            let target = match last {
                Last::None => None,
                Last::Main => info.main.as_mut(),
                Last::Dep(i) => info.deps.get_mut(i),
            };
            let Some(target) = target else {
                return Err(bad("replacement with no module on the previous line"));
            };
            target.replace = Some(replacement);
            last = Last::None;
        } else if let Some(kv) = line.strip_prefix("build\t") {
            let setting = build_setting(kv).map_err(bad)?;
            if info.settings.len() >= limits.max_deps {
                return Err(Error::TooManyDeps {
                    max: limits.max_deps,
                });
            }
            info.settings.push(setting);
        }
    }
    Ok(())
}

fn module_line(fields: &str) -> Result<GoModule, &'static str> {
    let mut parts = fields.split('\t');
    let (Some(path), Some(version), sum, None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("module line needs 2 or 3 columns");
    };
    if path.is_empty() {
        return Err("module line with empty path");
    }
    Ok(GoModule {
        path: path.to_owned(),
        version: version.to_owned(),
        sum: sum.filter(|s| !s.is_empty()).map(str::to_owned),
        replace: None,
    })
}

fn build_setting(kv: &str) -> Result<(String, String), &'static str> {
    let (key, raw_value) = match kv.as_bytes().first() {
        None => return Err("build line missing '='"),
        Some(b'=') => return Err("build line with missing key"),
        Some(b'"' | b'`') => {
            let (key, used) = unquote_prefix(kv).ok_or("invalid quoted key in build line")?;
            let after = kv.get(used..).unwrap_or_default();
            let value = after
                .strip_prefix('=')
                .ok_or("build line missing '=' after quoted key")?;
            (key, value)
        }
        Some(_) => {
            let (key, value) = kv
                .split_once('=')
                .ok_or("build line missing '=' after key")?;
            if key.contains([' ', '\t', '\r', '\n', '"', '`']) {
                return Err("unquoted key must be quoted");
            }
            (key.to_owned(), value)
        }
    };
    let value = match raw_value.as_bytes().first() {
        Some(b'"' | b'`') => match unquote_prefix(raw_value) {
            Some((value, used)) if used == raw_value.len() => value,
            _ => return Err("invalid quoted value in build line"),
        },
        _ => {
            if raw_value.contains([' ', '\t', '\r', '\n', '"', '`']) {
                return Err("unquoted value must be quoted");
            }
            raw_value.to_owned()
        }
    };
    Ok((key, value))
}

/// Decodes the Go string literal (`"..."` with escapes, or `` `...` `` raw)
/// at the start of `s`; returns it and the number of bytes it spanned.
fn unquote_prefix(s: &str) -> Option<(String, usize)> {
    let mut chars = s.char_indices();
    let (_, quote) = chars.next()?;
    if quote == '`' {
        let body_end = s.get(1..)?.find('`')? + 1;
        let body = s.get(1..body_end)?;
        return Some((body.replace('\r', ""), body_end + 1));
    }
    if quote != '"' {
        return None;
    }
    let mut bytes = Vec::new();
    let mut buf = [0u8; 4];
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                let text = String::from_utf8(bytes).ok()?;
                return Some((text, i + 1));
            }
            '\n' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                match e {
                    'a' => bytes.push(0x07),
                    'b' => bytes.push(0x08),
                    'f' => bytes.push(0x0c),
                    'n' => bytes.push(b'\n'),
                    'r' => bytes.push(b'\r'),
                    't' => bytes.push(b'\t'),
                    'v' => bytes.push(0x0b),
                    '\\' => bytes.push(b'\\'),
                    '"' => bytes.push(b'"'),
                    'x' => bytes.push(u8::try_from(hex_digits(&mut chars, 2)?).ok()?),
                    'u' => {
                        let ch = char::from_u32(hex_digits(&mut chars, 4)?)?;
                        bytes.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    'U' => {
                        let ch = char::from_u32(hex_digits(&mut chars, 8)?)?;
                        bytes.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                    }
                    '0'..='7' => {
                        let mut value = e.to_digit(8)?;
                        for _ in 0..2 {
                            let (_, d) = chars.next()?;
                            value = value * 8 + d.to_digit(8)?;
                        }
                        bytes.push(u8::try_from(value).ok()?);
                    }
                    _ => return None,
                }
            }
            c => bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes()),
        }
    }
    None
}

fn hex_digits(chars: &mut std::str::CharIndices<'_>, count: usize) -> Option<u32> {
    let mut value = 0u32;
    for _ in 0..count {
        let (_, d) = chars.next()?;
        value = value.checked_mul(16)?.checked_add(d.to_digit(16)?)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<GoBuildInfo, Error> {
        let mut info = GoBuildInfo::default();
        parse_modinfo(text, &Limits::default(), &mut info).map(|()| info)
    }

    #[test]
    fn uvarint_edges() {
        assert_eq!(uvarint(&[0x00]), Some((0, 1)));
        assert_eq!(uvarint(&[0x96, 0x01]), Some((150, 2)));
        assert_eq!(uvarint(&[0x80, 0x80, 0x80, 0x80, 0x10]), Some((1 << 32, 5)));
        assert_eq!(uvarint(&[0x80]), None);
        assert_eq!(uvarint(&[]), None);
        let max = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert_eq!(uvarint(&max), Some((u64::MAX, 10)));
        let overflow = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
        assert_eq!(uvarint(&overflow), None);
    }

    #[test]
    fn modinfo_like_go_version_m() {
        let info = parse(
            "path\texample.com/hello\n\
             mod\texample.com/hello\t(devel)\t\n\
             dep\texample.com/dep\tv1.2.3\n\
             =>\t./dep\t(devel)\t\n\
             dep\tgolang.org/x/sys\tv0.5.0\th1:abc=\n\
             \n\
             build\t-compiler=gc\n\
             build\t-ldflags=\"-s -w -X main.version=1.2.3\"\n\
             build\tCGO_CFLAGS=\n\
             build\t\"we=ird\"=`raw value`\n\
             future\tsomething new\n\
             build\tGOOS=linux",
        )
        .unwrap();
        assert_eq!(info.path.as_deref(), Some("example.com/hello"));
        let main = info.main.unwrap();
        assert_eq!(
            (main.path.as_str(), main.version.as_str()),
            ("example.com/hello", "(devel)")
        );
        assert_eq!(main.sum, None);
        assert_eq!(info.deps.len(), 2);
        let rep = info.deps[0].replace.as_deref().unwrap();
        assert_eq!(
            (rep.path.as_str(), rep.version.as_str(), rep.sum.as_deref()),
            ("./dep", "(devel)", None)
        );
        assert_eq!(info.deps[1].sum.as_deref(), Some("h1:abc="));
        assert!(info.deps[1].replace.is_none());
        let settings: Vec<(&str, &str)> = info
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // The final line has no newline, so (like Go) it is not a setting.
        assert_eq!(
            settings,
            [
                ("-compiler", "gc"),
                ("-ldflags", "-s -w -X main.version=1.2.3"),
                ("CGO_CFLAGS", ""),
                ("we=ird", "raw value"),
            ]
        );
    }

    #[test]
    fn modinfo_errors_name_the_line() {
        let err = parse("path\tx\n=>\ta\tb\tc\n").unwrap_err();
        assert!(matches!(err, Error::GoModinfo { line: 2, .. }), "{err}");
        let err = parse("mod\tonly-path\n").unwrap_err();
        assert!(matches!(err, Error::GoModinfo { line: 1, .. }), "{err}");
        let err = parse("dep\ta\tb\tc\td\n").unwrap_err();
        assert!(matches!(err, Error::GoModinfo { line: 1, .. }), "{err}");
        let err = parse("mod\ta\tv1\n=>\tb\tv2\n").unwrap_err();
        assert!(matches!(err, Error::GoModinfo { line: 2, .. }), "{err}");
        for bad in [
            "build\t\n",
            "build\t=x\n",
            "build\tnoequals\n",
            "build\tk=two words\n",
            "build\tk=\"unterminated\n",
            "build\tk=\"a\"trailing\n",
            "build\t\"k\"x\n",
            "build\tk=\"\\q\"\n",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn replacement_applies_once() {
        let err = parse("dep\ta\tv1\n=>\tb\tv2\t\n=>\tc\tv3\t\n").unwrap_err();
        assert!(matches!(err, Error::GoModinfo { line: 3, .. }));
    }

    #[test]
    fn too_many_deps() {
        let limits = Limits {
            max_deps: 2,
            ..Limits::default()
        };
        let mut info = GoBuildInfo::default();
        let text = "dep\ta\tv1\ndep\tb\tv1\ndep\tc\tv1\n";
        assert!(matches!(
            parse_modinfo(text, &limits, &mut info),
            Err(Error::TooManyDeps { max: 2 })
        ));
    }

    #[test]
    fn go_quoting() {
        assert_eq!(
            unquote_prefix(r#""a\tb\x41\101\u00e9\U0001F600\"" rest"#),
            Some(("a\tbAAé😀\"".to_owned(), 32))
        );
        assert_eq!(unquote_prefix("`a\rb`x"), Some(("ab".to_owned(), 5)));
        assert_eq!(unquote_prefix(r#""\xff""#), None, "not utf-8");
        assert_eq!(unquote_prefix(r#""\777""#), None, "octal over 255");
        assert_eq!(unquote_prefix(r#""\ud800""#), None, "surrogate");
        assert_eq!(unquote_prefix("\"abc"), None);
        assert_eq!(unquote_prefix("`abc"), None);
    }

    #[test]
    fn sentinels() {
        let framed = [&[0u8; 16][..], b"path\tx\n", &[1u8; 16][..]].concat();
        assert_eq!(strip_sentinels(&framed), Some(&b"path\tx\n"[..]));
        let unframed = [&[0u8; 16][..], b"path\tx!", &[1u8; 16][..]].concat();
        assert_eq!(strip_sentinels(&unframed), None);
        assert_eq!(strip_sentinels(b""), None);
    }

    #[test]
    fn header_search_respects_alignment_and_scan_limit() {
        let mut data = vec![0u8; 256];
        data[8..22].copy_from_slice(MAGIC); // misaligned decoy
        data[64..78].copy_from_slice(MAGIC);
        assert_eq!(find_header(&data, 0x1000, usize::MAX), Some(64));
        // Alignment is judged on the virtual address, not the file offset.
        assert_eq!(find_header(&data, 0x1008, usize::MAX), Some(8));
        assert_eq!(find_header(&data, 0x1000, 64), None);
        // No room for the 32-byte header.
        assert_eq!(find_header(&data[..80], 0x1000, usize::MAX), None);
    }
}
