//! AWS instance refresh, tick by tick: batches from the healthy percentages, checkpoints with
//! their delay, launch-before-terminate, warm-up, failure after the health-check timeout and
//! auto-rollback, and the API's validation messages.

mod common;

use common::{Driver, rows};
use lab_engine::Event;

/// Ten instances on v1, an instance refresh with `params`, v2 deployed at tick 0; R = 1, G = 0.
fn refresh(params: &str, broken: bool) -> Driver {
    let strategy = format!(r#"{{"type": "instance_refresh"{params}}}"#);
    Driver::rollout(10, &strategy, &format!(r#", "broken": {broken}"#))
}

#[test]
fn checkpoint_example_batches_stop_at_the_checkpoint_and_wait_its_delay() {
    // Min healthy 80% of 10: floor 8, batches of 2; the 50% checkpoint caps the third batch at 1.
    let run = refresh(
        r#", "min_healthy_percentage": 80, "checkpoint_percentages": [50, 100], "checkpoint_delay_ticks": 3"#,
        false,
    )
    .rows(10, rows::phase_counts);
    assert_eq!(
        run.rows,
        [
            "0 Progressing: r1 8/8 r2 2/0",
            "1 Progressing: r1 6/6 r2 4/2",
            "2 Progressing: r1 5/5 r2 5/4",
            "3 Paused: r1 5/5 r2 5/5",
            "4 Paused: r1 5/5 r2 5/5",
            "5 Paused: r1 5/5 r2 5/5",
            "6 Progressing: r1 3/3 r2 7/5",
            "7 Progressing: r1 1/1 r2 9/7",
            "8 Progressing: r1 0/0 r2 10/9",
            "9 Healthy: r1 0/0 r2 10/10",
        ]
    );
    assert!(run.any(|e| matches!(e, Event::RolloutComplete { revision: 2 })));
}

#[test]
fn a_batch_that_jumps_several_checkpoints_waits_once() {
    // All at once (min 0%) with checkpoints at 20% and 40%: one batch is capped at the 20%
    // checkpoint, then the next reaches 40% and 100% after a single wait each.
    let run = refresh(
        r#", "min_healthy_percentage": 0, "checkpoint_percentages": [20, 30, 100], "checkpoint_delay_ticks": 2"#,
        false,
    )
    .rows(6, rows::phase_counts);
    assert_eq!(run.rows[0], "0 Progressing: r1 8/8 r2 2/0");
    // 2 of 10 reached 20%; after the wait the 30% checkpoint caps the batch at 1 more.
    assert_eq!(run.rows[1], "1 Paused: r1 8/8 r2 2/2");
    assert_eq!(run.rows[3], "3 Progressing: r1 7/7 r2 3/2");
    assert_eq!(run.rows[4], "4 Paused: r1 7/7 r2 3/3");
}

#[test]
fn one_hundred_percent_healthy_launches_before_it_terminates() {
    let healthy =
        |world: &lab_engine::World| world.snapshot().rollout.phase == lab_engine::RolloutPhase::Healthy;
    let sizes = |world: &lab_engine::World, tick| {
        let snapshot = world.snapshot();
        let available: u32 = snapshot.revisions.iter().map(|r| r.available).sum();
        let desired: u32 = snapshot.revisions.iter().map(|r| r.desired).sum();
        (tick, available, desired)
    };
    let run = refresh(r#", "min_healthy_percentage": 100, "max_healthy_percentage": 110"#, false)
        .rows_until(39, healthy, sizes);
    for (tick, available, desired) in &run.rows {
        assert!(*available >= 10, "tick {tick}: only {available} healthy");
        assert!(*desired <= 11, "tick {tick}: {desired} instances wanted, above 110%");
    }
    // One new instance per tick of health checks, ten of them.
    assert_eq!(run.rows.len(), 11);
}

#[test]
fn warm_up_holds_each_batch_after_it_is_healthy() {
    let run =
        refresh(r#", "min_healthy_percentage": 50, "warmup_ticks": 2"#, false).rows(5, rows::phase_counts);
    assert_eq!(
        run.rows,
        [
            "0 Progressing: r1 5/5 r2 5/0",
            "1 Progressing: r1 5/5 r2 5/5",
            "2 Progressing: r1 5/5 r2 5/5",
            "3 Progressing: r1 0/0 r2 10/5",
            // The last batch is healthy: the group is complete.
            "4 Healthy: r1 0/0 r2 10/10",
        ]
    );
}

#[test]
fn a_broken_image_fails_the_refresh_and_auto_rollback_restores_the_old_revision() {
    let run = refresh(r#", "health_check_timeout_ticks": 5, "auto_rollback": true"#, true)
        .rows(8, rows::phase_counts);
    assert_eq!(run.rows[0], "0 Progressing: r1 9/9 r2 1/0");
    // Still retrying at tick 4; the timeout counts from the batch's launch at tick 0.
    assert_eq!(run.rows[4], "4 Progressing: r1 9/9 r2 1/0");
    assert_eq!(run.rows[5], "5 Degraded: r1 9/9 r2 1/0");
    assert_eq!(run.rows[6], "6 Degraded: r1 10/9 r2 0/0");
    assert_eq!(run.rows[7], "7 Degraded: r1 10/10 r2 0/0");
    let (_, reason) = run.abort_cause().expect("the refresh failed");
    assert_eq!(
        reason,
        "instance refresh failed: 1 new instances of revision 2 did not pass health checks within 5 ticks"
    );
}

#[test]
fn without_auto_rollback_a_failed_refresh_leaves_what_it_replaced() {
    let run = refresh(r#", "health_check_timeout_ticks": 3"#, true).rows(8, rows::phase_counts);
    assert_eq!(run.rows[7], "7 Degraded: r1 9/9 r2 1/0");
}

#[test]
fn impossible_preferences_are_refused_with_the_api_message() {
    let cases = [
        (
            r#""min_healthy_percentage": 101"#,
            "Value '101' at 'preferences.minHealthyPercentage' failed to satisfy constraint: Member must have value less than or equal to 100",
        ),
        (
            r#""max_healthy_percentage": 99"#,
            "Value '99' at 'preferences.maxHealthyPercentage' failed to satisfy constraint: Member must have value greater than or equal to 100",
        ),
        (
            r#""max_healthy_percentage": 201"#,
            "Value '201' at 'preferences.maxHealthyPercentage' failed to satisfy constraint: Member must have value less than or equal to 200",
        ),
        (
            r#""min_healthy_percentage": 50, "max_healthy_percentage": 200"#,
            "The difference between MaxHealthyPercentage (200) and MinHealthyPercentage (50) cannot be greater than 100",
        ),
        (
            r#""checkpoint_percentages": [50, 40, 100]"#,
            "CheckpointPercentages must be ascending values between 1 and 100 (got [50, 40, 100])",
        ),
        (
            r#""checkpoint_percentages": [0, 50]"#,
            "CheckpointPercentages must be ascending values between 1 and 100 (got [0, 50])",
        ),
        (r#""health_check_timeout_ticks": 0"#, "health_check_timeout_ticks must be at least 1"),
    ];
    for (params, message) in cases {
        let strategy = format!(r#"{{"type": "instance_refresh", {params}}}"#);
        let error = serde_json::from_str::<lab_engine::StrategySpec>(&strategy).unwrap_err().to_string();
        assert!(error.contains(message), "{params}: {error}");
    }
}

#[test]
fn a_cancel_keeps_what_was_replaced_and_a_rollback_asked_for_replaces_it_again() {
    let params =
        r#", "min_healthy_percentage": 50, "checkpoint_percentages": [20, 100], "checkpoint_delay_ticks": 5"#;
    // Auto-rollback on, but a cancel never rolls back (AWS: it only stops new replacements).
    let mut lab = refresh(&format!("{params}, \"auto_rollback\": true"), false);
    lab.run(3);
    lab.world.apply(lab_engine::Command::CancelRollout).unwrap();
    let run = lab.rows(6, rows::phase_counts);
    assert_eq!(run.rows[5], "8 Degraded: r1 8/8 r2 2/2", "{:#?}", run.rows);
    // Auto-rollback off, but a rollback asked for replaces the new instances with the old ones.
    let mut lab = refresh(params, false);
    lab.run(3);
    lab.world.apply(lab_engine::Command::RollbackRollout).unwrap();
    let run = lab.rows(6, rows::phase_counts);
    assert_eq!(run.rows[5], "8 Degraded: r1 10/10 r2 0/0", "{:#?}", run.rows);
}
