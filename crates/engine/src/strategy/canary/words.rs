//! The canary in words: one line for the learner, and the JSON the page's editor starts from.

use super::spec::{Canary, CanaryStep};

pub(super) fn describe(canary: &Canary) -> String {
    // A router splits by weight; surge and unavailable only apply without one.
    let split = if canary.traffic_routing {
        "traffic router sets the weights".to_owned()
    } else {
        format!("max surge {} · max unavailable {}", canary.max_surge.plain(), canary.max_unavailable.plain())
    };
    // An analysis in force is said where the rollout is shown, so applying one is confirmed there.
    let analysis =
        canary.analysis.map_or(String::new(), |analysis| format!(" · analysis: {}", analysis.summary()));
    format!("canary · {} steps · {split}{analysis}", canary.steps.len())
}

pub(super) fn editor_json(canary: &Canary) -> String {
    let steps: Vec<String> = canary.steps.iter().map(step_json).collect();
    let analysis =
        canary.analysis.map_or(String::new(), |a| format!(",\n \"analysis\": {}", a.editor_json()));
    let routing = if canary.traffic_routing {
        format!(
            ",\n \"traffic_routing\": true, \"scale_down_delay_ticks\": {}, \"abort_scale_down_delay_ticks\": {}",
            canary.scale_down_delay_ticks, canary.abort_scale_down_delay_ticks
        ) + &canary
            .min_pods_per_replica_set
            .map_or(String::new(), |count| format!(", \"min_pods_per_replica_set\": {count}"))
    } else {
        String::new()
    };
    format!(
        "{{\"type\": \"canary\", \"max_surge\": {}, \"max_unavailable\": {},\n \"steps\": [{}]{analysis}{routing}}}",
        canary.max_surge,
        canary.max_unavailable,
        steps.join(", ")
    )
}

fn step_json(step: &CanaryStep) -> String {
    match step {
        CanaryStep::SetWeight(weight) => format!("{{\"set_weight\": {weight}}}"),
        CanaryStep::Pause { duration_ticks: Some(ticks) } => {
            format!("{{\"pause\": {{\"duration_ticks\": {ticks}}}}}")
        }
        CanaryStep::Pause { duration_ticks: None } => "{\"pause\": {}}".to_owned(),
        CanaryStep::Analysis(analysis) => format!("{{\"analysis\": {}}}", analysis.editor_json()),
        CanaryStep::SetCanaryScale { .. } => {
            let fields: Vec<String> =
                step.scale_fields().iter().map(|(_, name, value)| format!("\"{name}\": {value}")).collect();
            format!("{{\"set_canary_scale\": {{{}}}}}", fields.join(", "))
        }
    }
}
