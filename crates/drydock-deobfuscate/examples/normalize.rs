//! Prints what `normalize` makes of files: `cargo run -p drydock-deobfuscate --example
//! normalize -- FILE...`. The language comes from `language_of`, falling back to PHP.

use drydock_deobfuscate::{Language, Limits, language_of, normalize};

fn main() {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                failed = true;
                continue;
            }
        };
        let head = data.get(..data.len().min(256)).unwrap_or(&[]);
        let lang = language_of(&path, head).unwrap_or(Language::Php);
        let n = normalize(lang, &data, &Limits::default());
        println!("== {path} ({lang})");
        println!("steps: {:?}", n.steps);
        println!("truncated: {}", n.truncated);
        for note in &n.notes {
            println!("note: {note}");
        }
        println!("text: {}", n.text);
        for (k, d) in n.decoded.iter().enumerate() {
            let steps: Vec<String> = d.steps.iter().map(ToString::to_string).collect();
            println!(
                "-- decoded #{k} depth {} parent {:?} at {} via [{}] ({} bytes, text: {}, truncated: {})",
                d.depth,
                d.parent,
                d.offset,
                steps.join(", "),
                d.raw_len,
                d.is_text,
                d.truncated
            );
            let shown: String = d.text.chars().take(2000).collect();
            println!("{shown}");
        }
    }
    if failed {
        std::process::exit(1);
    }
}
