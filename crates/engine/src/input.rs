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
}

impl InputError {
    /// A problem with a field as a whole, found after parsing.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        InputError { line: 0, column: 0, field: field.to_owned(), message: message.into() }
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
        let field = error.path().to_string();
        let inner = error.into_inner();
        InputError {
            line: inner.line(),
            column: inner.column(),
            field,
            message: strip_position(&inner.to_string()),
        }
    })?;
    deserializer.end().map_err(|error| InputError {
        line: error.line(),
        column: error.column(),
        field: ".".into(),
        message: strip_position(&error.to_string()),
    })?;
    Ok(value)
}

/// serde_json appends " at line L column C"; the error fields already say where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}
