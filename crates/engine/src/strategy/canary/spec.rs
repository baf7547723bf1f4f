//! What a canary is: its steps (`set_weight`, `pause`, analysis, `setCanaryScale`), its
//! parameters and their validation (each refusal names its field), the weight each step sets, and
//! when a pause or an analysis step is over. The controller passes that act on it are `pass.rs`
//! (basic) and `traffic.rs` (traffic-routed).

use serde::{Deserialize, Serialize};

use crate::strategy::{CanaryAnalysis, IntOrPercent, RollingUpdate, RolloutFleet};

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

    pub(super) fn limits(&self) -> RollingUpdate {
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
