//! A deflate bomb must stop at `max_inflate` without allocating the bomb's size. Memory is
//! measured with a counting global allocator, which is why this test has its own binary.

mod common;

use common::b64;
use drydock_deobfuscate::{Language, Limits, normalize};
use flate2::Compression;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call forwards to `System` with the same arguments; the counters are only
// bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// `len` bytes of `byte`, raw-deflated without materializing them.
fn deflate_run(byte: u8, len: usize) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![byte; 1 << 16];
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk.len());
        e.write_all(&chunk[..n]).expect("write to Vec");
        left -= n;
    }
    e.finish().expect("finish to Vec")
}

/// Peak bytes allocated above the level at the start of `f`.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

#[test]
fn deflate_bombs_stop_at_max_inflate() {
    const BOMB: usize = 50_000_000;
    let limits = Limits::default();

    // 50 MB of zeros: binary, reported as lossy bytes.
    let src = format!(
        "<?php eval(gzinflate(base64_decode('{}')));",
        b64(&deflate_run(0, BOMB))
    );
    assert!(src.len() < 100_000, "bomb source is {} bytes", src.len());
    let (n, peak) = peak_during(|| normalize(Language::Php, src.as_bytes(), &limits));
    assert_eq!(n.decoded.len(), 1);
    let d = &n.decoded[0];
    assert_eq!(d.raw_len, limits.max_inflate);
    assert!(!d.is_text);
    assert!(n.truncated);
    assert!(
        n.notes
            .iter()
            .any(|m| m == "gzinflate output over 4 MiB limit at depth 1"),
        "{:?}",
        n.notes
    );
    // The decompressed bytes, their lossy text and the source: far below the 50 MB bomb.
    assert!(peak < 3 * limits.max_inflate, "peak {peak} bytes");
    drop(n);

    // 50 MB of text: normalized as code, so the payload is also cut to max_input.
    let src = format!(
        "<?php eval(gzinflate(base64_decode('{}')));",
        b64(&deflate_run(b'A', BOMB))
    );
    let (n, peak) = peak_during(|| normalize(Language::Php, src.as_bytes(), &limits));
    let d = &n.decoded[0];
    assert_eq!(d.raw_len, limits.max_inflate);
    assert!(d.is_text && d.truncated);
    assert_eq!(d.text.len(), limits.max_input);
    assert!(
        n.notes.iter().any(|m| m.contains("truncated to 2 MiB")),
        "{:?}",
        n.notes
    );
    assert!(peak < 6 * limits.max_inflate, "peak {peak} bytes");
}
