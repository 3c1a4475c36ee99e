//! The progress bar of long scripts: statements done and rate, on stderr, only when stderr
//! is a terminal (never on a pipe or a file), only for scripts of at least
//! [`MIN_STATEMENTS`] statements, and not with `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shorter scripts finish before a bar would tell anything.
pub const MIN_STATEMENTS: usize = 50;

/// The bar being drawn, if any: output goes around it.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// A bar for `total` statements, drawn until the guard is dropped; `None` when none is
/// wanted.
pub fn start(total: usize, quiet: bool) -> Option<Guard> {
    if quiet || total < MIN_STATEMENTS || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
    let style =
        ProgressStyle::with_template("{bar:30} {pos}/{len} statements ({rate}, {elapsed} elapsed)")
            .ok()?
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.1}/s", state.per_sec());
                },
            );
    bar.set_style(style);
    *ACTIVE.lock().ok()? = Some(bar.clone());
    Some(Guard(bar))
}

/// Clears the bar when dropped.
pub struct Guard(ProgressBar);

impl Guard {
    pub fn inc(&self) {
        self.0.inc(1);
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut active) = ACTIVE.lock() {
            *active = None;
        }
        self.0.finish_and_clear();
    }
}

/// Runs `f` (which prints) with the bar, if any, lifted off the screen.
pub fn suspend<T>(f: impl FnOnce() -> T) -> T {
    let bar = ACTIVE.lock().ok().and_then(|a| a.clone());
    match bar {
        Some(bar) => bar.suspend(f),
        None => f(),
    }
}
