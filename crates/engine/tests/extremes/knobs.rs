//! Every number a scenario can carry, with its smallest and largest allowed value, its type and
//! where it sits in a scenario: the table the extremes test walks.

use lab_engine::Limits;

pub const WAIT: u64 = Limits::WAIT_TICKS_MAX;
pub const FLEET: u64 = Limits::FLEET_MAX as u64;

/// Which integer type a field has: its extremes end at the top of that type.
#[derive(Clone, Copy)]
pub enum Width {
    U32,
    U64,
}

/// One number somewhere in a scenario.
pub struct Knob {
    /// What the refusal must name: the field, or (for an analysis, which serde reads whole with
    /// its strategy) the strategy plus a fragment of the message.
    pub field: &'static str,
    pub message: Option<&'static str>,
    pub min: u64,
    pub max: u64,
    pub width: Width,
    /// Scenario JSON with `{}` where the number goes.
    pub template: String,
}

pub fn knob(field: &'static str, min: u64, max: u64, width: Width, template: &str) -> Knob {
    Knob { field, message: None, min, max, width, template: template.to_owned() }
}

/// A small fleet on v1, v2 built and deployed at tick 0, then promoted, aborted and retried, so
/// every wait a strategy has is entered. `{extra}` adds top-level fields, `{image}` image fields.
pub fn scenario(extra: &str, image: &str, timeline: &str) -> String {
    format!(
        r#"{{"seed": 7, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 1,
          "image": {{"base": "ubuntu-22.04", "app_version": "1"{image}}}{extra},
          "timeline": [
            {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2", "error_rate_per_mille": 20}}}}}},
            {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}},
            {{"tick": 6, "command": "promote_rollout"}},
            {{"tick": 12, "command": "abort_rollout"}},
            {{"tick": 16, "command": "retry_rollout"}},
            {{"tick": 18, "command": {{"fail_health_checks": {{"count": 1}}}}}}{timeline}
          ]}}"#
    )
}

