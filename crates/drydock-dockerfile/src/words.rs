//! Dockerfile word handling: splitting argument text into words, removing
//! quotes, and substituting `$VAR` / `${VAR:-default}` the way the builder
//! does for ENV, ARG, FROM, COPY, USER, WORKDIR and friends.

/// What a variable lookup knows about a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarState {
    /// Defined with this value.
    Set(String),
    /// Declared (an ARG without default, a build argument) but its value
    /// is only known at build time.
    Unknown,
    /// Not defined at all: expands to the empty string.
    Unset,
}

/// The result of substituting variables in a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The word with quotes removed and known variables substituted.
    pub value: String,
    /// False when some variable's value was unknown, so `value` is only
    /// a best guess (unknown variables expand to nothing).
    pub complete: bool,
}

/// Nesting cap for `${A:-${B:-…}}`: deeper text is kept literally.
const MAX_DEPTH: usize = 8;

/// Byte ranges of the words of `s`: runs separated by unquoted, unescaped
/// whitespace.
pub(crate) fn split_words(s: &str, escape: char) -> Vec<(usize, usize)> {
    words_up_to(s, escape, usize::MAX)
}

/// End of the first word of `s` (`s.len()` when there is none), without
/// scanning further: flag parsing calls this once per flag.
pub(crate) fn first_word_end(s: &str, escape: char) -> usize {
    words_up_to(s, escape, 1).first().map_or(s.len(), |w| w.1)
}

fn words_up_to(s: &str, escape: char, limit: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(i);
        }
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if c == escape && q == '"' {
                    chars.next();
                }
            }
            None => {
                if c == escape {
                    chars.next();
                } else if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c.is_whitespace()
                    && let Some(st) = start.take()
                {
                    out.push((st, i));
                    if out.len() >= limit {
                        return out;
                    }
                }
            }
        }
    }
    if let Some(st) = start {
        out.push((st, s.len()));
    }
    out
}

/// Words of `s` as strings (raw, quotes intact).
#[cfg(test)]
pub(crate) fn raw_words(s: &str, escape: char) -> Vec<&str> {
    split_words(s, escape)
        .into_iter()
        .filter_map(|(a, b)| s.get(a..b))
        .collect()
}

/// Removes quotes and escapes, leaving `$VAR` references as written.
pub fn unquote(raw: &str, escape: char) -> String {
    process(raw, escape, None).value
}

/// Removes quotes and escapes and substitutes variables through `lookup`.
pub fn expand(raw: &str, escape: char, lookup: &dyn Fn(&str) -> VarState) -> Expanded {
    process(raw, escape, Some(lookup))
}

fn process(raw: &str, escape: char, lookup: Option<&dyn Fn(&str) -> VarState>) -> Expanded {
    let chars: Vec<char> = raw.chars().collect();
    let mut p = Processor {
        chars: &chars,
        pos: 0,
        escape,
        lookup,
        complete: true,
    };
    let value = p.word(None, 0);
    Expanded {
        value,
        complete: p.complete,
    }
}

struct Processor<'a> {
    chars: &'a [char],
    pos: usize,
    escape: char,
    lookup: Option<&'a dyn Fn(&str) -> VarState>,
    complete: bool,
}

