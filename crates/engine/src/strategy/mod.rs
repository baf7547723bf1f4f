//! Deployment strategies: how a rollout moves instances from old revisions to the target.
//!
//! A strategy is one controller pass over revision counts, as in the Kubernetes Deployment
//! controller: it only changes how many instances each revision *should* have. The world then
//! creates or deletes instances to match and runs the strategy again, until a pass changes nothing
//! (the fixed point of the tick model, TM-3 in docs/semantics.md).

pub mod analysis;
mod blue_green;
mod canary;
mod finding;
mod instance_refresh;
mod int_or_percent;
mod notes;
mod recreate;
mod rolling;
mod status;
mod weights;

pub use analysis::{AnalysisError, CanaryAnalysis, Measurement, Verdict};
pub use blue_green::BlueGreen;
pub use canary::math as canary_math;
pub use canary::{Canary, CanaryError, CanaryStep};
pub use finding::{AnalysisFinding, AnalysisKind, AnalysisRun};
pub use instance_refresh::{InstanceRefresh, InstanceRefreshError};
pub use int_or_percent::IntOrPercent;
pub use recreate::Recreate;
pub use rolling::{RollingUpdate, RollingUpdateError};
use serde::{Deserialize, Serialize};
pub use status::RolloutStatus;
pub(crate) use weights::weights_by_available;

use crate::Revision;

/// The revisions as a strategy sees them: every count readable, only `desired` writable — the
/// instance counters belong to the fleet.
pub struct DesiredCounts<'a> {
    revisions: &'a mut [Revision],
}

impl<'a> DesiredCounts<'a> {
    /// A strategy's view of these revisions.
    pub fn new(revisions: &'a mut [Revision]) -> Self {
        DesiredCounts { revisions }
    }

    /// How many revisions are tracked.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// Whether no revision is tracked.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// The revisions, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Revision> {
        self.revisions.iter()
    }

    /// Sets how many instances the revision at `index` should have, at most the largest fleet:
    /// counts a strategy takes as given (a canary scale, a preview size) are bounded when read,
    /// but a strategy built in code skips the reader, and no count may make the world launch
    /// billions of instances.
    pub fn set_desired(&mut self, index: usize, desired: u32) {
        self.revisions[index].desired = desired.min(crate::Limits::FLEET_MAX);
    }

    /// Records the fleet size the revision at `index` was last scaled for (Kubernetes'
    /// `desired-replicas` and `max-replicas` annotations).
    pub(crate) fn annotate(&mut self, index: usize, replicas: u32, max_replicas: u32) {
        self.revisions[index].annotated_replicas = replicas;
        self.revisions[index].annotated_max_replicas = max_replicas;
    }
}

impl std::ops::Index<usize> for DesiredCounts<'_> {
    type Output = Revision;

    fn index(&self, index: usize) -> &Revision {
        &self.revisions[index]
    }
}

/// The revisions a strategy pass may rescale.
pub struct RolloutFleet<'a> {
    /// How many instances the fleet should run once the rollout is done.
    pub replicas: u32,
    /// Every revision still tracked, oldest first; a strategy changes only their `desired`.
    pub revisions: DesiredCounts<'a>,
    /// Index in `revisions` of the rollout target.
    pub target: usize,
    /// The tick being reconciled.
    pub now: u64,
    /// What stateful strategies remember between passes (Argo's rollout status).
    pub status: &'a mut RolloutStatus,
}

impl RolloutFleet<'_> {
    /// Sum of `desired` over all revisions.
    pub fn total_desired(&self) -> u32 {
        self.revisions.iter().map(|r| r.desired).sum()
    }

    /// Sum of `available` over all revisions.
    pub fn total_available(&self) -> u32 {
        self.revisions.iter().map(|r| r.available).sum()
    }
}

/// Whether an aborted revision's scale-down delay is over (Argo's `abortScaleDownDelaySeconds`,
/// counted from the abort: TM-9). A delay of 0 means never: the aborted revision keeps its
/// instances until the rollout is retried or replaced (Argo's `docs/features/scaledown-aborted-rs.md`).
pub(super) fn abort_scale_down_over(status: &mut RolloutStatus, delay_ticks: u64, now: u64) -> bool {
    if delay_ticks == 0 {
        return false;
    }
    let at = *status.scale_down_at.get_or_insert(status.aborted_tick.saturating_add(delay_ticks));
    now >= at
}

/// An analysis due this tick and what kind it is.
pub type DueAnalysis = (CanaryAnalysis, AnalysisKind);

