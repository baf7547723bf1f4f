//! The session in progress, kept in this browser so a reload or a closed tab loses nothing. It is
//! what a share link carries (the seed, the tick reached and the action log), stored under one key
//! per lesson or scenario, and reopened the same way a share link is.

use crate::platform::query::PageQuery;
use crate::platform::saved::Store;

const KEY_PREFIX: &str = "lab.session.v1.";

/// The key a page's session lives under: its lesson, or its scenario (and fleet size). A lesson
/// carried whole in a link has no stable name, so its session is not kept.
pub fn key_for(query: &PageQuery) -> Option<String> {
    if query.lesson_data.is_some() {
        return None;
    }
    match (&query.lesson, &query.scenario) {
        (Some(lesson), _) => Some(format!("{KEY_PREFIX}lesson.{lesson}")),
        (None, Some(scenario)) => {
            let fleet = query.fleet.map_or(String::new(), |size| format!(".fleet-{size}"));
            Some(format!("{KEY_PREFIX}scenario.{scenario}{fleet}"))
        }
        (None, None) => None,
    }
}

/// Keeps the session: `tick` reached with `log` from `seed`. A session that has not begun is
/// nothing to keep, so its key is cleared (Reset starts over on reload too).
pub fn save(
    store: &dyn Store,
    key: &str,
    seed: u64,
    tick: u64,
    log: &[lab_engine::TimedCommand],
) -> Result<(), String> {
    if tick == 0 && log.is_empty() {
        store.remove(key);
        return Ok(());
    }
    let text = format!("seed={seed}&at={tick}&log={}", crate::platform::share::encoded_log(log));
    crate::platform::saved::write_confirmed(store, key, &text)
}

/// The query to open: the URL's own, or, when the URL carries no session of its own, the one kept
/// in this browser for this page — with a sentence saying so.
pub fn restore(store: &dyn Store, query: PageQuery) -> (PageQuery, Option<String>) {
    let url_has_session = query.share_seed.is_some() || query.share_log.is_some() || query.ticks.is_some();
    let Some(key) = key_for(&query).filter(|_| !url_has_session) else { return (query, None) };
    let Ok(Some(text)) = store.get(&key) else { return (query, None) };
    let saved = PageQuery::parse(&format!("?{text}"));
    let (Some(seed), Some(at), Some(log)) = (saved.share_seed, saved.share_at, saved.share_log) else {
        // Unreadable: kept aside (never just dropped), and the page opens at its start.
        let notice = match crate::platform::saved::set_aside(store, &key, &text) {
            Ok(copy) => format!(
                "The session saved in this browser for this page could not be read, so the page opened at its start; the saved copy is kept as `{copy}`."
            ),
            Err(why) => format!(
                "The session saved in this browser for this page could not be read ({why}), so the page opened at its start."
            ),
        };
        return (query, Some(notice));
    };
    let actions = crate::platform::share::parse_log(&log).map_or(0, |actions| actions.len());
    let notice = format!(
        "Welcome back: your session was restored at tick {at}, with {actions} action{} (kept in this browser). Reset starts over.",
        if actions == 1 { "" } else { "s" }
    );
    let restored = PageQuery { share_seed: Some(seed), share_at: Some(at), share_log: Some(log), ..query };
    (restored, Some(notice))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::saved::memory::MemoryStore;

    #[test]
    fn a_session_round_trips_and_an_unreadable_one_is_kept_aside() {
        let store = MemoryStore::default();
        let query = PageQuery::parse("?lesson=cattle-not-pets");
        let key = key_for(&query).unwrap();
        let log = [lab_engine::TimedCommand { tick: 3, command: lab_engine::Command::RebuildAll }];
        save(&store, &key, 7, 12, &log).unwrap();
        let (restored, notice) = restore(&store, query.clone());
        assert_eq!((restored.share_seed.as_deref(), restored.share_at.as_deref()), (Some("7"), Some("12")));
        assert_eq!(crate::platform::share::parse_log(restored.share_log.as_deref().unwrap()).unwrap(), log);
        assert!(notice.unwrap().contains("restored at tick 12, with 1 action"));
        // A link with its own session wins over the kept one.
        let (linked, notice) =
            restore(&store, PageQuery::parse("?lesson=cattle-not-pets&seed=1&at=0&log=W10"));
        assert_eq!((linked.share_seed.as_deref(), notice), (Some("1"), None));
        // Reset: nothing to keep, nothing restored.
        save(&store, &key, 7, 0, &[]).unwrap();
        assert_eq!(restore(&store, query.clone()).1, None);
        // Damaged: the page opens at its start and the text is kept aside, not lost.
        store.set(&key, "seed=7&at=").unwrap();
        let (fresh, notice) = restore(&store, query);
        assert_eq!(fresh.share_seed, None);
        assert!(notice.unwrap().contains("could not be read"));
        assert_eq!(store.get(&format!("{key}.set-aside")).unwrap().as_deref(), Some("seed=7&at="));
    }
}
