//! Every number a scenario, a strategy or a command carries has an upper bound, and a value that
//! slipped past validation (a world built in code) never overflows a tick into "at once" or
//! panics.

use lab_engine::strategy::{BlueGreen, CanaryStep, IntOrPercent, RollingUpdate};
use lab_engine::{Command, Event, Playback, Scenario, StrategySpec, World};

const BASE: &str = r#""seed": 1, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {"base": "ubuntu-22.04", "app_version": "1"}"#;

/// A scenario with v2 built and deployed at tick 0; `extra` adds fields (starting with a comma).
fn text(extra: &str) -> String {
    format!(
        r#"{{{BASE}{extra},
      "timeline": [
        {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"}}}}}},
        {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}
      ]}}"#
    )
}

/// A world running `strategy` straight from code (no validation), v2 deployed at tick 0.
fn world_with(strategy: StrategySpec, tweak: impl FnOnce(&mut Scenario)) -> (World, Playback) {
    let mut scenario = Scenario::from_json(&text("")).unwrap();
    scenario.strategy = strategy;
    tweak(&mut scenario);
    (World::new(&scenario), Playback::new(&scenario))
}

fn run(world: &mut World, playback: &mut Playback, ticks: u64) -> Vec<Event> {
    let mut events = Vec::new();
    for _ in 0..ticks {
        playback.step(world);
        world.check_invariants().unwrap();
        events.extend(world.drain_events());
    }
    events
}

fn canary(json: &str) -> StrategySpec {
    lab_engine::parse_json(json).unwrap()
}

#[test]
fn a_canary_pause_of_u64_max_ticks_neither_panics_nor_ends_at_once() {
    let StrategySpec::Canary(mut spec) =
        canary(r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {"duration_ticks": 1}}]}"#)
    else {
        unreachable!()
    };
    spec.steps[1] = CanaryStep::Pause { duration_ticks: Some(u64::MAX) };
    let (mut world, mut playback) = world_with(StrategySpec::Canary(spec), |_| {});
    run(&mut world, &mut playback, 40);
    assert_eq!(world.rollout_status().step_index, 1, "still at the pause");
    assert!(!world.rollout_complete());
}

#[test]
fn traffic_routed_canary_delays_of_u64_max_keep_the_old_revision() {
    let StrategySpec::Canary(mut spec) =
        canary(r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 50}]}"#)
    else {
        unreachable!()
    };
    spec.scale_down_delay_ticks = u64::MAX;
    spec.abort_scale_down_delay_ticks = u64::MAX;
    let (mut world, mut playback) = world_with(StrategySpec::Canary(spec.clone()), |_| {});
    run(&mut world, &mut playback, 40);
    assert_eq!(world.revisions()[0].desired, 4, "the old stable revision waits out its delay");

    let (mut world, mut playback) = world_with(StrategySpec::Canary(spec), |_| {});
    run(&mut world, &mut playback, 3);
    world.apply(Command::AbortRollout).unwrap();
    run(&mut world, &mut playback, 40);
    assert!(world.revisions()[1].desired > 0, "the aborted canary waits out its delay");
}

#[test]
fn blue_green_delays_of_u64_max_neither_panic_nor_end_at_once() {
    let keep = BlueGreen { scale_down_delay_ticks: u64::MAX, ..BlueGreen::default() };
    let (mut world, mut playback) = world_with(StrategySpec::BlueGreen(keep), |_| {});
    run(&mut world, &mut playback, 40);
    assert_eq!(world.rollout_status().stable, Some(2), "promoted");
    assert_eq!(world.revisions()[0].desired, 4, "the old revision waits out its scale-down delay");

    let wait = BlueGreen { auto_promotion_ticks: Some(u64::MAX), ..BlueGreen::default() };
    let (mut world, mut playback) = world_with(StrategySpec::BlueGreen(wait), |_| {});
    run(&mut world, &mut playback, 40);
    assert_eq!(world.rollout_status().stable, Some(1), "auto-promotion waits");

    let abort = BlueGreen {
        auto_promotion_enabled: false,
        abort_scale_down_delay_ticks: u64::MAX,
        ..BlueGreen::default()
    };
    let (mut world, mut playback) = world_with(StrategySpec::BlueGreen(abort), |_| {});
    run(&mut world, &mut playback, 5);
    world.apply(Command::AbortRollout).unwrap();
    run(&mut world, &mut playback, 40);
    assert_eq!(world.revisions()[1].desired, 4, "the aborted preview waits out its delay");
}

