//! Argo Rollouts blue-green, tick by tick: preview, promotion, the scale-down delay, abort.

mod common;

use common::{Driver, rows};
use lab_engine::{Command, Event, Scenario};

/// Four instances on v1, blue-green with `params`, v2 deployed at tick 0; R = 1, G = 0.
fn blue_green(params: &str) -> Driver {
    blue_green_of(params, 0)
}

#[test]
fn auto_promotion_switches_all_traffic_at_once_and_keeps_the_old_revision_for_the_delay() {
    let run = blue_green(r#", "scale_down_delay_ticks": 3"#).rows(6, rows::weights);
    assert_eq!(
        run.rows,
        [
            "0: r1 4/4@100 r2 4/0@0",
            "1: r1 4/4@0 r2 4/4@100",
            "2: r1 4/4@0 r2 4/4@100",
            "3: r1 4/4@0 r2 4/4@100",
            "4: r1 0/0@0 r2 4/4@100",
            "5: r1 0/0@0 r2 4/4@100",
        ]
    );
    assert!(run.events.contains(&(1, Event::RolloutPromoted { revision: 2 })));
    assert!(run.events.iter().any(|(tick, e)| *tick == 4 && matches!(e, Event::RolloutComplete { .. })));
}

#[test]
fn a_preview_waits_for_a_person_then_grows_before_it_takes_the_traffic() {
    let mut lab = blue_green(
        r#", "preview_replica_count": 1, "auto_promotion_enabled": false, "scale_down_delay_ticks": 2"#,
    );
    let run = lab.rows(4, rows::weights);
    assert_eq!(run.rows[0], "0: r1 4/4@100 r2 1/0@0");
    assert_eq!(run.rows[3], "3: r1 4/4@100 r2 1/1@0", "waits for promotion with one preview instance");
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Paused");
    lab.world.apply(Command::PromoteRollout).unwrap();
    assert_eq!(
        lab.rows(5, rows::weights).rows,
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
    let run = blue_green(r#", "auto_promotion_ticks": 3"#).run(8);
    let promoted = run.ticks_of(|e| matches!(e, Event::RolloutPromoted { .. }));
    assert_eq!(promoted, [4], "ready at tick 1, promoted 3 ticks later");
}

#[test]
fn an_abort_keeps_the_traffic_on_stable_and_removes_the_preview_after_its_delay() {
    let mut lab = blue_green(r#", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": 2"#);
    lab.run(2);
    lab.world.apply(Command::AbortRollout).unwrap();
    let run = lab.rows(4, rows::weights);
    assert!(run.any(|e| matches!(e, Event::RolloutAborted { .. })));
    assert_eq!(
        run.rows,
        [
            "2: r1 4/4@100 r2 4/4@0",
            "3: r1 4/4@100 r2 4/4@0",
            "4: r1 4/4@100 r2 0/0@0",
            "5: r1 4/4@100 r2 0/0@0"
        ]
    );
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Degraded");
    // Retry leaves the aborted state and goes for the new revision again.
    lab.world.apply(Command::RetryRollout).unwrap();
    lab.world.apply(Command::PromoteRollout).unwrap();
    lab.run(3);
    assert_eq!(lab.world.rollout_view().stable, Some(2));
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
fn blue_green_of(params: &str, error_per_mille: u32) -> Driver {
    let strategy = format!(r#"{{"type": "blue_green"{params}}}"#);
    Driver::rollout(4, &strategy, &format!(r#", "error_rate_per_mille": {error_per_mille}"#))
}

const PRE: &str = r#", "pre_promotion_analysis": {"error_rate_max_percent": 5, "count": 2}"#;
const POST: &str =
    r#", "scale_down_delay_ticks": 5, "post_promotion_analysis": {"error_rate_max_percent": 5, "count": 2}"#;

#[test]
fn pre_promotion_analysis_waits_for_its_measurements_before_the_switch() {
    let run = blue_green_of(PRE, 0).rows(5, rows::weights);
    // Preview ready at tick 1; smoke tests measured at ticks 1 and 2; promoted at tick 3, not 1.
    assert_eq!(run.rows[1], "1: r1 4/4@100 r2 4/4@0");
    assert_eq!(run.rows[2], "2: r1 4/4@100 r2 4/4@0");
    assert_eq!(run.rows[3], "3: r1 4/4@0 r2 4/4@100");
    assert!(run.abort_cause().is_none());
}

#[test]
fn pre_promotion_analysis_stops_a_bad_version_before_any_user_sees_it() {
    let mut lab = blue_green_of(PRE, 250);
    let run = lab.rows(4, rows::weights);
    let (tick, reason) = run.abort_cause().expect("aborted");
    assert_eq!(tick, 1);
    assert!(reason.starts_with("pre-promotion analysis failed: revision 2, over the last"), "{reason}");
    assert!(run.rows.iter().all(|row| row.contains("r1 4/4@100")), "{:?}", run.rows);
    // The smoke tests are not users' requests: nobody was failed.
    assert_eq!(lab.world.service_stats().failed_requests, 0);
    assert_eq!(lab.world.service_stats().faulty_requests, 0);
}

#[test]
fn post_promotion_analysis_switches_the_traffic_back_to_the_old_revision() {
    let mut lab = blue_green_of(POST, 250);
    let run = lab.rows(5, rows::weights);
    // Tick 1: promoted, users' requests reach revision 2, the first measurement fails and the
    // traffic goes straight back; the row (taken at the end of the tick) shows it back on r1.
    assert!(
        run.events.iter().any(|(tick, e)| *tick == 1 && matches!(e, Event::RolloutPromoted { revision: 2 }))
    );
    let (tick, reason) = run.abort_cause().expect("aborted");
    assert_eq!(tick, 1);
    assert!(reason.starts_with("post-promotion analysis failed: revision 2, over the last"), "{reason}");
    assert!(reason.ends_with("traffic goes back to revision 1"), "{reason}");
    assert_eq!(run.rows[1], "1: r1 4/4@100 r2 4/4@0");
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Degraded");
    // Unlike a pre-promotion analysis, real users met the bad version for that one tick.
    assert_eq!(lab.world.service_stats().faulty_requests, 40);
}

#[test]
fn until_the_post_promotion_analysis_passes_the_old_revision_stays_whole_and_the_rollout_progressing() {
    let run = blue_green_of(POST, 0).at(2, Command::Scale { replicas: 6 }).rows(10, rows::phase_step_weights);
    assert_eq!(
        run.rows,
        [
            "0 Progressing 0: r1 4/4@100 r2 4/0@0",
            // Switched at tick 1; measured at ticks 1 and 2. Until then revision 1 is still the
            // stable one: the resize at tick 2 grows it too.
            "1 Progressing 0: r1 4/4@0 r2 4/4@100",
            // Passed with the second measurement; the 5-tick scale-down delay counts from here.
            "2 Progressing 0: r1 6/4@0 r2 6/4@100",
            // All six new instances in service: Healthy, the old revision still kept.
            "3 Healthy 0: r1 6/6@0 r2 6/6@100",
            "4 Healthy 0: r1 6/6@0 r2 6/6@100",
            "5 Healthy 0: r1 6/6@0 r2 6/6@100",
            "6 Healthy 0: r1 6/6@0 r2 6/6@100",
            "7 Healthy 0: r1 0/0@0 r2 6/6@100",
            "8 Healthy 0: r1 0/0@0 r2 6/6@100",
            "9 Healthy 0: r1 0/0@0 r2 6/6@100",
        ]
    );
}

#[test]
fn an_abort_during_the_post_promotion_analysis_sends_the_traffic_back_and_scales_nothing_yet() {
    let run = blue_green_of(POST, 0).at(1, Command::AbortRollout).rows(4, rows::phase_step_weights);
    assert_eq!(
        run.rows,
        [
            "0 Progressing 0: r1 4/4@100 r2 4/0@0",
            // The abort lands before the switch's tick ends: users are back on revision 1, and
            // revision 2 waits out the abort scale-down delay (30 ticks by default).
            "1 Degraded 0: r1 4/4@100 r2 4/4@0",
            "2 Degraded 0: r1 4/4@100 r2 4/4@0",
            "3 Degraded 0: r1 4/4@100 r2 4/4@0",
        ]
    );
}

#[test]
fn an_abort_after_promotion_leaves_the_users_on_the_new_revision_and_the_old_one_its_delay() {
    let run = blue_green(r#", "scale_down_delay_ticks": 3"#)
        .at(2, Command::AbortRollout)
        .rows(6, rows::phase_step_weights);
    assert_eq!(
        run.rows,
        [
            "0 Progressing 0: r1 4/4@100 r2 4/0@0",
            "1 Healthy 0: r1 4/4@0 r2 4/4@100",
            "2 Degraded 0: r1 4/4@0 r2 4/4@100",
            "3 Degraded 0: r1 4/4@0 r2 4/4@100",
            "4 Degraded 0: r1 0/0@0 r2 4/4@100",
            "5 Degraded 0: r1 0/0@0 r2 4/4@100",
        ]
    );
}
