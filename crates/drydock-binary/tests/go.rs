//! Go build info from synthetic ELF, Mach-O and PE executables, including
//! hostile ones.

mod common;

use common::*;
use drydock_binary::{Error, GoBuildInfo, GoModule, Limits, go_build_info, rust_audit_info};

fn limits() -> Limits {
    Limits::default()
}

fn expected() -> GoBuildInfo {
    GoBuildInfo {
        go_version: "go1.17.13".to_owned(),
        path: Some("example.com/hello/cmd/hello".to_owned()),
        main: Some(GoModule {
            path: "example.com/hello".to_owned(),
            version: "v0.4.0".to_owned(),
            sum: Some("h1:mainsum=".to_owned()),
            replace: None,
        }),
        deps: vec![
            GoModule {
                path: "golang.org/x/sys".to_owned(),
                version: "v0.5.0".to_owned(),
                sum: Some("h1:syssum=".to_owned()),
                replace: None,
            },
            GoModule {
                path: "example.com/dep".to_owned(),
                version: "v1.2.3".to_owned(),
                sum: None,
                replace: Some(Box::new(GoModule {
                    path: "./dep".to_owned(),
                    version: "(devel)".to_owned(),
                    sum: None,
                    replace: None,
                })),
            },
        ],
        settings: vec![
            ("-compiler".to_owned(), "gc".to_owned()),
            ("-ldflags".to_owned(), "-s -w".to_owned()),
            ("GOOS".to_owned(), "linux".to_owned()),
        ],
    }
}

fn inline_elf(version: &str, modinfo: &[u8]) -> Vec<u8> {
    Elf::new64(vec![
        Section::new(".text", 0x40_1000, vec![0xc3; 64]).readonly(),
        Section::new(".go.buildinfo", 0x50_0000, inline_blob(version, modinfo)),
    ])
    .build()
}

#[test]
fn inline_format_elf() {
    let bin = inline_elf("go1.17.13", &framed(MODINFO));
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), Some(expected()));
    assert_eq!(rust_audit_info(&bin, &limits()).unwrap(), None);
}

#[test]
fn pointer_format_64_little_endian() {
    let bin = pointer_format_elf(true, Endian::Little, "go1.17.13", &framed(MODINFO));
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), Some(expected()));
}

#[test]
fn pointer_format_32_big_endian() {
    let bin = pointer_format_elf(false, Endian::Big, "go1.17.13", &framed(MODINFO));
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), Some(expected()));
}

#[test]
fn gopath_build_has_path_but_no_modules() {
    let bin = inline_elf(
        "go1.19.8",
        &framed("path\tgithub.com/x/y/cmd/z\nbuild\tGOOS=linux\n"),
    );
    let info = go_build_info(&bin, &limits()).unwrap().unwrap();
    assert_eq!(info.go_version, "go1.19.8");
    assert_eq!(info.path.as_deref(), Some("github.com/x/y/cmd/z"));
    assert_eq!(info.main, None);
    assert!(info.deps.is_empty());
}

#[test]
fn unframed_module_text_is_ignored_like_go_does() {
    let bin = inline_elf("go1.13", MODINFO.as_bytes());
    let info = go_build_info(&bin, &limits()).unwrap().unwrap();
    assert_eq!(info.go_version, "go1.13");
    assert_eq!(
        info,
        GoBuildInfo {
            go_version: "go1.13".into(),
            ..GoBuildInfo::default()
        }
    );
}

#[test]
fn stripped_section_headers_fall_back_to_the_writable_segment() {
    // Junk before the header, including a misaligned copy of the magic.
    let mut data = vec![0x55u8; 0x30];
    data[3..17].copy_from_slice(MAGIC);
    data.extend_from_slice(&inline_blob("go1.17.13", &framed(MODINFO)));
    let mut elf = Elf::new64(vec![
        // A read-only segment holding the magic must not be searched.
        Section::new(".rodata", 0x40_0000, inline_blob("go0.bogus", b"")).readonly(),
        Section::new(".data", 0x60_0000, data),
    ]);
    elf.section_headers = false;
    let bin = elf.build();
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), Some(expected()));

    let small_scan = Limits {
        max_scan: 0x20,
        ..limits()
    };
    assert_eq!(go_build_info(&bin, &small_scan).unwrap(), None);
}

#[test]
fn not_go() {
    let bin = Elf::new64(vec![Section::new(".data", 0x60_0000, vec![1; 256])]).build();
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), None);
    assert_eq!(go_build_info(b"", &limits()).unwrap(), None);
    assert_eq!(
        go_build_info(b"#!/bin/sh\necho hi\n", &limits()).unwrap(),
        None
    );
    assert_eq!(go_build_info(&[0u8; 4096], &limits()).unwrap(), None);
    // A Java class file shares the fat Mach-O magic.
    let mut class = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52];
    class.resize(4096, 0x41);
    assert_eq!(go_build_info(&class, &limits()).unwrap(), None);
    assert_eq!(rust_audit_info(&class, &limits()).unwrap(), None);
    // A DOS program without a PE header.
    let mut dos = b"MZ".to_vec();
    dos.resize(200, 0);
    assert_eq!(go_build_info(&dos, &limits()).unwrap(), None);
}

