//! Opening the lab a URL asks for: a scenario (perhaps pre-run or resized), a built-in, teacher's
//! or linked lesson, or a shared session replayed tick for tick. Problems in the URL become a
//! notice; the page always opens.

use std::rc::Rc;

use lab_engine::lesson::Lesson;
use lab_engine::{Scenario, TimedCommand};

use crate::lab::lesson_session::LessonSession;
use crate::lab::scenarios;
use crate::lab::state::Lab;
use crate::platform::query::PageQuery;

/// The shared session a link carries, if any, checked against the seed of what it opens.
fn shared_session(
    query: &PageQuery,
    seed: u64,
    what: &str,
) -> Result<Option<crate::platform::share::SharedSession>, String> {
    let shared = crate::platform::share::parse(
        query.share_seed.as_deref(),
        query.share_at.as_deref(),
        query.share_log.as_deref(),
    )?;
    match shared {
        Some(session) if session.seed != seed => Err(format!(
            "the share link was made with seed {}, but this {what} uses seed {seed}",
            session.seed
        )),
        other => Ok(other),
    }
}

/// How many of the `asked` ticks a link may pre-run with `fleet` servers.
fn pre_run_ticks(asked: u64, fleet: u32) -> u64 {
    asked.min(crate::platform::query::PRE_RUN_INSTANCE_TICKS_MAX / u64::from(fleet.max(1)))
}

impl Lab {
    /// The lab a URL asks for; problems in the URL become a notice, never a failure.
    pub fn from_query(query: &PageQuery) -> Self {
        Lab::from_query_with(query, &[])
    }

    /// [`Lab::from_query`], also finding lessons among a teacher's `custom` ones.
    pub fn from_query_with(query: &PageQuery, custom: &[Lesson]) -> Self {
        let mut problems = query.problems.clone();
        let from_link = query.lesson_data.as_deref().map(|data| {
            crate::platform::share::decode(data)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| "the lesson in the link is damaged (not base64url)".to_owned())
                .and_then(|text| {
                    Lesson::from_json(&text).map_err(|error| match error.cut_off {
                        true => "the lesson in the link was cut off (it ends early)".to_owned(),
                        false => format!("the lesson in the link was refused: {error}"),
                    })
                })
        });
        let lesson = match from_link {
            Some(Ok(lesson)) => Some(lesson),
            Some(Err(problem)) => {
                problems.push(problem);
                None
            }
            None => query.lesson.as_ref().and_then(|id| {
                let found = crate::platform::lessons::find(id)
                    .or_else(|| custom.iter().find(|l| l.id == *id).cloned());
                if found.is_none() {
                    problems.push(format!("there is no lesson `{id}`; opened the sandbox"));
                }
                found
            }),
        };
        if let Some(lesson) = lesson {
            let lesson = Rc::new(lesson);
            // A link's log passes the check `lab grade` applies, or it is not replayed at all.
            let shared =
                shared_session(query, lesson.start().seed, "lesson").and_then(|session| match session {
                    Some(session) => match lesson.admit(session.seed, &session.actions) {
                        Ok(()) => Ok(Some(session)),
                        Err(error) => {
                            Err(format!("the share link's session cannot come from this lesson ({error})"))
                        }
                    },
                    None => Ok(None),
                });
            let mut lab = match shared {
                Ok(Some(session)) => Lab::replay_lesson(lesson, &session.actions, session.tick),
                Ok(None) => Lab::for_lesson(lesson),
                Err(problem) => {
                    problems.push(format!("{problem}; the lesson opened at its start"));
                    Lab::for_lesson(lesson)
                }
            };
            if !problems.is_empty() {
                lab.link_notice = Some(format!("The link had problems: {}.", problems.join("; ")));
            }
            return lab;
        }
        let requested = query.scenario.as_deref().unwrap_or(scenarios::DEFAULT_NAME);
        let (name, text) = match scenarios::by_name(requested) {
            Some(text) => (requested, text),
            None => {
                let known: Vec<_> = scenarios::names().collect();
                problems.push(format!(
                    "there is no scenario `{requested}` (try {}); opened the sandbox",
                    known.join(", ")
                ));
                (scenarios::DEFAULT_NAME, scenarios::by_name(scenarios::DEFAULT_NAME).unwrap_or_default())
            }
        };
        // Built-in scenarios are checked by a test, so this cannot fail in a release.
        let mut scenario = Scenario::from_json(text).expect("built-in scenarios parse");
        if let Some(fleet) = query.fleet {
            scenario.fleet_size = fleet;
        }
        let seed = scenario.seed;
        let mut lab = Lab::new(name, scenario);
        match shared_session(query, seed, "scenario") {
            Ok(Some(session)) => lab = lab.replayed(&session.actions, session.tick),
            Ok(None) => {
                if let Some(asked) = query.ticks {
                    // A link pre-runs a bounded amount of work, whatever fleet it asks for.
                    let fleet = lab.world.fleet_view().replicas;
                    let ticks = pre_run_ticks(asked, fleet);
                    if ticks < asked {
                        problems.push(format!(
                            "`ticks={asked}` is more than a link may run ahead with {fleet} servers; ran {ticks} ticks"
                        ));
                    }
                    lab.run_ticks(ticks);
                }
            }
            Err(problem) => problems.push(format!("{problem}; the scenario opened at its start")),
        }
        if !problems.is_empty() {
            lab.link_notice = Some(format!("The link had problems: {}.", problems.join("; ")));
        }
        lab
    }

    /// A lab at the start of a lesson.
    pub fn for_lesson(lesson: Rc<Lesson>) -> Self {
        let mut lab = Lab::new(&lesson.id, lesson.start());
        lab.lesson = Some(LessonSession::new(lesson, &lab.world));
        lab
    }

    /// Replays a learner's actions on a fresh start of the lesson (a share link), up to `ticks`.
    pub fn replay_lesson(lesson: Rc<Lesson>, actions: &[TimedCommand], ticks: u64) -> Self {
        Lab::for_lesson(lesson).replayed(actions, ticks)
    }

    /// This lab (at its start) with `actions` replayed up to `ticks`: a shared session.
    fn replayed(self, actions: &[TimedCommand], ticks: u64) -> Self {
        let mut lab = self;
        lab.log = actions.to_vec();
        while lab.world.now() < ticks {
            lab.tick_once();
        }
        // Actions at the very last tick were given after it ran.
        lab.apply_due_logged();
        lab.playing = false;
        lab.notice = None;
        lab
    }
}

