//! Maven versions: the ordering of Maven's `ComparableVersion` (3.9 / 4.x,
//! including the MNG-5568, MNG-6964, MNG-7559, MNG-7644 and MNG-7714
//! changes).
//!
//! The version is lowercased and split on `.`, `-` and letter/digit
//! transitions into a tree of items: numbers, qualifiers, "combinations"
//! (a qualifier directly followed by a number, `rc1`, `sp-2`) and sub-lists
//! (started by `-` or a transition). Known qualifiers order
//! `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release
//! < sp`; other qualifiers sort after those, alphabetically; numbers beat
//! qualifiers; trailing zeros and release qualifiers are dropped, so
//! `1 == 1.0 == 1.0.0 == 1-0`.
//!
//! Like Maven, every string is a version. Maven treats any Unicode digit as a
//! digit in two places (`X-1` detection and splitting `X1`); only ASCII
//! digits count here, which changes nothing for real versions.

use std::cmp::Ordering;

use crate::Reason;
use crate::util::cmp_digits;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    /// A number, leading zeros stripped (`"0"` for zero).
    Num(String),
    /// A qualifier, lowercased, aliases applied.
    Str(String),
    /// A qualifier directly followed by a number: `rc1`, `sp-2` (= `sp2`).
    Comb(String, String),
    /// A sub-list.
    List(Vec<Item>),
}

/// Rank of the release qualifier (`""`, `ga`, `final`, `release`).
const RELEASE: Qual<'static> = Qual::Known(5);

/// A qualifier's place in the order: known ones by index, the rest after
/// them, alphabetically.
#[derive(Debug, Clone, Copy)]
enum Qual<'a> {
    Known(u8),
    Unknown(&'a str),
}

fn qual(s: &str) -> Qual<'_> {
    match s {
        "alpha" => Qual::Known(0),
        "beta" => Qual::Known(1),
        "milestone" => Qual::Known(2),
        "rc" => Qual::Known(3),
        "snapshot" => Qual::Known(4),
        "" | "ga" | "final" | "release" => RELEASE,
        "sp" => Qual::Known(6),
        other => Qual::Unknown(other),
    }
}

fn cmp_qual(a: Qual<'_>, b: Qual<'_>) -> Ordering {
    match (a, b) {
        (Qual::Known(x), Qual::Known(y)) => x.cmp(&y),
        (Qual::Known(_), Qual::Unknown(_)) => Ordering::Less,
        (Qual::Unknown(_), Qual::Known(_)) => Ordering::Greater,
        // Java compares strings by UTF-16 code unit.
        (Qual::Unknown(x), Qual::Unknown(y)) => x.encode_utf16().cmp(y.encode_utf16()),
    }
}

fn num_is_zero(n: &str) -> bool {
    n == "0"
}

fn num_cmp_null(n: &str) -> Ordering {
    if num_is_zero(n) {
        Ordering::Equal
    } else {
        Ordering::Greater
    }
}

fn is_null(item: &Item) -> bool {
    match item {
        Item::Num(n) => num_is_zero(n),
        Item::Str(s) => s.is_empty(),
        Item::Comb(..) => false,
        Item::List(l) => l.is_empty(),
    }
}

/// `item.compareTo(null)`: the item against a missing one.
fn cmp_null(item: &Item) -> Ordering {
    match item {
        Item::Num(n) => num_cmp_null(n),
        Item::Str(s) => cmp_qual(qual(s), RELEASE),
        Item::Comb(s, d) => match cmp_qual(qual(s), RELEASE) {
            // 1-ga1 > 1: a release-like qualifier lets the number decide.
            Ordering::Equal => num_cmp_null(d),
            r => r,
        },
        Item::List(l) => l
            .iter()
            .map(cmp_null)
            .find(|r| *r != Ordering::Equal)
            .unwrap_or(Ordering::Equal),
    }
}

