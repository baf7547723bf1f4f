//! A lesson in play beside the lab: the lesson, the session's progress (actions, goal memory, the
//! tick the goal was met), and what the learner has asked to see.

use std::rc::Rc;

use lab_engine::World;
use lab_engine::lesson::{Lesson, Progress};

/// A lesson in play.
#[derive(Clone, Debug)]
pub struct LessonSession {
    /// The lesson.
    pub lesson: Rc<Lesson>,
    /// Actions, goal memory, and when the goal was met.
    pub progress: Progress,
    /// Hints revealed so far.
    pub hints_shown: usize,
    /// The "why not yet" list is open.
    pub why_open: bool,
    /// The reference solution is being played: the session earns no credit.
    pub showing_solution: bool,
}

impl LessonSession {
    /// A session at the start of `lesson`, whose world is `world`.
    pub fn new(lesson: Rc<Lesson>, world: &World) -> Self {
        LessonSession {
            lesson,
            progress: Progress::starting(world),
            hints_shown: 0,
            why_open: false,
            showing_solution: false,
        }
    }

    /// Whether the session passed on its own (not by showing the solution).
    pub fn earned_pass(&self) -> bool {
        self.progress.passed_at_tick.is_some() && !self.showing_solution
    }
}
