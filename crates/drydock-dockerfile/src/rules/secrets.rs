//! Deciding whether an ENV/ARG name or value is a secret, and redacting it.

/// Name fragments that mark a credential.
const SENSITIVE: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "CLIENT_KEY",
    "AUTH_KEY",
    "CREDENTIAL",
    "SIGNING_KEY",
    "ENCRYPTION_KEY",
    "MASTER_KEY",
    "SESSION_KEY",
];

/// Suffixes of names that hold where a secret is, or something about it,
/// rather than the secret: Docker's `*_FILE` convention, paths, URLs, ids.
const NOT_SECRET_SUFFIX: &[&str] = &[
    "_FILE",
    "_PATH",
    "_DIR",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_HOST",
    "_NAME",
    "_ID",
    "_IDS",
    "_LENGTH",
    "_TTL",
    "_EXPIRY",
    "_EXPIRES",
    "_TYPE",
    "_HEADER",
    "_ALGORITHM",
    "_VERSION",
    "_PORT",
    "_ENABLED",
    "_REQUIRED",
    "_POLICY",
    "_ENV",
    "_VAR",
];

/// Whether an ENV/ARG name suggests its value is a credential.
pub fn sensitive_name(name: &str) -> bool {
    let up = name.to_ascii_uppercase().replace(['-', '.'], "_");
    if NOT_SECRET_SUFFIX.iter().any(|s| up.ends_with(s)) {
        return false;
    }
    // Public key material and key fingerprints (official images carry
    // `GPG_KEY`, `NODE_GPG_KEYS`) are not secrets.
    if up.contains("GPG")
        || up.contains("PUBLIC")
        || up.contains("PUB_KEY")
        || up.contains("KEYSERVER")
    {
        return false;
    }
    if SENSITIVE.iter().any(|s| up.contains(s)) {
        return true;
    }
    let parts: Vec<&str> = up.split('_').filter(|p| !p.is_empty()).collect();
    let last = parts.last().copied().unwrap_or_default();
    parts.iter().any(|p| matches!(*p, "PASS" | "PWD" | "PW")) && up != "PWD" && up != "OLDPWD"
        || (last == "KEY" && parts.len() > 1)
}

/// A value that is a credential whatever its name: well-known token
/// formats, private keys, URLs with a password.
pub fn secret_value_kind(value: &str) -> Option<&'static str> {
    let v = value.trim();
    let alnum_run = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .count()
    };
    for (prefix, min, what) in [
        ("ghp_", 30, "GitHub token"),
        ("gho_", 30, "GitHub token"),
        ("ghs_", 30, "GitHub token"),
        ("ghu_", 30, "GitHub token"),
        ("github_pat_", 30, "GitHub token"),
        ("glpat-", 20, "GitLab token"),
        ("xoxb-", 20, "Slack token"),
        ("xoxp-", 20, "Slack token"),
        ("sk_live_", 20, "Stripe key"),
        ("npm_", 30, "npm token"),
    ] {
        if let Some(rest) = v.strip_prefix(prefix)
            && alnum_run(rest) + rest.matches('-').count() >= min
        {
            return Some(what);
        }
    }
    if (v.starts_with("AKIA") || v.starts_with("ASIA"))
        && v.len() == 20
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return Some("AWS access key id");
    }
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some("private key");
    }
    if let Some((_, after)) = v.split_once("://") {
        let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@')
            && let Some((_, pass)) = userinfo.split_once(':')
            && !pass.is_empty()
            && !pass.starts_with('$')
        {
            return Some("URL with a password");
        }
    }
    None
}

/// The value with all but a short prefix hidden.
pub fn redact(value: &str) -> String {
    let n = value.chars().count();
    if n >= 12 {
        let head: String = value.chars().take(2).collect();
        format!("{head}***({n} chars)")
    } else {
        "***".to_owned()
    }
}

/// Names of variables referenced by `$NAME` / `${NAME…}` in `raw`.
pub fn referenced_vars(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = raw.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        i += 1;
        if c != b'$' {
            continue;
        }
        if b.get(i) == Some(&b'{') {
            i += 1;
        }
        let start = i;
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            i += 1;
        }
        if i > start
            && let Some(name) = raw.get(start..i)
            && !name.as_bytes().first().is_some_and(u8::is_ascii_digit)
        {
            out.push(name.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for n in [
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "api_key",
            "ApiKey",
            "MYSQL_PASS",
            "STRIPE_KEY",
            "client_secret",
            "dbPassword",
            "NPM_AUTH_TOKEN",
        ] {
            assert!(sensitive_name(n), "{n}");
        }
        for n in [
            "PATH",
            "GPG_KEY",
            "NODE_GPG_KEYS",
            "POSTGRES_PASSWORD_FILE",
            "PWD",
            "KEY",
            "TOKEN_URL",
            "AWS_ACCESS_KEY_ID",
            "PUBLIC_KEY",
            "PASSENGER_VERSION",
            "HOME",
            "LANG",
            "PYTHON_VERSION",
        ] {
            assert!(!sensitive_name(n), "{n}");
        }
    }

    #[test]
    fn values() {
        assert_eq!(
            secret_value_kind("AKIAABCDEFGHIJKLMNOP"),
            Some("AWS access key id")
        );
        assert_eq!(
            secret_value_kind("ghp_0123456789abcdefghijklmnopqrstuvwxyz"),
            Some("GitHub token")
        );
        assert_eq!(
            secret_value_kind("postgres://app:hunter2@db/app"),
            Some("URL with a password")
        );
        assert_eq!(secret_value_kind("postgres://app:$PW@db/app"), None);
        assert_eq!(secret_value_kind("https://example.com/a@b"), None);
        assert_eq!(secret_value_kind("hello"), None);
    }

    #[test]
    fn redacts() {
        assert_eq!(redact("Pr0d-0ydN0T0TIbWWOm"), "Pr***(19 chars)");
        assert_eq!(redact("short"), "***");
    }

    #[test]
    fn finds_references() {
        assert_eq!(referenced_vars("a $A ${B:-x} $1 $ {C}"), vec!["A", "B"]);
    }
}
