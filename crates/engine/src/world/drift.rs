//! Hand-made changes and in-place patching: the mutable way of running a fleet, and what an
//! immutable fleet does instead (refuse, or taint and replace).

use std::collections::BTreeSet;

use super::World;
use crate::drift::{DriftChange, Observed, upgrade_conflict};
use crate::{CommandError, Digest, Event, FleetMode, ImageRef, InstanceId};

/// One entry of the audit log: who did what to which instance, and whether it was allowed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// When.
    pub tick: u64,
    /// Who.
    pub actor: String,
    /// Which instance.
    pub instance: InstanceId,
    /// What.
    pub what: String,
    /// Break-glass (emergency) access.
    pub emergency: bool,
    /// Refused by policy.
    pub refused: bool,
}

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

impl World {
    pub(super) fn ssh(
        &mut self,
        targets: &[u32],
        actor: &str,
        change: &DriftChange,
        break_glass: bool,
    ) -> Result<(), CommandError> {
        if actor.is_empty() || actor.len() > 64 {
            return Err(CommandError::InvalidDrift { reason: "`actor` must hold 1 to 64 characters".into() });
        }
        check_change(change)?;
        if targets.is_empty() || targets.len() > super::Limits::SSH_TARGETS_MAX {
            return Err(CommandError::InvalidDrift {
                reason: format!("`instances` must list 1 to {} instance ids", super::Limits::SSH_TARGETS_MAX),
            });
        }
        // Every target must be a live instance before anything changes, so a typo changes nothing.
        // Ids are handed out in increasing order and the fleet keeps that order, so each lookup is
        // a binary search, not a walk over the fleet per target.
        let mut indices = std::mem::take(&mut self.scratch_indices);
        indices.clear();
        for id in targets {
            match self.instances.binary_search_by_key(&InstanceId(*id), |i| i.id) {
                Ok(index) if self.instances[index].state.is_live() => indices.push(index as u32),
                Ok(_) => {
                    self.scratch_indices = indices;
                    return Err(CommandError::InstanceGone { instance: InstanceId(*id) });
                }
                Err(_) => {
                    self.scratch_indices = indices;
                    return Err(CommandError::UnknownInstance { instance: InstanceId(*id) });
                }
            }
        }
        // An attacker does not ask the access policy; everyone else does.
        let attack = matches!(change, DriftChange::Compromise);
        let refused = self.mode == FleetMode::Immutable && !break_glass && !attack;
        let description = change.describe();
        // The audit log keeps its last entries only: those this command would push out again
        // at once are not written.
        let audited_from = indices.len().saturating_sub(super::Limits::AUDIT_CAPACITY);
        for (position, &index) in indices.iter().enumerate() {
            let index = index as usize;
            let id = self.instances[index].id;
            if position >= audited_from {
                self.audit(actor, id, description.clone(), break_glass, refused);
            }
            if refused {
                self.emit_instance(|| Event::SshRefused { instance: id, actor: actor.to_owned() });
                continue;
            }
            self.drift(index, change);
            self.emit_instance(|| Event::InstanceDrifted {
                instance: id,
                change: description.clone(),
                emergency: break_glass,
            });
            if self.mode == FleetMode::Immutable && !attack {
                // Break-glass on an immutable fleet: the instance can no longer be trusted to match
                // its image, so the orchestrator replaces it.
                self.instances[index].tainted = true;
                self.tainted_pending = true;
                self.emit_instance(|| Event::InstanceTainted { instance: id });
            }
        }
        self.scratch_indices = indices;
        Ok(())
    }

    /// Applies a drift change to an instance, materialising its observed state on first change.
    fn drift(&mut self, index: usize, change: &DriftChange) {
        if let DriftChange::WriteLocalData { .. } = change
            && self.external_state
        {
            // State lives in a database outside the fleet: nothing lands on the instance's disk.
            return;
        }
        if matches!(change, DriftChange::Compromise) && !self.instances[index].compromised {
            self.instances[index].compromised = true;
            self.compromised_live += 1;
        }
        let image = self.instances[index].image;
        let baseline =
            || self.supply.registry().image(image).map(|i| Observed::baseline(&i.spec)).unwrap_or_default();
        let mut observed = match self.instances[index].observed.take() {
            Some(observed) => observed,
            None => Box::new(baseline()),
        };
        change.apply(&mut observed);
        self.instances[index].observed = Some(observed);
    }

