//! Rules about what RUN executes: package managers, downloads, trust
//! bypasses, permissions and shell hygiene. Each rule fires at most once
//! per RUN, with the first offending simple command as evidence.

use std::collections::HashMap;

use super::{Ctx, StageCounts, StageState};
use crate::ast::{Command, Instruction};
use crate::shell::{SHELLS, SimpleCommand, basename, from_argv, parse_script};
use crate::words::{VarState, expand};

/// Interpreters that run a script read from stdin or an argument.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "python", "python2", "python3",
    "perl", "ruby", "node", "php",
];

/// Commands that make no sense in a build (hadolint DL3001's list).
const POINTLESS: &[&str] = &[
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
];

struct Emit<'c, 'a, 'i> {
    ctx: &'c mut Ctx<'a>,
    ins: &'i Instruction,
    done: Vec<&'static str>,
}

impl Emit<'_, '_, '_> {
    fn once(&mut self, id: &'static str, evidence: &str) {
        if !self.done.contains(&id) {
            self.done.push(id);
            self.ctx.at(id, self.ins, evidence);
        }
    }
}

/// Checks one RUN (or an ONBUILD RUN trigger).
pub(super) fn check_run(
    ctx: &mut Ctx<'_>,
    ins: &Instruction,
    command: &Command,
    st: &StageState,
    in_image: bool,
    counts: &mut StageCounts,
) {
    let mut e = Emit {
        ctx,
        ins,
        done: Vec::new(),
    };
    if ins
        .flag_values("security")
        .any(|s| s.eq_ignore_ascii_case("insecure"))
    {
        e.once("DD-DF-073", &ins.text());
    }
    let shell = st
        .shell
        .first()
        .map(|s| basename(s).to_ascii_lowercase())
        .unwrap_or_default();
    let posix =
        !(shell.starts_with("pwsh") || shell.starts_with("powershell") || shell.starts_with("cmd"));
    let (commands, exec) = match command {
        Command::Exec(argv) => (from_argv(argv).commands, true),
        Command::Shell(text) => {
            if !posix {
                return;
            }
            let mut cmds = parse_script(text).commands;
            for body in script_heredocs(ins, text) {
                let offset = cmds.iter().map(|c| c.pipeline + 1).max().unwrap_or(0);
                cmds.extend(parse_script(body).commands.into_iter().map(|mut c| {
                    c.pipeline += offset;
                    c
                }));
            }
            (cmds, false)
        }
    };
    if commands.is_empty() {
        return;
    }

    remote_script(&mut e, &commands);
    if !exec {
        pipefail(&mut e, &commands, st);
    }
    for c in &commands {
        let name = c.name().unwrap_or_default();
        let prefix = c.words.len().saturating_sub(c.argv().len());
        if c.words.iter().take(prefix).any(|w| basename(w) == "sudo") || name == "sudo" {
            e.once("DD-DF-103", &c.text());
        }
        if name == "cd" && c.depth == 0 {
            e.once("DD-DF-102", &c.text());
        }
        if POINTLESS.contains(&name) {
            e.once("DD-DF-104", &c.text());
        }
        if name == "ln" && c.args().last().is_some_and(|a| a == "/bin/sh") {
            e.once("DD-DF-107", &c.text());
        }
        if name == "chmod" && chmod_world_writable(c.args()) {
            e.once("DD-DF-112", &c.text());
        }
        if name == "useradd" && useradd_big_uid(c.args()) {
            e.once("DD-DF-109", &c.text());
        }
        if name == "wget" {
            let quiet = c.args().iter().any(|a| {
                a.starts_with("--progress")
                    || matches!(
                        a.as_str(),
                        "-q" | "--quiet"
                            | "-nv"
                            | "--no-verbose"
                            | "-o"
                            | "--output-file"
                            | "-a"
                            | "--append-output"
                    )
                    || short_group(a, 'q')
            });
            if !quiet {
                e.once("DD-DF-106", &c.text());
            }
        }
        trust(&mut e, c);
        for (k, v) in &c.assignments {
            if let Some(id) = env_var_bypass(k, v) {
                e.once(id, &c.text());
            }
        }
        if name == "export" {
            for a in c.args() {
                if let Some((k, v)) = a.split_once('=')
                    && let Some(id) = env_var_bypass(k, v)
                {
                    e.once(id, &c.text());
                }
            }
        }
    }
    let any = |n: &str| commands.iter().any(|c| c.name() == Some(n));
    counts.curl |= any("curl");
    counts.wget |= any("wget");
    if counts.curl && counts.wget && !counts.both_reported {
        counts.both_reported = true;
        e.once("DD-DF-105", &ins.text());
    }

    apt(&mut e, &commands, st, in_image);
    apk(&mut e, &commands, st, in_image);
    pip(&mut e, &commands, st, in_image);
    npm_gem_go_yarn(&mut e, &commands, st, in_image);
    rpm_family(&mut e, &commands, st, in_image);
    zypper(&mut e, &commands, st, in_image);
}

