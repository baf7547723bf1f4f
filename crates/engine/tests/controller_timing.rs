//! The controllers' timing, tick by tick: when an analysis verdict acts, when measurements are
//! taken, when delays after an abort or a promotion start, which reason the Deployment's
//! Progressing condition gives, a fleet of zero, and partial instance refreshes. Each rule is
//! described, with its upstream source, in docs/semantics.md (TM-7 to TM-9, §2.6, §2.11, §4.1).

mod common;

use common::{Driver, Run, rows};
use lab_engine::{Command, Event};

/// The ticks at which `revision` was scaled, with the new desired count.
fn scaled(run: &Run<impl std::fmt::Debug>, revision: u32) -> Vec<(u64, u32)> {
    run.events
        .iter()
        .filter_map(|(tick, event)| match event {
            Event::RevisionScaled { revision: r, to, .. } if *r == revision => Some((*tick, *to)),
            _ => None,
        })
        .collect()
}

fn abort_tick(run: &Run<impl std::fmt::Debug>) -> u64 {
    run.first(|e| matches!(e, Event::RolloutAborted { .. }).then_some(())).expect("the rollout aborts").0
}

/// A v2 that fails half its requests.
const BROKEN: &str = r#", "error_rate_per_mille": 500"#;

// TM-7: an analysis verdict acts within the tick it is reached.

#[test]
fn a_failed_step_analysis_scales_the_canary_down_in_the_tick_it_fails() {
    let strategy =
        r#"{"type": "canary", "steps": [{"set_weight": 50}, {"analysis": {"error_rate_max_percent": 5}}]}"#;
    let mut lab = Driver::rollout(4, strategy, BROKEN);
    let run = lab.rows(8, rows::phase_step_weights);
    let aborted = abort_tick(&run);
    // The canary grows to 2; the reconcile of the abort's own tick starts scaling it back (within
    // maxUnavailable, so 2 → 1 → 0), as a manual abort given at that tick would.
    assert_eq!(scaled(&run, 2), [(0, 2), (aborted, 1), (aborted + 1, 0)], "{:#?}", run.rows);
}

#[test]
fn a_failed_pre_promotion_analysis_starts_the_abort_delay_in_the_tick_it_fails() {
    let strategy = r#"{"type": "blue_green", "abort_scale_down_delay_ticks": 3,
        "pre_promotion_analysis": {"error_rate_max_percent": 5}}"#;
    let mut lab = Driver::rollout(2, strategy, BROKEN);
    let run = lab.rows(12, rows::weights);
    let aborted = abort_tick(&run);
    // The preview goes exactly abortScaleDownDelay after the abort: at abort + 3, not abort + 4.
    assert_eq!(scaled(&run, 2).last(), Some(&(aborted + 3, 0)), "aborted at {aborted}\n{:#?}", run.rows);
}

#[test]
fn an_inconclusive_analysis_halts_the_canary_in_the_tick_it_is_reached() {
    // 5% errors: above a 1% target, within a 10% limit.
    let strategy = r#"{"type": "canary", "steps": [{"set_weight": 50},
        {"analysis": {"error_rate_target_percent": 1, "error_rate_max_percent": 10}}, {"set_weight": 100}]}"#;
    let mut lab = Driver::rollout(4, strategy, r#", "error_rate_per_mille": 50"#);
    let run = lab.rows(10, rows::phase_step_weights);
    let (paused, ()) = run
        .first(|e| matches!(e, Event::AnalysisInconclusive { .. }).then_some(()))
        .expect("the analysis cannot decide");
    let row = &run.rows[paused as usize];
    assert!(row.contains("Paused"), "the pause shows in the tick it is reached: {row}\n{:#?}", run.rows);
    assert!(scaled(&run, 2).iter().all(|(tick, _)| *tick < paused), "nothing moves once paused");
}

// TM-8: measurements are counted from when the analysis starts.

/// The ticks at which the analysis measured (each measurement records one verdict).
fn measured(lab: &mut Driver, ticks: u64) -> Vec<u64> {
    let mut ticks_measured = Vec::new();
    for tick in 0..ticks {
        let count = |lab: &Driver| -> u32 {
            lab.world.rollout_view().analysis_runs.iter().flatten().map(|run| run.measurements()).sum()
        };
        let before = count(lab);
        lab.run(1);
        let after = count(lab);
        if after > before {
            ticks_measured.push(tick);
        }
    }
    ticks_measured
}

#[test]
fn a_step_analysis_measures_when_it_starts_then_every_interval() {
    // The analysis step starts when the 25% step is done (tick 1: the canary instance is ready).
    let strategy = r#"{"type": "canary", "steps": [{"set_weight": 25},
        {"analysis": {"error_rate_max_percent": 5, "interval_ticks": 4, "count": 3}}]}"#;
    let mut lab = Driver::rollout(4, strategy, "");
    let started = {
        let mut probe = Driver::rollout(4, strategy, "");
        let run = probe.rows(6, |world, _| world.rollout_view().step_index);
        run.rows.iter().position(|step| *step == 1).expect("the analysis step is reached") as u64
    };
    assert_eq!(measured(&mut lab, 20), [started, started + 4, started + 8]);
}

