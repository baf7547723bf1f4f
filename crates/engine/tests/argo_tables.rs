//! Rows of Argo Rollouts' own unit-test tables, carried over as data and run against the engine.
//! Only the table facts (inputs and expected counts) come from upstream; the code that runs them
//! is the lab's. Each row names its upstream test function and row (the `name` field where the
//! table has one; otherwise the subtest name upstream generates, or the assertion's position `#n`).
//!
//! Sources (`argoproj/argo-rollouts`, the stored snapshot read for this file, commit 9f8d111d):
//! - `utils/replicaset/canary_test.go`: `TestCalculateReplicaCountsForCanary` (every row),
//!   `TestApproximateWeightedNewStableReplicaCounts`, `TestCalculateReplicaCountsForNewDeployment`,
//!   `TestCalculateReplicaCountsForCanaryTrafficRouting`,
//!   `TestCalculateReplicaCountsForCanaryStableRSdEdgeCases`, `TestTrafficWeightToReplicas`,
//!   `TestGetCurrentSetWeight`, `TestGetCanaryReplicasOrWeight`; listed only:
//!   `TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale`, `TestGetReplicasForScaleDown`,
//!   `TestAtDesiredReplicaCountsForCanary`, `TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay`;
//! - `utils/replicaset/replicaset_test.go`: `TestResolveFenceposts`, `TestMaxSurge`,
//!   `TestMaxUnavailable`, `TestNewRSNewReplicasWitPreviewReplicaCount`; listed only:
//!   `TestNewRSNewReplicas`, `TestGetReplicaCountForReplicaSets`;
//! - `utils/replicaset/bluegreen_test.go`: `TestReadyForPause` (listed);
//! - `rollout/canary_test.go`: `TestCanaryRolloutWithMaxWeightInTrafficRouting`; listed only:
//!   `TestIsDynamicallyRollingBackToStable`.
//!
//! Tests in these files that check no replica count (pod metadata, affinity, hashes, revision
//! bookkeeping, service selectors, `TestGetOtherRSs`, `TestGetStableRS`, `TestCheckStepHashChange`
//! and the like) are not carried over and not listed.
//!
//! How rows run. The basic canary's arithmetic is public (`canary_math::basic_canary_counts`,
//! `approximate_counts`; §3.3 of docs/semantics.md) and takes the row as it is. The limits go
//! through `RollingUpdate`, `Canary` and `BlueGreen` (§3.1). The traffic-routed count
//! (`CalculateReplicaCountsForTrafficRoutedCanary`, §3.4) and blue-green's preview size (§3.6) are
//! private to the engine's controller pass, whose status cannot be set from outside, so those rows
//! run as scenarios through the shared `Driver` (R = 1, G = 0) and read the revisions' desired
//! counts at the tick the row describes. A row that cannot be put either way, or needs something
//! the lab does not model, is in [`NOT_EXPRESSED`] with the reason. Every other row runs and
//! agrees (the last two that differed, a `setCanaryScale` weight of 200 and a `setCanaryScale`
//! carrying all three fields, are accepted as Argo accepts them and run in `traffic_routed_rows`).

mod common;

use common::Driver;
use common::tables::NotExpressed;
use lab_engine::Command;
use lab_engine::strategy::canary_math::{CanaryInput, Counts, approximate_counts, basic_canary_counts};
use lab_engine::strategy::{BlueGreen, Canary, CanaryStep, IntOrPercent, RollingUpdate, Strategy};

