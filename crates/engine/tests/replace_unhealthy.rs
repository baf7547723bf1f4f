//! AWS replacing unhealthy instances (§4.2 of docs/semantics.md): up to 10% of desired capacity at
//! a time (one if that is less than one), each batch waiting until its replacements pass their
//! health checks.

mod common;

use common::{Driver, rows};
use lab_engine::Command;

/// `fleet` instances; at tick 2, `failing` of them start failing health checks; R = 1, G = 0.
fn fleet_with_failures(fleet: u32, failing: u32) -> Driver {
    Driver::from_json(&format!(
        r#"{{
      "seed": 1, "fleet_size": {fleet}, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
      "timeline": [{{"tick": 2, "command": {{"fail_health_checks": {{"count": {failing}}}}}}}]
    }}"#
    ))
}

#[test]
fn five_unhealthy_of_twenty_are_replaced_two_at_a_time() {
    let mut lab = fleet_with_failures(20, 5);
    // 10% of 20 = 2 per batch; each batch is in service one tick later, then the next starts.
    assert_eq!(lab.rows(7, rows::in_service).rows, [20, 20, 15, 17, 19, 20, 20]);
    // Every unhealthy instance is gone: the fleet is back to twenty live instances.
    let live: u32 = lab.world.snapshot().revisions.iter().map(|r| r.live).sum();
    assert_eq!(live, 20);
}

#[test]
fn a_small_fleet_replaces_one_at_a_time() {
    assert_eq!(fleet_with_failures(5, 2).rows(6, rows::in_service).rows, [5, 5, 3, 4, 5, 5]);
}

#[test]
fn failing_more_instances_than_serve_is_refused() {
    let mut lab = fleet_with_failures(5, 0);
    let error = lab.world.apply(Command::FailHealthChecks { count: 9 }).unwrap_err();
    assert_eq!(error.to_string(), "only 5 instances are in service; cannot fail the health checks of 9");
}
