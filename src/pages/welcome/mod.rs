//! The welcome: what the lab opens with when nothing in particular is asked for. It says what the
//! lab is in one picture and two sentences, leads a learner in (the first lesson, or on from where
//! they left off), and gives teachers and documentation authors their doors. The sandbox is one
//! click away.

use std::rc::Rc;

use yew::prelude::*;

/// The fixed parts of the page, as markup: the headline, the lead and the picture of the pattern
/// (a row of servers changed by hand, drifted in colour and shape, above a row replaced from one
/// image), and the doors for teachers and documentation authors. Plain markup costs the download
/// far less than the same elements built in code.
const INTRO: &str = include_str!("intro.html");
const DOORS: &str = include_str!("doors.html");

/// Where a learner goes next: the first lesson they have not passed, and how many they have.
fn way_in(lessons: &[lab_engine::lesson::Lesson], passed: &crate::platform::progress::SavedProgress) -> Html {
    let done = lessons.iter().filter(|lesson| passed.lessons.contains_key(&lesson.id)).count();
    let next = lessons.iter().find(|lesson| !passed.lessons.contains_key(&lesson.id));
    match (done, next) {
        (0, Some(first)) => html! {
            <a class="button primary big" href={format!("?lesson={}", first.id)}>{ format!("Start the first lesson: {}", first.title) }</a>
        },
        (_, Some(next)) => html! {
            <>
                <a class="button primary big" href={format!("?lesson={}", next.id)}>{ format!("Continue: {}", next.title) }</a>
                <p class="muted">{ format!("{done} of {} lessons passed in this browser.", lessons.len()) }</p>
            </>
        },
        (_, None) => html! {
            <p class="notice">{ format!("You passed all {} lessons. The sandbox has everything unlocked.", lessons.len()) }</p>
        },
    }
}

#[component]
pub fn WelcomePage() -> Html {
    let progress =
        use_state(|| Rc::new(crate::platform::saved::load_progress(&crate::platform::storage::LocalStorage)));
    crate::hooks::use_storage_changes({
        let progress = progress.clone();
        Callback::from(move |()| {
            progress
                .set(Rc::new(crate::platform::saved::load_progress(&crate::platform::storage::LocalStorage)))
        })
    });
    let lessons = crate::platform::lessons::built_in();
    let modules = crate::platform::lessons::modules(&lessons);
    html! {
        <main id="welcome" data-ready="true">
            <crate::components::Masthead tagline="Learn immutable infrastructure by running a fleet" here="" />
            if let Some(notice) = progress.notice.clone() {
                <div class="banner problem" role="alert" data-testid="banner"><p>{ notice }</p></div>
            }
            <section class="welcome-hero card" aria-labelledby="welcome-title">
                { Html::from_html_unchecked(AttrValue::from(INTRO)) }
                <div class="way-in">
                    { way_in(&lessons, &progress.value) }
                    <a class="button" href="?scenario=sandbox">{"Open the sandbox"}</a>
                    <a class="button" href="screens.html?lessons">{ format!("All {} lessons", lessons.len()) }</a>
                </div>
            </section>
            <div class="welcome-columns">
                <section class="card" aria-labelledby="path-title">
                    <h2 id="path-title">{"The path"}</h2>
                    <ol class="module-path">
                        { for modules.iter().map(|(module, members)| html! {
                            <li key={module.clone()}>{ module.clone() }<span class="muted">{ format!(" · {} lessons", members.len()) }</span></li>
                        }) }
                    </ol>
                </section>
                { Html::from_html_unchecked(AttrValue::from(DOORS)) }
            </div>
        </main>
    }
}
