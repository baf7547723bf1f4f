//! The commands a person gives a rollout under way: promote (past a pause, or past an
//! inconclusive analysis), promote fully, abort, retry, pause and resume, and a new strategy.

use std::sync::Arc;

use super::Rollout;
use super::conditions::ConditionReason;
use crate::event_log::EventLog;
use crate::{AbortCause, CommandError, Event, StrategySpec};

impl Rollout {
    pub(crate) fn promote(&mut self, tick: u64) {
        if self.status.inconclusive_pause.take().is_some() {
            // Promoting past an inconclusive analysis accepts it: a step analysis is done, a
            // blue-green analysis has passed, a background one carries on measuring.
            self.accept_inconclusive_analysis();
            return;
        }
        self.strategy.strategy().promote(&mut self.status, tick);
    }

    pub(crate) fn promote_full(&mut self) {
        self.status.promote_full = true;
    }

    pub(crate) fn abort_by_hand(&mut self, tick: u64, log: &mut EventLog) {
        self.abort_rollout(AbortCause::Hand, tick, log);
    }

    pub(crate) fn retry(&mut self, tick: u64) {
        if self.status.aborted {
            self.status.aborted = false;
            self.status.abort_cause = None;
            self.status.analysis_failures = 0;
            self.status.analysis_inconclusive = 0;
            self.status.scale_down_at = None;
            self.note_new_revision(tick);
        }
    }

    pub(crate) fn pause(&mut self, tick: u64, log: &mut EventLog) {
        self.paused = true;
        self.conditions.reason = ConditionReason::DeploymentPaused;
        log.emit(tick, Event::RolloutPaused { paused: true });
    }

    pub(crate) fn resume(&mut self, tick: u64, log: &mut EventLog) {
        if self.paused {
            self.paused = false;
            // The progress deadline clock restarts on resume (`DeploymentResumed`).
            self.conditions.reason = ConditionReason::DeploymentResumed;
            self.conditions.last_update_tick = tick;
            log.emit(tick, Event::RolloutPaused { paused: false });
        }
    }

    pub(crate) fn set_strategy(
        &mut self,
        strategy: StrategySpec,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
        // A strategy read from JSON was checked as it was read; one built in code is checked
        // here, so a wait or a limit beyond its bound never reaches a reconcile.
        strategy.validate().map_err(|error| CommandError::Invalid(error.within("set_strategy")))?;
        log.emit(tick, Event::StrategyChanged { strategy: Box::new(strategy.clone()) });
        let (before, after) = (self.strategy.strategy(), strategy.strategy());
        let new_steps = after.has_steps() && before.steps(self.replicas) != after.steps(self.replicas);
        if new_steps && !self.complete {
            // Argo hashes the steps: new ones under way start again from the first, however far
            // the old ones had gone (`currentStepHash`, `resetRolloutStatus`).
            self.status.step_index = 0;
            self.status.step_started = None;
            self.status.step_measurements = 0;
            self.status.paused_since = None;
            self.status.promote_full = false;
        }
        self.strategy = Arc::new(strategy);
        Ok(())
    }
}
