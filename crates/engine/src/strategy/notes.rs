//! Where the lab models a strategy more simply than the real controller, in words for the page.
//! Each note is a short form of an entry in "Where the lab differs" in docs/semantics.md (which
//! gives the sources); the page shows the notes for the strategy in force and for the one being
//! edited, so nothing the lab simplifies is simplified silently.

use super::StrategySpec;

/// True of every strategy: time and readiness.
const TICKS: &str = "Time runs in ticks, and an instance counts as ready once it has booted \
    (Kubernetes' minReadySeconds is part of the boot time).";

/// Kubernetes' Deployment and Argo's Rollout both keep old revisions for undo.
const HISTORY: &str = "The ten newest revisions are kept for undo (revisionHistoryLimit is fixed \
    at 10), and older empty ones are dropped when a new revision is deployed rather than when a \
    rollout completes.";

impl StrategySpec {
    /// The ways the lab's version of this strategy differs from the real one, most useful first.
    pub fn modelling_notes(&self) -> Vec<&'static str> {
        match self {
            StrategySpec::Rolling(_) => vec![
                "A scenario that names no strategy rolls one instance at a time (surge 1, \
                 unavailable 0); a rolling update that leaves its limits out gets Kubernetes' \
                 25% and 25%.",
                TICKS,
                HISTORY,
            ],
            StrategySpec::Recreate(_) => vec![TICKS, HISTORY],
            StrategySpec::BlueGreen(_) => vec![
                "auto_promotion_ticks promotes on its own even with auto_promotion_enabled off; \
                 Argo would wait for a person to promote.",
                "The active and preview Services are implied: users reach the active revision, \
                 smoke tests the preview.",
                TICKS,
                HISTORY,
            ],
            StrategySpec::Canary(canary) => {
                let mut notes = vec![
                    "A pause step without a duration counts against the progress deadline; Argo \
                     leaves such a pause out of it.",
                    "Promote full does not lift an abort (use Retry); in Argo a full promotion \
                     clears it.",
                ];
                if canary.traffic_routing {
                    notes.extend([
                        "The stable revision keeps the whole fleet until promotion \
                         (dynamicStableScale is not modelled).",
                        "A setCanaryScale weight is at most 200 (twice the fleet); Argo sets no \
                         bound.",
                        "After an abort the canary's scale-down delay starts at once, without \
                         waiting for the stable revision to be fully available.",
                    ]);
                } else {
                    notes.push(
                        "minPodsPerReplicaSet needs a traffic router here (Argo accepts it without \
                         one and ignores it).",
                    );
                }
                notes.extend([TICKS, HISTORY]);
                notes
            }
            StrategySpec::InstanceRefresh(_) => vec![
                "Abort rolls back when auto_rollback is on; in AWS a cancel never rolls back. The \
                 terminal's cancel-instance-refresh and rollback-instance-refresh behave as AWS's do.",
                "Resizing the group while the refresh is paused shares the change between old and \
                 new instances; AWS launches or terminates instances of the group's current \
                 configuration.",
                TICKS,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StrategySpec;

    #[test]
    fn every_strategy_says_how_it_is_modelled_in_whole_sentences() {
        let routed: StrategySpec =
            serde_json::from_str(r#"{"type": "canary", "traffic_routing": true}"#).unwrap();
        for spec in StrategySpec::catalogue().into_iter().chain([routed]) {
            let notes = spec.modelling_notes();
            assert!(notes.len() >= 2, "{}", spec.describe());
            for note in notes {
                assert!(note.ends_with('.') && !note.contains("  "), "{note}");
            }
        }
    }
}
