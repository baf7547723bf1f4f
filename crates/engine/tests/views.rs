//! The views the shells read (`crates/engine/src/views/`) agree with the snapshot the trace
//! reports, tick by tick, on every built-in scenario; building them allocates nothing; an aborted
//! rollout shows its cause as data.

use lab_engine::strategy::CanaryStep;
use lab_engine::views::RolloutStep;
use lab_engine::{AbortCause, Lifecycle, Playback, Scenario, StateCounts, StrategySpec, World};

mod counting;
use counting::allocations;

const TICKS: u64 = 150;

fn scenario(name: &str) -> Scenario {
    Scenario::from_json(lab_engine::builtin::scenario(name).expect("a built-in scenario")).expect("it parses")
}

/// Checks every view against the snapshot of the same tick.
fn views_agree_with_the_snapshot(world: &World, name: &str) {
    let tick = world.now();
    let at = format!("{name} at tick {tick}");
    let snapshot = world.snapshot();

    let fleet = world.fleet_view();
    let mut counts = StateCounts::default();
    fleet.instances.iter().for_each(|instance| counts.add(instance.state));
    assert_eq!(counts, snapshot.instances, "{at}: instances");
    assert_eq!(fleet.replicas, snapshot.replicas, "{at}: replicas");
    assert!(fleet.live().all(|i| i.state.is_live()), "{at}: live instances");
    assert_eq!(
        fleet.live().count() as u32,
        counts.pending + counts.booting + counts.in_service,
        "{at}: live instances"
    );

    let rollout = world.rollout_view();
    let numbers: Vec<u32> = rollout.revisions.iter().map(|r| r.number).collect();
    let reported: Vec<u32> = snapshot.revisions.iter().map(|r| r.revision).collect();
    assert_eq!(numbers, reported, "{at}: revisions");
    assert_eq!(fleet.revisions, rollout.revisions, "{at}: one list of revisions");
    let target = snapshot.revisions.iter().find(|r| r.target).expect("a target");
    assert_eq!(
        (rollout.target.number, rollout.target.image),
        (target.revision, target.image),
        "{at}: target"
    );
    let weights: Vec<u32> = snapshot.traffic.iter().map(|t| t.weight).collect();
    assert_eq!(rollout.weights(), weights, "{at}: weights");
    assert_eq!(rollout.phase, snapshot.rollout.phase, "{at}: phase");
    assert_eq!(rollout.complete, snapshot.rollout_complete, "{at}: complete");
    assert_eq!(rollout.replicas, snapshot.replicas, "{at}: replicas");
    if let Some(step) = snapshot.rollout.step {
        assert_eq!(rollout.step_index, step, "{at}: current step");
    }
    if rollout.abort_cause.is_some() {
        assert!(rollout.aborted, "{at}: an abort cause without an abort");
    }

    let supply = world.supply_view();
    for (digest, _) in &snapshot.images {
        let position = supply.position(*digest).expect("a running image is in the registry");
        assert_eq!(supply.images[position].digest, *digest, "{at}: image position");
        assert_eq!(supply.image(*digest).map(|i| i.digest), Some(*digest), "{at}: image lookup");
    }
    let vulnerable: u32 = snapshot
        .images
        .iter()
        .filter(|(digest, _)| !supply.advisories_of(*digest).is_empty())
        .map(|(_, count)| count)
        .sum();
    assert_eq!(vulnerable, snapshot.vulnerable_instances, "{at}: vulnerable instances");

    let operations = world.operations_view();
    let live = fleet.live().count();
    let snowflakes = operations.snowflake_index() as usize;
    assert!(snowflakes <= live && (live == 0 || snowflakes >= 1), "{at}: snowflake index {snowflakes}");
    let drifted = fleet.live().filter(|i| operations.drift_report(i).is_some()).count();
    assert!(drifted <= fleet.live().filter(|i| i.observed.is_some()).count(), "{at}: drift reports");
}

#[test]
fn every_view_agrees_with_the_snapshot_on_every_built_in_scenario() {
    for name in lab_engine::builtin::scenario_names() {
        let scenario = scenario(name);
        let mut world = World::new(&scenario);
        let mut playback = Playback::new(&scenario);
        views_agree_with_the_snapshot(&world, name);
        while world.now() < TICKS {
            playback.step(&mut world);
            world.drain_events().for_each(drop);
            views_agree_with_the_snapshot(&world, name);
        }
    }
}

#[test]
fn building_the_views_allocates_nothing() {
    for name in lab_engine::builtin::scenario_names() {
        let scenario = scenario(name);
        let mut world = World::new(&scenario);
        let mut playback = Playback::new(&scenario);
        while world.now() < TICKS {
            playback.step(&mut world);
            world.drain_events().for_each(drop);
            let before = allocations();
            let (rollout, fleet, supply, operations) =
                (world.rollout_view(), world.fleet_view(), world.supply_view(), world.operations_view());
            let read = (rollout.target.number, rollout.phase, fleet.instances.len(), supply.images.len());
            let spent = allocations() - before;
            assert_eq!(spent, 0, "{name} at tick {}: {spent} allocations building the views", world.now());
            std::hint::black_box((read, operations.history.len(), rollout.abort_cause));
        }
    }
}

#[test]
fn the_steps_are_the_strategy_s_as_data() {
    let canary = scenario("canary-bad");
    let world = World::new(&canary);
    let StrategySpec::Canary(spec) = &canary.strategy else { panic!("a canary") };
    let steps = world.rollout_view().steps();
    assert_eq!(steps.len(), spec.steps.len());
    assert!(matches!(steps[0], RolloutStep::Canary(CanaryStep::SetWeight(20))));

    let refresh = scenario("instance-refresh");
    let world = World::new(&refresh);
    let StrategySpec::InstanceRefresh(spec) = &refresh.strategy else { panic!("an instance refresh") };
    let steps = world.rollout_view().steps();
    let checkpoints = spec.checkpoint_percentages.iter().filter(|&&percent| percent < 100).count();
    assert_eq!(steps.len(), checkpoints + 1);
    assert_eq!(steps.last(), Some(&RolloutStep::Finish { batch: spec.batch_size(refresh.fleet_size) }));

    let rolling = scenario("demo");
    assert!(matches!(rolling.strategy, StrategySpec::Rolling(_)));
    assert!(World::new(&rolling).rollout_view().steps().is_empty(), "a rolling update has no steps");
}

#[test]
fn an_aborted_canary_shows_its_cause_as_data() {
    let scenario = scenario("canary-bad");
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    while world.now() < TICKS && world.rollout_view().abort_cause.is_none() {
        playback.step(&mut world);
        world.drain_events().for_each(drop);
    }
    let rollout = world.rollout_view();
    assert!(rollout.aborted, "the buggy canary is aborted by tick {}", world.now());
    assert!(matches!(rollout.abort_cause, Some(AbortCause::Analysis { .. })), "{:?}", rollout.abort_cause);
    assert_eq!(rollout.phase.as_str(), "Degraded");
    assert!(world.fleet_view().instances.iter().any(|i| i.state != Lifecycle::Terminated));
}
