//! The rest of the mutable toolbox: fleet-wide patches and application deploys in place, a
//! configuration management run, the monthly rebuild, and the steady trickle of small manual
//! changes real fleets see. (What an immutable fleet does instead, a new image rolled out, is the
//! world's to arrange: it takes the supply chain and the rollout.)

use rand_chacha::ChaCha8Rng;
use rand_core::Rng;

use super::{Operations, Session, inspect::observed_state};
use crate::drift::{APP_FILE, DriftChange, Observed, PatchFailure, upgrade_conflict};
use crate::event_log::EventLog;
use crate::fleet::Fleet;
use crate::registry::Registry;
use crate::{Digest, Event, Lifecycle};

/// Small changes people make by hand, for the random drift.
fn random_change(pick: u32) -> DriftChange {
    match pick % 5 {
        0 => DriftChange::HotfixConfig { key: "LOG_LEVEL".into(), value: "debug".into() },
        1 => DriftChange::KernelParam { key: "net.core.somaxconn".into(), value: "4096".into() },
        2 => DriftChange::InstallTool { name: "htop".into(), requires: None },
        3 => DriftChange::AddCron { line: "*/10 * * * * /usr/local/bin/clear-tmp".into() },
        _ => DriftChange::EditAppFile { path: "config.js".into() },
    }
}

impl Operations {
    /// Patches a package in place on every live instance, where its drift allows.
    pub(crate) fn patch_in_place(
        &mut self,
        fleet: &mut Fleet,
        registry: &Registry,
        (package, version): (&str, &str),
        tick: u64,
        log: &mut EventLog,
    ) {
        let (mut succeeded, mut failed) = (0, 0);
        for index in 0..fleet.instances().len() {
            if !fleet.instances()[index].state.is_live() {
                continue;
            }
            let id = fleet.instances()[index].id;
            let state = observed_state(fleet, registry, index);
            match upgrade_conflict(&state, package, version) {
                Some(reason) => {
                    failed += 1;
                    log.emit_instance(tick, || Event::PatchFailed { instance: id, failure: reason });
                }
                None => {
                    succeeded += 1;
                    let change =
                        DriftChange::PatchPackage { name: package.to_owned(), version: version.to_owned() };
                    self.drift(fleet, registry, index, &change);
                }
            }
        }
        self.patches.attempted = self.patches.attempted.saturating_add(succeeded + failed);
        self.patches.succeeded = self.patches.succeeded.saturating_add(succeeded);
        log.emit(
            tick,
            Event::PatchRolledOut {
                package: package.to_owned(),
                version: version.to_owned(),
                succeeded,
                failed,
            },
        );
    }

    /// An immutable fleet's patch is under way: `live` instances will be replaced by ones running
    /// `image`.
    pub(crate) fn note_patch_rollout(&mut self, live: u32, image: Digest) {
        self.patches.attempted = self.patches.attempted.saturating_add(live);
        self.patches.pending_image = Some(image);
    }

    /// Counts replacements already serving a patched image, and closes the patch once its
    /// rollout is complete (`rolled_out`: the rollout is complete and its target runs this image).
    pub(crate) fn settle_patch_progress(
        &mut self,
        fleet: &Fleet,
        rolled_out: impl Fn(Digest) -> bool,
        tick: u64,
        log: &mut EventLog,
    ) {
        let Some(image) = self.patches.pending_image else { return };
        // Replacements running the patched image count as patched as soon as they serve.
        self.patches.in_progress =
            fleet.instances().iter().filter(|i| i.state == Lifecycle::InService && i.image == image).count()
                as u32;
        if rolled_out(image) {
            self.patches.succeeded =
                self.patches.succeeded.saturating_add(std::mem::take(&mut self.patches.in_progress));
            self.patches.pending_image = None;
            log.emit(
                tick,
                Event::PatchRolledOut {
                    package: String::new(),
                    version: String::new(),
                    succeeded: self.patches.succeeded,
                    failed: self.patches.attempted.saturating_sub(self.patches.succeeded),
                },
            );
        }
    }

