//! Property tests: no input panics the parser, shell splitter or linter,
//! and generated instructions survive render -> parse with their values
//! and line numbers.

use drydock_dockerfile::{
    Command, InstructionKind, LintConfig, lint_lenient, parse, parse_lenient, shell::parse_script,
};
use proptest::prelude::*;

/// Text built from Dockerfile-ish pieces, so the interesting paths (flags,
/// heredocs, continuations, quotes) are reached often.
fn dockerfileish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("FROM ".to_string()),
        Just("RUN ".to_string()),
        Just("COPY ".to_string()),
        Just("ENV ".to_string()),
        Just("ARG ".to_string()),
        Just("ONBUILD ".to_string()),
        Just("HEALTHCHECK ".to_string()),
        Just("EXPOSE ".to_string()),
        Just("USER ".to_string()),
        Just("--from=".to_string()),
        Just("--mount=type=cache,target=/x ".to_string()),
        Just("<<EOF".to_string()),
        Just("<<-'X'".to_string()),
        Just("EOF".to_string()),
        Just("\\\n".to_string()),
        Just("`\n".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("# escape=`\n".to_string()),
        Just("# hadolint ignore=DL3008\n".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("$(".to_string()),
        Just("${A:-".to_string()),
        Just("}".to_string()),
        Just(")".to_string()),
        Just("[\"a\", \"b\"]".to_string()),
        Just(" && ".to_string()),
        Just(" | ".to_string()),
        Just("apt-get install ".to_string()),
        Just("curl -k x | sh".to_string()),
        Just("=".to_string()),
        "[a-zA-Z0-9:/._-]{0,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,400}") {
        let p = parse_lenient(&s);
        for e in &p.errors {
            prop_assert!(e.line >= 1);
        }
        let _ = lint_lenient("f", &s, &LintConfig::default());
        let _ = parse_script(&s);
    }

    #[test]
    fn dockerfileish_text_never_panics_and_spans_are_sane(s in dockerfileish()) {
        let p = parse_lenient(&s);
        let lines = u32::try_from(s.split('\n').count()).unwrap_or(u32::MAX);
        let mut last = 0;
        for i in &p.dockerfile.instructions {
            prop_assert!(i.line >= 1 && i.line <= i.end_line && i.end_line <= lines.max(1));
            prop_assert!(i.line > last, "instructions in order");
            last = i.end_line;
        }
        let r = lint_lenient("f", &s, &LintConfig::default());
        for f in &r.findings {
            let l = f.location.line.unwrap_or(0);
            prop_assert!(l >= 1 && l <= lines.max(1));
        }
        // Strict parse agrees with lenient on whether there are errors.
        prop_assert_eq!(parse(&s).is_err(), !p.errors.is_empty());
    }
}

#[derive(Debug, Clone)]
enum Spec {
    From {
        image: String,
        tag: Option<String>,
        alias: Option<String>,
        platform: bool,
    },
    Env(Vec<(String, String)>),
    Expose(Vec<(u16, Option<u16>, bool)>),
    Copy {
        from: Option<String>,
        chown: bool,
        link: bool,
        sources: Vec<String>,
        dest: String,
    },
    RunShell {
        cmds: Vec<String>,
        continued: bool,
    },
    RunExec(Vec<String>),
    RunHeredoc {
        body: Vec<String>,
        strip: bool,
    },
    User(String),
    Workdir(String),
}

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,10}"
}
fn word() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9._/-]{0,12}"
}