/// One step of a rollout that has steps, as data; shells put it into words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RolloutStep<'a> {
    /// A canary step as the strategy lists it.
    Canary(&'a CanaryStep),
    /// An instance refresh checkpoint: replace until `percent` of the fleet is new, then wait.
    Checkpoint {
        /// Share of the fleet replaced at this checkpoint.
        percent: u32,
        /// Ticks the refresh waits there.
        wait_ticks: u64,
    },
    /// An instance refresh's last step: replace the rest in batches.
    Finish {
        /// Instances replaced at a time.
        batch: u32,
    },
}

/// The traffic weight a step asks for, and how it is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WeightGoal {
    /// Percent of requests the step asks the new revision to get (0 after an abort).
    pub percent: u32,
    /// A traffic router sets the weight; without one, the share of instances in service
    /// approximates it.
    pub routed: bool,
}

/// What a strategy does after an abort, for the shells to explain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AbortAftermath {
    /// Traffic stays on (or goes back to) the stable revision; the new one is scaled away.
    TrafficStaysOnStable,
    /// The instances already replaced are replaced again with the stable revision.
    RollsBack,
    /// The instances already replaced stay as they are.
    LeavesReplaced,
}

/// One deployment strategy: everything about it in its own file — its settings, its controller
/// pass, its traffic weights, its analyses, how it reacts to a person, its steps and its words.
/// The world asks; it never matches on the strategy.
pub trait Strategy {
    /// The name written in traces and files (`blue_green`).
    fn name(&self) -> &'static str;
    /// The name a learner reads (`Blue-green`).
    fn label(&self) -> &'static str;
    /// One line for the learner: the strategy and its parameters.
    fn describe(&self) -> String;
    /// Runs one controller pass. Returns whether it changed any revision's `desired`.
    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool;
    /// A resize while the rollout is halted (paused, or waiting on an undecided analysis): one pass
    /// of the strategy's own replica rules, without moving a step or promoting (Argo's
    /// `syncReplicasOnly`). `None` leaves it to Kubernetes' proportional scaling (§2.9).
    fn rescale_halted(&self, _fleet: &mut RolloutFleet<'_>) -> Option<bool> {
        None
    }
    /// How many instances above the fleet size the strategy may run (`MaxSurge(d)`).
    fn max_surge(&self, _replicas: u32) -> u32 {
        0
    }
    /// How many of the fleet may be unavailable while the rollout is still "Available"
    /// (`MaxUnavailable(d)`; 0 for strategies that do not promise availability).
    fn max_unavailable(&self, _replicas: u32) -> u32 {
        0
    }
    /// Percent of requests each revision receives, in revision order (`target` indexes the
    /// target). By default the split follows the instances in service.
    fn traffic_weights(
        &self,
        revisions: &[Revision],
        _target: usize,
        _status: &RolloutStatus,
        out: &mut Vec<u32>,
    ) {
        weights_by_available(revisions, out);
    }
    /// A revision that gets smoke-test requests (not users') while it has no weight.
    fn smoke_tested(&self, _status: &RolloutStatus) -> Option<u32> {
        None
    }
    /// The analyses due now for the `target` revision, in the order they are judged.
    fn due_analyses(&self, _status: &RolloutStatus, _target: u32) -> [Option<DueAnalysis>; 2] {
        [None, None]
    }
    /// A person promoted the rollout.
    fn promote(&self, status: &mut RolloutStatus, _now: u64) {
        status.promote_requested = true;
    }
    /// A person promoted past an inconclusive analysis: it counts as passed.
    fn accept_inconclusive(&self, _status: &mut RolloutStatus) {}
    /// Whether the rollout moves through numbered steps (`status.step_index`).
    fn has_steps(&self) -> bool {
        false
    }
    /// Whether the new revision only comes into being once every old instance is gone (Kubernetes'
    /// Recreate creates the new ReplicaSet then); the others create it when the rollout starts.
    fn creates_revision_when_old_are_gone(&self) -> bool {
        false
    }
    /// The steps, in order, as data for display (empty for strategies without steps).
    fn steps(&self, _replicas: u32) -> Vec<RolloutStep<'_>> {
        Vec::new()
    }
    /// The traffic weight the current step asks for, for strategies that set one.
    fn weight_goal(&self, _status: &RolloutStatus) -> Option<WeightGoal> {
        None
    }
    /// Whether the rollout is waiting at a timed or indefinite pause step.
    fn waiting_at_pause(&self, _status: &RolloutStatus) -> bool {
        false
    }
    /// Whether the target has taken over for good while older revisions still wait out a
    /// scale-down delay: Argo reads such a rollout as Healthy (blue-green once the active service
    /// is on it and any post-promotion analysis has passed; a traffic-routed canary after its last
    /// step). The others are Healthy only once nothing old is left.
    fn promoted(&self, _status: &RolloutStatus, _target: u32) -> bool {
        false
    }
    /// The rollout is being aborted: moves the traffic where the strategy sends it and starts the
    /// abort's own scale-down clock. Returns the revision the traffic went back to, if it moved.
    fn on_abort(&self, status: &mut RolloutStatus, _target: u32) -> Option<u32> {
        status.scale_down_at = None;
        None
    }
    /// What happens after an abort.
    fn after_abort(&self) -> AbortAftermath {
        AbortAftermath::TrafficStaysOnStable
    }
    /// The strategy as the JSON the page's editor starts from (written by hand: serde's
    /// serializer would add kilobytes to the page for one text box).
    fn editor_json(&self) -> String;
}

