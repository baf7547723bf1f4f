//! Argo Rollouts blue-green, tick by tick: preview, promotion, the scale-down delay, abort.

use lab_engine::{Command, Event, Playback, Scenario, World};

/// Four instances on v1, blue-green with `params`, v2 deployed at tick 0; R = 1, G = 0.
fn blue_green(params: &str) -> (World, Playback) {
    let text = format!(
        r#"{{
      "seed": 1, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
      "strategy": {{"type": "blue_green"{params}}},
      "timeline": [
        {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"}}}}}},
        {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}
      ]
    }}"#
    );
    let scenario = Scenario::from_json(&text).unwrap_or_else(|error| panic!("{error}"));
    (World::new(&scenario), Playback::new(&scenario))
}

/// `tick: desired/available@weight` per revision.
fn row(world: &World, tick: u64) -> String {
    let snapshot = world.snapshot();
    let cells: Vec<String> = snapshot
        .revisions
        .iter()
        .zip(&snapshot.traffic)
        .map(|(r, t)| format!("r{} {}/{}@{}", r.revision, r.desired, r.available, t.weight))
        .collect();
    format!("{tick}: {}", cells.join(" "))
}

fn run(world: &mut World, playback: &mut Playback, ticks: u64) -> (Vec<String>, Vec<(u64, Event)>) {
    let mut rows = Vec::new();
    let mut events = Vec::new();
    for _ in 0..ticks {
        let tick = playback.step(world);
        world.check_invariants().unwrap();
        events.extend(world.drain_events().map(|e| (tick, e)));
        rows.push(row(world, tick));
    }
    (rows, events)
}

#[test]
fn auto_promotion_switches_all_traffic_at_once_and_keeps_the_old_revision_for_the_delay() {
    let (mut world, mut playback) = blue_green(r#", "scale_down_delay_ticks": 3"#);
    let (rows, events) = run(&mut world, &mut playback, 6);
    assert_eq!(
        rows,
        [
            "0: r1 4/4@100 r2 4/0@0",
            "1: r1 4/4@0 r2 4/4@100",
            "2: r1 4/4@0 r2 4/4@100",
            "3: r1 4/4@0 r2 4/4@100",
            "4: r1 0/0@0 r2 4/4@100",
            "5: r1 0/0@0 r2 4/4@100",
        ]
    );
    assert!(events.contains(&(1, Event::RolloutPromoted { revision: 2 })));
    assert!(events.iter().any(|(tick, e)| *tick == 4 && matches!(e, Event::RolloutComplete { .. })));
}

#[test]
fn a_preview_waits_for_a_person_then_grows_before_it_takes_the_traffic() {
    let (mut world, mut playback) = blue_green(
        r#", "preview_replica_count": 1, "auto_promotion_enabled": false, "scale_down_delay_ticks": 2"#,
    );
    let (rows, _) = run(&mut world, &mut playback, 4);
    assert_eq!(rows[0], "0: r1 4/4@100 r2 1/0@0");
    assert_eq!(rows[3], "3: r1 4/4@100 r2 1/1@0", "waits for promotion with one preview instance");
    assert_eq!(world.snapshot().rollout.phase, "Paused");
    world.apply(Command::PromoteRollout).unwrap();
    let (rows, _) = run(&mut world, &mut playback, 5);
    assert_eq!(
        rows,
        [
            "4: r1 4/4@100 r2 4/1@0",
            "5: r1 4/4@0 r2 4/4@100",
            "6: r1 4/4@0 r2 4/4@100",
            "7: r1 0/0@0 r2 4/4@100",
            "8: r1 0/0@0 r2 4/4@100"
        ]
    );
}

#[test]
fn auto_promotion_seconds_wait_after_the_preview_is_ready() {
    let (mut world, mut playback) = blue_green(r#", "auto_promotion_ticks": 3"#);
    let (_, events) = run(&mut world, &mut playback, 8);
    let promoted: Vec<u64> =
        events.iter().filter(|(_, e)| matches!(e, Event::RolloutPromoted { .. })).map(|(t, _)| *t).collect();
    assert_eq!(promoted, [4], "ready at tick 1, promoted 3 ticks later");
}

#[test]
fn an_abort_keeps_the_traffic_on_stable_and_removes_the_preview_after_its_delay() {
    let (mut world, mut playback) =
        blue_green(r#", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": 2"#);
    run(&mut world, &mut playback, 2);
    world.apply(Command::AbortRollout).unwrap();
    let (rows, events) = run(&mut world, &mut playback, 4);
    assert!(events.iter().any(|(_, e)| matches!(e, Event::RolloutAborted { .. })));
    assert_eq!(
        rows,
        [
            "2: r1 4/4@100 r2 4/4@0",
            "3: r1 4/4@100 r2 4/4@0",
            "4: r1 4/4@100 r2 0/0@0",
            "5: r1 4/4@100 r2 0/0@0"
        ]
    );
    assert_eq!(world.snapshot().rollout.phase, "Degraded");
    // Retry leaves the aborted state and goes for the new revision again.
    world.apply(Command::RetryRollout).unwrap();
    world.apply(Command::PromoteRollout).unwrap();
    run(&mut world, &mut playback, 3);
    assert_eq!(world.rollout_status().stable, Some(2));
}

#[test]
fn unknown_blue_green_parameters_are_refused() {
    let error = Scenario::from_json(
        r#"{"seed": 1, "fleet_size": 2, "image": {"base": "u", "app_version": "1"},
            "strategy": {"type": "blue_green", "max_surge": 1}}"#,
    )
    .unwrap_err();
    assert!(error.message.contains("unknown field `max_surge`"), "{error}");
}
