//! Creation timestamps. SPDX 2.3 requires exactly `YYYY-MM-DDThh:mm:ssZ`
//! (no fraction, no offset), so every SBOM format uses that shape.

/// Normalizes an RFC 3339 UTC timestamp to `YYYY-MM-DDThh:mm:ssZ`, dropping
/// fractional seconds. Offsets other than zero are refused rather than
/// converted: the caller promised UTC, and a silent shift would hide a bug.
/// A leap second `23:59:60` becomes `23:59:59`: RFC 3339 allows it, but
/// common SBOM consumers (Python's datetime among them) reject it.
pub(crate) fn normalize_utc(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let head = b.get(..19)?;
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let digits = head.get(r)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            digits
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')),
        )
    };
    let sep_ok = head.get(4) == Some(&b'-')
        && head.get(7) == Some(&b'-')
        && matches!(head.get(10), Some(b'T' | b't'))
        && head.get(13) == Some(&b':')
        && head.get(16) == Some(&b':');
    if !sep_ok {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    // A leap second is only ever inserted at 23:59:60 UTC.
    let second_ok = second <= 59 || (second == 60 && hour == 23 && minute == 59);
    if day == 0 || day > month_days || hour > 23 || minute > 59 || !second_ok {
        return None;
    }
    let mut rest = b.get(19..)?;
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = frac.get(n..)?;
    }
    if !matches!(rest, b"Z" | b"z" | b"+00:00" | b"-00:00") {
        return None;
    }
    let second = second.min(59);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_utc_forms() {
        for (input, want) in [
            ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"),
            ("2024-05-01t12:00:00z", "2024-05-01T12:00:00Z"),
            ("2024-05-01T12:00:00.123456Z", "2024-05-01T12:00:00Z"),
            ("2024-05-01T12:00:00+00:00", "2024-05-01T12:00:00Z"),
            ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
            ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),
        ] {
            assert_eq!(normalize_utc(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn rejects_the_rest() {
        for input in [
            "",
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-05-01T12:00:00+02:00",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:60Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01 12:00:00Z",
            "２０２４-05-01T12:00:00Z",
            "2024-05-01T12:00:00ZZ",
        ] {
            assert_eq!(normalize_utc(input), None, "{input}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_output_is_strict(s in "\\PC{0,40}") {
            if let Some(out) = normalize_utc(&s) {
                prop_assert_eq!(out.len(), 20);
                prop_assert!(out.ends_with('Z'));
                prop_assert_eq!(normalize_utc(&out), Some(out.clone()));
            }
        }
    }
}
