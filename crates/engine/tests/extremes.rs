//! Every number at its extremes: 0, 1, its bound, one past it, and the top of its type. A value
//! within its bound must be accepted and run without a panic (these tests run with overflow
//! checks on); one beyond it must be refused with an error naming the field. Then random commands
//! with extreme numbers, and a reduced ssh flood that must not make one tick write more than the
//! per-tick cap of events.

use lab_engine::drift::DriftChange;
use lab_engine::strategy::{BlueGreen, Canary, CanaryAnalysis, CanaryStep, InstanceRefresh, IntOrPercent};
use lab_engine::{Command, Event, ImageSpec, Limits, Playback, Scenario, StrategySpec, TimedCommand, World};
use proptest::prelude::*;

const WAIT: u64 = Limits::WAIT_TICKS_MAX;
const FLEET: u64 = Limits::FLEET_MAX as u64;

/// Which integer type a field has: its extremes end at the top of that type.
#[derive(Clone, Copy)]
enum Width {
    U32,
    U64,
}

/// One number somewhere in a scenario.
struct Knob {
    /// What the refusal must name: the field, or (for an analysis, which serde reads whole with
    /// its strategy) the strategy plus a fragment of the message.
    field: &'static str,
    message: Option<&'static str>,
    min: u64,
    max: u64,
    width: Width,
    /// Scenario JSON with `{}` where the number goes.
    template: String,
}

fn knob(field: &'static str, min: u64, max: u64, width: Width, template: &str) -> Knob {
    Knob { field, message: None, min, max, width, template: template.to_owned() }
}

/// A small fleet on v1, v2 built and deployed at tick 0, then promoted, aborted and retried, so
/// every wait a strategy has is entered. `{extra}` adds top-level fields, `{image}` image fields.
fn scenario(extra: &str, image: &str, timeline: &str) -> String {
    format!(
        r#"{{"seed": 7, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 1,
          "image": {{"base": "ubuntu-22.04", "app_version": "1"{image}}}{extra},
          "timeline": [
            {{"tick": 0, "command": {{"build_image": {{"base": "ubuntu-22.04", "app_version": "2", "error_rate_per_mille": 20}}}}}},
            {{"tick": 0, "command": {{"deploy": {{"image": "v2"}}}}}},
            {{"tick": 6, "command": "promote_rollout"}},
            {{"tick": 12, "command": "abort_rollout"}},
            {{"tick": 16, "command": "retry_rollout"}},
            {{"tick": 18, "command": {{"fail_health_checks": {{"count": 1}}}}}}{timeline}
          ]}}"#
    )
}

