//! Kubernetes RollingUpdate: grow the new revision within the surge, shrink old ones while enough
//! instances stay available. Follows `rolloutRolling` in the Deployment controller's `rolling.go`
//! (see §2.4 of docs/semantics.md).

use serde::{Deserialize, Serialize};

use super::{IntOrPercent, RolloutFleet, Strategy};

/// RollingUpdate parameters: counts or percentages of the desired replicas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRollingUpdate")]
pub struct RollingUpdate {
    /// How many instances may exist above the fleet size during the rollout (rounded up).
    pub max_surge: IntOrPercent,
    /// How many instances may be unavailable below the fleet size (rounded down).
    pub max_unavailable: IntOrPercent,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRollingUpdate {
    #[serde(default = "quarter")]
    max_surge: IntOrPercent,
    #[serde(default = "quarter")]
    max_unavailable: IntOrPercent,
}

/// Kubernetes' default for both limits.
fn quarter() -> IntOrPercent {
    IntOrPercent::Percent(25)
}

/// Why RollingUpdate parameters are refused, in Kubernetes' own words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RollingUpdateError {
    /// Both limits are zero: the rollout could never make progress.
    #[error(
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: {0}: may not be 0 when `maxSurge` is 0"
    )]
    BothZero(IntOrPercent),
    /// More than all of the fleet may be unavailable. (The message starts by naming the field,
    /// which the JSON reader moves into the error's field path: see `input::parse`.)
    #[error(
        "field `max_unavailable`: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: {0}: must not be greater than 100%"
    )]
    UnavailableOver100(IntOrPercent),
    /// A limit beyond the lab's bounds (more instances than the largest fleet, over 100%).
    #[error("field `{field}`: spec.strategy.rollingUpdate.{kubernetes_field}: {reason}")]
    OutOfBounds {
        /// `max_surge` or `max_unavailable`.
        field: &'static str,
        /// The same in Kubernetes' spelling.
        kubernetes_field: &'static str,
        /// What is wrong, with the value.
        reason: String,
    },
}

impl RollingUpdateError {
    /// The parameter at fault, as the scenario format names it (`.` for both together).
    pub fn field(&self) -> &'static str {
        match self {
            RollingUpdateError::BothZero(_) => ".",
            RollingUpdateError::UnavailableOver100(_) => "max_unavailable",
            RollingUpdateError::OutOfBounds { field, .. } => field,
        }
    }
}

impl TryFrom<RawRollingUpdate> for RollingUpdate {
    type Error = RollingUpdateError;

    fn try_from(raw: RawRollingUpdate) -> Result<Self, RollingUpdateError> {
        RollingUpdate::validated(raw.max_surge, raw.max_unavailable)
    }
}

impl RollingUpdate {
    /// Surge one, keep every instance available: replacement one at a time.
    pub const ONE_AT_A_TIME: RollingUpdate =
        RollingUpdate { max_surge: IntOrPercent::Int(1), max_unavailable: IntOrPercent::Int(0) };

    /// Validated absolute limits.
    pub fn new(max_surge: u32, max_unavailable: u32) -> Result<Self, RollingUpdateError> {
        Self::validated(IntOrPercent::Int(max_surge), IntOrPercent::Int(max_unavailable))
    }

    /// Validated limits of either kind (`ValidateRollingUpdateDeployment`: the both-zero check
    /// looks at the raw numbers, so `"0%"` counts as zero and `"1%"` does not).
    pub fn validated(
        max_surge: IntOrPercent,
        max_unavailable: IntOrPercent,
    ) -> Result<Self, RollingUpdateError> {
        if max_surge.raw() == 0 && max_unavailable.raw() == 0 {
            return Err(RollingUpdateError::BothZero(max_unavailable));
        }
        if let IntOrPercent::Percent(percent) = max_unavailable
            && percent > 100
        {
            return Err(RollingUpdateError::UnavailableOver100(max_unavailable));
        }
        for (field, kubernetes_field, value) in
            [("max_surge", "maxSurge", max_surge), ("max_unavailable", "maxUnavailable", max_unavailable)]
        {
            value.check().map_err(|reason| RollingUpdateError::OutOfBounds {
                field,
                kubernetes_field,
                reason,
            })?;
        }
        Ok(Self { max_surge, max_unavailable })
    }

