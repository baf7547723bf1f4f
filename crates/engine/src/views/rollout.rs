//! The rollout view: where the rollout stands.

use crate::strategy::{AnalysisFinding, AnalysisRun};
pub use crate::strategy::{RolloutStep, WeightGoal};
use crate::{AbortCause, Revision, StrategySpec, World};

/// The rollout: its strategy, revisions and target, steps, pause, abort and completion.
///
/// Data only: the abort cause and the inconclusive analysis are the engine's types, which shells
/// put into words.
#[derive(Clone, Copy, Debug)]
pub struct RolloutStateView<'a> {
    /// The strategy's settings.
    pub strategy: &'a StrategySpec,
    /// The fleet size the rollout aims for.
    pub replicas: u32,
    /// Ticks without progress before a rollout is reported stalled.
    pub progress_deadline_ticks: u64,
    /// Revisions still tracked, oldest first.
    pub revisions: &'a [Revision],
    /// The revision the fleet is rolling out to (or runs, once complete).
    pub target: &'a Revision,
    /// `Healthy`, `Progressing`, `Paused` or `Degraded`, as the trace reports it.
    pub phase: crate::RolloutPhase,
    /// The index of the current step in [`steps`](Self::steps) (0 for strategies without steps).
    pub step_index: u32,
    /// The revision considered stable: the one users are served by (and go back to on an abort).
    pub stable: Option<u32>,
    /// Whether the learner paused the rollout.
    pub paused: bool,
    /// Whether the rollout was aborted (traffic back on the stable revision).
    pub aborted: bool,
    /// Why it was aborted.
    pub abort_cause: Option<&'a AbortCause>,
    /// The undecided analysis the rollout waits on, if one paused it.
    pub inconclusive_pause: Option<&'a AnalysisFinding>,
    /// The analyses under way (Argo's AnalysisRuns): a canary's background and step analyses, a
    /// blue-green's pre- or post-promotion one.
    pub analysis_runs: &'a [Option<AnalysisRun>; 2],
    /// Whether the fleet runs only the target revision, all of it in service.
    pub complete: bool,
    /// The traffic weight the current step asks for (strategies with weighted steps).
    pub weight_goal: Option<WeightGoal>,
    /// What the strategy does after an abort.
    pub after_abort: crate::strategy::AbortAftermath,
    /// A revision that gets smoke-test requests rather than users' (a blue-green preview).
    pub smoke_tested: Option<u32>,
    world: &'a World,
}

/// Requests one revision served over recent ticks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecentTraffic {
    /// Requests it received.
    pub requests: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Their summed latency, in ms.
    pub latency_ms: u64,
}

impl World {
    /// The rollout: its strategy, revisions and target, steps, pause, abort and completion.
    pub fn rollout_view(&self) -> RolloutStateView<'_> {
        let status = self.rollout_status();
        RolloutStateView {
            strategy: self.strategy(),
            replicas: self.replicas(),
            progress_deadline_ticks: self.progress_deadline_ticks(),
            revisions: self.revisions(),
            target: self.target_revision(),
            phase: self.rollout_phase(),
            step_index: status.step_index,
            stable: status.stable,
            paused: self.paused(),
            aborted: status.aborted,
            abort_cause: status.abort_cause.as_ref(),
            inconclusive_pause: status.inconclusive_pause.as_ref(),
            analysis_runs: &status.analysis_runs,
            complete: self.rollout_complete(),
            weight_goal: self.strategy().strategy().weight_goal(status),
            after_abort: self.strategy().strategy().after_abort(),
            smoke_tested: self.strategy().strategy().smoke_tested(status),
            world: self,
        }
    }
}

impl<'a> RolloutStateView<'a> {
    /// Percent of requests each revision receives, in the order of [`revisions`](Self::revisions).
    /// Returns a new `Vec`.
    pub fn weights(&self) -> Vec<u32> {
        self.world.traffic_weights()
    }

    /// The rollout's steps: a canary's steps, or an instance refresh's checkpoints and its last
    /// step (empty for other strategies). Returns a new `Vec`.
    pub fn steps(&self) -> Vec<RolloutStep<'a>> {
        self.strategy.strategy().steps(self.replicas)
    }

    /// What a revision served over the last `ticks` ticks (zero for one that served nothing).
    pub fn recent_traffic(&self, revision: u32, ticks: usize) -> RecentTraffic {
        let (requests, errors, latency_ms) = self.world.revision_traffic(revision, ticks);
        RecentTraffic { requests, errors, latency_ms }
    }
}
