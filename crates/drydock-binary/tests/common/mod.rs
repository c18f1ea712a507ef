//! Builders for small synthetic executables.
//!
//! The ELF writer is hand-rolled (rather than `object::write`, which emits
//! relocatable objects without program headers) because the pre-1.18 Go
//! layout needs real virtual addresses backed by `PT_LOAD` segments, and the
//! hostile tests need to place every table exactly.

#![allow(dead_code)]

use std::io::Write;

pub const SENTINEL_START: [u8; 16] = [
    0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6,
];
pub const SENTINEL_END: [u8; 16] = [
    0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2,
];
pub const MAGIC: &[u8; 14] = b"\xff Go buildinf:";

pub const MODINFO: &str = "path\texample.com/hello/cmd/hello\n\
mod\texample.com/hello\tv0.4.0\th1:mainsum=\n\
dep\tgolang.org/x/sys\tv0.5.0\th1:syssum=\n\
dep\texample.com/dep\tv1.2.3\n\
=>\t./dep\t(devel)\t\n\
build\t-compiler=gc\n\
build\t-ldflags=\"-s -w\"\n\
build\tGOOS=linux\n";

/// Module text framed by the linker's sentinels.
pub fn framed(text: &str) -> Vec<u8> {
    [&SENTINEL_START[..], text.as_bytes(), &SENTINEL_END[..]].concat()
}

pub fn uvarint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A Go ≥ 1.18 build-info blob (strings inline).
pub fn inline_blob(version: &str, modinfo: &[u8]) -> Vec<u8> {
    let mut b = Vec::from(&MAGIC[..]);
    b.push(8);
    b.push(2);
    b.resize(32, 0);
    uvarint(version.len() as u64, &mut b);
    b.extend_from_slice(version.as_bytes());
    uvarint(modinfo.len() as u64, &mut b);
    b.extend_from_slice(modinfo);
    b
}

pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Endian {
    Little,
    Big,
}

/// Appends integers in a chosen byte order.
pub struct Out {
    pub buf: Vec<u8>,
    pub endian: Endian,
}

impl Out {
    pub fn u16(&mut self, v: u16) {
        match self.endian {
            Endian::Little => self.buf.extend_from_slice(&v.to_le_bytes()),
            Endian::Big => self.buf.extend_from_slice(&v.to_be_bytes()),
        }
    }
    pub fn u32(&mut self, v: u32) {
        match self.endian {
            Endian::Little => self.buf.extend_from_slice(&v.to_le_bytes()),
            Endian::Big => self.buf.extend_from_slice(&v.to_be_bytes()),
        }
    }
    pub fn u64(&mut self, v: u64) {
        match self.endian {
            Endian::Little => self.buf.extend_from_slice(&v.to_le_bytes()),
            Endian::Big => self.buf.extend_from_slice(&v.to_be_bytes()),
        }
    }
    /// A pointer-sized word.
    pub fn word(&mut self, is64: bool, v: u64) {
        if is64 {
            self.u64(v)
        } else {
            self.u32(v as u32)
        }
    }
    pub fn pad_to(&mut self, align: usize) {
        while !self.buf.len().is_multiple_of(align) {
            self.buf.push(0);
        }
    }
}

pub struct Section {
    pub name: String,
    pub addr: u64,
    pub data: Vec<u8>,
    pub writable: bool,
    /// Covered by its own PT_LOAD segment.
    pub load: bool,
}

impl Section {
    pub fn new(name: &str, addr: u64, data: Vec<u8>) -> Self {
        Self {
            name: name.to_owned(),
            addr,
            data,
            writable: true,
            load: true,
        }
    }
    pub fn readonly(mut self) -> Self {
        self.writable = false;
        self
    }
}

pub struct Elf {
    pub is64: bool,
    pub endian: Endian,
    pub sections: Vec<Section>,
    /// Emit the section header table (set false to mimic `sstrip`).
    pub section_headers: bool,
}

/// Where things landed in the file, for tests that corrupt them.
pub struct Layout {
    pub e_shoff_at: usize,
    pub shdr_offset: usize,
    pub section_offsets: Vec<usize>,
}

impl Elf {
    pub fn new64(sections: Vec<Section>) -> Self {
        Self {
            is64: true,
            endian: Endian::Little,
            sections,
            section_headers: true,
        }
    }

    pub fn build(&self) -> Vec<u8> {
        self.build_with_layout().0
    }

