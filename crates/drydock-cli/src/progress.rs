//! Progress on standard error, drawn only when it is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A byte-based bar over all layers.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Self { bar }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl drydock_scan::Progress for Bar {
    fn start(&self, total_bytes: u64, layers: usize) {
        self.bar.set_length(total_bytes);
        self.bar.set_message(format!("reading {layers} layers"));
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn layer_done(&self, index: usize) {
        self.bar.set_message(format!("layer {index} done"));
    }
}
