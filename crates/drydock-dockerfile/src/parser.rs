//! The Dockerfile parser.
//!
//! It follows BuildKit's front end: parser directives only at the very top,
//! case-insensitive keywords, the escape character ending a line joins the
//! next one (comment and blank lines inside such a continuation are
//! skipped), heredocs on RUN/COPY/ADD read the lines after the instruction,
//! and RUN/CMD/ENTRYPOINT arguments that are not a valid JSON string array
//! are shell form. Errors are recorded with their line and parsing goes on
//! with the next instruction, so one typo does not hide the rest of the
//! file from the linter.

use crate::ast::{
    Command, Comment, CopyArgs, Directives, Dockerfile, Flag, From, Healthcheck, Heredoc,
    Instruction, InstructionKind, KeyValue, PortSpec, Run,
};
use crate::error::{MAX_DOCKERFILE_BYTES, ParseError, ParseErrorKind};
use crate::words::{first_word_end, split_words, unquote};

/// A parse that went on past errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// Everything that parsed; instructions that did not are kept as
    /// [`InstructionKind::Unknown`].
    pub dockerfile: Dockerfile,
    /// Errors in line order.
    pub errors: Vec<ParseError>,
}

/// Parses a Dockerfile, failing on the first syntax error.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let parsed = parse_lenient(text);
    match parsed.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(parsed.dockerfile),
    }
}

/// Parses a Dockerfile, recording errors and continuing.
pub fn parse_lenient(text: &str) -> Parsed {
    let mut errors = Vec::new();
    if text.len() > MAX_DOCKERFILE_BYTES {
        errors.push(ParseError::new(
            1,
            ParseErrorKind::TooLarge {
                size: text.len(),
                limit: MAX_DOCKERFILE_BYTES,
            },
        ));
        return Parsed {
            dockerfile: Dockerfile::default(),
            errors,
        };
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut p = Parser {
        lines: &lines,
        pos: 0,
        directives: Directives::default(),
        errors,
        comments: Vec::new(),
    };
    p.directives();
    let mut instructions = Vec::new();
    while let Some(ins) = p.next_instruction() {
        instructions.push(ins);
    }
    p.errors.sort_by_key(|e| e.line);
    Parsed {
        dockerfile: Dockerfile {
            directives: p.directives,
            instructions,
            comments: p.comments,
        },
        errors: p.errors,
    }
}

/// Instruction keywords, upper-case.
pub(crate) const KEYWORDS: [&str; 18] = [
    "FROM",
    "ARG",
    "ENV",
    "LABEL",
    "EXPOSE",
    "USER",
    "WORKDIR",
    "COPY",
    "ADD",
    "RUN",
    "CMD",
    "ENTRYPOINT",
    "SHELL",
    "HEALTHCHECK",
    "ONBUILD",
    "STOPSIGNAL",
    "VOLUME",
    "MAINTAINER",
];

struct Parser<'a> {
    lines: &'a [&'a str],
    /// 0-based index of the next unread line.
    pos: usize,
    directives: Directives,
    errors: Vec<ParseError>,
    comments: Vec<Comment>,
}

/// One instruction's text with continuations joined, and where each piece
/// came from.
struct Logical {
    text: String,
    /// (byte offset in `text`, 1-based line) for each joined piece.
    segments: Vec<(usize, u32)>,
    first: u32,
    last: u32,
}

impl Logical {
    fn line_at(&self, offset: usize) -> u32 {
        // Segments are sorted by offset; binary search keeps many markers
        // on a long continuation linear overall.
        let i = self.segments.partition_point(|(o, _)| *o <= offset);
        i.checked_sub(1)
            .and_then(|i| self.segments.get(i))
            .map_or(self.first, |(_, l)| *l)
    }
}

