//! Artifact and version guessed from an archive's file name, the weakest evidence.

/// Archive extensions recognised as Java archives, compared case-insensitively.
pub(crate) const JAVA_ARCHIVE_EXTENSIONS: &[&str] = &[
    "jar", "war", "ear", "jpi", "hpi", "par", "sar", "kar", "nar", "rar",
];

/// Trailing classifiers that describe a build variant rather than a version.
/// Stripping them keeps versions comparable (`4.1.86.Final`, not
/// `4.1.86.Final-linux-x86_64`). Qualifiers that Maven treats as part of the
/// version (`jre`, `android`, `Final`, `SNAPSHOT`) are deliberately absent.
const CLASSIFIERS: &[&str] = &[
    "sources",
    "javadoc",
    "tests",
    "test-sources",
    "all",
    "shaded",
    "uber",
    "jar-with-dependencies",
    "exec",
    "nodeps",
    "no_aop",
];

/// Operating-system words that start a platform classifier such as
/// `linux-x86_64` or `natives-windows`.
const PLATFORM_WORDS: &[&str] = &["linux", "osx", "macos", "windows", "freebsd"];

/// What a file name says about the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileNameInfo {
    pub artifact: String,
    pub version: Option<String>,
}

/// The last path component of a location such as `a/b.war!/WEB-INF/lib/c.jar`.
pub(crate) fn base_name(location: &str) -> &str {
    let last = location.rsplit("!/").next().unwrap_or(location);
    last.rsplit('/').next().unwrap_or(last)
}

/// Whether `name` ends in a Java archive extension after a non-empty stem.
pub(crate) fn has_java_extension(name: &str) -> bool {
    let base = base_name(name);
    match base.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && JAVA_ARCHIVE_EXTENSIONS
                    .iter()
                    .any(|known| ext.eq_ignore_ascii_case(known))
        }
        None => false,
    }
}

/// Splits `commons-lang3-3.12.0.jar` into `commons-lang3` and `3.12.0`.
///
/// The version starts at a `-`-separated segment beginning with a digit. When
/// several segments qualify the choice is heuristic:
/// - a dotted segment that is followed, after a word, by another dotted
///   segment belongs to the name (`log4j-1.2-api-2.17.1`);
/// - of two adjacent dotted segments the first belongs to the name
///   (`log4j-1.2-1.2.17`), unless the second is a snapshot timestamp
///   (`foo-1.0-20220101.123456-1`).
pub(crate) fn parse_file_name(name: &str) -> Option<FileNameInfo> {
    let base = base_name(name);
    let stem = match base.rsplit_once('.') {
        Some((stem, ext))
            if JAVA_ARCHIVE_EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known)) =>
        {
            stem
        }
        _ => base,
    };
    if stem.is_empty() {
        return None;
    }
    let segments: Vec<&str> = stem.split('-').collect();
    let start = version_start(&segments);
    let Some(start) = start else {
        return Some(FileNameInfo {
            artifact: stem.to_string(),
            version: None,
        });
    };
    let artifact = segments.get(..start)?.join("-");
    let mut version_segments = segments.get(start..)?.to_vec();
    strip_classifier(&mut version_segments);
    let version = version_segments.join("-");
    if artifact.is_empty() || version.is_empty() {
        return None;
    }
    Some(FileNameInfo {
        artifact,
        version: Some(version),
    })
}

