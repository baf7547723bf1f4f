//! Rows of the Kubernetes Deployment controller's own unit-test tables, carried over as data and
//! run against the engine. Only the table facts (inputs and expected counts) come from upstream;
//! the code that runs them is the lab's. Each row names its upstream test function and row (the
//! `name` field where the table has one, otherwise its position `#n` and the comment beside it).
//!
//! Sources (`kubernetes/kubernetes`, the stored versions read for this file):
//! - `pkg/controller/deployment/util/deployment_util_test.go` (commit 00216e45):
//!   `TestResolveFenceposts`, `TestNewRSNewReplicas`, `TestMaxUnavailable`, `TestMinAvailable`,
//!   `TestGetReplicaCountForReplicaSets`, `TestGetReplicaSetFraction`, `TestDeploymentComplete`,
//!   `TestDeploymentProgressing`, `TestDeploymentTimedOut`;
//! - `pkg/controller/deployment/rolling_test.go` (commit 00bdb3fa): the four
//!   `TestDeploymentController_*` tables;
//! - `pkg/controller/deployment/sync_test.go` (commit 003e8629): `TestScale`.
//!
//! Upstream calls each helper (`reconcileNewReplicaSet`, `cleanupUnhealthyReplicas`, …) on its own.
//! The engine keeps those steps private and exposes one controller pass, `Strategy::reconcile`
//! (§2.3–§2.4 of docs/semantics.md: a scaling event goes to proportional scaling, otherwise grow
//! the new revision, and only if that did nothing shrink the old ones). The rows below are
//! therefore run as one pass over revisions built from the row, and each says what it observes.
//! A row that cannot be put that way, or needs something the lab does not model, is in
//! [`NOT_EXPRESSED`] with the reason; every other row runs and agrees.
//!
//! Helpers used by upstream's tables: `newDeployment(…)` defaults maxSurge and maxUnavailable to
//! 0 (`deployment_controller_test.go`), and `rs(…)` sets no status, so availability is 0 unless a
//! row sets it.

mod common;

use common::Driver;
use common::tables::NotExpressed;
use lab_engine::strategy::{
    DesiredCounts, IntOrPercent, Recreate, RollingUpdate, RolloutFleet, RolloutStatus, Strategy,
};
use lab_engine::{ConditionReason, Digest, ImageRef, Progressing, Revision, World};

