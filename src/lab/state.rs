//! The lab's state and the actions that change it. Pure: no browser calls, so it is tested natively.
//! The world changes every tick, so the state is mutated in place rather than cloned per action.

use std::rc::Rc;

use lab_engine::lesson::Control;
use lab_engine::{Command, Digest, Event, ImageRef, ImageSpec, Playback, Scenario, TimedCommand, World};

use crate::lab::history::{Branch, Checkpoint};
pub use crate::lab::lesson_session::LessonSession;

/// Speeds the learner can pick, in ticks per base interval.
pub const SPEEDS: [u32; 8] = [1, 2, 4, 8, 16, 32, 64, 128];
/// How long one tick lasts at 1×: slow enough to follow one instance booting.
const TICK_MS_AT_1X: f64 = 800.0;

/// Milliseconds per tick at `speed` (one of [`SPEEDS`]).
pub fn tick_ms_at(speed: u32) -> f64 {
    TICK_MS_AT_1X / f64::from(speed.max(1))
}

/// Everything the page shows, and the world behind it.
pub struct Lab {
    /// The built-in scenario's name.
    pub scenario_name: String,
    pub(crate) scenario: Scenario,
    /// The simulation.
    pub world: World,
    pub(crate) playback: Playback,
    /// Whether ticks advance on their own.
    pub playing: bool,
    /// The current speed, one of [`SPEEDS`].
    pub speed: u32,
    /// The digest of the image the learner built last.
    pub last_built: Option<Digest>,
    /// The latest refusal or problem, shown until the next successful action.
    pub notice: Option<String>,
    /// What was wrong with the link the page was opened with, and what the lab did instead:
    /// shown in the banner at the top until the learner starts again.
    pub link_notice: Option<String>,
    /// Set when the picture must be redrawn even though no tick ran (a step, a reset).
    pub dirty: bool,
    /// Counts the actions reduced. The render loop's `dirty` is taken by the first reader; a
    /// painter that keeps its last picture compares this instead: same count and same tick, same
    /// world (a branch switch can reach another world with the tick and counts unchanged).
    pub changes: u64,
    /// The recent ticks, for the timeline chart and the request stream.
    pub timeline: std::rc::Rc<crate::lab::timeline::Timeline>,
    /// The scenario run once per strategy, when the learner asked for it.
    pub scores: Option<std::rc::Rc<Vec<lab_engine::scoreboard::Score>>>,
    /// The lesson being played, if the page opened one.
    pub lesson: Option<LessonSession>,
    /// The events of the tick that just ran (reused, so a tick allocates nothing once warm).
    pub(crate) scratch_events: Vec<Event>,
    /// Every command the learner gave on this branch, in order, at the tick it was given.
    pub log: Vec<TimedCommand>,
    /// Entries of `log` before this index are in the world now; later ones are this branch's
    /// future, replayed as the clock reaches them (after scrubbing back, or showing a solution).
    pub(crate) next_logged: usize,
    /// The furthest tick this branch reached.
    pub head_tick: u64,
    /// This branch's head summary while looking back, keyed by what it depends on (furthest
    /// tick, log length), so a page rendering every frame does not replay ahead every frame.
    pub(crate) head_cache: std::cell::RefCell<Option<((u64, usize), crate::lab::history::BranchSummary)>>,
    /// Earlier branches, kept to compare and to return to.
    pub branches: Vec<Branch>,
    /// Saved states of this branch, to scrub back without replaying from the start.
    pub(crate) checkpoints: Vec<Checkpoint>,
    /// The terminal: what was typed and answered, and the commands typed before. Shared with the
    /// page's view, and copied only when it changes.
    pub terminal: Rc<crate::lab::terminal::Terminal>,
    /// Asks for the worker (the terminal's and the exports'), sent after the page renders.
    pub asks: Vec<crate::lab::terminal_host::Ask>,
    /// The latest export the worker made: its format, image and text.
    pub export: Option<Rc<(usize, Digest, String)>>,
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
    /// Go back (or forward, within this branch) to the state after this many ticks.
    ScrubTo(u64),
    /// Make an earlier branch current again (the current one is kept in its place).
    SwitchBranch(usize),
    /// A line typed into the terminal: sent to be answered.
    Type(String),
    /// Tab in the terminal: ask for the completions of a line.
    Complete(String),
    /// The terminal's answer: text to print, commands to apply as a button's are, completions.
    TerminalAnswer(crate::lab::terminal_host::Answer),
    /// Ask for an image as text in an export format (the worker makes it).
    Export(usize, Digest),
    /// Ctrl+C in the terminal: stop a watch.
    Interrupt,
    /// Ctrl+L in the terminal: empty the screen.
    ClearTerminal,
}