    /// Checks limits built in code by the rules JSON is read with, naming the field at fault.
    pub fn validate(&self) -> Result<(), crate::InputError> {
        Self::validated(self.max_surge, self.max_unavailable).map(drop).map_err(|error| {
            let message = error.to_string();
            // The field is the error's own; its message need not say it twice.
            let message = crate::input::split_field(&message).map_or(message.as_str(), |(_, rest)| rest);
            crate::InputError::field(error.field(), message)
        })
    }

    /// `ResolveFenceposts`: surge rounds up, unavailable rounds down, and if both come to zero the
    /// unavailable limit becomes 1 so the rollout can still move.
    pub fn fenceposts(&self, replicas: u32) -> (u32, u32) {
        let surge = self.max_surge.scaled(replicas, true);
        let unavailable = self.max_unavailable.scaled(replicas, false);
        if surge == 0 && unavailable == 0 { (0, 1) } else { (surge, unavailable) }
    }

    /// `MaxUnavailable(d)`: 0 for an empty fleet, never more than the fleet itself.
    pub fn unavailable_for(&self, replicas: u32) -> u32 {
        if replicas == 0 { 0 } else { self.fenceposts(replicas).1.min(replicas) }
    }

    /// `MaxSurge(d)`.
    pub fn surge_for(&self, replicas: u32) -> u32 {
        self.fenceposts(replicas).0
    }

    /// `reconcileNewReplicaSet`: grow the target while total desired stays within replicas + surge.
    fn reconcile_new(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        let replicas = fleet.replicas;
        let current = fleet.revisions[fleet.target].desired;
        if current == replicas {
            return false;
        }
        if current > replicas {
            fleet.revisions.set_desired(fleet.target, replicas);
            return true;
        }
        let max_total = replicas.saturating_add(self.surge_for(replicas));
        let total = fleet.total_desired();
        if total >= max_total {
            return false;
        }
        let grow = (max_total - total).min(replicas - current);
        fleet.revisions.set_desired(fleet.target, fleet.revisions[fleet.target].desired + grow);
        true
    }

    /// `reconcileOldReplicaSets`: first drop old instances that are not available anyway, then old
    /// available ones while the fleet keeps at least `replicas - max_unavailable` available.
    fn reconcile_old(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        let target = fleet.target;
        let old_desired: u32 = fleet
            .revisions
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != target)
            .map(|(_, revision)| revision.desired)
            .sum();
        if old_desired == 0 {
            return false;
        }
        let min_available = i64::from(fleet.replicas - self.unavailable_for(fleet.replicas));
        let new = &fleet.revisions[target];
        let new_unavailable = i64::from(new.desired) - i64::from(new.available);
        let max_scaled_down = i64::from(fleet.total_desired()) - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }

        // cleanupUnhealthyReplicas: unavailable old instances cost no availability to remove.
        let mut cleaned = 0i64;
        for index in 0..fleet.revisions.len() {
            let (desired, available) = (fleet.revisions[index].desired, fleet.revisions[index].available);
            if index == target || desired == 0 || cleaned >= max_scaled_down {
                continue;
            }
            let unhealthy = i64::from(desired) - i64::from(available);
            if unhealthy <= 0 {
                continue;
            }
            let remove = (max_scaled_down - cleaned).min(unhealthy);
            fleet.revisions.set_desired(index, desired - remove as u32);
            cleaned += remove;
        }

        // scaleDownOldReplicaSetsForRollingUpdate: counts availability as of the pass start.
        let available = i64::from(fleet.total_available());
        let mut scaled = 0i64;
        if available > min_available {
            let budget = available - min_available;
            for index in 0..fleet.revisions.len() {
                let desired = fleet.revisions[index].desired;
                if index == target || desired == 0 || scaled >= budget {
                    continue;
                }
                let remove = i64::from(desired).min(budget - scaled);
                fleet.revisions.set_desired(index, desired - remove as u32);
                scaled += remove;
            }
        }
        cleaned + scaled > 0
    }
}

