//! The built-in curriculum as the page sees it, grouped by module in teaching order. Natively the
//! texts are compiled in; in the browser they are fetched from `lessons/` (see `lesson_files`) by
//! the pages that use them, so the lab's own download does not carry them.

use std::cell::RefCell;
use std::rc::Rc;

use lab_engine::lesson::Lesson;

thread_local! {
    static LESSONS: RefCell<Option<Rc<Vec<Lesson>>>> = const { RefCell::new(None) };
}

/// Parses the curriculum's texts and makes them the built-in lessons. A test checks they all
/// parse, so none is dropped in a release.
pub fn install<'a>(texts: impl IntoIterator<Item = &'a str>) {
    let lessons = Rc::new(texts.into_iter().filter_map(|text| Lesson::from_json(text).ok()).collect());
    LESSONS.with(|cell| *cell.borrow_mut() = Some(lessons));
}

/// Whether the built-in lessons are there yet (always, natively).
pub fn loaded() -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    if LESSONS.with(|cell| cell.borrow().is_none()) {
        install(lab_engine::builtin::lesson_texts().iter().copied());
    }
    LESSONS.with(|cell| cell.borrow().is_some())
}

/// Every built-in lesson, in teaching order (none before they are loaded).
pub fn built_in() -> Rc<Vec<Lesson>> {
    loaded();
    LESSONS.with(|cell| cell.borrow().clone().unwrap_or_default())
}

/// Fetches the curriculum's files (in the browser), then installs them.
#[cfg(target_arch = "wasm32")]
pub async fn fetch() -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    // Every request starts at once (a promise runs as soon as it is made); they are read in order.
    let requests: Vec<_> = lab_engine::builtin::LESSON_FILES
        .iter()
        .map(|file| (file, JsFuture::from(window.fetch_with_str(&format!("lessons/{file}")))))
        .collect();
    let mut texts = Vec::with_capacity(requests.len());
    for (file, request) in requests {
        let failed = |what: &str| format!("lessons/{file}: {what}");
        let response = request.await.map_err(|_| failed("the request failed"))?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| failed("not a response"))?;
        if !response.ok() {
            return Err(failed(&format!("HTTP {}", response.status())));
        }
        let text = JsFuture::from(response.text().map_err(|_| failed("no body"))?)
            .await
            .map_err(|_| failed("the body could not be read"))?;
        texts.push(text.as_string().unwrap_or_default());
    }
    install(texts.iter().map(String::as_str));
    Ok(())
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

/// Reads a teacher's lesson file and merges it into `existing` (same id: the new one wins);
/// returns every lesson and how many the file held. Refuses the whole file, naming the problem,
/// if any lesson is invalid or reuses a built-in id.
pub fn merge_pack(existing: &[Lesson], text: &str) -> Result<(Vec<Lesson>, usize), String> {
    let loaded = lab_engine::lesson::pack_from_json(text).map_err(|error| error.to_string())?;
    if let Some(clash) = loaded.iter().find(|lesson| find(&lesson.id).is_some()) {
        return Err(format!("lesson id `{}` is already a built-in lesson; give it another id", clash.id));
    }
    let added = loaded.len();
    let mut merged: Vec<Lesson> =
        existing.iter().filter(|old| !loaded.iter().any(|new| new.id == old.id)).cloned().collect();
    merged.extend(loaded);
    Ok((merged, added))
}

/// The lessons as a pack file's text.
pub fn pack_text(lessons: &[Lesson]) -> String {
    let pack = lab_engine::lesson::Pack { lessons: lessons.to_vec() };
    crate::text::pretty::to_string_pretty(&pack)
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
        let (merged, _) = merge_pack(&[], &pack_text(std::slice::from_ref(&lesson))).unwrap();
        assert_eq!(merged.len(), 1);
        lesson.title = "Renamed".into();
        let (merged, added) = merge_pack(&merged, &serde_json::to_string(&lesson).unwrap()).unwrap();
        assert_eq!(added, 1);
        assert_eq!((merged.len(), merged[0].title.as_str()), (1, "Renamed"));
        assert!(merge_pack(&merged, "{\"lessons\": [{\"id\": \"x\"}]}").unwrap_err().contains("lessons[0]"));
    }

    #[test]
    fn every_built_in_lesson_parses() {
        assert_eq!(built_in().len(), lab_engine::builtin::lesson_texts().len());
        assert!(!built_in().is_empty());
    }
}
