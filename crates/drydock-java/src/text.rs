//! Small text helpers shared by the manifest and properties parsers.

/// Longest attribute or property value kept while parsing. Identity values
/// are far shorter; the bound only stops hostile input from making us hold
/// megabytes per key.
pub(crate) const MAX_ATTRIBUTE_VALUE: usize = 64 * 1024;

/// Longest group, artifact or version accepted as an identity field.
pub(crate) const MAX_FIELD: usize = 256;

/// Splits on CR LF, LF or lone CR, without yielding a final empty line.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        match rest.find(['\r', '\n']) {
            Some(at) => {
                let line = rest.get(..at).unwrap_or("");
                let after = rest.get(at..).unwrap_or("");
                rest = after
                    .strip_prefix("\r\n")
                    .or_else(|| after.strip_prefix('\r'))
                    .or_else(|| after.strip_prefix('\n'))
                    .unwrap_or("");
                Some(line)
            }
            None => {
                let line = rest;
                rest = "";
                Some(line)
            }
        }
    })
}

/// Accepts a value as an identity field (group, artifact or version): trimmed,
/// non-empty, at most [`MAX_FIELD`] bytes, free of control characters and of
/// unresolved `${...}` build properties.
pub(crate) fn clean_field(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty()
        || value.len() > MAX_FIELD
        || value.chars().any(char::is_control)
        || value.contains("${")
    {
        return None;
    }
    Some(value.to_string())
}

/// Like [`clean_field`] but also rejects whitespace, for values that must be
/// identifiers (group ids, versions).
pub(crate) fn clean_identifier(value: &str) -> Option<String> {
    clean_field(value).filter(|v| !v.chars().any(char::is_whitespace))
}

/// Replaces control characters so locations and warnings built from entry
/// names cannot smuggle terminal escapes or line breaks into reports.
pub(crate) fn sanitize(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_all_line_endings() {
        let got: Vec<&str> = lines("a\r\nb\nc\rd").collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        let got: Vec<&str> = lines("a\n\nb\n").collect();
        assert_eq!(got, ["a", "", "b"]);
        assert_eq!(lines("").count(), 0);
    }

    #[test]
    fn fields_are_validated() {
        assert_eq!(clean_field("  1.0 "), Some("1.0".into()));
        assert_eq!(clean_field(""), None);
        assert_eq!(clean_field("${project.version}"), None);
        assert_eq!(clean_field("a\u{7}b"), None);
        assert_eq!(clean_field(&"x".repeat(MAX_FIELD + 1)), None);
        assert_eq!(clean_identifier("Apache Commons"), None);
        assert_eq!(sanitize("a\nb\u{1b}"), "a\u{fffd}b\u{fffd}");
    }
}
