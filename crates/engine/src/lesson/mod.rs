//! Lessons: data-only exercises (JSON, documented in `docs/lessons.md`). A lesson names a start
//! scenario, the controls the learner may use, a goal of assertions over the world, hints, and a
//! reference solution with its par. Checking replays commands on the deterministic engine, so the
//! browser, the CLI's grader and the tests all judge a session the same way.

mod controls;
pub mod goal;
mod replay;

use serde::{Deserialize, Serialize};

pub use controls::Control;
pub use goal::{Assertion, Check, GoalHistory, Metric, Trend, Value};
pub use replay::{Progress, Replay, ReplayError, Report, Submission, completion_code};

use crate::input::{InputError, parse};
use crate::{Scenario, TimedCommand};

/// Bounds on a lesson file, so a teacher's file cannot make the page unusable.
pub struct LessonLimits;

impl LessonLimits {
    /// Characters in a title.
    pub const TITLE_CHARS_MAX: usize = 100;
    /// Characters in a module name.
    pub const MODULE_CHARS_MAX: usize = 60;
    /// Characters in the summary.
    pub const SUMMARY_CHARS_MAX: usize = 300;
    /// Paragraphs of introduction.
    pub const INTRO_PARAGRAPHS_MAX: usize = 12;
    /// Characters in one paragraph, hint or assertion sentence.
    pub const PARAGRAPH_CHARS_MAX: usize = 1_200;
    /// Assertions in a goal.
    pub const GOAL_MAX: usize = 12;
    /// Hints.
    pub const HINTS_MAX: usize = 10;
    /// Commands in a reference solution.
    pub const SOLUTION_MAX: usize = 100;
    /// The most ticks a lesson may take to reach its goal.
    pub const TICKS_MAX: u64 = 5_000;
    /// Lessons in one pack.
    pub const PACK_MAX: usize = 200;
    /// The most simulation a lesson may ask for: its starting fleet times its last tick. Reading a
    /// lesson replays its solution, so this bounds what opening a lesson link can cost (the
    /// built-in lessons need a few thousand; the lab's largest fleet could otherwise ask for a
    /// hundred million).
    pub const INSTANCE_TICKS_MAX: u64 = 2_000_000;
}

/// One lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// A short slug, unique in its pack (`replace-dont-repair`).
    pub id: String,
    /// The title.
    pub title: String,
    /// The module it belongs to (`Drift and snowflakes`).
    pub module: String,
    /// One sentence: what the learner will do.
    pub summary: String,
    /// What the learner takes away, shown when the lesson is passed (the introduction's Markdown
    /// subset; at most a paragraph).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub takeaway: String,
    /// The introduction, one paragraph per entry (a Markdown subset: `**bold**`, `` `code` ``,
    /// `[term]` glossary links; no HTML).
    #[serde(default)]
    pub intro: Vec<String>,
    /// The start scenario: a built-in one by name (`seed-004`)…
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "scenario_name")]
    pub scenario: Option<String>,
    /// …or one written into the lesson (exactly one of the two). Two fields rather than one that
    /// takes either: an "either" field would need a second copy of the whole scenario parser in
    /// the page's download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_scenario: Option<Box<Scenario>>,
    /// The control groups on offer (empty: all).
    #[serde(default)]
    pub controls: Vec<Control>,
    /// The win condition: every assertion must hold at the end of a tick.
    pub goal: Vec<Assertion>,
    /// Hints, revealed one at a time.
    #[serde(default)]
    pub hints: Vec<String>,
    /// The reference solution: commands at ticks (counted from the lesson's start).
    pub solution: Vec<TimedCommand>,
    /// The fewest actions that solve it.
    pub par: u32,
    /// How many ticks the goal may take to reach (the check stops looking after this).
    #[serde(default = "default_ticks_max")]
    pub ticks_max: u64,
    /// Glossary terms the lesson teaches.
    #[serde(default)]
    pub glossary: Vec<String>,
    /// Plausible wrong approaches and the assertions they leave unmet: feedback for learners and
    /// a check that the goal really tells right from wrong.
    #[serde(default)]
    pub mistakes: Vec<Mistake>,
}

/// A plausible wrong approach to a lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mistake {
    /// What the learner tried, in words ("patch the servers in place").
    pub label: String,
    /// The commands, as in a solution.
    pub actions: Vec<TimedCommand>,
    /// Ids of the assertions it leaves unmet.
    pub unmet: Vec<String>,
}

/// A built-in scenario's name, with a pointer to `inline_scenario` for anything else.
fn scenario_name<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    String::deserialize(deserializer).map(Some).map_err(|_| {
        serde::de::Error::custom(
            "expected a built-in scenario's name; write a scenario of your own under `inline_scenario`",
        )
    })
}

