//! Flags as the tools read them (pflag's rules): `--name=value`, `--name value` for flags that
//! take a value, `-x` for short ones, `--` ending flags. Anything not declared is refused by the
//! caller in its tool's words.

/// One command's arguments: positional words and flags.
#[derive(Debug, Default)]
pub struct Args<'a> {
    pub positional: Vec<&'a str>,
    flags: Vec<(&'a str, Option<&'a str>)>,
}

/// A flag the command does not declare, as typed (`--x` or `-x`).
#[derive(Debug, PartialEq, Eq)]
pub struct UnknownFlag(pub String);

/// A flag that needs a value and got none.
#[derive(Debug, PartialEq, Eq)]
pub enum FlagError {
    Unknown(UnknownFlag),
    MissingValue(String),
}

impl<'a> Args<'a> {
    /// Reads `words` given the flags that take a value (`valued`) and those that do not
    /// (`switches`), both without dashes; a short alias is written as `"w"`.
    pub fn parse(words: &[&'a str], valued: &[&str], switches: &[&str]) -> Result<Self, FlagError> {
        let mut args = Args::default();
        let mut rest = words.iter();
        while let Some(&word) = rest.next() {
            if word == "--" {
                args.positional.extend(rest.by_ref().copied());
                break;
            }
            let Some(flag) =
                word.strip_prefix("--").or_else(|| word.strip_prefix('-').filter(|f| !f.is_empty()))
            else {
                args.positional.push(word);
                continue;
            };
            let (name, value) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (flag, None),
            };
            if valued.contains(&name) {
                let value = match value {
                    Some(value) => value,
                    None => rest.next().copied().ok_or_else(|| FlagError::MissingValue(word.to_owned()))?,
                };
                args.flags.push((name, Some(value)));
            } else if switches.contains(&name) {
                args.flags.push((name, value));
            } else {
                return Err(FlagError::Unknown(UnknownFlag(
                    word.split('=').next().unwrap_or(word).to_owned(),
                )));
            }
        }
        Ok(args)
    }

    /// The value of a flag (the last one given wins, as pflag's).
    pub fn value(&self, name: &str) -> Option<&'a str> {
        self.flags.iter().rev().find(|(n, _)| *n == name).and_then(|(_, v)| *v)
    }

    /// Whether a switch is on: given without a value, or with `=true`.
    pub fn on(&self, name: &str) -> bool {
        self.flags.iter().rev().find(|(n, _)| *n == name).is_some_and(|(_, v)| v.is_none_or(|v| v == "true"))
    }

    /// Whether a flag was given at all.
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| *n == name)
    }
}

/// `--to-revision`: absent or 0 means the previous revision; `Err` carries the typed value, which
/// each tool words in its own error (pflag's ParseInt message).
pub fn to_revision(args: &Args<'_>) -> Result<Option<u32>, String> {
    match args.value("to-revision").map(|text| (text, text.parse::<u32>())) {
        None | Some((_, Ok(0))) => Ok(None),
        Some((_, Ok(number))) => Ok(Some(number)),
        Some((text, Err(_))) => Err(text.to_owned()),
    }
}

/// pflag's words for a `--to-revision` that is not a number (after the tool's `error:`/`Error:`).
pub fn bad_revision(typed: &str) -> String {
    let shown: String = typed.chars().take(64).collect();
    format!(
        "invalid argument \"{shown}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{shown}\": invalid syntax\n"
    )
}
