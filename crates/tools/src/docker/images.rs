//! `docker image ls` (and `docker images`): the registry's images in the docker CLI's table
//! (`cli/command/formatter/image.go`), sizes and ages in Go's units.

use lab_engine::{Digest, Image, World};

use super::{Flags, IMAGES_USAGE, Named, parse_reference};
use crate::Output;
use crate::names::NAME;
use crate::table::{DOCKER, align};

pub(super) fn images(world: &World, words: &[&str], command: &str) -> Output {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return Output::ok(IMAGES_USAGE);
    }
    let flags = match Flags::read(
        words,
        &[],
        &[("all", "-a"), ("all", "--all"), ("quiet", "-q"), ("quiet", "--quiet"), ("no-trunc", "--no-trunc")],
    ) {
        Ok(flags) => flags,
        Err(error) => return Output::error(format!("{error}\nSee '{command} --help'.\n")),
    };
    // `docker images web` lists the repository, `docker images web:v2` one tag.
    let filter = match flags.positional.as_slice() {
        [] => None,
        [typed] => match parse_reference(typed) {
            Ok(named) => Some((named, typed.contains(':'))),
            Err(_) => Some((Named::Tag(String::new()), true)),
        },
        _ => {
            return Output::error(format!(
                "\"{command}\" requires at most 1 argument.\nSee '{command} --help'.\n"
            ));
        }
    };
    let supply = world.supply_view();
    let mut ordered: Vec<(usize, &Image)> = supply.images.iter().enumerate().collect();
    // Newest first, as the daemon lists them.
    ordered.sort_by_key(|(position, image)| std::cmp::Reverse((image.built_tick, *position)));
    let mut rows: Vec<(String, String, &Image)> = Vec::new();
    for (_, image) in ordered {
        let tags: Vec<&str> = supply.tags_of(image.digest).collect();
        if tags.is_empty() {
            rows.push(("<none>".to_owned(), "<none>".to_owned(), image));
        }
        rows.extend(tags.into_iter().map(|tag| (NAME.to_owned(), tag.to_owned(), image)));
    }
    if let Some((named, with_tag)) = &filter {
        rows.retain(|(repository, tag, image)| match named {
            Named::Tag(wanted) => repository == NAME && (!with_tag || tag == wanted),
            Named::Digest(hex) => image.digest.hex() == *hex,
        });
    }
    let id = |digest: Digest| {
        if flags.on("no-trunc") { format!("sha256:{}", digest.hex()) } else { digest.short() }
    };
    if flags.on("quiet") {
        return Output::ok(
            rows.iter().map(|(_, _, image)| format!("{}\n", id(image.digest))).collect::<String>(),
        );
    }
    let now = world.now();
    let mut table = String::from("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n");
    for (repository, tag, image) in rows {
        table.push_str(&format!(
            "{repository}\t{tag}\t{}\t{} ago\t{}\n",
            id(image.digest),
            human_duration(now.saturating_sub(image.built_tick)),
            human_size(u64::from(image.size_kb) * 1000)
        ));
    }
    Output::ok(align(&table, DOCKER))
}

/// go-units' `HumanDuration`, a tick read as a second: `Less than a second`, `1 second`,
/// `N seconds`, `About a minute`, `N minutes`, `About an hour`, `N hours`, `N days`, `N weeks`,
/// `N months`, `N years`.
fn human_duration(seconds: u64) -> String {
    const HOUR: u64 = 3600;
    // Hours are rounded to the nearest (`d.Round(time.Hour)`), half away from zero.
    let hours = seconds.saturating_add(HOUR / 2) / HOUR;
    match seconds {
        0 => "Less than a second".to_owned(),
        1 => "1 second".to_owned(),
        s if s < 60 => format!("{s} seconds"),
        s if s / 60 == 1 => "About a minute".to_owned(),
        s if s / 60 < 60 => format!("{} minutes", s / 60),
        _ if hours == 1 => "About an hour".to_owned(),
        _ if hours < 48 => format!("{hours} hours"),
        _ if hours < 24 * 7 * 2 => format!("{} days", hours / 24),
        _ if hours < 24 * 30 * 2 => format!("{} weeks", hours / 24 / 7),
        _ if hours < 24 * 365 * 2 => format!("{} months", hours / 24 / 30),
        s => format!("{} years", s / HOUR / 24 / 365),
    }
}

/// go-units' `HumanSizeWithPrecision(size, 3)`: divided by 1000 while it is 1000 or more, then
/// Go's `%.3g` and a decimal unit (`0B`, `13.3kB`, `77.8MB`, `1e+03kB` at the edge, as Go prints it).
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", go_g3(size), UNITS.get(unit).copied().unwrap_or("B"))
}

/// Go's `%.3g` of a non-negative number: three significant digits, trailing zeros dropped, in
/// exponent form when the exponent is below -4 or at least 3.
fn go_g3(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    // Rust's `{:.2e}` rounds to three significant digits exactly as Go does (correctly, from the
    // binary value) and gives the exponent after rounding.
    let scientific = format!("{value:.2e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific.as_str(), "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let trim = |text: String| -> String {
        if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
    };
    if !(-4..3).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{}e{sign}{:02}", trim(mantissa.to_owned()), exponent.unsigned_abs());
    }
    let text = if exponent >= 0 {
        let point = (exponent as usize + 1).min(digits.len());
        format!("{}.{}", &digits[..point], &digits[point..])
    } else {
        format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
    };
    trim(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_go_units_prints_them() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(13_300), "13.3kB");
        assert_eq!(human_size(77_900_000), "77.9MB");
        assert_eq!(human_size(77_800_000), "77.8MB");
        assert_eq!(human_size(100_000_000), "100MB");
        assert_eq!(human_size(1_000_000), "1MB");
        assert_eq!(human_size(1_500_000), "1.5MB");
        assert_eq!(human_size(424_008_000), "424MB");
        // Go's %.3g of 999.95 rounds up into exponent form.
        assert_eq!(human_size(999_950), "1e+03kB");
    }

    #[test]
    fn durations_as_go_units_prints_them() {
        let cases = [
            (0, "Less than a second"),
            (1, "1 second"),
            (59, "59 seconds"),
            (60, "About a minute"),
            (119, "About a minute"),
            (120, "2 minutes"),
            (3599, "59 minutes"),
            (3600, "About an hour"),
            (5399, "About an hour"),
            (5400, "2 hours"),
            (47 * 3600, "47 hours"),
            (48 * 3600, "2 days"),
            (14 * 86400, "2 weeks"),
            (60 * 86400, "2 months"),
            (2 * 365 * 86400, "2 years"),
        ];
        for (seconds, text) in cases {
            assert_eq!(human_duration(seconds), text, "{seconds}");
        }
    }
}
