//! Edit a golden image's spec and watch its digest change before building it.

use std::collections::BTreeMap;
use std::rc::Rc;

use lab_engine::{Digest, ImageSpec};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::describe::short;

/// Packages the builder lets the learner edit; others are carried over unchanged.
const EDITABLE_PACKAGES: [&str; 2] = ["openssl", "curl"];

#[derive(Properties, PartialEq)]
pub struct ImageBuilderProps {
    /// The spec the fleet runs now: the starting point for edits.
    pub current: Rc<ImageSpec>,
    /// Digests already in the registry, with their versions.
    pub registry: Rc<Vec<(Digest, String)>>,
    pub last_built: Option<Digest>,
    pub notice: Option<AttrValue>,
    pub on_build: Callback<ImageSpec>,
}

#[component]
pub fn ImageBuilder(props: &ImageBuilderProps) -> Html {
    let draft = {
        let current = props.current.clone();
        use_state(move || (*current).clone())
    };
    let edit = |apply: fn(&mut ImageSpec, String)| {
        let draft = draft.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut spec = (*draft).clone();
            apply(&mut spec, input.value().trim().to_owned());
            draft.set(spec);
        })
    };
    let on_submit = {
        let (draft, on_build) = (draft.clone(), props.on_build.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on_build.emit((*draft).clone());
        })
    };
    let problem = draft.validate().err().map(|error| error.to_string());
    let preview = draft.digest();
    let existing = props.registry.iter().find(|(digest, _)| *digest == preview).map(|(_, v)| v.clone());
    let package_fields = EDITABLE_PACKAGES.iter().map(|name| {
        let value = draft.packages.get(*name).cloned().unwrap_or_default();
        let draft = draft.clone();
        let name_owned = (*name).to_owned();
        let oninput = Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut spec = (*draft).clone();
            let mut packages: BTreeMap<String, String> = spec.packages.clone();
            packages.insert(name_owned.clone(), input.value().trim().to_owned());
            spec.packages = packages;
            draft.set(spec);
        });
        html! {
            <label class="field" key={*name}>
                <span>{ format!("{name} version") }</span>
                <input type="text" spellcheck="false" autocomplete="off" {value} {oninput} />
            </label>
        }
    });
    html! {
        <section class="card builder" aria-labelledby="builder-title">
            <h2 id="builder-title">{"Image builder"}</h2>
            <form onsubmit={on_submit}>
                <label class="field">
                    <span>{"App version"}</span>
                    <input type="text" spellcheck="false" autocomplete="off" value={draft.app_version.clone()}
                        oninput={edit(|spec, value| spec.app_version = value)} />
                </label>
                { for package_fields }
                <label class="field">
                    <span>{"Base OS"}</span>
                    <input type="text" spellcheck="false" autocomplete="off" value={draft.base.clone()}
                        oninput={edit(|spec, value| spec.base = value)} />
                </label>
                <p class="digest-preview" aria-live="polite">
                    {"Digest: "}<code>{ short(&preview) }</code>
                    if let Some(version) = existing {
                        <span class="hint">{ format!(" — identical to v{version} already in the registry: same spec, same digest") }</span>
                    }
                </p>
                if let Some(problem) = problem.clone() {
                    <p class="problem" role="alert">{ problem }</p>
                }
                <button class="primary" type="submit" disabled={problem.is_some()}>{"Build image"}</button>
            </form>
            if let Some(digest) = props.last_built {
                <p class="built">{"Built "}<code data-testid="built-digest" title={digest.to_string()}>{ digest.to_string() }</code></p>
            }
            if let Some(notice) = props.notice.clone() {
                <p class="problem" role="alert">{ notice }</p>
            }
        </section>
    }
}
