//! Argo Rollouts canary (replica-weighted), tick by tick: steps, pauses, promotion, abort.

mod common;

use common::Driver;
use lab_engine::{Command, Event, World};

fn canary(steps: &str) -> Driver {
    Driver::rollout(10, &format!(r#"{{"type": "canary", "steps": {steps}}}"#), "")
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
    let mut lab = canary(
        r#"[{"set_weight": 20}, {"pause": {}}, {"set_weight": 50}, {"pause": {"duration_ticks": 2}}]"#,
    );
    lab.run(6);
    assert_eq!(
        state(&lab.world),
        ("8/8".into(), "2/2".into(), 20, Some(1)),
        "20% canary, waiting at the pause"
    );
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Paused");
    lab.run(5);
    assert_eq!(state(&lab.world).3, Some(1), "an indefinite pause does not end by itself");

    lab.world.apply(Command::PromoteRollout).unwrap();
    let run = lab.rows(18, |world, _| state(world));
    // The 50% step is reached, then its two-tick pause holds the split for exactly two ticks.
    let paused_at_half = run.rows.iter().filter(|s| **s == ("5/5".into(), "5/5".into(), 50, Some(3))).count();
    assert_eq!(paused_at_half, 2, "{:?}", run.rows);
    assert!(run.any(|e| matches!(e, Event::RolloutComplete { revision: 2 })), "{:?}", run.events);
    assert_eq!(lab.world.rollout_view().stable, Some(2));
    assert_eq!(
        lab.world.revisions().iter().map(|r| (r.desired, r.available)).collect::<Vec<_>>(),
        [(0, 0), (10, 10)]
    );
}

#[test]
fn an_abort_sends_everything_back_to_stable() {
    let mut lab = canary(r#"[{"set_weight": 30}, {"pause": {}}]"#);
    lab.run(6);
    assert_eq!(state(&lab.world).2, 30);
    lab.world.apply(Command::AbortRollout).unwrap();
    let run = lab.run(6);
    assert!(run.any(|e| matches!(e, Event::RolloutAborted { .. })));
    assert_eq!(state(&lab.world), ("10/10".into(), "0/0".into(), 0, Some(0)));
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Degraded");
}

#[test]
fn promote_full_skips_the_remaining_steps() {
    let mut lab = canary(r#"[{"set_weight": 10}, {"pause": {}}, {"set_weight": 20}, {"pause": {}}]"#);
    lab.run(4);
    lab.world.apply(Command::PromoteFullRollout).unwrap();
    lab.run(15);
    assert!(lab.world.rollout_complete());
    assert_eq!(lab.world.target_revision().available, 10);
}

#[test]
fn a_canary_without_steps_rolls_like_a_rolling_update() {
    let mut lab = canary("[]");
    lab.run(15);
    assert!(lab.world.rollout_complete());
    assert_eq!(lab.world.rollout_view().stable, Some(2));
}

const ANALYSED: &str = r#"{"type": "canary", "steps": [{"set_weight": 20}, {"pause": {"duration_ticks": 10}}],
    "analysis": {"error_rate_max_percent": 5, "window_ticks": 2}}"#;

#[test]
fn analysis_aborts_a_canary_that_errors_and_says_which_metric_value_and_threshold() {
    let mut lab = Driver::rollout(10, ANALYSED, r#", "error_rate_per_mille": 300"#);
    let (_, reason) = lab.run(12).abort_cause().expect("the analysis aborted the rollout");
    assert!(
        reason.contains("revision 2")
            && reason.contains("error rate 30.0%")
            && reason.contains("above the 5% limit"),
        "{reason}"
    );
    assert_eq!(state(&lab.world), ("10/10".into(), "0/0".into(), 0, Some(0)), "everything back on stable");
    let service = lab.world.service_stats();
    // The blast radius: only the canary's 20% share met the bad version, and only briefly.
    assert!(service.faulty_requests > 0 && service.faulty_requests < service.requests / 10, "{service:?}");
}

#[test]
fn a_healthy_canary_passes_its_analysis() {
    let mut lab = Driver::rollout(10, ANALYSED, "");
    let run = lab.run(30);
    assert!(!run.any(|e| matches!(e, Event::RolloutAborted { .. })));
    assert!(lab.world.rollout_complete());
    let service = lab.world.service_stats();
    assert_eq!(service.faulty_requests, 0);
    // With 25% allowed unavailable the fleet briefly runs 8 of 10 instances; 20% headroom does not
    // quite cover that, and the few requests that do not fit fail.
    assert!(service.failed_requests <= 20, "{service:?}");
}

#[test]
fn traffic_follows_the_instances_and_a_faulty_version_fails_its_share() {
    let mut lab = Driver::rollout(
        10,
        r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {}}]}"#,
        r#", "error_rate_per_mille": 100"#,
    );
    lab.run(8);
    let before = lab.world.service_stats();
    lab.run(10);
    let after = lab.world.service_stats();
    let requests = after.requests - before.requests;
    let failed = after.failed_requests - before.failed_requests;
    // Half the traffic to a version failing 10% of requests: 5% of all requests fail.
    assert_eq!((requests, failed), (1000, 50));
    assert_eq!(lab.world.snapshot().traffic.iter().map(|t| t.weight).collect::<Vec<_>>(), [50, 50]);
}

/// Like `canary`, but the new version fails `error_per_mille` of its requests.
fn canary_of(steps: &str, error_per_mille: u32) -> Driver {
    let strategy = format!(r#"{{"type": "canary", "steps": {steps}}}"#);
    Driver::rollout(10, &strategy, &format!(r#", "error_rate_per_mille": {error_per_mille}"#))
}

const STEPS_WITH_ANALYSIS: &str =
    r#"[{"set_weight": 20}, {"analysis": {"error_rate_max_percent": 5, "count": 3}}, {"set_weight": 50}]"#;

#[test]
fn an_analysis_step_takes_its_measurements_then_moves_on() {
    let mut lab = canary_of(STEPS_WITH_ANALYSIS, 0);
    // Tick 0: the canary starts; tick 1: 20% ready, the analysis step begins.
    lab.run(2);
    assert_eq!(state(&lab.world).3, Some(1));
    // One measurement per tick with traffic: three ticks later the step is done.
    lab.run(2);
    assert_eq!(state(&lab.world).3, Some(1), "still measuring");
    lab.run(1);
    assert_eq!(state(&lab.world).3, Some(2), "three good measurements: on to 50%");
    assert!(lab.run(20).any(|e| matches!(e, Event::RolloutComplete { revision: 2 })));
}

#[test]
fn a_failed_analysis_step_aborts_and_says_why() {
    let mut lab = canary_of(STEPS_WITH_ANALYSIS, 250);
    let (_, reason) = lab.run(6).abort_cause().expect("aborted");
    assert!(reason.starts_with("step analysis failed: revision 2, over the last"), "{reason}");
    assert!(reason.contains("above the 5% limit"), "{reason}");
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Degraded");
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

#[test]
fn new_steps_in_the_middle_of_a_canary_start_again_from_the_first_step() {
    // Argo hashes the steps: a change of steps alone restarts the canary's steps (its
    // `currentStepHash` no longer matches, `resetRolloutStatus`).
    let mut lab = canary(r#"[{"set_weight": 20}, {"pause": {}}, {"set_weight": 40}, {"pause": {}}]"#);
    lab.run(6);
    lab.world.apply(Command::PromoteRollout).unwrap();
    lab.run(6);
    assert_eq!(state(&lab.world).3, Some(3), "waiting at the second pause, 40%");
    let strategy = serde_json::from_str(
        r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 10}, {"pause": {}}]}"#,
    )
    .unwrap();
    lab.world.apply(Command::SetStrategy(strategy)).unwrap();
    lab.run(8);
    assert_eq!(state(&lab.world), ("9/9".into(), "1/1".into(), 10, Some(1)), "the new first steps, 10%");
    // The same steps again change nothing: still at the pause.
    let same = lab.world.strategy().clone();
    lab.world.apply(Command::SetStrategy(same)).unwrap();
    lab.run(2);
    assert_eq!(state(&lab.world).3, Some(1));
}
