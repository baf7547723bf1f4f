//! Every number a scenario, a strategy or a command carries has an upper bound: a value beyond it
//! is refused with the field named, and a value that slipped past validation (a world built in
//! code) never overflows a tick into "at once" or panics.

mod common;

use common::Driver;
use lab_engine::strategy::{BlueGreen, CanaryStep, IntOrPercent, RollingUpdate};
use lab_engine::{Command, Event, Lifecycle, Scenario, StrategySpec, World};

const BASE: &str = r#""seed": 1, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
      "image": {"base": "ubuntu-22.04", "app_version": "1"}"#;

/// A scenario with v2 built and deployed at tick 0; `extra` adds fields (starting with a comma).
fn text(extra: &str) -> String {
    format!(
        r#"{{{BASE}{extra},
      "timeline": [
        {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2"}}}}}},
        {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}}
      ]}}"#
    )
}

/// A scenario whose only content beyond the base is `extra` (fields starting with a comma).
fn bare(extra: &str) -> String {
    format!("{{{BASE}{extra}}}")
}

#[test]
fn numbers_beyond_their_bounds_are_refused_naming_the_field() {
    let u64_max = u64::MAX;
    let u32_max = u32::MAX;
    let cases: Vec<(String, &str)> = vec![
        (text(&format!(r#", "progress_deadline_ticks": {u64_max}"#)), "progress_deadline_ticks"),
        (text(&format!(r#", "max_instance_age_ticks": {u64_max}"#)), "max_instance_age_ticks"),
        (
            text(&format!(r#", "strategy": {{"type": "rolling", "max_surge": {u32_max}}}"#)),
            "strategy.max_surge",
        ),
        (text(r#", "strategy": {"type": "rolling", "max_surge": "150%"}"#), "strategy.max_surge"),
        (
            text(&format!(r#", "strategy": {{"type": "rolling", "max_unavailable": {u32_max}}}"#)),
            "strategy.max_unavailable",
        ),
        (
            text(&format!(r#", "strategy": {{"type": "canary", "max_surge": {u32_max}}}"#)),
            "strategy.max_surge",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "canary", "steps": [{{"set_weight": 50}}, {{"pause": {{"duration_ticks": {u64_max}}}}}]}}"#
            )),
            "strategy.steps[1].pause.duration_ticks",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "canary", "traffic_routing": true, "scale_down_delay_ticks": {u64_max}}}"#
            )),
            "strategy.scale_down_delay_ticks",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "canary", "traffic_routing": true, "abort_scale_down_delay_ticks": {u64_max}}}"#
            )),
            "strategy.abort_scale_down_delay_ticks",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "canary", "traffic_routing": true, "steps": [{{"set_canary_scale": {{"replicas": {u32_max}}}}}]}}"#
            )),
            "strategy.steps[0].set_canary_scale.replicas",
        ),
        (
            text(&format!(r#", "strategy": {{"type": "blue_green", "auto_promotion_ticks": {u64_max}}}"#)),
            "strategy.auto_promotion_ticks",
        ),
        (
            text(&format!(r#", "strategy": {{"type": "blue_green", "scale_down_delay_ticks": {u64_max}}}"#)),
            "strategy.scale_down_delay_ticks",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "blue_green", "abort_scale_down_delay_ticks": {u64_max}}}"#
            )),
            "strategy.abort_scale_down_delay_ticks",
        ),
        (
            text(&format!(r#", "strategy": {{"type": "blue_green", "preview_replica_count": {u32_max}}}"#)),
            "strategy.preview_replica_count",
        ),
        (
            text(&format!(r#", "strategy": {{"type": "instance_refresh", "warmup_ticks": {u64_max}}}"#)),
            "strategy.warmup_ticks",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "instance_refresh", "checkpoint_delay_ticks": {u64_max}}}"#
            )),
            "strategy.checkpoint_delay_ticks",
        ),
        (
            text(&format!(
                r#", "strategy": {{"type": "instance_refresh", "health_check_timeout_ticks": {u64_max}}}"#
            )),
            "strategy.health_check_timeout_ticks",
        ),
        (
            bare("").replace(
                r#""app_version": "1"}"#,
                &format!(r#""app_version": "1", "crash_after_ticks": {u32_max}}}"#),
            ),
            "image.crash_after_ticks",
        ),
        (bare(&format!(r#", "timeline": [{{"tick": {u64_max}, "command": "pause"}}]"#)), "timeline[0].tick"),
        (
            bare(&format!(
                r#", "timeline": [{{"tick": 1, "command": {{"scale": {{"replicas": {u32_max}}}}}}}]"#
            )),
            "timeline[0].command.scale.replicas",
        ),
        (
            bare(&format!(
                r#", "timeline": [{{"tick": 1, "command": {{"fail_health_checks": {{"count": {u32_max}}}}}}}]"#
            )),
            "timeline[0].command.fail_health_checks.count",
        ),
        (
            bare(&format!(
                r#", "timeline": [{{"tick": 1, "command": {{"ssh": {{"instances": [{}], "actor": "a", "change": "compromise"}}}}}}]"#,
                vec!["1"; 1001].join(", ")
            )),
            "timeline[0].command.ssh.instances",
        ),
        (
            bare(&format!(
                r#", "timeline": [{{"tick": 1, "command": {{"set_strategy": {{"type": "rolling", "max_surge": {u32_max}}}}}}}]"#
            )),
            "timeline[0].command.set_strategy.max_surge",
        ),
    ];
    for (json, field) in cases {
        let error = Scenario::from_json(&json).expect_err(field);
        assert_eq!(error.field, field, "{error}");
    }
}

#[test]
fn analysis_numbers_beyond_their_bounds_are_refused_naming_the_field() {
    let u32_max = u32::MAX;
    for (name, value) in [
        ("interval_ticks", u32_max),
        ("count", u32_max),
        ("failure_limit", u32_max),
        ("inconclusive_limit", u32_max),
        ("latency_max_ms", u32_max),
        ("latency_target_ms", u32_max),
    ] {
        let json = text(&format!(
            r#", "strategy": {{"type": "canary", "analysis": {{"error_rate_max_percent": 5, "{name}": {value}}}}}"#
        ));
        let error = Scenario::from_json(&json).expect_err(name);
        // serde reads a strategy whole, so an analysis inside one is refused at the strategy,
        // with the field named in the message.
        assert_eq!(error.field, "strategy", "{error}");
        assert!(error.message.contains(&format!("analysis.{name}: Invalid value: {value}")), "{error}");
    }
}

#[test]
fn strategies_and_scenarios_built_in_code_are_checked_by_the_same_rules() {
    let huge =
        RollingUpdate { max_surge: IntOrPercent::Int(u32::MAX), max_unavailable: IntOrPercent::Int(0) };
    let error = StrategySpec::Rolling(huge).validate().unwrap_err();
    assert_eq!(error.field, "max_surge", "{error}");

    let StrategySpec::Canary(mut spec) =
        canary(r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {"duration_ticks": 1}}]}"#)
    else {
        unreachable!()
    };
    spec.steps[1] = CanaryStep::Pause { duration_ticks: Some(u64::MAX) };
    let mut scenario = Scenario::from_json(&text("")).unwrap();
    scenario.strategy = StrategySpec::Canary(spec.clone());
    let error = scenario.validate().unwrap_err();
    assert_eq!(error.field, "strategy.steps[1].pause.duration_ticks", "{error}");

    // The same strategy sent as a command is refused by the world, naming the field.
    let mut world = World::new(&Scenario::from_json(&text("")).unwrap());
    let refused = world.apply(Command::SetStrategy(StrategySpec::Canary(spec))).unwrap_err();
    assert!(
        refused.to_string().starts_with("field `set_strategy.steps[1].pause.duration_ticks`"),
        "{refused}"
    );
    assert_eq!(world.strategy(), &StrategySpec::default());

    let mut scenario = Scenario::from_json(&text("")).unwrap();
    scenario.progress_deadline_ticks = u64::MAX;
    assert_eq!(scenario.validate().unwrap_err().field, "progress_deadline_ticks");

    let mut scenario = Scenario::from_json(&text("")).unwrap();
    (scenario.pull_ticks, scenario.boot_ticks) = (Some(0), 0);
    assert_eq!(scenario.validate().unwrap_err().field, "boot_ticks");

    let mut scenario = Scenario::from_json(&text("")).unwrap();
    scenario.timeline[1].command = Command::Scale { replicas: u32::MAX };
    assert_eq!(scenario.validate().unwrap_err().field, "timeline[1].command.scale.replicas");

    let mut scenario = Scenario::from_json(&text("")).unwrap();
    scenario.image.crash_after_ticks = u32::MAX;
    assert_eq!(scenario.validate().unwrap_err().field, "image");
}

