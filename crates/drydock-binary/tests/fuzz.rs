//! Random and mutated inputs: both entry points must return (never panic),
//! and the prefilter must agree with the parsers on what is an executable.

mod common;

use common::*;
use drydock_binary::{Limits, go_build_info, looks_like_executable, rust_audit_info};
use proptest::prelude::*;

const FIXTURE: &[u8] = include_bytes!("../testdata/auditfix-x86_64-linux");

fn seeds() -> Vec<Vec<u8>> {
    let modinfo = framed(MODINFO);
    vec![
        FIXTURE.to_vec(),
        Elf::new64(vec![Section::new(
            ".go.buildinfo",
            0x50_0000,
            inline_blob("go1.22.1", &modinfo),
        )])
        .build(),
        pointer_format_elf(true, Endian::Little, "go1.16", &modinfo),
        pointer_format_elf(false, Endian::Big, "go1.16", &modinfo),
        macho_with_section("__go_buildinfo", &inline_blob("go1.22.1", &modinfo)),
        fat(&[macho_with_section(".dep-v0", &zlib(b"{\"packages\":[]}"))]),
        pe64(&[(".data", 0x1000, inline_blob("go1.22.1", &modinfo), PE_DATA)]),
    ]
}

fn small_limits() -> Limits {
    Limits {
        max_modinfo: 1 << 16,
        max_decompressed: 1 << 16,
        max_scan: 1 << 16,
        ..Limits::default()
    }
}

fn run(bytes: &[u8]) {
    let limits = small_limits();
    let go = go_build_info(bytes, &limits);
    let rust = rust_audit_info(bytes, &limits);
    if matches!(go, Ok(Some(_))) || matches!(rust, Ok(Some(_))) {
        assert!(looks_like_executable(bytes), "parsed but prefilter said no");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        run(&bytes);
    }

    #[test]
    fn random_bytes_with_magic(
        prefix in prop_oneof![
            Just(&b"\x7fELF\x02\x01\x01"[..]),
            Just(&b"\x7fELF\x01\x02\x01"[..]),
            Just(&[0xcf, 0xfa, 0xed, 0xfe][..]),
            Just(&[0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1][..]),
            Just(&b"MZ"[..]),
        ],
        rest in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        run(&[prefix, &rest[..]].concat());
    }

    #[test]
    fn mutated_executables(
        seed in 0usize..7,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = seeds().swap_remove(seed);
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        run(&bytes);
    }
}

#[test]
fn seeds_parse() {
    let limits = small_limits();
    for (i, seed) in seeds().iter().enumerate() {
        let go = go_build_info(seed, &limits).unwrap();
        let rust = rust_audit_info(seed, &limits).unwrap();
        assert!(
            go.is_some() != rust.is_some(),
            "seed {i} should hold exactly one inventory"
        );
    }
}
