//! Argo Rollouts canary, basic (replica-weighted) mode: a list of steps (`set_weight`, `pause`)
//! moves the split between the stable and the canary revision; each `set_weight` step completes
//! when the instances match the weight, a pause after its duration or on promotion. After the last
//! step the canary takes the whole fleet and becomes stable (§3.2 and §3.3 of docs/semantics.md).

use serde::{Deserialize, Serialize};

use super::canary_math::{CanaryInput, Counts, approximate_counts, basic_canary_counts};
use super::{
    AnalysisKind, CanaryAnalysis, DueAnalysis, IntOrPercent, RollingUpdate, RolloutFleet, RolloutStatus,
    RolloutStep, Strategy, WeightGoal,
};
use crate::Revision;

/// Most steps one canary may have.
const STEPS_MAX: usize = 64;

/// One step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CanaryStep {
    /// Send this percentage of the instances (and so of the requests) to the canary.
    SetWeight(u32),
    /// Wait: for a number of ticks, or (without one) until promoted.
    Pause {
        /// How long; absent means until `promote_rollout`.
        #[serde(default)]
        duration_ticks: Option<u64>,
    },
    /// Measure the canary `count` times (default 1) and move on if it meets the thresholds; too
    /// many failed measurements abort the rollout, too many inconclusive ones pause it (Argo's
    /// step analysis).
    Analysis(CanaryAnalysis),
    /// Traffic-routed only: run this many canary instances whatever the traffic weight (a count,
    /// a percentage of the fleet, or back to matching the weight). As in Argo, the fields may be
    /// combined and the first one set wins: `match_traffic_weight`, then `replicas`, then
    /// `weight`; a step with none of them matches the traffic weight.
    SetCanaryScale {
        /// A fixed number of canary instances (may exceed the fleet: a canary of 9 beside a stable
        /// revision of 1 is legal).
        #[serde(default)]
        replicas: Option<u32>,
        /// A percentage of the fleet, up to [`SCALE_WEIGHT_MAX`] (twice the fleet).
        #[serde(default)]
        weight: Option<u32>,
        /// Back to as many instances as the traffic weight asks for.
        #[serde(default)]
        match_traffic_weight: bool,
    },
}

impl CanaryStep {
    /// A `set_canary_scale` step's fields that are set, in the order Argo reads them, each as
    /// (Argo's name, the lab's JSON name, value); empty for other steps and for an empty scale step.
    pub fn scale_fields(&self) -> Vec<(&'static str, &'static str, String)> {
        let CanaryStep::SetCanaryScale { replicas, weight, match_traffic_weight } = self else {
            return Vec::new();
        };
        let mut fields = Vec::new();
        if *match_traffic_weight {
            fields.push(("matchTrafficWeight", "match_traffic_weight", "true".to_owned()));
        }
        if let Some(count) = replicas {
            fields.push(("replicas", "replicas", count.to_string()));
        }
        if let Some(share) = weight {
            fields.push(("weight", "weight", share.to_string()));
        }
        fields
    }
}

/// Canary parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCanary")]
pub struct Canary {
    /// The steps, in order. None: the canary behaves like a rolling update.
    pub steps: Vec<CanaryStep>,
    /// Surge above the fleet size (Argo default 25%).
    pub max_surge: IntOrPercent,
    /// Instances that may be unavailable (Argo default 25%).
    pub max_unavailable: IntOrPercent,
    /// Background analysis of the canary's error rate; failing it aborts the rollout.
    pub analysis: Option<CanaryAnalysis>,
    /// A traffic router (a service mesh or ingress) splits the requests by weight, and the
    /// canary's instance count follows the weight instead of deciding it (§3.4 of docs/semantics.md).
    pub traffic_routing: bool,
    /// Traffic-routed: ticks the old stable revision stays after promotion.
    pub scale_down_delay_ticks: u64,
    /// Traffic-routed: ticks the canary stays after an abort.
    pub abort_scale_down_delay_ticks: u64,
    /// Traffic-routed: a revision that runs at all runs at least this many instances (capped at
    /// the fleet size), so a small canary weight still leaves it highly available (Argo's
    /// `minPodsPerReplicaSet`, §3.4). Left out of the JSON when unset, so what was written
    /// before the field existed (traces, share links) reads and hashes as it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_pods_per_replica_set: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCanary {
    #[serde(default)]
    steps: Vec<CanaryStep>,
    #[serde(default = "quarter")]
    max_surge: IntOrPercent,
    #[serde(default = "quarter")]
    max_unavailable: IntOrPercent,
    #[serde(default)]
    analysis: Option<CanaryAnalysis>,
    #[serde(default)]
    traffic_routing: bool,
    #[serde(default = "thirty")]
    scale_down_delay_ticks: u64,
    #[serde(default = "thirty")]
    abort_scale_down_delay_ticks: u64,
    #[serde(default)]
    min_pods_per_replica_set: Option<u32>,
}

