//! docker inspect dumps: every runtime check, positive and negative, with
//! the line of the offending key.

mod common;

use common::{assert_at, ids, line_after, of_obj};
use drydock_findings::Severity;
use drydock_misconfig::{audit, audit_inspect};

const DUMP: &str = r#"[
  {
    "Id": "6f1c0e1f2d3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4",
    "Name": "/bad",
    "AppArmorProfile": "unconfined",
    "Config": {
      "User": "",
      "Image": "nginx:latest"
    },
    "HostConfig": {
      "Binds": [
        "/var/run/docker.sock:/var/run/docker.sock",
        "/etc:/host/etc:ro",
        "/srv/app:/app",
        "data:/data"
      ],
      "NetworkMode": "host",
      "PortBindings": {
        "22/tcp": [{"HostIp": "", "HostPort": "2222"}],
        "80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "80"}]
      },
      "RestartPolicy": {"Name": "always", "MaximumRetryCount": 0},
      "CapAdd": ["SYS_ADMIN", "CAP_NET_RAW", "CHOWN"],
      "CapDrop": null,
      "CgroupParent": "/custom",
      "IpcMode": "host",
      "PidMode": "host",
      "Privileged": true,
      "ReadonlyRootfs": false,
      "SecurityOpt": ["seccomp=unconfined", "label=disable", "systempaths=unconfined"],
      "UTSMode": "host",
      "UsernsMode": "host",
      "Memory": 0,
      "NanoCpus": 0,
      "CpuShares": 0,
      "CpuQuota": 0,
      "PidsLimit": null,
      "Devices": [{"PathOnHost": "/dev/kvm", "PathInContainer": "/dev/kvm", "CgroupPermissions": "rwm"}],
      "Sysctls": {"net.core.somaxconn": "1024", "net.ipv4.tcp_syncookies": "1"},
      "Mounts": [
        {"Type": "bind", "Source": "/mnt/shared", "Target": "/shared", "BindOptions": {"Propagation": "rshared"}}
      ]
    },
    "Mounts": [
      {"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "Mode": "", "RW": true, "Propagation": "rprivate"},
      {"Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data", "Destination": "/data", "Driver": "local", "RW": true}
    ]
  },
  {
    "Id": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "Name": "/good",
    "AppArmorProfile": "docker-default",
    "Config": {"User": "1000:1000"},
    "HostConfig": {
      "Binds": ["/srv/app:/app:ro"],
      "NetworkMode": "bridge",
      "PortBindings": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8080"}]},
      "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 3},
      "CapAdd": null,
      "CapDrop": ["ALL"],
      "CgroupParent": "",
      "IpcMode": "private",
      "PidMode": "",
      "Privileged": false,
      "ReadonlyRootfs": true,
      "SecurityOpt": ["no-new-privileges:true", "label=type:container_t"],
      "UTSMode": "",
      "UsernsMode": "",
      "Memory": 536870912,
      "NanoCpus": 1000000000,
      "PidsLimit": 128,
      "Devices": [],
      "Sysctls": {"net.ipv4.ip_unprivileged_port_start": "0"}
    },
    "Mounts": [
      {"Type": "volume", "Name": "cache", "Source": "/var/lib/docker/volumes/cache/_data", "Destination": "/cache", "RW": true}
    ]
  }
]
"#;

fn findings() -> Vec<drydock_findings::Misconfiguration> {
    audit("inspect.json", DUMP.as_bytes()).expect("audits")
}

#[test]
fn good_container_is_clean() {
    let f = findings();
    let good: Vec<_> = f
        .iter()
        .filter(|m| m.location.object.as_deref() == Some("container good"))
        .map(|m| (m.check_id.clone(), m.evidence.clone()))
        .collect();
    assert!(good.is_empty(), "{good:?}");
}

#[test]
fn every_source_is_docker_inspect() {
    for m in findings() {
        assert_eq!(m.source, "docker-inspect");
        assert_eq!(m.location.file.as_deref(), Some("inspect.json"));
    }
}

