//! Branches side by side: the current line of play and the earlier ones the learner forked from,
//! each at its furthest tick, with a button to go back to any of them.

use std::rc::Rc;

use yew::prelude::*;

use crate::lab::history::BranchSummary;
use crate::lab::state::Action;

pub struct BranchesCardProps {
    /// The current branch, then the earlier ones in the order they were left.
    pub current: BranchSummary,
    pub earlier: Rc<Vec<BranchSummary>>,
    pub on_action: Callback<Action>,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn branches_card(props: &BranchesCardProps) -> Html {
    let row = |label: String, summary: &BranchSummary, action: Option<Action>| {
        let on_action = props.on_action.clone();
        html! {
            <tr key={label.clone()} data-branch={label.clone()}>
                <th scope="row">{ label.clone() }</th>
                <td>{ summary.head_tick }</td>
                <td>{ summary.actions }</td>
                <td>{ summary.in_service }</td>
                <td>{ summary.failed_requests }</td>
                <td>{ summary.vulnerable_instances }</td>
                <td>{ summary.phase }</td>
                <td>
                    { match action {
                        Some(action) => html! {
                            <button onclick={Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))}
                                aria-label={format!("Go to {label}")}>{"Go to"}</button>
                        },
                        None => html! { <span class="muted">{"current"}</span> },
                    } }
                </td>
            </tr>
        }
    };
    html! {
        <section class="card branches" aria-labelledby="branches-title" data-testid="branches">
            <h2 id="branches-title">{"Branches"}</h2>
            <p class="muted">{"Each line of play at its furthest tick. Acting at an earlier tick started a new branch; the old ones are kept here."}</p>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{"branch"}</th><th scope="col">{"last tick"}</th><th scope="col">{"actions"}</th>
                            <th scope="col">{"in service"}</th><th scope="col">{"failed"}</th><th scope="col">{"vulnerable"}</th>
                            <th scope="col">{"phase"}</th><th scope="col" />
                        </tr>
                    </thead>
                    <tbody>
                        { row("this branch".to_owned(), &props.current, None) }
                        { for props.earlier.iter().enumerate().rev().map(|(index, summary)| {
                            row(format!("branch {}", index + 1), summary, Some(Action::SwitchBranch(index)))
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
