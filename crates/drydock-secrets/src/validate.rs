//! Rule-specific checks that a regex cannot express well: decoding (docker auth, JWT),
//! heuristics on the assignment's key name and value (generic rules, env assignments).

use crate::placeholder::is_placeholder;
use crate::rule::Validator;
use crate::util::base64_decode;
use regex::bytes::Captures;

/// What a validator sees of one regex match.
pub(crate) struct VCtx<'a> {
    pub content: &'a [u8],
    pub caps: &'a Captures<'a>,
    /// Absolute offset of the window the captures are relative to.
    pub window_start: usize,
    /// Index of the capture group holding the secret.
    pub group: usize,
    pub secret: &'a [u8],
    pub is_code: bool,
}

impl VCtx<'_> {
    fn cap(&self, i: usize) -> &[u8] {
        self.caps.get(i).map_or(&[][..], |m| m.as_bytes())
    }

    /// Identifier characters right before the match (e.g. `db_` before `password`), lowercase.
    fn key_prefix(&self) -> Vec<u8> {
        let start = self.window_start + self.caps.get(0).map_or(0, |m| m.start());
        let mut i = start.min(self.content.len());
        let lo = start.saturating_sub(32);
        while i > lo
            && self
                .content
                .get(i - 1)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            i -= 1;
        }
        self.content
            .get(i..start)
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

pub(crate) fn check(v: Validator, ctx: &VCtx<'_>) -> bool {
    match v {
        Validator::None => true,
        Validator::Jwt => jwt(ctx.secret),
        Validator::RegistryAuth => registry_auth(ctx),
        Validator::PemBody => pem_body(ctx.secret),
        Validator::GenericPassword => generic_password(ctx),
        Validator::GenericSecret => generic_secret(ctx),
        Validator::EnvAssignment => env_assignment(ctx),
        Validator::UrlCredentials => url_credentials(ctx),
        Validator::LetterAndDigit => has_letter(ctx.secret) && has_digit(ctx.secret),
    }
}

fn has_letter(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_alphabetic)
}

fn has_digit(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_digit)
}

fn starts_with_any(s: &[u8], list: &[&str]) -> bool {
    list.iter().any(|p| s.starts_with(p.as_bytes()))
}

fn ends_with_any(s: &[u8], list: &[&str]) -> bool {
    list.iter().any(|p| s.ends_with(p.as_bytes()))
}

