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
///
/// The field's path is found from where serde_json stopped, by reading the text up to that point
/// ([`path_at`]), rather than by tracking it while parsing: tracking wraps every type's parsing code
/// in another copy, which cost the page about a sixth of its download.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(&mut deserializer).map_err(|error| {
        let message = strip_position(&error.to_string());
        // serde reads a strategy whole before choosing its type, and a strategy's own check names
        // the field inside it, which goes on the end of the strategy's path.
        let inner = split_field(&message);
        let place = if message.starts_with("missing field") || message.starts_with("invalid length") {
            Place::Container
        } else if let Some((inner_field, _)) = inner {
            Place::HolderOf(inner_field)
        } else {
            Place::Value
        };
        let path = path_at(text, error.line(), error.column(), place);
        let (field, message) = match inner {
            Some((inner_field, rest)) => {
                (InputError::field(inner_field, "").within(&path).field, rest.to_owned())
            }
            None => (path, message),
        };
        let cut_off = error.classify() == serde_json::error::Category::Eof;
        InputError { line: error.line(), column: error.column(), field, message, cut_off }
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

/// Where a reader of JSON is: inside an object (with the key it last read, if any, and whether
/// it has a key named like the first part of a field being looked for) or an array (at an index).
enum Frame<'a> {
    Object { key: Option<&'a str>, holds: bool },
    Array(usize),
}

/// Fields whose values serde reads whole before it knows their type (an internally tagged
/// strategy), so a problem inside one is reported after it, not where it is: the path stops at
/// the field and the message says what inside it is wrong.
const READ_WHOLE: [&str; 2] = ["strategy", "set_strategy"];

/// What a problem concerns, which decides its place when serde_json reports it just after a
/// closing bracket.
#[derive(Clone, Copy)]
pub(crate) enum Place<'a> {
    /// A value: the last one in the object or list that closed, if one just did.
    Value,
    /// The object or list itself (a missing field, a list too long or short).
    Container,
    /// The value that has this field inside (a check on a whole value that names its own field):
    /// the object that just closed when it has that field's first part, else its last value.
    HolderOf(&'a str),
}

