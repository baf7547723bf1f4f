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
        if spec == self.target_spec() {
            // The image the fleet is rolling out already carries that version.
            self.emit(crate::Event::PatchRolledOut {
                package: package.to_owned(),
                version: version.to_owned(),
                succeeded: 0,
                failed: 0,
            });
            return Ok(());
        }
        // A patched image is a new release with a version of its own, so its tag is new and no
        // tag that named the old image is ever moved to it.
        spec.app_version = self.next_free_version(&spec.app_version);
        let digest = spec.digest();
        self.build_image(&spec)?;
        let live = self.fleet.instances().iter().filter(|i| i.state.is_live()).count() as u32;
        self.operations.note_patch_rollout(live, digest);
        self.deploy(&ImageRef::digest(digest))
    }

    /// The next patch version after `version` (`3.4.1` → `3.4.2`; `2.4.0-rc1` → `2.4.0-rc1.1`) that
    /// no image in the registry is tagged with yet.
    fn next_free_version(&self, version: &str) -> String {
        let mut next = next_patch_version(version);
        let registry = self.supply.registry();
        while registry.resolve(&ImageRef::Tag(crate::tag_for_version(&next))).is_ok() {
            next = next_patch_version(&next);
        }
        next
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

/// The version after `version`: its last number raised by one (`3.4.1` → `3.4.2`, `2.4.0-rc1` →
/// `2.4.0-rc2`), or `.1` added when it ends in no number (`2.4.0-rc` → `2.4.0-rc.1`).
fn next_patch_version(version: &str) -> String {
    let digits = version.len() - version.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, number) = version.split_at(version.len() - digits);
    match number.parse::<u64>() {
        Ok(number) if digits <= 9 => format!("{head}{}", number + 1),
        _ => format!("{version}.1"),
    }
}

#[cfg(test)]
mod tests {
    use super::next_patch_version;

    #[test]
    fn the_next_version_raises_the_last_number() {
        assert_eq!(next_patch_version("3.4.1"), "3.4.2");
        assert_eq!(next_patch_version("3.4.9"), "3.4.10");
        assert_eq!(next_patch_version("2.4.0-rc1"), "2.4.0-rc2");
        assert_eq!(next_patch_version("2.4.0-rc"), "2.4.0-rc.1");
        assert_eq!(next_patch_version("1.0.99999999999"), "1.0.99999999999.1", "no overflow");
    }
}
