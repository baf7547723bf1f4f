//! The curriculum page (`?lessons`): modules in teaching order, each lesson with its state, and the
//! learner's progress — exported to a file, imported back, or cleared — without any server.

use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::platform::progress::SavedProgress;
use crate::platform::saved::Store;

/// One lesson in a list: its title as a link, its summary, and how it was passed, if it was.
fn lesson_item(
    lesson: &lab_engine::lesson::Lesson,
    record: Option<&crate::platform::progress::LessonRecord>,
) -> Html {
    html! {
        <li key={lesson.id.clone()} class={if record.is_some() { "passed" } else { "open" }} data-lesson={lesson.id.clone()}>
            <span class="goal-mark" aria-hidden="true">{ if record.is_some() { "✓" } else { "○" } }</span>
            <div>
                <a href={crate::platform::query::href(&format!("?lesson={}", lesson.id))}>{ lesson.title.clone() }</a>
                <span class="visually-hidden">{ if record.is_some() { " (passed)" } else { "" } }</span>
                <p class="muted small">{ crate::text::markdown::render(&lesson.summary) }</p>
                if let Some(record) = record {
                    <p class="small pass-note">{ format!("Passed with {} actions (par {}) · code {}", record.actions, record.par, record.completion_code) }</p>
                }
            </div>
        </li>
    }
}

/// A file input's change handler: reads the chosen file as text and hands `handle` its name and
/// the text (or why it could not be read). `reader` keeps the read alive until it finishes.
fn on_file(
    reader: Rc<std::cell::RefCell<Option<FileReader>>>,
    handle: impl Fn(String, Result<String, String>) + Clone + 'static,
) -> Callback<Event> {
    Callback::from(move |event: Event| {
        let input: HtmlInputElement = event.target_unchecked_into();
        let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
        let name = file.name();
        let handle = handle.clone();
        let file = gloo::file::File::from(file);
        *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&file, move |text| {
            handle(name, text.map_err(|error| error.to_string()));
        }));
        // The same file can be chosen again (after fixing it, say).
        input.set_value("");
    })
}

