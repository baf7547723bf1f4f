//! What an analysis found when it went past a limit: data the engine hashes and goal checks
//! match, put into the lab's words by `Display`.

use serde::Serialize;

use super::{CanaryAnalysis, Measurement, Verdict};

/// Which analysis judged a revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    /// A canary's background analysis (Argo's `analysis`), running through every step.
    Background,
    /// A canary's `analysis` step.
    Step,
    /// Blue-green: before the switch, against the preview's smoke-test requests.
    PrePromotion,
    /// Blue-green: after the switch, while the old revision can still take the traffic back.
    PostPromotion,
}

impl AnalysisKind {
    /// The kind in words.
    pub fn name(self) -> &'static str {
        match self {
            AnalysisKind::Background => "analysis",
            AnalysisKind::Step => "step analysis",
            AnalysisKind::PrePromotion => "pre-promotion analysis",
            AnalysisKind::PostPromotion => "post-promotion analysis",
        }
    }
}

/// An analysis that went past its failure or inconclusive limit: what it measured, on which
/// revision, against which thresholds. Data, not a sentence: goal checks match it, the trace
/// hashes it, and shells put it in words (`Display` gives the lab's English).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AnalysisFinding {
    /// Which analysis.
    pub kind: AnalysisKind,
    /// The revision it judged.
    pub revision: u32,
    /// Its settings (thresholds, window, limits).
    pub analysis: CanaryAnalysis,
    /// The measurement that went past the limit (its verdict is failed or inconclusive).
    pub measurement: Measurement,
    /// Measurements with that verdict so far.
    pub count: u32,
}

impl std::fmt::Display for AnalysisFinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (outcome, limit_name, limit) = match self.measurement.verdict {
            Verdict::Inconclusive => ("inconclusive", "inconclusive limit", self.analysis.inconclusive_limit),
            _ => ("failed", "failure limit", self.analysis.failure_limit),
        };
        let plural = if self.count == 1 { "" } else { "s" };
        write!(
            f,
            "{} {outcome}: revision {}, over the last {} ticks: {} ({} {outcome} measurement{plural}, {limit_name} {limit})",
            self.kind.name(),
            self.revision,
            self.analysis.window_ticks,
            self.analysis.explain(&self.measurement),
            self.count,
        )
    }
}

/// One analysis under way (Argo's AnalysisRun): what it measures, since when, and its tally.
/// Measurements are counted from `started_tick`: the first at the start, then one every interval
/// (TM-8 in docs/semantics.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AnalysisRun {
    /// Which analysis.
    pub kind: AnalysisKind,
    /// The revision it measures.
    pub revision: u32,
    /// The canary step it belongs to (0 for the others).
    pub step_index: u32,
    /// The tick it started.
    pub started_tick: u64,
    /// Measurements that met every target.
    pub successful: u32,
    /// Measurements past a limit.
    pub failed: u32,
    /// Measurements between target and limit.
    pub inconclusive: u32,
    /// No longer measuring (its step is over, the rollout was aborted or promoted); kept so shells
    /// can show how it ended until the next run takes its place.
    pub finished: bool,
}

impl AnalysisRun {
    /// A run of `kind` on `revision` starting at `tick`, nothing measured yet.
    pub(crate) fn start(kind: AnalysisKind, revision: u32, step_index: u32, tick: u64) -> Self {
        AnalysisRun {
            kind,
            revision,
            step_index,
            started_tick: tick,
            successful: 0,
            failed: 0,
            inconclusive: 0,
            finished: false,
        }
    }

    /// Whether this run is the one under way for `kind` on `revision` at `step_index`.
    pub(crate) fn is(&self, kind: AnalysisKind, revision: u32, step_index: u32) -> bool {
        !self.finished && (self.kind, self.revision, self.step_index) == (kind, revision, step_index)
    }

    /// Measurements taken so far.
    pub fn measurements(&self) -> u32 {
        self.successful.saturating_add(self.failed).saturating_add(self.inconclusive)
    }

    /// Whether a measurement is due at `tick`: at the start, then every `interval_ticks`.
    pub(crate) fn due_at(&self, tick: u64, interval_ticks: u32) -> bool {
        tick.saturating_sub(self.started_tick).is_multiple_of(u64::from(interval_ticks.max(1)))
    }

    /// Counts one measurement's verdict.
    pub(crate) fn record(&mut self, verdict: super::Verdict) {
        let count = match verdict {
            super::Verdict::Successful => &mut self.successful,
            super::Verdict::Failed => &mut self.failed,
            super::Verdict::Inconclusive => &mut self.inconclusive,
        };
        *count = count.saturating_add(1);
    }
}
