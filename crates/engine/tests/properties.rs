//! Random command sequences: the world never panics and its invariants hold after every tick.

use std::collections::{BTreeMap, HashMap};

use lab_engine::strategy::RollingUpdate;
use lab_engine::{Command, ImageRef, ImageSpec, InstanceId, Lifecycle, Scenario, StrategySpec, World};
use proptest::prelude::*;

fn spec(version: u8) -> ImageSpec {
    let mut spec = ImageSpec::new("ubuntu-22.04", &format!("1.{version}.0"));
    spec.packages = BTreeMap::from([("openssl".into(), format!("3.0.{version}"))]);
    spec
}

#[derive(Clone, Debug)]
enum Action {
    Build(u8),
    Deploy(u8),
    DeployDigestPrefix(u8),
    DeployLatest,
    Tag(u8),
    CollectGarbage,
    ImmutableTags(bool),
    Pipeline(u8, bool),
    Approve(u32),
    Promote(u8, u8),
    Undo(Option<u32>),
    Pause(bool),
    Scale(u32),
    Step(u8),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0u8..6).prop_map(Action::Build),
        (0u8..6).prop_map(Action::Deploy),
        (0u8..6).prop_map(Action::DeployDigestPrefix),
        Just(Action::DeployLatest),
        (0u8..6).prop_map(Action::Tag),
        Just(Action::CollectGarbage),
        any::<bool>().prop_map(Action::ImmutableTags),
        (0u8..14, any::<bool>()).prop_map(|(v, rebuild)| Action::Pipeline(v, rebuild)),
        (0u32..4).prop_map(Action::Approve),
        (0u8..6, 0u8..4).prop_map(|(v, env)| Action::Promote(v, env)),
        proptest::option::of(0u32..8).prop_map(Action::Undo),
        any::<bool>().prop_map(Action::Pause),
        (0u32..40).prop_map(Action::Scale),
        (1u8..6).prop_map(Action::Step),
    ]
}

fn scenario(seed: u64, fleet: u32, timing: (u32, u32, u32), surge: u32, unavailable: u32) -> Scenario {
    let (pull, boot, drain) = timing;
    let mut scenario = Scenario::new(seed, fleet, spec(0));
    scenario.pull_ticks = Some(pull);
    scenario.boot_ticks = boot.max(u32::from(pull == 0));
    scenario.drain_ticks = drain;
    // Surge 4 stands for Recreate and unavailable 4 for blue-green, so the properties cover them too.
    scenario.strategy = if surge == 4 {
        StrategySpec::Recreate(lab_engine::strategy::Recreate {})
    } else if surge == 3 && unavailable == 3 {
        let canary = r#"{"steps": [{"set_weight": 20}, {"pause": {"duration_ticks": 2}}, {"set_weight": 60}, {"pause": {"duration_ticks": 3}}]}"#;
        StrategySpec::Canary(serde_json::from_str(canary).unwrap())
    } else if unavailable == 4 {
        StrategySpec::BlueGreen(lab_engine::strategy::BlueGreen {
            scale_down_delay_ticks: 3,
            ..Default::default()
        })
    } else {
        StrategySpec::Rolling(RollingUpdate::new(surge, unavailable.max(u32::from(surge == 0))).unwrap())
    };
    scenario
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_tick(
        seed in any::<u64>(),
        fleet in 1u32..30,
        pull in 0u32..3, boot in 0u32..4, drain in 0u32..4,
        surge in 0u32..5, unavailable in 0u32..5,
        actions in proptest::collection::vec(action(), 1..40),
    ) {
        let mut world = World::new(&scenario(seed, fleet, (pull, boot, drain), surge, unavailable));
        // An instance's image is fixed for life: remember what each id ran when first seen.
        let mut image_of: HashMap<InstanceId, lab_engine::Digest> = HashMap::new();
        for action in actions {
            let command = match action {
                Action::Build(v) => Some(Command::BuildImage(spec(v))),
                Action::Deploy(v) => Some(Command::Deploy { image: ImageRef::Tag(format!("v1.{v}.0")) }),
                Action::DeployDigestPrefix(v) => Some(Command::Deploy {
                    image: ImageRef::Digest(spec(v).digest().short()),
                }),
                Action::DeployLatest => Some(Command::Deploy { image: ImageRef::tag("latest") }),
                Action::Tag(v) => Some(Command::Tag { tag: "production".into(), image: ImageRef::Tag(format!("v1.{v}.0")) }),
                Action::CollectGarbage => Some(Command::CollectGarbage),
                Action::ImmutableTags(enabled) => Some(Command::SetImmutableTags { enabled }),
                Action::Pipeline(v, rebuild) => Some(Command::RunPipeline {
                    spec: spec(v),
                    options: lab_engine::pipeline::PipelineOptions { rebuild_per_environment: rebuild, failing_tests: None },
                }),
                Action::Approve(run) => Some(Command::Approve { run }),
                Action::Promote(v, env) => Some(Command::Promote {
                    image: ImageRef::Tag(format!("v1.{v}.0")),
                    environment: ["dev", "staging", "production", "qa"][usize::from(env)].into(),
                }),
                Action::Undo(to_revision) => Some(Command::Undo { to_revision }),
                Action::Pause(true) if seed % 3 == 0 => Some(Command::AbortRollout),
                Action::Pause(false) if seed % 3 == 0 => Some(Command::PromoteRollout),
                Action::Pause(true) => Some(Command::Pause),
                Action::Pause(false) => Some(Command::Resume),
                Action::Scale(n) => Some(Command::Scale { replicas: n }),
                Action::Step(_) => None,
            };
            let before = world.snapshot();
            if let Some(command) = command
                && world.apply(command).is_err()
            {
                // A refused command changes nothing a learner could see.
                let after = world.snapshot();
                prop_assert_eq!(before.revisions, after.revisions);
                prop_assert_eq!(before.replicas, after.replicas);
            }
            let steps = if let Action::Step(n) = action { n } else { 1 };
            for _ in 0..steps {
                world.step();
                world.drain_events().for_each(drop);
                if let Err(broken) = world.check_invariants() {
                    return Err(TestCaseError::fail(format!("tick {}: {broken}", world.now() - 1)));
                }
                for instance in world.instances() {
                    let first = *image_of.entry(instance.id).or_insert(instance.image);
                    prop_assert_eq!(first, instance.image, "{} changed image", instance.id);
                    // A terminated instance stopped at a tick that has run.
                    prop_assert!(
                        instance.state != Lifecycle::Terminated
                            || instance.stop_tick.is_some_and(|stop| stop <= world.now()),
                        "{} terminated without having stopped", instance.id
                    );
                }
                // The revisions' live counters count exactly the live instances.
                let live = world.instances().iter().filter(|i| i.state.is_live()).count();
                let counted: u32 = world.revisions().iter().map(|r| r.live).sum();
                prop_assert_eq!(live as u32, counted);
                let in_service = world.instances().iter().filter(|i| i.state == Lifecycle::InService).count();
                let available: u32 = world.revisions().iter().map(|r| r.available).sum();
                prop_assert_eq!(in_service as u32, available);
            }
        }
    }

    #[test]
    fn every_rollout_finishes_on_the_target_image(
        seed in any::<u64>(), fleet in 1u32..25, surge in 0u32..5, unavailable in 0u32..5, version in 1u8..6,
    ) {
        let mut world = World::new(&scenario(seed, fleet, (1, 2, 2), surge, unavailable));
        world.apply(Command::BuildImage(spec(version))).unwrap();
        world.apply(Command::Deploy { image: ImageRef::Tag(format!("v1.{version}.0")) }).unwrap();
        let mut ticks = 0;
        while !world.is_settled() {
            world.step();
            ticks += 1;
            prop_assert!(ticks < 500, "rollout of {fleet} did not settle");
        }
        let target = spec(version).digest();
        let live: Vec<_> = world.instances().iter().filter(|i| i.state.is_live()).collect();
        prop_assert_eq!(live.len() as u32, fleet);
        prop_assert!(live.iter().all(|i| i.image == target && i.state == Lifecycle::InService));
    }
}

