//! Real binaries that are too large to commit: the Go `registry` binary in
//! the shared corpus image, and Go binaries built on the spot when a Go
//! toolchain is installed. Each test says why it skipped.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::Command;

use drydock_binary::{GoBuildInfo, GoModule, Limits, go_build_info, rust_audit_info};

const SHOP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/images/shop.oci.tar"
);

/// Reads the files at `paths` from the image's merged filesystem (last
/// layer wins), following index.json → manifest → layers.
fn files_from_oci_archive(archive: &Path, paths: &[&str]) -> HashMap<String, Vec<u8>> {
    let mut blobs: HashMap<String, Vec<u8>> = HashMap::new();
    let mut index = None;
    // Pass 1: the small JSON documents.
    let mut tar = tar::Archive::new(std::fs::File::open(archive).unwrap());
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().into_owned();
        if name == "index.json" {
            let mut s = Vec::new();
            entry.read_to_end(&mut s).unwrap();
            index = Some(s);
        } else if let Some(digest) = name.strip_prefix("blobs/sha256/")
            && entry.header().size().unwrap() < 64 << 10
        {
            let mut s = Vec::new();
            entry.read_to_end(&mut s).unwrap();
            blobs.insert(digest.to_owned(), s);
        }
    }
    let index: serde_json::Value = serde_json::from_slice(&index.unwrap()).unwrap();
    let manifest_digest = index["manifests"][0]["digest"].as_str().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&blobs[manifest_digest.trim_start_matches("sha256:")]).unwrap();
    let layers: Vec<String> = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            l["digest"]
                .as_str()
                .unwrap()
                .trim_start_matches("sha256:")
                .to_owned()
        })
        .collect();

    // Pass 2: layer blobs in manifest order.
    let mut found = HashMap::new();
    for layer in &layers {
        let mut tar = tar::Archive::new(std::fs::File::open(archive).unwrap());
        for entry in tar.entries().unwrap() {
            let entry = entry.unwrap();
            if entry.path().unwrap().to_string_lossy() != format!("blobs/sha256/{layer}") {
                continue;
            }
            let mut layer_tar = tar::Archive::new(flate2::read::GzDecoder::new(entry));
            for file in layer_tar.entries().unwrap() {
                let mut file = file.unwrap();
                let path = file
                    .path()
                    .unwrap()
                    .to_string_lossy()
                    .trim_start_matches("./")
                    .to_owned();
                if paths.contains(&path.as_str()) {
                    let mut data = Vec::new();
                    file.read_to_end(&mut data).unwrap();
                    found.insert(path, data);
                }
            }
            break;
        }
    }
    found
}

#[test]
fn docker_registry_from_shop_image() {
    let archive = Path::new(SHOP);
    if !archive.exists() {
        eprintln!("skipping: {} not present", archive.display());
        return;
    }
    let files = files_from_oci_archive(archive, &["usr/local/bin/registry", "usr/local/bin/find2"]);
    let registry = &files["usr/local/bin/registry"];
    assert!(registry.len() > 10 << 20);

    let info = go_build_info(registry, &Limits::default())
        .unwrap()
        .unwrap();

    // Debian's docker-registry 2.8.2+ds1 is built in GOPATH mode with
    // -trimpath: the build info has the main package path and settings but
    // no `mod`/`dep` lines (and no -ldflags, which -trimpath omits).
    assert_eq!(info.go_version, "go1.19.8");
    assert_eq!(
        info.path.as_deref(),
        Some("github.com/docker/distribution/cmd/registry")
    );
    assert_eq!(info.main, None);
    assert!(info.deps.is_empty());
    let settings: Vec<(&str, &str)> = info
        .settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        settings,
        [
            ("-compiler", "gc"),
            ("-trimpath", "true"),
            ("CGO_ENABLED", "1"),
            ("GOARCH", "amd64"),
            ("GOOS", "linux"),
            ("GOAMD64", "v1"),
        ]
    );
    assert_eq!(rust_audit_info(registry, &Limits::default()).unwrap(), None);
    // The section table points straight at the 240-byte blob 20 MB into
    // the file, so a 4 KiB search budget is plenty: nothing else is scanned.
    let tiny_scan = Limits {
        max_scan: 4096,
        ..Limits::default()
    };
    assert_eq!(go_build_info(registry, &tiny_scan).unwrap(), Some(info));

    let find2 = &files["usr/local/bin/find2"];
    assert_eq!(go_build_info(find2, &Limits::default()).unwrap(), None);
    assert_eq!(rust_audit_info(find2, &Limits::default()).unwrap(), None);
}

