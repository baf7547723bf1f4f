//! Hooks that connect the lab to the browser.

mod use_lab;
mod use_pass_saving;
mod use_render_loop;
mod use_session_keeping;
mod use_storage_changes;
mod use_terminal_worker;

pub use use_lab::use_lab;
pub use use_pass_saving::use_pass_saving;
pub use use_render_loop::{Canvas, Picture, use_render_loop};
pub use use_session_keeping::use_session_keeping;
pub use use_storage_changes::use_storage_changes;
pub use use_terminal_worker::use_terminal_worker;
