//! The Immutable Infrastructure Lab in the browser: a Yew shell over the pure `lab-engine`.
//!
//! Only this crate knows about the browser. Everything that can be tested without one (the state
//! and its actions, the clock, the grid, slot layout, URL parsing) is plain Rust in its own module.

mod animated;
mod app;
mod branches;
mod builder;
mod builder_draft;
mod canvas;
mod clock;
mod compare_app;
pub mod compare_state;
pub mod components;
mod describe;
mod embed_app;
mod glossary;
mod guide;
mod hooks;
mod lesson_session;
pub mod lessons;
mod lessons_page;
pub mod markdown;
mod opening;
mod palette;
mod pretty;
pub mod progress;
mod query;
mod root;
pub mod saved;
mod scenarios;
mod session_store;
mod share;
pub mod state;
mod storage;
mod theme;
mod timeline;
mod traffic;
mod units;
mod view;
mod welcome;

pub use app::App;

/// Shows the theme the learner picked (or the system's), before the first page is drawn.
pub fn apply_saved_theme() {
    theme::apply(theme::load(&storage::LocalStorage));
}
pub use query::PageQuery;
pub use root::Root;
