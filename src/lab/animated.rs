//! What the render loop drives: anything with a clock speed, a play state, ticks to run, and one or
//! more labs whose fleets are drawn on canvases.

use crate::lab::state::{Action, Lab};

/// A simulation the render loop can animate.
pub trait Animated: 'static {
    /// Milliseconds per tick at the current speed.
    fn tick_ms(&self) -> f64;
    /// Whether ticks advance on their own.
    fn playing(&self) -> bool;
    /// Runs ticks.
    fn advance(&mut self, ticks: u32);
    /// Whether the picture must be redrawn although no tick ran; clears the flag.
    fn take_dirty(&mut self) -> bool;
    /// The lab drawn on canvas `index`.
    fn lab(&self, index: usize) -> Option<&Lab>;
}

impl Animated for Lab {
    fn tick_ms(&self) -> f64 {
        Lab::tick_ms(self)
    }

    fn playing(&self) -> bool {
        self.playing
    }

    fn advance(&mut self, ticks: u32) {
        self.reduce(Action::Advance(ticks));
    }

    fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    fn lab(&self, index: usize) -> Option<&Lab> {
        (index == 0).then_some(self)
    }
}