fn line_no(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

impl Parser<'_> {
    fn directives(&mut self) {
        let mut seen: Vec<String> = Vec::new();
        while let Some(line) = self.lines.get(self.pos) {
            let Some((key, value)) = directive(line) else {
                break;
            };
            let key_lc = key.to_ascii_lowercase();
            if !matches!(key_lc.as_str(), "syntax" | "escape" | "check") {
                break;
            }
            let lineno = line_no(self.pos);
            if seen.contains(&key_lc) {
                self.errors.push(ParseError::new(
                    lineno,
                    ParseErrorKind::DuplicateDirective(key_lc.clone()),
                ));
            } else {
                match key_lc.as_str() {
                    "syntax" => self.directives.syntax = Some(value.to_owned()),
                    "check" => self.directives.check = Some(value.to_owned()),
                    _ => match value {
                        "\\" => self.directives.escape = '\\',
                        "`" => self.directives.escape = '`',
                        other => self.errors.push(ParseError::new(
                            lineno,
                            ParseErrorKind::InvalidEscape(other.to_owned()),
                        )),
                    },
                }
                seen.push(key_lc);
            }
            self.pos += 1;
        }
    }

    fn next_instruction(&mut self) -> Option<Instruction> {
        loop {
            let line = *self.lines.get(self.pos)?;
            let trimmed = line.trim_start();
            if trimmed.is_empty() {
                self.pos += 1;
                continue;
            }
            if let Some(c) = trimmed.strip_prefix('#') {
                self.comments.push(Comment {
                    line: line_no(self.pos),
                    text: c.trim().to_owned(),
                });
                self.pos += 1;
                continue;
            }
            let logical = self.logical_line();
            return Some(self.instruction(logical));
        }
    }

    /// Reads one instruction's physical lines, joining continuations.
    fn logical_line(&mut self) -> Logical {
        let escape = self.directives.escape;
        let first = line_no(self.pos);
        let mut logical = Logical {
            text: String::new(),
            segments: Vec::new(),
            first,
            last: first,
        };
        while let Some(line) = self.lines.get(self.pos) {
            logical
                .segments
                .push((logical.text.len(), line_no(self.pos)));
            logical.last = line_no(self.pos);
            self.pos += 1;
            match strip_continuation(line, escape) {
                Some(head) => {
                    logical.text.push_str(head);
                    // Docker drops comment and blank lines inside a
                    // continuation instead of ending the instruction.
                    while let Some(next) = self.lines.get(self.pos) {
                        let t = next.trim_start();
                        if t.is_empty() {
                            self.pos += 1;
                        } else if let Some(c) = t.strip_prefix('#') {
                            self.comments.push(Comment {
                                line: line_no(self.pos),
                                text: c.trim().to_owned(),
                            });
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                None => {
                    logical.text.push_str(line);
                    break;
                }
            }
        }
        logical
    }

    fn instruction(&mut self, logical: Logical) -> Instruction {
        let escape = self.directives.escape;
        let lead = logical.text.len() - logical.text.trim_start().len();
        let body = logical.text.trim_start();
        let kw_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let keyword = body.get(..kw_len).unwrap_or_default().to_owned();
        let after_kw = body.get(kw_len..).unwrap_or_default();
        let args = after_kw.trim();
        let args_offset = lead + kw_len + (after_kw.len() - after_kw.trim_start().len());
        let upper = keyword.to_ascii_uppercase();

        let mut heredocs = Vec::new();
        let mut end_line = logical.last;
        if matches!(upper.as_str(), "RUN" | "COPY" | "ADD") && !is_json_array(strip_flags(args)) {
            for (offset, marker) in heredoc_markers(args) {
                let marker_line = logical.line_at(args_offset + offset);
                let doc = self.read_heredoc(marker, marker_line);
                end_line = end_line.max(doc.end_line);
                heredocs.push(doc);
            }
        }

        let mut errors = Vec::new();
        let (kind, flags) = parse_kind(&upper, args, escape, logical.first, 0, &mut errors);
        if matches!(kind, InstructionKind::Unknown) && !KEYWORDS.contains(&upper.as_str()) {
            errors.push(ParseError::new(
                logical.first,
                ParseErrorKind::UnknownInstruction {
                    suggestion: suggest(&upper),
                    keyword: keyword.clone(),
                },
            ));
        }
        self.errors.extend(errors);
        Instruction {
            line: logical.first,
            end_line,
            keyword,
            args: args.to_owned(),
            flags,
            heredocs,
            kind,
        }
    }

    fn read_heredoc(&mut self, marker: Marker, marker_line: u32) -> Heredoc {
        let mut body = String::new();
        let body_line = line_no(self.pos);
        while let Some(line) = self.lines.get(self.pos) {
            self.pos += 1;
            let content = if marker.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if content == marker.name {
                return Heredoc {
                    name: marker.name,
                    strip_tabs: marker.strip_tabs,
                    quoted: marker.quoted,
                    fd: marker.fd,
                    marker_line,
                    body,
                    body_line,
                    end_line: line_no(self.pos - 1),
                };
            }
            body.push_str(content);
            body.push('\n');
        }
        self.errors.push(ParseError::new(
            marker_line,
            ParseErrorKind::UnterminatedHeredoc {
                name: marker.name.clone(),
            },
        ));
        Heredoc {
            name: marker.name,
            strip_tabs: marker.strip_tabs,
            quoted: marker.quoted,
            fd: marker.fd,
            marker_line,
            body,
            body_line,
            end_line: line_no(self.lines.len().saturating_sub(1)),
        }
    }
}

/// `# key=value` at the top of the file.
fn directive(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix('#')?.trim_start();
    let (key, value) = rest.split_once('=')?;
    let key = key.trim_end();
    let mut chars = key.chars();
    if !chars.next()?.is_ascii_alphabetic() || !chars.all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let value = value.trim();
    (!value.is_empty()).then_some((key, value))
}

/// The line without its trailing escape character, if it has one
/// (trailing blanks after the escape are allowed, as in Docker).
fn strip_continuation(line: &str, escape: char) -> Option<&str> {
    let t = line.trim_end_matches([' ', '\t']);
    t.strip_suffix(escape)
}

/// A heredoc marker found in an instruction's arguments.
struct Marker {
    name: String,
    strip_tabs: bool,
    quoted: bool,
    fd: Option<u32>,
}

/// Heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`) outside quotes,
/// with their byte offsets in `args`.
fn heredoc_markers(args: &str) -> Vec<(usize, Marker)> {
    let b = args.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == b'\\' && q == b'"' {
                i += 1;
            }
            i += 1;
            continue;
        }
        match c {
            b'\\' => i += 2,
            b'"' | b'\'' => {
                quote = Some(c);
                i += 1;
            }
            b'<' if b.get(i + 1) == Some(&b'<')
                && b.get(i + 2) != Some(&b'<')
                && (i == 0 || b.get(i - 1) != Some(&b'<')) =>
            {
                // Digits right before `<<` that start a word are an fd.
                let mut fd_start = i;
                while fd_start > 0 && b.get(fd_start - 1).is_some_and(u8::is_ascii_digit) {
                    fd_start -= 1;
                }
                let word_start =
                    fd_start == 0 || b.get(fd_start - 1).is_some_and(|c| c.is_ascii_whitespace());
                let mut j = i + 2;
                let strip_tabs = b.get(j) == Some(&b'-');
                if strip_tabs {
                    j += 1;
                }
                let name_start = j;
                let mut q: Option<u8> = None;
                while let Some(&d) = b.get(j) {
                    match q {
                        Some(qq) if d == qq => q = None,
                        Some(_) => {}
                        None if d == b'"' || d == b'\'' => q = Some(d),
                        None if d.is_ascii_whitespace() || b";|&<>()".contains(&d) => break,
                        None => {}
                    }
                    j += 1;
                }
                let raw = args.get(name_start..j).unwrap_or_default();
                let name: String = raw.chars().filter(|c| *c != '"' && *c != '\'').collect();
                if word_start && !name.is_empty() {
                    let fd = if fd_start < i {
                        args.get(fd_start..i).and_then(|s| s.parse().ok())
                    } else {
                        None
                    };
                    out.push((
                        fd_start,
                        Marker {
                            quoted: raw.contains(['"', '\'']),
                            name,
                            strip_tabs,
                            fd,
                        },
                    ));
                }
                i = j.max(i + 2);
            }
            _ => i += 1,
        }
    }
    out
}

/// The arguments after leading `--flags`, for the JSON-form check that
/// must happen before flags are parsed.
fn strip_flags(args: &str) -> &str {
    let mut rest = args.trim_start();
    while rest.starts_with("--") {
        let end = first_word_end(rest, '\\');
        rest = rest.get(end..).unwrap_or_default().trim_start();
    }
    rest
}

fn is_json_array(s: &str) -> bool {
    parse_json_array(s).is_some()
}

fn parse_json_array(s: &str) -> Option<Vec<String>> {
    let t = s.trim();
    if !t.starts_with('[') || !t.ends_with(']') {
        return None;
    }
    serde_json::from_str::<Vec<String>>(t).ok()
}

fn command(s: &str) -> Command {
    match parse_json_array(s) {
        Some(v) => Command::Exec(v),
        None => Command::Shell(s.to_owned()),
    }
}

fn allowed_flags(instruction: &str) -> Option<&'static [&'static str]> {
    Some(match instruction {
        "FROM" => &["platform"],
        "RUN" => &["mount", "network", "security", "device"],
        "COPY" => &["from", "chown", "chmod", "link", "parents", "exclude"],
        "ADD" => &[
            "chown",
            "chmod",
            "link",
            "checksum",
            "keep-git-dir",
            "exclude",
            "unpack",
        ],
        "HEALTHCHECK" => &[
            "interval",
            "timeout",
            "start-period",
            "start-interval",
            "retries",
        ],
        _ => return None,
    })
}

