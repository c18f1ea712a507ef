//! Normalizer for obfuscated PHP and JavaScript, so that malware rules can match webshells
//! whatever their packing.
//!
//! [`normalize`] strips comments, collapses whitespace, folds string-literal concatenations and
//! escape sequences (`"ba"."se64_decode"`, `chr(115).chr(121)`, `"\x73\x79"`,
//! `String.fromCharCode(...)`), substitutes function names held in straight-line variables
//! (`$f = "gz"."inflate"; $f(...)`) and evaluates decoder chains on literal arguments
//! (`eval(gzinflate(base64_decode('...')))`, `str_rot13`, `strrev`, `hex2bin`, `urldecode`,
//! `atob`, `unescape`, ...). Every decoded payload is reported as a [`Decoded`] item and, when it
//! is text, normalized again in turn, up to [`Limits::max_depth`].
//!
//! The output is for pattern matching, not for execution: the normalized text is one line, and
//! the variable tracking ignores control flow and scopes.
//!
//! Everything is bounded: input size, nesting depth, total decoded bytes and each
//! decompression (a deflate bomb stops at [`Limits::max_inflate`] with a note). No input makes
//! [`normalize`] panic, and the work is linear in the input apart from the bounded decoding.

mod decode;
mod engine;
mod lex;
mod quote;

use std::collections::HashSet;
use std::fmt;

/// Source language of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Php,
    JavaScript,
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Language::Php => "php",
            Language::JavaScript => "javascript",
        })
    }
}

/// Cheap guess from the path extension (`.php .phtml .php3`-`.php8 .phar .inc`; `.js .mjs .cjs`)
/// and, failing that, the first bytes (`<?php`, `<?=`, or a `php`/`node` shebang).
pub fn language_of(path: &str, head: &[u8]) -> Option<Language> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if let Some((_, ext)) = name.rsplit_once('.') {
        let ext = ext.to_ascii_lowercase();
        match ext.as_str() {
            "php" | "phtml" | "php3" | "php4" | "php5" | "php6" | "php7" | "php8" | "phar"
            | "inc" => return Some(Language::Php),
            "js" | "mjs" | "cjs" => return Some(Language::JavaScript),
            _ => {}
        }
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut rest = head.trim_ascii_start();
    if let Some(shebang) = rest.strip_prefix(b"#!") {
        let line_end = memchr::memchr(b'\n', shebang).unwrap_or(shebang.len());
        let line = shebang.get(..line_end).unwrap_or(&[]);
        if memchr::memmem::find(line, b"node").is_some() {
            return Some(Language::JavaScript);
        }
        // Only a PHP interpreter line says anything; other shebangs are not ours.
        memchr::memmem::find(line, b"php")?;
        rest = shebang.get(line_end..).unwrap_or(&[]).trim_ascii_start();
        if rest.is_empty() {
            return Some(Language::Php);
        }
    }
    let php_tag = rest.len() >= 5
        && rest
            .get(..5)
            .is_some_and(|t| t.eq_ignore_ascii_case(b"<?php"));
    if php_tag || rest.starts_with(b"<?=") {
        return Some(Language::Php);
    }
    None
}

/// Resource limits of one [`normalize`] call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Input beyond this many bytes is ignored (and the result flagged truncated). Also caps
    /// each decoded payload that is normalized again.
    pub max_input: usize,
    /// Decoded payloads nested deeper than this are not decoded (capped internally at 32).
    pub max_depth: usize,
    /// Budget for all decoded bytes: both the bytes decoders produce and the sum of
    /// `Decoded::text` lengths stay within it.
    pub max_decoded_total: usize,
    /// Output cap of each `gzinflate`/`gzuncompress`/`gzdecode` call.
    pub max_inflate: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input: 2 << 20,
            max_depth: 8,
            max_decoded_total: 8 << 20,
            max_inflate: 4 << 20,
        }
    }
}

/// Hard cap on recursion whatever `Limits::max_depth` says, to keep the stack bounded.
const DEPTH_CAP: usize = 32;
const MAX_NOTES: usize = 32;

