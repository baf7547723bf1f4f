//! "Did you mean": cobra suggests a command within two edits of what was typed, or one that starts
//! with it; the lab does the same for programs, sub-commands, flags and names.

/// The programs the lab's terminal knows.
pub const PROGRAMS: &[&str] =
    &["kubectl", "aws", "docker", "trivy", "ssh", "ansible-playbook", "help", "clear"];

/// Levenshtein distance, bounded work: inputs are short words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// The candidates cobra would suggest for `typed`, in the candidates' order.
pub fn similar<'a>(typed: &str, candidates: &[&'a str]) -> Vec<&'a str> {
    if typed.chars().count() > 64 {
        return Vec::new();
    }
    let lowered = typed.to_ascii_lowercase();
    candidates
        .iter()
        .copied()
        .filter(|candidate| {
            distance(&lowered, candidate) <= 2
                || (!typed.is_empty() && candidate.starts_with(lowered.as_str()))
        })
        .collect()
}

/// cobra's "Did you mean this?" block (each suggestion on a line starting with a tab), or nothing.
pub fn did_you_mean(typed: &str, candidates: &[&str]) -> String {
    let found = similar(typed, candidates);
    if found.is_empty() {
        return String::new();
    }
    let mut text = String::from("\nDid you mean this?\n");
    for candidate in found {
        text.push('\t');
        text.push_str(candidate);
        text.push('\n');
    }
    text
}

/// bash's answer to an unknown program, with the lab's suggestions and a pointer to `help`.
pub fn command_not_found(program: &str) -> String {
    let shown: String = program.chars().take(64).collect();
    let mut text = format!("bash: {shown}: command not found\n");
    let hints = did_you_mean(program, PROGRAMS);
    if hints.is_empty() {
        text.push_str("Type 'help' to see the commands this terminal knows.\n");
    } else {
        text.push_str(&hints);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words() {
        assert_eq!(similar("kubctl", PROGRAMS), ["kubectl"]);
        assert_eq!(similar("dock", PROGRAMS), ["docker"]);
        assert!(similar("zzzzzz", PROGRAMS).is_empty());
        assert!(command_not_found("kubctl").contains("Did you mean this?\n\tkubectl\n"));
    }
}
