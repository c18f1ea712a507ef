//! Finding builders shared by the integration tests.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use drydock_findings::{FixState, PackageRef, Severity, Vulnerability};
use drydock_inventory::{Ecosystem, LayerRef};

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A finding of `id` on the package `purl` (ecosystem, name and version are
/// taken from it).
pub fn finding(id: &str, purl: &str) -> Vulnerability {
    let body = purl.strip_prefix("pkg:").unwrap_or(purl);
    let (ty, rest) = body.split_once('/').unwrap_or((body, ""));
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (path, version) = rest.rsplit_once('@').unwrap_or((rest, ""));
    let name = path.rsplit('/').next().unwrap_or(path);
    let ecosystem = match ty {
        "deb" => Ecosystem::Deb,
        "apk" => Ecosystem::Apk,
        "rpm" => Ecosystem::Rpm,
        "pypi" => Ecosystem::Pypi,
        "npm" => Ecosystem::Npm,
        "maven" => Ecosystem::Maven,
        "golang" => Ecosystem::Golang,
        "cargo" => Ecosystem::Cargo,
        other => panic!("test purl type {other}"),
    };
    Vulnerability {
        id: id.to_owned(),
        aliases: Vec::new(),
        package: PackageRef {
            name: name.to_owned(),
            version: version.to_owned(),
            ecosystem,
            purl: purl.to_owned(),
            source: None,
            path: None,
            layer: LayerRef {
                index: 0,
                diff_id: None,
            },
        },
        matched_version: version.to_owned(),
        fixed_versions: Vec::new(),
        fix_state: FixState::Unknown,
        severity: Severity::High,
        severity_source: None,
        cvss: Vec::new(),
        summary: None,
        feed: ty.to_owned(),
        reason: String::new(),
        references: Vec::new(),
        published: None,
        suppressed: None,
    }
}

pub fn with_aliases(mut v: Vulnerability, aliases: &[&str]) -> Vulnerability {
    v.aliases = aliases.iter().map(|s| (*s).to_owned()).collect();
    v
}

pub fn at_path(mut v: Vulnerability, path: &str) -> Vulnerability {
    v.package.path = Some(path.to_owned());
    v
}

pub fn with_severity(mut v: Vulnerability, s: Severity) -> Vulnerability {
    v.severity = s;
    v
}

pub fn with_fix(mut v: Vulnerability, state: FixState, fixed: &[&str]) -> Vulnerability {
    v.fix_state = state;
    v.fixed_versions = fixed.iter().map(|s| (*s).to_owned()).collect();
    v
}

/// Midnight UTC of a `YYYY-MM-DD` date plus `secs` seconds.
pub fn utc(date: &str, secs: u64) -> SystemTime {
    let mut it = date.split('-').map(|p| p.parse::<i64>().unwrap());
    let (y, m, d) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
    // Days from civil (Howard Hinnant), so the tests do not depend on the
    // date code under test.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    UNIX_EPOCH + Duration::from_secs(u64::try_from(days).unwrap() * 86_400 + secs)
}
