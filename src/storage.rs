//! localStorage: the learner's progress and the lessons a teacher handed out, nothing else. Every call
//! tolerates a browser that refuses storage (private windows, policies): progress then lives only
//! as long as the page.

use crate::progress::{self, Loaded, SavedProgress};

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Loads saved progress. Unreadable data is moved to [`progress::SET_ASIDE_KEY`] (never
/// overwritten: an earlier set-aside copy is kept) and the reason returned beside a fresh record.
pub fn load() -> (SavedProgress, Option<String>) {
    let storage = local_storage();
    let stored = storage.as_ref().and_then(|s| s.get_item(progress::STORAGE_KEY).ok().flatten());
    match progress::load(stored) {
        Loaded::Empty => (SavedProgress::default(), None),
        Loaded::Saved(saved) => (saved, None),
        Loaded::Unreadable { text, reason } => {
            let mut where_kept = progress::SET_ASIDE_KEY.to_owned();
            if let Some(storage) = &storage {
                let taken = storage.get_item(&where_kept).ok().flatten().is_some();
                if taken {
                    where_kept = format!("{}.{}", progress::SET_ASIDE_KEY, js_sys_now());
                }
                let _ = storage.set_item(&where_kept, &text);
                let _ = storage.remove_item(progress::STORAGE_KEY);
            }
            let message = format!(
                "Saved progress could not be read: {reason}. It was kept under `{where_kept}` in this browser's storage, and a fresh record was started."
            );
            (SavedProgress::default(), Some(message))
        }
    }
}

/// Saves progress; `false` when the browser refused.
pub fn save(progress: &SavedProgress) -> bool {
    write(progress::STORAGE_KEY, &progress.to_json())
}

/// Forgets saved progress.
pub fn clear() {
    remove(progress::STORAGE_KEY);
}

/// The lessons a teacher handed out, loaded earlier from a file (none if unreadable; the lessons
/// page reports why).
pub fn custom_lessons() -> Vec<lab_engine::lesson::Lesson> {
    read(crate::lessons::CUSTOM_KEY)
        .and_then(|text| lab_engine::lesson::pack_from_json(&text).ok())
        .unwrap_or_default()
}

/// The text stored under `key`, if any.
pub fn read(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `text` under `key`; `false` when the browser refused.
pub fn write(key: &str, text: &str) -> bool {
    local_storage().is_some_and(|s| s.set_item(key, text).is_ok())
}

/// Forgets `key`.
pub fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// Milliseconds since the epoch, to name a second set-aside copy uniquely.
fn js_sys_now() -> u64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0, |p| (p.time_origin() + p.now()) as u64)
}