/// Heredoc bodies that are shell scripts: `RUN <<EOF` (the body is the
/// script) and `RUN bash <<EOF` (the body is the shell's stdin). The body
/// of `RUN python3 <<EOF` or `RUN cat <<EOF >file` is data.
fn script_heredocs<'i>(ins: &'i Instruction, text: &str) -> Vec<&'i str> {
    if ins.heredocs.is_empty() {
        return Vec::new();
    }
    let rest: Vec<&str> = text
        .split_whitespace()
        .filter(|w| {
            let t = w.trim_start_matches(|c: char| c.is_ascii_digit());
            !t.starts_with("<<")
        })
        .collect();
    let is_script = match rest.split_first() {
        None => true,
        Some((first, args)) => {
            SHELLS.contains(&basename(first))
                && args.iter().all(|a| a.starts_with('-') && !a.contains('c'))
        }
    };
    if is_script {
        ins.heredocs
            .first()
            .map(|h| h.body.as_str())
            .into_iter()
            .collect()
    } else {
        Vec::new()
    }
}

fn remote_script(e: &mut Emit<'_, '_, '_>, commands: &[SimpleCommand]) {
    // Lowest position of a download command in each pipeline.
    let mut fetch_at: HashMap<usize, usize> = HashMap::new();
    for c in commands {
        if matches!(c.name(), Some("curl" | "wget")) {
            let p = fetch_at.entry(c.pipeline).or_insert(c.position);
            *p = (*p).min(c.position);
        }
    }
    for c in commands {
        let name = c.name().unwrap_or_default();
        if INTERPRETERS.contains(&name) || matches!(name, "eval" | "source" | ".") {
            let fetched = c.raw.iter().any(|w| {
                ["$(", "<(", "`"].iter().any(|open| {
                    w.match_indices(open).any(|(i, _)| {
                        let after = w.get(i + open.len()..).unwrap_or_default().trim_start();
                        let first = after.split_whitespace().next().unwrap_or_default();
                        matches!(basename(first), "curl" | "wget")
                    })
                })
            });
            if fetched {
                e.once("DD-DF-100", &c.text());
                return;
            }
        }
        let piped_from_fetch = fetch_at.get(&c.pipeline).is_some_and(|p| *p < c.position);
        if INTERPRETERS.contains(&name) && piped_from_fetch {
            let text: Vec<String> = commands
                .iter()
                .filter(|u| u.pipeline == c.pipeline && u.position <= c.position)
                .map(SimpleCommand::text)
                .collect();
            e.once("DD-DF-100", &text.join(" | "));
            return;
        }
    }
}

fn pipefail(e: &mut Emit<'_, '_, '_>, commands: &[SimpleCommand], st: &StageState) {
    let shell_has = st.shell.windows(2).any(|w| is_pipefail_opt(&w[0], &w[1]));
    if shell_has {
        return;
    }
    // Nested commands (`$(a | b)`) follow the top-level ones in `commands`,
    // so only top-level pipes are ordered against a `set -o pipefail`;
    // any such `set` covers the substitutions.
    let set_at = commands.iter().position(|c| {
        c.depth == 0
            && c.name() == Some("set")
            && c.args().windows(2).any(|w| is_pipefail_opt(&w[0], &w[1]))
    });
    let unprotected = commands.iter().enumerate().find(|(i, c)| {
        c.position > 0
            && match set_at {
                None => true,
                Some(s) => c.depth == 0 && *i < s,
            }
    });
    let Some((_, piped)) = unprotected else {
        return;
    };
    let text: Vec<String> = commands
        .iter()
        .filter(|c| c.pipeline == piped.pipeline)
        .map(SimpleCommand::text)
        .collect();
    e.once("DD-DF-101", &text.join(" | "));
}

fn is_pipefail_opt(opt: &str, value: &str) -> bool {
    value == "pipefail" && opt.starts_with('-') && opt.ends_with('o')
}

/// `-abc` style group of single-letter options containing `letter`
/// before any value glued to the group (`-qO-` holds `q`).
fn short_group(arg: &str, letter: char) -> bool {
    arg.strip_prefix('-').is_some_and(|g| {
        !g.starts_with('-')
            && g.chars()
                .take_while(char::is_ascii_alphabetic)
                .any(|c| c == letter)
    })
}

