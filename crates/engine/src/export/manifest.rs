//! The fleet's deployment as a Kubernetes manifest: a `Deployment` for rolling and recreate, an
//! Argo Rollouts `Rollout` for blue-green and canary, with the lab's settings under their real
//! names. Ticks become seconds one for one, the way the lab's tick model maps them.

use crate::strategy::CanaryStep;
use crate::{Digest, StrategySpec};

/// The manifest for a fleet of `replicas` running `image` (pinned by digest) under `strategy`.
pub fn kubernetes_manifest(
    strategy: &StrategySpec,
    replicas: u32,
    image: Digest,
    progress_deadline_ticks: u64,
) -> String {
    let (api_version, kind, strategy_yaml) = match strategy {
        StrategySpec::Rolling(rolling) => (
            "apps/v1",
            "Deployment",
            format!(
                "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: {}\n      maxUnavailable: {}\n",
                rolling.max_surge, rolling.max_unavailable
            ),
        ),
        StrategySpec::InstanceRefresh(refresh) => (
            "apps/v1",
            "Deployment",
            format!(
                "  # An AWS instance refresh has no Kubernetes twin; the nearest is a rolling update that\n  \
                 # keeps {}% healthy and runs at most {}% of the fleet.\n  strategy:\n    type: RollingUpdate\n    \
                 rollingUpdate:\n      maxSurge: \"{}%\"\n      maxUnavailable: \"{}%\"\n",
                refresh.min_healthy_percentage,
                refresh.max_healthy_percentage,
                refresh.max_healthy_percentage - 100,
                100 - refresh.min_healthy_percentage
            ),
        ),
        StrategySpec::Recreate(_) => {
            ("apps/v1", "Deployment", "  strategy:\n    type: Recreate\n".to_owned())
        }
        StrategySpec::BlueGreen(blue_green) => {
            let mut yaml = String::from(
                "  strategy:\n    blueGreen:\n      activeService: lab-fleet-active\n      previewService: lab-fleet-preview\n",
            );
            yaml.push_str(&format!("      autoPromotionEnabled: {}\n", blue_green.auto_promotion_enabled));
            if let Some(ticks) = blue_green.auto_promotion_ticks {
                yaml.push_str(&format!("      autoPromotionSeconds: {ticks}\n"));
            }
            if let Some(count) = blue_green.preview_replica_count {
                yaml.push_str(&format!("      previewReplicaCount: {count}\n"));
            }
            yaml.push_str(&format!(
                "      scaleDownDelaySeconds: {}\n      abortScaleDownDelaySeconds: {}\n",
                blue_green.scale_down_delay_ticks, blue_green.abort_scale_down_delay_ticks
            ));
            for (field, analysis) in [
                ("prePromotionAnalysis", blue_green.pre_promotion_analysis),
                ("postPromotionAnalysis", blue_green.post_promotion_analysis),
            ] {
                if analysis.is_some() {
                    yaml.push_str(&format!(
                        "      {field}:\n        templates:\n          - templateName: lab-error-rate\n"
                    ));
                }
            }
            ("argoproj.io/v1alpha1", "Rollout", yaml)
        }
        StrategySpec::Canary(canary) => {
            let mut yaml = format!(
                "  strategy:\n    canary:\n      maxSurge: {}\n      maxUnavailable: {}\n",
                canary.max_surge, canary.max_unavailable
            );
            if canary.analysis.is_some() {
                yaml.push_str(
                    "      analysis:\n        templates:\n          - templateName: lab-error-rate\n",
                );
            }
            if canary.traffic_routing {
                // The router: an Istio VirtualService whose route weights Argo rewrites each step.
                yaml.push_str(&format!(
                    "      canaryService: lab-fleet-canary\n      stableService: lab-fleet-stable\n      \
                     scaleDownDelaySeconds: {}\n      abortScaleDownDelaySeconds: {}\n      trafficRouting:\n        \
                     istio:\n          virtualService:\n            name: lab-fleet\n            routes:\n              - primary\n",
                    canary.scale_down_delay_ticks, canary.abort_scale_down_delay_ticks
                ));
                if let Some(count) = canary.min_pods_per_replica_set {
                    yaml.push_str(&format!("      minPodsPerReplicaSet: {count}\n"));
                }
            }
            if !canary.steps.is_empty() {
                yaml.push_str("      steps:\n");
                for step in &canary.steps {
                    yaml.push_str(&match step {
                        CanaryStep::SetWeight(weight) => format!("        - setWeight: {weight}\n"),
                        CanaryStep::Pause { duration_ticks: Some(ticks) } => {
                            format!("        - pause: {{duration: {ticks}s}}\n")
                        }
                        CanaryStep::Pause { duration_ticks: None } => "        - pause: {}\n".to_owned(),
                        CanaryStep::Analysis(_) => {
                            "        - analysis:\n            templates:\n              - templateName: lab-error-rate\n"
                                .to_owned()
                        }
                        CanaryStep::SetCanaryScale { .. } => {
                            let fields: Vec<String> = step
                                .scale_fields()
                                .iter()
                                .map(|(name, _, value)| format!("{name}: {value}"))
                                .collect();
                            format!("        - setCanaryScale: {{{}}}\n", fields.join(", "))
                        }
                    });
                }
            }
            ("argoproj.io/v1alpha1", "Rollout", yaml)
        }
    };
    let mut manifest = format!(
        "# Written by the Immutable Infrastructure Lab: the fleet as Kubernetes runs it. The image is\n\
         # pinned by digest, so every pod of this revision runs exactly the image that was tested.\n\
         apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: lab-fleet\nspec:\n  replicas: {replicas}\n  \
         progressDeadlineSeconds: {progress_deadline_ticks}\n  revisionHistoryLimit: 10\n  selector:\n    matchLabels:\n      \
         app: lab-fleet\n{strategy_yaml}  template:\n    metadata:\n      labels:\n        app: lab-fleet\n    spec:\n      \
         containers:\n        - name: app\n          image: registry.example.com/lab-app@{image}\n          readinessProbe:\n            \
         httpGet: {{path: /healthz, port: 8080}}\n"
    );
    // One template serves the background analysis and the analysis steps (the first one's
    // thresholds when there is no background analysis).
    let template = match strategy {
        StrategySpec::BlueGreen(blue_green) => {
            blue_green.pre_promotion_analysis.or(blue_green.post_promotion_analysis)
        }
        StrategySpec::Canary(canary) => canary.analysis.or_else(|| {
            canary.steps.iter().find_map(|step| match step {
                CanaryStep::Analysis(analysis) => Some(*analysis),
                _ => None,
            })
        }),
        _ => None,
    };
    if let Some(analysis) = template {
        manifest.push_str(&super::analysis_template::analysis_template(&analysis));
    }
    manifest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strategy(json: &str) -> StrategySpec {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn each_strategy_exports_under_its_real_names() {
        let image = Digest::of(b"image");
        let rolling = kubernetes_manifest(
            &strategy(r#"{"type": "rolling", "max_surge": "25%", "max_unavailable": 0}"#),
            10,
            image,
            600,
        );
        assert!(
            rolling.contains("kind: Deployment")
                && rolling.contains("maxSurge: \"25%\"")
                && rolling.contains("maxUnavailable: 0")
        );
        assert!(rolling.contains(&format!("@{image}")) && rolling.contains("replicas: 10"));
        let recreate = kubernetes_manifest(&strategy(r#"{"type": "recreate"}"#), 3, image, 600);
        assert!(recreate.contains("type: Recreate"));
        let blue_green = kubernetes_manifest(
            &strategy(r#"{"type": "blue_green", "auto_promotion_enabled": false}"#),
            4,
            image,
            600,
        );
        assert!(blue_green.contains("kind: Rollout") && blue_green.contains("autoPromotionEnabled: false"));
        let canary = kubernetes_manifest(
            &strategy(
                r#"{"type": "canary", "steps": [{"set_weight": 20}, {"pause": {}}, {"pause": {"duration_ticks": 30}}],
                         "analysis": {"error_rate_max_percent": 5}}"#,
            ),
            10,
            image,
            600,
        );
        assert!(
            canary.contains("- setWeight: 20")
                && canary.contains("- pause: {}")
                && canary.contains("- pause: {duration: 30s}")
        );
        assert!(canary.contains("kind: AnalysisTemplate") && canary.contains("result[0] > 0.05"));
        let routed = kubernetes_manifest(
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "min_pods_per_replica_set": 2,
                    "steps": [{"set_canary_scale": {"replicas": 3, "weight": 150}}, {"set_canary_scale": {}}]}"#,
            ),
            10,
            image,
            600,
        );
        // Every field the learner set is in the manifest, in Argo's spelling.
        assert!(
            routed.contains("minPodsPerReplicaSet: 2")
                && routed.contains("- setCanaryScale: {replicas: 3, weight: 150}")
                && routed.contains("- setCanaryScale: {}")
        );
    }
}
