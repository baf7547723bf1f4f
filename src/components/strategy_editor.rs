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

/// Parses strategy JSON, or says exactly what is wrong with it.
pub fn parse_strategy(text: &str) -> Result<StrategySpec, String> {
    serde_json::from_str::<StrategySpec>(text).map_err(|error| {
        let message = error.to_string();
        // serde_json appends the position; the editor shows the message alone.
        message.rfind(" at line ").map_or(message.clone(), |index| message[..index].to_owned())
    })
}

#[component]
pub fn StrategyEditor(props: &StrategyEditorProps) -> Html {
    let text = {
        let current = props.current.clone();
        use_state(move || serde_json::to_string_pretty(&*current).unwrap_or_default())
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
}
