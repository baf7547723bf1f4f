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

/// Where lessons loaded from a teacher's file are kept (the pack's JSON text).
pub const CUSTOM_KEY: &str = "immutable-lab.teacher-lessons.v1";

/// Reads a teacher's lesson file and merges it into `existing` (same id: the new one wins).
/// Refuses the whole file, naming the problem, if any lesson is invalid or reuses a built-in id.
pub fn merge_pack(existing: &[Lesson], text: &str) -> Result<Vec<Lesson>, String> {
    let loaded = lab_engine::lesson::pack_from_json(text).map_err(|error| error.to_string())?;
    if let Some(clash) = loaded.iter().find(|lesson| find(&lesson.id).is_some()) {
        return Err(format!("lesson id `{}` is already a built-in lesson; give it another id", clash.id));
    }
    let mut merged: Vec<Lesson> =
        existing.iter().filter(|old| !loaded.iter().any(|new| new.id == old.id)).cloned().collect();
    merged.extend(loaded);
    Ok(merged)
}

/// The lessons as a pack file's text.
pub fn pack_text(lessons: &[Lesson]) -> String {
    let pack = lab_engine::lesson::Pack { lessons: lessons.to_vec() };
    serde_json::to_string_pretty(&pack).unwrap_or_default()
}

/// The lesson after `id` in teaching order.
pub fn next_after(id: &str) -> Option<Lesson> {
    let lessons = built_in();
    let index = lessons.iter().position(|lesson| lesson.id == id)?;
    lessons.get(index + 1).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_teachers_pack_merges_and_may_not_reuse_a_built_in_id() {
        let mut lesson = find("thirty-snowflakes").unwrap();
        let clash = pack_text(std::slice::from_ref(&lesson));
        assert!(merge_pack(&[], &clash).unwrap_err().contains("already a built-in lesson"));
        lesson.id = "my-exercise".into();
        let merged = merge_pack(&[], &pack_text(std::slice::from_ref(&lesson))).unwrap();
        assert_eq!(merged.len(), 1);
        lesson.title = "Renamed".into();
        let merged = merge_pack(&merged, &serde_json::to_string(&lesson).unwrap()).unwrap();
        assert_eq!((merged.len(), merged[0].title.as_str()), (1, "Renamed"));
        assert!(merge_pack(&merged, "{\"lessons\": [{\"id\": \"x\"}]}").unwrap_err().contains("lessons[0]"));
    }

    #[test]
    fn every_built_in_lesson_parses() {
        assert_eq!(built_in().len(), lab_engine::builtin::lesson_texts().len());
        assert!(!built_in().is_empty());
    }
}
