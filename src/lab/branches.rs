//! Time travel: the learner's actions are a log, so any earlier tick can be rebuilt exactly
//! (from the nearest checkpoint, then deterministic replay). Acting in the past forks a new
//! branch; the old one is kept, summarised, to compare and to go back to.

use std::rc::Rc;

use lab_engine::{Playback, World};

use crate::lab::history::{BRANCHES_MAX, Branch, BranchSummary, CHECKPOINT_TICKS, Checkpoint, thin};
use crate::lab::lesson_session::LessonSession;

impl crate::lab::state::Lab {
    /// How this branch stands at its furthest tick (rebuilt from a checkpoint when the lab is
    /// showing an earlier tick).
    pub fn head_summary(&self) -> BranchSummary {
        if self.world.now() >= self.head_tick {
            return BranchSummary::of(&self.world, self.next_logged);
        }
        let key = (self.head_tick, self.log.len());
        if let Some((cached_for, summary)) = self.head_cache.borrow().as_ref()
            && *cached_for == key
        {
            return summary.clone();
        }
        let mut ahead = self.clone_for_replay();
        while ahead.world.now() < self.head_tick {
            ahead.tick_once();
        }
        let summary = BranchSummary::of(&ahead.world, ahead.next_logged);
        *self.head_cache.borrow_mut() = Some((key, summary.clone()));
        summary
    }

    /// Rebuilds the state after `tick` ticks on this branch (at most its furthest tick): from the
    /// nearest checkpoint, then replaying the scenario and the logged actions given before it.
    pub(crate) fn scrub_to(&mut self, tick: u64) {
        let tick = tick.min(self.head_tick);
        let (hints_shown, why_open) =
            self.lesson.as_ref().map_or((0, false), |s| (s.hints_shown, s.why_open));
        match self.checkpoints.iter().rev().find(|c| c.tick <= tick).cloned() {
            Some(checkpoint) => {
                self.world = checkpoint.world;
                self.playback = checkpoint.playback;
                self.timeline = checkpoint.timeline;
                self.lesson = checkpoint.lesson;
            }
            None => self.rewind_to_start(),
        }
        if let Some(session) = &mut self.lesson {
            session.hints_shown = hints_shown;
            session.why_open = why_open;
        }
        let now = self.world.now();
        self.next_logged = self.log.partition_point(|entry| entry.tick < now);
        while self.world.now() < tick {
            self.tick_once();
        }
        self.playing = false;
        self.notice = None;
    }

    /// Makes branch `index` current; the current one takes its place in the list.
    pub(crate) fn switch_branch(&mut self, index: usize) {
        if index >= self.branches.len() {
            return;
        }
        let target = self.branches.remove(index);
        let current = Branch { log: self.log.clone(), summary: self.head_summary() };
        self.branches.insert(index, current);
        self.head_cache.take();
        self.rewind_to_start();
        self.checkpoints.clear();
        self.log = target.log;
        self.next_logged = 0;
        self.head_tick = 0;
        while self.world.now() < target.summary.head_tick {
            self.tick_once();
        }
        self.playing = false;
    }

    /// Acting in the past: the current branch is kept as it was, and this one goes on from now
    /// without its old future.
    pub(crate) fn fork(&mut self) {
        let kept = Branch { log: self.log.clone(), summary: self.head_summary() };
        if self.branches.len() == BRANCHES_MAX {
            self.branches.remove(0);
        }
        self.branches.push(kept);
        self.head_cache.take();
        self.log.truncate(self.next_logged);
        let now = self.world.now();
        self.checkpoints.retain(|c| c.tick <= now);
        self.head_tick = now;
    }

    /// Saves a checkpoint every [`CHECKPOINT_TICKS`] ticks of this branch.
    pub(crate) fn maybe_checkpoint(&mut self) {
        let now = self.world.now();
        if !now.is_multiple_of(CHECKPOINT_TICKS) || self.checkpoints.last().is_some_and(|c| c.tick >= now) {
            return;
        }
        self.checkpoints.push(Checkpoint {
            tick: now,
            world: self.world.clone(),
            playback: self.playback.clone(),
            timeline: self.timeline.clone(),
            lesson: self.lesson.clone(),
        });
        thin(&mut self.checkpoints, self.world.fleet_view().instances.len());
    }

    /// The world, playback, timeline and lesson progress of tick 0 (the log and branches stay).
    fn rewind_to_start(&mut self) {
        self.world = World::new(&self.scenario);
        self.playback = Playback::new(&self.scenario);
        self.timeline = Rc::default();
        if let Some(session) = &mut self.lesson {
            *session = LessonSession {
                hints_shown: session.hints_shown,
                why_open: session.why_open,
                ..LessonSession::new(session.lesson.clone(), &self.world)
            };
        }
    }

