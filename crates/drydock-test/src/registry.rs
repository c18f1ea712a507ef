//! A real container registry for integration tests.
//!
//! [`TestRegistry::start`] runs the distribution registry (Debian's
//! `docker-registry`, or upstream's `registry` binary) on a free loopback
//! port with its own temporary storage, optionally behind TLS (a throw-away
//! CA made with the `openssl` CLI) and htpasswd basic auth. Images are pushed
//! with `skopeo`; what skopeo cannot make (cosign signature manifests, odd
//! media types, tampered blobs) goes in through the raw pushes
//! [`TestRegistry::put_blob`] and [`TestRegistry::put_manifest`] or straight
//! into the storage directory with [`TestRegistry::tamper_blob`].
//!
//! Raw requests to a plain-HTTP registry use the small std-only client
//! [`http`]; a TLS registry is reached with the `curl` CLI instead, because
//! this crate carries no TLS stack.
//!
//! Every instance owns its port and directory, so tests may start as many as
//! they like from parallel threads and parallel test binaries. The registry
//! runs under a `sh` lifeline reading the test's pipe: when the test process
//! dies, even by SIGKILL, the pipe closes and the registry is killed with it.
//!
//! When the tools are not installed, [`TestRegistry::start`] returns `None`
//! so the test can skip; with `DRYDOCK_REQUIRE_REGISTRY=1` (CI) it panics
//! instead, so a broken CI image cannot silently skip the tests.

use std::ffi::OsStr;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Environment variable that turns a missing tool into a panic.
pub const REQUIRE_ENV: &str = "DRYDOCK_REQUIRE_REGISTRY";

const READY_TIMEOUT: Duration = Duration::from_secs(15);
const TOOL_TIMEOUT: Duration = Duration::from_secs(120);
const STOP_TIMEOUT: Duration = Duration::from_secs(10);
const IO_TIMEOUT: Duration = Duration::from_secs(30);
const PORT_ATTEMPTS: usize = 8;
/// Bound on a response or request head; registry heads are a few hundred bytes.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Bound on a response body read into memory by [`http`].
const MAX_BODY: u64 = 512 << 20;

/// Runs `"$0" serve "$1"` and kills it when stdin reaches end of file, which
/// happens when the test drops the registry or the test process dies. The
/// reader gets the pipe through fd 3 because an asynchronous list's stdin is
/// /dev/null. `wait` makes the shell exit with the registry, so an early exit
/// (port taken) is visible to the test as the shell's exit.
const LIFELINE: &str = r#"exec 3<&0
"$0" serve "$1" </dev/null 3<&- &
pid=$!
echo "$pid" > "$2"
{ read -r _ <&3; kill "$pid" 2>/dev/null; } &
reader=$!
exec 3<&-
wait "$pid"
st=$?
kill "$reader" 2>/dev/null
exit "$st"
"#;

static SEQ: AtomicU64 = AtomicU64::new(0);

fn seq() -> u64 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// How to run a [`TestRegistry`].
#[derive(Clone, Debug, Default)]
pub struct RegistryOptions {
    /// Serve HTTPS with a certificate for `127.0.0.1` and `localhost` signed
    /// by a fresh test CA (see [`TestRegistry::ca_cert`]).
    pub tls: bool,
    /// Require basic auth with this `(user, password)`.
    pub htpasswd: Option<(String, String)>,
}

impl RegistryOptions {
    /// Plain HTTP, no auth.
    pub fn plain() -> Self {
        Self::default()
    }

    /// HTTPS, no auth.
    pub fn tls() -> Self {
        Self {
            tls: true,
            htpasswd: None,
        }
    }

    /// These options with basic auth for `user`/`password`.
    pub fn with_auth(mut self, user: &str, password: &str) -> Self {
        self.htpasswd = Some((user.to_owned(), password.to_owned()));
        self
    }
}

/// The external programs a registry needs.
#[derive(Clone, Debug)]
struct Tools {
    registry: PathBuf,
    skopeo: PathBuf,
    openssl: Option<PathBuf>,
    htpasswd: Option<PathBuf>,
    curl: Option<PathBuf>,
}

