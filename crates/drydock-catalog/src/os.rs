//! Operating system identification from release files.

use drydock_inventory::Distro;
use drydock_layer::EntryMeta;

use crate::{DistroHint, FileCataloger, Finding};

/// Release files with their rank (lower is more authoritative).
const FILES: &[(&str, u8)] = &[
    ("etc/os-release", 0),
    ("usr/lib/os-release", 1),
    ("etc/alpine-release", 2),
    ("etc/debian_version", 3),
    ("etc/redhat-release", 3),
    ("etc/centos-release", 3),
    ("etc/fedora-release", 3),
    ("etc/lsb-release", 4),
];

/// The `os-release`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "os-release",
    version: 1,
    max_size: 64 << 10,
    selects,
    parse,
};

fn selects(path: &str, _meta: &EntryMeta) -> bool {
    FILES.iter().any(|(p, _)| *p == path)
}

fn parse(path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    let rank = FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(9, |(_, r)| *r);
    let text = String::from_utf8_lossy(content);
    let distro = match path {
        "etc/os-release" | "usr/lib/os-release" => parse_os_release(&text),
        "etc/alpine-release" => first_line(&text).map(|v| Distro {
            id: "alpine".into(),
            version_id: Some(v.to_owned()),
            ..Distro::default()
        }),
        "etc/debian_version" => first_line(&text).map(|v| Distro {
            id: "debian".into(),
            version_id: Some(v.split('.').next().unwrap_or(v).to_owned()),
            ..Distro::default()
        }),
        "etc/lsb-release" => {
            let kv = key_values(&text);
            kv.iter()
                .find(|(k, _)| *k == "DISTRIB_ID")
                .map(|(_, id)| Distro {
                    id: id.to_ascii_lowercase(),
                    version_id: kv
                        .iter()
                        .find(|(k, _)| *k == "DISTRIB_RELEASE")
                        .map(|(_, v)| v.clone()),
                    codename: kv
                        .iter()
                        .find(|(k, _)| *k == "DISTRIB_CODENAME")
                        .map(|(_, v)| v.clone()),
                    ..Distro::default()
                })
        }
        _ => first_line(&text).and_then(parse_redhat_release),
    };
    Ok(distro
        .map(|distro| vec![Finding::Distro(DistroHint { rank, distro })])
        .unwrap_or_default())
}

fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty())
}

fn key_values(text: &str) -> Vec<(&str, String)> {
    text.lines()
        .filter_map(|l| {
            let l = l.trim();
            if l.starts_with('#') {
                return None;
            }
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                .unwrap_or(v);
            Some((k.trim(), v.replace("\\\"", "\"")))
        })
        .collect()
}

/// Parses os-release(5).
pub(crate) fn parse_os_release(text: &str) -> Option<Distro> {
    let kv = key_values(text);
    let get = |key: &str| {
        kv.iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let id = get("ID")?.to_ascii_lowercase();
    let mut codename = get("VERSION_CODENAME");
    if codename.is_none() {
        // Debian before 10 only had it inside VERSION: `9 (stretch)`.
        codename = get("VERSION").and_then(|v| {
            let (_, rest) = v.split_once('(')?;
            Some(rest.trim_end_matches(')').trim().to_ascii_lowercase())
        });
    }
    Some(Distro {
        id,
        version_id: get("VERSION_ID"),
        codename,
        pretty_name: get("PRETTY_NAME"),
        id_like: get("ID_LIKE")
            .map(|v| v.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    })
}

fn parse_redhat_release(line: &str) -> Option<Distro> {
    // "CentOS Linux release 7.9.2009 (Core)", "Red Hat Enterprise Linux release 8.6 (Ootpa)"
    let lower = line.to_ascii_lowercase();
    let id = if lower.starts_with("centos") {
        "centos"
    } else if lower.starts_with("red hat") {
        "rhel"
    } else if lower.starts_with("fedora") {
        "fedora"
    } else if lower.starts_with("rocky") {
        "rocky"
    } else if lower.starts_with("almalinux") {
        "almalinux"
    } else {
        return None;
    };
    let version = line
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(str::to_owned);
    Some(Distro {
        id: id.into(),
        version_id: version,
        pretty_name: Some(line.to_owned()),
        ..Distro::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_os_release() {
        let d = parse_os_release(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
        )
        .unwrap();
        assert_eq!(d.id, "debian");
        assert_eq!(d.version_id.as_deref(), Some("12"));
        assert_eq!(d.codename.as_deref(), Some("bookworm"));
    }

    #[test]
    fn old_debian_codename_from_version() {
        let d = parse_os_release("ID=debian\nVERSION=\"9 (stretch)\"\nVERSION_ID='9'\n").unwrap();
        assert_eq!(d.codename.as_deref(), Some("stretch"));
        assert_eq!(d.version_id.as_deref(), Some("9"));
    }

    #[test]
    fn redhat_release() {
        let d = parse_redhat_release("CentOS Linux release 7.9.2009 (Core)").unwrap();
        assert_eq!(
            (d.id.as_str(), d.version_id.as_deref()),
            ("centos", Some("7.9.2009"))
        );
        assert!(parse_redhat_release("garbage").is_none());
    }

    #[test]
    fn no_id_no_distro() {
        assert!(parse_os_release("NAME=x\n").is_none());
        assert!(parse_os_release("").is_none());
    }
}