#[test]
fn bad_container_findings_sit_on_their_lines() {
    let f = findings();
    let o = "container bad";
    let l = |n: &str| line_after(DUMP, "\"/bad\"", n);
    assert_at(&f, "DD-RT-001", o, l("\"Privileged\": true"));
    assert_at(&f, "DD-RT-003", o, l("\"CapAdd\""));
    assert_at(&f, "DD-RT-005", o, l("\"NetworkMode\": \"host\""));
    assert_at(&f, "DD-RT-006", o, l("\"PidMode\": \"host\""));
    assert_at(&f, "DD-RT-007", o, l("\"IpcMode\": \"host\""));
    assert_at(&f, "DD-RT-008", o, l("\"UTSMode\": \"host\""));
    assert_at(&f, "DD-RT-009", o, l("\"UsernsMode\": \"host\""));
    // The socket is mounted once (Mounts and Binds are de-duplicated).
    let sock = of_obj(&f, "DD-RT-010", o);
    assert_eq!(sock.len(), 1, "{sock:?}");
    assert_eq!(
        sock[0].location.line,
        Some(l(
            "{\"Type\": \"bind\", \"Source\": \"/var/run/docker.sock\""
        ))
    );
    assert_eq!(sock[0].severity, Severity::Critical);
    assert_at(&f, "DD-RT-011", o, l("\"/etc:/host/etc:ro\""));
    assert_at(&f, "DD-RT-020", o, l("\"SecurityOpt\""));
    // Privileged containers always run unconfined: not reported twice.
    assert!(of_obj(&f, "DD-RT-022", o).is_empty());
    assert_at(&f, "DD-RT-023", o, l("\"SecurityOpt\""));
    assert_at(&f, "DD-RT-024", o, l("\"SecurityOpt\""));
    assert_at(&f, "DD-RT-025", o, l("\"net.core.somaxconn\""));
    assert_at(&f, "DD-RT-026", o, l("\"/mnt/shared\""));
    assert_at(&f, "DD-RT-027", o, l("\"/dev/kvm\""));
    assert_at(&f, "DD-RT-028", o, l("\"CgroupParent\": \"/custom\""));
    assert_at(&f, "DD-RT-030", o, l("\"SecurityOpt\""));
    assert_at(&f, "DD-RT-031", o, l("\"ReadonlyRootfs\": false"));
    assert_at(&f, "DD-RT-040", o, l("\"Memory\": 0"));
    assert_at(&f, "DD-RT-041", o, l("\"NanoCpus\": 0"));
    assert_at(&f, "DD-RT-042", o, l("\"PidsLimit\": null"));
    assert_at(&f, "DD-RT-043", o, l("\"Name\": \"always\""));
    assert_at(&f, "DD-RT-050", o, l("\"User\": \"\""));
    assert_at(&f, "DD-RT-060", o, l("\"80/tcp\""));
    assert_at(&f, "DD-RT-061", o, l("\"22/tcp\""));
    assert_at(&f, "DD-RT-062", o, l("\"22/tcp\""));
}

#[test]
fn capability_checks_split_by_kind() {
    let f = findings();
    let o = "container bad";
    let dangerous: Vec<&str> = of_obj(&f, "DD-RT-003", o)
        .iter()
        .map(|m| m.evidence.as_str())
        .collect();
    assert_eq!(dangerous.len(), 2, "{dangerous:?}");
    assert!(dangerous.iter().any(|e| e.contains("SYS_ADMIN")));
    assert!(dangerous.iter().any(|e| e.contains("CAP_NET_RAW")));
    // CHOWN is in the baseline set: not DD-RT-002, but not minimal.
    let beyond: Vec<&str> = of_obj(&f, "DD-RT-002", o)
        .iter()
        .map(|m| m.evidence.as_str())
        .collect();
    assert_eq!(beyond.len(), 2, "{beyond:?}");
    assert!(
        of_obj(&f, "DD-RT-004", o)
            .iter()
            .any(|m| m.evidence.contains("CHOWN"))
    );
    // Privileged containers are not also told to drop ALL.
    assert!(
        !of_obj(&f, "DD-RT-004", o)
            .iter()
            .any(|m| m.evidence.contains("dropped"))
    );
}