/// Upstream rows the lab does not run: (test function, row, why).
const NOT_EXPRESSED: &[NotExpressed] = &[
    (
        "TestNewRSNewReplicas",
        "can not scale up - to newRSReplicas",
        "NewRSNewReplicas on its own is not exposed; the engine's pass first applies \
         reconcileNewReplicaSet's cut of a new revision above spec.replicas (5 > 1 gives 1), so the \
         helper's own answer (5, newRS left as it is) cannot be observed",
    ),
    (
        "TestMinAvailable",
        "minAvailable with Recreate deployment strategy",
        "the engine has no MinAvailable; its only availability floor is N - Strategy::max_unavailable \
         (the Available condition of §2.5, as calculateStatus uses MaxUnavailable), which is N for \
         Recreate, while upstream's MinAvailable short-circuits to 0 for non-rolling strategies",
    ),
    (
        "TestScale",
        "failed rs update",
        "the row simulates an API update that fails (wasntUpdated) after a desired-replicas annotation \
         edited by hand; the lab's writes to a revision never fail and its annotations cannot be set",
    ),
    (
        "TestDeploymentComplete",
        "not complete: min availability is not honored",
        "DeploymentComplete is crate-private and a status cannot be set directly; no lab rollout \
         reaches 5 updated with only 3 available under maxUnavailable 1 (instances never fail once \
         available)",
    ),
    (
        "TestDeploymentComplete",
        "not complete: all pods are available but not updated",
        "DeploymentComplete is crate-private and a status cannot be set directly; the row's limits (0/0) \
         are refused by validation, and under valid limits no tick rests at 4 updated + 1 old all \
         available (TM-3: the old instance goes in the tick the fourth new one becomes available)",
    ),
    (
        "TestDeploymentProgressing",
        "progressing: updated pods",
        "DeploymentProgressing is crate-private (inside Rollout::update_conditions) and compares two \
         arbitrary statuses, which a scenario cannot set",
    ),
    (
        "TestDeploymentProgressing",
        "not progressing",
        "DeploymentProgressing is crate-private and compares two arbitrary statuses, which a scenario \
         cannot set",
    ),
    (
        "TestDeploymentProgressing",
        "progressing: old pods removed",
        "DeploymentProgressing is crate-private and compares two arbitrary statuses, which a scenario \
         cannot set",
    ),
    (
        "TestDeploymentProgressing",
        "not progressing: less new pods",
        "DeploymentProgressing is crate-private and compares two arbitrary statuses, which a scenario \
         cannot set",
    ),
    (
        "TestDeploymentProgressing",
        "progressing: less overall but more new pods",
        "DeploymentProgressing is crate-private and compares two arbitrary statuses, which a scenario \
         cannot set",
    ),
    (
        "TestDeploymentProgressing",
        "progressing: more ready pods",
        "ready and available differ in the row (minReadySeconds); the lab folds minReadySeconds into R, \
         so ready and available always coincide (§2.5)",
    ),
    (
        "TestDeploymentProgressing",
        "progressing: more available pods",
        "ready and available differ in the row (minReadySeconds); the lab folds minReadySeconds into R, \
         so ready and available always coincide (§2.5)",
    ),
    (
        "TestDeploymentTimedOut",
        "nil progressDeadlineSeconds specified - no timeout",
        "the lab always has a progress deadline (progress_deadline_ticks, default 600); an unset \
         deadline is not modelled",
    ),
    (
        "TestDeploymentTimedOut",
        "infinite progressDeadlineSeconds specified - no timeout",
        "math.MaxInt32 (upstream's 'never') is above Limits::WAIT_TICKS_MAX (1,000,000), so the \
         scenario refuses it",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "scaling down rs1",
        "GetReplicaCountForReplicaSets/GetActual…/GetTerminating… have no public counterpart; status.replicas \
         lagging spec (observedGeneration) and ReplicaSet status are not modelled",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "scaling down rs1 and rs2",
        "GetReplicaCountForReplicaSets and its actual/terminating siblings have no public counterpart; \
         ReplicaSet status lagging spec is not modelled",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "scaling up rs3",
        "GetReplicaCountForReplicaSets and its actual/terminating siblings have no public counterpart; \
         an unsynced ReplicaSet status (observedGeneration 0) is not modelled",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "scaling down rs1 and rs2 and scaling up rs3",
        "GetReplicaCountForReplicaSets and its actual/terminating siblings have no public counterpart; \
         ReplicaSet status lagging spec is not modelled",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "invalid/unknown terminating status for rs4",
        "a nil (unknown) status.terminatingReplicas is not modelled: the lab always knows how many \
         instances drain (Revision::terminating)",
    ),
    (
        "TestGetReplicaCountForReplicaSets",
        "invalid/unknown terminating status for rs4 with rs1, rs2 and rs3",
        "a nil (unknown) status.terminatingReplicas is not modelled: the lab always knows how many \
         instances drain (Revision::terminating)",
    ),
    (
        "TestGetReplicaSetFraction",
        "unsynced deployment does not scale when max-replicas annotation is missing (removed by a 3rd party)",
        "the engine always writes the max-replicas annotation and keeps it private; a missing one \
         cannot be set up",
    ),
    (
        "TestGetReplicaSetFraction",
        "unsynced deployment does not scale when max-replicas annotation is incorrectly set to 0 (by a 3rd party)",
        "the max-replicas annotation is private to the engine and never 0 once written; it cannot be \
         edited by a third party",
    ),
    (
        "TestGetReplicaSetFraction",
        "scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is missing (removed by a 3rd party)",
        "falls back to deployment.status.replicas when the annotation is missing; the engine's \
         annotation is never missing and deployment status is not an input",
    ),
    (
        "TestGetReplicaSetFraction",
        "scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation is incorrectly set to 0 (by a 3rd party)",
        "falls back to deployment.status.replicas when the annotation is 0; the engine's annotation \
         cannot be edited and deployment status is not an input",
    ),
];

// ---------------------------------------------------------------------------------------------
// Helpers: revisions built from a row, and one controller pass over them.

/// `"25%"` → a percentage, `"3"` → a count; anything else is refused as Kubernetes refuses it.
fn limit(text: &str) -> Result<IntOrPercent, String> {
    let json = if text.parse::<i64>().is_ok() { text.to_owned() } else { format!("\"{text}\"") };
    serde_json::from_str(&json).map_err(|error| error.to_string())
}

/// Limits as a row writes them. Built directly rather than through `RollingUpdate::validated`:
/// upstream's helpers are called with limits (0/0) that validation refuses in both Kubernetes and
/// the lab, and resolve them all the same.
fn rolling(surge: &str, unavailable: &str) -> RollingUpdate {
    RollingUpdate { max_surge: limit(surge).unwrap(), max_unavailable: limit(unavailable).unwrap() }
}

/// Revision `number`, created at tick `number`, with `desired` wanted and `available` in service.
/// Every wanted instance is live (the strategies read `live` only for Recreate's wait).
fn revision(number: u32, desired: u32, available: u32) -> Revision {
    let image = Digest::of(&number.to_le_bytes());
    let mut revision = Revision::new(number, image, ImageRef::digest(image), u64::from(number));
    revision.desired = desired;
    revision.live = desired.max(available);
    revision.available = available;
    revision
}

