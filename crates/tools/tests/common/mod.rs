//! What the tests of the hands-on tools (docker, trivy, ssh, ansible-playbook) share: the scenarios
//! they type against, and running a line as the shell would. Each test file uses a part of it.
#![allow(dead_code)]

use lab_engine::{Digest, Instance, Scenario, World};
use lab_tools::{Act, Reply, run};

/// The sandbox: twelve servers on `web:v1.0.0` (ubuntu-22.04, curl 8.4.0, openssl 3.0.11, nodejs
/// 20.9.0), an immutable fleet (the default mode), mutable tags.
pub const SANDBOX: &str = include_str!("../../../../scenarios/sandbox.json");
/// Thirty servers run by hand: a mutable fleet (openssl 3.0.2).
pub const SNOWFLAKES: &str = include_str!("../../../../scenarios/seed-004.json");
/// Six servers on an image with nothing known against it (openssl 3.0.12, curl 8.4.0).
pub const PINNED: &str = include_str!("../../../../scenarios/latest-pinned.json");

pub fn world(json: &str) -> World {
    World::new(&Scenario::from_json(json).expect("the scenario parses"))
}

/// The sandbox with immutable tags.
pub fn immutable_tags_world() -> World {
    let mut scenario = Scenario::from_json(SANDBOX).expect("the scenario parses");
    scenario.registry.immutable_tags = true;
    World::new(&scenario)
}

/// What a read-only command printed; fails if it would change anything.
pub fn printed(world: &World, line: &str) -> lab_tools::Output {
    match run(world, line) {
        Reply::Print(output) => output,
        Reply::Act(act) => panic!("`{line}` should only print, but gives {:?}", act.commands),
    }
}

pub fn acted(world: &World, line: &str) -> Act {
    match run(world, line) {
        Reply::Act(act) => act,
        Reply::Print(output) => panic!("`{line}` should act, but prints:\n{}", output.text),
    }
}

/// Applies an act's commands as the shell does; returns the text it would print.
pub fn apply(world: &mut World, act: &Act) -> String {
    for command in &act.commands {
        if let Err(error) = world.apply(command.clone()) {
            return act.refused(&error);
        }
    }
    act.done.clone()
}

/// Everything about a world that a command could change.
pub fn fingerprint(world: &World) -> (Digest, String, String) {
    (world.trace_digest(), format!("{:?}", world.snapshot()), format!("{world:?}"))
}

pub fn image_with_tag(world: &World, tag: &str) -> Digest {
    let supply = world.supply_view();
    supply
        .images
        .iter()
        .find(|image| supply.tags_of(image.digest).any(|t| t == tag))
        .map(|image| image.digest)
        .expect("the tag names an image")
}

pub fn live(world: &World) -> Vec<Instance> {
    world.fleet_view().live().cloned().collect()
}

pub fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}
