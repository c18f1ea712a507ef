//! Compose files: every runtime check, positive and negative, short and
//! long syntax, merge keys, with the line of the offending key.

mod common;

use common::{assert_at, ids, line_after, of_obj};
use drydock_misconfig::{audit, audit_compose};

const COMPOSE: &str = r#"# A compose file with one hardened and several weak services.
x-hardening: &hardening
  read_only: true
  cap_drop: [ALL]
  security_opt:
    - no-new-privileges:true
  mem_limit: 256m
  cpus: "0.5"
  pids_limit: 100
  user: "10001:10001"

services:
  good:
    <<: *hardening
    image: registry.example/app:1.2
    ports:
      - "127.0.0.1:8080:8080"
    volumes:
      - data:/data
      - ./config:/config:ro
    restart: on-failure:3

  bad:
    image: nginx
    privileged: true
    network_mode: host
    pid: host
    ipc: host
    uts: host
    userns_mode: host
    user: root
    cap_add:
      - SYS_ADMIN
      - NET_BIND_SERVICE
      - KILL
    security_opt:
      - seccomp:unconfined
      - apparmor=unconfined
      - label=type:spc_t
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - type: bind
        source: /proc
        target: /host/proc
      - type: bind
        source: /mnt/data
        target: /data
        bind:
          propagation: rshared
    devices:
      - /dev/fuse:/dev/fuse
    sysctls:
      net.core.somaxconn: 1024
      net.ipv4.tcp_syncookies: 1
    cgroup_parent: m-executor-abcd
    restart: always
    ports:
      - "22:22"
      - 80:8080
      - target: 2375
        published: 2375
        host_ip: 0.0.0.0

  inherits:
    <<: *hardening
    user: "0"
    restart: unless-stopped

  swarm:
    <<: *hardening
    deploy:
      restart_policy:
        condition: on-failure
    ports:
      - "9000"

  limited-by-deploy:
    image: x
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges]
    user: app
    deploy:
      resources:
        limits:
          cpus: "1"
          memory: 512M
          pids: 50
      restart_policy:
        condition: any
        max_attempts: 3
    sysctls:
      - net.ipv4.ip_unprivileged_port_start=0
      - kernel.msgmax=65536
"#;

fn findings() -> Vec<drydock_findings::Misconfiguration> {
    audit("docker-compose.yml", COMPOSE.as_bytes()).expect("audits")
}

#[test]
fn hardened_services_are_clean() {
    let f = findings();
    {
        let svc = "service good";
        let got: Vec<_> = f
            .iter()
            .filter(|m| m.location.object.as_deref() == Some(svc))
            .map(|m| (m.check_id.clone(), m.evidence.clone()))
            .collect();
        assert!(got.is_empty(), "{svc}: {got:?}");
    }
    let deploy: Vec<_> = f
        .iter()
        .filter(|m| m.location.object.as_deref() == Some("service limited-by-deploy"))
        .map(|m| m.check_id.clone())
        .collect();
    assert_eq!(deploy, ["DD-RT-025"], "only the unsafe sysctl");
}

#[test]
fn weak_service_findings_sit_on_their_lines() {
    let f = findings();
    let o = "service bad";
    let l = |n: &str| line_after(COMPOSE, "  bad:", n);
    assert_at(&f, "DD-RT-001", o, l("privileged: true"));
    assert_at(&f, "DD-RT-002", o, l("- SYS_ADMIN"));
    assert_at(&f, "DD-RT-003", o, l("- SYS_ADMIN"));
    assert_at(&f, "DD-RT-004", o, l("- KILL"));
    assert_at(&f, "DD-RT-005", o, l("network_mode: host"));
    assert_at(&f, "DD-RT-006", o, l("pid: host"));
    assert_at(&f, "DD-RT-007", o, l("ipc: host"));
    assert_at(&f, "DD-RT-008", o, l("uts: host"));
    assert_at(&f, "DD-RT-009", o, l("userns_mode: host"));
    assert_at(
        &f,
        "DD-RT-010",
        o,
        l("/var/run/docker.sock:/var/run/docker.sock"),
    );
    assert_at(&f, "DD-RT-011", o, l("- type: bind"));
    assert_at(&f, "DD-RT-020", o, l("seccomp:unconfined"));
    assert_at(&f, "DD-RT-022", o, l("apparmor=unconfined"));
    assert_at(&f, "DD-RT-023", o, l("label=type:spc_t"));
    assert_at(&f, "DD-RT-025", o, l("net.core.somaxconn"));
    assert_at(&f, "DD-RT-026", o, l("source: /mnt/data") - 1);
    assert_at(&f, "DD-RT-027", o, l("/dev/fuse"));
    assert_at(&f, "DD-RT-028", o, l("cgroup_parent"));
    assert_at(&f, "DD-RT-030", o, l("security_opt:"));
    // Missing settings point at the service.
    let svc = l("  bad:");
    assert_at(&f, "DD-RT-031", o, svc);
    assert_at(&f, "DD-RT-040", o, svc);
    assert_at(&f, "DD-RT-041", o, svc);
    assert_at(&f, "DD-RT-042", o, svc);
    assert_at(&f, "DD-RT-043", o, l("restart: always"));
    assert_at(&f, "DD-RT-050", o, l("user: root"));
    assert_at(&f, "DD-RT-060", o, l("- 80:8080"));
    assert_at(&f, "DD-RT-061", o, l("\"22:22\""));
    assert_at(&f, "DD-RT-061", o, l("- target: 2375"));
    assert_at(&f, "DD-RT-062", o, l("- target: 2375"));
    assert!(
        of_obj(&f, "DD-RT-002", o)
            .iter()
            .all(|m| !m.evidence.starts_with("capability NET_BIND_SERVICE"))
    );
    assert!(
        of_obj(&f, "DD-RT-004", o)
            .iter()
            .all(|m| !m.evidence.starts_with("capability NET_BIND_SERVICE"))
    );
    for m in &f {
        assert_eq!(m.source, "compose");
    }
}

