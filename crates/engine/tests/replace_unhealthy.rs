//! AWS replacing unhealthy instances (§4.2 of docs/semantics.md): up to 10% of desired capacity at
//! a time (one if that is less than one), each batch waiting until its replacements pass their
//! health checks.

use lab_engine::{Command, Playback, Scenario, World};

/// `fleet` instances; at tick 2, `failing` of them start failing health checks; R = 1, G = 0.
fn fleet_with_failures(fleet: u32, failing: u32) -> (World, Playback) {
    let text = format!(
        r#"{{
      "seed": 1, "fleet_size": {fleet}, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
      "timeline": [{{"tick": 2, "command": {{"fail_health_checks": {{"count": {failing}}}}}}}]
    }}"#
    );
    let scenario = Scenario::from_json(&text).unwrap_or_else(|error| panic!("{error}"));
    (World::new(&scenario), Playback::new(&scenario))
}

/// Instances in service after each of `ticks` ticks.
fn in_service(world: &mut World, playback: &mut Playback, ticks: u64) -> Vec<u32> {
    (0..ticks)
        .map(|_| {
            playback.step(world);
            world.check_invariants().unwrap();
            world.snapshot().revisions.iter().map(|r| r.available).sum()
        })
        .collect()
}

#[test]
fn five_unhealthy_of_twenty_are_replaced_two_at_a_time() {
    let (mut world, mut playback) = fleet_with_failures(20, 5);
    // 10% of 20 = 2 per batch; each batch is in service one tick later, then the next starts.
    assert_eq!(in_service(&mut world, &mut playback, 7), [20, 20, 15, 17, 19, 20, 20]);
    // Every unhealthy instance is gone: the fleet is back to twenty live instances.
    let live: u32 = world.snapshot().revisions.iter().map(|r| r.live).sum();
    assert_eq!(live, 20);
}

#[test]
fn a_small_fleet_replaces_one_at_a_time() {
    let (mut world, mut playback) = fleet_with_failures(5, 2);
    assert_eq!(in_service(&mut world, &mut playback, 6), [5, 5, 3, 4, 5, 5]);
}

#[test]
fn failing_more_instances_than_serve_is_refused() {
    let (mut world, _) = fleet_with_failures(5, 0);
    let error = world.apply(Command::FailHealthChecks { count: 9 }).unwrap_err();
    assert_eq!(error.to_string(), "only 5 instances are in service; cannot fail the health checks of 9");
}