/// Revisions from (desired, available) pairs, oldest first; the last is the rollout target.
fn revisions(counts: &[(u32, u32)]) -> Vec<Revision> {
    (1..).zip(counts).map(|(number, &(desired, available))| revision(number, desired, available)).collect()
}

/// One strategy pass (`Strategy::reconcile`) for a fleet of `replicas`; the last revision is the
/// target. Returns whether the pass changed anything.
fn pass(strategy: &dyn Strategy, revisions: &mut [Revision], replicas: u32) -> bool {
    let target = revisions.len() - 1;
    pass_towards(strategy, revisions, replicas, target)
}

fn pass_towards(strategy: &dyn Strategy, revisions: &mut [Revision], replicas: u32, target: usize) -> bool {
    let mut status = RolloutStatus::default();
    let mut fleet = RolloutFleet {
        replicas,
        revisions: DesiredCounts::new(revisions),
        target,
        now: 0,
        status: &mut status,
    };
    strategy.reconcile(&mut fleet)
}

/// Makes every revision "last sized for `replicas` under `strategy`" — Kubernetes' desired-replicas
/// and max-replicas annotations, which the engine keeps private. Each revision in turn is made the
/// only active one, which the engine then sizes to `replicas` and annotates with `replicas` and
/// `replicas + surge` (§2.9: one active revision simply becomes N); the row's counts are then
/// put back. Without this every revision would look freshly resized and the pass would go to
/// proportional scaling.
fn sized_for(revisions: &mut [Revision], strategy: &RollingUpdate, replicas: u32) {
    let wanted: Vec<u32> = revisions.iter().map(|r| r.desired).collect();
    for index in 0..revisions.len() {
        for (other, revision) in revisions.iter_mut().enumerate() {
            revision.desired = u32::from(other == index);
        }
        pass_towards(strategy, revisions, replicas, index);
    }
    for (revision, desired) in revisions.iter_mut().zip(wanted) {
        revision.desired = desired;
    }
}

fn desired(revisions: &[Revision]) -> Vec<u32> {
    revisions.iter().map(|r| r.desired).collect()
}

// ---------------------------------------------------------------------------------------------
// deployment_util_test.go: limits.

/// `TestResolveFenceposts`: row, maxSurge, maxUnavailable, spec.replicas, then (surge,
/// unavailable), or `None` where upstream expects an error. `nil` is an unset pointer, which
/// `ResolveFenceposts` resolves as 0 (the engine takes values, so it is given `0`).
type FencepostRow = (&'static str, &'static str, &'static str, u32, Option<(u32, u32)>);

const FENCEPOSTS: &[FencepostRow] = &[
    ("TestResolveFenceposts #0", "0%", "0%", 0, Some((0, 1))),
    ("TestResolveFenceposts #1", "39%", "39%", 10, Some((4, 3))),
    ("TestResolveFenceposts #2", "oops", "39%", 10, None),
    ("TestResolveFenceposts #3", "55%", "urg", 10, None),
    ("TestResolveFenceposts #4", "nil", "39%", 10, Some((0, 3))),
    ("TestResolveFenceposts #5", "39%", "nil", 10, Some((4, 0))),
    ("TestResolveFenceposts #6", "nil", "nil", 10, Some((0, 1))),
];

#[test]
fn resolve_fenceposts_rows() {
    let read = |text: &str| if text == "nil" { Ok(IntOrPercent::Int(0)) } else { limit(text) };
    for &(row, surge, unavailable, replicas, expected) in FENCEPOSTS {
        match (read(surge), read(unavailable), expected) {
            (Ok(max_surge), Ok(max_unavailable), Some(want)) => {
                let limits = RollingUpdate { max_surge, max_unavailable };
                assert_eq!(limits.fenceposts(replicas), want, "{row}");
            }
            (surge, unavailable, None) => {
                assert!(surge.is_err() || unavailable.is_err(), "{row}: upstream refuses these limits")
            }
            (surge, unavailable, Some(_)) => panic!("{row}: refused: {surge:?} {unavailable:?}"),
        }
    }
}

/// `TestMaxUnavailable` (maxSurge 1): row, then `Some((replicas, maxUnavailable))` for a rolling
/// update or `None` for Recreate, then the expected `MaxUnavailable`.
type MaxUnavailableRow = (&'static str, Option<(u32, &'static str)>, u32);