/// Upstream rows the lab does not run: (test function, row, why).
const NOT_EXPRESSED: &[NotExpressed] = &[
    (
        "TestTrafficWeightToReplicas",
        "#6 (23 replicas, weight 100000000 of maxWeight 100000000)",
        "a maximum traffic weight other than 100 (trafficRouting.maxTrafficWeight) is not modelled",
    ),
    (
        "TestCanaryRolloutWithMaxWeightInTrafficRouting",
        "max weight 1000",
        "a maximum traffic weight other than 100 (trafficRouting.maxTrafficWeight) is not modelled",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should scale stable replica up depending on next expected canary downscale step, if abort is true",
        "dynamicStableScale is not modelled: with a router the stable revision keeps all N (§3.4)",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should scale stable replica up depending on available canary replicas, if actual number of canaries is less than expected and abort is true",
        "dynamicStableScale is not modelled: with a router the stable revision keeps all N (§3.4)",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should scale stable replica up depending on available stable replicas, if abort is true",
        "dynamicStableScale is not modelled: with a router the stable revision keeps all N (§3.4)",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should scale stable up as if canaries are scaled down to 0 if stable and canary replicas not passed, and abort is true",
        "dynamicStableScale is not modelled: with a router the stable revision keeps all N (§3.4)",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should scale down stable",
        "dynamicStableScale is not modelled: with a router the stable revision keeps all N (§3.4)",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should take max of desired canary (20) > actual (10)",
        "dynamicStableScale is not modelled; the row also relies on maxTrafficWeight 20, not modelled",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should leave canary scaled up if there is still traffic to it on abort",
        "dynamicStableScale is not modelled; the row's router weights (canary 20 / stable 80 after an \
         abort) cannot be set: the lab's router goes back to stable at once on abort (§3.4)",
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRoutingDynamicScale",
        "Should reduce canary when there is less traffic to it on abort",
        "dynamicStableScale is not modelled; the row's router weights after an abort cannot be set",
    ),
    (
        "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay",
        "no explicit delay: weight is held up by canary size (progressive drain unchanged)",
        "the stepwise abort weight only exists with dynamicStableScale, which is not modelled",
    ),
    (
        "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay",
        "explicit delay: weight steps down gradually while stable is scaling up",
        "the stepwise abort weight only exists with dynamicStableScale, which is not modelled",
    ),
    (
        "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay",
        "explicit delay: weight reaches zero once stable nearly covers spec.Replicas (deadlock case)",
        "the stepwise abort weight only exists with dynamicStableScale, which is not modelled",
    ),
    (
        "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay",
        "explicit zero delay (leave canary up indefinitely): weight is held up by canary size",
        "the stepwise abort weight only exists with dynamicStableScale, which is not modelled",
    ),
    (
        "TestGetDesiredCanaryWeightOnAbortWithScaleDownDelay",
        "stable scales to spec.Replicas once weight reaches zero",
        "dynamicStableScale is not modelled; without it the stable revision is at spec.replicas \
         throughout, so the row's stable 10 holds trivially but its stable 9/9 start cannot be set",
    ),
    (
        "TestIsDynamicallyRollingBackToStable",
        "desired RS != stable RS",
        "isDynamicallyRollingBackToStable only matters with dynamicStableScale, which is not modelled",
    ),
    (
        "TestIsDynamicallyRollingBackToStable",
        "not using traffic routing",
        "isDynamicallyRollingBackToStable only matters with dynamicStableScale, which is not modelled",
    ),
    (
        "TestIsDynamicallyRollingBackToStable",
        "not using dynamicStableScaling",
        "isDynamicallyRollingBackToStable only matters with dynamicStableScale, which is not modelled",
    ),
    (
        "TestIsDynamicallyRollingBackToStable",
        "weighted selector == desired RS",
        "isDynamicallyRollingBackToStable only matters with dynamicStableScale, which is not modelled",
    ),
    (
        "TestIsDynamicallyRollingBackToStable",
        "weighted selector != desired RS, desired not fully available",
        "isDynamicallyRollingBackToStable only matters with dynamicStableScale, which is not modelled",
    ),
    (
        "TestIsDynamicallyRollingBackToStable",
        "weighted selector != desired RS, desired RS is fully available",
        "isDynamicallyRollingBackToStable only matters with dynamicStableScale, which is not modelled",
    ),
    (
        "TestGetReplicasForScaleDown",
        "test rs is nil",
        "GetReplicasForScaleDown is private to canary_math (for_scale_down); its effect is covered by \
         the TestCalculateReplicaCountsForCanary rows",
    ),
    (
        "TestGetReplicasForScaleDown",
        "test expected replicas is less than actual replicas",
        "GetReplicasForScaleDown is private to canary_math (for_scale_down); its effect is covered by \
         'Do not add extra RSs in scaleDownCount when .Spec.Replica < AvailableReplicas'",
    ),
    (
        "TestGetReplicasForScaleDown",
        "test ignore availability",
        "GetReplicasForScaleDown is private to canary_math (for_scale_down)",
    ),
    (
        "TestGetReplicasForScaleDown",
        "test not ignore availability",
        "GetReplicasForScaleDown is private to canary_math (for_scale_down)",
    ),
    (
        "TestGetCanaryReplicasOrWeight",
        "test get current step weight",
        "a blue-green rollout has no canary weight in the lab (Strategy::weight_goal is None for it)",
    ),
    (
        "TestGetCurrentSetWeight",
        "#2 (status.abort: weight 0)",
        "the abort flag is crate-private status; the weight 0 after an abort is observed through the \
         router in aborted_with_a_delay_removes_the_canary_row, not through GetCurrentSetWeight",
    ),
    (
        "TestAtDesiredReplicaCountsForCanary",
        "we are at desired replica counts and availability",
        "AtDesiredReplicaCountsForCanary is private step-completion logic in Canary::reconcile, and the \
         row's ReplicaSet status (status.replicas apart from spec and available) cannot be set",
    ),
    (
        "TestAtDesiredReplicaCountsForCanary",
        "new replicaset is not at desired counts or availability",
        "AtDesiredReplicaCountsForCanary is private step-completion logic and its input status cannot \
         be set",
    ),
    (
        "TestAtDesiredReplicaCountsForCanary",
        "stable replicaset is not at desired counts or availability",
        "AtDesiredReplicaCountsForCanary is private step-completion logic and its input status cannot \
         be set",
    ),
    (
        "TestAtDesiredReplicaCountsForCanary",
        "stable replicaset is not at desired availability but is at correct count",
        "a stable ReplicaSet with 1 wanted and 0 available while the canary is at its size does not \
         occur in the lab (instances never fail once available); the check is private",
    ),
    (
        "TestAtDesiredReplicaCountsForCanary",
        "test that when status field lags behind spec.replicas we fail",
        "ReplicaSet status lagging spec (status.replicas 3 for spec 2) is not modelled",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "1 Spec, 2 Actual, 0 Ready, 0 Available",
        "status.replicas above spec and ready apart from available are not modelled (ready = \
         available: minReadySeconds is part of R)",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "3 Spec, 5 Actual, 1 Ready, 0 Available",
        "status.replicas above spec and ready apart from available are not modelled",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "6 Spec, 9 Actual, 3 Ready, 1 Available",
        "status.replicas above spec and ready apart from available are not modelled",
    ),
    (
        "TestNewRSNewReplicas",
        "#0 (blue-green without an active ReplicaSet: spec.replicas)",
        "the lab's first revision is created at fleet size by the world, not by a strategy pass; no \
         blue-green state without an active revision can be set up",
    ),
    ("TestNewRSNewReplicas", "#1 (no strategy: error)", "a lab rollout always has a strategy"),
    (
        "TestNewRSNewReplicasWitPreviewReplicaCount",
        "No active rs is set",
        "the lab's first revision is created at fleet size by the world, not by a strategy pass",
    ),
    (
        "TestNewRSNewReplicasWitPreviewReplicaCount",
        "Rollout's currentPodHash doesn't match up",
        "the scale-up checkpoint is crate-private status tied to the target revision; a checkpoint \
         left over from another pod hash cannot be set up",
    ),
    (
        "TestReadyForPause",
        "#0..#2 (ReadyForPause)",
        "ReadyForPause is private to BlueGreen::reconcile and reads ReplicaSet objects, not counts",
    ),
];

