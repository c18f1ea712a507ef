//! `history[].created_by` as the classic builder and BuildKit write it,
//! turned back into instructions.
//!
//! Shapes seen in real images:
//! - `/bin/sh -c #(nop)  ENV A=b` (classic builder, metadata step)
//! - `/bin/sh -c apt-get update` (classic builder, RUN)
//! - `|2 A=1 B=2 /bin/sh -c make` (RUN with build arguments in scope)
//! - `RUN /bin/sh -c make # buildkit`, `RUN |1 A=1 /bin/sh -c make # buildkit`
//! - `ENV A=b`, `EXPOSE map[22/tcp:{}]`, `COPY . /app # buildkit` (BuildKit)

/// A build argument in scope of a RUN step (`|1 NAME=value`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildArg {
    /// Argument name.
    pub name: String,
    /// Value as recorded.
    pub value: String,
}

/// One history entry, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryStep {
    /// Position in the config's history.
    pub index: usize,
    /// Upper-case instruction: `RUN`, `ENV`, `ARG`, `EXPOSE`, `ADD`, `COPY`,
    /// `CMD`…; `RUN` when a shell command was recorded without one.
    pub instruction: String,
    /// The instruction's arguments (for RUN, the shell command).
    pub text: String,
    /// Build arguments in scope of a RUN step.
    pub build_args: Vec<BuildArg>,
    /// The raw `created_by`.
    pub raw: String,
}

const SHELL_PREFIXES: &[&str] = &["/bin/sh -c ", "/bin/bash -c ", "cmd /S /C "];

/// Parses every history entry that has a `created_by`.
pub fn parse_history(entries: &[(usize, &str)]) -> Vec<HistoryStep> {
    entries
        .iter()
        .map(|&(index, raw)| parse_step(index, raw))
        .collect()
}

