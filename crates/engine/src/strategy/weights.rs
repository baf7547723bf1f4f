//! The traffic split by instances in service, the weighting every strategy without a router
//! uses: whole percentages that add up to 100.

use crate::Revision;

/// Percentages of requests by instances in service, in revision order.
pub(crate) fn weights_by_available(revisions: &[Revision], out: &mut Vec<u32>) {
    // Revisions are few (the history limit keeps them far under 64): counted on the stack, so a
    // tick allocates nothing.
    let mut counts = [0u32; 64];
    let len = revisions.len().min(counts.len());
    for (count, revision) in counts.iter_mut().zip(revisions) {
        *count = revision.available;
    }
    percentages(&counts[..len], out);
}

/// Integer percentages proportional to `counts` that add up to 100 when anything is counted
/// (largest remainder first, ties to the earlier entry). Allocation-free apart from `out`.
fn percentages(counts: &[u32], out: &mut Vec<u32>) {
    out.clear();
    let total: u64 = counts.iter().map(|c| u64::from(*c)).sum();
    if total == 0 {
        out.resize(counts.len(), 0);
        return;
    }
    out.extend(counts.iter().map(|count| (u64::from(*count) * 100 / total) as u32));
    let remainder = |i: usize| (u64::from(counts[i]) * 100) % total;
    // Revisions are few (the history limit keeps them under 64), so a bit mask marks the bumped.
    let mut bumped = 0u64;
    // Fewer points are missing than entries with a remainder, so each gets at most one.
    for _ in 0..(100 - out.iter().sum::<u32>()) {
        let next = (0..counts.len())
            .filter(|&i| counts[i] > 0 && bumped & (1 << (i % 64)) == 0)
            .max_by(|&a, &b| remainder(a).cmp(&remainder(b)).then(b.cmp(&a)));
        let Some(index) = next else { break };
        bumped |= 1 << (index % 64);
        out[index] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::percentages;

    #[test]
    fn shares_add_up_to_100() {
        let mut out = Vec::new();
        for counts in [vec![2, 1], vec![1, 1, 1], vec![0, 5], vec![0, 0], vec![7, 3, 3]] {
            percentages(&counts, &mut out);
            let sum: u32 = out.iter().sum();
            assert_eq!(sum, if counts.iter().sum::<u32>() == 0 { 0 } else { 100 }, "{counts:?} → {out:?}");
        }
        percentages(&[2, 1], &mut out);
        assert_eq!(out, [67, 33]);
        percentages(&[1, 1, 1], &mut out);
        assert_eq!(out, [34, 33, 33]);
    }
}
