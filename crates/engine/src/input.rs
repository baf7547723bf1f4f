//! Reading learners' and teachers' JSON (scenarios, lessons, submissions): the first problem is
//! reported with its line, column and the path of the field, and nothing panics.

use std::fmt;

use serde::de::DeserializeOwned;

/// Why a file was refused: where, which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// 1-based line of the problem (0 when it concerns the whole file).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Path to the field, e.g. `timeline[2].command.deploy.image`; `.` for the whole document.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// The text ended in the middle of a value: a file or link cut off, rather than one that says
    /// something wrong.
    pub cut_off: bool,
}

impl InputError {
    /// A problem with a field as a whole, found after parsing.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        InputError { line: 0, column: 0, field: field.to_owned(), message: message.into(), cut_off: false }
    }

    /// The same problem seen from a document that holds this one under `parent`: a strategy's
    /// `max_surge` becomes `strategy.max_surge`, a whole strategy (`.`) becomes `strategy`, and a
    /// list entry `[2]` becomes `steps[2]`.
    pub fn within(mut self, parent: &str) -> Self {
        self.field = match self.field.as_str() {
            "." | "" => parent.to_owned(),
            field if field.starts_with('[') => format!("{parent}{field}"),
            field => format!("{parent}.{field}"),
        };
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "field `{}`: {}", self.field, self.message);
        }
        write!(f, "line {}, column {}, field `{}`: {}", self.line, self.column, self.field, self.message)
    }
}

impl std::error::Error for InputError {}

/// Parses `text` as one `T`, with trailing text refused. Every JSON the lab reads goes through
/// here: one deserializer type means one copy of each type's parsing code in the wasm download.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let message = strip_position(&inner.to_string());
        // serde reads a strategy whole before choosing its type, so the path stops at the strategy;
        // a strategy's own check names the field inside it, which goes on the end of the path.
        let (field, message) = match split_field(&message) {
            Some((inner_field, rest)) => {
                (InputError::field(inner_field, "").within(&path).field, rest.to_owned())
            }
            None => (path, message),
        };
        let cut_off = inner.classify() == serde_json::error::Category::Eof;
        InputError { line: inner.line(), column: inner.column(), field, message, cut_off }
    })?;
    deserializer.end().map_err(|error| InputError {
        line: error.line(),
        column: error.column(),
        field: ".".into(),
        message: strip_position(&error.to_string()),
        cut_off: error.classify() == serde_json::error::Category::Eof,
    })?;
    Ok(value)
}

/// Splits a message in the form `InputError` displays (``field `x`: what``) into the field and
/// the rest, as a check inside a value serde reads whole reports a problem.
pub(crate) fn split_field(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("field `")?;
    let (field, rest) = rest.split_once("`: ")?;
    Some((field, rest))
}

/// serde_json appends " at line L column C"; the error fields already say where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}