/// `a.compareTo(b)`.
fn cmp_item(a: &Item, b: &Item) -> Ordering {
    use Item::*;
    match (a, b) {
        (Num(x), Num(y)) => cmp_digits(x.as_bytes(), y.as_bytes()),
        (Num(_), _) => Ordering::Greater,
        (Str(_) | Comb(..) | List(_), Num(_)) => Ordering::Less,

        (Str(x), Str(y)) => cmp_qual(qual(x), qual(y)),
        (Str(x), Comb(s, d)) => match cmp_qual(qual(x), qual(s)) {
            Ordering::Equal if cmp_qual(qual(x), RELEASE) == Ordering::Equal => {
                num_cmp_null(d).reverse()
            }
            Ordering::Equal => Ordering::Less,
            r => r,
        },
        (Comb(s, d), Str(y)) => match cmp_qual(qual(s), qual(y)) {
            Ordering::Equal if cmp_qual(qual(s), RELEASE) == Ordering::Equal => num_cmp_null(d),
            // X1 > X
            Ordering::Equal => Ordering::Greater,
            r => r,
        },
        (Comb(s1, d1), Comb(s2, d2)) => {
            cmp_qual(qual(s1), qual(s2)).then_with(|| cmp_digits(d1.as_bytes(), d2.as_bytes()))
        }
        (Str(_) | Comb(..), List(l)) => cmp_list_scalar(l, a).reverse(),
        (List(l), Str(_) | Comb(..)) => cmp_list_scalar(l, b),

        (List(l), List(r)) => {
            for k in 0..l.len().max(r.len()) {
                let ord = match (l.get(k), r.get(k)) {
                    (Some(x), Some(y)) => cmp_item(x, y),
                    (Some(x), None) => cmp_null(x),
                    (None, Some(y)) => cmp_null(y).reverse(),
                    (None, None) => Ordering::Equal,
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        }
    }
}

/// A list against a qualifier or combination: its first item against the
/// scalar, then the rest against nothing.
fn cmp_list_scalar(list: &[Item], scalar: &Item) -> Ordering {
    let Some((first, rest)) = list.split_first() else {
        return cmp_null(scalar).reverse();
    };
    let head = cmp_item(first, scalar);
    if head != Ordering::Equal {
        return head;
    }
    rest.iter()
        .map(cmp_null)
        .find(|r| *r != Ordering::Equal)
        .unwrap_or(Ordering::Equal)
}

/// A qualifier, with Maven's aliases: a single `a`/`b`/`m` directly before a
/// number means alpha/beta/milestone, and `cr` is `rc`.
fn qualifier(s: &str, followed_by_digit: bool) -> String {
    let s = match s {
        "a" if followed_by_digit => "alpha",
        "b" if followed_by_digit => "beta",
        "m" if followed_by_digit => "milestone",
        "cr" => "rc",
        other => other,
    };
    s.to_owned()
}

/// A digit run without its leading zeros (`"0"` for zero).
fn number(digits: &str) -> String {
    let stripped = digits.trim_start_matches('0');
    if stripped.is_empty() { "0" } else { stripped }.to_owned()
}

fn parse_item(combination: bool, digit: bool, buf: &str) -> Item {
    if combination {
        // `X-1` is read as `X1`.
        let joined: String = buf.chars().filter(|&c| c != '-').collect();
        let Some(split) = joined.find(|c: char| c.is_ascii_digit()) else {
            // Unreachable by construction (a combination always holds a
            // digit); a plain qualifier is the least surprising reading.
            return Item::Str(qualifier(&joined, false));
        };
        let (s, d) = joined.split_at(split);
        Item::Comb(qualifier(s, true), number(d))
    } else if digit {
        Item::Num(number(buf))
    } else {
        Item::Str(qualifier(buf, false))
    }
}

/// Drops null items that carry no meaning, as Maven's `ListItem.normalize()`.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        let Some(item) = list.get(i) else { continue };
        if !is_null(item) {
            continue;
        }
        let remove = match list.get(i + 1) {
            None | Some(Item::Str(_)) => true,
            Some(Item::List(next)) => matches!(next.first(), Some(Item::Comb(..) | Item::Str(_))),
            Some(_) => false,
        };
        if remove {
            list.remove(i);
        }
    }
    // Removing a zero prefix must not leave an extra level of nesting.
    if let [Item::List(inner)] = list.as_mut_slice() {
        let inner = std::mem::take(inner);
        *list = inner;
    }
}

