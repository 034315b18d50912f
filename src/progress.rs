//! A line on the terminal saying what a long wait is for (`resolving credentials…`), erased when
//! the wait ends; nothing at all when stderr is not a terminal, so piped and logged output stays
//! clean. The command-line tools (`doctor`, `models`, `chat`) show one around each slow step.

use std::io::{IsTerminal as _, Write as _};

/// Shown while it lives.
#[must_use = "the line is erased when this is dropped"]
pub struct Progress {
    shown: bool,
}

impl Progress {
    /// Shows `what` (dimmed, with an ellipsis) when stderr is a terminal.
    pub fn start(what: &str) -> Self {
        let shown = std::io::stderr().is_terminal();
        if shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\x1b[2m{what}…\x1b[0m");
            let _ = err.flush();
        }
        Progress { shown }
    }

    /// Erases the line now (dropping does the same).
    pub fn done(self) {}
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}
