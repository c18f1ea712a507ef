//! Compiled executables: Go build info and cargo-auditable dependency lists.

use drydock_binary::{
    Limits, go_build_info, go_stamped_version, looks_like_executable, rust_audit_info,
};
use drydock_inventory::{Ecosystem, Metadata};
use drydock_layer::EntryMeta;

use crate::{FileCataloger, Finding, PackageRecord};

/// The `binary-cataloger`.
pub(crate) const CATALOGER: FileCataloger = FileCataloger {
    name: "binary-cataloger",
    version: 1,
    max_size: 512 << 20,
    selects,
    parse,
};

fn selects(path: &str, meta: &EntryMeta) -> bool {
    // Executables only; shared objects are executable on most distros
    // too but never carry Go build info worth reporting separately.
    meta.mode & 0o111 != 0 && meta.size >= 1024 && !path.ends_with(".so") && !path.contains(".so.")
}

fn parse(_path: &str, content: &[u8]) -> Result<Vec<Finding>, String> {
    if !looks_like_executable(content) {
        return Ok(Vec::new());
    }
    let limits = Limits::default();
    let mut out = Vec::new();
    match go_build_info(content, &limits) {
        Ok(Some(info)) => out.extend(go_packages(content, &info)),
        Ok(None) => {}
        Err(e) => out.push(Finding::Problem(format!("Go build info: {e}"))),
    }
    match rust_audit_info(content, &limits) {
        Ok(Some(pkgs)) => out
            .extend(pkgs.into_iter().map(|p| {
                Finding::Package(PackageRecord::new(Ecosystem::Cargo, p.name, p.version))
            })),
        Ok(None) => {}
        Err(e) => out.push(Finding::Problem(format!("cargo-auditable data: {e}"))),
    }
    Ok(out)
}

/// Guesses the module root of a package path in a GOPATH-mode build, where
/// no module information is recorded: hosting sites put the repository at
/// the third path element, and a `/cmd/` directory is never a module root.
fn module_root(package: &str) -> String {
    let parts: Vec<&str> = package.split('/').collect();
    let three = matches!(
        parts.first().copied(),
        Some(
            "github.com"
                | "gitlab.com"
                | "bitbucket.org"
                | "golang.org"
                | "gitea.com"
                | "codeberg.org"
        )
    );
    if three && parts.len() >= 3 {
        return parts[..3].join("/");
    }
    match package.find("/cmd/") {
        Some(i) => package[..i].to_owned(),
        None => package.to_owned(),
    }
}

fn go_packages(content: &[u8], info: &drydock_binary::GoBuildInfo) -> Vec<Finding> {
    let toolchain = info
        .go_version
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_owned();
    let meta = |main: bool, main_module: Option<String>| Metadata::Golang {
        go_version: toolchain.clone(),
        main_module,
        main,
    };
    let stamped = || {
        go_stamped_version(content, &toolchain).map(|v| {
            if v.starts_with('v') {
                v
            } else {
                format!("v{v}")
            }
        })
    };
    let mut out = Vec::new();
    let main_module = match &info.main {
        Some(m) if m.version != "(devel)" && !m.version.is_empty() => {
            Some((m.path.clone(), m.version.clone()))
        }
        Some(m) => stamped().map(|v| (m.path.clone(), v)),
        None => info
            .path
            .as_deref()
            .and_then(|p| stamped().map(|v| (module_root(p), v))),
    };
    let main_path = main_module.as_ref().map(|(p, _)| p.clone());
    if let Some((path, version)) = main_module {
        let mut r = PackageRecord::new(Ecosystem::Golang, path, version);
        r.metadata = meta(true, None);
        out.push(Finding::Package(r));
    }
    for dep in &info.deps {
        let m = match &dep.replace {
            // A local directory replacement has no version to match.
            Some(r) if !r.version.is_empty() => r.as_ref(),
            _ => dep,
        };
        if m.version.is_empty() || m.version == "(devel)" {
            continue;
        }
        let mut r = PackageRecord::new(Ecosystem::Golang, m.path.clone(), m.version.clone());
        r.metadata = meta(false, main_path.clone());
        out.push(Finding::Package(r));
    }
    if toolchain.starts_with("go") && !toolchain.contains("devel") {
        let mut r = PackageRecord::new(Ecosystem::Golang, "stdlib", toolchain.clone());
        r.metadata = meta(false, main_path);
        out.push(Finding::Package(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Analyzer as _;

    #[test]
    fn module_roots() {
        assert_eq!(
            module_root("github.com/docker/distribution/cmd/registry"),
            "github.com/docker/distribution"
        );
        assert_eq!(
            module_root("k8s.io/kubernetes/cmd/kubelet"),
            "k8s.io/kubernetes"
        );
        assert_eq!(module_root("example.com/tool"), "example.com/tool");
    }

    #[test]
    fn selection() {
        let mut m = crate::test_meta(0o755, 20 << 20);
        assert!(CATALOGER.wants("usr/local/bin/registry", &m));
        assert!(!CATALOGER.wants("usr/lib/libc.so.6", &m));
        m.mode = 0o644;
        assert!(!CATALOGER.wants("usr/local/bin/registry", &m));
        assert!(
            CATALOGER
                .analyze("x", &m, b"#!/bin/sh\necho hi\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn cargo_auditable_fixture() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../drydock-binary/testdata");
        let Some(file) = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(b"\x7fELF")))
        else {
            panic!("no ELF fixture in {dir}");
        };
        let bytes = std::fs::read(file).unwrap();
        let m = crate::test_meta(0o755, bytes.len() as u64);
        let f = CATALOGER.analyze("usr/bin/x", &m, &bytes).unwrap();
        assert!(
            f.iter().any(|f| matches!(f, Finding::Package(p) if p.ecosystem == Ecosystem::Cargo && p.name == "itoa")),
            "{f:?}"
        );
    }
}