// ---------------------------------------------------------------------------------------------
// Helpers.

/// `"25%"` → a percentage, `"3"` → a count; anything else is refused as Kubernetes refuses it.
fn limit(text: &str) -> Result<IntOrPercent, String> {
    let json = if text.parse::<i64>().is_ok() { text.to_owned() } else { format!("\"{text}\"") };
    serde_json::from_str(&json).map_err(|error| error.to_string())
}

fn rolling(surge: &str, unavailable: &str) -> RollingUpdate {
    RollingUpdate { max_surge: limit(surge).unwrap(), max_unavailable: limit(unavailable).unwrap() }
}

/// A basic canary with these limits and no steps.
fn canary(surge: &str, unavailable: &str) -> Canary {
    Canary {
        steps: Vec::new(),
        max_surge: limit(surge).unwrap(),
        max_unavailable: limit(unavailable).unwrap(),
        analysis: None,
        traffic_routing: false,
        scale_down_delay_ticks: 30,
        abort_scale_down_delay_ticks: 30,
        min_pods_per_replica_set: None,
    }
}

/// Desired counts of every revision, oldest first.
fn desired(lab: &Driver) -> Vec<u32> {
    lab.world.revisions().iter().map(|r| r.desired).collect()
}

// ---------------------------------------------------------------------------------------------
// TestCalculateReplicaCountsForCanary, the rows without a router: CalculateReplicaCountsForBasicCanary.

