//! Comparing package versions the way an advisory means "affected below 3.0.12".

use std::cmp::Ordering;

/// Whether version `a` sorts before `b`. Versions split into runs of digits and of other
/// characters; digit runs compare as numbers (so 3.0.9 < 3.0.12), other runs as text.
pub fn version_less(a: &str, b: &str) -> bool {
    compare(a, b) == Ordering::Less
}

fn compare(a: &str, b: &str) -> Ordering {
    let (mut left, mut right) = (pieces(a), pieces(b));
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(x), Ok(y)) => x.cmp(&y),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Digit runs and letter runs; separators (`.`, `-`, `+`, `~`, `:`, `_`) only split.
fn pieces(version: &str) -> impl Iterator<Item = &str> {
    let bytes = version.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < bytes.len() && !bytes[start].is_ascii_alphanumeric() {
            start += 1;
        }
        if start >= bytes.len() {
            return None;
        }
        let digit = bytes[start].is_ascii_digit();
        let end = (start..bytes.len())
            .find(|&i| !bytes[i].is_ascii_alphanumeric() || bytes[i].is_ascii_digit() != digit)
            .unwrap_or(bytes.len());
        let piece = &version[start..end];
        start = end;
        Some(piece)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        for (a, b) in [
            ("3.0.9", "3.0.12"),
            ("3.0.11", "3.0.12"),
            ("7.81.0", "8.4.0"),
            ("1.0", "1.0.1"),
            ("3.0.2-0ubuntu1", "3.0.12"),
        ] {
            assert!(version_less(a, b), "{a} < {b}");
            assert!(!version_less(b, a), "not {b} < {a}");
        }
        assert!(!version_less("3.0.12", "3.0.12"));
    }
}
