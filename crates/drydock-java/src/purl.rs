//! Percent-encoding for package URL components.

/// Percent-encodes everything except RFC 3986 unreserved characters and `:`,
/// which the purl specification leaves unencoded. `/` is encoded, so a hostile
/// group id cannot add namespace segments.
pub(crate) fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(hex_digit(byte >> 4));
            out.push(hex_digit(byte & 0x0f));
        }
    }
    out
}

fn hex_digit(nibble: u8) -> char {
    char::from(
        b"0123456789ABCDEF"
            .get(usize::from(nibble))
            .copied()
            .unwrap_or(b'0'),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(encode_component("org.apache_x-y~z"), "org.apache_x-y~z");
        assert_eq!(encode_component("1.0+build 2"), "1.0%2Bbuild%202");
        assert_eq!(encode_component("a/b@c?d#e"), "a%2Fb%40c%3Fd%23e");
        assert_eq!(encode_component("é"), "%C3%A9");
    }
}
