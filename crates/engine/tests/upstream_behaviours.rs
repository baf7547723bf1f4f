//! Behaviours where the lab once differed from Argo Rollouts and Kubernetes, tick by tick, each
//! now as the controllers do it (issue 14; docs/semantics.md names each rule and its source).

mod common;

use common::{Driver, rows};
use lab_engine::Command;

// abortScaleDownDelaySeconds: 0 means the aborted revision is never scaled down.

#[test]
fn an_abort_delay_of_zero_keeps_the_aborted_preview() {
    let strategy =
        r#"{"type": "blue_green", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": 0}"#;
    let mut lab = Driver::rollout(3, strategy, "").at(3, Command::AbortRollout);
    let run = lab.rows(40, rows::weights);
    // The preview keeps its three instances; the users stay on the stable revision.
    assert_eq!(run.rows[39], "39: r1 3/3@100 r2 3/3@0", "{:#?}", &run.rows[..6]);
    // With a delay it goes, at abort + delay.
    let strategy =
        r#"{"type": "blue_green", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": 2}"#;
    let run = Driver::rollout(3, strategy, "").at(3, Command::AbortRollout).rows(8, rows::weights);
    assert_eq!(run.rows[5], "5: r1 3/3@100 r2 0/0@0", "{:#?}", run.rows);
}

#[test]
fn an_abort_delay_of_zero_keeps_the_aborted_routed_canary() {
    let strategy = r#"{"type": "canary", "traffic_routing": true, "abort_scale_down_delay_ticks": 0,
        "steps": [{"set_weight": 50}, {"pause": {}}]}"#;
    let mut lab = Driver::rollout(4, strategy, "").at(4, Command::AbortRollout);
    let run = lab.rows(40, rows::weights);
    assert_eq!(run.rows[39], "39: r1 4/4@100 r2 2/2@0", "{:#?}", &run.rows[..8]);
}

// setCanaryScale replicas are honoured as given, above the fleet size too.

#[test]
fn a_canary_scale_above_the_fleet_size_is_honoured() {
    let strategy = r#"{"type": "canary", "traffic_routing": true,
        "steps": [{"set_canary_scale": {"replicas": 6}}, {"set_weight": 10}, {"pause": {}}]}"#;
    let mut lab = Driver::rollout(4, strategy, "");
    let run = lab.rows(8, rows::weights);
    // Six canary instances beside the stable four, 10% of the traffic on them.
    assert_eq!(run.rows[7], "7: r1 4/4@90 r2 6/6@10", "{:#?}", run.rows);
}

// promote --full on a blue-green rollout: the whole fleet at once, no preview size, no analysis.

#[test]
fn a_full_promotion_of_a_blue_green_skips_the_preview_size_and_its_analysis() {
    let strategy = r#"{"type": "blue_green", "preview_replica_count": 1, "auto_promotion_enabled": false,
        "pre_promotion_analysis": {"error_rate_max_percent": 5}}"#;
    // A release that fails half its requests: the preview's analysis catches it, at preview size.
    let broken = r#", "error_rate_per_mille": 500"#;
    let run = Driver::rollout(4, strategy, broken).rows(6, rows::weights);
    assert!(run.abort_cause().is_some_and(|(_, cause)| cause.starts_with("pre-promotion analysis failed")));
    assert_eq!(run.rows[5], "5: r1 4/4@100 r2 1/1@0", "the users never met it: {:#?}", run.rows);
    // With it (given once the rollout started), the new revision grows to four at once and takes
    // the traffic as soon as they are ready; the pre-promotion analysis never runs.
    // A person who promotes fully takes that risk, as in Argo.
    let run = Driver::rollout(4, strategy, broken).at(1, Command::PromoteFullRollout).rows(6, rows::weights);
    assert_eq!(run.rows[1], "1: r1 4/4@100 r2 4/1@0", "{:#?}", run.rows);
    assert_eq!(run.rows[2], "2: r1 4/4@0 r2 4/4@100", "{:#?}", run.rows);
    assert!(run.abort_cause().is_none(), "{:?}", run.abort_cause());
}

// Going back to the stable revision mid-canary scales the canary down within maxUnavailable.

#[test]
fn an_undo_to_the_stable_revision_mid_canary_keeps_the_fleet_in_service() {
    let strategy = r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
        "steps": [{"set_weight": 20}, {"pause": {}}]}"#;
    let mut lab = Driver::rollout(10, strategy, "");
    let run = lab.rows(5, rows::counts);
    assert_eq!(run.rows[4], "4: r1 8/8 r2 2/2", "{:#?}", run.rows);
    lab.world.apply(Command::Undo { to_revision: None }).unwrap();
    let run = lab.rows(8, rows::in_service);
    // Before, the canary went at once and the fleet served with 8 for three ticks.
    assert!(run.rows.iter().all(|n| *n >= 10), "in service per tick: {:?}", run.rows);
    let r2: Vec<u32> = lab.world.revisions().iter().filter(|r| r.number != 3).map(|r| r.desired).collect();
    assert_eq!(r2, [0], "the canary is gone in the end");
}

// Older canary revisions (neither the target nor stable) are scaled down newest first.

