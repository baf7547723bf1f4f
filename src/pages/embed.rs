//! The compact lab for documentation pages (`?embed=<lesson-or-scenario>` in an iframe): one line
//! with the title and play / step / reset, the fleet sized to the frame's height, the rollout in
//! one line, and for a lesson its goal beside the fleet — no header, no panels. Usable down to a
//! 400×300 frame.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::*;
use crate::hooks::use_lab;
use crate::lab::state::Lab;
use crate::lab::view;
use crate::platform::query::PageQuery;

#[derive(Properties, PartialEq)]
pub struct EmbedAppProps {
    /// A built-in lesson's id or scenario's name.
    pub name: AttrValue,
}

/// The lab an embed name asks for: a lesson if one has that id, else a scenario (or the sandbox,
/// with a notice, when neither exists).
pub fn embedded_lab(name: &str) -> Lab {
    let query = if crate::platform::lessons::find(name).is_some() {
        PageQuery { lesson: Some(name.to_owned()), ..PageQuery::default() }
    } else {
        PageQuery { scenario: Some(name.to_owned()), ..PageQuery::default() }
    };
    Lab::from_query(&query)
}

#[component]
pub fn EmbedApp(props: &EmbedAppProps) -> Html {
    let (lab, canvas, on_action) = use_lab({
        let name = props.name.to_string();
        move || embedded_lab(&name)
    });

    let lab = lab.borrow();
    let world = &lab.world;
    let snapshot = world.snapshot();
    let legend = view::legend(world, &snapshot.images);
    let summary = format!(
        "Fleet of {} instances: {}.",
        snapshot.instances.pending + snapshot.instances.booting + snapshot.instances.in_service,
        legend.iter().map(|row| format!("{} on {}", row.count, row.label)).collect::<Vec<_>>().join(", ")
    );
    let full_lab = match &lab.lesson {
        Some(session) => format!("?lesson={}", session.lesson.id),
        None => format!("?scenario={}", lab.scenario_name),
    };
    let weights: Vec<String> = snapshot
        .traffic
        .iter()
        .filter(|t| t.weight > 0)
        .map(|t| format!("rev {} {}%", t.revision, t.weight))
        .collect();
    // The fleet takes what the frame has left under the head line (two lines in a narrow frame).
    let (frame_width, frame_height) =
        web_sys::window().map(|w| (w.inner_width(), w.inner_height())).map_or((640.0, 420.0), |(w, h)| {
            (
                w.ok().and_then(|v| v.as_f64()).unwrap_or(640.0),
                h.ok().and_then(|v| v.as_f64()).unwrap_or(420.0),
            )
        });
    let head_px = if frame_width < 560.0 { 190.0 } else { 150.0 };
    let fit_height = (frame_height - head_px).max(110.0) as u32;
    let judged = world.now() > 0 || lab.lesson.as_ref().is_some_and(|s| !s.progress.actions.is_empty());
    html! {
        <main id="embed" data-ready="true" data-tick={snapshot.tick.to_string()} data-phase={snapshot.rollout.phase.as_str()}
            data-trace-digest={snapshot.trace_digest.to_string()}>
            <div class="embed-head">
                <h1 class="embed-title">{ lab.lesson.as_ref().map_or_else(|| lab.title().to_owned(), |s| s.lesson.title.clone()) }</h1>
                { controls(&ControlsProps { playing: lab.playing, speed: lab.speed, on_action: on_action.clone(), tick: 0, head_tick: 0 }) }
                <span class="pill tick">{ format!("tick {}", snapshot.tick) }</span>
                <span class="pill">{ snapshot.rollout.phase.as_str() }</span>
                <a class="nav-link" href={full_lab} target="_blank">{"Open in the full lab ↗"}</a>
            </div>
            if let Some(notice) = lab.link_notice.clone().or_else(|| lab.notice.clone()) {
                <p class="problem" role="alert">{ notice }</p>
            }
            if let Some(cause) = world.rollout_view().abort_cause {
                <p class="abort-reason" role="alert" data-testid="abort-reason">{ format!("Rollout aborted: {cause}") }</p>
            }
            if let Some(finding) = world.rollout_view().inconclusive_pause {
                <p class="pause-reason" role="status">{ crate::lab::describe::inconclusive_pause(finding) }</p>
            }
            <div class={classes!("embed-stage", lab.lesson.is_some().then_some("with-goal"))}>
                { fleet_view(&FleetViewProps { canvas: canvas.fleet, title: "Fleet".into(), heading_id: "fleet-title".into(),
                    summary: AttrValue::from(summary), legend: Rc::new(legend), fit_height: Some(fit_height), state_key: false,
                    per_square: crate::canvas::grid::instances_per_square(world.fleet_view().replicas) }) }
                if let Some(session) = &lab.lesson {
                    <ul class="goal-list embed-goal" aria-label="Goal">
                        // As in the full lab: nothing is judged before the story has begun.
                        { for session.progress.checks(&session.lesson, world).iter().enumerate().map(|(index, check)| {
                            let met = judged && check.met;
                            html! {
                                <li key={index} class={if met { "met" } else { "unmet" }} data-met={met.to_string()}>
                                    <span class="goal-mark" aria-hidden="true">{ if met { "✓" } else { "○" } }</span>
                                    <span class="goal-text">{ check.text.clone() }</span>
                                </li>
                            }
                        }) }
                    </ul>
                }
            </div>
            <p class="muted small embed-traffic">{ format!("Traffic: {}", weights.join(" · ")) }</p>
        </main>
    }
}
