//! A build that passes its readiness check and then falls over: the instances crash a few ticks
//! after going into service, are replaced like any unhealthy instance, and crash again.

mod common;

use common::{Driver, Run};
use lab_engine::{Event, Lifecycle};

fn crashes(run: &Run) -> usize {
    run.count(|e| matches!(e, Event::InstanceCrashed { .. }))
}

#[test]
fn a_crashing_release_passes_readiness_then_loops_through_crashes_and_replacements() {
    let mut lab = Driver::rollout(10, r#"{"type": "rolling"}"#, r#", "crash_after_ticks": 4"#);
    let run = lab.run(40);
    // Readiness passed: instances of the new revision did go into service.
    assert!(run.any(|e| matches!(e, Event::InstanceInService { .. })));
    // Then they fell over, were replaced by new instances, and those fell over too.
    assert!(crashes(&run) > 10, "{} crashes", crashes(&run));
    let launched = run.count(|e| matches!(e, Event::InstanceLaunched { .. }));
    assert!(launched > 10 + 5, "replacements were launched: {launched}");
    // Users noticed: requests in flight on a crashing instance fail.
    let world = &lab.world;
    assert!(world.service_stats().failed_requests > 0);
    assert!(world.service_stats().faulty_requests > 0);
    // A crashed instance is out of service and marked as failing its health checks.
    let crashed = run.events.iter().rev().find_map(|(_, e)| match e {
        Event::InstanceCrashed { instance } => Some(*instance),
        _ => None,
    });
    let crashed = world.instances().iter().find(|i| Some(i.id) == crashed).expect("still shown");
    assert!(crashed.unhealthy && crashed.state != Lifecycle::InService);
}

#[test]
fn analysis_sees_the_requests_a_crashing_canary_drops_and_aborts() {
    let strategy = r#"{"type": "canary", "steps": [{"set_weight": 20}, {"pause": {"duration_ticks": 20}}],
        "analysis": {"error_rate_max_percent": 5}}"#;
    let run = Driver::rollout(10, strategy, r#", "crash_after_ticks": 3"#).run(15);
    let (_, reason) = run.abort_cause().expect("aborted by analysis");
    assert!(
        reason.starts_with("analysis failed: revision 2") && reason.contains("above the 5% limit"),
        "{reason}"
    );
    // The crash came first, and only the canary's instances crashed.
    assert!(crashes(&run) >= 1 && crashes(&run) <= 2, "{}", crashes(&run));
}
