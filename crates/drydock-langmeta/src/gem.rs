//! Installed RubyGems specifications (`specifications/*.gemspec`).
//!
//! RubyGems writes these files with `Gem::Specification#to_ruby`: one
//! `s.FIELD = LITERAL` assignment per line, string literals dumped with
//! escapes and usually followed by `.freeze`. Executing them is out of the
//! question, so each line is matched against that shape and the literal is
//! decoded by a small reader for Ruby's string and array syntax. Anything it
//! does not understand (constants, interpolation, method calls, values split
//! over several lines) leaves the field unknown.

use std::iter::Peekable;
use std::str::CharIndices;

use crate::{Error, Limits, text};

/// One installed gem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gem {
    /// Gem name.
    pub name: String,
    /// Gem version.
    pub version: String,
    /// Platform of a binary gem (`x86_64-linux`, `java`); `None` for the
    /// default `ruby` platform.
    pub platform: Option<String>,
    /// License identifiers from `s.licenses` / `s.license`.
    pub licenses: Vec<String>,
    /// Authors from `s.authors` / `s.author`.
    pub authors: Vec<String>,
    /// `s.homepage`.
    pub homepage: Option<String>,
}

impl Gem {
    /// The purl, `pkg:gem/NAME@VERSION`, with the `platform` qualifier the
    /// purl spec defines for non-`ruby` platforms. Gem names are case
    /// sensitive, so the name is kept as is.
    pub fn purl(&self) -> String {
        let platform = self.platform.as_deref().unwrap_or("");
        crate::purl::render(
            "gem",
            None,
            &self.name,
            &self.version,
            &[("platform", platform)],
        )
    }
}

/// True for an installed specification: `NAME.gemspec` directly in a
/// `specifications` directory, or in its `default` subdirectory (gems bundled
/// with Ruby). Gemspecs elsewhere, such as the sources of git-installed gems
/// under `bundler/gems/`, are hand-written Ruby and are not matched.
pub fn is_gemspec_path(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let Some(file) = parts.next() else {
        return false;
    };
    if file.strip_suffix(".gemspec").is_none_or(str::is_empty) {
        return false;
    }
    match parts.next() {
        Some("specifications") => true,
        Some("default") => parts.next() == Some("specifications"),
        _ => false,
    }
}

/// Reads an installed gemspec. `file_name` is its name or path; only the last
/// component is used.
///
/// Name, version and platform come, in order of preference, from the
/// `s.name`/`s.version`/`s.platform` assignments, from the
/// `# stub: NAME VERSION PLATFORM ...` comment RubyGems writes at the top,
/// and from the file name `NAME-VERSION[-PLATFORM].gemspec`. The file name is
/// the weakest source because a version or platform containing `-` makes it
/// ambiguous; it is split at the first `-` followed by a digit, and the rest
/// after the version is taken as the platform only if it names a known CPU or
/// OS. Version and platform always come from the same source.
///
/// Lines longer than [`Limits::max_line`] are skipped, and invalid UTF-8 is
/// replaced, so only input larger than [`Limits::max_input`] is an error.
/// Returns `Ok(None)` when no source yields both a name and a version.
pub fn parse_gemspec(bytes: &[u8], file_name: &str, limits: &Limits) -> Result<Option<Gem>, Error> {
    if bytes.len() > limits.max_input {
        return Err(Error::InputTooLarge {
            size: bytes.len(),
            limit: limits.max_input,
        });
    }
    let mut spec = Assigned::default();
    let mut stub: Option<Identity> = None;
    for raw in text::strip_bom(bytes).split(|&b| b == b'\n') {
        if raw.len() > limits.max_line {
            continue;
        }
        let line = String::from_utf8_lossy(raw);
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("# stub:") {
            if stub.is_none() {
                stub = parse_stub(rest);
            }
            continue;
        }
        if let Some((field, value)) = split_assignment(line) {
            spec.assign(field, value);
        }
    }

    let file = identity_from_file_name(text::file_name(file_name));
    let name = spec
        .name
        .take()
        .or_else(|| stub.as_ref().map(|s| s.name.clone()))
        .or_else(|| file.as_ref().map(|f| f.name.clone()));
    let (version, platform) = match (spec.version.take(), &stub, &file) {
        (Some(v), _, _) => (v, spec.platform.take()),
        (None, Some(s), _) => (s.version.clone(), s.platform.clone()),
        (None, None, Some(f)) => (f.version.clone(), f.platform.clone()),
        (None, None, None) => return Ok(None),
    };
    let Some(name) = name else {
        return Ok(None);
    };
    Ok(Some(Gem {
        name,
        version,
        platform: platform.filter(|p| p != "ruby"),
        licenses: spec.licenses.unwrap_or_default(),
        authors: spec.authors.unwrap_or_default(),
        homepage: spec.homepage,
    }))
}

