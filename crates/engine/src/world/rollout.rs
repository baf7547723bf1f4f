//! Rollouts as commands see them: deploying a launch template (a new revision, or an old one
//! re-adopted), aborting, `undo`, resizing the fleet, and the reconcile that runs the strategy and
//! the instance controller to a fixed point each tick (TM-3 in docs/semantics.md).

use super::{Limits, World};
use crate::strategy::RolloutFleet;
use crate::{CommandError, Event, ImageRef, Revision};

impl World {
    pub(super) fn deploy(&mut self, reference: &ImageRef) -> Result<(), CommandError> {
        let image = self.supply.registry().resolve(reference)?;
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
            if self.rollout_status.stable == Some(old_number) {
                self.rollout_status.stable = Some(number);
            }
            self.fleet.renumber(old_number, number);
            self.target = index;
        } else {
            let max_replicas =
                self.replicas.saturating_add(self.strategy.strategy().max_surge(self.replicas));
            self.revisions.push(Revision {
                annotated_replicas: self.replicas,
                annotated_max_replicas: max_replicas,
                ..Revision::new(number, image, launch, self.now)
            });
            self.target = self.revisions.len() - 1;
        }
        self.rollout_complete = false;
        let stable = self.rollout_status.stable;
        self.rollout_status = crate::strategy::RolloutStatus { stable, ..Default::default() };
        self.note_new_revision();
        self.forget_old_revisions();
        self.emit(Event::RolloutStarted { revision: number, image });
        Ok(())
    }

    /// Aborts the rollout (by hand, or because analysis failed), saying why.
    pub(super) fn abort_rollout(&mut self, cause: crate::AbortCause) {
        if self.rollout_complete || self.rollout_status.aborted {
            return;
        }
        self.rollout_status.aborted = true;
        self.rollout_status.scale_down_at = None;
        self.rollout_status.inconclusive_pause = None;
        // Argo resets the canary to its first step on abort.
        self.rollout_status.step_index = 0;
        self.rollout_status.step_started = None;
        self.conditions.reason = "RolloutAborted";
        self.rollout_status.abort_cause = Some(cause.clone());
        self.emit(Event::RolloutAborted { cause });
    }

    /// A person promoted past an inconclusive analysis: it counts as passed.
    pub(super) fn accept_inconclusive_analysis(&mut self) {
        let status = &mut self.rollout_status;
        status.analysis_inconclusive = 0;
        match &*self.strategy {
            crate::StrategySpec::Canary(canary) => {
                if let Some(crate::strategy::CanaryStep::Analysis(analysis)) =
                    canary.steps.get(status.step_index as usize)
                {
                    status.step_measurements = status.step_measurements.max(analysis.count.unwrap_or(1));
                }
            }
            crate::StrategySpec::BlueGreen(_) => status.analysis_passed = true,
            _ => {}
        }
    }

    /// `kubectl rollout undo`: the chosen revision's template becomes the target again.
    pub(super) fn undo(&mut self, to_revision: Option<u32>) -> Result<(), CommandError> {
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
        self.deploy(&launch)
    }

    pub(super) fn scale(&mut self, replicas: u32) -> Result<(), CommandError> {
        if replicas > Limits::FLEET_MAX {
            return Err(CommandError::FleetTooLarge { requested: replicas, max: Limits::FLEET_MAX });
        }
        let from = self.replicas;
        self.replicas = replicas;
        self.rollout_complete = false;
        self.emit(Event::FleetResized { from, to: replicas });
        Ok(())
    }

    /// Drops the oldest empty revisions beyond the history limit.
    pub(super) fn forget_old_revisions(&mut self) {
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
    pub(super) fn reconcile(&mut self, tick: u64) {
        let strategy = std::sync::Arc::clone(&self.strategy);
        for _ in 0..Limits::RECONCILE_PASSES_MAX {
            let stable_before = self.rollout_status.stable;
            // An inconclusive analysis halts the rollout like a pause (Argo's `haltProgress`).
            let halted = self.paused || self.rollout_status.inconclusive_pause.is_some();
            self.scratch_desired.clear();
            self.scratch_desired.extend(self.revisions.iter().map(|r| r.desired));
            let mut fleet = RolloutFleet {
                replicas: self.replicas,
                revisions: &mut self.revisions,
                target: self.target,
                now: tick,
                status: &mut self.rollout_status,
            };
            let rescaled = if halted {
                // Paused: no rollout, but a resize is still shared out (`sync` in syncDeployment).
                crate::strategy::is_scaling_event(&fleet)
                    && crate::strategy::scale_proportionally(
                        &mut fleet,
                        strategy.strategy().max_surge(self.replicas),
                    )
            } else {
                strategy.strategy().reconcile(&mut fleet)
            };
            if let Some(reason) = self.rollout_status.failure.take() {
                self.abort_rollout(crate::AbortCause::Strategy { reason });
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
                    self.emit(Event::RevisionScaled { revision: number, from, to });
                }
            }
            if self.rollout_status.stable != stable_before
                && let Some(revision) = self.rollout_status.stable
            {
                self.emit(Event::RolloutPromoted { revision });
            }
            let resized = self.fleet.sync(
                &mut self.revisions,
                self.supply.registry(),
                &mut self.rng,
                tick,
                &mut self.log,
            );
            if !rescaled && !resized {
                return;
            }
        }
    }

    pub(super) fn note_rollout_complete(&mut self) {
        if self.rollout_complete {
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
        if target_done && others_gone {
            self.rollout_complete = true;
            let revision = target.number;
            self.rollout_status.stable = Some(revision);
            self.emit(Event::RolloutComplete { revision });
        }
    }
}
