//! Chooses the page the URL asks for (`Route`). The site is two pages, each its own download:
//! `index.html` (`Root`: the welcome, the lab with a scenario, a lesson or a shared session, and
//! embeds), which every visit fetches, and `screens.html` (`ScreensRoot`: the lessons, the guide,
//! the glossary, the builder and the comparison), fetched only when one of them is opened. Each
//! root names only its own pages, so each download carries only their code; a URL that belongs
//! to the other page is sent there.

use yew::prelude::*;

use crate::App;
use crate::platform::query::{PageQuery, Route};

/// Fetches the curriculum, then marks it ready (or says why it could not be had).
#[cfg(target_arch = "wasm32")]
fn load_lessons(ready: UseStateHandle<bool>, failed: UseStateHandle<Option<String>>) {
    wasm_bindgen_futures::spawn_local(async move {
        match crate::platform::lessons::fetch().await {
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

/// The page's query, read once.
#[hook]
fn use_query() -> std::rc::Rc<PageQuery> {
    use_memo((), |_| {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        PageQuery::parse(&search)
    })
}

/// Pages that show or check lessons wait for the curriculum; the plain lab does not need it.
/// Returns what to show meanwhile (or why it failed), or `None` once the page can be drawn.
#[hook]
fn use_curriculum(query: &PageQuery) -> Option<Html> {
    let needs_lessons = query.needs_lessons();
    let lessons_ready = use_state(crate::platform::lessons::loaded);
    let lessons_failed = use_state(|| None::<String>);
    {
        let (ready, failed) = (lessons_ready.clone(), lessons_failed.clone());
        use_effect_with(needs_lessons, move |needs| {
            if *needs && !crate::platform::lessons::loaded() {
                load_lessons(ready, failed);
            }
        });
    }
    if !needs_lessons || *lessons_ready {
        return None;
    }
    Some(match (*lessons_failed).clone() {
        None => {
            html! { <main id="loading" class="loading"><p class="muted">{"Loading the lessons…"}</p></main> }
        }
        Some(problem) => html! {
            <main id="loading" class="loading" data-ready="true">
                <p class="problem" role="alert">{ format!("The lessons could not be loaded ({problem}). ") }
                    <a href="./?scenario=sandbox">{"The lab itself works: open the sandbox."}</a></p>
            </main>
        },
    })
}

/// A URL that belongs to the other page: sent there, its query and fragment kept, replacing
/// this entry in the history so Back does not bounce.
#[component]
fn SendOn() -> Html {
    use_effect_with((), |_| {
        if let Some(location) = web_sys::window().map(|w| w.location()) {
            let search = location.search().unwrap_or_default();
            let hash = location.hash().unwrap_or_default();
            let _ = location.replace(&crate::platform::query::href(&format!("{search}{hash}")));
        }
    });
    html! { <main id="loading" class="loading"><p class="muted">{"Opening…"}</p></main> }
}

/// `index.html`'s pages.
#[component]
pub fn Root() -> Html {
    let query = use_query();
    if let Some(waiting) = use_curriculum(&query) {
        return waiting;
    }
    match query.route() {
        Route::Welcome => html! { <crate::pages::welcome::WelcomePage /> },
        Route::Lab => html! { <App /> },
        Route::Embed(name) => html! { <crate::pages::embed::EmbedApp name={AttrValue::from(name)} /> },
        Route::Lessons | Route::Guide | Route::Glossary | Route::Builder | Route::Compare(_) => {
            html! { <SendOn /> }
        }
    }
}

/// `screens.html`'s pages.
#[component]
pub fn ScreensRoot() -> Html {
    let query = use_query();
    if let Some(waiting) = use_curriculum(&query) {
        return waiting;
    }
    match query.route() {
        Route::Lessons => html! { <crate::pages::lesson_list::LessonsPage /> },
        Route::Guide => html! { <crate::pages::guide::GuidePage /> },
        Route::Glossary => html! { <crate::pages::glossary::GlossaryPage /> },
        Route::Compare(name) => {
            html! { <crate::pages::compare::CompareApp scenario={AttrValue::from(name)} ticks={query.ticks} /> }
        }
        Route::Builder => {
            // `?builder&scenario=…&at=…&log=…`: a session from the lab to turn into a lesson.
            let from = query.scenario.clone().map(|scenario| crate::pages::builder::FromSession {
                scenario,
                session: match query.share_log.as_deref() {
                    Some(log) => crate::platform::share::parse_log(log),
                    None => Ok(Vec::new()),
                }
                .and_then(|actions| {
                    Ok((actions, crate::platform::share::parse_at(query.share_at.as_deref())?))
                }),
            });
            html! { <crate::pages::builder::LessonBuilder {from} /> }
        }
        Route::Welcome | Route::Lab | Route::Embed(_) => html! { <SendOn /> },
    }
}
