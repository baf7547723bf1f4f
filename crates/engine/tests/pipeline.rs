//! The image pipeline: stages in order, the gates that keep bad images out, and promotion of one
//! digest through every environment.

mod common;

use common::{Driver, Run};
use lab_engine::pipeline::{PipelineOptions, StageKind, StageStatus};
use lab_engine::scan::{Advisory, Severity};
use lab_engine::{Command, CommandError, Event, ImageRef, ImageSpec, Runtime, Scenario, World};

fn spec(openssl: &str, app_version: &str) -> ImageSpec {
    let mut spec = ImageSpec::new("ubuntu-22.04", app_version);
    spec.packages.insert("openssl".into(), openssl.into());
    spec.runtime = Some(Runtime { name: "nodejs".into(), version: "20.9.0".into() });
    spec.multi_stage = true;
    spec
}

fn world() -> World {
    World::new(&scenario())
}

/// Three instances of an image with OpenSSL 3.0.12 and Node.js.
fn scenario() -> Scenario {
    Scenario::new(11, 3, spec("3.0.12", "1.0.0"))
}

/// Runs ticks until the run stops moving (finished or waiting for approval), returning its events.
fn run_until_still(lab: &mut Driver, run: u32) -> Run {
    let still = |world: &World| {
        let pipeline = world.pipelines().iter().find(|p| p.id == run).unwrap();
        let waiting =
            matches!(pipeline.stages.get(pipeline.current), Some((_, StageStatus::AwaitingApproval { .. })));
        pipeline.is_finished() || waiting
    };
    lab.run_until(200, still)
}

fn start(world: &mut World, spec: ImageSpec, options: PipelineOptions) -> u32 {
    world.apply(Command::RunPipeline { spec, options }).unwrap();
    world.pipelines().last().unwrap().id
}

fn failure(world: &World, run: u32) -> Option<(StageKind, String)> {
    world
        .pipelines()
        .iter()
        .find(|p| p.id == run)
        .unwrap()
        .failed()
        .map(|(kind, failure)| (kind, failure.to_string()))
}

#[test]
fn a_clean_image_is_promoted_unchanged_through_every_environment() {
    let mut lab = Driver::new(&scenario());
    let candidate = spec("3.0.12", "1.1.0");
    let run = start(&mut lab.world, candidate.clone(), PipelineOptions::default());
    let started = run_until_still(&mut lab, run);
    let passed: Vec<StageKind> = started
        .events
        .iter()
        .filter_map(|(_, e)| if let Event::StagePassed { stage, .. } = e { Some(*stage) } else { None })
        .collect();
    assert_eq!(passed, StageKind::ALL[..9].to_vec(), "everything up to staging passes, then the gate waits");
    assert!(started.any(|e| matches!(e, Event::AwaitingApproval { .. })));
    assert!(!lab.world.registry().tags().contains_key("production"));

    lab.world.apply(Command::Approve { run }).unwrap();
    let approved = run_until_still(&mut lab, run);
    assert!(approved.any(|e| matches!(e, Event::PipelineSucceeded { .. })));
    let digest = candidate.digest();
    for environment in ["dev", "staging", "production"] {
        assert_eq!(lab.world.registry().tags().get(environment), Some(&digest), "{environment}");
    }
    let pipeline = lab.world.pipelines().iter().find(|p| p.id == run).unwrap();
    assert_eq!(lab.world.registry().tags().get(&pipeline.commit_tag()), Some(&digest));
    assert_eq!(lab.world.registry().tags().get("v1.1.0"), Some(&digest));
}

#[test]
fn a_vulnerable_package_stops_the_pipeline_at_the_scan_with_the_advisory() {
    let mut lab = Driver::new(&scenario());
    let vulnerable = spec("3.0.11", "1.1.0");
    let run = start(&mut lab.world, vulnerable.clone(), PipelineOptions::default());
    run_until_still(&mut lab, run);
    let (stage, reason) = failure(&lab.world, run).expect("the scan fails");
    assert_eq!(stage, StageKind::VulnerabilityScan);
    assert!(
        reason.contains("openssl 3.0.11 is affected by CVE-2023-5363") && reason.contains("fixed in 3.0.12"),
        "{reason}"
    );
    assert!(lab.world.image(vulnerable.digest()).is_none(), "a failed image is never pushed");
}

#[test]
fn a_looser_policy_lets_a_high_finding_through() {
    let mut scenario = Scenario::new(11, 3, spec("3.0.12", "1.0.0"));
    scenario.pipeline.fail_on = Severity::Critical;
    let mut lab = Driver::new(&scenario);
    let run = start(&mut lab.world, spec("3.0.11", "1.1.0"), PipelineOptions::default());
    run_until_still(&mut lab, run);
    assert_eq!(failure(&lab.world, run), None);
}

#[test]
fn a_baked_secret_stops_the_pipeline_at_the_secret_scan() {
    let mut lab = Driver::new(&scenario());
    let mut leaky = spec("3.0.12", "1.1.0");
    leaky.config.insert("DB_PASSWORD".into(), "hunter2".into());
    let run = start(&mut lab.world, leaky, PipelineOptions::default());
    run_until_still(&mut lab, run);
    let (stage, reason) = failure(&lab.world, run).unwrap();
    assert_eq!(stage, StageKind::SecretScan);
    assert!(reason.contains("DB_PASSWORD") && reason.contains("inject it at runtime"), "{reason}");

    let mut injected = spec("3.0.12", "1.1.1");
    injected.config.insert("DB_PASSWORD".into(), "${DB_PASSWORD}".into());
    let run = start(&mut lab.world, injected, PipelineOptions::default());
    run_until_still(&mut lab, run);
    assert_eq!(failure(&lab.world, run), None);
}

