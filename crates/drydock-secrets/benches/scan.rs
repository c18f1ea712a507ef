//! Throughput of `RuleSet::scan` over a mixed in-memory corpus (single-threaded).
//!
//! `cargo bench -p drydock-secrets` builds a deterministic 1 GiB corpus of source code, JSON,
//! minified JavaScript, prose, logs, binary blobs and base64 blobs with a few planted secrets,
//! runs `wants_path` + `scan` over every file and prints MB/s overall and per content kind
//! (best of three passes). The keyword density of the synthetic code is about that of real
//! third-party Python and JavaScript. Set `DRYDOCK_SECRETS_BENCH_MB` to change the corpus size
//! and `DRYDOCK_SECRETS_BENCH_MATCHES=1` to list what was found.

use drydock_secrets::{Limits, RuleSet};
use std::time::Instant;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, fast, good enough for synthetic text.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
    fn token(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| {
                alphabet
                    .get(self.below(alphabet.len()))
                    .copied()
                    .unwrap_or(b'a') as char
            })
            .collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// Ordinary identifiers and prose words (none of them a rule keyword).
const WORDS: &[&str] = &[
    "the", "request", "user", "value", "config", "server", "client", "handler", "cache", "result",
    "error", "response", "session", "data", "items", "index", "count", "update", "delete",
    "create", "query", "filter", "model", "view", "render", "template", "static", "build",
    "deploy", "service", "payment", "order", "status", "message", "event", "stream", "buffer",
    "parse", "format", "encode", "decode", "hash", "salt", "width", "height", "offset", "limit",
    "page", "node", "child", "parent", "state", "props", "context", "router", "store", "logger",
];
/// Words that are rule keywords; real code mentions them now and then.
const SENSITIVE: &[&str] = &[
    "token",
    "password",
    "secret",
    "api_key",
    "auth_token",
    "access_key",
];

/// One line of code in a quarter of which a sensitive word appears in a harmless way, which is
/// about the keyword density of real third-party Python and JavaScript (one hit per 0.5-1 KB).
fn code_line(rng: &mut Rng, indent: &str) -> String {
    let (a, b, c) = (rng.pick(WORDS), rng.pick(WORDS), rng.pick(WORDS));
    match rng.below(40) {
        0 => format!(
            "{indent}{a} = validate_{b}(self.{}, strict=True)\n",
            rng.pick(SENSITIVE)
        ),
        1 => format!(
            "{indent}# refresh the {} before the {a} expires\n",
            rng.pick(SENSITIVE)
        ),
        2 => format!(
            "{indent}if not {}:\n{indent}    raise {a}Error(\"missing {b}\")\n",
            rng.pick(SENSITIVE)
        ),
        3..=9 => format!("{indent}for {a} in {b}.filter(active=True).order_by(\"-{c}\"):\n"),
        10..=14 => format!("{indent}logger.info(\"{a} %s {b} %d\", {c}.id, len({b}))\n"),
        15..=19 => format!(
            "{indent}return {{\"{a}\": {b}, \"{c}\": {}}}\n",
            rng.below(1000)
        ),
        20..=24 => format!("def {a}_{b}(self, {c}, *args, **kwargs):\n"),
        _ => format!(
            "{indent}{a}_{b} = compute_{c}({a}, {b}={})\n",
            rng.below(1000)
        ),
    }
}

fn python(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(b"import os\nfrom django.conf import settings\n\n");
    while out.len() < size {
        let indent = if rng.below(3) == 0 {
            "        "
        } else {
            "    "
        };
        out.extend_from_slice(code_line(rng, indent).as_bytes());
    }
    out
}