/// Values found in assignments; later assignments win, as in Ruby.
#[derive(Default)]
struct Assigned {
    name: Option<String>,
    version: Option<String>,
    platform: Option<String>,
    licenses: Option<Vec<String>>,
    authors: Option<Vec<String>>,
    homepage: Option<String>,
}

impl Assigned {
    fn assign(&mut self, field: &str, value: &str) {
        match field {
            "name" => {
                if let Some(v) = string_value(value).filter(|v| valid_name(v)) {
                    self.name = Some(v);
                }
            }
            "version" => {
                if let Some(v) = string_value(value).filter(|v| valid_version(v)) {
                    self.version = Some(v);
                }
            }
            "platform" => {
                if let Some(v) = string_value(value).filter(|v| valid_version(v)) {
                    self.platform = Some(v);
                }
            }
            "homepage" => {
                if let Some(v) = string_value(value)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty() && !v.chars().any(char::is_control))
                {
                    self.homepage = Some(v);
                }
            }
            "licenses" | "license" => {
                if let Some(v) = list_value(value) {
                    self.licenses = Some(clean_list(v));
                }
            }
            "authors" | "author" => {
                if let Some(v) = list_value(value) {
                    self.authors = Some(clean_list(v));
                }
            }
            _ => {}
        }
    }
}

fn clean_list(items: Vec<String>) -> Vec<String> {
    items
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn valid_name(name: &str) -> bool {
    text::check_token(name, "name", false).is_ok()
}

fn valid_version(version: &str) -> bool {
    text::check_token(version, "version", false).is_ok()
}

/// Name, version and platform from a source other than the assignments.
struct Identity {
    name: String,
    version: String,
    platform: Option<String>,
}

/// `# stub: rack 2.2.3 ruby lib`: name, version, platform, then the require
/// paths joined by NUL.
fn parse_stub(rest: &str) -> Option<Identity> {
    let mut words = rest.split_whitespace();
    let name = words.next().filter(|n| valid_name(n))?;
    let version = words.next().filter(|v| valid_version(v))?;
    let platform = words.next().filter(|p| valid_version(p));
    Some(Identity {
        name: name.to_owned(),
        version: version.to_owned(),
        platform: platform.map(str::to_owned),
    })
}

/// Words that occur in RubyGems platform strings (`x86_64-linux-musl`,
/// `arm64-darwin`, `x64-mingw-ucrt`, `java`, `universal-darwin-21`).
const PLATFORM_WORDS: &[&str] = &[
    "x86",
    "x64",
    "i386",
    "i486",
    "i586",
    "i686",
    "amd64",
    "arm",
    "aarch64",
    "ppc",
    "powerpc",
    "s390",
    "sparc",
    "mips",
    "riscv",
    "universal",
    "java",
    "jruby",
    "dalvik",
    "dotnet",
    "mswin",
    "mingw",
    "cygwin",
    "darwin",
    "linux",
    "freebsd",
    "openbsd",
    "netbsd",
    "solaris",
    "aix",
    "musl",
];

/// `NAME-VERSION[-PLATFORM].gemspec`.
fn identity_from_file_name(file: &str) -> Option<Identity> {
    let stem = file.strip_suffix(".gemspec")?;
    let split = stem
        .char_indices()
        .zip(stem.chars().skip(1))
        .find(|((_, c), next)| *c == '-' && next.is_ascii_digit())
        .map(|((i, _), _)| i)?;
    let name = stem.get(..split)?;
    let rest = stem.get(split + 1..)?;
    let (version, platform) = match rest.split_once('-') {
        Some((v, p)) if looks_like_platform(p) => (v, Some(p)),
        _ => (rest, None),
    };
    if !valid_name(name) || !valid_version(version) || !platform.is_none_or(valid_version) {
        return None;
    }
    Some(Identity {
        name: name.to_owned(),
        version: version.to_owned(),
        platform: platform.map(str::to_owned),
    })
}

fn looks_like_platform(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    PLATFORM_WORDS.iter().any(|w| lower.contains(w))
}

/// Splits `RECEIVER.FIELD = VALUE`, returning `FIELD` and `VALUE`. Comparisons
/// (`==`, `=~`) and hash arrows (`=>`) are not assignments.
fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let receiver_end = ident_end(line)?;
    let rest = line.get(receiver_end..)?.strip_prefix('.')?;
    let field_end = ident_end(rest)?;
    let field = rest.get(..field_end)?;
    let value = rest.get(field_end..)?.trim_start().strip_prefix('=')?;
    if value.starts_with(['=', '~', '>']) {
        return None;
    }
    Some((field, value))
}

