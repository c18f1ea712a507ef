//! Small, forgiving tokenizers for PHP and JavaScript.
//!
//! They only need to be good enough to tell code from comments and string literals, so that
//! comment stripping never eats a `//` inside a string and literal folding sees real literals.
//! Every scan moves strictly forward and malformed input (unterminated strings, comments,
//! heredocs or templates) simply ends at end of input, so lexing is linear and cannot fail.

use memchr::memmem;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// PHP inline HTML outside `<?php ... ?>`.
    Html,
    /// `<?php`, `<?=` or `<?`.
    OpenTag,
    /// `?>`.
    CloseTag,
    /// Identifier or keyword (PHP names may contain namespace backslashes).
    Word,
    /// PHP `$name`.
    Var,
    Num,
    /// String literal; `HAS_VALUE` says whether its value could be resolved (no interpolation).
    Str,
    /// Something kept verbatim: JS regex literal or template with substitutions, PHP backticks,
    /// data after `__halt_compiler`.
    Opaque,
    Punct,
}

/// Whitespace or a comment separated this token from the previous one.
pub(crate) const GAP: u8 = 1;
/// That separation contained a line break (JS automatic semicolon insertion).
pub(crate) const NEWLINE: u8 = 2;
/// A string literal used `\x`, octal or `\u` escapes: an obfuscation tell, re-emitted resolved.
pub(crate) const ESCAPES: u8 = 4;
/// A string literal whose value is in the arena.
pub(crate) const HAS_VALUE: u8 = 8;

/// Compact token: byte ranges are `u32` because inputs are capped well below 4 GiB and hostile
/// inputs can produce one token per byte.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tok {
    pub start: u32,
    pub end: u32,
    pub vstart: u32,
    pub vend: u32,
    pub kind: Kind,
    pub flags: u8,
}

impl Tok {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

pub(crate) struct Lexed {
    pub toks: Vec<Tok>,
    /// Values of string literals, addressed by `Tok::vstart..vend`.
    pub vals: Vec<u8>,
    /// At least one comment was removed.
    pub comments: bool,
}

impl Lexed {
    pub fn text<'a>(&self, src: &'a [u8], t: &Tok) -> &'a [u8] {
        src.get(t.start as usize..t.end as usize).unwrap_or(&[])
    }
    pub fn value(&self, t: &Tok) -> Option<&[u8]> {
        if t.kind == Kind::Str && t.has(HAS_VALUE) {
            self.vals.get(t.vstart as usize..t.vend as usize)
        } else {
            None
        }
    }
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    toks: Vec<Tok>,
    vals: Vec<u8>,
    pending: u8,
    comments: bool,
}

fn at(src: &[u8], i: usize) -> u8 {
    src.get(i).copied().unwrap_or(0)
}

fn php_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn php_ident(b: u8) -> bool {
    php_ident_start(b) || b.is_ascii_digit()
}

fn js_ident_start(b: u8) -> bool {
    php_ident_start(b) || b == b'$'
}

