//! Kubernetes RollingUpdate: grow the new revision within the surge, shrink old ones while enough
//! instances stay available. Follows `rolloutRolling` in the Deployment controller's `rolling.go`
//! (see §2.4 of `shared/semantics/strategies.md`).

use serde::{Deserialize, Serialize};

use super::{RolloutFleet, Strategy};

/// RollingUpdate parameters, as absolute instance counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRollingUpdate")]
pub struct RollingUpdate {
    /// How many instances may exist above the fleet size during the rollout.
    pub max_surge: u32,
    /// How many instances may be unavailable below the fleet size during the rollout.
    pub max_unavailable: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRollingUpdate {
    max_surge: u32,
    max_unavailable: u32,
}

/// Why RollingUpdate parameters are refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RollingUpdateError {
    /// Both limits are zero: the rollout could never make progress. Kubernetes' own wording.
    #[error(
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
    )]
    BothZero,
}

impl TryFrom<RawRollingUpdate> for RollingUpdate {
    type Error = RollingUpdateError;

    fn try_from(raw: RawRollingUpdate) -> Result<Self, RollingUpdateError> {
        RollingUpdate::new(raw.max_surge, raw.max_unavailable)
    }
}

impl RollingUpdate {
    /// Surge one, keep every instance available: replacement one at a time.
    pub const ONE_AT_A_TIME: RollingUpdate = RollingUpdate { max_surge: 1, max_unavailable: 0 };

    /// Validated parameters.
    pub fn new(max_surge: u32, max_unavailable: u32) -> Result<Self, RollingUpdateError> {
        if max_surge == 0 && max_unavailable == 0 {
            return Err(RollingUpdateError::BothZero);
        }
        Ok(Self { max_surge, max_unavailable })
    }

    /// `MaxUnavailable(d)`: never more than the fleet itself.
    fn unavailable_for(&self, replicas: u32) -> u32 {
        self.max_unavailable.min(replicas)
    }

    /// `reconcileNewReplicaSet`: grow the target while total desired stays within replicas + surge.
    fn reconcile_new(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        let replicas = fleet.replicas;
        let current = fleet.revisions[fleet.target].desired;
        if current == replicas {
            return false;
        }
        if current > replicas {
            fleet.revisions[fleet.target].desired = replicas;
            return true;
        }
        let max_total = replicas + self.max_surge;
        let total = fleet.total_desired();
        if total >= max_total {
            return false;
        }
        let grow = (max_total - total).min(replicas - current);
        fleet.revisions[fleet.target].desired += grow;
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
        for (index, revision) in fleet.revisions.iter_mut().enumerate() {
            if index == target || revision.desired == 0 || cleaned >= max_scaled_down {
                continue;
            }
            let unhealthy = i64::from(revision.desired) - i64::from(revision.available);
            if unhealthy <= 0 {
                continue;
            }
            let remove = (max_scaled_down - cleaned).min(unhealthy);
            revision.desired -= remove as u32;
            cleaned += remove;
        }

        // scaleDownOldReplicaSetsForRollingUpdate: counts availability as of the pass start.
        let available = i64::from(fleet.total_available());
        let mut scaled = 0i64;
        if available > min_available {
            let budget = available - min_available;
            for (index, revision) in fleet.revisions.iter_mut().enumerate() {
                if index == target || revision.desired == 0 || scaled >= budget {
                    continue;
                }
                let remove = i64::from(revision.desired).min(budget - scaled);
                revision.desired -= remove as u32;
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

    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        self.reconcile_new(fleet) || self.reconcile_old(fleet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_zero_is_refused_with_the_kubernetes_message() {
        let error = RollingUpdate::new(0, 0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
        );
        assert!(RollingUpdate::new(0, 1).is_ok());
        assert!(RollingUpdate::new(1, 0).is_ok());
    }

    #[test]
    fn unavailable_is_clamped_to_the_fleet() {
        let rolling = RollingUpdate::new(1, 5).unwrap();
        assert_eq!(rolling.unavailable_for(3), 3);
        assert_eq!(rolling.unavailable_for(0), 0);
    }
}
