//! daemon.json and dockerd command lines, alone and together.

mod common;

use std::collections::BTreeSet;

use common::{ids, line_of, of};
use drydock_findings::Severity;
use drydock_misconfig::{audit, audit_daemon, audit_daemon_json, audit_dockerd, audit_files};

const HARDENED: &str = r#"{
  "icc": false,
  "userns-remap": "default",
  "live-restore": true,
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "3"},
  "no-new-privileges": true,
  "userland-proxy": false,
  "authorization-plugins": ["authz-broker"],
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 64000}},
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
  "tls": true,
  "tlsverify": true,
  "tlscacert": "/etc/docker/ca.pem",
  "storage-driver": "overlay2"
}
"#;

const WEAK: &str = r#"{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375", "tcp://127.0.0.1:2377"],
  "insecure-registries": ["registry.internal:5000", "localhost:5000"],
  "icc": true,
  "log-driver": "none",
  "log-level": "debug",
  "experimental": true,
  "iptables": false,
  "storage-driver": "devicemapper",
  "storage-opts": ["dm.basesize=20G"],
  "seccomp-profile": "unconfined",
  "cgroup-parent": "/docker-custom",
  "no-new-privileges": false,
  "live-restore": false,
  "userland-proxy": true
}
"#;

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn hardened_daemon_json_is_clean() {
    let f = audit_daemon_json("daemon.json", HARDENED.as_bytes()).expect("audits");
    assert!(f.is_empty(), "{f:#?}");
    // Detection sends it the same way.
    assert!(
        audit("/etc/docker/daemon.json", HARDENED.as_bytes())
            .expect("audits")
            .is_empty()
    );
}

#[test]
fn weak_daemon_json_findings_and_lines() {
    let f = audit("daemon.json", WEAK.as_bytes()).expect("audits");
    assert_eq!(
        ids(&f),
        set(&[
            "DD-DAEMON-001",
            "DD-DAEMON-002",
            "DD-DAEMON-004",
            "DD-DAEMON-005",
            "DD-DAEMON-006",
            "DD-DAEMON-007",
            "DD-DAEMON-009",
            "DD-DAEMON-010",
            "DD-DAEMON-011",
            "DD-DAEMON-012",
            "DD-DAEMON-013",
            "DD-DAEMON-014",
            "DD-DAEMON-015",
            "DD-DAEMON-016",
            "DD-DAEMON-017",
            "DD-DAEMON-018",
            "DD-DAEMON-019",
        ])
    );
    let at = |id: &str| {
        of(&f, id)
            .iter()
            .map(|m| m.location.line.unwrap_or(0))
            .collect::<Vec<_>>()
    };
    assert_eq!(at("DD-DAEMON-001"), [line_of(WEAK, "\"icc\"")]);
    // Two TCP endpoints without TLS: public is critical, loopback high.
    let tcp = of(&f, "DD-DAEMON-002");
    assert_eq!(tcp.len(), 2);
    let public = tcp
        .iter()
        .find(|m| m.evidence.contains("0.0.0.0"))
        .expect("public");
    let local = tcp
        .iter()
        .find(|m| m.evidence.contains("127.0.0.1"))
        .expect("loopback");
    assert_eq!(public.severity, Severity::Critical);
    assert_eq!(local.severity, Severity::High);
    assert_eq!(public.location.line, Some(line_of(WEAK, "\"hosts\"")));
    assert_eq!(public.location.config_path.as_deref(), Some("hosts[1]"));
    // The loopback registry is not reported.
    let regs = of(&f, "DD-DAEMON-004");
    assert_eq!(regs.len(), 1);
    assert!(regs[0].evidence.contains("registry.internal:5000"));
    assert_eq!(at("DD-DAEMON-007"), [line_of(WEAK, "\"log-driver\"")]);
    assert_eq!(at("DD-DAEMON-010"), [line_of(WEAK, "\"iptables\"")]);
    assert_eq!(at("DD-DAEMON-017"), [line_of(WEAK, "\"storage-driver\"")]);
    assert_eq!(at("DD-DAEMON-018"), [line_of(WEAK, "\"seccomp-profile\"")]);
    // Missing settings point at the top of the file.
    assert_eq!(at("DD-DAEMON-005"), [1]);
    for m in &f {
        assert_eq!(m.source, "daemon");
        assert_eq!(m.location.object.as_deref(), Some("dockerd"));
    }
}

