//! Every number at its extremes: 0, 1, its bound, one past it, and the top of its type. A value
//! within its bound must be accepted and run without a panic (these tests run with overflow
//! checks on); one beyond it must be refused with an error naming the field. Then random commands
//! with extreme numbers, and a reduced ssh flood that must not make one tick write more than the
//! per-tick cap of events.

use lab_engine::drift::DriftChange;
use lab_engine::strategy::{BlueGreen, Canary, CanaryAnalysis, CanaryStep, InstanceRefresh, IntOrPercent};
use lab_engine::{Command, Event, ImageSpec, Limits, Playback, Scenario, StrategySpec, TimedCommand, World};
use proptest::prelude::*;

#[path = "extremes/knobs.rs"]
mod knobs;

use knobs::*;

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
                    // Both fields: replicas wins, as in Argo, and the weight is still checked.
                    CanaryStep::SetCanaryScale {
                        replicas: Some(replicas),
                        weight: Some(weight),
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
                min_pods_per_replica_set: routing.then_some(replicas),
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

/// A strategy no reader would accept (a canary scale or a preview far above the largest fleet),
/// given to a world built in code, must not make a revision want billions of instances: each
/// revision's desired count stays within the largest fleet.
#[test]
fn a_revision_never_wants_more_than_the_largest_fleet_even_from_an_unchecked_strategy() {
    let huge = Some(u32::MAX);
    let scale = CanaryStep::SetCanaryScale { replicas: huge, weight: None, match_traffic_weight: false };
    let oversized = [
        StrategySpec::Canary(Canary {
            steps: vec![scale, CanaryStep::Pause { duration_ticks: None }],
            max_surge: IntOrPercent::Int(1),
            max_unavailable: IntOrPercent::Int(0),
            analysis: None,
            traffic_routing: true,
            scale_down_delay_ticks: 0,
            abort_scale_down_delay_ticks: 0,
            min_pods_per_replica_set: None,
        }),
        StrategySpec::BlueGreen(BlueGreen {
            preview_replica_count: huge,
            auto_promotion_enabled: false,
            ..BlueGreen::default()
        }),
    ];
    for strategy in oversized {
        let mut scenario = Scenario::from_json(&scenario("", "", "")).unwrap();
        scenario.strategy = strategy.clone();
        assert!(scenario.validate().is_err(), "the reader refuses it");
        let mut world = World::new(&scenario);
        let mut playback = Playback::new(&scenario);
        for _ in 0..4 {
            playback.step(&mut world);
            let most = world.revisions().iter().map(|r| r.desired).max().unwrap_or(0);
            assert!(most <= Limits::FLEET_MAX, "{}: a revision wants {most}", strategy.describe());
        }
    }
}
