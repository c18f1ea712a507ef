//! Parser tests: one per construct, with line numbers.

use drydock_dockerfile::{
    Command, Healthcheck, Instruction, InstructionKind, ParseErrorKind, parse, parse_lenient,
};

fn one(text: &str) -> Instruction {
    let df = parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(df.instructions.len(), 1, "{:#?}", df.instructions);
    df.instructions.into_iter().next().unwrap()
}

fn span(i: &Instruction) -> (u32, u32) {
    (i.line, i.end_line)
}

#[test]
fn directives() {
    let df =
        parse("# syntax=docker/dockerfile:1.7\n#check=skip=all\n# escape=`\nFROM a:1\n").unwrap();
    assert_eq!(
        df.directives.syntax.as_deref(),
        Some("docker/dockerfile:1.7")
    );
    assert_eq!(df.directives.check.as_deref(), Some("skip=all"));
    assert_eq!(df.directives.escape, '`');
    assert_eq!(df.instructions[0].line, 4);
    assert!(df.comments.is_empty());
}

#[test]
fn directive_after_comment_is_a_comment() {
    let df = parse("# hello\n# escape=`\nFROM a:1\n").unwrap();
    assert_eq!(df.directives.escape, '\\');
    assert_eq!(df.comments.len(), 2);
    assert_eq!(df.comments[1].line, 2);
    assert_eq!(df.comments[1].text, "escape=`");
}

#[test]
fn directive_errors() {
    let e = parse("# escape=x\nFROM a\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 1: invalid escape directive `x` (expected \\ or `)"
    );
    let e = parse("# syntax=a\n# syntax=b\nFROM a\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(matches!(e.kind, ParseErrorKind::DuplicateDirective(_)));
}

#[test]
fn comments_keep_lines() {
    let df = parse("FROM a:1\n  # indented comment\n\n# hadolint ignore=DL3008\nRUN x\n").unwrap();
    let lines: Vec<u32> = df.comments.iter().map(|c| c.line).collect();
    assert_eq!(lines, vec![2, 4]);
    assert_eq!(df.comments[1].text, "hadolint ignore=DL3008");
    assert_eq!(df.instructions[1].line, 5);
}

#[test]
fn continuation_with_comments_blank_lines_and_trailing_space() {
    let text = "FROM a:1\nRUN apt-get update \\   \n# a comment inside\n    && apt-get install -y \\\n\n        curl\nUSER 1\n";
    let df = parse(text).unwrap();
    let run = &df.instructions[1];
    assert_eq!(span(run), (2, 6));
    let InstructionKind::Run(r) = &run.kind else {
        panic!()
    };
    assert_eq!(
        r.command,
        Command::Shell("apt-get update     && apt-get install -y         curl".into())
    );
    assert_eq!(df.comments.len(), 1);
    assert_eq!(df.comments[0].line, 3);
    assert_eq!(span(&df.instructions[2]), (7, 7));
}

#[test]
fn backtick_escape_continuation() {
    let df =
        parse("# escape=`\nFROM a:1\nRUN dir C:\\ `\n  && echo hi\nWORKDIR C:\\app\n").unwrap();
    assert_eq!(span(&df.instructions[1]), (3, 4));
    let InstructionKind::Run(r) = &df.instructions[1].kind else {
        panic!()
    };
    assert_eq!(r.command, Command::Shell("dir C:\\   && echo hi".into()));
    assert_eq!(
        df.instructions[2].kind,
        InstructionKind::Workdir("C:\\app".into())
    );
}

#[test]
fn continuation_at_end_of_file() {
    let df = parse("FROM a:1\nRUN echo \\").unwrap();
    assert_eq!(span(&df.instructions[1]), (2, 2));
}

#[test]
fn crlf_and_bom() {
    let df = parse("\u{feff}FROM a:1\r\nRUN a \\\r\n  b\r\n").unwrap();
    assert_eq!(span(&df.instructions[1]), (2, 3));
    assert_eq!(df.instructions[1].args, "a   b");
}

#[test]
fn heredoc_run() {
    let df = parse("FROM a:1\nRUN <<EOF\nset -e\napt-get update\nEOF\nUSER 1\n").unwrap();
    let run = &df.instructions[1];
    assert_eq!(span(run), (2, 5));
    assert_eq!(run.heredocs.len(), 1);
    let h = &run.heredocs[0];
    assert_eq!(
        (h.name.as_str(), h.marker_line, h.body_line, h.end_line),
        ("EOF", 2, 3, 5)
    );
    assert_eq!(h.body, "set -e\napt-get update\n");
    assert!(!h.quoted && !h.strip_tabs);
    assert_eq!(df.instructions[2].line, 6);
}

#[test]
fn heredoc_strip_tabs_and_quoted() {
    let run = one("RUN <<-'EOT' bash\n\tcd /x\n\t\techo \"$HOME\"\n\tEOT\n");
    let h = &run.heredocs[0];
    assert!(h.strip_tabs && h.quoted);
    assert_eq!(h.body, "cd /x\necho \"$HOME\"\n");
    assert_eq!(span(&run), (1, 4));
    let run = one("RUN <<\"E\" cat\nx\nE\n");
    assert!(run.heredocs[0].quoted);
}

#[test]
fn several_heredocs_on_one_line() {
    let run = one("RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2\none\nFILE1\ntwo\nFILE2\n");
    let names: Vec<_> = run
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.body.as_str(), h.end_line))
        .collect();
    assert_eq!(names, vec![("FILE1", "one\n", 3), ("FILE2", "two\n", 5)]);
    assert_eq!(span(&run), (1, 5));
}