/// The path (`timeline[2].command.deploy.image`; `.` for the whole document) of the value being
/// read at 1-based `line` and `column` of `text`, the place serde_json reports a problem: just
/// after the key or value it could not take, or just after the object or list that holds it when
/// it was the last one there (serde_json reads the closing bracket before it says where it is).
/// `place` says what the problem concerns.
pub(crate) fn path_at(text: &str, line: usize, column: usize, place: Place<'_>) -> String {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let end = (line_start + column).min(text.len());
    let wanted = match place {
        Place::HolderOf(field) => field.split(['.', '[']).next(),
        _ => None,
    };
    let bytes = text.as_bytes();
    let mut frames: Vec<Frame<'_>> = Vec::new();
    // The object or list that closed last, while nothing but white space has followed it.
    let mut just_closed = None;
    // In an object: true between `{` or `,` and the next `:`, where a string is a key.
    let mut at_key = false;
    let mut index = 0;
    while index < end {
        if !bytes[index].is_ascii_whitespace() {
            just_closed = None;
        }
        match bytes[index] {
            b'{' => {
                frames.push(Frame::Object { key: None, holds: false });
                at_key = true;
            }
            b'[' => {
                frames.push(Frame::Array(0));
                at_key = false;
            }
            b'}' | b']' => {
                just_closed = frames.pop();
                at_key = false;
            }
            b':' => at_key = false,
            b',' => match frames.last_mut() {
                Some(Frame::Array(position)) => *position += 1,
                Some(Frame::Object { key, .. }) => {
                    *key = None;
                    at_key = true;
                }
                None => {}
            },
            b'"' => {
                let start = index + 1;
                index = start;
                while index < bytes.len() && bytes[index] != b'"' {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
                if at_key && let Some(Frame::Object { key, holds }) = frames.last_mut() {
                    *key = text.get(start..index.min(text.len()));
                    *holds |= key.is_some() && *key == wanted;
                }
            }
            _ => {}
        }
        index += 1;
    }
    let holder_closed = matches!(just_closed, Some(Frame::Object { holds: true, .. }));
    let read_whole =
        matches!(frames.last(), Some(Frame::Object { key: Some(key), .. }) if READ_WHOLE.contains(key));
    match (place, just_closed) {
        // serde read the value whole before judging it: the problem can be anywhere inside.
        (_, Some(_)) if read_whole => {}
        (Place::Value, Some(frame)) => frames.push(frame),
        (Place::HolderOf(_), Some(frame)) if !holder_closed => frames.push(frame),
        // Still inside the list: the problem is the list's, not its current element's.
        (Place::Container, None) if matches!(frames.last(), Some(Frame::Array(_))) => {
            frames.pop();
        }
        _ => {}
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array(position) => {
                path.push('[');
                path.push_str(&position.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() { ".".to_owned() } else { path }
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

#[cfg(test)]
mod tests {

    /// The field `parse` names for a problem reading `text` as a scenario.
    fn field_of(text: &str) -> String {
        crate::Scenario::from_json(text).unwrap_err().field
    }

    const HEAD: &str =
        r#"{"seed": 1, "fleet_size": 4, "image": {"base": "ubuntu-22.04", "app_version": "1.0.0"}"#;

    #[test]
    fn a_value_is_named_in_the_middle_or_at_the_end_of_its_object() {
        let middle = HEAD.replace(r#""seed": 1"#, r#""seed": "one""#);
        assert_eq!(field_of(&format!("{middle}}}")), "seed");
        // serde_json reads the closing brace before it says where a last value went wrong.
        let last = HEAD.replace(r#""app_version": "1.0.0""#, r#""app_version": 7"#);
        assert_eq!(field_of(&format!("{last}}}")), "image.app_version");
    }

    #[test]
    fn a_missing_field_names_its_object_and_an_unknown_one_itself() {
        assert_eq!(field_of(r#"{"seed": 1, "fleet_size": 4, "image": {"base": "ubuntu-22.04"}}"#), "image");
        assert_eq!(field_of(&format!(r#"{HEAD}, "colour": "blue"}}"#)), "colour");
    }

    #[test]
    fn list_entries_are_numbered_and_a_list_too_long_is_named_itself() {
        let timeline = |entries: &str| format!(r#"{HEAD}, "timeline": [{entries}]}}"#);
        let scale = r#"{"tick": 1, "command": {"scale": {"replicas": 2}}}"#;
        let bad = r#"{"tick": 2, "command": {"scale": {"replicas": "many"}}}"#;
        assert_eq!(
            field_of(&timeline(&format!("{scale}, {bad}, {scale}"))),
            "timeline[1].command.scale.replicas"
        );
        let ids = vec!["1"; 1001].join(", ");
        let ssh = format!(
            r#"{{"tick": 1, "command": {{"ssh": {{"instances": [{ids}], "actor": "a", "change": "compromise"}}}}}}"#
        );
        assert_eq!(field_of(&timeline(&ssh)), "timeline[0].command.ssh.instances");
    }

    #[test]
    fn a_strategy_read_whole_is_named_whether_or_not_it_comes_last() {
        let strategy = r#""strategy": {"type": "rolling", "max_surge": 0, "max_unavailable": 0}"#;
        assert_eq!(field_of(&format!("{HEAD}, {strategy}}}")), "strategy");
        assert_eq!(field_of(&format!(r#"{HEAD}, {strategy}, "timeline": []}}"#)), "strategy");
        let unknown = r#""strategy": {"type": "canary", "stepz": [], "steps": []}"#;
        assert_eq!(field_of(&format!(r#"{HEAD}, {unknown}, "timeline": []}}"#)), "strategy");
    }

    #[test]
    fn keys_with_escapes_and_brackets_inside_strings_do_not_confuse_the_reader() {
        let text = HEAD.replace(r#""seed": 1"#, r#""name": "a \"}]{[\" b", "seed": 1, "extra": 1"#);
        assert_eq!(field_of(&format!("{text}}}")), "extra");
    }
}
