//! Pipeline runs as rows of stage boxes moving in real time: passed, running, waiting for approval,
//! or failed with the reason underneath.

use std::rc::Rc;

use lab_engine::pipeline::{PipelineRun, StageStatus};
use yew::prelude::*;

use crate::components::BarSegment;
use crate::lab::describe::short;

/// Runs shown, newest first.
const RUNS_SHOWN: usize = 3;

pub struct PipelineViewProps {
    pub runs: Rc<Vec<PipelineRun>>,
    /// The current tick, for the running stage's progress.
    pub now: u64,
    pub on_approve: Callback<u32>,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn pipeline_view(props: &PipelineViewProps) -> Html {
    html! {
        <section class="card pipeline" aria-labelledby="pipeline-title">
            <div class="card-head"><h2 id="pipeline-title">{"Pipeline"}</h2></div>
            if props.runs.is_empty() {
                <p class="muted">{"No runs yet. Edit an image in the builder and press Run pipeline: it is built once, tested, scanned, pushed, and the same digest is promoted to dev, staging and, after approval, production."}</p>
            }
            { for props.runs.iter().rev().take(RUNS_SHOWN).map(|run| run_row(run, props.now, &props.on_approve)) }
        </section>
    }
}

fn run_row(run: &PipelineRun, now: u64, on_approve: &Callback<u32>) -> Html {
    let outcome = if run.succeeded() {
        ("passed", "every stage passed".to_owned())
    } else if let Some((stage, _)) = run.failed() {
        ("failed", format!("stopped at {}", stage.label()))
    } else {
        ("running", "in progress".to_owned())
    };
    let id = run.id;
    let approve = {
        let on_approve = on_approve.clone();
        Callback::from(move |_: MouseEvent| on_approve.emit(id))
    };
    html! {
        <div class={classes!("run", outcome.0)} key={run.id} data-testid={format!("run-{}", run.id)} data-outcome={outcome.0}>
            <div class="run-head">
                <strong>{ format!("Run {} · v{}", run.id, run.spec.app_version) }</strong>
                <code title={run.digest.to_string()}>{ short(&run.digest) }</code>
                <span class="muted">{ format!("commit {} · {}", run.commit, outcome.1) }</span>
                if run.options.rebuild_per_environment { <span class="pill warn">{"rebuilds per environment"}</span> }
            </div>
            <ol class="stages">
                { for run.stages.iter().map(|(kind, status)| {
                    let (class, mark, progress) = match status {
                        StageStatus::Waiting => ("waiting", "", None),
                        StageStatus::Running { started_tick, ends_tick } => {
                            let span = (ends_tick - started_tick).max(1) as f64;
                            ("running", "…", Some(((now.saturating_sub(*started_tick)) as f64 / span).min(1.0)))
                        }
                        StageStatus::AwaitingApproval { .. } => ("awaiting", "?", None),
                        StageStatus::Passed { .. } => ("passed", "✓", None),
                        StageStatus::Failed { .. } => ("failed", "✗", None),
                    };
                    html! {
                        <li class={classes!("stage", class)} data-stage={kind.label()} data-status={class}
                            aria-label={format!("{}: {}", kind.label(), class)}>
                            <span class="mark" aria-hidden="true">{ mark }</span>
                            <span class="stage-name" title={kind.label()}>{ kind.short_label() }</span>
                            if let Some(progress) = progress {
                                <BarSegment class={classes!("stage-progress")} property="width" part={crate::text::units::whole(progress * 1000.0).clamp(0, 1000) as u32} whole={1000} />
                            }
                        </li>
                    }
                }) }
            </ol>
            if let Some((stage, reason)) = run.failed() {
                <p class="problem" role="status">{ format!("{} failed: {reason}", stage.label()) }</p>
            }
            if matches!(run.stages.get(run.current), Some((_, StageStatus::AwaitingApproval { .. }))) {
                <div class="approval">
                    <span>{"Staging runs this digest. Promote the same image to production?"}</span>
                    <button class="primary" aria-label={format!("Approve run {}", run.id)} onclick={approve}>{"Approve"}</button>
                </div>
            }
            if !run.environments.is_empty() {
                <p class="environments">
                    { for run.environments.iter().map(|(environment, digest)| html! {
                        <span class="env" key={environment.clone()}>{ format!("{environment}: ") }<code>{ short(digest) }</code></span>
                    }) }
                </p>
            }
        </div>
    }
}
