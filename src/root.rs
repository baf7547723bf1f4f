//! Chooses the page the URL asks for (`Route`): the welcome, the lab (a scenario, a lesson or a
//! shared session), the lessons, the guide, the glossary, the builder, an embed or the comparison.

use yew::prelude::*;

use crate::App;
use crate::pages::compare::CompareApp;
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

#[component]
pub fn Root() -> Html {
    let query = use_memo((), |_| {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        PageQuery::parse(&search)
    });
    // Pages that show or check lessons wait for the curriculum; the plain lab does not need it.
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
    match query.route() {
        Route::Welcome => html! { <crate::pages::welcome::WelcomePage /> },
        Route::Lab => html! { <App /> },
        Route::Lessons => html! { <crate::pages::lesson_list::LessonsPage /> },
        Route::Guide => html! { <crate::pages::guide::GuidePage /> },
        Route::Glossary => html! { <crate::pages::glossary::GlossaryPage /> },
        Route::Embed(name) => html! { <crate::pages::embed::EmbedApp name={AttrValue::from(name)} /> },
        Route::Compare(name) => html! { <CompareApp scenario={AttrValue::from(name)} ticks={query.ticks} /> },
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
    }
}
