//! The world: a fleet, its revisions, the image registry, and the tick loop that moves them.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

mod conditions;
mod limits;
mod operations;
mod rollout;
mod traffic;

use crate::registry::Registry;
use crate::{
    Command, CommandError, Digest, Event, EventHistory, Image, ImageRef, Instance, Revision, Scenario,
    Snapshot, StrategySpec,
};

pub use crate::operations::{AuditEntry, PatchStats};
pub use conditions::{Progressing, RolloutConditions};
pub use limits::Limits;
pub use traffic::ServiceStats;

/// The whole simulation. See the crate documentation for the rules it keeps.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    /// Shared, so each tick's reconcile holds it without copying it (a clone is a count).
    strategy: std::sync::Arc<StrategySpec>,
    /// The tick the next `step` runs; commands applied now act at this tick.
    now: u64,
    rng: ChaCha8Rng,
    replicas: u32,
    supply: crate::supply::Supply,
    fleet: crate::fleet::Fleet,
    operations: crate::operations::Operations,
    service: ServiceStats,
    conditions: RolloutConditions,
    paused: bool,
    rollout_status: crate::strategy::RolloutStatus,
    traffic: Vec<traffic::RevisionTraffic>,
    scratch_weights: Vec<u32>,
    progress_counts: conditions::ProgressCounts,
    progress_deadline_ticks: u64,
    /// Oldest first; `target` indexes the rollout target.
    revisions: Vec<Revision>,
    target: usize,
    rollout_complete: bool,
    /// The tick's events and the fleet-level history.
    log: crate::event_log::EventLog,
    trace: crate::trace::TraceChain,
    /// Reused buffers, so a tick allocates nothing once the fleet has reached its size.
    scratch_desired: Vec<u32>,
}

impl World {
    /// A world at tick 0: the scenario's image built and its whole fleet in service.
    pub fn new(scenario: &Scenario) -> Self {
        let image = scenario.image.digest();
        let launch = match &scenario.launch_reference {
            Some(tag) => ImageRef::Tag(tag.clone()),
            None => ImageRef::digest(image),
        };
        // A scenario built in code may skip validation; the fleet still never outgrows its bound.
        let fleet_size = scenario.fleet_size.min(Limits::FLEET_MAX);
        let mut revisions = vec![Revision {
            desired: fleet_size,
            annotated_replicas: fleet_size,
            annotated_max_replicas: fleet_size
                .saturating_add(scenario.strategy.strategy().max_surge(fleet_size)),
            ..Revision::new(1, image, launch, 0)
        }];
        let mut rng = ChaCha8Rng::seed_from_u64(scenario.seed);
        let supply = crate::supply::Supply::new(scenario);
        let mut log = crate::event_log::EventLog::new();
        let fleet =
            crate::fleet::Fleet::start(scenario, &mut revisions[0], supply.registry(), &mut rng, &mut log);
        let mut world = World {
            seed: scenario.seed,
            strategy: std::sync::Arc::new(scenario.strategy.clone()),
            now: 0,
            rng,
            replicas: fleet_size,
            revisions,
            supply,
            fleet,
            operations: crate::operations::Operations::new(scenario),
            service: ServiceStats::default(),
            conditions: RolloutConditions::default(),
            paused: false,
            rollout_status: crate::strategy::RolloutStatus { stable: Some(1), ..Default::default() },
            traffic: Vec::new(),
            scratch_weights: Vec::new(),
            progress_counts: conditions::ProgressCounts::default(),
            progress_deadline_ticks: scenario.progress_deadline_ticks,
            target: 0,
            rollout_complete: true,
            log,
            trace: crate::trace::TraceChain::new(scenario.seed),
            scratch_desired: Vec::new(),
        };
        world.log.forget_tick();
        world
    }

