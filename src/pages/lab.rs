//! The page: the lab's state, the render loop, and which part shows what.

use std::cell::RefCell;
use std::rc::Rc;

use lab_engine::scan::{Advisory, Severity};
use lab_engine::{Command, ImageSpec};
use yew::prelude::*;

use crate::components::*;
use crate::hooks::{use_lab, use_pass_saving, use_session_keeping};
use crate::lab::state::{Action, Lab};
use crate::lab::view;
use crate::platform::query::PageQuery;

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
    // What this browser keeps, read once as the page opens; problems with it go in the banner.
    let stored_notices = use_memo((), |_| {
        let store = crate::platform::storage::LocalStorage;
        let teacher = crate::platform::saved::load_teacher_lessons(&store);
        let progress = crate::platform::saved::load_progress(&store);
        (teacher.value, [teacher.notice, progress.notice].into_iter().flatten().collect::<Vec<_>>())
    });
    // The URL, with the session this browser kept for this page if the URL carries none.
    let opened = use_memo((), |_| {
        let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let query = PageQuery::parse(&search);
        let key = crate::platform::session_store::key_for(&query);
        let (query, restored) =
            crate::platform::session_store::restore(&crate::platform::storage::LocalStorage, query);
        (query, key, restored)
    });
    let (lab, canvas, on_action) = use_lab({
        let (stored, opened) = (stored_notices.clone(), opened.clone());
        move || Lab::from_query_with(&opened.0, &stored.0)
    });
    use_session_keeping(lab.clone(), opened.1.clone());
    let show_table = use_state(|| false);
    let save_problem = use_pass_saving(lab.clone());
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
        Callback::from(move |spec: ImageSpec| lab.borrow().world.supply_view().plan(&spec))
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

    crate::hooks::use_terminal_worker(lab.clone(), on_action.clone());
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
    let rollout = world.rollout_view();
    let supply = world.supply_view();
    let strategy = rollout.strategy.describe();
    let registry_versions =
        supply.images.iter().map(|i| (i.digest, i.spec.app_version.clone())).collect::<Vec<_>>();
    let current_spec = supply
        .image(rollout.target.image)
        .map(|i| i.spec.clone())
        .unwrap_or_else(|| supply.images[0].spec.clone());

    // Where the eyes are when a lesson is passed: the bar that stays in view says so and leads on.
    // And when an attempt can no longer pass: said in the bar too, as the page may be scrolled to
    // the control that broke it, far from the lesson's goal.
    let lost_chip = lab
        .lesson
        .as_ref()
        .filter(|session| session.progress.passed_at_tick.is_none())
        .and_then(|session| session.progress.checks(&session.lesson, world).into_iter().find(|check| check.lost))
        .map(|check| {
            html! {
                <div class="lost-chip" role="status" data-testid="lost-chip">
                    <a class="chip-link" href="#cannot-pass">{ format!("✗ This attempt can no longer pass: {}", check.text) }</a>
                    <button onclick={on_action.reform(|_: MouseEvent| Action::Reset)}>{"Reset"}</button>
                </div>
            }
        });
    let passed_chip = lab.lesson.as_ref().filter(|session| session.progress.passed_at_tick.is_some()).map(|session| {
        let next = crate::platform::lessons::next_after(&session.lesson.id);
        let label = if session.showing_solution { "✓ That is the reference solution" } else { "✓ Lesson passed" };
        html! {
            <div class="passed-chip" role="status" data-testid="passed-chip">
                // The panel itself sits at the top of the lesson, perhaps scrolled away: one click away.
                <a class="chip-link" href="#pass-summary" title="What you achieved and what you learned">{ label }</a>
                if let Some(next) = next {
                    <a class="button primary" href={format!("?lesson={}", next.id)}>{ format!("Next: {} →", next.title) }</a>
                }
            </div>
        }
    });
    let lesson_panel = lab.lesson.as_ref().map(|session| {
        let lesson = session.lesson.clone();
        let checks = Rc::new(session.progress.checks(&lesson, world));
        let report = session.progress.report(&lesson, world);
        let passed = report.passed_at_tick.map(|tick| PassSummary {
            tick,
            actions: report.actions,
            completion_code: if session.showing_solution { None } else { report.completion_code.clone() },
        });
        let mut share_url = crate::platform::share::link(
            &lesson.id,
            &crate::platform::share::SharedSession { seed: world.seed(), actions: session.progress.actions.clone(), tick: world.now() },
        );
        if crate::platform::lessons::find(&lesson.id).is_none() {
            // A teacher's lesson travels inside the link, so it opens on any machine.
            let text = serde_json::to_string(&*lesson).unwrap_or_default();
            share_url.push_str(&format!("&lesson-data={}", crate::platform::share::encode(text.as_bytes())));
        }
        let next = crate::platform::lessons::next_after(&lesson.id).map(|next| (AttrValue::from(next.id), AttrValue::from(next.title)));
        html! {
            <LessonPanel lesson={lesson.clone()} {checks} goal_preview={goal_preview(&lesson)}
                hints_shown={session.hints_shown} why_open={session.why_open} showing_solution={session.showing_solution}
                {passed} actions={report.actions} {next} share_url={AttrValue::from(share_url)} on_action={on_action.clone()}
                out_of_time={session.progress.out_of_time(&lesson, world)}
                judged={world.now() > 0 || report.actions > 0}
                // After the last tick, "time is up" already says why.
                refused={session.progress.refused.as_ref().filter(|_| !session.progress.out_of_time(&lesson, world))
                    .map(|error| AttrValue::from(error.to_string()))} />
        }
    });
    let banner: Vec<String> =
        lab.link_notice.iter().chain(stored_notices.1.iter()).cloned().chain(save_problem).collect();
    let make_lesson = format!(
        // The builder is on the other screens' page.
        "screens.html?builder&scenario={}&at={}&log={}",
        lab.scenario_name,
        world.now(),
        crate::platform::share::encoded_log(lab.applied_log())
    );
    use lab_engine::lesson::Control;
    // A typed lesson is solved at the terminal: its groups are reached by typing, not by buttons.
    let typed = offers_explicitly(&lab, Control::Terminal);
    let offers = |group| lab.offers(group) && !typed;
    let terminal = html! {
        <crate::components::Terminal state={lab.terminal.clone()} on_action={on_action.clone()} />
    };

    html! {
        <main id="lab" data-ready="true" data-lesson={lab.lesson.as_ref().map(|s| s.lesson.id.clone())}>
            <crate::components::Masthead here={if lab.lesson.is_some() { "" } else { "?scenario=sandbox" }}
                tagline={if lab.lesson.is_some() { "" } else { "Servers are never changed in place: a change is a new image, and instances built from it replace the old ones." }}>
                if lab.lesson.is_none() {
                    <label class="field inline scenario-picker">
                        <span>{"Scenario"}</span>
                        <select onchange={on_scenario}>
                            { for crate::lab::scenarios::PICKER.iter().map(|(name, label)| html! {
                                <option key={*name} value={*name} selected={*name == lab.scenario_name}>{ *label }</option>
                            }) }
                        </select>
                    </label>
                }
            </crate::components::Masthead>
            if let Some(restored) = opened.2.clone() {
                <div class="banner notice" role="status" data-testid="restored">{ restored }</div>
            }
            if !banner.is_empty() {
                <div class="banner problem" role="alert" data-testid="banner">
                    { for banner.iter().map(|line| html! { <p>{ line.clone() }</p> }) }
                </div>
            }
            // Time and where the fleet stands, in one bar that stays in view while the page scrolls.
            <div class="stage-bar">
                { controls(&ControlsProps { playing: lab.playing, speed: lab.speed, on_action: on_action.clone(),
                    tick: world.now(), head_tick: lab.head_tick }) }
                { status_bar(&StatusProps { tick: snapshot.tick, counts: snapshot.instances, trace_digest: AttrValue::from(snapshot.trace_digest.to_string()),
                    rollout_complete: snapshot.rollout_complete, fleet_images: AttrValue::from(fleet_images),
                    scenario_title: AttrValue::from(lab.title().to_owned()), phase: AttrValue::from(snapshot.rollout.phase.as_str()) }) }
                { passed_chip.unwrap_or_default() }
                { lost_chip.unwrap_or_default() }
            </div>
            <div class={classes!("columns", lab.lesson.is_some().then_some("lesson-stage"))}>
                <aside class="left" aria-label={if lab.lesson.is_some() { "The lesson and its controls" } else { "Building and deploying" }}>
                    { lesson_panel.unwrap_or_default() }
                    if lab.lesson.is_none() {
                        <p class="session-links small">
                            <a href={crate::platform::share::scenario_link(&lab)} data-testid="share-session"
                                title="A link that replays this session, tick for tick, on any machine">{"Share this session"}</a>
                            {" · "}
                            <a href={make_lesson} title="Open the lesson builder with this scenario, your commands as the solution, and where they got to as the goal">{"Make a lesson from this"}</a>
                        </p>
                    }
                    if offers(Control::Build) || offers(Control::Pipeline) {
                        <ImageBuilder current={Rc::new(current_spec)} registry={Rc::new(registry_versions)} {plan}
                            last_built={lab.last_built} notice={lab.notice.clone().map(AttrValue::from)} {on_build} {on_pipeline} />
                    } else if let Some(notice) = lab.notice.clone() {
                        <p class="problem" role="alert">{ notice }</p>
                    }
                    if lab.lesson.is_some() && (offers_explicitly(&lab, Control::Ssh) || offers_explicitly(&lab, Control::FleetOps)) {
                        <DriftPalette fleet_size={rollout.replicas} notice={None::<AttrValue>}
                            blurb={AttrValue::from("Log into a server and change it by hand, or run an operation across the fleet.")}
                            inject_label={AttrValue::from("Apply to the server")}
                            on_command={on_action.reform(Action::Command)} />
                    }
                </aside>
                <div class="centre">
                    { fleet_view(&FleetViewProps { canvas: canvas.fleet, title: "Fleet".into(), heading_id: "fleet-title".into(),
                        summary: AttrValue::from(summary), legend: Rc::new(legend), fit_height: None, state_key: true,
                        per_square: crate::canvas::grid::instances_per_square(world.fleet_view().replicas) }) }
                    if typed {
                        { terminal.clone() }
                    }
                    <RolloutPanel traffic={canvas.traffic} traffic_summary={AttrValue::from(crate::lab::traffic::summary(&crate::lab::traffic::Traffic::lanes_of(world)))}
                        bars={Rc::new(view::revision_bars(world))} replicas={snapshot.replicas} complete={snapshot.rollout_complete}
                        strategy={AttrValue::from(strategy)} phase={AttrValue::from(snapshot.rollout.phase.as_str())}
                        reason={AttrValue::from(snapshot.rollout.conditions.reason.as_str())} steps={Rc::new(view::rollout_steps(world))}
                        canary_weights={view::canary_weights(world).map(AttrValue::from)}
                        abort_reason={rollout.abort_cause.map(|cause| AttrValue::from(cause.to_string()))}
                        pause_reason={rollout.inconclusive_pause.map(|f| AttrValue::from(crate::lab::describe::inconclusive_pause(f)))}
                        on_command={on_action.reform(Action::Command)} strategy_spec={Rc::new(rollout.strategy.clone())}
                        rollout_controls={offers(Control::Rollout)} deploy_controls={offers(Control::Deploy)}
                        health_controls={offers(Control::Health)}
                        strategy_controls={offers(Control::Strategy)}
                        show_traffic={[Control::Deploy, Control::Rollout, Control::Strategy, Control::Health].into_iter().any(|group| lab.offers(group))} />
                    if lab.lesson.is_none() {
                        { terminal }
                    }
                    <TimelineChart timeline={lab.timeline.clone()} replicas={snapshot.replicas} />
                    if !lab.branches.is_empty() {
                        { branches_card(&BranchesCardProps { current: lab.head_summary(), earlier: Rc::new(lab.branches.iter().map(|b| b.summary.clone()).collect::<Vec<_>>()),
                            on_action: on_action.clone() }) }
                    }
                    if offers(Control::Pipeline) {
                        { pipeline_view(&PipelineViewProps { runs: Rc::new(supply.pipelines.to_vec()), now: world.now(), on_approve }) }
                    }
                    { more_tools(lab.lesson.is_some(), html! { <>
                    { scoreboard_card(&ScoreboardCardProps { scores: lab.scores.clone(), on_run: on_action.reform(|_| Action::RunScoreboard) }) }
                    <Exports images={Rc::new(supply.images.iter().map(|i| (i.digest, i.spec.clone())).collect::<Vec<_>>())}
                        made={lab.export.clone()} on_action={on_action.clone()} />
                    <section class="card table-card" aria-labelledby="table-title">
                        <div class="card-head">
                            <h2 id="table-title">{"Instances"}</h2>
                            <button aria-expanded={show_table.to_string()} aria-controls="fleet-table-region" onclick={toggle_table}>
                                { if *show_table { "Hide table" } else { "Show table" } }
                            </button>
                        </div>
                        <div id="fleet-table-region">
                            if *show_table {
                                <FleetTable rows={Rc::new(view::table_rows(world))} shown={view::shown_count(world)} />
                            } else {
                                <p class="muted">{"The same fleet as a table, one row per instance, for screen readers and for reading digests."}</p>
                            }
                        </div>
                    </section>
                    </> }) }
                </div>
                <aside class="right" aria-label="Registry, security and events">
                    if offers(Control::Deploy) || offers(Control::Registry) {
                        { registry(&RegistryProps { rows: Rc::new(view::registry_rows(world, &snapshot.images)), immutable_tags: supply.immutable_tags,
                            on_deploy, on_immutable, on_collect }) }
                    }
                    if offers(Control::Advisory) || offers(Control::Pipeline) {
                        { security(&SecurityProps { advisories: supply.advisories.len() as u32, vulnerable_instances: snapshot.vulnerable_instances,
                            nightly_refresh: supply.nightly_refresh, on_publish, on_nightly }) }
                    }
                    <EventLog entries={Rc::new(view::log_entries(world))} />
                </aside>
            </div>
        </main>
    }
}

