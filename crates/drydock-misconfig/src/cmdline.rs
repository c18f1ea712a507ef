//! Finding the dockerd command line in a file and splitting it into words.
//!
//! Accepted: a bare command (`dockerd -H fd:// --icc=false`, possibly
//! continued over lines with `\`), a systemd unit or drop-in whose
//! `ExecStart=` runs dockerd (the last one wins, as in systemd), and the
//! environment files distributions use (`DOCKER_OPTS="..."` in
//! /etc/default/docker, `OPTIONS="..."` in /etc/sysconfig/docker).

/// A quoting error: the line where the quote opened, and what is wrong.
pub(crate) type SplitError = (u32, String);

/// The dockerd arguments and the line of the command they come from.
pub(crate) type DockerdArgs = (Vec<Word>, u32);

/// A word and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    pub line: u32,
}

/// Splits text into commands (one per unescaped newline) of shell words.
/// Quotes group, `\` escapes, a `\` before a newline continues the command,
/// and `#` or `;` at the start of a line starts a comment.
pub(crate) fn commands(text: &str, first_line: u32) -> Result<Vec<Vec<Word>>, SplitError> {
    let mut cmds: Vec<Vec<Word>> = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut word: Option<Word> = None;
    let mut line = first_line;
    let mut at_line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                if let Some(w) = word.take() {
                    cur.push(w);
                }
                if !cur.is_empty() {
                    cmds.push(std::mem::take(&mut cur));
                }
                line = line.saturating_add(1);
                at_line_start = true;
                continue;
            }
            '#' | ';' if at_line_start && word.is_none() && cur.is_empty() => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        line = line.saturating_add(1);
                        break;
                    }
                }
                continue;
            }
            ' ' | '\t' | '\r' => {
                if let Some(w) = word.take() {
                    cur.push(w);
                }
                continue;
            }
            _ => {}
        }
        at_line_start = false;
        let w = word.get_or_insert_with(|| Word {
            text: String::new(),
            line,
        });
        match c {
            '\\' => match chars.next() {
                Some('\n') => {
                    line = line.saturating_add(1);
                    // A continuation also ends the word, as in the shell
                    // after the usual preceding space.
                    if w.text.is_empty() {
                        word = None;
                    }
                }
                Some(n) => w.text.push(n),
                None => {}
            },
            '\'' => {
                let start = line;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(n) => {
                            if n == '\n' {
                                line = line.saturating_add(1);
                            }
                            w.text.push(n);
                        }
                        None => return Err((start, "unterminated single quote".to_owned())),
                    }
                }
            }
            '"' => {
                let start = line;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('\n') => line = line.saturating_add(1),
                            Some(n @ ('"' | '\\' | '$' | '`')) => w.text.push(n),
                            Some(n) => {
                                w.text.push('\\');
                                w.text.push(n);
                            }
                            None => return Err((start, "unterminated double quote".to_owned())),
                        },
                        Some(n) => {
                            if n == '\n' {
                                line = line.saturating_add(1);
                            }
                            w.text.push(n);
                        }
                        None => return Err((start, "unterminated double quote".to_owned())),
                    }
                }
            }
            other => w.text.push(other),
        }
    }
    if let Some(w) = word.take() {
        cur.push(w);
    }
    if !cur.is_empty() {
        cmds.push(cur);
    }
    Ok(cmds)
}

fn is_dockerd(prog: &str) -> bool {
    let base = prog.rsplit('/').next().unwrap_or(prog);
    base == "dockerd" || base == "dockerd-rootless.sh" || base == "dockerd-rootless-setuptool.sh"
}

/// The dockerd arguments (program excluded) of the command that configures
/// the daemon, and the line of that command. `path_hint` admits the
/// generic `OPTIONS=` of /etc/sysconfig/docker.
pub(crate) fn find_dockerd(text: &str, path_hint: &str) -> Result<Option<DockerdArgs>, SplitError> {
    let mut found = None;
    let sysconfig = path_hint.contains("sysconfig/docker") || path_hint.contains("default/docker");
    for cmd in commands(text, 1)? {
        let Some(first) = cmd.first() else { continue };
        let mut words = cmd.clone();
        let mut head = first.text.clone();
        if head == "export" && words.len() > 1 {
            words.remove(0);
            head = words.first().map(|w| w.text.clone()).unwrap_or_default();
        }
        if let Some(rest) = head.strip_prefix("ExecStart=") {
            let prog = rest.trim_start_matches(['-', '@', '+', '!', ':']);
            if is_dockerd(prog) {
                found = Some((words.get(1..).unwrap_or(&[]).to_vec(), first.line));
            } else if prog.is_empty()
                && words.len() > 1
                && words.get(1).is_some_and(|w| is_dockerd(&w.text))
            {
                found = Some((words.get(2..).unwrap_or(&[]).to_vec(), first.line));
            }
            continue;
        }
        let env_value = head
            .strip_prefix("DOCKER_OPTS=")
            .or_else(|| head.strip_prefix("DOCKER_OPTIONS="))
            .or_else(|| {
                if sysconfig {
                    head.strip_prefix("OPTIONS=")
                } else {
                    None
                }
            });
        if let Some(v) = env_value {
            let line = words.first().map_or(first.line, |w| w.line);
            let inner: Vec<Word> = commands(v, line)?.into_iter().flatten().collect();
            found = Some((inner, line));
            continue;
        }
        if is_dockerd(&head) {
            found = Some((words.get(1..).unwrap_or(&[]).to_vec(), first.line));
        }
    }
    Ok(found)
}

/// Whether text looks like a dockerd command line, unit or environment file.
pub(crate) fn looks_like_dockerd(text: &str, path_hint: &str) -> bool {
    matches!(find_dockerd(text, path_hint), Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        commands(s, 1)
            .expect("splits")
            .into_iter()
            .flatten()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn quoting_and_continuations() {
        assert_eq!(
            words("a 'b c' \"d \\\"e\" f\\ g"),
            ["a", "b c", "d \"e", "f g"]
        );
        let c = commands("dockerd \\\n  --icc=false \\\n  -H tcp://x\n", 1).expect("splits");
        assert_eq!(c.len(), 1);
        let lines: Vec<u32> = c[0].iter().map(|w| w.line).collect();
        assert_eq!(lines, [1, 2, 3, 3]);
        assert!(commands("a 'b", 1).is_err());
    }

    #[test]
    fn finds_the_last_exec_start() {
        let unit = "[Service]\n# ExecStart=/usr/bin/dockerd --bad\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// --icc=false\n";
        let (w, line) = find_dockerd(unit, "docker.service")
            .expect("ok")
            .expect("found");
        assert_eq!(line, 4);
        assert_eq!(
            w.iter().map(|w| w.text.as_str()).collect::<Vec<_>>(),
            ["-H", "fd://", "--icc=false"]
        );
    }

    #[test]
    fn environment_files() {
        let (w, line) = find_dockerd(
            "# opts\nDOCKER_OPTS=\"--icc=false -H tcp://0.0.0.0:2375\"\n",
            "x",
        )
        .expect("ok")
        .expect("found");
        assert_eq!(line, 2);
        assert_eq!(w.len(), 3);
        assert!(
            find_dockerd("OPTIONS='--selinux-enabled'\n", "x")
                .expect("ok")
                .is_none()
        );
        assert!(
            find_dockerd("OPTIONS='--selinux-enabled'\n", "/etc/sysconfig/docker")
                .expect("ok")
                .is_some()
        );
        assert!(!looks_like_dockerd("apiVersion: v1\n", "x"));
    }
}