fn starts_with_digit(segment: &str) -> bool {
    segment.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

fn dotted(segment: &str) -> bool {
    starts_with_digit(segment) && segment.contains('.')
}

/// `20220101.123456`, the timestamp part of a Maven unique snapshot version.
fn is_snapshot_timestamp(segment: &str) -> bool {
    match segment.split_once('.') {
        Some((date, time)) => {
            date.len() == 8
                && time.len() == 6
                && date.bytes().all(|b| b.is_ascii_digit())
                && time.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

fn version_start(segments: &[&str]) -> Option<usize> {
    'candidates: for (i, segment) in segments.iter().enumerate().skip(1) {
        if !starts_with_digit(segment) {
            continue;
        }
        let rest = segments.get(i + 1..).unwrap_or(&[]);
        let mut seen_word = false;
        for later in rest {
            if !starts_with_digit(later) {
                seen_word = true;
            } else if seen_word && dotted(later) {
                continue 'candidates;
            }
        }
        if let Some(next) = rest.first()
            && dotted(segment)
            && dotted(next)
            && !is_snapshot_timestamp(next)
        {
            continue;
        }
        return Some(i);
    }
    None
}

fn strip_classifier(segments: &mut Vec<&str>) {
    // Keep at least the first version segment whatever happens.
    let joined_tail = |from: usize, segs: &[&str]| segs.get(from..).map(|s| s.join("-"));
    for from in 1..segments.len() {
        let Some(tail) = joined_tail(from, segments) else {
            break;
        };
        let lower = tail.to_ascii_lowercase();
        if CLASSIFIERS.contains(&lower.as_str()) || is_platform_classifier(&lower) {
            segments.truncate(from);
            return;
        }
    }
}

fn is_platform_classifier(tail: &str) -> bool {
    let tail = tail.strip_prefix("natives-").unwrap_or(tail);
    let mut parts = tail.split('-');
    let Some(os) = parts.next() else {
        return false;
    };
    PLATFORM_WORDS.contains(&os)
        && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(name: &str) -> (String, Option<String>) {
        let info = parse_file_name(name).expect("parsable");
        (info.artifact, info.version)
    }

    #[test]
    fn splits_common_names() {
        let cases = [
            ("commons-lang3-3.12.0.jar", "commons-lang3", Some("3.12.0")),
            ("log4j-1.2-1.2.17.jar", "log4j-1.2", Some("1.2.17")),
            ("log4j-1.2-api-2.17.1.jar", "log4j-1.2-api", Some("2.17.1")),
            (
                "spring-core-5.3.4-SNAPSHOT.jar",
                "spring-core",
                Some("5.3.4-SNAPSHOT"),
            ),
            (
                "foo-1.0-20220101.123456-1.jar",
                "foo",
                Some("1.0-20220101.123456-1"),
            ),
            ("foo-3.0-alpha-1.jar", "foo", Some("3.0-alpha-1")),
            ("guava-31.1-jre.jar", "guava", Some("31.1-jre")),
            ("bcprov-jdk15on-1.70.jar", "bcprov-jdk15on", Some("1.70")),
            ("javax.inject-1.jar", "javax.inject", Some("1")),
            (
                "jackson-module-scala_2.13-2.13.0.jar",
                "jackson-module-scala_2.13",
                Some("2.13.0"),
            ),
            (
                "netty-transport-native-epoll-4.1.86.Final-linux-x86_64.jar",
                "netty-transport-native-epoll",
                Some("4.1.86.Final"),
            ),
            ("lwjgl-3.3.1-natives-linux.jar", "lwjgl", Some("3.3.1")),
            ("foo-1.0-sources.jar", "foo", Some("1.0")),
            ("app-2.0.WAR", "app", Some("2.0")),
            ("log4j.jar", "log4j", None),
            ("lib/x/ROOT.war", "ROOT", None),
            ("a.ear!/lib/web-1.0.war", "web", Some("1.0")),
        ];
        for (name, artifact, version) in cases {
            assert_eq!(
                split(name),
                (artifact.to_string(), version.map(str::to_string)),
                "{name}"
            );
        }
    }

    #[test]
    fn rejects_empty_stems() {
        assert_eq!(parse_file_name(".jar"), None);
        assert_eq!(parse_file_name(""), None);
    }

    #[test]
    fn extension_detection() {
        assert!(has_java_extension("a/b/c.JAR"));
        assert!(has_java_extension("x.war!/WEB-INF/lib/y.jar"));
        assert!(has_java_extension("plugin.hpi"));
        assert!(!has_java_extension(".jar"));
        assert!(!has_java_extension("foo.jar/"));
        assert!(!has_java_extension("foo.zip"));
        assert!(!has_java_extension("jar"));
    }
}
