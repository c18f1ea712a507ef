//! Versions stamped with `-ldflags -X pkg.Version=…`.
//!
//! Binaries built in GOPATH mode (distribution packages often are) carry no
//! module version in their build info. The linker writes `-X` string values
//! into the same read-only string area as `runtime.buildVersion`, one after
//! another and NUL-padded, so the strings right after the toolchain version
//! are the stamped values. Only that neighbourhood is looked at, and only a
//! semver-shaped value is accepted, so arbitrary strings elsewhere in the
//! binary can never be mistaken for a version.

/// How far after the toolchain string stamped values are looked for.
const WINDOW: usize = 96;
/// Occurrences of the toolchain string examined at most.
const MAX_HITS: usize = 64;

/// The first semver-shaped `-X` value stamped next to `go_version`
/// (e.g. `2.8.2+ds1` after `go1.19.8`), if any.
pub fn go_stamped_version(bytes: &[u8], go_version: &str) -> Option<String> {
    let needle = go_version.split_whitespace().next()?.as_bytes();
    if needle.is_empty() {
        return None;
    }
    for at in memchr::memmem::find_iter(bytes, needle).take(MAX_HITS) {
        // A linker string stands alone: NUL before and after.
        if at == 0 || bytes.get(at - 1) != Some(&0) {
            continue;
        }
        let end = at + needle.len();
        if bytes.get(end) != Some(&0) {
            continue;
        }
        let window = &bytes[end..bytes.len().min(end + WINDOW)];
        for s in window.split(|&b| b == 0).filter(|s| !s.is_empty()).take(2) {
            if let Ok(s) = std::str::from_utf8(s)
                && is_semver_like(s)
            {
                return Some(s.to_owned());
            }
        }
    }
    None
}

fn is_semver_like(s: &str) -> bool {
    if s.len() > 64 {
        return false;
    }
    let core_end = s.find(['-', '+']).unwrap_or(s.len());
    let (core, rest) = s.split_at(core_end);
    let core = core.strip_prefix('v').unwrap_or(core);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 9 && p.bytes().all(|b| b.is_ascii_digit()))
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_stamped_version() {
        let mut b = vec![0xffu8; 40];
        b.extend_from_slice(b"\x02\x00\x00\x00\x00\x00\x00\x00go1.19.8\x00\x00\x00\x00\x00\x00\x00\x002.8.2+ds1\x00\x00\x0f\x0e");
        assert_eq!(
            go_stamped_version(&b, "go1.19.8").as_deref(),
            Some("2.8.2+ds1")
        );
    }

    #[test]
    fn ignores_non_versions_and_embedded_mentions() {
        assert_eq!(
            go_stamped_version(b"\x00go1.21.0\x00\x00hello\x00", "go1.21.0"),
            None
        );
        // Not NUL-delimited: part of a longer text.
        assert_eq!(
            go_stamped_version(b"built with go1.21.0 1.2.3\x00", "go1.21.0"),
            None
        );
        assert_eq!(
            go_stamped_version(b"\x00go1.21.0\x00v1.2\x00", "go1.21.0"),
            None
        );
        assert_eq!(
            go_stamped_version(b"\x00go1.21.0\x00v1.2.3-rc.1\x00", "go1.21.0").as_deref(),
            Some("v1.2.3-rc.1")
        );
        assert_eq!(go_stamped_version(b"", ""), None);
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..512), v in "go1\\.[0-9]{1,2}") {
            let _ = go_stamped_version(&b, &v);
        }
    }
}
