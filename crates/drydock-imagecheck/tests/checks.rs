//! Image checks over hand-built configs and file systems: every check fires
//! on its positive and stays quiet on the hardened equivalent.

use drydock_findings::{Misconfiguration, Severity};
use drydock_fs::{LayerIndex, LayeredFs};
use drydock_imagecheck::{CHECKS, ImageInput, check};
use drydock_layer::{Change, EntryKind, EntryMeta};
use drydock_oci::{ImageConfig, parse_config};
use drydock_secrets::RuleSet;
use serde_json::json;

fn entry(path: &str, kind: EntryKind, mode: u32, link: Option<&str>) -> EntryMeta {
    EntryMeta {
        path: path.to_owned(),
        kind,
        mode,
        uid: 0,
        gid: 0,
        size: if kind == EntryKind::File { 10 } else { 0 },
        link: link.map(str::to_owned),
    }
}

fn fs(layers: &[&[EntryMeta]]) -> LayeredFs {
    LayeredFs::build(
        layers
            .iter()
            .map(|entries| {
                let mut idx = LayerIndex::default();
                for e in *entries {
                    idx.record(Change::Entry(e));
                }
                idx
            })
            .collect(),
    )
}

fn config(v: serde_json::Value) -> ImageConfig {
    let mut doc = json!({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}});
    for (k, val) in v.as_object().unwrap() {
        doc[k] = val.clone();
    }
    parse_config(&serde_json::to_vec(&doc).unwrap()).unwrap()
}

fn run(
    cfg: &ImageConfig,
    fs: &LayeredFs,
    owned: &[String],
    layers: &[Option<usize>],
) -> Vec<Misconfiguration> {
    let rules = RuleSet::builtin();
    check(&ImageInput {
        config: cfg,
        fs,
        owned,
        history_layers: layers,
        secret_rules: Some(&rules),
    })
}

fn ids(found: &[Misconfiguration]) -> Vec<&str> {
    let mut v: Vec<&str> = found.iter().map(|f| f.check_id.as_str()).collect();
    v.sort();
    v
}

/// The shop-like image: everything wrong at once.
#[test]
fn every_check_fires_on_a_careless_image() {
    let cfg = config(json!({
        "config": {
            "Env": ["PATH=/usr/bin", "DB_PASSWORD=Pr0d-0ydN0T0TIbWWOm", "PASSWORD_FILE=/run/secrets/db"],
            "ExposedPorts": {"22/tcp": {}, "8000/tcp": {}, "2375/tcp": {}},
            "Volumes": {"/var/run/docker.sock": {}},
            "Labels": {"org.opencontainers.image.base.name": "docker.io/library/debian:latest"},
        },
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": "/bin/sh -c #(nop)  ARG GITHUB_TOKEN", "empty_layer": true},
            {"created_by": "|1 GITHUB_TOKEN=ghp_BIVrIb4aPDuliZeTcU3R32W1gQTi54APTVfM /bin/sh -c apt-get update && apt-get install -y curl"},
            {"created_by": "/bin/sh -c curl -sSL https://get.example.sh | sh"},
            {"created_by": "/bin/sh -c sudo chmod 777 /app"},
            {"created_by": "/bin/sh -c apt-get update"},
            {"created_by": "/bin/sh -c #(nop) ADD dir:123 in /app"},
            {"created_by": "/bin/sh -c #(nop)  EXPOSE 22 8000 2375", "empty_layer": true},
        ]
    }));
    let base = [
        entry("bin", EntryKind::Dir, 0o755, None),
        entry("bin/bash", EntryKind::File, 0o755, None),
        entry("usr/bin/apt-get", EntryKind::File, 0o755, None),
        entry("usr/bin/passwd", EntryKind::File, 0o4755, None),
        entry("usr/bin/curl", EntryKind::File, 0o755, None),
        entry("usr/sbin/sshd", EntryKind::File, 0o755, None),
        entry("tmp", EntryKind::Dir, 0o1777, None),
    ];
    let app = [
        entry("usr/local/bin/find2", EntryKind::File, 0o4755, None),
        entry("app/shared.cfg", EntryKind::File, 0o666, None),
        entry("app/uploads", EntryKind::Dir, 0o777, None),
    ];
    let f = fs(&[&base, &app]);
    let owned = vec!["/usr/bin/passwd".to_owned(), "/bin/bash".to_owned()];
    let layers = [
        Some(0),
        None,
        Some(1),
        Some(2),
        Some(3),
        Some(4),
        Some(5),
        None,
    ];
    let found = run(&cfg, &f, &owned, &layers);
    let got = ids(&found);
    for id in [
        "DD-IMG-001",
        "DD-IMG-002",
        "DD-IMG-003",
        "DD-IMG-004",
        "DD-IMG-005",
        "DD-IMG-006",
        "DD-IMG-007",
        "DD-IMG-008",
        "DD-IMG-009",
        "DD-IMG-010",
        "DD-IMG-011",
        "DD-IMG-012",
        "DD-IMG-013",
        "DD-IMG-014",
        "DD-IMG-015",
        "DD-IMG-016",
    ] {
        assert!(got.contains(&id), "{id} missing from {got:?}");
    }
    // Every check id in CHECKS is exercised above.
    assert_eq!(CHECKS.len(), 16);

    let by = |id: &str| {
        found
            .iter()
            .filter(|f| f.check_id == id)
            .collect::<Vec<_>>()
    };
    // Ports: 22 and 2375, not 8000; 2375 raised to critical; the EXPOSE
    // step is cited.
    let ports = by("DD-IMG-003");
    assert_eq!(ports.len(), 2, "{ports:#?}");
    let docker = ports
        .iter()
        .find(|p| p.location.config_path.as_deref() == Some("config.ExposedPorts.2375/tcp"))
        .unwrap();
    assert_eq!(docker.severity, Severity::Critical);
    assert!(
        docker.evidence.contains("history[7]"),
        "{}",
        docker.evidence
    );
    // ENV: DB_PASSWORD, redacted; the _FILE variable is a path, not a secret.
    let env = by("DD-IMG-004");
    assert_eq!(env.len(), 1, "{env:#?}");
    assert!(
        env[0].evidence.starts_with("DB_PASSWORD="),
        "{}",
        env[0].evidence
    );
    assert!(
        !env[0].evidence.contains("0ydN0T0TIbWWOm"),
        "{}",
        env[0].evidence
    );
    assert_eq!(
        env[0].location.config_path.as_deref(),
        Some("config.Env.DB_PASSWORD")
    );
    // Build argument: in history[2], layer 1, by the github-pat rule.
    let arg = by("DD-IMG-005");
    assert_eq!(arg.len(), 1, "{arg:#?}");
    assert_eq!(arg[0].location.layer, Some(1));
    assert!(
        arg[0].evidence.contains("github-pat"),
        "{}",
        arg[0].evidence
    );
    // setuid: find2 only; passwd is the distribution's and goes to the
    // inventory.
    let suid = by("DD-IMG-007");
    assert_eq!(suid.len(), 1);
    assert_eq!(
        suid[0].location.file.as_deref(),
        Some("usr/local/bin/find2")
    );
    assert_eq!(suid[0].location.layer, Some(1));
    let inv: Vec<&str> = by("DD-IMG-010")
        .iter()
        .map(|f| f.evidence.as_str())
        .collect();
    assert!(
        inv.iter().any(|e| e.starts_with("shells: /bin/bash")),
        "{inv:?}"
    );
    assert!(
        inv.iter()
            .any(|e| e.contains("package managers: /usr/bin/apt-get")),
        "{inv:?}"
    );
    assert!(
        inv.iter()
            .any(|e| e.contains("network tools: /usr/bin/curl")),
        "{inv:?}"
    );
    assert!(inv.iter().any(|e| e.contains("/usr/bin/passwd")), "{inv:?}");
    assert!(
        by("DD-IMG-010")
            .iter()
            .all(|f| f.severity == Severity::Info)
    );
    // World-writable: the file and the non-sticky directory, not /tmp.
    assert_eq!(
        by("DD-IMG-008")[0].location.file.as_deref(),
        Some("app/shared.cfg")
    );
    let dirs = by("DD-IMG-009");
    assert_eq!(dirs.len(), 1);
    assert_eq!(dirs[0].location.file.as_deref(), Some("app/uploads"));
    // Only the ADD after the base layer.
    assert_eq!(by("DD-IMG-015").len(), 1);
    // `apt-get update` alone, not the one followed by install.
    assert_eq!(by("DD-IMG-016").len(), 1);
    assert_eq!(
        by("DD-IMG-016")[0].location.config_path.as_deref(),
        Some("history[5].created_by")
    );
}

