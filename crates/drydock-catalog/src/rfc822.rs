//! Paragraph-and-field files: dpkg status, Python METADATA, apk's database.

/// One `Key: value` field; continuation lines are joined with `\n`.
pub(crate) type Field<'a> = (&'a str, String);

/// Splits text into paragraphs of fields. Lines without a colon that are not
/// continuations are ignored rather than rejected: a damaged entry should
/// not hide the healthy ones around it.
pub(crate) fn paragraphs(text: &str) -> Vec<Vec<Field<'_>>> {
    let mut out = Vec::new();
    let mut cur: Vec<Field<'_>> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = cur.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            cur.push((k.trim(), v.trim().to_owned()));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// First value of `key` (case-insensitive) in a paragraph.
pub(crate) fn get<'p>(para: &'p [Field<'_>], key: &str) -> Option<&'p str> {
    para.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Header fields of an email-style document (stops at the first blank line).
pub(crate) fn headers(text: &str) -> Vec<Field<'_>> {
    let end = text.find("\n\n").unwrap_or(text.len());
    paragraphs(&text[..end])
        .into_iter()
        .next()
        .unwrap_or_default()
}
