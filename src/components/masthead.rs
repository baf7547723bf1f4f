//! The header of every page: the name, what this page is, and the same navigation everywhere,
//! minus a link to the page itself.

use yew::prelude::*;

/// The pages the navigation offers, as (address, label).
const PAGES: [(&str, &str); 5] = [
    ("?lessons", "Lessons"),
    ("?guide", "Guide"),
    ("?glossary", "Glossary"),
    ("?scenario=sandbox", "Sandbox (everything unlocked)"),
    ("?compare=seed-004", "Compare mutable vs immutable"),
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
    html! {
        <header class="masthead">
            <h1><span class="logo" aria-hidden="true">{"▦"}</span>{"Immutable Infrastructure Lab"}</h1>
            if !props.tagline.is_empty() {
                <p class="tagline">{ props.tagline.clone() }</p>
            }
            { props.children.clone() }
            <nav class="nav-links" aria-label="Pages">
                { for PAGES.iter().filter(|(href, _)| *href != props.here.as_str()).map(|(href, label)| html! {
                    <a key={*href} class="nav-link" href={*href}>{ *label }</a>
                }) }
            </nav>
        </header>
    }
}