/// Number of top-level simple commands of a RUN (1 for exec form),
/// counting the commands of heredoc scripts.
pub(super) fn top_level_count(ins: &Instruction, command: &Command) -> usize {
    match command {
        Command::Exec(_) => 1,
        Command::Shell(text) => std::iter::once(text.as_str())
            .chain(script_heredocs(ins, text))
            .map(|t| {
                parse_script(t)
                    .commands
                    .iter()
                    .filter(|c| c.depth == 0)
                    .count()
            })
            .sum(),
    }
}

fn has_long(args: &[String], names: &[&str]) -> bool {
    args.iter().any(|a| {
        names
            .iter()
            .any(|n| a == n || a.strip_prefix(n).is_some_and(|r| r.starts_with('=')))
    })
}

/// Index and name of the first non-option argument.
fn subcommand<'a>(args: &'a [String], with_value: &[&str]) -> Option<(usize, &'a str)> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.starts_with('-') {
            i += if with_value.contains(&a.as_str()) {
                2
            } else {
                1
            };
            continue;
        }
        return Some((i, a.as_str()));
    }
    None
}

/// Non-option arguments.
fn operands<'a>(args: &'a [String], with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while let Some(a) = args.get(i) {
        i += 1;
        if only_operands {
            out.push(a.as_str());
        } else if a == "--" {
            only_operands = true;
        } else if a.starts_with('-') && a.len() > 1 {
            if with_value.contains(&a.as_str()) {
                i += 1;
            }
        } else {
            out.push(a.as_str());
        }
    }
    out
}

/// Package operands with `$VAR` references replaced by the values of the
/// stage's ARG/ENV and split into words, as the shell does for an
/// unquoted expansion. Operands whose value is unknown at lint time (a
/// build argument without default, a variable the script sets itself)
/// are dropped: nothing can be said about them.
fn expand_operands(ops: Vec<&str>, st: &StageState) -> Vec<String> {
    let mut out = Vec::new();
    for op in ops {
        if !op.contains('$') {
            out.push(op.to_owned());
            continue;
        }
        let e = expand(op, '\\', &|n| match st.lookup(n) {
            VarState::Unset => VarState::Unknown,
            v => v,
        });
        if e.complete {
            out.extend(e.value.split_whitespace().map(str::to_owned));
        }
    }
    out
}

fn after(args: &[String], i: usize) -> &[String] {
    args.get(i + 1..).unwrap_or_default()
}

/// A `--mount=type=cache|tmpfs` whose target satisfies `pred`.
fn cache_mount(ins: &Instruction, pred: impl Fn(&str) -> bool) -> bool {
    ins.flag_values("mount").any(|m| {
        let mut kind = "bind";
        let mut target = "";
        for part in m.split(',') {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            match k.trim() {
                "type" => kind = v,
                "target" | "dst" | "destination" => target = v,
                _ => {}
            }
        }
        matches!(kind, "cache" | "tmpfs")
            && !target.is_empty()
            && pred(target.trim_end_matches('/'))
    })
}

fn removes(commands: &[SimpleCommand], path: &str) -> bool {
    commands.iter().any(|c| {
        matches!(c.name(), Some("rm" | "find")) && c.args().iter().any(|a| a.starts_with(path))
    })
}

fn list(items: &[String]) -> String {
    const SHOW: usize = 6;
    let mut s = items
        .iter()
        .map(String::as_str)
        .take(SHOW)
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOW {
        s.push_str(&format!(" and {} more", items.len() - SHOW));
    }
    s
}

const APT_VALUE_OPTS: &[&str] = &[
    "-o",
    "--option",
    "-c",
    "--config-file",
    "-t",
    "--target-release",
    "--default-release",
    "-a",
    "--host-architecture",
];

