//! The lab's state and the actions that change it. Pure: no browser calls, so it is tested natively.
//! The world changes every tick, so the state is mutated in place rather than cloned per action.

use std::collections::VecDeque;
use std::rc::Rc;

use lab_engine::lesson::{Control, Lesson, Progress};
use lab_engine::{Command, Digest, Event, ImageRef, ImageSpec, Playback, Scenario, TimedCommand, World};

use crate::query::PageQuery;
use crate::scenarios;

/// Speeds the learner can pick, in ticks per base interval.
pub const SPEEDS: [u32; 6] = [1, 2, 4, 8, 16, 32];
/// How long one tick lasts at 1×: slow enough to follow one instance booting.
const TICK_MS_AT_1X: f64 = 800.0;

/// Everything the page shows, and the world behind it.
pub struct Lab {
    /// The built-in scenario's name.
    pub scenario_name: String,
    scenario: Scenario,
    /// The simulation.
    pub world: World,
    playback: Playback,
    /// Whether ticks advance on their own.
    pub playing: bool,
    /// The current speed, one of [`SPEEDS`].
    pub speed: u32,
    /// The digest of the image the learner built last.
    pub last_built: Option<Digest>,
    /// The latest refusal or problem, shown until the next successful action.
    pub notice: Option<String>,
    /// Set when the picture must be redrawn even though no tick ran (a step, a reset).
    pub dirty: bool,
    /// The recent ticks, for the timeline chart and the request stream.
    pub timeline: std::rc::Rc<crate::timeline::Timeline>,
    /// The scenario run once per strategy, when the learner asked for it.
    pub scores: Option<std::rc::Rc<Vec<lab_engine::scoreboard::Score>>>,
    /// The lesson being played, if the page opened one.
    pub lesson: Option<LessonSession>,
    /// The events of the tick that just ran (reused, so a tick allocates nothing once warm).
    scratch_events: Vec<Event>,
}

/// A lesson in play: the lesson, the session's progress, and what the learner has asked to see.
pub struct LessonSession {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// Actions, goal memory, and when the goal was met.
    pub progress: Progress,
    /// Hints revealed so far.
    pub hints_shown: usize,
    /// The "why not yet" list is open.
    pub why_open: bool,
    /// The reference solution is being played: the session earns no credit.
    pub showing_solution: bool,
    /// Solution commands still to be given, in order.
    solution_queue: VecDeque<TimedCommand>,
}

impl LessonSession {
    fn new(lesson: Rc<Lesson>, world: &World) -> Self {
        LessonSession {
            lesson,
            progress: Progress::starting(world),
            hints_shown: 0,
            why_open: false,
            showing_solution: false,
            solution_queue: VecDeque::new(),
        }
    }

    /// Whether the session passed on its own (not by showing the solution).
    pub fn earned_pass(&self) -> bool {
        self.progress.passed_at_tick.is_some() && !self.showing_solution
    }
}

