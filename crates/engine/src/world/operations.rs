//! The rest of the mutable toolbox, and what an immutable fleet does instead: a configuration
//! management run, an in-place application deploy, the monthly rebuild, and the steady trickle of
//! small manual changes that real fleets see.

use rand_core::Rng;

use super::World;
use crate::drift::{APP_FILE, DriftChange, Observed};
use crate::{CommandError, Event, FleetMode, ImageRef, Lifecycle};

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

impl World {
    /// Converges what the image manages (its packages and config) back to the image on every
    /// live instance, the way Ansible or Puppet would. What the image does not manage (kernel
    /// parameters, cron jobs, extra tools, processes) is invisible to it and stays.
    pub(super) fn configuration_management_run(&mut self) -> Result<(), CommandError> {
        let (mut converged, mut failed, mut unmanaged_left) = (0u32, 0u32, 0u32);
        for index in 0..self.instances.len() {
            if !self.instances[index].state.is_live() || self.instances[index].observed.is_none() {
                continue;
            }
            let image = self.instances[index].image;
            let Some(baseline) = self.supply.registry().image(image).map(|i| Observed::baseline(&i.spec))
            else {
                continue;
            };
            let mut observed = self.observed_state(index);
            let mut conflict = None;
            for (package, version) in &baseline.packages {
                if observed.packages.get(package) != Some(version) {
                    conflict =
                        conflict.or_else(|| crate::drift::upgrade_conflict(&observed, package, version));
                }
            }
            let id = self.instances[index].id;
            if let Some(reason) = conflict {
                failed += 1;
                self.emit(Event::PatchFailed {
                    instance: id,
                    reason: format!("configuration run: {reason}"),
                });
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
            self.instances[index].observed = if clean { None } else { Some(Box::new(observed)) };
            converged += 1;
        }
        self.emit(Event::ConfigurationRun { converged, failed, unmanaged_left });
        Ok(())
    }

    /// Ships a new application version: copied onto every instance in place on a mutable fleet
    /// (refused where someone edited the application by hand), built into a new image and rolled
    /// out on an immutable one.
    pub(super) fn deploy_in_place(&mut self, app_version: &str) -> Result<(), CommandError> {
        crate::image::check_version("app_version", app_version)
            .map_err(|error| CommandError::InvalidDrift { reason: error.to_string() })?;
        if self.mode == FleetMode::Immutable {
            let mut spec = self.target_spec();
            spec.app_version = app_version.to_owned();
            let digest = spec.digest();
            self.build_image(&spec)?;
            return self.deploy(&ImageRef::digest(digest));
        }
        let (mut succeeded, mut failed) = (0, 0);
        for index in 0..self.instances.len() {
            if !self.instances[index].state.is_live() {
                continue;
            }
            let observed = self.observed_state(index);
            let edited = observed
                .files
                .iter()
                .any(|(path, value)| path.starts_with("app/") && value.contains("edited"));
            let id = self.instances[index].id;
            if edited {
                failed += 1;
                self.emit(Event::PatchFailed {
                    instance: id,
                    reason: "deploy script stopped: local changes to the application would be overwritten"
                        .into(),
                });
                continue;
            }
            succeeded += 1;
            self.drift_change(
                index,
                &DriftChange::PatchPackage { name: String::new(), version: String::new() },
                Some(app_version),
            );
        }
        self.emit(Event::PatchRolledOut {
            package: "application".into(),
            version: app_version.to_owned(),
            succeeded,
            failed,
        });
        Ok(())
    }

    /// The monthly rebuild script: terminate every instance at once and launch fresh ones from
    /// the image. Drift is gone; so is the service, until the new instances are ready.
    pub(super) fn rebuild_all(&mut self) {
        let mut rebuilt = 0;
        for index in 0..self.instances.len() {
            if self.instances[index].state.is_live() {
                self.instances[index].tainted = true;
                self.tainted_pending = true;
                rebuilt += 1;
            }
        }
        self.emit(Event::FleetRebuilt { instances: rebuilt });
    }

    /// The trickle of small manual changes: each tick, with the scenario's probability, someone
    /// changes one random instance by hand. Immutable fleets refuse, and say who tried.
    pub(super) fn random_drift(&mut self) {
        if self.random_drift_per_mille == 0 {
            return;
        }
        if self.rng.next_u32() % 1_000 >= self.random_drift_per_mille {
            return;
        }
        let live: u32 = self.instances.iter().filter(|i| i.state == Lifecycle::InService).count() as u32;
        if live == 0 {
            return;
        }
        let nth = (self.rng.next_u32() % live) as usize;
        let change = random_change(self.rng.next_u32());
        let Some(id) =
            self.instances.iter().filter(|i| i.state == Lifecycle::InService).nth(nth).map(|i| i.id.0)
        else {
            return;
        };
        let _ = self.ssh(&[id], "someone", &change, false);
    }

    /// Applies a change, or (with `app_version`) records a new application version in place.
    fn drift_change(&mut self, index: usize, change: &DriftChange, app_version: Option<&str>) {
        let image = self.instances[index].image;
        let mut observed = match self.instances[index].observed.take() {
            Some(observed) => observed,
            None => Box::new(
                self.supply.registry().image(image).map(|i| Observed::baseline(&i.spec)).unwrap_or_default(),
            ),
        };
        match app_version {
            Some(version) => {
                observed.files.insert(APP_FILE.to_owned(), version.to_owned());
            }
            None => change.apply(&mut observed),
        }
        self.instances[index].observed = Some(observed);
    }
}
