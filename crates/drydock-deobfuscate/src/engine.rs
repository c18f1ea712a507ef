//! Folding and decoding over the token stream.
//!
//! One left-to-right pass. At each token that can start an expression, a small recursive
//! parser tries to read a *constant* expression: string literals, `.`/`+` concatenations,
//! parentheses, `chr()`/`String.fromCharCode()`, variables with a known literal value, and
//! decoder calls (`base64_decode`, `gzinflate`, `atob`, ...) on such arguments. A success is
//! evaluated once and re-emitted folded (literal pieces joined, escapes resolved, decoder
//! calls kept but their results reported as [`Decoded`]); a failure emits one token and moves
//! on. Parenthesised groups that are known not to be constant are memoised, so hostile nesting
//! cannot make the pass quadratic, and parser recursion is capped.

use crate::decode::{self, Container};
use crate::lex::{self, ESCAPES, GAP, HAS_VALUE, Kind, Lexed, NEWLINE, Tok};
use crate::quote::{js_identifier, php_function_name, quote};
use crate::{Ctx, Decoded, Language, Step, human};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// Parser recursion cap (parentheses and nested calls).
const MAX_NEST: usize = 40;
/// Tracked variables per normalized unit.
const MAX_VARS: usize = 1024;
/// Variable values up to this size are copied without charge (function names, keys).
const FREE_VAR_COPY: usize = 256;
/// Decoder arguments read (`str_replace` has three).
const MAX_ARGS: usize = 4;
/// A decompression that fails after this many bytes still yields its output as evidence
/// (truncated samples are common).
const MIN_PARTIAL: usize = 16;

const GROUP_FAILED: u8 = 1;
const CALL_FAILED: u8 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Func {
    Base64,
    Gzinflate,
    Gzuncompress,
    Gzdecode,
    Rot13,
    Strrev,
    Hex2bin,
    UrlDecode,
    RawUrlDecode,
    Uudecode,
    StrReplace,
    PackH,
    JsUnescape,
    JsUriDecode,
    JsReverse,
    BufferBase64,
    BufferHex,
}

impl Func {
    fn php(name: &[u8]) -> Option<Func> {
        let name = name.strip_prefix(b"\\").unwrap_or(name);
        // No PHP decoder name is longer; avoids lowercasing every called function.
        if name.len() > 16 {
            return None;
        }
        let mut buf = [0u8; 16];
        let lower = buf.get_mut(..name.len())?;
        lower.copy_from_slice(name);
        lower.make_ascii_lowercase();
        Some(match &*lower {
            b"base64_decode" => Func::Base64,
            b"gzinflate" => Func::Gzinflate,
            b"gzuncompress" => Func::Gzuncompress,
            b"gzdecode" => Func::Gzdecode,
            b"str_rot13" => Func::Rot13,
            b"strrev" => Func::Strrev,
            b"hex2bin" => Func::Hex2bin,
            b"urldecode" => Func::UrlDecode,
            b"rawurldecode" => Func::RawUrlDecode,
            b"convert_uudecode" => Func::Uudecode,
            b"str_replace" => Func::StrReplace,
            b"pack" => Func::PackH,
            _ => return None,
        })
    }

    fn js(name: &[u8]) -> Option<Func> {
        Some(match name {
            b"atob" => Func::Base64,
            b"unescape" => Func::JsUnescape,
            b"decodeURIComponent" | b"decodeURI" => Func::JsUriDecode,
            _ => return None,
        })
    }

    fn step(self) -> Step {
        match self {
            Func::Base64 | Func::BufferBase64 => Step::Base64,
            Func::Gzinflate => Step::Gzinflate,
            Func::Gzuncompress => Step::Gzuncompress,
            Func::Gzdecode => Step::Gzdecode,
            Func::Rot13 => Step::StrRot13,
            Func::Strrev | Func::JsReverse => Step::Strrev,
            Func::Hex2bin | Func::PackH | Func::BufferHex => Step::Hex,
            Func::UrlDecode | Func::RawUrlDecode | Func::JsUnescape | Func::JsUriDecode => {
                Step::UrlDecode
            }
            Func::Uudecode => Step::Uudecode,
            Func::StrReplace => Step::StrReplace,
        }
    }

    fn name(self, lang: Language) -> &'static str {
        match self {
            Func::Base64 if lang == Language::JavaScript => "atob",
            Func::Base64 => "base64_decode",
            Func::Gzinflate => "gzinflate",
            Func::Gzuncompress => "gzuncompress",
            Func::Gzdecode => "gzdecode",
            Func::Rot13 => "str_rot13",
            Func::Strrev => "strrev",
            Func::Hex2bin => "hex2bin",
            Func::UrlDecode => "urldecode",
            Func::RawUrlDecode => "rawurldecode",
            Func::Uudecode => "convert_uudecode",
            Func::StrReplace => "str_replace",
            Func::PackH => "pack",
            Func::JsUnescape => "unescape",
            Func::JsUriDecode => "decodeURIComponent",
            Func::JsReverse => "reverse",
            Func::BufferBase64 | Func::BufferHex => "Buffer.from",
        }
    }

    /// (minimum arguments, maximum arguments, index of the data argument)
    fn arity(self) -> (usize, usize, usize) {
        match self {
            Func::Base64 | Func::Gzinflate | Func::Gzuncompress | Func::Gzdecode => (1, 2, 0),
            Func::StrReplace => (3, 3, 2),
            Func::PackH => (2, 2, 1),
            _ => (1, 1, 0),
        }
    }
}

enum Node {
    /// String literal token.
    Lit(usize),
    /// PHP integer literal inside a concatenation.
    Num(usize),
    /// Non-string decoder argument kept verbatim (`true`, `-1`): token range.
    Raw(usize, usize),
    Var {
        tok: usize,
        value: Rc<Vec<u8>>,
    },
    Paren(Box<Node>),
    Concat(Vec<Node>),
    /// `chr(..)` / `String.fromCharCode(..)`, already resolved.
    Chr(Vec<u8>),
    /// PHP `$s[3]` / `$s{3}` on a variable with a known value: token range and the byte.
    Index {
        start: usize,
        end: usize,
        byte: u8,
    },
    Call(Box<CallNode>),
}

struct CallNode {
    func: Func,
    /// How the function was named when not directly: a variable or a folded string.
    callee: Option<Node>,
    args: Vec<Node>,
    id: usize,
}

impl Node {
    fn has_var(&self) -> bool {
        match self {
            Node::Var { .. } | Node::Index { .. } => true,
            Node::Paren(n) => n.has_var(),
            Node::Concat(items) => items.iter().any(Node::has_var),
            Node::Call(c) => c.args.iter().any(Node::has_var),
            _ => false,
        }
    }

    fn has_call(&self) -> bool {
        match self {
            Node::Call(_) => true,
            Node::Paren(n) => n.has_call(),
            Node::Concat(items) => items.iter().any(Node::has_call),
            _ => false,
        }
    }
}

#[derive(Default)]
struct Val {
    bytes: Vec<u8>,
    steps: Vec<Step>,
    /// Produced by a decoder (evidence worth reporting).
    decoded: bool,
}

