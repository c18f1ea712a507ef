//! The linter: walks the stages of a parsed Dockerfile with the variables,
//! SHELL, USER, WORKDIR and HEALTHCHECK in force at each instruction, and
//! reports what the rules of [`registry`] find.

mod image;
mod registry;
mod run;
mod secrets;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use drydock_findings::{MisconfigLocation, Misconfiguration, Suppression, SuppressionKind};

pub use image::ImageRef;
pub(crate) use registry::{RULES, resolve_ids};
pub use registry::{RuleInfo, rule, rules};

use crate::ast::{
    Command, CopyArgs, Dockerfile, Healthcheck, Instruction, InstructionKind, KeyValue, Stage,
};
use crate::config::{LintConfig, registry_matches};
use crate::words::{VarState, expand};

/// Longest evidence string kept, in characters.
const MAX_EVIDENCE: usize = 240;

/// ARGs BuildKit defines for every build; their values depend on the
/// build machine and target.
const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// Stages built FROM another inherit its ENV through at most this many
/// ancestors; deeper chains (never seen in real files) start afresh, which
/// bounds the cost of a lookup on hostile input.
const MAX_INHERITED_STAGES: usize = 32;

/// The ENV of a finished stage, shared by the stages built FROM it instead
/// of being copied into each.
#[derive(Debug)]
struct EnvFrame {
    env: HashMap<String, VarState>,
    parent: Option<Rc<EnvFrame>>,
}

/// Variables, shell, user and settings in force at a point of a stage.
#[derive(Debug)]
pub(crate) struct StageState {
    /// ENV set in this stage.
    env: HashMap<String, VarState>,
    /// ENV of the stages this one is built FROM.
    inherited: Option<Rc<EnvFrame>>,
    /// ARG values of this stage (not inherited).
    args: HashMap<String, VarState>,
    shell: Vec<String>,
    /// Expanded USER value and its line.
    user: Option<(String, u32)>,
    workdir: bool,
    /// (`HEALTHCHECK NONE`, line) of the last HEALTHCHECK.
    healthcheck: Option<(bool, u32)>,
}

impl StageState {
    fn new() -> Self {
        Self {
            env: HashMap::new(),
            inherited: None,
            args: HashMap::new(),
            shell: vec!["/bin/sh".into(), "-c".into()],
            user: None,
            workdir: false,
            healthcheck: None,
        }
    }

    /// ENV (this stage's, then inherited) wins over ARG, as in Docker.
    pub(crate) fn lookup(&self, name: &str) -> VarState {
        let mut found = self.env.get(name);
        let mut frame = self.inherited.as_deref();
        while found.is_none() {
            let Some(f) = frame else { break };
            found = f.env.get(name);
            frame = f.parent.as_deref();
        }
        found
            .or_else(|| self.args.get(name))
            .cloned()
            .unwrap_or(VarState::Unset)
    }

    /// The state a stage built FROM this one starts with.
    fn child(&self, frame: Option<Rc<EnvFrame>>) -> Self {
        Self {
            env: HashMap::new(),
            inherited: frame,
            args: HashMap::new(),
            shell: self.shell.clone(),
            user: self.user.clone(),
            workdir: self.workdir,
            healthcheck: self.healthcheck,
        }
    }

    pub(crate) fn is_set(&self, name: &str) -> bool {
        !matches!(self.lookup(name), VarState::Unset)
    }
}

/// Collects findings with the configuration applied.
pub(crate) struct Ctx<'a> {
    file: &'a str,
    config: &'a LintConfig,
    out: Vec<Misconfiguration>,
}