/// One basic-canary row: name, spec.replicas, weight, maxSurge, maxUnavailable, stable
/// (spec, available), canary (spec, available), older ReplicaSet (spec, available; (0, 0) where the
/// row has none), then the expected (stable, canary).
type BasicRow =
    (&'static str, u32, u32, &'static str, &'static str, (u32, u32), (u32, u32), (u32, u32), (u32, u32));

/// The rows in upstream's order, each with its name (this table replaces the unnamed copy of 26
/// of them the project kept before).
const BASIC: &[BasicRow] = &[
    (
        "Do not add extra RSs in scaleDownCount when .Spec.Replica < AvailableReplicas",
        10,
        100,
        "3",
        "0",
        (7, 8),
        (6, 3),
        (0, 0),
        (7, 6),
    ),
    ("Use max surge int to scale up canary", 10, 20, "2", "0", (10, 10), (0, 0), (0, 0), (10, 2)),
    ("Use max surge percentage to scale up canary", 10, 20, "20%", "0", (10, 10), (0, 0), (0, 0), (10, 2)),
    ("Scale down extra stable replicas", 10, 20, "20%", "0", (10, 10), (2, 2), (0, 0), (8, 2)),
    ("Do not go past max surge", 10, 30, "2", "0", (10, 10), (0, 0), (0, 0), (10, 2)),
    ("Use max unavailable int to scale down stableRS", 10, 20, "0", "2", (10, 10), (0, 0), (0, 0), (8, 0)),
    ("Use max surge percentage to scale down stableRS", 10, 20, "0", "20%", (10, 10), (0, 0), (0, 0), (8, 0)),
    ("Do not go past max unavailable", 10, 30, "0", "2", (10, 10), (0, 0), (0, 0), (8, 0)),
    ("Use Max Surge and Max Unavailable", 10, 50, "2", "1", (10, 10), (0, 0), (0, 0), (9, 2)),
    ("Scale canaryRS to zero on setWeight of 0%", 10, 0, "1", "1", (10, 10), (1, 1), (0, 0), (10, 0)),
    ("Scale stable to zero on setWeight of 100%", 10, 100, "1", "1", (1, 1), (10, 10), (0, 0), (0, 10)),
    (
        "Do not scale canaryRS down to zero on non-zero weight",
        1,
        20,
        "1",
        "0",
        (1, 1),
        (0, 0),
        (0, 0),
        (1, 1),
    ),
    ("Do not scale canaryRS down to zero on non-100 weight", 1, 90, "1", "0", (1, 1), (0, 0), (0, 0), (1, 1)),
    ("Scale canaryRS to zero on <50 weight without surge", 1, 49, "0", "1", (1, 1), (0, 0), (0, 0), (1, 0)),
    (
        "Scale stableRS down to zero on >=50 weight without surge",
        1,
        51,
        "0",
        "1",
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
    ),
    (
        "Scale canaryRS to one on >=50 weight without surge and stable replicas",
        1,
        51,
        "0",
        "1",
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 1),
    ),
    ("Scale up Stable before canaryRS", 10, 30, "1", "0", (1, 1), (0, 0), (3, 3), (7, 1)),
    ("Scale down canaryRS and stable", 10, 30, "0", "3", (8, 5), (4, 4), (0, 0), (7, 3)),
    ("Scale down stable and canary available", 10, 100, "1", "0", (10, 2), (10, 8), (0, 0), (2, 9)),
    (
        "Do not scale down canaryRS or stable when older RS count >= scaleDownCount",
        10,
        30,
        "0",
        "1",
        (8, 6),
        (4, 2),
        (3, 3),
        (8, 4),
    ),
    (
        "Do not round past maxSurge with uneven setWeight divisor",
        10,
        5,
        "0",
        "1",
        (10, 10),
        (0, 0),
        (0, 0),
        (9, 0),
    ),
    (
        "Do not round past maxSurge with uneven setWeight divisor (part 2)",
        10,
        5,
        "0",
        "1",
        (9, 9),
        (0, 0),
        (0, 0),
        (9, 1),
    ),
    (
        "Use maxUnavailable of 1 when percentage of maxUnavailable and maxSurge result in 0 replicas",
        10,
        10,
        "0%",
        "0%",
        (10, 10),
        (0, 0),
        (0, 0),
        (9, 0),
    ),
    // Without a router upstream ignores setCanaryScale (and the lab refuses it there, as Argo's
    // validation does): the row is the plain weight-20 calculation.
    (
        "Ignore setCanaryScale when trafficRouting is missing and use setWeight for replicas",
        10,
        20,
        "20%",
        "0",
        (10, 10),
        (0, 0),
        (0, 0),
        (10, 2),
    ),
    (
        "honor maxSurge during scale up when stableRS unavailable",
        4,
        100,
        "1",
        "0",
        (4, 1),
        (0, 0),
        (0, 0),
        (4, 1),
    ),
    (
        "scale down to maxunavailable without exceeding maxSurge",
        3,
        99,
        "0",
        "2",
        (3, 3),
        (0, 0),
        (0, 0),
        (1, 0),
    ),
    (
        "scale down to maxunavailable without exceeding maxSurge (part 2)",
        3,
        99,
        "0",
        "2",
        (1, 1),
        (0, 0),
        (0, 0),
        (1, 2),
    ),
    (
        "honor maxUnavailable during scale down stableRS unavailable",
        4,
        100,
        "1",
        "0",
        (4, 1),
        (1, 1),
        (0, 0),
        (3, 1),
    ),
    (
        "honor maxUnavailable when aborting or reducing weight part 1",
        4,
        0,
        "1",
        "0",
        (0, 0),
        (4, 4),
        (0, 0),
        (1, 4),
    ),
    (
        "honor maxUnavailable when aborting or reducing weight part 2",
        4,
        0,
        "1",
        "0",
        (1, 0),
        (4, 4),
        (0, 0),
        (1, 4),
    ),
    (
        "honor maxUnavailable when aborting or reducing weight part 3",
        4,
        0,
        "1",
        "0",
        (1, 1),
        (4, 4),
        (0, 0),
        (1, 3),
    ),
    // promoteFull: upstream's GetCanaryReplicasOrWeight answers the maximum weight, 100, whatever
    // the step says (setWeight 1 in the row), so the row is the weight-100 calculation.
    ("promote full does not consider weight", 4, 100, "4", "4", (4, 4), (0, 0), (0, 0), (0, 4)),
    ("promote full still honors maxSurge/maxUnavailable", 4, 100, "3", "0", (4, 4), (0, 0), (0, 0), (4, 3)),
];

fn basic_input(
    replicas: u32,
    weight: u32,
    limits: &RollingUpdate,
    canary: (u32, u32),
    stable: Option<(u32, u32)>,
    older: (u32, u32),
) -> CanaryInput {
    CanaryInput {
        replicas,
        weight,
        // Argo resolves the limits like Kubernetes, including the both-zero fallback (§3.1).
        max_surge: limits.surge_for(replicas),
        max_unavailable: limits.unavailable_for(replicas),
        canary: Counts { desired: canary.0, available: canary.1 },
        stable: stable.map(|(desired, available)| Counts { desired, available }),
        older: Counts { desired: older.0, available: older.1 },
    }
}

