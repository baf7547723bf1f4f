//! Inject hand-made changes and patches into both fleets at once. The mutable fleet takes them; the
//! immutable one refuses SSH (or, with break-glass, replaces what was touched).

use lab_engine::Command;
use lab_engine::drift::DriftChange;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The palette: a label and the change it makes.
fn changes() -> [(&'static str, DriftChange); 8] {
    [
        (
            "SSH hotfix: LOG_LEVEL=debug",
            DriftChange::HotfixConfig { key: "LOG_LEVEL".into(), value: "debug".into() },
        ),
        (
            "Kernel parameter vm.overcommit_memory=2",
            DriftChange::KernelParam { key: "vm.overcommit_memory".into(), value: "2".into() },
        ),
        (
            "Install tcpflow (needs this openssl)",
            DriftChange::InstallTool { name: "tcpflow".into(), requires: Some("openssl".into()) },
        ),
        (
            "Add a cron job (logrotate)",
            DriftChange::AddCron { line: "0 3 * * * /usr/sbin/logrotate -f /etc/logrotate.d/app".into() },
        ),
        (
            "Patch openssl by hand to 3.0.12",
            DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.12".into() },
        ),
        ("Hand-edit server.js", DriftChange::EditAppFile { path: "server.js".into() }),
        ("Write 200 MB of uploads to local disk", DriftChange::WriteLocalData { mb: 200 }),
        ("Attacker gains persistence", DriftChange::Compromise),
    ]
}

#[derive(Properties, PartialEq)]
pub struct DriftPaletteProps {
    /// Servers to choose from (by position, 1 to the fleet size).
    pub fleet_size: u32,
    pub notice: Option<AttrValue>,
    pub on_command: Callback<Command>,
    /// What the palette's actions reach, in a sentence.
    #[prop_or(AttrValue::from("Each action goes to both fleets: the same people, the same mistakes."))]
    pub blurb: AttrValue,
    /// The inject button's label.
    #[prop_or(AttrValue::from("Inject on both fleets"))]
    pub inject_label: AttrValue,
}

#[component]
pub fn DriftPalette(props: &DriftPaletteProps) -> Html {
    let instance = use_state(|| 1u32);
    let change = use_state(|| 0usize);
    let break_glass = use_state(|| false);
    let on_instance = {
        let instance = instance.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(id) = value.parse() {
                instance.set(id);
            }
        })
    };
    let on_change = {
        let change = change.clone();
        Callback::from(move |event: Event| {
            change.set(event.target_unchecked_into::<HtmlSelectElement>().value().parse().unwrap_or(0));
        })
    };
    let on_break_glass = {
        let break_glass = break_glass.clone();
        Callback::from(move |event: Event| {
            break_glass.set(event.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_inject = {
        let (instance, change, break_glass, on_command) =
            (instance.clone(), change.clone(), break_glass.clone(), props.on_command.clone());
        Callback::from(move |_: MouseEvent| {
            let (_, drift) = changes()[*change].clone();
            on_command.emit(Command::Ssh {
                instances: vec![*instance],
                actor: "learner".into(),
                change: drift,
                break_glass: *break_glass,
            });
        })
    };
    let on_patch = props.on_command.reform(|_: MouseEvent| Command::PatchPackage {
        package: "openssl".into(),
        version: "3.0.12".into(),
    });
    let on_configure = props.on_command.reform(|_: MouseEvent| Command::ConfigurationRun);
    let on_deploy =
        props.on_command.reform(|_: MouseEvent| Command::DeployApp { app_version: "3.5.0".into() });
    let on_rebuild = props.on_command.reform(|_: MouseEvent| Command::RebuildAll);
    html! {
        <section class="card palette" aria-labelledby="palette-title">
            <h2 id="palette-title">{"Drift palette"}</h2>
            <p class="muted">{ props.blurb.clone() }</p>
            <div class="field-grid">
                <label class="field">
                    <span>{"Server"}</span>
                    <input type="number" aria-label="Server" min="1" max={props.fleet_size.to_string()} value={instance.to_string()} onchange={on_instance} />
                </label>
                <label class="field">
                    <span>{"Change"}</span>
                    <select aria-label="Change" onchange={on_change}>
                        { for changes().iter().enumerate().map(|(index, (label, _))| html! {
                            <option key={index} value={index.to_string()} selected={index == *change}>{ *label }</option>
                        }) }
                    </select>
                </label>
            </div>
            <label class="check"><input type="checkbox" checked={*break_glass} onchange={on_break_glass} />{"Break-glass (emergency access)"}</label>
            <div class="button-row">
                <button class="primary" onclick={on_inject}>{ props.inject_label.clone() }</button>
            </div>
            <div class="button-row">
                <button onclick={on_patch} title="apt upgrade on the mutable fleet; a new image and a rolling replacement on the immutable one">{"Patch openssl to 3.0.12"}</button>
            </div>
            <div class="button-row wrap">
                <button onclick={on_configure} title="Ansible-style run: puts back what the image manages, cannot see the rest">{"Configuration run"}</button>
                <button onclick={on_deploy} title="Copy v3.5.0 onto each server in place, or bake it into an image and replace">{"Deploy app 3.5.0"}</button>
                <button onclick={on_rebuild} title="Terminate every server at once and relaunch from the image">{"Monthly rebuild"}</button>
            </div>
            if let Some(notice) = props.notice.clone() {
                <p class="problem" role="alert">{ notice }</p>
            }
        </section>
    }
}