fn apt(e: &mut Emit<'_, '_, '_>, commands: &[SimpleCommand], st: &StageState, in_image: bool) {
    let mut installs = false;
    let mut updates = false;
    let mut upgrades = false;
    let mut first: Option<String> = None;
    for c in commands {
        let name = c.name().unwrap_or_default();
        if name != "apt-get" && name != "apt" {
            continue;
        }
        if name == "apt" && !c.args().is_empty() {
            e.once("DD-DF-125", &c.text());
        }
        let args = c.args();
        let Some((i, sub)) = subcommand(args, APT_VALUE_OPTS) else {
            continue;
        };
        match sub {
            "install" => {
                installs = true;
                first.get_or_insert_with(|| c.text());
                let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
                let q_level: usize = args
                    .iter()
                    .filter(|a| short_group(a, 'q'))
                    .map(|a| a.matches('q').count())
                    .sum();
                let yes = short_group_any(args, 'y')
                    || has_long(args, &["--yes", "--assume-yes"])
                    || q_level >= 2
                    || lower.iter().any(|a| {
                        a == "--quiet=2"
                            || a == "-q=2"
                            || a.contains("assume-yes=true")
                            || a.contains("assume-yes=1")
                    });
                if !yes {
                    e.once("DD-DF-120", &c.text());
                }
                let norec = has_long(args, &["--no-install-recommends"])
                    || lower.iter().any(|a| {
                        a.contains("install-recommends=false") || a.contains("install-recommends=0")
                    });
                if !norec {
                    e.once("DD-DF-121", &c.text());
                }
                let unpinned: Vec<String> =
                    expand_operands(operands(after(args, i), APT_VALUE_OPTS), st)
                        .into_iter()
                        .filter(|p| {
                            !p.contains('=')
                                && !p.ends_with(".deb")
                                && !p.contains('$')
                                && !p.starts_with('/')
                                && !p.starts_with('.')
                        })
                        .collect();
                if !unpinned.is_empty() {
                    e.once(
                        "DD-DF-122",
                        &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
                    );
                }
            }
            "upgrade" | "dist-upgrade" | "full-upgrade" => {
                upgrades = true;
                e.once("DD-DF-124", &c.text());
            }
            "update" => {
                updates = true;
                first.get_or_insert_with(|| c.text());
            }
            _ => {}
        }
    }
    if updates && !installs && !upgrades {
        e.once(
            "DD-DF-126",
            "apt-get update in a RUN that installs nothing: a later RUN reuses a stale cached index",
        );
    }
    let cleaned = removes(commands, "/var/lib/apt/lists")
        || commands.iter().any(|c| {
            matches!(c.name(), Some("apt-get" | "apt"))
                && c.args().iter().any(|a| a == "dist-clean")
        })
        || cache_mount(e.ins, |t| {
            "/var/lib/apt/lists".starts_with(t) && t.len() >= "/var/lib/apt".len()
        });
    // Only `update` downloads lists: an install without it finds them in
    // the base image (where they are normally absent) or in an earlier
    // layer, which the RUN that updated is answerable for.
    if in_image && updates && !cleaned {
        let what = first.unwrap_or_default();
        e.once(
            "DD-DF-123",
            &format!("{what} (no `rm -rf /var/lib/apt/lists/*` in the same RUN)"),
        );
    }
}

fn short_group_any(args: &[String], letter: char) -> bool {
    args.iter().any(|a| short_group(a, letter))
}

const APK_VALUE_OPTS: &[&str] = &[
    "-t",
    "--virtual",
    "-X",
    "--repository",
    "-p",
    "--root",
    "--arch",
    "--repositories-file",
    "--keys-dir",
    "--cache-dir",
    "--cache-max-age",
    "--progress-fd",
    "--wait",
];

fn apk(e: &mut Emit<'_, '_, '_>, commands: &[SimpleCommand], st: &StageState, in_image: bool) {
    let removed = removes(commands, "/var/cache/apk");
    for c in commands {
        if c.name() != Some("apk") {
            continue;
        }
        let args = c.args();
        let Some((i, "add")) = subcommand(args, APK_VALUE_OPTS) else {
            continue;
        };
        let cached = has_long(args, &["--no-cache"])
            || removed
            || cache_mount(e.ins, |t| {
                t.starts_with("/var/cache/apk") || t.starts_with("/etc/apk/cache")
            });
        if in_image && !cached {
            e.once("DD-DF-130", &c.text());
        }
        let unpinned: Vec<String> = expand_operands(operands(after(args, i), APK_VALUE_OPTS), st)
            .into_iter()
            .filter(|p| {
                !p.contains(['=', '~', '>', '<', '$'])
                    && !p.ends_with(".apk")
                    && !p.starts_with(['/', '.'])
            })
            .collect();
        if !unpinned.is_empty() {
            e.once(
                "DD-DF-131",
                &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
            );
        }
    }
}

const PIP_VALUE_OPTS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--upgrade-strategy",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--src",
    "--log",
    "--cache-dir",
    "--progress-bar",
    "--proxy",
    "--timeout",
    "--retries",
    "--exists-action",
    "--cert",
    "--client-cert",
    "--global-option",
    "--install-option",
    "--config-settings",
    "-C",
    "--only-binary",
    "--no-binary",
    "--report",
    "--python",
    "--root-user-action",
];