fn js_ident(b: u8) -> bool {
    js_ident_start(b) || b.is_ascii_digit()
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Length of the PHP operator at the start of `r` (longest match, 1 for anything else).
fn php_op_len(r: &[u8]) -> usize {
    let b = |k: usize| r.get(k).copied().unwrap_or(0);
    match (b(0), b(1), b(2)) {
        (b'<', b'=', b'>')
        | (b'*', b'*', b'=')
        | (b'.', b'.', b'.')
        | (b'<', b'<', b'=')
        | (b'>', b'>', b'=')
        | (b'=', b'=', b'=')
        | (b'!', b'=', b'=')
        | (b'?', b'?', b'=')
        | (b'?', b'-', b'>') => 3,
        (b'<', b'<' | b'=' | b'>', _)
        | (b'>', b'>' | b'=', _)
        | (b'=', b'=' | b'>', _)
        | (b'!', b'=', _)
        | (b'&', b'&' | b'=', _)
        | (b'|', b'|' | b'=', _)
        | (b'?', b'?', _)
        | (b'-', b'>' | b'-' | b'=', _)
        | (b':', b':', _)
        | (b'+', b'+' | b'=', _)
        | (b'*', b'*' | b'=', _)
        | (b'/' | b'.' | b'%' | b'^', b'=', _) => 2,
        _ => 1,
    }
}

/// Length of the JS operator at the start of `r` (longest match, 1 for anything else).
fn js_op_len(r: &[u8]) -> usize {
    let b = |k: usize| r.get(k).copied().unwrap_or(0);
    match (b(0), b(1), b(2), b(3)) {
        (b'>', b'>', b'>', b'=') => 4,
        (b'.', b'.', b'.', _)
        | (b'=', b'=', b'=', _)
        | (b'!', b'=', b'=', _)
        | (b'*', b'*', b'=', _)
        | (b'<', b'<', b'=', _)
        | (b'>', b'>', b'=' | b'>', _)
        | (b'&', b'&', b'=', _)
        | (b'|', b'|', b'=', _)
        | (b'?', b'?', b'=', _) => 3,
        (b'=', b'>' | b'=', _, _)
        | (b'!', b'=', _, _)
        | (b'<', b'=' | b'<', _, _)
        | (b'>', b'=' | b'>', _, _)
        | (b'&', b'&' | b'=', _, _)
        | (b'|', b'|' | b'=', _, _)
        | (b'?', b'?', _, _)
        | (b'+', b'+' | b'=', _, _)
        | (b'-', b'-' | b'=', _, _)
        | (b'*', b'*' | b'=', _, _)
        | (b'/' | b'%' | b'^', b'=', _, _) => 2,
        _ => 1,
    }
}

/// JS keywords after which a `/` starts a regular expression rather than a division.
const JS_REGEX_AFTER: &[&[u8]] = &[
    b"return",
    b"typeof",
    b"instanceof",
    b"in",
    b"of",
    b"new",
    b"delete",
    b"void",
    b"throw",
    b"case",
    b"do",
    b"else",
    b"yield",
    b"await",
];

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Self {
        Lexer {
            src,
            pos: 0,
            toks: Vec::new(),
            vals: Vec::new(),
            pending: 0,
            comments: false,
        }
    }

    fn peek(&self, off: usize) -> u8 {
        at(self.src, self.pos.saturating_add(off))
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        self.push_val(kind, start, end, 0, 0, 0);
    }

    fn push_val(&mut self, kind: Kind, start: usize, end: usize, vs: usize, ve: usize, flags: u8) {
        self.toks.push(Tok {
            start: u32_of(start),
            end: u32_of(end),
            vstart: u32_of(vs),
            vend: u32_of(ve),
            kind,
            flags: flags | self.pending,
        });
        self.pending = 0;
    }

    fn finish(self) -> Lexed {
        Lexed {
            toks: self.toks,
            vals: self.vals,
            comments: self.comments,
        }
    }

    /// Skips whitespace; returns true if anything was skipped.
    fn skip_ws(&mut self) -> bool {
        let start = self.pos;
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b'\n' => self.pending |= GAP | NEWLINE,
                b' ' | b'\t' | b'\r' | 0x0b | 0x0c => self.pending |= GAP,
                _ => break,
            }
            self.pos += 1;
        }
        self.pos > start
    }

    fn line_comment(&mut self, php: bool) {
        self.comments = true;
        self.pending |= GAP;
        while let Some(&b) = self.src.get(self.pos) {
            if b == b'\n' || b == b'\r' {
                return;
            }
            // PHP ends a one-line comment at `?>` so the close tag is still seen.
            if php && b == b'?' && self.peek(1) == b'>' {
                return;
            }
            self.pos += 1;
        }
    }

    fn block_comment(&mut self) {
        self.comments = true;
        self.pending |= GAP;
        let body = self.src.get(self.pos + 2..).unwrap_or(&[]);
        match memmem::find(body, b"*/") {
            Some(k) => {
                if memchr::memchr(b'\n', body.get(..k).unwrap_or(&[])).is_some() {
                    self.pending |= NEWLINE;
                }
                self.pos += 2 + k + 2;
            }
            None => self.pos = self.src.len(),
        }
    }

    fn number(&mut self) {
        let start = self.pos;
        let hex = self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X');
        let mut dot = false;
        while let Some(&b) = self.src.get(self.pos) {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else if b == b'.' && !dot && !hex && self.peek(1).is_ascii_digit() {
                dot = true;
                self.pos += 1;
            } else if (b == b'+' || b == b'-')
                && !hex
                && matches!(at(self.src, self.pos.wrapping_sub(1)), b'e' | b'E')
                && self.peek(1).is_ascii_digit()
            {
                self.pos += 1;
            } else {
                break;
            }
        }
        if self.pos == start {
            self.pos += 1;
        }
        self.push(Kind::Num, start, self.pos);
    }

    fn punct(&mut self, op_len: fn(&[u8]) -> usize) {
        let start = self.pos;
        let len = op_len(self.src.get(self.pos..).unwrap_or(&[]));
        self.pos += len.max(1);
        self.push(Kind::Punct, start, self.pos);
    }

    /// Scans a quoted body starting after the opening `quote`; returns the body range and moves
    /// past the closing quote (or to the end when unterminated).
    fn quoted_body(&mut self, quote: u8, stop_at_newline: bool) -> (usize, usize) {
        let body_start = self.pos + 1;
        let mut i = body_start;
        while let Some(&b) = self.src.get(i) {
            if b == b'\\' {
                i += 2;
                continue;
            }
            if b == quote {
                self.pos = i + 1;
                return (body_start, i);
            }
            if stop_at_newline && b == b'\n' {
                self.pos = i;
                return (body_start, i);
            }
            i += 1;
        }
        self.pos = self.src.len();
        (body_start, self.src.len())
    }
}

