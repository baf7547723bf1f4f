//! The five layers of the image being edited, with the digest of each: an edit lights up the layer
//! it touches and every layer above it, because each digest is chained on the one below.

use lab_engine::{LAYER_COUNT, Layer};
use yew::prelude::*;

pub struct LayerStackProps {
    /// The draft's layers, bottom to top.
    pub layers: [Layer; LAYER_COUNT],
    /// The running image's layers, to show what changed.
    pub running: [Layer; LAYER_COUNT],
    /// Per layer: whether the build cache already holds it.
    pub cached: [bool; LAYER_COUNT],
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn layer_stack(props: &LayerStackProps) -> Html {
    html! {
        <table class="layer-stack" data-testid="layer-stack">
            <caption>{"Layers, top to bottom"}</caption>
            <tbody>
                { for (0..LAYER_COUNT).rev().map(|index| {
                    let layer = &props.layers[index];
                    let changed = layer.digest != props.running[index].digest;
                    let status = if props.cached[index] { "cached" } else { "rebuild" };
                    html! {
                        <tr key={index} class={classes!(changed.then_some("changed"))} data-layer={layer.kind.label()}>
                            <th scope="row">{ layer.kind.label() }</th>
                            <td><code title={layer.digest.to_string()}>{ &layer.digest.hex()[..6] }</code></td>
                            <td class="size">{ crate::text::units::mb(layer.size_kb) }</td>
                            <td class={classes!("cache", status)} title={format!("{} build ticks when not cached", layer.build_ticks)}>{ status }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
