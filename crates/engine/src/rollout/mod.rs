//! Rollouts as commands see them: deploying a launch template (a new revision, or an old one
//! re-adopted), aborting, `undo`, resizing the fleet, and the reconcile that runs the strategy and
//! the instance controller to a fixed point each tick (TM-3 in docs/semantics.md).

use rand_chacha::ChaCha8Rng;

use crate::event_log::EventLog;
use crate::fleet::Fleet;
use crate::registry::Registry;
use crate::strategy::{RolloutFleet, RolloutStatus};
use crate::{CommandError, Event, ImageRef, Limits, Revision, Scenario, StrategySpec};

mod commands;
mod conditions;
mod traffic;

pub use conditions::{ConditionReason, Progressing, RolloutConditions};
pub use traffic::ServiceStats;

/// What a rollout command needs from the other parts: the registry to resolve images, the fleet
/// whose instances follow a re-adopted revision, the tick and the event log.
pub(crate) struct Parts<'a> {
    pub(crate) registry: &'a Registry,
    pub(crate) fleet: &'a mut Fleet,
    pub(crate) tick: u64,
    pub(crate) log: &'a mut EventLog,
}

/// The rollout: the revisions and which one is the target, the strategy and its controller
/// memory, pauses, the rollout's conditions, and the load balancer in front of the revisions
/// (traffic weights, request history, analysis).
#[derive(Clone, Debug)]
pub(crate) struct Rollout {
    /// Shared, so each tick's reconcile holds it without copying it (a clone is a count).
    strategy: std::sync::Arc<StrategySpec>,
    /// The fleet size the rollout aims for.
    replicas: u32,
    /// Oldest first; `target` indexes the rollout target.
    revisions: Vec<Revision>,
    target: usize,
    complete: bool,
    paused: bool,
    /// A Recreate rollout's new revision, not yet created: it is, in Kubernetes' terms, once the
    /// old instances are gone (the Progressing reason says `NewReplicaSetCreated` then).
    creation_pending: bool,
    /// The strategy's memory between passes (Argo's rollout status).
    status: RolloutStatus,
    conditions: RolloutConditions,
    progress_counts: conditions::ProgressCounts,
    progress_deadline_ticks: u64,
    /// Per-revision request history, for analysis.
    traffic: Vec<traffic::RevisionTraffic>,
    service: ServiceStats,
    /// Reused buffers, so a tick allocates nothing once warm.
    scratch_weights: Vec<u32>,
    scratch_desired: Vec<u32>,
}

impl Rollout {
    /// The scenario's first revision, `fleet_size` instances of `image` wanted, and nothing under
    /// way.
    pub(crate) fn new(scenario: &Scenario, fleet_size: u32, image: crate::Digest, launch: ImageRef) -> Self {
        Rollout {
            strategy: std::sync::Arc::new(scenario.strategy.clone()),
            replicas: fleet_size,
            revisions: vec![Revision {
                desired: fleet_size,
                annotated_replicas: fleet_size,
                annotated_max_replicas: fleet_size
                    .saturating_add(scenario.strategy.strategy().max_surge(fleet_size)),
                ..Revision::new(1, image, launch, 0)
            }],
            target: 0,
            complete: true,
            paused: false,
            creation_pending: false,
            status: RolloutStatus { stable: Some(1), ..Default::default() },
            conditions: RolloutConditions::default(),
            progress_counts: conditions::ProgressCounts::default(),
            progress_deadline_ticks: scenario.progress_deadline_ticks,
            traffic: Vec::new(),
            service: ServiceStats::default(),
            scratch_weights: Vec::new(),
            scratch_desired: Vec::new(),
        }
    }

    /// The revisions, for the fleet to keep their instance counters (`live`, `available`,
    /// `terminating`) as instances move; the rollout alone decides `desired`.
    pub(crate) fn revisions_mut(&mut self) -> &mut [Revision] {
        &mut self.revisions
    }

    /// Revisions still tracked, oldest first.
    pub(crate) fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision the fleet is rolling out to (or runs, once complete).
    pub(crate) fn target_revision(&self) -> &Revision {
        &self.revisions[self.target]
    }

    /// The strategy in use.
    pub(crate) fn strategy(&self) -> &StrategySpec {
        &self.strategy
    }

    /// The fleet size the rollout aims for.
    pub(crate) fn replicas(&self) -> u32 {
        self.replicas
    }

    /// Whether the fleet runs only the target revision, all of it in service.
    pub(crate) fn is_complete(&self) -> bool {
        self.complete
    }

    /// Argo's Healthy: complete, or the target promoted for good and whole while older revisions
    /// wait out their scale-down delay (`CalculateRolloutPhase`).
    pub(crate) fn is_healthy(&self) -> bool {
        let target = &self.revisions[self.target];
        self.complete
            || (self.strategy.strategy().promoted(&self.status, target.number)
                && target.desired == self.replicas
                && target.available >= self.replicas)
    }