// ---------------------------------------------------------------------------------------------
// PHP

/// Tokenizes PHP. `code_first` starts inside `<?php` (eval'd payloads, fragments without tags).
pub(crate) fn lex_php(src: &[u8], code_first: bool) -> Lexed {
    let mut lx = Lexer::new(src);
    let mut code = code_first;
    while lx.pos < src.len() {
        if code {
            php_code(&mut lx);
            code = false;
        } else {
            php_html(&mut lx);
            code = true;
        }
    }
    lx.finish()
}

fn php_html(lx: &mut Lexer<'_>) {
    let start = lx.pos;
    let mut from = lx.pos;
    loop {
        let hay = lx.src.get(from..).unwrap_or(&[]);
        let Some(k) = memmem::find(hay, b"<?") else {
            if start < lx.src.len() {
                lx.push(Kind::Html, start, lx.src.len());
            }
            lx.pos = lx.src.len();
            return;
        };
        let p = from + k;
        let after = lx.src.get(p + 2..).unwrap_or(&[]);
        let tag_len = if after.len() >= 3 && after[..3].eq_ignore_ascii_case(b"php") {
            match after.get(3) {
                None => Some(5),
                Some(b) if b.is_ascii_whitespace() => Some(6),
                _ => None,
            }
        } else if after.first() == Some(&b'=') {
            Some(3)
        } else {
            match after.first() {
                None => Some(2),
                Some(b) if b.is_ascii_whitespace() => Some(3),
                _ => None,
            }
        };
        match tag_len {
            Some(len) => {
                if p > start {
                    lx.push(Kind::Html, start, p);
                }
                let end = (p + len).min(lx.src.len());
                lx.push(Kind::OpenTag, p, end);
                lx.pos = end;
                lx.pending = GAP;
                return;
            }
            None => from = p + 2,
        }
    }
}

/// Lexes PHP code until `?>` (inclusive) or end of input.
fn php_code(lx: &mut Lexer<'_>) {
    while lx.pos < lx.src.len() {
        if lx.skip_ws() {
            continue;
        }
        let b = lx.peek(0);
        let start = lx.pos;
        match b {
            b'#' if lx.peek(1) != b'[' => lx.line_comment(true),
            b'/' if lx.peek(1) == b'/' => lx.line_comment(true),
            b'/' if lx.peek(1) == b'*' => lx.block_comment(),
            b'?' if lx.peek(1) == b'>' => {
                lx.pos += 2;
                // The close tag swallows one directly following newline.
                if lx.peek(0) == b'\n' {
                    lx.pos += 1;
                } else if lx.peek(0) == b'\r' && lx.peek(1) == b'\n' {
                    lx.pos += 2;
                }
                lx.push(Kind::CloseTag, start, start + 2);
                return;
            }
            b'\'' => {
                let (bs, be) = lx.quoted_body(b'\'', false);
                let vs = lx.vals.len();
                php_single_unescape(lx.src.get(bs..be).unwrap_or(&[]), &mut lx.vals);
                let ve = lx.vals.len();
                lx.push_val(Kind::Str, start, lx.pos, vs, ve, HAS_VALUE);
            }
            b'"' => {
                let (bs, be) = lx.quoted_body(b'"', false);
                let body = lx.src.get(bs..be).unwrap_or(&[]);
                push_php_dq(lx, start, body, Some(b'"'));
            }
            b'`' => {
                lx.quoted_body(b'`', false);
                lx.push(Kind::Opaque, start, lx.pos);
            }
            b'<' if lx.src.get(lx.pos..).is_some_and(|r| r.starts_with(b"<<<")) => {
                if !php_heredoc(lx) {
                    lx.punct(php_op_len);
                }
            }
            b'$' if php_ident_start(lx.peek(1)) => {
                lx.pos += 1;
                while php_ident(lx.peek(0)) && lx.pos < lx.src.len() {
                    lx.pos += 1;
                }
                lx.push(Kind::Var, start, lx.pos);
            }
            _ if php_ident_start(b) => {
                php_word(lx);
                let word = lx.src.get(start..lx.pos).unwrap_or(&[]);
                if word.eq_ignore_ascii_case(b"__halt_compiler") {
                    php_halt(lx);
                }
            }
            _ if b.is_ascii_digit() || (b == b'.' && lx.peek(1).is_ascii_digit()) => lx.number(),
            _ => lx.punct(php_op_len),
        }
    }
}