fn is_versioned_name(name: &str, stem: &str) -> bool {
    name.strip_prefix(stem)
        .is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Arguments after `pip install` (also `python3 -m pip install`).
fn pip_install_args(c: &SimpleCommand) -> Option<&[String]> {
    let name = c.name()?;
    let args = c.args();
    let pip_args = if is_versioned_name(name, "pip") {
        args
    } else if is_versioned_name(name, "python") {
        let j = args
            .windows(2)
            .position(|w| w[0] == "-m" && is_versioned_name(&w[1], "pip"))?;
        args.get(j + 2..)?
    } else {
        return None;
    };
    match subcommand(pip_args, &[]) {
        Some((i, "install")) => Some(after(pip_args, i)),
        _ => None,
    }
}

fn pip(e: &mut Emit<'_, '_, '_>, commands: &[SimpleCommand], st: &StageState, in_image: bool) {
    for c in commands {
        let Some(args) = pip_install_args(c) else {
            continue;
        };
        let no_cache = has_long(args, &["--no-cache-dir"])
            || st.is_set("PIP_NO_CACHE_DIR")
            || c.assignments.iter().any(|(k, _)| k == "PIP_NO_CACHE_DIR")
            || cache_mount(e.ins, |t| {
                t.contains(".cache/pip") || t.ends_with("/.cache")
            });
        if in_image && !no_cache {
            e.once("DD-DF-140", &c.text());
        }
        if has_long(args, &["-c", "--constraint"]) {
            continue;
        }
        let unpinned: Vec<String> = expand_operands(operands(args, PIP_VALUE_OPTS), st)
            .into_iter()
            .filter(|p| {
                !(["==", "~=", ">=", "<=", "!=", ">", "<", "@", "$", "://"]
                    .iter()
                    .any(|m| p.contains(m))
                    || p.starts_with(['.', '/', '~'])
                    || p.starts_with("git+")
                    || [".whl", ".tar.gz", ".zip", ".tgz"]
                        .iter()
                        .any(|x| p.ends_with(x)))
            })
            .collect();
        if !unpinned.is_empty() {
            e.once(
                "DD-DF-141",
                &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
            );
        }
    }
}

const NPM_INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];
const NPM_VALUE_OPTS: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "--tag",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--save-prefix",
    "--loglevel",
];

fn npm_pinned(p: &str) -> bool {
    if p.contains(['$', '/']) && !p.starts_with('@')
        || p.starts_with(['.', '/', '~'])
        || p.contains("://")
        || p.starts_with("git")
        || p.starts_with("file:")
        || p.ends_with(".tgz")
        || p.ends_with(".tar.gz")
    {
        return true;
    }
    let body = p.strip_prefix('@').unwrap_or(p);
    match body.split_once('@') {
        Some((_, v)) => !v.is_empty() && v != "latest" && v != "next",
        None => false,
    }
}

fn npm_gem_go_yarn(
    e: &mut Emit<'_, '_, '_>,
    commands: &[SimpleCommand],
    st: &StageState,
    in_image: bool,
) {
    let yarn_cleaned = commands.iter().any(|c| {
        c.name() == Some("yarn")
            && c.args()
                .windows(2)
                .any(|w| w[0] == "cache" && w[1] == "clean")
    }) || cache_mount(e.ins, |t| t.contains("yarn"));
    for c in commands {
        let args = c.args();
        match c.name().unwrap_or_default() {
            "npm" => {
                let Some((i, sub)) = subcommand(args, NPM_VALUE_OPTS) else {
                    continue;
                };
                if !NPM_INSTALL.contains(&sub) {
                    continue;
                }
                let unpinned: Vec<String> =
                    expand_operands(operands(after(args, i), NPM_VALUE_OPTS), st)
                        .into_iter()
                        .filter(|p| !npm_pinned(p))
                        .collect();
                if !unpinned.is_empty() {
                    e.once(
                        "DD-DF-142",
                        &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
                    );
                }
            }
            "gem" => {
                const GEM_VALUE_OPTS: &[&str] = &[
                    "-v",
                    "--version",
                    "-i",
                    "--install-dir",
                    "-n",
                    "--bindir",
                    "-s",
                    "--source",
                    "-P",
                    "--trust-policy",
                    "--platform",
                    "-g",
                    "--file",
                ];
                let Some((i, "install")) = subcommand(args, GEM_VALUE_OPTS) else {
                    continue;
                };
                if has_long(args, &["-v", "--version"]) {
                    continue;
                }
                let unpinned: Vec<String> =
                    expand_operands(operands(after(args, i), GEM_VALUE_OPTS), st)
                        .into_iter()
                        .filter(|p| !p.contains([':', '$']) && !p.ends_with(".gem"))
                        .collect();
                if !unpinned.is_empty() {
                    e.once(
                        "DD-DF-143",
                        &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
                    );
                }
            }
            "go" => {
                const GO_VALUE_OPTS: &[&str] = &[
                    "-o",
                    "-tags",
                    "-ldflags",
                    "-gcflags",
                    "-asmflags",
                    "-mod",
                    "-modfile",
                    "-p",
                    "-C",
                    "-exec",
                    "-toolexec",
                    "-pkgdir",
                    "-installsuffix",
                    "-overlay",
                    "-pgo",
                ];
                let Some((i, "install")) = subcommand(args, GO_VALUE_OPTS) else {
                    continue;
                };
                let unpinned: Vec<String> =
                    expand_operands(operands(after(args, i), GO_VALUE_OPTS), st)
                        .into_iter()
                        .filter(|p| {
                            !p.starts_with('.')
                                && !p.contains('$')
                                && p.split_once('@')
                                    .is_none_or(|(_, v)| v.is_empty() || v == "latest")
                        })
                        .collect();
                if !unpinned.is_empty() {
                    e.once(
                        "DD-DF-144",
                        &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
                    );
                }
            }
            "yarn" => {
                let install = match subcommand(args, &[]) {
                    None => true,
                    Some((_, sub)) => sub == "install",
                };
                if install && in_image && !yarn_cleaned {
                    e.once("DD-DF-145", &c.text());
                }
            }
            _ => {}
        }
    }
}

