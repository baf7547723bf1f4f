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
