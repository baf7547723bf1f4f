//! What the page keeps between visits — the learner's progress and the lessons a teacher handed out
//! — and the rules that keep it safe. Pure: the browser's localStorage is one [`Store`], a map in
//! the tests is another, so every rule here is tested natively.
//!
//! - Every write is read back before it counts (a browser may refuse quietly when full).
//! - Saving reads what is stored at that moment and merges into it, so two open tabs add to each
//!   other's passes instead of overwriting them.
//! - Unreadable data is copied aside, the copy confirmed, and only then removed; when the copy
//!   cannot be made it stays where it is and nothing is saved over it.

use lab_engine::lesson::Lesson;

use crate::platform::progress::{LessonRecord, SavedProgress};

/// The localStorage key of the learner's progress; the version is in the key so a future format
/// never misreads this one.
pub const PROGRESS_KEY: &str = "immutable-lab.progress.v1";
/// Where lessons loaded from a teacher's file are kept (a pack's JSON text).
pub const TEACHER_LESSONS_KEY: &str = "immutable-lab.teacher-lessons.v1";
/// Copies of unreadable data set aside under one key are numbered up to this.
const SET_ASIDE_COPIES_MAX: u32 = 20;

/// A place that keeps text under keys, as localStorage does.
pub trait Store {
    /// The text under `key`; an error when the store cannot be read at all.
    fn get(&self, key: &str) -> Result<Option<String>, String>;
    /// Keeps `text` under `key`; an error when the store refuses (full, or switched off).
    fn set(&self, key: &str, text: &str) -> Result<(), String>;
    /// Forgets `key`.
    fn remove(&self, key: &str);
}

/// Writes `text` under `key` and reads it back: it counts as kept only if it is there.
pub fn write_confirmed(store: &dyn Store, key: &str, text: &str) -> Result<(), String> {
    store.set(key, text)?;
    match store.get(key) {
        Ok(Some(kept)) if kept == text => Ok(()),
        _ => Err("the browser did not keep it".into()),
    }
}

/// Copies the unreadable `text` found under `key` to a free `<key>.set-aside[.N]`, confirms the
/// copy, and only then removes `key`. Returns where the copy is; on failure nothing was removed.
pub fn set_aside(store: &dyn Store, key: &str, text: &str) -> Result<String, String> {
    let free = (1..=SET_ASIDE_COPIES_MAX)
        .map(|n| if n == 1 { format!("{key}.set-aside") } else { format!("{key}.set-aside.{n}") })
        .find(|candidate| matches!(store.get(candidate), Ok(None)))
        .ok_or_else(|| format!("there are already {SET_ASIDE_COPIES_MAX} set-aside copies"))?;
    write_confirmed(store, &free, text)?;
    store.remove(key);
    Ok(free)
}

/// What was found under a key, after any unreadable data was dealt with.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded<T> {
    /// What can be used (a fresh start when nothing readable was there).
    pub value: T,
    /// What the learner should be told, in plain words, if anything went wrong.
    pub notice: Option<String>,
    /// Whether saving may write to the key: false while unreadable data that could not be set
    /// aside still sits there.
    pub writable: bool,
}

