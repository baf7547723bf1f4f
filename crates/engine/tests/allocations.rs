//! A tick allocates nothing once warm: the invariant ARCHITECTURE.md states, proven with a counting
//! allocator over warmed-up runs of the shapes the lab runs most — a busy rolling fleet, a canary
//! with analysis, a blue-green, a drifted mutable fleet. Only `World::step` and draining its events
//! are counted; the commands that start each rollout are not ticks.

use lab_engine::{Command, ImageRef, Scenario, World};

mod counting;
use counting::allocations;

/// Runs `warm_ticks`, then `ticks` more, deploying the other of two images whenever a rollout
/// completes; returns the ticks (after warming) that allocated, with how many allocations.
fn allocating_ticks(scenario: &Scenario, warm_ticks: u64, ticks: u64) -> Vec<(u64, u64)> {
    let mut world = World::new(scenario);
    let mut next = scenario.image.clone();
    next.app_version = "9.9.9".into();
    let mut images = [scenario.image.digest(), next.digest()];
    world.apply(Command::BuildImage(next)).unwrap();
    images.swap(0, 1);
    let mut found = Vec::new();
    for tick in 0..warm_ticks + ticks {
        if world.rollout_complete() {
            world.apply(Command::Deploy { image: ImageRef::digest(images[0]) }).unwrap();
            images.swap(0, 1);
        }
        let before = allocations();
        world.step();
        world.drain_events().for_each(drop);
        let spent = allocations() - before;
        if tick >= warm_ticks && spent > 0 {
            found.push((tick, spent));
        }
    }
    found
}

fn scenario(fleet: u32, strategy: &str, extra: &str) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"seed": 7, "fleet_size": {fleet}, "pull_ticks": 1, "boot_ticks": 1, "drain_ticks": 1,
            "image": {{"base": "ubuntu-22.04", "app_version": "1.0.0"}},
            "strategy": {strategy}{extra}}}"#
    ))
    .unwrap()
}

#[test]
fn a_busy_rolling_fleet_allocates_nothing_per_tick() {
    let scenario =
        scenario(2_000, r#"{"type": "rolling", "max_surge": "25%", "max_unavailable": "25%"}"#, "");
    assert_eq!(allocating_ticks(&scenario, 300, 300), []);
}

#[test]
fn a_canary_with_analysis_allocates_nothing_per_tick() {
    let canary = r#"{"type": "canary", "steps": [{"set_weight": 20},
        {"analysis": {"error_rate_max_percent": 5, "interval_ticks": 2, "count": 3}},
        {"set_weight": 60}, {"pause": {"duration_ticks": 4}}]}"#;
    assert_eq!(allocating_ticks(&scenario(200, canary, ""), 300, 300), []);
}

#[test]
fn a_blue_green_allocates_nothing_per_tick() {
    let blue_green = r#"{"type": "blue_green", "auto_promotion_ticks": 3, "scale_down_delay_ticks": 2}"#;
    assert_eq!(allocating_ticks(&scenario(200, blue_green, ""), 300, 300), []);
}

#[test]
fn a_drifted_mutable_fleet_allocates_nothing_per_tick() {
    // Hand changes on half the fleet before anything runs: the drift every later tick carries.
    let mut world_scenario = scenario(100, r#"{"type": "rolling"}"#, r#", "mode": "mutable""#);
    world_scenario.timeline = (1..=50)
        .map(|id| lab_engine::TimedCommand {
            tick: 0,
            command: Command::Ssh {
                instances: vec![id],
                actor: "ops".into(),
                change: lab_engine::drift::DriftChange::AddCron {
                    line: format!("0 {} * * * backup", id % 24),
                },
                break_glass: false,
            },
        })
        .collect();
    let mut world = World::new(&world_scenario);
    let mut playback = lab_engine::Playback::new(&world_scenario);
    for _ in 0..50 {
        playback.step(&mut world);
        world.drain_events().for_each(drop);
    }
    let mut found = Vec::new();
    for tick in 0..300 {
        let before = allocations();
        world.step();
        world.drain_events().for_each(drop);
        let spent = allocations() - before;
        if spent > 0 {
            found.push((tick, spent));
        }
    }
    assert_eq!(found, []);
}
