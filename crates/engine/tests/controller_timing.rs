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
