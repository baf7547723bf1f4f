//! Operations commands that need more than one part: an immutable fleet answers a patch or an
//! application deploy with a new image and a rollout, a mutable one changes its instances in
//! place; and the read-only questions about drift the shells ask.

use super::World;
use crate::operations::{AuditEntry, inspect};
use crate::{CommandError, FleetMode, ImageRef, Instance};

impl World {
    /// Patches a package across the fleet the way the fleet's mode says: in place on a mutable
    /// fleet (per instance, where its drift allows), or by baking it into a new image and
    /// replacing every instance on an immutable one.
    pub(super) fn patch_package(&mut self, package: &str, version: &str) -> Result<(), CommandError> {
        crate::image::check_version("version", version)
            .map_err(|error| CommandError::InvalidDrift { reason: error.to_string() })?;
        if self.operations.mode() == FleetMode::Mutable {
            let World { operations, fleet, supply, now, log, .. } = self;
            operations.patch_in_place(fleet, supply.registry(), (package, version), *now, log);
            return Ok(());
        }
        let mut spec = self.target_spec();
        match &mut spec.runtime {
            Some(runtime) if runtime.name == package => runtime.version = version.to_owned(),
            _ => {
                spec.packages.insert(package.to_owned(), version.to_owned());
            }
        }
        let digest = spec.digest();
        if digest == self.rollout.target_revision().image {
            // The image the fleet is rolling out already carries that version.
            self.emit(crate::Event::PatchRolledOut {
                package: package.to_owned(),
                version: version.to_owned(),
                succeeded: 0,
                failed: 0,
            });
            return Ok(());
        }
        self.build_image(&spec)?;
        let live = self.fleet.instances().iter().filter(|i| i.state.is_live()).count() as u32;
        self.operations.note_patch_rollout(live, digest);
        self.deploy(&ImageRef::digest(digest))
    }

    /// Ships a new application version: copied onto every instance in place on a mutable fleet
    /// (refused where someone edited the application by hand), built into a new image and rolled
    /// out on an immutable one.
    pub(super) fn deploy_in_place(&mut self, app_version: &str) -> Result<(), CommandError> {
        crate::image::check_version("app_version", app_version)
            .map_err(|error| CommandError::InvalidDrift { reason: error.to_string() })?;
        if self.operations.mode() == FleetMode::Immutable {
            let mut spec = self.target_spec();
            spec.app_version = app_version.to_owned();
            let digest = spec.digest();
            self.build_image(&spec)?;
            return self.deploy(&ImageRef::digest(digest));
        }
        let World { operations, fleet, supply, now, log, .. } = self;
        operations.deploy_app_in_place(fleet, supply.registry(), app_version, *now, log);
        Ok(())
    }

    /// The state of the instance at `index` in [`World::instances`]: its drift if it has any, else
    /// its image's baseline.
    pub fn observed_state(&self, index: usize) -> crate::drift::Observed {
        inspect::observed_state(&self.fleet, self.supply.registry(), index)
    }

    /// What the drift detector reports for an instance: `None` while it is exactly its image (or
    /// its image is gone), else every difference from the image's baseline.
    pub fn drift_report(&self, instance: &Instance) -> Option<crate::drift::DriftReport> {
        inspect::drift_report(self.supply.registry(), instance)
    }

    /// Whether a known advisory affects a package or runtime actually on the instance (for a
    /// drifted instance that is its observed state, not its image).
    pub fn is_vulnerable(&self, instance: &Instance) -> bool {
        inspect::is_vulnerable(self.supply.registry(), self.supply.advisories(), instance)
    }

    /// Distinct configurations among live instances: 1 for a fleet that is really identical.
    pub fn snowflake_index(&self) -> u32 {
        inspect::snowflake_index(&self.fleet, self.supply.registry())
    }

    /// The audit log, oldest first.
    pub fn audit_log(&self) -> impl DoubleEndedIterator<Item = &AuditEntry> {
        self.operations.audit_log()
    }
}
