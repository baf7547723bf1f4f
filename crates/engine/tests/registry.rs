//! The registry as a learner meets it: the build cache, tags, the `latest` trap, immutable tags,
//! garbage collection, and image size setting how long a launch takes.

mod common;

use std::collections::BTreeSet;

use common::Driver;
use lab_engine::{Command, CommandError, Digest, Event, ImageRef, ImageSpec, Lifecycle, Scenario, World};

fn base_spec(app_version: &str) -> ImageSpec {
    let mut spec = ImageSpec::new("ubuntu-22.04", app_version);
    spec.packages.insert("openssl".into(), "3.0.11".into());
    spec
}

fn world_with(fleet: u32, edit: impl FnOnce(&mut Scenario)) -> World {
    World::new(&scenario_with(fleet, edit))
}

/// `fleet` instances of 1.0.0, changed by `edit`.
fn scenario_with(fleet: u32, edit: impl FnOnce(&mut Scenario)) -> Scenario {
    let mut scenario = Scenario::new(3, fleet, base_spec("1.0.0"));
    edit(&mut scenario);
    scenario
}

fn events(world: &mut World) -> Vec<Event> {
    world.drain_events().collect()
}

fn live_images(world: &World) -> BTreeSet<Digest> {
    world.instances().iter().filter(|i| i.state.is_live()).map(|i| i.image).collect()
}

#[test]
fn the_build_cache_rebuilds_only_from_the_first_changed_layer() {
    let mut world = world_with(2, |_| {});
    let mut patched = base_spec("1.0.0");
    patched.config.insert("LOG_LEVEL".into(), "debug".into());
    world.apply(Command::BuildImage(patched.clone())).unwrap();
    let built = events(&mut world);
    assert!(
        matches!(built[0], Event::ImageBuilt { layers_built: 1, build_ticks: 1, reused: false, .. }),
        "{built:?}"
    );

    let new_app = base_spec("1.1.0");
    let plan = world.registry().plan(&new_app);
    assert_eq!(plan.cached, [true, true, true, false, false]);
    assert_eq!(plan.build_ticks, new_app.layers()[3].build_ticks + new_app.layers()[4].build_ticks);

    world.apply(Command::BuildImage(patched)).unwrap();
    let again = events(&mut world);
    assert!(
        matches!(again[0], Event::ImageBuilt { layers_built: 0, build_ticks: 0, reused: true, .. }),
        "{again:?}"
    );
}

#[test]
fn builds_tag_the_version_and_move_latest() {
    let mut world = world_with(2, |_| {});
    world.apply(Command::BuildImage(base_spec("2.0.0"))).unwrap();
    let v2 = base_spec("2.0.0").digest();
    let tags = world.registry().tags();
    assert_eq!(tags.get("v2.0.0"), Some(&v2));
    assert_eq!(tags.get("latest"), Some(&v2));
    assert_eq!(tags.get("v1.0.0"), Some(&base_spec("1.0.0").digest()));
    assert!(
        events(&mut world)
            .iter()
            .any(|e| matches!(e, Event::TagMoved { tag, from: Some(_), .. } if tag == "latest"))
    );
}

/// Four instances launched from `latest`; `latest` moves; the fleet scales out to eight.
fn scale_out_after_latest_moves(launch_reference: Option<&str>) -> World {
    let mut scenario = Scenario::new(5, 4, base_spec("1.0.0"));
    scenario.launch_reference = launch_reference.map(str::to_owned);
    let v2 = serde_json::to_value(base_spec("2.0.0")).unwrap();
    let timeline = serde_json::json!([
        {"tick": 2, "command": {"build_image": v2}},
        {"tick": 3, "command": {"scale": {"replicas": 8}}},
    ]);
    scenario.timeline = serde_json::from_value(timeline).unwrap();
    let mut lab = Driver::new(&scenario);
    lab.run_to_end(500);
    lab.world
}

#[test]
fn a_fleet_launched_from_latest_splits_when_latest_moves() {
    let world = scale_out_after_latest_moves(Some("latest"));
    let images = live_images(&world);
    assert_eq!(images, BTreeSet::from([base_spec("1.0.0").digest(), base_spec("2.0.0").digest()]));
    let snapshot = world.snapshot();
    assert_eq!((snapshot.revisions.len(), snapshot.images.len()), (1, 2), "one revision, yet two digests");
}

#[test]
fn pinning_by_digest_keeps_the_fleet_on_one_image() {
    let world = scale_out_after_latest_moves(None);
    assert_eq!(live_images(&world), BTreeSet::from([base_spec("1.0.0").digest()]));
    assert_eq!(world.instances().iter().filter(|i| i.state == Lifecycle::InService).count(), 8);
}