impl Ctx<'_> {
    pub(crate) fn emit(&mut self, id: &'static str, line: u32, end_line: u32, evidence: &str) {
        let Some(rule) = registry::rule(id) else {
            debug_assert!(false, "unknown rule {id}");
            return;
        };
        if self.config.is_ignored(id) {
            return;
        }
        let severity = self
            .config
            .severity
            .get(id)
            .copied()
            .unwrap_or(rule.severity);
        let mut references: Vec<String> = rule
            .hadolint
            .iter()
            .map(|h| format!("hadolint:{h}"))
            .collect();
        references.extend(rule.references.iter().map(|r| (*r).to_owned()));
        self.out.push(Misconfiguration {
            check_id: id.to_owned(),
            title: rule.title.to_owned(),
            severity,
            source: "dockerfile".to_owned(),
            location: MisconfigLocation {
                file: Some(self.file.to_owned()),
                line: Some(line),
                end_line: (end_line > line).then_some(end_line),
                ..MisconfigLocation::default()
            },
            evidence: truncate(evidence),
            remediation: rule.remediation.to_owned(),
            references,
            suppressed: None,
        });
    }

    pub(crate) fn at(&mut self, id: &'static str, ins: &Instruction, evidence: &str) {
        self.emit(id, ins.line, ins.end_line, evidence);
    }
}

fn truncate(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= MAX_EVIDENCE {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(MAX_EVIDENCE - 1).collect();
        t.push('…');
        t
    }
}

/// The instruction text, for evidence.
fn evidence_of(ins: &Instruction) -> String {
    ins.text()
}

/// Lints a parsed Dockerfile.
pub(crate) fn check(file: &str, df: &Dockerfile, config: &LintConfig) -> Vec<Misconfiguration> {
    let mut l = Linter {
        ctx: Ctx {
            file,
            config,
            out: Vec::new(),
        },
        df,
        escape: df.directives.escape,
        first_named: HashMap::new(),
        stages: df.stages(),
        globals: PLATFORM_ARGS
            .iter()
            .map(|a| ((*a).to_owned(), VarState::Unknown))
            .collect(),
    };
    for s in l.stages.iter().rev() {
        if let Some(n) = &s.name {
            l.first_named.insert(n.clone(), s.index);
        }
    }
    l.run();
    let mut out = l.ctx.out;
    out.sort_by(|a, b| {
        (a.location.line, &a.check_id, &a.evidence).cmp(&(
            b.location.line,
            &b.check_id,
            &b.evidence,
        ))
    });
    out.dedup_by(|a, b| {
        a.check_id == b.check_id && a.location.line == b.location.line && a.evidence == b.evidence
    });
    if !config.disable_inline_ignores {
        apply_inline_ignores(file, df, &mut out);
    }
    out
}

struct Linter<'a> {
    ctx: Ctx<'a>,
    df: &'a Dockerfile,
    escape: char,
    stages: Vec<Stage>,
    /// First stage of each (lower-cased) name.
    first_named: HashMap<String, usize>,
    globals: HashMap<String, VarState>,
}

/// Per-stage counters for the "more than one" and "both tools" rules.
#[derive(Default)]
pub(crate) struct StageCounts {
    cmd: usize,
    entrypoint: usize,
    healthcheck: usize,
    pub(crate) curl: bool,
    pub(crate) wget: bool,
    pub(crate) both_reported: bool,
}

impl<'a> Linter<'a> {
    fn run(&mut self) {
        let df = self.df;
        let first_from = self
            .stages
            .first()
            .map_or(df.instructions.len(), |s| s.from);
        for ins in df.instructions.get(..first_from).unwrap_or_default() {
            match &ins.kind {
                InstructionKind::Arg(kvs) => {
                    self.check_arg(ins, kvs, &StageState::new());
                    for kv in kvs {
                        let state = self.arg_value(kv, &|n| {
                            self.globals.get(n).cloned().unwrap_or(VarState::Unset)
                        });
                        self.globals.insert(kv.key.clone(), state);
                    }
                }
                InstructionKind::Unknown => {}
                _ => self.ctx.at(
                    "DD-DF-009",
                    ins,
                    &format!("{} before the first FROM: {}", ins.name(), evidence_of(ins)),
                ),
            }
        }

        let image_stages = self.image_stages();
        // Per finished stage: its state without the ENV (moved into the
        // frame), the frame, and its depth in the FROM chain.
        let mut finals: Vec<(StageState, Rc<EnvFrame>, usize)> = Vec::new();
        let stages = self.stages.clone();
        for stage in &stages {
            let (mut st, depth) = match stage.parent.and_then(|p| finals.get(p)) {
                Some((parent, frame, depth)) if *depth < MAX_INHERITED_STAGES => {
                    (parent.child(Some(Rc::clone(frame))), depth + 1)
                }
                Some((parent, _, _)) => (parent.child(None), 0),
                None => (StageState::new(), 0),
            };
            let in_image = image_stages.contains(&stage.index);
            if let Some(from) = df.instructions.get(stage.from) {
                self.check_from(stage, from);
            }
            let mut counts = StageCounts::default();
            let mut prev: Option<&Instruction> = None;
            for ins in df
                .instructions
                .get(stage.from + 1..stage.end)
                .unwrap_or_default()
            {
                self.check_instruction(ins, &mut st, stage, in_image, &mut counts, prev);
                prev = Some(ins);
            }
            if stage.index + 1 == stages.len() {
                self.check_final(stage, &st);
            }
            let frame = Rc::new(EnvFrame {
                env: std::mem::take(&mut st.env),
                parent: st.inherited.take(),
            });
            finals.push((st, frame, depth));
        }
    }