#[test]
fn heredoc_copy_and_fd() {
    let df =
        parse("FROM a:1\nCOPY <<EOF /etc/app.conf\nlisten=80\nEOF\nRUN 3<<X cat /dev/fd/3\nx\nX\n")
            .unwrap();
    let InstructionKind::Copy(c) = &df.instructions[1].kind else {
        panic!()
    };
    assert_eq!(c.sources, vec!["<<EOF"]);
    assert_eq!(c.dest, "/etc/app.conf");
    assert_eq!(df.instructions[1].heredocs[0].body, "listen=80\n");
    assert_eq!(df.instructions[2].heredocs[0].fd, Some(3));
    assert_eq!(span(&df.instructions[2]), (5, 7));
}

#[test]
fn heredoc_marker_on_continuation_line() {
    let e = parse("FROM a:1\nRUN echo start \\\n  && cat <<EOF\nbody\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: unterminated heredoc <<EOF started here"
    );
}

#[test]
fn not_heredocs() {
    // Quoted, here-strings, glued to a word, a space after <<, exec form.
    for text in [
        "RUN echo \"<<EOF\"",
        "RUN cat <<<word",
        "RUN a<<EOF",
        "RUN cat << EOF",
        "RUN [\"cat\", \"<<EOF\"]",
    ] {
        let i = one(text);
        assert!(i.heredocs.is_empty(), "{text}");
    }
}

