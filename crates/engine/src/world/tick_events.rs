//! The events of the tick under way, with the cap on those that name one instance each: no list
//! of commands can make one tick record millions of events.

use super::Limits;
use crate::{Event, EventHistory, EventRecord};

/// The events of the tick under way, and how many of them named one instance each.
#[derive(Clone, Debug, Default)]
pub(super) struct TickEvents {
    pub(super) list: Vec<Event>,
    /// Per-instance events recorded since the tick began.
    per_instance: u32,
    /// Per-instance events past the cap, only counted.
    left_out: u32,
}

impl TickEvents {
    pub(super) fn has_room(&self) -> bool {
        self.per_instance < Limits::INSTANCE_EVENTS_PER_TICK_MAX
    }

    pub(super) fn leave_out(&mut self) {
        self.left_out = self.left_out.saturating_add(1);
    }

    pub(super) fn clear(&mut self) {
        self.list.clear();
    }

    /// How many per-instance events were left out of this tick, if any.
    pub(super) fn take_left_out(&mut self) -> Option<u32> {
        Some(std::mem::take(&mut self.left_out)).filter(|&count| count > 0)
    }

    /// A new tick: the cap counts from zero again.
    pub(super) fn start_tick(&mut self) {
        self.per_instance = 0;
        self.left_out = 0;
    }
}

/// Records `event` for this tick (and, if it concerns the whole fleet, in the history), leaving a
/// per-instance event out once the tick holds the cap.
pub(super) fn push_event(events: &mut TickEvents, history: &mut EventHistory, tick: u64, event: Event) {
    if event.is_per_instance() {
        if !events.has_room() {
            events.leave_out();
            return;
        }
        events.per_instance += 1;
    }
    if event.is_fleet_level() {
        history.push(EventRecord { tick, event: event.clone() });
    }
    events.list.push(event);
}
