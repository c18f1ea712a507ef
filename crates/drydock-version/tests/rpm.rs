//! Cross-check of the rpm scheme against the real rpm: all pairs go through
//! `rpm.vercmp()` in one `rpm --eval` run of a generated Lua chunk.

mod common;

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use common::{Rng, sign};
use drydock_version::{Scheme, compare};

const RPM: &str = "/usr/bin/rpm";

/// A Lua string literal holding exactly `s`'s bytes.
fn lua_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 4 + 2);
    out.push('"');
    for b in s.bytes() {
        write!(out, "\\{b}").unwrap();
    }
    out.push('"');
    out
}

/// rpm's verdict for every pair, from a single rpm process: `None` where
/// `rpm.vercmp` raised an error.
fn rpm_vercmp_all(pairs: &[(String, String)]) -> Vec<Option<Ordering>> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("pairs.lua");
    let mut lua = String::new();
    for (a, b) in pairs {
        writeln!(
            lua,
            "do local ok, r = pcall(rpm.vercmp, {}, {}); io.write(ok and tostring(r) or 'E', '\\n') end",
            lua_string(a),
            lua_string(b)
        )
        .unwrap();
    }
    lua.push_str("io.flush()\n");
    std::fs::write(&script, lua).unwrap();
    let path = script.to_str().unwrap();
    assert!(!path.contains(['\'', '}', '%']), "awkward temp path {path}");
    let out = Command::new(RPM)
        .arg("--eval")
        .arg(format!("%{{lua: dofile('{path}')}}"))
        .output()
        .expect("run rpm");
    assert!(
        out.status.success(),
        "rpm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let results: Vec<Option<Ordering>> = text
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| match l {
            "-1" => Some(Ordering::Less),
            "0" => Some(Ordering::Equal),
            "1" => Some(Ordering::Greater),
            "E" => None,
            other => panic!("unexpected rpm output line {other:?}"),
        })
        .collect();
    assert_eq!(results.len(), pairs.len(), "rpm printed {text:?}");
    results
}

fn have_rpm() -> bool {
    if Path::new(RPM).exists() {
        return true;
    }
    eprintln!("SKIPPED: {RPM} not found; the rpm cross-check did not run");
    false
}

const TRICKY: &[(&str, &str)] = &[
    ("1.0", "1.0"),
    ("1.0", "1.0-1"),
    ("1.0", "1.0-"),
    ("1.0-", "1.0-0"),
    ("1.0-~", "1.0-"),
    ("1.0-^", "1.0-"),
    ("1.0-1", "1.0-2"),
    ("1.0-1.el8", "1.0-1.el8_4"),
    ("1.0-1.el8_4", "1.0-1.el8_10"),
    ("1.0-1.el8_10", "1.0-2.el8"),
    ("0:1.0-1", "1.0-1"),
    ("1:1.0-1", "1.0-1"),
    ("1:1.0", "2.0"),
    ("01:1", "1:1"),
    (":1", "0:1"),
    ("1:", "0:"),
    ("1:", "1:0"),
    ("1a:2", "1b:1"),
    ("2:1", "10:0"),
    ("1.0~rc1", "1.0"),
    ("1.0~rc1", "1.0~rc2"),
    ("1.0~rc1~x", "1.0~rc1"),
    ("1.0~", "1.0"),
    ("1.0^", "1.0"),
    ("1.0^git1", "1.0"),
    ("1.0^git1", "1.0.1"),
    ("1.0^git1", "1.0~rc1"),
    ("1.0^git1", "1.0^git2"),
    ("1.0^^", "1.0^"),
    ("1.0^a", "1.0^"),
    ("1.0~^", "1.0~"),
    ("1a", "1.1"),
    ("1a", "1"),
    ("2.0.1", "2.0a"),
    ("1.010", "1.9"),
    ("1.0010", "1.10"),
    ("1.0.", "1.0"),
    ("1.0", "1_0"),
    ("1..0", "1.0"),
    ("a", "1"),
    ("a", "b"),
    ("A", "a"),
    ("abc", "abd"),
    ("1.0a", "1.0b"),
    ("1.0aa", "1.0a"),
    ("99999999999999999999999", "100000000000000000000000"),
    ("1.0-1-2", "1.0-1"),
    ("1.0-1-2", "1.0-2"),
    ("x", "x-"),
    ("~", "-"),
    ("é", "a"),
    ("1.é", "1.0"),
    ("1.0é1", "1.0.1"),
    ("5.14.0-362.8.1.el9_3", "5.14.0-362.13.1.el9_3"),
    ("2:8.2.2637-20.el9_1", "2:8.2.2637-16.el9_0.3"),
    ("1.1.1k-7.el8_6", "1.1.1k-12.el8_9"),
    ("3.0.7-16.el9_2", "3.0.7-16.el9_2.1"),
    ("15.0-150500.1.1", "15.0-150400.3.3"),
];

