//! The image registry: every image built, what runs it, and a deploy button each.

use std::rc::Rc;

use lab_engine::Digest;
use yew::prelude::*;

use crate::components::GlyphIcon;
use crate::describe::short;

#[derive(Clone, Debug, PartialEq)]
pub struct RegistryRow {
    pub digest: Digest,
    pub version: AttrValue,
    pub look: usize,
    /// Live instances running it.
    pub running: u32,
    /// Whether it is the rollout target.
    pub target: bool,
    pub built_tick: u64,
}

#[derive(Properties, PartialEq)]
pub struct RegistryProps {
    pub rows: Rc<Vec<RegistryRow>>,
    pub on_deploy: Callback<Digest>,
}

#[component]
pub fn Registry(props: &RegistryProps) -> Html {
    html! {
        <section class="card registry" aria-labelledby="registry-title">
            <h2 id="registry-title">{"Registry"}</h2>
            <ul class="image-list">
                { for props.rows.iter().rev().map(|row| {
                    let digest = row.digest;
                    let on_deploy = props.on_deploy.clone();
                    let onclick = Callback::from(move |_: MouseEvent| on_deploy.emit(digest));
                    let status = match (row.target, row.running) {
                        (true, _) => "fleet target".to_owned(),
                        (false, 0) => format!("built at tick {}", row.built_tick),
                        (false, running) => format!("{running} still running"),
                    };
                    html! {
                        <li key={row.digest.hex()} class={classes!("image-row", row.target.then_some("target"))}>
                            <GlyphIcon look={row.look} />
                            <div class="image-text">
                                <strong>{ format!("v{}", row.version) }</strong>
                                <code title={row.digest.to_string()}>{ short(&row.digest) }</code>
                                <span class="muted">{ status }</span>
                            </div>
                            <button data-testid={format!("deploy-{}", row.digest.short())}
                                aria-label={format!("Deploy v{} ({})", row.version, short(&row.digest))}
                                disabled={row.target} {onclick}>{"Deploy"}</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