#[test]
fn tls_without_verify() {
    let j = HARDENED.replace("\"tlsverify\": true", "\"tlsverify\": false");
    let f = audit_daemon_json("daemon.json", j.as_bytes()).expect("audits");
    assert_eq!(ids(&f), set(&["DD-DAEMON-003"]));
    let j = HARDENED.replace("\"tls\": true,\n  \"tlsverify\": true,", "");
    let f = audit_daemon_json("daemon.json", j.as_bytes()).expect("audits");
    assert_eq!(ids(&f), set(&["DD-DAEMON-002"]));
}

#[test]
fn log_rotation() {
    let j = HARDENED.replace(
        "\"log-opts\": {\"max-size\": \"10m\", \"max-file\": \"3\"},",
        "",
    );
    let f = audit_daemon_json("daemon.json", j.as_bytes()).expect("audits");
    assert_eq!(ids(&f), set(&["DD-DAEMON-008"]));
    let j = j.replace("\"json-file\"", "\"local\"");
    assert!(
        audit_daemon_json("daemon.json", j.as_bytes())
            .expect("audits")
            .is_empty()
    );
}

#[test]
fn empty_daemon_json_reports_every_default() {
    let f = audit("daemon.json", b"{}").expect("an empty daemon.json is recognised by name");
    assert_eq!(
        ids(&f),
        set(&[
            "DD-DAEMON-001",
            "DD-DAEMON-005",
            "DD-DAEMON-006",
            "DD-DAEMON-008",
            "DD-DAEMON-011",
            "DD-DAEMON-012",
            "DD-DAEMON-013",
            "DD-DAEMON-015",
        ])
    );
    assert!(audit("other.json", b"{}").is_err());
}

const UNIT: &str = "[Unit]\nDescription=Docker\n\n[Service]\nType=notify\n# ExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2375\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// \\\n  -H tcp://0.0.0.0:2375 \\\n  --insecure-registry=10.0.0.5:5000 \\\n  --icc=false --iptables=false --experimental \\\n  --log-level debug --userns-remap=default --live-restore \\\n  --no-new-privileges --userland-proxy=false --authorization-plugin=opa \\\n  --default-ulimit nofile=1024:2048 --log-opt max-size=10m \\\n  --seccomp-profile unconfined -s aufs --cgroup-parent=/x\nExecReload=/bin/kill -s HUP $MAINPID\n";

#[test]
fn dockerd_flags_from_a_systemd_unit() {
    let f = audit("docker.service", UNIT.as_bytes()).expect("audits");
    assert_eq!(
        ids(&f),
        set(&[
            "DD-DAEMON-002",
            "DD-DAEMON-004",
            "DD-DAEMON-009",
            "DD-DAEMON-010",
            "DD-DAEMON-014",
            "DD-DAEMON-016",
            "DD-DAEMON-017",
            "DD-DAEMON-018",
        ]),
        "{f:#?}"
    );
    let line = |id: &str| of(&f, id)[0].location.line;
    assert_eq!(line("DD-DAEMON-002"), Some(9));
    assert_eq!(
        of(&f, "DD-DAEMON-002")[0].location.config_path.as_deref(),
        Some("-H tcp://0.0.0.0:2375")
    );
    assert_eq!(line("DD-DAEMON-004"), Some(10));
    assert_eq!(line("DD-DAEMON-010"), Some(11));
    assert_eq!(line("DD-DAEMON-014"), Some(12));
    assert_eq!(line("DD-DAEMON-018"), Some(15));
    assert_eq!(line("DD-DAEMON-017"), Some(15));
}

