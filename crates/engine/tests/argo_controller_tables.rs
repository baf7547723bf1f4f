//! The replica-count facts of Argo Rollouts' controller tests, carried over as data and played
//! through the lab. Upstream, each test builds a rollout and its ReplicaSets with given counts, runs
//! one controller sync against fake clients and checks what it did (scale this ReplicaSet to N,
//! pause, promote, move to step k). Here each becomes a row: the fleet size, the strategy, what is
//! done at which tick, and what the lab must show at which tick. Only the facts (inputs and
//! expected numbers) come from upstream; the code is the lab's.
//!
//! Sources (`argoproj/argo-rollouts`, the stored snapshot at commit
//! 9f8d111d8f8e3e88b6d7f8bbdf62fd3cd863ef9d): `rollout/canary_test.go` and
//! `rollout/bluegreen_test.go`, every test function. Each is run ([`ROWS`]), listed as
//! [`NOT_EXPRESSED`] with the reason, or named below; [`UPSTREAM_TESTS`] keeps the
//! inventory and a test checks that every name is accounted for.
//! - Carried over in `argo_tables.rs` (they exercise the utils it ports):
//!   `TestCanaryRolloutWithMaxWeightInTrafficRouting`, `TestIsDynamicallyRollingBackToStable`.
//! - Checking no replica count, step or promotion at all, so not carried over: the status fields
//!   HPA and `kubectl` read (`TestCanaryRolloutStatusHPAStatusFields`,
//!   `TestBlueGreenRolloutStatusHPAStatusFieldsActiveSelectorSet`,
//!   `TestBlueGreenRolloutStatusHPAStatusFieldsNoActiveSelector`: `HPAReplicas`, `selector`), and
//!   `TestHandleNilNewRSOnScaleAndImageChange`, which checks that a resize and a new template in
//!   one change do not fail, without any count.
//!
//! How a row maps onto the lab. Every scenario here has R = 1 and G = 0 (docs/semantics.md, TM-2
//! and TM-5): whatever a revision launched in one tick is available at the start of the next, and
//! whatever it loses is gone at once. The lab's tick runs the controller to a fixed point (TM-3),
//! that is, upstream's syncs one after another until none changes anything, and no instance becomes
//! ready in between. So an upstream row "from these ReplicaSets, one sync scales X to N" becomes a
//! [`Check::Sync`]: within the tick the revisions pass through the row's starting counts, then
//! through its answer. The path within a tick is read from the `RevisionScaled` events in order; a
//! revision's available count along it is the smaller of what it wants and what it had available
//! when the tick began (what it launches in the tick is not ready yet, what it loses goes first).
//!
//! Where an upstream row sits in a state the lab only passes through (a `setWeight` step whose
//! split is met but not yet counted as done), a `pause` step is added after that step, so that the
//! lab rests there; the indexes of the steps before it are unchanged. Where upstream pauses a
//! rollout by setting its status, the lab is paused the way a person would (`kubectl argo rollouts
//! pause`, or an indefinite `pause` step). Times in seconds become ticks.

mod common;

use std::ops::RangeInclusive;

use common::Driver;
use common::tables::NotExpressed;
use lab_engine::{Command, Event, Snapshot};

use Act::*;
use Check::*;

/// Ticks, both ends included.
type Ticks = RangeInclusive<u64>;

/// One tick.
const fn at(tick: u64) -> Ticks {
    tick..=tick
}

/// What a row does before a tick runs (as a person would at that tick).
#[derive(Clone, Copy, Debug)]
enum Act {
    /// Build application version `n` and deploy it: a new pod template.
    Deploy(u32),
    /// The same, the version failing this many requests in a thousand.
    DeployFailing(u32, u32),
    /// Deploy the first revision's template again, by the digest it was created with: going back
    /// to it (upstream sets `spec.template` back to the first ReplicaSet's).
    DeployFirst,
    /// Replace the strategy (JSON), as editing `spec.strategy` would.
    Strategy(&'static str),
    /// `kubectl argo rollouts promote`.
    Promote,
    /// `kubectl argo rollouts abort`.
    Abort,
    /// `kubectl argo rollouts pause` (upstream's `spec.paused`).
    Pause,
    /// A new `spec.replicas`.
    Scale(u32),
}

/// What a row expects at each tick of a span. Counts are written as the lab's rows write them,
/// per revision, oldest first (`"9/9 1/1"` desired/available, `"9 1"` desired); a revision not yet
/// created counts as `0/0`.
#[derive(Clone, Copy, Debug)]
enum Check {
    /// Within the tick the revisions are at `given` (desired/available: the row's ReplicaSets),
    /// then later at `then` (desired: what upstream's sync scaled them to).
    Sync { given: &'static str, then: &'static str },
    /// Desired counts at the end of the tick.
    Desired(&'static str),
    /// The users' requests, in percent per revision, at the end of the tick.
    Weights(&'static str),
    /// The revisions' numbers (upstream's `revision` annotation), oldest first.
    Numbers(&'static str),
    /// The current step (upstream's `currentStepIndex`) at the end of the tick.
    Step(u32),
    /// Argo's phase at the end of the tick.
    Phase(&'static str),
    /// This revision became the stable (active) one during the tick.
    Promotes(u32),
    /// Whether the rollout is complete at the end of the tick.
    Complete(bool),
    /// The Progressing condition's reason at the end of the tick.
    Reason(&'static str),
    /// An analysis was found inconclusive during the tick.
    Inconclusive,
}

/// One upstream row played through the lab.
struct Row {
    /// The upstream test function, then `/` and its subtest (or, where it has none, which of its
    /// cases).
    test: &'static str,
    /// `spec.replicas`, and the instances on version 1 at tick 0.
    fleet: u32,
    /// The strategy (JSON, the lab's scenario format).
    strategy: &'static str,
    /// What is done, just before the tick named.
    acts: &'static [(u64, Act)],
    /// What must hold at which ticks.
    checks: &'static [(Ticks, Check)],
}

// ---------------------------------------------------------------------------------------------
// The strategies the rows share.

/// `newCanaryRollout(…, maxSurge 1, maxUnavailable 0)` with one `setWeight: 10` step, held there.
const CANARY_10_HELD: &str = r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
    "steps": [{"set_weight": 10}, {"pause": {}}]}"#;

/// A canary whose only step is an indefinite pause (maxSurge 1, maxUnavailable 0).
const CANARY_PAUSE: &str = r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
    "steps": [{"pause": {}}]}"#;

/// The same with maxSurge 0 and maxUnavailable 1 (`TestResetCurrentStepIndexOn*`).
const CANARY_PAUSE_NO_SURGE: &str = r#"{"type": "canary", "max_surge": 0, "max_unavailable": 1,
    "steps": [{"pause": {}}]}"#;

/// `TestResumeRolloutAfterPauseDuration`'s steps (1 replica, maxSurge 1, maxUnavailable 1), the
/// 60 s pause as 3 ticks.
const CANARY_TIMED_PAUSE: &str = r#"{"type": "canary", "max_surge": 1, "max_unavailable": 1,
    "steps": [{"set_weight": 10}, {"pause": {"duration_ticks": 3}}, {"set_weight": 20}]}"#;

/// The interrupted-update tests: an SMI-routed canary, `setWeight: 100` then a pause.
const ROUTED_100: &str = r#"{"type": "canary", "traffic_routing": true, "max_surge": 1,
    "max_unavailable": 0, "steps": [{"set_weight": 100}, {"pause": {}}]}"#;

/// `newBlueGreenRollout` with `autoPromotionEnabled: false`.
const BLUE_GREEN_MANUAL: &str = r#"{"type": "blue_green", "auto_promotion_enabled": false}"#;

/// `newBlueGreenRollout` with `autoPromotionSeconds: 10`.
const BLUE_GREEN_AUTO_10: &str = r#"{"type": "blue_green", "auto_promotion_ticks": 10}"#;

/// `newBlueGreenRollout` with `scaleDownDelaySeconds: 10`.
const BLUE_GREEN_DELAY_10: &str = r#"{"type": "blue_green", "scale_down_delay_ticks": 10}"#;

/// `previewReplicaCount: 3` of 5.
const BLUE_GREEN_PREVIEW_3: &str = r#"{"type": "blue_green", "preview_replica_count": 3}"#;

/// The lab's one state where the active service is on the new revision while the previous one is
/// still kept to take the traffic back: a post-promotion analysis under way (ten measurements, one
/// per tick, that pass). `newBlueGreenRollout` sets `abortScaleDownDelaySeconds: 0`.
const BLUE_GREEN_POST_ANALYSIS: &str = r#"{"type": "blue_green", "abort_scale_down_delay_ticks": 0,
    "post_promotion_analysis": {"error_rate_max_percent": 50, "count": 10}}"#;