/// Why a command from the learner was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The lesson does not offer the command's controls (its words).
    NotOffered(String),
    /// The engine refused it.
    Engine(lab_engine::CommandError),
}

impl Lab {
    /// The commands in the world now (this branch's log up to the tick shown).
    pub fn applied_log(&self) -> &[TimedCommand] {
        &self.log[..self.next_logged]
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
            link_notice: None,
            dirty: true,
            changes: 0,
            timeline: Default::default(),
            scores: None,
            lesson: None,
            scratch_events: Vec::new(),
            log: Vec::new(),
            next_logged: 0,
            head_tick: 0,
            head_cache: Default::default(),
            branches: Vec::new(),
            checkpoints: Vec::new(),
            terminal: Default::default(),
            asks: Vec::new(),
            export: None,
        }
    }

    /// The scenario's title.
    pub fn title(&self) -> &str {
        &self.scenario.name
    }

    /// Milliseconds per tick at the current speed.
    pub fn tick_ms(&self) -> f64 {
        tick_ms_at(self.speed)
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
                if self.command(Command::BuildImage(spec)).is_ok() {
                    self.last_built = Some(digest);
                }
            }
            Action::Deploy(digest) => {
                let _ = self.command(Command::Deploy { image: ImageRef::digest(digest) });
            }
            Action::Command(command) => {
                let _ = self.command(command);
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
                    }
                    // The solution becomes this branch's future, given as the clock reaches it.
                    self.log = lesson.solution.clone();
                    self.apply_due_logged();
                    self.playing = true;
                }
            }
            Action::ScrubTo(tick) => self.scrub_to(tick),
            Action::SwitchBranch(index) => self.switch_branch(index),
            Action::Type(line) => self.type_line(&line),
            Action::Complete(line) => self.asks.push(crate::lab::terminal_host::Ask::Complete(line)),
            Action::TerminalAnswer(answer) => self.terminal_answer(answer),
            Action::Export(format, image) => {
                self.asks.push(crate::lab::terminal_host::Ask::Export { format, image })
            }
            Action::Interrupt => {
                if Rc::make_mut(&mut self.terminal).interrupt() {
                    self.asks.push(crate::lab::terminal_host::Ask::Stop);
                }
            }
            Action::ClearTerminal => Rc::make_mut(&mut self.terminal).clear(),
        }
        self.dirty = true;
        self.changes = self.changes.wrapping_add(1);
    }

    /// Back to the start of the scenario (or of the lesson, with hints kept), forgetting the log
    /// and every branch.
    pub(crate) fn restart(&mut self) {
        let scenario = self.scenario.clone();
        let hints_shown = self.lesson.as_ref().map_or(0, |s| s.hints_shown);
        let lesson = self.lesson.as_ref().map(|s| s.lesson.clone());
        // The terminal's screen and history are the learner's notes: a new start keeps them.
        let mut terminal = std::mem::take(&mut self.terminal);
        let mut asks = std::mem::take(&mut self.asks);
        if Rc::make_mut(&mut terminal).interrupt() {
            asks.push(crate::lab::terminal_host::Ask::Stop);
        }
        let export = self.export.take();
        *self = Lab { notice: None, terminal, asks, export, ..Lab::new(&self.scenario_name, scenario) };
        if let Some(lesson) = lesson {
            let mut session = LessonSession::new(lesson, &self.world);
            session.hints_shown = hints_shown;
            self.lesson = Some(session);
        }
    }

    /// Runs `ticks` ticks, playing the scenario's timeline (and this branch's logged future) as
    /// it goes. Stops early, pausing, the moment a lesson's goal is met.
    pub(crate) fn run_ticks(&mut self, ticks: u64) {
        for _ in 0..ticks {
            if self.tick_once() {
                // Stop the clock on the moment of success, so the summary is read, not missed.
                self.playing = false;
                return;
            }
        }
    }

    /// Runs one tick; returns whether a lesson's goal was met by it for the first time.
    pub(crate) fn tick_once(&mut self) -> bool {
        self.apply_due_logged();
        self.playback.step(&mut self.world);
        let mut events = std::mem::take(&mut self.scratch_events);
        events.clear();
        events.extend(self.world.drain_events());
        Rc::make_mut(&mut self.timeline).record(&self.world);
        self.head_tick = self.head_tick.max(self.world.now());
        self.maybe_checkpoint();
        let mut just_passed = false;
        if let Some(session) = &mut self.lesson {
            let was_passed = session.progress.passed_at_tick.is_some();
            session.progress.observe(&session.lesson, &self.world, &events);
            just_passed = !was_passed && session.progress.passed_at_tick.is_some();
        }
        self.scratch_events = events;
        // A running watch asks what it prints now (one ask at a time).
        let follow = crate::lab::terminal_host::Ask::Follow;
        if self.terminal.watching && !self.asks.contains(&follow) {
            self.asks.push(follow);
        }
        just_passed
    }

    /// Gives the logged commands whose tick has come (a replayed branch, a shown solution).
    pub(crate) fn apply_due_logged(&mut self) {
        while let Some(entry) = self.log.get(self.next_logged).filter(|e| e.tick <= self.world.now()) {
            let command = entry.command.clone();
            self.next_logged += 1;
            // A refusal in a replayed log is shown as the notice, as it was the first time.
            let _ = self.apply(command);
        }
    }

    /// A command from the learner: refused if the lesson does not offer its controls; otherwise
    /// logged (forking a new branch when given in the past) and applied.
    fn command(&mut self, command: Command) -> Result<(), Refusal> {
        if let Some(session) = &self.lesson
            && !session.lesson.allows(&command)
        {
            let text = format!("this lesson does not offer the `{}` controls", Control::of(&command).name());
            self.notice = Some(text.clone());
            return Err(Refusal::NotOffered(text));
        }
        // Acting before this branch's furthest tick changes its future: that is a new branch.
        if self.world.now() < self.head_tick || self.next_logged < self.log.len() {
            self.fork();
        }
        self.log.push(TimedCommand { tick: self.world.now(), command: command.clone() });
        self.next_logged = self.log.len();
        self.apply(command).map_err(Refusal::Engine)
    }

    /// Applies a command (recording it as a lesson action), turning a refusal into the notice.
    fn apply(&mut self, command: Command) -> Result<(), lab_engine::CommandError> {
        if let Some(session) = &mut self.lesson {
            session.progress.record(&session.lesson, &self.world, &command);
        }
        match self.world.apply(command) {
            Ok(()) => {
                self.notice = None;
                Ok(())
            }
            Err(error) => {
                self.notice = Some(error.to_string());
                Err(error)
            }
        }
    }

    /// A line typed into the terminal: echoed, remembered, and sent to be answered.
    fn type_line(&mut self, line: &str) {
        use crate::lab::terminal::LineKind;
        let echoed: String = line.chars().take(300).filter(|c| !c.is_control()).collect();
        let terminal = Rc::make_mut(&mut self.terminal);
        terminal.print(&format!("$ {echoed}"), LineKind::Typed);
        terminal.remember(&echoed);
        if line.trim() == "clear" {
            terminal.clear();
            return;
        }
        if line.trim().is_empty() {
            return;
        }
        terminal.busy = true;
        self.asks.push(crate::lab::terminal_host::Ask::Run(line.to_owned()));
    }

    /// The terminal's answer: printed, and a line's commands given as the learner's own (logged,
    /// checked against the lesson, shared and graded alike).
    fn terminal_answer(&mut self, answer: crate::lab::terminal_host::Answer) {
        use crate::lab::terminal::LineKind;
        use crate::lab::terminal_host::Answer;
        let kind = |failed: bool| if failed { LineKind::Error } else { LineKind::Output };
        match answer {
            Answer::Text { text, failed, watching } => {
                Rc::make_mut(&mut self.terminal).busy = false;
                Rc::make_mut(&mut self.terminal).print(&text, kind(failed));
                if watching {
                    Rc::make_mut(&mut self.terminal).watching = true;
                    Rc::make_mut(&mut self.terminal).print(
                        "(watching: it prints again as the rollout moves; press Play to let time pass, Ctrl+C to stop)",
                        LineKind::Lab,
                    );
                }
            }
            Answer::Commands { commands, text, failed } => {
                Rc::make_mut(&mut self.terminal).busy = false;
                // A lesson that does not offer a command's controls refuses the whole line.
                if let Some(session) = &self.lesson
                    && let Some(refused) = commands.iter().find(|c| !session.lesson.allows(c))
                {
                    let group = Control::of(refused).name();
                    Rc::make_mut(&mut self.terminal).print(
                        &format!("lab: this lesson does not offer the `{group}` controls"),
                        LineKind::Lab,
                    );
                    return;
                }
                for command in commands {
                    if let Err(refusal) = self.command(command) {
                        // The world moved on since the line was read (the lab was playing).
                        let said = match refusal {
                            Refusal::NotOffered(text) => format!("lab: {text}"),
                            Refusal::Engine(error) => format!("error: {error}"),
                        };
                        Rc::make_mut(&mut self.terminal).print(&said, LineKind::Error);
                        return;
                    }
                }
                Rc::make_mut(&mut self.terminal).print(&text, kind(failed));
            }
            Answer::Completions { line, choices } => {
                Rc::make_mut(&mut self.terminal).completions = Some((line, choices))
            }
            Answer::Export { format, image, text } => self.export = Some(Rc::new((format, image, text))),
            Answer::Followed { text, done, failed } => {
                if !self.terminal.watching {
                    return;
                }
                if !text.is_empty() {
                    Rc::make_mut(&mut self.terminal).print(&text, kind(failed));
                }
                if done {
                    Rc::make_mut(&mut self.terminal).watching = false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::scenarios;
    use crate::platform::query::PageQuery;

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
        let mut spec = lab.world.supply_view().images[0].spec.clone();
        spec.app_version = "2.0.0".into();
        lab.reduce(Action::Build(spec.clone()));
        let built = lab.last_built.expect("build accepted");
        assert_eq!(built, spec.digest());
        lab.reduce(Action::Deploy(built));
        lab.reduce(Action::Advance(200));
        assert!(lab.world.is_settled());
        assert!(lab.world.fleet_view().live().all(|i| i.image == built));
    }

    #[test]
    fn a_refused_deploy_leaves_a_notice_and_the_fleet_alone() {
        let mut lab = lab();
        let running = lab.world.supply_view().images[0].digest;
        lab.reduce(Action::Deploy(running));
        assert!(lab.notice.as_deref().unwrap().contains("launch template already is"));
        assert!(lab.world.rollout_view().complete);
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
    fn a_refused_engine_command_becomes_the_notice() {
        let mut lab = lab();
        lab.reduce(Action::Command(Command::Approve { run: 9 }));
        assert_eq!(lab.notice.as_deref(), Some("there is no pipeline run 9"));
        lab.reduce(Action::Command(Command::SetNightlyRefresh { enabled: true }));
        assert!(lab.notice.is_none() && lab.world.supply_view().nightly_refresh);
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
    fn a_lesson_cannot_be_passed_after_its_last_tick_here_either() {
        let lesson = Rc::new(crate::platform::lessons::find("thirty-snowflakes").unwrap());
        let mut lab = Lab::for_lesson(lesson.clone());
        lab.reduce(Action::Advance(lesson.ticks_max as u32 + 5));
        let session = lab.lesson.as_ref().unwrap();
        assert!(session.progress.out_of_time(&lesson, &lab.world));
        // The solution given now would meet the goal, but too late to count (as `lab grade` says).
        for action in &lesson.solution {
            lab.reduce(Action::Command(action.command.clone()));
        }
        lab.reduce(Action::Advance(200));
        let progress = &lab.lesson.as_ref().unwrap().progress;
        assert!(progress.passed_at_tick.is_none());
        // And the session says why, in the grader's words.
        let refused = progress.refused.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(refused.contains("after the lesson's last tick (120)"), "{refused}");
    }

    #[test]
    fn an_empty_fleet_opens_plays_and_is_shown() {
        let text = scenarios::by_name("canary").unwrap();
        let mut scenario = Scenario::from_json(text).unwrap();
        scenario.fleet_size = 0;
        let mut lab = Lab::new("canary", scenario);
        lab.reduce(Action::Advance(40));
        assert!(lab.notice.is_none(), "{:?}", lab.notice);
        assert!(lab.world.rollout_view().complete);
        // Every picture and table of the lab can be drawn from it.
        let world = &lab.world;
        let _ = (crate::lab::view::revision_bars(world), crate::lab::view::rollout_steps(world));
        let _ = (crate::lab::view::canary_weights(world), crate::lab::view::table_rows(world));
        let traffic = crate::lab::traffic::Traffic::lanes_of(world);
        assert!(!crate::lab::traffic::summary(&traffic).is_empty());
    }

    #[test]
    fn speeds_outside_the_list_are_ignored() {
        let mut lab = lab();
        lab.reduce(Action::SetSpeed(32));
        lab.reduce(Action::SetSpeed(3));
        assert_eq!(lab.speed, 32);
    }
}