impl Tools {
    /// Looks the tools `opts` needs up in `path` (a `PATH` value); the error
    /// names what is missing.
    fn find(opts: &RegistryOptions, path: Option<&OsStr>) -> Result<Self, String> {
        let look = |name: &str| find_in_path(name, path);
        let mut missing = Vec::new();
        let registry = look("docker-registry").or_else(|| look("registry"));
        if registry.is_none() {
            missing.push("docker-registry (Debian package docker-registry)");
        }
        let skopeo = look("skopeo");
        if skopeo.is_none() {
            missing.push("skopeo");
        }
        let openssl = look("openssl");
        if opts.tls && openssl.is_none() {
            missing.push("openssl");
        }
        let htpasswd = look("htpasswd");
        if opts.htpasswd.is_some() && htpasswd.is_none() {
            missing.push("htpasswd (Debian package apache2-utils)");
        }
        match (registry, skopeo) {
            (Some(registry), Some(skopeo)) if missing.is_empty() => Ok(Self {
                registry,
                skopeo,
                openssl,
                htpasswd,
                curl: look("curl"),
            }),
            _ => Err(format!("not installed: {}", missing.join(", "))),
        }
    }
}

/// The first executable file called `name` in the directories of `path`.
pub(crate) fn find_in_path(name: &str, path: Option<&OsStr>) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

/// Whether `DRYDOCK_REQUIRE_REGISTRY=1` is set.
pub fn registry_required() -> bool {
    std::env::var_os(REQUIRE_ENV).is_some_and(|v| v == "1")
}

/// The shared corpus directory (`/work/shared` in the dev container): the
/// `DRYDOCK_SHARED` environment variable, or `../../../shared` from this
/// crate's manifest directory.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("DRYDOCK_SHARED") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// `corpus/images/<name>` under [`shared_dir`], if it exists.
pub fn corpus_image(name: &str) -> Option<PathBuf> {
    let p = shared_dir().join("corpus/images").join(name);
    p.is_file().then_some(p)
}

/// A distribution registry running for one test. Dropping it stops the
/// registry and removes its storage.
pub struct TestRegistry {
    child: Child,
    pid_file: PathBuf,
    log_path: PathBuf,
    storage: PathBuf,
    port: u16,
    opts: RegistryOptions,
    tools: Tools,
    // Last, so the directory is removed after the registry is stopped.
    dir: tempfile::TempDir,
}

enum Ready {
    Yes,
    PortTaken,
    Failed(String),
}

impl TestRegistry {
    /// Starts a registry, or returns `None` (saying why on stderr) when
    /// `docker-registry`, `skopeo` or a tool `opts` needs is not installed.
    ///
    /// # Panics
    ///
    /// If a tool is missing and `DRYDOCK_REQUIRE_REGISTRY=1`, or if the
    /// registry does not answer within 15 seconds.
    pub fn start(opts: RegistryOptions) -> Option<TestRegistry> {
        let path = std::env::var_os("PATH");
        match Tools::find(&opts, path.as_deref()) {
            Ok(tools) => Some(Self::start_with(opts, tools)),
            Err(why) if registry_required() => {
                panic!("{REQUIRE_ENV}=1 but the test registry cannot run: {why}")
            }
            Err(why) => {
                eprintln!("skipping test registry: {why} (set {REQUIRE_ENV}=1 to fail instead)");
                None
            }
        }
    }

