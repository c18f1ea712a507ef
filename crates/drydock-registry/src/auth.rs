//! Where credentials come from: explicit ones first (flags, environment),
//! then the Docker config (`auths`, `credHelpers`, `credsStore`).

use std::io::Read;
use std::path::{Path, PathBuf};

use docker_credential::{CredentialRetrievalError, DockerCredential};
use oci_client::secrets::RegistryAuth;

use crate::RegistryError;

/// A user name and password, and where they were given.
#[derive(Clone)]
pub struct Credentials {
    /// User name.
    pub username: String,
    /// Password or token.
    pub password: String,
    /// Where they came from, for error messages (`--username/--password`,
    /// `DRYDOCK_USERNAME/DRYDOCK_PASSWORD`).
    pub origin: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("origin", &self.origin)
            .finish()
    }
}

/// The authentication chosen for one registry.
pub(crate) struct Resolved {
    pub auth: RegistryAuth,
    /// User and origin, when credentials are sent.
    pub user: Option<(String, String)>,
    /// Said once to the user (an identity token that cannot be used).
    pub warning: Option<String>,
}

/// A Docker config is a few kilobytes; anything near this is not one.
const MAX_CONFIG: u64 = 1 << 20;

/// The Docker config file to read: `explicit`, else `$DOCKER_CONFIG/config.json`,
/// else `~/.docker/config.json`.
pub(crate) fn config_path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG") {
        return Some(Path::new(&dir).join("config.json"));
    }
    std::env::var_os("HOME").map(|h| Path::new(&h).join(".docker/config.json"))
}

/// The keys `docker login` may have stored a registry under.
fn server_keys(host: &str) -> Vec<String> {
    if matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    ) {
        return vec![
            "https://index.docker.io/v1/".into(),
            "index.docker.io".into(),
            "docker.io".into(),
            "registry-1.docker.io".into(),
        ];
    }
    vec![
        host.to_owned(),
        format!("https://{host}"),
        format!("http://{host}"),
        format!("https://{host}/v1/"),
        format!("https://{host}/v2/"),
    ]
}