// ---------------------------------------------------------------------------------------------
// The rows.

const ROWS: &[Row] = &[
    // ----- canary_test.go -----
    Row {
        test: "TestCanaryRolloutBumpVersion",
        fleet: 10,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0}"#,
        acts: &[(0, Deploy(2))],
        // The new ReplicaSet is created with nothing, as revision 2, and scaled to 1 (the surge).
        checks: &[(at(0), Sync { given: "10/10", then: "10 1" }), (at(0), Numbers("1 2"))],
    },
    // reconcileCanaryPause without steps, and with the step index past the last step: no pause.
    Row {
        test: "TestReconcileCanaryStepsHandleBaseCases/no steps",
        fleet: 1,
        strategy: r#"{"type": "canary", "max_surge": 0, "max_unavailable": 1}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(at(0), Phase("Progressing")), (1..=3, Phase("Healthy"))],
    },
    Row {
        test: "TestReconcileCanaryStepsHandleBaseCases/step index past the last step",
        fleet: 1,
        strategy: r#"{"type": "canary", "max_surge": 0, "max_unavailable": 1,
            "steps": [{"set_weight": 10}]}"#,
        acts: &[(0, Deploy(2))],
        // One instance without surge at 10%: the canary gets none, so the step is met at once.
        checks: &[(at(0), Step(1)), (at(0), Phase("Progressing")), (1..=3, Phase("Healthy"))],
    },
    Row {
        test: "TestCanaryRolloutEnterPauseState",
        fleet: 10,
        strategy: CANARY_PAUSE,
        acts: &[(0, Deploy(2))],
        checks: &[(at(0), Sync { given: "10/10", then: "10 0" }), (at(0), Phase("Paused")), (at(0), Step(0))],
    },
    Row {
        test: "TestCanaryRolloutNoProgressWhilePaused",
        fleet: 10,
        strategy: CANARY_PAUSE,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=6, Desired("10 0")), (1..=6, Phase("Paused")), (1..=6, Step(0))],
    },
    // Upstream also checks that only observedGeneration is patched (the conditions are already
    // there); in the lab's terms, nothing moves.
    Row {
        test: "TestCanaryRolloutUpdatePauseConditionWhilePaused",
        fleet: 10,
        strategy: CANARY_PAUSE,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=6, Desired("10 0")), (1..=6, Weights("100 0"))],
    },
    // The pause is lifted (controllerPause without a pause condition: promoted): on to step 1.
    Row {
        test: "TestCanaryRolloutIncrementStepAfterUnPaused",
        fleet: 10,
        strategy: CANARY_PAUSE,
        acts: &[(0, Deploy(2)), (2, Promote)],
        checks: &[(at(1), Step(0)), (at(2), Step(1)), (at(2), Phase("Progressing"))],
    },
    // Past the last step with the old ReplicaSet at 0 and the new at 10/10: the new one becomes
    // stable and the rollout Healthy. The lab gets there one instance per tick after the promotion.
    Row {
        test: "TestCanaryRolloutUpdateStatusWhenAtEndOfSteps",
        fleet: 10,
        strategy: CANARY_PAUSE,
        acts: &[(0, Deploy(2)), (2, Promote)],
        checks: &[
            (at(12), Sync { given: "0/0 10/10", then: "0 10" }),
            (at(12), Promotes(2)),
            (at(12), Phase("Healthy")),
            (at(12), Complete(true)),
        ],
    },
    // A new template and new steps at once: the step index starts again at 0.
    Row {
        test: "TestResetCurrentStepIndexOnStepChange",
        fleet: 10,
        strategy: CANARY_PAUSE_NO_SURGE,
        acts: &[
            (
                0,
                Strategy(
                    r#"{"type": "canary", "max_surge": 0, "max_unavailable": 1,
                        "steps": [{"pause": {}}, {"pause": {}}]}"#,
                ),
            ),
            (0, Deploy(2)),
        ],
        checks: &[(at(0), Step(0)), (at(0), Numbers("1 2"))],
    },
    Row {
        test: "TestResetCurrentStepIndexOnPodSpecChange",
        fleet: 10,
        strategy: CANARY_PAUSE_NO_SURGE,
        acts: &[(0, Deploy(2))],
        checks: &[(at(0), Step(0)), (at(0), Numbers("1 2"))],
    },
    Row {
        test: "TestCanaryRolloutCreateNewReplicaWithCorrectWeight",
        fleet: 10,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 10}]}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(at(0), Sync { given: "10/10", then: "10 1" })],
    },
    Row {
        test: "TestCanaryRolloutScaleUpNewReplicaWithCorrectWeight",
        fleet: 5,
        strategy: r#"{"type": "canary", "max_surge": 0, "max_unavailable": 1,
            "steps": [{"set_weight": 40}]}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(at(1), Sync { given: "3/3 1/1", then: "3 2" })],
    },
    // Upstream scales only the stable ReplicaSet in this sync; the lab's next sync in the same
    // tick gives the canary the instance that frees ("Do not round past maxSurge … (part 2)" in
    // argo_tables.rs).
    Row {
        test: "TestCanaryRolloutScaleDownStableToMatchWeight",
        fleet: 10,
        strategy: r#"{"type": "canary", "max_surge": 0, "max_unavailable": 1,
            "steps": [{"set_weight": 10}]}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(at(0), Sync { given: "10/10 0/0", then: "9 0" }), (at(0), Desired("9 1"))],
    },
    // A third template while the second is the canary: the intermediate ReplicaSet goes to 0.
    Row {
        test: "TestCanaryRolloutScaleDownOldRs",
        fleet: 10,
        strategy: CANARY_10_HELD,
        acts: &[(0, Deploy(2)), (3, Deploy(3))],
        checks: &[(at(4), Sync { given: "9/9 1/1 1/1", then: "9 0 1" })],
    },
    // Routed, a third template while the router still sends everything to the second: the second
    // keeps its instances until the third is ready at its size, then goes.
    Row {
        test: "TestCanaryDontScaleDownOldRsDuringInterruptedUpdate",
        fleet: 5,
        strategy: ROUTED_100,
        acts: &[(0, Deploy(2)), (3, Deploy(3))],
        checks: &[
            (at(3), Sync { given: "5/5 5/5 5/0", then: "5 5 5" }),
            (at(3), Desired("5 5 5")),
            (at(3), Weights("0 100 0")),
        ],
    },
    Row {
        test: "TestCanaryScaleDownOldRsDuringInterruptedUpdate",
        fleet: 5,
        strategy: ROUTED_100,
        acts: &[(0, Deploy(2)), (3, Deploy(3))],
        checks: &[(at(4), Sync { given: "5/5 5/5 5/5", then: "5 0 5" }), (at(4), Weights("0 0 100"))],
    },
    // The template set back to the stable one mid-canary: the old ReplicaSet is taken back under
    // revision 3 (upstream bumps its revision annotation from 1 to 3) and nothing is scaled in that
    // sync. (The step index it moves to is checked in the row further down.)
    Row {
        test: "TestRollBackToStable",
        fleet: 10,
        strategy: CANARY_10_HELD,
        acts: &[(0, Deploy(2)), (3, DeployFirst)],
        checks: &[(at(3), Sync { given: "9/9 1/1", then: "9 1" }), (at(3), Numbers("3 2"))],
    },
    // All steps done (weight 100), stable 9/9 and canary 4/4 with maxSurge 3: the stable
    // ReplicaSet goes down by what the surge gave, to 6.
    Row {
        test: "TestGradualShiftToNewStable",
        fleet: 10,
        strategy: r#"{"type": "canary", "max_surge": 3, "max_unavailable": 0,
            "steps": [{"set_weight": 10}]}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(at(2), Sync { given: "9/9 4/4", then: "6 4" }), (at(2), Step(1))],
    },
    Row {
        test: "TestRollBackToStableAndStepChange",
        fleet: 10,
        strategy: CANARY_10_HELD,
        acts: &[
            (0, Deploy(2)),
            (
                3,
                Strategy(
                    r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
                        "steps": [{"set_weight": 20}, {"pause": {}}]}"#,
                ),
            ),
            (3, DeployFirst),
        ],
        checks: &[(at(3), Sync { given: "9/9 1/1", then: "9 1" }), (at(3), Numbers("3 2"))],
    },
    // Stable 9/9, an abandoned ReplicaSet at 0 and the new one at 1/1: the 10% step is met.
    Row {
        test: "TestCanaryRolloutIncrementStepIfSetWeightsAreCorrect",
        fleet: 10,
        strategy: CANARY_10_HELD,
        acts: &[(0, Deploy(2)), (0, Deploy(3))],
        checks: &[(at(1), Sync { given: "9/9 0/0 1/1", then: "9 0 1" }), (at(1), Step(1))],
    },
    // A 5 s pause that started 10 s ago is over: on to step 2 (the lab's pause starts at tick 1
    // and ends at 1 + 5, TM-6).
    Row {
        test: "TestSyncRolloutWaitIncrementStepIndex",
        fleet: 10,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 10}, {"pause": {"duration_ticks": 5}}, {"pause": {}}]}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=5, Step(1)), (6..=8, Step(2)), (6..=8, Phase("Paused"))],
    },
    // 5 → 10 replicas while paused at the 20% step, before the canary has any: the stable
    // ReplicaSet gets its share of the new size, 8. (Upstream pauses it with a pause condition at
    // that step; here a person pauses it before the new template arrives.)
    Row {
        test: "TestCanaryRolloutScaleWhilePaused",
        fleet: 5,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 20}]}"#,
        acts: &[(0, Pause), (0, Deploy(2)), (2, Scale(10))],
        checks: &[(at(2), Sync { given: "5/5 0/0", then: "8 0" }), (at(2), Desired("8 0"))],
    },
    // The timed pause is over: upstream's sync moves to step 2. Its 20% split of one instance is
    // the 10% one, already met, so the lab passes step 2 within the same tick and completes.
    Row {
        test: "TestResumeRolloutAfterPauseDuration",
        fleet: 1,
        strategy: CANARY_TIMED_PAUSE,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=3, Step(1)), (at(4), Step(3)), (at(4), Promotes(2))],
    },
    // Paused by a person during the timed pause: the pause ending changes nothing.
    Row {
        test: "TestNoResumeAfterPauseDurationIfUserPaused",
        fleet: 1,
        strategy: CANARY_TIMED_PAUSE,
        acts: &[(0, Deploy(2)), (2, Pause)],
        checks: &[(1..=8, Step(1)), (1..=8, Phase("Paused")), (1..=8, Desired("1 1"))],
    },
    // Aborted at stable 9/9, canary 1/1: the stable ReplicaSet is scaled back up to 10 (the surge
    // allows it), the step index goes back to 0, the phase is Degraded. (Upstream's rollout is at
    // step 1, setWeight 20, not yet begun; the lab holds at 10% with a pause there instead.)
    Row {
        test: "TestHandleCanaryAbort/Scale up stable ReplicaSet",
        fleet: 10,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 10}, {"pause": {}}, {"set_weight": 20}, {"set_weight": 30}]}"#,
        acts: &[(0, Deploy(2)), (3, Abort)],
        checks: &[
            (at(3), Sync { given: "9/9 1/1", then: "10 1" }),
            (at(3), Step(0)),
            (at(3), Phase("Degraded")),
        ],
    },
    // Aborted, and the template is the stable one again: the abort is cleared and the rollout is
    // done, nothing scaled. (The step index it keeps is checked in the row further down.)
    Row {
        test: "TestHandleCanaryAbort/Do not reset currentStepCount and reset abort if newRS is stableRS",
        fleet: 2,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 10}, {"set_weight": 20}, {"set_weight": 30}]}"#,
        acts: &[(0, Deploy(2)), (1, Abort), (3, DeployFirst)],
        checks: &[
            (at(2), Phase("Degraded")),
            (at(3), Sync { given: "2/2 0/0", then: "2 0" }),
            (at(3), Desired("2 0")),
            (at(3), Numbers("3 2")),
            (at(3), Phase("Healthy")),
            (at(3), Complete(true)),
        ],
    },
    // ----- bluegreen_test.go -----
    // The new ReplicaSet has 2 of 2 wanted, not all available: no pause yet. (Upstream's row has
    // one of the two available; with R = 1 the lab's two become ready together, so it is checked
    // while none is.)
    Row {
        test: "TestBlueGreenHandlePause/NoPauseIfNewRSIsNotHealthy",
        fleet: 2,
        strategy: BLUE_GREEN_MANUAL,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(0), Sync { given: "2/2 2/0", then: "2 2" }),
            (at(0), Phase("Progressing")),
            (at(1), Phase("Paused")),
        ],
    },
    Row {
        test: "TestBlueGreenHandlePause/AddPause",
        fleet: 1,
        strategy: BLUE_GREEN_MANUAL,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(1), Sync { given: "1/1 1/1", then: "1 1" }),
            (at(1), Phase("Paused")),
            (at(1), Weights("100 0")),
        ],
    },
    Row {
        test: "TestBlueGreenHandlePause/NoActionsAfterPausing",
        fleet: 1,
        strategy: BLUE_GREEN_MANUAL,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=8, Desired("1 1")), (1..=8, Weights("100 0")), (1..=8, Phase("Paused"))],
    },
    // A pre-promotion analysis that is inconclusive (10% errors: above a 1% target, within a 50%
    // limit) pauses the rollout, and then nothing moves.
    Row {
        test: "TestBlueGreenHandlePause/NoActionsAfterPausedOnInconclusiveRun",
        fleet: 1,
        strategy: r#"{"type": "blue_green", "auto_promotion_enabled": false,
            "pre_promotion_analysis": {"error_rate_target_percent": 1, "error_rate_max_percent": 50}}"#,
        acts: &[(0, DeployFailing(2, 100))],
        checks: &[
            (at(1), Inconclusive),
            (1..=8, Phase("Paused")),
            (1..=8, Desired("1 1")),
            (1..=8, Weights("100 0")),
        ],
    },
    // autoPromotionSeconds 10, the preview ready at tick 1: no promotion before tick 11.
    Row {
        test: "TestBlueGreenHandlePause/NoAutoPromoteBeforeDelayTimePasses",
        fleet: 1,
        strategy: BLUE_GREEN_AUTO_10,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=10, Weights("100 0")), (1..=10, Phase("Paused")), (1..=10, Desired("1 1"))],
    },
    // ... and at tick 11 the active service switches: Healthy, the old ReplicaSet still kept.
    Row {
        test: "TestBlueGreenHandlePause/AutoPromoteAfterDelayTimePasses",
        fleet: 1,
        strategy: BLUE_GREEN_AUTO_10,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(11), Promotes(2)),
            (at(11), Weights("0 100")),
            (at(11), Desired("1 1")),
            (at(11), Phase("Healthy")),
        ],
    },
    Row {
        test: "TestBlueGreenHandlePause/NoAutoPromoteAfterDelayTimePassesIfUserPaused",
        fleet: 1,
        strategy: BLUE_GREEN_AUTO_10,
        acts: &[(0, Deploy(2)), (5, Pause)],
        checks: &[(1..=14, Weights("100 0")), (1..=14, Phase("Paused"))],
    },
    // Auto-promotion by default: the switch as soon as the new ReplicaSet is available; the old
    // one stays for its scale-down delay, and the rollout reads Healthy from the switch (the lab's
    // own "complete" waits for the old one to go).
    Row {
        test: "TestBlueGreenHandlePause/NoPauseWhenAutoPromotionEnabledIsNotSet",
        fleet: 1,
        strategy: BLUE_GREEN_DELAY_10,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(1), Promotes(2)),
            (at(1), Weights("0 100")),
            (1..=10, Desired("1 1")),
            (1..=11, Phase("Healthy")),
            (1..=10, Complete(false)),
            (at(11), Complete(true)),
        ],
    },
    // Without a preview service the rule is the same: autoPromotionEnabled false pauses.
    Row {
        test: "TestBlueGreenHandlePause/PauseWhenAutoPromotionEnabledIsFalse",
        fleet: 1,
        strategy: BLUE_GREEN_MANUAL,
        acts: &[(0, Deploy(2))],
        checks: &[(at(1), Phase("Paused")), (at(1), Weights("100 0"))],
    },
    // Promoted by a person: the active service switches, Healthy.
    Row {
        test: "TestBlueGreenHandlePause/ContinueAfterUnpaused",
        fleet: 1,
        strategy: r#"{"type": "blue_green", "auto_promotion_enabled": false, "scale_down_delay_ticks": 10}"#,
        acts: &[(0, Deploy(2)), (3, Promote)],
        checks: &[
            (at(2), Phase("Paused")),
            (at(3), Promotes(2)),
            (at(3), Weights("0 100")),
            (at(3), Phase("Healthy")),
        ],
    },
    // At the switch the previous active ReplicaSet is kept (its scale-down delay starts later).
    Row {
        test: "TestBlueGreenAddScaleDownDelayToPreviousActiveReplicaSet",
        fleet: 1,
        strategy: BLUE_GREEN_DELAY_10,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(1), Sync { given: "1/1 1/1", then: "1 1" }),
            (at(1), Promotes(2)),
            (at(1), Phase("Healthy")),
        ],
    },
    // 1 → 2 replicas before promotion: the active and the preview ReplicaSet are both scaled
    // (upstream checks both are updated; to spec.replicas, as no previewReplicaCount is set). The
    // resize is given in the tick the preview becomes available, before auto-promotion.
    Row {
        test: "TestBlueGreenRolloutScaleUpdateActiveRS",
        fleet: 1,
        strategy: r#"{"type": "blue_green"}"#,
        acts: &[(0, Deploy(2)), (1, Scale(2))],
        checks: &[(at(1), Sync { given: "1/1 1/1", then: "2 2" }), (at(1), Weights("100 0"))],
    },
    // previewReplicaCount 3 of 5: once the preview has its 3, promotion begins and the preview
    // grows to spec.replicas (upstream sets scaleUpPreviewCheckPoint, which makes its next sync do
    // that; `TestNewRSNewReplicasWitPreviewReplicaCount` in argo_tables.rs).
    Row {
        test: "TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/TrueAfterMeetingMinAvailable",
        fleet: 5,
        strategy: BLUE_GREEN_PREVIEW_3,
        acts: &[(0, Deploy(2))],
        checks: &[(at(0), Desired("5 3")), (at(1), Sync { given: "5/5 3/3", then: "5 5" })],
    },
    // After the switch the new active ReplicaSet keeps all 5; the preview size no longer applies.
    Row {
        test: "TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/FalseAfterActiveServiceSwitch",
        fleet: 5,
        strategy: r#"{"type": "blue_green", "preview_replica_count": 3, "auto_promotion_enabled": false}"#,
        acts: &[(0, Deploy(2)), (3, Promote)],
        checks: &[(at(4), Promotes(2)), (4..=8, Desired("5 5")), (4..=8, Weights("0 100"))],
    },
    // Back to the stable template: the steps count as done at once.
    Row {
        test: "TestRollBackToStable",
        fleet: 10,
        strategy: CANARY_10_HELD,
        acts: &[(0, Deploy(2)), (3, DeployFirst)],
        checks: &[(at(3), Step(2)), (at(4), Desired("10 0"))],
    },
    // The same with new steps given at the same time.
    Row {
        test: "TestRollBackToStableAndStepChange",
        fleet: 10,
        strategy: CANARY_10_HELD,
        acts: &[
            (0, Deploy(2)),
            (
                3,
                Strategy(
                    r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
                        "steps": [{"set_weight": 20}, {"pause": {}}]}"#,
                ),
            ),
            (3, DeployFirst),
        ],
        checks: &[(at(3), Step(2))],
    },
    // After an abort too; the abort is cleared.
    Row {
        test: "TestHandleCanaryAbort/Do not reset currentStepCount and reset abort if newRS is stableRS",
        fleet: 2,
        strategy: r#"{"type": "canary", "max_surge": 1, "max_unavailable": 0,
            "steps": [{"set_weight": 10}, {"set_weight": 20}, {"set_weight": 30}]}"#,
        acts: &[(0, Deploy(2)), (1, Abort), (3, DeployFirst)],
        checks: &[(at(3), Step(3))],
    },
    // A preview larger than the fleet is honoured (previewReplicaCount 3 on a fleet resized from
    // 1 to 2); once promoted, the new revision is the fleet's size (the old one waits out its delay).
    Row {
        test: "TestBlueGreenRolloutIgnoringScalingUsePreviewRSCount",
        fleet: 1,
        strategy: r#"{"type": "blue_green", "preview_replica_count": 3, "auto_promotion_enabled": false}"#,
        acts: &[(0, Deploy(2)), (1, Scale(2)), (3, Promote)],
        checks: &[
            (at(0), Desired("1 3")),
            (at(1), Desired("2 3")),
            (at(2), Weights("100 0")),
            (at(6), Desired("2 2")),
        ],
    },
    // Promotion under way: the preview grows to 5 first, the switch waits until all 5 are ready.
    Row {
        test: "TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint/TrueWhenScalingUpPreview",
        fleet: 5,
        strategy: BLUE_GREEN_PREVIEW_3,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(1), Desired("5 5")),
            (at(1), Weights("100 0")),
            (at(2), Promotes(2)),
            (at(2), Weights("0 100")),
        ],
    },
    // Only the new ReplicaSet left, active and stable: complete, the new one available.
    Row {
        test: "TestBlueGreenRolloutCompleted",
        fleet: 1,
        strategy: BLUE_GREEN_DELAY_10,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(11), Desired("0 1")),
            (at(11), Complete(true)),
            (at(11), Phase("Healthy")),
            (at(11), Reason("NewReplicaSetAvailable")),
        ],
    },
    // Waiting for promotion: neither Healthy nor Completed.
    Row {
        test: "TestBlueGreenRolloutCompletedFalse",
        fleet: 1,
        strategy: BLUE_GREEN_MANUAL,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=4, Complete(false)), (1..=4, Phase("Paused"))],
    },
    // A scale-down deadline 10 s ahead: the old ReplicaSet is not scaled down before it.
    Row {
        test: "TestBlueGreenNotReadyToScaleDownOldReplica",
        fleet: 1,
        strategy: BLUE_GREEN_DELAY_10,
        acts: &[(0, Deploy(2))],
        checks: &[(1..=10, Desired("1 1")), (1..=10, Weights("0 100"))],
    },
    // ... and once it has passed, the old ReplicaSet goes to 0 (promoted at 1, so at 1 + 10, TM-6).
    Row {
        test: "TestBlueGreenReadyToScaleDownOldReplica",
        fleet: 1,
        strategy: BLUE_GREEN_DELAY_10,
        acts: &[(0, Deploy(2))],
        checks: &[(at(11), Sync { given: "1/1 1/1", then: "0 1" })],
    },
    // Back to the first template while it still waits out its scale-down delay: it is active again
    // at once, under revision 3, without a new instance, and nothing is scaled down.
    Row {
        test: "TestFastRollback",
        fleet: 1,
        strategy: BLUE_GREEN_DELAY_10,
        acts: &[(0, Deploy(2)), (3, DeployFirst)],
        checks: &[
            (at(3), Sync { given: "1/1 1/1", then: "1 1" }),
            (at(3), Desired("1 1")),
            (at(3), Numbers("3 2")),
            (at(3), Weights("100 0")),
        ],
    },
    // autoPromotionSeconds 10 passed: promoted, Healthy.
    Row {
        test: "TestBlueGreenHandlePauseAutoPromoteWithConditions",
        fleet: 1,
        strategy: BLUE_GREEN_AUTO_10,
        acts: &[(0, Deploy(2))],
        checks: &[
            (at(10), Weights("100 0")),
            (at(10), Phase("Paused")),
            (at(11), Promotes(2)),
            (at(11), Weights("0 100")),
            (at(11), Phase("Healthy")),
        ],
    },
    // The active service on the new ReplicaSet while the post-promotion analysis runs: the old
    // ReplicaSet is still the stable one, so a resize from 1 to 2 scales both.
    Row {
        test: "TestBlueGreenRolloutScaleUpdateStableRS",
        fleet: 1,
        strategy: BLUE_GREEN_POST_ANALYSIS,
        acts: &[(0, Deploy(2)), (3, Scale(2))],
        checks: &[
            (at(1), Promotes(2)),
            (1..=2, Phase("Progressing")),
            (at(3), Sync { given: "1/1 1/1", then: "2 2" }),
            (at(3), Desired("2 2")),
            (at(3), Weights("0 100")),
        ],
    },
    // Aborted in the same state: the active service goes back to the stable (old) ReplicaSet and
    // nothing is scaled (abortScaleDownDelaySeconds 0 keeps the new one too).
    Row {
        test: "TestBlueGreenAbort",
        fleet: 1,
        strategy: BLUE_GREEN_POST_ANALYSIS,
        acts: &[(0, Deploy(2)), (3, Abort)],
        checks: &[
            (at(2), Weights("0 100")),
            (at(3), Weights("100 0")),
            (3..=40, Desired("1 1")),
            (at(3), Phase("Degraded")),
        ],
    },
    // The default scaleDownDelaySeconds is 30: promoted at 1, the old ReplicaSet goes at 31.
    Row {
        test: "TestBlueGreenAddScaleDownDelay",
        fleet: 1,
        strategy: r#"{"type": "blue_green"}"#,
        acts: &[(0, Deploy(2))],
        checks: &[(at(1), Promotes(2)), (1..=30, Desired("1 1")), (at(31), Desired("0 1"))],
    },
];