    fn start_with(opts: RegistryOptions, tools: Tools) -> TestRegistry {
        let dir = tempfile::Builder::new()
            .prefix("drydock-registry-")
            .tempdir()
            .unwrap_or_else(|e| panic!("create a temporary directory for the test registry: {e}"));
        let root = dir.path().to_path_buf();
        for sub in ["storage", "tmp", "certs"] {
            let d = root.join(sub);
            fs::create_dir(&d).unwrap_or_else(|e| panic!("create {}: {e}", d.display()));
        }
        if opts.tls {
            let openssl = tools.openssl.as_deref().unwrap_or(Path::new("openssl"));
            make_certs(openssl, &root);
        }
        if let Some((user, password)) = &opts.htpasswd {
            let htpasswd = tools.htpasswd.as_deref().unwrap_or(Path::new("htpasswd"));
            make_htpasswd(htpasswd, &root, user, password);
        }
        let log_path = root.join("registry.log");
        let pid_file = root.join("registry.pid");
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let (mut child, ready) = launch(&tools, &root, port, &opts);
            match ready {
                Ready::Yes => {
                    return TestRegistry {
                        child,
                        pid_file,
                        log_path,
                        storage: root.join("storage"),
                        port,
                        opts,
                        tools,
                        dir,
                    };
                }
                Ready::PortTaken => stop(&mut child, &pid_file),
                Ready::Failed(why) => {
                    stop(&mut child, &pid_file);
                    panic!(
                        "test registry ({}) did not start: {why}\n--- registry log ---\n{}",
                        tools.registry.display(),
                        read_lossy(&log_path)
                    );
                }
            }
        }
        panic!("test registry: every one of {PORT_ATTEMPTS} free ports was taken before it bound")
    }

    /// `127.0.0.1:PORT`, the registry's address as image references use it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        let scheme = if self.opts.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.host())
    }

    /// The PEM certificate of the CA that signed the server certificate,
    /// when the registry serves TLS. Its directory holds only `ca.crt`, so it
    /// also works as a certificate directory for containers tools.
    pub fn ca_cert(&self) -> Option<PathBuf> {
        self.opts.tls.then(|| self.dir.path().join("certs/ca.crt"))
    }

    /// The `(user, password)` the registry requires, if any.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.opts
            .htpasswd
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// The options the registry was started with.
    pub fn options(&self) -> &RegistryOptions {
        &self.opts
    }

    /// The root of the registry's filesystem storage.
    pub fn storage_dir(&self) -> &Path {
        &self.storage
    }

    /// Everything the registry has logged so far, access log included.
    pub fn log(&self) -> String {
        read_lossy(&self.log_path)
    }

    /// Copies `src` (a skopeo source such as `oci-archive:/x.oci.tar` or
    /// `oci:/dir:tag`) to `repo:tag` `dest` in this registry and returns the
    /// pushed manifest's digest. A multi-platform source is reduced to the
    /// machine's platform, as skopeo does; see [`TestRegistry::push_all`].
    ///
    /// # Panics
    ///
    /// If skopeo fails or takes more than two minutes.
    pub fn push(&self, src: &str, dest: &str) -> String {
        self.skopeo_copy(src, dest, false)
    }

    /// Like [`TestRegistry::push`] with `skopeo copy --all`: an index is
    /// pushed whole and its digest returned.
    pub fn push_all(&self, src: &str, dest: &str) -> String {
        self.skopeo_copy(src, dest, true)
    }

    fn skopeo_copy(&self, src: &str, dest: &str, all: bool) -> String {
        let root = self.dir.path();
        let digest_file = root.join(format!("digest-{}", seq()));
        let mut cmd = Command::new(&self.tools.skopeo);
        cmd.arg("--insecure-policy")
            .arg("--tmpdir")
            .arg(root.join("tmp"))
            .arg("--command-timeout")
            .arg(format!("{}s", TOOL_TIMEOUT.as_secs()))
            .arg("copy");
        if all {
            cmd.arg("--all");
        }
        cmd.arg("--digestfile").arg(&digest_file);
        // Isolates the push from the user's containers auth file.
        cmd.arg("--dest-authfile").arg(root.join("auth.json"));
        if self.opts.tls {
            cmd.arg("--dest-tls-verify=true")
                .arg("--dest-cert-dir")
                .arg(root.join("certs"));
        } else {
            cmd.arg("--dest-tls-verify=false");
        }
        match &self.opts.htpasswd {
            Some((u, p)) => cmd.arg("--dest-creds").arg(format!("{u}:{p}")),
            None => cmd.arg("--dest-no-creds"),
        };
        cmd.arg(src).arg(format!("docker://{}/{dest}", self.host()));
        let out = run_tool(&mut cmd, root, TOOL_TIMEOUT);
        if !out.status.success() {
            panic!(
                "skopeo copy {src} -> {}/{dest} failed ({}):\n{}\n--- registry log ---\n{}",
                self.host(),
                out.status,
                out.stderr,
                self.log()
            );
        }
        let digest = read_lossy(&digest_file).trim().to_owned();
        assert!(
            is_sha256_digest(&digest),
            "skopeo wrote {digest:?} to {} instead of a sha256 digest",
            digest_file.display()
        );
        digest
    }

    /// Sends one request to the registry, with basic auth when it requires
    /// it. Plain HTTP goes through [`http`]; TLS through the `curl` CLI (an
    /// `Unsupported` error if curl is not installed).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<HttpResponse> {
        let auth = self
            .opts
            .htpasswd
            .as_ref()
            .map(|(u, p)| format!("Basic {}", base64(format!("{u}:{p}").as_bytes())));
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if let Some(a) = &auth {
            all.push(("Authorization", a));
        }
        if self.opts.tls {
            self.curl(method, path, &all, body)
        } else {
            http(&self.host(), method, path, &all, body)
        }
    }

    fn curl(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<HttpResponse> {
        let Some(curl) = &self.tools.curl else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "raw requests to a TLS test registry need the curl CLI, which is not installed",
            ));
        };
        let root = self.dir.path();
        let n = seq();
        let head_file = root.join(format!("curl-{n}.head"));
        let body_file = root.join(format!("curl-{n}.body"));
        let mut cmd = Command::new(curl);
        cmd.arg("-sS")
            .arg("--max-time")
            .arg(IO_TIMEOUT.as_secs().to_string())
            .arg("--cacert")
            .arg(root.join("certs/ca.crt"))
            .arg("-D")
            .arg(&head_file)
            .arg("-o")
            .arg(&body_file)
            // No `Expect: 100-continue` round trip for large bodies.
            .arg("-H")
            .arg("Expect:");
        if method == "HEAD" {
            cmd.arg("--head");
        } else {
            cmd.arg("-X").arg(method);
        }
        for (k, v) in headers {
            cmd.arg("-H").arg(format!("{k}: {v}"));
        }
        if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
            let upload = root.join(format!("curl-{n}.upload"));
            fs::write(&upload, body)?;
            cmd.arg("--data-binary")
                .arg(format!("@{}", upload.display()));
        }
        cmd.arg(format!("{}{path}", self.base_url()));
        let out = run_tool(&mut cmd, root, TOOL_TIMEOUT);
        if !out.status.success() {
            return Err(io::Error::other(format!(
                "curl {method} {path} failed ({}): {}",
                out.status,
                out.stderr.trim()
            )));
        }
        let head = fs::read(&head_file)?;
        // With redirects or 100-continue curl writes several heads; the last is the answer.
        let text = String::from_utf8_lossy(&head);
        let last = text
            .split("\r\n\r\n")
            .filter(|b| b.starts_with("HTTP/"))
            .last()
            .ok_or_else(|| io::Error::other(format!("curl wrote no HTTP head for {path}")))?;
        let lines: Vec<String> = last.lines().map(str::to_owned).collect();
        let (status, headers) = parse_response_head(&lines)?;
        let body = fs::read(&body_file).unwrap_or_default();
        for f in [
            &head_file,
            &body_file,
            &root.join(format!("curl-{n}.upload")),
        ] {
            let _ = fs::remove_file(f);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    /// Uploads `bytes` to `repo` as one monolithic blob (POST, then PUT with
    /// the digest) and returns its digest.
    ///
    /// # Panics
    ///
    /// If the registry refuses either step.
    pub fn put_blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = crate::digest(bytes);
        let start = self.expect("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], b"", 202);
        let Some(location) = start.header("location") else {
            panic!("registry started an upload in {repo} without a Location header");
        };
        let location = strip_origin(location);
        let sep = if location.contains('?') { '&' } else { '?' };
        let done = self.expect(
            "PUT",
            &format!("{location}{sep}digest={digest}"),
            &[("Content-Type", "application/octet-stream")],
            bytes,
            201,
        );
        if let Some(d) = done.header("docker-content-digest") {
            assert_eq!(d, digest, "registry stored the blob under another digest");
        }
        digest
    }

    /// Stores `bytes` as the manifest `repo:reference` with Content-Type
    /// `media_type` and returns its digest.
    ///
    /// # Panics
    ///
    /// If the registry refuses the manifest (for example because a blob it
    /// names is missing).
    pub fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> String {
        let digest = crate::digest(bytes);
        let r = self.expect(
            "PUT",
            &format!("/v2/{repo}/manifests/{reference}"),
            &[("Content-Type", media_type)],
            bytes,
            201,
        );
        if let Some(d) = r.header("docker-content-digest") {
            assert_eq!(
                d, digest,
                "registry stored the manifest under another digest"
            );
        }
        digest
    }

    fn expect(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        status: u16,
    ) -> HttpResponse {
        let r = self
            .request(method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {}{path}: {e}", self.base_url()));
        if r.status != status {
            panic!(
                "{method} {}{path}: status {} (wanted {status}): {}\n--- registry log ---\n{}",
                self.base_url(),
                r.status,
                String::from_utf8_lossy(&r.body),
                self.log()
            );
        }
        r
    }

    /// Where the filesystem storage keeps the blob `digest`.
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        assert!(is_sha256_digest(digest), "not a sha256 digest: {digest:?}");
        let hex = &digest["sha256:".len()..];
        self.storage
            .join("docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }

    /// Replaces the stored bytes of blob `digest`, so the registry serves
    /// `new_bytes` under the old digest (and with their length).
    ///
    /// # Panics
    ///
    /// If the registry does not hold the blob.
    pub fn tamper_blob(&self, digest: &str, new_bytes: &[u8]) {
        let p = self.blob_path(digest);
        assert!(
            p.is_file(),
            "the registry holds no blob {digest} ({})",
            p.display()
        );
        write_file(&p, new_bytes);
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        stop(&mut self.child, &self.pid_file);
    }
}

impl std::fmt::Debug for TestRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestRegistry")
            .field("url", &self.base_url())
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

/// Writes the config for `port` into `root`, starts the registry under its
/// lifeline with output in `root/registry.log`, and waits for it.
fn launch(tools: &Tools, root: &Path, port: u16, opts: &RegistryOptions) -> (Child, Ready) {
    let config = root.join("config.yml");
    let log_path = root.join("registry.log");
    write_file(&config, registry_config(root, port, opts).as_bytes());
    let log = fs::File::create(&log_path)
        .unwrap_or_else(|e| panic!("create {}: {e}", log_path.display()));
    let log2 = log
        .try_clone()
        .unwrap_or_else(|e| panic!("duplicate the handle of {}: {e}", log_path.display()));
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(LIFELINE)
        .arg(&tools.registry)
        .arg(&config)
        .arg(root.join("registry.pid"))
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(log)
        .stderr(log2);
    // The registry lets REGISTRY_* variables override its config file.
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("REGISTRY_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("start {} under sh: {e}", tools.registry.display()));
    let ready = wait_ready(&mut child, port, &log_path, opts.tls);
    (child, ready)
}

/// Closes the lifeline, waits for the shell to exit with the registry, and
/// kills both by pid if that takes longer than [`STOP_TIMEOUT`].
fn stop(child: &mut Child, pid_file: &Path) {
    drop(child.stdin.take());
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(_)) => return,
            Ok(None) => sleep(Duration::from_millis(20)),
            Err(_) => break,
        }
    }
    if let Ok(pid) = fs::read_to_string(pid_file)
        && let Ok(pid) = pid.trim().parse::<u32>()
    {
        let _ = Command::new("kill")
            .arg("-KILL")
            .arg(pid.to_string())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A port the kernel just handed out on 127.0.0.1. It is free again when
/// this returns, so another process may take it before the registry binds;
/// [`TestRegistry::start`] retries on that.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| panic!("bind 127.0.0.1:0 to find a free port: {e}"));
    l.local_addr()
        .unwrap_or_else(|e| panic!("read the port of a bound socket: {e}"))
        .port()
}

/// Waits until the registry logged that it bound `port` (so the port is ours
/// and not a neighbour's) and, for plain HTTP, `GET /v2/` answers.
fn wait_ready(child: &mut Child, port: u16, log: &Path, tls: bool) -> Ready {
    let deadline = Instant::now() + READY_TIMEOUT;
    let bound = format!("listening on 127.0.0.1:{port}");
    let host = format!("127.0.0.1:{port}");
    loop {
        let text = read_lossy(log);
        match child.try_wait() {
            Ok(Some(status)) => {
                return if text.contains("address already in use") {
                    Ready::PortTaken
                } else {
                    Ready::Failed(format!("it exited ({status})"))
                };
            }
            Ok(None) => {}
            Err(e) => return Ready::Failed(format!("cannot poll it: {e}")),
        }
        if text.contains(&bound) {
            // Without a TLS stack the log line is the readiness signal: the
            // registry logs it after binding, and the kernel queues
            // connections from then on.
            if tls {
                return Ready::Yes;
            }
            if let Ok(r) = http_timeout(&host, "GET", "/v2/", &[], b"", Duration::from_secs(2))
                && (r.status == 200 || r.status == 401)
            {
                return Ready::Yes;
            }
        }
        if Instant::now() >= deadline {
            return Ready::Failed(format!(
                "no answer on {host} within {} s",
                READY_TIMEOUT.as_secs()
            ));
        }
        sleep(Duration::from_millis(25));
    }
}

/// The registry's YAML config. Strings are JSON-quoted, which YAML reads as
/// double-quoted scalars, so paths need no further escaping.
fn registry_config(root: &Path, port: u16, opts: &RegistryOptions) -> String {
    let q = |p: &Path| serde_json::Value::from(p.to_string_lossy().into_owned()).to_string();
    let mut c = format!(
        "version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: {storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:{port}
  secret: {secret}
",
        storage = q(&root.join("storage")),
        secret = q(Path::new(&format!(
            "drydock-test-{}-{}",
            std::process::id(),
            seq()
        ))),
    );
    if opts.tls {
        c.push_str(&format!(
            "  tls:\n    certificate: {}\n    key: {}\n",
            q(&root.join("server.crt")),
            q(&root.join("server.key"))
        ));
    }
    if opts.htpasswd.is_some() {
        c.push_str(&format!(
            "auth:\n  htpasswd:\n    realm: drydock-test\n    path: {}\n",
            q(&root.join("htpasswd"))
        ));
    }
    c
}

/// A P-256 CA (`certs/ca.crt`) and a server certificate for `127.0.0.1` and
/// `localhost` it signed (`server.crt`, `server.key`), valid for two days.
fn make_certs(openssl: &Path, root: &Path) {
    let ext = root.join("server.ext");
    write_file(
        &ext,
        b"subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
          keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    );
    let serial = format!(
        "0x{:x}{:08x}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "certs/ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=drydock test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "certs/ca.crt",
            "-CAkey",
            "ca.key",
            "-set_serial",
            &serial,
            "-days",
            "2",
            "-out",
            "server.crt",
            "-extfile",
            "server.ext",
        ],
    ];
    for args in steps {
        let mut cmd = Command::new(openssl);
        cmd.args(args).current_dir(root);
        let out = run_tool(&mut cmd, root, TOOL_TIMEOUT);
        assert!(
            out.status.success(),
            "openssl {} failed ({}): {}",
            args.join(" "),
            out.status,
            out.stderr
        );
    }
}