    /// Patches a package across the fleet the way the fleet's mode says: in place on a mutable
    /// fleet (per instance, where its drift allows), or by baking it into a new image and
    /// replacing every instance on an immutable one.
    pub(super) fn patch_package(&mut self, package: &str, version: &str) -> Result<(), CommandError> {
        crate::image::check_version("version", version)
            .map_err(|error| CommandError::InvalidDrift { reason: error.to_string() })?;
        match self.mode {
            FleetMode::Mutable => {
                let (mut succeeded, mut failed) = (0, 0);
                for index in 0..self.instances.len() {
                    if !self.instances[index].state.is_live() {
                        continue;
                    }
                    let id = self.instances[index].id;
                    let state = self.observed_state(index);
                    match upgrade_conflict(&state, package, version) {
                        Some(reason) => {
                            failed += 1;
                            self.emit_instance(|| Event::PatchFailed { instance: id, reason });
                        }
                        None => {
                            succeeded += 1;
                            self.drift(
                                index,
                                &DriftChange::PatchPackage {
                                    name: package.to_owned(),
                                    version: version.to_owned(),
                                },
                            );
                        }
                    }
                }
                self.patches.attempted = self.patches.attempted.saturating_add(succeeded + failed);
                self.patches.succeeded = self.patches.succeeded.saturating_add(succeeded);
                self.emit(Event::PatchRolledOut {
                    package: package.to_owned(),
                    version: version.to_owned(),
                    succeeded,
                    failed,
                });
                Ok(())
            }
            FleetMode::Immutable => {
                let mut spec = self.target_spec();
                match &mut spec.runtime {
                    Some(runtime) if runtime.name == package => runtime.version = version.to_owned(),
                    _ => {
                        spec.packages.insert(package.to_owned(), version.to_owned());
                    }
                }
                let digest = spec.digest();
                if digest == self.revisions[self.target].image {
                    // The image the fleet is rolling out already carries that version.
                    self.emit(Event::PatchRolledOut {
                        package: package.to_owned(),
                        version: version.to_owned(),
                        succeeded: 0,
                        failed: 0,
                    });
                    return Ok(());
                }
                self.build_image(&spec)?;
                let live = self.instances.iter().filter(|i| i.state.is_live()).count() as u32;
                self.patches.attempted = self.patches.attempted.saturating_add(live);
                self.patches.pending_image = Some(digest);
                self.deploy(&ImageRef::digest(digest))
            }
        }
    }

    /// The state of an instance: its drift if it has any, else its image's baseline.
    pub fn observed_state(&self, index: usize) -> Observed {
        let instance = &self.instances[index];
        match &instance.observed {
            Some(observed) => (**observed).clone(),
            None => self
                .supply
                .registry()
                .image(instance.image)
                .map(|i| Observed::baseline(&i.spec))
                .unwrap_or_default(),
        }
    }

    /// What the drift detector reports for an instance: `None` while it is exactly its image (or
    /// its image is gone), else every difference from the image's baseline.
    pub fn drift_report(&self, instance: &crate::Instance) -> Option<crate::drift::DriftReport> {
        let observed = instance.observed.as_ref()?;
        let baseline = Observed::baseline(&self.supply.registry().image(instance.image)?.spec);
        Some(crate::drift::DriftReport::between(&baseline, observed))
    }

    /// Whether a known advisory affects a package or runtime actually on the instance (for a
    /// drifted instance that is its observed state, not its image).
    pub fn is_vulnerable(&self, instance: &crate::Instance) -> bool {
        match &instance.observed {
            None => !self.advisories_for(instance.image).is_empty(),
            Some(observed) => self.supply.advisories().iter().any(|advisory| {
                observed
                    .packages
                    .get(&advisory.package)
                    .is_some_and(|version| advisory.affects(&advisory.package, version))
            }),
        }
    }

    /// Distinct configurations among live instances: 1 for a fleet that is really identical.
    pub fn snowflake_index(&self) -> u32 {
        let mut fingerprints = BTreeSet::new();
        let mut image_fingerprints: Vec<(Digest, Digest)> = Vec::new();
        for instance in self.instances.iter().filter(|i| i.state.is_live()) {
            let fingerprint = match &instance.observed {
                Some(observed) => observed.fingerprint(),
                None => match image_fingerprints.iter().find(|(image, _)| *image == instance.image) {
                    Some((_, fingerprint)) => *fingerprint,
                    None => {
                        let fingerprint = self
                            .supply
                            .registry()
                            .image(instance.image)
                            .map_or(instance.image, |i| Observed::baseline(&i.spec).fingerprint());
                        image_fingerprints.push((instance.image, fingerprint));
                        fingerprint
                    }
                },
            };
            fingerprints.insert(fingerprint);
        }
        fingerprints.len() as u32
    }

    /// The audit log, oldest first.
    pub fn audit_log(&self) -> impl DoubleEndedIterator<Item = &AuditEntry> {
        self.audit.iter()
    }

    fn audit(&mut self, actor: &str, instance: InstanceId, what: String, emergency: bool, refused: bool) {
        if self.audit.len() == super::Limits::AUDIT_CAPACITY {
            self.audit.pop_front();
        }
        self.audit.push_back(AuditEntry {
            tick: self.now,
            actor: actor.to_owned(),
            instance,
            what,
            emergency,
            refused,
        });
    }

    /// Counts compromised instance-ticks, replaces tainted instances, and settles the immutable
    /// patch count once its rollout is done.
    pub(super) fn replace_tainted(&mut self, tick: u64) {
        self.compromised_instance_ticks += u64::from(self.compromised_live);
        // Most ticks nothing is tainted and no age limit is set: skip the walk over the fleet.
        if self.tainted_pending || self.max_instance_age_ticks.is_some() {
            self.replace_tainted_instances(tick);
        }
    }

