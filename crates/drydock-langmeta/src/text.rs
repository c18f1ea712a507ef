//! Small string checks shared by the parsers.

/// Longest entry label kept in a [`crate::Problem`], so that a hostile
/// multi-megabyte key does not get copied into every report line.
const MAX_LABEL: usize = 128;

/// What a package name or version may not contain.
///
/// Whitespace and control characters never occur in these ecosystems' names
/// or versions; `@` and (in names) `/` are rejected because the `packageurl`
/// crate does not percent-encode them, and a purl holding one would parse back
/// into different components.
pub(crate) fn check_token(value: &str, what: &str, allow_slash: bool) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if let Some(c) = value
        .chars()
        .find(|&c| c.is_control() || c.is_whitespace() || c == '@' || (!allow_slash && c == '/'))
    {
        return Err(format!("{what} contains {}", describe_char(c)));
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("the character U+{:04X}", u32::from(c))
    } else {
        format!("`{c}`")
    }
}

/// A bounded copy of `value` for use as [`crate::Problem::entry`].
pub(crate) fn label(value: &str) -> String {
    if value.len() <= MAX_LABEL {
        return value.to_owned();
    }
    let mut end = MAX_LABEL;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = value.get(..end).unwrap_or_default().to_owned();
    out.push('…');
    out
}

/// Drops a UTF-8 byte-order mark, which some Windows tooling writes and JSON
/// parsers reject.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The last component of a `/`-separated path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        assert!(check_token("rack", "name", false).is_ok());
        assert!(check_token("1.0.0-beta+sha.1", "version", true).is_ok());
        assert!(check_token("", "name", false).is_err());
        assert!(check_token("a b", "name", false).is_err());
        assert!(check_token("a/b", "name", false).is_err());
        assert!(check_token("a/b", "name", true).is_ok());
        assert!(check_token("a@b", "name", true).is_err());
        assert!(check_token("a\u{0}", "name", true).is_err());
    }

    #[test]
    fn labels_are_bounded_on_char_boundaries() {
        let long = "é".repeat(200);
        let l = label(&long);
        assert!(l.len() <= MAX_LABEL + '…'.len_utf8());
        assert!(l.ends_with('…'));
        assert_eq!(label("short"), "short");
    }

    #[test]
    fn file_names() {
        assert_eq!(file_name("a/b/c.gemspec"), "c.gemspec");
        assert_eq!(file_name("c.gemspec"), "c.gemspec");
        assert_eq!(file_name("a/"), "");
    }
}
