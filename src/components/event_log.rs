//! The story so far: fleet-level events, newest first.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// Stable across renders: the event's position in the run.
    pub key: u64,
    pub tick: u64,
    pub text: AttrValue,
    /// A class for the entry's kind, e.g. `rejected`.
    pub kind: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    pub entries: Rc<Vec<LogEntry>>,
    /// The card's heading.
    #[prop_or(AttrValue::Static("Event log"))]
    pub title: AttrValue,
    /// What an empty log says: where the first event will come from on this page.
    #[prop_or(AttrValue::Static("Nothing has happened yet. Build an image, deploy it, and press Play."))]
    pub empty_text: AttrValue,
}

#[component]
pub fn EventLog(props: &EventLogProps) -> Html {
    html! {
        <section class="card log" aria-label={props.title.clone()}>
            <h2>{ props.title.clone() }</h2>
            if props.entries.is_empty() {
                <p class="muted">{ props.empty_text.clone() }</p>
            }
            <div role="log" aria-label={props.title.clone()}>
                <ol class="events">
                    { for props.entries.iter().map(|entry| html! {
                        <li key={entry.key} class={entry.kind}>
                            <span class="event-tick">{ format!("t{}", entry.tick) }</span>
                            <span>{ crate::text::markdown::render(&entry.text) }</span>
                        </li>
                    }) }
                </ol>
            </div>
        </section>
    }
}