fn php_word(lx: &mut Lexer<'_>) {
    let start = lx.pos;
    loop {
        while php_ident(lx.peek(0)) && lx.pos < lx.src.len() {
            lx.pos += 1;
        }
        // Qualified names (`Foo\bar`) stay one word.
        if lx.peek(0) == b'\\' && php_ident_start(lx.peek(1)) && lx.pos + 1 < lx.src.len() {
            lx.pos += 1;
            continue;
        }
        break;
    }
    lx.push(Kind::Word, start, lx.pos);
}

/// After `__halt_compiler();` the rest of the file is data for the script, not code.
fn php_halt(lx: &mut Lexer<'_>) {
    let save = (lx.pos, lx.toks.len());
    let mut seen = 0;
    while seen < 3 && lx.pos < lx.src.len() {
        lx.skip_ws();
        let expect: &[u8] = match seen {
            0 => b"(",
            1 => b")",
            _ => b";",
        };
        if lx.src.get(lx.pos..).is_some_and(|r| r.starts_with(expect)) {
            lx.punct(php_op_len);
            seen += 1;
        } else if seen == 2 && lx.src.get(lx.pos..).is_some_and(|r| r.starts_with(b"?>")) {
            lx.push(Kind::CloseTag, lx.pos, lx.pos + 2);
            lx.pos += 2;
            seen = 3;
        } else {
            break;
        }
    }
    if seen < 3 {
        lx.pos = save.0;
        lx.toks.truncate(save.1);
        lx.pending = 0;
        return;
    }
    if lx.pos < lx.src.len() {
        lx.push(Kind::Opaque, lx.pos, lx.src.len());
        lx.pos = lx.src.len();
    }
}

fn push_php_dq(lx: &mut Lexer<'_>, start: usize, body: &[u8], quote: Option<u8>) {
    let vs = lx.vals.len();
    let (interp, esc) = php_double_unescape(body, quote, &mut lx.vals);
    if interp {
        lx.vals.truncate(vs);
        lx.push(Kind::Str, start, lx.pos);
    } else {
        let ve = lx.vals.len();
        let flags = HAS_VALUE | if esc { ESCAPES } else { 0 };
        lx.push_val(Kind::Str, start, lx.pos, vs, ve, flags);
    }
}

pub(crate) fn php_single_unescape(body: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if b == b'\\' && matches!(at(body, i + 1), b'\\' | b'\'') {
            out.push(at(body, i + 1));
            i += 2;
        } else {
            out.push(b);
            i += 1;
        }
    }
}

