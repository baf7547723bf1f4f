//! The rollout the strategy tests share: a fleet on v1 with R = 1 and G = 0 (the conventions of
//! docs/semantics.md), and v2 built and deployed at tick 0.

// Each test file uses the helpers it needs.
#![allow(dead_code)]

use lab_engine::{Event, Playback, Scenario, World};

/// `fleet` instances on v1 under `strategy` (JSON); v2's image spec gets `v2_extra` (JSON fields
/// starting with a comma, such as `, "broken": true`).
pub fn rollout(fleet: u32, strategy: &str, v2_extra: &str) -> (World, Playback) {
    let text = format!(
        r#"{{
      "seed": 1, "fleet_size": {fleet}, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
      "strategy": {strategy},
      "timeline": [
        {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"{v2_extra}}}}}}},
        {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}
      ]
    }}"#
    );
    let scenario = Scenario::from_json(&text).unwrap_or_else(|error| panic!("{error}"));
    (World::new(&scenario), Playback::new(&scenario))
}

/// Runs `ticks` ticks, checking the world's invariants after each, and returns their events.
pub fn run(world: &mut World, playback: &mut Playback, ticks: u64) -> Vec<Event> {
    let mut events = Vec::new();
    for _ in 0..ticks {
        playback.step(world);
        world.check_invariants().unwrap();
        events.extend(world.drain_events());
    }
    events
}
