//! Chooses the page the URL asks for: the lab (a scenario or a lesson), the lessons, or the
//! mutable-versus-immutable comparison.

use yew::prelude::*;

use crate::App;
use crate::compare_app::CompareApp;
use crate::query::PageQuery;

#[component]
pub fn Root() -> Html {
    let query = use_memo((), |_| {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        PageQuery::parse(&search)
    });
    if let Some(name) = &query.embed {
        return html! { <crate::embed_app::EmbedApp name={AttrValue::from(name.clone())} /> };
    }
    if query.builder {
        return html! { <crate::builder::LessonBuilder /> };
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
