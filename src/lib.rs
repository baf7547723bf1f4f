//! The Immutable Infrastructure Lab in the browser: a Yew shell over the pure `lab-engine`.
//!
//! Only this crate knows about the browser. Everything that can be tested without one (the state
//! and its actions, the clock, the grid, slot layout, URL parsing) is plain Rust in its own module.

// The page's code by role. `pages/`: what each URL shows; `lab/`: the lab's state and the plain
// data the pages show (no browser calls, tested natively); `canvas/`: drawing; `platform/`: the
// browser's storage, the URL, fetching; `components/` and `hooks/`: the pieces pages are made of;
// `text/`: words and numbers as the page writes them.
mod canvas;
pub mod components;
mod hooks;
pub mod lab;
mod pages;
pub mod platform;
mod root;
pub mod text;

pub use pages::lab::App;

/// Shows the theme the learner picked (or the system's), before the first page is drawn.
pub fn apply_saved_theme() {
    platform::theme::apply(platform::theme::load(&platform::storage::LocalStorage));
}
/// Takes away the "loading" line `index.html` shows until the WebAssembly has started.
pub fn remove_boot_message() {
    if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}
pub use platform::query::PageQuery;
pub use root::{Root, ScreensRoot};