    /// Whether the rollout is paused by hand.
    pub(crate) fn paused(&self) -> bool {
        self.paused
    }

    /// The strategy's memory: stable and preview revisions, pauses, aborts.
    pub(crate) fn status(&self) -> &RolloutStatus {
        &self.status
    }

    /// Ticks without progress before a rollout is reported stalled.
    pub(crate) fn progress_deadline_ticks(&self) -> u64 {
        self.progress_deadline_ticks
    }

    /// Failed requests and time below capacity so far.
    pub(crate) fn service_stats(&self) -> ServiceStats {
        self.service
    }

    /// Makes the template `reference` names the rollout's target.
    pub(crate) fn deploy(&mut self, reference: &ImageRef, parts: Parts<'_>) -> Result<(), CommandError> {
        let Parts { registry, fleet, tick, log } = parts;
        let image = registry.resolve(reference)?;
        // The launch template is what names the image: a digest pins it, a tag floats. Deploying the
        // template the fleet already has changes nothing, even if the tag now names another image,
        // exactly as Kubernetes ignores a re-applied `image: app:latest`.
        let launch = match reference {
            ImageRef::Digest(_) => ImageRef::digest(image),
            ImageRef::Tag(_) => reference.clone(),
        };
        if self.revisions[self.target].launch == launch {
            return Err(CommandError::AlreadyTarget { reference: launch.to_string() });
        }
        let number = self.revisions.iter().map(|r| r.number).max().unwrap_or(0) + 1;
        // Like Kubernetes' FindNewReplicaSet: going back to a template re-adopts its old revision,
        // with whatever instances it still has, under a new revision number.
        if let Some(index) = self.revisions.iter().position(|r| r.launch == launch) {
            let old_number = self.revisions[index].number;
            self.revisions[index].number = number;
            self.revisions[index].image = image;
            if self.status.stable == Some(old_number) {
                self.status.stable = Some(number);
            }
            fleet.renumber(old_number, number);
            self.target = index;
            self.note_found_revision(tick);
        } else {
            let max_replicas =
                self.replicas.saturating_add(self.strategy.strategy().max_surge(self.replicas));
            self.revisions.push(Revision {
                annotated_replicas: self.replicas,
                annotated_max_replicas: max_replicas,
                ..Revision::new(number, image, launch, tick)
            });
            self.target = self.revisions.len() - 1;
            self.creation_pending = self.strategy.strategy().creates_revision_when_old_are_gone();
            if !self.creation_pending {
                self.note_new_revision(tick);
            }
        }
        self.complete = false;
        let stable = self.status.stable;
        // A router keeps sending the interrupted canary its share until the new one is ready.
        let (router_weight, router_revision) = match self.status.aborted {
            false => (self.status.router_weight, self.status.router_revision),
            true => (0, None),
        };
        self.status =
            crate::strategy::RolloutStatus { stable, router_weight, router_revision, ..Default::default() };
        self.forget_old_revisions();
        log.emit(tick, Event::RolloutStarted { revision: number, image });
        Ok(())
    }

    /// Aborts the rollout (by hand, or because analysis failed), saying why.
    pub(crate) fn abort_rollout(&mut self, cause: crate::AbortCause, tick: u64, log: &mut EventLog) {
        if self.complete || self.status.aborted {
            return;
        }
        let target = self.revisions[self.target].number;
        let traffic_back_to = self.strategy.strategy().on_abort(&mut self.status, target);
        let cause = match cause {
            crate::AbortCause::Analysis { finding, .. } => {
                crate::AbortCause::Analysis { finding, traffic_back_to }
            }
            other => other,
        };
        self.status.aborted = true;
        self.status.aborted_tick = tick;
        self.status.inconclusive_pause = None;
        // Argo resets the canary to its first step on abort.
        self.status.step_index = 0;
        self.status.step_started = None;
        self.conditions.reason = ConditionReason::RolloutAborted;
        self.status.abort_cause = Some(cause.clone());
        log.emit(tick, Event::RolloutAborted { cause });
    }

    /// A person promoted past an inconclusive analysis: it counts as passed.
    pub(crate) fn accept_inconclusive_analysis(&mut self) {
        self.status.analysis_inconclusive = 0;
        self.strategy.strategy().accept_inconclusive(&mut self.status);
    }

    /// `kubectl rollout undo`: the chosen revision's template becomes the target again.
    pub(crate) fn undo(&mut self, to_revision: Option<u32>, parts: Parts<'_>) -> Result<(), CommandError> {
        if self.paused {
            return Err(CommandError::UndoWhilePaused);
        }
        let mut numbers: Vec<u32> = self.revisions.iter().map(|r| r.number).collect();
        numbers.sort_unstable();
        let wanted = match to_revision {
            Some(number) => number,
            None => {
                numbers.iter().rev().nth(1).copied().ok_or(CommandError::UnknownRevision { revision: 0 })?
            }
        };
        let revision = self
            .revisions
            .iter()
            .find(|r| r.number == wanted)
            .ok_or(CommandError::UnknownRevision { revision: wanted })?;
        if self.revisions[self.target].launch == revision.launch {
            return Err(CommandError::SkippedRollback { revision: wanted });
        }
        let launch = revision.launch.clone();
        self.deploy(&launch, parts)
    }

