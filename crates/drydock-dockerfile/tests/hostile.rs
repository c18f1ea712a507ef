//! Hostile inputs: shapes that would be quadratic (or recurse without
//! bound) in a naive parser or linter must finish and stay correct. These
//! assert results, not timings; a regression shows up as a hung test.

use drydock_dockerfile::{LintConfig, lint_lenient, parse_lenient, shell::parse_script};

fn lint(text: &str) -> drydock_dockerfile::LintReport {
    lint_lenient("hostile", text, &LintConfig::default())
}

#[test]
fn many_heredoc_markers_on_one_continued_instruction() {
    let n = 20_000;
    let mut t = String::from("FROM a:1\nRUN cat ");
    for _ in 0..n {
        t.push_str("<<A \\\n");
    }
    t.push_str("> /x\n");
    for _ in 0..n {
        t.push_str("body\nA\n");
    }
    let p = parse_lenient(&t);
    assert!(p.errors.is_empty(), "{:?}", p.errors.first());
    let run = &p.dockerfile.instructions[1];
    assert_eq!(run.heredocs.len(), n);
    assert_eq!(
        run.heredocs[n - 1].marker_line,
        u32::try_from(n + 1).unwrap()
    );
}

#[test]
fn many_flags() {
    let t = format!(
        "FROM a:1\nRUN {}echo hi\n",
        "--mount=type=cache,target=/x ".repeat(20_000)
    );
    let p = parse_lenient(&t);
    assert!(p.errors.is_empty());
    assert_eq!(p.dockerfile.instructions[1].flags.len(), 20_000);
}

#[test]
fn long_pipeline() {
    let t = format!("FROM a:1\nRUN {}sh\n", "curl x | ".repeat(20_000));
    let r = lint(&t);
    assert!(r.findings.iter().any(|f| f.check_id == "DD-DF-100"));
}

#[test]
fn long_stage_chain_with_env() {
    let mut t = String::from("FROM a:1 AS s0\n");
    for i in 1..20_000 {
        t.push_str(&format!(
            "FROM s{} AS s{i}\nENV K{i}=v{i}\nCOPY --from=s{} /a /a\n",
            i - 1,
            i - 1
        ));
    }
    t.push_str("WORKDIR $K19999\nUSER 1000\n");
    let r = lint(&t);
    assert!(r.errors.is_empty());
    assert!(!r.findings.iter().any(|f| f.check_id == "DD-DF-042"));
    // The last stage's own ENV resolves: WORKDIR is relative (`v19999`).
    assert!(r.findings.iter().any(|f| f.check_id == "DD-DF-060"));
}

#[test]
fn many_env_and_onbuild() {
    let mut t = String::from("FROM a:1\n");
    for i in 0..10_000 {
        t.push_str(&format!("ENV K{i}=v\n"));
    }
    t.push_str(&"ONBUILD RUN sudo x\n".repeat(10_000));
    let r = lint(&t);
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.check_id == "DD-DF-103")
            .count(),
        10_000
    );
}

#[test]
fn many_pragmas_and_findings() {
    let t = format!(
        "FROM a:1\n{}",
        "# drydock ignore=DD-DF-108\nRUN a\n".repeat(15_000)
    );
    let r = lint(&t);
    let consecutive: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.check_id == "DD-DF-108")
        .collect();
    assert_eq!(consecutive.len(), 14_999);
    assert!(consecutive.iter().all(|f| f.suppressed.is_some()));
}

#[test]
fn deep_nesting_in_shell() {
    let t = format!("{}x{}", "$(".repeat(20_000), ")".repeat(20_000));
    let s = parse_script(&t);
    assert!(s.commands.len() <= 16);
    let t = format!("{}x", "`".repeat(100_001));
    let _ = parse_script(&t);
    let t = format!("FROM a:1\nRUN sh -c {}\n", "\"sh -c ".repeat(5_000));
    let _ = lint(&t);
    let t = format!("FROM a:1\nENV A={}\n", "${A:-".repeat(50_000));
    let _ = lint(&t);
}

#[test]
fn nested_onbuild_chain() {
    let t = format!("FROM a:1\n{}RUN x\n", "ONBUILD ".repeat(100_000));
    let r = lint(&t);
    assert!(r.findings.iter().any(|f| f.check_id == "DD-DF-071"));
}

#[test]
fn long_line() {
    let t = format!(
        "FROM a:1\nRUN apt-get install -y {}\n",
        "pkg ".repeat(200_000)
    );
    let r = lint(&t);
    let f = r
        .findings
        .iter()
        .find(|f| f.check_id == "DD-DF-122")
        .expect("unpinned");
    assert!(f.evidence.chars().count() <= 240);
}
