//! The world: a fleet, its revisions, the image registry, and the tick loop that moves them.

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;

mod conditions;
mod drift;
mod images;
mod instances;
mod invariants;
mod operations;
mod pipelines;
mod traffic;

use crate::registry::Registry;
use crate::strategy::RolloutFleet;
use crate::{
    Command, CommandError, Digest, Event, EventHistory, EventRecord, Image, ImageRef, Instance, Lifecycle,
    Revision, Scenario, Snapshot, StrategySpec,
};

/// Ticks of per-revision request history analysis may look at.
pub const ANALYSIS_WINDOW_TICKS_MAX: usize = traffic::WINDOW_TICKS_MAX;

/// The bounds on everything the world holds, so that no input can make it grow without limit.
pub struct Limits;

impl Limits {
    /// The largest fleet the lab simulates.
    pub const FLEET_MAX: u32 = 20_000;
    /// Images the registry holds.
    pub const IMAGES_MAX: usize = crate::registry::IMAGES_MAX;
    /// Old, empty revisions kept for rollbacks (Kubernetes' revisionHistoryLimit default).
    pub const REVISION_HISTORY: usize = 10;
    /// Fleet-level events kept for the event log.
    pub const HISTORY_CAPACITY: usize = 256;
    /// Ticks a terminated instance stays visible; shells hide it after this.
    pub const TERMINATED_SHOWN_TICKS: u64 = 6;
    /// Terminated instances are forgotten in a sweep every this many ticks (a power of two), so a
    /// busy fleet does not compact its instance list every tick.
    pub const FORGET_SWEEP_TICKS: u64 = 8;
    /// Controller passes in one tick. Real strategies settle in a handful; the cap turns a bug
    /// into a stalled rollout instead of a hung page.
    pub const RECONCILE_PASSES_MAX: u32 = 64;
    /// Ticks any single wait (pull, boot, drain) may last.
    pub const DELAY_TICKS_MAX: u32 = 1_000;
    /// Pipeline runs under way at once.
    pub const PIPELINES_ACTIVE_MAX: usize = 4;
    /// Pipeline runs remembered (finished ones beyond this are forgotten, oldest first).
    pub const PIPELINES_KEPT: usize = 16;
    /// Advisories the world knows.
    pub const ADVISORIES_MAX: usize = 64;
    /// Entries the audit log keeps.
    pub const AUDIT_CAPACITY: usize = 256;
    /// Ticks in a lab "day": the nightly base refresh runs this often.
    pub const NIGHT_TICKS: u64 = 100;
}

/// How long instances take to move between lifecycle states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timing {
    /// A fixed pull time; without one, the pull takes as long as the image's size needs.
    pull_ticks: Option<u32>,
    pull_mb_per_tick: u32,
    boot_ticks: u32,
    drain_ticks: u32,
}

pub use conditions::{Progressing, RolloutConditions};
pub use drift::AuditEntry;

/// How fleet-wide patches went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PatchStats {
    /// Instance patches attempted.
    pub attempted: u32,
    /// Instance patches that took (in place, or by a replacement running the patched image).
    pub succeeded: u32,
    /// Replacements already serving the patched image while its rollout is still going.
    pub in_progress: u32,
    /// The patched image an immutable fleet is still rolling out.
    #[serde(skip)]
    pending_image: Option<Digest>,
}

/// How the service fared: requests it could not serve and time spent below the wanted capacity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ServiceStats {
    /// Requests offered, in total.
    pub requests: u64,
    /// Requests that failed: no capacity, or an error from a faulty version.
    pub failed_requests: u64,
    /// Requests served by a version that errors (the blast radius of a bad release).
    pub faulty_requests: u64,
    /// Ticks with fewer instances in service than wanted.
    pub degraded_ticks: u64,
    /// Times the fleet dropped below the wanted capacity.
    pub incidents: u32,
    #[serde(skip)]
    degraded: bool,
}

impl ServiceStats {
    /// Mean ticks to get back to full capacity (0 when it never dropped).
    pub fn mttr_ticks(&self) -> u64 {
        self.degraded_ticks.checked_div(u64::from(self.incidents)).unwrap_or(0)
    }
}