#[test]
fn redeploying_a_moved_tag_changes_nothing() {
    // Refusals allowed: the next tick carries the event of the refusal this test makes.
    let mut lab =
        Driver::new(&scenario_with(2, |s| s.launch_reference = Some("latest".into()))).allowing_refusals();
    lab.world.apply(Command::BuildImage(base_spec("2.0.0"))).unwrap();
    let refused = lab.world.apply(Command::Deploy { image: ImageRef::tag("latest") });
    assert!(matches!(refused, Err(CommandError::AlreadyTarget { .. })), "{refused:?}");
    // Deploying the digest is a real change of template.
    lab.world.apply(Command::Deploy { image: ImageRef::digest(base_spec("2.0.0").digest()) }).unwrap();
    lab.run_to_end(500);
    assert_eq!(live_images(&lab.world), BTreeSet::from([base_spec("2.0.0").digest()]));
}

#[test]
fn immutable_tags_refuse_a_move_and_keep_the_registry_unchanged() {
    let mut world = world_with(2, |s| s.registry.immutable_tags = true);
    assert!(!world.registry().tags().contains_key("latest"), "immutable registries keep no moving `latest`");
    world.apply(Command::Tag { tag: "production".into(), image: ImageRef::tag("v1.0.0") }).unwrap();
    world.apply(Command::BuildImage(base_spec("2.0.0"))).unwrap();
    let moved = world.apply(Command::Tag { tag: "production".into(), image: ImageRef::tag("v2.0.0") });
    let error = moved.unwrap_err();
    assert!(matches!(error, CommandError::TagImmutable { .. }));
    assert!(error.to_string().contains("tag `production` already names"), "{error}");
    assert_eq!(world.registry().tags().get("production"), Some(&base_spec("1.0.0").digest()));

    // Same version, different content: the version tag cannot be reused.
    let mut sneaky = base_spec("2.0.0");
    sneaky.packages.insert("curl".into(), "7.81.0".into());
    let images_before = world.images().len();
    assert!(matches!(world.apply(Command::BuildImage(sneaky)), Err(CommandError::TagImmutable { .. })));
    assert_eq!(world.images().len(), images_before);
}

#[test]
fn bad_tags_and_unknown_images_are_refused() {
    let mut world = world_with(2, |_| {});
    let bad = world.apply(Command::Tag { tag: "-prod".into(), image: ImageRef::tag("v1.0.0") });
    assert!(matches!(bad, Err(CommandError::InvalidTag { .. })));
    let unknown = world.apply(Command::Deploy { image: ImageRef::tag("v9.9.9") });
    assert!(matches!(unknown, Err(CommandError::UnknownImage { .. })));
    assert!(serde_json::from_str::<ImageRef>("\"has space\"").is_err());
}

#[test]
fn garbage_collection_keeps_what_runs_or_may_be_rolled_back_to() {
    let mut lab = Driver::new(&scenario_with(2, |_| {}));
    for version in ["2.0.0", "3.0.0", "4.0.0"] {
        lab.world.apply(Command::BuildImage(base_spec(version))).unwrap();
    }
    lab.world.apply(Command::Tag { tag: "staging".into(), image: ImageRef::tag("v3.0.0") }).unwrap();
    lab.world.apply(Command::Deploy { image: ImageRef::tag("v4.0.0") }).unwrap();
    lab.run_to_end(500);
    let world = &mut lab.world;
    world.apply(Command::CollectGarbage).unwrap();
    let kept: BTreeSet<String> = world.images().iter().map(|i| i.spec.app_version.clone()).collect();
    // 1.0.0: the previous release (a rollback target); 3.0.0: staging; 4.0.0: running. 2.0.0 goes.
    assert_eq!(kept, BTreeSet::from(["1.0.0".into(), "3.0.0".into(), "4.0.0".into()]));
    assert!(!world.registry().tags().contains_key("v2.0.0"));
}

#[test]
fn a_bigger_image_takes_longer_to_pull() {
    let ready_after_deploy = |spec: ImageSpec| {
        let mut lab = Driver::new(&scenario_with(1, |_| {}));
        lab.world.apply(Command::BuildImage(spec.clone())).unwrap();
        lab.world.apply(Command::Deploy { image: ImageRef::digest(spec.digest()) }).unwrap();
        lab.run(1);
        let new = lab.world.instances().iter().find(|i| i.image == spec.digest()).unwrap();
        new.ready_tick - new.launch_tick
    };
    let bloated = base_spec("2.0.0");
    let mut slim = base_spec("2.0.0");
    slim.minimal_base = true;
    slim.multi_stage = true;
    assert!(ready_after_deploy(slim) + 2 < ready_after_deploy(bloated));
}
