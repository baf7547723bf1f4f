//! Share links: a lesson's or a scenario's session (seed, the learner's actions, the tick reached)
//! packed into the URL, so it replays exactly on any machine with no server. The action log is JSON in base64url;
//! a link that is malformed, for another seed or too long is refused with a sentence saying which.

use lab_engine::TimedCommand;

/// The longest `log` parameter accepted: well inside what browsers and chat tools keep intact.
pub const LOG_CHARS_MAX: usize = 6_000;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A session as a link carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedSession {
    /// The seed it ran with.
    pub seed: u64,
    /// The learner's actions.
    pub actions: Vec<TimedCommand>,
    /// The tick the session had reached.
    pub tick: u64,
}

/// The query string that opens `lesson` with `session` replayed.
pub fn link(lesson: &str, session: &SharedSession) -> String {
    let log = encoded_log(&session.actions);
    format!("?lesson={lesson}&seed={}&at={}&log={log}", session.seed, session.tick)
}

/// The query string that opens the lab's scenario with its session (seed, actions, tick) replayed.
pub fn scenario_link(lab: &crate::lab::state::Lab) -> String {
    let log = encoded_log(lab.applied_log());
    format!("?scenario={}&seed={}&at={}&log={log}", lab.scenario_name, lab.world.seed(), lab.world.now())
}

/// An action log as a link carries it: JSON in base64url.
pub fn encoded_log(actions: &[TimedCommand]) -> String {
    encode(serde_json::to_string(actions).unwrap_or_default().as_bytes())
}

/// Reads the session parameters of a link; `Ok(None)` when the link carries none.
pub fn parse(
    seed: Option<&str>,
    at: Option<&str>,
    log: Option<&str>,
) -> Result<Option<SharedSession>, String> {
    let Some(log) = log else {
        return Ok(None);
    };
    let actions = parse_log(log)?;
    let seed = seed.and_then(|s| s.parse::<u64>().ok()).ok_or("the share link has no valid `seed`")?;
    let tick = parse_at(at)?;
    Ok(Some(SharedSession { seed, actions, tick }))
}

/// The `at` tick of a link: a whole number up to the longest a lesson may run.
pub fn parse_at(at: Option<&str>) -> Result<u64, String> {
    at.and_then(|s| s.parse::<u64>().ok())
        .filter(|t| *t <= lab_engine::lesson::LessonLimits::TICKS_MAX)
        .ok_or_else(|| "the share link has no valid `at` tick".to_owned())
}

/// The action log of a link (base64url JSON), refused with a sentence when too long or damaged.
pub fn parse_log(log: &str) -> Result<Vec<TimedCommand>, String> {
    if log.len() > LOG_CHARS_MAX {
        return Err(format!(
            "the share link's action log is {} characters long; at most {LOG_CHARS_MAX} fit in a link",
            log.len()
        ));
    }
    // The learner needs to know what happened to the link, not what the parser met where.
    let damaged = "the share link's action log is damaged (it was probably cut off or changed when copied)";
    let bytes = decode(log).ok_or(damaged)?;
    let text = String::from_utf8(bytes).map_err(|_| damaged)?;
    lab_engine::parse_json(&text).map_err(|error| match error.cut_off {
        true => "the share link was cut off (its action log ends early)".to_owned(),
        false => damaged.to_owned(),
    })
}

/// base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Inverse of [`encode`]; `None` for anything else.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let value = ALPHABET.iter().position(|a| a == c)? as u32;
            n |= value << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cut_off_or_damaged_log_is_told_in_plain_words() {
        let log = super::encoded_log(&[lab_engine::TimedCommand {
            tick: 3,
            command: lab_engine::Command::RebuildAll,
        }]);
        let cut = super::parse_log(&log[..log.len() - 4]).unwrap_err();
        let changed = super::parse_log(&format!("{}x", &log[..log.len() - 1])).unwrap_err();
        for message in [&cut, &changed] {
            for parser_word in ["EOF", "line", "column", "expected", "`"] {
                assert!(!message.contains(parser_word), "{message}");
            }
        }
        assert_eq!(cut, "the share link was cut off (its action log ends early)");
    }

    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for length in 0..10 {
            let bytes: Vec<u8> = (0..length).map(|i| (i * 37 + 250) as u8).collect();
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        }
        assert_eq!(encode(b"Man"), "TWFu");
        assert_eq!(decode("a"), None);
        assert_eq!(decode("ab!d"), None);
    }

    #[test]
    fn a_session_survives_the_link() {
        let session = SharedSession {
            seed: 4004,
            actions: vec![TimedCommand { tick: 3, command: lab_engine::Command::RebuildAll }],
            tick: 12,
        };
        let url = link("thirty-snowflakes", &session);
        let query: std::collections::HashMap<&str, &str> =
            url.trim_start_matches('?').split('&').filter_map(|p| p.split_once('=')).collect();
        let parsed = parse(query.get("seed").copied(), query.get("at").copied(), query.get("log").copied());
        assert_eq!(parsed, Ok(Some(session)));
    }

    #[test]
    fn damaged_or_oversized_links_say_what_is_wrong() {
        assert!(parse(Some("1"), Some("2"), Some("%%%")).unwrap_err().contains("damaged"));
        assert!(
            parse(Some("1"), Some("2"), Some(&encode(b"[{\"tick\":1}]"))).unwrap_err().contains("damaged")
        );
        assert!(parse(None, Some("2"), Some("W10")).unwrap_err().contains("seed"));
        assert!(parse(Some("1"), None, Some("W10")).unwrap_err().contains("`at`"));
        let long = "A".repeat(LOG_CHARS_MAX + 4);
        assert!(parse(Some("1"), Some("2"), Some(&long)).unwrap_err().contains("at most 6000"));
        assert_eq!(
            parse(Some("1"), Some("2"), Some("W10")),
            Ok(Some(SharedSession { seed: 1, actions: vec![], tick: 2 }))
        );
        assert_eq!(parse(None, None, None), Ok(None));
    }
}
