//! Playing a lesson: the start scenario's own timeline plus the learner's actions, tick by tick,
//! with the goal checked after every tick. The same replay serves the page, share links and
//! `lab grade`, so a session passes everywhere or nowhere.

use serde::{Deserialize, Serialize};

use super::goal::{Check, GoalHistory, check};
use super::{Lesson, LessonLimits};
use crate::{Digest, Event, Playback, TimedCommand, World};

/// Most actions one submission may hold.
const ACTIONS_MAX: usize = 2_000;

/// A learner's session, as exported for grading or encoded in a share link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// The lesson's id.
    pub lesson: String,
    /// The seed the session ran with.
    pub seed: u64,
    /// What the learner did: commands at the ticks they were given (before that tick ran).
    pub actions: Vec<TimedCommand>,
}

/// Why a submission could not be replayed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// Made for another lesson.
    #[error("the submission is for lesson `{submitted}`, not `{lesson}`")]
    WrongLesson {
        /// The lesson graded.
        lesson: String,
        /// The lesson named in the submission.
        submitted: String,
    },
    /// Made with another seed.
    #[error("the submission ran with seed {submitted}; lesson `{lesson}` uses seed {expected}")]
    WrongSeed {
        /// The lesson.
        lesson: String,
        /// Its seed.
        expected: u64,
        /// The submission's.
        submitted: u64,
    },
    /// Too many actions.
    #[error("the submission holds {0} actions; at most {ACTIONS_MAX}")]
    TooManyActions(usize),
    /// An action after the lesson's last tick.
    #[error("actions[{index}] is at tick {tick}, after the lesson's last tick ({ticks_max})")]
    TooLate {
        /// The action.
        index: usize,
        /// Its tick.
        tick: u64,
        /// The lesson's limit.
        ticks_max: u64,
    },
    /// Actions out of order.
    #[error("actions[{index}] is at tick {tick}, before the action preceding it")]
    OutOfOrder {
        /// The action.
        index: usize,
        /// Its tick.
        tick: u64,
    },
    /// A control the lesson does not offer.
    #[error("actions[{index}] uses the `{control}` controls, which this lesson does not offer")]
    ControlNotOffered {
        /// The action.
        index: usize,
        /// The control group.
        control: &'static str,
    },
}

/// What a session of a lesson has done so far: the learner's actions, what the goal remembers,
/// and when the goal was first met. The page keeps one beside its own world; [`Replay`] keeps one
/// beside a world it drives itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What the goal remembers.
    pub history: GoalHistory,
    /// The learner's actions, in order.
    pub actions: Vec<TimedCommand>,
    /// The tick the goal was first met, if it was.
    pub passed_at_tick: Option<u64>,
    /// How many actions had been taken when the goal was first met: the pass is judged, counted
    /// and coded by those, as `lab grade`, which stops replaying there, judges it.
    pub actions_when_passed: usize,
    /// Why this session's log could not come from a session of the lesson (a control it does not
    /// offer, an action after its last tick, too many actions): such a session never passes, in
    /// the page as under `lab grade`.
    pub refused: Option<ReplayError>,
}

impl Progress {
    /// A session starting at the world's present.
    pub fn starting(world: &World) -> Self {
        Progress {
            history: GoalHistory::starting(world),
            actions: Vec::new(),
            passed_at_tick: None,
            actions_when_passed: 0,
            refused: None,
        }
    }

    /// Records an action given now (before the next tick runs), checked by the rule `lab grade`
    /// applies to a submission. A command the world refuses is still an action taken: it replays
    /// as the same refusal. Beyond the most actions a submission may hold, nothing more is kept.
    pub fn record(&mut self, lesson: &Lesson, world: &World, command: &crate::Command) {
        let action = TimedCommand { tick: world.now(), command: command.clone() };
        let previous = self.actions.last().map(|a| a.tick);
        if let Err(error) = check_action(lesson, self.actions.len(), previous, &action) {
            self.refused.get_or_insert(error);
        }
        if self.actions.len() < ACTIONS_MAX {
            self.actions.push(action);
        }
    }

    /// Records a tick that just ran, with its events, and checks the goal.
    /// The goal counts only until the lesson's last tick, in the page as in the grader.
    pub fn observe(&mut self, lesson: &Lesson, world: &World, events: &[Event]) {
        self.history.observe(world, events);
        let in_time = world.now() <= lesson.ticks_max;
        if self.passed_at_tick.is_none()
            && in_time
            && self.refused.is_none()
            && check(&lesson.goal, world, &self.history).iter().all(|c| c.met)
        {
            self.passed_at_tick = Some(world.now());
            self.actions_when_passed = self.actions.len();
        }
    }

    /// Whether the lesson's last tick has passed without the goal being met.
    pub fn out_of_time(&self, lesson: &Lesson, world: &World) -> bool {
        self.passed_at_tick.is_none() && world.now() >= lesson.ticks_max
    }

    /// Every assertion's state now.
    pub fn checks(&self, lesson: &Lesson, world: &World) -> Vec<Check> {
        check(&lesson.goal, world, &self.history)
    }

    /// The verdict so far.
    pub fn report(&self, lesson: &Lesson, world: &World) -> Report {
        let counted = match self.passed_at_tick {
            Some(_) => &self.actions[..self.actions_when_passed],
            None => &self.actions[..],
        };
        Report {
            lesson: lesson.id.clone(),
            passed: self.passed_at_tick.is_some(),
            passed_at_tick: self.passed_at_tick,
            actions: counted.len() as u32,
            par: lesson.par,
            completion_code: self.passed_at_tick.map(|_| completion_code(&lesson.id, world.seed(), counted)),
            checks: self.checks(lesson, world),
        }
    }
}

