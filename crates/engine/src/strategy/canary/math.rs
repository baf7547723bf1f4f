//! The replica arithmetic of Argo Rollouts' basic (replica-weighted) canary: how many canary and
//! stable instances approximate a traffic weight, and how far one reconcile may move towards them
//! within maxSurge and maxUnavailable (§3.3 of docs/semantics.md; `utils/replicaset/canary.go`).
//! All arithmetic is on integers, so the rounding ties Argo documents are decided exactly.

/// A ReplicaSet as the arithmetic sees it: wanted and available instances.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// `spec.replicas`.
    pub desired: u32,
    /// `status.availableReplicas`.
    pub available: u32,
}

/// The inputs of one calculation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CanaryInput {
    /// The rollout's `spec.replicas`.
    pub replicas: u32,
    /// The weight to approximate, 0 to 100.
    pub weight: u32,
    /// `MaxSurge(rollout)`.
    pub max_surge: u32,
    /// `MaxUnavailable(rollout)`.
    pub max_unavailable: u32,
    /// The canary (new) ReplicaSet.
    pub canary: Counts,
    /// The stable ReplicaSet, if there is one distinct from the canary.
    pub stable: Option<Counts>,
    /// All older ReplicaSets together.
    pub older: Counts,
}

/// `approximateWeightedCanaryStableReplicaCounts`: the (canary, stable) split whose share is
/// closest to `weight`, allowing one extra instance when surge is allowed; ties go to the first
/// candidate (the larger canary).
pub fn approximate_counts(replicas: u32, weight: u32, max_surge: u32) -> (u32, u32) {
    if replicas == 0 {
        return (0, 0);
    }
    let (n, w) = (u64::from(replicas), u64::from(weight));
    let ceil = (n * w).div_ceil(100);
    let floor = n * w / 100;
    // Floor and ceiling are equally far from the weight when the exact count ends in .5.
    let tied = |total: u64| (total * w) % 100 == 50;
    let zero_allowed = weight == 100 || weight == 0 || (replicas == 1 && max_surge == 0);
    // At most four candidates, kept on the stack: this runs in every canary reconcile.
    let mut options = [(0u64, 0u64); 4];
    let mut len = 0;
    let mut offer = |option: (u64, u64)| {
        options[len] = option;
        len += 1;
    };
    if ceil < n || zero_allowed {
        offer((ceil, n));
    }
    if !tied(n) && (floor != 0 || zero_allowed) {
        offer((floor, n));
    }
    if max_surge > 0 {
        offer((ceil, n + 1));
        if !tied(n + 1) && (floor != 0 || zero_allowed) {
            offer((floor, n + 1));
        }
    }
    let options = &options[..len];
    // |canary·100/total − w| compared exactly: |canary·100 − w·total| / total.
    let delta = |(canary, total): (u64, u64)| ((canary * 100).abs_diff(w * total), total);
    let closer = |a: (u64, u64), b: (u64, u64)| {
        let ((da, ta), (db, tb)) = (delta(a), delta(b));
        da * tb < db * ta
    };
    let Some(mut best) = options.first().copied() else { return (0, replicas) };
    for &option in &options[1..] {
        if closer(option, best) {
            best = option;
        }
    }
    (best.0 as u32, (best.1 - best.0) as u32)
}