#[test]
fn macho_section_and_fat_file() {
    let blob = inline_blob("go1.17.13", &framed(MODINFO));
    let thin = macho_with_section("__go_buildinfo", &blob);
    assert_eq!(go_build_info(&thin, &limits()).unwrap(), Some(expected()));

    let other = macho_with_section("__data", &[0; 64]);
    let universal = fat(&[other.clone(), thin]);
    assert_eq!(
        go_build_info(&universal, &limits()).unwrap(),
        Some(expected())
    );
    assert_eq!(go_build_info(&fat(&[other]), &limits()).unwrap(), None);

    let one_arch = Limits {
        max_fat_arches: 1,
        ..limits()
    };
    assert_eq!(go_build_info(&universal, &one_arch).unwrap(), None);
}

#[test]
fn pe_data_section() {
    let mut data = inline_blob("go1.17.13", &framed(MODINFO));
    data.extend_from_slice(&[0; 100]);
    let bin = pe64(&[
        (".text", 0x1000, vec![0xc3; 16], 0x6000_0020),
        (".rdata", 0x2000, inline_blob("go0.bogus", b""), PE_RDATA),
        (".data", 0x3000, data, PE_DATA),
    ]);
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), Some(expected()));
}

#[test]
fn pe_without_data_name_uses_first_writable_data_section() {
    let bin = pe64(&[
        (".rdata", 0x2000, inline_blob("go0.bogus", b""), PE_RDATA),
        (
            ".rw",
            0x3000,
            inline_blob("go1.17.13", &framed(MODINFO)),
            PE_DATA,
        ),
    ]);
    assert_eq!(go_build_info(&bin, &limits()).unwrap(), Some(expected()));
}

// ---- hostile inputs ----

#[test]
fn truncated_elf() {
    let bin = inline_elf("go1.17.13", &framed(MODINFO));
    for len in [5, 17, 40, 63, 64, 100] {
        let r = go_build_info(&bin[..len], &limits());
        assert!(matches!(r, Err(Error::Executable(_))), "len {len}: {r:?}");
    }
    // Every prefix: never a panic, and never a wrong answer.
    for len in 0..bin.len() {
        if let Ok(Some(info)) = go_build_info(&bin[..len], &limits()) {
            assert_eq!(info, expected(), "len {len}");
        }
    }
}

#[test]
fn section_headers_past_eof() {
    let (mut bin, layout) = Elf::new64(vec![Section::new(
        ".go.buildinfo",
        0x50_0000,
        inline_blob("go1.17.13", &framed(MODINFO)),
    )])
    .build_with_layout();
    bin[layout.e_shoff_at..layout.e_shoff_at + 8].copy_from_slice(&(1u64 << 40).to_le_bytes());
    let r = go_build_info(&bin, &limits());
    assert!(matches!(r, Err(Error::Executable(_))), "{r:?}");
    assert!(matches!(
        rust_audit_info(&bin, &limits()),
        Err(Error::Executable(_))
    ));
}

#[test]
fn section_data_past_eof() {
    let (mut bin, layout) = Elf::new64(vec![Section::new(
        ".go.buildinfo",
        0x50_0000,
        inline_blob("go1.17.13", &framed(MODINFO)),
    )])
    .build_with_layout();
    // sh_offset of section 1 (after the null section header).
    let at = layout.shdr_offset + 64 + 24;
    bin[at..at + 8].copy_from_slice(&0xffff_ff00u64.to_le_bytes());
    let r = go_build_info(&bin, &limits());
    assert!(matches!(r, Err(Error::Executable(_))), "{r:?}");
}

#[test]
fn varint_length_claiming_4_gib() {
    let mut blob = inline_blob("go1.17.13", b"");
    blob.truncate(32 + 1 + 9);
    common::uvarint(4 << 30, &mut blob);
    blob.extend_from_slice(&[b'x'; 64]);
    let bin = Elf::new64(vec![Section::new(".go.buildinfo", 0x50_0000, blob)]).build();
    let r = go_build_info(&bin, &limits());
    assert!(
        matches!(r, Err(Error::TooLong { len, .. }) if len == 4 << 30),
        "{r:?}"
    );

    // With no length limit the claim still cannot read past the section.
    let unlimited = Limits {
        max_modinfo: usize::MAX,
        ..limits()
    };
    let r = go_build_info(&bin, &unlimited);
    assert!(matches!(r, Err(Error::GoBuildInfo(_))), "{r:?}");
}

