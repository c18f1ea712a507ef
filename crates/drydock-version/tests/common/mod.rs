//! Helpers shared by the reference cross-check tests.

#![allow(dead_code)]

use std::cmp::Ordering;

use drydock_version::{Scheme, compare, validate};

/// A small deterministic generator (SplitMix64), so a failing pair can be
/// reproduced from the seed in the test.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// A string of `len` characters drawn from `alphabet`.
    pub fn string(&mut self, alphabet: &[&str], len: usize) -> String {
        (0..len).map(|_| self.pick(alphabet)).collect()
    }

    /// A small edit of `s`: the kind of neighbour that exercises the
    /// interesting branches of a comparison (equal prefixes, one extra
    /// character, one changed digit).
    pub fn mutate(&mut self, s: &str, alphabet: &[&str], suffixes: &[&str]) -> String {
        let chars: Vec<char> = s.chars().collect();
        let pos = self.below(chars.len() + 1);
        let (head, tail): (String, String) =
            (chars[..pos].iter().collect(), chars[pos..].iter().collect());
        match self.below(5) {
            0 => format!("{s}{}", self.pick(suffixes)),
            1 => format!("{head}{}{tail}", self.pick(alphabet)),
            2 if !tail.is_empty() => {
                format!("{head}{}", &tail[tail.chars().next().unwrap().len_utf8()..])
            }
            3 if !tail.is_empty() => {
                let rest = &tail[tail.chars().next().unwrap().len_utf8()..];
                format!("{head}{}{rest}", self.pick(alphabet))
            }
            _ => s.to_owned(),
        }
    }
}

pub fn sign(o: Ordering) -> &'static str {
    match o {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}

fn parse_op(op: &str) -> Ordering {
    match op {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        other => panic!("bad operator {other:?}"),
    }
}

/// Checks `a op b` (and the mirrored `b op' a`) for every `(a, op, b)`.
pub fn assert_table(scheme: Scheme, table: &[(&str, &str, &str)]) {
    let mut failures = Vec::new();
    for &(a, op, b) in table {
        let want = parse_op(op);
        for (x, y, w) in [(a, b, want), (b, a, want.reverse())] {
            let got = compare(scheme, x, y);
            if got != Ok(w) {
                failures.push(format!("{x:?} {} {y:?} expected, got {got:?}", sign(w)));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{scheme}: {} of {} checks failed:\n{}",
        failures.len(),
        table.len() * 2,
        failures.join("\n")
    );
}

/// Checks that `chain` is strictly increasing: every earlier element is
/// less than every later one.
pub fn assert_chain(scheme: Scheme, chain: &[&str]) {
    let mut failures = Vec::new();
    for (i, a) in chain.iter().enumerate() {
        if compare(scheme, a, a) != Ok(Ordering::Equal) {
            failures.push(format!("{a:?} is not equal to itself"));
        }
        for b in &chain[i + 1..] {
            for (x, y, w) in [(a, b, Ordering::Less), (b, a, Ordering::Greater)] {
                let got = compare(scheme, x, y);
                if got != Ok(w) {
                    failures.push(format!("{x:?} {} {y:?} expected, got {got:?}", sign(w)));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{scheme}: {}", failures.join("\n"));
}

/// Checks that every pair of `group` compares equal.
pub fn assert_all_equal(scheme: Scheme, group: &[&str]) {
    for a in group {
        for b in group {
            assert_eq!(
                compare(scheme, a, b),
                Ok(Ordering::Equal),
                "{scheme}: {a:?} = {b:?}"
            );
        }
    }
}

/// Checks that the scheme rejects every string.
pub fn assert_invalid(scheme: Scheme, bad: &[&str]) {
    for v in bad {
        assert!(validate(scheme, v).is_err(), "{scheme}: {v:?} accepted");
        assert!(compare(scheme, v, v).is_err(), "{scheme}: {v:?} compared");
    }
}
