//! Stable grid positions for instances: a replacement takes the slot its predecessor left, so the
//! learner sees servers swapped in place rather than a grid that reshuffles every tick.

use std::collections::{BTreeSet, HashMap};

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
    /// Each shown instance's slot and the generation it was last seen in.
    slot_of: HashMap<InstanceId, (u32, u64)>,
    /// Slots below `slot_count` that nobody holds, lowest handed out first.
    free: BTreeSet<u32>,
    slot_count: u32,
    generation: u64,
}

impl SlotLayout {
    /// Gives every shown instance a slot (the lowest free one for newcomers) and frees the slots
    /// of instances no longer shown. Returns the number of slots the grid needs.
    pub fn update(&mut self, instances: &[Instance], tick: u64) -> u32 {
        self.generation += 1;
        let generation = self.generation;
        // Free the slots of instances that left before placing newcomers, so a replacement can
        // land exactly where its predecessor stood.
        for instance in instances.iter().filter(|i| is_shown(i, tick)) {
            if let Some(entry) = self.slot_of.get_mut(&instance.id) {
                entry.1 = generation;
            }
        }
        let free = &mut self.free;
        self.slot_of.retain(|_, (slot, seen)| {
            let keep = *seen == generation;
            if !keep {
                free.insert(*slot);
            }
            keep
        });
        for instance in instances.iter().filter(|i| is_shown(i, tick)) {
            if !self.slot_of.contains_key(&instance.id) {
                let slot = self.free.pop_first().unwrap_or_else(|| {
                    self.slot_count += 1;
                    self.slot_count - 1
                });
                self.slot_of.insert(instance.id, (slot, generation));
            }
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

    /// Once nothing is moving, holes left by a rollout are filled from the end of the grid, so a
    /// settled fleet is always drawn as one compact block.
    fn close_gaps(&mut self) {
        while let Some(&hole) = self.free.first() {
            let last = self.slot_of.iter_mut().max_by_key(|(_, (slot, _))| *slot);
            let Some((_, (slot, _))) = last else { return };
            if *slot < hole {
                return;
            }
            self.free.remove(&hole);
            self.free.insert(*slot);
            *slot = hole;
        }
    }

    /// The slot of an instance shown in the last update.
    pub fn slot(&self, id: InstanceId) -> Option<u32> {
        self.slot_of.get(&id).map(|(slot, _)| *slot)
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
    fn terminated_instances_stay_shown_for_a_while_then_the_grid_shrinks() {
        let mut layout = SlotLayout::default();
        let fleet =
            vec![instance(1, Lifecycle::InService, None), instance(2, Lifecycle::Terminated, Some(10))];
        assert_eq!(layout.update(&fleet, 11), 2);
        assert_eq!(layout.update(&fleet, 10 + Limits::TERMINATED_SHOWN_TICKS), 1);
    }
}