// TM-9: delays after an abort or a promotion count from that tick.

#[test]
fn a_blue_green_preview_aborted_by_hand_goes_exactly_after_the_abort_delay() {
    let strategy =
        r#"{"type": "blue_green", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": 4}"#;
    let mut lab = Driver::rollout(2, strategy, "").at(3, Command::AbortRollout);
    let run = lab.rows(12, rows::weights);
    assert_eq!(scaled(&run, 2).last(), Some(&(7, 0)), "{:#?}", run.rows);
}

#[test]
fn an_abort_while_paused_counts_its_delay_from_the_abort() {
    let strategy =
        r#"{"type": "blue_green", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": 4}"#;
    let mut lab = Driver::rollout(2, strategy, "")
        .at(2, Command::Pause)
        .at(3, Command::AbortRollout)
        .at(5, Command::Resume);
    let run = lab.rows(12, rows::weights);
    assert_eq!(scaled(&run, 2).last(), Some(&(7, 0)), "{:#?}", run.rows);
}

#[test]
fn the_old_blue_green_revision_goes_exactly_after_the_scale_down_delay() {
    let strategy = r#"{"type": "blue_green", "scale_down_delay_ticks": 5}"#;
    let mut lab = Driver::rollout(2, strategy, "");
    let run = lab.rows(12, rows::weights);
    let (promoted, ()) =
        run.first(|e| matches!(e, Event::RolloutPromoted { revision: 2 }).then_some(())).expect("promoted");
    assert_eq!(scaled(&run, 1).last(), Some(&(promoted + 5, 0)), "{:#?}", run.rows);
}

// §2.6: the Progressing condition's reason follows the Deployment controller.

/// `tick reason` after each tick.
fn reason(world: &lab_engine::World, tick: u64) -> String {
    format!("{tick} {}", world.conditions().reason)
}

/// v1 on `fleet` instances that take two ticks to drain, v2 deployed at tick 0.
fn draining(strategy: &str) -> Driver {
    Driver::from_json(&format!(
        r#"{{"seed": 1, "fleet_size": 2, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 2,
        "image": {{"base": "ubuntu-22.04", "app_version": "1"}}, "strategy": {strategy},
        "timeline": [
          {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"}}}}}},
          {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}]}}"#
    ))
}

#[test]
fn a_rolling_update_creates_its_replica_set_at_once() {
    let run = draining(r#"{"type": "rolling"}"#).rows(6, reason);
    assert_eq!(run.rows[0], "0 NewReplicaSetCreated");
    assert_eq!(run.rows[1], "1 ReplicaSetUpdated");
    assert_eq!(run.rows.last().unwrap(), "5 NewReplicaSetAvailable", "{:#?}", run.rows);
}

#[test]
fn a_recreate_rollout_creates_its_replica_set_only_once_the_old_instances_are_gone() {
    let mut lab = draining(r#"{"type": "recreate"}"#);
    let run = lab.rows(8, |world, tick| {
        let old_running = world.revisions()[0].live + world.revisions()[0].terminating;
        format!("{} old={old_running}", reason(world, tick))
    });
    // Ticks 0–1: the old instances drain; no new ReplicaSet exists yet, so the counts the
    // controller compares do not move and the previous reason stands.
    assert_eq!(
        run.rows[..3],
        ["0 NewReplicaSetAvailable old=2", "1 NewReplicaSetAvailable old=2", "2 NewReplicaSetCreated old=0"]
    );
    // One tick later the new instances are ready and the rollout is complete.
    assert_eq!(run.rows[3], "3 NewReplicaSetAvailable old=0", "{:#?}", run.rows);
}

#[test]
fn an_undo_finds_the_old_replica_set_rather_than_creating_one() {
    let mut lab = draining(r#"{"type": "rolling"}"#);
    lab.run(8);
    assert_eq!(lab.world.conditions().reason.as_str(), "NewReplicaSetAvailable");
    lab.world.apply(Command::Undo { to_revision: None }).unwrap();
    let run = lab.rows(3, reason);
    assert_eq!(run.rows[..2], ["8 FoundNewReplicaSet", "9 ReplicaSetUpdated"], "{:#?}", run.rows);
}

// §2.11: a fleet of zero is valid, and a rollout of nothing completes at once.

const EVERY_STRATEGY: &[&str] = &[
    r#"{"type": "rolling"}"#,
    r#"{"type": "recreate"}"#,
    r#"{"type": "blue_green"}"#,
    r#"{"type": "blue_green", "pre_promotion_analysis": {"error_rate_max_percent": 5}}"#,
    r#"{"type": "canary", "steps": [{"set_weight": 20}, {"pause": {"duration_ticks": 2}}, {"analysis": {"error_rate_max_percent": 5}}]}"#,
    r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 20}, {"set_canary_scale": {"replicas": 1}}]}"#,
    r#"{"type": "instance_refresh", "checkpoint_percentages": [50, 100], "checkpoint_delay_ticks": 5}"#,
];