/// Whether the fleet was resized since some active revision was last scaled (`isScalingEvent`).
pub(crate) fn is_scaling_event(fleet: &RolloutFleet<'_>) -> bool {
    fleet.revisions.iter().any(|r| r.desired > 0 && r.annotated_replicas != fleet.replicas)
}

/// Kubernetes' `sync`/`scale` for a resize in the middle of a rollout (§2.9 of docs/semantics.md):
/// share the change out in proportion to each active revision's size, leftovers to the largest.
/// Every active revision is annotated with the new size. Returns whether anything changed.
pub(crate) fn scale_proportionally(fleet: &mut RolloutFleet<'_>, surge: u32) -> bool {
    let replicas = fleet.replicas;
    let allowed = if replicas == 0 { 0 } else { replicas.saturating_add(surge) };
    let mut active: Vec<usize> =
        (0..fleet.revisions.len()).filter(|&i| fleet.revisions[i].desired > 0).collect();
    let target = fleet.target;
    let saturated = {
        let new = &fleet.revisions[target];
        new.desired == replicas && new.annotated_replicas == replicas && new.available == replicas
    };
    if active.len() <= 1 {
        // One active revision (or none): it simply becomes the fleet size.
        let index = active.first().copied().unwrap_or(target);
        fleet.revisions.set_desired(index, replicas);
    } else if saturated {
        for index in active.iter().copied().filter(|&i| i != target) {
            fleet.revisions.set_desired(index, 0);
        }
    } else {
        let total: i64 = active.iter().map(|&i| i64::from(fleet.revisions[i].desired)).sum();
        let to_add = i64::from(allowed) - total;
        // Largest first; on a tie the newer revision first when growing, the older when shrinking.
        active.sort_by(|&a, &b| {
            let (ra, rb) = (&fleet.revisions[a], &fleet.revisions[b]);
            rb.desired.cmp(&ra.desired).then(if to_add > 0 {
                rb.created_tick.cmp(&ra.created_tick)
            } else {
                ra.created_tick.cmp(&rb.created_tick)
            })
        });
        let mut added = 0i64;
        let mut sizes: Vec<i64> = active.iter().map(|&i| i64::from(fleet.revisions[i].desired)).collect();
        for (slot, &index) in active.iter().enumerate() {
            if to_add == 0 || to_add == added {
                break;
            }
            let revision = &fleet.revisions[index];
            let current = i64::from(revision.desired);
            let fraction = if replicas == 0 {
                -current
            } else {
                let annotated = i64::from(revision.annotated_max_replicas.max(1));
                // math.Round: halves away from zero.
                let scaled = (current as f64 * f64::from(allowed) / annotated as f64).round() as i64;
                scaled - current
            };
            let room = to_add - added;
            let share = if to_add > 0 { fraction.min(room) } else { fraction.max(room) };
            sizes[slot] += share;
            added += share;
        }
        if to_add != added {
            sizes[0] += to_add - added;
        }
        for (slot, &index) in active.iter().enumerate() {
            fleet.revisions.set_desired(index, sizes[slot].max(0) as u32);
        }
    }
    for index in 0..fleet.revisions.len() {
        if fleet.revisions[index].desired > 0 {
            fleet.revisions.annotate(index, replicas, allowed);
        }
    }
    // The annotations moved even where no size did, so this pass always changed something.
    true
}

/// The strategy a scenario asks for, with its parameters. One variant per strategy file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StrategySpec {
    /// Kubernetes' RollingUpdate.
    Rolling(RollingUpdate),
    /// Kubernetes' Recreate.
    Recreate(Recreate),
    /// Argo Rollouts blue-green.
    BlueGreen(BlueGreen),
    /// Argo Rollouts canary (replica-weighted).
    Canary(Canary),
    /// AWS Auto Scaling instance refresh.
    InstanceRefresh(InstanceRefresh),
}

impl Default for StrategySpec {
    /// Replace one instance at a time: surge one, never drop below the fleet size.
    fn default() -> Self {
        StrategySpec::Rolling(RollingUpdate::ONE_AT_A_TIME)
    }
}

