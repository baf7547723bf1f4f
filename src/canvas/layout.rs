//! Stable grid positions for instances: a replacement takes the slot its predecessor left, so the
//! learner sees servers swapped in place rather than a grid that reshuffles every tick.

use std::collections::BTreeSet;

use lab_engine::{Instance, InstanceId, Lifecycle, Limits};

/// Whether the fleet view should still draw an instance at `tick`.
pub fn is_shown(instance: &Instance, tick: u64) -> bool {
    match (instance.state, instance.stop_tick) {
        (Lifecycle::Terminated, Some(stop)) => tick < stop + Limits::TERMINATED_SHOWN_TICKS,
        _ => true,
    }
}

/// Slot assignment that survives from frame to frame.
#[derive(Clone, Debug, Default)]
pub struct SlotLayout {
    /// Each shown instance's slot and the generation it was last seen in, sorted by instance id.
    /// A sorted list rather than a hash map: the world lists its instances in id order (ids only
    /// grow), so a frame's lookups walk it front to back, and a hundred thousand of them cost
    /// comparisons, not hashes.
    entries: Vec<Entry>,
    /// Slots below `slot_count` that nobody holds, lowest handed out first.
    free: BTreeSet<u32>,
    slot_count: u32,
    generation: u64,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    id: InstanceId,
    slot: u32,
    seen: u64,
}

impl SlotLayout {
    /// Gives every shown instance a slot (the lowest free one for newcomers) and frees the slots
    /// of instances no longer shown. Returns the number of slots the grid needs.
    pub fn update(&mut self, instances: &[Instance], tick: u64) -> u32 {
        self.generation += 1;
        let generation = self.generation;
        // Free the slots of instances that left before placing newcomers, so a replacement can
        // land exactly where its predecessor stood.
        let mut cursor = 0;
        for instance in instances.iter().filter(|i| is_shown(i, tick)) {
            if let Some(index) = self.find(instance.id, cursor) {
                self.entries[index].seen = generation;
                cursor = index + 1;
            }
        }
        let free = &mut self.free;
        self.entries.retain(|entry| {
            let keep = entry.seen == generation;
            if !keep {
                free.insert(entry.slot);
            }
            keep
        });
        let mut cursor = 0;
        for instance in instances.iter().filter(|i| is_shown(i, tick)) {
            if let Some(index) = self.find(instance.id, cursor) {
                cursor = index + 1;
                continue;
            }
            let slot = self.free.pop_first().unwrap_or_else(|| {
                self.slot_count += 1;
                self.slot_count - 1
            });
            let entry = Entry { id: instance.id, slot, seen: generation };
            // Newcomers have the highest ids, so this is almost always a push at the end.
            let at = self.entries.partition_point(|e| e.id < instance.id);
            self.entries.insert(at, entry);
            cursor = at + 1;
        }
        let settled = instances.iter().filter(|i| is_shown(i, tick)).all(|i| i.state == Lifecycle::InService);
        if settled {
            self.close_gaps();
        }
        // Free slots at the end of the grid are given back, so the grid shrinks with the fleet.
        while self.slot_count > 0 && self.free.remove(&(self.slot_count - 1)) {
            self.slot_count -= 1;
        }
        self.slot_count
    }

    /// The index of `id`'s entry, looked for at `cursor` first (instances come in id order, so
    /// the next one is usually right there), else by binary search.
    fn find(&self, id: InstanceId, cursor: usize) -> Option<usize> {
        match self.entries.get(cursor) {
            Some(entry) if entry.id == id => Some(cursor),
            _ => self.entries.binary_search_by_key(&id, |entry| entry.id).ok(),
        }
    }

    /// Once nothing is moving, holes left by a rollout are filled from the end of the grid, so a
    /// settled fleet is always drawn as one compact block: the instance in the highest slot moves
    /// to the lowest hole, while that hole lies below it. One walk down the slots, not a search of
    /// the whole fleet per hole: a rollout of 100,000 instances leaves tens of thousands of holes.
    fn close_gaps(&mut self) {
        if self.free.is_empty() {
            return;
        }
        let mut holder = vec![usize::MAX; self.slot_count as usize];
        for (index, entry) in self.entries.iter().enumerate() {
            holder[entry.slot as usize] = index;
        }
        for (slot, index) in holder.into_iter().enumerate().rev().filter(|(_, index)| *index != usize::MAX) {
            let Some(&hole) = self.free.first() else { return };
            let slot = slot as u32;
            if slot < hole {
                return;
            }
            self.free.remove(&hole);
            self.free.insert(slot);
            self.entries[index].slot = hole;
        }
    }