    /// The final stage and the stages it is built FROM: what ends up in
    /// the image.
    fn image_stages(&self) -> HashSet<usize> {
        let mut set = HashSet::new();
        let mut cur = self.stages.last().map(|s| s.index);
        while let Some(i) = cur {
            if !set.insert(i) {
                break;
            }
            cur = self.stages.get(i).and_then(|s| s.parent);
        }
        set
    }

    fn arg_value(&self, kv: &KeyValue, lookup: &dyn Fn(&str) -> VarState) -> VarState {
        match &kv.raw_value {
            Some(raw) => {
                let e = expand(raw, self.escape, lookup);
                if e.complete {
                    VarState::Set(e.value)
                } else {
                    VarState::Unknown
                }
            }
            None => VarState::Unknown,
        }
    }

    fn check_from(&mut self, stage: &Stage, ins: &Instruction) {
        let InstructionKind::From(f) = &ins.kind else {
            return;
        };
        let text = evidence_of(ins);
        if let Some(alias) = &stage.name {
            if self
                .first_named
                .get(alias)
                .is_some_and(|i| *i < stage.index)
            {
                self.ctx.at(
                    "DD-DF-007",
                    ins,
                    &format!("{text} (stage name `{alias}` already used)"),
                );
            }
            if matches!(alias.as_str(), "scratch" | "context") {
                self.ctx.at("DD-DF-008", ins, &text);
            }
        }
        if let Some(p) = &f.platform {
            if p.contains("TARGETPLATFORM") {
                self.ctx.at("DD-DF-006", ins, &text);
            } else if !p.contains('$') {
                self.ctx.at("DD-DF-005", ins, &text);
            }
        }
        if stage.parent.is_some() {
            return;
        }
        let globals = &self.globals;
        let e = expand(&f.image, self.escape, &|n| {
            globals.get(n).cloned().unwrap_or(VarState::Unset)
        });
        if e.value.eq_ignore_ascii_case("scratch") || e.value.is_empty() {
            return;
        }
        let shown = if e.value == f.image {
            text.clone()
        } else {
            format!("{text} (resolves to {})", e.value)
        };
        let r = ImageRef::parse(&e.value);
        if e.complete && r.digest.is_none() {
            match r.tag.as_deref() {
                None => self.ctx.at("DD-DF-001", ins, &shown),
                Some("latest") => self.ctx.at("DD-DF-002", ins, &shown),
                Some(_) => self.ctx.at("DD-DF-003", ins, &shown),
            }
        }
        let trusted = &self.ctx.config.trusted_registries;
        if e.complete
            && !trusted.is_empty()
            && !trusted
                .iter()
                .any(|p| registry_matches(p, r.registry_or_hub()))
        {
            let reg = r.registry_or_hub().to_owned();
            self.ctx
                .at("DD-DF-004", ins, &format!("{shown} (registry {reg})"));
        }
    }