/// The whole simulation. See the crate documentation for the rules it keeps.
#[derive(Clone, Debug)]
pub struct World {
    seed: u64,
    timing: Timing,
    strategy: StrategySpec,
    /// The tick the next `step` runs; commands applied now act at this tick.
    now: u64,
    rng: ChaCha8Rng,
    replicas: u32,
    registry: Registry,
    pipelines: Vec<crate::pipeline::PipelineRun>,
    next_run_id: u32,
    advisories: Vec<crate::scan::Advisory>,
    scan_policy: crate::scan::Severity,
    nightly_refresh: bool,
    mode: crate::FleetMode,
    external_state: bool,
    audit: std::collections::VecDeque<AuditEntry>,
    patches: PatchStats,
    data_lost_mb: u64,
    compromised_instance_ticks: u64,
    max_instance_age_ticks: Option<u64>,
    random_drift_per_mille: u32,
    service: ServiceStats,
    /// Some instance was marked for replacement since the last sweep.
    tainted_pending: bool,
    /// Live instances an attacker controls.
    compromised_live: u32,
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
    instances: Vec<Instance>,
    next_instance_id: u32,
    /// Events since the last drain; cleared at the next tick if nobody drained them.
    events: Vec<Event>,
    events_sealed: bool,
    history: EventHistory,
    trace: crate::trace::TraceChain,
    /// Reused buffers, so a tick allocates nothing once the fleet has reached its size.
    scratch_indices: Vec<u32>,
    scratch_desired: Vec<u32>,
}

