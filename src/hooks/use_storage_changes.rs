//! Another tab of this lab changed what the browser keeps: the page calls `on_change` so what it
//! shows follows, and a pass made in that tab appears here too.

use yew::prelude::*;

/// Calls `on_change` whenever another tab writes to this site's localStorage (the browser sends
/// the `storage` event only to the other tabs, never to the one that wrote).
#[hook]
pub fn use_storage_changes(on_change: Callback<()>) {
    use_effect_with((), move |_| {
        let listener = web_sys::window()
            .map(|window| gloo::events::EventListener::new(&window, "storage", move |_| on_change.emit(())));
        move || drop(listener)
    });
}
