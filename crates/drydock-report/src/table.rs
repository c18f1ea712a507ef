//! The human-readable table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use drydock_inventory::{Ecosystem, Package};

use crate::{ScanReport, TargetKind};

const COLUMNS: [&str; 6] = ["NAME", "VERSION", "TYPE", "SOURCE", "LAYER", "PATH"];
/// Widest a padded column may get, in characters; longer cells are cut with
/// `…` so one absurd name cannot push every other row off the screen. The
/// last column is not padded and gets a looser cap.
const MAX_WIDTH: [usize; 6] = [48, 32, 9, 48, 6, 160];
const MAX_LINE: usize = 200;

pub(crate) fn render(report: &ScanReport) -> String {
    let mut out = String::new();
    header(report, &mut out);
    packages(report, &mut out);
    trailer(report, &mut out);
    out
}

fn header(report: &ScanReport, out: &mut String) {
    let t = &report.target;
    let _ = writeln!(
        out,
        "{} {}: {} ({})",
        clean(&report.tool.name, 40),
        clean(&report.tool.version, 40),
        clean(&t.name, MAX_LINE),
        t.kind.as_str()
    );
    let mut field = |label: &str, value: String| {
        let _ = writeln!(out, "{label:<10}{value}");
    };
    if t.kind == TargetKind::Image {
        if let Some(tag) = t.repo_tags.first() {
            field("Image:", clean(tag, MAX_LINE));
        }
        if let Some(d) = &t.manifest_digest {
            field("Digest:", d.to_string());
        }
        if let Some(d) = &t.config_digest {
            field("Image ID:", d.to_string());
        }
        if let Some(p) = &t.platform {
            field("Platform:", clean(p, MAX_LINE));
        }
        if !t.layers.is_empty() {
            field("Layers:", t.layers.len().to_string());
        }
    }
    let os = match report.distro() {
        Some(d) => {
            let name = match (&d.pretty_name, &d.version_id) {
                (Some(p), _) => p.clone(),
                (None, Some(v)) => format!("{} {v}", d.id),
                (None, None) => d.id.clone(),
            };
            clean(&name, MAX_LINE)
        }
        None => "unknown".to_owned(),
    };
    field("OS:", os);

    let mut counts: BTreeMap<Ecosystem, usize> = BTreeMap::new();
    for p in &report.inventory.packages {
        *counts.entry(p.ecosystem).or_default() += 1;
    }
    let per: Vec<String> = counts.iter().map(|(e, n)| format!("{e} {n}")).collect();
    let total = report.inventory.packages.len();
    let summary = if per.is_empty() {
        "0".to_owned()
    } else {
        format!("{total} ({})", per.join(", "))
    };
    field("Packages:", summary);
}

fn packages(report: &ScanReport, out: &mut String) {
    out.push('\n');
    let mut pkgs: Vec<&Package> = report.inventory.packages.iter().collect();
    if pkgs.is_empty() {
        out.push_str("No packages found.\n");
        return;
    }
    pkgs.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, a.primary_path()).cmp(&(
            b.ecosystem,
            &b.name,
            &b.version,
            b.primary_path(),
        ))
    });
    let rows: Vec<[String; 6]> = pkgs.iter().map(|p| row(p)).collect();
    let mut widths = COLUMNS.map(str::len);
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    write_row(out, &COLUMNS.map(str::to_owned), &widths);
    for r in &rows {
        write_row(out, r, &widths);
    }
}

fn row(p: &Package) -> [String; 6] {
    let source = match &p.source {
        Some(s) if p.ecosystem.is_os() && (s.name != p.name || s.version != p.version) => {
            format!("{}@{}", s.name, s.version)
        }
        _ => String::new(),
    };
    let cells = [
        p.name.as_str(),
        p.version.as_str(),
        p.ecosystem.as_str(),
        source.as_str(),
        &p.layer.index.to_string(),
        p.primary_path().unwrap_or(""),
    ];
    let mut out: [String; 6] = Default::default();
    for ((o, c), max) in out.iter_mut().zip(cells).zip(MAX_WIDTH) {
        *o = clean(c, max);
    }
    out
}

fn write_row(out: &mut String, cells: &[String; 6], widths: &[usize; 6]) {
    let mut line = String::new();
    let last = cells.len() - 1;
    for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
        line.push_str(cell);
        if i < last {
            let pad = w.saturating_sub(cell.chars().count()) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn trailer(report: &ScanReport, out: &mut String) {
    let unknowns = &report.inventory.unknowns;
    if !unknowns.is_empty() {
        let _ = writeln!(
            out,
            "\nUnknowns ({}): files that looked like package metadata but could not be read",
            unknowns.len()
        );
        for u in unknowns {
            let layer = match &u.layer {
                Some(l) => format!(" (layer {})", l.index),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "  {}{layer}: {}: {}",
                clean(&u.path, MAX_LINE),
                clean(&u.analyzer, 40),
                clean(&u.reason, MAX_LINE)
            );
        }
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings ({}):", report.warnings.len());
        for w in &report.warnings {
            let _ = writeln!(out, "  {}", clean(w, MAX_LINE));
        }
    }
}

/// Makes untrusted text safe and bounded for a terminal: control characters
/// (escape sequences, newlines) and bidirectional overrides are shown escaped,
/// and the result is cut with `…` after `max` characters.
fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        let piece: String = if c.is_control() || is_bidi_control(c) {
            c.escape_default().collect()
        } else {
            c.to_string()
        };
        let len = piece.chars().count();
        if n + len > max {
            out.push('…');
            return out;
        }
        n += len;
        out.push_str(&piece);
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_and_cuts() {
        assert_eq!(clean("a\x1b[31mb\n", 40), "a\\u{1b}[31mb\\n");
        assert_eq!(clean("x\u{202e}y", 40), "x\\u{202e}y");
        assert_eq!(clean("abcdef", 4), "abcd…");
        assert_eq!(clean("abcd", 4), "abcd");
        assert_eq!(clean("", 4), "");
    }
}
