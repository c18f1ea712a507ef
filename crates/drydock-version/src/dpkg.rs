//! Debian package versions: `[epoch:]upstream_version[-debian_revision]`.
//!
//! Parsing mirrors dpkg's `parseversion()` and comparison its `verrevcmp()`
//! (lib/dpkg/version.c, parsehelp.c). What dpkg reports as an error (empty
//! parts, a bad epoch, embedded blanks) is an error here; what dpkg only
//! warns about (an upstream version not starting with a digit, characters
//! outside `[A-Za-z0-9.+~:-]`) is accepted and compared the way
//! `dpkg --compare-versions` compares it, since installed databases do contain
//! such versions.

use std::cmp::Ordering;

use crate::Reason;
use crate::util::strip_zeros;

/// A parsed Debian version, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DpkgVersion<'a> {
    epoch: u32,
    upstream: &'a [u8],
    revision: &'a [u8],
}

/// dpkg's `c_isblank`: what it trims and what counts as "embedded spaces".
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

pub(crate) fn parse(v: &str) -> Result<DpkgVersion<'_>, Reason> {
    let bytes = v.as_bytes();
    if bytes.contains(&0) {
        // dpkg sees C strings; a NUL would silently cut the version short.
        return Err("contains a NUL byte".into());
    }
    let start = bytes.iter().position(|&b| !is_blank(b));
    let end = bytes.iter().rposition(|&b| !is_blank(b));
    let s = match (start, end) {
        (Some(start), Some(end)) => bytes.get(start..=end).unwrap_or_default(),
        _ => return Err("version string is empty".into()),
    };
    if s.iter().copied().any(is_blank) {
        return Err("version string has embedded spaces".into());
    }

    let (epoch, rest) = match s.iter().position(|&b| b == b':') {
        Some(colon) => {
            let epoch = parse_epoch(s.get(..colon).unwrap_or_default())?;
            let rest = s.get(colon + 1..).unwrap_or_default();
            if rest.is_empty() {
                return Err("nothing after colon in version number".into());
            }
            (epoch, rest)
        }
        None => (0, s),
    };

    let (upstream, revision): (&[u8], &[u8]) = match rest.iter().rposition(|&b| b == b'-') {
        Some(hyphen) => {
            let revision = rest.get(hyphen + 1..).unwrap_or_default();
            if revision.is_empty() {
                return Err("revision number is empty".into());
            }
            (rest.get(..hyphen).unwrap_or_default(), revision)
        }
        None => (rest, b""),
    };
    if upstream.is_empty() {
        return Err("version number is empty".into());
    }
    Ok(DpkgVersion {
        epoch,
        upstream,
        revision,
    })
}

