//! The comparison page: a mutable and an immutable fleet side by side on the same events, with
//! charts of what each one's way of working does to it.

use std::cell::RefCell;
use std::rc::Rc;

use lab_engine::Event;
use lab_engine::compare::{MetricsRow, exposure_closed_tick};
use yew::prelude::*;

use crate::components::*;
use crate::hooks::{Canvas, Picture, use_render_loop};
use crate::lab::compare_state::CompareLab;
use crate::lab::state::Action;
use crate::lab::view;

#[derive(Properties, PartialEq)]
pub struct CompareAppProps {
    /// The built-in scenario's name.
    pub scenario: AttrValue,
    /// Ticks to run before showing the page (`&ticks=`, already bounded by the URL's reader), so
    /// a teacher can link to a moment of the story.
    #[prop_or_default]
    pub ticks: Option<u64>,
}

/// A chart: its title, a machine name, and how to read the metric from a row.
type Chart = (&'static str, &'static str, fn(&MetricsRow) -> f64);

/// What an empty fleet log says on this page (there is no builder here).
const EMPTY_LOG: &str = "Nothing yet: press Play, or use the drift palette on the left.";

/// The most ticks a comparison link may run before the page shows.
const PRE_RUN_TICKS_MAX: u64 = 2_000;

/// The charts, in reading order.
const CHARTS: [Chart; 8] = [
    ("Snowflake index (distinct configurations)", "snowflake_index", |r| f64::from(r.snowflake_index)),
    ("Drifted instances", "drifted_instances", |r| f64::from(r.drifted_instances)),
    ("Instances running a vulnerable package", "vulnerable_instances", |r| f64::from(r.vulnerable_instances)),
    ("Patch success (%)", "patch_success", |r| {
        if r.patches_attempted == 0 {
            100.0
        } else {
            (f64::from(r.patches_succeeded) * 100.0 / f64::from(r.patches_attempted)).round()
        }
    }),
    ("Compromised instance-ticks", "compromised_instance_ticks", |r| r.compromised_instance_ticks as f64),
    ("Data lost with replaced instances (MB)", "data_lost_mb", |r| r.data_lost_mb as f64),
    ("Failed requests", "failed_requests", |r| r.failed_requests as f64),
    ("Time to recover (mean ticks)", "mttr_ticks", |r| r.mttr_ticks as f64),
];