fn hex_val(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

fn push_char(out: &mut Vec<u8>, cp: u32) {
    let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Resolves PHP double-quote/heredoc escapes. Returns (has interpolation, used hex/octal/unicode
/// escapes). `quote` is the delimiter that `\` may escape (`None` for heredoc).
pub(crate) fn php_double_unescape(
    body: &[u8],
    quote: Option<u8>,
    out: &mut Vec<u8>,
) -> (bool, bool) {
    let mut interp = false;
    let mut esc = false;
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        match b {
            b'$' if php_ident_start(at(body, i + 1)) || at(body, i + 1) == b'{' => {
                interp = true;
                out.push(b);
                i += 1;
            }
            b'{' if at(body, i + 1) == b'$' => {
                interp = true;
                out.push(b);
                i += 1;
            }
            b'\\' => {
                let n = at(body, i + 1);
                i += 2;
                match n {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'v' => out.push(0x0b),
                    b'e' => out.push(0x1b),
                    b'f' => out.push(0x0c),
                    b'\\' => out.push(b'\\'),
                    b'$' => out.push(b'$'),
                    b'0'..=b'7' => {
                        let mut v = u32::from(n - b'0');
                        for _ in 0..2 {
                            match at(body, i) {
                                d @ b'0'..=b'7' => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push((v & 0xff) as u8);
                        esc = true;
                    }
                    b'x' if hex_val(at(body, i)).is_some() => {
                        let mut v = hex_val(at(body, i)).unwrap_or(0);
                        i += 1;
                        if let Some(d) = hex_val(at(body, i)) {
                            v = v * 16 + d;
                            i += 1;
                        }
                        out.push(v as u8);
                        esc = true;
                    }
                    b'u' if at(body, i) == b'{' => {
                        let digits = body.get(i + 1..).unwrap_or(&[]);
                        let len = digits.iter().take_while(|d| d.is_ascii_hexdigit()).count();
                        let cp = digits
                            .get(..len)
                            .and_then(|d| std::str::from_utf8(d).ok())
                            .and_then(|d| u32::from_str_radix(d, 16).ok());
                        match (cp, at(digits, len)) {
                            (Some(cp), b'}') if len > 0 => {
                                push_char(out, cp);
                                i += len + 2;
                                esc = true;
                            }
                            _ => out.extend_from_slice(b"\\u"),
                        }
                    }
                    _ if Some(n) == quote => out.push(n),
                    _ => {
                        out.push(b'\\');
                        if i - 1 < body.len() {
                            out.push(n);
                        }
                    }
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    (interp, esc)
}

/// `<<<ID`, `<<<"ID"` (heredoc) or `<<<'ID'` (nowdoc). Returns false if this is not one.
fn php_heredoc(lx: &mut Lexer<'_>) -> bool {
    let src = lx.src;
    let start = lx.pos;
    let mut i = start + 3;
    while matches!(at(src, i), b' ' | b'\t') {
        i += 1;
    }
    let quote = match at(src, i) {
        q @ (b'\'' | b'"') => {
            i += 1;
            Some(q)
        }
        _ => None,
    };
    let id_start = i;
    if !php_ident_start(at(src, i)) || i >= src.len() {
        return false;
    }
    while php_ident(at(src, i)) && i < src.len() {
        i += 1;
    }
    let id = src.get(id_start..i).unwrap_or(&[]);
    if let Some(q) = quote {
        if at(src, i) != q {
            return false;
        }
        i += 1;
    }
    match at(src, i) {
        b'\n' => i += 1,
        b'\r' if at(src, i + 1) == b'\n' => i += 2,
        _ => return false,
    }
    let body_start = i;
    // Find the closing identifier at the start of a line (PHP 7.3+ allows indentation).
    let mut line = body_start;
    let (body_end, indent, end) = loop {
        if line >= src.len() {
            break (src.len(), 0, src.len());
        }
        let mut j = line;
        while matches!(at(src, j), b' ' | b'\t') {
            j += 1;
        }
        let rest = src.get(j..).unwrap_or(&[]);
        if rest.starts_with(id) && !php_ident(at(src, j + id.len())) {
            let mut be = line;
            if be > body_start && at(src, be - 1) == b'\n' {
                be -= 1;
                if be > body_start && at(src, be - 1) == b'\r' {
                    be -= 1;
                }
            }
            break (be.max(body_start), j - line, j + id.len());
        }
        match memchr::memchr(b'\n', src.get(line..).unwrap_or(&[])) {
            Some(k) => line += k + 1,
            None => line = src.len(),
        }
    };
    lx.pos = end;
    let raw = src.get(body_start..body_end).unwrap_or(&[]);
    let body = if indent > 0 {
        dedent(raw, indent)
    } else {
        raw.to_vec()
    };
    if quote == Some(b'\'') {
        let vs = lx.vals.len();
        lx.vals.extend_from_slice(&body);
        let ve = lx.vals.len();
        lx.push_val(Kind::Str, start, end, vs, ve, HAS_VALUE);
    } else {
        push_php_dq(lx, start, &body, None);
    }
    true
}

fn dedent(raw: &[u8], indent: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for (n, line) in raw.split(|&b| b == b'\n').enumerate() {
        if n > 0 {
            out.push(b'\n');
        }
        let skip = line
            .iter()
            .take(indent)
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        out.extend_from_slice(line.get(skip..).unwrap_or(&[]));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// JavaScript

pub(crate) fn lex_js(src: &[u8]) -> Lexed {
    let mut lx = Lexer::new(src);
    if src.starts_with(b"#!") {
        lx.line_comment(false);
    }
    while lx.pos < src.len() {
        if lx.skip_ws() {
            continue;
        }
        let b = lx.peek(0);
        let start = lx.pos;
        match b {
            b'/' if lx.peek(1) == b'/' => lx.line_comment(false),
            b'/' if lx.peek(1) == b'*' => lx.block_comment(),
            b'/' if js_regex_allowed(&lx) => {
                if !js_regex(&mut lx) {
                    lx.punct(js_op_len);
                }
            }
            b'\'' | b'"' => {
                let (bs, be) = lx.quoted_body(b, true);
                let vs = lx.vals.len();
                let esc = js_unescape(lx.src.get(bs..be).unwrap_or(&[]), &mut lx.vals);
                let ve = lx.vals.len();
                let flags = HAS_VALUE | if esc { ESCAPES } else { 0 };
                lx.push_val(Kind::Str, start, lx.pos, vs, ve, flags);
            }
            b'`' => js_template(&mut lx),
            b'?' if lx.peek(1) == b'.' && !lx.peek(2).is_ascii_digit() => {
                lx.pos += 2;
                lx.push(Kind::Punct, start, lx.pos);
            }
            _ if js_ident_start(b) || (b == b'\\' && lx.peek(1) == b'u') => {
                lx.pos += 1;
                while lx.pos < lx.src.len() && (js_ident(lx.peek(0)) || lx.peek(0) == b'\\') {
                    lx.pos += 1;
                }
                lx.push(Kind::Word, start, lx.pos);
            }
            _ if b.is_ascii_digit() || (b == b'.' && lx.peek(1).is_ascii_digit()) => lx.number(),
            _ => lx.punct(js_op_len),
        }
    }
    lx.finish()
}

fn js_regex_allowed(lx: &Lexer<'_>) -> bool {
    let Some(prev) = lx.toks.last() else {
        return true;
    };
    let text = lx
        .src
        .get(prev.start as usize..prev.end as usize)
        .unwrap_or(&[]);
    match prev.kind {
        Kind::Punct => !matches!(text, b")" | b"]" | b"}"),
        Kind::Word => JS_REGEX_AFTER.contains(&text),
        _ => false,
    }
}

/// Scans a regex literal; false (nothing consumed) if it does not end on this line.
fn js_regex(lx: &mut Lexer<'_>) -> bool {
    let src = lx.src;
    let start = lx.pos;
    let mut i = start + 1;
    let mut class = false;
    loop {
        match src.get(i) {
            None | Some(b'\n') | Some(b'\r') => return false,
            Some(b'\\') => i += 2,
            Some(b'[') => {
                class = true;
                i += 1;
            }
            Some(b']') => {
                class = false;
                i += 1;
            }
            Some(b'/') if !class => {
                i += 1;
                break;
            }
            Some(_) => i += 1,
        }
    }
    while i < src.len() && js_ident(at(src, i)) {
        i += 1;
    }
    lx.pos = i.min(src.len());
    lx.push(Kind::Opaque, start, lx.pos);
    true
}

/// Template literal. Without `${...}` it is a plain string; with substitutions it is kept
/// verbatim, but its extent is found with a small explicit stack so that nested templates,
/// strings and braces inside substitutions cannot end it early.
fn js_template(lx: &mut Lexer<'_>) {
    #[derive(Clone, Copy)]
    enum Frame {
        Tpl,
        Code(u32),
    }
    const MAX_FRAMES: usize = 256;
    let src = lx.src;
    let start = lx.pos;
    let mut i = start + 1;
    let mut stack = vec![Frame::Tpl];
    let mut subst = false;
    while let Some(&top) = stack.last() {
        let Some(&b) = src.get(i) else { break };
        match top {
            Frame::Tpl => match b {
                b'\\' => i += 2,
                b'`' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if at(src, i + 1) == b'{' => {
                    subst = true;
                    if stack.len() >= MAX_FRAMES {
                        i = src.len();
                        break;
                    }
                    stack.push(Frame::Code(0));
                    i += 2;
                }
                _ => i += 1,
            },
            Frame::Code(depth) => match b {
                b'{' => {
                    if let Some(f) = stack.last_mut() {
                        *f = Frame::Code(depth.saturating_add(1));
                    }
                    i += 1;
                }
                b'}' => {
                    if depth == 0 {
                        stack.pop();
                    } else if let Some(f) = stack.last_mut() {
                        *f = Frame::Code(depth - 1);
                    }
                    i += 1;
                }
                b'`' => {
                    if stack.len() >= MAX_FRAMES {
                        i = src.len();
                        break;
                    }
                    stack.push(Frame::Tpl);
                    i += 1;
                }
                b'\'' | b'"' => {
                    i += 1;
                    while let Some(&c) = src.get(i) {
                        if c == b'\\' {
                            i += 2;
                        } else if c == b || c == b'\n' {
                            i += 1;
                            break;
                        } else {
                            i += 1;
                        }
                    }
                }
                b'/' if at(src, i + 1) == b'/' => {
                    match memchr::memchr(b'\n', src.get(i..).unwrap_or(&[])) {
                        Some(k) => i += k,
                        None => i = src.len(),
                    }
                }
                b'/' if at(src, i + 1) == b'*' => {
                    match memmem::find(src.get(i + 2..).unwrap_or(&[]), b"*/") {
                        Some(k) => i += k + 4,
                        None => i = src.len(),
                    }
                }
                _ => i += 1,
            },
        }
    }
    let end = i.min(src.len());
    lx.pos = end;
    if subst {
        lx.push(Kind::Opaque, start, end);
        return;
    }
    let body_end = if end > start + 1 && at(src, end - 1) == b'`' {
        end - 1
    } else {
        end
    };
    let vs = lx.vals.len();
    let esc = js_unescape(src.get(start + 1..body_end).unwrap_or(&[]), &mut lx.vals);
    let ve = lx.vals.len();
    let flags = HAS_VALUE | if esc { ESCAPES } else { 0 };
    lx.push_val(Kind::Str, start, end, vs, ve, flags);
}

fn hex_run(body: &[u8], i: usize, n: usize) -> Option<u32> {
    let digits = body.get(i..i + n)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + hex_val(d)?;
    }
    Some(v)
}

/// Resolves JS string escapes into UTF-8. Returns whether `\x`, `\u` or octal escapes were used.
pub(crate) fn js_unescape(body: &[u8], out: &mut Vec<u8>) -> bool {
    let mut esc = false;
    let mut i = 0;
    while let Some(&b) = body.get(i) {
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        let n = at(body, i + 1);
        i += 2;
        match n {
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'r' => out.push(b'\r'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'v' => out.push(0x0b),
            b'0' if !at(body, i).is_ascii_digit() => out.push(0),
            b'0'..=b'7' => {
                let mut v = u32::from(n - b'0');
                for _ in 0..2 {
                    match at(body, i) {
                        d @ b'0'..=b'7' if v * 8 + u32::from(d - b'0') <= 0xff => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                push_char(out, v);
                esc = true;
            }
            b'x' => match hex_run(body, i, 2) {
                Some(v) => {
                    push_char(out, v);
                    i += 2;
                    esc = true;
                }
                None => out.push(b'x'),
            },
            b'u' => {
                if at(body, i) == b'{' {
                    let digits = body.get(i + 1..).unwrap_or(&[]);
                    let len = digits.iter().take_while(|d| d.is_ascii_hexdigit()).count();
                    let cp = hex_run(digits, 0, len.min(8));
                    match cp {
                        Some(cp) if len > 0 && at(digits, len) == b'}' => {
                            push_char(out, cp);
                            i += len + 2;
                            esc = true;
                        }
                        _ => out.push(b'u'),
                    }
                } else if let Some(hi) = hex_run(body, i, 4) {
                    i += 4;
                    esc = true;
                    if (0xD800..0xDC00).contains(&hi)
                        && at(body, i) == b'\\'
                        && at(body, i + 1) == b'u'
                        && let Some(lo) = hex_run(body, i + 2, 4)
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        push_char(out, 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00));
                        i += 6;
                    } else {
                        push_char(out, hi);
                    }
                } else {
                    out.push(b'u');
                }
            }
            b'\r' => {
                if at(body, i) == b'\n' {
                    i += 1;
                }
            }
            b'\n' => {}
            _ => {
                if i - 1 < body.len() {
                    out.push(n);
                }
            }
        }
    }
    esc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(l: &Lexed) -> Vec<Kind> {
        l.toks.iter().map(|t| t.kind).collect()
    }

    fn strs(l: &Lexed) -> Vec<Vec<u8>> {
        l.toks
            .iter()
            .filter_map(|t| l.value(t).map(<[u8]>::to_vec))
            .collect()
    }

    #[test]
    fn php_comments_do_not_eat_strings() {
        let src = b"<?php $a = 'http://x/*y*/'; # c\n// d\n/* e */ $b = \"#f\";";
        let l = lex_php(src, false);
        assert!(l.comments);
        assert_eq!(strs(&l), vec![b"http://x/*y*/".to_vec(), b"#f".to_vec()]);
        assert_eq!(
            kinds(&l),
            vec![
                Kind::OpenTag,
                Kind::Var,
                Kind::Punct,
                Kind::Str,
                Kind::Punct,
                Kind::Var,
                Kind::Punct,
                Kind::Str,
                Kind::Punct
            ]
        );
    }

    #[test]
    fn php_escapes() {
        let l = lex_php(br#""\x73\171\u{73}t\$em\n" 'a\'b\\c\d'"#, true);
        assert_eq!(strs(&l), vec![b"syst$em\n".to_vec(), b"a'b\\c\\d".to_vec()]);
        assert!(l.toks.first().is_some_and(|t| t.has(ESCAPES)));
        assert!(l.toks.get(1).is_some_and(|t| !t.has(ESCAPES)));
    }

    #[test]
    fn php_interpolation_has_no_value() {
        let l = lex_php(br#""a $b" "{$c}" "d \$e""#, true);
        assert_eq!(strs(&l), vec![b"d $e".to_vec()]);
    }

    #[test]
    fn php_heredoc_and_nowdoc() {
        let src = b"$a = <<<EOT\n  // not a comment\n  x\\x41\n  EOT;\n$b = <<<'N'\n\\x41 $c\nN;\n";
        let l = lex_php(src, true);
        assert!(!l.comments);
        assert_eq!(
            strs(&l),
            vec![b"// not a comment\nxA".to_vec(), b"\\x41 $c".to_vec()]
        );
    }

    #[test]
    fn php_close_tag_ends_line_comment_and_html_is_kept() {
        let l = lex_php(b"<p># hi</p><?php // c ?> # not comment <?= 1 ?>", false);
        assert_eq!(
            kinds(&l),
            vec![
                Kind::Html,
                Kind::OpenTag,
                Kind::CloseTag,
                Kind::Html,
                Kind::OpenTag,
                Kind::Num,
                Kind::CloseTag
            ]
        );
    }

    #[test]
    fn php_attribute_is_not_comment() {
        let l = lex_php(b"#[Attr] function f() {}", true);
        assert!(!l.comments);
        assert_eq!(l.toks.len(), 10);
    }

    #[test]
    fn php_halt_compiler_data_is_opaque() {
        let l = lex_php(b"<?php echo 1; __halt_compiler(); /* 'x \x00\xff", false);
        assert_eq!(l.toks.last().map(|t| t.kind), Some(Kind::Opaque));
        assert!(!l.comments);
    }

    #[test]
    fn js_strings_templates_regex() {
        let src = b"var a = '\\x61//b'; // c\nvar r = /\\/*[/]x/g; var t = `x${ `y${1}` + '}' }z`; var u = `p\\u0041`;";
        let l = lex_js(src);
        assert!(l.comments);
        assert_eq!(strs(&l), vec![b"a//b".to_vec(), b"pA".to_vec()]);
        let opaque = l.toks.iter().filter(|t| t.kind == Kind::Opaque).count();
        assert_eq!(opaque, 2);
        assert_eq!(l.toks.iter().filter(|t| t.kind == Kind::Word).count(), 8);
    }

    #[test]
    fn js_division_is_not_regex() {
        let l = lex_js(b"a = b / c / d; // x");
        assert!(l.toks.iter().all(|t| t.kind != Kind::Opaque));
        assert!(l.comments);
    }

    #[test]
    fn js_unicode_escapes() {
        let mut out = Vec::new();
        assert!(js_unescape(
            br"\u0041\u{1F600}\uD83D\uDE00\101\x41\q",
            &mut out
        ));
        assert_eq!(out, "A\u{1F600}\u{1F600}AAq".as_bytes());
    }

    const PHP_OPS: &[&[u8]] = &[
        b"<=>", b"**=", b"...", b"<<=", b">>=", b"===", b"!==", b"??=", b"?->", b"<<", b">>",
        b"<=", b">=", b"==", b"!=", b"<>", b"&&", b"||", b"??", b"->", b"=>", b"::", b"++", b"--",
        b"+=", b"-=", b"*=", b"/=", b".=", b"%=", b"&=", b"|=", b"^=", b"**",
    ];

    const JS_OPS: &[&[u8]] = &[
        b">>>=", b"...", b"===", b"!==", b"**=", b"<<=", b">>=", b">>>", b"&&=", b"||=", b"??=",
        b"=>", b"==", b"!=", b"<=", b">=", b"&&", b"||", b"??", b"++", b"--", b"+=", b"-=", b"*=",
        b"/=", b"%=", b"&=", b"|=", b"^=", b"**", b"<<", b">>",
    ];

    fn by_list(ops: &[&[u8]], r: &[u8]) -> usize {
        ops.iter()
            .find(|op| r.starts_with(op))
            .map_or(1, |op| op.len())
    }

    #[test]
    fn operator_tables_match_the_lists() {
        let chars = b"+-*/%=<>!&|^~?:.@#a";
        let mut r = [0u8; 4];
        for &a in chars {
            for &b in chars {
                for &c in chars {
                    for &d in chars {
                        r = [a, b, c, d];
                        assert_eq!(php_op_len(&r), by_list(PHP_OPS, &r), "{:?}", r);
                        assert_eq!(js_op_len(&r), by_list(JS_OPS, &r), "{:?}", r);
                    }
                }
            }
        }
        assert_eq!(php_op_len(&r[..0]), 1);
        assert_eq!(js_op_len(b">"), 1);
    }

    #[test]
    fn unterminated_everything_does_not_panic() {
        for src in [
            &b"<?php 'abc"[..],
            b"<?php \"abc\\",
            b"<?php /* x",
            b"<?php <<<EOT\nabc",
            b"<?php $",
            b"<?",
            b"\\",
        ] {
            let _ = lex_php(src, false);
            let _ = lex_php(src, true);
            let _ = lex_js(src);
        }
        for src in [
            &b"`${"[..],
            b"`${'",
            b"`\\",
            b"/[",
            b"'\\",
            b"\"\\u{",
            b"'\\u{110000}'",
        ] {
            let _ = lex_js(src);
        }
    }
}
