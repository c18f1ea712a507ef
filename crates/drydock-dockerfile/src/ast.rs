//! The parsed form of a Dockerfile.
//!
//! An [`Instruction`] keeps its 1-based `line..=end_line` span (heredoc
//! bodies included), the keyword as written, the logical line with its
//! continuations joined, its `--flags`, its heredocs and a typed
//! [`InstructionKind`]. Arguments keep their raw spelling (quotes and
//! `$VAR` references intact) next to the unquoted form, so rules can
//! substitute build arguments where they need values.

use std::collections::HashMap;

use serde::Serialize;

/// Parser directives from the top of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Directives {
    /// `# syntax=` frontend image.
    pub syntax: Option<String>,
    /// Escape character: `\` unless `# escape=` says `` ` ``.
    pub escape: char,
    /// `# check=` value (BuildKit build checks).
    pub check: Option<String>,
}

impl Default for Directives {
    fn default() -> Self {
        Self {
            syntax: None,
            escape: '\\',
            check: None,
        }
    }
}

/// A comment line outside the directives (including comment lines inside
/// a continuation, which Docker skips).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// 1-based line.
    pub line: u32,
    /// Text after the `#`, trimmed.
    pub text: String,
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    /// Parser directives.
    pub directives: Directives,
    /// Instructions in file order.
    pub instructions: Vec<Instruction>,
    /// Comment lines in file order.
    pub comments: Vec<Comment>,
}

/// One `--name[=value]` flag of an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// Flag name without the dashes, lower-case as Docker requires.
    pub name: String,
    /// Value with quotes removed; `None` for a bare boolean flag.
    pub value: Option<String>,
}

/// A heredoc attached to RUN, COPY or ADD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// Delimiter word, unquoted.
    pub name: String,
    /// `<<-`: leading tabs were stripped from the body.
    pub strip_tabs: bool,
    /// The delimiter was quoted, so Docker does not expand variables in it.
    pub quoted: bool,
    /// File descriptor written before `<<`, if any (`3<<EOF`).
    pub fd: Option<u32>,
    /// 1-based line of the `<<NAME` marker.
    pub marker_line: u32,
    /// Body, one `\n` after every line.
    pub body: String,
    /// 1-based first body line (the terminator's line when the body is empty).
    pub body_line: u32,
    /// 1-based line of the terminator (last line of the file when missing).
    pub end_line: u32,
}

/// One instruction with its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// 1-based first line.
    pub line: u32,
    /// 1-based last line, heredoc bodies included.
    pub end_line: u32,
    /// The keyword as written (`run`, `Run`, `RUN`).
    pub keyword: String,
    /// Arguments as one logical line: continuations joined, comment lines
    /// inside the continuation dropped, flags included.
    pub args: String,
    /// `--flags` before the arguments.
    pub flags: Vec<Flag>,
    /// Heredocs, in marker order.
    pub heredocs: Vec<Heredoc>,
    /// The typed arguments.
    pub kind: InstructionKind,
}

impl Instruction {
    /// The upper-case instruction name (`UNKNOWN` for unknown ones).
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The value of `--name`, if the flag is present with a value.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|f| f.name == name)
            .and_then(|f| f.value.as_deref())
    }

    /// Whether `--name` is present (with or without a value).
    pub fn has_flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f.name == name)
    }

    /// Every value of a repeatable flag (`--mount`).
    pub fn flag_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.flags
            .iter()
            .filter(move |f| f.name == name)
            .filter_map(|f| f.value.as_deref())
    }

    /// `KEYWORD args` on one line, as the instruction reads once its
    /// continuations are joined.
    pub fn text(&self) -> String {
        if self.args.is_empty() {
            self.keyword.clone()
        } else {
            format!("{} {}", self.keyword, self.args)
        }
    }
}

/// A `key=value` pair of ENV, LABEL or ARG.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    /// The key, unquoted.
    pub key: String,
    /// The value as written (for variable substitution); `None` for an
    /// ARG without a default.
    pub raw_value: Option<String>,
    /// The value, unquoted, variables unexpanded.
    pub value: Option<String>,
}

/// A command of RUN, CMD, ENTRYPOINT or HEALTHCHECK CMD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "form", content = "value", rename_all = "lowercase")]
pub enum Command {
    /// JSON array (exec form): run without a shell.
    Exec(Vec<String>),
    /// Anything else: handed to the SHELL.
    Shell(String),
}

impl Command {
    /// Whether this is the JSON (exec) form.
    pub fn is_exec(&self) -> bool {
        matches!(self, Self::Exec(_))
    }
}

/// FROM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct From {
    /// Image reference as written (may hold `$VAR`).
    pub image: String,
    /// `--platform` value.
    pub platform: Option<String>,
    /// `AS name`, as written.
    pub alias: Option<String>,
}

/// One EXPOSE entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortSpec {
    /// As written (`8000-8010/udp`).
    pub raw: String,
    /// First port, when the text is a number.
    pub start: Option<u64>,
    /// Last port of a range (`start` for a single port).
    pub end: Option<u64>,
    /// Protocol, lower-case; `tcp` when not written.
    pub protocol: String,
}