pub(crate) fn resolve(
    host: &str,
    explicit: Option<&Credentials>,
    docker_config: Option<&Path>,
) -> Result<Resolved, RegistryError> {
    if let Some(c) = explicit {
        return Ok(Resolved {
            auth: RegistryAuth::Basic(c.username.clone(), c.password.clone()),
            user: Some((c.username.clone(), c.origin.clone())),
            warning: None,
        });
    }
    let anonymous = Resolved {
        auth: RegistryAuth::Anonymous,
        user: None,
        warning: None,
    };
    let Some(path) = config_path(docker_config) else {
        return Ok(anonymous);
    };
    let bytes = match std::fs::File::open(&path) {
        Ok(f) => {
            let mut v = Vec::new();
            f.take(MAX_CONFIG + 1)
                .read_to_end(&mut v)
                .map_err(|e| RegistryError::Credentials {
                    registry: host.to_owned(),
                    detail: format!("cannot read `{}`: {e}", path.display()),
                })?;
            if v.len() as u64 > MAX_CONFIG {
                return Err(RegistryError::Credentials {
                    registry: host.to_owned(),
                    detail: format!("`{}` is over 1 MiB", path.display()),
                });
            }
            v
        }
        // No Docker config at all is the normal anonymous case.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && docker_config.is_none() => {
            return Ok(anonymous);
        }
        Err(e) => {
            return Err(RegistryError::Credentials {
                registry: host.to_owned(),
                detail: format!("cannot read `{}`: {e}", path.display()),
            });
        }
    };
    for key in server_keys(host) {
        match docker_credential::get_credential_from_reader(bytes.as_slice(), &key) {
            Ok(DockerCredential::UsernamePassword(user, password)) => {
                return Ok(Resolved {
                    auth: RegistryAuth::Basic(user.clone(), password),
                    user: Some((user, format!("{} ({key})", path.display()))),
                    warning: None,
                });
            }
            Ok(DockerCredential::IdentityToken(_)) => {
                return Ok(Resolved {
                    warning: Some(format!(
                        "{}: the entry for {key} holds an identity (refresh) token, which drydock cannot exchange; pulling anonymously (pass --username/--password instead)",
                        path.display()
                    )),
                    ..anonymous
                });
            }
            Err(CredentialRetrievalError::NoCredentialConfigured) => {}
            Err(
                CredentialRetrievalError::ConfigReadError
                | CredentialRetrievalError::ConfigNotFound,
            ) => {
                return Err(RegistryError::Credentials {
                    registry: host.to_owned(),
                    detail: format!("`{}` is not a valid Docker config", path.display()),
                });
            }
            Err(e) => {
                return Err(RegistryError::Credentials {
                    registry: host.to_owned(),
                    detail: format!(
                        "{} (entry {key} of `{}`)",
                        e.to_string().trim(),
                        path.display()
                    ),
                });
            }
        }
    }
    Ok(anonymous)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, json: &str) -> PathBuf {
        let p = dir.join("config.json");
        std::fs::write(&p, json).unwrap();
        p
    }

    #[test]
    fn auths_entry_is_used_and_origin_named() {
        let dir = std::env::temp_dir().join(format!("dd-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // "alice:s3cret"
        let p = write(
            &dir,
            r#"{"auths":{"reg.example:5000":{"auth":"YWxpY2U6czNjcmV0"}}}"#,
        );
        let r = resolve("reg.example:5000", None, Some(&p)).unwrap();
        assert!(matches!(&r.auth, RegistryAuth::Basic(u, pw) if u == "alice" && pw == "s3cret"));
        assert!(r.user.unwrap().1.contains("config.json"));
        // Another host has nothing: anonymous.
        let r = resolve("other.example", None, Some(&p)).unwrap();
        assert!(matches!(r.auth, RegistryAuth::Anonymous));
        // Scheme-prefixed keys, as older docker logins wrote them.
        let p = write(
            &dir,
            r#"{"auths":{"https://reg.example":{"auth":"YWxpY2U6czNjcmV0"}}}"#,
        );
        let r = resolve("reg.example", None, Some(&p)).unwrap();
        assert!(matches!(&r.auth, RegistryAuth::Basic(u, _) if u == "alice"));
        // Explicit credentials win.
        let c = Credentials {
            username: "bob".into(),
            password: "pw".into(),
            origin: "--username/--password".into(),
        };
        let r = resolve("reg.example", Some(&c), Some(&p)).unwrap();
        assert!(matches!(&r.auth, RegistryAuth::Basic(u, _) if u == "bob"));
        assert!(!format!("{c:?}").contains("pw\""));
        // A broken config is an error that names the file.
        let p = write(&dir, "{not json");
        let e = resolve("reg.example", None, Some(&p)).err().unwrap();
        assert!(e.to_string().contains("config.json"), "{e}");
        // A missing helper binary is an error, not silently anonymous.
        let p = write(
            &dir,
            r#"{"credHelpers":{"reg.example":"drydock-no-such-helper"}}"#,
        );
        let e = resolve("reg.example", None, Some(&p)).err().unwrap();
        assert!(matches!(e, RegistryError::Credentials { .. }), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn credential_helper_is_run() {
        let dir = std::env::temp_dir().join(format!("dd-helper-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let helper = dir.join("docker-credential-ddtest");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\necho \"{\\\"ServerURL\\\":\\\"$server\\\",\\\"Username\\\":\\\"carol\\\",\\\"Secret\\\":\\\"hunter2\\\"}\"\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let p = write(&dir, r#"{"credHelpers":{"reg.example":"ddtest"}}"#);
        // The helper is found on PATH, as docker does it.
        let old = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![dir.clone()];
        paths.extend(std::env::split_paths(&old));
        // SAFETY: this test is the only one in the crate touching PATH.
        unsafe { std::env::set_var("PATH", std::env::join_paths(paths).unwrap()) };
        let r = resolve("reg.example", None, Some(&p));
        unsafe { std::env::set_var("PATH", old) };
        let r = r.unwrap();
        assert!(matches!(&r.auth, RegistryAuth::Basic(u, pw) if u == "carol" && pw == "hunter2"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
