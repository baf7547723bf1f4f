//! Metric analysis in a running rollout: latency as well as errors, and the inconclusive verdict
//! that pauses a rollout for a person instead of deciding (Argo's `InconclusiveAnalysis`).

mod common;

use common::{Driver, Run};
use lab_engine::{Command, Event, World};

fn aborted(run: &Run) -> Option<String> {
    run.abort_cause().map(|(_, cause)| cause)
}

fn inconclusive(run: &Run) -> Option<String> {
    let finding = |e: &Event| match e {
        Event::AnalysisInconclusive { finding } => Some(finding.to_string()),
        _ => None,
    };
    run.first(finding).map(|(_, finding)| finding)
}

fn completed(run: &Run) -> bool {
    run.any(|e| matches!(e, Event::RolloutComplete { revision: 2 }))
}

/// A canary with a 20% step and a step analysis of `analysis` (JSON), then the rest of the way.
fn canary(analysis: &str, v2_extra: &str) -> Driver {
    let strategy = format!(
        r#"{{"type": "canary", "steps": [{{"set_weight": 20}}, {{"analysis": {analysis}}}, {{"set_weight": 60}}]}}"#
    );
    Driver::rollout(10, &strategy, v2_extra)
}

#[test]
fn a_slow_release_passes_an_error_rate_analysis_but_not_a_latency_one() {
    let slow = r#", "added_latency_ms": 300"#;
    let run = canary(r#"{"error_rate_max_percent": 5, "count": 2}"#, slow).run(30);
    assert!(aborted(&run).is_none() && completed(&run), "errors alone cannot see slowness");

    let mut lab = canary(r#"{"error_rate_max_percent": 5, "latency_max_ms": 200, "count": 2}"#, slow);
    let reason = aborted(&lab.run(30)).expect("the latency limit aborts the rollout");
    // 40 ms for any request plus the 300 ms the build adds.
    assert!(reason.contains("mean latency 340 ms is above the 200 ms limit"), "{reason}");
    assert!(reason.starts_with("step analysis failed: revision 2"), "{reason}");
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Degraded");

    // The same analysis passes a release that is not slow.
    let mut lab = canary(r#"{"error_rate_max_percent": 5, "latency_max_ms": 200, "count": 2}"#, "");
    assert!(completed(&lab.run(30)));
}

/// 3% errors: above a 1% target, within a 10% limit.
const MIDDLING: &str = r#", "error_rate_per_mille": 30"#;
const UNDECIDED: &str = r#"{"error_rate_target_percent": 1, "error_rate_max_percent": 10, "count": 3}"#;

#[test]
fn an_inconclusive_analysis_pauses_the_rollout_until_a_person_promotes() {
    let mut lab = canary(UNDECIDED, MIDDLING);
    let run = lab.run(8);
    let reason = inconclusive(&run).expect("the analysis could not decide");
    assert!(
        reason.contains("error rate 2.5% (1 of 40 requests)")
            && reason.contains("above the 1% target but within the 10% limit"),
        "{reason}"
    );
    assert!(reason.contains("(1 inconclusive measurement, inconclusive limit 0)"), "{reason}");
    assert!(aborted(&run).is_none());
    let snapshot = lab.world.snapshot();
    assert_eq!(snapshot.rollout.phase.as_str(), "Paused");
    let split = |world: &World| world.revisions().iter().map(|r| r.desired).collect::<Vec<_>>();
    let held = split(&lab.world);
    assert_eq!(held, [8, 2], "held at the 20% step");

    // Waiting: nothing moves, nothing more is measured, and the progress deadline does not run.
    let run = lab.run(700);
    assert_eq!(split(&lab.world), held);
    assert!(inconclusive(&run).is_none() && aborted(&run).is_none());
    assert_ne!(lab.world.conditions().reason, lab_engine::ConditionReason::ProgressDeadlineExceeded);

    // Promoting accepts the analysis: the step is done and the canary goes on to the end.
    lab.world.apply(Command::PromoteRollout).unwrap();
    let run = lab.run(20);
    assert!(completed(&run), "{:?}", run.events);
}

#[test]
fn aborting_an_inconclusive_rollout_goes_back_to_stable() {
    let mut lab = canary(UNDECIDED, MIDDLING);
    lab.run(8);
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Paused");
    lab.world.apply(Command::AbortRollout).unwrap();
    lab.run(5);
    assert_eq!(lab.world.snapshot().rollout.phase.as_str(), "Degraded");
    assert_eq!(lab.world.revisions().iter().map(|r| r.desired).collect::<Vec<_>>(), [10, 0]);
}

#[test]
fn the_inconclusive_limit_tolerates_that_many_undecided_measurements() {
    let tolerant = r#"{"error_rate_target_percent": 1, "error_rate_max_percent": 10, "count": 3, "inconclusive_limit": 3}"#;
    let run = canary(tolerant, MIDDLING).run(30);
    assert!(inconclusive(&run).is_none() && completed(&run));
}

#[test]
fn blue_green_waits_on_an_inconclusive_smoke_test() {
    let strategy = format!(r#"{{"type": "blue_green", "pre_promotion_analysis": {UNDECIDED}}}"#);
    let mut lab = Driver::rollout(4, &strategy, MIDDLING);
    let reason = inconclusive(&lab.run(10)).expect("undecided smoke test");
    assert!(reason.starts_with("pre-promotion analysis inconclusive: revision 2"), "{reason}");
    assert_eq!(lab.world.rollout_view().stable, Some(1), "users stay on the old version");
    lab.world.apply(Command::PromoteRollout).unwrap();
    let run = lab.run(40);
    assert!(run.any(|e| matches!(e, Event::RolloutPromoted { revision: 2 })), "{:?}", run.events);
    assert!(completed(&run));
}
