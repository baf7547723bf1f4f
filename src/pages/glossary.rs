//! The glossary page (`?glossary`): every term of the pattern with the anchor lessons' `[term]`
//! links land on (the words themselves are `text/glossary.rs`).

use yew::prelude::*;

use crate::text::glossary::TERMS;
use crate::text::markdown::{render, term_anchor};

#[component]
pub fn GlossaryPage() -> Html {
    html! {
        <main id="glossary" data-ready="true">
            <crate::components::Masthead tagline={AttrValue::from("Glossary")} here="?glossary" />
            <dl class="card glossary-list">
                { for TERMS.iter().map(|(term, text)| html! {
                    <div key={*term} class="glossary-entry" id={term_anchor(term)}>
                        <dt>{ *term }</dt>
                        <dd>{ render(text) }</dd>
                    </div>
                }) }
            </dl>
        </main>
    }
}