/// Renders build info the way `go version -m` prints it.
fn render(info: &GoBuildInfo) -> String {
    fn module(kind: &str, m: &GoModule, out: &mut String) {
        out.push_str(&format!("\t{kind}\t{}\t{}", m.path, m.version));
        if let Some(sum) = &m.sum {
            out.push_str(&format!("\t{sum}"));
        }
        out.push('\n');
        if let Some(r) = &m.replace {
            out.push_str(&format!(
                "\t=>\t{}\t{}\t{}\n",
                r.path,
                r.version,
                r.sum.as_deref().unwrap_or("")
            ));
        }
    }
    let mut out = format!("{}\n", info.go_version);
    if let Some(p) = &info.path {
        out.push_str(&format!("\tpath\t{p}\n"));
    }
    if let Some(m) = &info.main {
        module("mod", m, &mut out);
    }
    for d in &info.deps {
        module("dep", d, &mut out);
    }
    for (k, v) in &info.settings {
        let needs_quotes = v.contains([' ', '\t', '\r', '\n', '"', '`']);
        let v = if needs_quotes {
            format!("{v:?}")
        } else {
            v.clone()
        };
        out.push_str(&format!("\tbuild\t{k}={v}\n"));
    }
    out
}

/// `go version -m` output without the file name, trailing tabs and blank
/// lines (Go prints `mod` with an empty sum as a trailing tab).
fn normalise(s: &str) -> String {
    let s = s.split_once(": ").map_or(s, |(_, rest)| rest);
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn go_toolchain_binaries_match_go_version_m() {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("skipping: no Go toolchain on PATH");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("dep")).unwrap();
    std::fs::write(
        root.join("go.mod"),
        "module example.com/hello\n\ngo 1.18\n\nrequire example.com/dep v1.2.3\n\nreplace example.com/dep => ./dep\n",
    )
    .unwrap();
    std::fs::write(
        root.join("main.go"),
        "package main\n\nimport \"example.com/dep\"\n\nfunc main() { println(dep.Hello()) }\n",
    )
    .unwrap();
    std::fs::write(
        root.join("dep/go.mod"),
        "module example.com/dep\n\ngo 1.18\n",
    )
    .unwrap();
    std::fs::write(
        root.join("dep/dep.go"),
        "package dep\n\nfunc Hello() string { return \"hi\" }\n",
    )
    .unwrap();

    // Native, 32-bit, big-endian, PE and Mach-O when this toolchain can cross-compile
    // quickly (the standard library must then be built, so allow failure).
    let targets = [
        ("linux", "amd64"),
        ("linux", "386"),
        ("linux", "ppc64"),
        ("windows", "amd64"),
        ("darwin", "arm64"),
    ];
    let mut checked = 0;
    for (goos, goarch) in targets {
        let out = root.join(format!("hello-{goos}-{goarch}"));
        let status = Command::new("go")
            .args([
                "build",
                "-ldflags=-s -w -X main.v=1.0 -X 'main.w=a b'",
                "-o",
            ])
            .arg(&out)
            .arg(".")
            .current_dir(root)
            .env("GOOS", goos)
            .env("GOARCH", goarch)
            .env("CGO_ENABLED", "0")
            .env("GOFLAGS", "-mod=mod")
            .env("GOPROXY", "off")
            .env("GOTOOLCHAIN", "local")
            // A cache under target/ makes reruns fast.
            .env(
                "GOCACHE",
                Path::new(env!("CARGO_TARGET_TMPDIR")).join("drydock-binary-gocache"),
            )
            .env("GOPATH", root.join("gopath"))
            .status()
            .unwrap();
        if !status.success() {
            eprintln!("skipping {goos}/{goarch}: go build failed");
            continue;
        }
        let bytes = std::fs::read(&out).unwrap();
        let info = go_build_info(&bytes, &Limits::default()).unwrap().unwrap();
        let expected = Command::new("go")
            .args(["version", "-m"])
            .arg(&out)
            .output()
            .unwrap();
        let expected = String::from_utf8(expected.stdout).unwrap();
        assert!(
            expected.contains("\tdep\texample.com/dep\tv1.2.3"),
            "{expected}"
        );
        assert_eq!(
            normalise(&render(&info)),
            normalise(&expected),
            "{goos}/{goarch}"
        );
        assert_eq!(info.main.as_ref().unwrap().version, "(devel)");
        assert_eq!(info.deps[0].replace.as_ref().unwrap().path, "./dep");
        checked += 1;
    }
    assert!(checked > 0, "no Go binary could be built");
}
