//! `META-INF/maven/<group>/<artifact>/pom.properties`, written by Maven when it
//! packages an artifact and copied along when artifacts are shaded.

use crate::text::{MAX_ATTRIBUTE_VALUE, clean_identifier};

/// Coordinates read from one pom.properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PomProperties {
    /// The entry path inside the archive.
    pub path: String,
    pub group_id: String,
    pub artifact_id: String,
    pub version: String,
}

/// The group and artifact encoded in a pom.properties path, if `name` is one.
pub(crate) fn pom_path_coordinates(name: &str) -> Option<(&str, &str)> {
    let mut parts = name.split('/');
    let meta_inf = parts.next()?;
    let maven = parts.next()?;
    let group = parts.next()?;
    let artifact = parts.next()?;
    let file = parts.next()?;
    if parts.next().is_some()
        || !meta_inf.eq_ignore_ascii_case("META-INF")
        || maven != "maven"
        || file != "pom.properties"
        || group.is_empty()
        || artifact.is_empty()
    {
        return None;
    }
    Some((group, artifact))
}

/// Reads coordinates from a pom.properties at `path`. The properties win over
/// the path; the path fills a missing group or artifact. Without a usable
/// version there is no package, since a guessed version would be worse than none.
pub(crate) fn parse_pom_properties(path: &str, bytes: &[u8]) -> Result<PomProperties, String> {
    let (path_group, path_artifact) =
        pom_path_coordinates(path).ok_or_else(|| "not a pom.properties path".to_string())?;
    let props = parse_properties(bytes, &["groupId", "artifactId", "version"]);
    let lookup = |key: &str| {
        props
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let group_id = lookup("groupId")
        .and_then(clean_identifier)
        .or_else(|| clean_identifier(path_group))
        .ok_or_else(|| "no usable groupId".to_string())?;
    let artifact_id = lookup("artifactId")
        .and_then(clean_identifier)
        .or_else(|| clean_identifier(path_artifact))
        .ok_or_else(|| "no usable artifactId".to_string())?;
    let version = lookup("version")
        .and_then(clean_identifier)
        .ok_or_else(|| "no usable version".to_string())?;
    Ok(PomProperties {
        path: path.to_string(),
        group_id,
        artifact_id,
        version,
    })
}

/// Parses Java `.properties` text (ISO-8859-1, as `Properties.load` reads a
/// byte stream) and keeps the values of `wanted` keys. Supports comments,
/// `=`/`:`/whitespace separators, backslash line continuations and escapes
/// including `\uXXXX`. Values longer than [`MAX_ATTRIBUTE_VALUE`] are dropped.
pub(crate) fn parse_properties(bytes: &[u8], wanted: &[&str]) -> Vec<(String, String)> {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut continuing = false;
    for line in crate::text::lines(&text) {
        let trimmed = line.trim_start_matches([' ', '\t', '\u{c}']);
        if !continuing {
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
                continue;
            }
            logical.clear();
        }
        let trailing = trimmed.chars().rev().take_while(|&c| c == '\\').count();
        continuing = trailing % 2 == 1;
        let body = if continuing {
            trimmed.get(..trimmed.len().saturating_sub(1)).unwrap_or("")
        } else {
            trimmed
        };
        if logical.len().saturating_add(body.len()) <= MAX_ATTRIBUTE_VALUE.saturating_mul(2) {
            logical.push_str(body);
        } else {
            // Too long to be an identity line; swallow the rest of it.
            logical.clear();
            logical.push('\u{0}');
        }
        if !continuing {
            take_pair(&logical, wanted, &mut out);
        }
    }
    if continuing {
        take_pair(&logical, wanted, &mut out);
    }
    out
}

fn take_pair(logical: &str, wanted: &[&str], out: &mut Vec<(String, String)>) {
    if logical.starts_with('\u{0}') {
        return;
    }
    let (key, value) = split_pair(logical);
    if wanted.contains(&key.as_str()) && value.len() <= MAX_ATTRIBUTE_VALUE {
        out.push((key, value));
    }
}

