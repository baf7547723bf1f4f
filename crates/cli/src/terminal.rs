//! What `lab` writes to a terminal goes through here. Scenario names, lesson titles, assertion
//! texts, submitted lesson ids and error messages quoting a file all come from files someone
//! else may have written, so anything in them a terminal would act on instead of showing is
//! written escaped. Standard output is one locked, buffered writer whose failures (a reader that
//! went away, a full disk) come back as errors to report, not panics.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write};

use serde::Serialize;

/// Whether a terminal could act on `c` rather than show it: C0 controls (escape sequences, `\r`
/// that overwrites the line, `\n` that starts a forged one), DEL, C1 controls (U+009B is a CSI
/// to some terminals) and the bidirectional embeddings, overrides and isolates that reorder text.
fn acts_on_terminal(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character a terminal would act on written as a visible escape, `\u{1b}`.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if acts_on_terminal(c) {
            shown.extend(c.escape_unicode());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// JSON text from serde_json with the controls it leaves raw (DEL, C1, bidi) written as `\uXXXX`
/// escapes too. serde_json escapes C0 controls in strings and writes nothing but ASCII outside
/// them, so these can only be inside a string, where the escape reads back as the same
/// character: the JSON means exactly what it did.
fn printable_json(json: &str) -> Cow<'_, str> {
    let escaped = |c: char| c != '\n' && acts_on_terminal(c);
    if !json.chars().any(escaped) {
        return Cow::Borrowed(json);
    }
    let mut shown = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped(c) {
            // All of them are in the Basic Multilingual Plane: one `\uXXXX` each.
            shown.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Standard output, locked and buffered. Nothing is certain to be written until [`Output::finish`].
pub struct Output {
    out: BufWriter<StdoutLock<'static>>,
}

impl Output {
    pub fn new() -> Self {
        Output { out: BufWriter::new(io::stdout().lock()) }
    }

    /// One line of text, [`printable`] as a whole: whatever was formatted into it, no control
    /// character reaches the terminal raw, and it stays one line.
    pub fn line(&mut self, text: impl fmt::Display) -> Result<(), String> {
        let text = text.to_string();
        self.write(&printable(&text))
    }

    /// One value as one line of compact JSON.
    pub fn json_line(&mut self, value: &impl Serialize) -> Result<(), String> {
        let json = serde_json::to_string(value).map_err(|error| cannot_write(error.into()))?;
        self.write(&printable_json(&json))
    }

    /// One value as indented JSON, then a newline.
    pub fn json_pretty(&mut self, value: &impl Serialize) -> Result<(), String> {
        let json = serde_json::to_string_pretty(value).map_err(|error| cannot_write(error.into()))?;
        self.write(&printable_json(&json))
    }

    fn write(&mut self, line: &str) -> Result<(), String> {
        self.out.write_all(line.as_bytes()).and_then(|()| self.out.write_all(b"\n")).map_err(cannot_write)
    }

    /// Writes out what is still buffered: a command has succeeded only once this has.
    pub fn finish(mut self) -> Result<(), String> {
        self.out.flush().map_err(cannot_write)
    }
}

fn cannot_write(error: io::Error) -> String {
    format!("cannot write the output: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_a_terminal_acts_on_and_nothing_else() {
        assert!(matches!(printable("Thirty snowflakes: 30 servers, ünïcode, 漢字"), Cow::Borrowed(_)));
        assert_eq!(printable("a\u{1b}[2J\r\n\t\0b"), r"a\u{1b}[2J\u{d}\u{a}\u{9}\u{0}b");
        assert_eq!(printable("\u{7f}\u{80}\u{9b}\u{9f}\u{a0}"), "\\u{7f}\\u{80}\\u{9b}\\u{9f}\u{a0}");
        assert_eq!(
            printable("\u{2029}\u{202a}\u{202e}\u{202f}\u{2065}\u{2066}\u{2069}\u{206a}"),
            "\u{2029}\\u{202a}\\u{202e}\u{202f}\u{2065}\\u{2066}\\u{2069}\u{206a}"
        );
    }

    #[test]
    fn printable_json_reads_back_as_the_same_value() {
        let value = serde_json::json!({"actor\u{202e}": ["\u{1b}[2J\r\u{7f}\u{85}\u{9b}\u{2066}ok"]});
        for json in [serde_json::to_string(&value).unwrap(), serde_json::to_string_pretty(&value).unwrap()] {
            let shown = printable_json(&json);
            assert!(!shown.chars().any(|c| c != '\n' && acts_on_terminal(c)), "{shown}");
            assert_eq!(serde_json::from_str::<serde_json::Value>(&shown).unwrap(), value);
        }
    }
}