fn add_step(steps: &mut Vec<Step>, s: Step) {
    if !steps.contains(&s) {
        steps.push(s);
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'\\' || b >= 0x80
}

fn op_byte(b: u8) -> bool {
    b"+-*/%=<>!&|^~?:.@#".contains(&b)
}

/// Operator character pairs that would lex differently if written without a space
/// (`- -` is not `--`, `? >` is not a close tag, `/ /` is not a comment).
const GLUED: &[&[u8; 2]] = &[
    b"++", b"--", b"..", b"<<", b">>", b"?>", b"<?", b"&&", b"||", b"//", b"/*", b"*/", b"=>",
    b"->", b"::", b"??", b"?.", b"**", b"<>", b"<!",
];

/// Whether dropping the whitespace between two pieces would glue them into other tokens.
/// Quotes count as word characters so that `echo 'x'` keeps its usual spelling.
fn need_space(prev: u8, next: u8) -> bool {
    let wordish = |b: u8| word_byte(b) || matches!(b, b'\'' | b'"' | b'`');
    (wordish(prev) && wordish(next))
        || (op_byte(prev) && next == b'=')
        || GLUED.contains(&&[prev, next])
        || (prev == b'.' && next.is_ascii_digit())
        || (prev.is_ascii_digit() && next == b'.')
}

/// The normalized text being built, capped so that re-quoting and substitutions cannot blow
/// up the output.
struct Out {
    s: String,
    cap: usize,
    full: bool,
}

impl Out {
    /// Appends `piece`, first inserting one space where `gap` (source whitespace or comment)
    /// or a synthesized piece needs it. Returns where `piece` starts.
    fn push(&mut self, piece: &str, gap: bool, synth: bool) -> usize {
        let Some(&first) = piece.as_bytes().first() else {
            return self.s.len();
        };
        if self.full {
            return self.s.len();
        }
        let space = (gap || synth)
            && self
                .s
                .as_bytes()
                .last()
                .is_some_and(|&last| need_space(last, first));
        if self.s.len() + piece.len() + usize::from(space) > self.cap {
            self.full = true;
            return self.s.len();
        }
        if space {
            self.s.push(' ');
        }
        let start = self.s.len();
        self.s.push_str(piece);
        start
    }
}

fn parse_int(text: &[u8]) -> Option<i64> {
    let t: String = text
        .iter()
        .filter(|&&b| b != b'_')
        .map(|&b| b as char)
        .collect();
    let lower = t.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|b| b.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else if let Ok(v) = lower.parse::<i64>() {
        Some(v)
    } else {
        // Only JS reaches here with fractions (`String.fromCharCode(115.0)`).
        lower
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite() && f.abs() < 1e15)
            .map(|f| f.trunc() as i64)
    }
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    b.hash(&mut h);
    h.finish()
}

const PHP_LEFT_WORDS: &[&[u8]] = &[
    b"echo",
    b"print",
    b"return",
    b"case",
    b"yield",
    b"include",
    b"include_once",
    b"require",
    b"require_once",
    b"throw",
    b"and",
    b"or",
    b"xor",
    b"else",
];
const JS_LEFT_WORDS: &[&[u8]] = &[
    b"return",
    b"case",
    b"yield",
    b"throw",
    b"in",
    b"of",
    b"instanceof",
    b"else",
    b"do",
];
/// Operators of lower precedence than concatenation: a concatenation next to them can be
/// folded without changing what binds to what.
const LOW_OPS: &[&[u8]] = &[
    b",", b";", b"?", b":", b"=>", b"??", b"&&", b"||", b"==", b"!=", b"===", b"!==", b"<", b">",
    b"<=", b">=", b"<>", b"<=>", b"&", b"|", b"^",
];
const ASSIGN_OPS: &[&[u8]] = &[
    b"=", b".=", b"+=", b"-=", b"*=", b"/=", b"%=", b"**=", b"??=", b"&=", b"|=", b"^=", b"<<=",
    b">>=", b">>>=", b"&&=", b"||=",
];

struct Unit<'s> {
    lang: Language,
    src: &'s [u8],
    lx: Lexed,
    depth: usize,
    parent: Option<usize>,
    vars: HashMap<Vec<u8>, Rc<Vec<u8>>>,
    var_bytes: usize,
    max_var_bytes: usize,
    memo: Vec<u8>,
    out: Out,
    steps: Vec<Step>,
    next_call: usize,
}

/// Normalizes one piece of source (the file, or a decoded payload) and returns its text and
/// the text-level steps applied. Decoded payloads found on the way go to `ctx.decoded`.
pub(crate) fn normalize_unit(
    ctx: &mut Ctx,
    lang: Language,
    src: &[u8],
    depth: usize,
    parent: Option<usize>,
    code_first: bool,
) -> (String, Vec<Step>) {
    let lx = match lang {
        Language::Php => lex::lex_php(src, code_first),
        Language::JavaScript => lex::lex_js(src),
    };
    let mut unit = Unit {
        lang,
        src,
        memo: vec![0; lx.toks.len()],
        lx,
        depth,
        parent,
        vars: HashMap::new(),
        var_bytes: 0,
        max_var_bytes: ctx.limits.max_input.saturating_mul(2),
        out: Out {
            s: String::with_capacity(src.len().min(1 << 20)),
            cap: {
                let cap = src.len().saturating_mul(4).saturating_add(4096);
                // A payload's text is charged to the decoded budget: never build more.
                if depth == 0 {
                    cap
                } else {
                    cap.min(ctx.stored_left)
                }
            },
            full: false,
        },
        steps: Vec::new(),
        next_call: 0,
    };
    if unit.lx.comments {
        unit.steps.push(Step::StripComments);
    }
    unit.run(ctx);
    if unit.out.full {
        ctx.cut(format!(
            "normalized text over {} at depth {depth}",
            human(unit.out.cap)
        ));
    }
    (unit.out.s, unit.steps)
}

impl<'s> Unit<'s> {
    // ----- token helpers ---------------------------------------------------------------------

    fn tok(&self, i: usize) -> Option<Tok> {
        self.lx.toks.get(i).copied()
    }

