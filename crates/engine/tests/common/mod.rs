//! The one driver for scenario tests: a scenario (JSON, a `Scenario`, or the shared v1 → v2
//! rollout) played tick by tick through `Playback`, the world's invariants checked after every
//! tick, and each tick turned into a row by a function the test chooses (`rows` holds the formats
//! the tests use), with the tick's events kept beside the rows. A refused command fails the run
//! unless the test allows refusals.
//!
//! ```ignore
//! let mut lab = Driver::rollout(4, r#"{"type": "blue_green"}"#, "");
//! let run = lab.rows(6, rows::weights);
//! assert_eq!(run.rows[1], "1: r1 4/4@0 r2 4/4@100");
//! assert!(run.any(|e| matches!(e, Event::RolloutPromoted { revision: 2 })));
//! lab.world.apply(Command::AbortRollout).unwrap(); // between runs, the world is the test's
//! ```

// Each test file uses the parts it needs.
#![allow(dead_code)]

pub mod rows;
pub mod tables;

use lab_engine::{Command, Event, Playback, Scenario, World};

/// A world, the playback of its scenario's timeline, and the commands the test adds at given ticks.
pub struct Driver {
    /// The world under test; between runs a test reads it and applies commands to it directly.
    pub world: World,
    playback: Playback,
    /// Applied (and required to succeed) just before the tick they name runs.
    commands: Vec<(u64, Command)>,
    refusals_allowed: bool,
}

/// What a run of ticks gave: one row per tick, and every event with the tick that emitted it.
#[derive(Debug)]
pub struct Run<R = ()> {
    pub rows: Vec<R>,
    pub events: Vec<(u64, Event)>,
}

impl Driver {
    /// A world at tick 0 of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        Self {
            world: World::new(scenario),
            playback: Playback::new(scenario),
            commands: Vec::new(),
            refusals_allowed: false,
        }
    }

    /// A world at tick 0 of the scenario in `text` (JSON), which must parse.
    pub fn from_json(text: &str) -> Self {
        Self::new(&Scenario::from_json(text).unwrap_or_else(|error| panic!("{error}")))
    }

    /// The rollout the strategy tests share: `fleet` instances on v1 under `strategy` (JSON), and
    /// v2 built and deployed at tick 0, its image spec given `v2_extra` (JSON fields starting with
    /// a comma, such as `, "broken": true`). R = 1 and G = 0, the conventions of docs/semantics.md.
    pub fn rollout(fleet: u32, strategy: &str, v2_extra: &str) -> Self {
        Self::from_json(&format!(
            r#"{{
      "seed": 1, "fleet_size": {fleet}, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
      "strategy": {strategy},
      "timeline": [
        {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"{v2_extra}}}}}}},
        {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}
      ]
    }}"#
        ))
    }

    /// Also applies `command` just before tick `tick` runs (before the timeline's commands of that
    /// tick, as a person acting at that tick would); it must be accepted.
    pub fn at(mut self, tick: u64, command: Command) -> Self {
        self.commands.push((tick, command));
        self
    }

    /// Lets commands be refused. Without this a `CommandRejected` event fails the run at its tick:
    /// a scenario test means every command it gives, and a test of a refusal reads the error
    /// `World::apply` returns.
    pub fn allowing_refusals(mut self) -> Self {
        self.refusals_allowed = true;
        self
    }

    /// Runs `ticks` ticks and returns their events.
    pub fn run(&mut self, ticks: u64) -> Run {
        self.rows(ticks, |_, _| ())
    }

    /// Runs `ticks` ticks, one row per tick made by `row` from the world after the tick and the
    /// tick's number.
    pub fn rows<R>(&mut self, ticks: u64, row: impl FnMut(&World, u64) -> R) -> Run<R> {
        self.drive(ticks, |_| false, row)
    }

    /// Runs ticks until `done` holds after one (at least one tick, at most `limit`), and returns
    /// their events; fails if `limit` ticks pass first.
    pub fn run_until(&mut self, limit: u64, done: impl Fn(&World) -> bool) -> Run {
        self.rows_until(limit, done, |_, _| ())
    }

    /// Like `run_until`, with one row per tick made by `row`.
    pub fn rows_until<R>(
        &mut self,
        limit: u64,
        done: impl Fn(&World) -> bool,
        row: impl FnMut(&World, u64) -> R,
    ) -> Run<R> {
        let run = self.drive(limit, |driver| done(&driver.world), row);
        assert!(done(&self.world), "not done after {limit} ticks");
        run
    }

    /// Runs until the timeline has been played and the fleet is settled (at most `limit` ticks).
    pub fn run_to_end(&mut self, limit: u64) -> Run {
        let end = |driver: &Self| driver.playback.is_done() && driver.world.is_settled();
        let run = self.drive(limit, end, |_, _| ());
        assert!(end(self), "the scenario did not settle within {limit} ticks");
        run
    }

    fn drive<R>(
        &mut self,
        ticks: u64,
        mut stop: impl FnMut(&Self) -> bool,
        mut row: impl FnMut(&World, u64) -> R,
    ) -> Run<R> {
        let mut run = Run { rows: Vec::new(), events: Vec::new() };
        for _ in 0..ticks {
            let now = self.world.now();
            for (_, command) in self.commands.iter().filter(|(tick, _)| *tick == now) {
                let applied = self.world.apply(command.clone());
                applied.unwrap_or_else(|error| panic!("tick {now}: {command:?} was refused: {error}"));
            }
            let tick = self.playback.step(&mut self.world);
            self.world.check_invariants().unwrap_or_else(|broken| panic!("tick {tick}: {broken}"));
            for event in self.world.drain_events() {
                if let Event::CommandRejected { error } = &event {
                    assert!(self.refusals_allowed, "tick {tick}: a command was refused: {error}");
                }
                run.events.push((tick, event));
            }
            run.rows.push(row(&self.world, tick));
            if stop(self) {
                break;
            }
        }
        run
    }
}

impl<R> Run<R> {
    /// Whether any event is one `is` picks.
    pub fn any(&self, is: impl Fn(&Event) -> bool) -> bool {
        self.events.iter().any(|(_, event)| is(event))
    }

    /// How many events `is` picks.
    pub fn count(&self, is: impl Fn(&Event) -> bool) -> usize {
        self.events.iter().filter(|(_, event)| is(event)).count()
    }

    /// The ticks of the events `is` picks, in order.
    pub fn ticks_of(&self, is: impl Fn(&Event) -> bool) -> Vec<u64> {
        self.events.iter().filter(|(_, event)| is(event)).map(|(tick, _)| *tick).collect()
    }

    /// The first event `pick` reads something from, with its tick.
    pub fn first<T>(&self, pick: impl Fn(&Event) -> Option<T>) -> Option<(u64, T)> {
        self.events.iter().find_map(|(tick, event)| pick(event).map(|found| (*tick, found)))
    }

    /// The first abort's cause in words, with its tick.
    pub fn abort_cause(&self) -> Option<(u64, String)> {
        self.first(|event| match event {
            Event::RolloutAborted { cause } => Some(cause.to_string()),
            _ => None,
        })
    }
}