    /// Converges what the image manages (its packages and config) back to the image on every
    /// live instance, the way Ansible or Puppet would. What the image does not manage (kernel
    /// parameters, cron jobs, extra tools, processes) is invisible to it and stays.
    pub(crate) fn configuration_management_run(
        &mut self,
        fleet: &mut Fleet,
        registry: &Registry,
        tick: u64,
        log: &mut EventLog,
    ) {
        let (mut converged, mut failed, mut unmanaged_left) = (0u32, 0u32, 0u32);
        for index in 0..fleet.instances().len() {
            if !fleet.instances()[index].state.is_live() || fleet.instances()[index].observed.is_none() {
                continue;
            }
            let image = fleet.instances()[index].image;
            let Some(baseline) = registry.image(image).map(|i| Observed::baseline(&i.spec)) else {
                continue;
            };
            let mut observed = observed_state(fleet, registry, index);
            let mut conflict = None;
            for (package, version) in &baseline.packages {
                if observed.packages.get(package) != Some(version) {
                    conflict =
                        conflict.or_else(|| crate::drift::upgrade_conflict(&observed, package, version));
                }
            }
            let id = fleet.instances()[index].id;
            if let Some(reason) = conflict {
                failed += 1;
                log.emit(
                    tick,
                    Event::PatchFailed {
                        instance: id,
                        failure: PatchFailure::ConfigurationRun { failure: Box::new(reason) },
                    },
                );
                continue;
            }
            // Managed items go back to the image's values; anything the image does not mention is
            // outside the tool's inventory and stays exactly as it was.
            for (package, version) in &baseline.packages {
                observed.packages.insert(package.clone(), version.clone());
            }
            for (path, value) in &baseline.files {
                observed.files.insert(path.clone(), value.clone());
            }
            let clean = observed == baseline;
            unmanaged_left += u32::from(!clean);
            *fleet.observed_mut(index) = if clean { None } else { Some(Box::new(observed)) };
            converged += 1;
        }
        log.emit(tick, Event::ConfigurationRun { converged, failed, unmanaged_left });
    }

    /// Copies a new application version onto every live instance in place, refused where someone
    /// edited the application by hand.
    pub(crate) fn deploy_app_in_place(
        &mut self,
        fleet: &mut Fleet,
        registry: &Registry,
        app_version: &str,
        tick: u64,
        log: &mut EventLog,
    ) {
        let (mut succeeded, mut failed) = (0, 0);
        for index in 0..fleet.instances().len() {
            if !fleet.instances()[index].state.is_live() {
                continue;
            }
            let observed = observed_state(fleet, registry, index);
            let edited = observed
                .files
                .iter()
                .any(|(path, value)| path.starts_with("app/") && value.contains("edited"));
            let id = fleet.instances()[index].id;
            if edited {
                failed += 1;
                log.emit(tick, Event::PatchFailed { instance: id, failure: PatchFailure::LocalAppChanges });
                continue;
            }
            succeeded += 1;
            let image = fleet.instances()[index].image;
            let mut observed = match fleet.observed_mut(index).take() {
                Some(observed) => observed,
                None => {
                    Box::new(registry.image(image).map(|i| Observed::baseline(&i.spec)).unwrap_or_default())
                }
            };
            observed.files.insert(APP_FILE.to_owned(), app_version.to_owned());
            *fleet.observed_mut(index) = Some(observed);
        }
        log.emit(
            tick,
            Event::PatchRolledOut {
                package: "application".into(),
                version: app_version.to_owned(),
                succeeded,
                failed,
            },
        );
    }

    /// The monthly rebuild script: terminate every instance at once and launch fresh ones from
    /// the image. Drift is gone; so is the service, until the new instances are ready.
    pub(crate) fn rebuild_all(&mut self, fleet: &mut Fleet, tick: u64, log: &mut EventLog) {
        let mut rebuilt = 0;
        for index in 0..fleet.instances().len() {
            if fleet.instances()[index].state.is_live() {
                fleet.taint(index);
                rebuilt += 1;
            }
        }
        log.emit(tick, Event::FleetRebuilt { instances: rebuilt });
    }

    /// The trickle of small manual changes: each tick, with the scenario's probability, someone
    /// changes one random instance by hand. Immutable fleets refuse, and say who tried.
    pub(crate) fn random_drift(
        &mut self,
        fleet: &mut Fleet,
        registry: &Registry,
        rng: &mut ChaCha8Rng,
        tick: u64,
        log: &mut EventLog,
    ) {
        if self.random_drift_per_mille == 0 {
            return;
        }
        if rng.next_u32() % 1_000 >= self.random_drift_per_mille {
            return;
        }
        let in_service = || fleet.instances().iter().filter(|i| i.state == Lifecycle::InService);
        let live = in_service().count() as u32;
        if live == 0 {
            return;
        }
        let nth = (rng.next_u32() % live) as usize;
        let change = random_change(rng.next_u32());
        let Some(id) = in_service().nth(nth).map(|i| i.id.0) else {
            return;
        };
        let session = Session { targets: &[id], actor: "someone", change: &change, break_glass: false };
        let _ = self.ssh(fleet, registry, &session, tick, log);
    }
}