/// Length of the identifier at the start of `s`, if there is one.
fn ident_end(s: &str) -> Option<usize> {
    let first = s.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    Some(
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len()),
    )
}

/// A single string: a literal, optionally wrapped in `Gem::Version.new(...)`
/// (older RubyGems wrote versions that way).
fn string_value(value: &str) -> Option<String> {
    let value = value.trim_start();
    if let Some(inner) = value.strip_prefix("Gem::Version.new(") {
        let (s, rest) = string_literal(inner)?;
        rest.trim_start().strip_prefix(')')?;
        return Some(s);
    }
    string_literal(value).map(|(s, _)| s)
}

/// A list: `[lit, lit]`, `%w[...]`, or a single literal (RubyGems accepts a
/// plain string for `licenses` and `authors`).
fn list_value(value: &str) -> Option<Vec<String>> {
    let value = value.trim_start();
    if let Some(mut rest) = value.strip_prefix('[') {
        let mut items = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.starts_with(']') {
                return Some(items);
            }
            let (item, after) = string_literal(rest)?;
            items.push(item);
            let after = after.trim_start();
            if let Some(next) = after.strip_prefix(',') {
                rest = next;
            } else if after.starts_with(']') {
                return Some(items);
            } else {
                return None;
            }
        }
    }
    if let Some(rest) = value
        .strip_prefix("%w")
        .or_else(|| value.strip_prefix("%W"))
    {
        let mut chars = rest.chars();
        let open = chars.next()?;
        let close = closing_delimiter(open)?;
        let (body, _) = delimited(chars.as_str(), open, close, false)?;
        return Some(body.split_whitespace().map(str::to_owned).collect());
    }
    string_value(value).map(|s| vec![s])
}

/// Reads one string literal at the start of `s` (after optional whitespace),
/// with an optional trailing `.freeze`, returning it and the rest of `s`.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    let mut chars = s.chars();
    let (value, rest) = match chars.next()? {
        '"' => delimited(chars.as_str(), '"', '"', true)?,
        '\'' => delimited(chars.as_str(), '\'', '\'', false)?,
        '%' => {
            let (interpolating, open) = match chars.next()? {
                'q' => (false, chars.next()?),
                'Q' => (true, chars.next()?),
                c => (true, c),
            };
            let close = closing_delimiter(open)?;
            delimited(chars.as_str(), open, close, interpolating)?
        }
        _ => return None,
    };
    let rest = rest.strip_prefix(".freeze").unwrap_or(rest);
    Some((value, rest))
}

/// The delimiter closing a `%` literal opened by `open`: brackets pair up,
/// any other punctuation closes itself.
fn closing_delimiter(open: char) -> Option<char> {
    match open {
        '(' => Some(')'),
        '[' => Some(']'),
        '{' => Some('}'),
        '<' => Some('>'),
        c if c.is_ascii_punctuation() => Some(c),
        _ => None,
    }
}