impl World {
    /// A world at tick 0: the scenario's image built and its whole fleet in service.
    pub fn new(scenario: &Scenario) -> Self {
        let mut registry = Registry::new(scenario.registry.immutable_tags);
        // The first build always succeeds: an empty registry has no tag to refuse and the spec was
        // validated when the scenario was read.
        let _ = registry.build(&scenario.image, 0);
        let image = scenario.image.digest();
        let launch = match &scenario.launch_reference {
            Some(tag) => ImageRef::Tag(tag.clone()),
            None => ImageRef::digest(image),
        };
        let fleet_size = scenario.fleet_size;
        let mut world = World {
            seed: scenario.seed,
            timing: Timing {
                pull_ticks: scenario.pull_ticks,
                pull_mb_per_tick: scenario.pull_mb_per_tick,
                boot_ticks: scenario.boot_ticks,
                drain_ticks: scenario.drain_ticks,
            },
            strategy: scenario.strategy.clone(),
            now: 0,
            rng: ChaCha8Rng::seed_from_u64(scenario.seed),
            replicas: fleet_size,
            revisions: vec![Revision {
                desired: fleet_size,
                annotated_replicas: fleet_size,
                annotated_max_replicas: fleet_size + scenario.strategy.strategy().max_surge(fleet_size),
                ..Revision::new(1, image, launch, 0)
            }],
            registry,
            pipelines: Vec::new(),
            next_run_id: 0,
            advisories: crate::scan::BUILT_IN_ADVISORIES
                .iter()
                .map(|(id, package, fixed_in, severity, summary)| crate::scan::Advisory {
                    id: (*id).into(),
                    package: (*package).into(),
                    fixed_in: (*fixed_in).into(),
                    severity: *severity,
                    summary: (*summary).into(),
                })
                .collect(),
            scan_policy: scenario.pipeline.fail_on,
            nightly_refresh: scenario.pipeline.nightly_base_refresh,
            mode: scenario.mode,
            external_state: scenario.external_state,
            audit: std::collections::VecDeque::new(),
            patches: PatchStats::default(),
            data_lost_mb: 0,
            compromised_instance_ticks: 0,
            max_instance_age_ticks: scenario.max_instance_age_ticks,
            random_drift_per_mille: scenario.random_drift_per_mille,
            service: ServiceStats::default(),
            tainted_pending: false,
            compromised_live: 0,
            conditions: RolloutConditions::default(),
            paused: false,
            rollout_status: crate::strategy::RolloutStatus { stable: Some(1), ..Default::default() },
            traffic: Vec::new(),
            scratch_weights: Vec::new(),
            progress_counts: conditions::ProgressCounts::default(),
            progress_deadline_ticks: scenario.progress_deadline_ticks,
            target: 0,
            rollout_complete: true,
            instances: Vec::with_capacity(fleet_size as usize),
            next_instance_id: 1,
            events: Vec::new(),
            events_sealed: false,
            history: EventHistory::with_capacity(Limits::HISTORY_CAPACITY),
            trace: crate::trace::TraceChain::new(scenario.seed),
            scratch_indices: Vec::new(),
            scratch_desired: Vec::new(),
        };
        // The starting fleet has been running for a while: it is in service from the first tick.
        for _ in 0..fleet_size {
            let index = world.launch(0, 0);
            let instance = &mut world.instances[index];
            instance.state = Lifecycle::InService;
            instance.boot_tick = 0;
            instance.ready_tick = 0;
            world.revisions[0].available += 1;
        }
        world.events.clear();
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
                self.rollout_status.promote_requested = true;
                // Blue-green counts a promotion as the end of its wait for one; other strategies
                // keep their own pause bookkeeping (a canary would otherwise show "Paused" on).
                if matches!(self.strategy, crate::StrategySpec::BlueGreen(_)) {
                    self.rollout_status.paused_since.get_or_insert(self.now);
                }
                Ok(())
            }
            Command::SetStrategy(strategy) => {
                let description = strategy.describe();
                self.strategy = strategy;
                self.emit(Event::StrategyChanged { description });
                Ok(())
            }
            Command::PromoteFullRollout => {
                self.rollout_status.promote_full = true;
                Ok(())
            }
            Command::AbortRollout => {
                self.abort_rollout("aborted by hand".into());
                Ok(())
            }
            Command::RetryRollout => {
                if self.rollout_status.aborted {
                    self.rollout_status.aborted = false;
                    self.rollout_status.abort_reason = None;
                    self.rollout_status.analysis_failures = 0;
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
            Command::FailHealthChecks { count } => self.fail_health_checks(count),
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
            Command::Tag { tag, image } => self.tag(&tag, &image),
            Command::SetImmutableTags { enabled } => {
                self.registry.set_immutable_tags(enabled);
                self.emit(Event::RegistryPolicyChanged { immutable_tags: enabled });
                Ok(())
            }
            Command::CollectGarbage => {
                self.collect_garbage();
                Ok(())
            }
            Command::RunPipeline { spec, options } => self.run_pipeline(spec, options),
            Command::Approve { run } => self.approve(run),
            Command::Promote { image, environment } => self.promote(&image, &environment),
            Command::PublishAdvisory(advisory) => self.publish_advisory(advisory),
            Command::Ssh { instances, actor, change, break_glass } => {
                self.ssh(&instances, &actor, &change, break_glass)
            }
            Command::PatchPackage { package, version } => self.patch_package(&package, &version),
            Command::ConfigurationRun => self.configuration_management_run(),
            Command::DeployApp { app_version } => self.deploy_in_place(&app_version),
            Command::RebuildAll => {
                self.rebuild_all();
                Ok(())
            }
            Command::SetNightlyRefresh { enabled } => {
                self.nightly_refresh = enabled;
                self.emit(Event::NightlyRefreshChanged { enabled });
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
        self.advance_pipelines(tick);
        self.random_drift();
        self.advance_lifecycles(tick);
        self.replace_tainted(tick);
        self.reconcile(tick);
        self.note_rollout_complete();
        self.settle_patch_progress();
        self.update_conditions(tick);
        self.serve_requests(tick);
        self.trace.record(tick, &self.revisions, &self.events);
        self.events_sealed = true;
        self.now += 1;
        tick
    }

    /// Takes the events emitted since the last drain, in order.
    pub fn drain_events(&mut self) -> std::vec::Drain<'_, Event> {
        self.events_sealed = false;
        self.events.drain(..)
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
        &self.instances
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
        self.registry.images()
    }

    /// The registry entry for a digest.
    pub fn image(&self, digest: Digest) -> Option<&Image> {
        self.registry.image(digest)
    }

    /// The registry: images, tags and the build cache.
    pub fn registry(&self) -> &Registry {
        &self.registry
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
        self.mode
    }

    /// Failed requests and time below capacity so far.
    pub fn service_stats(&self) -> ServiceStats {
        self.service
    }

    /// Fleet-wide patch results so far.
    pub fn patch_stats(&self) -> PatchStats {
        self.patches
    }

    /// Data lost with replaced instances, in MB.
    pub fn data_lost_mb(&self) -> u64 {
        self.data_lost_mb
    }

    /// Sum over ticks of the instances an attacker controlled.
    pub fn compromised_instance_ticks(&self) -> u64 {
        self.compromised_instance_ticks
    }

    /// Pipeline runs, oldest first.
    pub fn pipelines(&self) -> &[crate::pipeline::PipelineRun] {
        &self.pipelines
    }

    /// Every advisory known, built-in ones first.
    pub fn advisories(&self) -> &[crate::scan::Advisory] {
        &self.advisories
    }

    /// Whether the nightly base refresh is on.
    pub fn nightly_refresh(&self) -> bool {
        self.nightly_refresh
    }

    /// Finds the image a reference names.
    pub fn resolve(&self, reference: &ImageRef) -> Result<Digest, CommandError> {
        self.registry.resolve(reference)
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
        &self.history
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
        self.rollout_complete
            && self.instances.iter().all(|i| matches!(i.state, Lifecycle::InService | Lifecycle::Terminated))
    }

    /// A plain summary for shells and traces.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(self)
    }

