//! The welcome: what the lab opens with when nothing in particular is asked for. It says what the
//! lab is in one picture and two sentences, leads a learner in (the first lesson, or on from where
//! they left off), and gives teachers and documentation authors their doors. The sandbox is one
//! click away.

use std::rc::Rc;

use yew::prelude::*;

/// Tiles in each row of the picture.
const TILES: usize = 10;
/// Tiles of the hand-changed row that drifted, and how (a class for the look).
const DRIFTED: [(usize, &str); 4] = [(2, "drift-a"), (5, "drift-b"), (6, "drift-a"), (8, "drift-c")];

/// The pattern in one picture: a row of servers changed by hand (each a little different) above a
/// row replaced from one image (all the same).
fn pattern_picture() -> Html {
    let mutable = (0..TILES).map(|index| {
        let look = DRIFTED.iter().find(|(at, _)| *at == index).map_or("", |(_, look)| *look);
        html! { <span class={classes!("tile", look)} /> }
    });
    let immutable = (0..TILES).map(|_| html! { <span class="tile" /> });
    html! {
        <figure class="pattern-picture" role="img"
            aria-label="Two rows of ten servers. Changed in place by hand, four of them have drifted and differ from the rest. Replaced from one image, all ten are the same.">
            <div class="pattern-row"><span class="pattern-label">{"Changed in place"}</span><span class="tiles">{ for mutable }</span></div>
            <div class="pattern-row"><span class="pattern-label">{"Replaced from an image"}</span><span class="tiles">{ for immutable }</span></div>
        </figure>
    }
}

/// Where a learner goes next: the first lesson they have not passed, and how many they have.
fn way_in(lessons: &[lab_engine::lesson::Lesson], passed: &crate::progress::SavedProgress) -> Html {
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
    let progress = use_state(|| Rc::new(crate::saved::load_progress(&crate::storage::LocalStorage)));
    crate::hooks::use_storage_changes({
        let progress = progress.clone();
        Callback::from(move |()| {
            progress.set(Rc::new(crate::saved::load_progress(&crate::storage::LocalStorage)))
        })
    });
    let lessons = crate::lessons::built_in();
    let modules = crate::lessons::modules(&lessons);
    html! {
        <main id="welcome" data-ready="true">
            <crate::components::Masthead tagline="Learn immutable infrastructure by running a fleet" here="" />
            if let Some(notice) = progress.notice.clone() {
                <div class="banner problem" role="alert" data-testid="banner"><p>{ notice }</p></div>
            }
            <section class="welcome-hero card" aria-labelledby="welcome-title">
                <h2 id="welcome-title" class="hero-title">{"Servers you never change. You replace them."}</h2>
                <p class="lead">{"A fleet of simulated servers runs in this page. Change them by hand and watch them drift apart; bake a golden image instead, ship it through a pipeline, and roll it out with blue-green, canary or rolling deployments — with rollbacks, health checks and a stream of requests to keep serving."}</p>
                { pattern_picture() }
                <div class="way-in">
                    { way_in(&lessons, &progress.value) }
                    <a class="button" href="?scenario=sandbox">{"Open the sandbox"}</a>
                    <a class="button" href="?lessons">{ format!("All {} lessons", lessons.len()) }</a>
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
                <section class="card" aria-labelledby="teachers-title">
                    <h2 id="teachers-title">{"For teachers"}</h2>
                    <p>{"Write an exercise in the "}<a href="?builder">{"lesson builder"}</a>{" and share it as a link or a file. Learners export their progress; "}<code>{"lab grade"}</code>{" replays every pass to check it."}</p>
                    <p><a href="?compare=seed-004">{"The mutable and immutable fleets side by side"}</a>{" make a good first demonstration."}</p>
                </section>
                <section class="card" aria-labelledby="docs-title">
                    <h2 id="docs-title">{"For documentation"}</h2>
                    <p>{"Embed a live lab in your own pages:"}</p>
                    <p><code>{"<iframe src=\"…/?embed=canary-bad\">"}</code></p>
                    <p>{"The "}<a href="?guide">{"guide"}</a>{" shows one for every part of the pattern."}</p>
                </section>
            </div>
        </main>
    }
}
