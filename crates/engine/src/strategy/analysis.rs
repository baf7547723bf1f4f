//! Metric analysis, as an Argo Rollouts AnalysisRun judges it: every `interval_ticks` one
//! measurement of a revision's error rate and mean latency over the last `window_ticks`. Each
//! metric has an optional target (Argo's `successCondition`) and an optional limit (its
//! `failureCondition`): above the limit the measurement fails; above the target but within the
//! limit it is inconclusive — with only a target, above it fails. More failed measurements than
//! `failure_limit` fail the analysis (the rollout aborts); more inconclusive ones than
//! `inconclusive_limit` pause the rollout for a person to decide (§3.2 of docs/semantics.md).

use serde::{Deserialize, Serialize};

/// Analysis thresholds and cadence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAnalysis")]
pub struct CanaryAnalysis {
    /// Error rate (percent) above which a measurement fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate_max_percent: Option<u32>,
    /// Error rate (percent) at or below which a measurement succeeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate_target_percent: Option<u32>,
    /// Mean latency (ms) above which a measurement fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_max_ms: Option<u32>,
    /// Mean latency (ms) at or below which a measurement succeeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_target_ms: Option<u32>,
    /// Ticks between measurements.
    pub interval_ticks: u32,
    /// Ticks of traffic each measurement looks at.
    pub window_ticks: u32,
    /// Failed measurements tolerated (Argo's default 0: the first failure fails the analysis).
    pub failure_limit: u32,
    /// Inconclusive measurements tolerated before the rollout pauses (Argo's default 0).
    pub inconclusive_limit: u32,
    /// Step analysis: measurements to take before the step completes (Argo's `count`, here
    /// default 1). Background analysis measures until the rollout ends and ignores it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// The longest window the world keeps traffic history for.
pub const WINDOW_TICKS_MAX: u32 = 64;
/// The most measurements a step may ask for, and the largest failure or inconclusive limit.
pub const MEASUREMENTS_MAX: u32 = 10_000;
/// The largest latency threshold, in ms: ten times the slowest build the lab makes.
pub const LATENCY_MS_MAX: u32 = 600_000;

/// What one measurement concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every metric met its target (or stayed within its limit).
    Successful,
    /// Some metric missed its target but stayed within its limit.
    Inconclusive,
    /// Some metric went over its limit.
    Failed,
}

/// One measurement of a revision's traffic and the verdict on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Measurement {
    /// The verdict.
    pub verdict: Verdict,
    /// Requests in the window.
    pub requests: u64,
    /// Of those, errors.
    pub errors: u64,
    /// The error rate, in thousandths.
    pub error_rate_per_mille: u64,
    /// Mean latency over the window, in milliseconds.
    pub latency_ms: u64,
}