#[test]
fn basic_canary_rows() {
    for &(row, replicas, weight, surge, unavailable, stable, canary, older, expected) in BASIC {
        let input = basic_input(replicas, weight, &rolling(surge, unavailable), canary, Some(stable), older);
        let (canary_count, stable_count) = basic_canary_counts(input);
        assert_eq!(
            (stable_count, canary_count),
            expected,
            "TestCalculateReplicaCountsForCanary/{row}: {input:?}"
        );
    }
}

/// `TestCalculateReplicaCountsForCanaryStableRSdEdgeCases` (10 replicas, weight 10, 0 / 1, new
/// ReplicaSet 9/9) and `TestCalculateReplicaCountsForNewDeployment` (the same rollout, new 10/0):
/// with no stable ReplicaSet, or a stable one that is the new one, the canary is brought to the
/// whole fleet. The lab's input says both with `stable: None` (a stable revision distinct from
/// the canary, if any). Row, canary (spec, available), expected (canary, stable).
type NoStableRow = (&'static str, (u32, u32), (u32, u32));

const NO_SEPARATE_STABLE: &[NoStableRow] = &[
    ("TestCalculateReplicaCountsForCanaryStableRSdEdgeCases #0 (stableRS nil)", (9, 9), (10, 0)),
    ("TestCalculateReplicaCountsForCanaryStableRSdEdgeCases #1 (stableRS == newRS)", (9, 9), (10, 0)),
    ("TestCalculateReplicaCountsForNewDeployment", (10, 0), (10, 0)),
];

#[test]
fn no_separate_stable_rows() {
    for &(row, canary, expected) in NO_SEPARATE_STABLE {
        let input = basic_input(10, 10, &rolling("0", "1"), canary, None, (0, 0));
        assert_eq!(basic_canary_counts(input), expected, "{row}: {input:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// TestApproximateWeightedNewStableReplicaCounts: approximateWeightedCanaryStableReplicaCounts.

/// replicas, weight, maxSurge, expected (canary, stable); maxWeight is 100 in every row. Upstream
/// names each subtest from these values:
/// `TestApproximateWeightedNewStableReplicaCounts_replicas:R_weight:W_maxweight:100_surge:S`.
const APPROXIMATE: &[(u32, u32, u32, (u32, u32))] = &[
    (0, 0, 0, (0, 0)),
    (0, 50, 0, (0, 0)),
    (0, 100, 0, (0, 0)),
    (0, 0, 1, (0, 0)),
    (0, 50, 1, (0, 0)),
    (0, 100, 1, (0, 0)),
    (1, 0, 0, (0, 1)),
    (1, 1, 0, (0, 1)),
    (1, 49, 0, (0, 1)),
    (1, 50, 0, (1, 0)),
    (1, 99, 0, (1, 0)),
    (1, 100, 0, (1, 0)),
    (1, 0, 1, (0, 1)),
    (1, 1, 1, (1, 1)),
    (1, 49, 1, (1, 1)),
    (1, 50, 1, (1, 1)),
    (1, 99, 1, (1, 1)),
    (1, 100, 1, (1, 0)),
    (2, 0, 0, (0, 2)),
    (2, 1, 0, (1, 1)),
    (2, 50, 0, (1, 1)),
    (2, 99, 0, (1, 1)),
    (2, 100, 0, (2, 0)),
    (2, 0, 1, (0, 2)),
    (2, 1, 1, (1, 2)),
    (2, 50, 1, (1, 1)),
    (2, 99, 1, (2, 1)),
    (2, 100, 1, (2, 0)),
    (3, 10, 0, (1, 2)),
    (3, 25, 0, (1, 2)),
    (3, 33, 0, (1, 2)),
    (3, 34, 0, (1, 2)),
    (3, 49, 0, (1, 2)),
    (3, 50, 0, (2, 1)),
    (3, 10, 1, (1, 3)),
    (3, 25, 1, (1, 3)),
    (3, 33, 1, (1, 2)),
    (3, 34, 1, (1, 2)),
    (3, 49, 1, (2, 2)),
    (3, 50, 1, (2, 2)),
    (10, 0, 1, (0, 10)),
    (10, 1, 0, (1, 9)),
    (10, 14, 0, (1, 9)),
    (10, 15, 0, (2, 8)),
    (10, 16, 0, (2, 8)),
    (10, 99, 0, (9, 1)),
    (10, 100, 1, (10, 0)),
    (10, 0, 1, (0, 10)),
    (10, 1, 1, (1, 10)),
    (10, 18, 1, (2, 9)),
    (10, 19, 1, (2, 9)),
    (10, 20, 1, (2, 8)),
    (10, 23, 1, (2, 8)),
    (10, 24, 1, (3, 8)),
    (10, 25, 1, (3, 8)),
    (10, 99, 1, (10, 1)),
    (10, 100, 1, (10, 0)),
];

#[test]
fn approximate_split_rows() {
    for &(replicas, weight, surge, expected) in APPROXIMATE {
        assert_eq!(
            approximate_counts(replicas, weight, surge),
            expected,
            "TestApproximateWeightedNewStableReplicaCounts_replicas:{replicas}_weight:{weight}_maxweight:100_surge:{surge}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// replicaset_test.go: limits.

// `TestResolveFenceposts`: Argo's copy has the same seven rows as Kubernetes', run in
// `upstream_tables.rs`.

/// `TestMaxSurge` (canary, maxUnavailable 1) and `TestMaxUnavailable` (canary, maxSurge 1): row,
/// `Some((replicas, limit))` for a canary or `None` for blue-green, expected value.
type LimitRow = (&'static str, Option<(u32, &'static str)>, u32);

const MAX_SURGE: &[LimitRow] = &[
    ("TestMaxSurge/maxSurge with int", Some((10, "5")), 5),
    ("TestMaxSurge/maxSurge with BlueGreen deployment strategy", None, 0),
    ("TestMaxSurge/maxSurge with percents", Some((10, "50%")), 5),
];

const MAX_UNAVAILABLE: &[LimitRow] = &[
    ("TestMaxUnavailable/maxUnavailable less than replicas", Some((10, "5")), 5),
    ("TestMaxUnavailable/maxUnavailable equal replicas", Some((10, "10")), 10),
    ("TestMaxUnavailable/maxUnavailable greater than replicas", Some((5, "10")), 5),
    ("TestMaxUnavailable/maxUnavailable with replicas is 0", Some((0, "10")), 0),
    ("TestMaxUnavailable/maxUnavailable with BlueGreen deployment strategy", None, 0),
    ("TestMaxUnavailable/maxUnavailable less than replicas with percents", Some((10, "50%")), 5),
    ("TestMaxUnavailable/maxUnavailable equal replicas with percents", Some((10, "100%")), 10),
    ("TestMaxUnavailable/maxUnavailable greater than replicas with percents", Some((5, "100%")), 5),
];

#[test]
fn max_surge_and_max_unavailable_rows() {
    for &(row, case, expected) in MAX_SURGE {
        match case {
            Some((replicas, surge)) => {
                assert_eq!(Strategy::max_surge(&canary(surge, "1"), replicas), expected, "{row}")
            }
            // The row leaves spec.replicas unset: blue-green gives 0 whatever the fleet.
            None => {
                for replicas in [0, 1, 10] {
                    assert_eq!(BlueGreen::default().max_surge(replicas), expected, "{row}, N = {replicas}");
                }
            }
        }
    }
    for &(row, case, expected) in MAX_UNAVAILABLE {
        match case {
            Some((replicas, unavailable)) => {
                assert_eq!(Strategy::max_unavailable(&canary("1", unavailable), replicas), expected, "{row}")
            }
            None => {
                for replicas in [0, 1, 10] {
                    assert_eq!(
                        BlueGreen::default().max_unavailable(replicas),
                        expected,
                        "{row}, N = {replicas}"
                    );
                }
            }
        }
    }
}

/// `TestGetCurrentSetWeight` (one step, setWeight 10): step index, expected weight.
const CURRENT_SET_WEIGHT: &[(&str, u32, u32)] = &[
    ("TestGetCurrentSetWeight #0 (past the last step)", 1, 100),
    ("TestGetCurrentSetWeight #1 (at the setWeight step)", 0, 10),
];

#[test]
fn current_set_weight_rows() {
    let mut strategy = canary("0", "1");
    strategy.steps = vec![CanaryStep::SetWeight(10)];
    for &(row, step, expected) in CURRENT_SET_WEIGHT {
        assert_eq!(strategy.current_weight(step), expected, "{row}");
    }
}

// ---------------------------------------------------------------------------------------------
// Traffic-routed rows, through scenarios: CalculateReplicaCountsForTrafficRoutedCanary.

/// `fleet` instances on v1, a traffic-routed canary with `steps` (JSON) and the abort delay, v2
/// deployed at tick 0.
fn routed(fleet: u32, steps: &str, abort_delay: u64) -> Driver {
    let strategy = format!(
        r#"{{"type": "canary", "traffic_routing": true, "abort_scale_down_delay_ticks": {abort_delay},
             "steps": {steps}}}"#
    );
    Driver::rollout(fleet, &strategy, "")
}

/// A routed row: name, spec.replicas, the lab's steps standing for the row's one step, ticks to
/// run (the step the row describes is then in force, and the rollout waits at the pause that
/// follows it), expected (stable, canary).
///
/// Upstream's rollouts have one step holding both setWeight and setCanaryScale; the lab has one
/// kind per step, so the row becomes a setCanaryScale step and a setWeight step (order chosen so
/// that both are in force, as upstream's `UseSetCanaryScale` reads them), then a pause.
type RoutedRow = (&'static str, u32, &'static str, u64, (u32, u32));

const ROUTED: &[RoutedRow] = &[
    (
        "TestCalculateReplicaCountsForCanary/For canary replicas, use setCanaryScale.replicas when specified along with trafficRouting (and ignore setWeight)",
        1,
        r#"[{"set_weight": 100}, {"set_canary_scale": {"replicas": 9}}, {"pause": {}}]"#,
        4,
        (1, 9),
    ),
    (
        "TestCalculateReplicaCountsForCanary/Use setCanaryScale.weight for canary replicas when specified with trafficRouting (and ignore setWeight)",
        4,
        r#"[{"set_weight": 100}, {"set_canary_scale": {"weight": 200}}, {"pause": {}}]"#,
        4,
        (4, 8),
    ),
    (
        "TestCalculateReplicaCountsForCanary/Ignore setCanaryScale replicas/weight when matchTrafficWeight is true",
        10,
        r#"[{"set_canary_scale": {"replicas": 9, "weight": 100, "match_traffic_weight": true}}, {"set_weight": 20}, {"pause": {}}]"#,
        4,
        (10, 2),
    ),
    (
        "TestCalculateReplicaCountsForCanaryTrafficRouting",
        10,
        r#"[{"set_weight": 10}, {"pause": {}}]"#,
        3,
        (10, 1),
    ),
    (
        "TestCanaryRolloutWithMaxWeightInTrafficRouting/max weight 100 (expectedUpdatedReplicas)",
        10,
        r#"[{"set_weight": 10}, {"pause": {}}]"#,
        3,
        (10, 1),
    ),
    (
        "TestTrafficWeightToReplicas #0 (10 replicas, weight 0)",
        10,
        r#"[{"set_weight": 0}, {"pause": {}}]"#,
        3,
        (10, 0),
    ),
    (
        "TestTrafficWeightToReplicas #1 (10 replicas, weight 20)",
        10,
        r#"[{"set_weight": 20}, {"pause": {}}]"#,
        3,
        (10, 2),
    ),
    (
        "TestTrafficWeightToReplicas #2 (10 replicas, weight 25)",
        10,
        r#"[{"set_weight": 25}, {"pause": {}}]"#,
        3,
        (10, 3),
    ),
    (
        "TestTrafficWeightToReplicas #3 (10 replicas, weight 33)",
        10,
        r#"[{"set_weight": 33}, {"pause": {}}]"#,
        3,
        (10, 4),
    ),
    (
        "TestTrafficWeightToReplicas #4 (10 replicas, weight 99)",
        10,
        r#"[{"set_weight": 99}, {"pause": {}}]"#,
        3,
        (10, 10),
    ),
    (
        "TestTrafficWeightToReplicas #5 (10 replicas, weight 100)",
        10,
        r#"[{"set_weight": 100}, {"pause": {}}]"#,
        3,
        (10, 10),
    ),
    // GetCanaryReplicasOrWeight at step 1 of [setWeight 10, setCanaryScale]: weight 20 (no
    // replicas), and replicas 5 (weight 0); in the lab's terms, the canary sizes they give.
    (
        "TestGetCanaryReplicasOrWeight/test canary step weight (20% of 10)",
        10,
        r#"[{"set_weight": 10}, {"set_canary_scale": {"weight": 20}}, {"pause": {}}]"#,
        4,
        (10, 2),
    ),
    (
        "TestGetCanaryReplicasOrWeight/test canary step replicas",
        10,
        r#"[{"set_weight": 10}, {"set_canary_scale": {"replicas": 5}}, {"pause": {}}]"#,
        4,
        (10, 5),
    ),
];

#[test]
fn traffic_routed_rows() {
    for &(row, replicas, steps, ticks, expected) in ROUTED {
        check_routed_row(row, routed(replicas, steps, 30), steps, ticks, expected);
    }
}

/// Plays a routed row's rollout for `ticks` and checks it waits at its last step (a pause) with
/// the expected (stable, canary) desired counts.
fn check_routed_row(row: &str, mut lab: Driver, steps: &str, ticks: u64, expected: (u32, u32)) {
    {
        let run = lab.rows(ticks, |world, tick| {
            let snapshot = world.snapshot();
            (tick, snapshot.rollout.step, snapshot.revisions.iter().map(|r| r.desired).collect::<Vec<_>>())
        });
        // The rollout waits at the last step (the pause) with the row's step in force.
        let steps_len = serde_json::from_str::<Vec<CanaryStep>>(steps).unwrap().len() as u32;
        let (_, step, _) = run.rows.last().unwrap();
        assert_eq!(*step, Some(steps_len - 1), "{row}: not at the pause: {:?}", run.rows);
        let counts = desired(&lab);
        assert_eq!((counts[0], counts[1]), expected, "{row}: {:?}", run.rows);
    }
}

/// The `minPodsPerReplicaSet` rows of `TestCalculateReplicaCountsForCanary`.
#[test]
fn min_pods_per_replica_set_rows() {
    let with_min_pods = |fleet: u32, steps: &str| {
        let strategy = format!(
            r#"{{"type": "canary", "traffic_routing": true, "min_pods_per_replica_set": 2, "steps": {steps}}}"#
        );
        Driver::rollout(fleet, &strategy, "")
    };
    // 5% of 10 is one instance; the minimum raises the canary to 2.
    let steps = r#"[{"set_weight": 5}, {"pause": {}}]"#;
    let row = "TestCalculateReplicaCountsForCanary/Honor MinPodsPerReplicaSet when using trafficRouting and starting canary";
    check_routed_row(row, with_min_pods(10, steps), steps, 3, (10, 2));

    // A minimum of 2 on a fleet of 1 is capped at 1: a full promotion runs one canary instance.
    let row = "TestCalculateReplicaCountsForCanary/Cap MinPodsPerReplicaSet when it exceeds rollout replicas with trafficRouting";
    let mut lab = with_min_pods(1, r#"[{"set_weight": 5}, {"pause": {}}]"#);
    lab.run(1);
    lab.world.apply(Command::PromoteFullRollout).unwrap();
    lab.run(1);
    assert_eq!(desired(&lab), [1, 1], "{row}");
    // Complete once the old stable revision's scale-down delay (30 ticks) is over.
    lab.run_until(40, |world| world.snapshot().rollout_complete);
    assert_eq!(desired(&lab), [0, 1], "{row}: once complete");
}

/// The two abort rows of `TestCalculateReplicaCountsForCanary` (1 replica, setCanaryScale replicas
/// 1, stable 1/1, canary 1/1, aborted). Upstream's count function answers the count the canary
/// goes to; the abort scale-down delay is applied by its caller (`reconcileNewReplicaSet`). The
/// lab's pass holds the canary through the delay itself, so the rows are read once the delay
/// (2 ticks here for upstream's 30 seconds) is over; a delay of 0 means never (§3.5).
#[test]
fn aborted_with_set_canary_scale_rows() {
    for (row, delay, expected) in [
        (
            "TestCalculateReplicaCountsForCanary/aborted with abortScaleDownDelaySeconds:0 and setCanaryScale",
            0,
            [1, 1],
        ),
        (
            "TestCalculateReplicaCountsForCanary/aborted with abortScaleDownDelaySeconds>0 and setCanaryScale",
            2,
            [1, 0],
        ),
    ] {
        let steps = r#"[{"set_canary_scale": {"replicas": 1}}, {"pause": {}}]"#;
        let mut lab = routed(1, steps, delay);
        lab.run(3);
        assert_eq!(desired(&lab), [1, 1], "{row}: before the abort");
        lab.world.apply(Command::AbortRollout).unwrap();
        let run = lab.rows(delay + 3, |world, _| {
            world.snapshot().traffic.iter().map(|t| t.weight).collect::<Vec<_>>()
        });
        assert_eq!(desired(&lab), expected, "{row}");
        // GetCurrentSetWeight after an abort: 0, every request back on stable.
        assert!(run.rows.iter().all(|weights| weights[1] == 0), "{row}: {:?}", run.rows);
    }
}

/// `TestGetCanaryReplicasOrWeight/test full promote rollout`: a full promotion answers the
/// maximum weight whatever the step; routed, the canary goes to the whole fleet.
#[test]
fn promote_full_routed_row() {
    let row = "TestGetCanaryReplicasOrWeight/test full promote rollout";
    let mut lab = routed(10, r#"[{"set_weight": 10}, {"pause": {}}]"#, 30);
    lab.run(3);
    assert_eq!(desired(&lab), [10, 1], "{row}: before");
    lab.world.apply(Command::PromoteFullRollout).unwrap();
    lab.run(1);
    assert_eq!(desired(&lab)[1], 10, "{row}");
}

// ---------------------------------------------------------------------------------------------
// Blue-green: TestNewRSNewReplicasWitPreviewReplicaCount (10 replicas, previewReplicaCount 1).

fn blue_green() -> Driver {
    Driver::rollout(
        10,
        r#"{"type": "blue_green", "preview_replica_count": 1, "auto_promotion_enabled": false}"#,
        "",
    )
}

#[test]
fn preview_replica_count_rows() {
    // Before promotion the new revision runs at preview size.
    let row = "TestNewRSNewReplicasWitPreviewReplicaCount/The rollout should use the preview value";
    let mut lab = blue_green();
    lab.run(3);
    assert_eq!(desired(&lab), [10, 1], "{row}");

    // Promoted (the scale-up checkpoint): the new revision grows to N.
    let row = "TestNewRSNewReplicasWitPreviewReplicaCount/Rollout is unpaused and ready to scale up";
    lab.world.apply(Command::PromoteRollout).unwrap();
    lab.run(1);
    assert_eq!(desired(&lab)[1], 10, "{row}");

    // Once it is active it stays at N.
    let row = "TestNewRSNewReplicasWitPreviewReplicaCount/Active rs is the new RS";
    lab.run_until(60, |world| world.snapshot().rollout_complete);
    assert_eq!(desired(&lab)[1], 10, "{row}");

    // A full promotion ignores the preview size from the start.
    let row = "TestNewRSNewReplicasWitPreviewReplicaCount/Ignore preview replica count during promote full";
    let mut lab = blue_green();
    lab.run(1);
    assert_eq!(desired(&lab), [10, 1], "{row}: before");
    lab.world.apply(Command::PromoteFullRollout).unwrap();
    lab.run(1);
    assert_eq!(desired(&lab)[1], 10, "{row}");
}

// ---------------------------------------------------------------------------------------------
// The bookkeeping of this file.

#[test]
fn rows_not_expressed_say_why() {
    common::tables::assert_each_says_why(NOT_EXPRESSED);
}
