//! The image registry: every image, its tags, size and scan status, which environments and how
//! many instances run it, and the registry's tag policy.

use std::rc::Rc;

use lab_engine::Digest;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::glyph_icon;
use crate::lab::describe::short;

#[derive(Clone, Debug, PartialEq)]
pub struct RegistryRow {
    pub digest: Digest,
    pub version: AttrValue,
    pub look: usize,
    /// Live instances running it.
    pub running: u32,
    /// Whether the fleet's launch template names it.
    pub target: bool,
    pub built_tick: u64,
    pub size_kb: u32,
    /// Tags naming it, environments among them.
    pub tags: Rc<Vec<String>>,
    /// Advisories known to affect it.
    pub advisories: Rc<Vec<String>>,
}

pub struct RegistryProps {
    pub rows: Rc<Vec<RegistryRow>>,
    pub immutable_tags: bool,
    pub on_deploy: Callback<Digest>,
    pub on_immutable: Callback<bool>,
    pub on_collect: Callback<()>,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn registry(props: &RegistryProps) -> Html {
    let on_immutable = {
        let on_immutable = props.on_immutable.clone();
        Callback::from(move |event: Event| {
            on_immutable.emit(event.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_collect = props.on_collect.reform(|_: MouseEvent| ());
    html! {
        <section class="card registry" aria-labelledby="registry-title">
            <div class="card-head">
                <h2 id="registry-title">{"Registry"}</h2>
                <span class="muted">{ format!("{} images", props.rows.len()) }</span>
            </div>
            <ul class="image-list">
                { for props.rows.iter().rev().map(|row| image_row(row, &props.on_deploy)) }
            </ul>
            <div class="registry-policy">
                <label class="check"><input type="checkbox" checked={props.immutable_tags} onchange={on_immutable} />{"Immutable tags"}</label>
                <button onclick={on_collect} title="Delete images that no instance, kept release or environment uses">{"Collect garbage"}</button>
            </div>
        </section>
    }
}

fn image_row(row: &RegistryRow, on_deploy: &Callback<Digest>) -> Html {
    let digest = row.digest;
    let on_deploy = on_deploy.clone();
    let onclick = Callback::from(move |_: MouseEvent| on_deploy.emit(digest));
    let status = match (row.target, row.running) {
        (true, _) => "fleet target".to_owned(),
        (false, 0) => format!("built at tick {}", row.built_tick),
        (false, running) => format!("{running} still running"),
    };
    let vulnerable = !row.advisories.is_empty();
    html! {
        <li key={row.digest.hex()} class={classes!("image-row", row.target.then_some("target"), vulnerable.then_some("vulnerable"))}
            data-digest={row.digest.to_string()}>
            { glyph_icon(row.look) }
            <div class="image-text">
                <strong>{ format!("v{}", row.version) }<span class="size">{ format!(" · {}", crate::text::units::whole_mb(row.size_kb)) }</span></strong>
                <code title={row.digest.to_string()}>{ short(&row.digest) }</code>
                <span class="tags">
                    { for row.tags.iter().map(|tag| {
                        let environment = matches!(tag.as_str(), "dev" | "staging" | "production");
                        html! { <span key={tag.clone()} class={classes!("tag", environment.then_some("env"), (tag == "latest").then_some("latest"))}>{ tag }</span> }
                    }) }
                </span>
                if vulnerable {
                    <span class="scan bad" title="Known advisories affect this image">{ format!("⚠ {}", row.advisories.join(", ")) }</span>
                } else {
                    <span class="scan good">{"no known advisories"}</span>
                }
                <span class="muted">{ status }</span>
            </div>
            <button data-testid={format!("deploy-{}", row.digest.short())}
                aria-label={format!("Deploy v{} ({})", row.version, short(&row.digest))}
                disabled={row.target} {onclick}>{"Deploy"}</button>
        </li>
    }
}
