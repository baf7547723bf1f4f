//! The one-line summary under the title. Its data attributes are what browser tests read.

use lab_engine::StateCounts;
use yew::prelude::*;

pub struct StatusProps {
    pub tick: u64,
    pub counts: StateCounts,
    pub trace_digest: AttrValue,
    pub rollout_complete: bool,
    /// Full digests of the images live instances run, comma-separated.
    pub fleet_images: AttrValue,
    pub scenario_title: AttrValue,
    /// The rollout's phase.
    pub phase: AttrValue,
}

/// A plain function rather than a component: its props change every tick, so a component's
/// comparison of them would never save a render, and each component costs the download its own
/// copy of Yew's lifecycle code.
pub fn status_bar(props: &StatusProps) -> Html {
    let counts = props.counts;
    let live = counts.pending + counts.booting + counts.in_service;
    let starting = counts.pending + counts.booting;
    let short_trace: String = props.trace_digest.chars().take(7 + 12).collect();
    html! {
        <div class="status" data-testid="status"
            data-tick={props.tick.to_string()}
            data-trace-digest={props.trace_digest.clone()}
            data-instances-live={live.to_string()}
            data-in-service={counts.in_service.to_string()}
            data-rollout-complete={props.rollout_complete.to_string()}
            data-fleet-images={props.fleet_images.clone()}
            data-phase={props.phase.clone()}>
            <span class="scenario-title">{ props.scenario_title.clone() }</span>
            <span class="pill tick" title="Ticks run since the start">{ format!("tick {}", props.tick) }</span>
            <span class="pill">{ format!("{} in service", counts.in_service) }</span>
            if starting > 0 { <span class="pill starting">{ format!("{starting} starting") }</span> }
            if counts.draining > 0 { <span class="pill draining">{ format!("{} draining", counts.draining) }</span> }
            <span class="trace" title={format!("Trace digest: one hash of every tick so far. Same scenario and actions give the same value on any machine.\n{}", props.trace_digest)}>
                {"trace "}<code>{ short_trace }</code>
            </span>
        </div>
    }
}