/// Reads leading `--name[=value]` words; returns the flags and the rest.
fn take_flags<'a>(
    name: &'static str,
    args: &'a str,
    escape: char,
    line: u32,
    errors: &mut Vec<ParseError>,
) -> (Vec<Flag>, &'a str) {
    let Some(allowed) = allowed_flags(name) else {
        return (Vec::new(), args);
    };
    let mut flags = Vec::new();
    let mut rest = args;
    loop {
        let trimmed = rest.trim_start();
        let Some(body) = trimmed.strip_prefix("--") else {
            break;
        };
        let end = first_word_end(trimmed, escape);
        let word = body.get(..end.saturating_sub(2)).unwrap_or_default();
        let (fname, value) = match word.split_once('=') {
            Some((n, v)) => (n, Some(unquote(v, escape))),
            None => (word, None),
        };
        let fname = fname.to_ascii_lowercase();
        if !allowed.contains(&fname.as_str()) {
            errors.push(ParseError::new(
                line,
                ParseErrorKind::UnknownFlag {
                    instruction: name,
                    flag: fname.clone(),
                },
            ));
        }
        flags.push(Flag { name: fname, value });
        rest = trimmed.get(end..).unwrap_or_default();
    }
    (flags, rest.trim_start())
}

/// Parses the arguments of `instruction` (upper-case).
fn parse_kind(
    instruction: &str,
    args: &str,
    escape: char,
    line: u32,
    depth: usize,
    errors: &mut Vec<ParseError>,
) -> (InstructionKind, Vec<Flag>) {
    let Some(name) = KEYWORDS.iter().copied().find(|k| *k == instruction) else {
        return (InstructionKind::Unknown, Vec::new());
    };
    let (flags, rest) = take_flags(name, args, escape, line, errors);
    let missing = |expected: &'static str| {
        ParseError::new(
            line,
            ParseErrorKind::MissingArguments {
                instruction: name,
                expected,
            },
        )
    };
    let invalid = |message: String| {
        ParseError::new(
            line,
            ParseErrorKind::InvalidArguments {
                instruction: name,
                message,
            },
        )
    };
    if rest.is_empty() {
        let expected = match name {
            "COPY" | "ADD" => "a source and a destination",
            "ENV" | "LABEL" => "at least one name=value pair",
            "HEALTHCHECK" => "CMD or NONE",
            _ => "at least one argument",
        };
        errors.push(missing(expected));
        return (InstructionKind::Unknown, flags);
    }
    let words = || -> Vec<String> {
        split_words(rest, escape)
            .into_iter()
            .filter_map(|(a, b)| rest.get(a..b))
            .map(|w| unquote(w, escape))
            .collect()
    };
    let kind = match name {
        "FROM" => {
            let w = words();
            let alias = match w.as_slice() {
                [_] => None,
                [_, as_kw, alias] if as_kw.eq_ignore_ascii_case("as") => Some(alias.clone()),
                _ => {
                    errors.push(invalid(
                        "expected `FROM [--platform=<platform>] <image> [AS <name>]`".into(),
                    ));
                    w.get(2).cloned()
                }
            };
            InstructionKind::From(From {
                image: w.first().cloned().unwrap_or_default(),
                platform: flags
                    .iter()
                    .rev()
                    .find(|f| f.name == "platform")
                    .and_then(|f| f.value.clone()),
                alias,
            })
        }
        "ARG" => {
            let mut out = Vec::new();
            for (a, b) in split_words(rest, escape) {
                let raw = rest.get(a..b).unwrap_or_default();
                let (key, value) = match split_unquoted_eq(raw) {
                    Some((k, v)) => (k, Some(v)),
                    None => (raw, None),
                };
                let key = unquote(key, escape);
                if key.is_empty() {
                    errors.push(invalid(format!("empty argument name in `{raw}`")));
                    continue;
                }
                out.push(KeyValue {
                    key,
                    value: value.map(|v| unquote(v, escape)),
                    raw_value: value.map(str::to_owned),
                });
            }
            InstructionKind::Arg(out)
        }
        "ENV" | "LABEL" => match key_values(rest, escape) {
            Ok(kv) => {
                if name == "ENV" {
                    InstructionKind::Env(kv)
                } else {
                    InstructionKind::Label(kv)
                }
            }
            Err(message) => {
                errors.push(invalid(message));
                InstructionKind::Unknown
            }
        },
        "EXPOSE" => InstructionKind::Expose(words().iter().map(|w| port_spec(w)).collect()),
        "USER" => InstructionKind::User(unquote(rest, escape)),
        "WORKDIR" => InstructionKind::Workdir(unquote(rest, escape)),
        "COPY" | "ADD" => {
            let (mut items, json) = match parse_json_array(rest) {
                Some(v) => (v, true),
                None => (words(), false),
            };
            if items.len() < 2 {
                errors.push(missing("a source and a destination"));
            }
            let dest = if items.len() >= 2 {
                items.pop().unwrap_or_default()
            } else {
                String::new()
            };
            let c = CopyArgs {
                sources: items,
                dest,
                json,
            };
            if name == "COPY" {
                InstructionKind::Copy(c)
            } else {
                InstructionKind::Add(c)
            }
        }
        "RUN" => InstructionKind::Run(Run {
            command: command(rest),
        }),
        "CMD" => InstructionKind::Cmd(command(rest)),
        "ENTRYPOINT" => InstructionKind::Entrypoint(command(rest)),
        "SHELL" => match parse_json_array(rest) {
            Some(v) if !v.is_empty() => InstructionKind::Shell(v),
            _ => {
                errors.push(invalid(
                    "arguments must be a non-empty JSON array of strings".into(),
                ));
                InstructionKind::Unknown
            }
        },
        "HEALTHCHECK" => {
            let first_end = first_word_end(rest, escape);
            let first = rest.get(..first_end).unwrap_or_default();
            let after = rest.get(first_end..).unwrap_or_default().trim();
            if first.eq_ignore_ascii_case("NONE") {
                if !after.is_empty() || !flags.is_empty() {
                    errors.push(invalid("NONE takes no other arguments".into()));
                }
                InstructionKind::Healthcheck(Healthcheck::None)
            } else if first.eq_ignore_ascii_case("CMD") {
                if after.is_empty() {
                    errors.push(missing("a command after CMD"));
                }
                InstructionKind::Healthcheck(Healthcheck::Cmd(command(after)))
            } else {
                errors.push(invalid(format!("expected CMD or NONE, found `{first}`")));
                InstructionKind::Unknown
            }
        }
        "ONBUILD" => {
            let kw_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let inner_kw = rest.get(..kw_end).unwrap_or_default();
            let inner_args = rest.get(kw_end..).unwrap_or_default().trim();
            let inner_upper = inner_kw.to_ascii_uppercase();
            // One level of nesting is parsed; a trigger of a trigger is
            // kept unparsed (the linter flags it), which also bounds
            // recursion on `ONBUILD ONBUILD ONBUILD …`.
            let (inner_kind, inner_flags) = if depth == 0 {
                parse_kind(&inner_upper, inner_args, escape, line, depth + 1, errors)
            } else {
                (InstructionKind::Unknown, Vec::new())
            };
            if matches!(inner_kind, InstructionKind::Unknown)
                && !KEYWORDS.contains(&inner_upper.as_str())
            {
                errors.push(ParseError::new(
                    line,
                    ParseErrorKind::UnknownInstruction {
                        suggestion: suggest(&inner_upper),
                        keyword: inner_kw.to_owned(),
                    },
                ));
            }
            InstructionKind::Onbuild(Box::new(Instruction {
                line,
                end_line: line,
                keyword: inner_kw.to_owned(),
                args: inner_args.to_owned(),
                flags: inner_flags,
                heredocs: Vec::new(),
                kind: inner_kind,
            }))
        }
        "STOPSIGNAL" => InstructionKind::Stopsignal(unquote(rest, escape)),
        "VOLUME" => InstructionKind::Volume(parse_json_array(rest).unwrap_or_else(words)),
        "MAINTAINER" => InstructionKind::Maintainer(rest.to_owned()),
        _ => InstructionKind::Unknown,
    };
    (kind, flags)
}