pub(crate) fn parse(v: &str) -> Result<Item, Reason> {
    let version = v.to_lowercase();
    let chars: Vec<(usize, char)> = version.char_indices().collect();
    // The chain of open lists: each new list is the last item of the one
    // below it, and all later items go into the newest one.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut is_digit = false;
    let mut is_combination = false;
    let mut start = 0usize;

    for (k, &(i, c)) in chars.iter().enumerate() {
        let slice = |from: usize, to: usize| version.get(from..to).unwrap_or_default();
        let top_is_empty = stack.last().is_none_or(Vec::is_empty);
        if c == '.' {
            let item = if i == start {
                Item::Num("0".to_owned())
            } else {
                parse_item(is_combination, is_digit, slice(start, i))
            };
            push(&mut stack, item);
            is_combination = false;
            start = i + 1;
        } else if c == '-' {
            if i == start {
                push(&mut stack, Item::Num("0".to_owned()));
            } else {
                let next_is_digit = chars.get(k + 1).is_some_and(|&(_, n)| n.is_ascii_digit());
                if !is_digit && next_is_digit {
                    is_combination = true;
                    continue;
                }
                push(
                    &mut stack,
                    parse_item(is_combination, is_digit, slice(start, i)),
                );
            }
            start = i + 1;
            if !stack.last().is_none_or(Vec::is_empty) {
                stack.push(Vec::new());
            }
            is_combination = false;
        } else if c.is_ascii_digit() {
            if !is_digit && i > start {
                is_combination = true;
                if !top_is_empty {
                    stack.push(Vec::new());
                }
            }
            is_digit = true;
        } else {
            if is_digit && i > start {
                push(
                    &mut stack,
                    parse_item(is_combination, true, slice(start, i)),
                );
                start = i;
                stack.push(Vec::new());
                is_combination = false;
            }
            is_digit = false;
        }
    }
    if version.len() > start {
        // 1.0.0.X1 < 1.0.0-X2: a trailing `.X` is read as `-X`.
        if !is_digit && !stack.last().is_none_or(Vec::is_empty) {
            stack.push(Vec::new());
        }
        let tail = version.get(start..).unwrap_or_default();
        push(&mut stack, parse_item(is_combination, is_digit, tail));
    }

    let mut child: Option<Vec<Item>> = None;
    while let Some(mut list) = stack.pop() {
        if let Some(c) = child.take() {
            list.push(Item::List(c));
        }
        normalize(&mut list);
        child = Some(list);
    }
    Ok(Item::List(child.unwrap_or_default()))
}

fn push(stack: &mut Vec<Vec<Item>>, item: Item) {
    match stack.last_mut() {
        Some(top) => top.push(item),
        None => stack.push(vec![item]),
    }
}

pub(crate) fn cmp(a: &Item, b: &Item) -> Ordering {
    cmp_item(a, b)
}

/// Maven's canonical form (`ComparableVersion.getCanonical()`), for tests.
#[cfg(test)]
fn canonical(item: &Item) -> String {
    match item {
        Item::Num(n) => n.clone(),
        Item::Str(s) => s.clone(),
        Item::Comb(s, d) => format!("{s}{d}"),
        Item::List(l) => {
            let mut out = String::new();
            for it in l {
                if !out.is_empty() {
                    out.push(if matches!(it, Item::List(_)) {
                        '-'
                    } else {
                        '.'
                    });
                }
                out.push_str(&canonical(it));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(v: &str) -> String {
        canonical(&parse(v).unwrap())
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canon("1.0.0"), "1");
        assert_eq!(canon("1.0-alpha"), "1-alpha");
        assert_eq!(canon("1.0-alpha-1"), "1-alpha1");
        assert_eq!(canon("1.0RC1"), "1-rc1");
        assert_eq!(canon("0.x"), "x");
        assert_eq!(canon("0.2"), "0.2");
        assert_eq!(canon("1cr"), "1-rc");
        for v in [
            "0.x",
            "0-x",
            "0.rc",
            "0-1",
            "1.0-alpha",
            "1-0.alpha",
            "2.0.0.a1",
        ] {
            let c = canon(v);
            assert_eq!(canon(&c), c, "canonical of {v} is not stable");
        }
    }

    #[test]
    fn any_string_parses() {
        for v in [
            "-", ".", "--", "..", "-.-", "a", "é", "1-", "-1", "1..2", "1--2", "ǅ-x1",
        ] {
            let p = parse(v).unwrap();
            assert_eq!(cmp(&p, &p), Ordering::Equal, "{v}");
        }
    }
}
