//! The page: the lab's state, the render loop, and the view data each part receives.

use std::cell::RefCell;
use std::rc::Rc;

use lab_engine::{Digest, Event, Lifecycle};
use yew::prelude::*;

use crate::components::*;
use crate::describe::{describe, short};
use crate::hooks::use_render_loop;
use crate::layout::is_shown;
use crate::palette;
use crate::query::PageQuery;
use crate::state::{Action, Lab};

/// How many events the log shows.
const LOG_ENTRIES_SHOWN: usize = 60;

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
    use_render_loop(lab.clone(), canvas.clone(), redraw);

    let on_action = dispatcher(&lab, &force_update);
    let on_build = on_action.reform(Action::Build);
    let on_deploy = on_action.reform(Action::Deploy);
    let toggle_table = {
        let show_table = show_table.clone();
        Callback::from(move |_: MouseEvent| show_table.set(!*show_table))
    };

    let lab = lab.borrow();
    let world = &lab.world;
    let snapshot = world.snapshot();
    let look_of = |digest: Digest| world.images().iter().position(|i| i.digest == digest).unwrap_or(0);
    let version_of =
        |digest: Digest| world.image(digest).map_or_else(String::new, |i| i.spec.app_version.clone());

    let fleet_images = snapshot.images.iter().map(|(d, _)| d.to_string()).collect::<Vec<_>>().join(",");
    let legend: Vec<LegendRow> = snapshot
        .images
        .iter()
        .map(|(digest, count)| LegendRow {
            look: look_of(*digest),
            label: format!("v{}", version_of(*digest)).into(),
            count: *count,
        })
        .collect();
    let summary = format!(
        "Fleet of {} instances: {}.",
        snapshot.instances.pending + snapshot.instances.booting + snapshot.instances.in_service,
        legend.iter().map(|row| format!("{} on {}", row.count, row.label)).collect::<Vec<_>>().join(", ")
    );
    let registry_rows: Vec<RegistryRow> = world
        .images()
        .iter()
        .enumerate()
        .map(|(index, image)| RegistryRow {
            digest: image.digest,
            version: image.spec.app_version.clone().into(),
            look: index,
            running: snapshot.images.iter().find(|(d, _)| *d == image.digest).map_or(0, |(_, n)| *n),
            target: world.target_revision().image == image.digest,
            built_tick: image.built_tick,
        })
        .collect();
    let registry_versions: Vec<(Digest, String)> =
        world.images().iter().map(|i| (i.digest, i.spec.app_version.clone())).collect();
    let bars: Vec<RevisionBar> = snapshot
        .revisions
        .iter()
        .map(|r| RevisionBar {
            revision: r.revision,
            version: r.app_version.clone().into(),
            look: look_of(r.image),
            desired: r.desired,
            live: r.live,
            available: r.available,
            target: r.target,
        })
        .collect();
    let strategy = match world.strategy() {
        lab_engine::StrategySpec::Rolling(rolling) => {
            format!(
                "rolling update · max surge {} · max unavailable {}",
                rolling.max_surge, rolling.max_unavailable
            )
        }
    };
    let entries: Vec<LogEntry> = world
        .history()
        .numbered()
        .rev()
        .take(LOG_ENTRIES_SHOWN)
        .map(|(key, record)| LogEntry {
            key,
            tick: record.tick,
            text: describe(&record.event, world).into(),
            kind: match record.event {
                Event::CommandRejected { .. } => "rejected",
                Event::RolloutComplete { .. } => "complete",
                Event::RolloutStarted { .. } | Event::ImageBuilt { .. } => "milestone",
                _ => "",
            },
        })
        .collect();
    let table_rows: Option<Vec<TableRow>> = show_table.then(|| {
        let shown_tick = world.now().saturating_sub(1);
        world
            .instances()
            .iter()
            .filter(|i| is_shown(i, shown_tick))
            .map(|i| TableRow {
                id: i.id.to_string().into(),
                image: i.image.to_string().into(),
                image_short: short(&i.image).into(),
                version: version_of(i.image).into(),
                glyph: palette::look(look_of(i.image)).glyph_name,
                revision: i.revision,
                state_code: state_code(i.state),
                state_label: i.state.label(),
                address: i.address_text().into(),
                launch_tick: i.launch_tick,
            })
            .collect()
    });
    let current_spec = world
        .image(world.target_revision().image)
        .map(|i| i.spec.clone())
        .unwrap_or_else(|| world.images()[0].spec.clone());

    html! {
        <main id="lab" data-ready="true">
            <header class="masthead">
                <h1><span class="logo" aria-hidden="true">{"▦"}</span>{"Immutable Infrastructure Lab"}</h1>
                <p class="tagline">{"Servers are never changed in place: a change is a new image, and instances built from it replace the old ones."}</p>
            </header>
            <StatusBar tick={snapshot.tick} counts={snapshot.instances} trace_digest={AttrValue::from(snapshot.trace_digest.to_string())}
                rollout_complete={snapshot.rollout_complete} fleet_images={AttrValue::from(fleet_images)}
                scenario_title={AttrValue::from(lab.title().to_owned())} />
            <div class="columns">
                <aside class="left">
                    <Controls playing={lab.playing} speed={lab.speed} on_action={on_action.clone()} />
                    <ImageBuilder current={Rc::new(current_spec)} registry={Rc::new(registry_versions)}
                        last_built={lab.last_built} notice={lab.notice.clone().map(AttrValue::from)} {on_build} />
                    <Registry rows={Rc::new(registry_rows)} {on_deploy} />
                </aside>
                <div class="centre">
                    <FleetView canvas={canvas} summary={AttrValue::from(summary)} legend={Rc::new(legend)} />
                    <RolloutPanel bars={Rc::new(bars)} replicas={snapshot.replicas} complete={snapshot.rollout_complete} strategy={AttrValue::from(strategy)} />
                    <section class="card table-card" aria-labelledby="table-title">
                        <div class="card-head">
                            <h2 id="table-title">{"Instances"}</h2>
                            <button aria-expanded={show_table.to_string()} aria-controls="fleet-table-region" onclick={toggle_table}>
                                { if *show_table { "Hide table" } else { "Show table" } }
                            </button>
                        </div>
                        <div id="fleet-table-region">
                            if let Some(rows) = table_rows {
                                <FleetTable rows={Rc::new(rows)} />
                            } else {
                                <p class="muted">{"The same fleet as a table, one row per instance, for screen readers and for reading digests."}</p>
                            }
                        </div>
                    </section>
                </div>
                <aside class="right">
                    <EventLog entries={Rc::new(entries)} />
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

/// The machine-readable state name used in data attributes and CSS classes.
pub fn state_code(state: Lifecycle) -> &'static str {
    match state {
        Lifecycle::Pending => "pending",
        Lifecycle::Booting => "booting",
        Lifecycle::InService => "in_service",
        Lifecycle::Draining => "draining",
        Lifecycle::Terminated => "terminated",
    }
}
