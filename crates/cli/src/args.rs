//! A small flag reader: the CLI has two commands and three flags, not worth a parser crate.

/// Positional arguments and `--name value` flags, checked against what a command accepts.
pub struct Args {
    pub positional: Vec<String>,
    flags: Vec<(String, String)>,
}

impl Args {
    pub fn parse(arguments: &[String], known_flags: &[&str]) -> Result<Self, String> {
        let mut positional = Vec::new();
        let mut flags = Vec::new();
        let mut iter = arguments.iter();
        while let Some(argument) = iter.next() {
            if let Some(name) = argument.strip_prefix("--") {
                if !known_flags.contains(&name) {
                    return Err(format!("unknown flag `--{name}`"));
                }
                let value = iter.next().ok_or_else(|| format!("`--{name}` needs a value"))?;
                flags.push((name.to_owned(), value.clone()));
            } else {
                positional.push(argument.clone());
            }
        }
        Ok(Self { positional, flags })
    }

    /// The last value given for `--name`, as a positive number within `max`.
    pub fn number(&self, name: &str, max: u64) -> Result<Option<u64>, String> {
        let Some((_, text)) = self.flags.iter().rev().find(|(flag, _)| flag == name) else {
            return Ok(None);
        };
        match text.parse::<u64>() {
            Ok(value) if (1..=max).contains(&value) => Ok(Some(value)),
            _ => Err(format!("`--{name}` takes a whole number from 1 to {max}, got `{text}`")),
        }
    }
}
