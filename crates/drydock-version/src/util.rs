//! Small helpers shared by several schemes.

use std::cmp::Ordering;

/// `s` without its leading ASCII `'0'` bytes.
pub(crate) fn strip_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b'0').unwrap_or(s.len());
    s.get(start..).unwrap_or_default()
}

/// Numeric comparison of two ASCII digit strings of any length.
///
/// Parsing into an integer would overflow on the 20+ digit runs that real
/// version strings contain (dates with times, hashes read as numbers), so the
/// comparison works on the text: without leading zeros, the longer run is the
/// larger number and equal lengths compare byte by byte.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let (a, b) = (strip_zeros(a), strip_zeros(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Whether `s` is one or more ASCII digits.
pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_compare_numerically_without_overflow() {
        assert_eq!(cmp_digits(b"10", b"9"), Ordering::Greater);
        assert_eq!(cmp_digits(b"007", b"7"), Ordering::Equal);
        assert_eq!(cmp_digits(b"000", b""), Ordering::Equal);
        assert_eq!(
            cmp_digits(b"99999999999999999999999", b"100000000000000000000000"),
            Ordering::Less
        );
        assert_eq!(strip_zeros(b"000"), b"");
        assert!(all_digits("0123"));
        assert!(!all_digits(""));
        assert!(!all_digits("1a"));
    }
}
