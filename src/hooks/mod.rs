//! Hooks that connect the lab to the browser.

mod use_lab;
mod use_render_loop;
mod use_storage_changes;

pub use use_lab::use_lab;
pub use use_render_loop::{Canvas, Picture, use_render_loop};
pub use use_storage_changes::use_storage_changes;
