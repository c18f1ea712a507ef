//! `META-INF/MANIFEST.MF`: just enough of the JAR manifest format to read the
//! identity attributes of the main section.

use crate::text::MAX_ATTRIBUTE_VALUE;

/// Attributes this crate looks at; everything else is dropped while parsing so
/// memory stays proportional to what is used, not to the manifest size.
const INTERESTING: &[&str] = &[
    "implementation-title",
    "implementation-version",
    "implementation-vendor-id",
    "specification-title",
    "specification-version",
    "bundle-symbolicname",
    "bundle-version",
    "bundle-license",
    "automatic-module-name",
];

/// The attributes of one manifest section, keyed by lower-cased name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    attributes: Vec<(String, String)>,
}

impl Section {
    /// The trimmed value of attribute `name` (lower case), if present and non-empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    }

    fn set(&mut self, name: String, value: String) {
        self.attributes.push((name, value));
    }

    fn is_empty(&self) -> bool {
        self.attributes.is_empty()
    }
}

/// The main section plus the first per-entry section naming an implementation.
///
/// Some builds (Debian's ant build of log4j 1.2, for one) put
/// `Implementation-Title` only in a per-package section, so that section is
/// kept as a lower-priority source.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Manifest {
    pub main: Section,
    pub entry: Section,
}

/// One attribute being assembled from a header line and its continuations.
struct Pending {
    name: String,
    value: String,
    /// Set once the value outgrew [`MAX_ATTRIBUTE_VALUE`]; such values are
    /// dropped rather than truncated, since a truncated identity is a wrong one.
    overlong: bool,
    keep: bool,
}

/// Parses a manifest leniently. Lines end in CR LF, LF or CR; a line starting
/// with one space continues the previous value; a blank line ends a section.
/// Work is linear in the input and values longer than
/// [`MAX_ATTRIBUTE_VALUE`] are discarded.
pub(crate) fn parse_manifest(bytes: &[u8]) -> Manifest {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut manifest = Manifest::default();
    let mut current = Section::default();
    let mut in_main = true;
    let mut pending: Option<Pending> = None;
    let mut entry_found = false;

    for line in crate::text::lines(text) {
        if line.is_empty() {
            flush(&mut pending, &mut current);
            if !current.is_empty() || in_main {
                finish_section(&mut manifest, &mut current, &mut in_main, &mut entry_found);
            }
            continue;
        }
        if let Some(continuation) = line.strip_prefix(' ') {
            if let Some(p) = pending.as_mut()
                && p.keep
                && !p.overlong
            {
                if p.value.len().saturating_add(continuation.len()) > MAX_ATTRIBUTE_VALUE {
                    p.overlong = true;
                    p.value = String::new();
                } else {
                    p.value.push_str(continuation);
                }
            }
            continue;
        }
        flush(&mut pending, &mut current);
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name.trim(), value.strip_prefix(' ').unwrap_or(value)),
            None => continue,
        };
        let name = name.to_ascii_lowercase();
        let keep = INTERESTING.contains(&name.as_str());
        let overlong = value.len() > MAX_ATTRIBUTE_VALUE;
        pending = Some(Pending {
            value: if keep && !overlong {
                value.to_string()
            } else {
                String::new()
            },
            name,
            overlong,
            keep,
        });
    }
    flush(&mut pending, &mut current);
    finish_section(&mut manifest, &mut current, &mut in_main, &mut entry_found);
    manifest
}

fn flush(pending: &mut Option<Pending>, section: &mut Section) {
    if let Some(p) = pending.take()
        && p.keep
        && !p.overlong
    {
        section.set(p.name, p.value);
    }
}

fn finish_section(
    manifest: &mut Manifest,
    current: &mut Section,
    in_main: &mut bool,
    entry_found: &mut bool,
) {
    let section = std::mem::take(current);
    if *in_main {
        manifest.main = section;
        *in_main = false;
    } else if !*entry_found
        && (section.get("implementation-title").is_some()
            || section.get("implementation-version").is_some())
    {
        manifest.entry = section;
        *entry_found = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_main_section_with_continuations() {
        let m = parse_manifest(
            b"Manifest-Version: 1.0\r\nBundle-SymbolicName: com.example.very-long-na\r\n me;singleton:=true\r\nBundle-Version: 1.2\r\n\r\nName: x/\r\nImplementation-Title: inner\r\n\r\n",
        );
        assert_eq!(
            m.main.get("bundle-symbolicname"),
            Some("com.example.very-long-name;singleton:=true")
        );
        assert_eq!(m.main.get("bundle-version"), Some("1.2"));
        assert_eq!(m.main.get("implementation-title"), None);
        assert_eq!(m.entry.get("implementation-title"), Some("inner"));
    }

    #[test]
    fn names_are_case_insensitive_and_lone_cr_ends_lines() {
        let m = parse_manifest(b"implementation-TITLE: a\rIMPLEMENTATION-version:2\r");
        assert_eq!(m.main.get("implementation-title"), Some("a"));
        assert_eq!(m.main.get("implementation-version"), Some("2"));
    }

    #[test]
    fn leading_blank_line_ends_the_main_section() {
        // A blank first line ends an empty main section, as Java does.
        let m = parse_manifest(b"\nImplementation-Title: a\n");
        assert_eq!(m.main.get("implementation-title"), None);
    }

    #[test]
    fn overlong_values_are_dropped() {
        let mut text = b"Implementation-Title: x\n".to_vec();
        // Each continuation adds nine bytes once its leading space is removed.
        for _ in 0..(MAX_ATTRIBUTE_VALUE / 9 + 1) {
            text.extend_from_slice(b" 123456789\n");
        }
        text.extend_from_slice(b"Implementation-Version: 1\n");
        let m = parse_manifest(&text);
        assert!(m.main.get("implementation-title").is_none());
        assert_eq!(m.main.get("implementation-version"), Some("1"));
    }
}