/// The scoreboard, the exports and the instance table: in the sandbox beside everything else; in a
/// lesson behind one disclosure, so they do not compete with the lesson's stage.
fn more_tools(in_lesson: bool, tools: Html) -> Html {
    if !in_lesson {
        return tools;
    }
    html! {
        <details class="more-tools">
            <summary>{"More tools: strategy scoreboard, exports, instance table"}</summary>
            <div class="more-tools-body">{ tools }</div>
        </details>
    }
}

/// Whether the lesson in play names `group` among its controls (an empty list offers everything,
/// but the drift palette only appears where a lesson asks for it).
fn offers_explicitly(lab: &Lab, group: lab_engine::lesson::Control) -> bool {
    lab.lesson.as_ref().is_some_and(|s| s.lesson.controls.contains(&group))
}

/// Each goal assertion's value where the reference solution ends, computed once per lesson.
fn goal_preview(lesson: &lab_engine::lesson::Lesson) -> Rc<Vec<lab_engine::lesson::Check>> {
    thread_local! {
        static CACHE: RefCell<Option<(String, Rc<Vec<lab_engine::lesson::Check>>)>> = const { RefCell::new(None) };
    }
    CACHE.with(|cache| {
        if let Some((id, checks)) = cache.borrow().as_ref()
            && *id == lesson.id
        {
            return checks.clone();
        }
        let submission = lab_engine::lesson::Submission {
            lesson: lesson.id.clone(),
            seed: lesson.start().seed,
            actions: lesson.solution.clone(),
        };
        let checks = Rc::new(
            lab_engine::lesson::Replay::run(lesson, &submission)
                .map(|report| report.checks)
                .unwrap_or_default(),
        );
        *cache.borrow_mut() = Some((lesson.id.clone(), checks.clone()));
        checks
    })
}
