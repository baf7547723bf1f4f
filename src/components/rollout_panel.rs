//! One bar per revision: how many instances it has, how many are ready, how many it should have.
//! Watching these bars trade places is watching the rollout.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::GlyphIcon;

#[derive(Clone, Debug, PartialEq)]
pub struct RevisionBar {
    pub revision: u32,
    pub version: AttrValue,
    pub look: usize,
    pub desired: u32,
    pub live: u32,
    pub available: u32,
    pub target: bool,
}

#[derive(Properties, PartialEq)]
pub struct RolloutPanelProps {
    pub bars: Rc<Vec<RevisionBar>>,
    pub replicas: u32,
    pub complete: bool,
    pub strategy: AttrValue,
}

#[component]
pub fn RolloutPanel(props: &RolloutPanelProps) -> Html {
    let scale =
        props.bars.iter().map(|b| b.live.max(b.desired)).chain([props.replicas, 1]).max().unwrap_or(1);
    let percent = |count: u32| crate::units::percent_css("width", count, scale);
    html! {
        <section class="card rollout" aria-labelledby="rollout-title">
            <div class="card-head">
                <h2 id="rollout-title">{"Rollout"}</h2>
                <span class={classes!("pill", (!props.complete).then_some("starting"))}>
                    { if props.complete { "complete" } else { "in progress" } }
                </span>
                <span class="muted">{ props.strategy.clone() }</span>
            </div>
            <ul class="revision-bars">
                { for props.bars.iter().filter(|bar| bar.live > 0 || bar.desired > 0 || bar.target).map(|bar| html! {
                    <li key={bar.revision}>
                        <span class="revision-name"><GlyphIcon look={bar.look} />{ format!("rev {} · v{}", bar.revision, bar.version) }</span>
                        <div class="bar" role="meter" aria-valuemin="0" aria-valuemax={scale.to_string()} aria-valuenow={bar.available.to_string()}
                            aria-label={format!("revision {}: {} ready of {} wanted", bar.revision, bar.available, bar.desired)}>
                            <div class="bar-live" style={percent(bar.live)} />
                            <div class={classes!("bar-ready", format!("look-{}", bar.look % 6))} style={percent(bar.available)} />
                            <div class="bar-desired" style={crate::units::percent_css("left", bar.desired, scale)} />
                        </div>
                        <span class="counts">{ format!("{}/{} ready", bar.available, bar.desired) }</span>
                    </li>
                }) }
            </ul>
        </section>
    }
}