const RPM_VALUE_OPTS: &[&str] = &[
    "-c",
    "--config",
    "--installroot",
    "--releasever",
    "--setopt",
    "--enablerepo",
    "--disablerepo",
    "-x",
    "--exclude",
    "--repo",
    "--repoid",
    "--forcearch",
];

fn rpm_family(
    e: &mut Emit<'_, '_, '_>,
    commands: &[SimpleCommand],
    st: &StageState,
    in_image: bool,
) {
    let mut yum_install: Option<String> = None;
    let mut dnf_install: Option<String> = None;
    let mut yum_clean = removes(commands, "/var/cache/yum");
    let mut dnf_clean = removes(commands, "/var/cache/dnf") || removes(commands, "/var/cache/yum");
    for c in commands {
        let name = c.name().unwrap_or_default();
        let is_yum = name == "yum";
        if !matches!(name, "yum" | "dnf" | "microdnf" | "tdnf") {
            continue;
        }
        let args = c.args();
        let Some((i, sub)) = subcommand(args, RPM_VALUE_OPTS) else {
            continue;
        };
        match sub {
            "install" | "groupinstall" | "localinstall" | "reinstall" => {
                let yes = short_group_any(args, 'y') || has_long(args, &["--assumeyes"]);
                if !yes {
                    e.once(if is_yum { "DD-DF-150" } else { "DD-DF-153" }, &c.text());
                }
                if is_yum {
                    yum_install.get_or_insert_with(|| c.text());
                } else {
                    dnf_install.get_or_insert_with(|| c.text());
                }
                if sub == "groupinstall" {
                    continue;
                }
                let unpinned: Vec<String> =
                    expand_operands(operands(after(args, i), RPM_VALUE_OPTS), st)
                        .into_iter()
                        .filter(|p| !rpm_pinned(p))
                        .collect();
                if !unpinned.is_empty() {
                    e.once(
                        if is_yum { "DD-DF-152" } else { "DD-DF-155" },
                        &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
                    );
                }
            }
            "clean" if after(args, i).iter().any(|a| a == "all" || a == "packages") => {
                if is_yum {
                    yum_clean = true;
                } else {
                    dnf_clean = true;
                }
            }
            _ => {}
        }
    }
    let mounted = cache_mount(e.ins, |t| {
        t.starts_with("/var/cache/yum") || t.starts_with("/var/cache/dnf")
    });
    if in_image && !mounted {
        if let (Some(t), false) = (&yum_install, yum_clean) {
            e.once("DD-DF-151", t);
        }
        if let (Some(t), false) = (&dnf_install, dnf_clean) {
            e.once("DD-DF-154", t);
        }
    }
}

/// `name-1.2.3`, a module stream `name:18`, an RPM file, a group, a path.
fn rpm_pinned(p: &str) -> bool {
    p.contains(['$', ':', '/'])
        || p.ends_with(".rpm")
        || p.starts_with('@')
        || p.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'-' && w[1].is_ascii_digit())
}

const ZYPPER_VALUE_OPTS: &[&str] = &[
    "-r",
    "--repo",
    "--root",
    "-R",
    "--reposd-dir",
    "-C",
    "--cache-dir",
    "--raw-cache-dir",
    "--solv-cache-dir",
    "--pkg-cache-dir",
    "-c",
    "--config",
    "-t",
    "--type",
];

