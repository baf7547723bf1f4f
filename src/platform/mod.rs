//! The browser around the lab: what it keeps (`storage.rs` is the only code touching
//! localStorage; `saved.rs` the rules over it; saved progress, sessions and the theme), the URL
//! (`query.rs`, share links), and fetching the curriculum.

pub mod lessons;
pub mod progress;
pub mod query;
pub mod saved;
pub mod session_store;
pub mod share;
pub mod storage;
pub mod theme;
