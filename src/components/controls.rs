//! Play, step, speed and reset.

use yew::prelude::*;

use crate::lab::state::{Action, SPEEDS};

pub struct ControlsProps {
    pub playing: bool,
    pub speed: u32,
    pub on_action: Callback<Action>,
    /// The tick shown.
    pub tick: u64,
    /// The furthest tick of this branch (the slider's end); 0 hides the slider.
    pub head_tick: u64,
}

/// A plain function rather than a component: the tick in its props changes every tick, so a
/// component's comparison of them would never save a render.
pub fn controls(props: &ControlsProps) -> Html {
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
    let on_scrub = {
        let on_action = props.on_action.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Ok(tick) = input.value().parse() {
                on_action.emit(Action::ScrubTo(tick));
            }
        })
    };
    let in_the_past = props.tick < props.head_tick;
    let play_label = if props.playing { "Pause" } else { "Play" };
    html! {
        <section class="controls" aria-label="Time">
            <div class="button-row">
                <button class="primary" aria-label={play_label} aria-pressed={props.playing.to_string()} onclick={action(Action::TogglePlay)}>
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button aria-label="Step one tick" title="Run exactly one tick" onclick={action(Action::Step)}>{"Step"}</button>
                <button aria-label="Reset" title="Back to the scenario's start" onclick={action(Action::Reset)}>{"Reset"}</button>
            </div>
            if props.head_tick > 0 {
                <div class="field scrubber">
                    <label for="scrub">{ format!("Tick {} of {}", props.tick, props.head_tick) }</label>
                    <input id="scrub" type="range" min="0" max={props.head_tick.to_string()} value={props.tick.to_string()}
                        aria-label="Go to tick" aria-valuetext={format!("tick {}", props.tick)} onchange={on_scrub} />
                    if in_the_past {
                        <p class="muted small" data-testid="in-the-past">{"Looking back. Play retraces this branch; acting here starts a new branch and keeps this one to compare."}</p>
                    }
                </div>
            }
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