/// The hardened control: nothing above informational.
#[test]
fn a_hardened_image_has_nothing_above_info() {
    let cfg = config(json!({
        "config": {
            "User": "10001:10001",
            "Env": ["PATH=/usr/bin", "APP_PASSWORD_FILE=/run/secrets/app", "TOKEN_PATH=/var/run/token", "DEBUG=false"],
            "ExposedPorts": {"8080/tcp": {}},
            "Healthcheck": {"Test": ["CMD", "/app/healthcheck"]},
            "Labels": {"org.opencontainers.image.base.name": "gcr.io/distroless/static@sha256:abc"},
        },
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
            {"created_by": "COPY /app /app # buildkit"},
            {"created_by": "USER 10001:10001", "empty_layer": true},
        ]
    }));
    let f = fs(&[&[
        entry("app/server", EntryKind::File, 0o755, None),
        entry("tmp", EntryKind::Dir, 0o1777, None),
    ]]);
    let found = run(&cfg, &f, &[], &[Some(0), Some(1), None]);
    assert!(
        found.iter().all(|f| f.severity <= Severity::Info),
        "{found:#?}"
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn root_spellings_and_healthcheck_none() {
    for user in ["0", "0:0", "root:root"] {
        let cfg = config(json!({"config": {"User": user, "Healthcheck": {"Test": ["NONE"]}}}));
        let found = run(&cfg, &fs(&[]), &[], &[]);
        assert_eq!(ids(&found), ["DD-IMG-001", "DD-IMG-002"], "{user}");
        assert!(found[1].evidence.contains("NONE") || found[0].evidence.contains("NONE"));
    }
}

#[test]
fn merged_usr_paths_match_package_ownership() {
    // /bin is a symlink to usr/bin; dpkg lists /bin/su, the file is at
    // usr/bin/su.
    let f = fs(&[&[
        entry("bin", EntryKind::Symlink, 0o777, Some("usr/bin")),
        entry("usr/bin/su", EntryKind::File, 0o4755, None),
    ]]);
    let cfg = config(json!({"config": {"User": "app", "Healthcheck": {"Test": ["CMD", "true"]}}}));
    let found = run(&cfg, &f, &["/bin/su".to_owned()], &[]);
    assert!(
        found.iter().all(|f| f.check_id != "DD-IMG-007"),
        "{found:#?}"
    );
}