#[test]
fn bare_dockerd_command_reports_defaults_at_the_command() {
    let f = audit_dockerd("cmdline", b"dockerd -H unix:///var/run/docker.sock\n").expect("audits");
    assert!(ids(&f).contains("DD-DAEMON-001"));
    assert!(f.iter().all(|m| m.location.line == Some(1)));
    let f = audit_dockerd(
        "cmdline",
        b"/usr/local/bin/dockerd --icc=false --tlsverify -H tcp://0.0.0.0:2376\n",
    )
    .expect("audits");
    assert!(!ids(&f).contains("DD-DAEMON-001"));
    assert!(!ids(&f).contains("DD-DAEMON-002"));
    assert!(!ids(&f).contains("DD-DAEMON-003"));
    let f = audit_dockerd("cmdline", b"dockerd --tls -H 0.0.0.0:2376").expect("audits");
    assert!(ids(&f).contains("DD-DAEMON-003"));
    let f = audit_dockerd("cmdline", b"dockerd -D").expect("audits");
    assert!(ids(&f).contains("DD-DAEMON-014"));
}

#[test]
fn docker_opts_environment_file() {
    let text = "# Docker Upstart and SysVinit configuration file\nDOCKER_OPTS=\"--dns 8.8.8.8 -H tcp://0.0.0.0:2375 --icc=false\"\n";
    let f = audit("/etc/default/docker", text.as_bytes()).expect("audits");
    let tcp = of(&f, "DD-DAEMON-002");
    assert_eq!(tcp.len(), 1);
    assert_eq!(tcp[0].location.line, Some(2));
    assert!(!ids(&f).contains("DD-DAEMON-001"));
}

#[test]
fn combined_daemon_json_and_flags() {
    let json = "{\n  \"hosts\": [\"tcp://0.0.0.0:2375\"],\n  \"icc\": false\n}\n";
    let flags = "ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock --icc=false\n";
    let f = audit_daemon(
        Some(("daemon.json", json.as_bytes())),
        Some(("docker.service", flags.as_bytes())),
    )
    .expect("audits");
    let conflicts = of(&f, "DD-DAEMON-020");
    assert_eq!(conflicts.len(), 2, "hosts and icc: {conflicts:#?}");
    assert!(
        conflicts
            .iter()
            .all(|m| m.location.file.as_deref() == Some("docker.service"))
    );
    // The TCP host from daemon.json is reported in daemon.json.
    let tcp = of(&f, "DD-DAEMON-002");
    assert_eq!(tcp.len(), 1);
    assert_eq!(tcp[0].location.file.as_deref(), Some("daemon.json"));
    assert_eq!(tcp[0].location.line, Some(2));
    // Missing settings go to daemon.json, where the fix belongs.
    assert!(
        of(&f, "DD-DAEMON-006")
            .iter()
            .all(|m| m.location.file.as_deref() == Some("daemon.json"))
    );
    // Settings from either file count: live-restore set by flag only.
    let f2 = audit_daemon(
        Some(("daemon.json", b"{\"icc\": false}")),
        Some(("cmd", b"dockerd --live-restore")),
    )
    .expect("audits");
    assert!(!ids(&f2).contains("DD-DAEMON-006"));
    assert!(!ids(&f2).contains("DD-DAEMON-001"));
    assert!(!ids(&f2).contains("DD-DAEMON-020"));
}

#[test]
fn audit_files_pairs_daemon_inputs() {
    let out = audit_files(&[
        ("daemon.json", b"{\"icc\": false}".as_slice()),
        (
            "docker.service",
            b"ExecStart=/usr/bin/dockerd --icc=true".as_slice(),
        ),
        ("broken.yaml", b"services: [\n".as_slice()),
    ]);
    assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
    assert!(ids(&out.findings).contains("DD-DAEMON-020"));
    assert!(
        ids(&out.findings).contains("DD-DAEMON-001"),
        "the flag wins for evaluation"
    );
}

#[test]
fn malformed_inputs_are_errors() {
    let err =
        audit_daemon_json("daemon.json", b"{\n  \"icc\": false,\n}\n").expect_err("trailing comma");
    assert_eq!(err.to_string(), "daemon.json:3:1: expected a string key");
    let err = audit_dockerd("cmd", b"dockerd --label 'unterminated\n").expect_err("quote");
    assert!(err.to_string().starts_with("cmd:1:"), "{err}");
    assert!(audit_dockerd("cmd", b"containerd --foo").is_err());
    assert!(audit_daemon_json("daemon.json", b"[1, 2]").is_err());
}