#[test]
fn values_at_their_bounds_are_accepted() {
    let max = lab_engine::Limits::WAIT_TICKS_MAX;
    let fleet = lab_engine::Limits::FLEET_MAX;
    for extra in [
        format!(r#", "progress_deadline_ticks": {max}, "max_instance_age_ticks": {max}"#),
        format!(r#", "strategy": {{"type": "rolling", "max_surge": {fleet}, "max_unavailable": "100%"}}"#),
        format!(
            r#", "strategy": {{"type": "canary", "steps": [{{"pause": {{"duration_ticks": {max}}}}}], "max_surge": "100%"}}"#
        ),
        format!(
            r#", "strategy": {{"type": "blue_green", "auto_promotion_ticks": {max}, "scale_down_delay_ticks": {max}, "abort_scale_down_delay_ticks": {max}, "preview_replica_count": {fleet}}}"#
        ),
        format!(
            r#", "strategy": {{"type": "instance_refresh", "warmup_ticks": {max}, "checkpoint_delay_ticks": {max}, "health_check_timeout_ticks": {max}}}"#
        ),
    ] {
        let scenario = Scenario::from_json(&text(&extra)).unwrap_or_else(|error| panic!("{extra}: {error}"));
        scenario.validate().unwrap();
    }
}

/// A world running `strategy` straight from code (no validation), v2 deployed at tick 0.
fn world_with(strategy: StrategySpec, tweak: impl FnOnce(&mut Scenario)) -> Driver {
    let mut scenario = Scenario::from_json(&text("")).unwrap();
    scenario.strategy = strategy;
    tweak(&mut scenario);
    Driver::new(&scenario)
}

fn canary(json: &str) -> StrategySpec {
    lab_engine::parse_json(json).unwrap()
}

#[test]
fn a_canary_pause_of_u64_max_ticks_neither_panics_nor_ends_at_once() {
    let StrategySpec::Canary(mut spec) =
        canary(r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {"duration_ticks": 1}}]}"#)
    else {
        unreachable!()
    };
    spec.steps[1] = CanaryStep::Pause { duration_ticks: Some(u64::MAX) };
    let mut lab = world_with(StrategySpec::Canary(spec), |_| {});
    lab.run(40);
    assert_eq!(lab.world.rollout_view().step_index, 1, "still at the pause");
    assert!(!lab.world.rollout_complete());
}

