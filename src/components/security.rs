//! Security over time: advisories published after an image was built, and the nightly refresh that
//! rebuilds the running image on a patched base.

use yew::prelude::*;

pub struct SecurityProps {
    pub advisories: u32,
    pub vulnerable_instances: u32,
    pub nightly_refresh: bool,
    pub on_publish: Callback<()>,
    pub on_nightly: Callback<bool>,
}

/// A plain function rather than a component: a component costs the download its own copy of
/// Yew's lifecycle code, and this one has no state of its own.
pub fn security(props: &SecurityProps) -> Html {
    let on_publish = props.on_publish.reform(|_: MouseEvent| ());
    let on_nightly = {
        let on_nightly = props.on_nightly.clone();
        let enabled = !props.nightly_refresh;
        Callback::from(move |_: Event| on_nightly.emit(enabled))
    };
    html! {
        <section class="card security" aria-labelledby="security-title">
            <h2 id="security-title">{"Security"}</h2>
            <p class={classes!("exposure", (props.vulnerable_instances > 0).then_some("bad"))} data-testid="vulnerable-instances"
                data-count={props.vulnerable_instances.to_string()}>
                { format!("{} instances run a known-vulnerable image · {} advisories known", props.vulnerable_instances, props.advisories) }
            </p>
            <div class="button-row">
                <button onclick={on_publish} title="A new OpenSSL advisory appears today: images built yesterday become vulnerable">{"Publish advisory"}</button>
            </div>
            <label class="check"><input type="checkbox" checked={props.nightly_refresh} onchange={on_nightly} />{"Nightly base-image refresh"}</label>
        </section>
    }
}