    fn deploy(&mut self, reference: &ImageRef) -> Result<(), CommandError> {
        let image = self.registry.resolve(reference)?;
        // The launch template is what names the image: a digest pins it, a tag floats. Deploying the
        // template the fleet already has changes nothing, even if the tag now names another image,
        // exactly as Kubernetes ignores a re-applied `image: app:latest`.
        let launch = match reference {
            ImageRef::Digest(_) => ImageRef::digest(image),
            ImageRef::Tag(_) => reference.clone(),
        };
        if self.revisions[self.target].launch == launch {
            return Err(CommandError::AlreadyTarget { reference: launch.to_string() });
        }
        let number = self.revisions.iter().map(|r| r.number).max().unwrap_or(0) + 1;
        // Like Kubernetes' FindNewReplicaSet: going back to a template re-adopts its old revision,
        // with whatever instances it still has, under a new revision number.
        if let Some(index) = self.revisions.iter().position(|r| r.launch == launch) {
            let old_number = self.revisions[index].number;
            self.revisions[index].number = number;
            self.revisions[index].image = image;
            if self.rollout_status.stable == Some(old_number) {
                self.rollout_status.stable = Some(number);
            }
            for instance in self.instances.iter_mut().filter(|i| i.revision == old_number) {
                instance.revision = number;
            }
            self.target = index;
        } else {
            let max_replicas = self.replicas + self.strategy.strategy().max_surge(self.replicas);
            self.revisions.push(Revision {
                annotated_replicas: self.replicas,
                annotated_max_replicas: max_replicas,
                ..Revision::new(number, image, launch, self.now)
            });
            self.target = self.revisions.len() - 1;
        }
        self.rollout_complete = false;
        let stable = self.rollout_status.stable;
        self.rollout_status = crate::strategy::RolloutStatus { stable, ..Default::default() };
        self.note_new_revision();
        self.forget_old_revisions();
        self.emit(Event::RolloutStarted { revision: number, image });
        Ok(())
    }

    /// Aborts the rollout (by hand, or because analysis failed), saying why.
    pub(super) fn abort_rollout(&mut self, reason: String) {
        if self.rollout_complete || self.rollout_status.aborted {
            return;
        }
        self.rollout_status.aborted = true;
        self.rollout_status.scale_down_at = None;
        // Argo resets the canary to its first step on abort.
        self.rollout_status.step_index = 0;
        self.rollout_status.step_started = None;
        self.conditions.reason = "RolloutAborted";
        self.rollout_status.abort_reason = Some(reason.clone());
        self.emit(Event::RolloutAborted { reason });
    }

    /// `kubectl rollout undo`: the chosen revision's template becomes the target again.
    fn undo(&mut self, to_revision: Option<u32>) -> Result<(), CommandError> {
        if self.paused {
            return Err(CommandError::UndoWhilePaused);
        }
        let mut numbers: Vec<u32> = self.revisions.iter().map(|r| r.number).collect();
        numbers.sort_unstable();
        let wanted = match to_revision {
            Some(number) => number,
            None => {
                numbers.iter().rev().nth(1).copied().ok_or(CommandError::UnknownRevision { revision: 0 })?
            }
        };
        let revision = self
            .revisions
            .iter()
            .find(|r| r.number == wanted)
            .ok_or(CommandError::UnknownRevision { revision: wanted })?;
        if self.revisions[self.target].launch == revision.launch {
            return Err(CommandError::SkippedRollback { revision: wanted });
        }
        let launch = revision.launch.clone();
        self.deploy(&launch)
    }