const MAX_UNAVAILABLE: &[MaxUnavailableRow] = &[
    ("TestMaxUnavailable/maxUnavailable less than replicas", Some((10, "5")), 5),
    ("TestMaxUnavailable/maxUnavailable equal replicas", Some((10, "10")), 10),
    ("TestMaxUnavailable/maxUnavailable greater than replicas", Some((5, "10")), 5),
    ("TestMaxUnavailable/maxUnavailable with replicas is 0", Some((0, "10")), 0),
    ("TestMaxUnavailable/maxUnavailable with Recreate deployment strategy", None, 0),
    ("TestMaxUnavailable/maxUnavailable less than replicas with percents", Some((10, "50%")), 5),
    ("TestMaxUnavailable/maxUnavailable equal replicas with percents", Some((10, "100%")), 10),
    ("TestMaxUnavailable/maxUnavailable greater than replicas with percents", Some((5, "100%")), 5),
];

#[test]
fn max_unavailable_rows() {
    for &(row, rolling_update, expected) in MAX_UNAVAILABLE {
        match rolling_update {
            Some((replicas, unavailable)) => {
                let strategy = rolling("1", unavailable);
                assert_eq!(strategy.unavailable_for(replicas), expected, "{row}");
                assert_eq!(Strategy::max_unavailable(&strategy, replicas), expected, "{row}");
            }
            // The row leaves spec.replicas unset: Recreate gives 0 whatever the fleet.
            None => {
                for replicas in [0, 1, 10] {
                    assert_eq!(Recreate {}.max_unavailable(replicas), expected, "{row}, N = {replicas}");
                }
            }
        }
    }
}

/// `TestMinAvailable` (maxSurge 1), rolling rows: replicas, maxUnavailable, expected
/// `MinAvailable` = N − MaxUnavailable, the floor `reconcile_old` keeps (§2.4).
const MIN_AVAILABLE: &[(&str, u32, &str, u32)] = &[
    ("TestMinAvailable/replicas greater than maxUnavailable", 10, "5", 5),
    ("TestMinAvailable/replicas equal maxUnavailable", 10, "10", 0),
    ("TestMinAvailable/replicas less than maxUnavailable", 5, "10", 0),
    ("TestMinAvailable/replicas is 0", 0, "10", 0),
    ("TestMinAvailable/replicas greater than maxUnavailable with percents", 10, "60%", 4),
    ("TestMinAvailable/replicas equal maxUnavailable with percents", 10, "100%", 0),
    ("TestMinAvailable/replicas less than maxUnavailable with percents", 5, "100%", 0),
];

#[test]
fn min_available_rows() {
    for &(row, replicas, unavailable, expected) in MIN_AVAILABLE {
        assert_eq!(replicas - rolling("1", unavailable).unavailable_for(replicas), expected, "{row}");
    }
}

// ---------------------------------------------------------------------------------------------
// Growing the new revision: TestNewRSNewReplicas, TestDeploymentController_reconcileNewReplicaSet.

