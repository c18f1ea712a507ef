//! The global filter for values that are documentation examples, placeholders or references to
//! a secret kept elsewhere (`${VAR}`, `{{ .Values.x }}`, `os.environ[...]`), rather than a secret.

use regex::bytes::{Regex, RegexBuilder};
use std::sync::OnceLock;

/// Substrings (lowercase) that mark a value as an example or placeholder. Chosen so that a
/// random token of the lengths we detect essentially never contains one by chance.
const MARKERS: &[&str] = &[
    "example",
    "xxxx",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "placeholder",
    "your_",
    "your-",
    "yourpass",
    "yoursecret",
    "yourtoken",
    "yourkey",
    "youraccess",
    "yourapi",
    "<your",
    "unique phrase",
    "put your",
    "_here",
    "-here",
    "dummy",
    "redacted",
    "replace_me",
    "replaceme",
    "replace-me",
    "insert_",
    "insert-",
    "fixme",
    "foobar",
    "lorem",
    "abcdefgh",
    "12345678",
    "process.env",
    "os.environ",
    "getenv",
    "environ[",
    "environ.get",
    "env(",
    "env.fetch",
    "secretkeyref",
    "valuefrom",
];

/// Whole values (lowercase) that are defaults or words, not secrets.
const STOPWORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "secrets",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "changeme",
    "changeit",
    "example",
    "test",
    "testing",
    "test123",
    "dummy",
    "null",
    "nil",
    "none",
    "true",
    "false",
    "yes",
    "no",
    "undefined",
    "empty",
    "admin",
    "administrator",
    "root",
    "toor",
    "default",
    "foobar",
    "foo",
    "bar",
    "qwerty",
    "letmein",
    "123456",
    "1234567",
    "12345678",
    "123456789",
    "1234567890",
    "postgres",
    "mysql",
    "guest",
    "user",
    "username",
    "secretkey",
    "secret_key",
    "secret-key",
    "mysecret",
    "mypassword",
    "supersecret",
    "s3cr3t",
    "hunter2",
    "p@ssw0rd",
    "p@ssword",
    "passw0rd",
    "required",
    "optional",
    "string",
    "value",
    "xxx",
    "***",
    "redacted",
    "hidden",
    "masked",
    "unset",
    "notset",
    "not-set",
    "not_set",
    "todo",
    "tbd",
];

/// Characters whose long runs mark a masked or filler value.
const FILLER: &[u8] = b"*#.0-_x";

/// Template and interpolation references anywhere in a value (`postgres://u:${PW}@h`,
/// `{{ .Values.x }}`, `#{secret}`, `%(pw)s`, `$(cat f)`, `<%= x %>`). Required to be well formed
/// so that random punctuation in a real secret (`#{2r_`) does not look like one.
fn has_template_reference(v: &[u8]) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        RegexBuilder::new(concat!(
            r"\$\{[A-Za-z_][A-Za-z0-9_.:-]*(?:[:?=-][^}]*)?\}",
            r"|\{\{[^{}]*\}\}",
            r"|#\{[A-Za-z_@][A-Za-z0-9_.@]*\}",
            r"|%\([A-Za-z_][A-Za-z0-9_]*\)[sdr]",
            r"|\$\([A-Za-z_][^)]*\)",
            r"|<%.*%>"
        ))
        .unicode(false)
        .build()
        .ok()
    })
    .as_ref()
    .is_some_and(|re| re.is_match(v))
}

/// Whether `value` is a placeholder, example or reference rather than a secret.
pub(crate) fn is_placeholder(value: &[u8]) -> bool {
    let v = trim_quotes(value);
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if let Ok(s) = std::str::from_utf8(&lower)
        && STOPWORDS.contains(&s)
    {
        return true;
    }
    if MARKERS.iter().any(|m| contains(&lower, m.as_bytes())) {
        return true;
    }
    if is_reference(v) || has_template_reference(v) {
        return true;
    }
    if has_filler_run(&lower) || contains(v, "•".as_bytes()) {
        return true;
    }
    // One or two distinct characters ("aaaaaaaa", "abababab") are never real secrets.
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in v {
        if !seen[usize::from(b)] {
            seen[usize::from(b)] = true;
            distinct += 1;
        }
    }
    v.len() >= 3 && distinct <= 2
}

fn trim_quotes(v: &[u8]) -> &[u8] {
    let mut v = v;
    while let [first, rest @ ..] = v {
        if matches!(first, b'"' | b'\'' | b'`' | b' ' | b'\t') {
            v = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = v {
        if matches!(last, b'"' | b'\'' | b'`' | b' ' | b'\t') {
            v = rest;
        } else {
            break;
        }
    }
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(hay, needle).is_some()
}

fn has_filler_run(lower: &[u8]) -> bool {
    let mut run = 0usize;
    let mut prev = 0u8;
    for &b in lower {
        if b == prev && FILLER.contains(&b) {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 1;
            prev = b;
        }
    }
    false
}

/// Whole-value references to a secret held elsewhere: `$VAR`, `${VAR}`, `$(cmd)`, `%VAR%`,
/// `<value>`, `[value]`, `@VAR@`, `__VAR__`, `{VAR}`, `ENC(...)`.
fn is_reference(v: &[u8]) -> bool {
    let is_ident = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    };
    match v {
        [b'$', rest @ ..] => matches!(rest.first(), Some(b'{' | b'(')) || is_ident(rest),
        [b'%', inner @ .., b'%'] => is_ident(inner),
        [b'<', .., b'>'] | [b'[', .., b']'] | [b'{', .., b'}'] => true,
        [b'@', inner @ .., b'@'] => is_ident(inner),
        [b'_', b'_', inner @ .., b'_', b'_'] => is_ident(inner),
        _ => {
            let upper = v.to_ascii_uppercase();
            upper.starts_with(b"ENC(")
                || upper.starts_with(b"VAULT:")
                || upper.starts_with(b"ARN:AWS:")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_examples_and_placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "sk_live_xxxxxxxxxxxxxxxx",
            "changeme",
            "\"changeme\"",
            "password",
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "$(cat /run/secrets/x)",
            "{{ .Values.password }}",
            "<your-token>",
            "<your-password-here>",
            "%DB_PASS%",
            "your_api_key_here",
            "********",
            "aaaaaaaaaaaa",
            "ENC(abcdef)",
            "os.environ['X']",
            "postgres://u:${DB_PASSWORD}@db/x",
            "pre{{ .Values.x }}post",
            "#{secret_key}",
            "%(password)s",
            "<%= ENV['X'] %>",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn real_looking_secrets_pass() {
        for s in [
            "^)d)sX1@jQ(36-#py#{2r_+(fw=[WZN0vvpc/Cp#Ne%#unrH2wc9V,I_6d=cCv6u",
            "Zq${9}x{{y#{1z%(2)s",
            "AKIAYVOKYSRYAPB4JJUK",
            "Ghpe3KBjU8qcpmswgIOCdx3hMZsnl0c+YDckrj6Z",
            "sk_live_6lAUY9ecGQMSwnRz7759tsjq",
            "Pr0d-0ydN0T0TIbWWOm",
            "05ux@l1bok$6zjb^@7ybor$b9)7_py_lc7u@6(l5e!8_cmxlr5",
            "ghp_HAM2g98poBxUDRUAYCf9QrIn7Rpry5TuZ7Ny",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}