impl Strategy for RollingUpdate {
    fn name(&self) -> &'static str {
        "rolling"
    }

    fn label(&self) -> &'static str {
        "Rolling update"
    }

    fn describe(&self) -> String {
        format!(
            "rolling update · max surge {} · max unavailable {}",
            self.max_surge.plain(),
            self.max_unavailable.plain()
        )
    }

    fn editor_json(&self) -> String {
        format!(
            "{{\"type\": \"rolling\", \"max_surge\": {}, \"max_unavailable\": {}}}",
            self.max_surge, self.max_unavailable
        )
    }

    fn max_unavailable(&self, replicas: u32) -> u32 {
        self.unavailable_for(replicas)
    }

    fn max_surge(&self, replicas: u32) -> u32 {
        self.surge_for(replicas)
    }

    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        if super::is_scaling_event(fleet) {
            return super::scale_proportionally(fleet, self.surge_for(fleet.replicas));
        }
        self.reconcile_new(fleet) || self.reconcile_old(fleet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rolling(surge: &str, unavailable: &str) -> Result<RollingUpdate, String> {
        serde_json::from_str(&format!(r#"{{"max_surge": {surge}, "max_unavailable": {unavailable}}}"#))
            .map_err(|error: serde_json::Error| error.to_string())
    }

    /// The table of §2.2 of docs/semantics.md: replicas, limits → surge, maxUnavailable, minAvailable.
    #[test]
    fn fenceposts_follow_the_kubernetes_table() {
        let table: [(u32, &str, &str, u32, u32, u32); 9] = [
            (10, "\"25%\"", "\"25%\"", 3, 2, 8),
            (3, "\"25%\"", "\"25%\"", 1, 0, 3),
            (4, "\"25%\"", "\"25%\"", 1, 1, 3),
            (1, "\"25%\"", "\"25%\"", 1, 0, 1),
            (3, "\"33%\"", "\"33%\"", 1, 0, 3),
            (10, "\"33%\"", "\"33%\"", 4, 3, 7),
            (10, "\"0%\"", "\"1%\"", 0, 1, 9),
            (0, "\"25%\"", "\"25%\"", 0, 0, 0),
            (3, "1", "5", 1, 3, 0),
        ];
        for (replicas, surge, unavailable, want_surge, want_unavailable, want_min) in table {
            let strategy = rolling(surge, unavailable).unwrap();
            let got = (strategy.surge_for(replicas), strategy.unavailable_for(replicas));
            assert_eq!(got, (want_surge, want_unavailable), "{replicas} {surge}/{unavailable}");
            assert_eq!(replicas - got.1, want_min);
        }
    }

    #[test]
    fn impossible_limits_are_refused_with_the_kubernetes_message() {
        for (surge, unavailable, shown) in
            [("0", "0", "0"), ("\"0%\"", "\"0%\"", "\"0%\""), ("0", "\"0%\"", "\"0%\"")]
        {
            assert_eq!(
                rolling(surge, unavailable).unwrap_err(),
                format!(
                    "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: {shown}: may not be 0 when `maxSurge` is 0"
                )
            );
        }
        assert!(rolling("1", "\"110%\"").unwrap_err().contains("must not be greater than 100%"));
        assert!(rolling("-1", "1").unwrap_err().contains("must be greater than or equal to 0"));
        assert!(rolling("\"0%\"", "\"1%\"").is_ok(), "1% is not zero, even though it rounds to 0");
    }

    #[test]
    fn limits_default_to_a_quarter() {
        let strategy: RollingUpdate = serde_json::from_str("{}").unwrap();
        assert_eq!((strategy.surge_for(10), strategy.unavailable_for(10)), (3, 2));
    }
}