#[test]
fn named_volumes_are_not_host_mounts() {
    let f = findings();
    assert!(
        !f.iter()
            .any(|m| m.evidence.contains("/var/lib/docker/volumes")),
        "{f:#?}"
    );
    assert!(!f.iter().any(|m| m.evidence.starts_with("data ")));
}

#[test]
fn single_object_and_variants() {
    let one = r#"{"Name": "/x", "Config": {"User": "root:root"}, "HostConfig": {"CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"],
        "ReadonlyRootfs": true, "Memory": 1, "CpuQuota": 50000, "PidsLimit": 10,
        "RestartPolicy": {"Name": "on-failure", "MaximumRetryCount": 0}}}"#;
    let f = audit_inspect("one.json", one.as_bytes()).expect("audits");
    assert_eq!(
        ids(&f).into_iter().collect::<Vec<_>>(),
        ["DD-RT-043", "DD-RT-050"],
        "{f:#?}"
    );
    // Unlimited restarts vs bounded; numeric root; non-root.
    let bounded = one
        .replace("\"MaximumRetryCount\": 0", "\"MaximumRetryCount\": 5")
        .replace("root:root", "0");
    let f = audit_inspect("one.json", bounded.as_bytes()).expect("audits");
    assert_eq!(ids(&f).into_iter().collect::<Vec<_>>(), ["DD-RT-050"]);
    let fine = bounded.replace("\"User\": \"0\"", "\"User\": \"app\"");
    assert!(
        audit_inspect("one.json", fine.as_bytes())
            .expect("audits")
            .is_empty()
    );
    let many = bounded.replace("\"MaximumRetryCount\": 5", "\"MaximumRetryCount\": 10");
    assert!(
        ids(&audit_inspect("one.json", many.as_bytes()).expect("audits")).contains("DD-RT-043")
    );
}

#[test]
fn seccomp_and_apparmor_old_colon_syntax() {
    let one = r#"{"Name": "/x", "Config": {"User": "app"}, "HostConfig": {"CapDrop": ["ALL"],
        "SecurityOpt": ["seccomp:unconfined", "apparmor:unconfined", "no-new-privileges=true", "label=user:system_u"],
        "ReadonlyRootfs": true, "Memory": 1, "NanoCpus": 1, "PidsLimit": 10}}"#;
    let f = audit_inspect("one.json", one.as_bytes()).expect("audits");
    assert_eq!(
        ids(&f).into_iter().collect::<Vec<_>>(),
        ["DD-RT-020", "DD-RT-022", "DD-RT-023"],
        "{f:#?}"
    );
}

#[test]
fn network_settings_ports_when_no_bindings() {
    let one = r#"{"Name": "/x", "Config": {"User": "app"}, "HostConfig": {"CapDrop": ["ALL"], "SecurityOpt": ["no-new-privileges"],
        "ReadonlyRootfs": true, "Memory": 1, "NanoCpus": 1, "PidsLimit": 10, "PortBindings": {}},
        "NetworkSettings": {"Ports": {"2375/tcp": [{"HostIp": "0.0.0.0", "HostPort": "2375"}, {"HostIp": "::", "HostPort": "2375"}], "53/udp": null}}}"#;
    let f = audit_inspect("one.json", one.as_bytes()).expect("audits");
    assert_eq!(
        ids(&f).into_iter().collect::<Vec<_>>(),
        ["DD-RT-061", "DD-RT-062"],
        "{f:#?}"
    );
    assert_eq!(of_obj(&f, "DD-RT-062", "container x").len(), 2);
}

#[test]
fn wrong_kind_is_an_error() {
    let err =
        audit_inspect("svc.yaml", b"services:\n  a:\n    image: x\n").expect_err("not inspect");
    assert!(
        err.to_string().contains("expected docker inspect output"),
        "{err}"
    );
}
