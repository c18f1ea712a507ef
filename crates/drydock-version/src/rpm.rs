//! RPM versions: `[epoch:]version[-release]`.
//!
//! The split follows rpm's `parseEVR()` (leading digits followed by `:` are
//! the epoch, the last `-` starts the release) and each part is compared with
//! `rpmvercmp()` as of rpm 4.15+ (`~` sorts before everything, `^` after the
//! base version but before any other continuation). This is what the Lua
//! `rpm.vercmp()` of rpm 4.18 does with two full EVR strings:
//!
//! * a missing epoch is `0`, and epochs are compared with `rpmvercmp` too,
//!   so `01:` equals `1:`;
//! * a missing release sorts before any release, even an empty one, so
//!   `1.0 < 1.0-1` and `1.0 < 1.0-`.
//!
//! rpm accepts any non-empty string, and so does this scheme (only NUL bytes,
//! which a C string cannot hold, are rejected).

use std::cmp::Ordering;

use crate::Reason;
use crate::util::cmp_digits;

/// A parsed EVR, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Evr<'a> {
    epoch: &'a [u8],
    version: &'a [u8],
    release: Option<&'a [u8]>,
}

pub(crate) fn parse(v: &str) -> Result<Evr<'_>, Reason> {
    let s = v.as_bytes();
    if s.contains(&0) {
        return Err("contains a NUL byte".into());
    }
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    // rpm looks for the release separator only after the epoch digits.
    let hyphen = s
        .get(digits..)
        .and_then(|tail| tail.iter().rposition(|&b| b == b'-'))
        .map(|p| p + digits);
    let (epoch, version_start): (&[u8], usize) = if s.get(digits) == Some(&b':') {
        let e = s.get(..digits).unwrap_or_default();
        (if e.is_empty() { b"0" } else { e }, digits + 1)
    } else {
        (b"0", 0)
    };
    let (version, release) = match hyphen {
        Some(h) => (
            s.get(version_start..h).unwrap_or_default(),
            Some(s.get(h + 1..).unwrap_or_default()),
        ),
        None => (s.get(version_start..).unwrap_or_default(), None),
    };
    Ok(Evr {
        epoch,
        version,
        release,
    })
}

pub(crate) fn cmp(a: &Evr<'_>, b: &Evr<'_>) -> Ordering {
    rpmvercmp(a.epoch, b.epoch)
        .then_with(|| rpmvercmp(a.version, b.version))
        .then_with(|| match (a.release, b.release) {
            (Some(ra), Some(rb)) => rpmvercmp(ra, rb),
            (ra, rb) => ra.is_some().cmp(&rb.is_some()),
        })
}

/// rpm's separator test: anything but ASCII alphanumerics, `~` and `^`.
fn is_separator(c: u8) -> bool {
    !c.is_ascii_alphanumeric() && c != b'~' && c != b'^'
}

/// rpm's `rpmvercmp()` on NUL-free byte strings.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|&c| is_separator(c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|&c| is_separator(c)) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());

        // Tilde sorts before everything, even the end of the string.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        // Caret is like tilde, except that the end of the string (the base
        // version) sorts before it.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }

        let (Some(first), Some(_)) = (ca, cb) else {
            break;
        };

        let (si, sj) = (i, j);
        let numeric = first.is_ascii_digit();
        let in_segment = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        while a.get(i).is_some_and(in_segment) {
            i += 1;
        }
        while b.get(j).is_some_and(in_segment) {
            j += 1;
        }
        // Segments of different types: numbers are newer than letters.
        if j == sj {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (sa, sb) = (
            a.get(si..i).unwrap_or_default(),
            b.get(sj..j).unwrap_or_default(),
        );
        let ord = if numeric {
            cmp_digits(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    // All segments equal: whichever still has characters left wins.
    (i < a.len()).cmp(&(j < b.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn splits_like_parse_evr() {
        let e = parse("2:1.0-1.el8").unwrap();
        assert_eq!(
            (e.epoch, e.version, e.release),
            (&b"2"[..], &b"1.0"[..], Some(&b"1.el8"[..]))
        );
        let e = parse(":1").unwrap();
        assert_eq!(
            (e.epoch, e.version, e.release),
            (&b"0"[..], &b"1"[..], None)
        );
        let e = parse("1a:2").unwrap();
        assert_eq!((e.epoch, e.version), (&b"0"[..], &b"1a:2"[..]));
        let e = parse("1.0-1-2").unwrap();
        assert_eq!((e.version, e.release), (&b"1.0-1"[..], Some(&b"2"[..])));
        assert!(parse("1\0").is_err());
    }

    #[test]
    fn rpmvercmp_rules() {
        assert_eq!(rpmvercmp(b"1.0", b"1.0"), Equal);
        assert_eq!(rpmvercmp(b"1.0", b"1_0"), Equal);
        assert_eq!(rpmvercmp(b"1.0~rc1", b"1.0"), Less);
        assert_eq!(rpmvercmp(b"1.0~rc1", b"1.0~rc1~x"), Greater);
        assert_eq!(rpmvercmp(b"1.0^", b"1.0"), Greater);
        assert_eq!(rpmvercmp(b"1.0^git1", b"1.0.1"), Less);
        assert_eq!(rpmvercmp(b"1.0^git1", b"1.0~rc1"), Greater);
        assert_eq!(rpmvercmp(b"1a", b"1.1"), Less);
        assert_eq!(rpmvercmp(b"2.0.1", b"2.0a"), Greater);
        assert_eq!(rpmvercmp(b"1.010", b"1.9"), Greater);
        assert_eq!(rpmvercmp(b"1.0.", b"1.0"), Equal);
        assert_eq!(rpmvercmp(b"", b"0"), Less);
        assert_eq!(rpmvercmp("é".as_bytes(), b"a"), Less);
    }

    #[test]
    fn evr_rules() {
        assert_eq!(c("1:1.0", "2.0"), Greater);
        assert_eq!(c("0:1.0", "1.0"), Equal);
        assert_eq!(c("01:1", "1:1"), Equal);
        assert_eq!(c("1.0", "1.0-1"), Less);
        assert_eq!(c("1.0", "1.0-"), Less);
        assert_eq!(c("1.0-~", "1.0-"), Less);
        assert_eq!(c("1.0-1.el8_4", "1.0-1.el8_10"), Less);
    }
}
