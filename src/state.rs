//! The lab's state and the actions that change it. Pure: no browser calls, so it is tested natively.
//! The world changes every tick, so the state is mutated in place rather than cloned per action.

use lab_engine::{Command, Digest, ImageRef, ImageSpec, Playback, Scenario, World};

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
}

impl Lab {
    /// The lab a URL asks for; problems in the URL become a notice, never a failure.
    pub fn from_query(query: &PageQuery) -> Self {
        let mut problems = query.problems.clone();
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
            Action::Reset => {
                let scenario = self.scenario.clone();
                *self = Lab { notice: None, ..Lab::new(&self.scenario_name, scenario) };
            }
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
        }
        self.dirty = true;
    }

    /// Runs `ticks` ticks, playing the scenario's timeline as it goes.
    fn run_ticks(&mut self, ticks: u64) {
        for _ in 0..ticks {
            self.playback.step(&mut self.world);
            // Fleet-level events live on in the world's history; per-instance ones are not needed here.
            self.world.drain_events().for_each(drop);
            std::rc::Rc::make_mut(&mut self.timeline).record(&self.world);
        }
    }

    /// Applies a command, turning a refusal into the notice. Returns whether it was accepted.
    fn command(&mut self, command: Command) -> bool {
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
    fn speeds_outside_the_list_are_ignored() {
        let mut lab = lab();
        lab.reduce(Action::SetSpeed(32));
        lab.reduce(Action::SetSpeed(3));
        assert_eq!(lab.speed, 32);
    }
}