/// One transformation applied while normalizing or decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    StripComments,
    /// String literals joined (`.` in PHP, `+` in JS).
    Concat,
    Base64,
    Gzinflate,
    Gzuncompress,
    Gzdecode,
    StrRot13,
    /// `hex2bin`, `pack('H*', ..)`, `Buffer.from(.., 'hex')`, and `\x41`/octal/`\u` escapes.
    Hex,
    /// `chr(..)` chains and `String.fromCharCode(..)`.
    Chr,
    /// `strrev` and JS `.split('').reverse().join('')`.
    Strrev,
    /// `urldecode`, `rawurldecode`, JS `unescape`, `decodeURIComponent`, `decodeURI`.
    UrlDecode,
    /// A function name held in a variable was substituted (`$a='base64_decode'; $a(...)`, JS
    /// `window[f](...)`).
    Variable,
    /// `convert_uudecode`.
    Uudecode,
    /// `str_replace` with literal arguments.
    StrReplace,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::StripComments => "strip-comments",
            Step::Concat => "concat",
            Step::Base64 => "base64",
            Step::Gzinflate => "gzinflate",
            Step::Gzuncompress => "gzuncompress",
            Step::Gzdecode => "gzdecode",
            Step::StrRot13 => "str_rot13",
            Step::Hex => "hex",
            Step::Chr => "chr",
            Step::Strrev => "strrev",
            Step::UrlDecode => "urldecode",
            Step::Variable => "variable",
            Step::Uudecode => "uudecode",
            Step::StrReplace => "str_replace",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payload produced by evaluating a decoder chain on literal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// 1 for payloads found in the file itself, 2 for payloads found inside those, ...
    pub depth: usize,
    /// How the payload bytes were derived, innermost first (e.g. `[Base64, Gzinflate]` for
    /// `gzinflate(base64_decode('..'))`). Function-name resolution is not part of it.
    pub steps: Vec<Step>,
    /// The payload normalized in turn when it is text; lossy UTF-8 of the bytes otherwise.
    pub text: String,
    /// Byte offset, in the parent's normalized text, of the outermost decoder call.
    pub offset: usize,
    /// Index in `Normalized::decoded` of the payload this one was found in (`None`: the file).
    pub parent: Option<usize>,
    /// Length of the decoded bytes before any normalization.
    pub raw_len: usize,
    /// The payload is text and `text` is its normalized form (false: binary, lossy bytes).
    pub is_text: bool,
    /// `text` was cut by a limit.
    pub truncated: bool,
}

/// Result of [`normalize`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Normalized {
    /// The whole file normalized: comments stripped, whitespace collapsed, literal
    /// concatenations and escapes folded, variable-held function names substituted.
    pub text: String,
    /// Every decoded payload, parents before children.
    pub decoded: Vec<Decoded>,
    /// Some limit cut the work short (input size, depth, budget, inflate size, text size).
    pub truncated: bool,
    /// Human-readable reasons, e.g. "gzinflate output over 4 MiB limit at depth 2".
    pub notes: Vec<String>,
    /// Text-level transformations applied to `text`, in first-seen order.
    pub steps: Vec<Step>,
}

/// Normalizes `input` as `lang` source. Never panics; see [`Limits`] for the bounds.
pub fn normalize(lang: Language, input: &[u8], limits: &Limits) -> Normalized {
    let mut ctx = Ctx::new(limits);
    let mut src = input;
    if src.len() > ctx.limits.max_input {
        ctx.cut(format!(
            "input truncated to {} (was {})",
            human(ctx.limits.max_input),
            human(input.len())
        ));
        src = src.get(..ctx.limits.max_input).unwrap_or(&[]);
    }
    // A file with no PHP tag at all cannot run anything in PHP; it is far more often a code
    // fragment than an HTML page, so read it as code.
    let code_first = memchr::memmem::find(src, b"<?").is_none();
    let (text, steps) = engine::normalize_unit(&mut ctx, lang, src, 0, None, code_first);
    Normalized {
        text,
        decoded: ctx.decoded,
        truncated: ctx.truncated,
        notes: ctx.notes,
        steps,
    }
}

