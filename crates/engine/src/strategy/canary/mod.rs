//! Argo Rollouts canary, basic (replica-weighted) mode: a list of steps (`set_weight`, `pause`)
//! moves the split between the stable and the canary revision; each `set_weight` step completes
//! when the instances match the weight, a pause after its duration or on promotion. After the last
//! step the canary takes the whole fleet and becomes stable (§3.2 and §3.3 of docs/semantics.md).

use crate::Revision;
use crate::strategy::{
    AnalysisKind, DueAnalysis, RolloutFleet, RolloutStatus, RolloutStep, Strategy, WeightGoal,
};

pub mod math;
mod pass;
mod spec;
mod traffic;
mod words;

pub use spec::{Canary, CanaryError, CanaryStep};

impl Canary {
    /// One controller pass, the traffic-routed or the basic one; with `replicas_only`, the replica
    /// counts without step progress.
    fn pass(&self, fleet: &mut RolloutFleet<'_>, replicas_only: bool) -> bool {
        let stable_index =
            fleet.status.stable.and_then(|n| fleet.revisions.iter().position(|r| r.number == n));
        if self.traffic_routing {
            traffic::reconcile(self, fleet, stable_index, replicas_only)
        } else {
            self.basic_pass(fleet, stable_index, replicas_only)
        }
    }
}

impl Strategy for Canary {
    fn name(&self) -> &'static str {
        "canary"
    }

    fn label(&self) -> &'static str {
        "Canary"
    }

    fn describe(&self) -> String {
        words::describe(self)
    }

    /// Routed: the canary gets the router's weight, stable the rest, older revisions nothing.
    /// Without a router the split follows the instances in service.
    fn traffic_weights(
        &self,
        revisions: &[Revision],
        target: usize,
        status: &RolloutStatus,
        out: &mut Vec<u32>,
    ) {
        if !self.traffic_routing {
            crate::strategy::weights_by_available(revisions, out);
            return;
        }
        let target = revisions[target].number;
        let promoted = status.stable == Some(target);
        let canary_weight = if promoted { 100 } else { status.router_weight };
        // The canary's share goes where the router points: the target, or an interrupted canary
        // still serving until the new one is ready.
        let routed_to = if promoted { target } else { status.router_revision.unwrap_or(target) };
        out.clear();
        out.extend(revisions.iter().map(|r| {
            if r.number == routed_to {
                canary_weight
            } else if Some(r.number) == status.stable {
                100 - canary_weight
            } else {
                0
            }
        }));
    }

    /// The background analysis, then the current step's, while the canary is under way.
    fn due_analyses(&self, status: &RolloutStatus, target: u32) -> [Option<DueAnalysis>; 2] {
        let in_progress = status.stable.is_some_and(|stable| stable != target);
        if !in_progress || status.aborted {
            return [None, None];
        }
        let step = match self.steps.get(status.step_index as usize) {
            Some(CanaryStep::Analysis(analysis)) if !status.promote_full => {
                Some((*analysis, AnalysisKind::Step))
            }
            _ => None,
        };
        [self.analysis.map(|analysis| (analysis, AnalysisKind::Background)), step]
    }

    /// A step analysis counts as done; a background one carries on measuring.
    fn accept_inconclusive(&self, status: &mut RolloutStatus) {
        if let Some(CanaryStep::Analysis(analysis)) = self.steps.get(status.step_index as usize) {
            status.step_measurements = status.step_measurements.max(analysis.count.unwrap_or(1));
        }
    }

    fn has_steps(&self) -> bool {
        true
    }

    fn steps(&self, _replicas: u32) -> Vec<RolloutStep<'_>> {
        self.steps.iter().map(RolloutStep::Canary).collect()
    }

    /// With a traffic router the old stable revision stays for a scale-down delay after the last
    /// step, and Argo already reads the rollout as Healthy; a basic canary is Healthy only once
    /// the old instances are gone ("old replicas are pending termination").
    fn promoted(&self, status: &RolloutStatus, target: u32) -> bool {
        self.traffic_routing && status.stable == Some(target)
    }

    fn waiting_at_pause(&self, status: &RolloutStatus) -> bool {
        status.step_started.is_some()
            && matches!(self.steps.get(status.step_index as usize), Some(CanaryStep::Pause { .. }))
    }

    fn weight_goal(&self, status: &RolloutStatus) -> Option<WeightGoal> {
        let percent = if status.aborted { 0 } else { self.current_weight(status.step_index) };
        Some(WeightGoal { percent, routed: self.traffic_routing })
    }

    fn editor_json(&self) -> String {
        words::editor_json(self)
    }

    fn max_surge(&self, replicas: u32) -> u32 {
        self.limits().surge_for(replicas)
    }

    fn max_unavailable(&self, replicas: u32) -> u32 {
        self.limits().unavailable_for(replicas)
    }

    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        self.pass(fleet, false)
    }

    /// A canary resized while halted: its replica arithmetic at the current weight, with or
    /// without a router, and no step progress (`reconcileCanaryReplicaSets` in `syncReplicasOnly`).
    fn rescale_halted(&self, fleet: &mut RolloutFleet<'_>) -> Option<bool> {
        Some(self.pass(fleet, true))
    }
}