fn zypper(e: &mut Emit<'_, '_, '_>, commands: &[SimpleCommand], st: &StageState, in_image: bool) {
    let mut install: Option<String> = None;
    let mut clean = removes(commands, "/var/cache/zypp");
    for c in commands {
        if c.name() != Some("zypper") {
            continue;
        }
        let args = c.args();
        let Some((i, sub)) = subcommand(args, ZYPPER_VALUE_OPTS) else {
            continue;
        };
        let interactive_sub = matches!(
            sub,
            "install"
                | "in"
                | "remove"
                | "rm"
                | "patch"
                | "update"
                | "up"
                | "source-install"
                | "si"
                | "dist-upgrade"
                | "dup"
        );
        let non_interactive = has_long(args, &["--non-interactive", "--no-confirm", "-n", "-y"])
            || short_group_any(args, 'y')
            || short_group_any(args.get(..i).unwrap_or_default(), 'n');
        if interactive_sub && !non_interactive {
            e.once("DD-DF-156", &c.text());
        }
        match sub {
            "dist-upgrade" | "dup" => e.once("DD-DF-157", &c.text()),
            "install" | "in" => {
                install.get_or_insert_with(|| c.text());
                let unpinned: Vec<String> =
                    expand_operands(operands(after(args, i), ZYPPER_VALUE_OPTS), st)
                        .into_iter()
                        .filter(|p| !p.contains(['=', '>', '<', '$']) && !p.ends_with(".rpm"))
                        .collect();
                if !unpinned.is_empty() {
                    e.once(
                        "DD-DF-159",
                        &format!("{} (unpinned: {})", c.text(), list(&unpinned)),
                    );
                }
            }
            "clean" | "cc" => clean = true,
            _ => {}
        }
    }
    if let (Some(t), false, true) = (&install, clean, in_image)
        && !cache_mount(e.ins, |t| t.starts_with("/var/cache/zypp"))
    {
        e.once("DD-DF-158", t);
    }
}

/// curl short options that take a value (the rest of a group is that value).
const CURL_VALUE_SHORT: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";

fn curl_insecure(args: &[String]) -> bool {
    args.iter().any(|a| {
        if a == "--insecure" {
            return true;
        }
        let Some(g) = a.strip_prefix('-') else {
            return false;
        };
        if g.starts_with('-') {
            return false;
        }
        for ch in g.chars() {
            if ch == 'k' {
                return true;
            }
            if CURL_VALUE_SHORT.contains(ch) {
                return false;
            }
        }
        false
    })
}

fn trust(e: &mut Emit<'_, '_, '_>, c: &SimpleCommand) {
    let name = c.name().unwrap_or_default();
    let args = c.args();
    let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    let has = |s: &str| {
        lower
            .iter()
            .any(|a| a == s || a.starts_with(&format!("{s}=")))
    };
    let pair = |k: &str, vals: &[&str]| {
        lower
            .windows(2)
            .any(|w| w[0] == k && vals.contains(&w[1].as_str()))
    };
    let tls = match name {
        "curl" => curl_insecure(args),
        "wget" => has("--no-check-certificate"),
        n if is_versioned_name(n, "pip") || is_versioned_name(n, "python") => {
            has("--trusted-host") || lower.iter().any(|a| a.contains("trusted-host"))
        }
        "npm" | "yarn" | "pnpm" => {
            pair("strict-ssl", &["false", "0"])
                || lower
                    .iter()
                    .any(|a| a == "--strict-ssl=false" || a == "strict-ssl=false")
        }
        "git" => {
            lower.iter().any(|a| {
                a.starts_with("http.sslverify=")
                    && matches!(a.split('=').nth(1), Some("false" | "0" | "no" | "off"))
            }) || pair("http.sslverify", &["false", "0", "no", "off"])
        }
        "yum" | "dnf" | "microdnf" | "tdnf" => lower
            .iter()
            .any(|a| a.contains("sslverify=0") || a.contains("sslverify=false")),
        _ => false,
    } || lower.iter().any(|a| {
        a == "--insecure-skip-tls-verify"
            || a == "--insecure-skip-tls-verify=true"
            || a == "--tls-verify=false"
            || a == "--tlsverify=false"
    });
    if tls {
        e.once("DD-DF-110", &c.text());
    }
    let sig = match name {
        "apk" => has("--allow-untrusted"),
        "yum" | "dnf" | "microdnf" | "tdnf" => {
            has("--nogpgcheck")
                || lower
                    .iter()
                    .any(|a| a.contains("gpgcheck=0") || a.contains("gpgcheck=false"))
        }
        "rpm" => has("--nosignature") || has("--nodigest") || has("--nogpgcheck"),
        "apt-get" | "apt" | "aptitude" => {
            has("--allow-unauthenticated")
                || has("--force-yes")
                || has("--allow-insecure-repositories")
                || lower.iter().any(|a| {
                    a.contains("allowunauthenticated=true") || a.contains("allowunauthenticated=1")
                })
        }
        "zypper" => has("--no-gpg-checks"),
        _ => false,
    } || lower
        .iter()
        .any(|a| a.contains("[trusted=yes]") || a.contains("trusted=yes]"));
    if sig {
        e.once("DD-DF-111", &c.text());
    }
}

