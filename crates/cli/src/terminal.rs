//! What `lab` writes to standard output goes through here: one locked, buffered writer whose
//! failures (a reader that went away, a full disk) come back as errors to report, not panics.

use std::fmt;
use std::io::{self, BufWriter, StdoutLock, Write};

use serde::Serialize;

/// Standard output, locked and buffered. Nothing is certain to be written until [`Output::finish`].
pub struct Output {
    out: BufWriter<StdoutLock<'static>>,
}

impl Output {
    pub fn new() -> Self {
        Output { out: BufWriter::new(io::stdout().lock()) }
    }

    /// One line of text.
    pub fn line(&mut self, text: impl fmt::Display) -> Result<(), String> {
        writeln!(self.out, "{text}").map_err(cannot_write)
    }

    /// One value as one line of compact JSON.
    pub fn json_line(&mut self, value: &impl Serialize) -> Result<(), String> {
        serde_json::to_writer(&mut self.out, value).map_err(|error| cannot_write(error.into()))?;
        self.out.write_all(b"\n").map_err(cannot_write)
    }

    /// One value as indented JSON, then a newline.
    pub fn json_pretty(&mut self, value: &impl Serialize) -> Result<(), String> {
        serde_json::to_writer_pretty(&mut self.out, value).map_err(|error| cannot_write(error.into()))?;
        self.out.write_all(b"\n").map_err(cannot_write)
    }

    /// Writes out what is still buffered: a command has succeeded only once this has.
    pub fn finish(mut self) -> Result<(), String> {
        self.out.flush().map_err(cannot_write)
    }
}

fn cannot_write(error: io::Error) -> String {
    format!("cannot write the output: {error}")
}
