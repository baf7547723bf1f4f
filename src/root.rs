//! Chooses the page the URL asks for: the lab (a scenario or a lesson), the lessons, or the
//! mutable-versus-immutable comparison.

use yew::prelude::*;

use crate::App;
use crate::compare_app::CompareApp;
use crate::query::PageQuery;

/// Fetches the curriculum, then marks it ready (or says why it could not be had).
#[cfg(target_arch = "wasm32")]
fn load_lessons(ready: UseStateHandle<bool>, failed: UseStateHandle<Option<String>>) {
    wasm_bindgen_futures::spawn_local(async move {
        match crate::lessons::fetch().await {
            Ok(()) => ready.set(true),
            Err(problem) => failed.set(Some(problem)),
        }
    });
}

/// Natively the curriculum is compiled in, so it is always ready.
#[cfg(not(target_arch = "wasm32"))]
fn load_lessons(ready: UseStateHandle<bool>, _failed: UseStateHandle<Option<String>>) {
    ready.set(true);
}

#[component]
pub fn Root() -> Html {
    let query = use_memo((), |_| {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        PageQuery::parse(&search)
    });
    // Pages that show or check lessons wait for the curriculum; the plain lab does not need it.
    let needs_lessons = query.lesson.is_some()
        || query.lesson_data.is_some()
        || query.lessons_index
        || query.guide
        || query.builder
        || query.embed.is_some();
    let lessons_ready = use_state(crate::lessons::loaded);
    let lessons_failed = use_state(|| None::<String>);
    {
        let (ready, failed) = (lessons_ready.clone(), lessons_failed.clone());
        use_effect_with(needs_lessons, move |needs| {
            if *needs && !crate::lessons::loaded() {
                load_lessons(ready, failed);
            }
        });
    }
    if needs_lessons && !*lessons_ready {
        return match (*lessons_failed).clone() {
            None => {
                html! { <main id="loading" class="loading"><p class="muted">{"Loading the lessons…"}</p></main> }
            }
            Some(problem) => html! {
                <main id="loading" class="loading" data-ready="true">
                    <p class="problem" role="alert">{ format!("The lessons could not be loaded ({problem}). ") }
                        <a href="?scenario=sandbox">{"The lab itself works: open the sandbox."}</a></p>
                </main>
            },
        };
    }
    if let Some(name) = &query.embed {
        return html! { <crate::embed_app::EmbedApp name={AttrValue::from(name.clone())} /> };
    }
    if query.builder {
        // `?builder&scenario=…&at=…&log=…`: a session from the lab to turn into a lesson.
        let from = query.scenario.clone().map(|scenario| crate::builder::FromSession {
            scenario,
            session: match query.share_log.as_deref() {
                Some(log) => crate::share::parse_log(log),
                None => Ok(Vec::new()),
            }
            .and_then(|actions| Ok((actions, crate::share::parse_at(query.share_at.as_deref())?))),
        });
        return html! { <crate::builder::LessonBuilder {from} /> };
    }
    if query.guide {
        return html! { <crate::guide::GuidePage /> };
    }
    if query.glossary {
        return html! { <crate::glossary::GlossaryPage /> };
    }
    if query.lessons_index {
        return html! { <crate::lessons_page::LessonsPage /> };
    }
    match &query.compare {
        Some(name) => html! { <CompareApp scenario={AttrValue::from(name.clone())} /> },
        None => html! { <App /> },
    }
}
