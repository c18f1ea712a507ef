//! The human-readable table.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use drydock_findings::{
    Malware, Misconfiguration, Secret, SecretLocation, Severity, Vulnerability,
};
use drydock_inventory::{Ecosystem, Package};

use crate::{ScanReport, Sections, Show, TargetKind};
use crate::{malware, misconfigs, secrets, vulns};

const COLUMNS: [&str; 6] = ["NAME", "VERSION", "TYPE", "SOURCE", "LAYER", "PATH"];
/// Widest a padded column may get, in characters; longer cells are cut with
/// `…` so one absurd name cannot push every other row off the screen. The
/// last column is not padded and gets a looser cap.
const MAX_WIDTH: [usize; 6] = [48, 32, 9, 48, 6, 160];
const MAX_LINE: usize = 200;

/// Widest the advisory id and alias cells of the vulnerability lines get.
const MAX_ID: usize = 40;
/// Widest the location cell of a secret line gets.
const MAX_PLACE: usize = 120;
/// Widest the redacted secret gets: a redaction is a short prefix and a
/// length, anything longer is not what the scanner promised.
const MAX_REDACTED: usize = 60;

/// The width the misconfiguration and malware sections fit their lines
/// into, where the cells allow.
const WIDTH: usize = 100;
/// Widest a check id gets.
const MAX_CHECK_ID: usize = 24;
/// Widest the title and location cells of a misconfiguration get before
/// they have to share the line; neither is squeezed below
/// [`MIN_SQUEEZED`].
const MAX_TITLE: usize = 48;
const MAX_MISCONFIG_PLACE: usize = 48;
const MIN_SQUEEZED: usize = 16;
/// The least the last cell of a line (a path, a remediation, a line of
/// malware evidence) is given, even when that runs past [`WIDTH`].
const MIN_LAST: usize = 16;
/// The least room the evidence of a misconfiguration is promised; with
/// the caps above (at most 10 columns of severity, [`MAX_CHECK_ID`] of id,
/// 2 × [`MIN_SQUEEZED`] of title and location) every misconfiguration line
/// fits [`WIDTH`] even so.
const MIN_EVIDENCE: usize = 24;
/// Widest the category and `engine:rule` cells of a malware line get.
const MAX_CATEGORY: usize = 16;
const MAX_MALWARE_RULE: usize = 40;
/// Evidence lines shown per malware finding; the rest are counted.
const MAX_EVIDENCE_LINES: usize = 3;

pub(crate) fn render(report: &ScanReport, sections: &Sections) -> String {
    let shown = |show: Show, any: bool| match show {
        Show::Never => false,
        Show::IfAny => any,
        Show::Always => true,
    };
    let mut out = String::new();
    header(report, &mut out);
    if shown(sections.packages, !report.inventory.packages.is_empty()) {
        packages(report, &mut out);
    }
    if shown(sections.vulnerabilities, !report.vulnerabilities.is_empty()) {
        vulnerabilities(report, &mut out);
    }
    if shown(sections.secrets, !report.secrets.is_empty()) {
        secret_section(report, &mut out);
    }
    if shown(
        sections.misconfigurations,
        !report.misconfigurations.is_empty(),
    ) {
        misconfig_section(report, &mut out);
    }
    if shown(sections.malware, !report.malware.is_empty()) {
        malware_section(report, &mut out);
    }
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

/// A package as the vulnerability section groups findings: its most severe
/// finding first (so the worst packages lead), then the package table's
/// order.
type PackageKey<'a> = (
    Reverse<Severity>,
    Ecosystem,
    &'a str,
    &'a str,
    Option<&'a str>,
    usize,
    &'a str,
);

