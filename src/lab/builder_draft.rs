//! The lesson builder's model: a draft as the form holds it (plain strings), turned into a lesson
//! with the engine's own validation, checked by replaying it, and its goal values recorded from
//! the state its solution reaches. Pure, so it is tested natively.

use lab_engine::TimedCommand;
use lab_engine::lesson::{Assertion, Control, Lesson, Metric, Replay, Submission, Value, goal::Kind};

/// How an assertion compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `at_most`.
    AtMost,
    /// `at_least`.
    AtLeast,
    /// `equals`.
    Equals,
}

/// One goal row of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalRow {
    /// The metric.
    pub metric: Metric,
    /// The comparison.
    pub comparison: Comparison,
    /// The value as typed.
    pub value: String,
    /// The sentence the learner sees.
    pub text: String,
}

/// The form's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub id: String,
    pub title: String,
    pub module: String,
    pub summary: String,
    /// What the learner takes away, shown when they pass.
    pub takeaway: String,
    /// Paragraphs separated by blank lines.
    pub intro: String,
    /// A built-in scenario's name.
    pub scenario: String,
    pub controls: Vec<Control>,
    pub goal: Vec<GoalRow>,
    /// One hint per line.
    pub hints: String,
    /// The reference solution as JSON (`[{"tick": 0, "command": …}]`).
    pub solution: String,
    pub par: String,
    pub ticks_max: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            id: "my-first-lesson".into(),
            title: "Replace, don't repair".into(),
            module: "My class".into(),
            summary: "Patch the fleet by replacing its servers.".into(),
            takeaway: "A patch is a new image: every server replaced from it is patched, and none was changed by hand.".into(),
            intro: "Twelve servers run an image with a vulnerable OpenSSL.\n\nBuild a patched image and roll it out: no server is changed in place.".into(),
            scenario: "sandbox".into(),
            controls: vec![Control::Build, Control::Deploy],
            goal: vec![GoalRow {
                metric: Metric::InServiceVersion,
                comparison: Comparison::Equals,
                value: "1.0.1".into(),
                text: "Every server in service runs version 1.0.1".into(),
            }],
            hints: "Build an image with the next app version.\nDeploy it from the registry.".into(),
            solution: r#"[{"tick": 0, "command": {"build_image": {"base": "ubuntu-22.04", "packages": {"curl": "8.4.0", "openssl": "3.0.12"}, "runtime": {"name": "nodejs", "version": "20.9.0"}, "app_version": "1.0.1", "config": {"LOG_LEVEL": "info"}}}},
 {"tick": 0, "command": {"deploy": {"image": "v1.0.1"}}}]"#
                .into(),
            par: "2".into(),
            ticks_max: "200".into(),
        }
    }
}

/// What a replay of the draft shows: whether the solution passes and when, and whether the
/// untouched start passes (it must not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftCheck {
    /// The tick the solution meets the goal, if it does.
    pub solution_passes_at: Option<u64>,
    /// Assertions the solution leaves unmet, in words.
    pub solution_unmet: Vec<String>,
    /// Whether doing nothing passes (a goal that judges nothing).
    pub untouched_passes: bool,
}

