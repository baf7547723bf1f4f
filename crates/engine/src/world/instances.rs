//! The instance side of a tick: lifecycles advancing, and the ReplicaSet-like controller that
//! launches and removes instances until each revision has what the strategy wants.

use rand_core::Rng;

use super::{Limits, World};
use crate::{Event, Instance, InstanceId, Lifecycle, Revision};

impl World {
    pub(super) fn advance_lifecycles(&mut self, tick: u64) {
        let World { instances, revisions, log, tainted_pending, .. } = self;
        for instance in instances.iter_mut() {
            if instance.state == Lifecycle::InService && tick >= instance.crash_tick {
                // It falls over: out of service at once, its requests in flight lost, and the
                // health checks see it, so it is replaced like any unhealthy instance.
                instance.state = Lifecycle::Booting;
                instance.state_since_tick = tick;
                instance.ready_tick = u64::MAX;
                instance.crash_tick = u64::MAX;
                instance.unhealthy = true;
                *tainted_pending = true;
                if let Some(revision) = revisions.iter_mut().find(|r| r.number == instance.revision) {
                    revision.available -= 1;
                    revision.crashed += 1;
                }
                log.emit(tick, Event::InstanceCrashed { instance: instance.id });
                continue;
            }
            let event = match instance.state {
                Lifecycle::Pending if tick >= instance.boot_tick => {
                    instance.state = Lifecycle::Booting;
                    instance.state_since_tick = tick;
                    None
                }
                Lifecycle::Draining if instance.stop_tick.is_some_and(|stop| tick >= stop) => {
                    instance.state = Lifecycle::Terminated;
                    instance.state_since_tick = tick;
                    if let Some(revision) = revisions.iter_mut().find(|r| r.number == instance.revision) {
                        revision.terminating = revision.terminating.saturating_sub(1);
                    }
                    Some(Event::InstanceTerminated { instance: instance.id })
                }
                _ => None,
            };
            if let Some(event) = event {
                log.emit(tick, event);
            }
            if instance.state == Lifecycle::Booting && tick >= instance.ready_tick {
                instance.state = Lifecycle::InService;
                instance.state_since_tick = tick;
                if let Some(revision) = revisions.iter_mut().find(|r| r.number == instance.revision) {
                    revision.available += 1;
                }
                log.emit(tick, Event::InstanceInService { instance: instance.id });
            }
        }
        if !tick.is_multiple_of(Limits::FORGET_SWEEP_TICKS) {
            return;
        }
        instances.retain(|instance| {
            !(instance.state == Lifecycle::Terminated
                && instance
                    .stop_tick
                    .is_some_and(|stop| tick >= stop.saturating_add(Limits::TERMINATED_SHOWN_TICKS)))
        });
    }

    /// The ReplicaSet controller: launches or removes instances until each revision has `desired`.
    pub(super) fn sync_instances(&mut self, tick: u64) -> bool {
        let mut changed = false;
        for index in 0..self.revisions.len() {
            let Revision { desired, live, .. } = self.revisions[index];
            for _ in live..desired {
                // Ids are never reused; once all four billion are spent, nothing more launches
                // (the rollout stalls) rather than an id wrapping around onto a live instance.
                if self.next_instance_id == u32::MAX {
                    break;
                }
                self.launch(index, tick);
                changed = true;
            }
            if live > desired {
                self.remove_instances(index, live - desired, tick);
                changed = true;
            }
        }
        changed
    }