/// The epoch as dpkg reads it with `strtol()`: optional leading white space
/// and sign, then digits that must run right up to the colon, at most
/// `INT_MAX`, not negative.
fn parse_epoch(s: &[u8]) -> Result<u32, Reason> {
    let mut i = 0;
    // strtol's isspace(): blanks cannot occur here, but \n \v \f \r can.
    while s
        .get(i)
        .is_some_and(|&b| matches!(b, b'\n' | b'\x0b' | b'\x0c' | b'\r'))
    {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = s.get(i..).unwrap_or_default();
    let run = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if run == 0 {
        return Err("epoch in version is empty".into());
    }
    if run != digits.len() {
        return Err("epoch in version is not number".into());
    }
    let significant = strip_zeros(digits);
    if significant.is_empty() {
        return Ok(0);
    }
    if negative {
        return Err("epoch in version is negative".into());
    }
    // Ten digits or fewer always fit a u64; the INT_MAX check does the rest.
    let value = if significant.len() > 10 {
        None
    } else {
        significant
            .iter()
            .try_fold(0u64, |acc, &b| Some(acc * 10 + u64::from(b - b'0')))
    };
    value
        .filter(|&v| v <= i32::MAX as u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| "epoch in version is too big".into())
}

pub(crate) fn cmp(a: &DpkgVersion<'_>, b: &DpkgVersion<'_>) -> Ordering {
    a.epoch
        .cmp(&b.epoch)
        .then_with(|| verrevcmp(a.upstream, b.upstream))
        .then_with(|| verrevcmp(a.revision, b.revision))
}

/// Sort weight of one non-digit byte (0 stands for the end of the string).
///
/// dpkg passes a plain `char`, which is signed on the platforms Debian ships,
/// so a byte >= 0x80 becomes negative and `c + 256` maps it back to its
/// unsigned value: non-ASCII bytes sort after letters but before ASCII
/// punctuation.
fn order(c: u8) -> i32 {
    if c.is_ascii_digit() {
        0
    } else if c.is_ascii_alphabetic() {
        i32::from(c)
    } else if c == b'~' {
        -1
    } else if c != 0 {
        i32::from(c as i8) + 256
    } else {
        0
    }
}

/// dpkg's `verrevcmp()` on NUL-free byte strings.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    // Reading past the end yields 0, like the C string terminator.
    let at = |s: &[u8], i: usize| s.get(i).copied().unwrap_or(0);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit prefix, compared by weight. A shorter prefix meets the
        // other side's non-digit with weight 0 and returns, so neither index
        // runs past its end.
        while (i < a.len() && !at(a, i).is_ascii_digit())
            || (j < b.len() && !at(b, j).is_ascii_digit())
        {
            let (ac, bc) = (order(at(a, i)), order(at(b, j)));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while at(a, i) == b'0' {
            i += 1;
        }
        while at(b, j) == b'0' {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while at(a, i).is_ascii_digit() && at(b, j).is_ascii_digit() {
            if first_diff == Ordering::Equal {
                first_diff = at(a, i).cmp(&at(b, j));
            }
            i += 1;
            j += 1;
        }
        if at(a, i).is_ascii_digit() {
            return Ordering::Greater;
        }
        if at(b, j).is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(a: &str, b: &str) -> Ordering {
        cmp(&parse(a).unwrap(), &parse(b).unwrap())
    }

    #[test]
    fn splits_epoch_upstream_revision() {
        let v = parse(" 2:1.0-rc1-3 ").unwrap();
        assert_eq!(v.epoch, 2);
        assert_eq!(v.upstream, b"1.0-rc1");
        assert_eq!(v.revision, b"3");
        let v = parse("1:2:3").unwrap();
        assert_eq!(
            (v.epoch, v.upstream, v.revision),
            (1, &b"2:3"[..], &b""[..])
        );
        assert_eq!(parse("-0:1").unwrap().epoch, 0);
        assert_eq!(parse("+7:1").unwrap().epoch, 7);
        assert_eq!(parse("2147483647:1").unwrap().epoch, 2_147_483_647);
    }

    #[test]
    fn rejects_what_dpkg_rejects() {
        for bad in [
            "   ",
            "1 0",
            "1:",
            ":1",
            "a:1",
            "1a:1",
            "-1:1",
            "2147483648:1",
            "99999999999999999999:1",
            "1-",
            "-1",
            "1\0",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn orders_like_dpkg() {
        use Ordering::*;
        assert_eq!(c("1.0~rc1", "1.0"), Less);
        assert_eq!(c("1.0~~", "1.0~"), Less);
        assert_eq!(c("1.0", "1.0-0"), Equal);
        assert_eq!(c("1.0", "1.0+b1"), Less);
        assert_eq!(c("1.0a", "1.0+"), Less);
        assert_eq!(c("1:0.1", "9.9"), Greater);
        assert_eq!(c("1.01", "1.1"), Equal);
        assert_eq!(c("2.30-1+deb11u1", "2.30-1+deb11u10"), Less);
        assert_eq!(c("1.00000000000000000000000000001", "1.2"), Less);
        assert_eq!(c("1.é", "1.+"), Less);
        assert_eq!(c("1.é", "1.z"), Greater);
    }
}