/// A simple command whose first word is not a shell keyword.
fn command_text() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9 -]{0,12}".prop_filter("shell keyword", |c| {
        let first = c.split_whitespace().next().unwrap_or_default();
        !matches!(
            first,
            "if" | "then"
                | "else"
                | "elif"
                | "fi"
                | "do"
                | "done"
                | "while"
                | "until"
                | "for"
                | "case"
                | "esac"
                | "select"
                | "function"
                | "time"
        )
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        (
            word(),
            prop::option::of("[a-z0-9][a-z0-9.-]{0,6}"),
            prop::option::of("[a-z][a-z0-9]{0,6}"),
            any::<bool>()
        )
            .prop_map(|(image, tag, alias, platform)| Spec::From {
                image,
                tag,
                alias,
                platform
            }),
        prop::collection::vec((ident(), "[ a-zA-Z0-9./:-]{0,12}"), 1..4).prop_map(Spec::Env),
        prop::collection::vec(
            (1u16..65535, prop::option::of(1u16..100), any::<bool>()),
            1..4
        )
        .prop_map(Spec::Expose),
        (
            prop::option::of("[a-z][a-z0-9]{0,6}"),
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(word(), 1..4),
            word()
        )
            .prop_map(|(from, chown, link, sources, dest)| Spec::Copy {
                from,
                chown,
                link,
                sources,
                dest: format!("/{dest}")
            }),
        (prop::collection::vec(command_text(), 1..4), any::<bool>())
            .prop_map(|(cmds, continued)| Spec::RunShell { cmds, continued }),
        prop::collection::vec("[a-zA-Z0-9 ./-]{0,10}", 1..4).prop_map(Spec::RunExec),
        (
            prop::collection::vec("[a-z][a-z0-9 ]{0,12}", 0..4),
            any::<bool>()
        )
            .prop_map(|(body, strip)| Spec::RunHeredoc { body, strip }),
        "[a-z0-9][a-z0-9:]{0,8}".prop_map(Spec::User),
        word().prop_map(|w| Spec::Workdir(format!("/{w}"))),
    ]
}