/// COPY or ADD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyArgs {
    /// Sources, unquoted (`<<EOF` names a heredoc).
    pub sources: Vec<String>,
    /// Destination, unquoted; empty when missing.
    pub dest: String,
    /// The JSON array form was used.
    pub json: bool,
}

/// HEALTHCHECK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "command", rename_all = "lowercase")]
pub enum Healthcheck {
    /// `HEALTHCHECK NONE`: disables any inherited check.
    None,
    /// `HEALTHCHECK [options] CMD …`.
    Cmd(Command),
}

/// RUN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The command; with heredocs, the shell form text still holds the
    /// `<<EOF` markers and the bodies are on the instruction.
    pub command: Command,
}

/// The typed arguments of an instruction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "instruction", content = "args", rename_all = "UPPERCASE")]
pub enum InstructionKind {
    /// FROM.
    From(From),
    /// ARG (BuildKit accepts several per line).
    Arg(Vec<KeyValue>),
    /// ENV.
    Env(Vec<KeyValue>),
    /// LABEL.
    Label(Vec<KeyValue>),
    /// EXPOSE.
    Expose(Vec<PortSpec>),
    /// USER, unquoted (`user[:group]`).
    User(String),
    /// WORKDIR, unquoted.
    Workdir(String),
    /// COPY.
    Copy(CopyArgs),
    /// ADD.
    Add(CopyArgs),
    /// RUN.
    Run(Run),
    /// CMD.
    Cmd(Command),
    /// ENTRYPOINT.
    Entrypoint(Command),
    /// SHELL (always a JSON array).
    Shell(Vec<String>),
    /// HEALTHCHECK.
    Healthcheck(Healthcheck),
    /// ONBUILD with its trigger instruction.
    Onbuild(Box<Instruction>),
    /// STOPSIGNAL.
    Stopsignal(String),
    /// VOLUME paths.
    Volume(Vec<String>),
    /// MAINTAINER text.
    Maintainer(String),
    /// An instruction that failed to parse or is unknown; the lenient
    /// parser keeps it so line numbers of everything else stay right.
    Unknown,
}

impl InstructionKind {
    /// The upper-case instruction name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::From(_) => "FROM",
            Self::Arg(_) => "ARG",
            Self::Env(_) => "ENV",
            Self::Label(_) => "LABEL",
            Self::Expose(_) => "EXPOSE",
            Self::User(_) => "USER",
            Self::Workdir(_) => "WORKDIR",
            Self::Copy(_) => "COPY",
            Self::Add(_) => "ADD",
            Self::Run(_) => "RUN",
            Self::Cmd(_) => "CMD",
            Self::Entrypoint(_) => "ENTRYPOINT",
            Self::Shell(_) => "SHELL",
            Self::Healthcheck(_) => "HEALTHCHECK",
            Self::Onbuild(_) => "ONBUILD",
            Self::Stopsignal(_) => "STOPSIGNAL",
            Self::Volume(_) => "VOLUME",
            Self::Maintainer(_) => "MAINTAINER",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// A build stage: a FROM and the instructions up to the next FROM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// 0-based stage number (what `COPY --from=0` refers to).
    pub index: usize,
    /// `AS` name, lower-cased as Docker compares them.
    pub name: Option<String>,
    /// Index of the FROM in [`Dockerfile::instructions`].
    pub from: usize,
    /// One past the last instruction index of the stage.
    pub end: usize,
    /// Base image as written.
    pub base: String,
    /// Index of an earlier stage the base names, if any.
    pub parent: Option<usize>,
}

impl Dockerfile {
    /// Build stages in order.
    pub fn stages(&self) -> Vec<Stage> {
        let mut stages: Vec<Stage> = Vec::new();
        // Last stage of each name, so a FROM resolves in constant time.
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for (i, ins) in self.instructions.iter().enumerate() {
            if let InstructionKind::From(f) = &ins.kind {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let parent = by_name.get(&f.image.to_ascii_lowercase()).copied();
                if let Some(a) = &f.alias {
                    by_name.insert(a.to_ascii_lowercase(), stages.len());
                }
                stages.push(Stage {
                    index: stages.len(),
                    name: f.alias.as_ref().map(|a| a.to_ascii_lowercase()),
                    from: i,
                    end: self.instructions.len(),
                    base: f.image.clone(),
                    parent,
                });
            }
        }
        stages
    }

    /// ARG instructions before the first FROM: the only variables a FROM
    /// line can use.
    pub fn global_args(&self) -> impl Iterator<Item = &KeyValue> {
        self.instructions
            .iter()
            .take_while(|i| !matches!(i.kind, InstructionKind::From(_)))
            .filter_map(|i| match &i.kind {
                InstructionKind::Arg(a) => Some(a.iter()),
                _ => None,
            })
            .flatten()
    }
}