#[test]
fn a_rollout_of_a_fleet_of_zero_completes_at_once() {
    for strategy in EVERY_STRATEGY {
        let mut lab = Driver::rollout(0, strategy, "");
        let run = lab.rows(3, rows::phase_counts);
        let (done, ()) = run
            .first(|e| matches!(e, Event::RolloutComplete { revision: 2 }).then_some(()))
            .unwrap_or_else(|| panic!("{strategy} never completes: {:#?}", run.rows));
        assert_eq!(done, 0, "{strategy}: {:#?}", run.rows);
        assert_eq!(run.rows[0], "0 Healthy: r1 0/0 r2 0/0", "{strategy}");
    }
}

#[test]
fn a_fleet_scaled_to_zero_mid_rollout_finishes_the_rollout_empty() {
    for strategy in EVERY_STRATEGY {
        let mut lab = Driver::rollout(4, strategy, "").at(1, Command::Scale { replicas: 0 });
        let run = lab.rows(40, rows::phase_counts);
        assert!(
            run.any(|e| matches!(e, Event::RolloutComplete { revision: 2 })),
            "{strategy}: {:#?}",
            &run.rows[..8]
        );
        let live: u32 = lab.world.revisions().iter().map(|r| r.live + r.terminating).sum();
        assert_eq!(live, 0, "{strategy}");
        // And it grows again from nothing.
        lab.world.apply(Command::Scale { replicas: 3 }).unwrap();
        lab.run_until(200, |world| world.revisions().iter().map(|r| r.available).sum::<u32>() == 3);
    }
}

// §4.1: partial instance refreshes, and the pace of an automatic rollback.

#[test]
fn a_refresh_whose_checkpoints_stop_short_of_100_replaces_that_share_and_stops() {
    // Min healthy 50% of 10: batches of 5, capped at the 30% checkpoint (3 instances).
    let strategy = r#"{"type": "instance_refresh", "min_healthy_percentage": 50,
        "checkpoint_percentages": [30], "checkpoint_delay_ticks": 4}"#;
    let mut lab = Driver::rollout(10, strategy, "");
    let run = lab.rows(30, rows::phase_counts);
    assert_eq!(run.rows[0], "0 Progressing: r1 7/7 r2 3/0");
    // Reaching the last checkpoint ends the refresh: successful, the rest left on v1.
    assert_eq!(run.rows[1], "1 Healthy: r1 7/7 r2 3/3", "{:#?}", run.rows);
    assert_eq!(run.rows[29], "29 Healthy: r1 7/7 r2 3/3");
    let (done, ()) =
        run.first(|e| matches!(e, Event::RolloutComplete { revision: 2 }).then_some(())).expect("it ends");
    assert_eq!(done, 1);
    // The group is now launched from v2: growing it adds v2 instances, v1 ones stay.
    lab.world.apply(Command::Scale { replicas: 12 }).unwrap();
    let run = lab.rows(3, rows::phase_counts);
    assert_eq!(run.rows[2], "32 Healthy: r1 7/7 r2 5/5", "{:#?}", run.rows);
}

#[test]
fn a_partial_checkpoint_list_is_accepted_but_must_still_ascend() {
    let parse = |list: &str| {
        lab_engine::Scenario::from_json(&format!(
            r#"{{"seed": 1, "fleet_size": 4, "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
            "strategy": {{"type": "instance_refresh", "checkpoint_percentages": {list}}}}}"#
        ))
        .map(|_| ())
        .map_err(|error| error.to_string())
    };
    assert_eq!(parse("[20, 50]"), Ok(()));
    let refused = parse("[50, 20]").unwrap_err();
    assert!(
        refused.contains("CheckpointPercentages must be ascending values between 1 and 100"),
        "{refused}"
    );
}

#[test]
fn an_automatic_rollback_goes_at_the_min_healthy_pace_not_the_checkpoint_cap() {
    // Batches of 5 (min healthy 50%); the 20% checkpoint caps the first batch at 2.
    let strategy = r#"{"type": "instance_refresh", "min_healthy_percentage": 50, "auto_rollback": true,
        "checkpoint_percentages": [20, 100], "checkpoint_delay_ticks": 2}"#;
    let mut lab = Driver::rollout(10, strategy, "");
    let run = lab.rows(4, rows::phase_counts);
    assert_eq!(run.rows[3], "3 Progressing: r1 3/3 r2 7/2", "{:#?}", run.rows);
    lab.world.apply(Command::AbortRollout).unwrap();
    let run = lab.rows(4, rows::phase_counts);
    // The rollback takes up to 5 at a time, as the forward refresh's batches did, not the 2 the
    // first checkpoint allowed.
    assert_eq!(scaled(&run, 1).first(), Some(&(4, 8)), "{:#?}", run.rows);
}