    fn text(&self, i: usize) -> &'s [u8] {
        match self.lx.toks.get(i) {
            Some(t) => self.lx.text(self.src, t),
            None => &[],
        }
    }

    fn prev(&self, i: usize) -> Option<Tok> {
        i.checked_sub(1).and_then(|p| self.tok(p))
    }

    fn prev_text(&self, i: usize) -> &'s [u8] {
        match i.checked_sub(1) {
            Some(p) => self.text(p),
            None => &[],
        }
    }

    fn is_punct(&self, i: usize, s: &[u8]) -> bool {
        self.tok(i)
            .is_some_and(|t| t.kind == Kind::Punct && self.text(i) == s)
    }

    fn is_word(&self, i: usize, s: &[u8]) -> bool {
        self.tok(i)
            .is_some_and(|t| t.kind == Kind::Word && self.text(i) == s)
    }

    fn str_value(&self, i: usize) -> Option<&[u8]> {
        self.lx.toks.get(i).and_then(|t| self.lx.value(t))
    }

    fn php(&self) -> bool {
        self.lang == Language::Php
    }

    /// Token ends an operand (so a following `+` or `[` is binary / an index).
    fn operand_end(&self, i: usize) -> bool {
        match self.tok(i) {
            Some(t) => match t.kind {
                Kind::Word => !JS_LEFT_WORDS.contains(&self.text(i)),
                Kind::Var | Kind::Num | Kind::Str | Kind::Opaque => true,
                Kind::Punct => matches!(self.text(i), b")" | b"]"),
                _ => false,
            },
            None => false,
        }
    }

    fn memo(&self, i: usize, flag: u8) -> bool {
        self.memo.get(i).is_some_and(|m| m & flag != 0)
    }

    fn set_memo(&mut self, i: usize, flag: u8) {
        if let Some(m) = self.memo.get_mut(i) {
            *m |= flag;
        }
    }

    // ----- main pass -------------------------------------------------------------------------

    fn run(&mut self, ctx: &mut Ctx) {
        let n = self.lx.toks.len();
        let mut i = 0;
        // Variable whose assignment operator was just emitted: (name, is append).
        let mut pending: Option<(Vec<u8>, bool)> = None;
        while i < n && !self.out.full {
            if let Some((name, append)) = self.assignment_start(i) {
                if let Some((p, _)) = pending.take() {
                    self.forget(&p);
                }
                self.emit_tok(i);
                self.emit_tok(i + 1);
                pending = Some((name, append));
                i += 2;
                continue;
            }
            if let Some(range) = self.plain_literal(i) {
                self.emit_tok(i);
                if let Some((name, append)) = pending.take() {
                    if self.stmt_end(i + 1) {
                        let value = self.lx.vals.get(range).unwrap_or(&[]).to_vec();
                        self.assign(name, value, append);
                    } else {
                        self.forget(&name);
                    }
                }
                i += 1;
                continue;
            }
            let done = if self.can_start(i) {
                self.parse_chain(i, 0)
                    .map(|(items, ends)| self.emit_chain(ctx, items, ends, i))
            } else {
                None
            };
            match done {
                Some((next, value)) => {
                    if let Some((name, append)) = pending.take() {
                        match value {
                            Some(v) if self.stmt_end(next) => self.assign(name, v, append),
                            _ => self.forget(&name),
                        }
                    }
                    i = next.max(i + 1);
                }
                None => {
                    if let Some((name, _)) = pending.take() {
                        self.forget(&name);
                    }
                    i = self.emit_single(ctx, i);
                }
            }
        }
    }

    /// A string literal that nothing can fold with: no escapes to resolve, no concatenation
    /// or call or index after it. Most literals are; they skip the parser.
    fn plain_literal(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let t = self.tok(i)?;
        if t.kind != Kind::Str || t.has(ESCAPES) || !t.has(HAS_VALUE) {
            return None;
        }
        if let Some(n) = self.tok(i + 1)
            && n.kind == Kind::Punct
            && matches!(self.text(i + 1), b"." | b"+" | b"(" | b"[" | b"{")
        {
            return None;
        }
        Some(t.vstart as usize..t.vend as usize)
    }

    fn can_start(&self, i: usize) -> bool {
        match self.tok(i) {
            Some(t) => match t.kind {
                Kind::Str => t.has(HAS_VALUE),
                Kind::Var | Kind::Word => true,
                Kind::Punct => matches!(self.text(i), b"(" | b"\\"),
                _ => false,
            },
            None => false,
        }
    }

    fn emit_tok(&mut self, i: usize) {
        let Some(t) = self.tok(i) else { return };
        let gap = t.has(GAP);
        let text = self.text(i);
        let piece = match t.kind {
            Kind::Html => {
                let mut s = String::with_capacity(text.len());
                let mut in_ws = false;
                for c in String::from_utf8_lossy(text).chars() {
                    if c.is_ascii_whitespace() {
                        if !in_ws {
                            s.push(' ');
                        }
                        in_ws = true;
                    } else {
                        s.push(c);
                        in_ws = false;
                    }
                }
                s
            }
            Kind::OpenTag => lossy(text.trim_ascii_end()).to_ascii_lowercase(),
            _ => {
                // Most tokens are valid UTF-8: no allocation.
                match std::str::from_utf8(text) {
                    Ok(piece) => self.out.push(piece, gap, false),
                    Err(_) => self.out.push(&String::from_utf8_lossy(text), gap, false),
                };
                return;
            }
        };
        self.out.push(&piece, gap, false);
    }

    /// `$x =` / `$x .=` (PHP) or `x =` / `x +=` (JS) at a position where it is a plain
    /// variable assignment.
    fn assignment_start(&self, i: usize) -> Option<(Vec<u8>, bool)> {
        let t = self.tok(i)?;
        let op = self.text(i + 1);
        if self.tok(i + 1)?.kind != Kind::Punct {
            return None;
        }
        let prev = self.prev_text(i);
        if self.php() {
            if t.kind != Kind::Var || matches!(prev, b"->" | b"::" | b"$" | b"?->") {
                return None;
            }
            match op {
                b"=" => Some((self.text(i).to_vec(), false)),
                b".=" => Some((self.text(i).to_vec(), true)),
                _ => None,
            }
        } else {
            if t.kind != Kind::Word || matches!(prev, b"." | b"?.") {
                return None;
            }
            match op {
                b"=" => Some((self.text(i).to_vec(), false)),
                b"+=" => Some((self.text(i).to_vec(), true)),
                _ => None,
            }
        }
    }

    fn stmt_end(&self, j: usize) -> bool {
        match self.tok(j) {
            None => true,
            Some(t) => match t.kind {
                Kind::CloseTag => true,
                Kind::Punct => matches!(self.text(j), b";" | b")" | b"," | b"}"),
                _ => !self.php() && t.has(NEWLINE),
            },
        }
    }

    fn assign(&mut self, name: Vec<u8>, value: Vec<u8>, append: bool) {
        if append {
            let Some(old_len) = self.vars.get(&name).map(|v| v.len()) else {
                return;
            };
            if old_len + value.len() > self.max_var_bytes / 2
                || self.var_bytes + value.len() > self.max_var_bytes
            {
                self.forget(&name);
                return;
            }
            if let Some(rc) = self.vars.get_mut(&name) {
                // The parse nodes that shared this value are gone, so this appends in place:
                // `$a .= 'x'` repeated stays linear.
                Rc::make_mut(rc).extend_from_slice(&value);
                self.var_bytes += value.len();
            }
            return;
        }
        self.forget(&name);
        if value.len() > self.max_var_bytes / 2
            || self.var_bytes + value.len() > self.max_var_bytes
            || self.vars.len() >= MAX_VARS
        {
            return;
        }
        self.var_bytes += value.len();
        self.vars.insert(name, Rc::new(value));
    }

    fn forget(&mut self, name: &[u8]) {
        if let Some(old) = self.vars.remove(name) {
            self.var_bytes = self.var_bytes.saturating_sub(old.len());
        }
    }

    /// One token that did not start a constant expression. Handles the substitutions that
    /// are not expressions (`$f(` -> `system(`, JS `o['ev'+'al']` -> `o.eval`) and forgets
    /// variables modified in ways that are not tracked.
    fn emit_single(&mut self, ctx: &mut Ctx, i: usize) -> usize {
        let Some(t) = self.tok(i) else {
            return i + 1;
        };
        let tracked = (self.php() && t.kind == Kind::Var) || (!self.php() && t.kind == Kind::Word);
        if tracked {
            let next = self.text(i + 1);
            let prev = self.prev_text(i);
            let name = self.text(i);
            if self.php()
                && next == b"("
                && !matches!(prev, b"->" | b"::" | b"$" | b"?->")
                && let Some(v) = self.vars.get(name).cloned()
                && php_function_name(&v)
            {
                self.out.push(&lossy(&v), t.has(GAP), true);
                add_step(&mut self.steps, Step::Variable);
                return i + 1;
            }
            let modified = matches!(next, b"[" | b"++" | b"--" | b"{")
                || (ASSIGN_OPS.contains(&next)
                    && self.tok(i + 1).is_some_and(|n| n.kind == Kind::Punct))
                || matches!(prev, b"++" | b"--" | b"&")
                || (self.php() && prev.eq_ignore_ascii_case(b"as"));
            if modified {
                self.forget(name);
            }
        }
        if !self.php()
            && t.kind == Kind::Punct
            && self.text(i) == b"["
            && i > 0
            && self.operand_end(i - 1)
            && let Some(end) = self.js_bracket(ctx, i)
        {
            return end;
        }
        self.emit_tok(i);
        i + 1
    }

    /// JS `obj[<constant identifier>]` -> `obj.identifier`.
    fn js_bracket(&mut self, ctx: &mut Ctx, i: usize) -> Option<usize> {
        let (items, ends) = self.parse_chain(i + 1, 0)?;
        let end = *ends.last()?;
        if !self.is_punct(end, b"]") {
            return None;
        }
        let node = build(items)?;
        if node.has_call() {
            return None;
        }
        let mut pend = Vec::new();
        let v = self.eval(ctx, &node, false, &mut pend)?;
        if !js_identifier(&v.bytes) {
            return None;
        }
        let gap = self.tok(i).is_some_and(|t| t.has(GAP));
        self.out.push(&format!(".{}", lossy(&v.bytes)), gap, true);
        if node.has_var() {
            add_step(&mut self.steps, Step::Variable);
        }
        self.walk_steps(&node);
        Some(end + 1)
    }

    // ----- emitting parsed expressions -------------------------------------------------------

    /// Emits a parsed chain starting at token `i`; returns the next token and the value when
    /// the whole chain was taken and evaluated (for variable tracking).
    fn emit_chain(
        &mut self,
        ctx: &mut Ctx,
        mut items: Vec<Node>,
        ends: Vec<usize>,
        i: usize,
    ) -> (usize, Option<Vec<u8>>) {
        let full_end = ends.last().copied().unwrap_or(i + 1);
        if items.len() >= 2 {
            // Operators binding tighter than concatenation take the first or last term:
            // `1 + 'a' . 'b'` is `(1 + 'a') . 'b'` in PHP 8, `'a' . 'b'[0]` indexes 'b'.
            if !self.safe_left(i) {
                let first = items.swap_remove(0);
                let end = ends.first().copied().unwrap_or(i + 1);
                return (self.emit_node(ctx, first, i, end).0, None);
            }
            if !self.safe_right(full_end) {
                let last_start = ends.get(ends.len().wrapping_sub(2)).copied().unwrap_or(i);
                items.pop();
                let Some(node) = build(items) else {
                    return (i + 1, None);
                };
                // Stop before the operator that precedes the last term.
                let end = last_start;
                return (self.emit_node(ctx, node, i, end).0, None);
            }
        }
        let Some(node) = build(items) else {
            return (i + 1, None);
        };
        self.emit_node(ctx, node, i, full_end)
    }

    fn emit_node(
        &mut self,
        ctx: &mut Ctx,
        node: Node,
        i: usize,
        end: usize,
    ) -> (usize, Option<Vec<u8>>) {
        let gap = self.tok(i).is_some_and(|t| t.has(GAP));
        if !self.needs_fold(&node) {
            for k in i..end {
                self.emit_tok(k);
            }
            return (end, self.plain_value(&node));
        }
        let mut pend: Vec<(usize, usize)> = Vec::new();
        let val = self.eval(ctx, &node, true, &mut pend);
        let call_pos = self.php() && self.is_punct(end, b"(") && !matches!(node, Node::Concat(_));
        let fold_literal = match &val {
            Some(v) if !node.has_var() => {
                if call_pos && php_function_name(&v.bytes) {
                    Some(lossy(&v.bytes))
                } else if !node.has_call() {
                    // Parentheses may be a call's (`f('a'.'b')`): keep them.
                    let mut layers = 0;
                    let mut inner = &node;
                    while let Node::Paren(n) = inner {
                        layers += 1;
                        inner = n;
                    }
                    let lit = quote(self.lang, &v.bytes);
                    Some(format!("{}{lit}{}", "(".repeat(layers), ")".repeat(layers)))
                } else {
                    None
                }
            }
            _ => None,
        };
        match fold_literal {
            Some(piece) => {
                let start = self.out.push(&piece, gap, true);
                self.walk_steps(&node);
                for (idx, _) in pend {
                    if let Some(d) = ctx.decoded.get_mut(idx) {
                        d.offset = start;
                    }
                }
            }
            None => {
                let mut buf = String::new();
                let mut offs: Vec<(usize, usize)> = Vec::new();
                self.print(&node, &mut buf, &mut offs);
                let start = self.out.push(&buf, gap, true);
                for (idx, id) in pend {
                    let rel = offs.iter().find(|(cid, _)| *cid == id).map_or(0, |x| x.1);
                    if let Some(d) = ctx.decoded.get_mut(idx) {
                        d.offset = start + rel;
                    }
                }
            }
        }
        (end, val.map(|v| v.bytes))
    }

    fn needs_fold(&self, node: &Node) -> bool {
        match node {
            Node::Lit(i) => self.tok(*i).is_some_and(|t| t.has(ESCAPES)),
            Node::Num(_) | Node::Raw(..) | Node::Var { .. } | Node::Index { .. } => false,
            Node::Paren(n) => self.needs_fold(n),
            Node::Concat(_) | Node::Chr(_) | Node::Call(_) => true,
        }
    }

    /// Value of an expression that needs no folding (for variable tracking).
    fn plain_value(&self, node: &Node) -> Option<Vec<u8>> {
        match node {
            Node::Lit(i) => self.str_value(*i).map(<[u8]>::to_vec),
            Node::Num(i) => Some(self.text(*i).to_vec()),
            Node::Var { value, .. } => Some(value.to_vec()),
            Node::Index { byte, .. } => Some(vec![*byte]),
            Node::Paren(n) => self.plain_value(n),
            _ => None,
        }
    }

    /// Value of a subtree made only of literals (no variables, no decoder calls).
    fn const_value(&self, node: &Node) -> Option<Vec<u8>> {
        match node {
            Node::Lit(i) => self.str_value(*i).map(<[u8]>::to_vec),
            Node::Num(i) => Some(self.text(*i).to_vec()),
            Node::Chr(b) => Some(b.clone()),
            Node::Paren(n) => self.const_value(n),
            Node::Concat(items) => {
                let mut out = Vec::new();
                for it in items {
                    out.extend_from_slice(&self.const_value(it)?);
                }
                Some(out)
            }
            Node::Raw(..) | Node::Var { .. } | Node::Index { .. } | Node::Call(_) => None,
        }
    }

    fn is_const(&self, node: &Node) -> bool {
        match node {
            Node::Lit(_) | Node::Num(_) | Node::Chr(_) => true,
            Node::Paren(n) => self.is_const(n),
            Node::Concat(items) => items.iter().all(|n| self.is_const(n)),
            Node::Raw(..) | Node::Var { .. } | Node::Index { .. } | Node::Call(_) => false,
        }
    }

    /// Text-level steps of a subtree emitted as one literal.
    fn walk_steps(&mut self, node: &Node) {
        match node {
            Node::Lit(i) => {
                if self.tok(*i).is_some_and(|t| t.has(ESCAPES)) {
                    add_step(&mut self.steps, Step::Hex);
                }
            }
            Node::Chr(_) => add_step(&mut self.steps, Step::Chr),
            Node::Paren(n) => self.walk_steps(n),
            Node::Concat(items) => {
                add_step(&mut self.steps, Step::Concat);
                for it in items {
                    self.walk_steps(it);
                }
            }
            Node::Call(c) => {
                self.callee_steps(c);
                for a in &c.args {
                    self.walk_steps(a);
                }
                add_step(&mut self.steps, c.func.step());
            }
            Node::Num(_) | Node::Raw(..) | Node::Var { .. } | Node::Index { .. } => {}
        }
    }

    fn callee_steps(&mut self, c: &CallNode) {
        match &c.callee {
            Some(Node::Var { .. }) => add_step(&mut self.steps, Step::Variable),
            Some(other) => self.walk_steps(other),
            None => {}
        }
    }

    /// Prints a subtree with constant runs folded and decoder calls kept (canonically named);
    /// `offs` receives where each call starts in `buf`.
    fn print(&mut self, node: &Node, buf: &mut String, offs: &mut Vec<(usize, usize)>) {
        match node {
            Node::Lit(i) => match self.tok(*i) {
                Some(t) if t.has(ESCAPES) => {
                    let v = self.str_value(*i).unwrap_or(&[]);
                    buf.push_str(&quote(self.lang, v));
                    add_step(&mut self.steps, Step::Hex);
                }
                _ => buf.push_str(&lossy(self.text(*i))),
            },
            Node::Num(i) | Node::Var { tok: i, .. } => buf.push_str(&lossy(self.text(*i))),
            Node::Raw(a, b)
            | Node::Index {
                start: a, end: b, ..
            } => {
                for k in *a..*b {
                    buf.push_str(&lossy(self.text(k)));
                }
            }
            Node::Chr(b) => {
                buf.push_str(&quote(self.lang, b));
                add_step(&mut self.steps, Step::Chr);
            }
            Node::Paren(n) => {
                buf.push('(');
                self.print(n, buf, offs);
                buf.push(')');
            }
            Node::Concat(items) => self.print_concat(items, buf, offs),
            Node::Call(c) => {
                offs.push((c.id, buf.len()));
                self.callee_steps(c);
                let Some(data) = c.args.first() else { return };
                match c.func {
                    Func::JsReverse => {
                        self.print(data, buf, offs);
                        buf.push_str(".split('').reverse().join('')");
                    }
                    Func::BufferBase64 | Func::BufferHex => {
                        buf.push_str("Buffer.from(");
                        self.print(data, buf, offs);
                        buf.push_str(if c.func == Func::BufferHex {
                            ",'hex').toString()"
                        } else {
                            ",'base64').toString()"
                        });
                    }
                    _ => {
                        buf.push_str(c.func.name(self.lang));
                        buf.push('(');
                        for (k, a) in c.args.iter().enumerate() {
                            if k > 0 {
                                buf.push(',');
                            }
                            self.print(a, buf, offs);
                        }
                        buf.push(')');
                    }
                }
            }
        }
    }

    fn print_concat(&mut self, items: &[Node], buf: &mut String, offs: &mut Vec<(usize, usize)>) {
        let sep = if self.php() { b'.' } else { b'+' };
        let mut k = 0;
        let mut first = true;
        while k < items.len() {
            let run = items
                .get(k..)
                .unwrap_or(&[])
                .iter()
                .take_while(|n| self.is_const(n))
                .count();
            let mut piece = String::new();
            let mut piece_offs = Vec::new();
            if run >= 2 {
                let mut v = Vec::new();
                for it in items.get(k..k + run).unwrap_or(&[]) {
                    v.extend_from_slice(&self.const_value(it).unwrap_or_default());
                    self.walk_steps(it);
                }
                add_step(&mut self.steps, Step::Concat);
                piece.push_str(&quote(self.lang, &v));
                k += run;
            } else if let Some(it) = items.get(k) {
                self.print(it, &mut piece, &mut piece_offs);
                k += 1;
            }
            if !first {
                // `$a . 5` must not become `$a.5` (a float).
                if buf.as_bytes().last().is_some_and(|&l| need_space(l, sep)) {
                    buf.push(' ');
                }
                buf.push(char::from(sep));
                if piece
                    .as_bytes()
                    .first()
                    .is_some_and(|&f| need_space(sep, f))
                {
                    buf.push(' ');
                }
            }
            let base = buf.len();
            offs.extend(piece_offs.into_iter().map(|(id, o)| (id, o + base)));
            buf.push_str(&piece);
            first = false;
        }
    }

    fn safe_left(&self, i: usize) -> bool {
        let Some(p) = self.prev(i) else { return true };
        let text = self.text(i - 1);
        match p.kind {
            Kind::OpenTag => true,
            Kind::Punct => {
                if matches!(text, b"(" | b"[" | b"{" | b"}") || LOW_OPS.contains(&text) {
                    return true;
                }
                if ASSIGN_OPS.contains(&text) {
                    return true;
                }
                if self.php() {
                    text == b"."
                } else {
                    // Binary `+` only: unary plus would bind to the first term alone.
                    text == b"+" && i >= 2 && self.operand_end(i - 2)
                }
            }
            Kind::Word => {
                if self.php() {
                    PHP_LEFT_WORDS.iter().any(|w| text.eq_ignore_ascii_case(w))
                } else {
                    JS_LEFT_WORDS.contains(&text)
                }
            }
            _ => false,
        }
    }

    fn safe_right(&self, j: usize) -> bool {
        let Some(t) = self.tok(j) else { return true };
        let text = self.text(j);
        match t.kind {
            Kind::CloseTag => true,
            Kind::Punct => {
                matches!(text, b")" | b"]" | b"}")
                    || LOW_OPS.contains(&text)
                    || (self.php() && text == b".")
                    || (!self.php() && matches!(text, b"+" | b"-"))
            }
            Kind::Word => {
                if self.php() {
                    [&b"and"[..], b"or", b"xor", b"as"]
                        .iter()
                        .any(|w| text.eq_ignore_ascii_case(w))
                } else {
                    matches!(text, b"in" | b"instanceof" | b"of") || t.has(NEWLINE)
                }
            }
            _ => !self.php() && t.has(NEWLINE),
        }
    }
}

