//! The lesson builder (`?builder`): a teacher writes a lesson in a form — start scenario, controls,
//! goal, hints, reference solution — sees it checked live by the engine (valid? does the solution
//! pass? does doing nothing pass?), records goal values from the state the solution reaches, and
//! exports the JSON or a link that opens the lesson anywhere.

use lab_engine::lesson::{Control, Metric};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::lab::builder_draft::{Comparison, Draft, GoalRow};

/// The metrics a goal row offers.
const METRICS: [Metric; 21] = Metric::ALL;

type Edit = fn(&mut Draft, String);

/// The value of the input, text area or select that fired `event`.
fn field_value(event: &Event) -> String {
    use wasm_bindgen::JsCast;
    let Some(target) = event.target() else { return String::new() };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        return input.value();
    }
    if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        return area.value();
    }
    target.dyn_ref::<HtmlSelectElement>().map(HtmlSelectElement::value).unwrap_or_default()
}

/// A session in the lab to start the draft from: its scenario, its commands, the tick reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FromSession {
    pub scenario: String,
    /// The session's actions and the tick it reached, or why the link's could not be read.
    pub session: Result<(Vec<lab_engine::TimedCommand>, u64), String>,
}

#[derive(Properties, PartialEq)]
pub struct LessonBuilderProps {
    /// Start from this session instead of the example draft.
    #[prop_or_default]
    pub from: Option<FromSession>,
}

/// The same edit on every keystroke: the lesson is checked as the teacher types.
fn typing(edit: Callback<Event>) -> Callback<InputEvent> {
    edit.reform(Event::from)
}

