//! Saves a lesson the moment it is passed (once per session; a shown solution earns nothing),
//! merged into whatever is stored by then, so a pass made in another tab is kept too.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::lab::state::Lab;
use crate::platform::progress::LessonRecord;

/// Watches `lab` for a pass and saves it; returns what went wrong saving one, in words for the
/// learner (with the completion code, so nothing is lost).
#[hook]
pub fn use_pass_saving(lab: Rc<RefCell<Lab>>) -> Option<String> {
    // The pass this page saved last, so it is saved once.
    let saved_pass = use_mut_ref(|| None::<LessonRecord>);
    let save_problem = use_state(|| None::<String>);
    {
        let save_problem = save_problem.clone();
        use_effect(move || {
            let lab = lab.borrow();
            let Some(session) = lab.lesson.as_ref().filter(|s| s.earned_pass()) else { return };
            let report = session.progress.report(&session.lesson, &lab.world);
            let (Some(tick), Some(code)) = (report.passed_at_tick, report.completion_code) else { return };
            let record = LessonRecord {
                passed_at_tick: tick,
                actions: report.actions,
                par: report.par,
                completion_code: code.clone(),
                seed: lab.world.seed(),
                log: session.progress.actions[..session.progress.actions_when_passed].to_vec(),
            };
            if saved_pass.borrow().as_ref() != Some(&record) {
                *saved_pass.borrow_mut() = Some(record.clone());
                let saved = crate::platform::saved::record_pass(
                    &crate::platform::storage::LocalStorage,
                    &session.lesson.id,
                    record,
                );
                save_problem.set(saved.err().map(|why| {
                    format!("Your pass was not saved: {why}. Note its completion code, {code}, or export your progress from the Lessons page.")
                }));
            }
        });
    }
    (*save_problem).clone()
}