/// The rule an environment variable setting trips, if any: variables that
/// turn off TLS verification or checksum/signature checks.
fn env_var_bypass(key: &str, value: &str) -> Option<&'static str> {
    let v = value.trim().to_ascii_lowercase();
    let truthy = !v.is_empty() && !matches!(v.as_str(), "0" | "false" | "no" | "off");
    match key.to_ascii_uppercase().as_str() {
        "GIT_SSL_NO_VERIFY" if truthy => Some("DD-DF-110"),
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" if v == "0" => Some("DD-DF-110"),
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" if v == "false" || v == "0" => {
            Some("DD-DF-110")
        }
        "PIP_TRUSTED_HOST" | "GOINSECURE" if !v.is_empty() => Some("DD-DF-110"),
        "GOFLAGS" if v.contains("-insecure") => Some("DD-DF-110"),
        "GONOSUMDB" | "GONOSUMCHECK" | "GOFLAGS_NOSUMCHECK" if !v.is_empty() => Some("DD-DF-111"),
        "GOSUMDB" if v == "off" => Some("DD-DF-111"),
        _ => None,
    }
}

/// ENV/ARG settings that disable TLS or signature checks.
pub(super) fn check_env_var(
    ctx: &mut Ctx<'_>,
    ins: &Instruction,
    key: &str,
    value: &str,
    what: &str,
) {
    if let Some(id) = env_var_bypass(key, value) {
        ctx.at(id, ins, &format!("{what} {key}={value}"));
    }
}

/// An octal mode granting write to others, without the sticky bit that
/// makes shared directories such as /tmp safe.
pub(super) fn octal_world_writable(mode: &str) -> bool {
    let m = mode.trim();
    if m.is_empty() || m.len() > 4 || !m.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return false;
    }
    let digits: Vec<u8> = m.bytes().map(|b| b - b'0').collect();
    let others = digits.last().copied().unwrap_or(0);
    let sticky = digits.len() == 4 && digits.first().is_some_and(|d| d & 1 == 1);
    digits.len() >= 3 && others & 2 != 0 && !sticky
}

fn symbolic_world_writable(mode: &str) -> bool {
    mode.split(',').any(|clause| {
        let Some(op) = clause.find(['+', '=']) else {
            return false;
        };
        let who = clause.get(..op).unwrap_or_default();
        let perms = clause.get(op + 1..).unwrap_or_default();
        (who.contains('o') || who.contains('a')) && perms.contains('w') && !perms.contains('t')
    })
}

fn chmod_world_writable(args: &[String]) -> bool {
    let mode = args.iter().find(|a| {
        !(a.starts_with("--")
            || (a.starts_with('-') && a.chars().skip(1).all(|c| "RvfcH".contains(c))))
    });
    mode.is_some_and(|m| octal_world_writable(m) || symbolic_world_writable(m))
}

fn useradd_big_uid(args: &[String]) -> bool {
    let no_log_init = args
        .iter()
        .any(|a| a == "--no-log-init" || short_group(a, 'l'));
    if no_log_init {
        return false;
    }
    let mut uid: Option<&str> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-u" || a == "--uid" {
            uid = it.next().map(String::as_str);
        } else if let Some(v) = a.strip_prefix("--uid=") {
            uid = Some(v);
        } else if let Some(v) = a
            .strip_prefix("-u")
            .filter(|v| v.bytes().all(|b| b.is_ascii_digit()) && !v.is_empty())
        {
            uid = Some(v);
        }
    }
    uid.is_some_and(|u| u.len() > 5 && u.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        assert!(octal_world_writable("777"));
        assert!(octal_world_writable("0666"));
        assert!(!octal_world_writable("1777"));
        assert!(!octal_world_writable("755"));
        assert!(!octal_world_writable("u+x"));
        assert!(symbolic_world_writable("o+w"));
        assert!(symbolic_world_writable("a+rwx"));
        assert!(symbolic_world_writable("u+x,o=rwx"));
        assert!(!symbolic_world_writable("+w"));
        assert!(!symbolic_world_writable("a+rwt"));
        assert!(!symbolic_world_writable("go-w"));
    }

    #[test]
    fn curl_flags() {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert!(curl_insecure(&v(&["-fsSLk", "x"])));
        assert!(curl_insecure(&v(&["--insecure"])));
        assert!(!curl_insecure(&v(&["-o", "k"])));
        assert!(!curl_insecure(&v(&["-ok"])));
        assert!(!curl_insecure(&v(&["-fsSL", "https://k"])));
    }

    #[test]
    fn pins() {
        assert!(rpm_pinned("openssl-1.1.1k"));
        assert!(!rpm_pinned("python3-pip"));
        assert!(npm_pinned("@scope/pkg@1.2.3"));
        assert!(!npm_pinned("@scope/pkg"));
        assert!(!npm_pinned("express@latest"));
        assert!(npm_pinned("express@^4"));
    }
}