    fn scale(&mut self, replicas: u32) -> Result<(), CommandError> {
        if replicas > Limits::FLEET_MAX {
            return Err(CommandError::FleetTooLarge { requested: replicas, max: Limits::FLEET_MAX });
        }
        let from = self.replicas;
        self.replicas = replicas;
        self.rollout_complete = false;
        self.emit(Event::FleetResized { from, to: replicas });
        Ok(())
    }

    /// Drops the oldest empty revisions beyond the history limit.
    fn forget_old_revisions(&mut self) {
        while self.revisions.len() > Limits::REVISION_HISTORY + 1 {
            let Some(index) = (0..self.revisions.len()).find(|&index| {
                // A revision still draining instances keeps its counts until they are gone.
                index != self.target
                    && self.revisions[index].is_empty()
                    && self.revisions[index].terminating == 0
            }) else {
                return;
            };
            self.revisions.remove(index);
            if index < self.target {
                self.target -= 1;
            }
        }
    }

    /// TM-3: strategy pass, then instance controller, until a pass changes nothing.
    fn reconcile(&mut self, tick: u64) {
        let strategy = self.strategy.clone();
        for _ in 0..Limits::RECONCILE_PASSES_MAX {
            let stable_before = self.rollout_status.stable;
            self.scratch_desired.clear();
            self.scratch_desired.extend(self.revisions.iter().map(|r| r.desired));
            let mut fleet = RolloutFleet {
                replicas: self.replicas,
                revisions: &mut self.revisions,
                target: self.target,
                now: tick,
                status: &mut self.rollout_status,
            };
            let rescaled = if self.paused {
                // Paused: no rollout, but a resize is still shared out (`sync` in syncDeployment).
                crate::strategy::is_scaling_event(&fleet)
                    && crate::strategy::scale_proportionally(
                        &mut fleet,
                        strategy.strategy().max_surge(self.replicas),
                    )
            } else {
                strategy.strategy().reconcile(&mut fleet)
            };
            if let Some(reason) = self.rollout_status.failure.take() {
                self.abort_rollout(reason);
            }
            let max_replicas = self.replicas + strategy.strategy().max_surge(self.replicas);
            for index in 0..self.revisions.len() {
                let (from, to) = (self.scratch_desired[index], self.revisions[index].desired);
                if from != to {
                    // Like scaleReplicaSet: every resize records the fleet size it was made for.
                    let revision = &mut self.revisions[index];
                    revision.annotated_replicas = self.replicas;
                    revision.annotated_max_replicas = max_replicas;
                    let number = revision.number;
                    self.emit(Event::RevisionScaled { revision: number, from, to });
                }
            }
            if self.rollout_status.stable != stable_before
                && let Some(revision) = self.rollout_status.stable
            {
                self.emit(Event::RolloutPromoted { revision });
            }
            let resized = self.sync_instances(tick);
            if !rescaled && !resized {
                return;
            }
        }
    }

    fn note_rollout_complete(&mut self) {
        if self.rollout_complete {
            return;
        }
        let target = &self.revisions[self.target];
        let target_done = target.desired == self.replicas
            && target.live == self.replicas
            && target.available == self.replicas;
        let others_gone = self
            .revisions
            .iter()
            .enumerate()
            .all(|(index, revision)| index == self.target || revision.is_empty());
        if target_done && others_gone {
            self.rollout_complete = true;
            let revision = target.number;
            self.rollout_status.stable = Some(revision);
            self.emit(Event::RolloutComplete { revision });
        }
    }

    fn emit(&mut self, event: Event) {
        push_event(&mut self.events, &mut self.history, self.now, event);
    }

    /// Events nobody drained after the previous tick are dropped, so the buffer stays bounded.
    fn unseal_events(&mut self) {
        if self.events_sealed {
            self.events.clear();
            self.events_sealed = false;
        }
    }
}

fn push_event(events: &mut Vec<Event>, history: &mut EventHistory, tick: u64, event: Event) {
    if event.is_fleet_level() {
        history.push(EventRecord { tick, event: event.clone() });
    }
    events.push(event);
}