impl CanaryAnalysis {
    /// The analysis as JSON (the thresholds set, plus the cadence and limits), spaced like the
    /// editor's text. Its values are all numbers, so the spacing cannot touch a string.
    pub fn editor_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default().replace(",\"", ", \"").replace("\":", "\": ")
    }

    /// Judges a window of traffic: `requests`, `errors` and their summed latency. No requests
    /// means nothing to judge (no verdict, so an idle canary is not blamed).
    pub fn judge(&self, requests: u64, errors: u64, latency_total_ms: u64) -> Option<Measurement> {
        if requests == 0 {
            return None;
        }
        let error_rate_per_mille = errors * 1000 / requests;
        let latency_ms = latency_total_ms / requests;
        let metrics = [
            (
                error_rate_per_mille,
                self.error_rate_target_percent.map(|p| u64::from(p) * 10),
                self.error_rate_max_percent.map(|p| u64::from(p) * 10),
            ),
            (latency_ms, self.latency_target_ms.map(u64::from), self.latency_max_ms.map(u64::from)),
        ];
        let verdict = metrics
            .iter()
            .map(|&(value, target, max)| metric_verdict(value, target, max))
            .max_by_key(|v| *v as u8)
            .unwrap_or(Verdict::Successful);
        Some(Measurement { verdict, requests, errors, error_rate_per_mille, latency_ms })
    }

    /// Which metric decided `measurement`, with its value and the threshold it crossed, in words:
    /// "error rate 8.0% (16 of 200 requests) is above the 5% limit".
    pub fn explain(&self, measurement: &Measurement) -> String {
        let mut parts = Vec::new();
        let rate = measurement.error_rate_per_mille;
        let rate_text = format!(
            "error rate {}.{}% ({} of {} requests)",
            rate / 10,
            rate % 10,
            measurement.errors,
            measurement.requests
        );
        let latency_text = format!("mean latency {} ms", measurement.latency_ms);
        let metrics = [
            (
                rate_text,
                rate,
                self.error_rate_target_percent.map(|p| (u64::from(p) * 10, format!("{p}%"))),
                self.error_rate_max_percent.map(|p| (u64::from(p) * 10, format!("{p}%"))),
            ),
            (
                latency_text,
                measurement.latency_ms,
                self.latency_target_ms.map(|ms| (u64::from(ms), format!("{ms} ms"))),
                self.latency_max_ms.map(|ms| (u64::from(ms), format!("{ms} ms"))),
            ),
        ];
        for (text, value, target, max) in metrics {
            let verdict = metric_verdict(value, target.as_ref().map(|t| t.0), max.as_ref().map(|m| m.0));
            if verdict != measurement.verdict || verdict == Verdict::Successful {
                continue;
            }
            parts.push(match (verdict, target, max) {
                (Verdict::Failed, _, Some((_, limit))) => format!("{text} is above the {limit} limit"),
                (Verdict::Failed, Some((_, target)), None) => format!("{text} misses the {target} target"),
                (_, Some((_, target)), Some((_, limit))) => {
                    format!("{text} is above the {target} target but within the {limit} limit")
                }
                _ => text,
            });
        }
        if parts.is_empty() {
            return format!(
                "error rate {}.{}%, mean latency {} ms",
                rate / 10,
                rate % 10,
                measurement.latency_ms
            );
        }
        parts.join("; ")
    }

    /// The thresholds in a few words, for step labels: "errors ≤ 5%, latency ≤ 200 ms".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match (self.error_rate_target_percent, self.error_rate_max_percent) {
            (Some(target), Some(max)) => parts.push(format!("errors ≤ {target}% (fail > {max}%)")),
            (Some(only), None) | (None, Some(only)) => parts.push(format!("errors ≤ {only}%")),
            (None, None) => {}
        }
        match (self.latency_target_ms, self.latency_max_ms) {
            (Some(target), Some(max)) => parts.push(format!("latency ≤ {target} ms (fail > {max} ms)")),
            (Some(only), None) | (None, Some(only)) => parts.push(format!("latency ≤ {only} ms")),
            (None, None) => {}
        }
        parts.join(", ")
    }
}

/// One metric's verdict: over the limit fails; with a target, missing it is inconclusive when a
/// limit exists and a failure when it does not.
fn metric_verdict(value: u64, target: Option<u64>, max: Option<u64>) -> Verdict {
    match (target, max) {
        (_, Some(max)) if value > max => Verdict::Failed,
        (Some(target), Some(_)) if value > target => Verdict::Inconclusive,
        (Some(target), None) if value > target => Verdict::Failed,
        _ => Verdict::Successful,
    }
}

/// Analysis parameters that cannot be measured, named as the field that is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// No metric has a threshold.
    #[error(
        "analysis: set at least one threshold (error_rate_max_percent, error_rate_target_percent, latency_max_ms or latency_target_ms)"
    )]
    NoThreshold,
    /// A percentage over 100.
    #[error("analysis.{field}: Invalid value: {value}: must be between 0 and 100")]
    PercentOutOfRange {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u32,
    },
    /// A target looser than its limit.
    #[error("analysis.{field}: Invalid value: {target}: must not be above {limit_field} ({limit})")]
    TargetAboveLimit {
        /// The target field.
        field: &'static str,
        /// Its value.
        target: u32,
        /// The limit field.
        limit_field: &'static str,
        /// Its value.
        limit: u32,
    },
    /// A window of no ticks or longer than the history kept.
    #[error("analysis.window_ticks: Invalid value: {0}: must be between 1 and {WINDOW_TICKS_MAX}")]
    Window(u32),
    /// `count: 0`.
    #[error("analysis.count: Invalid value: 0: must be at least 1")]
    ZeroCount,
    /// `interval_ticks: 0`.
    #[error("analysis.interval_ticks: Invalid value: 0: must be at least 1")]
    ZeroInterval,
    /// A number beyond the lab's bounds.
    #[error("analysis.{field}: Invalid value: {value}: must be at most {max}")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// Its value.
        value: u32,
        /// The bound.
        max: u64,
    },
}

