//! Playing a scenario's timeline into a world.

use crate::{Scenario, TimedCommand, World};

/// Feeds a scenario's commands to a world at their ticks.
#[derive(Clone, Debug)]
pub struct Playback {
    /// Sorted by tick; commands sharing a tick keep their file order.
    timeline: Vec<TimedCommand>,
    next: usize,
}

impl Playback {
    /// A playback of the scenario's timeline.
    pub fn new(scenario: &Scenario) -> Self {
        let mut timeline = scenario.timeline.clone();
        timeline.sort_by_key(|c| c.tick);
        Self { timeline, next: 0 }
    }

    /// Applies the commands due at the world's current tick, then runs that tick. Refused commands
    /// show up as `CommandRejected` events; they do not stop the run. Returns the tick that ran.
    pub fn step(&mut self, world: &mut World) -> u64 {
        while let Some(scheduled) = self.timeline.get(self.next) {
            if scheduled.tick > world.now() {
                break;
            }
            if scheduled.tick == world.now() {
                // A refusal is already recorded as an event; the scenario goes on like a real operator would.
                let _ = world.apply(scheduled.command.clone());
            }
            self.next += 1;
        }
        world.step()
    }

    /// Whether every command has been applied.
    pub fn is_done(&self) -> bool {
        self.next >= self.timeline.len()
    }
}