#[test]
fn exec_and_shell_forms() {
    let i = one("RUN [\"apt-get\", \"install\", \"-y\", \"x\"]");
    assert_eq!(
        i.kind,
        InstructionKind::Run(drydock_dockerfile::Run {
            command: Command::Exec(vec![
                "apt-get".into(),
                "install".into(),
                "-y".into(),
                "x".into()
            ])
        })
    );
    assert_eq!(
        one("CMD [\"a\", \"b\"]").kind,
        InstructionKind::Cmd(Command::Exec(vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        one("CMD []").kind,
        InstructionKind::Cmd(Command::Exec(vec![]))
    );
    // Invalid JSON falls back to shell form, like Docker.
    assert_eq!(
        one("CMD ['a', 'b']").kind,
        InstructionKind::Cmd(Command::Shell("['a', 'b']".into()))
    );
    assert_eq!(
        one("ENTRYPOINT [\"a\",]").kind,
        InstructionKind::Entrypoint(Command::Shell("[\"a\",]".into()))
    );
    assert_eq!(
        one("ENTRYPOINT [1]").kind,
        InstructionKind::Entrypoint(Command::Shell("[1]".into()))
    );
    assert_eq!(
        one("cmd echo hi").kind,
        InstructionKind::Cmd(Command::Shell("echo hi".into()))
    );
}

#[test]
fn shell_instruction() {
    assert_eq!(
        one("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]").kind,
        InstructionKind::Shell(vec![
            "/bin/bash".into(),
            "-o".into(),
            "pipefail".into(),
            "-c".into()
        ])
    );
    let e = parse("FROM a\nSHELL /bin/bash -c\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(
        e.to_string()
            .contains("SHELL: arguments must be a non-empty JSON array"),
        "{e}"
    );
}

#[test]
fn from_forms() {
    let InstructionKind::From(f) = one("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build").kind
    else {
        panic!()
    };
    assert_eq!(f.image, "golang:1.22");
    assert_eq!(f.platform.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(f.alias.as_deref(), Some("Build"));
    let InstructionKind::From(f) = one("from scratch").kind else {
        panic!()
    };
    assert_eq!(
        (f.image.as_str(), f.alias, f.platform),
        ("scratch", None, None)
    );
    let e = parse("FROM a b\n").unwrap_err();
    assert!(e.to_string().starts_with("line 1: FROM: expected"), "{e}");
}

#[test]
fn args_and_stages() {
    let text = "ARG BASE=alpine\nARG TAG\nFROM ${BASE}:${TAG:-3} AS Base\nARG TAG\nARG A=1 B=\"two words\"\nFROM base\nFROM debian:12 AS other\nCOPY --from=base /a /a\n";
    let df = parse(text).unwrap();
    let globals: Vec<_> = df
        .global_args()
        .map(|a| (a.key.as_str(), a.value.as_deref()))
        .collect();
    assert_eq!(globals, vec![("BASE", Some("alpine")), ("TAG", None)]);
    let InstructionKind::Arg(a) = &df.instructions[4].kind else {
        panic!()
    };
    assert_eq!(a[1].value.as_deref(), Some("two words"));
    assert_eq!(a[1].raw_value.as_deref(), Some("\"two words\""));
    let stages = df.stages();
    assert_eq!(stages.len(), 3);
    assert_eq!(stages[0].name.as_deref(), Some("base"));
    assert_eq!((stages[0].from, stages[0].end), (2, 5));
    assert_eq!(stages[1].parent, Some(0));
    assert_eq!(stages[2].parent, None);
    assert_eq!(stages[2].end, 8);
}

#[test]
fn env_forms() {
    let InstructionKind::Env(kv) = one("ENV A=1 B=\"x y\" C=a\\ b D='$HOME'").kind else {
        panic!()
    };
    let pairs: Vec<_> = kv
        .iter()
        .map(|k| (k.key.as_str(), k.value.as_deref().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        vec![("A", "1"), ("B", "x y"), ("C", "a b"), ("D", "$HOME")]
    );
    let InstructionKind::Env(kv) = one("ENV LEGACY value with  spaces").kind else {
        panic!()
    };
    assert_eq!(kv.len(), 1);
    assert_eq!(
        (kv[0].key.as_str(), kv[0].value.as_deref()),
        ("LEGACY", Some("value with  spaces"))
    );
    let e = parse("FROM a\nENV A=1 B\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.to_string().contains("can't find = in `B`"), "{e}");
    assert!(parse("FROM a\nENV ONLYKEY\n").is_err());
}

#[test]
fn label_forms() {
    let i = one("LABEL a.b=\"1\" \\\n  \"quoted key\"=v \\\n  c=3");
    assert_eq!(span(&i), (1, 3));
    let InstructionKind::Label(kv) = i.kind else {
        panic!()
    };
    let keys: Vec<_> = kv.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, vec!["a.b", "quoted key", "c"]);
}

#[test]
fn expose_forms() {
    let InstructionKind::Expose(p) = one("EXPOSE 22 8000-8010/udp 53/UDP $PORT 99999").kind else {
        panic!()
    };
    let v: Vec<_> = p
        .iter()
        .map(|p| (p.start, p.end, p.protocol.as_str()))
        .collect();
    assert_eq!(
        v,
        vec![
            (Some(22), Some(22), "tcp"),
            (Some(8000), Some(8010), "udp"),
            (Some(53), Some(53), "udp"),
            (None, None, "tcp"),
            (Some(99999), Some(99999), "tcp"),
        ]
    );
}

#[test]
fn user_workdir_stopsignal_maintainer() {
    assert_eq!(
        one("USER app:app").kind,
        InstructionKind::User("app:app".into())
    );
    assert_eq!(
        one("WORKDIR \"/my dir\"").kind,
        InstructionKind::Workdir("/my dir".into())
    );
    assert_eq!(
        one("STOPSIGNAL SIGTERM").kind,
        InstructionKind::Stopsignal("SIGTERM".into())
    );
    assert_eq!(
        one("MAINTAINER Jane <j@x>").kind,
        InstructionKind::Maintainer("Jane <j@x>".into())
    );
}

#[test]
fn copy_add_flags() {
    let i = one("COPY --from=build --chown=1000:1000 --chmod=0755 --link a b /dst/");
    assert_eq!(i.flag("from"), Some("build"));
    assert_eq!(i.flag("chown"), Some("1000:1000"));
    assert_eq!(i.flag("chmod"), Some("0755"));
    assert!(i.has_flag("link"));
    let InstructionKind::Copy(c) = &i.kind else {
        panic!()
    };
    assert_eq!(
        (c.sources.clone(), c.dest.as_str(), c.json),
        (vec!["a".to_string(), "b".to_string()], "/dst/", false)
    );
    let i = one("ADD --checksum=sha256:abc https://x/y.tgz /tmp/");
    assert_eq!(i.flag("checksum"), Some("sha256:abc"));
    let InstructionKind::Add(c) = one("ADD [\"a b\", \"/c d/\"]").kind else {
        panic!()
    };
    assert!(c.json);
    assert_eq!(c.sources, vec!["a b"]);
    assert_eq!(c.dest, "/c d/");
    let e = parse("FROM a\nCOPY --frm=x a b\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2: unknown flag --frm for COPY");
    let e = parse("FROM a\nCOPY onlyone\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2: COPY requires a source and a destination"
    );
}

#[test]
fn run_flags() {
    let i = one(
        "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=x --network=none echo hi",
    );
    assert_eq!(i.flag_values("mount").count(), 2);
    assert_eq!(i.flag("network"), Some("none"));
    let InstructionKind::Run(r) = &i.kind else {
        panic!()
    };
    assert_eq!(r.command, Command::Shell("echo hi".into()));
}

#[test]
fn healthcheck_forms() {
    let i = one(
        "HEALTHCHECK --interval=5m --timeout=3s --retries=3 CMD curl -f http://localhost/ || exit 1",
    );
    assert_eq!(i.flag("interval"), Some("5m"));
    assert_eq!(
        i.kind,
        InstructionKind::Healthcheck(Healthcheck::Cmd(Command::Shell(
            "curl -f http://localhost/ || exit 1".into()
        )))
    );
    assert_eq!(
        one("HEALTHCHECK CMD [\"/bin/check\"]").kind,
        InstructionKind::Healthcheck(Healthcheck::Cmd(Command::Exec(vec!["/bin/check".into()])))
    );
    assert_eq!(
        one("HEALTHCHECK none").kind,
        InstructionKind::Healthcheck(Healthcheck::None)
    );
    assert!(parse("FROM a\nHEALTHCHECK NONE extra\n").is_err());
    assert!(parse("FROM a\nHEALTHCHECK curl x\n").is_err());
}

#[test]
fn onbuild() {
    let i = one("ONBUILD RUN npm install");
    let InstructionKind::Onbuild(inner) = &i.kind else {
        panic!()
    };
    assert_eq!(inner.name(), "RUN");
    let i = one("ONBUILD ONBUILD ONBUILD RUN x");
    let InstructionKind::Onbuild(inner) = &i.kind else {
        panic!()
    };
    let InstructionKind::Onbuild(inner2) = &inner.kind else {
        panic!()
    };
    assert_eq!(inner2.kind, InstructionKind::Unknown);
    assert!(parse("FROM a\nONBUILD FORM x\n").is_err());
}

#[test]
fn volume_forms() {
    assert_eq!(
        one("VOLUME [\"/a\", \"/b\"]").kind,
        InstructionKind::Volume(vec!["/a".into(), "/b".into()])
    );
    assert_eq!(
        one("VOLUME /a /b").kind,
        InstructionKind::Volume(vec!["/a".into(), "/b".into()])
    );
}

#[test]
fn unknown_instruction_is_line_accurate() {
    let e = parse("FROM a:1\n\nFORM b\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 3: unknown instruction FORM (did you mean FROM?)"
    );
    let e = parse("FROM a:1\nBLAH x\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2: unknown instruction BLAH");
}

#[test]
fn unterminated_heredoc_is_line_accurate() {
    let mut text = String::from("FROM a:1\n");
    for i in 2..12 {
        text.push_str(&format!("RUN echo {i}\n"));
    }
    text.push_str("RUN <<EOF\necho never closed\n");
    let e = parse(&text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 12: unterminated heredoc <<EOF started here"
    );
}

#[test]
fn missing_arguments() {
    let e = parse("FROM a\nRUN\n").unwrap_err();
    assert_eq!(e.to_string(), "line 2: RUN requires at least one argument");
    let e = parse("FROM a\nENV\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2: ENV requires at least one name=value pair"
    );
}

#[test]
fn lenient_mode_records_errors_and_continues() {
    let p = parse_lenient("FROM a:1\nFORM b\nRUN echo hi\nCOPY --bogus x y\nUSER 1\n");
    let lines: Vec<u32> = p.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 4]);
    let names: Vec<_> = p.dockerfile.instructions.iter().map(|i| i.name()).collect();
    assert_eq!(names, vec!["FROM", "UNKNOWN", "RUN", "COPY", "USER"]);
    assert_eq!(p.dockerfile.instructions[4].line, 5);
}

#[test]
fn oversized_input_is_refused() {
    let big = "#".repeat(drydock_dockerfile::MAX_DOCKERFILE_BYTES + 1);
    let e = parse(&big).unwrap_err();
    assert!(matches!(e.kind, ParseErrorKind::TooLarge { .. }));
}
