//! AWS Auto Scaling instance refresh: replace the group's instances in batches sized by the
//! minimum (and maximum) healthy percentage, wait for each batch to pass health checks and warm
//! up, pause at checkpoints, fail when a batch never becomes healthy, and optionally roll the
//! replaced instances back (§4.1 of docs/semantics.md).

use serde::{Deserialize, Serialize};

use super::{AbortAftermath, RolloutFleet, RolloutStep, Strategy};

/// AWS's defaults, in seconds, which the lab's tick model maps one for one to ticks.
const MIN_HEALTHY_DEFAULT: u32 = 90;
const MAX_HEALTHY_DEFAULT: u32 = 100;
const CHECKPOINT_DELAY_DEFAULT_TICKS: u64 = 3600;
/// "Keeps retrying for one hour and then fails."
const HEALTH_CHECK_TIMEOUT_DEFAULT_TICKS: u64 = 3600;

/// Instance refresh preferences (`RefreshPreferences`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawInstanceRefresh")]
pub struct InstanceRefresh {
    /// Share of desired capacity that must stay healthy (rounded up).
    pub min_healthy_percentage: u32,
    /// Most of desired capacity that may run, healthy or pending (rounded down); above 100
    /// launches replacements before terminating.
    pub max_healthy_percentage: u32,
    /// Ticks a new instance must be in service before its batch counts as done.
    pub warmup_ticks: u64,
    /// Ascending shares at which the refresh waits `checkpoint_delay_ticks`. A list that ends
    /// below 100 is a partial refresh, which stops at its last checkpoint.
    pub checkpoint_percentages: Vec<u32>,
    /// How long each checkpoint waits.
    pub checkpoint_delay_ticks: u64,
    /// How long a batch may stay unhealthy before the refresh fails.
    pub health_check_timeout_ticks: u64,
    /// On failure, replace the instances deployed so far with the previous configuration.
    pub auto_rollback: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstanceRefresh {
    #[serde(default = "min_healthy_default")]
    min_healthy_percentage: u32,
    #[serde(default = "max_healthy_default")]
    max_healthy_percentage: u32,
    #[serde(default)]
    warmup_ticks: u64,
    #[serde(default)]
    checkpoint_percentages: Vec<u32>,
    #[serde(default = "checkpoint_delay_default")]
    checkpoint_delay_ticks: u64,
    #[serde(default = "health_check_timeout_default")]
    health_check_timeout_ticks: u64,
    #[serde(default)]
    auto_rollback: bool,
}

fn min_healthy_default() -> u32 {
    MIN_HEALTHY_DEFAULT
}
fn max_healthy_default() -> u32 {
    MAX_HEALTHY_DEFAULT
}
fn checkpoint_delay_default() -> u64 {
    CHECKPOINT_DELAY_DEFAULT_TICKS
}
fn health_check_timeout_default() -> u64 {
    HEALTH_CHECK_TIMEOUT_DEFAULT_TICKS
}

/// Why refresh preferences are refused, in the wording of the Auto Scaling API's validation.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InstanceRefreshError {
    /// A percentage outside its range.
    #[error(
        "Value '{value}' at 'preferences.{field}' failed to satisfy constraint: Member must have value {bound}"
    )]
    OutOfRange {
        /// The preference.
        field: &'static str,
        /// What was asked for.
        value: u32,
        /// The broken bound, as AWS words it.
        bound: &'static str,
    },
    /// Min and max too far apart.
    #[error(
        "The difference between MaxHealthyPercentage ({max}) and MinHealthyPercentage ({min}) cannot be greater than 100"
    )]
    RangeTooWide {
        /// MinHealthyPercentage.
        min: u32,
        /// MaxHealthyPercentage.
        max: u32,
    },
    /// Checkpoints out of order or out of 1–100.
    #[error("CheckpointPercentages must be ascending values between 1 and 100 (got {got:?})")]
    BadCheckpoints {
        /// The list given.
        got: Vec<u32>,
    },
    /// A zero timeout would fail every batch at once.
    #[error("health_check_timeout_ticks must be at least 1")]
    ZeroTimeout,
}

impl InstanceRefreshError {
    /// The preference at fault, as the scenario format names it.
    pub fn field(&self) -> &'static str {
        match self {
            InstanceRefreshError::OutOfRange { field: "minHealthyPercentage", .. } => {
                "min_healthy_percentage"
            }
            InstanceRefreshError::OutOfRange { .. } | InstanceRefreshError::RangeTooWide { .. } => {
                "max_healthy_percentage"
            }
            InstanceRefreshError::BadCheckpoints { .. } => "checkpoint_percentages",
            InstanceRefreshError::ZeroTimeout => "health_check_timeout_ticks",
        }
    }
}