/// `htpasswd` with one bcrypt entry, the only hash the registry accepts.
fn make_htpasswd(htpasswd: &Path, root: &Path, user: &str, password: &str) {
    assert!(
        !user.is_empty() && !user.contains(':'),
        "htpasswd user must be non-empty and free of ':': {user:?}"
    );
    let mut cmd = Command::new(htpasswd);
    cmd.args(["-Bbn", user, password]);
    let out = run_tool(&mut cmd, root, TOOL_TIMEOUT);
    assert!(
        out.status.success() && out.stdout.starts_with(&format!("{user}:")),
        "htpasswd -Bbn failed ({}): {}",
        out.status,
        out.stderr
    );
    write_file(&root.join("htpasswd"), out.stdout.trim_end().as_bytes());
}

struct ToolOutput {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` with output in files under `scratch` (pipes could fill up
/// while polling) and kills it after `timeout`.
fn run_tool(cmd: &mut Command, scratch: &Path, timeout: Duration) -> ToolOutput {
    let n = seq();
    let out_path = scratch.join(format!("tool-{n}.out"));
    let err_path = scratch.join(format!("tool-{n}.err"));
    let create =
        |p: &Path| fs::File::create(p).unwrap_or_else(|e| panic!("create {}: {e}", p.display()));
    cmd.stdin(Stdio::null())
        .stdout(create(&out_path))
        .stderr(create(&err_path));
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("run {program}: {e}"));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{program} did not finish within {} s: {}",
                    timeout.as_secs(),
                    read_lossy(&err_path)
                );
            }
            Err(e) => panic!("wait for {program}: {e}"),
        }
    };
    let r = ToolOutput {
        status,
        stdout: read_lossy(&out_path),
        stderr: read_lossy(&err_path),
    };
    let _ = fs::remove_file(&out_path);
    let _ = fs::remove_file(&err_path);
    r
}

fn write_file(p: &Path, bytes: &[u8]) {
    fs::write(p, bytes).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
}

fn read_lossy(p: &Path) -> String {
    fs::read(p)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Whether `s` is `sha256:` and 64 lowercase hex digits.
fn is_sha256_digest(s: &str) -> bool {
    s.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `http://host:port/path?q` → `/path?q`; a relative reference unchanged.
fn strip_origin(location: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = location.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    location
}

/// Standard base64 with padding, for basic auth.
pub(crate) fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// One HTTP response, read to the end.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values in the order received.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP/1.1 request over plain TCP to `host` (`ip:port`) with
/// `Connection: close`, and reads the whole response. `path` is the request
/// target (`/v2/...`); `Host` and `Content-Length` are added. A body shorter
/// than its `Content-Length` is an `UnexpectedEof` error, which is how a
/// connection cut mid-blob shows.
pub fn http(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<HttpResponse> {
    http_timeout(host, method, path, headers, body, IO_TIMEOUT)
}

fn http_timeout(
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<HttpResponse> {
    let addr: SocketAddr = host.parse().map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("host {host:?} is not ip:port: {e}"),
        )
    })?;
    let mut s = TcpStream::connect_timeout(&addr, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(body)?;
    s.flush()?;
    let mut r = BufReader::new(s);
    read_response(&mut r, method == "HEAD")
}

/// Reads a response head and body from `r`, bounded by [`MAX_HEAD`] and
/// [`MAX_BODY`].
pub(crate) fn read_response<R: BufRead>(r: &mut R, head_only: bool) -> io::Result<HttpResponse> {
    let Some(lines) = read_head(r)? else {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed before a response",
        ));
    };
    let (status, headers) = parse_response_head(&lines)?;
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    let body = if head_only || status < 200 || status == 204 || status == 304 {
        Vec::new()
    } else if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        read_chunked(r, MAX_BODY)?
    } else if let Some(len) = find("content-length") {
        let len: u64 = len
            .parse()
            .map_err(|_| bad(format!("Content-Length {len:?}")))?;
        if len > MAX_BODY {
            return Err(bad(format!("body of {len} bytes is over the limit")));
        }
        let mut body = Vec::new();
        r.take(len).read_to_end(&mut body)?;
        if (body.len() as u64) < len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("body ended after {} of {len} bytes", body.len()),
            ));
        }
        body
    } else {
        let mut body = Vec::new();
        r.take(MAX_BODY + 1).read_to_end(&mut body)?;
        if body.len() as u64 > MAX_BODY {
            return Err(bad("body is over the limit".to_owned()));
        }
        body
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

fn bad(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// One line without its line ending, at most `limit` bytes; `None` at end of
/// input.
fn read_line<R: BufRead>(r: &mut R, limit: usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    r.by_ref()
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if buf.is_empty() {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(if buf.len() > limit {
            bad("line too long".to_owned())
        } else {
            io::Error::new(io::ErrorKind::UnexpectedEof, "input ended inside a line")
        });
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// The lines of an HTTP head up to the blank line, or `None` if the input
/// ends before it starts. At most [`MAX_HEAD`] bytes.
pub(crate) fn read_head<R: BufRead>(r: &mut R) -> io::Result<Option<Vec<String>>> {
    let mut lines = Vec::new();
    let mut used = 0usize;
    loop {
        let Some(line) = read_line(r, MAX_HEAD - used)? else {
            return if lines.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "input ended inside an HTTP head",
                ))
            };
        };
        used += line.len() + 2;
        if used > MAX_HEAD {
            return Err(bad("HTTP head too long".to_owned()));
        }
        if line.is_empty() {
            return Ok(Some(lines));
        }
        lines.push(line);
    }
}

/// Status code and headers of a response head's lines.
pub(crate) fn parse_response_head(lines: &[String]) -> io::Result<(u16, Vec<(String, String)>)> {
    let first = lines
        .first()
        .ok_or_else(|| bad("empty response head".to_owned()))?;
    let mut parts = first.split_whitespace();
    let version = parts.next().unwrap_or("");
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..=999).contains(s));
    let (true, Some(status)) = (version.starts_with("HTTP/"), status) else {
        return Err(bad(format!("bad status line {first:?}")));
    };
    let headers = lines[1..]
        .iter()
        .map(|l| match l.split_once(':') {
            Some((k, v)) => Ok((k.trim().to_owned(), v.trim().to_owned())),
            None => Err(bad(format!("bad header line {l:?}"))),
        })
        .collect::<io::Result<_>>()?;
    Ok((status, headers))
}