    fn check_instruction(
        &mut self,
        ins: &'a Instruction,
        st: &mut StageState,
        stage: &Stage,
        in_image: bool,
        counts: &mut StageCounts,
        prev: Option<&Instruction>,
    ) {
        let text = evidence_of(ins);
        match &ins.kind {
            InstructionKind::Arg(kvs) => {
                self.check_arg(ins, kvs, st);
                for kv in kvs {
                    let value = match &kv.raw_value {
                        Some(_) => self.arg_value(kv, &|n| st.lookup(n)),
                        None => self
                            .globals
                            .get(&kv.key)
                            .cloned()
                            .unwrap_or(VarState::Unknown),
                    };
                    st.args.insert(kv.key.clone(), value);
                }
            }
            InstructionKind::Env(kvs) => {
                self.check_env(ins, kvs, st);
                // Every value sees the variables as they were before this
                // ENV, as Docker evaluates them.
                let values: Vec<VarState> = kvs
                    .iter()
                    .map(|kv| self.arg_value(kv, &|n| st.lookup(n)))
                    .collect();
                for (kv, value) in kvs.iter().zip(values) {
                    st.env.insert(kv.key.clone(), value);
                }
            }
            InstructionKind::Expose(ports) => self.check_expose(ins, ports, st),
            InstructionKind::User(u) => {
                let e = expand(u, self.escape, &|n| st.lookup(n));
                let name = e.value.split(':').next().unwrap_or_default();
                if !u.contains('$') && !name.is_empty() && !name.bytes().all(|b| b.is_ascii_digit())
                {
                    self.ctx.at("DD-DF-012", ins, &text);
                }
                st.user = Some((if e.complete { e.value } else { u.clone() }, ins.line));
            }
            InstructionKind::Workdir(w) => {
                let e = expand(w, self.escape, &|n| st.lookup(n));
                let path = if e.complete {
                    e.value.as_str()
                } else {
                    w.as_str()
                };
                if !path.starts_with('/') && !path.starts_with('$') && !is_windows_path(path) {
                    self.ctx.at("DD-DF-060", ins, &text);
                }
                let norm = format!("{}/", path.trim_end_matches('/'));
                if [
                    "/proc/",
                    "/sys/",
                    "/dev/",
                    "/boot/",
                    "/initrd/",
                    "/lost+found/",
                ]
                .iter()
                .any(|p| norm.starts_with(p))
                {
                    self.ctx.at("DD-DF-061", ins, &text);
                }
                st.workdir = true;
            }
            InstructionKind::Copy(c) => self.check_copy(ins, c, st, stage),
            InstructionKind::Add(c) => self.check_add(ins, c, st),
            InstructionKind::Run(r) => {
                // A RUN chaining commands was most likely split from its
                // neighbour on purpose (cache boundaries, readability), so
                // only single-command neighbours with the same flags are
                // worth merging.
                if let Some(p) = prev
                    && let InstructionKind::Run(pr) = &p.kind
                    && p.flags == ins.flags
                    && run::top_level_count(p, &pr.command) <= 1
                    && run::top_level_count(ins, &r.command) <= 1
                {
                    self.ctx.at("DD-DF-108", ins, &text);
                }
                run::check_run(&mut self.ctx, ins, &r.command, st, in_image, counts);
            }
            InstructionKind::Cmd(c) | InstructionKind::Entrypoint(c) => {
                let is_cmd = matches!(ins.kind, InstructionKind::Cmd(_));
                if let Command::Shell(_) = c {
                    self.ctx.at("DD-DF-050", ins, &text);
                }
                let (count, id) = if is_cmd {
                    (&mut counts.cmd, "DD-DF-051")
                } else {
                    (&mut counts.entrypoint, "DD-DF-052")
                };
                *count += 1;
                if *count > 1 {
                    self.ctx.at(id, ins, &text);
                }
            }
            InstructionKind::Shell(s) => st.shell = s.clone(),
            InstructionKind::Healthcheck(h) => {
                counts.healthcheck += 1;
                if counts.healthcheck > 1 {
                    self.ctx.at("DD-DF-053", ins, &text);
                }
                st.healthcheck = Some((matches!(h, Healthcheck::None), ins.line));
            }
            InstructionKind::Onbuild(inner) => {
                if matches!(
                    inner.kind,
                    InstructionKind::Onbuild(_)
                        | InstructionKind::From(_)
                        | InstructionKind::Maintainer(_)
                ) || (matches!(inner.kind, InstructionKind::Unknown)
                    && inner.keyword.eq_ignore_ascii_case("onbuild"))
                {
                    self.ctx.at("DD-DF-071", ins, &text);
                }
                // Triggers run in the child build: check what they would
                // do there, without changing this stage's state.
                let mut scratch_counts = StageCounts::default();
                let mut shown = (**inner).clone();
                shown.line = ins.line;
                shown.end_line = ins.end_line;
                match &inner.kind {
                    InstructionKind::Run(r) => run::check_run(
                        &mut self.ctx,
                        &shown,
                        &r.command,
                        st,
                        in_image,
                        &mut scratch_counts,
                    ),
                    InstructionKind::Add(c) => self.check_add(&shown, c, st),
                    InstructionKind::Env(kvs) => self.check_env(&shown, kvs, st),
                    InstructionKind::Arg(kvs) => self.check_arg(&shown, kvs, st),
                    _ => {}
                }
            }
            InstructionKind::Volume(paths) => {
                for p in paths {
                    let e = expand(p, self.escape, &|n| st.lookup(n));
                    let norm = e.value.trim_end_matches('/');
                    let sensitive = matches!(
                        norm,
                        "" | "/proc"
                            | "/sys"
                            | "/dev"
                            | "/boot"
                            | "/var/run/docker.sock"
                            | "/run/docker.sock"
                            | "/var/run"
                            | "/run"
                    ) || norm.starts_with("/proc/")
                        || norm.starts_with("/sys/")
                        || norm.starts_with("/dev/");
                    if sensitive && e.complete {
                        self.ctx
                            .at("DD-DF-062", ins, &format!("VOLUME {}", e.value));
                    }
                }
            }
            InstructionKind::Maintainer(_) => self.ctx.at("DD-DF-070", ins, &text),
            InstructionKind::Label(kvs) => {
                for kv in kvs {
                    if !valid_label_key(&kv.key) {
                        self.ctx
                            .at("DD-DF-074", ins, &format!("LABEL key `{}`", kv.key));
                    }
                }
            }
            InstructionKind::From(_)
            | InstructionKind::Stopsignal(_)
            | InstructionKind::Unknown => {}
        }
    }

