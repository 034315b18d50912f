//! What `amazon-chat chat` writes, and where: answers on stdout; notes, errors and the prompt's
//! decorations on a terminal only. Reasoning is dimmed on a terminal (unless `NO_COLOR` is set),
//! and goes to stderr when stdout is a pipe, so a script reads the answer alone.

use super::transport::Piece;
use std::io::{IsTerminal as _, Write as _};

const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const RESET: &str = "\x1b[0m";

/// Where the current answer is being written.
pub struct Screen {
    /// Escape codes on (a terminal, no `NO_COLOR`).
    color: bool,
    /// Reasoning goes to stderr (stdout is a pipe).
    reasoning_to_stderr: bool,
    /// The last thing written was reasoning (a dimmed run to close).
    in_reasoning: bool,
    /// Anything written for this answer yet.
    wrote: bool,
}

fn color_on(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

impl Screen {
    /// For an answer in the conversation on a terminal.
    pub fn terminal() -> Self {
        Screen { color: color_on(true), reasoning_to_stderr: false, in_reasoning: false, wrote: false }
    }

    /// For the one answer of a piped question.
    pub fn piped() -> Self {
        let stdout_terminal = std::io::stdout().is_terminal();
        Screen {
            color: color_on(stdout_terminal),
            reasoning_to_stderr: !stdout_terminal,
            in_reasoning: false,
            wrote: false,
        }
    }

    /// Writes a piece as it arrives.
    pub fn show(&mut self, piece: Piece) {
        match piece {
            Piece::Reasoning(text) if self.reasoning_to_stderr => {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(text.as_bytes());
                let _ = err.flush();
            }
            Piece::Reasoning(text) => {
                let mut out = std::io::stdout().lock();
                if !self.in_reasoning && self.color {
                    let _ = out.write_all(DIM.as_bytes());
                }
                self.in_reasoning = true;
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
            Piece::Text(text) => {
                let mut out = std::io::stdout().lock();
                if self.in_reasoning {
                    let _ = out.write_all(if self.color { "\x1b[0m\n\n" } else { "\n\n" }.as_bytes());
                    self.in_reasoning = false;
                }
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
        }
        self.wrote = true;
    }

    /// Ends the answer: colors reset, a final newline.
    pub fn end(&mut self) {
        let mut out = std::io::stdout().lock();
        if self.in_reasoning && self.color {
            let _ = out.write_all(RESET.as_bytes());
        }
        if self.wrote {
            let _ = out.write_all(b"\n");
        }
        let _ = out.flush();
        self.in_reasoning = false;
        self.wrote = false;
    }

    /// The prompt, on a terminal.
    pub fn prompt() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(b"> ");
        let _ = out.flush();
    }

    /// A note for the person at the terminal (dimmed, on stderr).
    pub fn note(text: &str) {
        if text.is_empty() {
            return;
        }
        let color = color_on(std::io::stderr().is_terminal());
        let (on, off) = if color { (DIM, RESET) } else { ("", "") };
        eprintln!("{on}{text}{off}");
    }

    /// A failed answer (red on a terminal, on stderr).
    pub fn error(text: &str) {
        let color = color_on(std::io::stderr().is_terminal());
        let (on, off) = if color { (RED, RESET) } else { ("", "") };
        eprintln!("{on}error: {text}{off}");
    }
}
