//! Argo Rollouts blue-green, tick by tick: preview, promotion, the scale-down delay, abort.

mod common;

use lab_engine::{Command, Event, Playback, Scenario, World};

/// Four instances on v1, blue-green with `params`, v2 deployed at tick 0; R = 1, G = 0.
fn blue_green(params: &str) -> (World, Playback) {
    blue_green_of(params, 0)
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

/// Like `blue_green`, but v2 fails `error_per_mille` of its requests.
fn blue_green_of(params: &str, error_per_mille: u32) -> (World, Playback) {
    let strategy = format!(r#"{{"type": "blue_green"{params}}}"#);
    common::rollout(4, &strategy, &format!(r#", "error_rate_per_mille": {error_per_mille}"#))
}

fn abort_reason(events: &[(u64, Event)]) -> Option<(u64, String)> {
    events.iter().find_map(|(tick, e)| match e {
        Event::RolloutAborted { cause } => Some((*tick, cause.to_string())),
        _ => None,
    })
}

const PRE: &str = r#", "pre_promotion_analysis": {"error_rate_max_percent": 5, "count": 2}"#;
const POST: &str =
    r#", "scale_down_delay_ticks": 5, "post_promotion_analysis": {"error_rate_max_percent": 5, "count": 2}"#;

#[test]
fn pre_promotion_analysis_waits_for_its_measurements_before_the_switch() {
    let (mut world, mut playback) = blue_green_of(PRE, 0);
    let (rows, events) = run(&mut world, &mut playback, 5);
    // Preview ready at tick 1; smoke tests measured at ticks 1 and 2; promoted at tick 3, not 1.
    assert_eq!(rows[1], "1: r1 4/4@100 r2 4/4@0");
    assert_eq!(rows[2], "2: r1 4/4@100 r2 4/4@0");
    assert_eq!(rows[3], "3: r1 4/4@0 r2 4/4@100");
    assert!(abort_reason(&events).is_none());
}

#[test]
fn pre_promotion_analysis_stops_a_bad_version_before_any_user_sees_it() {
    let (mut world, mut playback) = blue_green_of(PRE, 250);
    let (rows, events) = run(&mut world, &mut playback, 4);
    let (tick, reason) = abort_reason(&events).expect("aborted");
    assert_eq!(tick, 1);
    assert!(reason.starts_with("pre-promotion analysis failed: revision 2, over the last"), "{reason}");
    assert!(rows.iter().all(|row| row.contains("r1 4/4@100")), "{rows:?}");
    // The smoke tests are not users' requests: nobody was failed.
    assert_eq!(world.service_stats().failed_requests, 0);
    assert_eq!(world.service_stats().faulty_requests, 0);
}

#[test]
fn post_promotion_analysis_switches_the_traffic_back_to_the_old_revision() {
    let (mut world, mut playback) = blue_green_of(POST, 250);
    let (rows, events) = run(&mut world, &mut playback, 5);
    // Tick 1: promoted, users' requests reach revision 2, the first measurement fails and the
    // traffic goes straight back; the row (taken at the end of the tick) shows it back on r1.
    assert!(events.iter().any(|(tick, e)| *tick == 1 && matches!(e, Event::RolloutPromoted { revision: 2 })));
    let (tick, reason) = abort_reason(&events).expect("aborted");
    assert_eq!(tick, 1);
    assert!(reason.starts_with("post-promotion analysis failed: revision 2, over the last"), "{reason}");
    assert!(reason.ends_with("traffic goes back to revision 1"), "{reason}");
    assert_eq!(rows[1], "1: r1 4/4@100 r2 4/4@0");
    assert_eq!(world.snapshot().rollout.phase, "Degraded");
    // Unlike a pre-promotion analysis, real users met the bad version for that one tick.
    assert_eq!(world.service_stats().faulty_requests, 40);
}