#[cfg(test)]
mod tests {
    use lab_engine::Command;

    use super::*;
    use crate::lab::state::Action;

    #[test]
    fn a_bad_link_is_reported_and_the_sandbox_opens() {
        let lab = Lab::from_query(&PageQuery::parse("?scenario=nope&ticks=abc"));
        assert_eq!(lab.scenario_name, "sandbox");
        let notice = lab.link_notice.unwrap();
        assert!(notice.contains("no scenario `nope`") && notice.contains("ticks=abc"), "{notice}");
    }

    #[test]
    fn a_link_cannot_ask_for_unbounded_work() {
        assert_eq!(pre_run_ticks(100_000, 20_000), 1_000);
        assert_eq!(pre_run_ticks(100_000, 10), 100_000);
        assert_eq!(pre_run_ticks(40, 0), 40);
    }

    #[test]
    fn the_url_can_pre_run_a_scenario_and_resize_the_fleet() {
        let lab = Lab::from_query(&PageQuery::parse("?scenario=demo&ticks=40&fleet=30"));
        assert_eq!(lab.world.now(), 40);
        assert_eq!(lab.world.fleet_view().replicas, 30);
    }

    #[test]
    fn a_lesson_can_travel_in_the_link_and_a_damaged_one_is_reported() {
        let mut lesson = crate::platform::lessons::find("thirty-snowflakes").unwrap();
        lesson.id = "teachers-own".into();
        let data = crate::platform::share::encode(serde_json::to_string(&lesson).unwrap().as_bytes());
        let lab = Lab::from_query(&PageQuery::parse(&format!("?lesson-data={data}")));
        assert_eq!(lab.lesson.as_ref().map(|s| s.lesson.id.as_str()), Some("teachers-own"));
        assert!(lab.link_notice.is_none());
        let lab = Lab::from_query(&PageQuery::parse("?lesson-data=e30"));
        assert!(lab.lesson.is_none());
        let notice = lab.link_notice.unwrap();
        assert!(
            notice.contains("the lesson in the link was refused") && notice.contains("missing field"),
            "{notice}"
        );
        // A teacher's lesson loaded earlier is found by id.
        let lab = Lab::from_query_with(&PageQuery::parse("?lesson=teachers-own"), &[lesson]);
        assert!(lab.lesson.is_some());
    }

