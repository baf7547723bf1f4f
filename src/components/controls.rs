//! Play, step, speed and reset.

use yew::prelude::*;

use crate::state::{Action, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: u32,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let action = |action: Action| {
        let on_action = props.on_action.clone();
        Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
    };
    let on_speed = {
        let on_action = props.on_action.clone();
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Ok(speed) = select.value().parse() {
                on_action.emit(Action::SetSpeed(speed));
            }
        })
    };
    let play_label = if props.playing { "Pause" } else { "Play" };
    html! {
        <section class="card controls" aria-labelledby="controls-title">
            <h2 id="controls-title">{"Time"}</h2>
            <div class="button-row">
                <button class="primary" aria-label={play_label} aria-pressed={props.playing.to_string()} onclick={action(Action::TogglePlay)}>
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button aria-label="Step one tick" title="Run exactly one tick" onclick={action(Action::Step)}>{"Step"}</button>
                <button aria-label="Reset" title="Back to the scenario's start" onclick={action(Action::Reset)}>{"Reset"}</button>
            </div>
            <div class="field inline">
                <label for="speed">{"Speed"}</label>
                <select id="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|speed| html! {
                        <option key={*speed} value={speed.to_string()} selected={*speed == props.speed}>{ format!("{speed}×") }</option>
                    }) }
                </select>
            </div>
        </section>
    }
}