// ---------------------------------------------------------------------------------------------
// What the lab does not run.

/// A first ReplicaSet is created by the world, not by a controller pass.
const FIRST_REPLICA_SET: &str = "creating the first ReplicaSet of a new rollout: the lab's first revision \
     is created at fleet size by World::new and is stable from tick 0, so no controller pass creates it";

/// The lab has no Service objects.
const SERVICES: &str = "Services are not modelled: the stable/canary/active/preview services are implied \
     by the traffic weights, and there are no selectors, annotations or missing services";

/// Upstream rows the lab does not run: (test function, row, why).
const NOT_EXPRESSED: &[NotExpressed] = &[
    ("TestCanaryRolloutCreateFirstReplicasetNoSteps", "-", FIRST_REPLICA_SET),
    ("TestCanaryRolloutCreateFirstReplicasetWithSteps", "-", FIRST_REPLICA_SET),
    ("TestBlueGreenCompletedRolloutRestart", "-", FIRST_REPLICA_SET),
    ("TestBlueGreenCreatesReplicaSet", "-", FIRST_REPLICA_SET),
    ("TestBlueGreenStableRSReconciliationShouldNotScaleOnFirstTimeRollout", "-", FIRST_REPLICA_SET),
    (
        "TestBlueGreenHandlePause",
        "SkipPauseReconcileWhenActiveHasPodHashSelector",
        "a lone first ReplicaSet with an active service not yet selecting it: the lab's first \
         revision is created by World::new, active from tick 0, and Services are not modelled",
    ),
    ("TestCanaryRolloutWithCanaryService", "-", SERVICES),
    (
        "TestCanarySVCSelectors",
        "all four rows",
        "Services are not modelled; without a router the lab's basic canary sends requests to each \
         available instance, so a canary with some instances available already gets its share",
    ),
    ("TestCanarySVCSelectorsBasicCanaryAbortServiceSwitchBack", "both rows", SERVICES),
    ("TestCanaryRolloutWithInvalidCanaryServiceName", "-", SERVICES),
    ("TestCanaryRolloutWithStableService", "-", SERVICES),
    ("TestCanaryRolloutWithInvalidStableServiceName", "-", SERVICES),
    ("TestCanaryRolloutWithPingPongServices", "-", SERVICES),
    ("TestCanaryRolloutWithInvalidPingServiceName", "-", SERVICES),
    ("TestCanaryRolloutWithInvalidPongServiceName", "-", SERVICES),
    ("TestBlueGreenSetPreviewService", "-", SERVICES),
    ("TestSetServiceManagedBy", "-", SERVICES),
    (
        "TestSyncRolloutWaitAddToQueue",
        "-",
        "counts how often the rollout is put back on the controller's work queue during a timed \
         pause; the lab has no queue (a tick runs to its fixed point, TM-3; a wait ends at s + D, TM-6)",
    ),
    (
        "TestSyncRolloutIgnoreWaitOutsideOfReconciliationPeriod",
        "-",
        "the same work-queue count for a pause longer than the resync period; the lab has no queue",
    ),
    (
        "TestCanaryRolloutResetProgressDeadlineOnRetry",
        "-",
        "conditions only: the Progressing condition's RolloutRetry reason and the phase message; the \
         lab's conditions have no RolloutRetry reason (retry restarts the progress clock, §3.5)",
    ),
    (
        "TestBlueGreenHandlePause",
        "AddPausedConditionWhilePaused",
        "conditions only: the Paused condition and the Progressing reason RolloutPaused, which the \
         lab's conditions do not have (the phase Paused is checked in AddPause)",
    ),
    (
        "TestRollBackToActiveReplicaSetWithinWindow",
        "-",
        "rollbackWindow is not modelled (docs/semantics.md, Where the lab differs)",
    ),
    (
        "TestBlueGreenProgressDeadlineAbort",
        "timed out while progressing",
        "progressDeadlineAbort is not modelled: the lab reports ProgressDeadlineExceeded and aborts \
         nothing (§2.6, §3.5)",
    ),
    (
        "TestBlueGreenProgressDeadlineAbort",
        "timed out, abort set afterwards",
        "progressDeadlineAbort is not modelled",
    ),
    (
        "TestBlueGreenScaleDownLimit",
        "-",
        "scaleDownDelayRevisionLimit is not modelled (the row's two earlier ReplicaSets waiting out \
         their scale-down delays, one beyond the limit)",
    ),
    (
        "TestBlueGreenUnableToReadScaleDownAt",
        "-",
        "an unreadable scale-down-deadline annotation: the lab keeps the deadline as a tick in the \
         rollout's status, which cannot be malformed",
    ),
    (
        "TestCanaryRolloutScaleDownOldRsDontScaleDownTooMuch",
        "-",
        "the row's ReplicaSets want 15 instances for a rollout of 4 (two older ones at 5/5, the new \
         and stable one at 5/0); a lab fleet never holds more than spec.replicas plus maxSurge, and \
         a resize rescales the target too, so no scenario reaches that state",
    ),
];