const ALPHABET: &[&str] = &[
    "0", "1", "2", "9", "10", "01", ".", ".", "_", "+", "~", "^", "-", ":", "a", "b", "z", "A",
    "Z", "el", "é",
];
const SUFFIXES: &[&str] = &[
    "~", "~rc1", "^", "^git1", ".0", "-1", "-", "a", "1", ".el8", "_4",
];

fn generate(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(25) {
        s.push_str(rng.pick(&["0:", "1:", "2:", "01:", ":"]));
    }
    let len = 1 + rng.below(7);
    s.push_str(&rng.string(ALPHABET, len));
    if rng.chance(60) {
        s.push('-');
        let len = rng.below(5);
        s.push_str(&rng.string(ALPHABET, len));
    }
    s
}

fn check(pairs: &[(String, String)]) -> (Vec<String>, [usize; 3]) {
    let verdicts = rpm_vercmp_all(pairs);
    let mut failures = Vec::new();
    let mut seen = [0; 3];
    for ((a, b), want) in pairs.iter().zip(verdicts) {
        let ours = compare(Scheme::Rpm, a, b);
        match want {
            Some(want) => {
                seen[(want as i8 + 1) as usize] += 1;
                if ours != Ok(want) {
                    failures.push(format!("{a:?} vs {b:?}: rpm {}, ours {ours:?}", sign(want)));
                }
            }
            None => {
                if ours.is_ok() {
                    failures.push(format!("{a:?} vs {b:?}: rpm rejects, ours {ours:?}"));
                }
            }
        }
    }
    (failures, seen)
}

#[test]
fn rpm_tricky_pairs_match_rpm() {
    if !have_rpm() {
        return;
    }
    let pairs: Vec<(String, String)> = TRICKY
        .iter()
        .flat_map(|&(a, b)| [(a.to_owned(), b.to_owned()), (b.to_owned(), a.to_owned())])
        .collect();
    let (failures, _) = check(&pairs);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "rpm: {} hand-picked pairs (both orders) agree",
        TRICKY.len()
    );
}

#[test]
fn rpm_generated_pairs_match_rpm() {
    if !have_rpm() {
        return;
    }
    let mut rng = Rng::new(0x0072_706d);
    let pairs: Vec<(String, String)> = (0..600)
        .map(|_| {
            let a = generate(&mut rng);
            let b = if rng.chance(60) {
                rng.mutate(&a, ALPHABET, SUFFIXES)
            } else {
                generate(&mut rng)
            };
            (a, b)
        })
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .collect();
    assert!(pairs.len() >= 500);
    let (failures, seen) = check(&pairs);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        seen.iter().all(|&n| n >= 40),
        "outcome spread too narrow: {seen:?}"
    );
    eprintln!(
        "rpm: {} generated pairs agree (<,=,> = {seen:?})",
        pairs.len()
    );
}
