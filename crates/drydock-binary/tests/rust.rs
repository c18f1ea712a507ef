//! cargo-auditable data from a real binary (testdata/) and synthetic ones.

mod common;

use common::*;
use drydock_binary::{Error, Limits, RustDepKind, RustPackage, go_build_info, rust_audit_info};

const FIXTURE: &[u8] = include_bytes!("../testdata/auditfix-x86_64-linux");

const TREE: &str = r#"{"packages":[
 {"name":"app","version":"1.0.0","source":"local","dependencies":[1,2],"root":true},
 {"name":"serde","version":"1.0.200","source":"crates.io","dependencies":[]},
 {"name":"cc","version":"1.0.90","source":"git","kind":"build"}],"format":1}"#;

fn pkg(
    name: &str,
    version: &str,
    source: &str,
    kind: RustDepKind,
    root: bool,
    deps: &[usize],
) -> RustPackage {
    RustPackage {
        name: name.to_owned(),
        version: version.to_owned(),
        source: source.to_owned(),
        kind,
        root,
        dependencies: deps.to_vec(),
    }
}

fn tree() -> Vec<RustPackage> {
    vec![
        pkg("app", "1.0.0", "local", RustDepKind::Runtime, true, &[1, 2]),
        pkg(
            "serde",
            "1.0.200",
            "crates.io",
            RustDepKind::Runtime,
            false,
            &[],
        ),
        pkg("cc", "1.0.90", "git", RustDepKind::Build, false, &[]),
    ]
}

fn elf_with_dep_v0(data: Vec<u8>) -> Vec<u8> {
    Elf::new64(vec![
        Section::new(".text", 0x40_1000, vec![0xc3; 32]).readonly(),
        // Not loaded, like the real section.
        Section {
            load: false,
            ..Section::new(".dep-v0", 0, data).readonly()
        },
    ])
    .build()
}

#[test]
fn real_cargo_auditable_binary() {
    let pkgs = rust_audit_info(FIXTURE, &Limits::default())
        .unwrap()
        .unwrap();
    assert_eq!(
        pkgs,
        vec![
            pkg(
                "auditfix",
                "0.3.1",
                "local",
                RustDepKind::Runtime,
                true,
                &[1, 2]
            ),
            pkg(
                "itoa",
                "1.0.19",
                "crates.io",
                RustDepKind::Runtime,
                false,
                &[]
            ),
            pkg(
                "version_check",
                "0.9.5",
                "crates.io",
                RustDepKind::Build,
                false,
                &[]
            ),
        ]
    );
    assert_eq!(go_build_info(FIXTURE, &Limits::default()).unwrap(), None);
}

#[test]
fn synthetic_elf() {
    let bin = elf_with_dep_v0(zlib(TREE.as_bytes()));
    assert_eq!(
        rust_audit_info(&bin, &Limits::default()).unwrap(),
        Some(tree())
    );
}

#[test]
fn synthetic_macho_and_fat() {
    let thin = macho_with_section(".dep-v0", &zlib(TREE.as_bytes()));
    assert_eq!(
        rust_audit_info(&thin, &Limits::default()).unwrap(),
        Some(tree())
    );
    let universal = fat(&[macho_with_section("__data", &[0; 8]), thin]);
    assert_eq!(
        rust_audit_info(&universal, &Limits::default()).unwrap(),
        Some(tree())
    );
}

#[test]
fn synthetic_pe_with_padding() {
    let bin = pe64(&[
        (".text", 0x1000, vec![0xc3; 16], 0x6000_0020),
        (".dep-v0", 0x2000, zlib(TREE.as_bytes()), PE_RDATA),
    ]);
    assert_eq!(
        rust_audit_info(&bin, &Limits::default()).unwrap(),
        Some(tree())
    );
}

#[test]
fn synthetic_with_object_writer() {
    // Cross-check the hand-rolled ELF writer against `object`'s.
    use object::write::Object;
    use object::{Architecture, BinaryFormat, Endianness, SectionKind};
    let mut obj = Object::new(BinaryFormat::Elf, Architecture::X86_64, Endianness::Little);
    let id = obj.add_section(Vec::new(), b".dep-v0".to_vec(), SectionKind::ReadOnlyData);
    obj.append_section_data(id, &zlib(TREE.as_bytes()), 1);
    let bin = obj.write().unwrap();
    assert_eq!(
        rust_audit_info(&bin, &Limits::default()).unwrap(),
        Some(tree())
    );
}

#[test]
fn no_section() {
    let bin = Elf::new64(vec![Section::new(".data", 0x60_0000, vec![0; 64])]).build();
    assert_eq!(rust_audit_info(&bin, &Limits::default()).unwrap(), None);
    assert_eq!(
        rust_audit_info(b"plain text", &Limits::default()).unwrap(),
        None
    );
}

// ---- hostile inputs ----

#[test]
fn zlib_bomb() {
    // 64 MiB of JSON-ish whitespace compresses to ~64 KiB.
    let bomb = zlib(&vec![b' '; 64 << 20]);
    assert!(bomb.len() < 100 << 10);
    let bin = elf_with_dep_v0(bomb);
    let r = rust_audit_info(&bin, &Limits::default());
    assert!(
        matches!(r, Err(Error::DecompressedTooLarge { max }) if max == 8 << 20),
        "{r:?}"
    );
}

#[test]
fn invalid_json() {
    for json in [
        &b"{\"packages\": [}"[..],
        b"[1,2,3]",
        b"{\"packages\":[{\"name\":\"a\"}]}",
        b"\xff\xfe",
        b"",
    ] {
        let bin = elf_with_dep_v0(zlib(json));
        let r = rust_audit_info(&bin, &Limits::default());
        assert!(matches!(r, Err(Error::AuditJson(_))), "{json:?}: {r:?}");
    }
}

#[test]
fn corrupt_or_truncated_stream() {
    let mut z = zlib(TREE.as_bytes());
    z.truncate(z.len() / 2);
    let r = rust_audit_info(&elf_with_dep_v0(z), &Limits::default());
    assert!(r.is_err(), "{r:?}");
    let r = rust_audit_info(
        &elf_with_dep_v0(b"\x78\x9cgarbage".to_vec()),
        &Limits::default(),
    );
    assert!(matches!(r, Err(Error::Decompress(_))), "{r:?}");
}

#[test]
fn dependency_index_out_of_range() {
    let json = r#"{"packages":[{"name":"a","version":"1","source":"local","dependencies":[7]}]}"#;
    let r = rust_audit_info(&elf_with_dep_v0(zlib(json.as_bytes())), &Limits::default());
    assert!(matches!(r, Err(Error::AuditData(_))), "{r:?}");
}

#[test]
fn truncated_fixture() {
    for len in 0..FIXTURE.len() {
        if let Ok(Some(pkgs)) = rust_audit_info(&FIXTURE[..len], &Limits::default()) {
            assert_eq!(pkgs.len(), 3, "len {len}");
        }
    }
    assert!(matches!(
        rust_audit_info(&FIXTURE[..40], &Limits::default()),
        Err(Error::Executable(_))
    ));
}
