//! The world: the clock, the random source, the event log and the trace, and the parts it
//! delegates to — the supply chain (images, pipelines, advisories), the rollout (revisions,
//! strategy, conditions, traffic), the fleet (instances and their lifecycles) and operations (how
//! the fleet is run by hand). `apply` hands each command to its part; `step` calls the parts in
//! the tick's order. Only this module knows every part: each part gets what it needs from the
//! others as arguments.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

mod limits;
mod operations;
mod reads;

use crate::event_log::EventLog;
use crate::fleet::Fleet;
use crate::operations::{Operations, Session};
use crate::rollout::{Parts, Rollout};
use crate::supply::Supply;
use crate::trace::TraceChain;
use crate::{Command, CommandError, Digest, Event, ImageRef, Scenario};

pub use crate::operations::{AuditEntry, PatchStats};
pub use crate::rollout::{ConditionReason, Progressing, RolloutConditions, ServiceStats};
pub use limits::Limits;

/// The whole simulation. See the crate documentation for the rules it keeps.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    /// The tick the next `step` runs; commands applied now act at this tick.
    now: u64,
    rng: ChaCha8Rng,
    log: EventLog,
    trace: TraceChain,
    supply: Supply,
    rollout: Rollout,
    fleet: Fleet,
    operations: Operations,
}

impl World {
    /// A world at tick 0: the scenario's image built and its whole fleet in service.
    pub fn new(scenario: &Scenario) -> Self {
        let supply = Supply::new(scenario);
        let image = scenario.image.digest();
        let launch = match &scenario.launch_reference {
            Some(tag) => ImageRef::Tag(tag.clone()),
            None => ImageRef::digest(image),
        };
        // A scenario built in code may skip validation; the fleet still never outgrows its bound.
        let fleet_size = scenario.fleet_size.min(Limits::FLEET_MAX);
        let mut rollout = Rollout::new(scenario, fleet_size, image, launch);
        let mut rng = ChaCha8Rng::seed_from_u64(scenario.seed);
        let mut log = EventLog::new();
        let first = &mut rollout.revisions_mut()[0];
        let fleet = Fleet::start(scenario, first, supply.registry(), &mut rng, &mut log);
        // The starting fleet's launches are not news.
        log.forget_tick();
        World {
            seed: scenario.seed,
            now: 0,
            rng,
            log,
            trace: TraceChain::new(scenario.seed),
            supply,
            rollout,
            fleet,
            operations: Operations::new(scenario),
        }
    }

    /// Applies a command at the current tick. On error the world is unchanged except for a
    /// `CommandRejected` event that explains why.
    pub fn apply(&mut self, command: Command) -> Result<(), CommandError> {
        self.log.unseal();
        let now = self.now;
        let World { supply, rollout, fleet, operations, log, .. } = self;
        let result = match command {
            // The supply chain.
            Command::BuildImage(spec) => supply.build_image(&spec, now, log),
            Command::Tag { tag, image } => supply.tag(&tag, &image, now, log),
            Command::SetImmutableTags { enabled } => {
                supply.set_immutable_tags(enabled, now, log);
                Ok(())
            }
            Command::CollectGarbage => {
                // Images still running, and the releases a rollback may return to, stay.
                let in_use = |digest| {
                    fleet.instances().iter().any(|i| i.image == digest && i.state.is_live())
                        || rollout.revisions().iter().any(|r| r.image == digest)
                };
                supply.collect_garbage(in_use, now, log);
                Ok(())
            }
            Command::RunPipeline { spec, options } => supply.run_pipeline(spec, options, now, log),
            Command::Approve { run } => supply.approve(run),
            Command::Promote { image, environment } => supply.promote(&image, &environment, now, log),
            Command::PublishAdvisory(advisory) => {
                let instances_on = |images: &[Digest]| {
                    let live = fleet.instances().iter().filter(|i| i.state.is_live());
                    live.filter(|i| images.contains(&i.image)).count() as u32
                };
                supply.publish_advisory(advisory, instances_on, now, log)
            }
            Command::SetNightlyRefresh { enabled } => {
                supply.set_nightly_refresh(enabled, now, log);
                Ok(())
            }
            // The rollout.
            Command::Deploy { image } => {
                rollout.deploy(&image, Parts { registry: supply.registry(), fleet, tick: now, log })
            }
            Command::Undo { to_revision } => {
                rollout.undo(to_revision, Parts { registry: supply.registry(), fleet, tick: now, log })
            }
            Command::Scale { replicas } => rollout.scale(replicas, now, log),
            Command::SetStrategy(strategy) => rollout.set_strategy(strategy, now, log),
            Command::PromoteRollout => {
                rollout.promote(now);
                Ok(())
            }
            Command::PromoteFullRollout => {
                rollout.promote_full();
                Ok(())
            }
            Command::AbortRollout => {
                rollout.abort_by_hand(now, log);
                Ok(())
            }
            Command::CancelRollout => {
                rollout.abort_rollout(crate::AbortCause::Cancelled, now, log);
                Ok(())
            }
            Command::RollbackRollout => {
                rollout.abort_rollout(crate::AbortCause::RollbackRequested, now, log);
                Ok(())
            }
            Command::RetryRollout => {
                rollout.retry(now);
                Ok(())
            }
            Command::Pause => {
                rollout.pause(now, log);
                Ok(())
            }
            Command::Resume => {
                rollout.resume(now, log);
                Ok(())
            }
            // The fleet.
            Command::FailHealthChecks { count } => {
                fleet.fail_health_checks(rollout.revisions_mut(), count, now, log)
            }
            // Operations.
            Command::Ssh { instances, actor, change, break_glass } => {
                let session = Session { targets: &instances, actor: &actor, change: &change, break_glass };
                operations.ssh(fleet, supply.registry(), &session, now, log)
            }
            Command::ConfigurationRun => {
                operations.configuration_management_run(fleet, supply.registry(), now, log);
                Ok(())
            }
            Command::RebuildAll => {
                operations.rebuild_all(fleet, now, log);
                Ok(())
            }
            Command::PatchPackage { package, version } => self.patch_package(&package, &version),
            Command::DeployApp { app_version } => self.deploy_in_place(&app_version),
        };
        if let Err(error) = &result {
            self.log.emit(now, Event::CommandRejected { error: Box::new(error.clone()) });
        }
        result
    }

