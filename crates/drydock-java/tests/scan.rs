//! What gets reported for well-formed archives.

mod common;

use common::*;
use drydock_java::{Evidence, JavaPackage, Limits, is_java_archive_name, scan_archive};
use sha1::{Digest, Sha1};

fn sha1_hex(bytes: &[u8]) -> String {
    hex::encode(Sha1::digest(bytes))
}

fn coords(p: &JavaPackage) -> (Option<&str>, &str, &str) {
    (
        p.group_id.as_deref(),
        p.artifact_id.as_str(),
        p.version.as_str(),
    )
}

fn scan(bytes: &[u8], location: &str) -> drydock_java::Scan {
    scan_archive(bytes, location, &Limits::default()).expect("scannable")
}

fn log4j_classes() -> Vec<(String, Vec<u8>)> {
    [
        "org/apache/log4j/Logger.class",
        "org/apache/log4j/Level.class",
    ]
    .iter()
    .map(|n| (n.to_string(), vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 50]))
    .collect()
}

#[test]
fn debian_log4j_is_one_package_from_the_manifest() {
    let classes = log4j_classes();
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("META-INF/MANIFEST.MF", DEBIAN_LOG4J_MANIFEST.as_bytes()),
        ("META-INF/LICENSE", b"Apache License"),
    ];
    entries.extend(classes.iter().map(|(n, d)| (n.as_str(), d.as_slice())));
    // Debian's jar is written by ant with data descriptors.
    let bytes = streamed_jar(&entries);

    let result = scan(&bytes, "usr/share/java/log4j-1.2-1.2.17.jar");
    assert_eq!(result.warnings, Vec::<String>::new());
    assert_eq!(result.packages.len(), 1, "{:?}", result.packages);
    let p = &result.packages[0];
    assert_eq!(coords(p), (Some("log4j"), "log4j", "1.2.17"));
    assert_eq!(p.evidence, Evidence::Manifest);
    assert_eq!(p.location, "usr/share/java/log4j-1.2-1.2.17.jar");
    assert_eq!(
        p.licenses,
        vec!["http://www.apache.org/licenses/LICENSE-2.0.txt"]
    );
    assert_eq!(p.sha1.as_deref(), Some(sha1_hex(&bytes).as_str()));
    assert_eq!(p.purl(), "pkg:maven/log4j/log4j@1.2.17");
}

#[test]
fn log4j_with_pom_properties_under_debian_name_is_reported_once() {
    // The same manifest plus Maven's pom.properties: the file name
    // (`log4j-1.2`) matches no pom, the manifest does, so one package results.
    let props = pom("log4j", "log4j", "1.2.17");
    let path = pom_path("log4j", "log4j");
    let bytes = jar(&[
        ("META-INF/MANIFEST.MF", DEBIAN_LOG4J_MANIFEST.as_bytes()),
        (&path, &props),
        ("org/apache/log4j/Logger.class", b"\xca\xfe\xba\xbe"),
    ]);
    let result = scan(&bytes, "usr/share/java/log4j-1.2-1.2.17.jar");
    assert_eq!(result.packages.len(), 1, "{:?}", result.packages);
    let p = &result.packages[0];
    assert_eq!(coords(p), (Some("log4j"), "log4j", "1.2.17"));
    assert_eq!(
        p.evidence,
        Evidence::PomProperties {
            path: "META-INF/maven/log4j/log4j/pom.properties".into()
        }
    );
    assert_eq!(p.sha1.as_deref(), Some(sha1_hex(&bytes).as_str()));
    assert_eq!(p.licenses.len(), 1);
}

#[test]
fn maven_central_style_jar_matches_pom_by_file_name() {
    let bytes = maven_jar("org.apache.commons", "commons-lang3", "3.12.0");
    let result = scan(&bytes, "app/lib/commons-lang3-3.12.0.jar");
    assert_eq!(result.packages.len(), 1);
    let p = &result.packages[0];
    assert_eq!(
        coords(p),
        (Some("org.apache.commons"), "commons-lang3", "3.12.0")
    );
    assert!(p.sha1.is_some());
    assert_eq!(
        p.purl(),
        "pkg:maven/org.apache.commons/commons-lang3@3.12.0"
    );
}