fn strategy(json: &str) -> String {
    scenario(&format!(r#", "strategy": {json}"#), "", "")
}

fn knobs() -> Vec<Knob> {
    use Width::{U32, U64};
    let analysis = |name: &'static str, min: u64, max: u64| Knob {
        field: "strategy",
        message: Some(name),
        min,
        max,
        width: U32,
        template: strategy(&format!(
            r#"{{"type": "canary", "steps": [{{"set_weight": 50}}, {{"analysis": {{"error_rate_max_percent": 50, "{name}": {{}}}}}}], "analysis": {{"latency_max_ms": 500000}}}}"#
        )),
    };
    vec![
        knob(
            "fleet_size",
            1,
            FLEET,
            U32,
            &scenario("", "", "").replace(r#""fleet_size": 4"#, r#""fleet_size": {}"#),
        ),
        knob(
            "pull_ticks",
            0,
            1_000,
            U32,
            &scenario("", "", "").replace(r#""pull_ticks": 0"#, r#""pull_ticks": {}"#),
        ),
        knob(
            "boot_ticks",
            1,
            1_000,
            U32,
            &scenario("", "", "").replace(r#""boot_ticks": 1"#, r#""boot_ticks": {}"#),
        ),
        knob(
            "drain_ticks",
            0,
            1_000,
            U32,
            &scenario("", "", "").replace(r#""drain_ticks": 1"#, r#""drain_ticks": {}"#),
        ),
        knob(
            "pull_mb_per_tick",
            1,
            100_000,
            U32,
            &scenario(r#", "pull_mb_per_tick": {}"#, "", "").replace(r#""pull_ticks": 0, "#, ""),
        ),
        knob(
            "random_drift_per_mille",
            0,
            1_000,
            U32,
            &scenario(r#", "random_drift_per_mille": {}, "mode": "mutable""#, "", ""),
        ),
        knob("max_instance_age_ticks", 0, WAIT, U64, &scenario(r#", "max_instance_age_ticks": {}"#, "", "")),
        knob(
            "progress_deadline_ticks",
            0,
            WAIT,
            U64,
            &scenario(r#", "progress_deadline_ticks": {}"#, "", ""),
        ),
        knob("image.crash_after_ticks", 0, WAIT, U32, &scenario("", r#", "crash_after_ticks": {}"#, "")),
        knob(
            "image.error_rate_per_mille",
            0,
            1_000,
            U32,
            &scenario("", r#", "error_rate_per_mille": {}"#, ""),
        ),
        knob("image.added_latency_ms", 0, 60_000, U32, &scenario("", r#", "added_latency_ms": {}"#, "")),
        knob(
            "timeline[6].tick",
            0,
            Limits::TIMELINE_TICK_MAX,
            U64,
            &scenario("", "", r#", {"tick": {}, "command": "pause"}"#),
        ),
        knob(
            "timeline[6].command.scale.replicas",
            0,
            FLEET,
            U32,
            &scenario("", "", r#", {"tick": 3, "command": {"scale": {"replicas": {}}}}"#),
        ),
        knob(
            "timeline[6].command.fail_health_checks.count",
            0,
            FLEET,
            U32,
            &scenario("", "", r#", {"tick": 3, "command": {"fail_health_checks": {"count": {}}}}"#),
        ),
        knob(
            "timeline[6].command.ssh.change.write_local_data.mb",
            1,
            100_000,
            U32,
            &scenario(
                r#", "mode": "mutable""#,
                "",
                r#", {"tick": 3, "command": {"ssh": {"instances": [1], "actor": "a", "change": {"write_local_data": {"mb": {}}}}}}"#,
            ),
        ),
        knob(
            "timeline[6].command.set_strategy.steps[0].pause.duration_ticks",
            0,
            WAIT,
            U64,
            &scenario(
                "",
                "",
                r#", {"tick": 3, "command": {"set_strategy": {"type": "canary", "steps": [{"pause": {"duration_ticks": {}}}]}}}"#,
            ),
        ),
        knob("strategy.max_surge", 0, FLEET, U32, &strategy(r#"{"type": "rolling", "max_surge": {}}"#)),
        knob(
            "strategy.max_unavailable",
            0,
            FLEET,
            U32,
            &strategy(r#"{"type": "rolling", "max_unavailable": {}}"#),
        ),
        knob("strategy.max_surge", 0, 100, U32, &strategy(r#"{"type": "rolling", "max_surge": "{}%"}"#)),
        knob(
            "strategy.max_unavailable",
            0,
            100,
            U32,
            &strategy(r#"{"type": "rolling", "max_unavailable": "{}%"}"#),
        ),
        knob(
            "strategy.max_surge",
            0,
            FLEET,
            U32,
            &strategy(r#"{"type": "canary", "steps": [{"set_weight": 50}], "max_surge": {}}"#),
        ),
        knob(
            "strategy.max_unavailable",
            0,
            100,
            U32,
            &strategy(r#"{"type": "canary", "max_unavailable": "{}%"}"#),
        ),
        knob(
            "strategy.steps[0]",
            0,
            100,
            U32,
            &strategy(r#"{"type": "canary", "steps": [{"set_weight": {}}]}"#),
        ),
        knob(
            "strategy.steps[1].pause.duration_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "canary", "steps": [{"set_weight": 50}, {"pause": {"duration_ticks": {}}}]}"#,
            ),
        ),
        knob(
            "strategy.steps[0].set_canary_scale.replicas",
            0,
            FLEET,
            U32,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"replicas": {}}}, {"set_weight": 50}]}"#,
            ),
        ),
        knob(
            "strategy.steps[0]",
            0,
            100,
            U32,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"weight": {}}}]}"#,
            ),
        ),
        knob(
            "strategy.scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 50}], "scale_down_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.abort_scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "canary", "traffic_routing": true, "steps": [{"set_weight": 50}], "abort_scale_down_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.preview_replica_count",
            0,
            FLEET,
            U32,
            &strategy(r#"{"type": "blue_green", "preview_replica_count": {}}"#),
        ),
        knob(
            "strategy.auto_promotion_ticks",
            0,
            WAIT,
            U64,
            &strategy(r#"{"type": "blue_green", "auto_promotion_ticks": {}}"#),
        ),
        knob(
            "strategy.scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(r#"{"type": "blue_green", "scale_down_delay_ticks": {}}"#),
        ),
        knob(
            "strategy.abort_scale_down_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "blue_green", "auto_promotion_enabled": false, "abort_scale_down_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.min_healthy_percentage",
            0,
            100,
            U32,
            &strategy(r#"{"type": "instance_refresh", "min_healthy_percentage": {}}"#),
        ),
        knob(
            "strategy.max_healthy_percentage",
            100,
            200,
            U32,
            &strategy(
                r#"{"type": "instance_refresh", "min_healthy_percentage": 100, "max_healthy_percentage": {}}"#,
            ),
        ),
        knob(
            "strategy.warmup_ticks",
            0,
            WAIT,
            U64,
            &strategy(r#"{"type": "instance_refresh", "warmup_ticks": {}}"#),
        ),
        knob(
            "strategy.checkpoint_delay_ticks",
            0,
            WAIT,
            U64,
            &strategy(
                r#"{"type": "instance_refresh", "checkpoint_percentages": [50, 100], "checkpoint_delay_ticks": {}}"#,
            ),
        ),
        knob(
            "strategy.health_check_timeout_ticks",
            1,
            WAIT,
            U64,
            &strategy(r#"{"type": "instance_refresh", "health_check_timeout_ticks": {}}"#),
        ),
        analysis("interval_ticks", 1, WAIT),
        analysis("window_ticks", 1, 64),
        analysis("count", 1, 10_000),
        analysis("failure_limit", 0, 10_000),
        analysis("inconclusive_limit", 0, 10_000),
        analysis("latency_max_ms", 0, 600_000),
        analysis("error_rate_target_percent", 0, 50),
    ]
}

/// Runs `ticks` ticks, checking the invariants and the per-tick event cap after each.
fn run(scenario: &Scenario, ticks: u64) -> Result<(), String> {
    let mut world = World::new(scenario);
    let mut playback = Playback::new(scenario);
    for _ in 0..ticks {
        let tick = playback.step(&mut world);
        world.check_invariants().map_err(|broken| format!("tick {tick}: {broken}"))?;
        let per_instance = world.drain_events().filter(Event::is_per_instance).count();
        if per_instance > Limits::INSTANCE_EVENTS_PER_TICK_MAX as usize {
            return Err(format!("tick {tick}: {per_instance} per-instance events"));
        }
    }
    Ok(())
}

#[test]
fn every_number_at_its_extremes_is_run_or_refused_naming_the_field() {
    for knob in knobs() {
        let top = match knob.width {
            Width::U32 => u64::from(u32::MAX),
            Width::U64 => u64::MAX,
        };
        let mut values = vec![0, 1, knob.max, knob.max + 1, top];
        values.dedup();
        for value in values {
            let text = knob.template.replacen("{}", &value.to_string(), 1);
            let within = (knob.min..=knob.max).contains(&value);
            let context = format!("{} = {value}", knob.field);
            match Scenario::from_json(&text) {
                Ok(scenario) => {
                    assert!(within, "{context}: accepted beyond its bound");
                    scenario.validate().unwrap_or_else(|error| panic!("{context}: {error}"));
                    // A full fleet costs a lot per tick in a debug build; a few ticks show it runs.
                    let ticks = if knob.max == FLEET && value > 1_000 { 6 } else { 30 };
                    run(&scenario, ticks).unwrap_or_else(|broken| panic!("{context}: {broken}"));
                }
                Err(error) => {
                    assert!(!within, "{context}: refused within its bound: {error}");
                    assert_eq!(error.field, knob.field, "{context}: {error}");
                    if let Some(name) = knob.message {
                        assert!(error.message.contains(&format!("analysis.{name}")), "{context}: {error}");
                    }
                }
            }
        }
    }
}

/// Numbers a command or a strategy built in code might carry.
fn extreme_u32() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0u32),
        Just(1),
        Just(2),
        Just(100),
        Just(101),
        Just(Limits::FLEET_MAX),
        Just(Limits::FLEET_MAX + 1),
        Just(1_000_000),
        Just(1_000_001),
        Just(u32::MAX),
        0u32..50,
    ]
}

fn extreme_u64() -> impl Strategy<Value = u64> {
    prop_oneof![
        Just(0u64),
        Just(1),
        Just(WAIT),
        Just(WAIT + 1),
        Just(u64::from(u32::MAX)),
        Just(u64::MAX),
        0u64..20,
    ]
}

fn limit() -> impl Strategy<Value = IntOrPercent> {
    prop_oneof![extreme_u32().prop_map(IntOrPercent::Int), extreme_u32().prop_map(IntOrPercent::Percent)]
}

fn analysis() -> impl Strategy<Value = CanaryAnalysis> {
    (
        extreme_u32(),
        extreme_u32(),
        extreme_u32(),
        extreme_u32(),
        extreme_u32(),
        proptest::option::of(extreme_u32()),
    )
        .prop_map(|(rate, latency, interval, window, limit, count)| CanaryAnalysis {
            error_rate_max_percent: Some(rate),
            latency_max_ms: Some(latency),
            interval_ticks: interval,
            window_ticks: window,
            failure_limit: limit,
            inconclusive_limit: limit,
            count,
            ..CanaryAnalysis::error_rate(5)
        })
}

/// A strategy built in code, with no validation: extreme numbers everywhere.
fn any_strategy() -> impl Strategy<Value = StrategySpec> {
    let canary = (
        limit(),
        limit(),
        extreme_u32(),
        proptest::option::of(extreme_u64()),
        extreme_u32(),
        any::<bool>(),
        extreme_u64(),
        proptest::option::of(analysis()),
    )
        .prop_map(|(surge, unavailable, weight, pause, replicas, routing, delay, analysis)| {
            let mut steps = vec![CanaryStep::SetWeight(weight), CanaryStep::Pause { duration_ticks: pause }];
            if routing {
                steps.insert(
                    0,
                    CanaryStep::SetCanaryScale {
                        replicas: Some(replicas),
                        weight: None,
                        match_traffic_weight: false,
                    },
                );
            }
            if let Some(analysis) = analysis {
                steps.push(CanaryStep::Analysis(analysis));
            }
            StrategySpec::Canary(Canary {
                steps,
                max_surge: surge,
                max_unavailable: unavailable,
                analysis: None,
                traffic_routing: routing,
                scale_down_delay_ticks: delay,
                abort_scale_down_delay_ticks: delay,
            })
        });
    let blue_green = (
        proptest::option::of(extreme_u32()),
        any::<bool>(),
        proptest::option::of(extreme_u64()),
        extreme_u64(),
        extreme_u64(),
        proptest::option::of(analysis()),
    )
        .prop_map(|(preview, auto, auto_ticks, delay, abort_delay, analysis)| {
            StrategySpec::BlueGreen(BlueGreen {
                preview_replica_count: preview,
                auto_promotion_enabled: auto,
                auto_promotion_ticks: auto_ticks,
                scale_down_delay_ticks: delay,
                abort_scale_down_delay_ticks: abort_delay,
                pre_promotion_analysis: analysis,
                post_promotion_analysis: analysis,
            })
        });
    let refresh = (extreme_u32(), extreme_u32(), extreme_u64(), extreme_u64(), extreme_u64(), any::<bool>())
        .prop_map(|(min, max, warmup, delay, timeout, rollback)| {
            StrategySpec::InstanceRefresh(InstanceRefresh {
                min_healthy_percentage: min,
                max_healthy_percentage: max,
                warmup_ticks: warmup,
                checkpoint_percentages: vec![50, 100],
                checkpoint_delay_ticks: delay,
                health_check_timeout_ticks: timeout,
                auto_rollback: rollback,
            })
        });
    let rolling = (limit(), limit()).prop_map(|(max_surge, max_unavailable)| {
        StrategySpec::Rolling(lab_engine::strategy::RollingUpdate { max_surge, max_unavailable })
    });
    prop_oneof![rolling, canary, blue_green, refresh]
}

fn image(version: u32, crash: u32, rate: u32, latency: u32) -> ImageSpec {
    let mut spec = ImageSpec::new("ubuntu-22.04", &format!("2.{version}"));
    (spec.crash_after_ticks, spec.error_rate_per_mille, spec.added_latency_ms) = (crash, rate, latency);
    spec
}

fn command() -> impl Strategy<Value = Command> {
    let ids = proptest::collection::vec(extreme_u32(), 0..4);
    prop_oneof![
        extreme_u32().prop_map(|replicas| Command::Scale { replicas }),
        extreme_u32().prop_map(|count| Command::FailHealthChecks { count }),
        proptest::option::of(extreme_u32()).prop_map(|to_revision| Command::Undo { to_revision }),
        extreme_u32().prop_map(|run| Command::Approve { run }),
        (ids, any::<bool>(), extreme_u32()).prop_map(|(instances, break_glass, mb)| Command::Ssh {
            instances,
            actor: "x".into(),
            change: DriftChange::WriteLocalData { mb },
            break_glass,
        }),
        (0u32..3, extreme_u32(), extreme_u32(), extreme_u32())
            .prop_map(|(v, crash, rate, latency)| Command::BuildImage(image(v, crash, rate, latency))),
        (0u32..3).prop_map(|v| Command::Deploy { image: lab_engine::ImageRef::Tag(format!("v2.{v}")) }),
        any_strategy().prop_map(Command::SetStrategy),
        Just(Command::PromoteRollout),
        Just(Command::PromoteFullRollout),
        Just(Command::AbortRollout),
        Just(Command::RetryRollout),
        Just(Command::RebuildAll),
        Just(Command::ConfigurationRun),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random commands with extreme numbers, applied directly: what `Command::validate` refuses the
    /// world refuses too (never a panic), a JSON timeline holding the command is refused exactly
    /// when `validate` refuses it, naming a field inside that entry, and every tick stays within
    /// its invariants and its event cap.
    #[test]
    fn commands_with_extreme_numbers_are_run_or_refused(
        mutable in any::<bool>(),
        initial in any_strategy(),
        commands in proptest::collection::vec((command(), 0u64..6), 1..12),
    ) {
        let base = Scenario::from_json(&scenario(if mutable { r#", "mode": "mutable""# } else { "" }, "", "")).unwrap();
        let mut scenario = base.clone();
        scenario.strategy = initial.clone();
        match (initial.validate(), scenario.validate()) {
            (Ok(()), Ok(())) => {}
            (Err(_), Err(error)) => prop_assert!(error.field.starts_with("strategy"), "{error}"),
            (strategy, whole) => prop_assert!(false, "{strategy:?} but the scenario says {whole:?}"),
        }
        // A strategy refused by validation may still reach a world built in code: it must not panic.
        let mut world = World::new(&scenario);
        for (command, ticks) in commands {
            let valid = command.validate();
            let mut in_json = base.clone();
            in_json.timeline.push(TimedCommand { tick: 1, command: command.clone() });
            let text = serde_json::to_string(&in_json).unwrap();
            match (&valid, Scenario::from_json(&text)) {
                (Ok(()), Ok(_)) => {}
                (Err(_), Err(error)) => prop_assert!(error.field.starts_with("timeline[6].command"), "{error}"),
                (valid, read) => prop_assert!(false, "validate says {valid:?}, the JSON reader {read:?}"),
            }
            let applied = world.apply(command.clone());
            if valid.is_err() {
                prop_assert!(applied.is_err(), "{command:?} was applied");
            }
            for _ in 0..ticks {
                world.step();
                if let Err(broken) = world.check_invariants() {
                    return Err(TestCaseError::fail(format!("tick {}: {broken}", world.now() - 1)));
                }
                let per_instance = world.drain_events().filter(Event::is_per_instance).count();
                prop_assert!(per_instance <= Limits::INSTANCE_EVENTS_PER_TICK_MAX as usize);
            }
        }
    }
}

/// The ssh flood of the finding, reduced: many commands of many ids at one tick. The tick records
/// at most the cap of per-instance events and says how many it left out; a longer list is refused.
#[test]
fn an_ssh_flood_is_capped_per_tick_and_an_overlong_list_is_refused() {
    let cap = Limits::INSTANCE_EVENTS_PER_TICK_MAX;
    for (mode, break_glass) in [("mutable", false), ("immutable", false), ("immutable", true)] {
        let mut scenario = Scenario::from_json(&scenario(&format!(r#", "mode": "{mode}""#), "", "")).unwrap();
        scenario.fleet_size = 300;
        let ssh = Command::Ssh {
            instances: (0..Limits::SSH_TARGETS_MAX as u32).map(|i| 1 + i % 300).collect(),
            actor: "flood".into(),
            change: DriftChange::AddCron { line: "* * * * * true".into() },
            break_glass,
        };
        scenario.timeline = (0..100).map(|_| TimedCommand { tick: 0, command: ssh.clone() }).collect();
        scenario.validate().unwrap();
        let mut world = World::new(&scenario);
        let mut playback = Playback::new(&scenario);
        for _ in 0..5 {
            playback.step(&mut world);
            world.check_invariants().unwrap();
            let events: Vec<Event> = world.drain_events().collect();
            let per_instance = events.iter().filter(|e| e.is_per_instance()).count();
            assert!(per_instance <= cap as usize, "{mode}: {per_instance} per-instance events");
            let fleet_level = events.len() - per_instance;
            assert!(fleet_level <= 64, "{mode}: {fleet_level} other events");
        }

        let mut too_long = scenario.clone();
        let Command::Ssh { instances, .. } = &mut too_long.timeline[0].command else { unreachable!() };
        instances.push(1);
        let error = too_long.validate().unwrap_err();
        assert_eq!(error.field, "timeline[0].command.ssh.instances", "{error}");
        let error = Scenario::from_json(&serde_json::to_string(&too_long).unwrap()).unwrap_err();
        assert_eq!(error.field, "timeline[0].command.ssh.instances", "{error}");
        assert!(World::new(&scenario).apply(too_long.timeline[0].command.clone()).is_err());
    }
}