/// Reads `key` with `parse`; unreadable data is set aside and reported as `what`.
fn load<T: Default>(
    store: &dyn Store,
    key: &str,
    what: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Loaded<T> {
    let text = match store.get(key) {
        Ok(Some(text)) => text,
        Ok(None) => return Loaded { value: T::default(), notice: None, writable: true },
        Err(reason) => {
            return Loaded {
                value: T::default(),
                notice: Some(format!("{what} could not be read from this browser ({reason}).")),
                writable: false,
            };
        }
    };
    match parse(&text) {
        Ok(value) => Loaded { value, notice: None, writable: true },
        Err(reason) => match set_aside(store, key, &text) {
            Ok(copy) => Loaded {
                value: T::default(),
                notice: Some(format!(
                    "{what} could not be read: {reason}. It was kept, unchanged, under `{copy}` in this browser's storage, and a fresh start was made."
                )),
                writable: true,
            },
            Err(why) => Loaded {
                value: T::default(),
                notice: Some(format!(
                    "{what} could not be read: {reason}. It could not be set aside either ({why}), so it was left untouched under `{key}` and nothing will be saved over it: what you do now lasts until you close this page."
                )),
                writable: false,
            },
        },
    }
}

/// The learner's progress as stored now.
pub fn load_progress(store: &dyn Store) -> Loaded<SavedProgress> {
    load(store, PROGRESS_KEY, "Your saved progress", SavedProgress::parse)
}

/// The lessons a teacher handed out, as stored now.
pub fn load_teacher_lessons(store: &dyn Store) -> Loaded<Vec<Lesson>> {
    load(store, TEACHER_LESSONS_KEY, "The lessons from your teacher", |text| {
        lab_engine::lesson::pack_from_json(text).map_err(|error| error.to_string())
    })
}

/// Adds `change` to the progress stored at this moment (another tab may have added passes since
/// this page read it) and writes the result, confirmed. Returns what is stored now.
pub fn update_progress(
    store: &dyn Store,
    change: impl FnOnce(&mut SavedProgress),
) -> Result<SavedProgress, String> {
    let loaded = load_progress(store);
    if !loaded.writable {
        return Err(loaded.notice.unwrap_or_else(|| "saved progress cannot be written".into()));
    }
    let mut progress = loaded.value;
    change(&mut progress);
    write_confirmed(store, PROGRESS_KEY, &progress.to_json())
        .map_err(|why| format!("this browser would not store your progress ({why})"))?;
    Ok(progress)
}

/// Records a pass in the stored progress (keeping the better of two passes of one lesson).
pub fn record_pass(store: &dyn Store, lesson: &str, record: LessonRecord) -> Result<SavedProgress, String> {
    update_progress(store, |progress| progress.record(lesson, record))
}

/// What became of a teacher's lesson file.
#[derive(Clone, Debug, PartialEq)]
pub struct PackLoaded {
    /// Every lesson of the teacher's now in use (those stored before, and the file's).
    pub lessons: Vec<Lesson>,
    /// How many the file held.
    pub added: usize,
    /// Why they could not be stored, if they could not: they then last until the page closes.
    pub not_stored: Option<String>,
}

/// Merges a teacher's lesson file into the lessons stored at this moment and stores the result,
/// confirmed. The file is refused whole (nothing changes) when any lesson in it is invalid.
pub fn add_teacher_lessons(store: &dyn Store, text: &str) -> Result<PackLoaded, String> {
    let stored = load_teacher_lessons(store);
    let (lessons, added) = crate::platform::lessons::merge_pack(&stored.value, text)?;
    let not_stored = match stored.writable {
        false => stored.notice,
        true => write_confirmed(store, TEACHER_LESSONS_KEY, &crate::platform::lessons::pack_text(&lessons))
            .err()
            .map(|why| format!("this browser would not store them ({why}; is its storage full?)")),
    };
    Ok(PackLoaded { lessons, added, not_stored })
}

#[cfg(test)]
pub mod memory {
    //! A [`Store`] in memory, with a size limit like a browser's quota.
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    use super::Store;

    /// Keys and texts, refusing writes that would take it over `quota_chars`.
    #[derive(Default)]
    pub struct MemoryStore {
        /// What is stored.
        pub items: RefCell<BTreeMap<String, String>>,
        /// The most characters it holds in all (`None`: no limit).
        pub quota_chars: Option<usize>,
    }

    impl Store for MemoryStore {
        fn get(&self, key: &str) -> Result<Option<String>, String> {
            Ok(self.items.borrow().get(key).cloned())
        }
        fn set(&self, key: &str, text: &str) -> Result<(), String> {
            let mut items = self.items.borrow_mut();
            let others: usize = items.iter().filter(|(k, _)| *k != key).map(|(k, v)| k.len() + v.len()).sum();
            if self.quota_chars.is_some_and(|quota| others + key.len() + text.len() > quota) {
                return Err("QuotaExceededError".into());
            }
            items.insert(key.to_owned(), text.to_owned());
            Ok(())
        }
        fn remove(&self, key: &str) {
            self.items.borrow_mut().remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::memory::MemoryStore;
    use super::*;

    fn record(actions: u32) -> LessonRecord {
        LessonRecord {
            passed_at_tick: 10,
            actions,
            par: 2,
            completion_code: "AAAA-BBBB-CCCC".into(),
            seed: 1,
            log: vec![],
        }
    }

    #[test]
    fn two_tabs_add_to_each_others_passes() {
        let store = MemoryStore::default();
        // Both tabs opened before either passed anything.
        let first_tab = load_progress(&store).value;
        let second_tab = load_progress(&store).value;
        assert_eq!(first_tab, second_tab);
        record_pass(&store, "thirty-snowflakes", record(2)).unwrap();
        let now = record_pass(&store, "pin-the-digest", record(1)).unwrap();
        assert_eq!(now.lessons.keys().collect::<Vec<_>>(), ["pin-the-digest", "thirty-snowflakes"]);
        assert_eq!(load_progress(&store).value, now);
    }

    #[test]
    fn unreadable_progress_is_set_aside_confirmed_before_it_is_removed() {
        let store = MemoryStore::default();
        store.set(PROGRESS_KEY, "{damaged").unwrap();
        let loaded = load_progress(&store);
        let notice = loaded.notice.unwrap();
        assert!(notice.contains("kept, unchanged, under `immutable-lab.progress.v1.set-aside`"), "{notice}");
        assert_eq!(store.get("immutable-lab.progress.v1.set-aside").unwrap().as_deref(), Some("{damaged"));
        assert_eq!(store.get(PROGRESS_KEY).unwrap(), None);
        // A second damaged record gets a copy of its own.
        store.set(PROGRESS_KEY, "also damaged").unwrap();
        assert!(load_progress(&store).notice.unwrap().contains(".set-aside.2`"));
    }

    #[test]
    fn when_there_is_no_room_to_set_it_aside_it_stays_and_is_not_saved_over() {
        let damaged = "x".repeat(100);
        let store = MemoryStore { quota_chars: Some(150), ..MemoryStore::default() };
        store.set(PROGRESS_KEY, &damaged).unwrap();
        let loaded = load_progress(&store);
        assert!(!loaded.writable);
        let notice = loaded.notice.unwrap();
        assert!(notice.contains("left untouched") && !notice.contains("kept, unchanged"), "{notice}");
        assert_eq!(store.get(PROGRESS_KEY).unwrap(), Some(damaged.clone()));
        let refused = record_pass(&store, "thirty-snowflakes", record(2)).unwrap_err();
        assert!(refused.contains("left untouched"), "{refused}");
        assert_eq!(store.get(PROGRESS_KEY).unwrap(), Some(damaged));
    }

    #[test]
    fn a_write_the_browser_refuses_is_reported_not_claimed() {
        let store = MemoryStore { quota_chars: Some(50), ..MemoryStore::default() };
        let refused = record_pass(&store, "thirty-snowflakes", record(2)).unwrap_err();
        assert!(refused.contains("would not store"), "{refused}");
    }

    fn teachers_lesson(id: &str) -> Lesson {
        let mut lesson = crate::platform::lessons::find("convergence-is-not-identity").unwrap();
        lesson.id = id.into();
        lesson
    }

    #[test]
    fn a_teachers_inline_lesson_survives_a_reload_and_is_found_by_its_link() {
        let store = MemoryStore::default();
        let lesson = teachers_lesson("teachers-own");
        assert!(lesson.inline_scenario.is_some());
        let loaded = add_teacher_lessons(&store, &serde_json::to_string(&lesson).unwrap()).unwrap();
        assert_eq!((loaded.added, loaded.not_stored), (1, None));
        // The reload.
        let reloaded = load_teacher_lessons(&store);
        assert_eq!(reloaded.notice, None);
        assert_eq!(reloaded.value, vec![lesson.clone()]);
        let lab = crate::lab::state::Lab::from_query_with(
            &crate::platform::query::PageQuery::parse("?lesson=teachers-own"),
            &reloaded.value,
        );
        assert_eq!(lab.lesson.map(|s| s.lesson.id.clone()).as_deref(), Some("teachers-own"));
        // A second file adds to the first instead of replacing it.
        let second =
            add_teacher_lessons(&store, &serde_json::to_string(&teachers_lesson("another")).unwrap())
                .unwrap();
        assert_eq!(second.lessons.len(), 2);
        assert_eq!(load_teacher_lessons(&store).value.len(), 2);
    }

    #[test]
    fn a_pack_too_big_to_store_says_so_and_keeps_what_was_stored() {
        let store = MemoryStore::default();
        add_teacher_lessons(&store, &serde_json::to_string(&teachers_lesson("first")).unwrap()).unwrap();
        let stored = store.get(TEACHER_LESSONS_KEY).unwrap();
        let store =
            MemoryStore { quota_chars: Some(stored.as_ref().unwrap().len() + 100), items: store.items };
        let pack =
            crate::platform::lessons::pack_text(&[teachers_lesson("second"), teachers_lesson("third")]);
        let loaded = add_teacher_lessons(&store, &pack).unwrap();
        assert_eq!((loaded.added, loaded.lessons.len()), (2, 3));
        assert!(loaded.not_stored.unwrap().contains("would not store them"));
        assert_eq!(store.get(TEACHER_LESSONS_KEY).unwrap(), stored);
    }

    #[test]
    fn unreadable_teacher_lessons_are_reported_and_set_aside() {
        let store = MemoryStore::default();
        store.set(TEACHER_LESSONS_KEY, "{\"lessons\": [{\"id\": 3}]}").unwrap();
        let loaded = load_teacher_lessons(&store);
        assert!(loaded.value.is_empty());
        let notice = loaded.notice.unwrap();
        assert!(notice.starts_with("The lessons from your teacher could not be read"), "{notice}");
        assert!(notice.contains("teacher-lessons.v1.set-aside"), "{notice}");
    }
}
