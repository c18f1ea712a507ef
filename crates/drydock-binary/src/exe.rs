//! Thin layer over `object`: which images a file holds, and how to read
//! bytes at a virtual address.

use object::macho::{FatArch32, FatArch64};
use object::read::macho::{FatArch, MachOFatFile};
use object::{FileKind, Object, ObjectSection, ObjectSegment};

use crate::{Error, Limits};

pub(crate) type Image<'a> = object::File<'a, &'a [u8]>;

fn malformed(e: object::Error) -> Error {
    Error::Executable(e.to_string())
}

/// Runs `f` on each executable image in `bytes`: the file itself, or each
/// architecture of a fat Mach-O file (at most `limits.max_fat_arches`).
///
/// Returns the first `Some`. For fat files, an error from one architecture is
/// reported only if no other architecture yields a result. Anything that is
/// not ELF, PE or Mach-O is `Ok(None)`.
pub(crate) fn for_each_image<'a, T>(
    bytes: &'a [u8],
    limits: &Limits,
    mut f: impl FnMut(&Image<'a>) -> Result<Option<T>, Error>,
) -> Result<Option<T>, Error> {
    // The prefilter also keeps Java class files (which share the fat
    // Mach-O magic) and DOS programs from being reported as malformed.
    if !crate::looks_like_executable(bytes) {
        return Ok(None);
    }
    let kind = match FileKind::parse(bytes) {
        Ok(kind) => kind,
        // A bare "MZ" may be a DOS program or data; an ELF or Mach-O magic
        // that `object` cannot classify is a truncated executable.
        Err(_) if bytes.starts_with(b"MZ") => return Ok(None),
        Err(e) => return Err(malformed(e)),
    };
    match kind {
        FileKind::Elf32
        | FileKind::Elf64
        | FileKind::MachO32
        | FileKind::MachO64
        | FileKind::Pe32
        | FileKind::Pe64 => {
            let image = object::File::parse(bytes).map_err(malformed)?;
            f(&image)
        }
        FileKind::MachOFat32 => {
            let fat = MachOFatFile::<FatArch32>::parse(bytes).map_err(malformed)?;
            each_arch(bytes, fat.arches(), limits, f)
        }
        FileKind::MachOFat64 => {
            let fat = MachOFatFile::<FatArch64>::parse(bytes).map_err(malformed)?;
            each_arch(bytes, fat.arches(), limits, f)
        }
        _ => Ok(None),
    }
}

fn each_arch<'a, A: FatArch, T>(
    bytes: &'a [u8],
    arches: &[A],
    limits: &Limits,
    mut f: impl FnMut(&Image<'a>) -> Result<Option<T>, Error>,
) -> Result<Option<T>, Error> {
    let mut first_error = None;
    for arch in arches.iter().take(limits.max_fat_arches) {
        let attempt = arch
            .data(bytes)
            .map_err(malformed)
            .and_then(|inner| match FileKind::parse(inner) {
                // Nested fat files do not exist in practice; refusing them
                // keeps the work linear in the number of arches.
                Ok(FileKind::MachO32 | FileKind::MachO64) => {
                    object::File::parse(inner).map_err(malformed)
                }
                _ => Err(Error::Executable(
                    "fat mach-o arch is not a mach-o image".to_owned(),
                )),
            })
            .and_then(|image| f(&image));
        match attempt {
            Ok(Some(found)) => return Ok(Some(found)),
            Ok(None) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(None),
    }
}

/// The file bytes backing `size` bytes at virtual address `address`, if one
/// segment (or, for images without segments, one section) holds all of them
/// in the file. Bytes that exist only in memory (`.bss`) are not readable.
pub(crate) fn read_at<'a>(image: &Image<'a>, address: u64, size: u64) -> Option<&'a [u8]> {
    for segment in image.segments() {
        if let Ok(Some(data)) = segment.data_range(address, size) {
            return Some(data);
        }
    }
    for section in image.sections() {
        if section.address() == 0 {
            continue;
        }
        if let Ok(Some(data)) = section.data_range(address, size) {
            return Some(data);
        }
    }
    None
}

/// The data of the section named `name`, with its virtual address.
pub(crate) fn section_named<'a>(
    image: &Image<'a>,
    name: &str,
) -> Result<Option<(u64, &'a [u8])>, Error> {
    match image.section_by_name(name) {
        Some(section) => {
            let data = section.data().map_err(malformed)?;
            Ok(Some((section.address(), data)))
        }
        None => Ok(None),
    }
}
