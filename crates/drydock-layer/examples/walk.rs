//! Times a walk of one layer blob with a no-op visitor.
fn main() {
    for arg in std::env::args().skip(1) {
        let t = std::time::Instant::now();
        let f = std::fs::File::open(&arg).expect("open");
        let s = drydock_layer::walk_layer(
            f,
            None,
            None,
            None,
            &drydock_layer::Limits::default(),
            |_, _| Ok(()),
        )
        .expect("walk");
        println!(
            "{arg}: {} entries, {} bytes in {:?}",
            s.entries,
            s.uncompressed_bytes,
            t.elapsed()
        );
    }
}
