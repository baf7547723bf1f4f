//! Where the lab is simpler than the real controller, for one strategy: a closed disclosure so
//! the card stays calm, open to anyone who wants to know what will not transfer exactly.

use lab_engine::StrategySpec;
use yew::prelude::*;

pub struct ModellingNotesProps {
    pub spec: StrategySpec,
    /// What the summary calls the strategy ("Canary", "Blue-green, being edited").
    pub subject: AttrValue,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn modelling_notes(props: &ModellingNotesProps) -> Html {
    html! {
        <details class="modelling-notes" data-testid="modelling-notes">
            <summary>{ format!("{}: where the lab is simpler than the real tool", props.subject) }</summary>
            <ul class="small">
                { for props.spec.modelling_notes().into_iter().map(|note| html! { <li>{ note }</li> }) }
            </ul>
        </details>
    }
}
