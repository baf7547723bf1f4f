//! The world's event log: the events of the tick under way (for shells to drain and the trace to
//! hash) and the history of fleet-level events. Every part of the world emits through it, so the
//! cap on per-instance events holds whoever emits: no list of commands can make one tick record
//! millions of events.

use crate::{Event, EventHistory, EventRecord, Limits};

/// The tick's events, the cap on those that name one instance each, and the fleet-level history.
#[derive(Clone, Debug)]
pub(crate) struct EventLog {
    list: Vec<Event>,
    /// Per-instance events recorded since the tick began.
    per_instance: u32,
    /// Per-instance events past the cap, only counted.
    left_out: u32,
    /// The tick ended and nobody has drained its events yet: the next tick or command drops them,
    /// so the buffer stays bounded.
    sealed: bool,
    history: EventHistory,
}

impl EventLog {
    pub(crate) fn new() -> Self {
        EventLog {
            list: Vec::new(),
            per_instance: 0,
            left_out: 0,
            sealed: false,
            history: EventHistory::with_capacity(Limits::HISTORY_CAPACITY),
        }
    }

    /// Records `event` at `tick` (and, if it concerns the whole fleet, in the history), leaving a
    /// per-instance event out once the tick holds the cap.
    pub(crate) fn emit(&mut self, tick: u64, event: Event) {
        if event.is_per_instance() {
            if !self.has_room() {
                self.left_out = self.left_out.saturating_add(1);
                return;
            }
            self.per_instance += 1;
        }
        if event.is_fleet_level() {
            self.history.push(EventRecord { tick, event: event.clone() });
        }
        self.list.push(event);
    }

    /// Emits an event naming one instance, built only if the tick still records such events (the
    /// ones past the cap are only counted, so a flood of them costs no allocation).
    pub(crate) fn emit_instance(&mut self, tick: u64, event: impl FnOnce() -> Event) {
        if self.has_room() {
            self.emit(tick, event());
        } else {
            self.left_out = self.left_out.saturating_add(1);
        }
    }

    fn has_room(&self) -> bool {
        self.per_instance < Limits::INSTANCE_EVENTS_PER_TICK_MAX
    }

    /// Events nobody drained after the previous tick are dropped.
    pub(crate) fn unseal(&mut self) {
        if self.sealed {
            self.list.clear();
            self.sealed = false;
        }
    }

    /// Forgets everything emitted so far (the starting fleet's launches are not news).
    pub(crate) fn forget_tick(&mut self) {
        self.list.clear();
        self.per_instance = 0;
        self.left_out = 0;
    }

    /// Ends the tick: says how many per-instance events were left out, if any, and returns the
    /// tick's events for the trace. They stay drainable until the next tick or command.
    pub(crate) fn end_tick(&mut self, tick: u64) -> &[Event] {
        if self.left_out > 0 {
            let count = std::mem::take(&mut self.left_out);
            self.emit(tick, Event::InstanceEventsLeftOut { count });
        }
        self.per_instance = 0;
        self.left_out = 0;
        self.sealed = true;
        &self.list
    }

    /// Takes the events emitted since the last drain, in order.
    pub(crate) fn drain(&mut self) -> std::vec::Drain<'_, Event> {
        self.sealed = false;
        self.list.drain(..)
    }

    /// The most recent fleet-level events.
    pub(crate) fn history(&self) -> &EventHistory {
        &self.history
    }
}