fn default_ticks_max() -> u64 {
    400
}

impl Lesson {
    /// Reads one lesson, naming the line, column and field of the first problem. A named
    /// scenario must be a built-in one.
    pub fn from_json(text: &str) -> Result<Lesson, InputError> {
        let lesson: Lesson = parse(text)?;
        lesson.validate()?;
        lesson.check_solution()?;
        Ok(lesson)
    }

    /// Refuses a lesson whose reference solution does not meet its goal in time: the lesson could
    /// not show a learner the way, and would judge them by a goal nobody has reached. Replays the
    /// solution as `lab grade` replays a submission.
    pub fn check_solution(&self) -> Result<(), InputError> {
        let submission =
            Submission { lesson: self.id.clone(), seed: self.start().seed, actions: self.solution.clone() };
        let report = Replay::run(self, &submission)
            .map_err(|error| InputError::field("solution", error.to_string()))?;
        if !report.passed {
            let unmet: Vec<&str> = report.checks.iter().filter(|c| !c.met).map(|c| c.id.as_str()).collect();
            return Err(InputError::field(
                "solution",
                format!(
                    "does not meet the goal within {} ticks (unmet: {})",
                    self.ticks_max,
                    unmet.join(", ")
                ),
            ));
        }
        Ok(())
    }

    /// Checks what serde cannot: lengths, counts, names and that each assertion makes sense.
    pub fn validate(&self) -> Result<(), InputError> {
        let too_long = |field: &str, text: &str, max: usize| {
            let chars = text.chars().count();
            (chars > max)
                .then(|| InputError::field(field, format!("is {chars} characters long; at most {max}")))
        };
        if self.id.is_empty()
            || self.id.len() > 64
            || !self.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(InputError::field("id", "use 1 to 64 lowercase letters, digits and dashes"));
        }
        let checks = [
            too_long("title", &self.title, LessonLimits::TITLE_CHARS_MAX),
            too_long("module", &self.module, LessonLimits::MODULE_CHARS_MAX),
            too_long("summary", &self.summary, LessonLimits::SUMMARY_CHARS_MAX),
            too_long("takeaway", &self.takeaway, LessonLimits::PARAGRAPH_CHARS_MAX),
        ];
        if let Some(error) = checks.into_iter().flatten().next() {
            return Err(error);
        }
        if self.title.trim().is_empty() {
            return Err(InputError::field("title", "is empty"));
        }
        let lists = [
            ("intro", self.intro.len(), LessonLimits::INTRO_PARAGRAPHS_MAX),
            ("goal", self.goal.len(), LessonLimits::GOAL_MAX),
            ("hints", self.hints.len(), LessonLimits::HINTS_MAX),
            ("solution", self.solution.len(), LessonLimits::SOLUTION_MAX),
        ];
        for (field, count, max) in lists {
            if count > max {
                return Err(InputError::field(field, format!("has {count} entries; at most {max}")));
            }
        }
        if self.goal.is_empty() {
            return Err(InputError::field("goal", "needs at least one assertion"));
        }
        for (index, text) in self.intro.iter().enumerate() {
            if let Some(error) = too_long(&format!("intro[{index}]"), text, LessonLimits::PARAGRAPH_CHARS_MAX)
            {
                return Err(error);
            }
        }
        for (index, text) in self.hints.iter().enumerate() {
            if let Some(error) = too_long(&format!("hints[{index}]"), text, LessonLimits::PARAGRAPH_CHARS_MAX)
            {
                return Err(error);
            }
        }
        for (index, assertion) in self.goal.iter().enumerate() {
            let field = format!("goal[{index}]");
            if let Some(error) =
                too_long(&format!("{field}.text"), &assertion.text, LessonLimits::PARAGRAPH_CHARS_MAX)
            {
                return Err(error);
            }
            assertion.validate().map_err(|message| InputError::field(&field, message))?;
        }
        if self.ticks_max == 0 || self.ticks_max > LessonLimits::TICKS_MAX {
            return Err(InputError::field(
                "ticks_max",
                format!("must be between 1 and {}, got {}", LessonLimits::TICKS_MAX, self.ticks_max),
            ));
        }
        if let Some(scenario) = &self.inline_scenario {
            // The rules a scenario file is held to, for a scenario written into a lesson too.
            scenario.validate().map_err(|error| error.within("inline_scenario"))?;
            let instance_ticks = u64::from(scenario.fleet_size) * self.ticks_max;
            if instance_ticks > LessonLimits::INSTANCE_TICKS_MAX {
                return Err(InputError::field(
                    "ticks_max",
                    format!(
                        "{} servers for {} ticks is more than a lesson may simulate (fleet_size × ticks_max at most {})",
                        scenario.fleet_size,
                        self.ticks_max,
                        LessonLimits::INSTANCE_TICKS_MAX
                    ),
                ));
            }
        }
        for (index, entry) in self.solution.iter().enumerate() {
            entry.command.validate().map_err(|error| error.within(&format!("solution[{index}].command")))?;
        }
        for (index, mistake) in self.mistakes.iter().enumerate() {
            for (step, entry) in mistake.actions.iter().enumerate() {
                entry
                    .command
                    .validate()
                    .map_err(|error| error.within(&format!("mistakes[{index}].actions[{step}].command")))?;
            }
        }
        if let Some((index, entry)) = self.solution.iter().enumerate().find(|(_, e)| !self.allows(&e.command))
        {
            return Err(InputError::field(
                &format!("solution[{index}]"),
                format!(
                    "uses the `{}` controls, which the lesson does not offer",
                    Control::of(&entry.command).name()
                ),
            ));
        }
        for (index, mistake) in self.mistakes.iter().enumerate() {
            if let Some(id) = mistake.unmet.iter().find(|id| !self.goal.iter().any(|a| &a.id == *id)) {
                return Err(InputError::field(
                    &format!("mistakes[{index}].unmet"),
                    format!("no assertion of the goal has the id `{id}`"),
                ));
            }
        }
        match (&self.scenario, &self.inline_scenario) {
            (None, None) => {
                return Err(InputError::field(
                    "scenario",
                    "missing: name a built-in scenario, or write one under `inline_scenario`",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(InputError::field(
                    "inline_scenario",
                    "give `scenario` or `inline_scenario`, not both",
                ));
            }
            _ => {}
        }
        if let Some(name) = &self.scenario
            && crate::builtin::scenario(name).is_none()
        {
            return Err(InputError::field(
                "scenario",
                format!(
                    "no built-in scenario is called `{name}` (known: {})",
                    crate::builtin::scenario_names().join(", ")
                ),
            ));
        }
        Ok(())
    }

    /// Whether the lesson offers the controls a command needs.
    pub fn allows(&self, command: &crate::Command) -> bool {
        self.controls.is_empty() || self.controls.contains(&Control::of(command))
    }

    /// The lesson's start scenario.
    pub fn start(&self) -> Scenario {
        match (&self.inline_scenario, &self.scenario) {
            (Some(scenario), _) => (**scenario).clone(),
            (None, name) => crate::builtin::scenario(name.as_deref().unwrap_or_default())
                .and_then(|text| Scenario::from_json(text).ok())
                // Validation refused unknown names; built-in scenarios parse (a test checks).
                .unwrap_or_else(|| Scenario::new(1, 1, crate::ImageSpec::new("ubuntu-22.04", "1.0.0"))),
        }
    }
}

/// A file holding several lessons: `{"lessons": [...]}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// The lessons, in order.
    pub lessons: Vec<Lesson>,
}