impl TryFrom<RawInstanceRefresh> for InstanceRefresh {
    type Error = crate::InputError;

    fn try_from(raw: RawInstanceRefresh) -> Result<Self, crate::InputError> {
        let refresh = InstanceRefresh {
            min_healthy_percentage: raw.min_healthy_percentage,
            max_healthy_percentage: raw.max_healthy_percentage,
            warmup_ticks: raw.warmup_ticks,
            checkpoint_percentages: raw.checkpoint_percentages,
            checkpoint_delay_ticks: raw.checkpoint_delay_ticks,
            health_check_timeout_ticks: raw.health_check_timeout_ticks,
            auto_rollback: raw.auto_rollback,
        };
        refresh.validate()?;
        Ok(refresh)
    }
}

impl InstanceRefresh {
    /// The Auto Scaling API's rules on the preferences, shared by the JSON reader and `validate`.
    fn check_preferences(&self) -> Result<(), InstanceRefreshError> {
        let (min, max) = (self.min_healthy_percentage, self.max_healthy_percentage);
        if min > 100 {
            return Err(InstanceRefreshError::OutOfRange {
                field: "minHealthyPercentage",
                value: min,
                bound: "less than or equal to 100",
            });
        }
        if max < 100 {
            return Err(InstanceRefreshError::OutOfRange {
                field: "maxHealthyPercentage",
                value: max,
                bound: "greater than or equal to 100",
            });
        }
        if max > 200 {
            return Err(InstanceRefreshError::OutOfRange {
                field: "maxHealthyPercentage",
                value: max,
                bound: "less than or equal to 200",
            });
        }
        if max - min > 100 {
            return Err(InstanceRefreshError::RangeTooWide { min, max });
        }
        let checkpoints = &self.checkpoint_percentages;
        let ascending = checkpoints.windows(2).all(|pair| pair[0] < pair[1]);
        let in_range = checkpoints.iter().all(|&share| (1..=100).contains(&share));
        // A list that does not end at 100 is a partial refresh (AWS requires 100 only to replace
        // every instance).
        if !ascending || !in_range {
            return Err(InstanceRefreshError::BadCheckpoints { got: checkpoints.clone() });
        }
        if self.health_check_timeout_ticks == 0 {
            return Err(InstanceRefreshError::ZeroTimeout);
        }
        Ok(())
    }

    /// Checks preferences built in code by the rules JSON is read with, naming the field at fault.
    pub fn validate(&self) -> Result<(), crate::InputError> {
        use crate::bounds::{invalid, wait_ticks};
        self.check_preferences()
            .map_err(|error| crate::InputError::field(error.field(), error.to_string()))?;
        invalid("warmup_ticks", wait_ticks(self.warmup_ticks))?;
        invalid("checkpoint_delay_ticks", wait_ticks(self.checkpoint_delay_ticks))?;
        invalid("health_check_timeout_ticks", wait_ticks(self.health_check_timeout_ticks))?;
        Ok(())
    }
}

impl Default for InstanceRefresh {
    fn default() -> Self {
        InstanceRefresh {
            min_healthy_percentage: MIN_HEALTHY_DEFAULT,
            max_healthy_percentage: MAX_HEALTHY_DEFAULT,
            warmup_ticks: 0,
            checkpoint_percentages: Vec::new(),
            checkpoint_delay_ticks: CHECKPOINT_DELAY_DEFAULT_TICKS,
            health_check_timeout_ticks: HEALTH_CHECK_TIMEOUT_DEFAULT_TICKS,
            auto_rollback: false,
        }
    }
}

impl InstanceRefresh {
    /// The healthy floor: ceil(MinHealthy% × desired).
    pub fn healthy_floor(&self, replicas: u32) -> u32 {
        let floor = (u64::from(self.min_healthy_percentage) * u64::from(replicas)).div_ceil(100);
        u32::try_from(floor).unwrap_or(u32::MAX)
    }

    /// The ceiling on healthy plus pending instances: floor(MaxHealthy% × desired), never below it.
    pub fn running_ceiling(&self, replicas: u32) -> u32 {
        let ceiling =
            ((u64::from(self.max_healthy_percentage) * u64::from(replicas)) / 100).max(u64::from(replicas));
        // Percentages are bounded when read; one built in code cannot wrap the ceiling below the fleet.
        u32::try_from(ceiling).unwrap_or(u32::MAX)
    }