    /// Runs one tick: pipelines move, instances advance through their lifecycle, then the
    /// strategy and the instance controller reconcile until nothing changes, requests are served
    /// and analysed (a verdict that aborts or pauses is reconciled in the same tick), the
    /// conditions are updated, and the tick is hashed into the trace. Returns the tick that ran.
    pub fn step(&mut self) -> u64 {
        self.log.unseal();
        let tick = self.now;
        let World { rng, log, trace, supply, rollout, fleet, operations, .. } = self;
        supply.advance_pipelines(rollout.target_revision().image, tick, log);
        operations.random_drift(fleet, supply.registry(), rng, tick, log);
        fleet.advance_lifecycles(rollout.revisions_mut(), tick, log);
        operations.count_compromise(fleet);
        let replicas = rollout.replicas();
        fleet.replace_tainted(rollout.revisions_mut(), replicas, tick, log);
        rollout.reconcile(fleet, supply.registry(), rng, tick, log);
        rollout.note_rollout_complete(tick, log);
        let (complete, target_image) = (rollout.is_complete(), rollout.target_revision().image);
        let rolled_out = |image| complete && target_image == image;
        operations.settle_patch_progress(fleet, rolled_out, tick, log);
        rollout.serve_requests(supply.registry());
        if rollout.analyse(tick, log) {
            // An analysis verdict acts within the tick it is reached (TM-7): Argo's controller is
            // woken by the AnalysisRun's change and reconciles at once.
            rollout.reconcile(fleet, supply.registry(), rng, tick, log);
        }
        rollout.update_conditions(tick, log);
        trace.record(tick, rollout.revisions(), log.end_tick(tick));
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

    /// The chained digest of every tick run so far.
    pub fn trace_digest(&self) -> Digest {
        self.trace.head()
    }

    /// Checks the world's invariants; the error says which one broke. Tests call it after every tick.
    pub fn check_invariants(&self) -> Result<(), String> {
        self.fleet.check_invariants(self.rollout.revisions())
    }

    /// Deploys a template on behalf of another command (an immutable patch or app deploy).
    fn deploy(&mut self, reference: &ImageRef) -> Result<(), CommandError> {
        let World { supply, rollout, fleet, now, log, .. } = self;
        rollout.deploy(reference, Parts { registry: supply.registry(), fleet, tick: *now, log })
    }

    fn build_image(&mut self, spec: &crate::ImageSpec) -> Result<(), CommandError> {
        self.supply.build_image(spec, self.now, &mut self.log)
    }

    /// The spec the fleet's target revision runs.
    fn target_spec(&self) -> crate::ImageSpec {
        self.supply.spec_of(self.rollout.target_revision().image)
    }

    fn emit(&mut self, event: Event) {
        self.log.emit(self.now, event);
    }
}
