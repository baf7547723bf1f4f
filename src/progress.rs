//! The learner's progress: which lessons they passed, how, and with which completion code. Kept
//! in localStorage under a versioned key, exported and imported as a JSON file. Anything that is
//! not a progress record of this version is refused with the reason, never half-read.

use std::collections::BTreeMap;

use lab_engine::TimedCommand;
use serde::{Deserialize, Serialize};

/// The localStorage key; the version is in the key so a future format never misreads this one.
pub const STORAGE_KEY: &str = "immutable-lab.progress.v1";
/// Where unreadable saved progress is moved, so it is never lost by being overwritten.
pub const SET_ASIDE_KEY: &str = "immutable-lab.progress.v1.set-aside";
/// What the file says it is.
const FORMAT: &str = "immutable-infrastructure-lab/progress";
const VERSION: u32 = 1;
/// Most lessons one record may hold (a pack holds at most 200; teachers' packs add to that).
const LESSONS_MAX: usize = 1_000;

/// One passed lesson.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonRecord {
    /// The tick the goal was met.
    pub passed_at_tick: u64,
    /// Actions taken.
    pub actions: u32,
    /// The lesson's par then.
    pub par: u32,
    /// The completion code.
    pub completion_code: String,
    /// The seed.
    pub seed: u64,
    /// The session's actions, so the pass can be replayed and graded.
    pub log: Vec<TimedCommand>,
}

/// Everything saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedProgress {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// Passed lessons by id.
    pub lessons: BTreeMap<String, LessonRecord>,
}

impl Default for SavedProgress {
    fn default() -> Self {
        SavedProgress { format: FORMAT.into(), version: VERSION, lessons: BTreeMap::new() }
    }
}

impl SavedProgress {
    /// Reads saved or imported progress, saying what is wrong with anything else.
    pub fn parse(text: &str) -> Result<Self, String> {
        let progress: SavedProgress =
            lab_engine::parse_json(text).map_err(|error| format!("it is not a progress file ({error})"))?;
        if progress.format != FORMAT {
            return Err(format!("it says it is `{}`, not lab progress", progress.format));
        }
        if progress.version != VERSION {
            return Err(format!(
                "it is progress format version {}, this lab reads version {VERSION}",
                progress.version
            ));
        }
        if progress.lessons.len() > LESSONS_MAX {
            return Err(format!("it holds {} lessons; at most {LESSONS_MAX}", progress.lessons.len()));
        }
        Ok(progress)
    }

    /// The JSON written to storage or a file.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Records a pass, keeping the better of two passes of the same lesson (fewer actions, then
    /// earlier).
    pub fn record(&mut self, id: &str, record: LessonRecord) {
        let better =
            |old: &LessonRecord| (record.actions, record.passed_at_tick) < (old.actions, old.passed_at_tick);
        if self.lessons.get(id).is_none_or(better) {
            self.lessons.insert(id.to_owned(), record);
        }
    }

    /// Adds an imported record's passes to this one.
    pub fn merge(&mut self, other: SavedProgress) {
        for (id, record) in other.lessons {
            self.record(&id, record);
        }
    }
}

/// What was found in storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loaded {
    /// Nothing saved yet.
    Empty,
    /// Saved progress.
    Saved(SavedProgress),
    /// Something unreadable: its text (to be set aside) and why.
    Unreadable {
        /// The text found.
        text: String,
        /// Why it was refused.
        reason: String,
    },
}

/// Classifies what storage held under [`STORAGE_KEY`].
pub fn load(stored: Option<String>) -> Loaded {
    match stored {
        None => Loaded::Empty,
        Some(text) => match SavedProgress::parse(&text) {
            Ok(progress) => Loaded::Saved(progress),
            Err(reason) => Loaded::Unreadable { text, reason },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(actions: u32, tick: u64) -> LessonRecord {
        LessonRecord {
            passed_at_tick: tick,
            actions,
            par: 2,
            completion_code: "AAAA".into(),
            seed: 1,
            log: vec![],
        }
    }

    #[test]
    fn progress_round_trips_and_keeps_the_better_pass() {
        let mut progress = SavedProgress::default();
        progress.record("a", record(3, 20));
        progress.record("a", record(2, 40));
        progress.record("a", record(4, 10));
        assert_eq!(progress.lessons["a"].actions, 2);
        assert_eq!(SavedProgress::parse(&progress.to_json()), Ok(progress));
    }

    #[test]
    fn corrupted_or_foreign_data_is_refused_with_the_reason() {
        assert!(
            matches!(load(Some("{not json".into())), Loaded::Unreadable { reason, .. } if reason.contains("not a progress file"))
        );
        let foreign = r#"{"format": "someone-else", "version": 1, "lessons": {}}"#;
        assert!(
            matches!(load(Some(foreign.into())), Loaded::Unreadable { reason, .. } if reason.contains("`someone-else`"))
        );
        let future = SavedProgress { version: 2, ..SavedProgress::default() }.to_json();
        assert!(
            matches!(load(Some(future)), Loaded::Unreadable { reason, .. } if reason.contains("version 2"))
        );
        assert_eq!(load(None), Loaded::Empty);
    }

    #[test]
    fn merging_adds_passes() {
        let mut mine = SavedProgress::default();
        mine.record("a", record(2, 5));
        let mut theirs = SavedProgress::default();
        theirs.record("b", record(1, 5));
        mine.merge(theirs);
        assert_eq!(mine.lessons.keys().collect::<Vec<_>>(), ["a", "b"]);
    }
}