/// `CalculateReplicaCountsForBasicCanary`: the (canary, stable) sizes one reconcile moves to.
pub fn basic_canary_counts(input: CanaryInput) -> (u32, u32) {
    let replicas = i64::from(input.replicas);
    let (mut desired_canary, mut desired_stable) = {
        let (c, s) = approximate_counts(input.replicas, input.weight, input.max_surge);
        (i64::from(c), i64::from(s))
    };
    let mut canary_count = i64::from(input.canary.desired);
    let mut stable_count = 0i64;
    match input.stable {
        Some(stable) => stable_count = i64::from(stable.desired),
        None => {
            // No separate stable: skip the steps and bring the canary to the whole fleet.
            desired_canary = replicas;
            desired_stable = 0;
        }
    }
    let max_allowed = replicas + i64::from(input.max_surge);
    let total = i64::from(input.older.desired)
        + i64::from(input.canary.desired)
        + input.stable.map_or(0, |s| i64::from(s.desired));
    let mut scale_up = max_allowed - total;

    if let Some(stable) = input.stable
        && i64::from(stable.desired) < desired_stable
        && scale_up > 0
    {
        let current = i64::from(stable.desired);
        if current + scale_up < desired_stable {
            stable_count = current + scale_up;
            scale_up = 0;
        } else {
            stable_count = desired_stable;
            scale_up -= desired_stable - current;
        }
    }
    let canary_now = i64::from(input.canary.desired);
    if canary_now < desired_canary && scale_up > 0 {
        canary_count =
            if canary_now + scale_up < desired_canary { canary_now + scale_up } else { desired_canary };
    }
    if input.older.desired > 0 {
        // Older revisions are scaled down first, before canary or stable.
        return clamp(canary_count, stable_count);
    }

    let min_available = replicas - i64::from(input.max_unavailable);
    let increasing = desired_canary >= canary_now;
    let canary_rs = Some(input.canary);
    let to_scale_down = for_scale_down(canary_rs, !increasing) + for_scale_down(input.stable, increasing);
    if to_scale_down <= min_available {
        return clamp(canary_count, stable_count);
    }
    let scale_down = to_scale_down - min_available;
    if !increasing {
        canary_count = scale_down_count(canary_rs, desired_canary, scale_down, canary_count);
        (canary_count, stable_count) = adjust_within_limits(
            canary_rs,
            input.stable,
            canary_count,
            stable_count,
            max_allowed,
            min_available,
        );
    } else if input.stable.is_some() {
        stable_count = scale_down_count(input.stable, desired_stable, scale_down, stable_count);
        (stable_count, canary_count) = adjust_within_limits(
            input.stable,
            canary_rs,
            stable_count,
            canary_count,
            max_allowed,
            min_available,
        );
    }
    clamp(canary_count, stable_count)
}

fn clamp(canary: i64, stable: i64) -> (u32, u32) {
    (canary.max(0) as u32, stable.max(0) as u32)
}

/// `GetReplicasForScaleDown`: a ReplicaSet already shrinking counts at its spec; otherwise its
/// available instances, or its spec when availability may be ignored.
fn for_scale_down(rs: Option<Counts>, ignore_availability: bool) -> i64 {
    match rs {
        None => 0,
        Some(rs) if rs.desired < rs.available || ignore_availability => i64::from(rs.desired),
        Some(rs) => i64::from(rs.available),
    }
}

/// `calculateScaleDownReplicaCount`.
fn scale_down_count(drain: Option<Counts>, desired: i64, scale_down: i64, count: i64) -> i64 {
    match drain {
        Some(rs) if i64::from(rs.desired) > desired => desired.max(i64::from(rs.desired) - scale_down),
        _ => count,
    }
}

/// `adjustReplicaWithinLimits`: keep the pair within the surge ceiling and the availability floor.
fn adjust_within_limits(
    drain: Option<Counts>,
    adjust: Option<Counts>,
    mut drain_count: i64,
    mut adjust_count: i64,
    max_allowed: i64,
    min_available: i64,
) -> (i64, i64) {
    let mut over_the_limit = (adjust_count + drain_count - max_allowed).max(0);
    let mut total_available = drain.map_or(0, |rs| i64::from(rs.available).min(drain_count));
    if let Some(adjust) = adjust {
        let adjust_available = i64::from(adjust.available);
        adjust_count -= over_the_limit;
        total_available += adjust_available.min(adjust_count);
        let lost_availability = (adjust_available - adjust_count).max(0);
        let still_needed = (min_available - total_available).max(0);
        adjust_count += lost_availability.min(still_needed);
        over_the_limit = (adjust_count + drain_count - max_allowed).max(0);
        drain_count -= over_the_limit;
    }
    (drain_count, adjust_count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table of desired splits in §3.3 of docs/semantics.md.
    #[test]
    fn desired_splits_follow_the_documented_table() {
        for (replicas, weight, surge, expected) in [
            (10, 10, 3, (1, 9)),
            (10, 41, 3, (4, 6)),
            (10, 5, 3, (1, 10)),
            (10, 5, 0, (1, 9)),
            (3, 50, 1, (2, 2)),
            (1, 49, 0, (0, 1)),
            (1, 51, 0, (1, 0)),
            (1, 5, 1, (1, 1)),
        ] {
            assert_eq!(
                approximate_counts(replicas, weight, surge),
                expected,
                "{replicas} {weight}% surge {surge}"
            );
        }
    }
}
