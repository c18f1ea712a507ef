//! Shell-lite: enough of POSIX shell syntax to find the simple commands of
//! a RUN script.
//!
//! A script is split into simple commands on `&&`, `||`, `;`, `&`, `|`,
//! newlines and subshell parentheses, respecting quotes, escapes, `$(…)`,
//! backticks, `${…}` and heredocs. Redirections and their targets are
//! dropped, leading `NAME=value` assignments are kept apart, and compound
//! keywords (`if`, `then`, `do`, …) are skipped so the commands inside
//! them are seen. Command substitutions, process substitutions and
//! `sh -c '…'` strings are parsed as nested scripts, up to a small depth,
//! so `sh -c "$(curl … | sh)"` is visible to the rules. This is not a
//! shell: it never expands variables or globs, and it never fails; text it
//! does not understand just becomes words.

/// A parsed script: every simple command, nested ones included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// Simple commands in source order; nested commands follow the top-level ones.
    pub commands: Vec<SimpleCommand>,
}

/// A simple command: words, with assignments and redirections removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    /// Words with quotes removed (variables are left as written).
    pub words: Vec<String>,
    /// The same words as written.
    pub raw: Vec<String>,
    /// Leading `NAME=value` assignments.
    pub assignments: Vec<(String, String)>,
    /// Pipeline identifier; commands joined by `|` share it.
    pub pipeline: usize,
    /// Position inside the pipeline, 0 for the first command.
    pub position: usize,
    /// 0 for top-level commands, more for `$(…)` and `sh -c` contents.
    pub depth: usize,
}

/// Nesting cap for command substitutions and `sh -c` strings.
const MAX_DEPTH: usize = 8;

/// Commands that run the command given in their arguments.
const WRAPPERS: &[&str] = &[
    "sudo",
    "doas",
    "env",
    "exec",
    "command",
    "builtin",
    "nohup",
    "time",
    "nice",
    "timeout",
    "eatmydata",
    "gosu",
    "su-exec",
    "xargs",
    "stdbuf",
];

/// Shells whose `-c` argument is a script.
pub const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

impl SimpleCommand {
    /// The words after wrappers such as `sudo`, `env`, `xargs`, `nice`.
    pub fn argv(&self) -> &[String] {
        let w = &self.words;
        let mut i = 0;
        while let Some(first) = w.get(i) {
            let name = basename(first);
            if !WRAPPERS.contains(&name) {
                break;
            }
            i += 1;
            let takes_arg: &[&str] = match name {
                "sudo" | "doas" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T"],
                "env" => &["-u", "-C", "-S", "--unset", "--chdir"],
                "nice" => &["-n"],
                "timeout" => &["-s", "-k", "--signal", "--kill-after"],
                "xargs" => &["-I", "-n", "-P", "-d", "-L", "-s", "-a", "-E"],
                "stdbuf" => &["-i", "-o", "-e"],
                _ => &[],
            };
            while let Some(opt) = w.get(i) {
                if opt == "--" {
                    i += 1;
                    break;
                }
                if name == "env" && is_assignment(opt) {
                    i += 1;
                    continue;
                }
                if !opt.starts_with('-') || opt.len() < 2 {
                    break;
                }
                i += if takes_arg.contains(&opt.as_str()) {
                    2
                } else {
                    1
                };
            }
            match name {
                "timeout" => i += 1,
                "gosu" | "su-exec" => i += 1,
                _ => {}
            }
        }
        w.get(i..).unwrap_or_default()
    }

    /// Basename of the command after wrappers (`apt-get` for `/usr/bin/apt-get`).
    pub fn name(&self) -> Option<&str> {
        self.argv().first().map(|s| basename(s))
    }

    /// Arguments after the command name, wrappers removed.
    pub fn args(&self) -> &[String] {
        self.argv().get(1..).unwrap_or_default()
    }

