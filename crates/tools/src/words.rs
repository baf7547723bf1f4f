//! A typed line into words, as a POSIX shell splits it: blanks separate words, single quotes keep
//! everything, double quotes keep everything but `\"` and `\\`, a backslash outside quotes keeps
//! the next character. Lines are bounded and may not carry control characters, so pasted escape
//! sequences cannot reach the output.

/// The longest line read, in characters (a terminal's paste of a long JSON still fits).
pub const LINE_CHARS_MAX: usize = 4000;

/// Why a line could not be split, in a shell's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordsError {
    /// Over [`LINE_CHARS_MAX`].
    TooLong { chars: usize },
    /// A control or bidirectional-formatting character.
    Control { code: u32 },
    /// A quote that is never closed.
    Unterminated { quote: char },
}

impl std::fmt::Display for WordsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WordsError::TooLong { chars } => {
                write!(f, "bash: line too long: {chars} characters (at most {LINE_CHARS_MAX})")
            }
            WordsError::Control { code } => write!(
                f,
                "bash: the line contains a control character (U+{code:04X}); type the command instead of pasting it"
            ),
            WordsError::Unterminated { quote } => {
                write!(f, "bash: unexpected EOF while looking for matching `{quote}'")
            }
        }
    }
}

/// Whether `c` may not appear in a typed line (tabs count as blanks).
pub(crate) fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\t') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Splits a line into words.
pub fn split(line: &str) -> Result<Vec<String>, WordsError> {
    let chars = line.chars().count();
    if chars > LINE_CHARS_MAX {
        return Err(WordsError::TooLong { chars });
    }
    if let Some(c) = line.chars().find(|&c| is_forbidden(c)) {
        return Err(WordsError::Control { code: u32::from(c) });
    }
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(WordsError::Unterminated { quote: '\'' }),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(WordsError::Unterminated { quote: '"' }),
                        },
                        Some(c) => word.push(c),
                        None => return Err(WordsError::Unterminated { quote: '"' }),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// A typed word shown back in a reply (an unknown flag, a name not found), cut to a sensible
/// length so a pasted wall of text does not fill the terminal.
pub(crate) fn shown(word: &str) -> String {
    word.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(split("  kubectl   get pods ").unwrap(), ["kubectl", "get", "pods"]);
        assert_eq!(
            split(r#"aws x --preferences '{"A": 1}' "two words" a\ b"#).unwrap(),
            ["aws", "x", "--preferences", r#"{"A": 1}"#, "two words", "a b"]
        );
        assert_eq!(split("echo ''").unwrap(), ["echo", ""]);
    }

    #[test]
    fn refuses_what_a_terminal_should_not_take() {
        assert_eq!(
            split("echo 'open").unwrap_err().to_string(),
            "bash: unexpected EOF while looking for matching `''"
        );
        assert!(matches!(split("ls \u{1b}[2J"), Err(WordsError::Control { code: 0x1b })));
        assert!(matches!(split("a\u{202E}b"), Err(WordsError::Control { .. })));
        assert!(matches!(split(&"x".repeat(LINE_CHARS_MAX + 1)), Err(WordsError::TooLong { .. })));
    }
}
