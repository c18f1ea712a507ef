//! Package inventories embedded in compiled executables.
//!
//! Two toolchains leave a machine-readable list of what went into a binary:
//!
//! * **Go** (1.13 and later) writes a *build info* blob: the toolchain version
//!   plus the text `go version -m` prints (main package path, main module,
//!   dependency modules with their `=>` replacements, and `build` settings).
//!   [`go_build_info`] returns it as a [`GoBuildInfo`]. Both layouts are
//!   read: the Go ≥ 1.18 one where the strings follow the header inline, and
//!   the older one where the header holds pointers to Go string headers that
//!   must be followed through the executable's virtual-address map.
//! * **Rust** binaries built with `cargo auditable` carry a zlib-compressed
//!   JSON dependency tree in a `.dep-v0` section. [`rust_audit_info`] returns
//!   it as a list of [`RustPackage`]s.
//!
//! [`looks_like_executable`] is a cheap magic-number check to decide whether
//! a file is worth handing to either function.
//!
//! Everything here is pure: bytes in, typed values out, no I/O. Inputs come
//! from untrusted container images, so every size read from the input is
//! checked against [`Limits`] before it is used, decompression is bounded,
//! and pointer chasing is fixed-depth. Errors are reported through [`Error`].
//!
//! # Why the `object` crate
//!
//! The executable containers (ELF, PE, Mach-O including fat/universal files)
//! are read with [`object`], compiled with only its read-only core and those
//! three formats. It is zero-copy (section and segment tables are borrowed
//! from the input, so their size is bounded by the input size), is fuzzed
//! upstream, and gives one API over sections, segments and virtual-address
//! lookups for all three formats, which is exactly what both Go layouts need.
//! The `auditable-info` family was considered for Rust binaries: its
//! `json_from_slice` is bounded and would fit, but it brings a second binary
//! parser (`binfarce`) and a second inflate implementation, while this crate
//! already parses the container for Go. So `.dep-v0` is located with
//! `object` and inflated with the workspace's `flate2` under a hard output
//! limit, and the small, stable JSON schema is deserialised directly.

#![deny(missing_docs)]

mod exe;
mod go;
mod linker;
mod rust;

pub use go::{GoBuildInfo, GoModule, go_build_info};
pub use linker::go_stamped_version;
pub use rust::{RustDepKind, RustPackage, rust_audit_info};

/// Bounds on the work and memory spent on one executable.
///
/// The defaults comfortably fit real binaries (the largest Go programs carry
/// a few hundred dependencies and well under 1 MiB of build info; large Rust
/// programs have under 1 MiB of audit JSON) while keeping a hostile input
/// from costing more than a few tens of MiB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted at all, in bytes.
    pub max_input: u64,
    /// Largest Go build-info string (module text or version) that is read.
    pub max_modinfo: usize,
    /// Most Go dependency modules (and, separately, Go build settings) or
    /// Rust packages accepted from one binary.
    pub max_deps: usize,
    /// Largest decompressed `.dep-v0` JSON, in bytes.
    pub max_decompressed: usize,
    /// Most bytes searched for the Go build-info magic when the executable
    /// has no dedicated build-info section and a whole data segment must be
    /// scanned instead.
    pub max_scan: usize,
    /// Most architectures examined in a fat (universal) Mach-O file.
    pub max_fat_arches: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input: 4 << 30,
            max_modinfo: 4 << 20,
            max_deps: 100_000,
            max_decompressed: 8 << 20,
            max_scan: 32 << 20,
            max_fat_arches: 8,
        }
    }
}