    fn check_arg(&mut self, ins: &Instruction, kvs: &[KeyValue], st: &StageState) {
        for kv in kvs {
            let named = secrets::sensitive_name(&kv.key);
            let valued = kv.value.as_deref().and_then(secrets::secret_value_kind);
            if named || valued.is_some() {
                let ev = match &kv.value {
                    Some(v) if !v.is_empty() => {
                        format!("ARG {}={}", kv.key, secrets::redact(v))
                    }
                    _ => format!(
                        "ARG {} (its build-time value is recorded in the image history)",
                        kv.key
                    ),
                };
                let ev = match valued {
                    Some(kind) => format!("{ev} [value has the format of a {kind}]"),
                    None => ev,
                };
                self.ctx.at("DD-DF-031", ins, &ev);
            }
            if let Some(v) = &kv.value {
                run::check_env_var(&mut self.ctx, ins, &kv.key, v, "ARG");
            }
        }
        let _ = st;
    }

    fn check_env(&mut self, ins: &Instruction, kvs: &[KeyValue], st: &StageState) {
        let mut defined_here: Vec<&str> = Vec::new();
        for kv in kvs {
            let value = kv.value.as_deref().unwrap_or_default();
            let raw = kv.raw_value.as_deref().unwrap_or_default();
            let refs = secrets::referenced_vars(raw);
            let named = secrets::sensitive_name(&kv.key) && !value.is_empty();
            let valued = secrets::secret_value_kind(value);
            let via = refs.iter().find(|r| secrets::sensitive_name(r));
            if named || valued.is_some() || via.is_some() {
                let mut ev = format!("ENV {}={}", kv.key, secrets::redact(value));
                if let Some(kind) = valued {
                    ev.push_str(&format!(" [value has the format of a {kind}]"));
                }
                if let Some(r) = via {
                    ev = format!(
                        "ENV {}={raw} (copies the secret `{r}` into the image config)",
                        kv.key
                    );
                }
                self.ctx.at("DD-DF-030", ins, &ev);
            }
            for r in &refs {
                if defined_here.contains(&r.as_str()) && !st.is_set(r) {
                    self.ctx.at(
                        "DD-DF-072",
                        ins,
                        &format!("ENV {}={raw} uses `{r}` defined in the same ENV", kv.key),
                    );
                }
            }
            run::check_env_var(&mut self.ctx, ins, &kv.key, value, "ENV");
            defined_here.push(&kv.key);
        }
    }