/// A chunked body, de-chunked, at most `max` bytes.
pub(crate) fn read_chunked<R: BufRead>(r: &mut R, max: u64) -> io::Result<Vec<u8>> {
    let eof = || io::Error::new(io::ErrorKind::UnexpectedEof, "chunked body ended early");
    let mut body = Vec::new();
    loop {
        let line = read_line(r, 1024)?.ok_or_else(eof)?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size, 16)
            .map_err(|_| bad(format!("bad chunk size line {line:?}")))?;
        if size == 0 {
            // Trailers, up to the blank line.
            while !read_line(r, MAX_HEAD)?.ok_or_else(eof)?.is_empty() {}
            return Ok(body);
        }
        if (body.len() as u64).saturating_add(size) > max {
            return Err(bad("chunked body is over the limit".to_owned()));
        }
        let before = body.len();
        r.take(size).read_to_end(&mut body)?;
        if ((body.len() - before) as u64) < size {
            return Err(eof());
        }
        if !read_line(r, 2)?.ok_or_else(eof)?.is_empty() {
            return Err(bad("chunk data longer than its size".to_owned()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o, "{i:?}");
        }
    }

    #[test]
    fn origin_is_stripped_from_absolute_locations_only() {
        assert_eq!(
            strip_origin("http://127.0.0.1:5000/v2/a/blobs/uploads/u?_state=x"),
            "/v2/a/blobs/uploads/u?_state=x"
        );
        assert_eq!(strip_origin("https://h"), "/");
        assert_eq!(strip_origin("/v2/a/x"), "/v2/a/x");
    }

    #[test]
    fn tools_are_found_only_in_the_given_path() {
        let d = tempfile::tempdir().unwrap();
        let exe = d.path().join("skopeo");
        fs::write(&exe, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
        fs::write(d.path().join("registry"), "not executable").unwrap();
        let path = d.path().as_os_str();
        assert_eq!(find_in_path("skopeo", Some(path)), Some(exe));
        assert_eq!(find_in_path("registry", Some(path)), None);
        let err = Tools::find(&RegistryOptions::tls().with_auth("u", "p"), Some(path)).unwrap_err();
        assert!(err.contains("docker-registry"), "{err}");
        assert!(err.contains("openssl") && err.contains("htpasswd"), "{err}");
        assert!(!err.contains("skopeo"), "{err}");
        assert!(Tools::find(&RegistryOptions::plain(), None).is_err());
    }

    #[test]
    fn a_taken_port_is_reported_as_taken() {
        let Ok(tools) = Tools::find(
            &RegistryOptions::plain(),
            std::env::var_os("PATH").as_deref(),
        ) else {
            eprintln!("skipping: registry tools not installed");
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("storage")).unwrap();
        let squatter = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = squatter.local_addr().unwrap().port();
        let (mut child, ready) = launch(&tools, dir.path(), port, &RegistryOptions::plain());
        stop(&mut child, &dir.path().join("registry.pid"));
        assert!(
            matches!(ready, Ready::PortTaken),
            "{}",
            read_lossy(&dir.path().join("registry.log"))
        );
        // And a free port works with the same files.
        drop(squatter);
        let port = free_port();
        let (mut child, ready) = launch(&tools, dir.path(), port, &RegistryOptions::plain());
        let served = http(&format!("127.0.0.1:{port}"), "GET", "/v2/", &[], b"").map(|r| r.status);
        stop(&mut child, &dir.path().join("registry.pid"));
        assert!(matches!(ready, Ready::Yes));
        assert_eq!(served.unwrap(), 200);
    }

    #[test]
    fn config_names_tls_and_auth_only_when_asked() {
        let root = Path::new("/tmp/r \"q\"");
        let plain = registry_config(root, 1234, &RegistryOptions::plain());
        assert!(plain.contains("addr: 127.0.0.1:1234"));
        assert!(
            plain.contains(r#"rootdirectory: "/tmp/r \"q\"/storage""#),
            "{plain}"
        );
        assert!(!plain.contains("tls:") && !plain.contains("auth:"));
        let both = registry_config(root, 1, &RegistryOptions::tls().with_auth("u", "p"));
        assert!(both.contains("  tls:\n    certificate:") && both.contains("auth:\n  htpasswd:"));
    }

    #[test]
    fn response_with_content_length_and_short_body() {
        let ok = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: b\r\n\r\nabcdef";
        let r = read_response(&mut &ok[..], false).unwrap();
        assert_eq!(
            (r.status, r.body.as_slice(), r.header("x-a")),
            (200, &b"abc"[..], Some("b"))
        );
        let short = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        let e = read_response(&mut &short[..], false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        let head = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
        assert!(read_response(&mut &head[..], true).unwrap().body.is_empty());
    }

    #[test]
    fn bad_heads_are_errors() {
        for input in [
            &b""[..],
            b"HTTP/1.1 200 OK\r\n",
            b"HTTP/1.1 abc OK\r\n\r\n",
            b"SSH-2.0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nnocolon\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        ] {
            assert!(read_response(&mut &input[..], false).is_err(), "{input:?}");
        }
    }

    fn chunk(parts: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in parts.iter().filter(|p| !p.is_empty()) {
            out.extend_from_slice(format!("{:x};ext=1\r\n", p.len()).as_bytes());
            out.extend_from_slice(p);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\nTrailer: x\r\n\r\n");
        out
    }

    proptest! {
        #[test]
        fn chunked_round_trips(parts in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..300), 0..8)) {
            let wire = chunk(&parts);
            let got = read_chunked(&mut wire.as_slice(), MAX_BODY).unwrap();
            prop_assert_eq!(got, parts.concat());
        }

        #[test]
        fn truncated_chunked_is_an_error(parts in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 1..100), 1..5), cut in any::<prop::sample::Index>()) {
            let wire = chunk(&parts);
            let n = cut.index(wire.len());
            prop_assert!(read_chunked(&mut &wire[..n], MAX_BODY).is_err());
        }

        #[test]
        fn response_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512),
                                        head_only in any::<bool>()) {
            let _ = read_response(&mut bytes.as_slice(), head_only);
        }

        #[test]
        fn response_parser_reads_what_it_is_given(status in 100u16..1000,
            body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut wire = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            wire.extend_from_slice(&body);
            let r = read_response(&mut wire.as_slice(), false).unwrap();
            prop_assert_eq!(r.status, status);
            let empty = status < 200 || status == 204 || status == 304;
            prop_assert_eq!(r.body, if empty { Vec::new() } else { body });
        }
    }
}
