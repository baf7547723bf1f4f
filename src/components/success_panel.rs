//! The moment a lesson is passed: the outcome against par, what the lesson was for in one
//! paragraph, where each goal ended, the completion code, and the way on.

use std::rc::Rc;

use lab_engine::lesson::{Check, Lesson};
use yew::prelude::*;

use crate::text::markdown;

/// What the learner achieved, once the goal is met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassSummary {
    /// The tick the goal was met.
    pub tick: u64,
    /// Actions taken.
    pub actions: u32,
    /// The completion code (none when the solution was shown).
    pub completion_code: Option<String>,
}

pub struct SuccessPanelProps {
    pub passed: PassSummary,
    pub lesson: Rc<Lesson>,
    pub checks: Rc<Vec<Check>>,
    /// The reference solution was played: no credit, and no praise for it.
    pub showing_solution: bool,
    /// The next lesson, as (id, title).
    pub next: Option<(AttrValue, AttrValue)>,
    /// A link that replays this session.
    pub share_url: AttrValue,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn success_panel(props: &SuccessPanelProps) -> Html {
    let (passed, lesson) = (&props.passed, &props.lesson);
    let plural = if passed.actions == 1 { "" } else { "s" };
    let on_par = !props.showing_solution && passed.actions <= lesson.par;
    html! {
        <div id="pass-summary" class="pass-summary" role="status" data-testid="pass-summary">
            <p class="pass-title">
                <span class="pass-mark" aria-hidden="true">{"✓"}</span>
                { if props.showing_solution { "That is the reference solution." } else { "Lesson passed." } }
            </p>
            <p>{ format!("Goal met at tick {} with {} action{plural} (par {}).", passed.tick, passed.actions, lesson.par) }
                { if on_par { " On par: nothing wasted." } else { "" } }
            </p>
            if !lesson.takeaway.is_empty() {
                <p class="takeaway" data-testid="takeaway"><strong>{"What you learned: "}</strong>{ markdown::render(&lesson.takeaway) }</p>
            }
            <ul class="pass-metrics">
                { for props.checks.iter().enumerate().map(|(index, check)| html! {
                    <li key={index}>{ format!("{}: {}", check.text, check.current) }</li>
                }) }
            </ul>
            if let Some(code) = &passed.completion_code {
                <p>{"Completion code "}<code data-testid="completion-code">{ code.clone() }</code></p>
            }
            <div class="button-row wrap">
                if let Some((id, title)) = &props.next {
                    <a class="button primary" href={crate::platform::query::href(&format!("?lesson={id}"))}>{ format!("Next: {title} →") }</a>
                }
                <a class="button" href={props.share_url.clone()} data-testid="share-link">{"Share this session"}</a>
            </div>
        </div>
    }
}