/// Argo's `scaleDownDelaySeconds` and `abortScaleDownDelaySeconds` defaults.
fn thirty() -> u64 {
    30
}

fn quarter() -> IntOrPercent {
    IntOrPercent::Percent(25)
}

/// Why canary parameters are refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CanaryError {
    /// Argo's own wording for limits that would never let the rollout move.
    #[error("MaxSurge and MaxUnavailable both can not be zero")]
    BothZero,
    /// A weight outside 0–100.
    #[error("steps[{index}].setWeight: Invalid value: {weight}: must be between 0 and 100")]
    WeightOutOfRange {
        /// The step.
        index: usize,
        /// Its weight.
        weight: u32,
    },
    /// Too many steps.
    #[error("steps: a canary has at most {STEPS_MAX} steps")]
    TooManySteps,
    /// `set_canary_scale` without a traffic router (Argo's validation message).
    #[error("SetCanaryScale requires TrafficRouting to be set")]
    CanaryScaleWithoutRouting,
    /// A `set_canary_scale` weight above [`SCALE_WEIGHT_MAX`]. Argo sets no bound; the lab's keeps
    /// the canary within twice the fleet, as large as a `replicas` count can make it.
    #[error(
        "steps[{index}].setCanaryScale.weight: Invalid value: {weight}: must be at most {SCALE_WEIGHT_MAX} (percent of the fleet)"
    )]
    ScaleWeightOutOfRange {
        /// The step.
        index: usize,
        /// Its weight.
        weight: u32,
    },
    /// `min_pods_per_replica_set` without a traffic router: Argo ignores it there; the lab says so.
    #[error("minPodsPerReplicaSet: applies only to a canary with traffic routing")]
    MinPodsWithoutRouting,
}

/// The largest `set_canary_scale` weight: a canary twice the fleet's size.
pub const SCALE_WEIGHT_MAX: u32 = 200;

impl CanaryError {
    /// The field at fault, relative to the strategy (`.` for the strategy as a whole).
    pub fn field(&self) -> String {
        match self {
            CanaryError::BothZero => ".".into(),
            CanaryError::WeightOutOfRange { index, .. } => format!("steps[{index}]"),
            CanaryError::TooManySteps | CanaryError::CanaryScaleWithoutRouting => "steps".into(),
            CanaryError::ScaleWeightOutOfRange { index, .. } => {
                format!("steps[{index}].set_canary_scale.weight")
            }
            CanaryError::MinPodsWithoutRouting => "min_pods_per_replica_set".into(),
        }
    }
}

/// The rules on the steps and limits as a whole, shared by the JSON reader and `validate`.
fn check_steps(canary: &Canary) -> Result<(), CanaryError> {
    let Canary { steps, max_surge, max_unavailable, traffic_routing, .. } = canary;
    let traffic_routing = *traffic_routing;
    if max_surge.raw() == 0 && max_unavailable.raw() == 0 {
        return Err(CanaryError::BothZero);
    }
    if canary.min_pods_per_replica_set.is_some() && !traffic_routing {
        return Err(CanaryError::MinPodsWithoutRouting);
    }
    if steps.len() > STEPS_MAX {
        return Err(CanaryError::TooManySteps);
    }
    for (index, step) in steps.iter().enumerate() {
        match *step {
            CanaryStep::SetWeight(weight) if weight > 100 => {
                return Err(CanaryError::WeightOutOfRange { index, weight });
            }
            CanaryStep::SetCanaryScale { weight, .. } => {
                if !traffic_routing {
                    return Err(CanaryError::CanaryScaleWithoutRouting);
                }
                if let Some(weight) = weight.filter(|&weight| weight > SCALE_WEIGHT_MAX) {
                    return Err(CanaryError::ScaleWeightOutOfRange { index, weight });
                }
            }
            _ => {}
        }
    }
    Ok(())
}

impl TryFrom<RawCanary> for Canary {
    type Error = crate::InputError;

    fn try_from(raw: RawCanary) -> Result<Self, crate::InputError> {
        let canary = Canary {
            steps: raw.steps,
            max_surge: raw.max_surge,
            max_unavailable: raw.max_unavailable,
            analysis: raw.analysis,
            traffic_routing: raw.traffic_routing,
            scale_down_delay_ticks: raw.scale_down_delay_ticks,
            abort_scale_down_delay_ticks: raw.abort_scale_down_delay_ticks,
            min_pods_per_replica_set: raw.min_pods_per_replica_set,
        };
        canary.validate()?;
        Ok(canary)
    }
}