/// Splits `raw` at its first `=` outside quotes.
fn split_unquoted_eq(raw: &str) -> Option<(&str, &str)> {
    let mut quote: Option<char> = None;
    for (i, c) in raw.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => return Some((raw.get(..i)?, raw.get(i + 1..)?)),
            None => {}
        }
    }
    None
}

/// ENV/LABEL arguments: `k=v k2="v 2"`, or the legacy `key value with spaces`.
fn key_values(rest: &str, escape: char) -> Result<Vec<KeyValue>, String> {
    let ranges = split_words(rest, escape);
    let Some(&(a, b)) = ranges.first() else {
        return Err("expected name=value".into());
    };
    let first = rest.get(a..b).unwrap_or_default();
    if split_unquoted_eq(first).is_none() {
        let value_raw = rest.get(b..).unwrap_or_default().trim();
        if value_raw.is_empty() {
            return Err(format!("`{first}` has no value (expected name=value)"));
        }
        return Ok(vec![KeyValue {
            key: unquote(first, escape),
            value: Some(unquote(value_raw, escape)),
            raw_value: Some(value_raw.to_owned()),
        }]);
    }
    let mut out = Vec::new();
    for (a, b) in ranges {
        let raw = rest.get(a..b).unwrap_or_default();
        let Some((k, v)) = split_unquoted_eq(raw) else {
            return Err(format!(
                "can't find = in `{raw}` (expected name=value pairs)"
            ));
        };
        let key = unquote(k, escape);
        if key.is_empty() {
            return Err(format!("empty name in `{raw}`"));
        }
        out.push(KeyValue {
            key,
            value: Some(unquote(v, escape)),
            raw_value: Some(v.to_owned()),
        });
    }
    Ok(out)
}