fn trim_separators(s: &[u8]) -> &[u8] {
    let mut s = s;
    while let [first, rest @ ..] = s {
        if matches!(first, b'_' | b'.' | b'-') {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if matches!(last, b'_' | b'.' | b'-') {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// `/etc/x`, `./x`, `~/x`, `C:\x`: a file reference, not a secret.
fn looks_like_path(v: &[u8]) -> bool {
    v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || (v.len() > 2 && v.get(1) == Some(&b':') && v.get(2) == Some(&b'\\'))
}

/// `settings.DB_PASSWORD`, `this.props.token`: an expression, not a literal.
fn dotted_identifier(v: &[u8]) -> bool {
    let mut parts = 0;
    for seg in v.split(|&b| b == b'.') {
        let ok = seg
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'$'))
            && seg
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'));
        if !ok {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn jwt(secret: &[u8]) -> bool {
    let mut parts = secret.split(|&b| b == b'.');
    let (Some(h), Some(p), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if sig.is_empty() {
        return false;
    }
    let Some(header) = base64_decode(h) else {
        return false;
    };
    let Some(payload) = base64_decode(p) else {
        return false;
    };
    let header_ok = header.first() == Some(&b'{')
        && memchr::memmem::find(&header, b"\"alg\"").is_some()
        && memchr::memmem::find(&header.to_ascii_lowercase(), b"\"none\"").is_none();
    header_ok && payload.first() == Some(&b'{')
}

fn registry_auth(ctx: &VCtx<'_>) -> bool {
    if ctx.group != 1 {
        // identitytoken / registrytoken: opaque, already length- and placeholder-checked.
        return true;
    }
    let Some(decoded) = base64_decode(ctx.secret) else {
        return false;
    };
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return false;
    };
    let user = decoded.get(..colon).unwrap_or_default();
    let pass = decoded.get(colon + 1..).unwrap_or_default();
    !user.is_empty() && !pass.is_empty() && !is_placeholder(pass)
}

fn pem_body(body: &[u8]) -> bool {
    let b64 = body
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .count();
    let lower = body.to_ascii_lowercase();
    let has = |n: &[u8]| memchr::memmem::find(&lower, n).is_some();
    b64 >= 64
        && !has(b"...")
        && !has("…".as_bytes())
        && !has(b"xxxxx")
        && !has(b"<")
        && !has(b"example")
}

/// Values that are code or references rather than literals.
fn expression_like(v: &[u8]) -> bool {
    looks_like_path(v)
        || memchr::memmem::find(v, b"://").is_some()
        || dotted_identifier(v)
        || v.first()
            .is_some_and(|b| matches!(b, b'%' | b'$' | b'@' | b'&' | b'*'))
}

const PASSWORD_KEY_SUFFIXES: &[&str] = &[
    "hash",
    "field",
    "length",
    "len",
    "min",
    "max",
    "policy",
    "reset",
    "url",
    "uri",
    "file",
    "path",
    "regex",
    "pattern",
    "prompt",
    "label",
    "hint",
    "placeholder",
    "template",
    "input",
    "confirm",
    "required",
    "expir",
    "changed",
    "change",
    "validat",
    "strength",
    "type",
    "mode",
    "name",
    "id",
    "env",
    "var",
    "param",
    "column",
    "col",
    "attr",
    "format",
    "enabled",
    "auth",
    "less",
    "grant",
    "flow",
    "command",
    "cmd",
    "encoder",
    "encrypt",
    "salt",
    "store",
    "manager",
    "provider",
    "helper",
    "util",
    "check",
    "verif",
    "rule",
    "history",
    "age",
    "digest",
    "key_id",
    "s_",
    "widget",
    "form",
    "error",
    "msg",
    "message",
    "text",
    "title",
    "ref",
    "selector",
    "box",
];

const PASSWORD_KEY_PREFIXES: &[&str] = &[
    "no",
    "is",
    "has",
    "use",
    "enable",
    "show",
    "forgot",
    "forget",
    "reset",
    "min",
    "max",
    "confirm",
    "verify",
    "check",
    "validate",
    "require",
    "required",
    "hide",
    "toggle",
    "new",
    "repeat",
    "invalid",
    "wrong",
    "change",
    "update",
    "hash",
    "hashed",
    "encrypted",
    "set",
];

fn generic_password(ctx: &VCtx<'_>) -> bool {
    // Group 4 is the unquoted form: in source code that is an expression, not a literal.
    if ctx.is_code && ctx.group == 4 {
        return false;
    }
    let suffix = trim_separators(ctx.cap(1)).to_ascii_lowercase();
    if starts_with_any(&suffix, PASSWORD_KEY_SUFFIXES) {
        return false;
    }
    let prefix = ctx.key_prefix();
    if ends_with_any(trim_separators(&prefix), PASSWORD_KEY_PREFIXES) {
        return false;
    }
    let v = ctx.secret;
    char_classes(v) >= 2 && !expression_like(v) && !mentions_password(v)
}

/// How many of lowercase, uppercase, digits and symbols (other than the word separators
/// `-`, `_`, `.`) occur: `no-debconf-config` has one, `Pr0d-0ydN0T0TIbWWOm` three.
fn char_classes(v: &[u8]) -> usize {
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let digit = has_digit(v);
    let symbol = v
        .iter()
        .any(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'-' | b'_' | b'.'));
    [lower, upper, digit, symbol].iter().filter(|&&x| x).count()
}

/// `password123`, `p%C3%A4ssword`: the word itself (possibly percent-encoded or decorated) is
/// a placeholder, not a credential.
fn mentions_password(v: &[u8]) -> bool {
    let decoded = percent_decode(v).to_ascii_lowercase();
    ["passw", "ssword", "passwd"]
        .iter()
        .any(|w| memchr::memmem::find(&decoded, w.as_bytes()).is_some())
}

fn percent_decode(v: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(v.len());
    let mut i = 0;
    while let Some(&b) = v.get(i) {
        if b == b'%'
            && let (Some(h), Some(l)) = (
                v.get(i + 1).and_then(|&x| hex(x)),
                v.get(i + 2).and_then(|&x| hex(x)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    out
}

const SECRET_KEY_SUFFIXES: &[&str] = &[
    "url",
    "uri",
    "endpoint",
    "path",
    "file",
    "name",
    "type",
    "id",
    "header",
    "field",
    "length",
    "len",
    "size",
    "ttl",
    "expir",
    "timeout",
    "count",
    "limit",
    "prefix",
    "suffix",
    "hash",
    "regex",
    "pattern",
    "format",
    "version",
    "label",
    "placeholder",
    "hint",
    "env",
    "var",
    "param",
    "column",
    "attr",
    "cache",
    "store",
    "storage",
    "manager",
    "provider",
    "service",
    "class",
    "factory",
    "ref",
    "arn",
    "location",
    "dir",
    "mode",
    "enabled",
    "lifetime",
    "duration",
    "validity",
    "policy",
    "scope",
    "audience",
    "issuer",
    "algorithm",
    "alg",
    "kind",
    "source",
    "generator",
    "rotation",
    "reader",
    "writer",
    "handler",
    "helper",
    "util",
    "s_",
    "key_name",
    "name",
    "index",
    "idx",
    "map",
    "list",
    "set",
    "fn",
    "func",
    "method",
    "callback",
    "cb",
    "request",
    "response",
    "resp",
    "req",
    "endpoint",
    "parser",
    "stream",
    "node",
    "iter",
    "position",
    "pos",
    "start",
    "end",
    "kind",
    "_",
    "store",
];

const SECRET_KEY_PREFIXES: &[&str] = &[
    "csrf",
    "xsrf",
    "public",
    "publishable",
    "pub",
    "page",
    "next",
    "prev",
    "previous",
    "continuation",
    "pagination",
    "cancel",
    "cancellation",
    "device",
    "push",
    "sync",
    "is",
    "has",
    "no",
    "use",
    "max",
    "min",
    "num",
    "count",
    "total",
    "input",
    "output",
    "completion",
    "prompt",
    "string",
    "word",
    "bearer",
    "refresh_token_",
    "id_",
    "test",
    "mock",
    "fake",
    "dummy",
    "example",
    "sample",
];

fn generic_secret(ctx: &VCtx<'_>) -> bool {
    if ctx.is_code && ctx.group == 5 {
        return false;
    }
    let suffix = trim_separators(ctx.cap(2)).to_ascii_lowercase();
    if starts_with_any(&suffix, SECRET_KEY_SUFFIXES) {
        return false;
    }
    let prefix = ctx.key_prefix();
    if ends_with_any(trim_separators(&prefix), SECRET_KEY_PREFIXES) {
        return false;
    }
    let v = ctx.secret;
    has_letter(v) && has_digit(v) && !expression_like(v) && !is_uuid(v)
}

/// Name fragments (uppercase, split at `_`, `.`, `-`) that make an environment variable
/// sensitive.
const SENSITIVE_NAME_PARTS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "PASS",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "APIKEY",
    "ACCESSKEY",
    "PRIVATEKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "AUTHKEY",
];
/// Adjacent pairs that are sensitive together (`API_KEY`, `ACCESS_KEY`, …).
const SENSITIVE_NAME_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("ACCESS", "KEY"),
    ("PRIVATE", "KEY"),
    ("AUTH", "KEY"),
    ("SECRET", "KEY"),
    ("MASTER", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
];
/// A sensitive name ending in one of these names metadata about the secret, not the secret.
const NAME_NON_SECRET_SUFFIXES: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "URL",
    "URI",
    "HOST",
    "HOSTNAME",
    "PORT",
    "USER",
    "USERNAME",
    "NAME",
    "ID",
    "TTL",
    "TIMEOUT",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "LENGTH",
    "LEN",
    "TYPE",
    "MODE",
    "ENABLED",
    "ENABLE",
    "HEADER",
    "ENDPOINT",
    "REGION",
    "VERSION",
    "PREFIX",
    "FORMAT",
    "LIFETIME",
    "DURATION",
    "SIZE",
    "COUNT",
    "ALGORITHM",
    "ISSUER",
    "AUDIENCE",
    "SCOPE",
    "METHOD",
    "POLICY",
    "ROTATION",
    "REF",
    "ARN",
    "PARALLELISM",
    "REQUIRED",
    "MIN",
    "MAX",
    "HASH",
    "SALT_ROUNDS",
    "ROUNDS",
    "KEYRING",
    "LOCATION",
    "SOURCE",
    "PROVIDER",
    "COMMAND",
];

fn env_assignment(ctx: &VCtx<'_>) -> bool {
    // Group 1 is the name of the legacy `ENV NAME value` form, group 3 of `NAME=value`.
    let raw = if ctx.caps.get(1).is_some() {
        ctx.cap(1)
    } else {
        ctx.cap(3)
    };
    let name = raw.to_ascii_uppercase();
    let parts: Vec<&[u8]> = name
        .split(|&b| matches!(b, b'_' | b'.' | b'-'))
        .filter(|p| !p.is_empty())
        .collect();
    let Some(last) = parts.last() else {
        return false;
    };
    if name == b"PWD" || name == b"OLDPWD" {
        return false;
    }
    if NAME_NON_SECRET_SUFFIXES
        .iter()
        .any(|s| *last == s.as_bytes())
    {
        return false;
    }
    let single = parts.iter().any(|p| {
        SENSITIVE_NAME_PARTS.iter().any(|s| *p == s.as_bytes())
            || memchr::memmem::find(p, b"PASSWORD").is_some()
            || memchr::memmem::find(p, b"SECRET").is_some()
            || memchr::memmem::find(p, b"TOKEN").is_some()
    });
    let pair = parts.windows(2).any(|w| match w {
        [a, b] => SENSITIVE_NAME_PAIRS
            .iter()
            .any(|(x, y)| *a == x.as_bytes() && *b == y.as_bytes()),
        _ => false,
    });
    if !(single || pair) {
        return false;
    }
    let v = ctx.secret;
    !looks_like_path(v)
        && !v.iter().all(u8::is_ascii_digit)
        && memchr::memmem::find(v, b"://").is_none_or(|_| memchr::memchr(b'@', v).is_some())
}

fn url_credentials(ctx: &VCtx<'_>) -> bool {
    let host = ctx.cap(3).to_ascii_lowercase();
    let example_host = host == b"host"
        || host == b"hostname"
        || host.starts_with(b"example.")
        || ends_with_any(
            &host,
            &[
                ".example",
                ".example.com",
                ".example.org",
                ".example.net",
                ".invalid",
                ".test",
            ],
        )
        || host.starts_with(b"your")
        || host.starts_with(b"server")
        || host == b"domain.com";
    let user = ctx.cap(1).to_ascii_lowercase();
    let pass = ctx.secret.to_ascii_lowercase();
    !example_host
        && pass != user
        && !mentions_password(&pass)
        && !is_placeholder(&percent_decode(&pass))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_shapes() {
        let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        let payload = "eyJzdWIiOiJ4eXoiLCJpYXQiOjE3MDAwMDAwMDB9";
        assert!(jwt(
            format!("{header}.{payload}.c2lnbmF0dXJlLWJ5dGVz").as_bytes()
        ));
        assert!(!jwt(format!("{header}.{payload}.").as_bytes()));
        assert!(!jwt(b"eyJub3QiOiJqc29uIn0.eyJhIjoxfQ.sig"));
        let none = "eyJhbGciOiJub25lIn0";
        assert!(!jwt(format!("{none}.{payload}.c2ln").as_bytes()));
    }

    #[test]
    fn helpers() {
        assert!(dotted_identifier(b"settings.DB_PASSWORD"));
        assert!(!dotted_identifier(b"Pr0d-0ydN0T0TIbWWOm"));
        assert!(!dotted_identifier(b"abc"));
        assert!(is_uuid(b"550e8400-e29b-41d4-a716-446655440000"));
        assert!(looks_like_path(b"/run/secrets/db"));
        assert!(pem_body("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZmSnXyCdPEovGhLa0VzMaQ8s+CLOyS56YyCFGeJZ".as_bytes()));
        assert!(!pem_body(b"MIIE...\n"));
    }
}