#[test]
fn shaded_jar_reports_every_pom_and_hashes_only_its_own() {
    let own = pom("com.example", "myapp", "1.0");
    let guava = pom("com.google.guava", "guava", "31.1-jre");
    let lang = pom("org.apache.commons", "commons-lang3", "3.12.0");
    let bytes = jar(&[
        ("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n\n"),
        (&pom_path("com.google.guava", "guava"), &guava),
        (&pom_path("com.example", "myapp"), &own),
        (&pom_path("org.apache.commons", "commons-lang3"), &lang),
    ]);
    let result = scan(&bytes, "opt/myapp-1.0.jar");
    let got: Vec<_> = result.packages.iter().map(coords).collect();
    assert_eq!(
        got,
        vec![
            (Some("com.google.guava"), "guava", "31.1-jre"),
            (Some("com.example"), "myapp", "1.0"),
            (Some("org.apache.commons"), "commons-lang3", "3.12.0"),
        ]
    );
    let hashed: Vec<_> = result
        .packages
        .iter()
        .filter(|p| p.sha1.is_some())
        .map(|p| p.artifact_id.as_str())
        .collect();
    assert_eq!(hashed, vec!["myapp"]);
}

#[test]
fn uber_jar_without_own_pom_adds_its_manifest_identity() {
    let guava = pom("com.google.guava", "guava", "31.1-jre");
    let bytes = jar(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nImplementation-Title: service\nImplementation-Version: 2.3.4\nImplementation-Vendor-Id: com.example\n\n",
        ),
        (&pom_path("com.google.guava", "guava"), &guava),
    ]);
    let result = scan(&bytes, "app.jar");
    let got: Vec<_> = result
        .packages
        .iter()
        .map(|p| (coords(p), p.evidence.clone(), p.sha1.is_some()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                (Some("com.google.guava"), "guava", "31.1-jre"),
                Evidence::PomProperties {
                    path: "META-INF/maven/com.google.guava/guava/pom.properties".into()
                },
                false
            ),
            (
                (Some("com.example"), "service", "2.3.4"),
                Evidence::Manifest,
                true
            ),
        ]
    );
}

#[test]
fn spring_boot_style_manifest_matches_own_pom() {
    let own = pom("com.example", "demo", "0.0.1-SNAPSHOT");
    let bytes = jar(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nImplementation-Title: demo\nImplementation-Version: 0.0.1-SNAPSHOT\nMain-Class: org.springframework.boot.loader.JarLauncher\n\n",
        ),
        (&pom_path("com.example", "demo"), &own),
    ]);
    let result = scan(&bytes, "app.jar");
    assert_eq!(result.packages.len(), 1, "{:?}", result.packages);
    assert!(result.packages[0].sha1.is_some());
}

#[test]
fn osgi_manifest_only_jar() {
    let bytes = jar(&[(
        "META-INF/MANIFEST.MF",
        b"Manifest-Version: 1.0\nBundle-License: \"Apache-2.0\";link=\"https://www.apache.org/licenses/LICENSE-2.0.txt\"\nBundle-SymbolicName: com.fasterxml.jackson.core.jackson-databind;singleton:=true\nBundle-Version: 2.13.0\n\n",
    )]);
    let result = scan(&bytes, "lib/renamed.jar");
    assert_eq!(result.packages.len(), 1);
    let p = &result.packages[0];
    assert_eq!(
        coords(p),
        (
            Some("com.fasterxml.jackson.core"),
            "jackson-databind",
            "2.13.0"
        )
    );
    assert_eq!(p.licenses, vec!["Apache-2.0"]);
}

