/// Why an entry path was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    /// `..` components climb above the image root.
    #[error("path `{0}` escapes the image root")]
    Escapes(String),
    /// Not valid UTF-8; drydock keeps paths as strings.
    #[error("path is not valid UTF-8: {0}")]
    NotUtf8(String),
    /// Longer than the limit.
    #[error("path of {0} bytes exceeds the limit")]
    TooLong(usize),
    /// A NUL byte inside the name.
    #[error("path `{0}` contains a NUL byte")]
    Nul(String),
}

/// Normalises a tar member name into a relative path without `.`, `..`,
/// empty components or a leading `/`.
///
/// Returns the path (empty for the root itself) and whether it was absolute.
/// `..` is resolved lexically and refused when it would climb above the root,
/// which is what container runtimes do before extracting.
pub fn normalize_path(raw: &[u8], max_len: usize) -> Result<(String, bool), NormalizeError> {
    if raw.len() > max_len {
        return Err(NormalizeError::TooLong(raw.len()));
    }
    let s = match std::str::from_utf8(raw) {
        Ok(s) => s,
        Err(_) => {
            return Err(NormalizeError::NotUtf8(
                String::from_utf8_lossy(raw).into_owned(),
            ));
        }
    };
    if s.contains('\0') {
        return Err(NormalizeError::Nul(s.replace('\0', "\\0")));
    }
    let absolute = s.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for comp in s.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(NormalizeError::Escapes(s.to_owned()));
                }
            }
            c => parts.push(c),
        }
    }
    Ok((parts.join("/"), absolute))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cases() {
        let n = |s: &str| normalize_path(s.as_bytes(), 4096);
        assert_eq!(n("./etc/passwd").unwrap(), ("etc/passwd".into(), false));
        assert_eq!(n("/etc//x/").unwrap(), ("etc/x".into(), true));
        assert_eq!(n("a/b/../c").unwrap(), ("a/c".into(), false));
        assert_eq!(n("./").unwrap(), ("".into(), false));
        assert!(matches!(
            n("../etc/passwd"),
            Err(NormalizeError::Escapes(_))
        ));
        assert!(matches!(n("a/../../x"), Err(NormalizeError::Escapes(_))));
        assert!(matches!(
            normalize_path(b"a\xffb", 10),
            Err(NormalizeError::NotUtf8(_))
        ));
        assert!(matches!(
            normalize_path(&[b'a'; 20], 10),
            Err(NormalizeError::TooLong(20))
        ));
    }

    proptest! {
        #[test]
        fn never_escapes(raw in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok((p, _)) = normalize_path(&raw, 4096) {
                prop_assert!(!p.starts_with('/'));
                prop_assert!(p.split('/').all(|c| c != ".." && c != "." ));
                prop_assert!(!p.contains("//"));
            }
        }
    }
}