/// State shared by a file and all payloads decoded from it.
pub(crate) struct Ctx {
    pub limits: Limits,
    /// Bytes decoders may still produce.
    pub work_left: usize,
    /// Bytes that expression evaluation may still copy or feed to decoders. Output budgets do
    /// not bound re-reading the same variable or decoding junk again and again; this does.
    pub effort_left: usize,
    /// Bytes of `Decoded::text` that may still be stored.
    pub stored_left: usize,
    pub decoded: Vec<Decoded>,
    pub notes: Vec<String>,
    pub truncated: bool,
    /// Payloads already reported, to avoid repeating (and re-normalizing) the same one.
    pub seen: HashSet<u64>,
}

impl Ctx {
    fn new(limits: &Limits) -> Self {
        let mut limits = *limits;
        limits.max_depth = limits.max_depth.min(DEPTH_CAP);
        // Token offsets are u32.
        limits.max_input = limits.max_input.min(u32::MAX as usize / 8);
        Ctx {
            limits,
            work_left: limits.max_decoded_total,
            effort_left: limits.max_input.saturating_mul(16),
            stored_left: limits.max_decoded_total,
            decoded: Vec::new(),
            notes: Vec::new(),
            truncated: false,
            seen: HashSet::new(),
        }
    }

    pub fn note(&mut self, msg: String) {
        if self.notes.len() < MAX_NOTES && !self.notes.contains(&msg) {
            self.notes.push(msg);
        }
    }

    /// Notes a limit that cut the work short.
    pub fn cut(&mut self, msg: String) {
        self.truncated = true;
        self.note(msg);
    }
}

/// "4 MiB", "512 KiB", "100 bytes".
pub(crate) fn human(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_extension_and_head() {
        assert_eq!(language_of("a/b/shell.PHP", b""), Some(Language::Php));
        assert_eq!(language_of("x.phtml", b""), Some(Language::Php));
        assert_eq!(language_of("x.php7", b""), Some(Language::Php));
        assert_eq!(language_of("lib.inc", b""), Some(Language::Php));
        assert_eq!(language_of("app.min.js", b""), Some(Language::JavaScript));
        assert_eq!(language_of("m.mjs", b""), Some(Language::JavaScript));
        assert_eq!(language_of("m.cjs", b""), Some(Language::JavaScript));
        assert_eq!(
            language_of("upload.jpg", b"\xEF\xBB\xBF <?PHP eval("),
            Some(Language::Php)
        );
        assert_eq!(language_of("x", b"<?= $x ?>"), Some(Language::Php));
        assert_eq!(
            language_of("x", b"#!/usr/bin/env php\n<?php"),
            Some(Language::Php)
        );
        assert_eq!(
            language_of("x", b"#!/usr/bin/env node\n"),
            Some(Language::JavaScript)
        );
        assert_eq!(language_of("x", b"#!/bin/sh\n<?php"), None);
        assert_eq!(language_of("x.txt", b"hello <?php"), None);
        assert_eq!(language_of("", b""), None);
        assert_eq!(language_of("dir.php/readme", b""), None);
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(4 << 20), "4 MiB");
        assert_eq!(human(512 << 10), "512 KiB");
        assert_eq!(human(100), "100 bytes");
    }

    #[test]
    fn step_names_are_distinct() {
        let all = [
            Step::StripComments,
            Step::Concat,
            Step::Base64,
            Step::Gzinflate,
            Step::Gzuncompress,
            Step::Gzdecode,
            Step::StrRot13,
            Step::Hex,
            Step::Chr,
            Step::Strrev,
            Step::UrlDecode,
            Step::Variable,
            Step::Uudecode,
            Step::StrReplace,
        ];
        let names: HashSet<_> = all.iter().map(|s| s.to_string()).collect();
        assert_eq!(names.len(), all.len());
    }
}