#[test]
fn file_name_is_the_last_resort() {
    let bytes = jar(&[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\r\n\r\n")]);
    let result = scan(&bytes, "x/commons-lang3-3.12.0.jar");
    assert_eq!(result.packages.len(), 1);
    let p = &result.packages[0];
    assert_eq!(coords(p), (None, "commons-lang3", "3.12.0"));
    assert_eq!(p.evidence, Evidence::FileName);
    assert_eq!(p.purl(), "pkg:maven/commons-lang3@3.12.0");

    let snapshot = scan(&bytes, "spring-core-5.3.4-SNAPSHOT.jar");
    assert_eq!(
        coords(&snapshot.packages[0]),
        (None, "spring-core", "5.3.4-SNAPSHOT")
    );

    // Without a manifest at all the file name still works; without a version
    // in it there is nothing to report.
    let empty = jar(&[("a.txt", b"x")]);
    assert_eq!(scan(&empty, "guava-31.1-jre.jar").packages.len(), 1);
    assert!(scan(&empty, "guava.jar").packages.is_empty());
}

#[test]
fn manifest_without_version_uses_file_name_with_manifest_group() {
    let bytes = jar(&[(
        "META-INF/MANIFEST.MF",
        b"Implementation-Title: Whatever\nImplementation-Vendor-Id: org.example\n",
    )]);
    let result = scan(&bytes, "tool-4.5.jar");
    assert_eq!(result.packages.len(), 1);
    let p = &result.packages[0];
    assert_eq!(coords(p), (Some("org.example"), "tool", "4.5"));
    assert_eq!(p.evidence, Evidence::FileName);
}

#[test]
fn file_name_does_not_duplicate_a_pom_with_another_version() {
    // A jar renamed with the wrong version: the pom is the authority.
    let bytes = maven_jar("org.example", "tool", "2.0");
    let result = scan(&bytes, "tool-1.0.jar");
    let got: Vec<_> = result.packages.iter().map(coords).collect();
    assert_eq!(got, vec![(Some("org.example"), "tool", "2.0")]);
    assert!(result.packages[0].sha1.is_some());
}

#[test]
fn same_coordinates_under_two_paths_are_reported_once() {
    let props = pom("g", "a", "1");
    let bytes = jar(&[
        ("META-INF/maven/g/a/pom.properties", &props),
        ("META-INF/maven/g-copy/a/pom.properties", &props),
    ]);
    assert_eq!(scan(&bytes, "a-1.jar").packages.len(), 1);
}

#[test]
fn nested_archives_are_scanned_with_their_locations() {
    let foo = maven_jar("org.foo", "foo", "1.0");
    let bar = jar(&[(
        "META-INF/MANIFEST.MF",
        b"Implementation-Title: bar\nImplementation-Version: 2.0\n",
    )]);
    let boot = stored_jar(&[("BOOT-INF/lib/baz-3.0.jar", &jar(&[("x", b"y")]))]);
    let war = jar(&[
        ("WEB-INF/web.xml", b"<web-app/>"),
        ("WEB-INF/lib/foo-1.0.jar", &foo),
        ("WEB-INF/lib/bar.jar", &bar),
        ("WEB-INF/lib/boot.jar", &boot),
    ]);
    let ear = jar(&[
        ("META-INF/application.xml", b"<application/>"),
        ("web-1.0.war", &war),
    ]);
    let result = scan(&ear, "srv/app.ear");
    assert_eq!(result.warnings, Vec::<String>::new());
    let got: Vec<_> = result
        .packages
        .iter()
        .map(|p| {
            (
                p.location.as_str(),
                p.artifact_id.as_str(),
                p.version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("srv/app.ear!/web-1.0.war", "web", "1.0"),
            (
                "srv/app.ear!/web-1.0.war!/WEB-INF/lib/foo-1.0.jar",
                "foo",
                "1.0"
            ),
            (
                "srv/app.ear!/web-1.0.war!/WEB-INF/lib/bar.jar",
                "bar",
                "2.0"
            ),
            (
                "srv/app.ear!/web-1.0.war!/WEB-INF/lib/boot.jar!/BOOT-INF/lib/baz-3.0.jar",
                "baz",
                "3.0"
            ),
        ]
    );
    let foo_pkg = &result.packages[1];
    assert_eq!(foo_pkg.sha1.as_deref(), Some(sha1_hex(&foo).as_str()));
}

#[test]
fn archive_names() {
    for yes in [
        "a.jar",
        "A.JAR",
        "x/y.war",
        "z.ear",
        "p.jpi",
        "p.hpi",
        "p.par",
        "p.sar",
        "p.kar",
        "p.nar",
        "p.rar",
        "a.war!/WEB-INF/lib/b.jar",
    ] {
        assert!(is_java_archive_name(yes), "{yes}");
    }
    for no in ["a.zip", "a.jar.txt", ".jar", "dir.jar/", "jar", ""] {
        assert!(!is_java_archive_name(no), "{no}");
    }
}
