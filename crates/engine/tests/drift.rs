//! Drift, snowflakes and the mutable-versus-immutable comparison, ending with the seed story:
//! thirty servers, an OpenSSL patch in place that fails on two, and its immutable twin.

mod common;

use std::collections::BTreeSet;

use common::Driver;
use lab_engine::compare::{MetricsRow, compare, exposure_closed_tick};
use lab_engine::drift::{DriftChange, DriftReport};
use lab_engine::{Command, CommandError, Event, FleetMode, ImageSpec, InstanceId, Scenario, World};

const SEED_004: &str = include_str!("../../../scenarios/seed-004.json");

fn seed_004(mode: FleetMode) -> Scenario {
    let mut scenario = Scenario::from_json(SEED_004).unwrap();
    scenario.mode = mode;
    scenario
}

#[test]
fn seed_004_in_place_patch_succeeds_on_28_and_fails_on_7_and_15_with_reasons() {
    let mut lab = Driver::new(&seed_004(FleetMode::Mutable));
    let run = lab.run_to_end(1_000);
    let world = &lab.world;
    let failures: Vec<(u32, String)> = run
        .events
        .iter()
        .filter_map(|(_, e)| match e {
            Event::PatchFailed { instance, failure } => Some((instance.0, failure.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(failures.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [7, 15]);
    assert!(failures[0].1.contains("vm.overcommit_memory=2"), "{}", failures[0].1);
    assert!(failures[1].1.contains("tcpflow") && failures[1].1.contains("3.0.11"), "{}", failures[1].1);
    assert!(run.any(|e| *e
        == Event::PatchRolledOut {
            package: "openssl".into(),
            version: "3.0.12".into(),
            succeeded: 28,
            failed: 2
        }));
    // Three cohorts, three hand-made one-offs, two failed patches: far from one fleet.
    assert!(world.snowflake_index() >= 6, "snowflake index {}", world.snowflake_index());
}

#[test]
fn seed_004_immutable_twin_bakes_the_patch_and_replaces_all_30() {
    let mut lab = Driver::new(&seed_004(FleetMode::Immutable));
    let run = lab.run_to_end(1_000);
    let world = &lab.world;
    assert!(!run.any(|e| matches!(e, Event::PatchFailed { .. })));
    assert!(run.count(|e| matches!(e, Event::SshRefused { .. })) >= 30);
    let live: Vec<_> = world.instances().iter().filter(|i| i.state.is_live()).collect();
    assert_eq!(live.len(), 30);
    let images: BTreeSet<_> = live.iter().map(|i| i.image).collect();
    assert_eq!(images.len(), 1);
    let image = world.image(*images.first().unwrap()).unwrap();
    assert_eq!(image.spec.packages["openssl"], "3.0.12");
    assert_eq!(world.patch_stats().succeeded, 30);
    assert_eq!(world.snowflake_index(), 1);
}

#[test]
fn the_comparison_measures_both_fleets_on_the_same_events() {
    let comparison = compare(&seed_004(FleetMode::Mutable), None);
    let last = |rows: &[MetricsRow]| *rows.last().unwrap();
    let (mutable, immutable) = (last(&comparison.mutable), last(&comparison.immutable));
    assert_eq!((mutable.patches_succeeded, mutable.patches_attempted), (28, 30));
    assert_eq!((immutable.patches_succeeded, immutable.patches_attempted), (30, 30));
    assert!(mutable.snowflake_index > immutable.snowflake_index);
    assert_eq!(immutable.drifted_instances, 0);
    assert_eq!(mutable.vulnerable_instances, 2, "the two failed servers keep the vulnerable OpenSSL");
    assert_eq!(exposure_closed_tick(&comparison.mutable), None);
    assert!(exposure_closed_tick(&comparison.immutable).is_some());
}

fn small_world(mode: FleetMode, edit: impl FnOnce(&mut Scenario)) -> World {
    World::new(&small_scenario(mode, edit))
}

/// Four instances of an image with OpenSSL and a config key, in `mode`, changed by `edit`.
fn small_scenario(mode: FleetMode, edit: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
    spec.packages.insert("openssl".into(), "3.0.12".into());
    spec.config.insert("LOG_LEVEL".into(), "info".into());
    let mut scenario = Scenario::new(9, 4, spec);
    scenario.mode = mode;
    scenario.pull_ticks = Some(1);
    edit(&mut scenario);
    scenario
}

fn ssh(world: &mut World, id: u32, change: DriftChange, break_glass: bool) -> Result<(), CommandError> {
    world.apply(Command::Ssh { instances: vec![id], actor: "alex".into(), change, break_glass })
}

#[test]
fn every_drift_kind_shows_up_in_detection_and_changes_the_fingerprint() {
    let changes = [
        DriftChange::HotfixConfig { key: "LOG_LEVEL".into(), value: "debug".into() },
        DriftChange::KernelParam { key: "net.core.somaxconn".into(), value: "4096".into() },
        DriftChange::InstallTool { name: "strace".into(), requires: None },
        DriftChange::AddCron { line: "*/5 * * * * curl localhost/health".into() },
        DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.13".into() },
        DriftChange::EditAppFile { path: "server.js".into() },
        DriftChange::Compromise,
    ];
    for change in changes {
        let mut world = small_world(FleetMode::Mutable, |_| {});
        let before = world.snowflake_index();
        ssh(&mut world, 2, change.clone(), false).unwrap();
        assert_eq!((before, world.snowflake_index()), (1, 2), "{change:?}");
        let instance = &world.instances()[1];
        let baseline = lab_engine::drift::Observed::baseline(&world.image(instance.image).unwrap().spec);
        let report = DriftReport::between(&baseline, instance.observed.as_ref().unwrap());
        assert!(report.is_drifted(), "{change:?}");
        assert!(world.audit_log().any(|entry| entry.instance == InstanceId(2) && !entry.refused));
    }
}

#[test]
fn an_immutable_fleet_refuses_ssh_and_replaces_what_break_glass_touched() {
    let mut lab = Driver::new(&small_scenario(FleetMode::Immutable, |_| {}));
    ssh(
        &mut lab.world,
        3,
        DriftChange::KernelParam { key: "vm.swappiness".into(), value: "1".into() },
        false,
    )
    .unwrap();
    assert_eq!(lab.world.snowflake_index(), 1);
    assert!(lab.world.audit_log().last().unwrap().refused);

    ssh(&mut lab.world, 3, DriftChange::KernelParam { key: "vm.swappiness".into(), value: "1".into() }, true)
        .unwrap();
    assert!(lab.world.instances()[2].tainted);
    lab.run(10);
    assert!(!lab.world.instances().iter().any(|i| i.id == InstanceId(3) && i.state.is_live()));
    assert_eq!(lab.world.instances().iter().filter(|i| i.state.is_live()).count(), 4);
    assert_eq!(lab.world.snowflake_index(), 1, "the replacement is clean");
}

#[test]
fn bad_targets_and_changes_are_refused_and_change_nothing() {
    // Refusals allowed: the next tick carries the events of the refusals this test makes.
    let mut lab = Driver::new(&small_scenario(FleetMode::Mutable, |_| {})).allowing_refusals();
    let unknown = ssh(&mut lab.world, 99, DriftChange::AddCron { line: "x".into() }, false);
    assert!(matches!(unknown, Err(CommandError::UnknownInstance { .. })));
    let bad = ssh(
        &mut lab.world,
        1,
        DriftChange::PatchPackage { name: "openssl".into(), version: "latest".into() },
        false,
    );
    assert!(matches!(bad, Err(CommandError::InvalidDrift { .. })));
    assert_eq!(lab.world.snowflake_index(), 1);
    assert_eq!(lab.world.audit_log().count(), 0);

    // An instance that has been replaced cannot be logged into any more.
    lab.world.apply(Command::RebuildAll).unwrap();
    lab.run(1);
    let gone = ssh(&mut lab.world, 1, DriftChange::AddCron { line: "x".into() }, false);
    assert!(matches!(gone, Err(CommandError::InstanceGone { .. })), "{gone:?}");
}

#[test]
fn a_low_pid_limit_also_breaks_in_place_upgrades() {
    let mut world = small_world(FleetMode::Mutable, |_| {});
    ssh(
        &mut world,
        2,
        DriftChange::KernelParam { key: "kernel.pid_max".into(), value: "4096".into() },
        false,
    )
    .unwrap();
    world.drain_events().for_each(drop);
    world.apply(Command::PatchPackage { package: "openssl".into(), version: "3.0.13".into() }).unwrap();
    let failures: Vec<Event> =
        world.drain_events().filter(|e| matches!(e, Event::PatchFailed { .. })).collect();
    assert_eq!(failures.len(), 1);
    assert!(
        matches!(&failures[0], Event::PatchFailed { instance, failure } if instance.0 == 2 && failure.to_string().contains("kernel.pid_max=4096"))
    );
}

#[test]
fn local_data_is_lost_on_replacement_unless_state_is_external() {
    for (external, expected_mb) in [(false, 120), (true, 0)] {
        let mut lab = Driver::new(&small_scenario(FleetMode::Mutable, |s| s.external_state = external));
        ssh(&mut lab.world, 1, DriftChange::WriteLocalData { mb: 120 }, false).unwrap();
        let mut spec = lab.world.image(lab.world.target_revision().image).unwrap().spec.clone();
        spec.app_version = "1.0.1".into();
        lab.world.apply(Command::BuildImage(spec)).unwrap();
        lab.world.apply(Command::Deploy { image: lab_engine::ImageRef::tag("v1.0.1") }).unwrap();
        lab.run(60);
        assert!(lab.world.is_settled());
        assert_eq!(lab.world.data_lost_mb(), expected_mb, "external state: {external}");
    }
}

#[test]
fn a_compromise_persists_on_a_mutable_fleet_and_is_wiped_by_maximum_age() {
    let compromised_after = |mode, max_age| {
        let mut lab = Driver::new(&small_scenario(mode, |s| s.max_instance_age_ticks = max_age));
        ssh(&mut lab.world, 2, DriftChange::Compromise, false).unwrap();
        lab.run(80);
        let still = lab.world.instances().iter().any(|i| i.compromised && i.state.is_live());
        (still, lab.world.compromised_instance_ticks())
    };
    let (mutable_still, mutable_ticks) = compromised_after(FleetMode::Mutable, None);
    let (immutable_still, immutable_ticks) = compromised_after(FleetMode::Immutable, Some(20));
    assert!(mutable_still && !immutable_still);
    assert_eq!(mutable_ticks, 80);
    assert!(immutable_ticks <= 25, "{immutable_ticks}");
}

#[test]
fn a_configuration_run_converges_what_it_manages_and_cannot_see_the_rest() {
    let mut world = small_world(FleetMode::Mutable, |_| {});
    ssh(&mut world, 1, DriftChange::HotfixConfig { key: "LOG_LEVEL".into(), value: "debug".into() }, false)
        .unwrap();
    ssh(&mut world, 2, DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.13".into() }, false)
        .unwrap();
    ssh(&mut world, 3, DriftChange::AddCron { line: "@hourly sync".into() }, false).unwrap();
    ssh(
        &mut world,
        4,
        DriftChange::KernelParam { key: "vm.overcommit_memory".into(), value: "2".into() },
        false,
    )
    .unwrap();
    ssh(&mut world, 4, DriftChange::PatchPackage { name: "openssl".into(), version: "3.0.13".into() }, false)
        .unwrap();
    world.drain_events().for_each(drop);
    world.apply(Command::ConfigurationRun).unwrap();
    let events: Vec<Event> = world.drain_events().collect();
    // 1 and 2 converge fully; 3 keeps its unmanaged cron job; 4 cannot take the downgrade.
    assert!(
        events.contains(&Event::ConfigurationRun { converged: 3, failed: 1, unmanaged_left: 1 }),
        "{events:?}"
    );
    assert!(world.instances()[0].observed.is_none() && world.instances()[1].observed.is_none());
    assert!(world.instances()[2].observed.is_some());
    assert_eq!(world.snowflake_index(), 3);
}

#[test]
fn an_in_place_deploy_stops_at_hand_edited_apps_while_an_image_deploy_replaces_them() {
    let mut mutable = small_world(FleetMode::Mutable, |_| {});
    ssh(&mut mutable, 2, DriftChange::EditAppFile { path: "server.js".into() }, false).unwrap();
    mutable.drain_events().for_each(drop);
    mutable.apply(Command::DeployApp { app_version: "1.1.0".into() }).unwrap();
    let events: Vec<Event> = mutable.drain_events().collect();
    assert!(
        events.iter().any(|e| matches!(e, Event::PatchRolledOut { succeeded: 3, failed: 1, .. })),
        "{events:?}"
    );

    let mut immutable = Driver::new(&small_scenario(FleetMode::Immutable, |_| {}));
    immutable.world.apply(Command::DeployApp { app_version: "1.1.0".into() }).unwrap();
    immutable.run(40);
    let versions: BTreeSet<String> = immutable
        .world
        .instances()
        .iter()
        .filter(|i| i.state.is_live())
        .map(|i| immutable.world.image(i.image).unwrap().spec.app_version.clone())
        .collect();
    assert_eq!(versions, BTreeSet::from(["1.1.0".to_owned()]));
}

#[test]
fn the_monthly_rebuild_wipes_drift_and_costs_downtime() {
    let mut lab = Driver::new(&small_scenario(FleetMode::Mutable, |_| {}));
    ssh(&mut lab.world, 1, DriftChange::AddCron { line: "@hourly sync".into() }, false).unwrap();
    lab.run(1);
    assert_eq!(lab.world.service_stats().failed_requests, 0);
    lab.world.apply(Command::RebuildAll).unwrap();
    lab.run(20);
    assert_eq!(lab.world.snowflake_index(), 1);
    assert!(lab.world.instances().iter().filter(|i| i.state.is_live()).all(|i| i.id.0 > 4), "all replaced");
    let service = lab.world.service_stats();
    assert!(
        service.failed_requests > 0 && service.incidents == 1 && service.mttr_ticks() >= 2,
        "{service:?}"
    );
}

#[test]
fn random_drift_is_seeded_and_refused_on_an_immutable_fleet() {
    let drifted_after = |mode, seed| {
        let mut scenario = Scenario::new(seed, 20, ImageSpec::new("ubuntu-22.04", "1.0.0"));
        scenario.mode = mode;
        scenario.random_drift_per_mille = 300;
        let mut lab = Driver::new(&scenario);
        lab.run(100);
        (lab.world.instances().iter().filter(|i| i.observed.is_some()).count(), lab.world.trace_digest())
    };
    let (mutable_a, trace_a) = drifted_after(FleetMode::Mutable, 5);
    let (_, trace_b) = drifted_after(FleetMode::Mutable, 5);
    assert_eq!(trace_a, trace_b, "same seed, same drift");
    assert!(mutable_a >= 5, "{mutable_a}");
    assert_eq!(drifted_after(FleetMode::Immutable, 5).0, 0);
}