    /// A copy that can run ahead to this branch's head without touching this lab: it starts
    /// from the latest checkpoint between now and the head, so at most a checkpoint's spacing of
    /// ticks is replayed.
    fn clone_for_replay(&self) -> crate::lab::state::Lab {
        let mut copy = crate::lab::state::Lab::new(&self.scenario_name, self.scenario.clone());
        let now = self.world.now();
        let start = self.checkpoints.iter().rev().find(|c| c.tick >= now && c.tick <= self.head_tick);
        match start {
            Some(checkpoint) => {
                copy.world = checkpoint.world.clone();
                copy.playback = checkpoint.playback.clone();
                copy.lesson = checkpoint.lesson.clone();
            }
            None => {
                copy.world = self.world.clone();
                copy.playback = self.playback.clone();
                copy.lesson = self.lesson.clone();
                copy.log = self.log.clone();
                copy.next_logged = self.next_logged;
                return copy;
            }
        }
        copy.log = self.log.clone();
        // A checkpoint is taken as its tick ends, before anything given at that tick.
        let start_tick = copy.world.now();
        copy.next_logged = copy.log.partition_point(|entry| entry.tick < start_tick);
        copy
    }
}

#[cfg(test)]
mod tests {
    use lab_engine::{Command, Digest};

    use crate::lab::state::{Action, Lab};
    use crate::platform::query::PageQuery;

    /// The demo with a scale-up at tick 10, run to tick 60, with the trace digest at every tick.
    fn played() -> (Lab, Vec<Digest>) {
        let mut lab = Lab::from_query(&PageQuery::parse("?scenario=demo"));
        let mut digests = vec![lab.world.trace_digest()];
        for tick in 0..60 {
            if tick == 10 {
                lab.reduce(Action::Command(Command::Scale { replicas: 16 }));
            }
            lab.reduce(Action::Advance(1));
            digests.push(lab.world.trace_digest());
        }
        (lab, digests)
    }

    #[test]
    fn scrubbing_rebuilds_any_tick_exactly_and_back_again() {
        let (mut lab, digests) = played();
        for tick in [37, 5, 0, 26, 60, 11, 10] {
            lab.reduce(Action::ScrubTo(tick));
            assert_eq!(lab.world.now(), tick);
            assert_eq!(lab.world.trace_digest(), digests[tick as usize], "tick {tick}");
        }
        // Past the furthest tick is the furthest tick.
        lab.reduce(Action::ScrubTo(500));
        assert_eq!(lab.world.now(), 60);
        assert!(lab.branches.is_empty(), "looking is not acting");
    }

    #[test]
    fn acting_in_the_past_forks_and_the_old_branch_can_be_resumed() {
        let (mut lab, digests) = played();
        lab.reduce(Action::ScrubTo(4));
        // Playing forward without acting retraces the same branch, scale-up included.
        lab.reduce(Action::Advance(20));
        assert_eq!(lab.world.trace_digest(), digests[24]);
        lab.reduce(Action::ScrubTo(4));
        lab.reduce(Action::Command(Command::Scale { replicas: 8 }));
        assert_eq!(lab.branches.len(), 1);
        let old = &lab.branches[0];
        assert_eq!((old.summary.head_tick, old.log.len()), (60, 1));
        assert_eq!(old.summary.in_service, 16);
        assert_eq!(lab.log.len(), 1, "the new branch has only its own action");
        assert_eq!(lab.head_tick, 4);
        lab.reduce(Action::Advance(30));
        assert_eq!(lab.world.fleet_view().replicas, 8);
        lab.reduce(Action::SwitchBranch(0));
        assert_eq!((lab.world.now(), lab.world.trace_digest()), (60, digests[60]));
        assert_eq!(lab.branches[0].summary.head_tick, 34, "the branch left behind is kept");
    }

    #[test]
    fn acting_in_the_past_forks_even_when_the_branch_had_no_actions() {
        let mut lab = Lab::from_query(&PageQuery::parse("?scenario=demo"));
        lab.reduce(Action::Advance(30));
        lab.reduce(Action::ScrubTo(12));
        lab.reduce(Action::Command(Command::FailHealthChecks { count: 2 }));
        assert_eq!(lab.branches.len(), 1);
        assert_eq!((lab.branches[0].summary.head_tick, lab.head_tick), (30, 12));
    }

    #[test]
    fn checkpoints_stay_bounded() {
        let mut lab = Lab::from_query(&PageQuery::parse("?scenario=demo"));
        lab.reduce(Action::Advance(3_000));
        assert!(lab.checkpoints.len() <= 40, "{}", lab.checkpoints.len());
        lab.reduce(Action::ScrubTo(1_234));
        assert_eq!(lab.world.now(), 1_234);
    }
}