fn parse_step(index: usize, raw: &str) -> HistoryStep {
    let mut s = raw.trim();
    if let Some(stripped) = s.strip_suffix("# buildkit") {
        s = stripped.trim_end();
    }
    let mut instruction = None;
    // BuildKit: the instruction comes first.
    if let Some((word, rest)) = s.split_once(' ')
        && is_instruction(word)
    {
        instruction = Some(word.to_ascii_uppercase());
        s = rest.trim_start();
    }
    let (build_args, rest) = take_build_args(s);
    s = rest;
    for p in SHELL_PREFIXES {
        if let Some(rest) = s.strip_prefix(p) {
            s = rest;
            break;
        }
        // An empty command, with its trailing space trimmed away.
        if s == p.trim_end() {
            s = "";
            break;
        }
    }
    if let Some(rest) = s.strip_prefix("#(nop)") {
        let rest = rest.trim_start();
        let (word, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        if is_instruction(word) {
            return HistoryStep {
                index,
                instruction: word.to_ascii_uppercase(),
                text: args.trim().to_owned(),
                build_args,
                raw: raw.to_owned(),
            };
        }
        s = rest;
    }
    HistoryStep {
        index,
        instruction: instruction.unwrap_or_else(|| "RUN".to_owned()),
        text: s.trim().to_owned(),
        build_args,
        raw: raw.to_owned(),
    }
}

fn is_instruction(word: &str) -> bool {
    const KNOWN: &[&str] = &[
        "RUN",
        "ENV",
        "ARG",
        "EXPOSE",
        "ADD",
        "COPY",
        "CMD",
        "ENTRYPOINT",
        "USER",
        "WORKDIR",
        "LABEL",
        "VOLUME",
        "HEALTHCHECK",
        "SHELL",
        "STOPSIGNAL",
        "ONBUILD",
        "MAINTAINER",
    ];
    KNOWN.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// `|N A=1 B=2 rest` → the N arguments and `rest`.
fn take_build_args(s: &str) -> (Vec<BuildArg>, &str) {
    let Some(after_bar) = s.strip_prefix('|') else {
        return (Vec::new(), s);
    };
    let digits = after_bar.bytes().take_while(u8::is_ascii_digit).count();
    let Ok(n) = after_bar[..digits].parse::<usize>() else {
        return (Vec::new(), s);
    };
    let mut rest = after_bar[digits..].trim_start();
    let mut args = Vec::new();
    for _ in 0..n.min(256) {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let token = &rest[..end];
        let Some((name, value)) = token.split_once('=') else {
            break;
        };
        args.push(BuildArg {
            name: name.to_owned(),
            value: value.to_owned(),
        });
        rest = rest[end..].trim_start();
    }
    (args, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(raw: &str) -> HistoryStep {
        parse_step(0, raw)
    }

    #[test]
    fn classic_builder_shapes() {
        let s = one("/bin/sh -c #(nop)  ENV DB_PASSWORD=secret");
        assert_eq!(
            (s.instruction.as_str(), s.text.as_str()),
            ("ENV", "DB_PASSWORD=secret")
        );
        let s = one("/bin/sh -c #(nop)  EXPOSE 22 8000");
        assert_eq!(
            (s.instruction.as_str(), s.text.as_str()),
            ("EXPOSE", "22 8000")
        );
        let s = one("/bin/sh -c curl -sSL https://x | sh");
        assert_eq!(
            (s.instruction.as_str(), s.text.as_str()),
            ("RUN", "curl -sSL https://x | sh")
        );
        let s = one("|1 GITHUB_TOKEN=ghp_x /bin/sh -c apt-get update");
        assert_eq!(s.instruction, "RUN");
        assert_eq!(s.text, "apt-get update");
        assert_eq!(
            s.build_args,
            [BuildArg {
                name: "GITHUB_TOKEN".into(),
                value: "ghp_x".into()
            }]
        );
    }

    #[test]
    fn buildkit_shapes() {
        let s = one("RUN |2 A=1 B=two /bin/sh -c make install # buildkit");
        assert_eq!(
            (s.instruction.as_str(), s.text.as_str()),
            ("RUN", "make install")
        );
        assert_eq!(s.build_args.len(), 2);
        assert_eq!(s.build_args[1].value, "two");
        let s = one("EXPOSE map[22/tcp:{} 8080/tcp:{}]");
        assert_eq!(
            (s.instruction.as_str(), s.text.as_str()),
            ("EXPOSE", "map[22/tcp:{} 8080/tcp:{}]")
        );
        let s = one("COPY . /app # buildkit");
        assert_eq!(
            (s.instruction.as_str(), s.text.as_str()),
            ("COPY", ". /app")
        );
    }

    #[test]
    fn malformed_build_arg_prefixes_do_not_panic() {
        for raw in [
            "|",
            "|x",
            "|9",
            "|2 A=1",
            "|1 noequals rest",
            "|99999999999999999999 a=b",
        ] {
            let _ = one(raw);
        }
        let s = one("|2 A=1");
        assert_eq!(s.build_args.len(), 1);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_created_by_parses_without_panicking(raw in "\\PC{0,200}") {
            let s = parse_step(3, &raw);
            prop_assert_eq!(s.index, 3);
            prop_assert!(s.build_args.len() <= 256);
        }

        #[test]
        fn build_args_round_trip(args in proptest::collection::vec(("[A-Z_]{1,12}", "[a-zA-Z0-9_.-]{0,20}"), 1..6), cmd in "[a-z ]{1,30}") {
            let pairs: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let raw = format!("|{} {} /bin/sh -c {cmd}", args.len(), pairs.join(" "));
            let s = parse_step(0, &raw);
            prop_assert_eq!(s.build_args.len(), args.len());
            for (got, (k, v)) in s.build_args.iter().zip(&args) {
                prop_assert_eq!(&got.name, k);
                prop_assert_eq!(&got.value, v);
            }
            prop_assert_eq!(s.text, cmd.trim());
        }
    }
}
