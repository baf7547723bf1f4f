//! The fleet: every instance, its lifecycle from launch to termination, and the ReplicaSet-like
//! controller that launches and removes instances until each revision has what the rollout wants.
//! Revisions belong to the rollout; the fleet keeps their instance counters (`live`, `available`,
//! `terminating`) true as instances move, so it is handed them for each pass.

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;

use crate::event_log::EventLog;
use crate::registry::Registry;
use crate::{Event, Instance, InstanceId, Lifecycle, Limits, Revision, Scenario};

mod invariants;
mod replacement;

/// How long instances take to move between lifecycle states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timing {
    /// A fixed pull time; without one, the pull takes as long as the image's size needs.
    pull_ticks: Option<u32>,
    pull_mb_per_tick: u32,
    boot_ticks: u32,
    drain_ticks: u32,
}

/// The instances and what the fleet remembers about them.
#[derive(Clone, Debug)]
pub(crate) struct Fleet {
    timing: Timing,
    /// In id order (ids only grow), including recently terminated instances still shown.
    instances: Vec<Instance>,
    /// For each of `instances`, the tick its lifecycle next moves on its own (`u64::MAX`: not
    /// without an action). The per-tick walk reads this list and opens only the records due: a
    /// fleet of 100,000 is mostly in service or stopped, and its walk then reads 8 bytes per record
    /// instead of 112.
    due_ticks: Vec<u64>,
    next_instance_id: u32,
    /// Instances in service longer than this are replaced (AWS's maximum instance lifetime).
    max_instance_age_ticks: Option<u64>,
    /// Some instance was marked for replacement since the last sweep.
    tainted_pending: bool,
    /// Live instances an attacker controls.
    compromised_live: u32,
    /// Data that left with replaced instances' disks, in MB.
    data_lost_mb: u64,
    /// Reused, so a tick allocates nothing once the fleet has reached its size.
    scratch_indices: Vec<u32>,
}

impl Fleet {
    /// The scenario's starting fleet, already in service: it has been running for a while.
    pub(crate) fn start(
        scenario: &Scenario,
        revision: &mut Revision,
        registry: &Registry,
        rng: &mut ChaCha8Rng,
        log: &mut EventLog,
    ) -> Self {
        let mut fleet = Fleet {
            timing: Timing {
                pull_ticks: scenario.pull_ticks,
                pull_mb_per_tick: scenario.pull_mb_per_tick,
                boot_ticks: scenario.boot_ticks,
                drain_ticks: scenario.drain_ticks,
            },
            instances: Vec::with_capacity(revision.desired as usize),
            due_ticks: Vec::with_capacity(revision.desired as usize),
            next_instance_id: 1,
            max_instance_age_ticks: scenario.max_instance_age_ticks,
            tainted_pending: false,
            compromised_live: 0,
            data_lost_mb: 0,
            scratch_indices: Vec::new(),
        };
        for _ in 0..revision.desired {
            let index = fleet.launch(revision, registry, rng, 0, log);
            let instance = &mut fleet.instances[index];
            instance.state = Lifecycle::InService;
            instance.boot_tick = 0;
            instance.ready_tick = 0;
            revision.available += 1;
            fleet.due_ticks[index] = due_tick(&fleet.instances[index]);
        }
        fleet
    }

    /// Every instance still shown, by id.
    pub(crate) fn instances(&self) -> &[Instance] {
        &self.instances
    }

    /// Live instances an attacker controls.
    pub(crate) fn compromised_live(&self) -> u32 {
        self.compromised_live
    }

    /// Data lost with replaced instances, in MB.
    pub(crate) fn data_lost_mb(&self) -> u64 {
        self.data_lost_mb
    }

    /// Whether no instance is starting or leaving.
    pub(crate) fn is_still(&self) -> bool {
        self.instances.iter().all(|i| matches!(i.state, Lifecycle::InService | Lifecycle::Terminated))
    }

    /// Where a live instance is in the fleet, or why the id names none.
    pub(crate) fn find_live(&self, id: InstanceId) -> Result<usize, crate::CommandError> {
        // Ids are handed out in increasing order and the fleet keeps that order: a binary search.
        match self.instances.binary_search_by_key(&id, |i| i.id) {
            Ok(index) if self.instances[index].state.is_live() => Ok(index),
            Ok(_) => Err(crate::CommandError::InstanceGone { instance: id }),
            Err(_) => Err(crate::CommandError::UnknownInstance { instance: id }),
        }
    }

    /// What hand-made changes did to the instance at `index`, for changing it further.
    pub(crate) fn observed_mut(&mut self, index: usize) -> &mut Option<Box<crate::drift::Observed>> {
        &mut self.instances[index].observed
    }

    /// Marks the instance at `index` for replacement at the next sweep.
    pub(crate) fn taint(&mut self, index: usize) {
        self.instances[index].tainted = true;
        self.tainted_pending = true;
    }

    /// An attacker gains persistence on the instance at `index`.
    pub(crate) fn compromise(&mut self, index: usize) {
        if !self.instances[index].compromised {
            self.instances[index].compromised = true;
            self.compromised_live += 1;
        }
    }

    /// A revision re-adopted under a new number takes its instances along.
    pub(crate) fn renumber(&mut self, from: u32, to: u32) {
        for instance in self.instances.iter_mut().filter(|i| i.revision == from) {
            instance.revision = to;
        }
    }

