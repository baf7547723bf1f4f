//! Ages as kubectl prints them (apimachinery's `duration.HumanDuration`), a tick read as a second
//! (the lab's convention, docs/semantics.md TM-1).

/// `119s`, `2m1s`, `179m`, `3h1m`, `47h`, `2d1h`, `700d`, `2y3d`, `9y`.
pub fn human(seconds: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    let with = |big: u64, unit: &str, small: u64, small_unit: &str| {
        if small == 0 { format!("{big}{unit}") } else { format!("{big}{unit}{small}{small_unit}") }
    };
    match seconds {
        s if s < 2 * MINUTE => format!("{s}s"),
        s if s < 10 * MINUTE => with(s / MINUTE, "m", s % MINUTE, "s"),
        s if s < 3 * HOUR => format!("{}m", s / MINUTE),
        s if s < 8 * HOUR => with(s / HOUR, "h", s % HOUR / MINUTE, "m"),
        s if s < 2 * DAY => format!("{}h", s / HOUR),
        s if s < 8 * DAY => with(s / DAY, "d", s % DAY / HOUR, "h"),
        s if s < 2 * YEAR => format!("{}d", s / DAY),
        s if s < 8 * YEAR => with(s / YEAR, "y", s % YEAR / DAY, "d"),
        s => format!("{}y", s / YEAR),
    }
}

/// The lab's clock starts on a Thursday morning: tick 0 is 2026-01-01 09:00:00 UTC, and a tick
/// is a second. Timestamps the tools print (AWS's ISO times, kubectl's creation time) count from
/// it, so ages and times agree.
const EPOCH_DAYS: i64 = 20_454; // 2026-01-01, days since 1970-01-01
const EPOCH_SECONDS_OF_DAY: u64 = 9 * 3600;

/// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Date and time of day of a tick.
fn parts(tick: u64) -> (i64, u32, u32, u64, i64) {
    let seconds = EPOCH_SECONDS_OF_DAY.saturating_add(tick);
    let days = EPOCH_DAYS + (seconds / 86_400) as i64;
    let (year, month, day) = civil(days);
    (year, month, day, seconds % 86_400, days)
}

/// `2026-01-01T09:00:12+00:00`, as the AWS CLI prints times.
pub fn iso(tick: u64) -> String {
    let (year, month, day, second, _) = parts(tick);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+00:00",
        second / 3600,
        second % 3600 / 60,
        second % 60
    )
}

/// `Thu, 01 Jan 2026 09:00:12 +0000`, as kubectl describe prints times (RFC 1123 with zone).
pub fn rfc1123z(tick: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let (year, month, day, second, days) = parts(tick);
    format!(
        "{}, {day:02} {} {year:04} {:02}:{:02}:{:02} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(month as usize - 1) % 12],
        second / 3600,
        second % 3600 / 60,
        second % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_clock_starts_on_new_year_2026() {
        assert_eq!(iso(0), "2026-01-01T09:00:00+00:00");
        assert_eq!(iso(15 * 3600 + 61), "2026-01-02T00:01:01+00:00");
        assert_eq!(rfc1123z(0), "Thu, 01 Jan 2026 09:00:00 +0000");
        assert_eq!(rfc1123z(86_400 * 59), "Sun, 01 Mar 2026 09:00:00 +0000");
    }

    #[test]
    fn matches_kubectl() {
        // Cases from apimachinery's duration tests.
        let cases = [
            (0, "0s"),
            (119, "119s"),
            (120, "2m"),
            (121, "2m1s"),
            (600, "10m"),
            (179 * 60, "179m"),
            (3 * 3600 + 60, "3h1m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (49 * 3600, "2d1h"),
            (8 * 86400, "8d"),
            (2 * 365 * 86400 + 3 * 86400, "2y3d"),
            (9 * 365 * 86400, "9y"),
        ];
        for (seconds, text) in cases {
            assert_eq!(human(seconds), text, "{seconds}");
        }
    }
}
