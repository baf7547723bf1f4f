//! The terminal: type what you would type at work — `kubectl`, `kubectl argo rollouts`, `aws`,
//! `docker`, `ssh` — and read what those tools print. Enter runs a line, Tab completes, Up and
//! Down recall earlier lines, Ctrl+C stops a watch, Ctrl+L clears. The screen is a log region, so
//! a screen reader reads each answer as it arrives.

use std::rc::Rc;

use yew::prelude::*;

use crate::lab::state::Action;
use crate::lab::terminal::{LineKind, Terminal as TerminalState};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub state: Rc<TerminalState>,
    pub on_action: Callback<Action>,
    /// A line to start from (a lesson's first command), shown as a hint.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
}

/// The words before the last one, and the last one, of a line being typed.
fn split_last(line: &str) -> (&str, &str) {
    match line.rfind(char::is_whitespace) {
        Some(index) => (&line[..=index], &line[index + 1..]),
        None => ("", line),
    }
}

/// The longest prefix shared by every candidate.
fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else { return String::new() };
    let mut end = first.len();
    for candidate in &candidates[1..] {
        end = first
            .char_indices()
            .zip(candidate.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(end);
    }
    first[..end].to_owned()
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let input = use_state(String::new);
    // Where Up and Down are in the history (None: the line being typed).
    let recall = use_state(|| None::<usize>);
    let choices = use_state(Vec::<String>::new);
    let screen = use_node_ref();

    {
        // Keep the newest line in view as output arrives.
        let screen = screen.clone();
        let count = props.state.lines.len();
        use_effect_with(count, move |_| {
            if let Some(element) = screen.cast::<web_sys::Element>() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    }

    {
        // Completions arrive from the worker: applied if the line is still the one asked about.
        let input = input.clone();
        let choices = choices.clone();
        use_effect_with(props.state.completions.clone(), move |completions| {
            if let Some((line, found)) = completions
                && *line == *input
            {
                let (head, _) = split_last(line);
                match found.as_slice() {
                    [] => choices.set(Vec::new()),
                    [one] => {
                        let spacer = if one.ends_with('=') || one.ends_with('/') { "" } else { " " };
                        input.set(format!("{head}{one}{spacer}"));
                        choices.set(Vec::new());
                    }
                    many => {
                        input.set(format!("{head}{}", common_prefix(many)));
                        choices.set(many.to_vec());
                    }
                }
            }
        });
    }

    let oninput = {
        let input = input.clone();
        let recall = recall.clone();
        let choices = choices.clone();
        Callback::from(move |event: InputEvent| {
            input.set(event.target_unchecked_into::<web_sys::HtmlInputElement>().value());
            recall.set(None);
            choices.set(Vec::new());
        })
    };
    let onkeydown = {
        let input = input.clone();
        let recall = recall.clone();
        let history = props.state.history.clone();
        let on_action = props.on_action.clone();
        let watching = props.state.watching;
        Callback::from(move |event: KeyboardEvent| {
            let key = event.key();
            let ctrl = event.ctrl_key() || event.meta_key();
            match key.as_str() {
                "Enter" => {
                    event.prevent_default();
                    on_action.emit(Action::Type((*input).clone()));
                    input.set(String::new());
                    recall.set(None);
                }
                "Tab" if !event.shift_key() && !input.trim().is_empty() => {
                    // Tab completes (the answer comes back as the terminal's completions); it
                    // stays in the terminal while a line is typed. On an empty line, and with
                    // Shift, it moves focus on as everywhere else.
                    event.prevent_default();
                    on_action.emit(Action::Complete((*input).clone()));
                }
                "ArrowUp" if !history.is_empty() => {
                    event.prevent_default();
                    let at = recall.map_or(history.len() - 1, |at| at.saturating_sub(1));
                    recall.set(Some(at));
                    input.set(history[at].clone());
                }
                "ArrowDown" => {
                    if let Some(at) = *recall {
                        event.prevent_default();
                        if at + 1 < history.len() {
                            recall.set(Some(at + 1));
                            input.set(history[at + 1].clone());
                        } else {
                            recall.set(None);
                            input.set(String::new());
                        }
                    }
                }
                "c" if ctrl && watching => {
                    event.prevent_default();
                    on_action.emit(Action::Interrupt);
                }
                "l" if ctrl => {
                    event.prevent_default();
                    on_action.emit(Action::ClearTerminal);
                }
                // Tab completes here, so Escape is the way out for a keyboard (as in editors that
                // take Tab): focus goes back to the page.
                "Escape" => {
                    if let Some(element) = event.target_dyn_into::<web_sys::HtmlElement>() {
                        let _ = element.blur();
                    }
                }
                _ => {}
            }
        })
    };

    let line_class = |kind: LineKind| match kind {
        LineKind::Typed => "typed",
        LineKind::Output => "out",
        LineKind::Error => "err",
        LineKind::Lab => "lab-says",
    };
    html! {
        <section class="card terminal-card" aria-labelledby="terminal-title" data-testid="terminal">
            <div class="card-head">
                <h2 id="terminal-title">{"Terminal"}</h2>
                <span class="muted small">{"kubectl · kubectl argo rollouts · aws · docker · ssh — type "}<code>{"help"}</code></span>
            </div>
            <div class="terminal-screen" ref={screen} role="log" aria-live="polite" aria-label="Terminal output" tabindex="0">
                { for props.state.lines.iter().map(|line| html! {
                    <div class={classes!("term-line", line_class(line.kind))}>{ if line.text.is_empty() { " ".to_owned() } else { line.text.clone() } }</div>
                }) }
            </div>
            if !choices.is_empty() {
                <p class="terminal-choices small" aria-live="polite" data-testid="completions">
                    { choices.iter().take(30).cloned().collect::<Vec<_>>().join("   ") }
                </p>
            }
            <div class="terminal-prompt">
                <label for="terminal-input" class="prompt-sign">{"$"}<span class="visually-hidden">{" Command"}</span></label>
                <input id="terminal-input" type="text" value={(*input).clone()} {oninput} {onkeydown}
                    autocomplete="off" autocapitalize="off" spellcheck="false"
                    maxlength={lab_tools::LINE_CHARS_MAX.to_string()}
                    placeholder={props.placeholder.clone().unwrap_or_else(|| AttrValue::from("help"))}
                    aria-describedby="terminal-keys" />
            </div>
            <p id="terminal-keys" class="muted small">{"Enter runs · Tab completes · ↑ ↓ earlier commands · Ctrl+C stops a watch · Ctrl+L clears · Esc leaves. Time moves when the lab plays."}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_keeps_what_every_choice_shares() {
        assert_eq!(split_last("kubectl rollout st"), ("kubectl rollout ", "st"));
        assert_eq!(split_last("kub"), ("", "kub"));
        let choices = vec!["describe-instance-refreshes".to_owned(), "describe-x".to_owned()];
        assert_eq!(common_prefix(&choices), "describe-");
        assert_eq!(common_prefix(&["web:v2".to_owned(), "web:v2.1".to_owned()]), "web:v2");
    }
}
