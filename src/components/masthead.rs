//! The header of every page: the name, what this page is, the same navigation everywhere (minus a
//! link to the page itself), and the theme switch.

use yew::prelude::*;

/// The pages the navigation offers, as (address, label, what it is). Labels stay one word each so
/// the navigation and the theme switch share one line at 1024 pixels.
const PAGES: [(&str, &str, &str); 5] = [
    ("?lessons", "Lessons", "The lessons, in order, with your progress"),
    ("?guide", "Guide", "The pattern explained in six parts, with live labs"),
    ("?glossary", "Glossary", "Every term the lab uses"),
    ("?scenario=sandbox", "Sandbox", "The whole lab with everything unlocked"),
    ("?compare=seed-004", "Compare", "A mutable and an immutable fleet side by side"),
];

#[derive(Properties, PartialEq)]
pub struct MastheadProps {
    /// What this page is.
    pub tagline: AttrValue,
    /// This page's address in [`PAGES`], left out of the navigation.
    #[prop_or_default]
    pub here: AttrValue,
    /// What the page adds beside its name (the lab's scenario picker).
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn Masthead(props: &MastheadProps) -> Html {
    let choice = use_state(|| crate::platform::theme::load(&crate::platform::storage::LocalStorage));
    let problem = use_state(|| None::<String>);
    let on_theme = {
        let (choice, problem) = (choice.clone(), problem.clone());
        Callback::from(move |event: Event| {
            let name = event.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let Some(picked) = crate::platform::theme::ThemeChoice::from_name(&name) else { return };
            crate::platform::theme::apply(picked);
            problem.set(
                crate::platform::theme::save(&crate::platform::storage::LocalStorage, picked).err().map(
                    |why| {
                        format!(
                            "The theme changed for this page, but could not be kept for the next one: {why}."
                        )
                    },
                ),
            );
            choice.set(picked);
        })
    };
    html! {
        <header class="masthead">
            <h1><span class="logo" aria-hidden="true">{"▦"}</span>{"Immutable Infrastructure Lab"}</h1>
            if !props.tagline.is_empty() {
                <p class="tagline">{ props.tagline.clone() }</p>
            }
            { props.children.clone() }
            <nav class="nav-links" aria-label="Pages">
                { for PAGES.iter().filter(|(href, ..)| *href != props.here.as_str()).map(|(href, label, title)| html! {
                    <a key={*href} class="nav-link" href={crate::platform::query::href(href)} title={*title}>{ *label }</a>
                }) }
                <label class="field inline theme-switch">
                    <span>{"Theme"}</span>
                    <select onchange={on_theme}>
                        { for crate::platform::theme::ThemeChoice::ALL.iter().map(|option| html! {
                            <option key={option.name()} value={option.name()} selected={*option == *choice}>{ option.label() }</option>
                        }) }
                    </select>
                </label>
            </nav>
            if let Some(problem) = (*problem).clone() {
                <p class="problem small" role="alert">{ problem }</p>
            }
        </header>
    }
}
