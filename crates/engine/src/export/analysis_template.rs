//! The lab's analysis as an Argo Rollouts AnalysisTemplate: one Prometheus metric per threshold
//! the learner set, with the target as `successCondition` and the limit as `failureCondition`
//! (between the two Argo calls the measurement inconclusive, as the lab does).

use crate::strategy::CanaryAnalysis;

/// The AnalysisTemplate document (starting with `---`).
pub(super) fn analysis_template(analysis: &CanaryAnalysis) -> String {
    let window = analysis.window_ticks;
    let mut text = format!(
        "---\n# The analysis the rollout runs, measured every {} s over the last {window} s: {}.\n\
         # More than {} failed measurements abort the rollout; more than {} inconclusive ones pause it.\n\
         apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: lab-analysis\nspec:\n  metrics:\n",
        analysis.interval_ticks,
        analysis.summary(),
        analysis.failure_limit,
        analysis.inconclusive_limit,
    );
    // Percent → a fraction with two decimals, ms → seconds with three, all with integers (no
    // float formatting in the wasm build).
    let fraction = |percent: u32| format!("{}.{:02}", percent / 100, percent % 100);
    let seconds = |ms: u32| format!("{}.{:03}", ms / 1000, ms % 1000);
    let metrics = [
        (
            "error-rate",
            analysis.error_rate_target_percent.map(fraction),
            analysis.error_rate_max_percent.map(fraction),
            format!(
                "sum(rate(http_requests_total{{app=\"lab-fleet\",code=~\"5..\"}}[{window}s])) / sum(rate(http_requests_total{{app=\"lab-fleet\"}}[{window}s]))"
            ),
        ),
        (
            "mean-latency",
            analysis.latency_target_ms.map(seconds),
            analysis.latency_max_ms.map(seconds),
            format!(
                "sum(rate(http_request_duration_seconds_sum{{app=\"lab-fleet\"}}[{window}s])) / sum(rate(http_request_duration_seconds_count{{app=\"lab-fleet\"}}[{window}s]))"
            ),
        ),
    ];
    for (name, target, limit, query) in metrics {
        if target.is_none() && limit.is_none() {
            continue;
        }
        text.push_str(&format!("    - name: {name}\n      interval: {}s\n", analysis.interval_ticks));
        if let Some(count) = analysis.count {
            text.push_str(&format!("      count: {count}\n"));
        }
        text.push_str(&format!(
            "      failureLimit: {}\n      inconclusiveLimit: {}\n",
            analysis.failure_limit, analysis.inconclusive_limit
        ));
        if let Some(target) = target {
            text.push_str(&format!("      successCondition: result[0] <= {target}\n"));
        }
        if let Some(limit) = limit {
            text.push_str(&format!("      failureCondition: result[0] > {limit}\n"));
        }
        text.push_str(&format!(
            "      provider:\n        prometheus:\n          address: http://prometheus.monitoring:9090\n          query: {query}\n"
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_threshold_becomes_a_condition() {
        let analysis: CanaryAnalysis = serde_json::from_str(
            r#"{"error_rate_target_percent": 1, "error_rate_max_percent": 5, "latency_max_ms": 250, "inconclusive_limit": 2}"#,
        )
        .unwrap();
        let yaml = analysis_template(&analysis);
        assert!(yaml.contains("- name: error-rate") && yaml.contains("- name: mean-latency"), "{yaml}");
        assert!(yaml.contains("successCondition: result[0] <= 0.01"));
        assert!(yaml.contains("failureCondition: result[0] > 0.05"));
        assert!(yaml.contains("failureCondition: result[0] > 0.250"));
        assert!(yaml.contains("inconclusiveLimit: 2"));
        let errors_only = analysis_template(&CanaryAnalysis::error_rate(5));
        assert!(!errors_only.contains("mean-latency") && !errors_only.contains("successCondition"));
    }
}
