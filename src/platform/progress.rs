//! The learner's progress: which lessons they passed, how, and with which completion code. Kept
//! in localStorage under a versioned key, exported and imported as a JSON file. Anything that is
//! not a progress record of this version is refused with the reason, never half-read.

use std::collections::BTreeMap;

use lab_engine::TimedCommand;
use serde::{Deserialize, Serialize};

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
        crate::text::pretty::to_string_pretty(self)
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

    /// This record with every pass of a lesson in `known` checked by replaying its log as
    /// `lab grade` does: a pass whose replay does not pass, or gives another completion code, is
    /// left out (with the lesson's id and why), so a pass can only be shown where it was earned.
    /// Passes of lessons not in `known` cannot be checked here and are kept as they are.
    pub fn verified(self, known: &[lab_engine::lesson::Lesson]) -> (SavedProgress, Vec<String>) {
        let mut kept = SavedProgress { lessons: BTreeMap::new(), ..self };
        let mut left_out = Vec::new();
        for (id, record) in self.lessons {
            let Some(lesson) = known.iter().find(|lesson| lesson.id == id) else {
                kept.lessons.insert(id, record);
                continue;
            };
            let submission = lab_engine::lesson::Submission {
                lesson: id.clone(),
                seed: record.seed,
                actions: record.log.clone(),
            };
            match lab_engine::lesson::Replay::run(lesson, &submission) {
                Ok(report) if report.completion_code.as_ref() == Some(&record.completion_code) => {
                    kept.lessons.insert(id, record);
                }
                Ok(report) if report.passed => left_out.push(format!(
                    "`{id}` (its code is {}, not {})",
                    report.completion_code.unwrap_or_default(),
                    record.completion_code
                )),
                Ok(_) => left_out.push(format!("`{id}` (its actions do not meet the goal)")),
                Err(error) => left_out.push(format!("`{id}` ({error})")),
            }
        }
        (kept, left_out)
    }

    /// Adds an imported record's passes to this one.
    pub fn merge(&mut self, other: SavedProgress) {
        for (id, record) in other.lessons {
            self.record(&id, record);
        }
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
        assert!(SavedProgress::parse("{not json").unwrap_err().contains("not a progress file"));
        let foreign = r#"{"format": "someone-else", "version": 1, "lessons": {}}"#;
        assert!(SavedProgress::parse(foreign).unwrap_err().contains("`someone-else`"));
        let future = SavedProgress { version: 2, ..SavedProgress::default() }.to_json();
        assert!(SavedProgress::parse(&future).unwrap_err().contains("version 2"));
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

    /// Every command the curriculum uses, as logs a learner's session could hold.
    #[cfg(not(target_arch = "wasm32"))]
    fn logged_commands() -> Vec<TimedCommand> {
        crate::platform::lessons::built_in()
            .iter()
            .flat_map(|lesson| {
                lesson.solution.iter().chain(lesson.mistakes.iter().flat_map(|m| m.actions.iter())).cloned()
            })
            .collect()
    }

    // Property tests run natively only (proptest is not built for wasm).
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

        #[test]
        fn saved_progress_reads_back_equal(
            records in proptest::collection::btree_map(
                "[a-z0-9-]{1,20}|\\PC{1,12}",
                (0u64..5_000, 0u32..2_000, 0u32..100, "[A-Z0-9-]{0,14}|\\PC{0,6}", proptest::prelude::any::<u64>(),
                    proptest::collection::vec(0usize..1_000, 0..12)),
                0..8,
            )
        ) {
            let commands = logged_commands();
            let mut progress = SavedProgress::default();
            for (id, (tick, actions, par, code, seed, picks)) in records {
                let log = picks.iter().map(|pick| commands[pick % commands.len()].clone()).collect();
                progress.lessons.insert(id, LessonRecord { passed_at_tick: tick, actions, par, completion_code: code, seed, log });
            }
            proptest::prop_assert_eq!(SavedProgress::parse(&progress.to_json()), Ok(progress));
        }
    }

    #[test]
    fn an_imported_pass_counts_only_if_its_replay_gives_it() {
        let lesson = crate::platform::lessons::find("thirty-snowflakes").unwrap();
        let submission = lab_engine::lesson::Submission {
            lesson: lesson.id.clone(),
            seed: lesson.start().seed,
            actions: lesson.solution.clone(),
        };
        let report = lab_engine::lesson::Replay::run(&lesson, &submission).unwrap();
        let earned = LessonRecord {
            passed_at_tick: report.passed_at_tick.unwrap(),
            actions: report.actions,
            par: lesson.par,
            completion_code: report.completion_code.unwrap(),
            seed: submission.seed,
            log: submission.actions,
        };
        let pin = crate::platform::lessons::find("pin-the-digest").unwrap();
        let mut progress = SavedProgress::default();
        progress.record(&lesson.id, earned.clone());
        // Nothing done, yet a pass claimed.
        progress
            .record("pin-the-digest", LessonRecord { log: vec![], seed: pin.start().seed, ..earned.clone() });
        // Another lesson's session.
        progress.record("convergence-is-not-identity", earned.clone());
        progress.record("a-lesson-this-browser-does-not-have", earned.clone());
        let (kept, left_out) = progress.verified(&crate::platform::lessons::built_in());
        assert_eq!(
            kept.lessons.keys().collect::<Vec<_>>(),
            ["a-lesson-this-browser-does-not-have", "thirty-snowflakes"]
        );
        assert!(
            left_out.iter().any(|l| l == "`pin-the-digest` (its actions do not meet the goal)"),
            "{left_out:?}"
        );
        assert!(
            left_out
                .iter()
                .any(|l| l.contains("`convergence-is-not-identity` (the submission ran with seed")),
            "{left_out:?}"
        );
        // A code that does not belong to the session.
        let mut forged = SavedProgress::default();
        forged.record(&lesson.id, LessonRecord { completion_code: "AAAA-BBBB-CCCC".into(), ..earned });
        let (kept, left_out) = forged.verified(&crate::platform::lessons::built_in());
        assert!(kept.lessons.is_empty());
        assert!(left_out[0].contains("not AAAA-BBBB-CCCC"), "{left_out:?}");
    }
}
