//! A scan report covering every ecosystem in drydock's own conventions
//! (the shapes its catalogers produce), rendered with drydock-report.

#![allow(dead_code)]

use drydock_inventory::{
    Distro, Ecosystem, Evidence, Inventory, LayerRef, Location, Metadata, Package, PurlBuilder,
    SourcePackage, Unknown,
};
use drydock_oci::Digest;
use drydock_report::{Format, LayerInfo, ScanReport, Target, TargetKind, ToolInfo, render};

pub fn digest(seed: &str) -> Digest {
    Digest::sha256_of(seed.as_bytes())
}

pub fn layer(index: usize) -> LayerRef {
    LayerRef {
        index,
        diff_id: Some(digest(&format!("layer{index}"))),
    }
}

pub fn loc(path: &str, index: usize, evidence: Evidence) -> Location {
    Location {
        path: path.to_owned(),
        layer: layer(index),
        evidence,
    }
}

#[allow(clippy::too_many_arguments)]
pub fn pkg(
    ecosystem: Ecosystem,
    namespace: Option<&str>,
    name: &str,
    version: &str,
    purl: String,
    layer_index: usize,
    path: &str,
) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem,
        purl,
        namespace: namespace.map(str::to_owned),
        licenses: vec!["MIT".to_owned()],
        arch: None,
        source: None,
        layer: layer(layer_index),
        locations: vec![loc(path, layer_index, Evidence::Primary)],
        found_by: format!("{ecosystem}-cataloger"),
        metadata: Metadata::None,
    }
}

fn deb_purl(name: &str, version: &str, source: Option<&SourcePackage>) -> String {
    let mut b = PurlBuilder::new("deb", name)
        .namespace("debian")
        .version(version)
        .qualifier("arch", "amd64")
        .qualifier("distro", "debian-12");
    if let Some(s) = source
        && (s.name != name || s.version != version)
    {
        let upstream = if s.version == version {
            s.name.clone()
        } else {
            format!("{}@{}", s.name, s.version)
        };
        b = b.qualifier("upstream", upstream);
    }
    b.build()
}

fn deb(name: &str, version: &str, source: (&str, &str), layer_index: usize) -> Package {
    let source = SourcePackage {
        name: source.0.to_owned(),
        version: source.1.to_owned(),
    };
    let mut p = pkg(
        Ecosystem::Deb,
        None,
        name,
        version,
        deb_purl(name, version, Some(&source)),
        layer_index,
        "/var/lib/dpkg/status",
    );
    p.arch = Some("amd64".to_owned());
    p.source = Some(source);
    p.found_by = "dpkg-db-cataloger".to_owned();
    p
}

/// A version longer than CycloneDX's 1024-character limit.
pub fn long_version() -> String {
    format!("1.0.0-{}", "x".repeat(1100))
}