impl Draft {
    /// A draft from a session in the lab: its scenario is the start, what the learner did is the
    /// reference solution, and the goal is what the fleet looked like at `at_tick` (in service,
    /// the version they run, vulnerable servers, the lowest capacity and failed requests on the
    /// way) — for the teacher to trim and put into words.
    pub fn from_session(scenario: &str, actions: Vec<TimedCommand>, at_tick: u64) -> Result<Draft, String> {
        let row = |metric: Metric, comparison: Comparison, text: &str| GoalRow {
            metric,
            comparison,
            value: String::new(),
            text: text.to_owned(),
        };
        let mut draft = Draft {
            id: format!("{scenario}-exercise"),
            title: "An exercise from the lab".into(),
            summary: format!("Starting from the `{scenario}` scenario, reach the state below."),
            takeaway: String::new(),
            intro: "Describe the situation and what the learner should achieve.".into(),
            scenario: scenario.to_owned(),
            solution: crate::text::pretty::to_string_pretty(&actions),
            par: actions.len().max(1).to_string(),
            // Half as long again as the session took, and room to act: within a lesson's limit.
            ticks_max: at_tick
                .saturating_add(at_tick / 2)
                .max(at_tick.saturating_add(20))
                .min(lab_engine::lesson::LessonLimits::TICKS_MAX)
                .to_string(),
            goal: vec![
                row(
                    Metric::InServiceVersion,
                    Comparison::Equals,
                    "Every server in service runs this version",
                ),
                row(Metric::InService, Comparison::AtLeast, "Enough servers are in service"),
                row(
                    Metric::VulnerableInstances,
                    Comparison::AtMost,
                    "No server runs a known-vulnerable image",
                ),
                row(Metric::MinInService, Comparison::AtLeast, "Capacity never dropped below this"),
                row(Metric::FailedRequests, Comparison::AtMost, "Few requests failed on the way"),
            ],
            ..Draft::default()
        };
        draft.record_goal()?;
        Ok(draft)
    }

    /// The lesson, or the first problem with the field named.
    pub fn lesson(&self) -> Result<Lesson, String> {
        let number = |field: &str, text: &str| {
            text.trim().parse::<u64>().map_err(|_| format!("field `{field}`: `{text}` is not a whole number"))
        };
        let solution: Vec<TimedCommand> =
            lab_engine::parse_json(&self.solution).map_err(|error| format!("solution: {error}"))?;
        let mut goal = Vec::with_capacity(self.goal.len());
        for (index, row) in self.goal.iter().enumerate() {
            goal.push(row.assertion(index)?);
        }
        let lesson = Lesson {
            id: self.id.trim().to_owned(),
            title: self.title.trim().to_owned(),
            module: self.module.trim().to_owned(),
            summary: self.summary.trim().to_owned(),
            takeaway: self.takeaway.trim().to_owned(),
            intro: self
                .intro
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            scenario: Some(self.scenario.clone()),
            inline_scenario: None,
            controls: self.controls.clone(),
            goal,
            hints: self.hints.lines().map(str::trim).filter(|h| !h.is_empty()).map(str::to_owned).collect(),
            solution,
            par: u32::try_from(number("par", &self.par)?).map_err(|_| "field `par`: too large".to_owned())?,
            ticks_max: number("ticks_max", &self.ticks_max)?,
            glossary: Vec::new(),
            mistakes: Vec::new(),
        };
        lesson.validate().map_err(|error| error.to_string())?;
        Ok(lesson)
    }

    /// Replays the lesson's solution and its untouched start.
    pub fn check(lesson: &Lesson) -> DraftCheck {
        let run = |actions: Vec<TimedCommand>| {
            let submission = Submission { lesson: lesson.id.clone(), seed: lesson.start().seed, actions };
            Replay::run(lesson, &submission).ok()
        };
        let solved = run(lesson.solution.clone());
        DraftCheck {
            solution_passes_at: solved.as_ref().and_then(|r| r.passed_at_tick),
            solution_unmet: solved
                .map(|r| {
                    r.checks
                        .into_iter()
                        .filter(|c| !c.met)
                        .map(|c| format!("{} (ends at {})", c.text, c.current))
                        .collect()
                })
                .unwrap_or_default(),
            untouched_passes: run(Vec::new()).is_some_and(|r| r.passed),
        }
    }

    /// Sets every goal row's value to what the solution's end state measures ("record the goal
    /// from the state"). Refuses a draft that is not a valid lesson yet.
    pub fn record_goal(&mut self) -> Result<(), String> {
        // The current values may not parse yet; any valid placeholder will do for the replay.
        let mut probe = self.clone();
        for row in &mut probe.goal {
            row.value = match row.metric.kind() {
                Kind::Number => "0".into(),
                Kind::Flag => "true".into(),
                Kind::Text => String::new(),
            };
        }
        let lesson = probe.lesson()?;
        let replay = Replay::play(&lesson, &lesson.solution, |_| false);
        for row in &mut self.goal {
            row.value = match row.metric.measure(&replay.world, &replay.progress.history) {
                Value::Number(n) => n.to_string(),
                Value::Flag(flag) => flag.to_string(),
                Value::Text(text) => text,
            };
        }
        Ok(())
    }
}

