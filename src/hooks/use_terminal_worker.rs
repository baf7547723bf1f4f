//! The link to the worker (`src/bin/terminal-worker.rs`) that answers the terminal and makes the
//! exports: started the first time either asks for something, so a page where nobody types or
//! exports never downloads the tools' words.
//! After every render the asks the lab queued are sent, each with what the worker needs to rebuild
//! the world (scenario, commands, tick); answers come back as actions.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use crate::lab::state::{Action, Lab};
use crate::lab::terminal_host::{Answer, READY, Request};

/// The worker's loader (`static/terminal-worker-loader.js`; the worker's files are not renamed by
/// content hash, so it can name them).
const WORKER_URL: &str = "./terminal-worker-loader.js";

/// A running worker, the requests held until it listens, and the handlers that must live as long
/// as it.
struct Link {
    worker: web_sys::Worker,
    ready: Rc<Cell<bool>>,
    held: Rc<RefCell<Vec<String>>>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Link {
    fn send(&self, request: String) {
        if self.ready.get() {
            let _ = self.worker.post_message(&wasm_bindgen::JsValue::from_str(&request));
        } else {
            self.held.borrow_mut().push(request);
        }
    }
}

fn start(on_action: &Callback<Action>) -> Option<Link> {
    let worker = web_sys::Worker::new(WORKER_URL).ok()?;
    let (ready, held) = (Rc::new(Cell::new(false)), Rc::new(RefCell::new(Vec::<String>::new())));
    let answers = on_action.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new({
        let (ready, held, worker) = (ready.clone(), held.clone(), worker.clone());
        move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else { return };
            if text == READY {
                ready.set(true);
                for request in held.take() {
                    let _ = worker.post_message(&wasm_bindgen::JsValue::from_str(&request));
                }
            } else if let Some(answer) = Answer::from_wire(&text) {
                answers.emit(Action::TerminalAnswer(answer));
            }
        }
    });
    let failures = on_action.clone();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        failures.emit(Action::TerminalAnswer(Answer::Text {
            text:
                "lab: the terminal could not start (its script did not load); reload the page to try again\n"
                    .into(),
            failed: true,
            watching: false,
        }));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Link { worker, ready, held, _on_message: on_message, _on_error: on_error })
}

/// Sends the terminal's asks to its worker, starting it when first needed.
#[hook]
pub fn use_terminal_worker(lab: Rc<RefCell<Lab>>, on_action: Callback<Action>) {
    let link = use_mut_ref(|| None::<Link>);
    use_effect(move || {
        let asks = std::mem::take(&mut lab.borrow_mut().asks);
        if asks.is_empty() {
            return;
        }
        let mut link = link.borrow_mut();
        if link.is_none() {
            *link = start(&on_action);
        }
        let Some(link) = link.as_ref() else {
            on_action.emit(Action::TerminalAnswer(Answer::Text {
                text: "lab: this browser would not start the terminal (web workers are off)\n".into(),
                failed: true,
                watching: false,
            }));
            return;
        };
        let lab = lab.borrow();
        for ask in asks {
            let request = Request {
                scenario: lab.scenario.clone(),
                log: lab.applied_log().to_vec(),
                tick: lab.world.now(),
                ask,
            };
            if let Ok(json) = serde_json::to_string(&request) {
                link.send(json);
            }
        }
    });
}
