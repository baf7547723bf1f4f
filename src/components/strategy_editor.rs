//! Edit the deployment strategy as JSON, checked as you type with the real rules (Kubernetes' and
//! Argo's own messages); nothing changes until the text is valid and applied.

use std::rc::Rc;

use lab_engine::StrategySpec;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StrategyEditorProps {
    pub current: Rc<StrategySpec>,
    pub on_apply: Callback<StrategySpec>,
}

/// The strategy as the JSON the editor starts from. Written by hand: serde's serializer for these
/// types would add kilobytes to the download for one text box.
pub fn strategy_json(strategy: &StrategySpec) -> String {
    use lab_engine::strategy::CanaryStep;
    match strategy {
        StrategySpec::Rolling(rolling) => format!(
            "{{\"type\": \"rolling\", \"max_surge\": {}, \"max_unavailable\": {}}}",
            rolling.max_surge, rolling.max_unavailable
        ),
        StrategySpec::Recreate(_) => "{\"type\": \"recreate\"}".to_owned(),
        StrategySpec::BlueGreen(blue_green) => {
            let mut fields = vec![
                "\"type\": \"blue_green\"".to_owned(),
                format!("\"auto_promotion_enabled\": {}", blue_green.auto_promotion_enabled),
                format!("\"scale_down_delay_ticks\": {}", blue_green.scale_down_delay_ticks),
                format!("\"abort_scale_down_delay_ticks\": {}", blue_green.abort_scale_down_delay_ticks),
            ];
            if let Some(ticks) = blue_green.auto_promotion_ticks {
                fields.push(format!("\"auto_promotion_ticks\": {ticks}"));
            }
            if let Some(count) = blue_green.preview_replica_count {
                fields.push(format!("\"preview_replica_count\": {count}"));
            }
            if let Some(analysis) = &blue_green.pre_promotion_analysis {
                fields.push(format!("\n \"pre_promotion_analysis\": {}", analysis_json(analysis)));
            }
            if let Some(analysis) = &blue_green.post_promotion_analysis {
                fields.push(format!("\n \"post_promotion_analysis\": {}", analysis_json(analysis)));
            }
            format!("{{{}}}", fields.join(", "))
        }
        StrategySpec::Canary(canary) => {
            let steps: Vec<String> = canary
                .steps
                .iter()
                .map(|step| match step {
                    CanaryStep::SetWeight(weight) => format!("{{\"set_weight\": {weight}}}"),
                    CanaryStep::Pause { duration_ticks: Some(ticks) } => {
                        format!("{{\"pause\": {{\"duration_ticks\": {ticks}}}}}")
                    }
                    CanaryStep::Pause { duration_ticks: None } => "{\"pause\": {}}".to_owned(),
                    CanaryStep::Analysis(a) => format!("{{\"analysis\": {}}}", analysis_json(a)),
                    CanaryStep::SetCanaryScale { replicas: Some(count), .. } => {
                        format!("{{\"set_canary_scale\": {{\"replicas\": {count}}}}}")
                    }
                    CanaryStep::SetCanaryScale { weight: Some(share), .. } => {
                        format!("{{\"set_canary_scale\": {{\"weight\": {share}}}}}")
                    }
                    CanaryStep::SetCanaryScale { .. } => {
                        "{\"set_canary_scale\": {\"match_traffic_weight\": true}}".to_owned()
                    }
                })
                .collect();
            let analysis =
                canary.analysis.map_or(String::new(), |a| format!(",\n \"analysis\": {}", analysis_json(&a)));
            let routing = if canary.traffic_routing {
                format!(
                    ",\n \"traffic_routing\": true, \"scale_down_delay_ticks\": {}, \"abort_scale_down_delay_ticks\": {}",
                    canary.scale_down_delay_ticks, canary.abort_scale_down_delay_ticks
                )
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
        StrategySpec::InstanceRefresh(refresh) => {
            let checkpoints: Vec<String> =
                refresh.checkpoint_percentages.iter().map(|share| share.to_string()).collect();
            format!(
                "{{\"type\": \"instance_refresh\", \"min_healthy_percentage\": {}, \"max_healthy_percentage\": {},\n \
                 \"warmup_ticks\": {}, \"checkpoint_percentages\": [{}], \"checkpoint_delay_ticks\": {},\n \
                 \"health_check_timeout_ticks\": {}, \"auto_rollback\": {}}}",
                refresh.min_healthy_percentage,
                refresh.max_healthy_percentage,
                refresh.warmup_ticks,
                checkpoints.join(", "),
                refresh.checkpoint_delay_ticks,
                refresh.health_check_timeout_ticks,
                refresh.auto_rollback
            )
        }
    }
}

/// A canary analysis as JSON (the thresholds set, plus the cadence and limits), spaced like the
/// rest of the editor's text. Its values are all numbers, so the spacing cannot touch a string.
fn analysis_json(analysis: &lab_engine::strategy::CanaryAnalysis) -> String {
    serde_json::to_string(analysis).unwrap_or_default().replace(",\"", ", \"").replace("\":", "\": ")
}

/// Parses strategy JSON, or says exactly what is wrong with it.
pub fn parse_strategy(text: &str) -> Result<StrategySpec, String> {
    // The editor shows the message alone: the learner is looking at the text it is about.
    lab_engine::parse_json::<StrategySpec>(text).map_err(|error| error.message)
}

#[component]
pub fn StrategyEditor(props: &StrategyEditorProps) -> Html {
    let text = {
        let current = props.current.clone();
        use_state(move || strategy_json(&current))
    };
    let parsed = parse_strategy(&text);
    let oninput = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| {
            text.set(event.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let onclick = {
        let (parsed, on_apply) = (parsed.clone(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| {
            if let Ok(strategy) = &parsed {
                on_apply.emit(strategy.clone());
            }
        })
    };
    html! {
        <details class="strategy-editor">
            <summary>{"Strategy settings"}</summary>
            <label class="field">
                <span>{"Strategy (JSON)"}</span>
                <textarea rows="8" spellcheck="false" value={(*text).clone()} {oninput} />
            </label>
            <p class={classes!("validation", if parsed.is_ok() { "good" } else { "bad" })} data-testid="strategy-validation" aria-live="polite">
                { match &parsed {
                    Ok(strategy) => format!("✓ {}", strategy.describe()),
                    Err(message) => message.clone(),
                } }
            </p>
            <button class="primary" disabled={parsed.is_err()} {onclick}>{"Apply strategy"}</button>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_strategy;

    #[test]
    fn the_editor_reports_the_real_systems_messages() {
        let both_zero =
            parse_strategy(r#"{"type": "rolling", "max_surge": 0, "max_unavailable": 0}"#).unwrap_err();
        assert_eq!(
            both_zero,
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
        );
        let weight = parse_strategy(r#"{"type": "canary", "steps": [{"set_weight": 150}]}"#).unwrap_err();
        assert!(weight.contains("steps[0].setWeight: Invalid value: 150"), "{weight}");
        assert!(parse_strategy(r#"{"type": "recreate"}"#).is_ok());
    }

    #[test]
    fn the_editor_refuses_numbers_beyond_their_bounds() {
        for (text, said) in [
            (r#"{"type": "rolling", "max_surge": 4294967295, "max_unavailable": 0}"#, "maxSurge"),
            (
                r#"{"type": "canary", "steps": [{"pause": {"duration_ticks": 18446744073709551615}}]}"#,
                "1000000",
            ),
            (r#"{"type": "blue_green", "scale_down_delay_ticks": 18446744073709551615}"#, "1000000"),
            (r#"{"type": "instance_refresh", "warmup_ticks": 18446744073709551615}"#, "1000000"),
        ] {
            let refused = parse_strategy(text).expect_err(text);
            assert!(refused.contains(said), "{text}: {refused}");
        }
    }

    #[test]
    fn analyses_survive_the_round_trip_through_the_editor() {
        for text in [
            r#"{"type": "blue_green", "pre_promotion_analysis": {"error_rate_max_percent": 5, "count": 2},
                "post_promotion_analysis": {"error_rate_max_percent": 1, "window_ticks": 4}}"#,
            r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 10},
                {"analysis": {"error_rate_max_percent": 2, "count": 3}}, {"set_canary_scale": {"match_traffic_weight": true}}]}"#,
        ] {
            let strategy = parse_strategy(text).unwrap();
            assert_eq!(parse_strategy(&super::strategy_json(&strategy)), Ok(strategy), "{text}");
        }
    }

    #[test]
    fn the_starting_text_reads_back_as_the_same_strategy() {
        for name in crate::scenarios::names() {
            let scenario = lab_engine::Scenario::from_json(crate::scenarios::by_name(name).unwrap()).unwrap();
            let text = super::strategy_json(&scenario.strategy);
            assert_eq!(parse_strategy(&text).as_ref(), Ok(&scenario.strategy), "{name}: {text}");
        }
    }
}