/// What the learner (or the render loop) can do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start or stop the clock.
    TogglePlay,
    /// Run exactly one tick (and pause).
    Step,
    /// Back to the scenario's start.
    Reset,
    /// Pick a speed from [`SPEEDS`].
    SetSpeed(u32),
    /// Build an image.
    Build(ImageSpec),
    /// Roll the fleet out to an image.
    Deploy(Digest),
    /// Any other engine command; a refusal becomes the notice.
    Command(Command),
    /// Run this many ticks (the render loop's clock).
    Advance(u32),
    /// Run the scenario once per strategy for the scoreboard.
    RunScoreboard,
    /// Lessons: reveal the next hint.
    ShowHint,
    /// Lessons: open or close the list of unmet assertions.
    ToggleWhyNotYet,
    /// Lessons: start again and play the reference solution, visibly.
    ShowSolution,
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
            crate::share::decode(data)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| "the lesson in the link is damaged (not base64url)".to_owned())
                .and_then(|text| {
                    Lesson::from_json(&text)
                        .map_err(|error| format!("the lesson in the link was refused: {error}"))
                })
        });
        let lesson = match from_link {
            Some(Ok(lesson)) => Some(lesson),
            Some(Err(problem)) => {
                problems.push(problem);
                None
            }
            None => query.lesson.as_ref().and_then(|id| {
                let found = crate::lessons::find(id).or_else(|| custom.iter().find(|l| l.id == *id).cloned());
                if found.is_none() {
                    problems.push(format!("there is no lesson `{id}`; opened the sandbox"));
                }
                found
            }),
        };
        if let Some(lesson) = lesson {
            let lesson = Rc::new(lesson);
            let shared = crate::share::parse(
                query.share_seed.as_deref(),
                query.share_at.as_deref(),
                query.share_log.as_deref(),
            )
            .and_then(|shared| match shared {
                Some(session) if session.seed != lesson.start().seed => Err(format!(
                    "the share link was made with seed {}, but this lesson uses seed {}",
                    session.seed,
                    lesson.start().seed
                )),
                other => Ok(other),
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
                lab.notice = Some(format!("The link had problems: {}.", problems.join("; ")));
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
        let mut lab = Lab::new(name, scenario);
        if let Some(ticks) = query.ticks {
            lab.run_ticks(ticks);
        }
        if !problems.is_empty() {
            lab.notice = Some(format!("The link had problems: {}.", problems.join("; ")));
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
        let mut lab = Lab::for_lesson(lesson);
        let mut next = 0;
        while lab.world.now() < ticks {
            while let Some(action) = actions.get(next).filter(|a| a.tick == lab.world.now()) {
                lab.command(action.command.clone());
                next += 1;
            }
            lab.run_ticks(1);
        }
        // Actions at the very last tick were given after it ran.
        for action in &actions[next..] {
            lab.command(action.command.clone());
        }
        lab.notice = None;
        lab
    }

    /// Whether the lesson in play (if any) offers the controls of `group`.
    pub fn offers(&self, group: Control) -> bool {
        self.lesson
            .as_ref()
            .is_none_or(|s| s.lesson.controls.is_empty() || s.lesson.controls.contains(&group))
    }

    /// A paused lab at tick 0.
    pub fn new(name: &str, scenario: Scenario) -> Self {
        Lab {
            scenario_name: name.to_owned(),
            world: World::new(&scenario),
            playback: Playback::new(&scenario),
            scenario,
            playing: false,
            speed: 4,
            last_built: None,
            notice: None,
            dirty: true,
            timeline: Default::default(),
            scores: None,
            lesson: None,
            scratch_events: Vec::new(),
        }
    }

    /// The scenario's title.
    pub fn title(&self) -> &str {
        &self.scenario.name
    }

    /// Milliseconds per tick at the current speed.
    pub fn tick_ms(&self) -> f64 {
        TICK_MS_AT_1X / f64::from(self.speed)
    }

    /// Applies an action.
    pub fn reduce(&mut self, action: Action) {
        match action {
            Action::TogglePlay => self.playing = !self.playing,
            Action::Step => {
                self.playing = false;
                self.run_ticks(1);
            }
            Action::Reset => self.restart(),
            Action::SetSpeed(speed) if SPEEDS.contains(&speed) => self.speed = speed,
            Action::SetSpeed(_) => {}
            Action::Build(spec) => {
                let digest = spec.digest();
                if self.command(Command::BuildImage(spec)) {
                    self.last_built = Some(digest);
                }
            }
            Action::Deploy(digest) => {
                self.command(Command::Deploy { image: ImageRef::digest(digest) });
            }
            Action::Command(command) => {
                self.command(command);
            }
            Action::Advance(ticks) => self.run_ticks(u64::from(ticks)),
            Action::RunScoreboard => {
                self.scores = Some(std::rc::Rc::new(lab_engine::scoreboard::scoreboard(&self.scenario)));
            }
            Action::ShowHint => {
                if let Some(session) = &mut self.lesson {
                    session.hints_shown = (session.hints_shown + 1).min(session.lesson.hints.len());
                }
            }
            Action::ToggleWhyNotYet => {
                if let Some(session) = &mut self.lesson {
                    session.why_open = !session.why_open;
                }
            }
            Action::ShowSolution => {
                if let Some(lesson) = self.lesson.as_ref().map(|s| s.lesson.clone()) {
                    self.restart();
                    if let Some(session) = &mut self.lesson {
                        session.showing_solution = true;
                        session.hints_shown = lesson.hints.len();
                        session.solution_queue = lesson.solution.iter().cloned().collect();
                    }
                    self.give_due_solution_commands();
                    self.playing = true;
                }
            }
        }
        self.dirty = true;
    }

    /// Back to the start of the scenario (or of the lesson, with hints kept).
    fn restart(&mut self) {
        let scenario = self.scenario.clone();
        let hints_shown = self.lesson.as_ref().map_or(0, |s| s.hints_shown);
        let lesson = self.lesson.as_ref().map(|s| s.lesson.clone());
        *self = Lab { notice: None, ..Lab::new(&self.scenario_name, scenario) };
        if let Some(lesson) = lesson {
            let mut session = LessonSession::new(lesson, &self.world);
            session.hints_shown = hints_shown;
            self.lesson = Some(session);
        }
    }

    /// Runs `ticks` ticks, playing the scenario's timeline as it goes.
    fn run_ticks(&mut self, ticks: u64) {
        for _ in 0..ticks {
            self.playback.step(&mut self.world);
            let mut events = std::mem::take(&mut self.scratch_events);
            events.clear();
            events.extend(self.world.drain_events());
            std::rc::Rc::make_mut(&mut self.timeline).record(&self.world);
            if let Some(session) = &mut self.lesson {
                let was_passed = session.progress.passed_at_tick.is_some();
                session.progress.observe(&session.lesson, &self.world, &events);
                if !was_passed && session.progress.passed_at_tick.is_some() {
                    // Stop the clock on the moment of success, so the summary is read, not missed.
                    self.playing = false;
                    self.scratch_events = events;
                    return;
                }
            }
            self.scratch_events = events;
            self.give_due_solution_commands();
        }
    }

    /// While the solution plays, gives the commands due at the current tick.
    fn give_due_solution_commands(&mut self) {
        loop {
            let Some(session) = &mut self.lesson else { return };
            let due = session.solution_queue.front().is_some_and(|next| next.tick <= self.world.now());
            if !due {
                return;
            }
            if let Some(next) = session.solution_queue.pop_front() {
                self.command(next.command);
            }
        }
    }

    /// Applies a command, turning a refusal into the notice. Returns whether it was accepted.
    /// In a lesson, a command from a control the lesson does not offer is refused, and every
    /// command given is recorded as an action.
    fn command(&mut self, command: Command) -> bool {
        if let Some(session) = &mut self.lesson {
            let group = Control::of(&command);
            if !session.lesson.allows(&command) {
                self.notice = Some(format!("this lesson does not offer the `{}` controls", group.name()));
                return false;
            }
            session.progress.record(&self.world, &command);
        }
        match self.world.apply(command) {
            Ok(()) => {
                self.notice = None;
                true
            }
            Err(error) => {
                self.notice = Some(error.to_string());
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        Lab::from_query(&PageQuery::default())
    }

    #[test]
    fn opens_the_sandbox_paused_at_tick_zero() {
        let lab = lab();
        assert_eq!(lab.scenario_name, "sandbox");
        assert!(!lab.playing);
        assert_eq!(lab.world.now(), 0);
        assert!(lab.notice.is_none());
    }

    #[test]
    fn build_then_deploy_replaces_every_instance() {
        let mut lab = lab();
        let mut spec = lab.world.images()[0].spec.clone();
        spec.app_version = "2.0.0".into();
        lab.reduce(Action::Build(spec.clone()));
        let built = lab.last_built.expect("build accepted");
        assert_eq!(built, spec.digest());
        lab.reduce(Action::Deploy(built));
        lab.reduce(Action::Advance(200));
        assert!(lab.world.is_settled());
        assert!(lab.world.instances().iter().filter(|i| i.state.is_live()).all(|i| i.image == built));
    }

    #[test]
    fn a_refused_deploy_leaves_a_notice_and_the_fleet_alone() {
        let mut lab = lab();
        let running = lab.world.images()[0].digest;
        lab.reduce(Action::Deploy(running));
        assert!(lab.notice.as_deref().unwrap().contains("launch template already is"));
        assert!(lab.world.rollout_complete());
    }

    #[test]
    fn step_pauses_and_reset_returns_to_tick_zero() {
        let mut lab = lab();
        lab.reduce(Action::TogglePlay);
        lab.reduce(Action::Step);
        lab.reduce(Action::Step);
        assert!(!lab.playing);
        assert_eq!(lab.world.now(), 2);
        lab.reduce(Action::Reset);
        assert_eq!(lab.world.now(), 0);
    }

    #[test]
    fn a_bad_link_is_reported_and_the_sandbox_opens() {
        let lab = Lab::from_query(&PageQuery::parse("?scenario=nope&ticks=abc"));
        assert_eq!(lab.scenario_name, "sandbox");
        let notice = lab.notice.unwrap();
        assert!(notice.contains("no scenario `nope`") && notice.contains("ticks=abc"), "{notice}");
    }

    #[test]
    fn the_url_can_pre_run_a_scenario_and_resize_the_fleet() {
        let lab = Lab::from_query(&PageQuery::parse("?scenario=demo&ticks=40&fleet=30"));
        assert_eq!(lab.world.now(), 40);
        assert_eq!(lab.world.replicas(), 30);
    }

    #[test]
    fn a_refused_engine_command_becomes_the_notice() {
        let mut lab = lab();
        lab.reduce(Action::Command(Command::Approve { run: 9 }));
        assert_eq!(lab.notice.as_deref(), Some("there is no pipeline run 9"));
        lab.reduce(Action::Command(Command::SetNightlyRefresh { enabled: true }));
        assert!(lab.notice.is_none() && lab.world.nightly_refresh());
    }

    #[test]
    fn the_scoreboard_runs_the_scenario_once_per_strategy() {
        let mut lab =
            Lab::new("recreate", Scenario::from_json(scenarios::by_name("recreate").unwrap()).unwrap());
        assert!(lab.scores.is_none());
        lab.reduce(Action::RunScoreboard);
        let scores = lab.scores.clone().unwrap();
        let names: Vec<&str> = scores.iter().map(|s| s.strategy).collect();
        assert_eq!(names, ["rolling", "recreate", "blue_green", "canary", "instance_refresh"]);
        // The lab itself did not move.
        assert_eq!(lab.world.now(), 0);
    }

    #[test]
    fn a_lesson_can_travel_in_the_link_and_a_damaged_one_is_reported() {
        let mut lesson = crate::lessons::find("thirty-snowflakes").unwrap();
        lesson.id = "teachers-own".into();
        let data = crate::share::encode(serde_json::to_string(&lesson).unwrap().as_bytes());
        let lab = Lab::from_query(&PageQuery::parse(&format!("?lesson-data={data}")));
        assert_eq!(lab.lesson.as_ref().map(|s| s.lesson.id.as_str()), Some("teachers-own"));
        assert!(lab.notice.is_none());
        let lab = Lab::from_query(&PageQuery::parse("?lesson-data=e30"));
        assert!(lab.lesson.is_none());
        let notice = lab.notice.unwrap();
        assert!(
            notice.contains("the lesson in the link was refused") && notice.contains("missing field"),
            "{notice}"
        );
        // A teacher's lesson loaded earlier is found by id.
        let lab = Lab::from_query_with(&PageQuery::parse("?lesson=teachers-own"), &[lesson]);
        assert!(lab.lesson.is_some());
    }

    #[test]
    fn speeds_outside_the_list_are_ignored() {
        let mut lab = lab();
        lab.reduce(Action::SetSpeed(32));
        lab.reduce(Action::SetSpeed(3));
        assert_eq!(lab.speed, 32);
    }
}