pub fn strategy(json: &str) -> String {
    scenario(&format!(r#", "strategy": {json}"#), "", "")
}

pub fn knobs() -> Vec<Knob> {
    use Width::{U32, U64};
    let analysis = |name: &'static str, min: u64, max: u64| Knob {
        field: "strategy",
        message: Some(name),
        min,
        max,
        width: U32,
        template: strategy(&format!(
            r#"{{"type": "canary", "steps": [{{"set_weight": 50}}, {{"analysis": {{"error_rate_max_percent": 50, "{name}": {{}}}}}}], "analysis": {{"latency_max_ms": 500000}}}}"#
        )),
    };
    vec![
        knob(
            "fleet_size",
            0,
            FLEET,
            U32,
            &scenario("", "", "").replace(r#""fleet_size": 4"#, r#""fleet_size": {}"#),
        ),
        knob(
            "pull_ticks",
            0,
            1_000,
            U32,
            &scenario("", "", "").replace(r#""pull_ticks": 0"#, r#""pull_ticks": {}"#),
        ),
        knob(
            "boot_ticks",
            1,
            1_000,
            U32,
            &scenario("", "", "").replace(r#""boot_ticks": 1"#, r#""boot_ticks": {}"#),
        ),
        knob(
            "drain_ticks",
            0,
            1_000,
            U32,
            &scenario("", "", "").replace(r#""drain_ticks": 1"#, r#""drain_ticks": {}"#),
        ),
        knob(
            "pull_mb_per_tick",
            1,
            100_000,
            U32,
            &scenario(r#", "pull_mb_per_tick": {}"#, "", "").replace(r#""pull_ticks": 0, "#, ""),
        ),
        knob(
            "random_drift_per_mille",
            0,
            1_000,
            U32,
            &scenario(r#", "random_drift_per_mille": {}, "mode": "mutable""#, "", ""),
        ),
        knob("max_instance_age_ticks", 0, WAIT, U64, &scenario(r#", "max_instance_age_ticks": {}"#, "", "")),
        knob(
            "progress_deadline_ticks",
            0,
            WAIT,
            U64,
            &scenario(r#", "progress_deadline_ticks": {}"#, "", ""),
        ),
        knob("image.crash_after_ticks", 0, WAIT, U32, &scenario("", r#", "crash_after_ticks": {}"#, "")),
        knob(
            "image.error_rate_per_mille",
            0,
            1_000,
            U32,
            &scenario("", r#", "error_rate_per_mille": {}"#, ""),
        ),
        knob("image.added_latency_ms", 0, 60_000, U32, &scenario("", r#", "added_latency_ms": {}"#, "")),
        knob(
            "timeline[6].tick",
            0,
            Limits::TIMELINE_TICK_MAX,
            U64,
            &scenario("", "", r#", {"tick": {}, "command": "pause"}"#),
        ),
        knob(
            "timeline[6].command.scale.replicas",
            0,
            FLEET,
            U32,
            &scenario("", "", r#", {"tick": 3, "command": {"scale": {"replicas": {}}}}"#),
        ),
        knob(
            "timeline[6].command.fail_health_checks.count",
            0,
            FLEET,
            U32,
            &scenario("", "", r#", {"tick": 3, "command": {"fail_health_checks": {"count": {}}}}"#),
        ),
        knob(
            "timeline[6].command.ssh.change.write_local_data.mb",
            1,
            100_000,
            U32,
            &scenario(
                r#", "mode": "mutable""#,
                "",
                r#", {"tick": 3, "command": {"ssh": {"instances": [1], "actor": "a", "change": {"write_local_data": {"mb": {}}}}}}"#,
            ),
        ),
        knob(
            "timeline[6].command.set_strategy.steps[0].pause.duration_ticks",
            0,
            WAIT,
            U64,
            &scenario(
                "",
                "",
                r#", {"tick": 3, "command": {"set_strategy": {"type": "canary", "steps": [{"pause": {"duration_ticks": {}}}]}}}"#,
            ),
        ),
        knob("strategy.max_surge", 0, FLEET, U32, &strategy(r#"{"type": "rolling", "max_surge": {}}"#)),
        knob(
            "strategy.max_unavailable",
            0,
            FLEET,
            U32,
            &strategy(r#"{"type": "rolling", "max_unavailable": {}}"#),
        ),
        knob("strategy.max_surge", 0, 100, U32, &strategy(r#"{"type": "rolling", "max_surge": "{}%"}"#)),
        knob(
            "strategy.max_unavailable",
            0,
            100,
            U32,
            &strategy(r#"{"type": "rolling", "max_unavailable": "{}%"}"#),
        ),
        knob(
            "strategy.max_surge",
            0,
            FLEET,
            U32,
            &strategy(r#"{"type": "canary", "steps": [{"set_weight": 50}], "max_surge": {}}"#),
        ),
        knob(
            "strategy.max_unavailable",
            0,
            100,
            U32,
            &strategy(r#"{"type": "canary", "max_unavailable": "{}%"}"#),
        ),
        knob(
            "strategy.steps[0]",
            0,
            100,
            U32,
            &strategy(r#"{"type": "canary", "steps": [{"set_weight": {}}]}"#),
        ),
        knob(
            "strategy.steps[1].pause.duration_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {"duration_ticks": {}}}]}"#,
            ),
        ),
        knob(
            "strategy.steps[0].set_canary_scale.replicas",
            0,
            FLEET,
            U32,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"replicas": {}}}, {"set_weight": 50}]}"#,
            ),
        ),
        knob(
            "strategy.steps[0].set_canary_scale.weight",
            0,
            200,
            U32,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"weight": {}}}, {"set_weight": 50}]}"#,
            ),
        ),
        knob(
            "strategy.min_pods_per_replica_set",
            0,
            FLEET,
            U32,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 5}], "min_pods_per_replica_set": {}}"#,
            ),
        ),
        knob(
            "strategy.scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 50}], "scale_down_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.abort_scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 50}], "abort_scale_down_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.preview_replica_count",
            0,
            FLEET,
            U32,
            &strategy(r#"{"type": "blue_green", "preview_replica_count": {}}"#),
        ),
        knob(
            "strategy.auto_promotion_ticks",
            0,
            WAIT,
            U64,
            &strategy(r#"{"type": "blue_green", "auto_promotion_ticks": {}}"#),
        ),
        knob(
            "strategy.scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(r#"{"type": "blue_green", "scale_down_delay_ticks": {}}"#),
        ),
        knob(
            "strategy.abort_scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "blue_green", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.min_healthy_percentage",
            0,
            100,
            U32,
            &strategy(r#"{"type": "instance_refresh", "min_healthy_percentage": {}}"#),
        ),
        knob(
            "strategy.max_healthy_percentage",
            100,
            200,
            U32,
            &strategy(
                r#"{"type": "instance_refresh", "min_healthy_percentage": 100, "max_healthy_percentage": {}}"#,
            ),
        ),
        knob(
            "strategy.warmup_ticks",
            0,
            WAIT,
            U64,
            &strategy(r#"{"type": "instance_refresh", "warmup_ticks": {}}"#),
        ),
        knob(
            "strategy.checkpoint_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "instance_refresh", "checkpoint_percentages": [50, 100], "checkpoint_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.health_check_timeout_ticks",
            1,
            WAIT,
            U64,
            &strategy(r#"{"type": "instance_refresh", "health_check_timeout_ticks": {}}"#),
        ),
        analysis("interval_ticks", 1, WAIT),
        analysis("window_ticks", 1, 64),
        analysis("count", 1, 10_000),
        analysis("failure_limit", 0, 10_000),
        analysis("inconclusive_limit", 0, 10_000),
        analysis("latency_max_ms", 0, 600_000),
        analysis("error_rate_target_percent", 0, 50),
    ]
}
