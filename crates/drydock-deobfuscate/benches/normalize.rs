//! Throughput of `normalize` (single-threaded) on synthetic benign code, obfuscated samples
//! and adversarial inputs built to hit the worst cases (deep nesting, long chains, decoder
//! spam, variable doubling, random bytes). `cargo bench -p drydock-deobfuscate` prints MB/s per
//! kind (best of three passes). `DRYDOCK_DEOBF_BENCH_MB` sets the size of the benign corpora.

use base64::Engine as _;
use drydock_deobfuscate::{Language, Limits, normalize};
use flate2::Compression;
use std::io::Write;
use std::time::{Duration, Instant};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic and good enough for synthetic code.
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
}

const WORDS: &[&str] = &[
    "user", "value", "config", "server", "client", "handler", "cache", "result", "error",
    "response", "session", "data", "items", "index", "count", "update", "render", "template",
    "payment", "order", "status", "message", "event", "stream", "buffer", "parse", "format",
];

fn b64(d: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(d)
}

fn deflate(d: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(d).expect("write to Vec");
    e.finish().expect("finish to Vec")
}

fn php_file(r: &mut Rng, size: usize) -> String {
    let mut s = String::from("<?php\nnamespace App;\n\n");
    while s.len() < size {
        let (a, b, c) = (r.pick(WORDS), r.pick(WORDS), r.pick(WORDS));
        match r.below(6) {
            0 => s.push_str(&format!("/**\n * Returns the {a} of the {b}.\n * @param string ${c}\n */\n")),
            1 => s.push_str(&format!("public function {a}_{b}(string ${c}, int $n = 0): string\n{{\n    $out = '{a}' . ${c} . \"/{b}\"; // {c}\n    return sprintf('%s-%d', $out, $n + 1);\n}}\n")),
            2 => s.push_str(&format!("    ${a} = $this->{b}->get('{c}', ['x' => 1, 'y' => \"{a} {{$n}}\"]);\n")),
            3 => s.push_str(&format!("    if (${a} === null || !isset(${b}['{c}'])) {{ throw new \\RuntimeException(\"missing {c}\"); }}\n")),
            4 => s.push_str(&format!("    $html = <<<HTML\n    <div class=\"{a}\">{{${b}}}</div>\n    HTML;\n")),
            _ => s.push_str(&format!("    # {a} {b}\n    foreach (${a} as $k => $v) {{ ${b}[$k] = strtolower($v) . '{c}'; }}\n")),
        }
    }
    s
}

fn js_file(r: &mut Rng, size: usize) -> String {
    let mut s = String::new();
    while s.len() < size {
        let (a, b, c) = (r.pick(WORDS), r.pick(WORDS), r.pick(WORDS));
        match r.below(5) {
            0 => s.push_str(&format!(
                "function {a}({b},{c}){{return {b}+\"/\"+{c}.{a}||'{b}'}}"
            )),
            1 => s.push_str(&format!(
                "var {a}=/^[a-z]+\\/{b}$/i.test({c})?{c}.split(\",\"):[];"
            )),
            2 => s.push_str(&format!("const {a}=`${{{b}}}-{c}`;/* {a} */")),
            3 => s.push_str(&format!(
                "{a}.{b}=function(e){{e.preventDefault();this['{c}'](e.target)}};\n"
            )),
            _ => s.push_str(&format!("if({a}&&{a}.{b}){{{c}={a}[{b}]/2}}// {c}\n")),
        }
    }
    s
}

fn webshell(r: &mut Rng) -> String {
    let cmd = r.pick(&["system", "passthru", "shell_exec", "exec"]);
    let mut code = format!(
        "if(isset($_REQUEST['{0}'])){{{cmd}($_REQUEST['{0}']);}}",
        r.pick(WORDS)
    );
    for _ in 0..1 + r.below(4) {
        code = match r.below(3) {
            0 => format!(
                "eval(gzinflate(base64_decode('{}')));",
                b64(&deflate(code.as_bytes()))
            ),
            1 => format!("eval(base64_decode('{}'));", b64(code.as_bytes())),
            _ => format!(
                "$f='gz'.'inf'.'late';$g=\"\\x62ase64_\".'decode';eval($f($g('{}')));",
                b64(&deflate(code.as_bytes()))
            ),
        };
    }
    format!("<?php /* cache */ {code} ?>")
}