    #[test]
    fn a_scenario_session_travels_in_a_link_and_replays_exactly() {
        let mut lab = Lab::from_query(&PageQuery::parse("?scenario=demo"));
        lab.reduce(Action::Advance(7));
        lab.reduce(Action::Command(Command::Scale { replicas: 20 }));
        lab.reduce(Action::Advance(30));
        let link = crate::platform::share::scenario_link(&lab);
        let shared = Lab::from_query(&PageQuery::parse(&link));
        assert!(shared.link_notice.is_none(), "{:?}", shared.link_notice);
        assert_eq!((shared.world.now(), shared.world.trace_digest()), (37, lab.world.trace_digest()));
        let wrong_seed = link.replace("seed=", "seed=9");
        let notice = Lab::from_query(&PageQuery::parse(&wrong_seed)).link_notice.unwrap();
        assert!(notice.contains("this scenario uses seed"), "{notice}");
    }

    /// What the page shows for a share link of `actions` (replayed to the lesson's last tick):
    /// the tick and completion code of a pass, and the notice.
    fn page_verdict(
        lesson: &Lesson,
        seed: u64,
        actions: &[TimedCommand],
    ) -> (Option<(u64, String)>, Option<String>) {
        let session =
            crate::platform::share::SharedSession { seed, actions: actions.to_vec(), tick: lesson.ticks_max };
        let lab = Lab::from_query(&PageQuery::parse(&crate::platform::share::link(&lesson.id, &session)));
        let session = lab.lesson.as_ref().expect("the lesson opens");
        let report = session.progress.report(&session.lesson, &lab.world);
        (report.passed_at_tick.zip(report.completion_code), lab.link_notice)
    }

    /// Logs a learner could hand in for `lesson`: its solution and mistakes, nothing, and forged or
    /// damaged ones (a control the lesson does not offer, too late, out of order, another seed).
    fn generated_logs(lesson: &Lesson) -> Vec<(String, u64, Vec<TimedCommand>)> {
        let seed = lesson.start().seed;
        let solution = lesson.solution.clone();
        let last_tick = solution.last().map_or(0, |a| a.tick);
        let mut logs =
            vec![("solution".to_owned(), seed, solution.clone()), ("nothing".into(), seed, vec![])];
        for mistake in &lesson.mistakes {
            logs.push((format!("mistake `{}`", mistake.label), seed, mistake.actions.clone()));
        }
        // No lesson offers scaling: a harmless resize is a control from elsewhere.
        let mut foreign = solution.clone();
        foreign.push(TimedCommand {
            tick: last_tick,
            command: Command::Scale { replicas: lesson.start().fleet_size },
        });
        logs.push(("solution plus a control not offered".into(), seed, foreign));
        // Acting on after the pass changes neither the pass nor its code.
        let mut after = solution.clone();
        after.push(TimedCommand { tick: lesson.ticks_max - 1, command: lesson.solution[0].command.clone() });
        logs.push(("solution plus an action after the pass".into(), seed, after));
        let mut late = solution.clone();
        late.push(TimedCommand { tick: lesson.ticks_max + 1, command: lesson.solution[0].command.clone() });
        logs.push(("an action after the last tick".into(), seed, late));
        if solution.len() >= 2 && solution[0].tick != last_tick {
            let mut reversed = solution.clone();
            reversed.reverse();
            logs.push(("actions out of order".into(), seed, reversed));
        }
        logs.push(("another seed".into(), seed.wrapping_add(1), solution));
        logs
    }

    #[test]
    fn the_page_and_the_grader_agree_on_every_generated_log() {
        for lesson in crate::platform::lessons::built_in().iter() {
            for (what, seed, actions) in generated_logs(lesson) {
                let submission = lab_engine::lesson::Submission {
                    lesson: lesson.id.clone(),
                    seed,
                    actions: actions.clone(),
                };
                let graded = lab_engine::lesson::Replay::run(lesson, &submission);
                let (page_pass, notice) = page_verdict(lesson, seed, &actions);
                match graded {
                    Ok(report) => {
                        let grader_pass = report.passed_at_tick.zip(report.completion_code);
                        assert_eq!(page_pass, grader_pass, "{}, {what}: page and grader differ", lesson.id);
                        assert!(notice.is_none(), "{}, {what}: {notice:?}", lesson.id);
                    }
                    Err(error) => {
                        assert_eq!(
                            page_pass, None,
                            "{}, {what}: the page passes a log the grader refuses ({error})",
                            lesson.id
                        );
                        let notice = notice.unwrap_or_default();
                        assert!(notice.contains("opened at its start"), "{}, {what}: {notice}", lesson.id);
                    }
                }
            }
        }
    }
}