/// Every test function of the two upstream files, in file order, for the inventory check.
const UPSTREAM_TESTS: &[&str] = &[
    // rollout/canary_test.go
    "TestCanaryRolloutBumpVersion",
    "TestReconcileCanaryStepsHandleBaseCases",
    "TestCanaryRolloutEnterPauseState",
    "TestCanaryRolloutNoProgressWhilePaused",
    "TestCanaryRolloutUpdatePauseConditionWhilePaused",
    "TestCanaryRolloutResetProgressDeadlineOnRetry",
    "TestCanaryRolloutIncrementStepAfterUnPaused",
    "TestCanaryRolloutUpdateStatusWhenAtEndOfSteps",
    "TestResetCurrentStepIndexOnStepChange",
    "TestResetCurrentStepIndexOnPodSpecChange",
    "TestCanaryRolloutCreateFirstReplicasetNoSteps",
    "TestCanaryRolloutCreateFirstReplicasetWithSteps",
    "TestCanaryRolloutWithMaxWeightInTrafficRouting",
    "TestCanaryRolloutCreateNewReplicaWithCorrectWeight",
    "TestCanaryRolloutScaleUpNewReplicaWithCorrectWeight",
    "TestCanaryRolloutScaleDownStableToMatchWeight",
    "TestCanaryRolloutScaleDownOldRs",
    "TestCanaryRolloutScaleDownOldRsDontScaleDownTooMuch",
    "TestCanaryDontScaleDownOldRsDuringInterruptedUpdate",
    "TestCanaryScaleDownOldRsDuringInterruptedUpdate",
    "TestRollBackToStable",
    "TestRollBackToActiveReplicaSetWithinWindow",
    "TestGradualShiftToNewStable",
    "TestRollBackToStableAndStepChange",
    "TestCanaryRolloutIncrementStepIfSetWeightsAreCorrect",
    "TestSyncRolloutWaitAddToQueue",
    "TestSyncRolloutIgnoreWaitOutsideOfReconciliationPeriod",
    "TestSyncRolloutWaitIncrementStepIndex",
    "TestCanaryRolloutStatusHPAStatusFields",
    "TestCanaryRolloutWithCanaryService",
    "TestCanarySVCSelectors",
    "TestCanarySVCSelectorsBasicCanaryAbortServiceSwitchBack",
    "TestCanaryRolloutWithInvalidCanaryServiceName",
    "TestCanaryRolloutWithStableService",
    "TestCanaryRolloutWithInvalidStableServiceName",
    "TestCanaryRolloutWithPingPongServices",
    "TestCanaryRolloutWithInvalidPingServiceName",
    "TestCanaryRolloutWithInvalidPongServiceName",
    "TestCanaryRolloutScaleWhilePaused",
    "TestResumeRolloutAfterPauseDuration",
    "TestNoResumeAfterPauseDurationIfUserPaused",
    "TestHandleNilNewRSOnScaleAndImageChange",
    "TestHandleCanaryAbort",
    "TestIsDynamicallyRollingBackToStable",
    // rollout/bluegreen_test.go
    "TestBlueGreenCompletedRolloutRestart",
    "TestBlueGreenCreatesReplicaSet",
    "TestBlueGreenSetPreviewService",
    "TestBlueGreenProgressDeadlineAbort",
    "TestSetServiceManagedBy",
    "TestBlueGreenHandlePause",
    "TestBlueGreenAddScaleDownDelayToPreviousActiveReplicaSet",
    "TestBlueGreenRolloutStatusHPAStatusFieldsActiveSelectorSet",
    "TestBlueGreenRolloutStatusHPAStatusFieldsNoActiveSelector",
    "TestBlueGreenRolloutScaleUpdateActiveRS",
    "TestBlueGreenRolloutScaleUpdateStableRS",
    "TestBlueGreenStableRSReconciliationShouldNotScaleOnFirstTimeRollout",
    "TestPreviewReplicaCountHandleScaleUpPreviewCheckPoint",
    "TestBlueGreenRolloutIgnoringScalingUsePreviewRSCount",
    "TestBlueGreenRolloutCompleted",
    "TestBlueGreenRolloutCompletedFalse",
    "TestBlueGreenUnableToReadScaleDownAt",
    "TestBlueGreenNotReadyToScaleDownOldReplica",
    "TestBlueGreenReadyToScaleDownOldReplica",
    "TestFastRollback",
    "TestBlueGreenScaleDownLimit",
    "TestBlueGreenAbort",
    "TestBlueGreenHandlePauseAutoPromoteWithConditions",
    "TestBlueGreenAddScaleDownDelay",
];