#[component]
pub fn CompareApp(props: &CompareAppProps) -> Html {
    let state = use_mut_ref({
        let (name, ticks) = (props.scenario.to_string(), props.ticks);
        move || {
            let text = crate::lab::scenarios::by_name(&name)
                .unwrap_or_else(|| crate::lab::scenarios::by_name("seed-004").unwrap_or_default());
            // Built-in scenarios are checked by a test, so this cannot fail in a release.
            let scenario = lab_engine::Scenario::from_json(text).expect("built-in scenarios parse");
            let mut lab = CompareLab::new(&name, scenario);
            // Two fleets and a metrics row per tick: a story is told in well under this many.
            if let Some(ticks) = ticks {
                lab.reduce(Action::Advance(ticks.min(PRE_RUN_TICKS_MAX) as u32));
            }
            lab
        }
    });
    let force_update = use_force_update();
    let canvases = use_memo((), |_| {
        (0..2)
            .map(|index| Canvas { node: NodeRef::default(), picture: Picture::Fleet(index) })
            .collect::<Vec<_>>()
    });
    let redraw = {
        let force_update = force_update.clone();
        Callback::from(move |()| force_update.force_update())
    };
    use_render_loop(state.clone(), canvases.clone(), redraw);
    let on_action = dispatcher(&state, &force_update);
    let on_command = on_action.reform(Action::Command);

    let lab = state.borrow();
    let [mutable_world, immutable_world] = [&lab.labs[0].world, &lab.labs[1].world];
    let rows = |index: usize| lab.rows[index].last().copied().unwrap_or_default();
    let (m, i) = (rows(0), rows(1));
    let fleet = |index: usize, title: &'static str, id: &'static str| {
        let world = &lab.labs[index].world;
        let snapshot = world.snapshot();
        let legend = view::legend(world, &snapshot.images);
        html! {
            { fleet_view(&FleetViewProps { canvas: canvases[index].node.clone(), title: title.into(), heading_id: id.into(),
                summary: AttrValue::from(format!("{title}: {} instances, snowflake index {}", snapshot.instances.in_service, world.operations_view().snowflake_index())),
                legend: Rc::new(legend), fit_height: None, state_key: true,
                per_square: crate::canvas::grid::instances_per_square(world.fleet_view().replicas) }) }
        }
    };
    let failures: Vec<String> = mutable_world
        .operations_view()
        .history
        .iter()
        .filter_map(|record| match &record.event {
            Event::PatchFailed { instance, failure } => Some(format!("{instance}: {failure}")),
            _ => None,
        })
        .collect();
    let refused = immutable_world.operations_view().audit_log().filter(|entry| entry.refused).count();
    let exposure = |index: usize| match exposure_closed_tick(&lab.rows[index]) {
        Some(tick) if lab.rows[index].iter().any(|r| r.vulnerable_instances > 0) => {
            format!("closed at tick {tick}")
        }
        Some(_) => "none".to_owned(),
        None => "still open".to_owned(),
    };
    // A chart that is flat at its starting value on both sides says nothing yet: it appears once
    // either fleet moves off it.
    let (charted, waiting): (Vec<&Chart>, Vec<&Chart>) = CHARTS.iter().partition(|(_, _, read)| {
        let start = read(&MetricsRow::default());
        lab.rows.iter().flatten().any(|row| read(row) != start)
    });
    let waiting: Vec<String> = waiting.iter().map(|(title, ..)| title.to_ascii_lowercase()).collect();
    html! {
        <main id="lab" class="compare" data-ready="true">
            <crate::components::Masthead here="?compare=seed-004"
                tagline="Mutable vs immutable: the same servers, people and events. On the left every fix is made in place; on the right every change is a new image." />
            <div class="status" data-testid="compare-status" data-tick={mutable_world.now().to_string()}
                data-mutable-snowflakes={m.snowflake_index.to_string()} data-immutable-snowflakes={i.snowflake_index.to_string()}
                data-mutable-patched={format!("{}/{}", m.patches_succeeded, m.patches_attempted)}
                data-immutable-patched={format!("{}/{}", i.patches_succeeded, i.patches_attempted)}
                data-mutable-drifted={m.drifted_instances.to_string()} data-immutable-drifted={i.drifted_instances.to_string()}>
                <span class="scenario-title">{ lab.title().to_owned() }</span>
                <span class="pill tick">{ format!("tick {}", mutable_world.now()) }</span>
            </div>
            <p class="verdict" role="status" data-testid="verdict">{ crate::lab::compare_state::verdict(&m, &i) }</p>
            <div class="compare-columns">
                <aside class="left">
                    { controls(&ControlsProps { playing: lab.playing, speed: lab.speed, on_action: on_action.clone(), tick: 0, head_tick: 0 }) }
                    <DriftPalette fleet_size={mutable_world.fleet_view().replicas} notice={lab.notice.clone().map(AttrValue::from)} {on_command} />
                </aside>
                <div class="twins">
                    { fleet(0, "Mutable fleet: patched in place", "mutable-title") }
                    { fleet(1, "Immutable fleet: only replaced", "immutable-title") }
                </div>
            </div>
            <section class="card scoreboard" aria-labelledby="scoreboard-title">
                <h2 id="scoreboard-title">{"Scoreboard"}</h2>
                <table class="score-table">
                    <thead><tr><th scope="col">{"Metric"}</th><th scope="col">{"Mutable"}</th><th scope="col">{"Immutable"}</th></tr></thead>
                    <tbody>
                        <tr><th scope="row">{"Snowflake index"}</th><td>{ m.snowflake_index }</td><td>{ i.snowflake_index }</td></tr>
                        <tr><th scope="row">{"Drifted instances"}</th><td>{ m.drifted_instances }</td><td>{ i.drifted_instances }</td></tr>
                        <tr><th scope="row">{"Patch success"}</th><td>{ format!("{}/{}", m.patches_succeeded, m.patches_attempted) }</td><td>{ format!("{}/{}", i.patches_succeeded, i.patches_attempted) }</td></tr>
                        <tr><th scope="row">{"Vulnerable instances"}</th><td>{ m.vulnerable_instances }</td><td>{ i.vulnerable_instances }</td></tr>
                        <tr><th scope="row">{"Exposure window"}</th><td>{ exposure(0) }</td><td>{ exposure(1) }</td></tr>
                        <tr><th scope="row">{"Data lost (MB)"}</th><td>{ m.data_lost_mb }</td><td>{ i.data_lost_mb }</td></tr>
                        <tr><th scope="row">{"Compromised instance-ticks"}</th><td>{ m.compromised_instance_ticks }</td><td>{ i.compromised_instance_ticks }</td></tr>
                        <tr><th scope="row">{"Failed requests"}</th><td>{ m.failed_requests }</td><td>{ i.failed_requests }</td></tr>
                        <tr><th scope="row">{"Time to recover (mean ticks)"}</th><td>{ m.mttr_ticks }</td><td>{ i.mttr_ticks }</td></tr>
                        <tr><th scope="row">{"SSH attempts refused"}</th><td>{"0"}</td><td>{ refused }</td></tr>
                    </tbody>
                </table>
                if !failures.is_empty() {
                    <div class="failures" data-testid="patch-failures">
                        <h3>{"Why the in-place patch failed"}</h3>
                        <ul>{ for failures.iter().map(|line| html! { <li key={line.clone()}>{ line }</li> }) }</ul>
                    </div>
                }
            </section>
            <div class="compare-logs">
                <section class="card" aria-labelledby="drift-title">
                    <h2 id="drift-title">{"Drift report (mutable fleet)"}</h2>
                    <DriftTable title="Mutable fleet" rows={Rc::new(view::drift_rows(mutable_world))} />
                </section>
                <EventLog entries={Rc::new(view::log_entries(mutable_world))} title="Mutable fleet log" empty_text={EMPTY_LOG} />
                <EventLog entries={Rc::new(view::log_entries(immutable_world))} title="Immutable fleet log" empty_text={EMPTY_LOG} />
            </div>
            <section class="card charts" aria-labelledby="charts-title">
                <div class="card-head">
                    <h2 id="charts-title">{"Over time"}</h2>
                    <span class="series mutable">{"mutable (dashed)"}</span>
                    <span class="series immutable">{"immutable (solid)"}</span>
                </div>
                <div class="chart-grid">
                    { for charted.iter().map(|(title, metric, read)| {
                        let series = |index: usize| Rc::new(lab.rows[index].iter().map(|r| (r.tick, read(r))).collect::<Vec<_>>());
                        html! { <MetricChart key={*metric} title={*title} metric={*metric} mutable={series(0)} immutable={series(1)} /> }
                    }) }
                </div>
                if !waiting.is_empty() {
                    <p class="muted small" data-testid="charts-waiting">{ format!("Not drawn until something happens: {}.", waiting.join(", ")) }</p>
                }
            </section>
        </main>
    }
}

fn dispatcher(state: &Rc<RefCell<CompareLab>>, force_update: &UseForceUpdateHandle) -> Callback<Action> {
    let (state, force_update) = (state.clone(), force_update.clone());
    Callback::from(move |action| {
        state.borrow_mut().reduce(action);
        force_update.force_update();
    })
}
