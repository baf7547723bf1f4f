//! The strategy scoreboard: the current scenario run once per strategy, side by side, so the
//! trade-offs read as numbers — recreate's downtime, blue-green's double fleet, a canary's small
//! blast radius. Computed on request (it runs the scenario five times).

use std::rc::Rc;

use lab_engine::scoreboard::Score;
use yew::prelude::*;

pub struct ScoreboardCardProps {
    /// `None` until the learner asks for it.
    pub scores: Option<Rc<Vec<Score>>>,
    pub on_run: Callback<()>,
}

/// Best (lowest) value in a column, to mark the winner.
fn best<T: Ord + Copy>(scores: &[Score], value: impl Fn(&Score) -> Option<T>) -> Option<T> {
    scores.iter().filter_map(value).min()
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn scoreboard_card(props: &ScoreboardCardProps) -> Html {
    let on_run = props.on_run.reform(|_: MouseEvent| ());
    let ticks = |value: Option<u64>| value.map_or("–".to_owned(), |v| v.to_string());
    html! {
        <section class="card scoreboard" aria-labelledby="scoreboard-title" data-testid="scoreboard">
            <div class="card-head">
                <h2 id="scoreboard-title">{"Strategy scoreboard"}</h2>
                <button onclick={on_run} title="Run this scenario once with each strategy">
                    { if props.scores.is_some() { "Run again" } else { "Compare strategies" } }
                </button>
            </div>
            if let Some(scores) = &props.scores {
                <table class="score-table">
                    <caption class="muted">{"Durations in ticks, failures in requests; lower is better, the best of each column in bold. Hover a heading for its meaning."}</caption>
                    <thead><tr>
                        <th scope="col">{"strategy"}</th>
                        <th scope="col" title="Ticks from the rollout's start to its end">{"duration"}</th>
                        <th scope="col" title="Ticks with nothing in service">{"down"}</th>
                        <th scope="col" title="Requests that failed">{"failed"}</th>
                        <th scope="col" title="Most instances running at once: what the rollout costs">{"peak"}</th>
                        <th scope="col" title="Ticks until a bad version was detected and the rollout aborted">{"detect"}</th>
                        <th scope="col" title="Ticks from the abort until the stable version ran everywhere again">{"rollback"}</th>
                        <th scope="col" title="Requests served by a faulty version">{"blast radius"}</th>
                    </tr></thead>
                    <tbody>
                        { for scores.iter().map(|score| {
                            let cell = |text: String, is_best: bool| html! { <td class={classes!(is_best.then_some("best"))}>{ text }</td> };
                            html! {
                                <tr key={score.strategy} data-strategy={score.strategy}>
                                    <th scope="row">{ score.strategy.replace('_', " ") }</th>
                                    { cell(ticks(score.duration_ticks), score.duration_ticks.is_some() && best(scores, |s| s.duration_ticks) == score.duration_ticks) }
                                    { cell(score.downtime_ticks.to_string(), best(scores, |s| Some(s.downtime_ticks)) == Some(score.downtime_ticks)) }
                                    { cell(score.failed_requests.to_string(), best(scores, |s| Some(s.failed_requests)) == Some(score.failed_requests)) }
                                    { cell(score.peak_instances.to_string(), best(scores, |s| Some(s.peak_instances)) == Some(score.peak_instances)) }
                                    { cell(ticks(score.detect_ticks), score.detect_ticks.is_some() && best(scores, |s| s.detect_ticks) == score.detect_ticks) }
                                    { cell(ticks(score.rollback_ticks), score.rollback_ticks.is_some() && best(scores, |s| s.rollback_ticks) == score.rollback_ticks) }
                                    { cell(score.blast_radius.to_string(), best(scores, |s| Some(s.blast_radius)) == Some(score.blast_radius)) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            } else {
                <p class="muted">{"Run this scenario with each strategy — rolling, recreate, blue-green, canary, instance refresh — and compare downtime, cost, failed requests and how fast a bad version is caught."}</p>
            }
        </section>
    }
}
