//! `cargo auditable` dependency trees: zlib-compressed JSON in a `.dep-v0`
//! section (`__DATA,.dep-v0` on Mach-O).

use std::io::Read;

use serde::Deserialize;

use crate::exe;
use crate::{Error, Limits, check_input};

const SECTION: &str = ".dep-v0";

/// Whether a Rust package is compiled into the binary or only used to build it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum RustDepKind {
    /// Linked into the binary (cargo-auditable records "runtime" when a
    /// package is both).
    #[default]
    #[serde(rename = "runtime")]
    Runtime,
    /// Only used by build scripts or proc macros.
    #[serde(rename = "build")]
    Build,
}

/// One package of a `cargo auditable` dependency tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustPackage {
    /// Crate name, e.g. `itoa`.
    pub name: String,
    /// Version as recorded (semver text, not validated).
    pub version: String,
    /// Where it came from: `crates.io`, `git`, `local`, `registry`, or
    /// another string a newer cargo-auditable may introduce.
    pub source: String,
    /// Runtime or build-time dependency.
    pub kind: RustDepKind,
    /// Whether this is the package the binary was built from.
    pub root: bool,
    /// Indexes (into the returned list) of this package's direct
    /// dependencies; all are checked to be in range.
    pub dependencies: Vec<usize>,
}

#[derive(Deserialize)]
struct RawTree {
    packages: Vec<RawPackage>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: String,
    version: String,
    source: String,
    #[serde(default)]
    kind: RustDepKind,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// Reads the `cargo auditable` dependency tree of an ELF, PE or Mach-O
/// executable.
///
/// `Ok(None)` means the input is not an executable or has no `.dep-v0`
/// section. The tree is returned as recorded; beyond range-checking the
/// dependency indexes it is not validated (a hostile binary can claim
/// anything anyway).
pub fn rust_audit_info(bytes: &[u8], limits: &Limits) -> Result<Option<Vec<RustPackage>>, Error> {
    check_input(bytes, limits)?;
    exe::for_each_image(bytes, limits, |image| {
        match exe::section_named(image, SECTION)? {
            Some((_, compressed)) => decode(compressed, limits).map(Some),
            None => Ok(None),
        }
    })
}

fn decode(compressed: &[u8], limits: &Limits) -> Result<Vec<RustPackage>, Error> {
    let json = inflate(compressed, limits.max_decompressed)?;
    let tree: RawTree = serde_json::from_slice(&json)?;
    if tree.packages.len() > limits.max_deps {
        return Err(Error::TooManyDeps {
            max: limits.max_deps,
        });
    }
    let count = tree.packages.len();
    tree.packages
        .into_iter()
        .map(|p| {
            if p.dependencies.iter().any(|&i| i >= count) {
                return Err(Error::AuditData("dependency index out of range"));
            }
            Ok(RustPackage {
                name: p.name,
                version: p.version,
                source: p.source,
                kind: p.kind,
                root: p.root,
                dependencies: p.dependencies,
            })
        })
        .collect()
}

/// Inflates a zlib stream, failing once the output would exceed `max` bytes
/// rather than after it has been produced. Trailing bytes after the stream
/// (section padding in PE files) are ignored.
fn inflate(compressed: &[u8], max: usize) -> Result<Vec<u8>, Error> {
    let decoder = flate2::read::ZlibDecoder::new(compressed);
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::new();
    decoder
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| Error::Decompress(e.to_string()))?;
    if out.len() > max {
        return Err(Error::DecompressedTooLarge { max });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn decodes_schema() {
        let json = br#"{"packages":[
            {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2],"root":true},
            {"name":"itoa","version":"1.0.9","source":"crates.io"},
            {"name":"cc","version":"1.0.0","source":"registry","kind":"build","dependencies":[]}
        ],"format":1}"#;
        let pkgs = decode(&zlib(json), &Limits::default()).unwrap();
        assert_eq!(pkgs.len(), 3);
        assert!(pkgs[0].root && !pkgs[1].root);
        assert_eq!(pkgs[0].dependencies, [1, 2]);
        assert_eq!(pkgs[1].kind, RustDepKind::Runtime);
        assert_eq!(pkgs[2].kind, RustDepKind::Build);
        assert_eq!(pkgs[2].source, "registry");
    }

    #[test]
    fn rejects_bad_data() {
        let l = Limits::default();
        let out_of_range =
            br#"{"packages":[{"name":"a","version":"1","source":"local","dependencies":[1]}]}"#;
        assert!(matches!(
            decode(&zlib(out_of_range), &l),
            Err(Error::AuditData(_))
        ));
        let bad_kind =
            br#"{"packages":[{"name":"a","version":"1","source":"local","kind":"dev"}]}"#;
        assert!(matches!(
            decode(&zlib(bad_kind), &l),
            Err(Error::AuditJson(_))
        ));
        assert!(matches!(
            decode(&zlib(b"{\"packages\":"), &l),
            Err(Error::AuditJson(_))
        ));
        assert!(matches!(
            decode(b"not zlib at all", &l),
            Err(Error::Decompress(_))
        ));
        let limits = Limits {
            max_deps: 1,
            ..Limits::default()
        };
        let two = br#"{"packages":[{"name":"a","version":"1","source":"local"},{"name":"b","version":"1","source":"local"}]}"#;
        assert!(matches!(
            decode(&zlib(two), &limits),
            Err(Error::TooManyDeps { max: 1 })
        ));
    }

    #[test]
    fn inflate_is_bounded() {
        let bomb = zlib(&vec![b' '; 1 << 20]);
        assert!(bomb.len() < 4096);
        assert!(matches!(
            inflate(&bomb, 1000),
            Err(Error::DecompressedTooLarge { max: 1000 })
        ));
        assert_eq!(inflate(&bomb, 1 << 20).unwrap().len(), 1 << 20);
        // Trailing padding after the stream is ignored.
        let mut padded = zlib(b"{}");
        padded.extend_from_slice(&[0; 64]);
        assert_eq!(inflate(&padded, 100).unwrap(), b"{}");
    }
}
