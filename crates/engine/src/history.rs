//! A bounded log of fleet-level events for the shells' event panels.

use std::collections::VecDeque;

use crate::EventRecord;

/// A ring of the most recent fleet-level events. Its capacity is fixed at creation, so a long
/// session never grows memory.
#[derive(Clone, Debug)]
pub struct EventHistory {
    records: VecDeque<EventRecord>,
    capacity: usize,
    /// Records ever pushed, so each record has a stable sequence number.
    pushed_total: u64,
}

impl EventHistory {
    /// An empty ring holding at most `capacity` records (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self { records: VecDeque::with_capacity(capacity), capacity, pushed_total: 0 }
    }

    /// Adds a record, forgetting the oldest when full.
    pub fn push(&mut self, record: EventRecord) {
        if self.records.len() == self.capacity {
            self.records.pop_front();
        }
        self.records.push_back(record);
        self.pushed_total += 1;
    }

    /// Records from oldest to newest, each with its sequence number (0 for the first ever pushed).
    pub fn numbered(&self) -> impl DoubleEndedIterator<Item = (u64, &EventRecord)> {
        let first = self.pushed_total - self.records.len() as u64;
        self.records.iter().enumerate().map(move |(offset, record)| (first + offset as u64, record))
    }

    /// Records from oldest to newest.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &EventRecord> + ExactSizeIterator {
        self.records.iter()
    }

    /// How many records are held.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The fixed capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Event;

    #[test]
    fn keeps_only_the_newest_records() {
        let mut history = EventHistory::with_capacity(3);
        for tick in 0..5 {
            history.push(EventRecord { tick, event: Event::FleetResized { from: 0, to: 1 } });
        }
        let ticks: Vec<u64> = history.iter().map(|r| r.tick).collect();
        assert_eq!(ticks, vec![2, 3, 4]);
        assert_eq!(history.capacity(), 3);
        let numbers: Vec<u64> = history.numbered().map(|(n, _)| n).collect();
        assert_eq!(numbers, vec![2, 3, 4]);
    }
}