#[test]
fn instance_refresh_waits_of_u64_max_neither_panic_nor_end_at_once() {
    let refresh = |json: &str| {
        let StrategySpec::InstanceRefresh(spec) = lab_engine::parse_json(json).unwrap() else {
            unreachable!()
        };
        spec
    };
    let mut warm = refresh(r#"{"type": "instance_refresh", "warmup_ticks": 1}"#);
    warm.warmup_ticks = u64::MAX;
    let (mut world, mut playback) = world_with(StrategySpec::InstanceRefresh(warm), |_| {});
    run(&mut world, &mut playback, 40);
    assert_eq!(world.revisions()[1].desired, 1, "the first batch is still warming up");

    let mut checkpoint = refresh(
        r#"{"type": "instance_refresh", "checkpoint_percentages": [25, 100], "checkpoint_delay_ticks": 1}"#,
    );
    checkpoint.checkpoint_delay_ticks = u64::MAX;
    let (mut world, mut playback) = world_with(StrategySpec::InstanceRefresh(checkpoint), |_| {});
    run(&mut world, &mut playback, 40);
    assert_eq!(world.revisions()[1].desired, 1, "waiting at the 25% checkpoint");

    let mut timeout = refresh(r#"{"type": "instance_refresh", "health_check_timeout_ticks": 1}"#);
    timeout.health_check_timeout_ticks = u64::MAX;
    let (mut world, mut playback) = world_with(StrategySpec::InstanceRefresh(timeout), |scenario| {
        scenario.timeline[0].command = Command::BuildImage({
            let mut spec = lab_engine::ImageSpec::new("ubuntu-22.04", "2");
            spec.broken = true;
            spec
        });
    });
    run(&mut world, &mut playback, 40);
    assert!(!world.rollout_status().aborted, "the batch has not timed out");
}

#[test]
fn a_progress_deadline_of_u64_max_never_passes() {
    let (mut world, mut playback) = world_with(StrategySpec::default(), |scenario| {
        scenario.progress_deadline_ticks = u64::MAX;
        // From tick 5, so the deadline is counted from a tick other than 0.
        for entry in &mut scenario.timeline {
            entry.tick = 5;
        }
        scenario.timeline[0].command = Command::BuildImage({
            let mut spec = lab_engine::ImageSpec::new("ubuntu-22.04", "2");
            spec.broken = true;
            spec
        });
    });
    let events = run(&mut world, &mut playback, 40);
    assert!(!events.iter().any(|e| matches!(e, Event::RolloutStalled { .. })));
}

#[test]
fn a_max_surge_of_u32_max_in_code_still_completes() {
    let huge =
        RollingUpdate { max_surge: IntOrPercent::Int(u32::MAX), max_unavailable: IntOrPercent::Int(0) };
    let (mut world, mut playback) = world_with(StrategySpec::Rolling(huge), |_| {});
    run(&mut world, &mut playback, 10);
    assert!(world.rollout_complete());
    let canary = lab_engine::strategy::Canary {
        max_surge: IntOrPercent::Int(u32::MAX),
        ..match canary(r#"{"type": "canary"}"#) {
            StrategySpec::Canary(canary) => canary,
            _ => unreachable!(),
        }
    };
    let (mut world, mut playback) = world_with(StrategySpec::Canary(canary), |_| {});
    run(&mut world, &mut playback, 10);
    assert!(world.rollout_complete());
}
