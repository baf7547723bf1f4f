//! The rollout's status conditions, as the Kubernetes Deployment controller reports them:
//! Available, and Progressing with its reason, including the progress deadline (§2.5 and §2.6 of
//! docs/semantics.md). Kubernetes only reports a stalled rollout; it never rolls back by itself.

use serde::Serialize;

use super::Rollout;
use crate::Event;
use crate::event_log::EventLog;

/// The Progressing condition's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Progressing {
    /// Making progress (or just started).
    True,
    /// No progress within the deadline.
    False,
    /// Every instance runs the target revision and is available.
    Complete,
}

/// Why the Progressing condition is what it is, in Kubernetes' (and Argo's) reason codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ConditionReason {
    /// A new revision was created for the target template.
    NewReplicaSetCreated,
    /// The rollout moved since the last tick.
    ReplicaSetUpdated,
    /// The target revision runs the whole fleet.
    NewReplicaSetAvailable,
    /// No progress within the deadline.
    ProgressDeadlineExceeded,
    /// Paused by a person.
    DeploymentPaused,
    /// Resumed by a person; the deadline clock restarts.
    DeploymentResumed,
    /// Aborted (Argo's reason).
    RolloutAborted,
    /// An existing revision was found for the target template (an undo re-adopts one). Last, as
    /// the trace records a reason by its position.
    FoundNewReplicaSet,
}

impl ConditionReason {
    /// The reason code as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionReason::NewReplicaSetCreated => "NewReplicaSetCreated",
            ConditionReason::FoundNewReplicaSet => "FoundNewReplicaSet",
            ConditionReason::ReplicaSetUpdated => "ReplicaSetUpdated",
            ConditionReason::NewReplicaSetAvailable => "NewReplicaSetAvailable",
            ConditionReason::ProgressDeadlineExceeded => "ProgressDeadlineExceeded",
            ConditionReason::DeploymentPaused => "DeploymentPaused",
            ConditionReason::DeploymentResumed => "DeploymentResumed",
            ConditionReason::RolloutAborted => "RolloutAborted",
        }
    }
}

impl std::fmt::Display for ConditionReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Conditions after a tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RolloutConditions {
    /// At least `replicas - maxUnavailable` instances are available.
    pub available: bool,
    /// Whether the rollout is moving.
    pub progressing: Progressing,
    /// Kubernetes' reason.
    pub reason: ConditionReason,
    /// When progress was last seen.
    pub last_update_tick: u64,
}

impl Default for RolloutConditions {
    fn default() -> Self {
        RolloutConditions {
            available: true,
            progressing: Progressing::Complete,
            reason: ConditionReason::NewReplicaSetAvailable,
            last_update_tick: 0,
        }
    }
}

/// The counts `DeploymentProgressing` compares from one status to the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProgressCounts {
    updated: u32,
    old: u32,
    ready: u32,
    available: u32,
}

impl Rollout {
    /// The conditions after the last tick.
    pub(crate) fn conditions(&self) -> RolloutConditions {
        self.conditions
    }

    /// A new revision was created for the target: `NewReplicaSetCreated`, and the deadline clock
    /// restarts.
    pub(crate) fn note_new_revision(&mut self, tick: u64) {
        self.note_target(ConditionReason::NewReplicaSetCreated, tick);
    }

    /// An existing revision became the target again: `FoundNewReplicaSet`.
    pub(crate) fn note_found_revision(&mut self, tick: u64) {
        self.creation_pending = false;
        self.note_target(ConditionReason::FoundNewReplicaSet, tick);
    }

    fn note_target(&mut self, reason: ConditionReason, tick: u64) {
        self.conditions.progressing = Progressing::True;
        self.conditions.reason = reason;
        self.conditions.last_update_tick = tick;
    }

    /// Recomputes the conditions at the end of a tick.
    pub(crate) fn update_conditions(&mut self, tick: u64, log: &mut EventLog) {
        let target = self.target;
        let old_gone = self
            .revisions
            .iter()
            .enumerate()
            .all(|(index, r)| index == target || (r.live == 0 && r.terminating == 0));
        if self.creation_pending && old_gone {
            self.creation_pending = false;
            self.note_new_revision(tick);
        }
        let target = &self.revisions[self.target];
        let live: u32 = self.revisions.iter().map(|r| r.live).sum();
        let available: u32 = self.revisions.iter().map(|r| r.available).sum();
        let counts =
            ProgressCounts { updated: target.live, old: live - target.live, ready: available, available };
        let previous = std::mem::replace(&mut self.progress_counts, counts);
        let max_unavailable = self.strategy.strategy().max_unavailable(self.replicas);
        self.conditions.available = available >= self.replicas.saturating_sub(max_unavailable);

        if self.paused || self.status.inconclusive_pause.is_some() {
            // While paused (by hand or by an inconclusive analysis) the deadline clock is suspended.
            self.conditions.last_update_tick = tick;
            return;
        }
        if self.complete {
            // Complete rollouts are never re-evaluated against the deadline.
            self.conditions.progressing = Progressing::Complete;
            self.conditions.reason = ConditionReason::NewReplicaSetAvailable;
            return;
        }
        let progressed = counts.updated > previous.updated
            || counts.old < previous.old
            || counts.ready > previous.ready
            || counts.available > previous.available;
        if progressed {
            self.conditions.progressing = Progressing::True;
            // The tick a revision was created or found keeps that reason; progress after it is
            // `ReplicaSetUpdated`.
            let just_targeted = matches!(
                self.conditions.reason,
                ConditionReason::NewReplicaSetCreated | ConditionReason::FoundNewReplicaSet
            );
            if !just_targeted || self.conditions.last_update_tick != tick {
                self.conditions.reason = ConditionReason::ReplicaSetUpdated;
            }
            self.conditions.last_update_tick = tick;
        } else if self.conditions.progressing != Progressing::False
            && tick > self.conditions.last_update_tick.saturating_add(self.progress_deadline_ticks)
        {
            // `from.Add(delta).Before(now)`: the first tick strictly after the deadline
            // (TM-6 in docs/semantics.md).
            self.conditions.progressing = Progressing::False;
            self.conditions.reason = ConditionReason::ProgressDeadlineExceeded;
            let revision = self.revisions[self.target].number;
            log.emit(
                tick,
                Event::RolloutStalled { revision, reason: ConditionReason::ProgressDeadlineExceeded },
            );
        }
    }
}
