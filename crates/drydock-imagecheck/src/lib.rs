//! Image hardening checks: what the image config, its history and its
//! merged file system say about how a container from it will run.
//!
//! Pure: the pipeline hands over the config, the stacked file system and the
//! paths OS packages own; each check returns [`Misconfiguration`]s with a
//! stable id (`DD-IMG-NNN`) mapped to CIS Docker Benchmark section 4 and to
//! Dockle's ids where they exist.

mod checks;
mod history;

pub use checks::{CHECKS, CheckInfo, ImageInput, check};
pub use history::{BuildArg, HistoryStep, parse_history};