/// Reads up to the unescaped `close` (bracket delimiters nest), decoding
/// escapes. `interpolating` selects double-quote rules, where `#{...}` makes
/// the value unknowable and so fails the read.
fn delimited(s: &str, open: char, close: char, interpolating: bool) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            let (_, escaped) = chars.next()?;
            if interpolating {
                unescape(escaped, &mut chars, &mut out)?;
            } else if escaped == '\\' || escaped == close || escaped == open {
                out.push(escaped);
            } else {
                out.push('\\');
                out.push(escaped);
            }
            continue;
        }
        if interpolating && c == '#' && interpolates(chars.clone()) {
            return None;
        }
        if c == close {
            if depth == 0 {
                return Some((out, s.get(i + c.len_utf8()..)?));
            }
            depth -= 1;
        } else if c == open {
            depth += 1;
        }
        out.push(c);
    }
    None
}

/// Whether the `#` just read starts an interpolation: `#{...}` always,
/// `#@var` and `#$var` only before a name.
fn interpolates(mut ahead: Peekable<CharIndices<'_>>) -> bool {
    match ahead.next() {
        Some((_, '{')) => true,
        Some((_, '@' | '$')) => ahead
            .next()
            .is_some_and(|(_, c)| c.is_ascii_alphabetic() || c == '_' || c == '@'),
        _ => false,
    }
}

