//! The fleet canvas with its legend. The canvas is drawn by the render loop, not by Yew.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::glyph_icon;

#[derive(Clone, Debug, PartialEq)]
pub struct LegendRow {
    pub look: usize,
    pub label: AttrValue,
    pub count: u32,
}

pub struct FleetViewProps {
    pub canvas: NodeRef,
    /// The card's heading ("Fleet" in the lab).
    pub title: AttrValue,
    /// The heading's id (unique on the page; "fleet-title" in the lab).
    pub heading_id: AttrValue,
    /// A sentence describing the whole picture, for screen readers.
    pub summary: AttrValue,
    pub legend: Rc<Vec<LegendRow>>,
    /// The most CSS pixels the grid may take in height (an embed's own); `None`: the lab's.
    pub fit_height: Option<u32>,
    /// Whether the key to instance states is shown under the canvas (an embed leaves it out).
    pub state_key: bool,
    /// How many instances each square stands for: 1, or more once the fleet is too big to draw
    /// one tile per instance (see `canvas::grid::instances_per_square`).
    pub per_square: u32,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn fleet_view(props: &FleetViewProps) -> Html {
    let zoomed_out = (props.per_square > 1).then(|| {
        format!(
            "Zoomed out: each square stands for {} instances, filled in proportion to their images and states.",
            props.per_square
        )
    });
    let summary = match &zoomed_out {
        Some(zoom) => AttrValue::from(format!("{} {zoom}", props.summary)),
        None => props.summary.clone(),
    };
    html! {
        <section class="card fleet" aria-labelledby={props.heading_id.clone()}>
            <div class="card-head">
                <h2 id={props.heading_id.clone()}>{ props.title.clone() }</h2>
                <ul class="legend" aria-label="Images in the fleet">
                    { for props.legend.iter().map(|row| html! {
                        <li key={row.label.to_string()}>{ glyph_icon(row.look) }{ format!("{} × {}", row.label, row.count) }</li>
                    }) }
                </ul>
            </div>
            <canvas ref={props.canvas.clone()} class="fleet-canvas" role="img" aria-label={summary}
                data-fit-height={props.fit_height.map(|height| height.to_string())} />
            if let Some(zoom) = zoomed_out {
                <p class="zoom-note muted small" data-testid="zoom-note">{ zoom }</p>
            }
            if props.state_key {
            <ul class="state-key" aria-label="How states are drawn">
                <li><span class="key solid" />{"in service"}</li>
                if props.per_square > 1 {
                    // Zoomed out, a square's share of each state is a band: no bars, no outlines.
                    <li><span class="key tint" />{"starting (pulling or booting)"}</li>
                    <li><span class="key faded" />{"draining"}</li>
                    <li><span class="key empty" />{"room with no instance (stopped)"}</li>
                } else {
                    <li><span class="key outline" />{"pending: pulling the image"}</li>
                    <li><span class="key pale" />{"booting (bar fills)"}</li>
                    <li><span class="key striped" />{"draining (bar empties)"}</li>
                    <li><span class="key ghost" />{"terminated"}</li>
                }
                <li><span class="key warning" aria-hidden="true">{"!"}</span>{"known advisory"}</li>
                <li><span class="key drifted" aria-hidden="true" />{"changed by hand (drift)"}</li>
                <li><span class="key failing" aria-hidden="true">{"✕"}</span>{"failing health checks"}</li>
            </ul>
            }
        </section>
    }
}