    /// How many new instances one batch launches: what the floor lets go plus what the ceiling
    /// lets in, at least one.
    pub fn batch_size(&self, replicas: u32) -> u32 {
        let terminate = replicas - self.healthy_floor(replicas).min(replicas);
        let surge = self.running_ceiling(replicas) - replicas;
        (terminate + surge).max(1)
    }

    /// Whether the checkpoints stop short of 100%: a refresh that replaces only part of the group.
    pub fn is_partial(&self) -> bool {
        self.checkpoint_percentages.last().is_some_and(|&last| last < 100)
    }

    /// The next checkpoint still ahead, as an instance count (100% when there is none left).
    fn next_checkpoint_count(&self, passed: u32, replicas: u32) -> (Option<u32>, u32) {
        let share = self.checkpoint_percentages.get(passed as usize).copied().filter(|&share| share < 100);
        let count =
            share.map_or(replicas, |share| (u64::from(share) * u64::from(replicas)).div_ceil(100) as u32);
        (share, count)
    }

    /// One refresh step moving the fleet onto revision `to` from every other revision.
    fn step(&self, fleet: &mut RolloutFleet<'_>, to: usize) -> bool {
        let replicas = fleet.replicas;
        let now = fleet.now;
        let from_total: u32 = fleet.total_desired() - fleet.revisions[to].desired;
        let (to_desired, to_available) = (fleet.revisions[to].desired, fleet.revisions[to].available);
        // 1. A batch still launching: wait for health checks, or fail after the timeout.
        if to_available < to_desired {
            let started = *fleet.status.step_started.get_or_insert(now);
            if now >= started.saturating_add(self.health_check_timeout_ticks) && !fleet.status.aborted {
                fleet.status.failure = Some(crate::AbortCause::RefreshFailed {
                    revision: fleet.revisions[to].number,
                    unhealthy: to_desired - to_available,
                    timeout_ticks: self.health_check_timeout_ticks,
                });
            }
            return false;
        }
        // 2. Healthy: a batch this refresh launched warms up before it counts.
        if fleet.status.step_started.is_some() && self.warmup_ticks > 0 {
            let warm_at = *fleet.status.warm_at.get_or_insert(now.saturating_add(self.warmup_ticks));
            if now < warm_at {
                return false;
            }
        }
        fleet.status.step_started = None;
        // 3. Nothing old left: the new revision is the group, at whatever size it now has (a group
        // scaled in mid-refresh, to zero even, shrinks it).
        if from_total == 0 {
            let changed = fleet.revisions[to].desired != replicas;
            fleet.revisions.set_desired(to, replicas);
            return changed;
        }
        // 4. Launch-before-terminate: the old instances a warm batch replaces go now.
        if from_total + to_desired > replicas {
            shrink_oldest_first(fleet, to, from_total + to_desired - replicas);
            return true;
        }
        // 5. Checkpoints: reached when the replaced-and-warmed share is at least the threshold.
        // One wait covers every threshold a batch reached at once (a jumped threshold is skipped).
        if !fleet.status.aborted {
            let reached = self.checkpoint_percentages
                [(fleet.status.step_index as usize).min(self.checkpoint_percentages.len())..]
                .iter()
                .take_while(|&&share| {
                    share < 100 && u64::from(to_available) * 100 >= u64::from(share) * u64::from(replicas)
                })
                .count() as u32;
            let passed = fleet.status.step_index.saturating_add(reached) as usize;
            if reached > 0 && passed == self.checkpoint_percentages.len() && self.is_partial() {
                // A list that stops short of 100 is a partial refresh: it ends at its last
                // checkpoint, the rest of the group left as it was.
                fleet.status.step_index += reached;
                fleet.status.finished_early = true;
                return true;
            }
            if reached > 0 {
                let since = *fleet.status.paused_since.get_or_insert(now);
                if now < since.saturating_add(self.checkpoint_delay_ticks) {
                    return false;
                }
                fleet.status.paused_since = None;
                fleet.status.step_index += reached;
            }
        }
        // 6. The next batch, capped so it does not overshoot the next checkpoint. A rollback has no
        // checkpoints: it goes at the pace the healthy percentages allow.
        let checkpoint_count = if fleet.status.aborted {
            replicas
        } else {
            self.next_checkpoint_count(fleet.status.step_index, replicas).1
        };
        let room_to_checkpoint = checkpoint_count.saturating_sub(to_desired).max(1);
        let batch = self.batch_size(replicas).min(room_to_checkpoint).min(from_total);
        let surge = self.running_ceiling(replicas) - replicas;
        fleet.revisions.set_desired(to, fleet.revisions[to].desired + batch);
        shrink_oldest_first(fleet, to, batch.saturating_sub(surge));
        fleet.status.warm_at = None;
        fleet.status.step_started = Some(now);
        true
    }
}