/// Everything that can go wrong while reading an executable's inventory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is larger than [`Limits::max_input`].
    #[error("input of {len} bytes exceeds the limit of {max} bytes")]
    InputTooLarge {
        /// Input length.
        len: u64,
        /// The limit in force.
        max: u64,
    },
    /// The executable container (ELF, PE, Mach-O) is malformed.
    #[error("malformed executable: {0}")]
    Executable(String),
    /// The Go build-info header or the strings it refers to are malformed.
    #[error("malformed go build info: {0}")]
    GoBuildInfo(&'static str),
    /// A length read from the input is larger than the limit allows.
    #[error("{what} of {len} bytes exceeds the limit of {max} bytes")]
    TooLong {
        /// Which item claimed the length.
        what: &'static str,
        /// The claimed length.
        len: u64,
        /// The limit in force.
        max: u64,
    },
    /// A line of the Go module text does not have the expected shape.
    #[error("malformed go module info at line {line}: {reason}")]
    GoModinfo {
        /// 1-based line number within the module text.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// More dependencies than [`Limits::max_deps`].
    #[error("more than {max} dependencies")]
    TooManyDeps {
        /// The limit in force.
        max: usize,
    },
    /// The `.dep-v0` data inflates to more than [`Limits::max_decompressed`].
    #[error("cargo-auditable data inflates to more than {max} bytes")]
    DecompressedTooLarge {
        /// The limit in force.
        max: usize,
    },
    /// The `.dep-v0` data is not a valid zlib stream.
    #[error("corrupt cargo-auditable zlib stream: {0}")]
    Decompress(String),
    /// The `.dep-v0` JSON does not match the cargo-auditable schema.
    #[error("invalid cargo-auditable json: {0}")]
    AuditJson(#[from] serde_json::Error),
    /// The `.dep-v0` JSON is well-formed but inconsistent.
    #[error("inconsistent cargo-auditable data: {0}")]
    AuditData(&'static str),
}

/// Whether `head` (the first bytes of a file; 64 or more give the best
/// answer) starts like an ELF, PE or Mach-O executable, including fat
/// Mach-O files.
///
/// This is a prefilter: it never reads past `head` and may accept files the
/// parsers later reject.
pub fn looks_like_executable(head: &[u8]) -> bool {
    let Some(magic) = head.get(..4) else {
        return false;
    };
    match magic {
        b"\x7fELF" => true,
        [0xfe, 0xed, 0xfa, 0xce | 0xcf] | [0xce | 0xcf, 0xfa, 0xed, 0xfe] => true,
        // Java class files share 0xcafebabe; their next word (minor version,
        // then major version >= 45) is never below 45, while fat files
        // hold a handful of architectures.
        [0xca, 0xfe, 0xba, 0xbe | 0xbf] => head
            .get(4..8)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(u32::from_be_bytes)
            .is_some_and(|n| (1..45).contains(&n)),
        [b'M', b'Z', ..] => pe_signature_plausible(head),
        _ => false,
    }
}

/// A bare "MZ" also starts DOS programs and assorted data; when the PE header
/// offset falls inside `head`, require the "PE\0\0" signature there.
fn pe_signature_plausible(head: &[u8]) -> bool {
    let Some(raw) = head.get(0x3c..0x40) else {
        return true;
    };
    let Ok(raw) = <[u8; 4]>::try_from(raw) else {
        return true;
    };
    let Ok(at) = usize::try_from(u32::from_le_bytes(raw)) else {
        return true;
    };
    match at.checked_add(4).and_then(|end| head.get(at..end)) {
        Some(sig) => sig == b"PE\0\0",
        None => true,
    }
}

fn check_input(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if len > limits.max_input {
        return Err(Error::InputTooLarge {
            len,
            max: limits.max_input,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_prefilter() {
        assert!(looks_like_executable(b"\x7fELF\x02\x01\x01"));
        assert!(looks_like_executable(&[0xcf, 0xfa, 0xed, 0xfe]));
        assert!(looks_like_executable(&[0xfe, 0xed, 0xfa, 0xce]));
        assert!(looks_like_executable(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]));
        // Java class file, major version 52.
        assert!(!looks_like_executable(&[
            0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52
        ]));
        assert!(!looks_like_executable(b"\x7fEL"));
        assert!(!looks_like_executable(b""));
        assert!(!looks_like_executable(b"#!/bin/sh\n"));

        let mut pe = vec![0u8; 0x90];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x80;
        pe[0x80..0x84].copy_from_slice(b"PE\0\0");
        assert!(looks_like_executable(&pe));
        pe[0x80] = b'X';
        assert!(!looks_like_executable(&pe));
        // Header offset beyond the head: cannot tell, so accept.
        pe.truncate(0x60);
        assert!(looks_like_executable(&pe));
        // Too short to be any executable.
        assert!(!looks_like_executable(b"MZ"));
    }

    #[test]
    fn input_limit() {
        let limits = Limits {
            max_input: 3,
            ..Limits::default()
        };
        assert!(matches!(
            go_build_info(b"\x7fELF", &limits),
            Err(Error::InputTooLarge { len: 4, max: 3 })
        ));
        assert!(matches!(
            rust_audit_info(b"\x7fELF", &limits),
            Err(Error::InputTooLarge { len: 4, max: 3 })
        ));
    }
}
