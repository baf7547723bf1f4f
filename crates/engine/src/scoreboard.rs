//! The strategy scoreboard: one scenario run once per strategy, from the same seed and the same
//! commands, and measured the way an operator would judge a release.

use serde::Serialize;

use crate::{Event, Lifecycle, Playback, Scenario, StrategySpec, World};

/// A run stops here if it never settles.
const TICKS_MAX: u64 = 1_000;

/// How one strategy did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Score {
    /// The strategy's name.
    pub strategy: &'static str,
    /// Ticks from the first rollout to its end (complete, or settled back after an abort).
    pub duration_ticks: Option<u64>,
    /// The fewest instances in service at any tick after the rollout began.
    pub min_available: u32,
    /// Ticks with nothing in service.
    pub downtime_ticks: u64,
    /// Requests that failed.
    pub failed_requests: u64,
    /// The most instances running at once (what the rollout costs).
    pub peak_instances: u32,
    /// Ticks from the rollout's start until it was aborted (a bad version detected), if it was.
    pub detect_ticks: Option<u64>,
    /// Ticks from the abort until every instance ran the stable version again.
    pub rollback_ticks: Option<u64>,
    /// Requests served by a faulty version.
    pub blast_radius: u64,
}

/// The strategies the scoreboard compares: the strategy catalogue (one of each kind with
/// representative settings), with the scenario's own strategy in place of its kind's.
pub fn contenders(scenario: &Scenario) -> Vec<StrategySpec> {
    let mut all = StrategySpec::catalogue();
    all[scenario.strategy.kind_index()] = scenario.strategy.clone();
    all.into()
}

/// Runs the scenario once per strategy.
pub fn scoreboard(scenario: &Scenario) -> Vec<Score> {
    contenders(scenario).into_iter().map(|strategy| score(scenario, strategy)).collect()
}

fn score(scenario: &Scenario, strategy: StrategySpec) -> Score {
    let mut run = scenario.clone();
    run.strategy = strategy;
    let mut world = World::new(&run);
    let mut playback = Playback::new(&run);
    let name = world.strategy().strategy().name();
    let (mut started, mut aborted, mut ended) = (None, None, None);
    let (mut min_available, mut downtime_ticks, mut peak_instances) = (u32::MAX, 0, 0);
    while world.now() < TICKS_MAX && !(playback.is_done() && world.is_settled() && started.is_some()) {
        let tick = playback.step(&mut world);
        for event in world.drain_events() {
            match event {
                Event::RolloutStarted { .. } => {
                    started.get_or_insert(tick);
                }
                Event::RolloutAborted { .. } => {
                    aborted.get_or_insert(tick);
                }
                _ => {}
            }
        }
        let live = world.instances().iter().filter(|i| i.state != Lifecycle::Terminated).count() as u32;
        peak_instances = peak_instances.max(live);
        if started.is_some() {
            let in_service: u32 = world.revisions().iter().map(|r| r.available).sum();
            min_available = min_available.min(in_service);
            downtime_ticks += u64::from(in_service == 0);
        }
        let back_on_stable = aborted.is_some()
            && world.instances().iter().filter(|i| i.state.is_live()).all(|i| {
                Some(i.revision) == world.rollout_status().stable && i.state == Lifecycle::InService
            });
        if ended.is_none() && started.is_some() && (world.rollout_complete() || back_on_stable) {
            ended = Some(tick);
        }
        if aborted.is_some() && back_on_stable && playback.is_done() {
            break;
        }
    }
    let service = world.service_stats();
    Score {
        strategy: name,
        duration_ticks: started.zip(ended).map(|(s, e)| e - s),
        min_available: if min_available == u32::MAX { 0 } else { min_available },
        downtime_ticks,
        failed_requests: service.failed_requests,
        peak_instances,
        detect_ticks: started.zip(aborted).map(|(s, a)| a - s),
        rollback_ticks: aborted.zip(ended).map(|(a, e)| e.saturating_sub(a)),
        blast_radius: service.faulty_requests,
    }
}