impl Canary {
    /// Checks parameters built in code by the rules JSON is read with, naming the field at fault.
    pub fn validate(&self) -> Result<(), crate::InputError> {
        use crate::bounds::{fleet_count, invalid, wait_ticks};
        check_steps(self).map_err(|error| crate::InputError::field(&error.field(), error.to_string()))?;
        invalid("max_surge", self.max_surge.check())?;
        invalid("max_unavailable", self.max_unavailable.check())?;
        for (index, step) in self.steps.iter().enumerate() {
            match step {
                CanaryStep::Pause { duration_ticks: Some(ticks) } => {
                    invalid(&format!("steps[{index}].pause.duration_ticks"), wait_ticks(*ticks))?;
                }
                CanaryStep::SetCanaryScale { replicas: Some(count), .. } => {
                    invalid(&format!("steps[{index}].set_canary_scale.replicas"), fleet_count(*count))?;
                }
                CanaryStep::Analysis(analysis) => {
                    analysis.check().map_err(|error| error.within(&format!("steps[{index}].analysis")))?;
                }
                _ => {}
            }
        }
        if let Some(analysis) = &self.analysis {
            analysis.check().map_err(|error| error.within("analysis"))?;
        }
        invalid("scale_down_delay_ticks", wait_ticks(self.scale_down_delay_ticks))?;
        invalid("abort_scale_down_delay_ticks", wait_ticks(self.abort_scale_down_delay_ticks))?;
        if let Some(count) = self.min_pods_per_replica_set {
            invalid("min_pods_per_replica_set", fleet_count(count))?;
        }
        Ok(())
    }

    fn limits(&self) -> RollingUpdate {
        RollingUpdate { max_surge: self.max_surge, max_unavailable: self.max_unavailable }
    }

    /// `GetCurrentSetWeight`: the last `set_weight` at or before the current step; 100 once every
    /// step is done; 0 before the first `set_weight`.
    pub fn current_weight(&self, step_index: u32) -> u32 {
        let index = step_index as usize;
        if index >= self.steps.len() {
            return 100;
        }
        // A weight over 100 is refused when read; one built in code counts as 100.
        self.steps[..=index]
            .iter()
            .rev()
            .find_map(|step| match step {
                CanaryStep::SetWeight(weight) => Some((*weight).min(100)),
                _ => None,
            })
            .unwrap_or(0)
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
        super::canary_words::describe(self)
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
            super::weights_by_available(revisions, out);
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
        super::canary_words::editor_json(self)
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

impl Canary {
    /// One controller pass; with `replicas_only`, the replica counts without step progress.
    fn pass(&self, fleet: &mut RolloutFleet<'_>, replicas_only: bool) -> bool {
        let replicas = fleet.replicas;
        let target = fleet.target;
        let target_number = fleet.revisions[target].number;
        let stable_index =
            fleet.status.stable.and_then(|n| fleet.revisions.iter().position(|r| r.number == n));
        if self.traffic_routing {
            return super::canary_traffic::reconcile(self, fleet, stable_index, replicas_only);
        }
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

/// Whether an analysis step has taken its measurements (the world takes them, and aborts the
/// rollout on too many failures before this ever says yes).
pub(super) fn analysis_done(fleet: &mut RolloutFleet<'_>, analysis: CanaryAnalysis) -> bool {
    fleet.status.step_started.get_or_insert(fleet.now);
    fleet.status.step_measurements >= analysis.count.unwrap_or(1)
}

/// Whether a pause step is over: promoted, or its duration has run (at start + D: TM-6 in
/// docs/semantics.md).
pub(super) fn pause_over(fleet: &mut RolloutFleet<'_>, duration_ticks: Option<u64>) -> bool {
    let started = *fleet.status.step_started.get_or_insert(fleet.now);
    let promoted = std::mem::take(&mut fleet.status.promote_requested);
    promoted || duration_ticks.is_some_and(|duration| fleet.now >= started.saturating_add(duration))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canary(json: &str) -> Result<Canary, String> {
        serde_json::from_str(json).map_err(|error: serde_json::Error| error.to_string())
    }

    #[test]
    fn the_current_weight_walks_back_to_the_last_set_weight() {
        let strategy = canary(r#"{"steps": [{"pause": {}}, {"set_weight": 20}, {"pause": {"duration_ticks": 3}}, {"set_weight": 50}]}"#).unwrap();
        assert_eq!([0, 1, 2, 3, 4].map(|i| strategy.current_weight(i)), [0, 20, 20, 50, 100]);
    }

    #[test]
    fn bad_parameters_are_refused_with_the_step_named() {
        assert!(
            canary(r#"{"steps": [{"set_weight": 120}]}"#)
                .unwrap_err()
                .contains("steps[0].setWeight: Invalid value: 120")
        );
        assert!(
            canary(r#"{"max_surge": 0, "max_unavailable": "0%"}"#)
                .unwrap_err()
                .contains("both can not be zero")
        );
        assert!(canary(r#"{"steps": [{"set_weight": -1}]}"#).is_err());
        assert!(canary(r#"{"steps": [{"jump": 3}]}"#).unwrap_err().contains("unknown variant"));
    }
}