/// Splits a logical line into an unescaped key and value.
fn split_pair(line: &str) -> (String, String) {
    let mut chars = line.chars().peekable();
    let mut key = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => push_escape(&mut chars, &mut key),
            '=' | ':' => {
                skip_blank(&mut chars);
                return (key, unescape_rest(chars));
            }
            ' ' | '\t' | '\u{c}' => {
                skip_blank(&mut chars);
                if matches!(chars.peek(), Some('=' | ':')) {
                    chars.next();
                    skip_blank(&mut chars);
                }
                return (key, unescape_rest(chars));
            }
            other => key.push(other),
        }
    }
    (key, String::new())
}

fn skip_blank(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while matches!(chars.peek(), Some(' ' | '\t' | '\u{c}')) {
        chars.next();
    }
}

fn unescape_rest(mut chars: std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut value = String::new();
    while let Some(c) = chars.next() {
        if c == '\\' {
            push_escape(&mut chars, &mut value);
        } else {
            value.push(c);
        }
    }
    value
}

fn push_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) {
    match chars.next() {
        Some('t') => out.push('\t'),
        Some('n') => out.push('\n'),
        Some('r') => out.push('\r'),
        Some('f') => out.push('\u{c}'),
        Some('u') => {
            let mut code = 0u32;
            let mut digits = 0;
            while digits < 4 {
                match chars.peek().and_then(|c| c.to_digit(16)) {
                    Some(d) => {
                        code = code * 16 + d;
                        digits += 1;
                        chars.next();
                    }
                    None => break,
                }
            }
            // Java rejects malformed escapes; a replacement character keeps
            // the field visibly damaged so validation rejects identities with it.
            let decoded = if digits == 4 {
                char::from_u32(code)
            } else {
                None
            };
            out.push(decoded.unwrap_or('\u{fffd}'));
        }
        Some(other) => out.push(other),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_maven_generated_properties() {
        let p = parse_pom_properties(
            "META-INF/maven/log4j/log4j/pom.properties",
            b"#Generated by Maven\n#Sat May 26 02:10:59 BST 2012\nversion=1.2.17\ngroupId=log4j\nartifactId=log4j\n",
        )
        .unwrap();
        assert_eq!(
            (
                p.group_id.as_str(),
                p.artifact_id.as_str(),
                p.version.as_str()
            ),
            ("log4j", "log4j", "1.2.17")
        );
    }

    #[test]
    fn path_fills_missing_coordinates() {
        let p =
            parse_pom_properties("META-INF/maven/org.x/y/pom.properties", b"version: 2\n").unwrap();
        assert_eq!(
            (p.group_id.as_str(), p.artifact_id.as_str()),
            ("org.x", "y")
        );
        assert!(
            parse_pom_properties("META-INF/maven/org.x/y/pom.properties", b"groupId=a").is_err()
        );
    }

    #[test]
    fn property_syntax() {
        let props = parse_properties(
            b"  ! comment\n  version \\\n   1.\\\n  0\ngroupId\t:\torg.\\u0041\nartifactId b\\=c\n",
            &["groupId", "artifactId", "version"],
        );
        assert_eq!(
            props,
            vec![
                ("version".to_string(), "1.0".to_string()),
                ("groupId".to_string(), "org.A".to_string()),
                ("artifactId".to_string(), "b=c".to_string()),
            ]
        );
    }

    #[test]
    fn path_pattern() {
        assert_eq!(
            pom_path_coordinates("META-INF/maven/g/a/pom.properties"),
            Some(("g", "a"))
        );
        assert_eq!(
            pom_path_coordinates("META-INF/maven/g/pom.properties"),
            None
        );
        assert_eq!(
            pom_path_coordinates("META-INF/maven//a/pom.properties"),
            None
        );
        assert_eq!(
            pom_path_coordinates("x/META-INF/maven/g/a/pom.properties"),
            None
        );
    }

    #[test]
    fn unresolved_placeholders_are_rejected() {
        assert!(
            parse_pom_properties(
                "META-INF/maven/g/a/pom.properties",
                b"version=${project.version}\n"
            )
            .is_err()
        );
    }
}
