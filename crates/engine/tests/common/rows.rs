//! The row formats the scenario tests compare, each a function of the world after a tick and the
//! tick's number, to hand to `Driver::rows`. Revisions read `r<number> desired/available`.

use lab_engine::{RevisionView, Snapshot, World};

/// `tick: r1 8/8 r2 5/0`: desired/available per revision.
pub fn counts(world: &World, tick: u64) -> String {
    format!("{tick}: {}", revisions(&world.snapshot(), plain))
}

/// `tick phase: r1 8/8 r2 2/0`: the rollout's phase, then desired/available per revision.
pub fn phase_counts(world: &World, tick: u64) -> String {
    let snapshot = world.snapshot();
    format!("{tick} {}: {}", snapshot.rollout.phase, revisions(&snapshot, plain))
}

/// `tick: r1 0/0+3 r2 0/0+0`: desired/available+terminating per revision.
pub fn terminating(world: &World, tick: u64) -> String {
    let cell = |r: &RevisionView, _| format!("{}/{}+{}", r.desired, r.available, r.terminating);
    format!("{tick}: {}", revisions(&world.snapshot(), cell))
}

/// `tick: r1 4/4@100 r2 4/0@0`: desired/available@traffic weight per revision.
pub fn weights(world: &World, tick: u64) -> String {
    format!("{tick}: {}", revisions(&world.snapshot(), weighted))
}

/// `tick phase step: r1 10/10@80 r2 2/2@20`: the rollout's phase and step (0 for none), then
/// desired/available@traffic weight per revision.
pub fn phase_step_weights(world: &World, tick: u64) -> String {
    let snapshot = world.snapshot();
    let (phase, step) = (snapshot.rollout.phase, snapshot.rollout.step.unwrap_or(0));
    format!("{tick} {phase} {step}: {}", revisions(&snapshot, weighted))
}

/// Instances in service (available) over all revisions.
pub fn in_service(world: &World, _tick: u64) -> u32 {
    world.snapshot().revisions.iter().map(|r| r.available).sum()
}

fn plain(r: &RevisionView, _weight: u32) -> String {
    format!("{}/{}", r.desired, r.available)
}

fn weighted(r: &RevisionView, weight: u32) -> String {
    format!("{}/{}@{weight}", r.desired, r.available)
}

/// `r<number> <cell>` for each revision, `cell` given the revision and its traffic weight.
fn revisions(snapshot: &Snapshot, cell: impl Fn(&RevisionView, u32) -> String) -> String {
    let weight = |index: usize| snapshot.traffic.get(index).map_or(0, |share| share.weight);
    let cells: Vec<String> = snapshot
        .revisions
        .iter()
        .enumerate()
        .map(|(index, r)| format!("r{} {}", r.revision, cell(r, weight(index))))
        .collect();
    cells.join(" ")
}