fn build(mut items: Vec<Node>) -> Option<Node> {
    if items.len() <= 1 {
        items.pop()
    } else {
        Some(Node::Concat(items))
    }
}

/// A PHP integer literal that reads the same as its string form in a concatenation.
fn plain_decimal(text: &[u8]) -> bool {
    !text.is_empty()
        && text.iter().all(u8::is_ascii_digit)
        && (text.len() == 1 || text.first() != Some(&b'0'))
}

/// Charges `n` bytes of evaluation work; false (with a note) once the budget is spent.
fn charge_effort(ctx: &mut Ctx, n: usize) -> bool {
    if n > ctx.effort_left {
        ctx.effort_left = 0;
        ctx.cut("evaluation budget exhausted (variable copies and decoder input)".to_string());
        return false;
    }
    ctx.effort_left -= n;
    true
}

fn budget_note(ctx: &mut Ctx, depth: usize) {
    let total = human(ctx.limits.max_decoded_total);
    ctx.cut(format!(
        "decoded output budget {total} exhausted at depth {depth}"
    ));
}

// ----- parsing ---------------------------------------------------------------------------------

impl Unit<'_> {
    fn is_concat_op(&self, i: usize) -> bool {
        if self.php() {
            self.is_punct(i, b".")
        } else {
            self.is_punct(i, b"+")
        }
    }

    /// `term (op term)*`: the terms and, for each, the index of the token after it.
    fn parse_chain(&mut self, i: usize, nest: usize) -> Option<(Vec<Node>, Vec<usize>)> {
        let (first, mut end) = self.parse_term(i, nest, false)?;
        let mut items = vec![first];
        let mut ends = vec![end];
        while self.is_concat_op(end) {
            match self.parse_term(end + 1, nest, true) {
                Some((n, e)) => {
                    items.push(n);
                    ends.push(e);
                    end = e;
                }
                None => break,
            }
        }
        Some((items, ends))
    }

    fn parse_expr(&mut self, i: usize, nest: usize) -> Option<(Node, usize)> {
        let (items, ends) = self.parse_chain(i, nest)?;
        let end = *ends.last()?;
        Some((build(items)?, end))
    }

    fn parse_term(&mut self, i: usize, nest: usize, cont: bool) -> Option<(Node, usize)> {
        if nest > MAX_NEST {
            return None;
        }
        let t = self.tok(i)?;
        let (node, end) = match t.kind {
            Kind::Str if t.has(HAS_VALUE) => (Node::Lit(i), i + 1),
            Kind::Num if cont && self.php() && plain_decimal(self.text(i)) => (Node::Num(i), i + 1),
            Kind::Punct if self.text(i) == b"(" => {
                let (inner, e) = self.parse_group(i, nest)?;
                (Node::Paren(Box::new(inner)), e)
            }
            Kind::Var if self.php() => self.php_var_term(i, nest)?,
            Kind::Word => self.word_term(i, nest)?,
            Kind::Punct if self.php() && self.text(i) == b"\\" => self.word_term(i, nest)?,
            _ => return None,
        };
        self.postfix(node, end, nest)
    }

    fn parse_group(&mut self, i: usize, nest: usize) -> Option<(Node, usize)> {
        if self.memo(i, GROUP_FAILED) {
            return None;
        }
        match self.parse_expr(i + 1, nest + 1) {
            Some((n, e)) if self.is_punct(e, b")") => Some((n, e + 1)),
            _ => {
                self.set_memo(i, GROUP_FAILED);
                None
            }
        }
    }

    fn php_var_term(&mut self, i: usize, nest: usize) -> Option<(Node, usize)> {
        if matches!(self.prev_text(i), b"->" | b"::" | b"$" | b"?->") {
            return None;
        }
        let value = self.vars.get(self.text(i))?.clone();
        let next = self.text(i + 1);
        if next == b"(" {
            let func = Func::php(&value)?;
            let callee = Node::Var { tok: i, value };
            return self.parse_call(i + 1, func, Some(callee), nest);
        }
        if matches!(next, b"[" | b"{") {
            return self.php_index(i, &value);
        }
        if matches!(next, b"->" | b"?->" | b"::" | b"++" | b"--") || ASSIGN_OPS.contains(&next) {
            return None;
        }
        Some((Node::Var { tok: i, value }, i + 1))
    }

    /// `$s[3]`, `$s{3}`, `$s[-1]` read from a known string (the `O00O0O` obfuscator family
    /// spells function names this way).
    fn php_index(&self, i: usize, value: &[u8]) -> Option<(Node, usize)> {
        let close: &[u8] = if self.text(i + 1) == b"[" { b"]" } else { b"}" };
        let (neg, k) = if self.is_punct(i + 2, b"-") {
            (true, i + 3)
        } else {
            (false, i + 2)
        };
        if self.tok(k)?.kind != Kind::Num
            || !self.is_punct(k + 1, close)
            || ASSIGN_OPS.contains(&self.text(k + 2))
        {
            return None;
        }
        let n = parse_int(self.text(k))?;
        let at = if neg {
            i64::try_from(value.len()).ok()?.checked_sub(n)?
        } else {
            n
        };
        let byte = *value.get(usize::try_from(at).ok()?)?;
        Some((
            Node::Index {
                start: i,
                end: k + 2,
                byte,
            },
            k + 2,
        ))
    }

    fn word_term(&mut self, i: usize, nest: usize) -> Option<(Node, usize)> {
        let prev = self.prev_text(i);
        if self.php() {
            let j = if self.is_punct(i, b"\\") { i + 1 } else { i };
            if self.tok(j)?.kind != Kind::Word
                || matches!(prev, b"->" | b"::" | b"?->")
                || [&b"function"[..], b"new", b"const", b"fn"]
                    .iter()
                    .any(|w| prev.eq_ignore_ascii_case(w))
                || !self.is_punct(j + 1, b"(")
            {
                return None;
            }
            let name = self.text(j);
            if name.eq_ignore_ascii_case(b"chr") {
                return self.parse_chr(j + 1);
            }
            let func = Func::php(name)?;
            return self.parse_call(j + 1, func, None, nest);
        }
        if matches!(prev, b"." | b"?.") {
            return None;
        }
        let name = self.text(i);
        let dot = self.is_punct(i + 1, b".");
        match name {
            b"String" if dot && self.is_word(i + 2, b"fromCharCode") => {
                return self.parse_charcodes(i + 3);
            }
            b"Buffer" if dot && self.is_word(i + 2, b"from") => {
                return self.parse_buffer(i + 3, nest);
            }
            b"window" | b"self" | b"globalThis" | b"global" if dot => {
                let inner = self.tok(i + 2)?;
                let func = Func::js(self.text(i + 2)).filter(|_| inner.kind == Kind::Word)?;
                return self.parse_call(i + 3, func, None, nest);
            }
            _ => {}
        }
        if let Some(func) = Func::js(name) {
            return self.parse_call(i + 1, func, None, nest);
        }
        let value = self.vars.get(name)?.clone();
        let next = self.text(i + 1);
        if matches!(next, b"(" | b"[" | b"++" | b"--" | b"=>") || ASSIGN_OPS.contains(&next) {
            return None;
        }
        Some((Node::Var { tok: i, value }, i + 1))
    }

    /// Call-like suffixes: PHP `('base'.'64_decode')(..)`, JS `.split('').reverse().join('')`.
    fn postfix(&mut self, node: Node, end: usize, nest: usize) -> Option<(Node, usize)> {
        if self.php() {
            if self.is_punct(end, b"(")
                && matches!(node, Node::Lit(_) | Node::Paren(_))
                && let Some(func) = self.const_value(&node).and_then(|v| Func::php(&v))
                && let Some((args, e)) = self.parse_call_args(end, func, nest)
            {
                return Some((self.call_node(func, Some(node), args), e));
            }
            return Some((node, end));
        }
        let empty = |u: &Self, k: usize| u.str_value(k).is_some_and(<[u8]>::is_empty);
        let e = end;
        if self.is_punct(e, b".")
            && self.is_word(e + 1, b"split")
            && self.is_punct(e + 2, b"(")
            && empty(self, e + 3)
            && self.is_punct(e + 4, b")")
            && self.is_punct(e + 5, b".")
            && self.is_word(e + 6, b"reverse")
            && self.is_punct(e + 7, b"(")
            && self.is_punct(e + 8, b")")
            && self.is_punct(e + 9, b".")
            && self.is_word(e + 10, b"join")
            && self.is_punct(e + 11, b"(")
            && empty(self, e + 12)
            && self.is_punct(e + 13, b")")
        {
            return Some((self.call_node(Func::JsReverse, None, vec![node]), e + 14));
        }
        Some((node, end))
    }

    fn call_node(&mut self, func: Func, callee: Option<Node>, args: Vec<Node>) -> Node {
        let id = self.next_call;
        self.next_call += 1;
        Node::Call(Box::new(CallNode {
            func,
            callee,
            args,
            id,
        }))
    }

    fn parse_call(
        &mut self,
        open: usize,
        func: Func,
        callee: Option<Node>,
        nest: usize,
    ) -> Option<(Node, usize)> {
        let (args, end) = self.parse_call_args(open, func, nest)?;
        Some((self.call_node(func, callee, args), end))
    }

    fn parse_call_args(
        &mut self,
        open: usize,
        func: Func,
        nest: usize,
    ) -> Option<(Vec<Node>, usize)> {
        if !self.is_punct(open, b"(") || self.memo(open, CALL_FAILED) {
            return None;
        }
        let r = self.call_args_inner(open, func, nest);
        if r.is_none() {
            self.set_memo(open, CALL_FAILED);
        }
        r
    }

    fn call_args_inner(
        &mut self,
        open: usize,
        func: Func,
        nest: usize,
    ) -> Option<(Vec<Node>, usize)> {
        let (min, max, data) = func.arity();
        let mut args = Vec::new();
        let mut j = open + 1;
        loop {
            let (node, e) = match self.parse_expr(j, nest + 1) {
                Some(x) => x,
                None => self.raw_arg(j)?,
            };
            args.push(node);
            j = e;
            if self.is_punct(j, b")") {
                break;
            }
            if !self.is_punct(j, b",") || args.len() >= max.min(MAX_ARGS) {
                return None;
            }
            j += 1;
        }
        if args.len() < min || matches!(args.get(data), None | Some(Node::Raw(..))) {
            return None;
        }
        if matches!(func, Func::StrReplace | Func::PackH) {
            for (k, a) in args.iter().enumerate() {
                if k != data && !self.is_const(a) {
                    return None;
                }
            }
            if func == Func::PackH && self.const_value(args.first()?)?.as_slice() != b"H*" {
                return None;
            }
        }
        Some((args, j + 1))
    }

    /// Non-string extra arguments such as `base64_decode($s, true)` or `gzinflate($s, 0)`.
    fn raw_arg(&self, j: usize) -> Option<(Node, usize)> {
        let t = self.tok(j)?;
        let end = match t.kind {
            Kind::Num => j + 1,
            Kind::Word
                if [&b"true"[..], b"false", b"null"]
                    .iter()
                    .any(|w| self.text(j).eq_ignore_ascii_case(w)) =>
            {
                j + 1
            }
            Kind::Punct if self.text(j) == b"-" && self.tok(j + 1)?.kind == Kind::Num => j + 2,
            _ => return None,
        };
        Some((Node::Raw(j, end), end))
    }

    /// PHP `chr(98)`, `chr(0x62)`, `chr(-158)` (taken modulo 256 as PHP does).
    fn parse_chr(&self, open: usize) -> Option<(Node, usize)> {
        if !self.is_punct(open, b"(") {
            return None;
        }
        let (neg, k) = if self.is_punct(open + 1, b"-") {
            (true, open + 2)
        } else {
            (false, open + 1)
        };
        if self.tok(k)?.kind != Kind::Num || !self.is_punct(k + 1, b")") {
            return None;
        }
        let n = parse_int(self.text(k))?;
        let n = if neg { n.checked_neg()? } else { n };
        let b = u8::try_from(n.rem_euclid(256)).ok()?;
        Some((Node::Chr(vec![b]), k + 2))
    }

    /// JS `String.fromCharCode(115, 121, ...)`: UTF-16 code units (ToUint16), surrogate pairs
    /// combined.
    fn parse_charcodes(&self, open: usize) -> Option<(Node, usize)> {
        if !self.is_punct(open, b"(") {
            return None;
        }
        let mut units: Vec<u16> = Vec::new();
        let mut j = open + 1;
        if !self.is_punct(j, b")") {
            loop {
                if self.tok(j)?.kind != Kind::Num {
                    return None;
                }
                let n = parse_int(self.text(j))?;
                units.push((n.rem_euclid(0x10000)) as u16);
                j += 1;
                if self.is_punct(j, b")") {
                    break;
                }
                if !self.is_punct(j, b",") {
                    return None;
                }
                j += 1;
            }
        }
        let s: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect();
        Some((Node::Chr(s.into_bytes()), j + 1))
    }

    /// `Buffer.from(data, 'base64' | 'hex').toString([text encoding])`.
    fn parse_buffer(&mut self, open: usize, nest: usize) -> Option<(Node, usize)> {
        if !self.is_punct(open, b"(") || self.memo(open, CALL_FAILED) {
            return None;
        }
        let r = self.buffer_inner(open, nest);
        if r.is_none() {
            self.set_memo(open, CALL_FAILED);
        }
        r
    }

    fn buffer_inner(&mut self, open: usize, nest: usize) -> Option<(Node, usize)> {
        let (data, e) = self.parse_expr(open + 1, nest + 1)?;
        if !self.is_punct(e, b",") {
            return None;
        }
        let func = match self.str_value(e + 1)?.to_ascii_lowercase().as_slice() {
            b"base64" | b"base64url" => Func::BufferBase64,
            b"hex" => Func::BufferHex,
            _ => return None,
        };
        if !(self.is_punct(e + 2, b")")
            && self.is_punct(e + 3, b".")
            && self.is_word(e + 4, b"toString")
            && self.is_punct(e + 5, b"("))
        {
            return None;
        }
        let mut j = e + 6;
        if let Some(enc) = self.str_value(j) {
            let enc = enc.to_ascii_lowercase();
            if !matches!(
                enc.as_slice(),
                b"utf8" | b"utf-8" | b"binary" | b"latin1" | b"ascii"
            ) {
                return None;
            }
            j += 1;
        }
        if !self.is_punct(j, b")") {
            return None;
        }
        Some((self.call_node(func, None, vec![data]), j + 1))
    }
}