impl GoalRow {
    fn assertion(&self, index: usize) -> Result<Assertion, String> {
        let field = format!("goal[{index}].value");
        let number = || {
            self.value
                .trim()
                .parse::<u64>()
                .map_err(|_| format!("field `{field}`: `{}` is not a whole number", self.value))
        };
        let (at_most, at_least, equals) = match (self.comparison, self.metric.kind()) {
            (Comparison::AtMost, _) => (Some(number()?), None, None),
            (Comparison::AtLeast, _) => (None, Some(number()?), None),
            (Comparison::Equals, Kind::Number) => (None, None, Some(Value::Number(number()?))),
            (Comparison::Equals, Kind::Flag) => {
                let flag = match self.value.trim() {
                    "true" | "yes" => true,
                    "false" | "no" => false,
                    other => return Err(format!("field `{field}`: `{other}` is not true or false")),
                };
                (None, None, Some(Value::Flag(flag)))
            }
            (Comparison::Equals, Kind::Text) => (None, None, Some(Value::Text(self.value.trim().to_owned()))),
        };
        Ok(Assertion {
            id: format!("goal-{}", index + 1),
            metric: self.metric,
            at_most,
            at_least,
            equals,
            text: self.text.trim().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starting_draft_is_a_working_lesson() {
        let lesson = Draft::default().lesson().unwrap();
        let check = Draft::check(&lesson);
        assert!(check.solution_passes_at.is_some(), "{check:?}");
        assert!(!check.untouched_passes);
    }

    #[test]
    fn problems_name_their_field() {
        let draft = Draft { par: "two".into(), ..Draft::default() };
        assert!(draft.lesson().unwrap_err().contains("field `par`"));
        let mut draft = Draft::default();
        draft.goal[0].comparison = Comparison::AtMost;
        assert!(draft.lesson().unwrap_err().contains("goal[0].value"));
        let draft = Draft { solution: "[{\"tick\": 0}]".into(), ..Draft::default() };
        assert!(draft.lesson().unwrap_err().starts_with("solution:"));
        let draft = Draft { id: "Not An Id".into(), ..Draft::default() };
        assert!(draft.lesson().unwrap_err().contains("field `id`"));
    }

    #[test]
    fn a_session_in_the_lab_becomes_a_draft_whose_solution_passes() {
        let solution = Draft::default().lesson().unwrap().solution;
        let draft = Draft::from_session("sandbox", solution, 120).unwrap();
        assert_eq!((draft.scenario.as_str(), draft.par.as_str()), ("sandbox", "2"));
        assert_eq!(draft.goal[0].value, "1.0.1");
        let lesson = draft.lesson().unwrap();
        let check = Draft::check(&lesson);
        assert!(check.solution_passes_at.is_some() && !check.untouched_passes, "{check:?}");
    }

    #[test]
    fn a_session_link_with_an_absurd_tick_gives_a_lesson_within_its_limits() {
        let solution = Draft::default().lesson().unwrap().solution;
        let draft = Draft::from_session("sandbox", solution, u64::MAX).unwrap();
        assert_eq!(draft.ticks_max, lab_engine::lesson::LessonLimits::TICKS_MAX.to_string());
        // And the page refuses such a link before it gets here.
        assert!(crate::platform::share::parse_at(Some("18446744073709551615")).unwrap_err().contains("`at`"));
    }

    #[test]
    fn recording_the_goal_takes_the_values_the_solution_reaches() {
        let mut draft = Draft::default();
        draft.goal.push(GoalRow {
            metric: Metric::VulnerableInstances,
            comparison: Comparison::AtMost,
            value: "99".into(),
            text: "No vulnerable server".into(),
        });
        draft.goal[0].value = "wrong".into();
        draft.record_goal().unwrap();
        assert_eq!(draft.goal[0].value, "1.0.1");
        assert_eq!(draft.goal[1].value, "0");
        assert!(Draft::check(&draft.lesson().unwrap()).solution_passes_at.is_some());
    }
}
