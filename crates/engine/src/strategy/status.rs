//! What a rollout remembers between controller passes (Argo's rollout status), kept apart from the
//! strategies that read and write it.

use super::AnalysisFinding;
use super::finding::AnalysisRun;

/// The rollout's memory (private to the engine: shells read the rollout view): which revision
/// is stable and serving, what a preview serves, pauses,
/// promotions, aborts and delayed scale-downs. Strategies without such state ignore it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RolloutStatus {
    /// The revision considered stable (the one the active service points at).
    pub(crate) stable: Option<u32>,
    /// Blue-green: the revision the preview service points at.
    pub(crate) preview: Option<u32>,
    /// Since when the rollout waits for a promotion.
    pub(crate) paused_since: Option<u64>,
    /// A promote command arrived.
    pub(crate) promote_requested: bool,
    /// The rollout was aborted: traffic stays on (or goes back to) the stable revision.
    pub(crate) aborted: bool,
    /// The tick of the abort: the abort scale-down delay counts from here (TM-9).
    pub(crate) aborted_tick: u64,
    /// When old revisions may be scaled down (Argo's scale-down delay).
    pub(crate) scale_down_at: Option<u64>,
    /// Canary: the step under way (`currentStepIndex`); instance refresh: checkpoints passed.
    pub(crate) step_index: u32,
    /// Canary: when the current step began (pauses count from here).
    pub(crate) step_started: Option<u64>,
    /// Skip the remaining steps and go straight to 100% (`promote --full`).
    pub(crate) promote_full: bool,
    /// Canary analysis: failed measurements so far.
    pub(crate) analysis_failures: u32,
    /// Analysis: inconclusive measurements so far.
    pub(crate) analysis_inconclusive: u32,
    /// Argo's `InconclusiveAnalysis` pause: analysis could not decide, so the rollout waits for a
    /// person to promote (carry on) or abort. Holds what the analysis found.
    pub(crate) inconclusive_pause: Option<AnalysisFinding>,
    /// The analyses under way, in the order `Strategy::due_analyses` lists them.
    pub(crate) analysis_runs: [Option<AnalysisRun>; 2],
    /// Canary step analysis and blue-green pre/post-promotion analysis: measurements taken.
    pub(crate) step_measurements: u32,
    /// Blue-green: the current pre- or post-promotion analysis has passed.
    pub(crate) analysis_passed: bool,
    /// Blue-green: the revision that was stable before the last promotion, which a failed
    /// post-promotion analysis switches the traffic back to.
    pub(crate) previous_stable: Option<u32>,
    /// Why the rollout was aborted.
    pub(crate) abort_cause: Option<crate::AbortCause>,
    /// A strategy that failed on its own (an instance refresh whose batch never became healthy)
    /// leaves the reason here; the world aborts the rollout with it.
    pub(crate) failure: Option<crate::AbortCause>,
    /// Instance refresh: a partial refresh reached its last checkpoint and is over, the rest of
    /// the group left on what it ran.
    pub(crate) finished_early: bool,
    /// Instance refresh: when the healthy batch has finished warming up.
    pub(crate) warm_at: Option<u64>,
    /// Traffic-routed canary: the weight the router gives the canary now (it lags the step's
    /// weight until the canary's instances are ready).
    pub(crate) router_weight: u32,
    /// Traffic-routed canary: the revision the router's canary weight goes to. It is the target,
    /// except after a new image interrupted a canary: the router keeps the previous canary's share
    /// on it until the new one is ready at its size (Argo keeps that ReplicaSet meanwhile).
    pub(crate) router_revision: Option<u32>,
}
