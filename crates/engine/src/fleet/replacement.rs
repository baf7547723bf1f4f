//! Replacing instances the fleet no longer trusts: tainted ones (break-glass access, a rebuild),
//! unhealthy ones and, with a maximum age, old ones, a batch at a time.

use super::Fleet;
use crate::event_log::EventLog;
use crate::{CommandError, Event, Lifecycle, Revision};

impl Fleet {
    /// Replaces tainted, unhealthy and too-old instances; `replicas` sizes the batches.
    pub(crate) fn replace_tainted(
        &mut self,
        revisions: &mut [Revision],
        replicas: u32,
        tick: u64,
        log: &mut EventLog,
    ) {
        // Most ticks nothing is tainted and no age limit is set: skip the walk over the fleet.
        if !self.tainted_pending && self.max_instance_age_ticks.is_none() {
            return;
        }
        self.tainted_pending = false;
        let starting = self
            .instances
            .iter()
            .any(|i| matches!(i.state, Lifecycle::Pending | Lifecycle::Booting) && !i.unhealthy);
        // Recycle old and unhealthy instances a few at a time, and only while nothing else is
        // starting: AWS replaces unhealthy instances up to 10% of desired capacity at a time (one
        // if that is less than one), each batch waiting for health checks; a maximum age follows
        // the same rule so that it never takes much capacity away at once.
        let mut recycle_budget = if starting { 0 } else { (replicas / 10).max(1) };
        let mut unhealthy_left = false;
        for index in 0..self.instances.len() {
            let instance = &self.instances[index];
            if !instance.state.is_live() {
                continue;
            }
            let too_old = self.max_instance_age_ticks.is_some_and(|max| {
                instance.state == Lifecycle::InService && tick.saturating_sub(instance.launch_tick) >= max
            });
            let unhealthy = instance.unhealthy;
            if (too_old || unhealthy) && recycle_budget > 0 {
                recycle_budget -= 1;
                self.instances[index].tainted = true;
            } else if unhealthy {
                unhealthy_left = true;
            }
            if self.instances[index].tainted {
                self.stop_instance(revisions, index, tick, log);
            }
        }
        // Come back next tick for the unhealthy instances this batch had no room for.
        self.tainted_pending |= unhealthy_left;
    }

    /// The first `count` instances in service fail their health checks: they leave service (no
    /// more requests) and wait for replacement.
    pub(crate) fn fail_health_checks(
        &mut self,
        revisions: &mut [Revision],
        count: u32,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
        let in_service = self.instances.iter().filter(|i| i.state == Lifecycle::InService).count() as u32;
        if count > in_service {
            return Err(CommandError::NotEnoughInService { requested: count, in_service });
        }
        let in_service = self
            .instances
            .iter_mut()
            .zip(self.due_ticks.iter_mut())
            .filter(|(i, _)| i.state == Lifecycle::InService)
            .take(count as usize);
        for (instance, due) in in_service {
            instance.state = Lifecycle::Booting;
            instance.ready_tick = u64::MAX;
            *due = u64::MAX; // out of service until replaced
            instance.unhealthy = true;
            if let Some(revision) = revisions.iter_mut().find(|r| r.number == instance.revision) {
                revision.available -= 1;
            }
        }
        self.tainted_pending = true;
        log.emit(tick, Event::HealthChecksFailed { instances: count });
        Ok(())
    }
}