    /// Moves every instance whose due tick has come through its lifecycle, in id order (so the
    /// tick's events come in that order), and every few ticks forgets instances stopped long ago.
    pub(crate) fn advance_lifecycles(&mut self, revisions: &mut [Revision], tick: u64, log: &mut EventLog) {
        let Fleet { instances, due_ticks, tainted_pending, .. } = self;
        for (instance, due) in instances.iter_mut().zip(due_ticks.iter_mut()) {
            if *due > tick {
                continue;
            }
            advance(instance, revisions, tainted_pending, tick, log);
            *due = due_tick(instance);
        }
        if !tick.is_multiple_of(Limits::FORGET_SWEEP_TICKS) {
            return;
        }
        let forgotten = |instance: &Instance| {
            instance.state == Lifecycle::Terminated
                && instance
                    .stop_tick
                    .is_some_and(|stop| tick >= stop.saturating_add(Limits::TERMINATED_SHOWN_TICKS))
        };
        let mut index = 0;
        due_ticks.retain(|_| {
            let keep = !forgotten(&instances[index]);
            index += 1;
            keep
        });
        instances.retain(|instance| !forgotten(instance));
    }
}

/// The tick `instance`'s lifecycle next moves on its own: pulled, ready, fallen over or drained
/// (`u64::MAX`: not without an action).
fn due_tick(instance: &Instance) -> u64 {
    match instance.state {
        Lifecycle::Pending => instance.boot_tick,
        Lifecycle::Booting => instance.ready_tick,
        Lifecycle::InService => instance.crash_tick,
        Lifecycle::Draining => instance.stop_tick.unwrap_or(u64::MAX),
        Lifecycle::Terminated => u64::MAX,
    }
}

/// Moves one due instance through as many lifecycle steps as `tick` reaches, emitting their events.
fn advance(
    instance: &mut Instance,
    revisions: &mut [Revision],
    tainted_pending: &mut bool,
    tick: u64,
    log: &mut EventLog,
) {
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
        return;
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

impl Fleet {
    /// The ReplicaSet controller: launches or removes instances until each revision has `desired`.
    /// Returns whether it changed anything.
    pub(crate) fn sync(
        &mut self,
        revisions: &mut [Revision],
        registry: &Registry,
        rng: &mut ChaCha8Rng,
        tick: u64,
        log: &mut EventLog,
    ) -> bool {
        let mut changed = false;
        for index in 0..revisions.len() {
            let Revision { desired, live, .. } = revisions[index];
            for _ in live..desired {
                // Ids are never reused; once all four billion are spent, nothing more launches
                // (the rollout stalls) rather than an id wrapping around onto a live instance.
                if self.next_instance_id == u32::MAX {
                    break;
                }
                self.launch(&mut revisions[index], registry, rng, tick, log);
                changed = true;
            }
            if live > desired {
                self.remove_instances(revisions, index, live - desired, tick, log);
                changed = true;
            }
        }
        changed
    }

    /// Creates one instance of `revision`; returns its index in the fleet.
    fn launch(
        &mut self,
        revision: &mut Revision,
        registry: &Registry,
        rng: &mut ChaCha8Rng,
        tick: u64,
        log: &mut EventLog,
    ) -> usize {
        revision.live += 1;
        // A floating launch template (a tag) is looked up at every launch: the `latest` trap.
        let image = match &revision.launch {
            launch if launch.is_floating() => registry.resolve(launch).unwrap_or(revision.image),
            _ => revision.image,
        };
        let id = InstanceId(self.next_instance_id);
        self.next_instance_id += 1;
        let pull_ticks = self.timing.pull_ticks.unwrap_or_else(|| {
            let size_kb = registry.image(image).map_or(0, |i| i.size_kb);
            size_kb.div_ceil(self.timing.pull_mb_per_tick.max(1).saturating_mul(1_000))
        });
        let boot_tick = tick.saturating_add(u64::from(pull_ticks));
        let (broken, crash_after_ticks) =
            registry.image(image).map_or((false, 0), |i| (i.spec.broken, i.spec.crash_after_ticks));
        // A broken build boots forever: it never passes its readiness check.
        let ready_tick =
            if broken { u64::MAX } else { boot_tick.saturating_add(u64::from(self.timing.boot_ticks)) };
        let crash_tick = match crash_after_ticks {
            0 => u64::MAX,
            after => ready_tick.saturating_add(u64::from(after)),
        };
        let random = rng.next_u32().to_le_bytes();
        self.instances.push(Instance {
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
        });
        self.due_ticks.push(due_tick(self.instances.last().expect("just launched")));
        log.emit(tick, Event::InstanceLaunched { instance: id, revision: revision.number, image });
        self.instances.len() - 1
    }

    /// Removes `count` live instances of a revision, in TM-4 order (docs/semantics.md): not ready
    /// before ready (pending before booting), and among ready ones the most recently ready first.
    fn remove_instances(
        &mut self,
        revisions: &mut [Revision],
        revision_index: usize,
        count: u32,
        tick: u64,
        log: &mut EventLog,
    ) {
        let number = revisions[revision_index].number;
        let Fleet { instances, scratch_indices, .. } = self;
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
            self.stop_instance(revisions, index, tick, log);
        }
    }

    /// Takes an instance out of its revision. One in service drains first, so in-flight requests
    /// finish; one that never entered service has nothing to drain and stops at once.
    fn stop_instance(&mut self, revisions: &mut [Revision], index: usize, tick: u64, log: &mut EventLog) {
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
            log.emit(tick, Event::DataLost { instance: id, mb: lost_mb });
        }
        let instance = &mut self.instances[index];
        let was_in_service = instance.state == Lifecycle::InService;
        let revision = revisions
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
            log.emit(tick, Event::InstanceDraining { instance: id });
        } else {
            instance.state = Lifecycle::Terminated;
            instance.stop_tick = Some(tick);
            log.emit(tick, Event::InstanceTerminated { instance: id });
        }
        self.due_ticks[index] = due_tick(&self.instances[index]);
    }
}
