//! The basic canary's controller pass: the replica counts that make the split between the stable
//! and the canary revision follow the current step, the steps' progress, and scaling the older
//! revisions down within the fleet's unavailability budget. A traffic-routed canary has its own
//! pass (`traffic.rs`); both step through the same steps (`spec.rs`).

use super::math::{CanaryInput, Counts, approximate_counts, basic_canary_counts};
use super::spec::{Canary, CanaryStep, analysis_done, pause_over};
use crate::strategy::{RolloutFleet, Strategy};

impl Canary {
    /// The basic canary's pass; with `replicas_only`, the replica counts without step progress.
    pub(super) fn basic_pass(
        &self,
        fleet: &mut RolloutFleet<'_>,
        stable_index: Option<usize>,
        replicas_only: bool,
    ) -> bool {
        let replicas = fleet.replicas;
        let target = fleet.target;
        let target_number = fleet.revisions[target].number;
        let Some(stable) = stable_index.filter(|&index| index != target) else {
            // Nothing to roll out, just promoted, or gone back to the stable revision: the target
            // is the fleet, and the rest go within the availability budget (Argo scales an
            // abandoned canary down as it does older revisions, never below what maxUnavailable
            // allows). The steps count as done: there is nothing left to step through (Argo sets the
            // step index to the number of steps when the new template is the stable one).
            fleet.status.step_index = self.steps.len() as u32;
            let mut changed = false;
            if fleet.revisions[target].desired != replicas {
                fleet.revisions.set_desired(target, replicas);
                changed = true;
            }
            let unavailable = self.max_unavailable(replicas);
            return shrink_within_budget(fleet, |index| index == target, replicas, unavailable) || changed;
        };

        let status = &*fleet.status;
        let weight = if status.aborted {
            0
        } else if status.promote_full {
            100
        } else {
            self.current_weight(status.step_index)
        };
        let (surge, unavailable) = (self.max_surge(replicas), self.max_unavailable(replicas));
        let counts = |index: usize| {
            let revision = &fleet.revisions[index];
            Counts { desired: revision.desired, available: revision.available }
        };
        let mut older = Counts::default();
        for index in (0..fleet.revisions.len()).filter(|&i| i != target && i != stable) {
            older.desired += fleet.revisions[index].desired;
            older.available += fleet.revisions[index].available;
        }
        let (canary_count, stable_count) = basic_canary_counts(CanaryInput {
            replicas,
            weight,
            max_surge: surge,
            max_unavailable: unavailable,
            canary: counts(target),
            stable: Some(counts(stable)),
            older,
        });
        // Stable first, then the canary, then older revisions: one change per pass.
        if fleet.revisions[stable].desired != stable_count {
            fleet.revisions.set_desired(stable, stable_count);
            return true;
        }
        if fleet.revisions[target].desired != canary_count {
            fleet.revisions.set_desired(target, canary_count);
            return true;
        }
        if older.desired > 0 {
            return shrink_within_budget(fleet, |i| i == target || i == stable, replicas, unavailable);
        }
        if fleet.status.aborted {
            return false;
        }
        if replicas_only {
            return false;
        }
        // Step progress: at most one step per pass (syncRolloutStatusCanary).
        let step_index = fleet.status.step_index as usize;
        if !fleet.status.promote_full && step_index < self.steps.len() {
            let complete = match self.steps[step_index] {
                CanaryStep::SetWeight(weight) => {
                    let (want_canary, want_stable) = approximate_counts(replicas, weight.min(100), surge);
                    let (new, old) = (&fleet.revisions[target], &fleet.revisions[stable]);
                    new.desired == want_canary
                        && new.available == want_canary
                        && old.desired == want_stable
                        && old.live == want_stable
                        && older.available == 0
                }
                CanaryStep::Pause { duration_ticks } => pause_over(fleet, duration_ticks),
                CanaryStep::Analysis(analysis) => analysis_done(fleet, analysis),
                // Refused at parse time without traffic routing.
                CanaryStep::SetCanaryScale { .. } => true,
            };
            if complete {
                fleet.status.step_index += 1;
                fleet.status.step_started = None;
                fleet.status.step_measurements = 0;
                return true;
            }
            return false;
        }
        // Every step done: once the canary carries the whole fleet it becomes stable.
        if fleet.revisions[target].available >= replicas {
            fleet.status.stable = Some(target_number);
            return true;
        }
        false
    }
}

/// Scales down every revision `keep` does not name, newest first, never taking the fleet's available
/// instances below `replicas - max_unavailable` (Argo's `scaleDownOldReplicaSetsForCanary`):
/// unavailable instances cost nothing to remove, available ones spend the budget. Returns whether
/// anything changed.
fn shrink_within_budget(
    fleet: &mut RolloutFleet<'_>,
    keep: impl Fn(usize) -> bool,
    replicas: u32,
    max_unavailable: u32,
) -> bool {
    let available: u32 = fleet.revisions.iter().map(|r| r.available).sum();
    let mut budget = available.saturating_sub(replicas.saturating_sub(max_unavailable));
    // Newest revision first, as Argo sorts them (by revision number, descending). Revisions are
    // few (the history limit keeps them under 64): ordered on the stack, allocation-free.
    let mut order = [0usize; 64];
    let count = fleet.revisions.len().min(order.len());
    for (slot, index) in order.iter_mut().zip(0..count) {
        *slot = index;
    }
    order[..count].sort_unstable_by_key(|&index| std::cmp::Reverse(fleet.revisions[index].number));
    let mut changed = false;
    for index in order[..count].iter().copied().filter(|&i| !keep(i)) {
        let (desired, available) = (fleet.revisions[index].desired, fleet.revisions[index].available);
        let unhealthy = desired.saturating_sub(available);
        let remove = (unhealthy + budget.min(available)).min(desired);
        if remove > 0 {
            budget = budget.saturating_sub(remove.saturating_sub(unhealthy));
            fleet.revisions.set_desired(index, desired - remove);
            changed = true;
        }
    }
    changed
}
