//! Small byte helpers: entropy, base64 decoding, UTF-8 boundary snapping.

/// Shannon entropy in bits per byte.
pub(crate) fn entropy(data: &[u8]) -> f32 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[usize::from(b)] += 1;
    }
    let len = data.len() as f64;
    let mut h = 0.0f64;
    for &c in counts.iter() {
        if c > 0 {
            let p = f64::from(c) / len;
            h -= p * p.log2();
        }
    }
    h as f32
}

/// Whether `b` continues a UTF-8 sequence (so no character starts at it).
pub(crate) fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Shrink `start..end` so that both ends sit on character boundaries of `content`
/// (for non-UTF-8 content: not inside a would-be multi-byte sequence).
pub(crate) fn snap_to_boundaries(
    content: &[u8],
    mut start: usize,
    mut end: usize,
) -> (usize, usize) {
    let len = content.len();
    end = end.min(len);
    start = start.min(end);
    while start < end && content.get(start).is_some_and(|&b| is_continuation(b)) {
        start += 1;
    }
    while end > start && end < len && content.get(end).is_some_and(|&b| is_continuation(b)) {
        end -= 1;
    }
    (start, end)
}

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Lenient base64 decoding: standard and URL-safe alphabets, padding optional, `None` on any
/// other character. Output is bounded by the input size.
pub(crate) fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    let trimmed = {
        let mut end = input.len();
        while end > 0 && input.get(end - 1) == Some(&b'=') {
            end -= 1;
        }
        input.get(..end)?
    };
    let mut out = Vec::with_capacity(trimmed.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in trimmed {
        let v = b64_value(c)?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    // A single dangling sextet cannot encode a byte.
    if trimmed.len() % 4 == 1 {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_values() {
        assert_eq!(entropy(b""), 0.0);
        assert_eq!(entropy(b"aaaa"), 0.0);
        assert!((entropy(b"ab") - 1.0).abs() < 1e-6);
        assert!(entropy(b"Ghpe3KBjU8qcpmswgIOCdx3hMZsnl0c+YDckrj6Z") > 4.5);
    }

    #[test]
    fn base64_roundtrips() {
        assert_eq!(
            base64_decode(b"Y2ktYm90OmZXUVo3MjJDYlR0Z3R5WmVJMQ==").as_deref(),
            Some(&b"ci-bot:fWQZ722CbTtgtyZeI1"[..])
        );
        assert_eq!(
            base64_decode(b"eyJhbGciOiJIUzI1NiJ9").as_deref(),
            Some(&br#"{"alg":"HS256"}"#[..])
        );
        assert_eq!(base64_decode(b"a"), None);
        assert_eq!(base64_decode(b"a*b"), None);
        assert_eq!(base64_decode(b"").as_deref(), Some(&b""[..]));
    }

    #[test]
    fn snapping() {
        let s = "aé b".as_bytes();
        assert_eq!(snap_to_boundaries(s, 2, 4), (3, 4));
        assert_eq!(snap_to_boundaries(s, 0, 2), (0, 1));
        assert_eq!(snap_to_boundaries(s, 9, 20), (5, 5));
    }
}