/// Reads a lesson pack: one lesson, or `{"lessons": [...]}`, or a JSON array of lessons. Ids must
/// be unique within the pack. Every shape is read by the same parser (no intermediate JSON value),
/// so errors keep their line, column and field path.
pub fn pack_from_json(text: &str) -> Result<Vec<Lesson>, InputError> {
    let trimmed = text.trim_start();
    let (lessons, in_pack): (Vec<Lesson>, bool) = if trimmed.starts_with('[') {
        (parse(text)?, true)
    } else if looks_like_pack(trimmed) {
        (parse::<Pack>(text)?.lessons, true)
    } else {
        (vec![parse::<Lesson>(text)?], false)
    };
    if lessons.len() > LessonLimits::PACK_MAX {
        return Err(InputError::field(
            "lessons",
            format!("a pack holds at most {} lessons", LessonLimits::PACK_MAX),
        ));
    }
    for (index, lesson) in lessons.iter().enumerate() {
        lesson.validate().map_err(|error| match in_pack {
            true => InputError::field(&format!("lessons[{index}].{}", error.field), error.message),
            false => error,
        })?;
        if lessons[..index].iter().any(|l| l.id == lesson.id) {
            return Err(InputError::field(
                &format!("lessons[{index}].id"),
                format!("`{}` is used twice", lesson.id),
            ));
        }
    }
    // Replays last: the cheap checks of every lesson come first.
    for (index, lesson) in lessons.iter().enumerate() {
        lesson.check_solution().map_err(|error| match in_pack {
            true => InputError::field(&format!("lessons[{index}].{}", error.field), error.message),
            false => error,
        })?;
    }
    Ok(lessons)
}

/// Whether an object's first key is `lessons` (a pack) rather than a lesson's own fields.
fn looks_like_pack(object: &str) -> bool {
    object.strip_prefix('{').is_some_and(|rest| rest.trim_start().starts_with("\"lessons\""))
}
