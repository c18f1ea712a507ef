//! Cross-check of the dpkg scheme against the real `dpkg --compare-versions`.

mod common;

use std::cmp::Ordering;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Rng, sign};
use drydock_version::{Scheme, compare, validate};

const DPKG: &str = "/usr/bin/dpkg";

/// What dpkg says about `a` vs `b`: `Ok(order)`, or `Err(())` when it
/// rejects one of them (exit status 2).
fn dpkg_compare(a: &str, b: &str) -> Result<Ordering, ()> {
    let run = |op: &str| {
        let status = Command::new(DPKG)
            .args(["--compare-versions", a, op, b])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run dpkg");
        match status.code() {
            Some(0) => Ok(true),
            Some(1) => Ok(false),
            _ => Err(()),
        }
    };
    if run("lt")? {
        Ok(Ordering::Less)
    } else if run("gt")? {
        Ok(Ordering::Greater)
    } else {
        Ok(Ordering::Equal)
    }
}

fn have_dpkg() -> bool {
    if Path::new(DPKG).exists() {
        return true;
    }
    eprintln!("SKIPPED: {DPKG} not found; the dpkg cross-check did not run");
    false
}

/// Pairs chosen for the rules that matter in Debian and Ubuntu advisories.
const TRICKY: &[(&str, &str)] = &[
    ("1.0", "1.0"),
    ("1.0", "1.0-0"),
    ("1.0-0", "1.0-1"),
    ("0:1.0", "1.0"),
    ("1:1.0", "2.0"),
    ("1:1.0", "1:1.0-1"),
    ("2:0.1", "1:9.9"),
    ("10:1", "9:2"),
    ("1.0~rc1", "1.0"),
    ("1.0~rc1", "1.0~rc2"),
    ("1.0~~", "1.0~"),
    ("1.0~~a", "1.0~~"),
    ("1.0~", "1.0"),
    ("1.0~beta1~svn1245", "1.0~beta1"),
    ("1.0", "1.0+b1"),
    ("1.0-1", "1.0-1+b1"),
    ("1.0-1+b1", "1.0-2"),
    ("2.30-1+deb11u1", "2.30-1+deb11u10"),
    ("2.30-1+deb11u9", "2.30-1+deb11u10"),
    ("2.31-13+deb11u5", "2.31-13+deb11u11"),
    ("1.2.3+dfsg-1", "1.2.3-1"),
    ("1.2.3~dfsg-1", "1.2.3-1"),
    ("1.2.3+dfsg1-1", "1.2.3+dfsg-1"),
    ("1.2.3~dfsg1-1", "1.2.3~dfsg-1"),
    ("3.0.2-0ubuntu1.10", "3.0.2-0ubuntu1.9"),
    ("3.0.2-0ubuntu1~20.04.1", "3.0.2-0ubuntu1"),
    ("1.1.1f-1ubuntu2.16", "1.1.1f-1ubuntu2.2"),
    ("1.0-1~bpo11+1", "1.0-1"),
    ("1.0-1~bpo11+1", "1.0-0.1"),
    ("2.36.1-8+deb11u1", "2.36.1-8"),
    ("1.0a", "1.0"),
    ("1.0a", "1.0+"),
    ("1.0a", "1.0."),
    ("1.0.", "1.0+"),
    ("1.0-a", "1.0-+"),
    ("1.0A", "1.0a"),
    ("1.01", "1.1"),
    ("1.001", "1.1"),
    ("1.0010", "1.9"),
    ("1.000000000000000000000000000000001", "1.2"),
    ("99999999999999999999999", "100000000000000000000000"),
    ("1:99999999999999999999", "1:100000000000000000000"),
    ("2147483647:1", "2147483646:9"),
    ("1:1.2:3", "1:1.2:4"),
    ("1:1.2:3", "1:1.2.3"),
    ("1:2:3", "1:2.3"),
    ("1.0-1-1", "1.0-1-2"),
    ("1.0-rc1-1", "1.0-1"),
    ("7.4.052-1ubuntu3.1", "7.4.052-1ubuntu3"),
    ("0.0", "0"),
    ("0", "00"),
    ("1", "1.0"),
    ("1.0", "1.0.0"),
    ("1.2.3", "1.2.10"),
    ("1.2.3-10", "1.2.3-9"),
    ("5.2.15-2+b2", "5.2.15-2+b10"),
    ("1:2.2.6-1.1", "2.2.6-1.1"),
    ("4.19.0-25", "4.19.0-25+b1"),
    ("0.9.8zf-1", "0.9.8zg-1"),
    ("1.0+git20200101.abc", "1.0+git20191231.def"),
    ("1.0~git20200101.abc", "1.0"),
    ("2:1.2.3", "1:9.9.9"),
    ("1.0-1ubuntu0.1", "1.0-1"),
    ("1.0-1ubuntu0.1", "1.0-1build1"),
    ("1.0-1build1", "1.0-1ubuntu1"),
    ("1.é", "1.+"),
    ("1.é", "1.z"),
    ("1.é", "1.~"),
    ("1.0-é", "1.0-a"),
    // dpkg only warns about these; it still compares them.
    ("a1.0", "1.0"),
    ("~1", "1"),
    ("1_0", "1.0"),
    ("1,0", "1.0"),
    ("1.0-a_b", "1.0-a.b"),
    (" 1.0 ", "1.0"),
    ("\t1:1.0", "1:1.0"),
];

