//! Argo Rollouts canary with traffic routing, tick by tick: the router's weight and the canary's
//! size are separate (§3.4 of docs/semantics.md), `set_canary_scale` overrides the size, the
//! weight waits for the canary's instances, promotion keeps the old stable for the scale-down
//! delay, abort sends all traffic back at once.

mod common;

use common::{Driver, rows};
use lab_engine::Command;

/// Ten instances on v1, a traffic-routed canary with `steps`, v2 deployed at tick 0; R = 1, G = 0.
fn routed(steps: &str, extra: &str) -> Driver {
    let strategy = format!(
        r#"{{"type": "canary", "traffic_routing": true, "scale_down_delay_ticks": 3,
             "abort_scale_down_delay_ticks": 2, "steps": {steps}{extra}}}"#
    );
    Driver::rollout(10, &strategy, "")
}

#[test]
fn the_router_splits_by_weight_while_stable_keeps_the_whole_fleet() {
    let run = routed(
        r#"[{"set_weight": 20}, {"pause": {}}, {"set_canary_scale": {"replicas": 5}}, {"set_weight": 50},
            {"pause": {"duration_ticks": 2}}]"#,
        "",
    )
    .at(3, Command::PromoteRollout)
    .rows(12, rows::phase_step_weights);
    assert_eq!(
        run.rows,
        [
            // ceil(20% of 10) = 2 canary instances; no traffic until they are ready.
            "0 Progressing 0: r1 10/10@100 r2 2/0@0",
            // Ready: the router gives them 20%, and the pause begins.
            "1 Paused 1: r1 10/10@80 r2 2/2@20",
            "2 Paused 1: r1 10/10@80 r2 2/2@20",
            // Promoted: set_canary_scale makes it 5 instances, the weight stays 20% meanwhile.
            "3 Progressing 2: r1 10/10@80 r2 5/2@20",
            // 5 ready: 50% of the traffic, then a two-tick pause.
            "4 Paused 4: r1 10/10@50 r2 5/5@50",
            "5 Paused 4: r1 10/10@50 r2 5/5@50",
            // Steps done: the canary grows to the whole fleet before it takes all the traffic.
            "6 Progressing 5: r1 10/10@50 r2 10/5@50",
            // Promoted and whole: Healthy, as Argo reads it, while the old stable stays for the
            // 3-tick scale-down delay, then goes.
            "7 Healthy 5: r1 10/10@0 r2 10/10@100",
            "8 Healthy 5: r1 10/10@0 r2 10/10@100",
            "9 Healthy 5: r1 10/10@0 r2 10/10@100",
            "10 Healthy 5: r1 0/0@0 r2 10/10@100",
            "11 Healthy 5: r1 0/0@0 r2 10/10@100",
        ]
    );
}

#[test]
fn abort_takes_the_traffic_back_at_once_and_the_canary_later() {
    let mut lab = routed(r#"[{"set_weight": 30}, {"pause": {}}]"#, "");
    let mut run = lab.rows(3, rows::phase_step_weights);
    lab.world.apply(Command::AbortRollout).unwrap();
    run.rows.extend(lab.rows(4, rows::phase_step_weights).rows);
    assert_eq!(run.rows[2], "2 Paused 1: r1 10/10@70 r2 3/3@30");
    // All requests back to stable at the abort; the canary's 3 instances go 2 ticks later.
    assert_eq!(run.rows[3], "3 Degraded 0: r1 10/10@100 r2 3/3@0");
    assert_eq!(run.rows[4], "4 Degraded 0: r1 10/10@100 r2 3/3@0");
    assert_eq!(run.rows[5], "5 Degraded 0: r1 10/10@100 r2 0/0@0");
}

#[test]
fn set_canary_scale_needs_a_router_and_a_bounded_weight() {
    let parse = |json: &str| serde_json::from_str::<lab_engine::StrategySpec>(json).unwrap_err().to_string();
    assert!(
        parse(r#"{"type": "canary", "steps": [{"set_canary_scale": {"replicas": 2}}]}"#)
            .contains("SetCanaryScale requires TrafficRouting to be set")
    );
    // Twice the fleet is the most a weight may ask for; the refusal names the field and the bound.
    assert!(
        parse(
            r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"weight": 201}}]}"#
        )
        .contains("steps[0].setCanaryScale.weight: Invalid value: 201: must be at most 200")
    );
    assert!(
        parse(r#"{"type": "canary", "min_pods_per_replica_set": 2}"#)
            .contains("minPodsPerReplicaSet: applies only to a canary with traffic routing")
    );
    assert!(
        parse(r#"{"type": "canary", "traffic_routing": true, "min_pods_per_replica_set": 100001}"#)
            .contains("min_pods_per_replica_set: must be at most 100000")
    );
    // Several fields at once are accepted, as Argo accepts them (the first set wins: see the
    // upstream rows in argo_tables.rs); a weight above 100 is legal for a canary scale.
    let accepted = |json: &str| serde_json::from_str::<lab_engine::StrategySpec>(json).map(|_| ());
    accepted(r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"replicas": 2, "weight": 150}}]}"#)
        .unwrap();
}