/// Renders a spec; returns the text (ending in a newline) and its line count.
fn render(s: &Spec) -> String {
    match s {
        Spec::From {
            image,
            tag,
            alias,
            platform,
        } => {
            let mut t = String::from("FROM ");
            if *platform {
                t.push_str("--platform=$BUILDPLATFORM ");
            }
            t.push_str(image);
            if let Some(tag) = tag {
                t.push(':');
                t.push_str(tag);
            }
            if let Some(a) = alias {
                t.push_str(" AS ");
                t.push_str(a);
            }
            t + "\n"
        }
        Spec::Env(pairs) => {
            let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
            format!("ENV {}\n", parts.join(" \\\n    "))
        }
        Spec::Expose(ports) => {
            let parts: Vec<String> = ports
                .iter()
                .map(|(p, r, udp)| {
                    let mut s = p.to_string();
                    if let Some(r) = r {
                        s.push_str(&format!("-{}", u32::from(*p) + u32::from(*r)));
                    }
                    if *udp {
                        s.push_str("/udp");
                    }
                    s
                })
                .collect();
            format!("EXPOSE {}\n", parts.join(" "))
        }
        Spec::Copy {
            from,
            chown,
            link,
            sources,
            dest,
        } => {
            let mut t = String::from("COPY ");
            if let Some(f) = from {
                t.push_str(&format!("--from={f} "));
            }
            if *chown {
                t.push_str("--chown=1000:1000 ");
            }
            if *link {
                t.push_str("--link ");
            }
            t.push_str(&sources.join(" "));
            t.push(' ');
            t.push_str(dest);
            t + "\n"
        }
        Spec::RunShell { cmds, continued } => {
            let sep = if *continued { " \\\n    && " } else { " && " };
            format!("RUN {}\n", cmds.join(sep))
        }
        Spec::RunExec(args) => format!("RUN {}\n", serde_json::to_string(args).unwrap_or_default()),
        Spec::RunHeredoc { body, strip } => {
            let (op, indent) = if *strip { ("<<-", "\t") } else { ("<<", "") };
            let mut t = format!("RUN {op}EOF\n");
            for b in body {
                t.push_str(indent);
                t.push_str(b);
                t.push('\n');
            }
            t.push_str(indent);
            t.push_str("EOF\n");
            t
        }
        Spec::User(u) => format!("USER {u}\n"),
        Spec::Workdir(w) => format!("WORKDIR {w}\n"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_instructions_round_trip(specs in prop::collection::vec(spec(), 1..12), blank in prop::collection::vec(any::<bool>(), 12)) {
        let mut text = String::new();
        let mut expected_lines = Vec::new();
        let mut line = 1u32;
        for (i, s) in specs.iter().enumerate() {
            if blank.get(i).copied().unwrap_or(false) {
                text.push_str("# a comment\n\n");
                line += 2;
            }
            let r = render(s);
            let n = u32::try_from(r.matches('\n').count()).unwrap_or(0);
            expected_lines.push((line, line + n - 1));
            line += n;
            text.push_str(&r);
        }
        let df = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(df.instructions.len(), specs.len(), "{}", text);
        for ((spec, ins), (l, e)) in specs.iter().zip(&df.instructions).zip(&expected_lines) {
            prop_assert_eq!((ins.line, ins.end_line), (*l, *e), "{}", text);
            match (spec, &ins.kind) {
                (Spec::From { image, tag, alias, platform }, InstructionKind::From(f)) => {
                    let want = match tag { Some(t) => format!("{image}:{t}"), None => image.clone() };
                    prop_assert_eq!(&f.image, &want);
                    prop_assert_eq!(&f.alias, alias);
                    prop_assert_eq!(f.platform.is_some(), *platform);
                }
                (Spec::Env(pairs), InstructionKind::Env(kv)) => {
                    let got: Vec<(String, String)> = kv.iter().map(|k| (k.key.clone(), k.value.clone().unwrap_or_default())).collect();
                    prop_assert_eq!(&got, pairs);
                }
                (Spec::Expose(ports), InstructionKind::Expose(got)) => {
                    prop_assert_eq!(got.len(), ports.len());
                    for ((p, r, udp), g) in ports.iter().zip(got) {
                        prop_assert_eq!(g.start, Some(u64::from(*p)));
                        prop_assert_eq!(g.end, Some(u64::from(*p) + u64::from(r.unwrap_or(0))));
                        prop_assert_eq!(g.protocol.as_str(), if *udp { "udp" } else { "tcp" });
                    }
                }
                (Spec::Copy { from, chown, link, sources, dest }, InstructionKind::Copy(c)) => {
                    prop_assert_eq!(ins.flag("from").map(str::to_owned), from.clone());
                    prop_assert_eq!(ins.flag("chown").is_some(), *chown);
                    prop_assert_eq!(ins.has_flag("link"), *link);
                    prop_assert_eq!(&c.sources, sources);
                    prop_assert_eq!(&c.dest, dest);
                }
                (Spec::RunShell { cmds, .. }, InstructionKind::Run(r)) => {
                    let Command::Shell(t) = &r.command else { return Err(TestCaseError::fail("not shell")) };
                    let script = parse_script(t);
                    let nonempty = cmds.iter().filter(|c| !c.trim().is_empty()).count();
                    prop_assert_eq!(script.commands.len(), nonempty, "{}", t);
                }
                (Spec::RunExec(args), InstructionKind::Run(r)) => {
                    prop_assert_eq!(&r.command, &Command::Exec(args.clone()));
                }
                (Spec::RunHeredoc { body, .. }, InstructionKind::Run(_)) => {
                    prop_assert_eq!(ins.heredocs.len(), 1);
                    let want: String = body.iter().map(|b| format!("{b}\n")).collect();
                    prop_assert_eq!(&ins.heredocs[0].body, &want);
                }
                (Spec::User(u), InstructionKind::User(g)) => prop_assert_eq!(g, u),
                (Spec::Workdir(w), InstructionKind::Workdir(g)) => prop_assert_eq!(g, w),
                (s, k) => return Err(TestCaseError::fail(format!("{s:?} parsed as {k:?}"))),
            }
        }
    }
}