#[derive(Clone, Debug)]
enum FleetAction {
    Ssh(u32, u8),
    Patch(u8),
    Build(u8),
    Deploy(u8),
    Scale(u32),
    Step(u8),
}

fn fleet_action() -> impl Strategy<Value = FleetAction> {
    prop_oneof![
        (1u32..30, 0u8..6).prop_map(|(id, kind)| FleetAction::Ssh(id, kind)),
        (0u8..6).prop_map(FleetAction::Patch),
        (0u8..6).prop_map(FleetAction::Build),
        (0u8..6).prop_map(FleetAction::Deploy),
        (1u32..20).prop_map(FleetAction::Scale),
        (1u8..8).prop_map(FleetAction::Step),
    ]
}

fn drift_change(kind: u8) -> lab_engine::drift::DriftChange {
    use lab_engine::drift::DriftChange;
    match kind {
        0 => DriftChange::HotfixConfig { key: "LOG_LEVEL".into(), value: "debug".into() },
        1 => DriftChange::KernelParam { key: "vm.overcommit_memory".into(), value: "2".into() },
        2 => DriftChange::InstallTool { name: "tcpflow".into(), requires: Some("openssl".into()) },
        3 => DriftChange::AddCron { line: "@hourly true".into() },
        4 => DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.99".into() },
        _ => DriftChange::EditAppFile { path: "server.js".into() },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    /// Without break-glass nothing can change an immutable instance, so every configuration in
    /// the fleet is some image's: the snowflake index never exceeds the images being run.
    #[test]
    fn an_immutable_fleet_has_no_more_snowflakes_than_images(
        seed in any::<u64>(),
        fleet in 1u32..12,
        actions in proptest::collection::vec(fleet_action(), 1..40),
    ) {
        let mut scenario = scenario(seed, fleet, (1, 1, 1), 1, 0);
        scenario.mode = lab_engine::FleetMode::Immutable;
        let mut world = World::new(&scenario);
        for action in actions {
            let command = match action {
                FleetAction::Ssh(id, kind) => Some(Command::Ssh {
                    instances: vec![id], actor: "prop".into(), change: drift_change(kind), break_glass: false,
                }),
                FleetAction::Patch(v) => Some(Command::PatchPackage { package: "openssl".into(), version: format!("3.0.{}", 20 + v) }),
                FleetAction::Build(v) => Some(Command::BuildImage(spec(v))),
                FleetAction::Deploy(v) => Some(Command::Deploy { image: ImageRef::Tag(format!("v1.{v}.0")) }),
                FleetAction::Scale(n) => Some(Command::Scale { replicas: n }),
                FleetAction::Step(_) => None,
            };
            if let Some(command) = command {
                let _ = world.apply(command);
            }
            let steps = if let FleetAction::Step(n) = action { n } else { 1 };
            for _ in 0..steps {
                world.step();
                world.drain_events().for_each(drop);
                let images: std::collections::BTreeSet<_> =
                    world.instances().iter().filter(|i| i.state.is_live()).map(|i| i.image).collect();
                prop_assert!(world.snowflake_index() <= images.len() as u32);
                prop_assert!(world.instances().iter().all(|i| i.observed.is_none()));
            }
        }
    }
}