/// Every ecosystem, the shapes the renderers and the reader treat
/// specially: epochs, binNMU source versions, scoped npm packages, Maven
/// groups, Go modules and the standard library, mixed-case names whose
/// purls are lowercase, packages found twice, locations in other layers
/// than the package, a version too long for CycloneDX.
pub fn rich_report() -> ScanReport {
    let debian = Distro {
        id: "debian".into(),
        version_id: Some("12".into()),
        codename: Some("bookworm".into()),
        pretty_name: Some("Debian GNU/Linux 12 (bookworm)".into()),
        id_like: vec![],
    };

    let mut bsdutils = deb(
        "bsdutils",
        "1:2.38.1-5+deb12u3",
        ("util-linux", "2.38.1-5+deb12u3"),
        0,
    );
    // Status file rewritten in a later layer; the file list stayed.
    bsdutils.locations = vec![
        loc("/var/lib/dpkg/status", 1, Evidence::Primary),
        loc("/var/lib/dpkg/info/bsdutils.list", 0, Evidence::Supporting),
    ];
    let libc = deb("libc6", "2.36-9+deb12u4", ("glibc", "2.36-9+deb12u4"), 0);
    let bash = deb("bash", "5.2.15-2+b13", ("bash", "5.2.15-2"), 0);
    let adduser = deb("adduser", "3.134", ("adduser", "3.134"), 1);

    let mut musl = pkg(
        Ecosystem::Apk,
        None,
        "Musl-Utils",
        "1.2.4-r2",
        PurlBuilder::new("apk", "musl-utils")
            .namespace("alpine")
            .version("1.2.4-r2")
            .qualifier("arch", "x86_64")
            .qualifier("upstream", "musl")
            .build(),
        1,
        "/lib/apk/db/installed",
    );
    musl.arch = Some("x86_64".into());
    musl.source = Some(SourcePackage {
        name: "musl".into(),
        version: "1.2.4-r2".into(),
    });

    let mut openssl = pkg(
        Ecosystem::Rpm,
        None,
        "openssl-libs",
        "3.0.7-25.el9",
        PurlBuilder::new("rpm", "openssl-libs")
            .namespace("redhat")
            .version("3.0.7-25.el9")
            .qualifier("arch", "x86_64")
            .qualifier("epoch", "1")
            .build(),
        1,
        "/var/lib/rpm/rpmdb.sqlite",
    );
    openssl.arch = Some("x86_64".into());
    openssl.source = Some(SourcePackage {
        name: "openssl".into(),
        version: "3.0.7-25.el9".into(),
    });
    openssl.metadata = Metadata::Rpm {
        epoch: Some(1),
        release: "25.el9".into(),
        source_rpm: Some("openssl-3.0.7-25.el9.src.rpm".into()),
        modularity_label: None,
    };

    let pyyaml = pkg(
        Ecosystem::Pypi,
        None,
        "PyYAML",
        "6.0",
        PurlBuilder::new("pypi", "pyyaml").version("6.0").build(),
        2,
        "/usr/local/lib/python3.11/site-packages/PyYAML-6.0.dist-info/METADATA",
    );
    let six_purl = PurlBuilder::new("pypi", "six").version("1.16.0").build();
    let six_a = pkg(
        Ecosystem::Pypi,
        None,
        "six",
        "1.16.0",
        six_purl.clone(),
        1,
        "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
    );
    let six_b = pkg(
        Ecosystem::Pypi,
        None,
        "six",
        "1.16.0",
        six_purl,
        2,
        "/usr/local/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
    );
    let babel = pkg(
        Ecosystem::Npm,
        Some("@babel"),
        "core",
        "7.24.0",
        PurlBuilder::new("npm", "core")
            .namespace("@babel")
            .version("7.24.0")
            .build(),
        2,
        "/app/node_modules/@babel/core/package.json",
    );
    let mut long = pkg(
        Ecosystem::Npm,
        None,
        "long-version",
        &long_version(),
        PurlBuilder::new("npm", "long-version")
            .version(long_version())
            .build(),
        2,
        "/app/node_modules/long-version/package.json",
    );
    long.licenses.clear();
    let mut log4j = pkg(
        Ecosystem::Maven,
        Some("org.apache.logging.log4j"),
        "log4j-core",
        "2.17.1",
        PurlBuilder::new("maven", "log4j-core")
            .namespace("org.apache.logging.log4j")
            .version("2.17.1")
            .build(),
        2,
        "/app/lib/app.jar!/BOOT-INF/lib/log4j-core-2.17.1.jar",
    );
    log4j.metadata = Metadata::Java {
        sha1: Some("779f60f3844dadc3ef597976fcb1e5127b1f343d".into()),
    };
    log4j
        .locations
        .push(loc("owned-by:deb:liblog4j2-java", 2, Evidence::Supporting));
    let mut distribution = pkg(
        Ecosystem::Golang,
        None,
        "github.com/docker/distribution",
        "v2.8.2+ds1",
        PurlBuilder::new("golang", "distribution")
            .namespace("github.com/docker")
            .version("v2.8.2+ds1")
            .build(),
        3,
        "/usr/local/bin/registry",
    );
    distribution.metadata = Metadata::Golang {
        go_version: "go1.19.8".into(),
        main_module: None,
        main: true,
    };
    let mut stdlib = pkg(
        Ecosystem::Golang,
        None,
        "stdlib",
        "go1.19.8",
        PurlBuilder::new("golang", "stdlib")
            .version("go1.19.8")
            .build(),
        3,
        "/usr/local/bin/registry",
    );
    stdlib.metadata = Metadata::Golang {
        go_version: "go1.19.8".into(),
        main_module: Some("github.com/docker/distribution".into()),
        main: false,
    };
    let serde = pkg(
        Ecosystem::Cargo,
        None,
        "serde",
        "1.0.197",
        PurlBuilder::new("cargo", "serde")
            .version("1.0.197")
            .build(),
        3,
        "/usr/local/bin/tool",
    );
    let rack = pkg(
        Ecosystem::Gem,
        None,
        "rack",
        "3.0.8",
        PurlBuilder::new("gem", "rack").version("3.0.8").build(),
        2,
        "/usr/local/bundle/specifications/rack-3.0.8.gemspec",
    );
    let console = pkg(
        Ecosystem::Composer,
        Some("symfony"),
        "console",
        "v6.4.1",
        PurlBuilder::new("composer", "console")
            .namespace("symfony")
            .version("v6.4.1")
            .build(),
        2,
        "/var/www/vendor/composer/installed.json",
    );
    let newtonsoft = pkg(
        Ecosystem::Nuget,
        None,
        "Newtonsoft.Json",
        "13.0.3",
        PurlBuilder::new("nuget", "Newtonsoft.Json")
            .version("13.0.3")
            .build(),
        2,
        "/app/app.deps.json",
    );

    let mut inventory = Inventory {
        distro: Some(debian.clone()),
        packages: vec![
            bsdutils,
            libc,
            bash,
            adduser,
            musl,
            openssl,
            pyyaml,
            six_a,
            six_b,
            babel,
            long,
            log4j,
            distribution,
            stdlib,
            serde,
            rack,
            console,
            newtonsoft,
        ],
        unknowns: vec![Unknown {
            path: "/usr/lib/python3/dist-packages/broken.dist-info/METADATA".into(),
            layer: Some(layer(1)),
            analyzer: "python".into(),
            reason: "metadata is not utf-8".into(),
        }],
    };
    inventory.sort();

    ScanReport {
        tool: ToolInfo::drydock(),
        created: "2024-05-01T12:00:00Z".into(),
        target: Target {
            name: "registry.example.com:5000/shop/app:1.2".into(),
            kind: TargetKind::Image,
            manifest_digest: Some(digest("manifest")),
            config_digest: Some(digest("config")),
            repo_tags: vec!["registry.example.com:5000/shop/app:1.2".into()],
            repo_digests: vec![],
            platform: Some("linux/amd64".into()),
            layers: (0..4)
                .map(|i| LayerInfo {
                    index: i,
                    diff_id: Some(digest(&format!("layer{i}"))),
                    created_by: Some(format!("RUN step {i}")),
                    size: Some(1000 * (i as u64 + 1)),
                })
                .collect(),
            os: Some(debian),
        },
        inventory,
        vulnerabilities: Vec::new(),
        secrets: Vec::new(),
        misconfigurations: Vec::new(),
        malware: Vec::new(),
        warnings: vec!["layer 2 has a whiteout for a missing file".into()],
    }
}

pub fn rendered(report: &ScanReport, format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    render(report, format, &mut out).expect("render");
    out
}
