//! Any image as text for real tools: a Dockerfile, a Packer template, a Terraform launch template
//! that pins the fleet to the image's digest, and the fleet's Kubernetes manifest. Copy it or
//! download it. The text is made by the lab's worker (with the terminal's), so its code is only
//! downloaded when an export is looked at.

use std::rc::Rc;

use lab_engine::{Digest, ImageSpec};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::lab::describe::short;
use crate::lab::state::Action;
use crate::lab::terminal_host::EXPORT_FORMATS as FORMATS;

#[derive(Properties, PartialEq)]
pub struct ExportsProps {
    /// Every image in the registry, newest last.
    pub images: Rc<Vec<(Digest, ImageSpec)>>,
    /// The latest export made: its format, image and text.
    pub made: Option<Rc<(usize, Digest, String)>>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn Exports(props: &ExportsProps) -> Html {
    let chosen = use_state(|| None::<Digest>);
    let format = use_state(|| 0usize);
    let copied = use_state(|| false);
    // Made on demand: nothing is asked of the worker (nor is it downloaded) until a format is
    // chosen or the text is asked for.
    let requested = use_state(|| false);
    let Some((digest, _)) = (*chosen)
        .and_then(|d| props.images.iter().find(|(digest, _)| *digest == d))
        .or_else(|| props.images.last())
        .cloned()
    else {
        return html! {};
    };
    {
        // Ask for the text whenever the image or the format changes.
        let on_action = props.on_action.clone();
        use_effect_with((*format, digest, *requested), move |(format, digest, requested)| {
            if *requested {
                on_action.emit(Action::Export(*format, *digest));
            }
        });
    }
    let text =
        props.made.as_ref().filter(|made| made.0 == *format && made.1 == digest).map(|made| made.2.clone());
    let ready = text.is_some();
    let text = text.unwrap_or_else(|| "Preparing the export…".to_owned());
    let on_image = {
        let (chosen, images, copied) = (chosen.clone(), props.images.clone(), copied.clone());
        Callback::from(move |event: Event| {
            let index: usize =
                event.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(0);
            chosen.set(images.get(index).map(|(digest, _)| *digest));
            copied.set(false);
        })
    };
    let on_copy = {
        let (text, copied) = (text.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        })
    };
    let download = crate::text::units::text_data_url(&text);
    html! {
        <section class="card exports" aria-labelledby="exports-title">
            <div class="card-head">
                <h2 id="exports-title">{"Export"}</h2>
                <label class="field inline">
                    <span>{"Image"}</span>
                    <select onchange={on_image} aria-label="Image to export">
                        { for props.images.iter().enumerate().rev().map(|(index, (d, s))| html! {
                            <option key={d.hex()} value={index.to_string()} selected={*d == digest}>{ format!("v{} {}", s.app_version, short(d)) }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="tabs">
                <div class="tab-list" role="tablist" aria-label="Format">
                { for FORMATS.iter().enumerate().map(|(index, (name, _))| {
                    let selected = index == *format;
                    let (format, copied, requested) = (format.clone(), copied.clone(), requested.clone());
                    let onclick = Callback::from(move |_: MouseEvent| { format.set(index); copied.set(false); requested.set(true); });
                    html! {
                        <button key={*name} role="tab" aria-selected={selected.to_string()}
                            class={classes!("tab", selected.then_some("active"))} {onclick}>{ *name }</button>
                    }
                }) }
                </div>
                <span class="tab-actions">
                    <button onclick={on_copy} disabled={!ready || !*requested}>{ if *copied { "Copied" } else { "Copy" } }</button>
                    <a class="button" href={download} download={FORMATS[*format].1}>{"Download"}</a>
                </span>
            </div>
            if *requested {
                <pre class="export-text" data-testid="export-text" tabindex="0" aria-busy={(!ready).to_string()}>{ text }</pre>
            } else {
                <p class="export-text muted">
                    <button onclick={{ let requested = requested.clone(); Callback::from(move |_: MouseEvent| requested.set(true)) }}>
                        { format!("Show the {}", FORMATS[*format].0) }
                    </button>
                    {" The image as a file for that tool, pinned to its versions and digest."}
                </p>
            }
        </section>
    }
}
