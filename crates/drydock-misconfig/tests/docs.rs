//! `docs/checks-runtime.md` lists every check with its catalogue title and
//! severity, and nothing else.

use std::path::PathBuf;

#[test]
fn check_table_matches_the_catalogue() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks-runtime.md");
    let doc = std::fs::read_to_string(&path).expect("docs/checks-runtime.md exists");
    let rows: Vec<&str> = doc.lines().filter(|l| l.starts_with("| `DD-")).collect();
    assert_eq!(rows.len(), drydock_misconfig::checks().len());
    for c in drydock_misconfig::checks() {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{}` |", c.id)))
            .unwrap_or_else(|| panic!("{} is not documented", c.id));
        assert!(
            row.contains(&format!("| {} |", c.title)),
            "{}: title differs: {row}",
            c.id
        );
        assert!(
            row.contains(&format!("| {} |", c.severity.as_str())),
            "{}: severity differs: {row}",
            c.id
        );
        for r in c.references {
            assert!(row.contains(r), "{}: reference {r} missing: {row}", c.id);
        }
        assert!(drydock_misconfig::check(c.id).is_some());
    }
}
