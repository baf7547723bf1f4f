//! Same seed and same commands give the same trace; the trace notices any difference.

use lab_engine::{Playback, Scenario, World};

const DEMO: &str = include_str!("../../../scenarios/demo.json");

fn trace_digest(scenario: &Scenario, ticks: u64) -> String {
    let mut world = World::new(scenario);
    let mut playback = Playback::new(scenario);
    for _ in 0..ticks {
        playback.step(&mut world);
        world.drain_events().for_each(drop);
    }
    world.trace_digest().to_string()
}

#[test]
fn same_scenario_same_trace() {
    let scenario = Scenario::from_json(DEMO).unwrap();
    assert_eq!(trace_digest(&scenario, 60), trace_digest(&scenario, 60));
}

#[test]
fn a_different_seed_or_command_changes_the_trace() {
    let scenario = Scenario::from_json(DEMO).unwrap();
    let baseline = trace_digest(&scenario, 60);

    let mut reseeded = scenario.clone();
    reseeded.seed += 1;
    assert_ne!(trace_digest(&reseeded, 60), baseline);

    let mut later = scenario.clone();
    later.timeline.last_mut().expect("demo has a timeline").tick += 1;
    assert_ne!(trace_digest(&later, 60), baseline);
}

#[test]
fn trace_prefix_does_not_depend_on_how_far_the_run_goes() {
    let scenario = Scenario::from_json(DEMO).unwrap();
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    for _ in 0..20 {
        playback.step(&mut world);
    }
    assert_eq!(world.trace_digest().to_string(), trace_digest(&scenario, 20));
}