impl AnalysisError {
    /// The field at fault, relative to the analysis object (`.` for the object as a whole).
    pub fn field(&self) -> &'static str {
        match self {
            AnalysisError::NoThreshold => ".",
            AnalysisError::PercentOutOfRange { field, .. }
            | AnalysisError::TargetAboveLimit { field, .. }
            | AnalysisError::TooLarge { field, .. } => field,
            AnalysisError::Window(_) => "window_ticks",
            AnalysisError::ZeroCount => "count",
            AnalysisError::ZeroInterval => "interval_ticks",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnalysis {
    #[serde(default)]
    error_rate_max_percent: Option<u32>,
    #[serde(default)]
    error_rate_target_percent: Option<u32>,
    #[serde(default)]
    latency_max_ms: Option<u32>,
    #[serde(default)]
    latency_target_ms: Option<u32>,
    #[serde(default = "one")]
    interval_ticks: u32,
    #[serde(default = "three")]
    window_ticks: u32,
    #[serde(default)]
    failure_limit: u32,
    #[serde(default)]
    inconclusive_limit: u32,
    #[serde(default)]
    count: Option<u32>,
}

fn one() -> u32 {
    1
}

fn three() -> u32 {
    3
}

impl TryFrom<RawAnalysis> for CanaryAnalysis {
    type Error = AnalysisError;

    fn try_from(raw: RawAnalysis) -> Result<Self, AnalysisError> {
        let analysis = CanaryAnalysis {
            error_rate_max_percent: raw.error_rate_max_percent,
            error_rate_target_percent: raw.error_rate_target_percent,
            latency_max_ms: raw.latency_max_ms,
            latency_target_ms: raw.latency_target_ms,
            interval_ticks: raw.interval_ticks,
            window_ticks: raw.window_ticks,
            failure_limit: raw.failure_limit,
            inconclusive_limit: raw.inconclusive_limit,
            count: raw.count,
        };
        analysis.validate()?;
        Ok(analysis)
    }
}

impl CanaryAnalysis {
    /// An analysis of the error rate alone: fail above `max_percent`.
    pub fn error_rate(max_percent: u32) -> Self {
        CanaryAnalysis {
            error_rate_max_percent: Some(max_percent),
            error_rate_target_percent: None,
            latency_max_ms: None,
            latency_target_ms: None,
            interval_ticks: 1,
            window_ticks: 3,
            failure_limit: 0,
            inconclusive_limit: 0,
            count: None,
        }
    }

    /// Checks the parameters, naming the first field that is wrong.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        let thresholds = [
            self.error_rate_max_percent,
            self.error_rate_target_percent,
            self.latency_max_ms,
            self.latency_target_ms,
        ];
        if thresholds.iter().all(Option::is_none) {
            return Err(AnalysisError::NoThreshold);
        }
        for (field, value) in [
            ("error_rate_max_percent", self.error_rate_max_percent),
            ("error_rate_target_percent", self.error_rate_target_percent),
        ] {
            if let Some(value) = value.filter(|v| *v > 100) {
                return Err(AnalysisError::PercentOutOfRange { field, value });
            }
        }
        let pairs = [
            (
                "error_rate_target_percent",
                self.error_rate_target_percent,
                "error_rate_max_percent",
                self.error_rate_max_percent,
            ),
            ("latency_target_ms", self.latency_target_ms, "latency_max_ms", self.latency_max_ms),
        ];
        for (field, target, limit_field, limit) in pairs {
            if let (Some(target), Some(limit)) = (target, limit)
                && target > limit
            {
                return Err(AnalysisError::TargetAboveLimit { field, target, limit_field, limit });
            }
        }
        if self.window_ticks == 0 || self.window_ticks > WINDOW_TICKS_MAX {
            return Err(AnalysisError::Window(self.window_ticks));
        }
        if self.interval_ticks == 0 {
            return Err(AnalysisError::ZeroInterval);
        }
        if self.count == Some(0) {
            return Err(AnalysisError::ZeroCount);
        }
        let bounds = [
            ("interval_ticks", Some(self.interval_ticks), crate::Limits::WAIT_TICKS_MAX),
            ("count", self.count, u64::from(MEASUREMENTS_MAX)),
            ("failure_limit", Some(self.failure_limit), u64::from(MEASUREMENTS_MAX)),
            ("inconclusive_limit", Some(self.inconclusive_limit), u64::from(MEASUREMENTS_MAX)),
            ("latency_max_ms", self.latency_max_ms, u64::from(LATENCY_MS_MAX)),
            ("latency_target_ms", self.latency_target_ms, u64::from(LATENCY_MS_MAX)),
        ];
        for (field, value, max) in bounds {
            if let Some(value) = value.filter(|&value| u64::from(value) > max) {
                return Err(AnalysisError::TooLarge { field, value, max });
            }
        }
        Ok(())
    }

