//! The lab's terminal, the page's half: what was typed and answered (bounded), the commands typed
//! before (for Up and Down), and whether a watch is running. The worker that knows the tools'
//! words is `terminal_host.rs`. Pure, so it is tested natively.

use std::collections::VecDeque;

/// Lines kept on screen; older ones scroll away for good.
pub const SCROLLBACK_LINES_MAX: usize = 400;
/// Commands kept for Up and Down.
pub const HISTORY_MAX: usize = 100;

/// One line on the terminal's screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TerminalLine {
    pub text: String,
    pub kind: LineKind,
}

/// How a line is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// What the learner typed, after the prompt.
    Typed,
    /// A tool's answer.
    Output,
    /// A tool's error (its stderr).
    Error,
    /// The lab speaking (how to stop a watch, a lesson's refusal).
    Lab,
}

/// The terminal's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Terminal {
    pub lines: VecDeque<TerminalLine>,
    pub history: Vec<String>,
    /// A watch keeps printing as ticks pass.
    pub watching: bool,
    /// A typed line is being answered (the prompt waits).
    pub busy: bool,
    /// The latest completions: the line they complete, and the choices.
    pub completions: Option<(String, Vec<String>)>,
}

impl Terminal {
    /// Adds text (one or more lines) as `kind`, dropping the oldest beyond the bound.
    pub fn print(&mut self, text: &str, kind: LineKind) {
        for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
            if self.lines.len() == SCROLLBACK_LINES_MAX {
                self.lines.pop_front();
            }
            self.lines.push_back(TerminalLine { text: line.to_owned(), kind });
        }
    }

    /// Remembers a typed command for Up and Down (not twice in a row, at most [`HISTORY_MAX`]).
    pub fn remember(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || self.history.last().is_some_and(|last| last == line) {
            return;
        }
        if self.history.len() == HISTORY_MAX {
            self.history.remove(0);
        }
        self.history.push(line.to_owned());
    }

    /// Empties the screen (Ctrl+L, `clear`); history stays.
    pub fn clear(&mut self) {
        self.lines.clear();
    }

    /// Stops a watch (Ctrl+C), as the shell prints `^C`; returns whether one was running.
    pub fn interrupt(&mut self) -> bool {
        let was = std::mem::take(&mut self.watching);
        if was {
            self.print("^C", LineKind::Lab);
        }
        was
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_and_the_history_are_bounded() {
        let mut terminal = Terminal::default();
        for n in 0..(SCROLLBACK_LINES_MAX + 50) {
            terminal.print(&format!("line {n}\n"), LineKind::Output);
        }
        assert_eq!(terminal.lines.len(), SCROLLBACK_LINES_MAX);
        assert_eq!(terminal.lines.back().unwrap().text, format!("line {}", SCROLLBACK_LINES_MAX + 49));
        for n in 0..(HISTORY_MAX + 5) {
            terminal.remember(&format!("kubectl get pods {n}"));
            terminal.remember(&format!("kubectl get pods {n}"));
        }
        assert_eq!(terminal.history.len(), HISTORY_MAX);
        assert_eq!(terminal.history[0], "kubectl get pods 5");
    }
}