#[component]
pub fn LessonBuilder(props: &LessonBuilderProps) -> Html {
    let (initial, initial_message) = match &props.from {
        None => (Draft::default(), None),
        Some(from) => match from
            .session
            .clone()
            .and_then(|(actions, tick)| Draft::from_session(&from.scenario, actions, tick))
        {
            Ok(draft) => (
                draft,
                Some(format!(
                    "Started from your session in `{}`: its commands are the reference solution and the goal is where they ended. Trim the goal and write the text.",
                    from.scenario
                )),
            ),
            Err(problem) => (Draft::default(), Some(format!("Could not start from that session: {problem}"))),
        },
    };
    let draft = use_state(move || initial);
    let message = use_state(move || initial_message);
    let edit = |apply: Edit| {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let value = field_value(&event);
            let mut next = (*draft).clone();
            apply(&mut next, value);
            draft.set(next);
        })
    };
    let row_edit = |index: usize, apply: fn(&mut GoalRow, String)| {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let value = field_value(&event);
            let mut next = (*draft).clone();
            if let Some(row) = next.goal.get_mut(index) {
                apply(row, value);
            }
            draft.set(next);
        })
    };
    let toggle_control = |control: Control| {
        let draft = draft.clone();
        Callback::from(move |_: Event| {
            let mut next = (*draft).clone();
            match next.controls.iter().position(|c| *c == control) {
                Some(index) => {
                    next.controls.remove(index);
                }
                None => next.controls.push(control),
            }
            draft.set(next);
        })
    };
    let add_row = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            next.goal.push(GoalRow {
                metric: Metric::InService,
                comparison: Comparison::AtLeast,
                value: "1".into(),
                text: "Describe this condition for the learner".into(),
            });
            draft.set(next);
        })
    };
    let remove_row = |index: usize| {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            if next.goal.len() > 1 {
                next.goal.remove(index);
            }
            draft.set(next);
        })
    };
    let record = {
        let (draft, message) = (draft.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            match next.record_goal() {
                Ok(()) => {
                    message.set(Some("Goal values recorded from where the solution ends.".into()));
                    draft.set(next);
                }
                Err(problem) => message.set(Some(format!("Cannot record yet: {problem}"))),
            }
        })
    };

    let lesson = draft.lesson();
    let check = lesson.as_ref().ok().map(crate::lab::builder_draft::Draft::check);
    let json = lesson.as_ref().ok().map(crate::text::pretty::to_string_pretty);
    let try_link = lesson.as_ref().ok().map(|lesson| {
        format!(
            // The lab's page plays it (`index.html`; this one is `screens.html`).
            "./?lesson-data={}",
            crate::platform::share::encode(serde_json::to_string(lesson).unwrap_or_default().as_bytes())
        )
    });
    let metric_name = |metric: Metric| metric.name();
    let comparison_name = |comparison: Comparison| match comparison {
        Comparison::AtMost => "at most",
        Comparison::AtLeast => "at least",
        Comparison::Equals => "equals",
    };

    html! {
        <main id="builder" data-ready="true" data-valid={lesson.is_ok().to_string()}>
            <crate::components::Masthead tagline={AttrValue::from("Lesson builder")} here="" />
            <div class="builder-columns">
                <section class="card" aria-labelledby="builder-form-title">
                    <h2 id="builder-form-title">{"The lesson"}</h2>
                    <div class="field-grid">
                        <label class="field"><span>{"Id"}</span><input value={draft.id.clone()} oninput={typing(edit(|d, v| d.id = v))} /></label>
                        <label class="field"><span>{"Module"}</span><input value={draft.module.clone()} oninput={typing(edit(|d, v| d.module = v))} /></label>
                    </div>
                    <label class="field"><span>{"Title"}</span><input value={draft.title.clone()} oninput={typing(edit(|d, v| d.title = v))} /></label>
                    <label class="field"><span>{"Summary"}</span><input value={draft.summary.clone()} oninput={typing(edit(|d, v| d.summary = v))} /></label>
                    <label class="field"><span>{"What the learner takes away (shown when they pass)"}</span><input value={draft.takeaway.clone()} oninput={typing(edit(|d, v| d.takeaway = v))} /></label>
                    <label class="field"><span>{"Introduction (blank line between paragraphs; **bold**, `code`, [glossary term])"}</span>
                        <textarea rows="5" value={draft.intro.clone()} oninput={typing(edit(|d, v| d.intro = v))} /></label>
                    <label class="field"><span>{"Start scenario"}</span>
                        <select onchange={edit(|d, v| d.scenario = v)}>
                            { for lab_engine::builtin::scenario_names().into_iter().map(|name| html! {
                                <option key={name} value={name} selected={name == draft.scenario}>{ name }</option>
                            }) }
                        </select>
                    </label>
                    <fieldset class="controls-picker">
                        <legend>{"Controls the learner gets"}</legend>
                        { for Control::ALL.iter().map(|control| html! {
                            <label class="check" key={control.name()}>
                                <input type="checkbox" checked={draft.controls.contains(control)} onchange={toggle_control(*control)} />
                                { control.name() }
                            </label>
                        }) }
                    </fieldset>
                    <h3 class="subhead">{"Goal"}</h3>
                    <div class="goal-rows">
                        { for draft.goal.iter().enumerate().map(|(index, row)| html! {
                            <div class="goal-row" key={index}>
                                <select aria-label={format!("Goal {} metric", index + 1)} onchange={row_edit(index, |r, v| {
                                    if let Some(metric) = METRICS.iter().find(|m| m.name() == v) { r.metric = *metric; }
                                })}>
                                    { for METRICS.iter().map(|metric| html! {
                                        <option key={metric_name(*metric)} value={metric_name(*metric)} selected={*metric == row.metric}>{ metric_name(*metric) }</option>
                                    }) }
                                </select>
                                <select aria-label={format!("Goal {} comparison", index + 1)} onchange={row_edit(index, |r, v| {
                                    r.comparison = match v.as_str() { "at most" => Comparison::AtMost, "at least" => Comparison::AtLeast, _ => Comparison::Equals };
                                })}>
                                    { for [Comparison::AtMost, Comparison::AtLeast, Comparison::Equals].into_iter().map(|c| html! {
                                        <option key={comparison_name(c)} value={comparison_name(c)} selected={c == row.comparison}>{ comparison_name(c) }</option>
                                    }) }
                                </select>
                                <input aria-label={format!("Goal {} value", index + 1)} value={row.value.clone()} oninput={typing(row_edit(index, |r, v| r.value = v))} />
                                <input class="goal-sentence" aria-label={format!("Goal {} sentence", index + 1)} value={row.text.clone()} oninput={typing(row_edit(index, |r, v| r.text = v))} />
                                <button onclick={remove_row(index)} aria-label={format!("Remove goal {}", index + 1)} disabled={draft.goal.len() == 1}>{"✕"}</button>
                            </div>
                        }) }
                    </div>
                    <div class="button-row wrap">
                        <button onclick={add_row}>{"Add a condition"}</button>
                        <button onclick={record} title="Play the reference solution and take each condition's value from where it ends">{"Record goal from the solution's end state"}</button>
                    </div>
                    <label class="field"><span>{"Hints (one per line, most general first)"}</span>
                        <textarea rows="3" value={draft.hints.clone()} oninput={typing(edit(|d, v| d.hints = v))} /></label>
                    <label class="field"><span>{"Reference solution (commands at ticks, as in a scenario's timeline)"}</span>
                        <textarea class="code" rows="6" value={draft.solution.clone()} oninput={typing(edit(|d, v| d.solution = v))} /></label>
                    <div class="field-grid">
                        <label class="field"><span>{"Par (fewest actions)"}</span><input value={draft.par.clone()} oninput={typing(edit(|d, v| d.par = v))} /></label>
                        <label class="field"><span>{"Ticks allowed"}</span><input value={draft.ticks_max.clone()} oninput={typing(edit(|d, v| d.ticks_max = v))} /></label>
                    </div>
                </section>
                <section class="card" aria-labelledby="builder-check-title">
                    <h2 id="builder-check-title">{"Check and export"}</h2>
                    if let Some(text) = (*message).clone() {
                        <p class="notice" role="status">{ text }</p>
                    }
                    { match (&lesson, &check) {
                        (Err(problem), _) => html! { <p class="problem" role="alert" data-testid="builder-problem">{ problem.clone() }</p> },
                        (Ok(_), Some(check)) => html! {
                            <ul class="builder-checks" data-testid="builder-checks">
                                { match check.solution_passes_at {
                                    Some(tick) => html! { <li class="met">{ format!("✓ The reference solution passes at tick {tick}.") }</li> },
                                    None => html! { <li class="unmet">{ format!("✕ The reference solution does not pass: {}.", check.solution_unmet.join("; ")) }</li> },
                                } }
                                if check.untouched_passes {
                                    <li class="unmet">{"✕ Doing nothing passes too: the goal does not judge anything yet."}</li>
                                } else {
                                    <li class="met">{"✓ Doing nothing does not pass."}</li>
                                }
                            </ul>
                        },
                        _ => html! {},
                    } }
                    if let (Some(json), Some(link)) = (json, try_link) {
                        <div class="button-row wrap">
                            <a class="button primary" href={link} target="_blank" data-testid="try-lesson">{"Try it"}</a>
                            <a class="button" href={crate::text::units::text_data_url(&json)} download={format!("{}.json", draft.id.trim())}>{"Download JSON"}</a>
                        </div>
                        <pre class="export-text" tabindex="0" data-testid="lesson-json">{ json }</pre>
                    }
                </section>
            </div>
        </main>
    }
}
