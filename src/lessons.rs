//! The built-in curriculum as the page sees it: parsed once from the engine's lesson texts,
//! grouped by module in teaching order.

use std::rc::Rc;

use lab_engine::lesson::Lesson;

/// Every built-in lesson, in teaching order. A test checks they all parse, so none is dropped
/// in a release.
pub fn built_in() -> Rc<Vec<Lesson>> {
    thread_local! {
        static LESSONS: Rc<Vec<Lesson>> = Rc::new(
            lab_engine::builtin::lesson_texts().iter().filter_map(|text| Lesson::from_json(text).ok()).collect(),
        );
    }
    LESSONS.with(Rc::clone)
}

/// A built-in lesson by id.
pub fn find(id: &str) -> Option<Lesson> {
    built_in().iter().find(|lesson| lesson.id == id).cloned()
}

/// The modules in the order their first lesson appears, each with its lessons.
pub fn modules(lessons: &[Lesson]) -> Vec<(String, Vec<&Lesson>)> {
    let mut modules: Vec<(String, Vec<&Lesson>)> = Vec::new();
    for lesson in lessons {
        match modules.iter_mut().find(|(name, _)| *name == lesson.module) {
            Some((_, members)) => members.push(lesson),
            None => modules.push((lesson.module.clone(), vec![lesson])),
        }
    }
    modules
}

/// The lesson after `id` in teaching order.
pub fn next_after(id: &str) -> Option<Lesson> {
    let lessons = built_in();
    let index = lessons.iter().position(|lesson| lesson.id == id)?;
    lessons.get(index + 1).cloned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_built_in_lesson_parses() {
        assert_eq!(super::built_in().len(), lab_engine::builtin::lesson_texts().len());
        assert!(!super::built_in().is_empty());
    }
}