#[test]
fn traffic_routed_canary_delays_of_u64_max_keep_the_old_revision() {
    let StrategySpec::Canary(mut spec) =
        canary(r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 50}]}"#)
    else {
        unreachable!()
    };
    spec.scale_down_delay_ticks = u64::MAX;
    spec.abort_scale_down_delay_ticks = u64::MAX;
    let mut lab = world_with(StrategySpec::Canary(spec.clone()), |_| {});
    lab.run(40);
    assert_eq!(lab.world.revisions()[0].desired, 4, "the old stable revision waits out its delay");

    let mut lab = world_with(StrategySpec::Canary(spec), |_| {});
    lab.run(3);
    lab.world.apply(Command::AbortRollout).unwrap();
    lab.run(40);
    assert!(lab.world.revisions()[1].desired > 0, "the aborted canary waits out its delay");
}

#[test]
fn blue_green_delays_of_u64_max_neither_panic_nor_end_at_once() {
    let keep = BlueGreen { scale_down_delay_ticks: u64::MAX, ..BlueGreen::default() };
    let mut lab = world_with(StrategySpec::BlueGreen(keep), |_| {});
    lab.run(40);
    assert_eq!(lab.world.rollout_view().stable, Some(2), "promoted");
    assert_eq!(lab.world.revisions()[0].desired, 4, "the old revision waits out its scale-down delay");

    let wait = BlueGreen { auto_promotion_ticks: Some(u64::MAX), ..BlueGreen::default() };
    let mut lab = world_with(StrategySpec::BlueGreen(wait), |_| {});
    lab.run(40);
    assert_eq!(lab.world.rollout_view().stable, Some(1), "auto-promotion waits");

    let abort = BlueGreen {
        auto_promotion_enabled: false,
        abort_scale_down_delay_ticks: u64::MAX,
        ..BlueGreen::default()
    };
    let mut lab = world_with(StrategySpec::BlueGreen(abort), |_| {});
    lab.run(5);
    lab.world.apply(Command::AbortRollout).unwrap();
    lab.run(40);
    assert_eq!(lab.world.revisions()[1].desired, 4, "the aborted preview waits out its delay");
}