/// Carried over elsewhere, or checking no count at all (the header says which and why).
const NOT_HERE: &[&str] = &[
    "TestCanaryRolloutWithMaxWeightInTrafficRouting",
    "TestIsDynamicallyRollingBackToStable",
    "TestCanaryRolloutStatusHPAStatusFields",
    "TestBlueGreenRolloutStatusHPAStatusFieldsActiveSelectorSet",
    "TestBlueGreenRolloutStatusHPAStatusFieldsNoActiveSelector",
    "TestHandleNilNewRSOnScaleAndImageChange",
];

// ---------------------------------------------------------------------------------------------
// Playing a row.

/// A world at tick 0: `fleet` instances on version 1 under `strategy`, R = 1, G = 0, and the
/// row's acts as commands at their ticks.
fn driver(row: &Row) -> Driver {
    let lab = Driver::from_json(&format!(
        r#"{{"seed": 1, "fleet_size": {}, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
            "image": {{"base": "ubuntu-22.04", "app_version": "1"}}, "strategy": {}}}"#,
        row.fleet, row.strategy
    ));
    // The first revision's launch template, for going back to it.
    let first = lab.world.revisions()[0].launch.to_string();
    let command = |json: String| {
        serde_json::from_str::<Command>(&json).unwrap_or_else(|error| panic!("{}: {json}: {error}", row.test))
    };
    row.acts.iter().fold(lab, |lab, &(tick, act)| {
        let commands = match act {
            Deploy(version) => vec![
                format!(r#"{{"build_image": {{"base": "ubuntu-22.04", "app_version": "{version}"}}}}"#),
                format!(r#"{{"deploy": {{"image": "v{version}"}}}}"#),
            ],
            DeployFailing(version, per_mille) => vec![
                format!(
                    r#"{{"build_image": {{"base": "ubuntu-22.04", "app_version": "{version}",
                        "error_rate_per_mille": {per_mille}}}}}"#
                ),
                format!(r#"{{"deploy": {{"image": "v{version}"}}}}"#),
            ],
            DeployFirst => vec![format!(r#"{{"deploy": {{"image": "{first}"}}}}"#)],
            Strategy(json) => vec![format!(r#"{{"set_strategy": {json}}}"#)],
            Promote => vec![r#""promote_rollout""#.to_owned()],
            Abort => vec![r#""abort_rollout""#.to_owned()],
            Pause => vec![r#""pause""#.to_owned()],
            Scale(replicas) => vec![format!(r#"{{"scale": {{"replicas": {replicas}}}}}"#)],
        };
        commands.into_iter().fold(lab, |lab, json| lab.at(tick, command(json)))
    })
}

/// One tick as the checks read it.
struct Played {
    tick: u64,
    /// Desired/available per revision along the tick: as the reconcile starts (R = 1: every
    /// instance already launched is available), then after each change of a desired count.
    path: Vec<Vec<(u32, u32)>>,
    events: Vec<Event>,
    after: Snapshot,
}

fn play(lab: &mut Driver) -> Played {
    // Before the tick: each revision's wanted and live instances (pending ones will be ready as it
    // starts, draining ones do not exist with G = 0).
    let before: Vec<(u32, u32)> = lab.world.revisions().iter().map(|r| (r.desired, r.live)).collect();
    let run = lab.rows(1, |_, tick| tick);
    let after = lab.world.snapshot();
    let events: Vec<Event> = run.events.into_iter().map(|(_, event)| event).collect();
    // Revisions created in the tick start from nothing. A revision taken back keeps its place
    // under its new number, so positions, not numbers, carry over.
    let mut state: Vec<(u32, u32)> =
        (0..after.revisions.len()).map(|i| before.get(i).copied().unwrap_or_default()).collect();
    let start = state.clone();
    let mut path = vec![state.clone()];
    for event in &events {
        if let Event::RevisionScaled { revision, from, to } = *event {
            let index =
                after.revisions.iter().position(|r| r.revision == revision).expect("a known revision");
            assert_eq!(
                state[index].0, from,
                "tick {}: r{revision} scaled from {from}, {state:?}",
                run.rows[0]
            );
            // What it had available stays available up to what it now wants; new ones are not ready.
            state[index] = (to, to.min(start[index].1));
            path.push(state.clone());
        }
    }
    Played { tick: run.rows[0], path, events, after }
}

/// `"9/9 1"` → [(9, 9), (1, 1)]: desired/available, or desired alone (available then equal).
fn pairs(text: &str) -> Vec<(u32, u32)> {
    text.split_whitespace()
        .map(|cell| {
            let number = |s: &str| s.parse::<u32>().unwrap_or_else(|_| panic!("bad count in {text:?}"));
            match cell.split_once('/') {
                Some((desired, available)) => (number(desired), number(available)),
                None => (number(cell), number(cell)),
            }
        })
        .collect()
}

fn counts(text: &str) -> Vec<u32> {
    pairs(text).into_iter().map(|(desired, _)| desired).collect()
}

/// Equal once the shorter is padded with zeros (a revision not yet created has nothing).
fn same<T: Copy + Default + PartialEq>(a: &[T], b: &[T]) -> bool {
    (0..a.len().max(b.len()))
        .all(|i| a.get(i).copied().unwrap_or_default() == b.get(i).copied().unwrap_or_default())
}

/// Whether `check` holds in the tick; otherwise what the lab showed.
fn holds(check: Check, tick: &Played) -> Result<(), String> {
    let snapshot = &tick.after;
    let desired: Vec<u32> = snapshot.revisions.iter().map(|r| r.desired).collect();
    let ok = match check {
        Sync { given, then } => {
            let given = pairs(given);
            let then = counts(then);
            let from = tick.path.iter().position(|state| same(state, &given));
            from.is_some_and(|from| {
                tick.path[from..]
                    .iter()
                    .any(|state| same(&state.iter().map(|s| s.0).collect::<Vec<_>>(), &then))
            })
        }
        Desired(expected) => same(&desired, &counts(expected)),
        Weights(expected) => {
            same(&snapshot.traffic.iter().map(|t| t.weight).collect::<Vec<_>>(), &counts(expected))
        }
        Numbers(expected) => {
            same(&snapshot.revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), &counts(expected))
        }
        Step(step) => snapshot.rollout.step == Some(step),
        Phase(phase) => snapshot.rollout.phase.as_str() == phase,
        Promotes(revision) => tick.events.contains(&Event::RolloutPromoted { revision }),
        Complete(complete) => snapshot.rollout_complete == complete,
        Reason(reason) => snapshot.rollout.conditions.reason.as_str() == reason,
        Inconclusive => tick.events.iter().any(|e| matches!(e, Event::AnalysisInconclusive { .. })),
    };
    if ok {
        return Ok(());
    }
    let rows: Vec<String> =
        snapshot.revisions.iter().map(|r| format!("r{} {}/{}", r.revision, r.desired, r.available)).collect();
    Err(format!(
        "tick {}: {check:?} does not hold: {} {:?}, step {:?}, weights {:?}; path in the tick {:?}",
        tick.tick,
        rows.join(" "),
        snapshot.rollout.phase.as_str(),
        snapshot.rollout.step,
        snapshot.traffic.iter().map(|t| t.weight).collect::<Vec<_>>(),
        tick.path,
    ))
}

/// Plays `row` to the last tick its checks (and `more`) name; the result of each check, in order:
/// first the row's, then `more`'s.
fn results(row: &Row, more: &[(Ticks, Check)]) -> Vec<Result<(), String>> {
    let all: Vec<&(Ticks, Check)> = row.checks.iter().chain(more).collect();
    let last = all.iter().map(|(ticks, _)| *ticks.end()).max().expect("a row checks something");
    // None until the check's first tick has been played.
    let mut results: Vec<Option<Result<(), String>>> = vec![None; all.len()];
    let mut lab = driver(row);
    for _ in 0..=last {
        let tick = play(&mut lab);
        for (result, (ticks, check)) in results.iter_mut().zip(&all) {
            if ticks.contains(&tick.tick) && result.as_ref().is_none_or(Result::is_ok) {
                *result = Some(holds(*check, &tick));
            }
        }
    }
    results.into_iter().map(|result| result.unwrap_or_else(|| Err("never played".into()))).collect()
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[test]
fn controller_rows() {
    let mut failures = Vec::new();
    for row in ROWS {
        for result in results(row, &[]) {
            if let Err(why) = result {
                failures.push(format!("{}: {why}", row.test));
            }
        }
    }
    assert!(failures.is_empty(), "{} checks failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn rows_not_expressed_say_why() {
    common::tables::assert_each_says_why(NOT_EXPRESSED);
}

/// Every upstream test function is run, listed, or named in the header; no name here is stale.
#[test]
fn every_upstream_test_is_accounted_for() {
    let function = |name: &str| name.split('/').next().unwrap_or(name).to_owned();
    let mut seen: Vec<String> = ROWS
        .iter()
        .map(|row| function(row.test))
        .chain(NOT_EXPRESSED.iter().map(|(test, ..)| function(test)))
        .chain(NOT_HERE.iter().map(|test| function(test)))
        .collect();
    seen.sort();
    seen.dedup();
    // 44 functions in canary_test.go, 24 in bluegreen_test.go.
    assert_eq!(UPSTREAM_TESTS.len(), 68, "the inventory lists every upstream function once");
    let missing: Vec<&&str> =
        UPSTREAM_TESTS.iter().filter(|test| !seen.iter().any(|s| s == **test)).collect();
    assert!(missing.is_empty(), "not accounted for: {missing:?}");
    let unknown: Vec<&String> = seen.iter().filter(|s| !UPSTREAM_TESTS.contains(&s.as_str())).collect();
    assert!(unknown.is_empty(), "not upstream test functions: {unknown:?}");
}