    pub fn build_with_layout(&self) -> (Vec<u8>, Layout) {
        let (ehsize, phentsize, shentsize) = if self.is64 {
            (64, 56, 64)
        } else {
            (52, 32, 40)
        };
        let loads: Vec<usize> = (0..self.sections.len())
            .filter(|&i| self.sections[i].load)
            .collect();
        let phoff = ehsize;
        let mut data_off = phoff + phentsize * loads.len();
        let mut offsets = Vec::new();
        for s in &self.sections {
            data_off = data_off.next_multiple_of(16);
            offsets.push(data_off);
            data_off += s.data.len();
        }
        let mut shstrtab = vec![0u8];
        let mut name_offs = Vec::new();
        for s in &self.sections {
            name_offs.push(shstrtab.len() as u32);
            shstrtab.extend_from_slice(s.name.as_bytes());
            shstrtab.push(0);
        }
        let shstrtab_name = shstrtab.len() as u32;
        shstrtab.extend_from_slice(b".shstrtab\0");
        let shstrtab_off = data_off;
        let shoff = (shstrtab_off + shstrtab.len()).next_multiple_of(8);
        let shnum = if self.section_headers {
            self.sections.len() + 2
        } else {
            0
        };

        let mut o = Out {
            buf: Vec::new(),
            endian: self.endian,
        };
        o.buf.extend_from_slice(b"\x7fELF");
        o.buf.push(if self.is64 { 2 } else { 1 });
        o.buf
            .push(if self.endian == Endian::Little { 1 } else { 2 });
        o.buf.push(1);
        o.buf.resize(16, 0);
        o.u16(2); // ET_EXEC
        o.u16(if self.is64 { 62 } else { 20 });
        o.u32(1);
        o.word(self.is64, 0x40_1000); // entry
        o.word(self.is64, phoff as u64);
        let e_shoff_at = o.buf.len();
        o.word(
            self.is64,
            if self.section_headers {
                shoff as u64
            } else {
                0
            },
        );
        o.u32(0);
        o.u16(ehsize as u16);
        o.u16(phentsize as u16);
        o.u16(loads.len() as u16);
        o.u16(shentsize as u16);
        o.u16(shnum as u16);
        o.u16(if self.section_headers {
            (self.sections.len() + 1) as u16
        } else {
            0
        });
        assert_eq!(o.buf.len(), ehsize);

        for &i in &loads {
            let s = &self.sections[i];
            let flags = if s.writable { 6 } else { 4 }; // PF_R|PF_W or PF_R
            let (off, addr, size) = (offsets[i] as u64, s.addr, s.data.len() as u64);
            if self.is64 {
                o.u32(1);
                o.u32(flags);
                o.u64(off);
                o.u64(addr);
                o.u64(addr);
                o.u64(size);
                o.u64(size);
                o.u64(16);
            } else {
                o.u32(1);
                o.u32(off as u32);
                o.u32(addr as u32);
                o.u32(addr as u32);
                o.u32(size as u32);
                o.u32(size as u32);
                o.u32(flags);
                o.u32(16);
            }
        }
        for (s, &off) in self.sections.iter().zip(&offsets) {
            o.buf.resize(off, 0);
            o.buf.extend_from_slice(&s.data);
        }
        o.buf.resize(shstrtab_off, 0);
        o.buf.extend_from_slice(&shstrtab);
        if self.section_headers {
            o.pad_to(8);
            assert_eq!(o.buf.len(), shoff);
            let shdr =
                |o: &mut Out, name: u32, ty: u32, flags: u64, addr: u64, off: u64, size: u64| {
                    o.u32(name);
                    o.u32(ty);
                    o.word(self.is64, flags);
                    o.word(self.is64, addr);
                    o.word(self.is64, off);
                    o.word(self.is64, size);
                    o.u32(0);
                    o.u32(0);
                    o.word(self.is64, 1);
                    o.word(self.is64, 0);
                };
            shdr(&mut o, 0, 0, 0, 0, 0, 0);
            for (i, s) in self.sections.iter().enumerate() {
                let flags = if s.writable { 3 } else { 2 }; // SHF_WRITE|SHF_ALLOC
                shdr(
                    &mut o,
                    name_offs[i],
                    1,
                    flags,
                    s.addr,
                    offsets[i] as u64,
                    s.data.len() as u64,
                );
            }
            shdr(
                &mut o,
                shstrtab_name,
                3,
                0,
                0,
                shstrtab_off as u64,
                shstrtab.len() as u64,
            );
        }
        let layout = Layout {
            e_shoff_at,
            shdr_offset: shoff,
            section_offsets: offsets,
        };
        (o.buf, layout)
    }
}

/// A pre-1.18 Go binary: the build-info header in `.go.buildinfo` at
/// 0x5000 points at two string headers in `.noptrdata` at 0x6000, whose data
/// pointers lead to the bytes.
pub fn pointer_format_elf(is64: bool, endian: Endian, version: &str, modinfo: &[u8]) -> Vec<u8> {
    let ptr = if is64 { 8u64 } else { 4 };
    let (hdr_base, vers_at, mod_at) = (0x6000u64, 0x6040u64, 0x6080u64);
    let mut header = Out {
        buf: Vec::from(&MAGIC[..]),
        endian,
    };
    header.buf.push(ptr as u8);
    header.buf.push(u8::from(endian == Endian::Big));
    header.word(is64, hdr_base);
    header.word(is64, hdr_base + 2 * ptr);
    header.buf.resize(32, 0);

    let mut strings = Out {
        buf: Vec::new(),
        endian,
    };
    strings.word(is64, vers_at);
    strings.word(is64, version.len() as u64);
    strings.word(is64, mod_at);
    strings.word(is64, modinfo.len() as u64);
    strings.buf.resize((vers_at - hdr_base) as usize, 0);
    strings.buf.extend_from_slice(version.as_bytes());
    strings.buf.resize((mod_at - hdr_base) as usize, 0);
    strings.buf.extend_from_slice(modinfo);

    let mut elf = Elf::new64(vec![
        Section::new(".go.buildinfo", 0x5000, header.buf),
        Section::new(".noptrdata", hdr_base, strings.buf),
    ]);
    elf.is64 = is64;
    elf.endian = endian;
    elf.build()
}

