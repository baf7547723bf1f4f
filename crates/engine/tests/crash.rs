//! A build that passes its readiness check and then falls over: the instances crash a few ticks
//! after going into service, are replaced like any unhealthy instance, and crash again.

mod common;

use common::run;

use lab_engine::{Event, Lifecycle};

fn crashes(events: &[Event]) -> usize {
    events.iter().filter(|e| matches!(e, Event::InstanceCrashed { .. })).count()
}

#[test]
fn a_crashing_release_passes_readiness_then_loops_through_crashes_and_replacements() {
    let (mut world, mut playback) =
        common::rollout(10, r#"{"type": "rolling"}"#, r#", "crash_after_ticks": 4"#);
    let events = run(&mut world, &mut playback, 40);
    // Readiness passed: instances of the new revision did go into service.
    assert!(events.iter().any(|e| matches!(e, Event::InstanceInService { .. })));
    // Then they fell over, were replaced by new instances, and those fell over too.
    assert!(crashes(&events) > 10, "{} crashes", crashes(&events));
    let launched = events.iter().filter(|e| matches!(e, Event::InstanceLaunched { .. })).count();
    assert!(launched > 10 + 5, "replacements were launched: {launched}");
    // Users noticed: requests in flight on a crashing instance fail.
    assert!(world.service_stats().failed_requests > 0);
    assert!(world.service_stats().faulty_requests > 0);
    // A crashed instance is out of service and marked as failing its health checks.
    let crashed = events.iter().rev().find_map(|e| match e {
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
    let (mut world, mut playback) = common::rollout(10, strategy, r#", "crash_after_ticks": 3"#);
    let events = run(&mut world, &mut playback, 15);
    let reason = events
        .iter()
        .find_map(|e| if let Event::RolloutAborted { cause } = e { Some(cause.to_string()) } else { None })
        .expect("aborted by analysis");
    assert!(
        reason.starts_with("analysis failed: revision 2") && reason.contains("above the 5% limit"),
        "{reason}"
    );
    // The crash came first, and only the canary's instances crashed.
    assert!(crashes(&events) >= 1 && crashes(&events) <= 2, "{}", crashes(&events));
}
