//! Argo Rollouts canary with a traffic router (§3.4 of docs/semantics.md): the router splits
//! requests by the step's weight, so the canary needs only `ceil(w·N/100)` instances (or what a
//! `set_canary_scale` step says) while the stable revision keeps the whole fleet. The router's
//! weight lags the step until the canary's instances are ready; an abort sends every request back
//! to stable at once and removes the canary after `abort_scale_down_delay_ticks`; after promotion
//! the old stable revision stays for `scale_down_delay_ticks`.

use super::spec::{Canary, CanaryStep, analysis_done, pause_over};
use crate::strategy::RolloutFleet;

/// `trafficWeightToReplicas`: instances for a share of the fleet, rounded up.
pub fn weight_to_replicas(weight: u32, replicas: u32) -> u32 {
    (u64::from(weight) * u64::from(replicas)).div_ceil(100) as u32
}

/// `CheckMinPodsPerReplicaSet`: a count that is not 0 is raised to `min_pods_per_replica_set`,
/// itself capped at the fleet size (a larger minimum would never settle).
fn with_min_pods(canary: &Canary, count: u32, replicas: u32) -> u32 {
    match canary.min_pods_per_replica_set {
        Some(minimum) if count > 0 => count.max(minimum.min(replicas)),
        _ => count,
    }
}

/// Sets a revision's desired count; returns whether it changed.
fn set_desired(fleet: &mut RolloutFleet<'_>, index: usize, desired: u32) -> bool {
    let changed = fleet.revisions[index].desired != desired;
    fleet.revisions.set_desired(index, desired);
    changed
}

/// The canary instance count a `set_canary_scale` step in force asks for, if any: the latest one
/// at or before the current step (`UseSetCanaryScale`).
fn canary_scale(canary: &Canary, step_index: u32, weight: u32, replicas: u32) -> Option<u32> {
    let last = (step_index as usize).min(canary.steps.len().saturating_sub(1));
    canary.steps.get(..=last)?.iter().rev().find_map(|step| match *step {
        // Argo's precedence when several fields are set; a step with none matches the weight.
        CanaryStep::SetCanaryScale { match_traffic_weight: true, .. }
        | CanaryStep::SetCanaryScale { replicas: None, weight: None, .. } => {
            Some(with_min_pods(canary, weight_to_replicas(weight, replicas), replicas))
        }
        // Honoured as given, above the fleet size too (Argo allows it; the step is bounded by the
        // largest fleet when read), and not raised to min_pods_per_replica_set (an explicit count).
        CanaryStep::SetCanaryScale { replicas: Some(count), .. } => Some(count),
        CanaryStep::SetCanaryScale { weight: Some(share), .. } => {
            Some(with_min_pods(canary, weight_to_replicas(share, replicas), replicas))
        }
        _ => None,
    })
}

/// One controller pass for a traffic-routed canary; with `replicas_only` (a halted rollout being
/// resized), the counts and the router without step progress.
pub(super) fn reconcile(
    canary: &Canary,
    fleet: &mut RolloutFleet<'_>,
    stable: Option<usize>,
    replicas_only: bool,
) -> bool {
    let (replicas, target, now) = (fleet.replicas, fleet.target, fleet.now);
    let Some(stable) = stable.filter(|&index| index != target) else {
        // Promoted (or nothing to roll out): the old revisions stay for the scale-down delay, and
        // the steps count as done (as in the basic canary).
        fleet.status.router_weight = 100;
        fleet.status.step_index = canary.steps.len() as u32;
        let delay_over = fleet.status.scale_down_at.is_none_or(|at| now >= at);
        let mut changed = set_desired(fleet, target, replicas);
        for index in (0..fleet.revisions.len()).filter(|&i| i != target) {
            if delay_over {
                changed |= set_desired(fleet, index, 0);
            }
        }
        return changed;
    };
    let all_steps_done = fleet.status.promote_full || fleet.status.step_index as usize >= canary.steps.len();
    let weight = if fleet.status.aborted {
        0
    } else if fleet.status.promote_full {
        100
    } else {
        canary.current_weight(fleet.status.step_index)
    };
    let canary_count = if fleet.status.aborted {
        let over =
            crate::strategy::abort_scale_down_over(fleet.status, canary.abort_scale_down_delay_ticks, now);
        if over { 0 } else { fleet.revisions[target].desired }
    } else if all_steps_done {
        replicas
    } else {
        canary_scale(canary, fleet.status.step_index, weight, replicas)
            .unwrap_or_else(|| with_min_pods(canary, weight_to_replicas(weight, replicas), replicas))
    };
    // The router follows the step only once the canary is at its size; with nothing ready, 0. An
    // interrupted canary the router still points at keeps its share until then.
    let new_number = fleet.revisions[target].number;
    let interrupted = fleet
        .status
        .router_revision
        .filter(|&number| number != new_number)
        .filter(|&number| fleet.revisions.iter().any(|r| r.number == number && r.available > 0));
    let new = &fleet.revisions[target];
    if fleet.status.aborted {
        (fleet.status.router_weight, fleet.status.router_revision) = (0, None);
    } else if new.available > 0 && new.available >= canary_count {
        (fleet.status.router_weight, fleet.status.router_revision) = (weight, Some(new_number));
    } else if interrupted.is_none()
        && (new.available == 0 || fleet.status.router_revision != Some(new_number))
    {
        (fleet.status.router_weight, fleet.status.router_revision) = (0, Some(new_number));
    }
    let still_routed = fleet.status.router_revision.filter(|&number| number != new_number);
    // The stable revision keeps the whole fleet; older revisions go, except an interrupted canary
    // the router still sends requests to.
    let mut changed = set_desired(fleet, stable, replicas);
    changed |= set_desired(fleet, target, canary_count);
    for index in (0..fleet.revisions.len()).filter(|&i| i != target && i != stable) {
        if Some(fleet.revisions[index].number) != still_routed {
            changed |= set_desired(fleet, index, 0);
        }
    }
    if changed || fleet.status.aborted || replicas_only {
        return changed;
    }
    let router_weight = fleet.status.router_weight;
    let step_index = fleet.status.step_index as usize;
    if !all_steps_done {
        let (new, old) = (&fleet.revisions[target], &fleet.revisions[stable]);
        let at_size = new.available == new.desired && old.available >= replicas;
        let complete = match canary.steps[step_index] {
            CanaryStep::SetWeight(step_weight) => {
                at_size
                    && router_weight == step_weight.min(100)
                    && fleet.status.router_revision == Some(new_number)
            }
            CanaryStep::SetCanaryScale { .. } => at_size,
            CanaryStep::Pause { duration_ticks } => pause_over(fleet, duration_ticks),
            CanaryStep::Analysis(analysis) => analysis_done(fleet, analysis),
        };
        if complete {
            fleet.status.step_index += 1;
            fleet.status.step_started = None;
            fleet.status.step_measurements = 0;
        }
        return complete;
    }
    // Every step done: once the canary carries the whole fleet and all the traffic, it is stable.
    if fleet.revisions[target].available >= replicas && router_weight == 100 {
        fleet.status.stable = Some(fleet.revisions[target].number);
        fleet.status.scale_down_at = Some(now.saturating_add(canary.scale_down_delay_ticks));
        return true;
    }
    false
}