    fn check_expose(&mut self, ins: &Instruction, ports: &[crate::ast::PortSpec], st: &StageState) {
        for p in ports {
            let spec = if p.raw.contains('$') {
                let e = expand(&p.raw, self.escape, &|n| st.lookup(n));
                if !e.complete {
                    continue;
                }
                crate::parser::port_spec(&e.value)
            } else {
                p.clone()
            };
            let (Some(start), Some(end)) = (spec.start, spec.end) else {
                self.ctx.at(
                    "DD-DF-021",
                    ins,
                    &format!("EXPOSE {} is not a port or range", p.raw),
                );
                continue;
            };
            if start > 65535
                || end > 65535
                || start > end
                || !matches!(spec.protocol.as_str(), "tcp" | "udp" | "sctp")
            {
                self.ctx.at(
                    "DD-DF-021",
                    ins,
                    &format!("EXPOSE {} is outside 0-65535 or malformed", p.raw),
                );
                continue;
            }
            let hits: Vec<String> = SENSITIVE_PORTS
                .iter()
                .filter(|(port, _)| (start..=end).contains(port))
                .map(|(port, what)| format!("{port} ({what})"))
                .collect();
            if !hits.is_empty() {
                self.ctx.at(
                    "DD-DF-020",
                    ins,
                    &format!("EXPOSE {} exposes {}", p.raw, hits.join(", ")),
                );
            }
        }
    }