    /// Applies a command at the current tick. On error the world is unchanged except for a
    /// `CommandRejected` event that explains why.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        self.unseal_events();
        let result = match command {
            Command::BuildImage(spec) => self.build_image(&spec),
            Command::Deploy { image } => self.deploy(&image),
            Command::Scale { replicas } => self.scale(replicas),
            Command::Undo { to_revision } => self.undo(to_revision),
            Command::PromoteRollout => {
                if self.rollout_status.inconclusive_pause.take().is_some() {
                    // Promoting past an inconclusive analysis accepts it: a step analysis is done,
                    // a blue-green analysis has passed, a background one carries on measuring.
                    self.accept_inconclusive_analysis();
                    return Ok(());
                }
                self.rollout_status.promote_requested = true;
                // Blue-green counts a promotion as the end of its wait for one; other strategies
                // keep their own pause bookkeeping (a canary would otherwise show "Paused" on).
                if matches!(*self.strategy, crate::StrategySpec::BlueGreen(_)) {
                    self.rollout_status.paused_since.get_or_insert(self.now);
                }
                Ok(())
            }
            Command::SetStrategy(strategy) => {
                // A strategy read from JSON was checked as it was read; one built in code is
                // checked here, so a wait or a limit beyond its bound never reaches a reconcile.
                if let Err(error) = strategy.validate() {
                    let error = CommandError::Invalid(error.within("set_strategy"));
                    self.emit(Event::CommandRejected { reason: error.to_string() });
                    return Err(error);
                }
                let description = strategy.describe();
                self.strategy = std::sync::Arc::new(strategy);
                self.emit(Event::StrategyChanged { description });
                Ok(())
            }
            Command::PromoteFullRollout => {
                self.rollout_status.promote_full = true;
                Ok(())
            }
            Command::AbortRollout => {
                self.abort_rollout(crate::AbortCause::Hand);
                Ok(())
            }
            Command::RetryRollout => {
                if self.rollout_status.aborted {
                    self.rollout_status.aborted = false;
                    self.rollout_status.abort_cause = None;
                    self.rollout_status.analysis_failures = 0;
                    self.rollout_status.analysis_inconclusive = 0;
                    self.rollout_status.scale_down_at = None;
                    self.note_new_revision();
                }
                Ok(())
            }
            Command::Pause => {
                self.paused = true;
                self.conditions.reason = "DeploymentPaused";
                self.emit(Event::RolloutPaused { paused: true });
                Ok(())
            }
            Command::FailHealthChecks { count } => {
                self.fleet.fail_health_checks(&mut self.revisions, count, self.now, &mut self.log)
            }
            Command::Resume => {
                if self.paused {
                    self.paused = false;
                    // The progress deadline clock restarts on resume (`DeploymentResumed`).
                    self.conditions.reason = "DeploymentResumed";
                    self.conditions.last_update_tick = self.now;
                    self.emit(Event::RolloutPaused { paused: false });
                }
                Ok(())
            }
            Command::Tag { tag, image } => self.supply.tag(&tag, &image, self.now, &mut self.log),
            Command::SetImmutableTags { enabled } => {
                self.supply.set_immutable_tags(enabled, self.now, &mut self.log);
                Ok(())
            }
            Command::CollectGarbage => {
                let World { supply, fleet, revisions, now, log, .. } = self;
                // Images still running, and the releases a rollback may return to, stay.
                let in_use = |digest| {
                    fleet.instances().iter().any(|i| i.image == digest && i.state.is_live())
                        || revisions.iter().any(|r| r.image == digest)
                };
                supply.collect_garbage(in_use, *now, log);
                Ok(())
            }
            Command::RunPipeline { spec, options } => {
                self.supply.run_pipeline(spec, options, self.now, &mut self.log)
            }
            Command::Approve { run } => self.supply.approve(run),
            Command::Promote { image, environment } => {
                self.supply.promote(&image, &environment, self.now, &mut self.log)
            }
            Command::PublishAdvisory(advisory) => {
                let World { supply, fleet, now, log, .. } = self;
                let instances_on = |images: &[Digest]| {
                    fleet
                        .instances()
                        .iter()
                        .filter(|i| i.state.is_live() && images.contains(&i.image))
                        .count() as u32
                };
                supply.publish_advisory(advisory, instances_on, *now, log)
            }
            Command::Ssh { instances, actor, change, break_glass } => self.ssh(&crate::operations::Session {
                targets: &instances,
                actor: &actor,
                change: &change,
                break_glass,
            }),
            Command::PatchPackage { package, version } => self.patch_package(&package, &version),
            Command::ConfigurationRun => {
                let World { operations, fleet, supply, now, log, .. } = self;
                operations.configuration_management_run(fleet, supply.registry(), *now, log);
                Ok(())
            }
            Command::DeployApp { app_version } => self.deploy_in_place(&app_version),
            Command::RebuildAll => {
                self.operations.rebuild_all(&mut self.fleet, self.now, &mut self.log);
                Ok(())
            }
            Command::SetNightlyRefresh { enabled } => {
                self.supply.set_nightly_refresh(enabled, self.now, &mut self.log);
                Ok(())
            }
        };
        if let Err(error) = &result {
            self.emit(Event::CommandRejected { reason: error.to_string() });
        }
        result
    }

    /// Runs one tick: instances advance through their lifecycle, then the strategy and the
    /// instance controller reconcile until nothing changes, then the tick is hashed into the trace.
    /// Returns the tick that ran.
    pub fn step(&mut self) -> u64 {
        self.unseal_events();
        let tick = self.now;
        self.supply.advance_pipelines(self.revisions[self.target].image, tick, &mut self.log);
        self.operations.random_drift(
            &mut self.fleet,
            self.supply.registry(),
            &mut self.rng,
            tick,
            &mut self.log,
        );
        self.fleet.advance_lifecycles(&mut self.revisions, tick, &mut self.log);
        self.operations.count_compromise(&self.fleet);
        self.fleet.replace_tainted(&mut self.revisions, self.replicas, tick, &mut self.log);
        self.reconcile(tick);
        self.note_rollout_complete();
        let (complete, target_image) = (self.rollout_complete, self.revisions[self.target].image);
        let rolled_out = |image| complete && target_image == image;
        self.operations.settle_patch_progress(&self.fleet, rolled_out, tick, &mut self.log);
        self.update_conditions(tick);
        self.serve_requests(tick);
        let events = self.log.end_tick(tick);
        self.trace.record(tick, &self.revisions, events);
        self.now += 1;
        tick
    }

    /// Takes the events emitted since the last drain, in order.
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, Event> {
        self.log.drain()
    }

    /// The tick the next `step` will run (equally: how many ticks have run).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The scenario seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Every instance the world still shows, including recently terminated ones, by id.
    pub fn instances(&self) -> &[Instance] {
        self.fleet.instances()
    }

    /// Revisions still tracked, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        &self.revisions
    }

    /// The revision the fleet is rolling out to (or runs, once complete).
    pub fn target_revision(&self) -> &Revision {
        &self.revisions[self.target]
    }

    /// The registry's images, in build order.
    pub fn images(&self) -> &[Image] {
        self.supply.registry().images()
    }

    /// The registry entry for a digest.
    pub fn image(&self, digest: Digest) -> Option<&Image> {
        self.supply.image(digest)
    }

    /// The registry: images, tags and the build cache.
    pub fn registry(&self) -> &Registry {
        self.supply.registry()
    }

    /// The rollout's status: stable and preview revisions, pauses, aborts.
    pub fn rollout_status(&self) -> &crate::strategy::RolloutStatus {
        &self.rollout_status
    }

    /// Ticks without progress before a rollout is reported stalled.
    pub fn progress_deadline_ticks(&self) -> u64 {
        self.progress_deadline_ticks
    }

    /// Whether the rollout is paused.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// How the fleet is operated.
    pub fn mode(&self) -> crate::FleetMode {
        self.operations.mode()
    }

    /// Failed requests and time below capacity so far.
    pub fn service_stats(&self) -> ServiceStats {
        self.service
    }

    /// Fleet-wide patch results so far.
    pub fn patch_stats(&self) -> PatchStats {
        self.operations.patch_stats()
    }

    /// Data lost with replaced instances, in MB.
    pub fn data_lost_mb(&self) -> u64 {
        self.fleet.data_lost_mb()
    }

    /// Sum over ticks of the instances an attacker controlled.
    pub fn compromised_instance_ticks(&self) -> u64 {
        self.operations.compromised_instance_ticks()
    }

    /// Pipeline runs, oldest first.
    pub fn pipelines(&self) -> &[crate::pipeline::PipelineRun] {
        self.supply.pipelines()
    }

    /// Every advisory known, built-in ones first.
    pub fn advisories(&self) -> &[crate::scan::Advisory] {
        self.supply.advisories()
    }

    /// Whether the nightly base refresh is on.
    pub fn nightly_refresh(&self) -> bool {
        self.supply.nightly_refresh()
    }

    /// Finds the image a reference names.
    pub fn resolve(&self, reference: &ImageRef) -> Result<Digest, CommandError> {
        self.supply.resolve(reference)
    }

    /// The fleet size the rollout aims for.
    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    /// The strategy in use.
    pub fn strategy(&self) -> &StrategySpec {
        &self.strategy
    }

    /// The most recent fleet-level events.
    pub fn history(&self) -> &EventHistory {
        self.log.history()
    }

    /// The chained digest of every tick run so far.
    pub fn trace_digest(&self) -> Digest {
        self.trace.head()
    }

    /// Whether the fleet runs only the target revision, all of it in service.
    pub fn rollout_complete(&self) -> bool {
        self.rollout_complete
    }

    /// Whether nothing is in motion: the rollout is complete and no instance is starting or leaving.
    pub fn is_settled(&self) -> bool {
        self.rollout_complete && self.fleet.is_still()
    }

    /// A plain summary for shells and traces.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(self)
    }

    /// Advisories that affect an image, as known now (one published later counts at once).
    pub fn advisories_for(&self, digest: Digest) -> Vec<&crate::scan::Advisory> {
        self.supply.advisories_for(digest)
    }

    fn build_image(&mut self, spec: &crate::ImageSpec) -> Result<(), CommandError> {
        self.supply.build_image(spec, self.now, &mut self.log)
    }

    /// The spec the fleet's target revision runs.
    fn target_spec(&self) -> crate::ImageSpec {
        self.supply.spec_of(self.revisions[self.target].image)
    }

    /// Checks the world's invariants; the error says which one broke. Tests call it after every tick.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.fleet.check_invariants(&self.revisions)
    }

    fn emit(&mut self, event: Event) {
        self.log.emit(self.now, event);
    }

    /// Events nobody drained after the previous tick are dropped, so the buffer stays bounded.
    fn unseal_events(&mut self) {
        self.log.unseal();
    }
}
