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
