//! The strategy scoreboard: the trade-offs a learner should see in numbers.

use lab_engine::Scenario;
use lab_engine::scoreboard::{Score, scoreboard};

fn scores(file: &str) -> Vec<Score> {
    let path = format!("{}/../../scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
    scoreboard(&Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap())
}

fn by_name<'a>(scores: &'a [Score], name: &str) -> &'a Score {
    scores.iter().find(|s| s.strategy == name).unwrap_or_else(|| panic!("no {name} in {scores:?}"))
}

#[test]
fn a_good_release_costs_downtime_only_with_recreate_and_double_capacity_with_blue_green() {
    let scores = scores("demo.json");
    let fleet = 12;
    for score in &scores {
        assert!(score.duration_ticks.is_some(), "{score:?}");
        assert_eq!(score.blast_radius, 0);
    }
    assert!(by_name(&scores, "recreate").downtime_ticks > 0);
    assert!(by_name(&scores, "recreate").failed_requests > 0);
    for name in ["rolling", "blue_green", "canary"] {
        assert_eq!(by_name(&scores, name).downtime_ticks, 0, "{name}");
    }
    assert_eq!(by_name(&scores, "blue_green").peak_instances, 2 * fleet);
    assert!(by_name(&scores, "rolling").peak_instances < 2 * fleet);
}

#[test]
fn only_the_analysed_canary_catches_a_buggy_release_and_it_limits_the_blast_radius() {
    let scores = scores("canary-bad.json");
    let canary = by_name(&scores, "canary");
    assert!(canary.detect_ticks.is_some() && canary.rollback_ticks.is_some(), "{canary:?}");
    for other in scores.iter().filter(|s| s.strategy != "canary") {
        assert_eq!(other.detect_ticks, None, "{other:?}");
        assert!(other.blast_radius > canary.blast_radius, "{other:?} vs {canary:?}");
    }
}

#[test]
fn an_instance_refresh_detects_a_broken_image_by_its_health_checks_and_rolls_back() {
    let scores = scores("instance-refresh-bad.json");
    let refresh = by_name(&scores, "instance_refresh");
    // Detected when the first batch's health-check timeout (12 ticks) runs out.
    assert_eq!(refresh.detect_ticks, Some(12), "{refresh:?}");
    assert!(refresh.rollback_ticks.is_some(), "{refresh:?}");
    // Never below the 80% healthy floor of ten instances.
    assert_eq!(refresh.min_available, 8);
    // The other strategies have no health-check timeout: they stall and never finish.
    for other in scores.iter().filter(|s| s.strategy != "instance_refresh") {
        assert_eq!(other.duration_ticks, None, "{other:?}");
    }
}