#[test]
fn merge_keys_bring_settings_and_their_lines() {
    let f = findings();
    // `user: "0"` overrides the anchor's user and is root.
    assert_at(
        &f,
        "DD-RT-050",
        "service inherits",
        line_after(COMPOSE, "  inherits:", "user: \"0\""),
    );
    assert_at(
        &f,
        "DD-RT-043",
        "service inherits",
        line_after(COMPOSE, "  inherits:", "restart: unless-stopped"),
    );
    let inherited = ids(&of_obj(&f, "DD-RT-031", "service inherits")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>());
    assert!(inherited.is_empty(), "read_only comes from the anchor");
}

#[test]
fn swarm_restart_policy_and_random_ports() {
    let f = findings();
    let o = "service swarm";
    assert_at(
        &f,
        "DD-RT-043",
        o,
        line_after(COMPOSE, "  swarm:", "restart_policy:"),
    );
    assert_at(
        &f,
        "DD-RT-062",
        o,
        line_after(COMPOSE, "  swarm:", "\"9000\""),
    );
    assert!(of_obj(&f, "DD-RT-060", o).is_empty());
}

#[test]
fn user_unset_is_not_enforced_non_root() {
    let f = audit_compose(
        "c.yaml",
        b"services:\n  a:\n    image: x\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges]\n    mem_limit: 1g\n    cpus: 1\n    pids_limit: 5\n",
    )
    .expect("audits");
    assert_eq!(
        ids(&f).into_iter().collect::<Vec<_>>(),
        ["DD-RT-051"],
        "{f:#?}"
    );
    assert_eq!(f[0].location.line, Some(2));
}

#[test]
fn restart_variants() {
    let base = "services:\n  a:\n    image: x\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges]\n    mem_limit: 1g\n    cpus: 1\n    pids_limit: 5\n    user: app\n";
    for (restart, flagged) in [
        ("no", false),
        ("\"no\"", false),
        ("on-failure", true),
        ("on-failure:5", false),
        ("on-failure:9", true),
        ("always", true),
        ("unless-stopped", true),
    ] {
        let text = format!("{base}    restart: {restart}\n");
        let f = audit_compose("c.yaml", text.as_bytes()).expect("audits");
        assert_eq!(
            ids(&f).contains("DD-RT-043"),
            flagged,
            "restart: {restart}: {f:#?}"
        );
    }
}

#[test]
fn bind_sources_and_socket_variants() {
    let mk = |vol: &str| format!("services:\n  a:\n    image: x\n    volumes:\n      - {vol}\n");
    for (vol, socket, sensitive) in [
        ("//var/run/docker.sock:/var/run/docker.sock", true, false),
        ("/run/containerd/containerd.sock:/c.sock", true, false),
        ("/run/podman/podman.sock:/p.sock", true, false),
        ("/var/run:/host-run", true, false),
        ("/:/host", true, true),
        ("/lib/modules:/lib/modules:ro", false, true),
        ("/var/lib/docker:/docker", false, true),
        ("/boot:/boot", false, true),
        ("./src:/src", false, false),
        ("named:/var/run", false, false),
    ] {
        let f = audit_compose("c.yaml", mk(vol).as_bytes()).expect("audits");
        assert_eq!(ids(&f).contains("DD-RT-010"), socket, "{vol}");
        assert_eq!(ids(&f).contains("DD-RT-011"), sensitive, "{vol}");
    }
}

#[test]
fn yaml_booleans_and_string_flags() {
    for v in ["true", "yes", "on", "\"true\""] {
        let text = format!("services:\n  a:\n    image: x\n    privileged: {v}\n");
        let f = audit_compose("c.yaml", text.as_bytes()).expect("audits");
        assert!(ids(&f).contains("DD-RT-001"), "privileged: {v}");
    }
    for v in ["false", "no", "\"false\""] {
        let text = format!("services:\n  a:\n    image: x\n    privileged: {v}\n");
        let f = audit_compose("c.yaml", text.as_bytes()).expect("audits");
        assert!(!ids(&f).contains("DD-RT-001"), "privileged: {v}");
    }
}

#[test]
fn interpolated_values_are_skipped() {
    let f = audit_compose(
        "c.yaml",
        b"services:\n  a:\n    image: x\n    ports:\n      - \"${PORT:-22}:22\"\n",
    )
    .expect("audits");
    assert!(!ids(&f).contains("DD-RT-061"));
}