    pub(crate) fn scale(&mut self, replicas: u32, tick: u64, log: &mut EventLog) -> Result<(), CommandError> {
        if replicas > Limits::FLEET_MAX {
            return Err(CommandError::FleetTooLarge { requested: replicas, max: Limits::FLEET_MAX });
        }
        let from = self.replicas;
        self.replicas = replicas;
        self.complete = false;
        log.emit(tick, Event::FleetResized { from, to: replicas });
        Ok(())
    }

    /// Drops the oldest empty revisions beyond the history limit.
    pub(crate) fn forget_old_revisions(&mut self) {
        while self.revisions.len() > Limits::REVISION_HISTORY + 1 {
            let Some(index) = (0..self.revisions.len()).find(|&index| {
                // A revision still draining instances keeps its counts until they are gone.
                index != self.target
                    && self.revisions[index].is_empty()
                    && self.revisions[index].terminating == 0
            }) else {
                return;
            };
            self.revisions.remove(index);
            if index < self.target {
                self.target -= 1;
            }
        }
    }

    /// TM-3 (docs/semantics.md): strategy pass, then instance controller, until a pass changes nothing.
    pub(crate) fn reconcile(
        &mut self,
        instances: &mut Fleet,
        registry: &Registry,
        rng: &mut ChaCha8Rng,
        tick: u64,
        log: &mut EventLog,
    ) {
        let strategy = std::sync::Arc::clone(&self.strategy);
        for _ in 0..Limits::RECONCILE_PASSES_MAX {
            let stable_before = self.status.stable;
            // An inconclusive analysis halts the rollout like a pause (Argo's `haltProgress`).
            let halted = self.paused || self.status.inconclusive_pause.is_some();
            self.scratch_desired.clear();
            self.scratch_desired.extend(self.revisions.iter().map(|r| r.desired));
            let mut fleet = RolloutFleet {
                replicas: self.replicas,
                revisions: crate::strategy::DesiredCounts::new(&mut self.revisions),
                target: self.target,
                now: tick,
                status: &mut self.status,
            };
            let rescaled = if halted {
                // Paused: no rollout, but a resize still happens: by the strategy's own replica
                // rules for Argo's (`syncReplicasOnly`), else shared out proportionally (`sync` in
                // syncDeployment).
                crate::strategy::is_scaling_event(&fleet)
                    && match strategy.strategy().rescale_halted(&mut fleet) {
                        Some(changed) => changed,
                        None => crate::strategy::scale_proportionally(
                            &mut fleet,
                            strategy.strategy().max_surge(self.replicas),
                        ),
                    }
            } else {
                strategy.strategy().reconcile(&mut fleet)
            };
            if let Some(cause) = self.status.failure.take() {
                self.abort_rollout(cause, tick, log);
            }
            let max_replicas = self.replicas.saturating_add(strategy.strategy().max_surge(self.replicas));
            for index in 0..self.revisions.len() {
                let (from, to) = (self.scratch_desired[index], self.revisions[index].desired);
                if from != to {
                    // Like scaleReplicaSet: every resize records the fleet size it was made for.
                    let revision = &mut self.revisions[index];
                    revision.annotated_replicas = self.replicas;
                    revision.annotated_max_replicas = max_replicas;
                    let number = revision.number;
                    log.emit(tick, Event::RevisionScaled { revision: number, from, to });
                }
            }
            if self.status.stable != stable_before
                && let Some(revision) = self.status.stable
            {
                log.emit(tick, Event::RolloutPromoted { revision });
            }
            let resized = instances.sync(&mut self.revisions, registry, rng, tick, log);
            if !rescaled && !resized {
                return;
            }
        }
    }

    pub(crate) fn note_rollout_complete(&mut self, tick: u64, log: &mut EventLog) {
        if self.complete {
            return;
        }
        let target = &self.revisions[self.target];
        let target_done = target.desired == self.replicas
            && target.live == self.replicas
            && target.available == self.replicas;
        let others_gone = self
            .revisions
            .iter()
            .enumerate()
            .all(|(index, revision)| index == self.target || revision.is_empty());
        // A partial instance refresh is over at its last checkpoint, with old instances left.
        let partial_done =
            self.status.finished_early && target.live == target.desired && target.available == target.desired;
        if (target_done && others_gone) || partial_done {
            self.complete = true;
            let revision = target.number;
            self.status.stable = Some(revision);
            log.emit(tick, Event::RolloutComplete { revision });
        }
    }
}