/// Strings dpkg refuses outright (exit status 2).
const INVALID: &[&str] = &[
    "1:",
    "a:1",
    "1a:1",
    "1.0-",
    "1:-1",
    "1 0",
    "1.0 -1",
    "1:1 0",
    "2147483648:1",
];

const UPSTREAM: &[&str] = &[
    "0", "1", "2", "9", "1", "2", "0", "10", "01", ".", ".", ".", "+", "~", "a", "b", "z", "A",
    "Z", ":", "-",
];
const REVISION: &[&str] = &[
    "0", "1", "2", "10", ".", "+", "~", "a", "b", "u", "deb", "build",
];
const SUFFIXES: &[&str] = &[
    "~", "~rc1", "+b1", ".0", "-1", "-0", "a", "+dfsg", "~~", "1", "0",
];

fn generate(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(25) {
        s.push_str(rng.pick(&["0:", "1:", "2:", "10:", "01:"]));
    }
    s.push_str(if rng.chance(93) {
        rng.pick(&["0", "1", "2", "3", "9", "10"])
    } else {
        rng.pick(&["a", "~", "+", "é"])
    });
    let len = rng.below(7);
    s.push_str(&rng.string(UPSTREAM, len));
    if rng.chance(55) {
        s.push('-');
        let len = 1 + rng.below(4);
        s.push_str(&rng.string(REVISION, len));
    }
    s
}

#[test]
fn dpkg_tricky_pairs_match_dpkg() {
    if !have_dpkg() {
        return;
    }
    let mut failures = Vec::new();
    for &(a, b) in TRICKY {
        for (x, y) in [(a, b), (b, a)] {
            let want =
                dpkg_compare(x, y).unwrap_or_else(|()| panic!("dpkg rejected {x:?} or {y:?}"));
            let got = compare(Scheme::Dpkg, x, y);
            if got != Ok(want) {
                failures.push(format!("{x:?} vs {y:?}: dpkg {}, ours {got:?}", sign(want)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "dpkg: {} hand-picked pairs (both orders) agree",
        TRICKY.len()
    );
}

#[test]
fn dpkg_rejects_what_dpkg_rejects() {
    if !have_dpkg() {
        return;
    }
    for &bad in INVALID {
        assert_eq!(dpkg_compare(bad, "1"), Err(()), "dpkg accepted {bad:?}");
        assert!(validate(Scheme::Dpkg, bad).is_err(), "we accepted {bad:?}");
    }
}

#[test]
fn dpkg_generated_pairs_match_dpkg() {
    if !have_dpkg() {
        return;
    }
    let mut rng = Rng::new(0x00d9_c0de);
    let (mut compared, mut rejected) = (0, 0);
    let mut seen = [0usize; 3];
    let mut failures = Vec::new();
    while compared < 400 {
        let a = generate(&mut rng);
        let b = if rng.chance(60) {
            rng.mutate(&a, UPSTREAM, SUFFIXES)
        } else {
            generate(&mut rng)
        };
        if a.starts_with('-') || b.starts_with('-') || a.is_empty() || b.is_empty() {
            // dpkg would read these as options.
            continue;
        }
        let ours = compare(Scheme::Dpkg, &a, &b);
        match dpkg_compare(&a, &b) {
            Ok(want) => {
                compared += 1;
                seen[(want as i8 + 1) as usize] += 1;
                if ours != Ok(want) {
                    failures.push(format!(
                        "{a:?} vs {b:?}: dpkg {}, ours {ours:?}",
                        sign(want)
                    ));
                }
            }
            Err(()) => {
                rejected += 1;
                if ours.is_ok() {
                    failures.push(format!("{a:?} vs {b:?}: dpkg rejects, ours {ours:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The generator must exercise all three outcomes, or the check is weak.
    assert!(
        seen.iter().all(|&n| n >= 20),
        "outcome spread too narrow: {seen:?}"
    );
    eprintln!(
        "dpkg: {compared} generated pairs agree (<,=,> = {seen:?}), {rejected} rejected by both"
    );
}