impl Processor<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Reads until the end, or until an unquoted `stop` character (which
    /// is not consumed).
    fn word(&mut self, stop: Option<char>, depth: usize) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if Some(c) == stop {
                break;
            }
            self.pos += 1;
            if c == self.escape {
                match self.peek() {
                    Some(n) => {
                        out.push(n);
                        self.pos += 1;
                    }
                    None => out.push(c),
                }
            } else if c == '\'' {
                while let Some(n) = self.peek() {
                    self.pos += 1;
                    if n == '\'' {
                        break;
                    }
                    out.push(n);
                }
            } else if c == '"' {
                self.double_quoted(&mut out, depth);
            } else if c == '$' {
                self.dollar(&mut out, depth);
            } else {
                out.push(c);
            }
        }
        out
    }

    fn double_quoted(&mut self, out: &mut String, depth: usize) {
        while let Some(n) = self.peek() {
            self.pos += 1;
            if n == '"' {
                return;
            }
            if n == self.escape {
                match self.peek() {
                    Some(m) if m == '"' || m == '$' || m == self.escape => {
                        out.push(m);
                        self.pos += 1;
                    }
                    _ => out.push(n),
                }
            } else if n == '$' {
                self.dollar(out, depth);
            } else {
                out.push(n);
            }
        }
    }

    /// After a `$`: a variable reference, or a literal `$`.
    fn dollar(&mut self, out: &mut String, depth: usize) {
        let start = self.pos - 1;
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                let name = self.name();
                let literal_end = self.matching_brace();
                if self.lookup.is_none() || depth >= MAX_DEPTH || name.is_empty() {
                    let end = literal_end.unwrap_or(self.chars.len());
                    out.extend(self.chars.get(start..end).unwrap_or_default());
                    self.pos = end;
                    return;
                }
                let op = self.operator();
                let value = match op.as_deref() {
                    None => {
                        let v = self.var(&name);
                        self.skip_to(literal_end);
                        v
                    }
                    Some(op @ (":-" | "-" | ":+" | "+" | ":?" | "?")) => {
                        let word = self.word(Some('}'), depth + 1);
                        if self.peek() == Some('}') {
                            self.pos += 1;
                        }
                        self.apply(&name, op, word)
                    }
                    Some(_) => {
                        // Pattern operators (`#`, `%`, `/`): the result
                        // depends on shell matching we do not emulate.
                        self.complete = false;
                        self.skip_to(literal_end);
                        String::new()
                    }
                };
                out.push_str(&value);
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                let name = self.name();
                if self.lookup.is_none() {
                    out.push('$');
                    out.push_str(&name);
                } else {
                    let v = self.var(&name);
                    out.push_str(&v);
                }
            }
            _ => out.push('$'),
        }
    }

    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '_' || c.is_ascii_alphanumeric() {
                name.push(c);
                self.pos += 1;
            } else {
                break;
            }
        }
        name
    }

    fn operator(&mut self) -> Option<String> {
        let c = self.peek()?;
        if c == '}' {
            return None;
        }
        self.pos += 1;
        if c == ':' {
            if let Some(n) = self.peek().filter(|n| matches!(n, '-' | '+' | '?')) {
                self.pos += 1;
                return Some(format!(":{n}"));
            }
            return Some(":".into());
        }
        Some(c.to_string())
    }

    /// Index one past the `}` closing the `${` we are in, if any.
    fn matching_brace(&self) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = self.pos;
        while let Some(&c) = self.chars.get(i) {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return Some(i + 1),
                '}' => depth -= 1,
                _ => {}
            }
            i += 1;
        }
        None
    }

    fn skip_to(&mut self, end: Option<usize>) {
        self.pos = end.unwrap_or(self.chars.len());
    }

    fn state(&mut self, name: &str) -> VarState {
        match self.lookup {
            Some(f) => f(name),
            None => VarState::Unset,
        }
    }

    fn var(&mut self, name: &str) -> String {
        match self.state(name) {
            VarState::Set(v) => v,
            VarState::Unknown => {
                self.complete = false;
                String::new()
            }
            VarState::Unset => String::new(),
        }
    }

    fn apply(&mut self, name: &str, op: &str, word: String) -> String {
        let state = self.state(name);
        let colon = op.starts_with(':');
        match state {
            VarState::Unknown => {
                self.complete = false;
                // The default is the likeliest value when the build does
                // not pass the argument.
                if op.ends_with('-') {
                    word
                } else {
                    String::new()
                }
            }
            VarState::Set(v) => {
                let empty = v.is_empty() && colon;
                match op.trim_start_matches(':') {
                    "-" | "?" if empty => word,
                    "-" | "?" => v,
                    "+" if empty => String::new(),
                    _ => word,
                }
            }
            VarState::Unset => match op.trim_start_matches(':') {
                "-" => word,
                _ => String::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(name: &str) -> VarState {
        match name {
            "TAG" => VarState::Set("3.12".into()),
            "EMPTY" => VarState::Set(String::new()),
            "ARGY" => VarState::Unknown,
            _ => VarState::Unset,
        }
    }

    #[test]
    fn splits_on_unquoted_whitespace() {
        let s = r#"a "b c" 'd e' f\ g  h"#;
        assert_eq!(
            raw_words(s, '\\'),
            vec!["a", "\"b c\"", "'d e'", "f\\ g", "h"]
        );
        assert_eq!(raw_words("a`  b c", '`'), vec!["a` ", "b", "c"]);
        assert!(raw_words("   ", '\\').is_empty());
    }

    #[test]
    fn unquotes() {
        assert_eq!(unquote(r#""a b"'c'd\ e"#, '\\'), "a bcd e");
        assert_eq!(unquote(r#""x\"y\z""#, '\\'), "x\"y\\z");
        assert_eq!(unquote("$HOME/${X:-y}", '\\'), "$HOME/${X:-y}");
        assert_eq!(unquote("a`\"b", '`'), "a\"b");
    }

    #[test]
    fn expands_variables() {
        let e = |s: &str| expand(s, '\\', &vars);
        assert_eq!(e("python:$TAG").value, "python:3.12");
        assert_eq!(e("python:${TAG}-slim").value, "python:3.12-slim");
        assert_eq!(e("${NOPE:-latest}").value, "latest");
        assert_eq!(e("${EMPTY:-d}").value, "d");
        assert_eq!(e("${EMPTY-d}").value, "");
        assert_eq!(e("${TAG:+set}").value, "set");
        assert_eq!(e("${NOPE:+set}").value, "");
        assert_eq!(e("${NOPE:-${TAG}}").value, "3.12");
        assert_eq!(e("'$TAG'").value, "$TAG");
        assert_eq!(e("\"$TAG\"").value, "3.12");
        assert_eq!(e("\\$TAG").value, "$TAG");
        assert_eq!(e("a$").value, "a$");
        assert!(e("$TAG").complete);
        let u = e("img:${ARGY:-1.0}");
        assert_eq!(u.value, "img:1.0");
        assert!(!u.complete);
        assert!(!e("${TAG%%.*}").complete);
        assert_eq!(e("${TAG").value, "3.12");
    }
}