pub(crate) fn port_spec(word: &str) -> PortSpec {
    let (port, proto) = match word.split_once('/') {
        Some((p, pr)) => (p, pr.to_ascii_lowercase()),
        None => (word, "tcp".to_owned()),
    };
    let num = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (start, end) = match port.split_once('-') {
        Some((a, b)) => (num(a), num(b)),
        None => (num(port), num(port)),
    };
    PortSpec {
        raw: word.to_owned(),
        start,
        end,
        protocol: proto,
    }
}

/// The keyword `word` most likely misspells: edit distance at most 2, or
/// the same letters in another order.
fn suggest(word: &str) -> Option<&'static str> {
    if word.is_empty() || word.len() > 24 {
        return None;
    }
    let sorted = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v
    };
    let w = sorted(word);
    KEYWORDS
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 2) || sorted(k) == w)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_keywords() {
        assert_eq!(suggest("FORM"), Some("FROM"));
        assert_eq!(suggest("RUNN"), Some("RUN"));
        assert_eq!(suggest("COPPY"), Some("COPY"));
        assert_eq!(suggest("XYZZY"), None);
    }

    #[test]
    fn finds_heredoc_markers() {
        let m = heredoc_markers(r#"<<EOF cat <<-"X" 3<<'Y' "<<NO" a<<NOTWORD <<<here << spaced"#);
        let names: Vec<_> = m.iter().map(|(_, m)| m.name.as_str()).collect();
        assert_eq!(names, vec!["EOF", "X", "Y"]);
        assert!(m.get(1).is_some_and(|(_, m)| m.strip_tabs && m.quoted));
        assert_eq!(m.get(2).and_then(|(_, m)| m.fd), Some(3));
    }
}
