//! Any image as text for real tools: a Dockerfile, a Packer template, and a Terraform launch
//! template that pins the fleet to the image's digest. Copy it or download it.

use std::rc::Rc;

use lab_engine::export::{dockerfile, packer, terraform_launch_template};
use lab_engine::{Digest, ImageSpec, tag_for_version};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::lab::describe::short;

/// The three formats, with the file name a download gets.
const FORMATS: [(&str, &str); 4] = [
    ("Dockerfile", "Dockerfile"),
    ("Packer", "golden.pkr.hcl"),
    ("Terraform", "fleet.tf"),
    ("Kubernetes", "fleet.yaml"),
];

#[derive(Properties, PartialEq)]
pub struct ExportsProps {
    /// Every image in the registry, newest last.
    pub images: Rc<Vec<(Digest, ImageSpec)>>,
    /// How the fleet deploys, for the Kubernetes manifest.
    pub strategy: Rc<lab_engine::StrategySpec>,
    pub replicas: u32,
    pub progress_deadline_ticks: u64,
}

#[component]
pub fn Exports(props: &ExportsProps) -> Html {
    let chosen = use_state(|| None::<Digest>);
    let format = use_state(|| 0usize);
    let copied = use_state(|| false);
    let Some((digest, spec)) = (*chosen)
        .and_then(|d| props.images.iter().find(|(digest, _)| *digest == d))
        .or_else(|| props.images.last())
        .cloned()
    else {
        return html! {};
    };
    let tag = tag_for_version(&spec.app_version);
    let text = match *format {
        0 => dockerfile(&spec),
        1 => packer(&spec, &tag),
        2 => terraform_launch_template(&spec, &digest.to_string()),
        _ => lab_engine::export::kubernetes_manifest(
            &props.strategy,
            props.replicas,
            digest,
            props.progress_deadline_ticks,
        ),
    };
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
                    let (format, copied) = (format.clone(), copied.clone());
                    let onclick = Callback::from(move |_: MouseEvent| { format.set(index); copied.set(false); });
                    html! {
                        <button key={*name} role="tab" aria-selected={selected.to_string()}
                            class={classes!("tab", selected.then_some("active"))} {onclick}>{ *name }</button>
                    }
                }) }
                </div>
                <span class="tab-actions">
                    <button onclick={on_copy}>{ if *copied { "Copied" } else { "Copy" } }</button>
                    <a class="button" href={download} download={FORMATS[*format].1}>{"Download"}</a>
                </span>
            </div>
            <pre class="export-text" data-testid="export-text" tabindex="0">{ text }</pre>
        </section>
    }
}