    /// Creates one instance of the revision at `revision_index`; returns its index in the fleet.
    pub(super) fn launch(&mut self, revision_index: usize, tick: u64) -> usize {
        let revision = &mut self.revisions[revision_index];
        revision.live += 1;
        // A floating launch template (a tag) is looked up at every launch: the `latest` trap.
        let image = match &revision.launch {
            launch if launch.is_floating() => {
                self.supply.registry().resolve(launch).unwrap_or(revision.image)
            }
            _ => revision.image,
        };
        let id = InstanceId(self.next_instance_id);
        self.next_instance_id += 1;
        let pull_ticks = self.timing.pull_ticks.unwrap_or_else(|| {
            let size_kb = self.supply.registry().image(image).map_or(0, |i| i.size_kb);
            size_kb.div_ceil(self.timing.pull_mb_per_tick.max(1).saturating_mul(1_000))
        });
        let boot_tick = tick.saturating_add(u64::from(pull_ticks));
        let (broken, crash_after_ticks) = self
            .supply
            .registry()
            .image(image)
            .map_or((false, 0), |i| (i.spec.broken, i.spec.crash_after_ticks));
        // A broken build boots forever: it never passes its readiness check.
        let ready_tick =
            if broken { u64::MAX } else { boot_tick.saturating_add(u64::from(self.timing.boot_ticks)) };
        let crash_tick = match crash_after_ticks {
            0 => u64::MAX,
            after => ready_tick.saturating_add(u64::from(after)),
        };
        let random = self.rng.next_u32().to_le_bytes();
        let instance = Instance {
            id,
            revision: revision.number,
            image,
            state: if boot_tick > tick { Lifecycle::Pending } else { Lifecycle::Booting },
            // 10.0.0.0/16 with host parts 1..=254: a replacement rarely gets its old address back.
            address: [10, 0, random[0], 1 + random[1] % 254],
            launch_tick: tick,
            boot_tick,
            ready_tick,
            crash_tick,
            state_since_tick: tick,
            stop_tick: None,
            observed: None,
            tainted: false,
            unhealthy: false,
            compromised: false,
        };
        let revision_number = revision.number;
        self.instances.push(instance);
        self.emit(Event::InstanceLaunched { instance: id, revision: revision_number, image });
        self.instances.len() - 1
    }

    /// Removes `count` live instances of a revision, in TM-4 order (docs/semantics.md): not ready
    /// before ready (pending before booting), and among ready ones the most recently ready first.
    fn remove_instances(&mut self, revision_index: usize, count: u32, tick: u64) {
        let number = self.revisions[revision_index].number;
        let World { instances, scratch_indices, .. } = self;
        scratch_indices.clear();
        scratch_indices.extend(
            instances
                .iter()
                .enumerate()
                .filter(|(_, i)| i.revision == number && i.state.is_live())
                .map(|(index, _)| index as u32),
        );
        scratch_indices.sort_unstable_by_key(|&index| {
            let instance = &instances[index as usize];
            let rank = match instance.state {
                Lifecycle::Pending => 0u8,
                Lifecycle::Booting => 1,
                _ => 2,
            };
            (rank, std::cmp::Reverse(instance.ready_tick), std::cmp::Reverse(instance.id))
        });
        for position in 0..count as usize {
            let index = self.scratch_indices[position] as usize;
            self.stop_instance(index, tick);
        }
    }

    /// Takes an instance out of its revision. One in service drains first, so in-flight requests
    /// finish; one that never entered service has nothing to drain and stops at once.
    pub(super) fn stop_instance(&mut self, index: usize, tick: u64) {
        let drain_ticks = u64::from(self.timing.drain_ticks);
        if self.instances[index].compromised {
            // The attacker's foothold goes with the instance.
            self.compromised_live = self.compromised_live.saturating_sub(1);
        }
        // Whatever the instance kept on its own disk goes with it.
        let lost_mb = self.instances[index].observed.as_ref().map_or(0, |o| o.local_data_mb);
        if lost_mb > 0 {
            self.data_lost_mb += u64::from(lost_mb);
            let id = self.instances[index].id;
            self.emit(Event::DataLost { instance: id, mb: lost_mb });
        }
        let instance = &mut self.instances[index];
        let was_in_service = instance.state == Lifecycle::InService;
        let revision = self
            .revisions
            .iter_mut()
            .find(|r| r.number == instance.revision)
            .expect("a live instance belongs to a tracked revision");
        revision.live -= 1;
        if was_in_service {
            revision.available -= 1;
        }
        instance.state_since_tick = tick;
        let id = instance.id;
        if was_in_service && drain_ticks > 0 {
            revision.terminating += 1;
            instance.state = Lifecycle::Draining;
            instance.stop_tick = Some(tick.saturating_add(drain_ticks));
            self.emit(Event::InstanceDraining { instance: id });
        } else {
            instance.state = Lifecycle::Terminated;
            instance.stop_tick = Some(tick);
            self.emit(Event::InstanceTerminated { instance: id });
        }
    }
}