/// A row about the new revision's size after one pass: row, spec.replicas, maxSurge,
/// maxUnavailable, old revision (desired, available), new revision (desired, available), expected
/// new size (the row's `newRSReplicas` where upstream expects no scaling).
type NewRow = (&'static str, u32, &'static str, &'static str, (u32, u32), (u32, u32), u32);

const NEW_REPLICAS: &[NewRow] = &[
    // allRSs = [rs5]; the engine's total also counts the new revision (2), which changes nothing:
    // the surge room (16 − 7) exceeds what is left to reach N (4).
    ("TestNewRSNewReplicas/scale up - to depReplicas", 6, "10", "1", (5, 0), (2, 0), 6),
    (
        "TestDeploymentController_reconcileNewReplicaSet #0 (should not scale up)",
        10,
        "0",
        "0",
        (10, 0),
        (0, 0),
        0,
    ),
    ("TestDeploymentController_reconcileNewReplicaSet #1", 10, "2", "0", (10, 0), (0, 0), 2),
    ("TestDeploymentController_reconcileNewReplicaSet #2", 10, "2", "0", (5, 0), (0, 0), 7),
    ("TestDeploymentController_reconcileNewReplicaSet #3", 10, "2", "0", (10, 0), (2, 0), 2),
    (
        "TestDeploymentController_reconcileNewReplicaSet #4 (should scale down)",
        10,
        "2",
        "0",
        (2, 0),
        (11, 0),
        10,
    ),
];

#[test]
fn new_revision_rows() {
    for &(row, replicas, surge, unavailable, old, new, expected) in NEW_REPLICAS {
        let strategy = rolling(surge, unavailable);
        let mut fleet = revisions(&[old, new]);
        sized_for(&mut fleet, &strategy, replicas);
        pass(&strategy, &mut fleet, replicas);
        assert_eq!(fleet[1].desired, expected, "{row}: {:?}", desired(&fleet));
    }
}

/// `TestNewRSNewReplicas/recreate - to depReplicas` (spec.replicas 3, newRS 1 → 3): under Recreate
/// the new ReplicaSet goes straight to spec.replicas. `NewRSNewReplicas` ignores `rs5` for
/// Recreate; the engine reaches this step once no old instance runs (§2.8), so rs5 is given with
/// its 5 wanted but none running, and the passes run until nothing changes.
#[test]
fn new_revision_under_recreate_row() {
    let row = "TestNewRSNewReplicas/recreate - to depReplicas";
    let mut fleet = revisions(&[(5, 0), (1, 0)]);
    fleet[0].live = 0;
    let mut passes = 0;
    while pass(&Recreate {}, &mut fleet, 3) {
        passes += 1;
        assert!(passes < 8, "{row}: no fixed point");
    }
    assert_eq!(desired(&fleet), [0, 3], "{row}");
}

// ---------------------------------------------------------------------------------------------
// Shrinking old revisions: the rolling_test.go tables.

/// `TestDeploymentController_reconcileOldReplicaSets` (maxSurge 0): row, spec.replicas,
/// maxUnavailable, old (desired, available), new (desired, available), expected old size (the
/// row's `oldReplicas` where upstream expects no scaling). Upstream's `expectedOldReplicas` is
/// asserted as written in the table.
type OldRow = (&'static str, u32, &'static str, (u32, u32), (u32, u32), u32);

const OLD_REPLICAS: &[OldRow] = &[
    ("TestDeploymentController_reconcileOldReplicaSets #0", 10, "0", (10, 10), (0, 0), 9),
    ("TestDeploymentController_reconcileOldReplicaSets #1", 10, "2", (10, 10), (0, 0), 8),
    (
        "TestDeploymentController_reconcileOldReplicaSets #2 (unhealthy replicas from old replica sets cleaned up)",
        10,
        "2",
        (10, 8),
        (0, 0),
        8,
    ),
    (
        "TestDeploymentController_reconcileOldReplicaSets #3 (1 unhealthy cleaned up, 1 ready scaled down)",
        10,
        "2",
        (10, 9),
        (0, 0),
        8,
    ),
    (
        "TestDeploymentController_reconcileOldReplicaSets #4 (unavailable new pods do not scale old down further)",
        10,
        "2",
        (8, 8),
        (2, 0),
        8,
    ),
];

#[test]
fn old_revision_rows() {
    for &(row, replicas, unavailable, old, new, expected) in OLD_REPLICAS {
        let strategy = rolling("0", unavailable);
        let mut fleet = revisions(&[old, new]);
        sized_for(&mut fleet, &strategy, replicas);
        pass(&strategy, &mut fleet, replicas);
        // The new revision does not move: the pass reached the old revisions.
        assert_eq!(desired(&fleet), [expected, new.0], "{row}");
    }
}

/// `TestDeploymentController_cleanupUnhealthyReplicas`: row, old desired, ready, unhealthy,
/// maxCleanupCount, expected cleanup count.
///
/// Upstream passes the budget in; the engine derives it inside the pass (§2.4 step 1:
/// total desired − (N − maxUnavailable) − unavailable new instances). The fleet is chosen so that
/// the derived budget is the row's: N = 10, a new revision already at N with none available, and
/// maxUnavailable = maxCleanupCount (maxSurge 1, so that 0 stays valid). The scale-down step runs in
/// the same pass; cleanup takes unready instances first, so the count cleaned up is the part of
/// the old revision's reduction that its unready instances cover.
const CLEANUP: &[(&str, u32, u32, u32, u32, u32)] = &[
    ("TestDeploymentController_cleanupUnhealthyReplicas #0", 10, 8, 2, 1, 1),
    ("TestDeploymentController_cleanupUnhealthyReplicas #1", 10, 8, 2, 3, 2),
    ("TestDeploymentController_cleanupUnhealthyReplicas #2", 10, 8, 2, 0, 0),
    ("TestDeploymentController_cleanupUnhealthyReplicas #3", 10, 10, 0, 3, 0),
];

#[test]
fn cleanup_unhealthy_rows() {
    for &(row, old, ready, unhealthy, max_cleanup, expected) in CLEANUP {
        assert_eq!(old - ready, unhealthy, "{row}: the table's own arithmetic");
        let strategy = rolling("1", &max_cleanup.to_string());
        let mut fleet = revisions(&[(old, ready), (10, 0)]);
        sized_for(&mut fleet, &strategy, 10);
        pass(&strategy, &mut fleet, 10);
        assert_eq!(fleet[1].desired, 10, "{row}: the new revision does not move");
        let removed = old - fleet[0].desired;
        assert_eq!(removed.min(unhealthy), expected, "{row}: {:?}", desired(&fleet));
    }
}

/// `TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate` (maxSurge 0, no new
/// ReplicaSet: the engine's target is an empty revision): row, spec.replicas, maxUnavailable,
/// ready, old desired, then `Some(expectedOldReplicas)` where upstream expects scaling.
///
/// The engine's pass cleans up unready old instances before this step (§2.4), so the row is read
/// as: the pass takes `oldReplicas − expectedOldReplicas` *available* instances (0 where upstream
/// expects no scaling) — its reduction beyond the old revision's unready instances.
type ScaleDownRow = (&'static str, u32, &'static str, u32, u32, Option<u32>);

const SCALE_DOWN_OLD: &[ScaleDownRow] = &[
    ("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate #0", 10, "0", 10, 10, Some(9)),
    ("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate #1", 10, "2", 10, 10, Some(8)),
    ("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate #2", 10, "2", 8, 10, None),
    ("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate #3", 10, "2", 10, 0, None),
    ("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate #4", 10, "2", 1, 10, None),
];

#[test]
fn scale_down_old_rows() {
    for &(row, replicas, unavailable, ready, old, expected) in SCALE_DOWN_OLD {
        let strategy = rolling("0", unavailable);
        let mut fleet = revisions(&[(old, ready), (0, 0)]);
        sized_for(&mut fleet, &strategy, replicas);
        pass(&strategy, &mut fleet, replicas);
        let removed = old - fleet[0].desired;
        let unready = old.saturating_sub(ready);
        let available_taken = removed.saturating_sub(unready);
        assert_eq!(available_taken, expected.map_or(0, |after| old - after), "{row}: {:?}", desired(&fleet));
        if let Some(after) = expected {
            assert_eq!(fleet[0].desired, after, "{row}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// sync_test.go TestScale and GetReplicaSetFraction: proportional scaling (§2.9).

/// One resize: the deployment the revisions were last sized for (`oldDeployment`: replicas,
/// maxSurge), the deployment now (replicas, maxSurge, maxUnavailable), the revisions' sizes oldest
/// first (the last is the target; a row without a new ReplicaSet gets an empty target, which is
/// how the engine holds a template whose revision has no instances yet), and the sizes expected.
struct Resize {
    row: &'static str,
    from: (u32, &'static str),
    to: (u32, &'static str, &'static str),
    sizes: &'static [u32],
    expected: &'static [u32],
}

const SCALE: &[Resize] = &[
    Resize {
        row: "TestScale/normal scaling event: 10 -> 12",
        from: (10, "0"),
        to: (12, "0", "0"),
        sizes: &[10],
        expected: &[12],
    },
    Resize {
        row: "TestScale/normal scaling event: 10 -> 5",
        from: (10, "0"),
        to: (5, "0", "0"),
        sizes: &[10],
        expected: &[5],
    },
    Resize {
        row: "TestScale/proportional scaling: 5 -> 10",
        from: (5, "0"),
        to: (10, "0", "0"),
        sizes: &[3, 2],
        expected: &[6, 4],
    },
    Resize {
        row: "TestScale/proportional scaling: 5 -> 3",
        from: (5, "0"),
        to: (3, "0", "0"),
        sizes: &[3, 2],
        expected: &[2, 1],
    },
    Resize {
        row: "TestScale/proportional scaling: 9 -> 4",
        from: (9, "0"),
        to: (4, "0", "0"),
        sizes: &[1, 8],
        expected: &[0, 4],
    },
    Resize {
        row: "TestScale/proportional scaling: 7 -> 10",
        from: (7, "0"),
        to: (10, "0", "0"),
        sizes: &[2, 3, 2],
        expected: &[3, 4, 3],
    },
    Resize {
        row: "TestScale/proportional scaling: 13 -> 8",
        from: (13, "0"),
        to: (8, "0", "0"),
        sizes: &[3, 8, 2],
        expected: &[2, 5, 1],
    },
    Resize {
        row: "TestScale/leftover distribution: 3 -> 4",
        from: (3, "0"),
        to: (4, "0", "0"),
        sizes: &[1, 1, 1],
        expected: &[1, 1, 2],
    },
    Resize {
        row: "TestScale/leftover distribution: 3 -> 2",
        from: (3, "0"),
        to: (2, "0", "0"),
        sizes: &[1, 1, 1],
        expected: &[0, 1, 1],
    },
    Resize {
        row: "TestScale/proportional scaling (no new rs): 4 -> 5",
        from: (4, "0"),
        to: (5, "0", "0"),
        sizes: &[2, 2, 0],
        expected: &[2, 3, 0],
    },
    Resize {
        row: "TestScale/proportional scaling: 6 -> 0",
        from: (6, "0"),
        to: (0, "0", "0"),
        sizes: &[1, 2, 3],
        expected: &[0, 0, 0],
    },
    Resize {
        row: "TestScale/proportional scaling: 0 -> 6",
        from: (6, "0"),
        to: (6, "0", "0"),
        sizes: &[0, 0, 0],
        expected: &[0, 0, 6],
    },
    Resize {
        row: "TestScale/deployment with surge pods",
        from: (10, "2"),
        to: (20, "2", "0"),
        sizes: &[6, 6],
        expected: &[11, 11],
    },
    Resize {
        row: "TestScale/change both surge and size",
        from: (10, "3"),
        to: (50, "6", "0"),
        sizes: &[8, 5],
        expected: &[34, 22],
    },
    Resize {
        row: "TestScale/change both size and template",
        from: (10, "0"),
        to: (14, "0", "0"),
        sizes: &[3, 7, 0],
        expected: &[4, 10, 0],
    },
    // Not a scaling event (both deployments have 2 replicas): upstream calls `scale` directly,
    // the engine's pass runs the rolling update instead (§2.3), which leaves these sizes too.
    Resize {
        row: "TestScale/saturated but broken new replica set does not affect old pods",
        from: (2, "1"),
        to: (2, "1", "1"),
        sizes: &[1, 2],
        expected: &[1, 2],
    },
];

/// Runs one resize: revisions (none available, as upstream's `rs()` sets no status) sized for
/// `from`, then one pass for `to`.
fn resize(case: &Resize) -> Vec<u32> {
    let counts: Vec<(u32, u32)> = case.sizes.iter().map(|&size| (size, 0)).collect();
    let mut fleet = revisions(&counts);
    sized_for(&mut fleet, &rolling(case.from.1, "0"), case.from.0);
    let (replicas, surge, unavailable) = case.to;
    pass(&rolling(surge, unavailable), &mut fleet, replicas);
    desired(&fleet)
}

#[test]
fn scale_rows() {
    for case in SCALE {
        assert_eq!(resize(case), case.expected, "{}: sizes {:?}", case.row, case.sizes);
    }
}

/// `TestGetReplicaSetFraction` rows whose fraction can be seen: the ReplicaSet's change in one
/// proportional-scaling pass. The row's ReplicaSet is the target; a companion (older) revision
/// makes it a rollout with two active revisions, sized so that the row's fraction is neither
/// capped by what is left to add nor topped up with leftovers. Row, the deployment the revisions
/// were sized for (its replicas + maxSurge give the row's max-replicas annotation), the
/// deployment now (replicas, maxSurge), the row's ReplicaSet size, the companion's size, and the
/// expected fraction.
type FractionRow = (&'static str, (u32, &'static str), (u32, &'static str), u32, u32, i64);

const FRACTION: &[FractionRow] = &[
    ("TestGetReplicaSetFraction/empty deployment always scales to 0", (10, "0"), (0, "0"), 10, 5, -10),
    (
        "TestGetReplicaSetFraction/scale up by 1/5 should increase RS replicas by 1/5",
        (100, "0"),
        (120, "0"),
        50,
        50,
        10,
    ),
    (
        "TestGetReplicaSetFraction/scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5",
        (100, "10"),
        (120, "10"),
        50,
        60,
        9,
    ),
    (
        "TestGetReplicaSetFraction/scale down by 1/6 should decrease RS replicas by 1/6",
        (12, "0"),
        (10, "0"),
        6,
        6,
        -1,
    ),
    (
        "TestGetReplicaSetFraction/scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6",
        (120, "10"),
        (100, "10"),
        50,
        80,
        -8,
    ),
];

#[test]
fn replica_set_fraction_rows() {
    for &(row, from, to, size, companion, expected) in FRACTION {
        let mut fleet = revisions(&[(companion, 0), (size, 0)]);
        sized_for(&mut fleet, &rolling(from.1, "0"), from.0);
        pass(&rolling(to.1, "1"), &mut fleet, to.0);
        let change = i64::from(fleet[1].desired) - i64::from(size);
        assert_eq!(change, expected, "{row}: {:?}", desired(&fleet));
    }
}

// ---------------------------------------------------------------------------------------------
// Conditions, through scenarios: TestDeploymentComplete, TestDeploymentTimedOut.

/// A rolling update of `fleet` instances from v1 to v2 (deployed at tick 0) with the given limits
/// and progress deadline, R = 1, G = 0; `broken` builds a v2 that never becomes ready.
fn rollout(fleet: u32, surge: u32, unavailable: u32, deadline: u64, broken: bool) -> Driver {
    Driver::from_json(&format!(
        r#"{{
      "seed": 1, "fleet_size": {fleet}, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "progress_deadline_ticks": {deadline},
      "image": {{"base": "ubuntu-22.04", "app_version": "1"}},
      "strategy": {{"type": "rolling", "max_surge": {surge}, "max_unavailable": {unavailable}}},
      "timeline": [
        {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2", "broken": {broken}}}}}}},
        {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}
      ]
    }}"#
    ))
}

/// Upstream's status triple (status.replicas, updatedReplicas, availableReplicas) after a tick:
/// live instances over all revisions, live instances of the target, instances in service.
fn status(world: &World) -> (u32, u32, u32) {
    let revisions = world.revisions();
    let live = revisions.iter().map(|r| r.live).sum();
    let available = revisions.iter().map(|r| r.available).sum();
    (live, world.target_revision().live, available)
}

/// `TestDeploymentComplete`: row, spec.replicas, maxSurge, maxUnavailable, a broken v2, the status
/// (current, updated, available), and whether it is complete. The rollout is run until a tick
/// shows the row's status; the row's Progressing condition must then say complete or not.
/// `DeploymentComplete` reads neither limit; where the row's are 0/0 (refused by validation in
/// both Kubernetes and the lab) the scenario uses 1/0.
type CompleteRow = (&'static str, u32, u32, u32, bool, (u32, u32, u32), bool);

const COMPLETE: &[CompleteRow] = &[
    (
        "TestDeploymentComplete/not complete: min but not all pods become available",
        5,
        0,
        1,
        false,
        (5, 5, 4),
        false,
    ),
    ("TestDeploymentComplete/complete (limits 0/0 in the row)", 5, 1, 0, false, (5, 5, 5), true),
    ("TestDeploymentComplete/not complete: still running old pods", 1, 1, 0, false, (2, 1, 1), false),
    (
        "TestDeploymentComplete/not complete: one replica deployment never comes up",
        1,
        1,
        1,
        true,
        (1, 1, 0),
        false,
    ),
];

#[test]
fn deployment_complete_rows() {
    for &(row, replicas, surge, unavailable, broken, want, complete) in COMPLETE {
        let mut lab = rollout(replicas, surge, unavailable, 600, broken);
        let run = lab.rows(12, |world, tick| (tick, status(world), world.conditions().progressing));
        let (tick, _, progressing) = run
            .rows
            .iter()
            .find(|(_, seen, _)| *seen == want)
            .unwrap_or_else(|| panic!("{row}: no tick shows {want:?}: {:?}", run.rows));
        assert_eq!(*progressing == Progressing::Complete, complete, "{row}: tick {tick} {progressing:?}");
    }
}

/// `TestDeploymentTimedOut` with a deadline of 10 (seconds upstream, ticks here): row, ticks since
/// the last progress, whether the rollout has timed out. A broken v2 stops making progress; the
/// condition's last update is the engine's own record of it.
const TIMED_OUT: &[(&str, u64, bool)] = &[
    (
        "TestDeploymentTimedOut/progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s",
        11,
        true,
    ),
    (
        "TestDeploymentTimedOut/progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s",
        9,
        false,
    ),
];

#[test]
fn deployment_timed_out_rows() {
    let mut lab = rollout(3, 1, 0, 10, true);
    let run = lab.rows(30, |world, tick| (tick, world.conditions()));
    let stalled = run.rows.iter().find(|(_, c)| c.reason == ConditionReason::ProgressDeadlineExceeded);
    let (_, at_stall) = stalled.unwrap_or_else(|| panic!("never stalled: {:?}", run.rows));
    let last_progress = at_stall.last_update_tick;
    for &(row, elapsed, timed_out) in TIMED_OUT {
        let (_, conditions) = run.rows.iter().find(|(tick, _)| *tick == last_progress + elapsed).unwrap();
        assert_eq!(conditions.progressing == Progressing::False, timed_out, "{row}: {conditions:?}");
        assert_eq!(conditions.reason == ConditionReason::ProgressDeadlineExceeded, timed_out, "{row}");
    }
}

/// `TestDeploymentTimedOut/previous status was a complete deployment`: a complete rollout is not
/// checked against the deadline (§2.6), however long nothing moves afterwards.
#[test]
fn a_complete_deployment_never_times_out_row() {
    let row = "TestDeploymentTimedOut/previous status was a complete deployment";
    let mut lab = rollout(3, 1, 0, 2, false);
    let run = lab.rows(20, |world, _| world.conditions());
    let last = run.rows.last().unwrap();
    assert_eq!(
        (last.progressing, last.reason),
        (Progressing::Complete, ConditionReason::NewReplicaSetAvailable),
        "{row}"
    );
    assert!(
        run.rows.iter().all(|c| c.reason != ConditionReason::ProgressDeadlineExceeded),
        "{row}: {:?}",
        run.rows
    );
}

// ---------------------------------------------------------------------------------------------
// The bookkeeping of this file.

#[test]
fn rows_not_expressed_say_why() {
    common::tables::assert_each_says_why(NOT_EXPRESSED);
}

#[test]
fn the_priming_leaves_no_scaling_event() {
    // A settled fleet sized for N: the pass changes nothing. (Proportional scaling always reports a
    // change, so a quiet pass shows the revisions count as sized for N.)
    let strategy = rolling("25%", "25%");
    let mut fleet = revisions(&[(0, 0), (10, 10)]);
    sized_for(&mut fleet, &strategy, 10);
    assert!(!pass(&strategy, &mut fleet, 10));
    assert_eq!(desired(&fleet), [0, 10]);
}