/// Decodes the double-quote escape whose letter is `escaped`.
fn unescape(escaped: char, chars: &mut Peekable<CharIndices<'_>>, out: &mut String) -> Option<()> {
    let c = match escaped {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        's' => ' ',
        'e' => '\u{1b}',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'v' => '\u{b}',
        'u' => {
            if chars.peek().is_some_and(|&(_, c)| c == '{') {
                chars.next();
                // `\u{41 42}` holds several code points.
                loop {
                    while chars.peek().is_some_and(|&(_, c)| c == ' ') {
                        chars.next();
                    }
                    if chars.peek().is_some_and(|&(_, c)| c == '}') {
                        chars.next();
                        return Some(());
                    }
                    let code = hex_digits(chars, 6)?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
            }
            let code = hex_digits(chars, 4)?;
            char::from_u32(code).unwrap_or('\u{fffd}')
        }
        'x' => {
            // A lone byte; above ASCII it is part of an encoding this reader
            // cannot reassemble.
            let code = hex_digits(chars, 2)?;
            char::from_u32(code)
                .filter(char::is_ascii)
                .unwrap_or('\u{fffd}')
        }
        '0'..='7' => {
            let mut code = escaped.to_digit(8)?;
            for _ in 0..2 {
                match chars.peek().and_then(|&(_, c)| c.to_digit(8)) {
                    Some(d) => {
                        code = code * 8 + d;
                        chars.next();
                    }
                    None => break,
                }
            }
            char::from_u32(code)
                .filter(char::is_ascii)
                .unwrap_or('\u{fffd}')
        }
        other => other,
    };
    out.push(c);
    Some(())
}

/// Reads 1 to `max` hex digits.
fn hex_digits(chars: &mut Peekable<CharIndices<'_>>, max: usize) -> Option<u32> {
    let mut code = 0u32;
    let mut n = 0;
    while n < max {
        match chars.peek().and_then(|&(_, c)| c.to_digit(16)) {
            Some(d) => {
                code = code * 16 + d;
                chars.next();
                n += 1;
            }
            None => break,
        }
    }
    (n > 0).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(string_value(r#""rack".freeze"#).as_deref(), Some("rack"));
        assert_eq!(string_value("'rack'").as_deref(), Some("rack"));
        assert_eq!(string_value(r"'it\'s'").as_deref(), Some("it's"));
        assert_eq!(string_value(r"'a\b'").as_deref(), Some(r"a\b"));
        assert_eq!(string_value(r#""a\"b""#).as_deref(), Some("a\"b"));
        assert_eq!(string_value(r#""caf\u00E9""#).as_deref(), Some("café"));
        assert_eq!(string_value(r#""\u{41 42}""#).as_deref(), Some("AB"));
        assert_eq!(string_value(r#""\x41\101""#).as_deref(), Some("AA"));
        assert_eq!(string_value(r#""\#{x}""#).as_deref(), Some("#{x}"));
        assert_eq!(string_value(r##""#{x}""##), None);
        assert_eq!(string_value(r##""#@ivar""##), None);
        assert_eq!(string_value(r##""a #1""##).as_deref(), Some("a #1"));
        assert_eq!(string_value("%q{rack}").as_deref(), Some("rack"));
        assert_eq!(string_value("%q<rack>.freeze").as_deref(), Some("rack"));
        assert_eq!(string_value("%Q(a(b)c)").as_deref(), Some("a(b)c"));
        assert_eq!(string_value("%|x|").as_deref(), Some("x"));
        assert_eq!(
            string_value(r#"Gem::Version.new("1.2.3")"#).as_deref(),
            Some("1.2.3")
        );
        assert_eq!(string_value("Rack::VERSION"), None);
        assert_eq!(string_value(r#""unterminated"#), None);
        assert_eq!(string_value(r#""trailing\"#), None);
        assert_eq!(string_value(r#""\u""#), None);
    }

    #[test]
    fn lists() {
        assert_eq!(
            list_value(r#"["MIT".freeze, "Ruby".freeze]"#),
            Some(vec!["MIT".to_owned(), "Ruby".to_owned()])
        );
        assert_eq!(list_value("[]"), Some(vec![]));
        assert_eq!(list_value("%w[MIT BSD-2-Clause]").unwrap().len(), 2);
        assert_eq!(list_value("%w(MIT)").unwrap(), vec!["MIT".to_owned()]);
        assert_eq!(list_value(r#""MIT""#).unwrap(), vec!["MIT".to_owned()]);
        assert_eq!(list_value(r#"["MIT", LICENSE]"#), None);
        assert_eq!(list_value(r#"["MIT""#), None);
    }

    #[test]
    fn assignments() {
        assert_eq!(
            split_assignment(r#"s.name = "rack".freeze"#),
            Some(("name", r#" "rack".freeze"#))
        );
        assert_eq!(
            split_assignment(r#"spec.version="1""#),
            Some(("version", r#""1""#))
        );
        assert_eq!(split_assignment(r#"s.name == "x""#), None);
        assert_eq!(split_assignment(r#"s.name =~ /x/"#), None);
        assert_eq!(split_assignment(r#""s.name" => 1"#), None);
        assert_eq!(split_assignment("s.name"), None);
        assert_eq!(split_assignment("1.name = 2"), None);
    }

    #[test]
    fn file_names() {
        let id = identity_from_file_name("rack-test-1.1.0.gemspec").unwrap();
        assert_eq!(
            (id.name.as_str(), id.version.as_str()),
            ("rack-test", "1.1.0")
        );
        assert_eq!(id.platform, None);
        let id = identity_from_file_name("nokogiri-1.13.10-x86_64-linux.gemspec").unwrap();
        assert_eq!(id.name, "nokogiri");
        assert_eq!(id.version, "1.13.10");
        assert_eq!(id.platform.as_deref(), Some("x86_64-linux"));
        let id = identity_from_file_name("pkg-1.0.0-rc1.gemspec").unwrap();
        assert_eq!(id.version, "1.0.0-rc1");
        assert_eq!(id.platform, None);
        assert!(identity_from_file_name("noversion.gemspec").is_none());
        assert!(identity_from_file_name("rack-2.2.3.txt").is_none());
        assert!(identity_from_file_name("-1.0.gemspec").is_none());
        assert!(identity_from_file_name("a-1.0 x.gemspec").is_none());
    }

    #[test]
    fn paths() {
        assert!(is_gemspec_path(
            "usr/local/bundle/specifications/rack-2.2.3.gemspec"
        ));
        assert!(is_gemspec_path(
            "usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"
        ));
        assert!(is_gemspec_path("specifications/a-1.gemspec"));
        assert!(!is_gemspec_path(
            "usr/local/bundle/bundler/gems/rails-abc123/rails.gemspec"
        ));
        assert!(!is_gemspec_path("usr/local/bundle/specifications/.gemspec"));
        assert!(!is_gemspec_path("usr/local/bundle/specifications/rack.rb"));
        assert!(!is_gemspec_path("default/rack-1.gemspec"));
    }
}
