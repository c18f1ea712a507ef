//! Prints the inventory of an image as JSON lines: `ecosystem name version source path layer`.
fn main() {
    let arg = std::env::args().nth(1).expect("usage: inventory IMAGE");
    let t = std::time::Instant::now();
    let out = drydock_scan::scan(&arg, &drydock_scan::ScanOptions::default()).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(2)
    });
    for p in &out.inventory.packages {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.ecosystem,
            p.name,
            p.version,
            p.source
                .as_ref()
                .map(|s| format!("{}@{}", s.name, s.version))
                .unwrap_or_default(),
            p.primary_path().unwrap_or(""),
            p.layer.index,
            p.purl
        );
    }
    eprintln!("distro: {:?}", out.inventory.distro);
    for u in &out.inventory.unknowns {
        eprintln!("unknown: {u:?}");
    }
    for w in &out.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "{} packages in {:?}",
        out.inventory.packages.len(),
        t.elapsed()
    );
}
