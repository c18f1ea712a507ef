use super::*;
use proptest::prelude::*;

fn node(kind: NodeKind, link: Option<&str>) -> Node {
    Node {
        kind,
        mode: 0o644,
        uid: 0,
        gid: 0,
        size: 0,
        link: link.map(str::to_owned),
    }
}

fn layer(
    entries: &[(&str, NodeKind, Option<&str>)],
    whiteouts: &[&str],
    opaques: &[&str],
) -> LayerIndex {
    LayerIndex {
        entries: entries
            .iter()
            .map(|(p, k, l)| ((*p).to_owned(), node(*k, *l)))
            .collect(),
        whiteouts: whiteouts.iter().map(|s| (*s).to_owned()).collect(),
        opaques: opaques.iter().map(|s| (*s).to_owned()).collect(),
    }
}

use NodeKind::{Dir, File, Symlink};

fn sample() -> LayeredFs {
    LayeredFs::build(vec![
        layer(
            &[
                ("etc", Dir, None),
                ("etc/os-release", Symlink, Some("../usr/lib/os-release")),
                ("usr/lib/os-release", File, None),
                ("lib", Symlink, Some("usr/lib")),
                ("app/.env", File, None),
                ("app/keep", File, None),
                ("var/cache/a", File, None),
                ("var/cache/b", File, None),
                ("loop/a", Symlink, Some("b")),
                ("loop/b", Symlink, Some("a")),
                ("escape", Symlink, Some("../../../../etc/os-release")),
            ],
            &[],
            &[],
        ),
        layer(
            &[("app/keep", File, None), ("var/cache/c", File, None)],
            &[],
            &["var/cache"],
        ),
        layer(&[], &["app/.env"], &[]),
    ])
}

#[test]
fn whiteouts_and_opaques_apply_to_lower_layers() {
    let fs = sample();
    assert!(fs.get("app/.env").is_none());
    assert!(fs.get("var/cache/a").is_none());
    assert_eq!(fs.get("var/cache/c").unwrap().layer, 1);
    assert_eq!(fs.get("app/keep").unwrap().layer, 1);
}

#[test]
fn fates() {
    let fs = sample();
    assert_eq!(fs.fate("app/.env", 0), Fate::Deleted(2));
    assert_eq!(fs.fate("/var/cache/a", 0), Fate::Deleted(1));
    assert_eq!(fs.fate("app/keep", 0), Fate::Replaced(1));
    assert_eq!(fs.fate("app/keep", 1), Fate::Visible);
    assert_eq!(fs.fate("nope", 0), Fate::Absent);
}

#[test]
fn symlinks_resolve_inside_the_image() {
    let fs = sample();
    assert_eq!(
        fs.resolve("etc/os-release").unwrap().0,
        "usr/lib/os-release"
    );
    assert_eq!(
        fs.resolve("/lib/os-release").unwrap().0,
        "usr/lib/os-release"
    );
    // `..` past the root stays at the root.
    assert_eq!(fs.resolve("escape").unwrap().0, "usr/lib/os-release");
    assert!(fs.resolve("loop/a").is_none());
    assert_eq!(fs.canonical_parent("lib/x/y").unwrap(), "usr/lib/x/y");
    assert_eq!(
        fs.canonical_parent("etc/os-release").unwrap(),
        "etc/os-release"
    );
}

#[test]
fn file_replacing_directory_drops_its_children() {
    let fs = LayeredFs::build(vec![
        layer(&[("d", Dir, None), ("d/x", File, None)], &[], &[]),
        layer(&[("d", File, None)], &[], &[]),
    ]);
    assert!(fs.get("d/x").is_none());
    assert_eq!(fs.fate("d/x", 0), Fate::Replaced(1));
}

proptest! {
    #[test]
    fn resolve_terminates_and_stays_relative(
        links in proptest::collection::vec(("[a-c]{1,2}(/[a-c]{1,2}){0,2}", "(/|\\.\\./)?[a-c./]{0,8}"), 0..12),
        query in "[a-c/.]{0,12}",
    ) {
        let entries: Vec<(String, Node)> = links.iter().map(|(p, t)| (p.clone(), node(Symlink, Some(t)))).collect();
        let fs = LayeredFs::build(vec![LayerIndex { entries: entries.into_iter().collect(), ..Default::default() }]);
        if let Some(p) = fs.canonical_parent(&query) {
            prop_assert!(!p.starts_with('/'));
            prop_assert!(!p.split('/').any(|c| c == ".."));
        }
        let _ = fs.resolve(&query);
    }
}

#[test]
fn file_replacing_implicit_directory_drops_its_children() {
    // The lower layer never had an entry for `d` itself.
    let fs = LayeredFs::build(vec![
        layer(&[("d/x", File, None)], &[], &[]),
        layer(&[("d", File, None)], &[], &[]),
    ]);
    assert!(fs.get("d/x").is_none());
    assert_eq!(fs.get("d").unwrap().layer, 1);
}