    fn replace_tainted_instances(&mut self, tick: u64) {
        self.tainted_pending = false;
        let starting = self.instances.iter().any(|i| {
            matches!(i.state, crate::Lifecycle::Pending | crate::Lifecycle::Booting) && !i.unhealthy
        });
        // Recycle old and unhealthy instances a few at a time, and only while nothing else is
        // starting: AWS replaces unhealthy instances up to 10% of desired capacity at a time (one
        // if that is less than one), each batch waiting for health checks; a maximum age follows
        // the same rule so that it never takes much capacity away at once.
        let mut recycle_budget = if starting { 0 } else { (self.replicas / 10).max(1) };
        let mut unhealthy_left = false;
        for index in 0..self.instances.len() {
            let instance = &self.instances[index];
            if !instance.state.is_live() {
                continue;
            }
            let too_old = self.max_instance_age_ticks.is_some_and(|max| {
                instance.state == crate::Lifecycle::InService
                    && tick.saturating_sub(instance.launch_tick) >= max
            });
            let unhealthy = instance.unhealthy;
            if (too_old || unhealthy) && recycle_budget > 0 {
                recycle_budget -= 1;
                self.instances[index].tainted = true;
            } else if unhealthy {
                unhealthy_left = true;
            }
            if self.instances[index].tainted {
                self.stop_instance(index, tick);
            }
        }
        // Come back next tick for the unhealthy instances this batch had no room for.
        self.tainted_pending |= unhealthy_left;
    }

    /// The first `count` instances in service fail their health checks: they leave service (no
    /// more requests) and wait for replacement.
    pub(super) fn fail_health_checks(&mut self, count: u32) -> Result<(), crate::CommandError> {
        let in_service =
            self.instances.iter().filter(|i| i.state == crate::Lifecycle::InService).count() as u32;
        if count > in_service {
            return Err(crate::CommandError::NotEnoughInService { requested: count, in_service });
        }
        let World { instances, revisions, .. } = self;
        for instance in
            instances.iter_mut().filter(|i| i.state == crate::Lifecycle::InService).take(count as usize)
        {
            instance.state = crate::Lifecycle::Booting;
            instance.ready_tick = u64::MAX;
            instance.unhealthy = true;
            if let Some(revision) = revisions.iter_mut().find(|r| r.number == instance.revision) {
                revision.available -= 1;
            }
        }
        self.tainted_pending = true;
        self.emit(crate::Event::HealthChecksFailed { instances: count });
        Ok(())
    }

    /// Counts replacements already serving a patched image, and closes the patch once its
    /// rollout is complete.
    pub(super) fn settle_patch_progress(&mut self) {
        if let Some(image) = self.patches.pending_image {
            // Replacements running the patched image count as patched as soon as they serve.
            self.patches.in_progress = self
                .instances
                .iter()
                .filter(|i| i.state == crate::Lifecycle::InService && i.image == image)
                .count() as u32;
        }
        if let Some(image) = self.patches.pending_image
            && self.rollout_complete
            && self.revisions[self.target].image == image
        {
            self.patches.succeeded =
                self.patches.succeeded.saturating_add(std::mem::take(&mut self.patches.in_progress));
            self.patches.pending_image = None;
            self.emit(Event::PatchRolledOut {
                package: String::new(),
                version: String::new(),
                succeeded: self.patches.succeeded,
                failed: self.patches.attempted.saturating_sub(self.patches.succeeded),
            });
        }
    }
}

fn check_change(change: &DriftChange) -> Result<(), CommandError> {
    let text_ok = |text: &str| !text.is_empty() && text.len() <= 128 && !text.chars().any(char::is_control);
    let texts = |fields: &str, texts: &[&str]| {
        (!texts.iter().all(|text| text_ok(text))).then(|| format!("{fields} must hold 1 to 128 characters"))
    };
    // One arm per kind of change and no catch-all: a new kind does not compile until it says how
    // it is checked (this is the user-input path).
    let problem = match change {
        DriftChange::HotfixConfig { key, value } | DriftChange::KernelParam { key, value } => {
            texts("`key` and `value`", &[key, value])
        }
        DriftChange::InstallTool { name, requires: None } => texts("`name`", &[name]),
        DriftChange::InstallTool { name, requires: Some(requires) } => {
            texts("`name` and `requires`", &[name, requires])
        }
        DriftChange::AddCron { line } => texts("`line`", &[line]),
        DriftChange::EditAppFile { path } => texts("`path`", &[path]),
        DriftChange::PatchPackage { name, version } => texts("`name`", &[name])
            .or_else(|| crate::image::check_version("version", version).err().map(|e| e.to_string())),
        DriftChange::WriteLocalData { mb } => (*mb == 0 || *mb > crate::drift::LOCAL_DATA_MB_MAX)
            .then(|| format!("`mb` must be between 1 and {}", crate::drift::LOCAL_DATA_MB_MAX)),
        DriftChange::Compromise => None,
    };
    match problem {
        Some(reason) => Err(CommandError::InvalidDrift { reason }),
        None => Ok(()),
    }
}