fn timed(items: &[(Language, Vec<u8>)]) -> (Duration, usize) {
    let limits = Limits::default();
    let mut best = Duration::MAX;
    let mut decoded = 0;
    for _ in 0..3 {
        let start = Instant::now();
        decoded = 0;
        for (lang, data) in items {
            let n = normalize(*lang, data, &limits);
            decoded += n.decoded.len();
        }
        best = best.min(start.elapsed());
    }
    (best, decoded)
}

fn report(name: &str, items: &[(Language, Vec<u8>)]) {
    let bytes: usize = items.iter().map(|(_, d)| d.len()).sum();
    let (t, decoded) = timed(items);
    let mbps = bytes as f64 / 1e6 / t.as_secs_f64().max(1e-9);
    println!(
        "{name:<34} {:>8.2} MB in {:>8.3} s = {mbps:>8.1} MB/s ({} files, {decoded} decoded)",
        bytes as f64 / 1e6,
        t.as_secs_f64(),
        items.len()
    );
}

fn main() {
    let mb: usize = std::env::var("DRYDOCK_DEOBF_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let per_file = 48 << 10;
    let files = (mb << 20) / per_file;
    let php: Vec<_> = (0..files)
        .map(|_| (Language::Php, php_file(&mut r, per_file).into_bytes()))
        .collect();
    let js: Vec<_> = (0..files)
        .map(|_| (Language::JavaScript, js_file(&mut r, per_file).into_bytes()))
        .collect();
    let shells: Vec<_> = (0..2000)
        .map(|_| (Language::Php, webshell(&mut r).into_bytes()))
        .collect();
    report("benign PHP", &php);
    report("benign minified JS", &js);
    report("obfuscated PHP webshells", &shells);

    let size = 2 << 20;
    let rep = |unit: &str| unit.repeat(size / unit.len());
    let adversarial: Vec<(&str, Language, String)> = vec![
        ("2 MiB of '('", Language::Php, format!("<?php {}", rep("("))),
        (
            "2 MiB of 'base64_decode('",
            Language::Php,
            format!("<?php {}'YQ=='", rep("base64_decode(")),
        ),
        (
            "2 MiB literal chain",
            Language::Php,
            format!("<?php $x = {}'a';", rep("'a'.")),
        ),
        (
            "2 MiB chain ending in index",
            Language::Php,
            format!("<?php $x = {}'a'[0];", rep("'a'.")),
        ),
        (
            "2 MiB chain after '1 +'",
            Language::Php,
            format!("<?php $x = 1 + {}'a';", rep("'a'.")),
        ),
        (
            "2 MiB failing groups",
            Language::Php,
            format!("<?php {}", rep("('a'.$x)")),
        ),
        (
            "2 MiB variable doubling",
            Language::Php,
            format!("<?php $a='xxxxxxxx';{}", rep("$a=$a.$a;")),
        ),
        (
            "2 MiB of hex escapes",
            Language::Php,
            format!("<?php $a=\"{}\";", rep("\\x41")),
        ),
        (
            "2 MiB of JS '+' chain",
            Language::JavaScript,
            format!("x = {}'a'", rep("'a'+")),
        ),
        ("2 MiB of JS templates", Language::JavaScript, rep("`${`")),
        (
            "2 MiB of JS brackets",
            Language::JavaScript,
            rep("a['b'+c]"),
        ),
    ];
    for (name, lang, src) in adversarial {
        report(name, &[(lang, src.into_bytes())]);
    }
    let random: Vec<u8> = (0..size).map(|_| r.next() as u8).collect();
    report(
        "2 MiB random bytes (PHP)",
        &[(Language::Php, random.clone())],
    );
    report("2 MiB random bytes (JS)", &[(Language::JavaScript, random)]);
}
