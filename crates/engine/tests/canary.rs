//! Argo Rollouts canary (replica-weighted), tick by tick: steps, pauses, promotion, abort.

mod common;

use common::run;

use lab_engine::{Command, Event, Playback, World};

fn canary(steps: &str) -> (World, Playback) {
    common::rollout(10, &format!(r#"{{"type": "canary", "steps": {steps}}}"#), "")
}

/// (stable desired/available, canary desired/available, canary traffic weight, step).
fn state(world: &World) -> (String, String, u32, Option<u32>) {
    let snapshot = world.snapshot();
    let cell = |index: usize| {
        snapshot.revisions.get(index).map_or("-".to_owned(), |r| format!("{}/{}", r.desired, r.available))
    };
    let canary_weight = snapshot.traffic.get(1).map_or(0, |t| t.weight);
    (cell(0), cell(1), canary_weight, snapshot.rollout.step)
}

#[test]
fn steps_move_the_split_and_an_indefinite_pause_waits_for_promotion() {
    let (mut world, mut playback) = canary(
        r#"[{"set_weight": 20}, {"pause": {}}, {"set_weight": 50}, {"pause": {"duration_ticks": 2}}]"#,
    );
    run(&mut world, &mut playback, 6);
    assert_eq!(state(&world), ("8/8".into(), "2/2".into(), 20, Some(1)), "20% canary, waiting at the pause");
    assert_eq!(world.snapshot().rollout.phase, "Paused");
    run(&mut world, &mut playback, 5);
    assert_eq!(state(&world).3, Some(1), "an indefinite pause does not end by itself");

    world.apply(Command::PromoteRollout).unwrap();
    let mut states = Vec::new();
    let mut events = Vec::new();
    for _ in 0..18 {
        events.extend(run(&mut world, &mut playback, 1));
        states.push(state(&world));
    }
    // The 50% step is reached, then its two-tick pause holds the split for exactly two ticks.
    let paused_at_half = states.iter().filter(|s| **s == ("5/5".into(), "5/5".into(), 50, Some(3))).count();
    assert_eq!(paused_at_half, 2, "{states:?}");
    assert!(events.iter().any(|e| matches!(e, Event::RolloutComplete { revision: 2 })), "{events:?}");
    assert_eq!(world.rollout_status().stable, Some(2));
    assert_eq!(
        world.revisions().iter().map(|r| (r.desired, r.available)).collect::<Vec<_>>(),
        [(0, 0), (10, 10)]
    );
}

#[test]
fn an_abort_sends_everything_back_to_stable() {
    let (mut world, mut playback) = canary(r#"[{"set_weight": 30}, {"pause": {}}]"#);
    run(&mut world, &mut playback, 6);
    assert_eq!(state(&world).2, 30);
    world.apply(Command::AbortRollout).unwrap();
    let events = run(&mut world, &mut playback, 6);
    assert!(events.iter().any(|e| matches!(e, Event::RolloutAborted { .. })));
    assert_eq!(state(&world), ("10/10".into(), "0/0".into(), 0, Some(0)));
    assert_eq!(world.snapshot().rollout.phase, "Degraded");
}

#[test]
fn promote_full_skips_the_remaining_steps() {
    let (mut world, mut playback) =
        canary(r#"[{"set_weight": 10}, {"pause": {}}, {"set_weight": 20}, {"pause": {}}]"#);
    run(&mut world, &mut playback, 4);
    world.apply(Command::PromoteFullRollout).unwrap();
    run(&mut world, &mut playback, 15);
    assert!(world.rollout_complete());
    assert_eq!(world.target_revision().available, 10);
}

#[test]
fn a_canary_without_steps_rolls_like_a_rolling_update() {
    let (mut world, mut playback) = canary("[]");
    run(&mut world, &mut playback, 15);
    assert!(world.rollout_complete());
    assert_eq!(world.rollout_status().stable, Some(2));
}

fn canary_with(strategy: &str, v2_extra: &str) -> (World, Playback) {
    common::rollout(10, strategy, v2_extra)
}

const ANALYSED: &str = r#"{"type": "canary", "steps": [{"set_weight": 20}, {"pause": {"duration_ticks": 10}}],
    "analysis": {"error_rate_max_percent": 5, "window_ticks": 2}}"#;

#[test]
fn analysis_aborts_a_canary_that_errors_and_says_which_metric_value_and_threshold() {
    let (mut world, mut playback) = canary_with(ANALYSED, r#", "error_rate_per_mille": 300"#);
    let events = run(&mut world, &mut playback, 12);
    let reason = events
        .iter()
        .find_map(|e| if let Event::RolloutAborted { cause } = e { Some(cause.to_string()) } else { None })
        .expect("the analysis aborted the rollout");
    assert!(
        reason.contains("revision 2")
            && reason.contains("error rate 30.0%")
            && reason.contains("above the 5% limit"),
        "{reason}"
    );
    assert_eq!(state(&world), ("10/10".into(), "0/0".into(), 0, Some(0)), "everything back on stable");
    let service = world.service_stats();
    // The blast radius: only the canary's 20% share met the bad version, and only briefly.
    assert!(service.faulty_requests > 0 && service.faulty_requests < service.requests / 10, "{service:?}");
}

#[test]
fn a_healthy_canary_passes_its_analysis() {
    let (mut world, mut playback) = canary_with(ANALYSED, "");
    let events = run(&mut world, &mut playback, 30);
    assert!(!events.iter().any(|e| matches!(e, Event::RolloutAborted { .. })));
    assert!(world.rollout_complete());
    let service = world.service_stats();
    assert_eq!(service.faulty_requests, 0);
    // With 25% allowed unavailable the fleet briefly runs 8 of 10 instances; 20% headroom does not
    // quite cover that, and the few requests that do not fit fail.
    assert!(service.failed_requests <= 20, "{service:?}");
}

#[test]
fn traffic_follows_the_instances_and_a_faulty_version_fails_its_share() {
    let (mut world, mut playback) = canary_with(
        r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {}}]}"#,
        r#", "error_rate_per_mille": 100"#,
    );
    run(&mut world, &mut playback, 8);
    let before = world.service_stats();
    run(&mut world, &mut playback, 10);
    let after = world.service_stats();
    let requests = after.requests - before.requests;
    let failed = after.failed_requests - before.failed_requests;
    // Half the traffic to a version failing 10% of requests: 5% of all requests fail.
    assert_eq!((requests, failed), (1000, 50));
    assert_eq!(world.snapshot().traffic.iter().map(|t| t.weight).collect::<Vec<_>>(), [50, 50]);
}

/// Like `canary`, but the new version fails `error_per_mille` of its requests.
fn canary_of(steps: &str, error_per_mille: u32) -> (World, Playback) {
    let strategy = format!(r#"{{"type": "canary", "steps": {steps}}}"#);
    common::rollout(10, &strategy, &format!(r#", "error_rate_per_mille": {error_per_mille}"#))
}

const STEPS_WITH_ANALYSIS: &str =
    r#"[{"set_weight": 20}, {"analysis": {"error_rate_max_percent": 5, "count": 3}}, {"set_weight": 50}]"#;

#[test]
fn an_analysis_step_takes_its_measurements_then_moves_on() {
    let (mut world, mut playback) = canary_of(STEPS_WITH_ANALYSIS, 0);
    // Tick 0: the canary starts; tick 1: 20% ready, the analysis step begins.
    run(&mut world, &mut playback, 2);
    assert_eq!(state(&world).3, Some(1));
    // One measurement per tick with traffic: three ticks later the step is done.
    run(&mut world, &mut playback, 2);
    assert_eq!(state(&world).3, Some(1), "still measuring");
    run(&mut world, &mut playback, 1);
    assert_eq!(state(&world).3, Some(2), "three good measurements: on to 50%");
    let events = run(&mut world, &mut playback, 20);
    assert!(events.iter().any(|e| matches!(e, Event::RolloutComplete { revision: 2 })));
}

#[test]
fn a_failed_analysis_step_aborts_and_says_why() {
    let (mut world, mut playback) = canary_of(STEPS_WITH_ANALYSIS, 250);
    let events = run(&mut world, &mut playback, 6);
    let reason = events
        .iter()
        .find_map(|e| match e {
            Event::RolloutAborted { cause } => Some(cause.to_string()),
            _ => None,
        })
        .expect("aborted");
    assert!(reason.starts_with("step analysis failed: revision 2, over the last"), "{reason}");
    assert!(reason.contains("above the 5% limit"), "{reason}");
    assert_eq!(world.snapshot().rollout.phase, "Degraded");
}

#[test]
fn an_analysis_step_needs_at_least_one_measurement() {
    let error = serde_json::from_str::<lab_engine::StrategySpec>(
        r#"{"type": "canary", "steps": [{"analysis": {"error_rate_max_percent": 5, "count": 0}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("analysis.count: Invalid value: 0: must be at least 1"), "{error}");
}
