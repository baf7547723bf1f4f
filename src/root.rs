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
        // `?builder&scenario=…&at=…&log=…`: a session from the lab to turn into a lesson.
        let from = query.scenario.clone().map(|scenario| crate::builder::FromSession {
            scenario,
            actions: query
                .share_log
                .as_deref()
                .and_then(crate::share::decode)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|text| lab_engine::parse_json(&text).ok())
                .unwrap_or_default(),
            tick: query.share_at.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0),
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
