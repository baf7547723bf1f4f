//! What the rollout did, tick by tick, for the timeline chart and the request stream: per
//! revision how many instances were ready, how many requests it served and how many of those
//! failed, plus requests nobody could take. Kept for the last [`TIMELINE_TICKS`] ticks only.

use std::collections::VecDeque;

use lab_engine::World;

/// Ticks of history the timeline keeps and draws.
pub const TIMELINE_TICKS: usize = 120;

/// One revision during one tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RevisionSample {
    pub revision: u32,
    /// Which colour and glyph the revision's image has (see `view::look_of`).
    pub look: usize,
    pub ready: u32,
    pub requests: u64,
    pub errors: u64,
}

/// One tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    pub tick: u64,
    pub revisions: Vec<RevisionSample>,
    /// Requests that failed for want of capacity (no revision took them).
    pub unserved: u64,
}

impl Sample {
    /// Requests offered this tick.
    pub fn requests(&self) -> u64 {
        self.revisions.iter().map(|r| r.requests).sum::<u64>() + self.unserved
    }

    /// Requests that failed this tick, for want of capacity or with an error.
    pub fn failed(&self) -> u64 {
        self.revisions.iter().map(|r| r.errors).sum::<u64>() + self.unserved
    }
}

/// The recent ticks, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    pub samples: VecDeque<Sample>,
    failed_before: u64,
}

impl Timeline {
    /// Records the tick the world has just run.
    pub fn record(&mut self, world: &World) {
        let stats = world.operations_view().service;
        let rollout = world.rollout_view();
        let revisions: Vec<RevisionSample> = rollout
            .revisions
            .iter()
            .map(|r| {
                let lab_engine::views::RecentTraffic { requests, errors, .. } =
                    rollout.recent_traffic(r.number, 1);
                RevisionSample {
                    revision: r.number,
                    look: crate::lab::view::look_of(world, r.image),
                    ready: r.available,
                    requests,
                    errors,
                }
            })
            .collect();
        let errors: u64 = revisions.iter().map(|r| r.errors).sum();
        let failed_this_tick = stats.failed_requests - self.failed_before;
        self.failed_before = stats.failed_requests;
        if self.samples.len() == TIMELINE_TICKS {
            self.samples.pop_front();
        }
        self.samples.push_back(Sample {
            tick: world.now().saturating_sub(1),
            revisions,
            unserved: failed_this_tick.saturating_sub(errors),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, ticks: u64) -> Timeline {
        let text = crate::lab::scenarios::by_name(name).unwrap();
        let scenario = lab_engine::Scenario::from_json(text).unwrap();
        let mut world = World::new(&scenario);
        let mut playback = lab_engine::Playback::new(&scenario);
        let mut timeline = Timeline::default();
        for _ in 0..ticks {
            playback.step(&mut world);
            timeline.record(&world);
        }
        timeline
    }

    #[test]
    fn recreate_shows_a_gap_with_no_ready_instances_and_every_request_failing() {
        let timeline = run("recreate", 40);
        let gap = timeline.samples.iter().find(|s| s.revisions.iter().all(|r| r.ready == 0)).expect("a gap");
        assert!(gap.requests() > 0);
        assert_eq!(gap.failed(), gap.requests());
    }

    #[test]
    fn a_buggy_canary_shows_errors_only_on_the_canary_revision() {
        let timeline = run("canary-bad", 20);
        let erroring: Vec<u32> = timeline
            .samples
            .iter()
            .flat_map(|s| s.revisions.iter().filter(|r| r.errors > 0).map(|r| r.revision))
            .collect();
        assert!(!erroring.is_empty());
        assert!(erroring.iter().all(|&revision| revision == 2), "{erroring:?}");
    }

    #[test]
    fn keeps_only_the_last_ticks() {
        let timeline = run("demo", TIMELINE_TICKS as u64 + 30);
        assert_eq!(timeline.samples.len(), TIMELINE_TICKS);
        assert_eq!(timeline.samples.back().unwrap().tick, TIMELINE_TICKS as u64 + 29);
    }
}
