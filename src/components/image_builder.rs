//! Edit a golden image's spec, watch each layer's digest change before building it, then build it
//! directly or send it through the pipeline.

use std::rc::Rc;

use lab_engine::pipeline::{PipelineOptions, StageKind};
use lab_engine::{BuildPlan, Digest, ImageSpec};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::{LayerStackProps, layer_stack};
use crate::lab::describe::short;

/// A config entry the builder exposes so a learner can try baking a secret into the image.
const SECRET_KEY: &str = "DB_PASSWORD";

#[derive(Properties, PartialEq)]
pub struct ImageBuilderProps {
    /// The spec the fleet runs now: the starting point for edits.
    pub current: Rc<ImageSpec>,
    /// Digests already in the registry, with their versions.
    pub registry: Rc<Vec<(Digest, String)>>,
    /// What building a spec would reuse from the build cache now.
    pub plan: Callback<ImageSpec, BuildPlan>,
    pub last_built: Option<Digest>,
    pub notice: Option<AttrValue>,
    pub on_build: Callback<ImageSpec>,
    pub on_pipeline: Callback<(ImageSpec, PipelineOptions)>,
}

type Edit = fn(&mut ImageSpec, String);

#[component]
pub fn ImageBuilder(props: &ImageBuilderProps) -> Html {
    let draft = {
        let current = props.current.clone();
        use_state(move || (*current).clone())
    };
    let rebuild_per_environment = use_state(|| false);
    let failing_tests = use_state(|| None::<StageKind>);

    let text_field = |label: &'static str, value: String, apply: Edit| {
        let draft = draft.clone();
        let oninput = Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut spec = (*draft).clone();
            apply(&mut spec, input.value().trim().to_owned());
            draft.set(spec);
        });
        html! {
            <label class="field" key={label}>
                <span>{ label }</span>
                <input type="text" spellcheck="false" autocomplete="off" {value} {oninput} />
            </label>
        }
    };
    let toggle = |label: &'static str, checked: bool, apply: fn(&mut ImageSpec, bool)| {
        let draft = draft.clone();
        let onchange = Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut spec = (*draft).clone();
            apply(&mut spec, input.checked());
            draft.set(spec);
        });
        html! {
            <label class="check" key={label}><input type="checkbox" {checked} {onchange} />{ label }</label>
        }
    };

    let on_submit = {
        let (draft, on_build) = (draft.clone(), props.on_build.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            on_build.emit((*draft).clone());
        })
    };
    let on_pipeline = {
        let (draft, on_pipeline) = (draft.clone(), props.on_pipeline.clone());
        let (rebuild, failing) = (rebuild_per_environment.clone(), failing_tests.clone());
        Callback::from(move |_: MouseEvent| {
            let options = PipelineOptions { rebuild_per_environment: *rebuild, failing_tests: *failing };
            on_pipeline.emit(((*draft).clone(), options));
        })
    };
    let on_rebuild = {
        let rebuild = rebuild_per_environment.clone();
        Callback::from(move |event: Event| {
            rebuild.set(event.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_failing = {
        let failing = failing_tests.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            failing.set(match value.as_str() {
                "unit" => Some(StageKind::UnitTests),
                "integration" => Some(StageKind::IntegrationTests),
                _ => None,
            });
        })
    };

    let problem = draft.validate().err().map(|error| error.to_string());
    let plan = props.plan.emit((*draft).clone());
    let preview = plan.digest;
    let existing = props.registry.iter().find(|(digest, _)| *digest == preview).map(|(_, v)| v.clone());
    let package = |name: &str| draft.packages.get(name).cloned().unwrap_or_default();
    let runtime_field = draft.runtime.as_ref().map(|runtime| {
        text_field("Runtime (nodejs) version", runtime.version.clone(), |spec, value| {
            if let Some(runtime) = spec.runtime.as_mut() {
                runtime.version = value;
            }
        })
    });
    html! {
        <section class="card builder" aria-labelledby="builder-title">
            <h2 id="builder-title">{"Image builder"}</h2>
            <form onsubmit={on_submit}>
                <div class="field-grid">
                    { text_field("App version", draft.app_version.clone(), |spec, value| spec.app_version = value) }
                    { text_field("openssl version", package("openssl"), |spec, value| { spec.packages.insert("openssl".into(), value); }) }
                    { text_field("curl version", package("curl"), |spec, value| { spec.packages.insert("curl".into(), value); }) }
                    { for runtime_field }
                    { text_field("Base OS", draft.base.clone(), |spec, value| spec.base = value) }
                    { text_field("DB_PASSWORD (config)", draft.config.get(SECRET_KEY).cloned().unwrap_or_default(), |spec, value| {
                        if value.is_empty() { spec.config.remove(SECRET_KEY); } else { spec.config.insert(SECRET_KEY.into(), value); }
                    }) }
                </div>
                <div class="checks">
                    { toggle("Minimal base", draft.minimal_base, |spec, on| spec.minimal_base = on) }
                    { toggle("Multi-stage build", draft.multi_stage, |spec, on| spec.multi_stage = on) }
                </div>
                { layer_stack(&LayerStackProps { layers: draft.layers(), running: props.current.layers(), cached: plan.cached }) }
                <p class="digest-preview" aria-live="polite">
                    {"Digest: "}<code data-testid="preview-digest" title={preview.to_string()}>{ short(&preview) }</code>
                    // The spaces stay outside the unbreakable spans: a line may break before them.
                    {" "}<span class="nowrap">{ format!("· {}", crate::text::units::whole_mb(draft.size_kb())) }</span>
                    {" "}<span class="nowrap">{ format!("· build {} ticks", plan.build_ticks) }</span>
                    if let Some(version) = existing {
                        <span class="hint">{ format!(" — identical to v{version} already in the registry: same spec, same digest") }</span>
                    }
                </p>
                if let Some(problem) = problem.clone() {
                    <p class="problem" role="alert">{ problem }</p>
                }
                <div class="button-row">
                    <button class="primary" type="button" disabled={problem.is_some()} onclick={on_pipeline}>{"Run pipeline"}</button>
                    <button type="submit" disabled={problem.is_some()} title="Build and push straight to the registry, skipping tests and scans">{"Build image"}</button>
                </div>
                <details class="pipeline-options">
                    <summary>{"Pipeline options"}</summary>
                    <label class="check"><input type="checkbox" checked={*rebuild_per_environment} onchange={on_rebuild} />{"Rebuild per environment (anti-pattern)"}</label>
                    <label class="field inline">
                        <span>{"Make tests fail"}</span>
                        <select onchange={on_failing}>
                            <option value="none" selected={failing_tests.is_none()}>{"none"}</option>
                            <option value="unit" selected={*failing_tests == Some(StageKind::UnitTests)}>{"unit tests"}</option>
                            <option value="integration" selected={*failing_tests == Some(StageKind::IntegrationTests)}>{"integration tests"}</option>
                        </select>
                    </label>
                </details>
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