    fn check_add(&mut self, ins: &Instruction, c: &CopyArgs, st: &StageState) {
        let text = evidence_of(ins);
        let mut local = Vec::new();
        for src in &c.sources {
            let e = expand(src, self.escape, &|n| st.lookup(n));
            let s = e.value.as_str();
            let lower = s.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                let is_git = lower.contains(".git#") || lower.ends_with(".git");
                if !ins.has_flag("checksum") && !is_git {
                    self.ctx.at(
                        "DD-DF-041",
                        ins,
                        &format!("{text} (downloads {s} unverified)"),
                    );
                }
                continue;
            }
            if lower.starts_with("git@")
                || lower.starts_with("git://")
                || lower.starts_with("ssh://")
            {
                continue;
            }
            if !e.complete || is_tar_archive(&lower) {
                continue;
            }
            local.push(s.to_owned());
        }
        if !local.is_empty() {
            self.ctx.at(
                "DD-DF-040",
                ins,
                &format!("{text} (local {})", local.join(", ")),
            );
        }
        self.check_copy_common(ins, c, st);
    }

    fn check_copy(&mut self, ins: &Instruction, c: &CopyArgs, st: &StageState, stage: &Stage) {
        let text = evidence_of(ins);
        if let Some(from) = ins.flag("from") {
            let e = expand(from, self.escape, &|n| st.lookup(n));
            if e.complete {
                self.check_copy_from(ins, &e.value, c, stage, &text);
            }
        }
        self.check_copy_common(ins, c, st);
    }

    fn check_copy_from(
        &mut self,
        ins: &Instruction,
        from: &str,
        c: &CopyArgs,
        stage: &Stage,
        text: &str,
    ) {
        let lc = from.to_ascii_lowercase();
        let first = self.first_named.get(&lc).copied();
        let whole_fs =
            c.sources.iter().all(|s| s == "/") && c.dest.trim_end_matches('/').is_empty();
        if let Ok(n) = lc.parse::<usize>() {
            if n == stage.index {
                self.ctx.at("DD-DF-043", ins, text);
            } else if n > stage.index {
                self.ctx.at(
                    "DD-DF-042",
                    ins,
                    &format!("{text} (stage {n} is not defined before this one)"),
                );
            } else if whole_fs {
                self.ctx.at("DD-DF-047", ins, text);
            }
            return;
        }
        if stage.name.as_deref() == Some(lc.as_str()) {
            self.ctx.at("DD-DF-043", ins, text);
            return;
        }
        if first.is_some_and(|i| i < stage.index) {
            if whole_fs {
                self.ctx.at("DD-DF-047", ins, text);
            }
            return;
        }
        if lc.contains([':', '/', '@', '.']) {
            let r = ImageRef::parse(from);
            if r.digest.is_none() && matches!(r.tag.as_deref(), None | Some("latest")) {
                self.ctx.at("DD-DF-044", ins, text);
            }
            return;
        }
        let why = if first.is_some() {
            "the stage is defined later"
        } else {
            "no stage has that name, so the builder pulls an image of that name"
        };
        self.ctx.at("DD-DF-042", ins, &format!("{text} ({why})"));
    }

    fn check_copy_common(&mut self, ins: &Instruction, c: &CopyArgs, st: &StageState) {
        let text = evidence_of(ins);
        if c.sources.len() >= 2
            && !c.dest.is_empty()
            && !c.dest.ends_with('/')
            && !c.dest.contains('$')
        {
            self.ctx.at("DD-DF-045", ins, &text);
        }
        let dest = c.dest.as_str();
        if !dest.is_empty()
            && !dest.starts_with('/')
            && !dest.starts_with('$')
            && !is_windows_path(dest)
            && !st.workdir
        {
            self.ctx.at("DD-DF-046", ins, &text);
        }
        if let Some(mode) = ins.flag("chmod")
            && run::octal_world_writable(mode)
        {
            self.ctx.at("DD-DF-112", ins, &text);
        }
        let creds: Vec<&str> = c
            .sources
            .iter()
            .map(String::as_str)
            .filter(|s| credential_file(s))
            .collect();
        if !creds.is_empty() && ins.flag("from").is_none() {
            self.ctx.at(
                "DD-DF-032",
                ins,
                &format!("{text} (copies {})", creds.join(", ")),
            );
        }
    }

    fn check_final(&mut self, stage: &Stage, st: &StageState) {
        let Some(from) = self.df.instructions.get(stage.from) else {
            return;
        };
        let from_text = evidence_of(from);
        let from_img = self
            .df
            .instructions
            .get(stage.from)
            .map(|i| i.line)
            .unwrap_or(1);
        match &st.user {
            None => self.ctx.emit(
                "DD-DF-010",
                from_img,
                from_img,
                &format!("final stage `{from_text}` (line {from_img}) has no USER instruction: the container runs as the base image's user, root unless it says otherwise"),
            ),
            Some((u, line)) => {
                let name = u.split(':').next().unwrap_or_default();
                if name == "root" || name == "0" {
                    self.ctx.emit("DD-DF-011", *line, *line, &format!("USER {u}"));
                }
            }
        }
        match st.healthcheck {
            None => self.ctx.emit(
                "DD-DF-054",
                from_img,
                from_img,
                &format!("final stage `{from_text}` (line {from_img}) has no HEALTHCHECK"),
            ),
            Some((true, line)) => self.ctx.emit(
                "DD-DF-054",
                line,
                line,
                "HEALTHCHECK NONE disables the health check of the final image",
            ),
            Some((false, _)) => {}
        }
    }
}

/// Ports of remote-administration services, with their names.
const SENSITIVE_PORTS: &[(u64, &str)] = &[
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (2375, "Docker API, unencrypted"),
    (2376, "Docker API"),
    (3389, "RDP"),
    (5900, "VNC"),
    (5985, "WinRM"),
    (5986, "WinRM over HTTPS"),
];

/// Docker's label key convention: lower-case alphanumerics, `.` and `-`,
/// starting with a letter and ending with a letter or digit, no doubled separators, and
/// none of the namespaces Docker reserves.
fn valid_label_key(key: &str) -> bool {
    let b = key.as_bytes();
    b.first().is_some_and(u8::is_ascii_lowercase)
        && b.last()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && !key.contains("..")
        && !key.contains("--")
        && !["com.docker.", "io.docker.", "org.dockerproject."]
            .iter()
            .any(|p| key.starts_with(p))
}

fn is_windows_path(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 2 && b.first().is_some_and(u8::is_ascii_alphabetic) && b.get(1) == Some(&b':')
}