#[test]
fn failing_tests_stop_the_pipeline_where_they_fail() {
    for stage in [StageKind::UnitTests, StageKind::IntegrationTests] {
        let mut lab = Driver::new(&scenario());
        let run = start(
            &mut lab.world,
            spec("3.0.12", "1.1.0"),
            PipelineOptions { failing_tests: Some(stage), ..Default::default() },
        );
        run_until_still(&mut lab, run);
        assert_eq!(failure(&lab.world, run).unwrap().0, stage);
    }
    let mut world = world();
    let refused = world.apply(Command::RunPipeline {
        spec: spec("3.0.12", "1.1.0"),
        options: PipelineOptions { failing_tests: Some(StageKind::Push), ..Default::default() },
    });
    assert!(matches!(refused, Err(CommandError::NotATestStage { .. })));
}

#[test]
fn production_without_approval_is_refused() {
    let mut world = world();
    let refused =
        world.apply(Command::Promote { image: ImageRef::tag("v1.0.0"), environment: "production".into() });
    assert!(matches!(refused, Err(CommandError::ApprovalRequired { .. })), "{refused:?}");
    assert!(!world.registry().tags().contains_key("production"));
    world.apply(Command::Promote { image: ImageRef::tag("v1.0.0"), environment: "staging".into() }).unwrap();
    let unknown = world.apply(Command::Promote { image: ImageRef::tag("v1.0.0"), environment: "qa".into() });
    assert!(matches!(unknown, Err(CommandError::UnknownEnvironment { .. })));
    let not_waiting = world.apply(Command::Approve { run: 42 });
    assert!(matches!(not_waiting, Err(CommandError::UnknownRun { run: 42 })));
}

#[test]
fn rebuilding_per_environment_gives_every_environment_a_different_digest() {
    let mut lab = Driver::new(&scenario());
    let run = start(
        &mut lab.world,
        spec("3.0.12", "1.1.0"),
        PipelineOptions { rebuild_per_environment: true, ..Default::default() },
    );
    run_until_still(&mut lab, run);
    lab.world.apply(Command::Approve { run }).unwrap();
    run_until_still(&mut lab, run);
    let tags = lab.world.registry().tags();
    let digests = [tags["dev"], tags["staging"], tags["production"]];
    assert!(digests[0] != digests[1] && digests[1] != digests[2] && digests[0] != digests[2], "{digests:?}");
    assert!(
        !digests.contains(&spec("3.0.12", "1.1.0").digest()),
        "none of them is the image that was tested"
    );
}

#[test]
fn the_build_stage_takes_as_long_as_the_layers_it_rebuilds() {
    let mut lab = Driver::new(&scenario());
    let mut config_only = spec("3.0.12", "1.0.0");
    config_only.config.insert("LOG_LEVEL".into(), "debug".into());
    let run = start(&mut lab.world, config_only, PipelineOptions::default());
    run_until_still(&mut lab, run);
    let pipeline = lab.world.pipelines().iter().find(|p| p.id == run).unwrap();
    let ticks_of = |kind| match pipeline.stages.iter().find(|(k, _)| *k == kind).unwrap().1 {
        StageStatus::Passed { at_tick } => at_tick,
        ref other => panic!("{other:?}"),
    };
    // Only the configuration layer (1 tick) is rebuilt; the other four come from the cache.
    assert_eq!(ticks_of(StageKind::Build) - ticks_of(StageKind::Checkout), 1);
}

#[test]
fn an_advisory_published_later_marks_images_and_instances_vulnerable() {
    let mut world = world();
    let running = world.target_revision().image;
    assert!(world.advisories_for(running).is_empty());
    world
        .apply(Command::PublishAdvisory(Advisory {
            id: "LAB-2026-0001".into(),
            package: "openssl".into(),
            fixed_in: "3.0.13".into(),
            severity: Severity::Critical,
            summary: "a made-up flaw for the exercise".into(),
        }))
        .unwrap();
    let events: Vec<Event> = world.drain_events().collect();
    assert!(
        events.contains(&Event::AdvisoryPublished {
            id: "LAB-2026-0001".into(),
            images_affected: 1,
            instances_affected: 3
        }),
        "{events:?}"
    );
    assert_eq!(world.advisories_for(running).len(), 1);
}

#[test]
fn the_nightly_refresh_rebuilds_the_running_image_on_a_new_base_snapshot() {
    let mut lab = Driver::new(&scenario());
    lab.world.apply(Command::SetNightlyRefresh { enabled: true }).unwrap();
    lab.run(lab_engine::Limits::NIGHT_TICKS + 1);
    let run = lab.world.pipelines().last().expect("a nightly run started");
    assert_eq!(run.spec.base_snapshot, 1);
    assert_ne!(run.digest, lab.world.target_revision().image);
    let running = lab.world.image(lab.world.target_revision().image).unwrap().spec.layers();
    assert_ne!(run.spec.layers()[0].digest, running[0].digest, "the base layer is new");
}