    /// The slot of an instance shown in the last update.
    #[cfg(test)]
    pub fn slot(&self, id: InstanceId) -> Option<u32> {
        self.find(id, 0).map(|index| self.entries[index].slot)
    }

    /// The slots of `instances` shown in the last update, in their order: a walk, not a search
    /// per instance (`None` for one not shown).
    pub fn slots<'a>(&'a self, instances: &'a [Instance]) -> impl Iterator<Item = Option<u32>> + 'a {
        let mut cursor = 0;
        instances.iter().map(move |instance| {
            let index = self.find(instance.id, cursor)?;
            cursor = index + 1;
            Some(self.entries[index].slot)
        })
    }

    /// Forgets everything (a reset).
    pub fn clear(&mut self) {
        *self = SlotLayout::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lab_engine::Digest;

    fn instance(id: u32, state: Lifecycle, stop_tick: Option<u64>) -> Instance {
        Instance {
            id: InstanceId(id),
            revision: 1,
            image: Digest::of(b"x"),
            state,
            address: [10, 0, 0, 1],
            launch_tick: 0,
            boot_tick: 0,
            ready_tick: 0,
            crash_tick: u64::MAX,
            state_since_tick: 0,
            stop_tick,
            observed: None,
            tainted: false,
            unhealthy: false,
            compromised: false,
        }
    }

    #[test]
    fn a_replacement_takes_the_freed_slot() {
        let mut layout = SlotLayout::default();
        let fleet: Vec<_> = (1..=3).map(|id| instance(id, Lifecycle::InService, None)).collect();
        assert_eq!(layout.update(&fleet, 0), 3);
        let middle = layout.slot(InstanceId(2)).unwrap();
        // Instance 2 is long gone; instance 4 replaces it.
        let fleet = vec![fleet[0].clone(), fleet[2].clone(), instance(4, Lifecycle::Booting, None)];
        assert_eq!(layout.update(&fleet, 100), 3);
        assert_eq!(layout.slot(InstanceId(4)), Some(middle));
        assert_eq!(layout.slot(InstanceId(2)), None);
    }

    #[test]
    fn a_settled_fleet_has_no_holes() {
        let mut layout = SlotLayout::default();
        let fleet: Vec<_> = (1..=4).map(|id| instance(id, Lifecycle::InService, None)).collect();
        layout.update(&fleet, 0);
        // 1 and 2 left while 5 was still booting: 5 took a hole, one hole remains.
        let moving = vec![fleet[2].clone(), fleet[3].clone(), instance(5, Lifecycle::Booting, None)];
        assert_eq!(layout.update(&moving, 100), 4);
        let settled = vec![fleet[2].clone(), fleet[3].clone(), instance(5, Lifecycle::InService, None)];
        assert_eq!(layout.update(&settled, 101), 3);
        let mut slots: Vec<u32> = [3, 4, 5].iter().map(|id| layout.slot(InstanceId(*id)).unwrap()).collect();
        slots.sort_unstable();
        assert_eq!(slots, vec![0, 1, 2]);
    }

    #[test]
    fn a_big_rollout_settles_into_one_compact_block() {
        // 20,000 instances; half of them leave while 5,000 replacements boot in the lowest holes,
        // so 5,000 holes are left among the old instances. Once all are in service the grid
        // closes every gap (before: one search of the whole fleet per hole).
        let mut layout = SlotLayout::default();
        let old: Vec<_> = (1..=20_000).map(|id| instance(id, Lifecycle::InService, None)).collect();
        layout.update(&old, 0);
        let kept: Vec<_> = old.into_iter().filter(|i| i.id.0 % 2 == 0).collect();
        let new = |state| (20_001..=25_000).map(move |id| instance(id, state, None));
        let moving: Vec<_> = kept.iter().cloned().chain(new(Lifecycle::Booting)).collect();
        assert_eq!(layout.update(&moving, 100), 20_000, "the highest old instance still holds the last slot");
        let settled: Vec<_> = kept.into_iter().chain(new(Lifecycle::InService)).collect();
        assert_eq!(layout.update(&settled, 101), 15_000);
        let mut slots: Vec<u32> = settled.iter().map(|i| layout.slot(i.id).unwrap()).collect();
        slots.sort_unstable();
        assert!(slots.iter().copied().eq(0..15_000), "every slot below 15,000 is held once");
    }

    #[test]
    fn terminated_instances_stay_shown_for_a_while_then_the_grid_shrinks() {
        let mut layout = SlotLayout::default();
        let fleet =
            vec![instance(1, Lifecycle::InService, None), instance(2, Lifecycle::Terminated, Some(10))];
        assert_eq!(layout.update(&fleet, 11), 2);
        assert_eq!(layout.update(&fleet, 10 + Limits::TERMINATED_SHOWN_TICKS), 1);
    }
}