#[test]
fn varint_that_never_ends() {
    let mut blob = inline_blob("go1.17.13", b"");
    blob.truncate(32);
    blob.extend_from_slice(&[0xff; 32]);
    let bin = Elf::new64(vec![Section::new(".go.buildinfo", 0x50_0000, blob)]).build();
    assert!(matches!(
        go_build_info(&bin, &limits()),
        Err(Error::GoBuildInfo(_))
    ));
}

/// Rewrites one pointer-sized word of the 64-bit little-endian pointer layout
/// built by `pointer_format_elf`.
fn patch_word(bin: &mut [u8], find: &[u8], word_index: usize, value: u64) {
    let at = bin.windows(find.len()).position(|w| w == find).unwrap() + word_index * 8;
    bin[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

#[test]
fn buildinfo_pointer_out_of_range() {
    let good = pointer_format_elf(true, Endian::Little, "go1.17.13", &framed(MODINFO));
    // The header's version pointer (word 2 after the 16-byte magic+flags).
    let mut bin = good.clone();
    patch_word(&mut bin, MAGIC, 2, 0xdead_beef_0000);
    let r = go_build_info(&bin, &limits());
    assert!(matches!(r, Err(Error::GoBuildInfo(_))), "{r:?}");

    // The string header's data pointer.
    let mut bin = good.clone();
    let hdr = [0x40u8, 0x60, 0, 0, 0, 0, 0, 0];
    patch_word(&mut bin, &hdr, 0, u64::MAX - 4);
    let r = go_build_info(&bin, &limits());
    assert!(matches!(r, Err(Error::GoBuildInfo(_))), "{r:?}");

    // A length of 4 GiB in a string header.
    let mut bin = good;
    patch_word(&mut bin, &hdr, 1, 4 << 30);
    let r = go_build_info(&bin, &limits());
    assert!(matches!(r, Err(Error::TooLong { .. })), "{r:?}");
}

#[test]
fn buildinfo_pointer_loops() {
    let good = pointer_format_elf(true, Endian::Little, "go1.17.13", &framed(MODINFO));
    let hdr = [0x40u8, 0x60, 0, 0, 0, 0, 0, 0];

    // The string header points at itself: its own 16 bytes are read once as
    // the "version", which is not text.
    let mut bin = good.clone();
    patch_word(&mut bin, &hdr, 1, 16);
    patch_word(&mut bin, &hdr, 0, 0x6000);
    let r = go_build_info(&bin, &limits());
    assert!(matches!(r, Err(Error::GoBuildInfo(_))), "{r:?}");

    // The build-info header points back at itself: its magic is read as a
    // string header whose pointer is nowhere.
    let mut bin = good;
    patch_word(&mut bin, MAGIC, 2, 0x5000);
    let r = go_build_info(&bin, &limits());
    assert!(r.is_err(), "{r:?}");
}

#[test]
fn bad_pointer_size() {
    let mut bin = pointer_format_elf(true, Endian::Little, "go1.17.13", &framed(MODINFO));
    let at = bin.windows(14).position(|w| w == MAGIC).unwrap();
    bin[at + 14] = 3;
    assert!(matches!(
        go_build_info(&bin, &limits()),
        Err(Error::GoBuildInfo(_))
    ));
}

#[test]
fn hostile_version_strings() {
    for v in ["", "go1.\n20"] {
        let bin = inline_elf(v, &framed(MODINFO));
        assert!(
            matches!(go_build_info(&bin, &limits()), Err(Error::GoBuildInfo(_))),
            "{v:?}"
        );
    }
    let long = "go".repeat(200);
    let bin = inline_elf(&long, &framed(MODINFO));
    assert!(matches!(
        go_build_info(&bin, &limits()),
        Err(Error::TooLong { .. })
    ));
    let mut blob = inline_blob("go1.x", b"");
    blob[33] = 0xff;
    let bin = Elf::new64(vec![Section::new(".go.buildinfo", 0x50_0000, blob)]).build();
    assert!(matches!(
        go_build_info(&bin, &limits()),
        Err(Error::GoBuildInfo(_))
    ));
}

#[test]
fn dependency_limit() {
    let mut text = String::from("mod\tm\tv1\n");
    for i in 0..50 {
        text.push_str(&format!("dep\tm{i}\tv1\n"));
    }
    let bin = inline_elf("go1.21.0", &framed(&text));
    assert_eq!(
        go_build_info(&bin, &limits()).unwrap().unwrap().deps.len(),
        50
    );
    let tight = Limits {
        max_deps: 49,
        ..limits()
    };
    assert!(matches!(
        go_build_info(&bin, &tight),
        Err(Error::TooManyDeps { max: 49 })
    ));
}