    /// [`CanaryAnalysis::validate`] as an input error naming the field.
    pub fn check(&self) -> Result<(), crate::InputError> {
        self.validate().map_err(|error| crate::InputError::field(error.field(), error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysis(json: &str) -> Result<CanaryAnalysis, String> {
        serde_json::from_str(json).map_err(|error: serde_json::Error| error.to_string())
    }

    #[test]
    fn a_value_between_target_and_limit_is_inconclusive() {
        let both = analysis(r#"{"error_rate_target_percent": 1, "error_rate_max_percent": 5}"#).unwrap();
        // 0.5%, 3%, 8% of 200 requests.
        let verdicts = [1, 6, 16].map(|errors| both.judge(200, errors, 0).unwrap().verdict);
        assert_eq!(verdicts, [Verdict::Successful, Verdict::Inconclusive, Verdict::Failed]);
        // A target alone: missing it fails, as Argo fails a measurement whose successCondition is false.
        let target_only = analysis(r#"{"error_rate_target_percent": 1}"#).unwrap();
        assert_eq!(target_only.judge(200, 6, 0).unwrap().verdict, Verdict::Failed);
        // A limit alone: only over it fails.
        let limit_only = analysis(r#"{"error_rate_max_percent": 5}"#).unwrap();
        assert_eq!(limit_only.judge(200, 6, 0).unwrap().verdict, Verdict::Successful);
    }

    #[test]
    fn latency_is_the_mean_over_the_window_and_the_worst_metric_decides() {
        let both =
            analysis(r#"{"error_rate_max_percent": 5, "latency_target_ms": 100, "latency_max_ms": 250}"#)
                .unwrap();
        let slow = both.judge(100, 0, 100 * 300).unwrap();
        assert_eq!((slow.latency_ms, slow.verdict), (300, Verdict::Failed));
        assert_eq!(both.explain(&slow), "mean latency 300 ms is above the 250 ms limit");
        let sluggish = both.judge(100, 0, 100 * 140).unwrap();
        assert_eq!(sluggish.verdict, Verdict::Inconclusive);
        assert_eq!(
            both.explain(&sluggish),
            "mean latency 140 ms is above the 100 ms target but within the 250 ms limit"
        );
        let erroring = both.judge(200, 16, 200 * 140).unwrap();
        assert_eq!(erroring.verdict, Verdict::Failed);
        assert_eq!(both.explain(&erroring), "error rate 8.0% (16 of 200 requests) is above the 5% limit");
        assert_eq!(both.judge(0, 0, 0), None);
    }

    #[test]
    fn bad_parameters_are_refused_with_the_field_named() {
        for (json, expected) in [
            (r#"{"interval_ticks": 2}"#, "set at least one threshold"),
            (r#"{"error_rate_max_percent": 120}"#, "analysis.error_rate_max_percent: Invalid value: 120"),
            (
                r#"{"error_rate_target_percent": 6, "error_rate_max_percent": 5}"#,
                "must not be above error_rate_max_percent (5)",
            ),
            (
                r#"{"latency_target_ms": 300, "latency_max_ms": 200}"#,
                "must not be above latency_max_ms (200)",
            ),
            (
                r#"{"error_rate_max_percent": 5, "window_ticks": 0}"#,
                "analysis.window_ticks: Invalid value: 0",
            ),
            (r#"{"error_rate_max_percent": 5, "window_ticks": 65}"#, "must be between 1 and 64"),
            (r#"{"error_rate_max_percent": 5, "count": 0}"#, "analysis.count: Invalid value: 0"),
            (r#"{"error_rate_max_percent": 5, "interval_ticks": 0}"#, "analysis.interval_ticks"),
            (r#"{"error_rate_max_percent": -1}"#, "invalid value"),
            (r#"{"error_rate_max": 5}"#, "unknown field `error_rate_max`"),
        ] {
            let error = analysis(json).unwrap_err();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }
}