#[test]
fn instance_refresh_waits_of_u64_max_neither_panic_nor_end_at_once() {
    let refresh = |json: &str| {
        let StrategySpec::InstanceRefresh(spec) = lab_engine::parse_json(json).unwrap() else {
            unreachable!()
        };
        spec
    };
    let mut warm = refresh(r#"{"type": "instance_refresh", "warmup_ticks": 1}"#);
    warm.warmup_ticks = u64::MAX;
    let mut lab = world_with(StrategySpec::InstanceRefresh(warm), |_| {});
    lab.run(40);
    assert_eq!(lab.world.revisions()[1].desired, 1, "the first batch is still warming up");

    let mut checkpoint = refresh(
        r#"{"type": "instance_refresh", "checkpoint_percentages": [25, 100], "checkpoint_delay_ticks": 1}"#,
    );
    checkpoint.checkpoint_delay_ticks = u64::MAX;
    let mut lab = world_with(StrategySpec::InstanceRefresh(checkpoint), |_| {});
    lab.run(40);
    assert_eq!(lab.world.revisions()[1].desired, 1, "waiting at the 25% checkpoint");

    let mut timeout = refresh(r#"{"type": "instance_refresh", "health_check_timeout_ticks": 1}"#);
    timeout.health_check_timeout_ticks = u64::MAX;
    let mut lab = world_with(StrategySpec::InstanceRefresh(timeout), |scenario| {
        scenario.timeline[0].command = Command::BuildImage({
            let mut spec = lab_engine::ImageSpec::new("ubuntu-22.04", "2");
            spec.broken = true;
            spec
        });
    });
    lab.run(40);
    assert!(!lab.world.rollout_view().aborted, "the batch has not timed out");
}

#[test]
fn a_progress_deadline_of_u64_max_never_passes() {
    let mut lab = world_with(StrategySpec::default(), |scenario| {
        scenario.progress_deadline_ticks = u64::MAX;
        // From tick 5, so the deadline is counted from a tick other than 0.
        for entry in &mut scenario.timeline {
            entry.tick = 5;
        }
        scenario.timeline[0].command = Command::BuildImage({
            let mut spec = lab_engine::ImageSpec::new("ubuntu-22.04", "2");
            spec.broken = true;
            spec
        });
    });
    assert!(!lab.run(40).any(|e| matches!(e, Event::RolloutStalled { .. })));
}

#[test]
fn a_max_surge_of_u32_max_in_code_still_completes() {
    let huge =
        RollingUpdate { max_surge: IntOrPercent::Int(u32::MAX), max_unavailable: IntOrPercent::Int(0) };
    let mut lab = world_with(StrategySpec::Rolling(huge), |_| {});
    lab.run(10);
    assert!(lab.world.rollout_complete());
    let canary = lab_engine::strategy::Canary {
        max_surge: IntOrPercent::Int(u32::MAX),
        ..match canary(r#"{"type": "canary"}"#) {
            StrategySpec::Canary(canary) => canary,
            _ => unreachable!(),
        }
    };
    let mut lab = world_with(StrategySpec::Canary(canary), |_| {});
    lab.run(10);
    assert!(lab.world.rollout_complete());
}

#[test]
fn an_ssh_flood_at_one_tick_writes_a_bounded_number_of_events() {
    let mut scenario = Scenario::from_json(&bare(r#", "mode": "mutable""#)).unwrap();
    scenario.fleet_size = 200;
    let ids: Vec<u32> = (0..1000).map(|i| 1 + i % 200).collect();
    let ssh = Command::Ssh {
        instances: ids,
        actor: "flood".into(),
        change: lab_engine::drift::DriftChange::EditAppFile { path: "index.js".into() },
        break_glass: false,
    };
    // Enough commands of 1000 targets each to pass the cap by 20,000 events.
    let commands = lab_engine::Limits::INSTANCE_EVENTS_PER_TICK_MAX / 1000 + 20;
    scenario.timeline =
        (0..commands).map(|_| lab_engine::TimedCommand { tick: 0, command: ssh.clone() }).collect();
    let mut lab = Driver::new(&scenario);
    let events: Vec<Event> = lab.run(1).events.into_iter().map(|(_, event)| event).collect();
    let world = &lab.world;
    let cap = lab_engine::Limits::INSTANCE_EVENTS_PER_TICK_MAX as usize;
    let instance_events = events.iter().filter(|e| e.is_per_instance()).count();
    assert_eq!(instance_events, cap, "the tick records per-instance events up to the cap");
    assert!(events.len() <= cap + 64, "{} events in one tick", events.len());
    // 100 commands × 1000 targets, each drifted: the rest are counted in one event.
    let left_out: Vec<u32> = events
        .iter()
        .filter_map(|e| match e {
            Event::InstanceEventsLeftOut { count } => Some(*count),
            _ => None,
        })
        .collect();
    assert_eq!(left_out, [commands * 1000 - cap as u32]);
    // The audit log keeps its last entries, as before.
    assert_eq!(world.audit_log().count(), 256);
    assert!(world.audit_log().all(|entry| entry.actor == "flood"));
    // Thousands of edits of the same file leave a bounded value behind.
    let longest = world
        .instances()
        .iter()
        .filter_map(|i| i.observed.as_ref())
        .flat_map(|o| o.files.values())
        .map(String::len)
        .max()
        .unwrap_or(0);
    assert!(longest <= 256, "a file value grew to {longest} bytes");
    assert!(world.instances().iter().all(|i| i.state == Lifecycle::InService));
}

#[test]
fn an_ssh_list_longer_than_the_bound_is_refused_by_the_world_too() {
    let mut scenario = Scenario::from_json(&bare(r#", "mode": "mutable""#)).unwrap();
    scenario.fleet_size = 4;
    let mut world = World::new(&scenario);
    let ssh = |instances: Vec<u32>| Command::Ssh {
        instances,
        actor: "a".into(),
        change: lab_engine::drift::DriftChange::AddCron { line: "x".into() },
        break_glass: false,
    };
    assert!(world.apply(ssh(vec![1; lab_engine::Limits::SSH_TARGETS_MAX + 1])).is_err());
    assert!(world.apply(ssh(vec![])).is_err());
    assert!(world.apply(ssh(vec![4, 1, 3])).is_ok(), "ids in any order are found");
    assert!(matches!(world.apply(ssh(vec![2, 5])), Err(lab_engine::CommandError::UnknownInstance { .. })));
}

/// No built-in scenario or lesson comes near the per-tick cap, so capping changes none of their
/// traces.
#[test]
fn built_in_scenarios_and_lessons_stay_far_below_the_event_cap() {
    let cap = lab_engine::Limits::INSTANCE_EVENTS_PER_TICK_MAX as usize;
    let busiest = |events: &[Event]| events.iter().filter(|e| e.is_per_instance()).count();
    let mut most = 0;
    for name in lab_engine::builtin::scenario_names() {
        let scenario = Scenario::from_json(lab_engine::builtin::scenario(name).unwrap()).unwrap();
        // Refusals allowed: this counts events, whatever the scenario's commands meet.
        let ticks = Driver::new(&scenario).allowing_refusals().run(400).ticks_of(Event::is_per_instance);
        most = most.max(ticks.chunk_by(|a, b| a == b).map(<[u64]>::len).max().unwrap_or(0));
    }
    for text in lab_engine::builtin::lesson_texts() {
        let lesson = lab_engine::lesson::Lesson::from_json(text).unwrap();
        let mut runs = vec![lesson.solution.clone()];
        runs.extend(lesson.mistakes.iter().map(|m| m.actions.clone()));
        // A lesson's own loop: its actions go through `Replay`, the grader's path, not a timeline.
        for actions in runs {
            let mut replay = lab_engine::lesson::Replay::start(&lesson);
            let mut next = 0;
            while replay.world.now() < lesson.ticks_max {
                while let Some(action) = actions.get(next).filter(|a| a.tick == replay.world.now()) {
                    let _ = replay.act(&lesson, action.command.clone());
                    next += 1;
                }
                most = most.max(busiest(&replay.step(&lesson)));
            }
        }
    }
    assert!(most * 20 < cap, "{most} per-instance events in one tick; the cap is {cap}");
}