/// A lesson played headless: the start scenario's own timeline plus a learner's actions.
pub struct Replay {
    /// The world.
    pub world: World,
    playback: Playback,
    /// The session so far.
    pub progress: Progress,
}

impl Replay {
    /// The lesson's start.
    pub fn start(lesson: &Lesson) -> Self {
        let scenario = lesson.start();
        let world = World::new(&scenario);
        let progress = Progress::starting(&world);
        Replay { playback: Playback::new(&scenario), world, progress }
    }

    /// Applies a learner's action now and records it.
    pub fn act(&mut self, lesson: &Lesson, command: crate::Command) -> Result<(), crate::CommandError> {
        self.progress.record(lesson, &self.world, &command);
        self.world.apply(command)
    }

    /// Runs one tick and checks the goal; returns the tick's events.
    pub fn step(&mut self, lesson: &Lesson) -> Vec<Event> {
        self.playback.step(&mut self.world);
        let events: Vec<Event> = self.world.drain_events().collect();
        self.progress.observe(lesson, &self.world, &events);
        events
    }

    /// Plays `actions` from the lesson's start, tick by tick, until `done` says so or the lesson's
    /// last tick has run. Refused actions replay as refusals.
    pub fn play(lesson: &Lesson, actions: &[TimedCommand], done: impl Fn(&Replay) -> bool) -> Replay {
        let mut replay = Replay::start(lesson);
        let mut next = 0;
        while replay.world.now() < lesson.ticks_max.min(LessonLimits::TICKS_MAX) && !done(&replay) {
            while let Some(action) = actions.get(next).filter(|a| a.tick == replay.world.now()) {
                let _ = replay.act(lesson, action.command.clone());
                next += 1;
            }
            replay.step(lesson);
        }
        replay
    }

    /// Replays `submission` (checking it first) until the goal is met or the lesson's last tick.
    pub fn run(lesson: &Lesson, submission: &Submission) -> Result<Report, ReplayError> {
        if submission.lesson != lesson.id {
            return Err(ReplayError::WrongLesson {
                lesson: lesson.id.clone(),
                submitted: submission.lesson.clone(),
            });
        }
        lesson.admit(submission.seed, &submission.actions)?;
        let replay =
            Replay::play(lesson, &submission.actions, |replay| replay.progress.passed_at_tick.is_some());
        Ok(replay.progress.report(lesson, &replay.world))
    }
}

impl Lesson {
    /// Whether a session log (its seed and actions) could come from a session of this lesson: the
    /// one rule the page, share links, the builder and `lab grade` all apply, so a log refused in
    /// one place shows a pass nowhere.
    pub fn admit(&self, seed: u64, actions: &[TimedCommand]) -> Result<(), ReplayError> {
        let expected = self.start().seed;
        if seed != expected {
            return Err(ReplayError::WrongSeed { lesson: self.id.clone(), expected, submitted: seed });
        }
        if actions.len() > ACTIONS_MAX {
            return Err(ReplayError::TooManyActions(actions.len()));
        }
        let mut previous = None;
        for (index, action) in actions.iter().enumerate() {
            check_action(self, index, previous, action)?;
            previous = Some(action.tick);
        }
        Ok(())
    }
}

/// Refuses an action that cannot come from a session of `lesson`: the `index`th, given after an
/// action at tick `previous`.
fn check_action(
    lesson: &Lesson,
    index: usize,
    previous: Option<u64>,
    action: &TimedCommand,
) -> Result<(), ReplayError> {
    if index >= ACTIONS_MAX {
        return Err(ReplayError::TooManyActions(index + 1));
    }
    if previous.is_some_and(|previous| action.tick < previous) {
        return Err(ReplayError::OutOfOrder { index, tick: action.tick });
    }
    if action.tick > lesson.ticks_max {
        return Err(ReplayError::TooLate { index, tick: action.tick, ticks_max: lesson.ticks_max });
    }
    if !lesson.allows(&action.command) {
        return Err(ReplayError::ControlNotOffered {
            index,
            control: super::Control::of(&action.command).name(),
        });
    }
    Ok(())
}

/// The outcome of a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The lesson.
    pub lesson: String,
    /// Whether the goal was met.
    pub passed: bool,
    /// When.
    pub passed_at_tick: Option<u64>,
    /// Actions taken.
    pub actions: u32,
    /// The lesson's par.
    pub par: u32,
    /// A code the teacher can check with `lab grade` (only when passed).
    pub completion_code: Option<String>,
    /// Every assertion at the end.
    pub checks: Vec<Check>,
}

/// A short code for a passed session: a digest of the lesson, the seed and the exact actions.
/// Two different sessions get different codes, and `lab grade` recomputes it from the replayed
/// submission, so a teacher can match a code a learner hands in with the session behind it.
pub fn completion_code(lesson: &str, seed: u64, actions: &[TimedCommand]) -> String {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"lab-completion-v1\0");
    bytes.extend_from_slice(lesson.as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(&seed.to_le_bytes());
    bytes.extend_from_slice(serde_json::to_string(actions).unwrap_or_default().as_bytes());
    let hex = Digest::of(&bytes).hex();
    format!("{}-{}-{}", &hex[..4], &hex[4..8], &hex[8..12]).to_ascii_uppercase()
}
