//! The page: the lab's state, the render loop, and which part shows what.

use std::cell::RefCell;
use std::rc::Rc;

use lab_engine::scan::{Advisory, Severity};
use lab_engine::{Command, ImageSpec};
use yew::prelude::*;

use crate::components::*;
use crate::hooks::use_render_loop;
use crate::query::PageQuery;
use crate::state::{Action, Lab};
use crate::view;

/// The advisory the Security card's button publishes: OpenSSL's next patch, announced today.
fn demo_advisory() -> Advisory {
    Advisory {
        id: "LAB-2026-0001".into(),
        package: "openssl".into(),
        fixed_in: "3.0.13".into(),
        severity: Severity::High,
        summary: "a flaw found today in OpenSSL before 3.0.13: every image built before now carries it"
            .into(),
    }
}

#[component]
pub fn App() -> Html {
    let lab = use_mut_ref(|| {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        Lab::from_query(&PageQuery::parse(&search))
    });
    let force_update = use_force_update();
    let canvas = use_node_ref();
    let show_table = use_state(|| false);
    let redraw = {
        let force_update = force_update.clone();
        Callback::from(move |()| force_update.force_update())
    };
    let canvases = use_memo((), {
        let canvas = canvas.clone();
        move |_| vec![canvas]
    });
    use_render_loop(lab.clone(), canvases, redraw);

    let on_action = dispatcher(&lab, &force_update);
    let command = |make: fn(bool) -> Command| on_action.reform(move |on: bool| Action::Command(make(on)));
    let on_build = on_action.reform(Action::Build);
    let on_deploy = on_action.reform(Action::Deploy);
    let on_pipeline =
        on_action.reform(|(spec, options)| Action::Command(Command::RunPipeline { spec, options }));
    let on_approve = on_action.reform(|run| Action::Command(Command::Approve { run }));
    let on_immutable = command(|enabled| Command::SetImmutableTags { enabled });
    let on_nightly = command(|enabled| Command::SetNightlyRefresh { enabled });
    let on_collect = on_action.reform(|()| Action::Command(Command::CollectGarbage));
    let on_publish = on_action.reform(|()| Action::Command(Command::PublishAdvisory(demo_advisory())));
    let plan = {
        let lab = lab.clone();
        Callback::from(move |spec: ImageSpec| lab.borrow().world.registry().plan(&spec))
    };
    let on_scenario = Callback::from(|event: Event| {
        let name = event.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        if let Some(window) = web_sys::window() {
            // A new scenario is a new page: the URL is what a learner can share or bookmark.
            let _ = window.location().set_search(&format!("scenario={name}"));
        }
    });
    let toggle_table = {
        let show_table = show_table.clone();
        Callback::from(move |_: MouseEvent| show_table.set(!*show_table))
    };

    let lab = lab.borrow();
    let world = &lab.world;
    let snapshot = world.snapshot();
    let fleet_images = snapshot.images.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>().join(",");
    let legend = view::legend(world, &snapshot.images);
    let summary = format!(
        "Fleet of {} instances: {}.",
        snapshot.instances.pending + snapshot.instances.booting + snapshot.instances.in_service,
        legend.iter().map(|row| format!("{} on {}", row.count, row.label)).collect::<Vec<_>>().join(", ")
    );
    let strategy = world.strategy().describe();
    let registry_versions =
        world.images().iter().map(|i| (i.digest, i.spec.app_version.clone())).collect::<Vec<_>>();
    let current_spec = world
        .image(world.target_revision().image)
        .map(|i| i.spec.clone())
        .unwrap_or_else(|| world.images()[0].spec.clone());

    html! {
        <main id="lab" data-ready="true">
            <header class="masthead">
                <h1><span class="logo" aria-hidden="true">{"▦"}</span>{"Immutable Infrastructure Lab"}</h1>
                <p class="tagline">{"Servers are never changed in place: a change is a new image, and instances built from it replace the old ones."}</p>
                <label class="field inline scenario-picker">
                    <span>{"Scenario"}</span>
                    <select onchange={on_scenario}>
                        { for crate::scenarios::PICKER.iter().map(|(name, label)| html! {
                            <option key={*name} value={*name} selected={*name == lab.scenario_name}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <a class="nav-link" href="?compare=seed-004">{"Compare mutable vs immutable"}</a>
            </header>
            <StatusBar tick={snapshot.tick} counts={snapshot.instances} trace_digest={AttrValue::from(snapshot.trace_digest.to_string())}
                rollout_complete={snapshot.rollout_complete} fleet_images={AttrValue::from(fleet_images)}
                scenario_title={AttrValue::from(lab.title().to_owned())} phase={AttrValue::from(snapshot.rollout.phase)} />
            <div class="columns">
                <aside class="left">
                    <Controls playing={lab.playing} speed={lab.speed} on_action={on_action.clone()} />
                    <ImageBuilder current={Rc::new(current_spec)} registry={Rc::new(registry_versions)} {plan}
                        last_built={lab.last_built} notice={lab.notice.clone().map(AttrValue::from)} {on_build} {on_pipeline} />
                </aside>
                <div class="centre">
                    <FleetView canvas={canvas} summary={AttrValue::from(summary)} legend={Rc::new(legend)} />
                    <RolloutPanel bars={Rc::new(view::revision_bars(world))} replicas={snapshot.replicas} complete={snapshot.rollout_complete}
                        strategy={AttrValue::from(strategy)} phase={AttrValue::from(snapshot.rollout.phase)}
                        reason={AttrValue::from(snapshot.rollout.conditions.reason)} steps={Rc::new(view::rollout_steps(world))}
                        canary_weights={view::canary_weights(world).map(AttrValue::from)}
                        abort_reason={world.rollout_status().abort_reason.clone().map(AttrValue::from)}
                        pause_reason={world.rollout_status().inconclusive_pause.clone().map(AttrValue::from)}
                        on_command={on_action.reform(Action::Command)} strategy_spec={Rc::new(world.strategy().clone())} />
                    <TimelineChart timeline={lab.timeline.clone()} replicas={snapshot.replicas} />
                    <ScoreboardCard scores={lab.scores.clone()} on_run={on_action.reform(|_| Action::RunScoreboard)} />
                    <PipelineView runs={Rc::new(world.pipelines().to_vec())} now={world.now()} {on_approve} />
                    <Exports images={Rc::new(world.images().iter().map(|i| (i.digest, i.spec.clone())).collect::<Vec<_>>())}
                        strategy={Rc::new(world.strategy().clone())} replicas={world.replicas()}
                        progress_deadline_ticks={world.progress_deadline_ticks()} />
                    <section class="card table-card" aria-labelledby="table-title">
                        <div class="card-head">
                            <h2 id="table-title">{"Instances"}</h2>
                            <button aria-expanded={show_table.to_string()} aria-controls="fleet-table-region" onclick={toggle_table}>
                                { if *show_table { "Hide table" } else { "Show table" } }
                            </button>
                        </div>
                        <div id="fleet-table-region">
                            if *show_table {
                                <FleetTable rows={Rc::new(view::table_rows(world))} />
                            } else {
                                <p class="muted">{"The same fleet as a table, one row per instance, for screen readers and for reading digests."}</p>
                            }
                        </div>
                    </section>
                </div>
                <aside class="right">
                    <Registry rows={Rc::new(view::registry_rows(world, &snapshot.images))} immutable_tags={world.registry().immutable_tags()}
                        {on_deploy} {on_immutable} {on_collect} />
                    <Security advisories={world.advisories().len() as u32} vulnerable_instances={snapshot.vulnerable_instances}
                        nightly_refresh={world.nightly_refresh()} {on_publish} {on_nightly} />
                    <EventLog entries={Rc::new(view::log_entries(world))} />
                </aside>
            </div>
        </main>
    }
}

/// The reducer's entry point for the page: apply, then re-render.
fn dispatcher(lab: &Rc<RefCell<Lab>>, force_update: &UseForceUpdateHandle) -> Callback<Action> {
    let (lab, force_update) = (lab.clone(), force_update.clone());
    Callback::from(move |action| {
        lab.borrow_mut().reduce(action);
        force_update.force_update();
    })
}
