//! Twin fleets in the browser: one scenario, run as a mutable and an immutable fleet on the same
//! seed, with every command the learner gives applied to both.

use lab_engine::compare::MetricsRow;
use lab_engine::{Command, FleetMode, Scenario};

use crate::lab::animated::Animated;
use crate::lab::state::{Action, Lab, SPEEDS};

/// Metric rows kept per fleet for the charts.
const ROWS_MAX: usize = 2_000;

/// Both fleets and their metrics over time.
pub struct CompareLab {
    /// [mutable, immutable].
    pub labs: [Lab; 2],
    /// One row per tick run, per fleet.
    pub rows: [Vec<MetricsRow>; 2],
    /// Whether ticks advance on their own.
    pub playing: bool,
    /// One of [`SPEEDS`].
    pub speed: u32,
    /// The latest refusal, from either fleet.
    pub notice: Option<String>,
    dirty: bool,
    scenario: Scenario,
    name: String,
}

impl CompareLab {
    /// Both fleets at tick 0.
    pub fn new(name: &str, scenario: Scenario) -> Self {
        let twin = |mode| {
            let mut twin = scenario.clone();
            twin.mode = mode;
            Lab::new(name, twin)
        };
        let labs = [twin(FleetMode::Mutable), twin(FleetMode::Immutable)];
        let rows = [vec![MetricsRow::of(&labs[0].world)], vec![MetricsRow::of(&labs[1].world)]];
        CompareLab {
            labs,
            rows,
            playing: false,
            speed: 4,
            notice: None,
            dirty: true,
            scenario,
            name: name.to_owned(),
        }
    }

    /// The scenario's title.
    pub fn title(&self) -> &str {
        self.labs[0].title()
    }

    /// Applies an action to both fleets.
    pub fn reduce(&mut self, action: Action) {
        match action {
            Action::TogglePlay => self.playing = !self.playing,
            Action::Step => {
                self.playing = false;
                self.run_ticks(1);
            }
            Action::Reset => *self = CompareLab::new(&self.name, self.scenario.clone()),
            Action::SetSpeed(speed) if SPEEDS.contains(&speed) => self.speed = speed,
            Action::Advance(ticks) => self.run_ticks(ticks),
            Action::Command(command) => self.command(command),
            _ => {}
        }
        self.dirty = true;
    }

    fn command(&mut self, command: Command) {
        let mut refusals = Vec::new();
        for lab in &mut self.labs {
            let command = match &command {
                // "Server 3" means the third server of each fleet: after replacements the two fleets'
                // instance ids differ, but their servers still line up by position.
                Command::Ssh { instances, actor, change, break_glass } => Command::Ssh {
                    instances: instances.iter().map(|n| server_id(&lab.world, *n)).collect(),
                    actor: actor.clone(),
                    change: change.clone(),
                    break_glass: *break_glass,
                },
                other => other.clone(),
            };
            lab.reduce(Action::Command(command));
            if let Some(notice) = lab.notice.take() {
                refusals.push(notice);
            }
        }
        self.notice = refusals.into_iter().next();
    }

    fn run_ticks(&mut self, ticks: u32) {
        for _ in 0..ticks {
            for (lab, rows) in self.labs.iter_mut().zip(self.rows.iter_mut()) {
                lab.reduce(Action::Advance(1));
                if rows.len() == ROWS_MAX {
                    rows.remove(0);
                }
                rows.push(MetricsRow::of(&lab.world));
            }
        }
    }
}

/// The id of the `position`-th live server (1-based, by id); an out-of-range position is passed
/// through so the world refuses it with its own message.
fn server_id(world: &lab_engine::World, position: u32) -> u32 {
    let mut live = world.fleet_view().live();
    position.checked_sub(1).and_then(|skip| live.nth(skip as usize)).map_or(position, |i| i.id.0)
}

impl Animated for CompareLab {
    fn tick_ms(&self) -> f64 {
        crate::lab::state::tick_ms_at(self.speed)
    }

    fn playing(&self) -> bool {
        self.playing
    }

    fn advance(&mut self, ticks: u32) {
        self.reduce(Action::Advance(ticks));
    }

    fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    fn lab(&self, index: usize) -> Option<&Lab> {
        self.labs.get(index)
    }
}

/// The story so far in one line, above the two fleets: what to watch for before anything has
/// happened, how far the fleets have drifted apart, and once a patch went out, how many servers
/// it reached on each side.
pub fn verdict(mutable: &MetricsRow, immutable: &MetricsRow) -> String {
    let patched = |row: &MetricsRow| format!("{}/{}", row.patches_succeeded, row.patches_attempted);
    if mutable.patches_attempted > 0 || immutable.patches_attempted > 0 {
        format!(
            "Patched: mutable {} · immutable {} · configurations: mutable {}, immutable {}",
            patched(mutable),
            patched(immutable),
            mutable.snowflake_index,
            immutable.snowflake_index
        )
    } else if mutable.snowflake_index > 1 || mutable.drifted_instances > 0 {
        format!(
            "Drifting apart: the mutable fleet now has {} configurations, the immutable one {}",
            mutable.snowflake_index, immutable.snowflake_index
        )
    } else {
        "Press Play: people change the left fleet's servers by hand, then one patch goes out to both fleets"
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_verdict_follows_the_story() {
        use super::verdict;
        use lab_engine::compare::MetricsRow;
        let calm = MetricsRow { snowflake_index: 1, ..MetricsRow::default() };
        assert!(verdict(&calm, &calm).starts_with("Press Play"));
        let drifted = MetricsRow { snowflake_index: 4, drifted_instances: 9, ..calm };
        assert_eq!(
            verdict(&drifted, &calm),
            "Drifting apart: the mutable fleet now has 4 configurations, the immutable one 1"
        );
        let mutable = MetricsRow { patches_attempted: 30, patches_succeeded: 28, ..drifted };
        let immutable = MetricsRow { patches_attempted: 30, patches_succeeded: 30, ..calm };
        assert_eq!(
            verdict(&mutable, &immutable),
            "Patched: mutable 28/30 · immutable 30/30 · configurations: mutable 4, immutable 1"
        );
    }

    use super::*;
    use lab_engine::drift::DriftChange;

    fn seed_004() -> CompareLab {
        let text = crate::lab::scenarios::by_name("seed-004").unwrap();
        CompareLab::new("seed-004", Scenario::from_json(text).unwrap())
    }

    #[test]
    fn the_seed_story_plays_out_differently_on_the_same_commands() {
        let mut lab = seed_004();
        lab.reduce(Action::Advance(60));
        let [mutable, immutable] = [lab.rows[0].last().unwrap(), lab.rows[1].last().unwrap()];
        assert_eq!((mutable.patches_succeeded, mutable.patches_attempted), (28, 30));
        assert_eq!((immutable.patches_succeeded, immutable.patches_attempted), (30, 30));
        assert!(mutable.snowflake_index > 1 && immutable.snowflake_index == 1);
    }

    #[test]
    fn a_server_number_means_the_same_position_in_both_fleets() {
        let mut lab = seed_004();
        lab.reduce(Action::Advance(60));
        lab.reduce(Action::Command(Command::Ssh {
            instances: vec![3],
            actor: "learner".into(),
            change: DriftChange::AddCron { line: "@daily backup".into() },
            break_glass: true,
        }));
        assert_eq!(lab.notice, None, "both fleets have a third server, whatever its id");
    }

    #[test]
    fn a_learner_command_reaches_both_fleets() {
        let mut lab = seed_004();
        lab.reduce(Action::Command(Command::Ssh {
            instances: vec![3],
            actor: "learner".into(),
            change: DriftChange::AddCron { line: "@daily backup".into() },
            break_glass: false,
        }));
        lab.reduce(Action::Step);
        let by_learner = |index: usize| {
            lab.labs[index]
                .world
                .operations_view()
                .audit_log()
                .filter(|entry| entry.actor == "learner")
                .cloned()
                .collect::<Vec<_>>()
        };
        let (mutable, immutable) = (by_learner(0), by_learner(1));
        assert_eq!((mutable.len(), immutable.len()), (1, 1));
        assert!(!mutable[0].refused && immutable[0].refused);
    }
}