    /// The command as one line, for evidence.
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = self
            .assignments
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.extend(self.raw.iter().cloned());
        parts.join(" ")
    }

    /// Whether any word (wrappers included) is the basename `name`.
    pub fn uses(&self, name: &str) -> bool {
        self.words.first().is_some_and(|w| basename(w) == name) || self.name() == Some(name)
    }
}

/// The last `/`-separated part of a command word.
pub fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Parses a shell script.
pub fn parse_script(text: &str) -> Script {
    let mut counter = 0;
    let mut commands = Vec::new();
    parse_into(text, 0, &mut counter, &mut commands);
    Script { commands }
}

/// Makes a script from an exec-form argument list.
pub fn from_argv(argv: &[String]) -> Script {
    let mut counter = 1;
    let mut commands = vec![SimpleCommand {
        words: argv.to_vec(),
        raw: argv.to_vec(),
        ..SimpleCommand::default()
    }];
    expand_nested(&mut commands, 0, &mut counter);
    Script { commands }
}

fn parse_into(text: &str, depth: usize, counter: &mut usize, out: &mut Vec<SimpleCommand>) {
    let chars: Vec<char> = text.chars().collect();
    let mut lx = Lexer {
        chars: &chars,
        pos: 0,
        depth,
        pipeline: *counter,
        position: 0,
        cur: SimpleCommand::default(),
        skip_command: false,
        redirect: None,
        pending_heredocs: Vec::new(),
        nested: Vec::new(),
        out: Vec::new(),
    };
    *counter += 1;
    lx.run(counter);
    let mut commands = lx.out;
    let nested = lx.nested;
    let start = out.len();
    out.append(&mut commands);
    if depth < MAX_DEPTH {
        for n in nested {
            parse_into(&n, depth + 1, counter, out);
        }
    }
    let mut added: Vec<SimpleCommand> = out.drain(start..).collect();
    expand_nested(&mut added, depth, counter);
    out.append(&mut added);
}

