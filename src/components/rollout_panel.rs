//! The load balancer's traffic as a picture, then one bar per revision: how many instances it has,
//! how many are ready, how many it should have, and the share of traffic it receives. Watching
//! requests change lanes and these bars trade places is watching the rollout.
//! Canary steps, the rollout's phase and the controls a person has (promote, abort, …) sit beside
//! them, and an abort says why.

use std::rc::Rc;

use lab_engine::Command;
use yew::prelude::*;

use crate::components::{BarSegment, glyph_icon};

#[derive(Clone, Debug, PartialEq)]
pub struct RevisionBar {
    pub revision: u32,
    pub version: AttrValue,
    /// Launched through a tag that can move (`latest`, a version tag) rather than a digest.
    pub via_tag: Option<AttrValue>,
    pub look: usize,
    pub desired: u32,
    pub live: u32,
    pub available: u32,
    pub target: bool,
    /// Percent of requests it receives.
    pub weight: u32,
}

/// A canary step or refresh checkpoint as shown: its words and whether it is done, current or to come.
#[derive(Clone, Debug, PartialEq)]
pub struct StepView {
    pub label: AttrValue,
    /// `done`, `current` or `next`.
    pub state: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct RolloutPanelProps {
    /// The traffic picture's canvas (drawn by the render loop) and the picture in words.
    pub traffic: NodeRef,
    pub traffic_summary: AttrValue,
    /// Whether the picture is shown (a lesson about drift has no use for it).
    #[prop_or(true)]
    pub show_traffic: bool,
    pub bars: Rc<Vec<RevisionBar>>,
    pub replicas: u32,
    pub complete: bool,
    pub strategy: AttrValue,
    /// `Healthy`, `Progressing`, `Paused` or `Degraded`.
    pub phase: AttrValue,
    /// The Progressing condition's reason.
    pub reason: AttrValue,
    pub steps: Rc<Vec<StepView>>,
    /// A canary's set weight against the weight it really gets.
    pub canary_weights: Option<AttrValue>,
    pub abort_reason: Option<AttrValue>,
    /// Why analysis paused the rollout (inconclusive), waiting for promote or abort.
    pub pause_reason: Option<AttrValue>,
    pub on_command: Callback<Command>,
    /// The strategy in force, for the editor.
    pub strategy_spec: Rc<lab_engine::StrategySpec>,
    /// Promote, abort, retry and undo are on offer (a lesson may hide them).
    #[prop_or(true)]
    pub rollout_controls: bool,
    /// Undo (a deploy of the previous revision) is on offer.
    #[prop_or(true)]
    pub deploy_controls: bool,
    /// The health-check failure button is on offer.
    #[prop_or(true)]
    pub health_controls: bool,
    /// The strategy editor is on offer.
    #[prop_or(true)]
    pub strategy_controls: bool,
}

#[component]
pub fn RolloutPanel(props: &RolloutPanelProps) -> Html {
    let scale =
        props.bars.iter().map(|b| b.live.max(b.desired)).chain([props.replicas, 1]).max().unwrap_or(1);
    let control = |label: &'static str, title: &'static str, command: Command| {
        let on_command = props.on_command.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_command.emit(command.clone()));
        html! { <button key={label} {title} {onclick}>{ label }</button> }
    };
    // Read at the moment of the click, so a number typed just before counts.
    let failing = use_node_ref();
    let on_fail = {
        let (failing, on_command) = (failing.clone(), props.on_command.clone());
        Callback::from(move |_: MouseEvent| {
            let count = failing
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|input| input.value().parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, 1_000);
            on_command.emit(Command::FailHealthChecks { count });
        })
    };
    let phase_class = match props.phase.as_str() {
        "Healthy" => "good",
        "Degraded" => "bad",
        "Paused" => "starting",
        _ => "",
    };
    html! {
        <section class="card rollout" aria-labelledby="rollout-title" data-testid="rollout" data-phase={props.phase.clone()}>
            <div class="card-head">
                <h2 id="rollout-title">{"Rollout"}</h2>
                <span class={classes!("pill", phase_class)} title={props.reason.clone()}>{ props.phase.clone() }</span>
                <span class="muted">{ props.strategy.clone() }</span>
            </div>
            if let Some(reason) = props.abort_reason.clone() {
                <p class="abort-reason" role="alert" data-testid="abort-reason">{ reason }</p>
            }
            if let Some(reason) = props.pause_reason.clone() {
                <p class="pause-reason" role="status" data-testid="pause-reason">{ reason }</p>
            }
            if props.show_traffic {
                <figure class="traffic">
                    <canvas ref={props.traffic.clone()} class="traffic-canvas" role="img" aria-label={props.traffic_summary.clone()}
                        data-testid="traffic" />
                    <figcaption class="state-key small">
                        <span>{"Each mark is a request, in the colour and shape of the image that answers it; a pipe is as wide as its revision's share of the traffic."}</span>
                        <span><span class="key outline" />{"draining: gets no new requests, finishes those on their way"}</span>
                        <span><span class="key failing" aria-hidden="true">{"✕"}</span>{"a failed request"}</span>
                    </figcaption>
                </figure>
            }
            <ul class="revision-bars">
                { for props.bars.iter().filter(|bar| bar.live > 0 || bar.desired > 0 || bar.target).map(|bar| html! {
                    <li key={bar.revision}>
                        <span class="revision-name">{ glyph_icon(bar.look) }
                            <span>{ format!("rev {} · v{}", bar.revision, bar.version) }
                                if let Some(via) = bar.via_tag.clone() { <small class="via">{ via }</small> }
                            </span>
                        </span>
                        <div class="bar" role="meter" aria-valuemin="0" aria-valuemax={scale.to_string()} aria-valuenow={bar.available.to_string()}
                            aria-label={format!("revision {}: {} ready of {} wanted, {}% of traffic", bar.revision, bar.available, bar.desired, bar.weight)}>
                            <BarSegment class={classes!("bar-live")} property="width" part={bar.live} whole={scale} />
                            <BarSegment class={classes!("bar-ready", format!("look-{}", bar.look % 6))} property="width" part={bar.available} whole={scale} />
                            <BarSegment class={classes!("bar-desired")} property="left" part={bar.desired} whole={scale} />
                        </div>
                        <span class="counts">{ format!("{}/{} ready", bar.available, bar.desired) }</span>
                        <span class="weight" data-revision={bar.revision.to_string()} data-weight={bar.weight.to_string()}
                            title="Share of requests this revision receives">{ format!("{}%", bar.weight) }</span>
                    </li>
                }) }
            </ul>
            if !props.steps.is_empty() {
                <ol class="canary-steps" aria-label="Rollout steps">
                    { for props.steps.iter().enumerate().map(|(index, step)| html! {
                        <li key={index} class={step.state} aria-current={(step.state == "current").then_some("step")}>{ step.label.clone() }</li>
                    }) }
                </ol>
            }
            if let Some(weights) = props.canary_weights.clone() {
                <p class="canary-weights muted" data-testid="canary-weights">{ weights }</p>
            }
            if props.rollout_controls || props.deploy_controls || props.health_controls {
                <div class="button-row wrap rollout-controls">
                    if props.rollout_controls {
                        { control("Promote", "End a pause (blue-green: switch the traffic to the new revision)", Command::PromoteRollout) }
                        { control("Promote full", "Skip the remaining canary steps", Command::PromoteFullRollout) }
                        { control("Abort", "Send all traffic back to the stable revision", Command::AbortRollout) }
                        { control("Retry", "Leave the aborted state and try the new revision again", Command::RetryRollout) }
                    }
                    if props.deploy_controls {
                        { control("Undo", "kubectl rollout undo: back to the previous revision", Command::Undo { to_revision: None }) }
                    }
                </div>
                if props.health_controls {
                    <div class="button-row health-controls">
                        <label class="field inline">
                            <span>{"Servers"}</span>
                            <input ref={failing} type="number" min="1" max="1000" value="1"
                                aria-label="Servers to fail their health checks" />
                        </label>
                        <button onclick={on_fail} title="That many servers in service (the first ones) start failing their health checks; they are replaced 10% of the fleet at a time">{"Fail health checks"}</button>
                    </div>
                }
            }
            { crate::components::modelling_notes(&crate::components::ModellingNotesProps { spec: (*props.strategy_spec).clone(),
                subject: props.strategy_spec.strategy().label().into() }) }
            if props.strategy_controls {
                <crate::components::StrategyEditor current={props.strategy_spec.clone()}
                    on_apply={props.on_command.reform(Command::SetStrategy)} />
            }
        </section>
    }
}