#[component]
pub fn LessonsPage() -> Html {
    let store = crate::platform::storage::LocalStorage;
    // Read as the page opens, and again whenever another tab changes what is stored.
    let progress = use_state(|| Rc::new(crate::platform::saved::load_progress(&store)));
    let custom = use_state(|| Rc::new(crate::platform::saved::load_teacher_lessons(&store)));
    crate::hooks::use_storage_changes({
        let (progress, custom) = (progress.clone(), custom.clone());
        Callback::from(move |()| {
            let store = crate::platform::storage::LocalStorage;
            progress.set(Rc::new(crate::platform::saved::load_progress(&store)));
            custom.set(Rc::new(crate::platform::saved::load_teacher_lessons(&store)));
        })
    });
    let pack_message = use_state(|| None::<(bool, String)>);
    let pack_reader = use_mut_ref(|| None::<FileReader>);
    let message = use_state(|| None::<(bool, String)>);
    // The file being read must outlive the change event that started it.
    let reader = use_mut_ref(|| None::<FileReader>);
    let lessons = crate::platform::lessons::built_in();
    let saved = &progress.value;
    let storage_notices: Vec<String> =
        [progress.notice.clone(), custom.notice.clone()].into_iter().flatten().collect();

    let on_clear = {
        let (progress, message) = (progress.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            crate::platform::storage::LocalStorage.remove(crate::platform::saved::PROGRESS_KEY);
            progress
                .set(Rc::new(crate::platform::saved::load_progress(&crate::platform::storage::LocalStorage)));
            message.set(Some((true, "Progress cleared from this browser.".into())));
        })
    };
    let on_import = on_file(reader.clone(), {
        let (progress, custom, message) = (progress.clone(), custom.clone(), message.clone());
        move |name, text| {
            let imported = text.and_then(|text| SavedProgress::parse(&text)).map(|imported| {
                let mut known: Vec<lab_engine::lesson::Lesson> =
                    crate::platform::lessons::built_in().to_vec();
                known.extend(custom.value.iter().cloned());
                imported.verified(&known)
            });
            let stored = imported.and_then(|(imported, left_out)| {
                let count = imported.lessons.len();
                crate::platform::saved::update_progress(&crate::platform::storage::LocalStorage, |p| {
                    p.merge(imported)
                })
                .map(|merged| (merged, count, left_out))
            });
            match stored {
                Ok((merged, count, left_out)) => {
                    let mut text = format!("Imported {count} passed lessons from {name}.");
                    if !left_out.is_empty() {
                        text.push_str(&format!(
                            " Left out, because replaying them does not give the pass they claim: {}.",
                            left_out.join("; ")
                        ));
                    }
                    progress.set(Rc::new(crate::platform::saved::Loaded {
                        value: merged,
                        notice: None,
                        writable: true,
                    }));
                    message.set(Some((left_out.is_empty(), text)));
                }
                Err(reason) => message.set(Some((
                    false,
                    format!("{name} was not imported: {reason}. Your progress is unchanged."),
                ))),
            }
        }
    });
    let on_load_pack = on_file(pack_reader.clone(), {
        let (custom, message) = (custom.clone(), pack_message.clone());
        move |name, text| match text.and_then(|text| {
            crate::platform::saved::add_teacher_lessons(&crate::platform::storage::LocalStorage, &text)
        }) {
            Ok(loaded) => {
                let text = match &loaded.not_stored {
                    None => format!(
                        "Loaded {name}: {} lessons ({} of your own in all).",
                        loaded.added,
                        loaded.lessons.len()
                    ),
                    Some(why) => format!(
                        "Loaded {name}: {} lessons, but {why}: they are here until you leave this page. Load the file again next time.",
                        loaded.added
                    ),
                };
                message.set(Some((loaded.not_stored.is_none(), text)));
                custom.set(Rc::new(crate::platform::saved::Loaded {
                    value: loaded.lessons,
                    notice: None,
                    writable: true,
                }));
            }
            Err(reason) => {
                message.set(Some((false, format!("{name} was not loaded: {reason}. Nothing changed."))))
            }
        }
    });
    let on_remove_pack = {
        let (custom, message) = (custom.clone(), pack_message.clone());
        Callback::from(move |_: MouseEvent| {
            crate::platform::storage::LocalStorage.remove(crate::platform::saved::TEACHER_LESSONS_KEY);
            custom.set(Rc::new(crate::platform::saved::Loaded {
                value: Vec::new(),
                notice: None,
                writable: true,
            }));
            message.set(Some((true, "Your own lessons were removed from this browser.".into())));
        })
    };
    let passed = lessons.iter().filter(|l| saved.lessons.contains_key(&l.id)).count();

    html! {
        <main id="lessons" data-ready="true" data-passed={passed.to_string()}>
            <crate::components::Masthead tagline={AttrValue::from(format!("Lessons · {passed} of {} passed", lessons.len()))} here="?lessons" />
            if !storage_notices.is_empty() {
                <div class="banner problem" role="alert" data-testid="banner">
                    { for storage_notices.iter().map(|line| html! { <p>{ line.clone() }</p> }) }
                </div>
            }
            <div class="lesson-modules">
                { for crate::platform::lessons::modules(&lessons).into_iter().enumerate().map(|(number, (module, members))| html! {
                    <section class="card module" key={module.clone()} aria-labelledby={format!("module-{number}")}>
                        <h2 id={format!("module-{number}")}>{ format!("{}. {module}", number + 1) }</h2>
                        <ol class="lesson-list">
                            { for members.into_iter().map(|lesson| lesson_item(lesson, saved.lessons.get(&lesson.id))) }
                        </ol>
                    </section>
                }) }
            </div>
            <section class="card progress-card" aria-labelledby="custom-title" data-testid="custom-lessons">
                <h2 id="custom-title">{"Lessons from your teacher"}</h2>
                if custom.value.is_empty() {
                    <p class="muted">{"Load a lesson or a pack of lessons (a JSON file, see docs/lessons.md) to practise exercises made for your class. They stay in this browser."}</p>
                } else {
                    <ol class="lesson-list">
                        { for custom.value.iter().map(|lesson| lesson_item(lesson, saved.lessons.get(&lesson.id))) }
                    </ol>
                }
                <div class="button-row wrap">
                    <label class="button file-button">{"Load lessons from a file"}
                        <input type="file" accept=".json,application/json" aria-label="Load lessons from a file" onchange={on_load_pack} />
                    </label>
                    <a class="button" href="screens.html?builder">{"Write a lesson"}</a>
                    if !custom.value.is_empty() {
                        <button onclick={on_remove_pack}>{"Remove them"}</button>
                    }
                </div>
                if let Some((good, text)) = (*pack_message).clone() {
                    <p class={if good { "notice" } else { "problem" }} role="status" data-testid="pack-message">{ text }</p>
                }
            </section>
            <section class="card progress-card" aria-labelledby="progress-title">
                <h2 id="progress-title">{"Your progress"}</h2>
                <p class="muted">{ crate::text::markdown::render("Kept in this browser only. Export it to hand in or to move to another computer; a teacher can check each pass with `lab grade`.") }</p>
                <div class="button-row wrap">
                    <a class="button" href={crate::text::units::text_data_url(&saved.to_json())} download="lab-progress.json">{"Export progress"}</a>
                    <label class="button file-button">{"Import progress"}
                        <input type="file" accept=".json,application/json" aria-label="Import progress" onchange={on_import} />
                    </label>
                    <button onclick={on_clear}>{"Clear progress"}</button>
                </div>
                if let Some((good, text)) = (*message).clone() {
                    <p class={if good { "notice" } else { "problem" }} role="status" data-testid="progress-message">{ text }</p>
                }
            </section>
        </main>
    }
}
