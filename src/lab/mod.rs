//! The lab's state and what the pages show of it, with no browser calls: a lab (`state.rs`) and
//! the actions that change it, how one opens from a URL, time travel, a lesson in play, the
//! recorded timeline, the traffic picture's model, the plain data each component shows
//! (`view.rs`) and events in words (`describe.rs`), the clock that turns frames into ticks, the
//! lesson builder's draft. Everything here is tested natively.

pub mod animated;
pub mod branches;
pub mod builder_draft;
pub mod clock;
pub mod compare_state;
pub mod describe;
pub mod history;
pub mod lesson_session;
pub mod opening;
pub mod scenarios;
pub mod state;
pub mod terminal;
pub mod terminal_host;
pub mod timeline;
pub mod traffic;
pub mod view;
