//! The terminal's worker: answers the page's requests about typed lines in the real tools' words
//! (`lab::terminal_host`). Built by trunk as a web worker (`data-type="worker"` in index.html), so
//! its code, the tools' tables, trees and JSON, is fetched only when the terminal is first used.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;

    use lab_app::lab::terminal_host::TerminalHost;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let host = RefCell::new(TerminalHost::default());
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(request) = event.data().as_string() else { return };
        let answer = host.borrow_mut().answer_json(&request);
        let _ = reply_to.post_message(&wasm_bindgen::JsValue::from_str(&answer));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    // Messages sent while the wasm was loading found no handler: the page holds them until this.
    let _ = scope.post_message(&wasm_bindgen::JsValue::from_str(lab_app::lab::terminal_host::READY));
}

/// Natively there is no worker: the host is tested as a library (`src/lab/terminal_host.rs`).
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
