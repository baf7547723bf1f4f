//! What time travel keeps: checkpoints of the lab to carry on from, and earlier branches with a
//! summary of how each stood. The lab's time-travel actions are in `branches.rs`.

use std::rc::Rc;

use lab_engine::{Playback, TimedCommand, World};

use crate::lab::lesson_session::LessonSession;
use crate::lab::timeline::Timeline;

/// Ticks between checkpoints: scrubbing replays at most this many ticks.
pub const CHECKPOINT_TICKS: u64 = 25;
/// Instance-checkpoints kept per branch: a big fleet keeps fewer checkpoints, so memory stays
/// bounded (about 10 for 10,000 instances, at most 40).
const CHECKPOINT_INSTANCES_MAX: usize = 100_000;
/// Earlier branches kept.
pub const BRANCHES_MAX: usize = 6;

/// The state of the lab at a tick, enough to carry on from there.
#[derive(Clone)]
pub struct Checkpoint {
    /// The tick (ticks run).
    pub tick: u64,
    pub world: World,
    pub playback: Playback,
    pub timeline: Rc<Timeline>,
    pub lesson: Option<LessonSession>,
}

/// What a branch's furthest state looked like, for comparing branches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BranchSummary {
    /// The furthest tick reached.
    pub head_tick: u64,
    /// Instances in service there.
    pub in_service: u32,
    /// Failed requests by then.
    pub failed_requests: u64,
    /// Live instances with a known advisory.
    pub vulnerable_instances: u32,
    /// The rollout's phase.
    pub phase: &'static str,
    /// Actions taken.
    pub actions: usize,
}

impl BranchSummary {
    /// Measures `world` as a branch's head.
    pub fn of(world: &World, actions: usize) -> Self {
        let metrics = lab_engine::compare::MetricsRow::of(world);
        BranchSummary {
            head_tick: world.now(),
            in_service: metrics.in_service,
            failed_requests: metrics.failed_requests,
            vulnerable_instances: metrics.vulnerable_instances,
            phase: world.rollout_view().phase.as_str(),
            actions,
        }
    }
}

/// An earlier line of play.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Branch {
    /// Its actions.
    pub log: Vec<TimedCommand>,
    /// How it stood at its furthest tick.
    pub summary: BranchSummary,
}

/// Keeps few enough checkpoints for the fleet's size by dropping every other one of the older
/// half, so the spacing doubles as a branch grows old instead of memory growing without limit.
pub fn thin(checkpoints: &mut Vec<Checkpoint>, instances: usize) {
    let max = (CHECKPOINT_INSTANCES_MAX / instances.max(1)).clamp(2, 40);
    if checkpoints.len() <= max {
        return;
    }
    let half = checkpoints.len() / 2;
    let mut index = 0;
    checkpoints.retain(|_| {
        let keep = index >= half || index % 2 == 0;
        index += 1;
        keep
    });
}
