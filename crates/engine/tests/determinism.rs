//! Same seed and same commands give the same trace; the trace notices any difference.

mod common;

use common::Driver;
use lab_engine::Scenario;

const DEMO: &str = include_str!("../../../scenarios/demo.json");

/// The trace digest after `ticks` ticks of `scenario` (whatever its commands meet: refusals too
/// are in the trace).
fn trace_digest(scenario: &Scenario, ticks: u64) -> String {
    let mut lab = Driver::new(scenario).allowing_refusals();
    lab.run(ticks);
    lab.world.trace_digest().to_string()
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
    let mut lab = Driver::new(&scenario).allowing_refusals();
    lab.run(20);
    assert_eq!(lab.world.trace_digest().to_string(), trace_digest(&scenario, 20));
}

/// Every command form documented in docs/scenario-format.md parses and runs without a refusal.
#[test]
fn every_documented_command_form_parses_and_runs() {
    let text = r#"{
      "seed": 1, "fleet_size": 3,
      "image": {"base": "ubuntu-22.04", "packages": {"openssl": "3.0.12"}, "app_version": "1.0.0"},
      "registry": {"immutable_tags": false},
      "pipeline": {"fail_on": "high", "nightly_base_refresh": false},
      "timeline": [
        {"tick": 1, "command": {"build_image": {"base": "ubuntu-22.04", "app_version": "1.1.0"}}},
        {"tick": 1, "command": {"deploy": {"image": "v1.1.0"}}},
        {"tick": 2, "command": {"tag": {"tag": "candidate", "image": "v1.0.0"}}},
        {"tick": 2, "command": {"scale": {"replicas": 4}}},
        {"tick": 3, "command": {"run_pipeline": {"spec": {"base": "ubuntu-22.04", "app_version": "1.2.0"},
                                                 "options": {"rebuild_per_environment": false}}}},
        {"tick": 4, "command": {"promote": {"image": "v1.0.0", "environment": "staging"}}},
        {"tick": 5, "command": {"publish_advisory": {"id": "LAB-1", "package": "openssl", "fixed_in": "3.0.13",
                                                     "severity": "high", "summary": "made up"}}},
        {"tick": 6, "command": {"set_nightly_refresh": {"enabled": true}}},
        {"tick": 30, "command": {"approve": {"run": 1}}},
        {"tick": 60, "command": "collect_garbage"},
        {"tick": 70, "command": {"set_immutable_tags": {"enabled": true}}}
      ]
    }"#;
    // The driver fails the run at a refused command.
    let mut lab = Driver::from_json(text);
    lab.run(80);
    assert!(lab.world.pipelines()[0].succeeded());
}

/// Every command the engine takes is documented in docs/scenario-format.md's command table, so a
/// new command cannot go undocumented (the list comes from the reader itself: the variants an
/// unknown command name is told to choose from).
#[test]
fn every_command_is_documented() {
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/scenario-format.md"))
        .unwrap();
    let table = docs.split("## Commands").nth(1).and_then(|rest| rest.split("\n## ").next()).unwrap();
    let refusal =
        serde_json::from_str::<lab_engine::Command>(r#""no_such_command""#).unwrap_err().to_string();
    let names: Vec<&str> =
        refusal.split("expected one of ").nth(1).unwrap().split('`').skip(1).step_by(2).collect();
    assert!(names.len() >= 25, "{refusal}");
    let undocumented: Vec<&&str> = names
        .iter()
        .filter(|name| {
            !table.contains(&format!("`{{\"{name}\"")) && !table.contains(&format!("`\"{name}\"`"))
        })
        .collect();
    assert!(undocumented.is_empty(), "commands missing from docs/scenario-format.md: {undocumented:?}");
}