/// After a partial refresh the group keeps its mix: it launches from the new template, so a
/// larger group gets new instances, and a smaller one loses the oldest first.
fn keep_the_mix(fleet: &mut RolloutFleet<'_>) -> bool {
    let target = fleet.target;
    let others = fleet.total_desired() - fleet.revisions[target].desired;
    if others > fleet.replicas {
        shrink_oldest_first(fleet, target, others - fleet.replicas);
    }
    let others = fleet.total_desired() - fleet.revisions[target].desired;
    let wanted = fleet.replicas - others;
    let changed = fleet.revisions[target].desired != wanted;
    fleet.revisions.set_desired(target, wanted);
    changed
}

/// Takes `count` instances off the revisions other than `keep`, oldest revision first.
fn shrink_oldest_first(fleet: &mut RolloutFleet<'_>, keep: usize, mut count: u32) {
    let mut order: Vec<usize> = (0..fleet.revisions.len()).filter(|&i| i != keep).collect();
    order.sort_by_key(|&i| fleet.revisions[i].created_tick);
    for index in order {
        let take = count.min(fleet.revisions[index].desired);
        fleet.revisions.set_desired(index, fleet.revisions[index].desired - take);
        count -= take;
    }
}

impl Strategy for InstanceRefresh {
    fn name(&self) -> &'static str {
        "instance_refresh"
    }

    fn label(&self) -> &'static str {
        "Instance refresh"
    }

    fn describe(&self) -> String {
        let checkpoints = if self.checkpoint_percentages.is_empty() {
            String::new()
        } else {
            format!(" · checkpoints {:?}", self.checkpoint_percentages)
        };
        format!(
            "instance refresh · min healthy {}% · max healthy {}% · batches of {} per 10 instances{checkpoints}",
            self.min_healthy_percentage,
            self.max_healthy_percentage,
            self.batch_size(10),
        )
    }

    /// Its checkpoints count as steps (`status.step_index`: checkpoints passed).
    fn has_steps(&self) -> bool {
        true
    }

    fn steps(&self, replicas: u32) -> Vec<RolloutStep<'_>> {
        self.checkpoint_percentages
            .iter()
            .filter(|&&percent| percent < 100)
            .map(|&percent| RolloutStep::Checkpoint { percent, wait_ticks: self.checkpoint_delay_ticks })
            .chain([RolloutStep::Finish { batch: self.batch_size(replicas) }])
            .collect()
    }

    fn after_abort(&self) -> AbortAftermath {
        if self.auto_rollback { AbortAftermath::RollsBack } else { AbortAftermath::LeavesReplaced }
    }

    fn editor_json(&self) -> String {
        let checkpoints: Vec<String> =
            self.checkpoint_percentages.iter().map(|share| share.to_string()).collect();
        format!(
            "{{\"type\": \"instance_refresh\", \"min_healthy_percentage\": {}, \"max_healthy_percentage\": {},\n \
             \"warmup_ticks\": {}, \"checkpoint_percentages\": [{}], \"checkpoint_delay_ticks\": {},\n \
             \"health_check_timeout_ticks\": {}, \"auto_rollback\": {}}}",
            self.min_healthy_percentage,
            self.max_healthy_percentage,
            self.warmup_ticks,
            checkpoints.join(", "),
            self.checkpoint_delay_ticks,
            self.health_check_timeout_ticks,
            self.auto_rollback
        )
    }

    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        if fleet.status.aborted {
            // Failed or cancelled: replaced instances stay, unless rolling back to the stable revision.
            let stable = fleet.status.stable.and_then(|number| {
                fleet
                    .revisions
                    .iter()
                    .position(|r| r.number == number && number != fleet.revisions[fleet.target].number)
            });
            // AutoRollback governs failures (and the lab's plain abort); a cancel never rolls back,
            // a rollback asked for always does.
            let roll_back = match fleet.status.abort_cause {
                Some(crate::AbortCause::Cancelled) => false,
                Some(crate::AbortCause::RollbackRequested) => true,
                _ => self.auto_rollback,
            };
            return match stable {
                Some(stable) if roll_back => self.step(fleet, stable),
                _ => false,
            };
        }
        if fleet.status.finished_early {
            return keep_the_mix(fleet);
        }
        self.step(fleet, fleet.target)
    }

    fn max_surge(&self, replicas: u32) -> u32 {
        self.running_ceiling(replicas) - replicas
    }

    fn max_unavailable(&self, replicas: u32) -> u32 {
        replicas - self.healthy_floor(replicas).min(replicas)
    }
}
