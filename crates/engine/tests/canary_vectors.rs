//! Argo Rollouts' own test vectors for the basic canary's replica arithmetic
//! (`TestCalculateReplicaCountsForCanary` in `utils/replicaset/canary_test.go`, the cases without
//! traffic routing): the lab must land on exactly the same stable and canary sizes.

use lab_engine::strategy::canary_math::{CanaryInput, Counts, basic_canary_counts};
use lab_engine::strategy::{IntOrPercent, RollingUpdate};

/// One case: replicas, setWeight, maxSurge, maxUnavailable, stable spec/available, canary
/// spec/available, older spec/available, then the expected (stable, canary).
type Case = (u32, u32, &'static str, &'static str, (u32, u32), (u32, u32), (u32, u32), (u32, u32));

fn limit(text: &str) -> IntOrPercent {
    serde_json::from_str(&if text.ends_with('%') { format!("\"{text}\"") } else { text.to_owned() }).unwrap()
}

#[test]
fn basic_canary_counts_match_argo_rollouts() {
    let cases: [Case; 26] = [
        (10, 100, "3", "0", (7, 8), (6, 3), (0, 0), (7, 6)),
        (10, 20, "2", "0", (10, 10), (0, 0), (0, 0), (10, 2)),
        (10, 20, "20%", "0", (10, 10), (0, 0), (0, 0), (10, 2)),
        (10, 20, "20%", "0", (10, 10), (2, 2), (0, 0), (8, 2)),
        (10, 30, "2", "0", (10, 10), (0, 0), (0, 0), (10, 2)),
        (10, 20, "0", "2", (10, 10), (0, 0), (0, 0), (8, 0)),
        (10, 20, "0", "20%", (10, 10), (0, 0), (0, 0), (8, 0)),
        (10, 30, "0", "2", (10, 10), (0, 0), (0, 0), (8, 0)),
        (10, 50, "2", "1", (10, 10), (0, 0), (0, 0), (9, 2)),
        (10, 0, "1", "1", (10, 10), (1, 1), (0, 0), (10, 0)),
        (10, 100, "1", "1", (1, 1), (10, 10), (0, 0), (0, 10)),
        (1, 20, "1", "0", (1, 1), (0, 0), (0, 0), (1, 1)),
        (1, 90, "1", "0", (1, 1), (0, 0), (0, 0), (1, 1)),
        (1, 49, "0", "1", (1, 1), (0, 0), (0, 0), (1, 0)),
        (1, 51, "0", "1", (1, 1), (0, 0), (0, 0), (0, 0)),
        (1, 51, "0", "1", (0, 0), (0, 0), (0, 0), (0, 1)),
        (10, 30, "1", "0", (1, 1), (0, 0), (3, 3), (7, 1)),
        (10, 30, "0", "3", (8, 5), (4, 4), (0, 0), (7, 3)),
        (10, 100, "1", "0", (10, 2), (10, 8), (0, 0), (2, 9)),
        (10, 30, "0", "1", (8, 6), (4, 2), (3, 3), (8, 4)),
        (10, 5, "0", "1", (10, 10), (0, 0), (0, 0), (9, 0)),
        (10, 5, "0", "1", (9, 9), (0, 0), (0, 0), (9, 1)),
        (10, 10, "0%", "0%", (10, 10), (0, 0), (0, 0), (9, 0)),
        (4, 100, "1", "0", (4, 1), (0, 0), (0, 0), (4, 1)),
        (3, 99, "0", "2", (3, 3), (0, 0), (0, 0), (1, 0)),
        (3, 99, "0", "2", (1, 1), (0, 0), (0, 0), (1, 2)),
    ];
    for (index, (replicas, weight, surge, unavailable, stable, canary, older, expected)) in
        cases.into_iter().enumerate()
    {
        // Argo resolves the limits like Kubernetes, including the both-zero fallback.
        let limits = RollingUpdate { max_surge: limit(surge), max_unavailable: limit(unavailable) };
        let input = CanaryInput {
            replicas,
            weight,
            max_surge: limits.surge_for(replicas),
            max_unavailable: limits.unavailable_for(replicas),
            canary: Counts { desired: canary.0, available: canary.1 },
            stable: Some(Counts { desired: stable.0, available: stable.1 }),
            older: Counts { desired: older.0, available: older.1 },
        };
        let (canary_count, stable_count) = basic_canary_counts(input);
        assert_eq!((stable_count, canary_count), expected, "case {index}: {input:?}");
    }
}
