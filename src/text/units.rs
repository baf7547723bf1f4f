//! Numbers for display, formatted with integer arithmetic: pulling in float formatting would cost
//! the download several kilobytes for a few labels.

/// Kilobytes as megabytes with one decimal: `10700` → `10.7 MB`.
pub fn mb(kb: u32) -> String {
    format!("{}.{} MB", kb / 1000, (kb % 1000) / 100)
}

/// Kilobytes as whole megabytes, rounded: `512608` → `513 MB`.
pub fn whole_mb(kb: u32) -> String {
    format!("{} MB", (kb + 500) / 1000)
}

/// `part` of `whole` as a CSS percentage with two decimals, e.g. `66.66%`. An empty whole gives 0%.
pub fn percent(part: u32, whole: u32) -> String {
    let hundredths = (u64::from(part) * 10_000).checked_div(u64::from(whole)).unwrap_or(0);
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// A float rounded to a whole number, for SVG coordinates and pixel sizes.
pub fn whole(value: f64) -> i64 {
    value.round() as i64
}

/// A `data:` URL holding `text`, for download links (no Blob, no object URL to revoke).
pub fn text_data_url(text: &str) -> String {
    let mut out = String::with_capacity(30 + text.len() * 3 / 2);
    out.push_str("data:text/plain;charset=utf-8,");
    for byte in text.bytes() {
        // Unreserved characters stay as they are; everything else is percent-encoded.
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_without_floats() {
        assert_eq!(mb(10_700), "10.7 MB");
        assert_eq!(whole_mb(512_608), "513 MB");
        assert_eq!(percent(2, 3), "66.66%");
        assert_eq!(percent(1, 0), "0.00%");
        assert_eq!(whole(2.5), 3);
    }

    #[test]
    fn data_urls_keep_text_recoverable() {
        assert_eq!(
            super::text_data_url("FROM ubuntu:22.04\n"),
            "data:text/plain;charset=utf-8,FROM%20ubuntu%3A22.04%0A"
        );
    }
}