/// Archives ADD extracts (so ADD is the right instruction for them).
fn is_tar_archive(lower: &str) -> bool {
    [
        ".tar",
        ".tar.gz",
        ".tgz",
        ".tar.bz2",
        ".tbz2",
        ".tbz",
        ".tar.xz",
        ".txz",
        ".tar.zst",
        ".tzst",
        ".tar.lz",
        ".tar.lzma",
        ".tlz",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}

/// File names that hold credentials.
fn credential_file(src: &str) -> bool {
    let base = src
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(src)
        .to_ascii_lowercase();
    matches!(
        base.as_str(),
        "id_rsa"
            | "id_dsa"
            | "id_ecdsa"
            | "id_ed25519"
            | ".env"
            | ".netrc"
            | ".npmrc"
            | ".pypirc"
            | ".git-credentials"
            | ".dockercfg"
            | "credentials.json"
            | "credentials"
            | "secrets.json"
            | "secrets.yaml"
            | "secrets.yml"
            | ".htpasswd"
    ) || [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore", ".ovpn"]
        .iter()
        .any(|e| base.ends_with(e) && base.len() > e.len())
}

/// Marks findings hidden by `# drydock ignore=…` / `# hadolint ignore=…`
/// comments (next instruction) and their `global ignore=` forms (whole file).
fn apply_inline_ignores(file: &str, df: &Dockerfile, findings: &mut [Misconfiguration]) {
    struct Scope {
        end: u32,
        ids: Vec<&'static str>,
        comment_line: u32,
        text: String,
    }
    // Keyed by the first line of the instruction the comment governs.
    let mut scoped: BTreeMap<u32, Vec<Scope>> = BTreeMap::new();
    let mut global: Vec<(&'static str, u32, String)> = Vec::new();
    for c in &df.comments {
        let Some((is_global, ids)) = pragma(&c.text) else {
            continue;
        };
        let ours: Vec<&'static str> = ids.iter().flat_map(|i| resolve_ids(i)).collect();
        if is_global {
            global.extend(ours.into_iter().map(|id| (id, c.line, c.text.clone())));
            continue;
        }
        let next = df.instructions.partition_point(|i| i.line <= c.line);
        if let Some(ins) = df.instructions.get(next) {
            scoped.entry(ins.line).or_default().push(Scope {
                end: ins.end_line,
                ids: ours,
                comment_line: c.line,
                text: c.text.clone(),
            });
        }
    }
    if scoped.is_empty() && global.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        let line = f.location.line.unwrap_or(0);
        let id = f.check_id.as_str();
        let inline = scoped
            .range(..=line)
            .next_back()
            .into_iter()
            .flat_map(|(_, v)| v)
            .find(|s| line <= s.end && s.ids.contains(&id))
            .map(|s| (s.comment_line, s.text.as_str()));
        let hit = inline.or_else(|| {
            global
                .iter()
                .find(|(g, _, _)| *g == id)
                .map(|(_, l, t)| (*l, t.as_str()))
        });
        if let Some((comment_line, text)) = hit {
            f.suppressed = Some(Suppression {
                kind: SuppressionKind::IgnoreFile,
                source: format!("{file}:{comment_line}"),
                reason: Some(format!("inline comment `# {text}`")),
            });
        }
    }
}

/// `drydock ignore=A,B` / `hadolint global ignore=A` → (global, ids).
fn pragma(text: &str) -> Option<(bool, Vec<String>)> {
    let mut words = text.split_whitespace();
    let tool = words.next()?;
    if !tool.eq_ignore_ascii_case("drydock") && !tool.eq_ignore_ascii_case("hadolint") {
        return None;
    }
    let mut next = words.next()?;
    let global = next.eq_ignore_ascii_case("global");
    if global {
        next = words.next()?;
    }
    let mut list = next.strip_prefix("ignore=")?.to_owned();
    // `ignore=DL3008, DL3009` with spaces after commas.
    while list.ends_with(',') {
        match words.next() {
            Some(w) => list.push_str(w),
            None => break,
        }
    }
    let ids: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    (!ids.is_empty()).then_some((global, ids))
}
