//! Metric analysis in a running rollout: latency as well as errors, and the inconclusive verdict
//! that pauses a rollout for a person instead of deciding (Argo's `InconclusiveAnalysis`).

mod common;

use common::run;

use lab_engine::{Command, Event, Playback, World};

fn aborted(events: &[Event]) -> Option<String> {
    events
        .iter()
        .find_map(|e| if let Event::RolloutAborted { cause } = e { Some(cause.to_string()) } else { None })
}

fn inconclusive(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| {
        if let Event::AnalysisInconclusive { finding } = e { Some(finding.to_string()) } else { None }
    })
}

fn completed(events: &[Event]) -> bool {
    events.iter().any(|e| matches!(e, Event::RolloutComplete { revision: 2 }))
}

/// A canary with a 20% step and a step analysis of `analysis` (JSON), then the rest of the way.
fn canary(analysis: &str, v2_extra: &str) -> (World, Playback) {
    let strategy = format!(
        r#"{{"type": "canary", "steps": [{{"set_weight": 20}}, {{"analysis": {analysis}}}, {{"set_weight": 60}}]}}"#
    );
    common::rollout(10, &strategy, v2_extra)
}

#[test]
fn a_slow_release_passes_an_error_rate_analysis_but_not_a_latency_one() {
    let slow = r#", "added_latency_ms": 300"#;
    let (mut world, mut playback) = canary(r#"{"error_rate_max_percent": 5, "count": 2}"#, slow);
    let events = run(&mut world, &mut playback, 30);
    assert!(aborted(&events).is_none() && completed(&events), "errors alone cannot see slowness");

    let (mut world, mut playback) =
        canary(r#"{"error_rate_max_percent": 5, "latency_max_ms": 200, "count": 2}"#, slow);
    let events = run(&mut world, &mut playback, 30);
    let reason = aborted(&events).expect("the latency limit aborts the rollout");
    // 40 ms for any request plus the 300 ms the build adds.
    assert!(reason.contains("mean latency 340 ms is above the 200 ms limit"), "{reason}");
    assert!(reason.starts_with("step analysis failed: revision 2"), "{reason}");
    assert_eq!(world.snapshot().rollout.phase, "Degraded");

    // The same analysis passes a release that is not slow.
    let (mut world, mut playback) =
        canary(r#"{"error_rate_max_percent": 5, "latency_max_ms": 200, "count": 2}"#, "");
    assert!(completed(&run(&mut world, &mut playback, 30)));
}

/// 3% errors: above a 1% target, within a 10% limit.
const MIDDLING: &str = r#", "error_rate_per_mille": 30"#;
const UNDECIDED: &str = r#"{"error_rate_target_percent": 1, "error_rate_max_percent": 10, "count": 3}"#;

#[test]
fn an_inconclusive_analysis_pauses_the_rollout_until_a_person_promotes() {
    let (mut world, mut playback) = canary(UNDECIDED, MIDDLING);
    let events = run(&mut world, &mut playback, 8);
    let reason = inconclusive(&events).expect("the analysis could not decide");
    assert!(
        reason.contains("error rate 2.5% (1 of 40 requests)")
            && reason.contains("above the 1% target but within the 10% limit"),
        "{reason}"
    );
    assert!(reason.contains("(1 inconclusive measurement, inconclusive limit 0)"), "{reason}");
    assert!(aborted(&events).is_none());
    let snapshot = world.snapshot();
    assert_eq!(snapshot.rollout.phase, "Paused");
    let split = |world: &World| world.revisions().iter().map(|r| r.desired).collect::<Vec<_>>();
    let held = split(&world);
    assert_eq!(held, [8, 2], "held at the 20% step");

    // Waiting: nothing moves, nothing more is measured, and the progress deadline does not run.
    let events = run(&mut world, &mut playback, 700);
    assert_eq!(split(&world), held);
    assert!(inconclusive(&events).is_none() && aborted(&events).is_none());
    assert_ne!(world.conditions().reason, "ProgressDeadlineExceeded");

    // Promoting accepts the analysis: the step is done and the canary goes on to the end.
    world.apply(Command::PromoteRollout).unwrap();
    let events = run(&mut world, &mut playback, 20);
    assert!(completed(&events), "{events:?}");
}

#[test]
fn aborting_an_inconclusive_rollout_goes_back_to_stable() {
    let (mut world, mut playback) = canary(UNDECIDED, MIDDLING);
    run(&mut world, &mut playback, 8);
    assert_eq!(world.snapshot().rollout.phase, "Paused");
    world.apply(Command::AbortRollout).unwrap();
    run(&mut world, &mut playback, 5);
    assert_eq!(world.snapshot().rollout.phase, "Degraded");
    assert_eq!(world.revisions().iter().map(|r| r.desired).collect::<Vec<_>>(), [10, 0]);
}

#[test]
fn the_inconclusive_limit_tolerates_that_many_undecided_measurements() {
    let tolerant = r#"{"error_rate_target_percent": 1, "error_rate_max_percent": 10, "count": 3, "inconclusive_limit": 3}"#;
    let (mut world, mut playback) = canary(tolerant, MIDDLING);
    let events = run(&mut world, &mut playback, 30);
    assert!(inconclusive(&events).is_none() && completed(&events));
}

#[test]
fn blue_green_waits_on_an_inconclusive_smoke_test() {
    let strategy = format!(r#"{{"type": "blue_green", "pre_promotion_analysis": {UNDECIDED}}}"#);
    let (mut world, mut playback) = common::rollout(4, &strategy, MIDDLING);
    let events = run(&mut world, &mut playback, 10);
    let reason = inconclusive(&events).expect("undecided smoke test");
    assert!(reason.starts_with("pre-promotion analysis inconclusive: revision 2"), "{reason}");
    assert_eq!(world.rollout_status().stable, Some(1), "users stay on the old version");
    world.apply(Command::PromoteRollout).unwrap();
    let events = run(&mut world, &mut playback, 40);
    assert!(events.iter().any(|e| matches!(e, Event::RolloutPromoted { revision: 2 })), "{events:?}");
    assert!(completed(&events));
}