/// A Mach-O object (via `object::write`) with one `__DATA` section.
pub fn macho_with_section(section: &str, data: &[u8]) -> Vec<u8> {
    use object::write::{Object, StandardSegment};
    use object::{Architecture, BinaryFormat, Endianness, SectionKind};
    let mut obj = Object::new(
        BinaryFormat::MachO,
        Architecture::Aarch64,
        Endianness::Little,
    );
    let segment = obj.segment_name(StandardSegment::Data).to_vec();
    let id = obj.add_section(segment, section.as_bytes().to_vec(), SectionKind::Data);
    obj.append_section_data(id, data, 16);
    obj.write().unwrap()
}

/// Wraps thin Mach-O images into a 32-bit fat (universal) file.
pub fn fat(images: &[Vec<u8>]) -> Vec<u8> {
    let mut o = Out {
        buf: Vec::new(),
        endian: Endian::Big,
    };
    o.u32(0xcafe_babe);
    o.u32(images.len() as u32);
    let mut offset = 4096u32;
    let mut placed = Vec::new();
    for image in images {
        o.u32(0x0100_000c); // CPU_TYPE_ARM64
        o.u32(0);
        o.u32(offset);
        o.u32(image.len() as u32);
        o.u32(12);
        placed.push(offset);
        offset = (offset + image.len() as u32).next_multiple_of(4096);
    }
    for (image, at) in images.iter().zip(placed) {
        o.buf.resize(at as usize, 0);
        o.buf.extend_from_slice(image);
    }
    o.buf
}

/// A minimal PE32+ image with the given sections (name, RVA, data,
/// characteristics), image base 0x1_4000_0000.
pub fn pe64(sections: &[(&str, u32, Vec<u8>, u32)]) -> Vec<u8> {
    let mut o = Out {
        buf: Vec::new(),
        endian: Endian::Little,
    };
    o.buf.extend_from_slice(b"MZ");
    o.buf.resize(0x3c, 0);
    o.u32(0x40);
    o.buf.extend_from_slice(b"PE\0\0");
    o.u16(0x8664);
    o.u16(sections.len() as u16);
    o.u32(0);
    o.u32(0);
    o.u32(0);
    o.u16(240); // SizeOfOptionalHeader for PE32+ with 16 directories
    o.u16(0x22); // EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE
    let opt_start = o.buf.len();
    o.u16(0x20b);
    o.buf.extend_from_slice(&[14, 0]);
    o.u32(0); // SizeOfCode
    o.u32(0);
    o.u32(0);
    o.u32(0x1000); // AddressOfEntryPoint
    o.u32(0x1000); // BaseOfCode
    o.u64(0x1_4000_0000); // ImageBase
    o.u32(0x1000); // SectionAlignment
    o.u32(0x200); // FileAlignment
    o.u16(6);
    o.u16(0);
    o.u16(0);
    o.u16(0);
    o.u16(6);
    o.u16(0);
    o.u32(0);
    let image_size = sections
        .iter()
        .map(|s| (s.1 as usize + s.2.len()).next_multiple_of(0x1000))
        .max()
        .unwrap_or(0x1000);
    o.u32(image_size as u32); // SizeOfImage
    o.u32(0x400); // SizeOfHeaders
    o.u32(0); // CheckSum
    o.u16(3); // console subsystem
    o.u16(0x8160);
    o.u64(0x10_0000);
    o.u64(0x1000);
    o.u64(0x10_0000);
    o.u64(0x1000);
    o.u32(0);
    o.u32(16);
    for _ in 0..16 {
        o.u64(0);
    }
    assert_eq!(o.buf.len() - opt_start, 240);
    let mut raw = 0x400u32;
    let mut placed = Vec::new();
    for (name, rva, data, characteristics) in sections {
        let mut n = [0u8; 8];
        n[..name.len()].copy_from_slice(name.as_bytes());
        o.buf.extend_from_slice(&n);
        let raw_size = (data.len() as u32).next_multiple_of(0x200);
        o.u32(data.len() as u32); // VirtualSize
        o.u32(*rva);
        o.u32(raw_size);
        o.u32(raw);
        o.u32(0);
        o.u32(0);
        o.u16(0);
        o.u16(0);
        o.u32(*characteristics);
        placed.push(raw);
        raw += raw_size;
    }
    for ((_, _, data, _), at) in sections.iter().zip(placed) {
        o.buf.resize(at as usize, 0);
        o.buf.extend_from_slice(data);
        o.pad_to(0x200);
    }
    o.buf
}

pub const PE_DATA: u32 = 0xc000_0040; // INITIALIZED_DATA | READ | WRITE
pub const PE_RDATA: u32 = 0x4000_0040; // INITIALIZED_DATA | READ