/// Adds the commands of `sh -c '…'` and `eval '…'` strings.
fn expand_nested(commands: &mut Vec<SimpleCommand>, depth: usize, counter: &mut usize) {
    if depth >= MAX_DEPTH {
        return;
    }
    let mut extra = Vec::new();
    for c in commands.iter().filter(|c| c.depth == depth) {
        let argv = c.argv();
        let Some(name) = argv.first().map(|s| basename(s)) else {
            continue;
        };
        let args = argv.get(1..).unwrap_or_default();
        let script = if name == "eval" {
            Some(args.join(" "))
        } else if SHELLS.contains(&name) || name == "su" {
            let mut it = args.iter();
            let mut found = None;
            while let Some(a) = it.next() {
                let is_c = a == "-c"
                    || (a.starts_with('-')
                        && !a.starts_with("--")
                        && a.ends_with('c')
                        && a.chars().skip(1).all(|ch| ch.is_ascii_alphabetic()));
                if is_c {
                    found = it.next().cloned();
                    break;
                }
                if a == "-o" {
                    it.next();
                } else if !a.starts_with('-') && name != "busybox" && name != "su" {
                    break;
                }
            }
            found
        } else {
            None
        };
        if let Some(s) = script {
            parse_into(&s, depth + 1, counter, &mut extra);
        }
    }
    commands.append(&mut extra);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Redirect {
    File,
    Heredoc { strip_tabs: bool },
}

struct Lexer<'a> {
    chars: &'a [char],
    pos: usize,
    depth: usize,
    pipeline: usize,
    position: usize,
    cur: SimpleCommand,
    /// Inside `for …`/`case …` headers, whose words are not a command.
    skip_command: bool,
    redirect: Option<Redirect>,
    pending_heredocs: Vec<(String, bool)>,
    nested: Vec<String>,
    out: Vec<SimpleCommand>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at(&self, off: usize) -> Option<char> {
        self.chars.get(self.pos + off).copied()
    }

    fn run(&mut self, counter: &mut usize) {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\n' => {
                    self.pos += 1;
                    self.end_command(counter, false);
                    self.skip_heredoc_bodies();
                }
                '#' => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                '\\' if self.at(1) == Some('\n') => self.pos += 2,
                ';' | '(' | ')' => {
                    self.pos += 1;
                    self.end_command(counter, false);
                }
                '&' if self.at(1) == Some('>') => self.redirect_op(),
                '&' => {
                    self.pos += if self.at(1) == Some('&') { 2 } else { 1 };
                    self.end_command(counter, false);
                }
                '|' => {
                    if self.at(1) == Some('|') {
                        self.pos += 2;
                        self.end_command(counter, false);
                    } else {
                        self.pos += if self.at(1) == Some('&') { 2 } else { 1 };
                        self.end_command(counter, true);
                    }
                }
                '<' | '>' if self.at(1) == Some('(') => self.word(),
                '<' | '>' => self.redirect_op(),
                _ => self.word(),
            }
        }
        self.end_command(counter, false);
    }

    fn end_command(&mut self, counter: &mut usize, pipe: bool) {
        let cmd = std::mem::take(&mut self.cur);
        self.redirect = None;
        self.skip_command = false;
        let had_words = !cmd.words.is_empty();
        if had_words {
            self.out.push(SimpleCommand {
                pipeline: self.pipeline,
                position: self.position,
                depth: self.depth,
                ..cmd
            });
        }
        if pipe {
            if had_words {
                self.position += 1;
            }
        } else {
            self.pipeline = *counter;
            *counter += 1;
            self.position = 0;
        }
    }

    fn redirect_op(&mut self) {
        let mut kind = Redirect::File;
        match (self.peek(), self.at(1), self.at(2)) {
            (Some('<'), Some('<'), Some('<')) => self.pos += 3,
            (Some('<'), Some('<'), Some('-')) => {
                self.pos += 3;
                kind = Redirect::Heredoc { strip_tabs: true };
            }
            (Some('<'), Some('<'), _) => {
                self.pos += 2;
                kind = Redirect::Heredoc { strip_tabs: false };
            }
            (Some('&'), Some('>'), Some('>')) | (Some('>'), Some('>'), _) => {
                self.pos += if self.peek() == Some('&') { 3 } else { 2 }
            }
            (Some('&'), Some('>'), _)
            | (Some('<' | '>'), Some('&' | '|'), _)
            | (Some('<'), Some('>'), _) => self.pos += 2,
            _ => self.pos += 1,
        }
        self.redirect = Some(kind);
    }

    /// Skips heredoc bodies that start after the newline just read.
    fn skip_heredoc_bodies(&mut self) {
        for (delim, strip) in std::mem::take(&mut self.pending_heredocs) {
            while self.pos < self.chars.len() {
                let start = self.pos;
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
                let line: String = self
                    .chars
                    .get(start..self.pos)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
                let line = if strip {
                    line.trim_start_matches('\t')
                } else {
                    line.as_str()
                };
                if line == delim {
                    break;
                }
            }
        }
    }

    /// Reads one word starting at the current position.
    fn word(&mut self) {
        let mut value = String::new();
        let mut raw = String::new();
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' => break,
                '<' | '>' if self.at(1) != Some('(') => break,
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(n) => {
                            raw.push('\\');
                            raw.push(n);
                            value.push(n);
                            self.pos += 1;
                        }
                        None => {
                            raw.push('\\');
                            value.push('\\');
                        }
                    }
                }
                '\'' => {
                    self.pos += 1;
                    raw.push('\'');
                    while let Some(n) = self.peek() {
                        self.pos += 1;
                        raw.push(n);
                        if n == '\'' {
                            break;
                        }
                        value.push(n);
                    }
                }
                '"' => {
                    self.pos += 1;
                    raw.push('"');
                    self.double_quoted(&mut value, &mut raw);
                }
                '$' if self.at(1) == Some('(') => self.substitution(&mut value, &mut raw, 1),
                '<' | '>' => self.substitution(&mut value, &mut raw, 1),
                '$' if self.at(1) == Some('{') => self.braces(&mut value, &mut raw),
                '`' => self.backticks(&mut value, &mut raw),
                _ => {
                    value.push(c);
                    raw.push(c);
                    self.pos += 1;
                }
            }
        }
        // `2>` style: digits right before a redirection are its fd.
        if matches!(self.peek(), Some('<' | '>'))
            && self.at(1) != Some('(')
            && !raw.is_empty()
            && raw.chars().all(|c| c.is_ascii_digit())
        {
            return;
        }
        self.push_word(value, raw);
    }

    fn double_quoted(&mut self, value: &mut String, raw: &mut String) {
        while let Some(n) = self.peek() {
            match n {
                '"' => {
                    self.pos += 1;
                    raw.push('"');
                    return;
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(m @ ('"' | '\\' | '$' | '`')) => {
                            raw.push('\\');
                            raw.push(m);
                            value.push(m);
                            self.pos += 1;
                        }
                        _ => {
                            raw.push('\\');
                            value.push('\\');
                        }
                    }
                }
                '$' if self.at(1) == Some('(') => self.substitution(value, raw, 1),
                '$' if self.at(1) == Some('{') => self.braces(value, raw),
                '`' => self.backticks(value, raw),
                _ => {
                    value.push(n);
                    raw.push(n);
                    self.pos += 1;
                }
            }
        }
    }

    /// `$(…)`, `<(…)`, `>(…)`: the text is kept in the word and the inside
    /// parsed as a nested script (not `$((…))` arithmetic).
    fn substitution(&mut self, value: &mut String, raw: &mut String, open: usize) {
        let start = self.pos;
        self.pos += open + 1;
        let inner_start = self.pos;
        let mut depth = 1usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match quote {
                Some(q) if c == q => quote = None,
                Some('"') if c == '\\' => self.pos += 1,
                Some(_) => {}
                None => match c {
                    '\\' => self.pos += 1,
                    '\'' | '"' => quote = Some(c),
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                },
            }
        }
        let end = self.pos.min(self.chars.len());
        let text: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        let inner_end = if depth == 0 { end - 1 } else { end };
        let inner: String = self
            .chars
            .get(inner_start..inner_end.max(inner_start))
            .unwrap_or_default()
            .iter()
            .collect();
        if !inner.starts_with('(') {
            self.nested.push(inner);
        }
        value.push_str(&text);
        raw.push_str(&text);
    }

    fn braces(&mut self, value: &mut String, raw: &mut String) {
        let start = self.pos;
        self.pos += 2;
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        let text: String = self
            .chars
            .get(start..self.pos)
            .unwrap_or_default()
            .iter()
            .collect();
        value.push_str(&text);
        raw.push_str(&text);
    }

    fn backticks(&mut self, value: &mut String, raw: &mut String) {
        let start = self.pos;
        self.pos += 1;
        let inner_start = self.pos;
        let mut closed = false;
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == '\\' {
                self.pos += 1;
            } else if c == '`' {
                closed = true;
                break;
            }
        }
        let end = self.pos.min(self.chars.len());
        let inner_end = if closed { end - 1 } else { end };
        let inner: String = self
            .chars
            .get(inner_start..inner_end.max(inner_start))
            .unwrap_or_default()
            .iter()
            .collect();
        self.nested.push(inner);
        let text: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        value.push_str(&text);
        raw.push_str(&text);
    }

    fn push_word(&mut self, value: String, raw: String) {
        if let Some(kind) = self.redirect.take() {
            if let Redirect::Heredoc { strip_tabs } = kind {
                self.pending_heredocs.push((value, strip_tabs));
            }
            return;
        }
        if self.skip_command {
            return;
        }
        if self.cur.words.is_empty() {
            if is_assignment(&raw) {
                if let Some((k, v)) = value.split_once('=') {
                    self.cur.assignments.push((k.to_owned(), v.to_owned()));
                }
                return;
            }
            if raw == value {
                match value.as_str() {
                    "if" | "then" | "else" | "elif" | "fi" | "do" | "done" | "while" | "until"
                    | "!" | "{" | "}" | "esac" | "time" => return,
                    "for" | "case" | "select" | "function" => {
                        self.skip_command = true;
                        return;
                    }
                    _ => {}
                }
            }
        }
        self.cur.words.push(value);
        self.cur.raw.push(raw);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        parse_script(s)
            .commands
            .iter()
            .filter_map(|c| c.name().map(str::to_owned))
            .collect()
    }

    #[test]
    fn splits_on_operators() {
        assert_eq!(
            names("apt-get update && apt-get install -y x; rm -rf /a || true & echo"),
            vec!["apt-get", "apt-get", "rm", "true", "echo"]
        );
    }

    #[test]
    fn pipelines() {
        let s = parse_script("curl -fsSL https://x | sudo bash -s -- --flag && echo 'a|b'");
        let c = &s.commands;
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].pipeline, c[1].pipeline);
        assert_eq!((c[0].position, c[1].position), (0, 1));
        assert_ne!(c[1].pipeline, c[2].pipeline);
        assert_eq!(c[1].name(), Some("bash"));
        assert_eq!(c[2].words, vec!["echo", "a|b"]);
    }

    #[test]
    fn quotes_and_substitutions() {
        let s = parse_script(r#"echo "$(curl -s x | sh)" `wget y` && FOO=1 BAR="a b" make"#);
        let n: Vec<_> = s.commands.iter().filter_map(|c| c.name()).collect();
        assert_eq!(n, vec!["echo", "make", "curl", "sh", "wget"]);
        let make = s.commands.iter().find(|c| c.name() == Some("make"));
        assert_eq!(
            make.map(|m| m.assignments.clone()),
            Some(vec![
                ("FOO".into(), "1".into()),
                ("BAR".into(), "a b".into())
            ])
        );
        assert!(
            s.commands
                .iter()
                .any(|c| c.depth == 1 && c.name() == Some("sh"))
        );
    }

    #[test]
    fn redirections_dropped() {
        let s = parse_script("echo hi > /tmp/x 2>&1 && cat < in >> out");
        assert_eq!(s.commands[0].words, vec!["echo", "hi"]);
        assert_eq!(s.commands[1].words, vec!["cat"]);
    }

    #[test]
    fn compound_commands() {
        let s = parse_script(
            "if [ -f x ]; then apt-get install -y a; else cd /b; fi\nfor p in a b; do pip install $p; done",
        );
        let n: Vec<_> = s.commands.iter().filter_map(|c| c.name()).collect();
        assert_eq!(n, vec!["[", "apt-get", "cd", "pip"]);
    }

    #[test]
    fn shell_c_and_wrappers() {
        let s = parse_script("sudo -u root env A=1 bash -ec 'cd /x && curl -k y'");
        let n: Vec<_> = s.commands.iter().filter_map(|c| c.name()).collect();
        assert_eq!(n, vec!["bash", "cd", "curl"]);
        assert!(s.commands[0].uses("sudo"));
    }

    #[test]
    fn heredoc_in_script_skipped() {
        let s = parse_script(
            "cat <<EOF > /etc/x\nrm -rf /\nEOF\necho done\ncat <<-'X'\n\tsudo x\n\tX\nls",
        );
        let n: Vec<_> = s.commands.iter().filter_map(|c| c.name()).collect();
        assert_eq!(n, vec!["cat", "echo", "cat", "ls"]);
    }

    #[test]
    fn comments_and_continuations() {
        let s = parse_script("apt-get install \\\n  curl # comment && sudo\necho '#not'");
        assert_eq!(s.commands[0].words, vec!["apt-get", "install", "curl"]);
        assert_eq!(s.commands[1].words, vec!["echo", "#not"]);
    }

    #[test]
    fn process_substitution() {
        let s = parse_script("bash <(curl -s https://x)");
        assert_eq!(s.commands[0].words, vec!["bash", "<(curl -s https://x)"]);
        assert!(s.commands.iter().any(|c| c.name() == Some("curl")));
    }
}
