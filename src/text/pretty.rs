//! Indented JSON for files people read (lessons, progress, packs), made by re-indenting compact
//! JSON. serde_json's own pretty printer is a second serializer: every type written both ways
//! would be compiled twice into the page, and the download would pay for it.

use serde::Serialize;

/// `value` as JSON indented by two spaces, exactly as `serde_json::to_string_pretty` writes it.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    indent(&serde_json::to_string(value).unwrap_or_default())
}

/// Re-indents compact JSON (no whitespace outside strings, as serde_json writes it).
fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on one line: `{}`, `[]`.
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap_or(if c == '{' { '}' } else { ']' }));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_what_serde_json_pretty_writes() {
        let value = serde_json::json!({
            "a": [], "b": {}, "c": [1, {"d": "x,y:{}[]\\\"z"}, [], [2, 3]],
            "e": {"f": null, "g": true, "h": -1.5, "i": "\u{e9}\n"}, "j": [[], {}]
        });
        assert_eq!(super::to_string_pretty(&value), serde_json::to_string_pretty(&value).unwrap());
        let lesson = &crate::platform::lessons::built_in()[0];
        assert_eq!(super::to_string_pretty(lesson), serde_json::to_string_pretty(lesson).unwrap());
    }
}
