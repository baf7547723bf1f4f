//! The lesson beside the lab: what to do and why, the goal as a live checklist, hints one at a
//! time, "why not yet" with the current values, the goal state previewed, the solution played, and
//! the success panel (`success_panel.rs`) first once the goal is met.

use std::rc::Rc;

use lab_engine::lesson::{Check, Lesson};
use yew::prelude::*;

use crate::lab::state::Action;
use crate::text::markdown;

pub use super::success_panel::PassSummary;

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lesson: Rc<Lesson>,
    pub checks: Rc<Vec<Check>>,
    /// Each assertion's value in the reference solution's end state.
    pub goal_preview: Rc<Vec<Check>>,
    pub hints_shown: usize,
    pub why_open: bool,
    pub showing_solution: bool,
    pub passed: Option<PassSummary>,
    /// Actions taken so far.
    pub actions: u32,
    /// The next lesson, as (id, title).
    pub next: Option<(AttrValue, AttrValue)>,
    /// A link that replays this session.
    pub share_url: AttrValue,
    /// The lesson's last tick has passed without the goal met.
    #[prop_or_default]
    pub out_of_time: bool,
    /// Why this session can no longer pass, if an action it holds could not come from the lesson.
    #[prop_or_default]
    pub refused: Option<AttrValue>,
    /// Something has happened (a tick ran or the learner acted), so the goal means something:
    /// before that, a story that starts with the goal looking met would contradict itself.
    pub judged: bool,
    pub on_action: Callback<Action>,
}

#[component]
pub fn LessonPanel(props: &LessonPanelProps) -> Html {
    let lesson = &props.lesson;
    let show_goal = use_state(|| false);
    let action = |action: Action| props.on_action.reform(move |_: MouseEvent| action.clone());
    let toggle_goal = {
        let show_goal = show_goal.clone();
        Callback::from(move |_: MouseEvent| show_goal.set(!*show_goal))
    };
    let met = if props.judged { props.checks.iter().filter(|c| c.met).count() } else { 0 };
    let lost = props.checks.iter().find(|c| c.lost && props.passed.is_none());
    let hints_left = lesson.hints.len() - props.hints_shown.min(lesson.hints.len());
    let state = if props.passed.is_some() { "passed" } else { "working" };
    html! {
        <section class="card lesson" aria-labelledby="lesson-title" data-testid="lesson" data-state={state}
            data-lesson={lesson.id.clone()} data-met={met.to_string()}>
            <p class="eyebrow">{ lesson.module.clone() }</p>
            <h2 id="lesson-title">{ lesson.title.clone() }</h2>
            // Passing is the moment the lesson was for: its panel comes first.
            if let Some(passed) = props.passed.clone() {
                { crate::components::success_panel(&crate::components::SuccessPanelProps { passed, lesson: lesson.clone(), checks: props.checks.clone(),
                    showing_solution: props.showing_solution, next: props.next.clone(), share_url: props.share_url.clone() }) }
            }
            <div class="goal-box">
            <h3 class="subhead">{ if props.judged { format!("Goal · {met} of {} met", props.checks.len()) } else { "Goal".to_owned() } }</h3>
            if !props.judged {
                <p class="muted small" data-testid="goal-not-judged">{"Judged as the story unfolds: press Play."}</p>
            }
            <ul class="goal-list" aria-label="Goal">
                { for props.checks.iter().enumerate().map(|(index, check)| {
                    let met = props.judged && check.met;
                    html! {
                    <li key={index} class={classes!(if met { "met" } else { "unmet" }, check.lost.then_some("lost"))} data-met={met.to_string()}>
                        <span class="goal-mark" aria-hidden="true">{ if met { "✓" } else if check.lost { "✗" } else { "○" } }</span>
                        <span class="goal-text">{ markdown::render(&check.text) }
                            <span class="visually-hidden">{ if met { " (met)" } else if check.lost { " (can no longer be met)" } else { " (not met yet)" } }</span>
                        </span>
                        if props.why_open && !check.met {
                            <span class="why" data-testid="why-not-yet">{ format!("now {}, wanted {}", check.current, check.wanted) }</span>
                        }
                    </li>
                }}) }
            </ul>
            if let Some(check) = lost {
                <div id="cannot-pass" class="pause-reason" role="status" data-testid="cannot-pass">
                    <p>{"This attempt can no longer pass: “"}{ markdown::render(&check.text) }
                        { format!("” is now {} and cannot come back to {}.", check.current, check.wanted) }</p>
                    <div class="button-row wrap">
                        <button onclick={action(Action::Reset)}>{"Reset"}</button>
                        <span class="muted small">{"or drag the tick slider back to before it happened."}</span>
                    </div>
                </div>
            }
            </div>
            <div class="lesson-intro" tabindex="0" role="region" aria-label="Introduction">
                { for lesson.intro.iter().enumerate().map(|(index, paragraph)| html! {
                    <p key={index}>{ markdown::render(paragraph) }</p>
                }) }
            </div>
            if let Some(reason) = props.refused.clone() {
                <p class="pause-reason" role="status" data-testid="session-refused">{ format!(
                    "This session can no longer pass: {reason}. Move the tick slider back to before that action, or Reset."
                ) }</p>
            }
            if props.out_of_time {
                <p class="pause-reason" role="status" data-testid="out-of-time">{ format!(
                    "Time is up: the goal had to be met by tick {}. Move the tick slider back to try again from there, or Reset.",
                    lesson.ticks_max
                ) }</p>
            }
            if props.why_open && props.passed.is_none() && met == props.checks.len() {
                <p class="muted">{"Every condition holds now; the check runs at the end of the next tick."}</p>
            }
            if *show_goal {
                <div class="goal-preview" data-testid="goal-preview">
                    <p class="muted">{"Where the reference solution ends:"}</p>
                    <ul>
                        { for props.goal_preview.iter().enumerate().map(|(index, check)| html! {
                            <li key={index}>{ format!("{}: {}", check.text, check.current) }</li>
                        }) }
                    </ul>
                </div>
            }
            if props.hints_shown > 0 {
                <ol class="hints" aria-label="Hints">
                    { for lesson.hints.iter().take(props.hints_shown).enumerate().map(|(index, hint)| html! {
                        <li key={index}>{ markdown::render(hint) }</li>
                    }) }
                </ol>
            }
            if props.passed.is_none() {
                <div class="button-row wrap lesson-controls">
                    <button onclick={action(Action::ToggleWhyNotYet)} aria-expanded={props.why_open.to_string()}>
                        { if props.why_open { "Hide why not yet" } else { "Why not yet?" } }
                    </button>
                    <button onclick={action(Action::ShowHint)} disabled={hints_left == 0}>
                        { if props.hints_shown == 0 { "Hint".to_owned() } else { format!("Next hint ({hints_left} left)") } }
                    </button>
                    <button onclick={toggle_goal} aria-expanded={show_goal.to_string()}>{ if *show_goal { "Hide goal" } else { "Show goal" } }</button>
                    <button onclick={action(Action::ShowSolution)} title="Start again and watch the reference solution play (no credit)">{"Show solution"}</button>
                </div>
                <p class="muted small">{ format!("{} action{} so far · par {}", props.actions, if props.actions == 1 { "" } else { "s" }, lesson.par) }</p>
            }
        </section>
    }
}