#[test]
fn older_canary_revisions_go_newest_first() {
    let build = |version: &str| {
        format!(r#"{{"build_image": {{"base": "ubuntu-22.04", "app_version": "{version}"}}}}"#)
    };
    let deploy = |version: &str| format!(r#"{{"deploy": {{"image": "v{version}"}}}}"#);
    let mut lab = Driver::from_json(&format!(
        r#"{{"seed": 1, "fleet_size": 10, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
        "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
        "strategy": {{"type": "canary", "max_surge": 2, "max_unavailable": 0, "steps": [{{"set_weight": 20}}, {{"pause": {{}}}}]}},
        "timeline": [{{"tick": 0, "command": {}}}, {{"tick": 0, "command": {}}},
                     {{"tick": 5, "command": {}}}, {{"tick": 5, "command": {}}}]}}"#,
        build("2"),
        deploy("2"),
        build("3"),
        deploy("3"),
    ));
    // Revisions 2 and 3 both have instances in service; then back to revision 1.
    let run = lab.rows(6, rows::counts);
    let before = run.rows.last().unwrap().clone();
    lab.world.apply(Command::Undo { to_revision: Some(1) }).unwrap();
    let run = lab.rows(1, rows::counts);
    let shrunk = |revision: u32| {
        run.events.iter().any(|(_, e)| matches!(e, lab_engine::Event::RevisionScaled { revision: r, from, to } if *r == revision && to < from))
    };
    assert!(shrunk(3) && !shrunk(2), "{before} → {}: the newer revision 3 gives way first", run.rows[0]);
}

// A paused Argo rollout is resized by the strategy's own rules, not by proportional scaling.

#[test]
fn a_paused_blue_green_resized_gives_the_active_revision_the_whole_fleet() {
    let strategy = r#"{"type": "blue_green", "auto_promotion_enabled": false}"#;
    let mut lab =
        Driver::rollout(4, strategy, "").at(3, Command::Pause).at(4, Command::Scale { replicas: 8 });
    let run = lab.rows(10, rows::counts);
    // Active (r1) gets all 8, the preview follows the fleet size too (Argo: 8 and 8; before: 7 for
    // the active revision under proportional scaling).
    assert_eq!(run.rows[9], "9: r1 8/8 r2 8/8", "{:#?}", run.rows);
}

#[test]
fn a_paused_canary_resized_keeps_its_weight() {
    let strategy = r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
        "steps": [{"set_weight": 20}, {"pause": {}}]}"#;
    let mut lab =
        Driver::rollout(10, strategy, "").at(5, Command::Pause).at(6, Command::Scale { replicas: 20 });
    let run = lab.rows(14, rows::counts);
    // 20% of 20: four canary instances beside sixteen stable ones.
    assert_eq!(run.rows[13], "13: r1 16/16 r2 4/4", "{:#?}", run.rows);
}

#[test]
fn a_paused_routed_canary_resized_keeps_the_stable_revision_whole() {
    let strategy = r#"{"type": "canary", "traffic_routing": true,
        "steps": [{"set_weight": 20}, {"pause": {}}]}"#;
    let mut lab =
        Driver::rollout(10, strategy, "").at(5, Command::Pause).at(6, Command::Scale { replicas: 20 });
    let run = lab.rows(10, rows::weights);
    assert_eq!(run.rows[5], "5: r1 10/10@80 r2 2/2@20", "{:#?}", run.rows);
    // Argo: the stable revision is the whole fleet and the canary 20% of it; proportional scaling
    // (what the lab did before) gave the stable revision 21 beside the canary's 4.
    assert_eq!(run.rows[9], "9: r1 20/20@80 r2 4/4@20", "{:#?}", run.rows);
}

// A new image interrupting a traffic-routed canary: the router keeps the previous canary's share
// on it, and its instances, until the new canary is ready at its size.

#[test]
fn an_interrupted_routed_canary_keeps_serving_until_the_new_canary_is_ready() {
    let image = |version: &str| format!(r#"{{"base": "ubuntu-22.04", "app_version": "{version}"}}"#);
    let mut lab = Driver::from_json(&format!(
        r#"{{"seed": 1, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 2, "drain_ticks": 0,
        "image": {v1}, "strategy": {{"type": "canary", "traffic_routing": true, "steps": [{{"set_weight": 50}}, {{"pause": {{}}}}]}},
        "timeline": [{{"tick": 0, "command": {{"build_image": {v2}}}}}, {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}},
                     {{"tick": 6, "command": {{"build_image": {v3}}}}}, {{"tick": 6, "command": {{"deploy": {{"image": "v3"}}}}}}]}}"#,
        v1 = image("1"),
        v2 = image("2"),
        v3 = image("3"),
    ));
    let run = lab.rows(12, rows::weights);
    assert_eq!(run.rows[5], "5: r1 4/4@50 r2 2/2@50", "{:#?}", run.rows);
    // v3 is starting: v2 keeps its instances and its half of the requests meanwhile.
    assert_eq!(run.rows[6], "6: r1 4/4@50 r2 2/2@50 r3 2/0@0", "{:#?}", run.rows);
    assert_eq!(run.rows[7], "7: r1 4/4@50 r2 2/2@50 r3 2/0@0", "{:#?}", run.rows);
    // Once v3 is ready at its size the router moves to it and v2 goes.
    let last = run.rows.last().unwrap();
    assert!(last.contains("r2 0/0@0") && last.contains("r3 2/2@50"), "{:#?}", run.rows);
}