fn json(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(b"[\n");
    while out.len() < size {
        let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
        let extra = if rng.below(20) == 0 {
            ", \"token_type\": \"bearer\""
        } else {
            ""
        };
        out.extend_from_slice(
            format!(
                "  {{\"id\": {}, \"name\": \"{a} {b}\", \"url\": \"https://api.corp.internal/v1/{a}/{b}\", \"hash\": \"{}\", \"enabled\": true{extra}}},\n",
                rng.below(1_000_000),
                rng.token(b"0123456789abcdef", 40)
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(b"{}]\n");
    out
}

fn minified_js(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    while out.len() < size {
        let (a, b) = (rng.pick(WORDS), rng.pick(WORDS));
        let piece = match rng.below(60) {
            0 => format!("var {a}=n(\"{b}\"),r={{token:e.token,apiKey:e.key,secret:o.secret}};"),
            1 => format!("if(!{a}.password)throw new Error(\"{b} required\");"),
            2..=5 => format!(
                "fetch(\"https://cdn.example.net/{a}/{b}.js\").then(function(e){{return e.json()}});"
            ),
            6..=20 => format!("function {a}{b}(e,t){{return e.{a}?t.{b}(e):null}};"),
            21..=30 => format!("e.exports={{{a}:\"{}\"}};", rng.token(ALNUM, 12)),
            _ => format!("{a}.{b}={a}.{b}||[];"),
        };
        out.extend_from_slice(piece.as_bytes());
        if out.len() % 200_000 < piece.len() {
            out.push(b'\n');
        }
    }
    out
}

fn prose(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    while out.len() < size {
        let n = 8 + rng.below(12);
        for i in 0..n {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(rng.pick(WORDS).as_bytes());
        }
        out.extend_from_slice(b".\n");
    }
    out
}

fn logs(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 256);
    while out.len() < size {
        let line = format!(
            "2025-06-01T12:{:02}:{:02}.{:03}Z INFO [{}] 10.0.{}.{} GET /api/{}/{} 200 {}ms session={} auth=ok\n",
            rng.below(60),
            rng.below(60),
            rng.below(1000),
            rng.pick(WORDS),
            rng.below(255),
            rng.below(255),
            rng.pick(WORDS),
            rng.below(100_000),
            rng.below(900),
            rng.token(b"0123456789abcdef", 16)
        );
        out.extend_from_slice(line.as_bytes());
    }
    out
}

fn binary(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    out.extend_from_slice(b"\x7fELF");
    while out.len() < size {
        out.extend_from_slice(&rng.next().to_le_bytes());
    }
    out
}

fn base64_blob(rng: &mut Rng, size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 80);
    while out.len() < size {
        out.extend_from_slice(rng.token(B64, 76).as_bytes());
        out.push(b'\n');
    }
    out
}

fn main() {
    let total_mb: usize = std::env::var("DRYDOCK_SECRETS_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let target = total_mb * 1024 * 1024;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    type Gen = fn(&mut Rng, usize) -> Vec<u8>;
    // (kind, extension, generator, share of the corpus in percent)
    let kinds: [(&str, &str, Gen, usize); 7] = [
        ("python", "py", python, 25),
        ("json", "json", json, 15),
        ("minified-js", "min.js", minified_js, 15),
        ("prose", "txt", prose, 10),
        ("logs", "log", logs, 15),
        ("binary", "bin-data", binary, 12),
        ("base64", "pem-bundle", base64_blob, 8),
    ];
    let mut files: Vec<(usize, String, Vec<u8>)> = Vec::new();
    let mut produced = 0usize;
    let mut n = 0usize;
    while produced < target {
        let roll = rng.below(100);
        let mut acc = 0;
        let mut ki = 0;
        for (i, k) in kinds.iter().enumerate() {
            acc += k.3;
            if roll < acc {
                ki = i;
                break;
            }
        }
        let Some(&(_, ext, generator, _)) = kinds.get(ki) else {
            continue;
        };
        let size = 4096 + rng.below(if ki == 2 { 2_000_000 } else { 400_000 });
        let mut content = generator(&mut rng, size);
        if n.is_multiple_of(97) && ki != 5 {
            // Plant a few secrets so the match path is exercised too.
            let secret = format!(
                "\nGITHUB_TOKEN=ghp_{}\nAWS_ACCESS_KEY_ID=AKIA{}\n",
                rng.token(ALNUM, 36),
                rng.token(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            );
            content.extend_from_slice(secret.as_bytes());
        }
        produced += content.len();
        files.push((
            ki,
            format!(
                "/srv/app/{}/file{n}.{ext}",
                kinds.get(ki).map_or("x", |k| k.0)
            ),
            content,
        ));
        n += 1;
    }
    let set = RuleSet::builtin();
    let limits = Limits::default();
    // Warm up lazily built state (DFA caches) on a small slice.
    for (_, path, content) in files.iter().take(20) {
        let _ = set.scan(path, content, &limits);
    }
    if std::env::var_os("DRYDOCK_SECRETS_BENCH_MATCHES").is_some() {
        let mut by_rule: std::collections::BTreeMap<String, (usize, String)> =
            std::collections::BTreeMap::new();
        for (_, path, content) in &files {
            for m in set.scan(path, content, &limits) {
                let e = by_rule
                    .entry(m.rule_id.clone())
                    .or_insert((0, String::new()));
                e.0 += 1;
                if e.1.is_empty() {
                    e.1 = format!("{path}:{} {}", m.line, m.secret);
                }
            }
        }
        for (rule, (n, example)) in by_rule {
            println!("  {rule}: {n} e.g. {example}");
        }
    }
    // Timings on shared machines are noisy: run the whole corpus several times and keep, per
    // content kind and overall, the fastest pass.
    const PASSES: usize = 3;
    let mut per_kind = vec![(0usize, f64::MAX, 0usize); kinds.len()];
    for (ki, _, content) in &files {
        if let Some(slot) = per_kind.get_mut(*ki) {
            slot.0 += content.len();
            slot.2 += 1;
        }
    }
    let mut totals = Vec::with_capacity(PASSES);
    let mut matches = 0usize;
    for _ in 0..PASSES {
        let mut pass = vec![0f64; kinds.len()];
        let start = Instant::now();
        matches = 0;
        for (ki, path, content) in &files {
            let t = Instant::now();
            if set.wants_path(path, content.len() as u64, &limits) {
                matches += set.scan(path, content, &limits).len();
            }
            if let Some(slot) = pass.get_mut(*ki) {
                *slot += t.elapsed().as_secs_f64();
            }
        }
        totals.push(start.elapsed().as_secs_f64());
        for (slot, t) in per_kind.iter_mut().zip(&pass) {
            slot.1 = slot.1.min(*t);
        }
    }
    totals.sort_by(f64::total_cmp);
    let secs = totals.first().copied().unwrap_or(f64::MAX);
    let median = totals.get(totals.len() / 2).copied().unwrap_or(f64::MAX);
    let mb = produced as f64 / 1e6;
    println!(
        "drydock-secrets scan bench: {} rules, {} files, {:.1} MB",
        set.rules().len(),
        files.len(),
        mb
    );
    for ((name, _, _, _), (bytes, t, count)) in kinds.iter().zip(&per_kind) {
        println!(
            "  {name:<12} {count:>5} files {:>8.1} MB {:>9.1} MB/s",
            *bytes as f64 / 1e6,
            *bytes as f64 / 1e6 / t.max(1e-9)
        );
    }
    let text_bytes: usize = per_kind
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(_, k)| k.0)
        .sum();
    let text_secs: f64 = per_kind
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(_, k)| k.1)
        .sum();
    println!(
        "  text only (no binary) {:.1} MB/s",
        text_bytes as f64 / 1e6 / text_secs.max(1e-9)
    );
    println!(
        "total: {:.1} MB in {:.3} s = {:.1} MB/s single-threaded, best of {PASSES} passes (median {:.1} MB/s; {matches} matches)",
        mb,
        secs,
        mb / secs.max(1e-9),
        mb / median.max(1e-9)
    );
}