impl StrategySpec {
    /// One line for the learner: the strategy and its parameters.
    pub fn describe(&self) -> String {
        self.strategy().describe()
    }

    /// Checks a strategy built in code (the page's editor reads JSON, which is checked as it is
    /// read) by the same rules, naming the field at fault relative to the strategy object:
    /// `max_surge`, `steps[1].pause.duration_ticks`, or `.` for the strategy as a whole.
    pub fn validate(&self) -> Result<(), crate::InputError> {
        match self {
            StrategySpec::Rolling(rolling) => rolling.validate(),
            StrategySpec::Recreate(_) => Ok(()),
            StrategySpec::BlueGreen(blue_green) => blue_green.validate(),
            StrategySpec::Canary(canary) => canary.validate(),
            StrategySpec::InstanceRefresh(refresh) => refresh.validate(),
        }
    }

    /// One of each strategy with representative settings, in the order the lab presents them:
    /// the list the scoreboard compares and the editor offers to start from. The list is
    /// [`StrategySpec::kind_index`]-ordered, so a new strategy cannot be left out of it.
    pub fn catalogue() -> [StrategySpec; 5] {
        [
            StrategySpec::Rolling(RollingUpdate {
                max_surge: IntOrPercent::Percent(25),
                max_unavailable: IntOrPercent::Percent(25),
            }),
            StrategySpec::Recreate(Recreate {}),
            StrategySpec::BlueGreen(BlueGreen { scale_down_delay_ticks: 5, ..BlueGreen::default() }),
            StrategySpec::Canary(Canary {
                steps: vec![
                    CanaryStep::SetWeight(20),
                    CanaryStep::Pause { duration_ticks: Some(5) },
                    CanaryStep::SetWeight(50),
                    CanaryStep::Pause { duration_ticks: Some(5) },
                ],
                max_surge: IntOrPercent::Percent(25),
                max_unavailable: IntOrPercent::Int(0),
                analysis: Some(CanaryAnalysis::error_rate(5)),
                traffic_routing: false,
                scale_down_delay_ticks: 30,
                abort_scale_down_delay_ticks: 30,
                min_pods_per_replica_set: None,
            }),
            // AWS's defaults, except a lab-sized health-check timeout and rolling back on failure.
            StrategySpec::InstanceRefresh(InstanceRefresh {
                health_check_timeout_ticks: 30,
                auto_rollback: true,
                ..InstanceRefresh::default()
            }),
        ]
    }

    /// Where this kind of strategy sits in [`StrategySpec::catalogue`].
    pub fn kind_index(&self) -> usize {
        match self {
            StrategySpec::Rolling(_) => 0,
            StrategySpec::Recreate(_) => 1,
            StrategySpec::BlueGreen(_) => 2,
            StrategySpec::Canary(_) => 3,
            StrategySpec::InstanceRefresh(_) => 4,
        }
    }

    /// The strategy behind the spec.
    pub fn strategy(&self) -> &dyn Strategy {
        match self {
            StrategySpec::Rolling(rolling) => rolling,
            StrategySpec::Recreate(recreate) => recreate,
            StrategySpec::BlueGreen(blue_green) => blue_green,
            StrategySpec::Canary(canary) => canary,
            StrategySpec::InstanceRefresh(refresh) => refresh,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StrategySpec;

    #[test]
    fn the_catalogue_holds_each_strategy_once_in_its_place() {
        let catalogue = StrategySpec::catalogue();
        for (index, spec) in catalogue.iter().enumerate() {
            assert_eq!(spec.kind_index(), index, "{} is out of place", spec.strategy().name());
            assert_eq!(spec.validate(), Ok(()), "{} is not a valid strategy", spec.strategy().name());
        }
        let mut names: Vec<&str> = catalogue.iter().map(|spec| spec.strategy().name()).collect();
        names.dedup();
        assert_eq!(names.len(), catalogue.len());
    }

    /// What the page's editor starts from reads back as the same strategy, every field kept.
    #[test]
    fn the_editor_text_reads_back_as_the_strategy() {
        let routed = r#"{"type": "canary", "traffic_routing": true, "min_pods_per_replica_set": 2,
            "steps": [{"set_canary_scale": {"replicas": 3, "weight": 150, "match_traffic_weight": true}},
                      {"set_canary_scale": {}}, {"set_weight": 40}]}"#;
        let mut specs = StrategySpec::catalogue().to_vec();
        specs.push(serde_json::from_str(routed).unwrap());
        for spec in specs {
            let text = spec.strategy().editor_json();
            let back: StrategySpec = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(back, spec, "{text}");
        }
    }
}
