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

/// The strategy as the JSON the editor starts from (each strategy writes its own).
pub fn strategy_json(strategy: &StrategySpec) -> String {
    strategy.strategy().editor_json()
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
            <div class="start-from" role="group" aria-label="Start from a strategy">
                <span>{"Start from:"}</span>
                { for StrategySpec::catalogue().into_iter().map(|spec| {
                    let text = text.clone();
                    let json = spec.strategy().editor_json();
                    let title = format!("Fill the editor with {}", spec.describe());
                    let onclick = Callback::from(move |_: MouseEvent| text.set(json.clone()));
                    html! { <button type="button" class="chip" {title} {onclick}>{ spec.strategy().label() }</button> }
                }) }
            </div>
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
            // The notes under the card's head are for the strategy in force; one of another
            // kind (or with a router where there was none) gets its own here.
            if let Some(strategy) = parsed.as_ref().ok().filter(|s| s.modelling_notes() != props.current.modelling_notes()) {
                { crate::components::modelling_notes(&crate::components::ModellingNotesProps { spec: strategy.clone(),
                    subject: format!("{}, being edited", strategy.strategy().label()).into() }) }
            }
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
        for name in crate::lab::scenarios::names() {
            let scenario =
                lab_engine::Scenario::from_json(crate::lab::scenarios::by_name(name).unwrap()).unwrap();
            let text = super::strategy_json(&scenario.strategy);
            assert_eq!(parse_strategy(&text).as_ref(), Ok(&scenario.strategy), "{name}: {text}");
        }
    }
}