/// Findings grouped by package, suppressed ones left out (they are only
/// counted), followed by a one-line summary.
fn vulnerabilities(report: &ScanReport, out: &mut String) {
    let sorted = vulns::sorted(&report.vulnerabilities);
    let (suppressed, shown): (Vec<&Vulnerability>, Vec<&Vulnerability>) =
        sorted.into_iter().partition(|v| v.suppressed.is_some());
    out.push('\n');
    if shown.is_empty() {
        if suppressed.is_empty() {
            out.push_str("No vulnerabilities found.\n");
        } else {
            let _ = writeln!(
                out,
                "No vulnerabilities found ({} suppressed).",
                suppressed.len()
            );
        }
        return;
    }

    // Findings arrive most severe first, so the first one seen for a
    // package carries its worst severity.
    let mut worst: BTreeMap<PackageIdentity<'_>, Severity> = BTreeMap::new();
    for v in &shown {
        worst.entry(identity(v)).or_insert(v.severity);
    }
    // Each group holds indices into `shown`, already in severity-then-id
    // order.
    let mut groups: BTreeMap<PackageKey<'_>, Vec<usize>> = BTreeMap::new();
    for (i, v) in shown.iter().enumerate() {
        let id = identity(v);
        let sev = worst.get(&id).copied().unwrap_or(v.severity);
        let (eco, name, version, path, layer, purl) = id;
        groups
            .entry((Reverse(sev), eco, name, version, path, layer, purl))
            .or_default()
            .push(i);
    }

    let lines: Vec<[String; 4]> = shown.iter().map(|v| finding_cells(v)).collect();
    let mut widths = [0usize; 3];
    for l in &lines {
        for (w, cell) in widths.iter_mut().zip(l) {
            *w = (*w).max(cell.chars().count());
        }
    }

    let _ = writeln!(out, "Vulnerabilities:");
    for (n, ((_, eco, name, version, path, layer, _), members)) in groups.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut head = format!("{} {} ({eco}", clean(name, 48), clean(version, 32));
        if let Some(src) = members
            .first()
            .and_then(|i| shown.get(*i))
            .and_then(|v| v.package.source.as_ref())
            .filter(|s| s.name != *name || s.version != *version)
        {
            head.push_str(&format!(
                ", source {} {}",
                clean(&src.name, 48),
                clean(&src.version, 32)
            ));
        }
        head.push(')');
        if let Some(p) = path {
            head.push_str(&format!(" /{}", clean(p, 160)));
        }
        head.push_str(&format!(", layer {layer}"));
        let _ = writeln!(out, "{head}");
        for c in members.iter().filter_map(|i| lines.get(*i)) {
            let mut line = String::from("  ");
            // An all-empty column (no finding has a CVE alias) takes no
            // space at all.
            for (cell, w) in c.iter().zip(widths) {
                if w == 0 {
                    continue;
                }
                line.push_str(cell);
                let pad = w.saturating_sub(cell.chars().count()) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
            line.push_str(&c[3]);
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    out.push('\n');
    out.push_str(&summary(&shown, suppressed.len()));
    out.push('\n');
}

type PackageIdentity<'a> = (Ecosystem, &'a str, &'a str, Option<&'a str>, usize, &'a str);

fn identity(v: &Vulnerability) -> PackageIdentity<'_> {
    let p = &v.package;
    (
        p.ecosystem,
        p.name.as_str(),
        p.version.as_str(),
        vulns::package_path(p),
        p.layer.index,
        p.purl.as_str(),
    )
}

/// Severity, id, CVE aliases and the fix, each cleaned for the terminal.
fn finding_cells(v: &Vulnerability) -> [String; 4] {
    let cves = vulns::cve_aliases(v);
    let aliases = if cves.is_empty() {
        String::new()
    } else {
        clean(&format!("({})", cves.join(", ")), MAX_ID)
    };
    let fix = if vulns::is_fixable(v) {
        format!("fixed in {}", v.fixed_versions.join(", "))
    } else {
        format!("no fix: {}", vulns::shown_fix_state(v))
    };
    [
        v.severity.as_str().to_owned(),
        clean(&v.id, MAX_ID),
        aliases,
        clean(&fix, MAX_LINE),
    ]
}

/// `52 vulnerabilities (critical 3, high 20, …); 40 fixable; 2 suppressed`
fn summary(shown: &[&Vulnerability], suppressed: usize) -> String {
    let mut counts: BTreeMap<Reverse<Severity>, usize> = BTreeMap::new();
    for v in shown {
        *counts.entry(Reverse(v.severity)).or_default() += 1;
    }
    let per: Vec<String> = counts
        .iter()
        .map(|(Reverse(s), n)| format!("{} {n}", s.as_str().to_ascii_lowercase()))
        .collect();
    let n = shown.len();
    let fixable = shown.iter().filter(|v| vulns::is_fixable(v)).count();
    format!(
        "{n} {} ({}); {fixable} fixable; {suppressed} suppressed",
        if n == 1 {
            "vulnerability"
        } else {
            "vulnerabilities"
        },
        per.join(", ")
    )
}

/// Secrets grouped by location (files by layer then path, then the
/// config), suppressed ones left out (they are only counted), followed by
/// a one-line summary. The redacted form is shown, never the secret.
fn secret_section(report: &ScanReport, out: &mut String) {
    let (suppressed, shown): (Vec<&Secret>, Vec<&Secret>) = secrets::by_location(&report.secrets)
        .into_iter()
        .partition(|s| s.suppressed.is_some());
    out.push('\n');
    if shown.is_empty() {
        if suppressed.is_empty() {
            out.push_str("No secrets found.\n");
        } else {
            let _ = writeln!(out, "No secrets found ({} suppressed).", suppressed.len());
        }
        return;
    }

    let lines: Vec<[String; 6]> = shown.iter().map(|s| secret_cells(s)).collect();
    let mut widths = [0usize; 5];
    for l in &lines {
        for (w, cell) in widths.iter_mut().zip(l) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let _ = writeln!(out, "Secrets:");
    for c in &lines {
        let mut line = String::from("  ");
        // A column no secret fills (no file was deleted) takes no space.
        for (cell, w) in c.iter().zip(widths) {
            if w == 0 {
                continue;
            }
            line.push_str(cell);
            let pad = w.saturating_sub(cell.chars().count()) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
        line.push_str(&c[5]);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let deleted = shown.iter().filter(|s| secrets::in_deleted_file(s)).count();
    let n = shown.len();
    let _ = writeln!(
        out,
        "\n{n} {} ({}); {deleted} in deleted files; {} suppressed",
        if n == 1 { "secret" } else { "secrets" },
        secrets::severity_counts(shown.iter().map(|s| &s.severity)),
        suppressed.len()
    );
}

/// Severity, rule id, place, layer, what hid the file, and the redacted
/// secret, each cleaned for the terminal.
fn secret_cells(s: &Secret) -> [String; 6] {
    let layer = match &s.location {
        SecretLocation::File { layer, .. } => format!("layer {}", layer.index),
        SecretLocation::History { layer: Some(l), .. } => format!("layer {l}"),
        _ => String::new(),
    };
    [
        s.severity.as_str().to_owned(),
        clean(&s.rule_id, MAX_ID),
        clean(&secrets::place(&s.location), MAX_PLACE),
        layer,
        secrets::hidden_by(&s.location).unwrap_or_default(),
        clean(&s.redacted, MAX_REDACTED),
    ]
}

/// Misconfigurations grouped by source (defects first, then the info-level
/// hardening inventory), each with its remediation on a second line,
/// suppressed ones left out (they are only counted), followed by a
/// one-line summary. Lines are fitted into [`WIDTH`] columns: long titles
/// and locations share what is left, long evidence is cut.
fn misconfig_section(report: &ScanReport, out: &mut String) {
    let (suppressed, shown): (Vec<&Misconfiguration>, Vec<&Misconfiguration>) =
        misconfigs::grouped(&report.misconfigurations)
            .into_iter()
            .partition(|m| m.suppressed.is_some());
    out.push('\n');
    if shown.is_empty() {
        if suppressed.is_empty() {
            out.push_str("No misconfigurations found.\n");
        } else {
            let _ = writeln!(
                out,
                "No misconfigurations found ({} suppressed).",
                suppressed.len()
            );
        }
        return;
    }

    let sev_w = shown
        .iter()
        .map(|m| m.severity.as_str().len())
        .max()
        .unwrap_or(0);
    let id_w = shown
        .iter()
        .map(|m| fit(&m.check_id, MAX_CHECK_ID).chars().count())
        .max()
        .unwrap_or(0);
    let indent = 2 + sev_w + 2;

    // Each source group aligns its own title and location columns, so one
    // long Kubernetes path does not squeeze every Dockerfile line.
    let mut groups: Vec<((bool, &str), Vec<&Misconfiguration>)> = Vec::new();
    for m in shown.iter().copied() {
        let key = (misconfigs::is_info(m), misconfigs::source(m));
        match groups.last_mut() {
            Some((k, members)) if *k == key => members.push(m),
            _ => groups.push((key, vec![m])),
        }
    }

    let _ = writeln!(out, "Misconfigurations:");
    for (n, ((info, source), members)) in groups.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let label = if *info { " (info)" } else { "" };
        let _ = writeln!(out, "{}{label}", clean(source, 40));
        let cells: Vec<[String; 2]> = members
            .iter()
            .map(|m| {
                [
                    clean(misconfigs::title(m), MAX_TITLE),
                    clean_tail(&misconfigs::place(&m.location), MAX_MISCONFIG_PLACE),
                ]
            })
            .collect();
        let width = |i: usize| {
            cells
                .iter()
                .map(|c| c.get(i).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        };
        // Title and location share what the severity, the id and the
        // evidence (up to its minimum) leave of the line.
        let evidence_w = members
            .iter()
            .map(|m| fit(m.evidence.trim(), MIN_EVIDENCE).chars().count())
            .max()
            .unwrap_or(0);
        let fixed = 2 + (sev_w + 2) + (id_w + 2) + 2 + 2 + evidence_w;
        let budget = WIDTH.saturating_sub(fixed).max(2 * MIN_SQUEEZED);
        let (title_w, place_w) = share(width(0), width(1), budget);
        for (m, [title, place]) in members.iter().zip(&cells) {
            let mut line = String::from("  ");
            pad(&mut line, m.severity.as_str(), sev_w);
            pad(&mut line, &fit(&m.check_id, MAX_CHECK_ID), id_w);
            pad(&mut line, &fit(title, title_w), title_w);
            pad(&mut line, &fit_tail(place, place_w), place_w);
            // At least `evidence_w`: the caps leave that much.
            let room = WIDTH.saturating_sub(line.chars().count());
            line.push_str(&fit(m.evidence.trim(), room));
            let _ = writeln!(out, "{}", line.trim_end());
            let fix = fit(
                m.remediation.trim(),
                WIDTH.saturating_sub(indent).max(MIN_LAST),
            );
            if !fix.is_empty() {
                let _ = writeln!(out, "{:indent$}{fix}", "");
            }
        }
    }
    let n = shown.len();
    let _ = writeln!(
        out,
        "\n{n} {} ({}); {} suppressed",
        if n == 1 {
            "misconfiguration"
        } else {
            "misconfigurations"
        },
        secrets::severity_counts(shown.iter().map(|m| &m.severity)),
        suppressed.len()
    );
}

/// Splits `budget` columns between two cells that want `a` and `b`: each
/// gets what it wants if both fit, else the smaller keeps its width when
/// it is under half, and the other takes the rest.
fn share(a: usize, b: usize, budget: usize) -> (usize, usize) {
    if a + b <= budget {
        return (a, b);
    }
    let half = budget / 2;
    if a <= half {
        (a, budget - a)
    } else if b <= half {
        (budget - b, b)
    } else {
        (half, budget - half)
    }
}

/// Appends `cell` padded to `width` plus the two-space gap; a column of
/// width 0 (no line fills it) takes no space at all.
fn pad(line: &mut String, cell: &str, width: usize) {
    if width == 0 {
        return;
    }
    line.push_str(cell);
    let n = width.saturating_sub(cell.chars().count()) + 2;
    line.extend(std::iter::repeat_n(' ', n));
}

/// Malware findings, most severe first, each with up to
/// [`MAX_EVIDENCE_LINES`] evidence lines below it, suppressed ones left out
/// (they are only counted), followed by a one-line summary.
fn malware_section(report: &ScanReport, out: &mut String) {
    let (suppressed, shown): (Vec<&Malware>, Vec<&Malware>) =
        malware::by_severity_then_path(&report.malware)
            .into_iter()
            .partition(|m| m.suppressed.is_some());
    out.push('\n');
    if shown.is_empty() {
        if suppressed.is_empty() {
            out.push_str("No malware found.\n");
        } else {
            let _ = writeln!(out, "No malware found ({} suppressed).", suppressed.len());
        }
        return;
    }

    let cells: Vec<[String; 2]> = shown
        .iter()
        .map(|m| {
            [
                clean(m.category.trim(), MAX_CATEGORY),
                clean(&malware::name(m), MAX_MALWARE_RULE),
            ]
        })
        .collect();
    let sev_w = shown
        .iter()
        .map(|m| m.severity.as_str().len())
        .max()
        .unwrap_or(0);
    let col = |i: usize| {
        cells
            .iter()
            .map(|c| c.get(i).map_or(0, |s| s.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let (cat_w, rule_w) = (col(0), col(1));
    let indent = 2 + sev_w + 2;

    let _ = writeln!(out, "Malware:");
    for (m, [category, rule]) in shown.iter().zip(&cells) {
        let mut line = String::from("  ");
        pad(&mut line, m.severity.as_str(), sev_w);
        pad(&mut line, category, cat_w);
        pad(&mut line, rule, rule_w);
        let mut suffix = format!(" (layer {}", m.layer.index);
        if let Some(h) = malware::hidden_by(m) {
            suffix.push_str(", ");
            suffix.push_str(&h);
        }
        suffix.push(')');
        let room = WIDTH
            .saturating_sub(line.chars().count() + suffix.chars().count())
            .max(MIN_LAST);
        line.push_str(&fit_tail(&format!("/{}", malware::path(m)), room));
        line.push_str(&suffix);
        let _ = writeln!(out, "{line}");
        let room = WIDTH.saturating_sub(indent).max(MIN_LAST);
        for e in m.evidence.iter().take(MAX_EVIDENCE_LINES) {
            let _ = writeln!(out, "{:indent$}{}", "", fit(e, room));
        }
        if let Some(more) = m
            .evidence
            .len()
            .checked_sub(MAX_EVIDENCE_LINES)
            .filter(|n| *n > 0)
        {
            let _ = writeln!(out, "{:indent$}(+{more} more)", "");
        }
    }
    let deleted = shown
        .iter()
        .filter(|m| m.deleted_in_layer.is_some())
        .count();
    let n = shown.len();
    let _ = writeln!(
        out,
        "\n{n} malware {} ({}); {deleted} in deleted files; {} suppressed",
        if n == 1 { "finding" } else { "findings" },
        secrets::severity_counts(shown.iter().map(|m| &m.severity)),
        suppressed.len()
    );
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
        let piece = escape(c);
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

/// [`clean`], cut so the result, `…` included, is at most `width`
/// characters.
fn fit(s: &str, width: usize) -> String {
    let c = clean(s, width);
    if c.chars().count() > width {
        clean(s, width.saturating_sub(1))
    } else {
        c
    }
}

/// Like [`clean`], but keeps the end of `s` (where a path has its file
/// name and a config path its setting), cut with a leading `…`.
fn clean_tail(s: &str, max: usize) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut n = 0;
    for c in s.chars().rev() {
        let piece = escape(c);
        let len = piece.chars().count();
        if n + len > max {
            pieces.push("…".to_owned());
            break;
        }
        n += len;
        pieces.push(piece);
    }
    pieces.iter().rev().map(String::as_str).collect()
}

/// [`clean_tail`], cut so the result, `…` included, is at most `width`
/// characters.
fn fit_tail(s: &str, width: usize) -> String {
    let c = clean_tail(s, width);
    if c.chars().count() > width {
        clean_tail(s, width.saturating_sub(1))
    } else {
        c
    }
}

/// A character as the table shows it: control characters and
/// bidirectional overrides escaped.
fn escape(c: char) -> String {
    if c.is_control() || is_bidi_control(c) {
        c.escape_default().collect()
    } else {
        c.to_string()
    }
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

    #[test]
    fn fit_keeps_within_the_width() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abcd", 4), "abcd");
        assert_eq!(fit("a\nbcd", 4), "a\\n…");
        assert_eq!(fit("abc", 0), "…");
        assert_eq!(clean_tail("/usr/lib/x", 5), "…lib/x");
        assert_eq!(fit_tail("/usr/lib/x", 5), "…ib/x");
        assert_eq!(fit_tail("a\u{1b}b", 40), "a\\u{1b}b");
        assert_eq!(fit_tail("", 3), "");
        for w in 0..12 {
            for s in ["", "short", "a much longer string\n", "名前名前名前名前"] {
                assert!(fit(s, w).chars().count() <= w.max(1), "{s} {w}");
                assert!(fit_tail(s, w).chars().count() <= w.max(1), "{s} {w}");
            }
        }
    }

    #[test]
    fn share_splits_the_budget() {
        assert_eq!(share(10, 10, 40), (10, 10));
        assert_eq!(share(10, 50, 40), (10, 30));
        assert_eq!(share(50, 10, 40), (30, 10));
        assert_eq!(share(50, 50, 40), (20, 20));
    }
}