// ----- evaluation ------------------------------------------------------------------------------

impl Unit<'_> {
    /// Evaluates a parsed constant expression. With `record`, decoder results that are not
    /// consumed by an enclosing decoder are reported as [`Decoded`]; `pend` collects their
    /// indices with the call id so the caller can fill in offsets once the text is emitted.
    fn eval(
        &mut self,
        ctx: &mut Ctx,
        node: &Node,
        record: bool,
        pend: &mut Vec<(usize, usize)>,
    ) -> Option<Val> {
        match node {
            Node::Lit(i) => {
                let escaped = self.tok(*i)?.has(ESCAPES);
                Some(Val {
                    bytes: self.str_value(*i)?.to_vec(),
                    steps: if escaped { vec![Step::Hex] } else { Vec::new() },
                    decoded: false,
                })
            }
            Node::Num(i) => Some(Val {
                bytes: self.text(*i).to_vec(),
                ..Val::default()
            }),
            Node::Raw(..) => None,
            Node::Var { value, .. } => {
                // `$a = $a . $a` doubles on each line: copies of anything longer than a
                // function name are charged.
                if value.len() > FREE_VAR_COPY && !charge_effort(ctx, value.len()) {
                    return None;
                }
                Some(Val {
                    bytes: value.to_vec(),
                    ..Val::default()
                })
            }
            Node::Index { byte, .. } => Some(Val {
                bytes: vec![*byte],
                ..Val::default()
            }),
            Node::Paren(n) => self.eval(ctx, n, record, pend),
            Node::Chr(b) => Some(Val {
                bytes: b.clone(),
                steps: vec![Step::Chr],
                decoded: false,
            }),
            Node::Concat(items) => {
                let mut out = Val::default();
                for it in items {
                    let v = self.eval(ctx, it, record, pend)?;
                    out.bytes.extend_from_slice(&v.bytes);
                    for s in v.steps {
                        add_step(&mut out.steps, s);
                    }
                    out.decoded |= v.decoded;
                }
                add_step(&mut out.steps, Step::Concat);
                Some(out)
            }
            Node::Call(c) => self.eval_call(ctx, c, record, pend),
        }
    }

    fn eval_call(
        &mut self,
        ctx: &mut Ctx,
        c: &CallNode,
        record: bool,
        pend: &mut Vec<(usize, usize)>,
    ) -> Option<Val> {
        let depth = self.depth + 1;
        if self.depth >= ctx.limits.max_depth {
            ctx.cut(format!(
                "decoding depth limit {} reached",
                ctx.limits.max_depth
            ));
            return None;
        }
        let (_, _, data_idx) = c.func.arity();
        let data = self.eval(ctx, c.args.get(data_idx)?, false, pend)?;
        let name = c.func.name(self.lang);
        // A decoder fed the same junk over and over produces nothing to charge as output.
        if !charge_effort(ctx, data.bytes.len()) {
            return None;
        }
        if ctx.work_left == 0 {
            budget_note(ctx, depth);
            if record && data.decoded {
                self.record(ctx, &data, c.id, pend);
            }
            return None;
        }
        let bytes = &data.bytes;
        let result: Result<Vec<u8>, String> = match c.func {
            Func::Base64 | Func::BufferBase64 => {
                decode::base64(bytes).ok_or_else(|| "no base64 characters".to_string())
            }
            Func::Gzinflate => self.inflate(ctx, Container::Raw, bytes, name),
            Func::Gzuncompress => self.inflate(ctx, Container::Zlib, bytes, name),
            Func::Gzdecode => self.inflate(ctx, Container::Gzip, bytes, name),
            Func::Rot13 => Ok(decode::rot13(bytes)),
            Func::Strrev => Ok(decode::strrev(bytes)),
            Func::JsReverse => Ok(decode::js_reverse(bytes)),
            Func::Hex2bin | Func::BufferHex => {
                decode::hex2bin(bytes).ok_or_else(|| "invalid hex".to_string())
            }
            Func::PackH => decode::pack_h(bytes).ok_or_else(|| "invalid hex".to_string()),
            Func::UrlDecode => Ok(decode::urldecode(bytes, true)),
            Func::RawUrlDecode | Func::JsUriDecode => Ok(decode::urldecode(bytes, false)),
            Func::JsUnescape => Ok(decode::js_unescape(bytes)),
            Func::Uudecode => decode::uudecode(bytes).ok_or_else(|| "invalid uuencode".to_string()),
            Func::StrReplace => {
                let search = self.const_value(c.args.first()?)?;
                let replace = self.const_value(c.args.get(1)?)?;
                decode::str_replace(&search, &replace, bytes, ctx.work_left)
                    .ok_or_else(|| "result over the decoding budget".to_string())
            }
        };
        match result {
            Ok(mut out) => {
                if out.len() > ctx.work_left {
                    out.truncate(ctx.work_left);
                    budget_note(ctx, depth);
                }
                ctx.work_left -= out.len();
                let mut steps = data.steps;
                steps.push(c.func.step());
                let val = Val {
                    bytes: out,
                    steps,
                    decoded: true,
                };
                if record {
                    self.record(ctx, &val, c.id, pend);
                }
                Some(val)
            }
            Err(msg) => {
                ctx.note(format!("{name} failed at depth {depth}: {msg}"));
                if record && data.decoded {
                    self.record(ctx, &data, c.id, pend);
                }
                None
            }
        }
    }

    fn inflate(
        &self,
        ctx: &mut Ctx,
        container: Container,
        data: &[u8],
        name: &str,
    ) -> Result<Vec<u8>, String> {
        let depth = self.depth + 1;
        let cap = ctx.limits.max_inflate;
        let limit = cap.min(ctx.work_left);
        let r = decode::inflate(container, data, limit);
        if r.over_limit {
            if limit < cap {
                budget_note(ctx, depth);
            } else {
                ctx.cut(format!(
                    "{name} output over {} limit at depth {depth}",
                    human(cap)
                ));
            }
        }
        if let Some(e) = r.error {
            if r.bytes.len() < MIN_PARTIAL {
                return Err(e);
            }
            ctx.cut(format!(
                "{name} stream damaged at depth {depth} ({e}), kept {} bytes",
                r.bytes.len()
            ));
        }
        Ok(r.bytes)
    }

    /// Reports a decoded payload, normalizing it in turn when it is text.
    fn record(&mut self, ctx: &mut Ctx, val: &Val, id: usize, pend: &mut Vec<(usize, usize)>) {
        if !ctx.seen.insert(hash_bytes(&val.bytes)) {
            return;
        }
        let depth = self.depth + 1;
        if ctx.stored_left == 0 {
            budget_note(ctx, depth);
            return;
        }
        let is_text = decode::looks_textual(&val.bytes);
        let idx = ctx.decoded.len();
        ctx.decoded.push(Decoded {
            depth,
            steps: val.steps.clone(),
            text: String::new(),
            offset: 0,
            parent: self.parent,
            raw_len: val.bytes.len(),
            is_text,
            truncated: false,
        });
        let mut truncated = false;
        let mut text = if is_text {
            let mut payload: &[u8] = &val.bytes;
            if payload.len() > ctx.limits.max_input {
                ctx.cut(format!(
                    "decoded payload of {} truncated to {} at depth {depth}",
                    human(payload.len()),
                    human(ctx.limits.max_input)
                ));
                payload = payload.get(..ctx.limits.max_input).unwrap_or(&[]);
                truncated = true;
            }
            let head = payload.trim_ascii_start();
            let code_first = self.lang == Language::JavaScript
                || !head.starts_with(b"<")
                || head.starts_with(b"<<<");
            normalize_unit(ctx, self.lang, payload, depth, Some(idx), code_first).0
        } else {
            // Lossy conversion can triple invalid bytes; convert no more than can be stored.
            let keep = val.bytes.len().min(ctx.stored_left);
            if keep < val.bytes.len() {
                truncated = true;
                budget_note(ctx, depth);
            }
            lossy(val.bytes.get(..keep).unwrap_or(&[]))
        };
        if text.len() > ctx.stored_left {
            let mut cut = ctx.stored_left;
            while cut > 0 && !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            truncated = true;
            budget_note(ctx, depth);
        }
        ctx.stored_left -= text.len();
        if let Some(d) = ctx.decoded.get_mut(idx) {
            d.text = text;
            d.truncated = truncated;
        }
        pend.push((idx, id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, normalize};
    use proptest::collection::vec;
    use proptest::prelude::*;

    proptest! {
        /// Any byte strings, written as PHP literals and joined with `.`, fold to one literal
        /// holding their concatenation.
        #[test]
        fn php_concat_of_any_literals(parts in vec(vec(any::<u8>(), 0..16), 1..8)) {
            let lits: Vec<String> = parts.iter().map(|p| quote(Language::Php, p)).collect();
            let src = format!("<?php $x = {};", lits.join(" . "));
            let n = normalize(Language::Php, src.as_bytes(), &Limits::default());
            let want = quote(Language::Php, &parts.concat());
            prop_assert_eq!(n.text, format!("<?php $x={want};"));
        }

        #[test]
        fn js_concat_of_any_literals(parts in vec(any::<String>(), 1..8)) {
            let lits: Vec<String> = parts.iter().map(|p| quote(Language::JavaScript, p.as_bytes())).collect();
            let src = format!("x = {};", lits.join(" + "));
            let n = normalize(Language::JavaScript, src.as_bytes(), &Limits::default());
            let want = quote(Language::JavaScript, parts.concat().as_bytes());
            prop_assert_eq!(n.text, format!("x={want};"));
        }
    }

    #[test]
    fn need_space_rules() {
        assert!(need_space(b'a', b'b'));
        assert!(need_space(b'-', b'-'));
        assert!(need_space(b'?', b'>'));
        assert!(need_space(b'/', b'/'));
        assert!(need_space(b'<', b'='));
        assert!(need_space(b'.', b'5'));
        assert!(need_space(b'5', b'.'));
        assert!(need_space(b'\'', b'a'));
        assert!(!need_space(b'=', b'<'));
        assert!(!need_space(b'*', b'-'));
        assert!(!need_space(b'(', b'a'));
        assert!(!need_space(b'a', b'('));
        assert!(!need_space(b'=', b'\''));
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int(b"98"), Some(98));
        assert_eq!(parse_int(b"0x62"), Some(98));
        assert_eq!(parse_int(b"0142"), Some(98));
        assert_eq!(parse_int(b"0b1100010"), Some(98));
        assert_eq!(parse_int(b"0o142"), Some(98));
        assert_eq!(parse_int(b"1_0"), Some(10));
        assert_eq!(parse_int(b"98.9"), Some(98));
        assert_eq!(parse_int(b"1e400"), None);
        assert_eq!(parse_int(b"0xzz"), None);
    }
}
