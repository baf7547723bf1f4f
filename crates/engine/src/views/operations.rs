//! The operations view: how the fleet is run.

use crate::drift::DriftReport;
use crate::{AuditEntry, Digest, EventHistory, FleetMode, Instance, PatchStats, ServiceStats, World};

/// The fleet's mode, its service and patch record, drift, the audit log and the event history.
#[derive(Clone, Copy, Debug)]
pub struct OperationsView<'a> {
    /// Mutable (SSH and in-place patches allowed) or immutable.
    pub mode: FleetMode,
    /// Failed requests and time below capacity so far.
    pub service: ServiceStats,
    /// Fleet-wide patch results so far.
    pub patches: PatchStats,
    /// Data lost with replaced instances, in MB.
    pub data_lost_mb: u64,
    /// Sum over ticks of the instances an attacker controlled.
    pub compromised_instance_ticks: u64,
    /// The most recent fleet-level events.
    pub history: &'a EventHistory,
    world: &'a World,
}

impl World {
    /// The fleet's mode, its service and patch record, drift, the audit log and the event history.
    pub fn operations_view(&self) -> OperationsView<'_> {
        OperationsView {
            mode: self.mode(),
            service: self.service_stats(),
            patches: self.patch_stats(),
            data_lost_mb: self.data_lost_mb(),
            compromised_instance_ticks: self.compromised_instance_ticks(),
            history: self.history(),
            world: self,
        }
    }
}

impl<'a> OperationsView<'a> {
    /// What the drift detector reports for an instance: `None` while it is exactly its image (or
    /// its image is gone), else every difference from the image's baseline.
    pub fn drift_report(&self, instance: &Instance) -> Option<DriftReport> {
        self.world.drift_report(instance)
    }

    /// Every live instance that differs from its image, by id: what the drift detector reports,
    /// with the fingerprint of the instance's observed state (equal fingerprints, equal servers).
    pub fn drifted(&self) -> impl Iterator<Item = Drifted<'a>> + use<'a> {
        let world = self.world;
        world.fleet_view().live().filter_map(move |instance| {
            let report = world.drift_report(instance)?;
            let fingerprint = instance.observed.as_ref()?.fingerprint();
            Some(Drifted { instance, report, fingerprint })
        })
    }

    /// Distinct configurations among live instances: 1 for a fleet that is really identical.
    /// Computed on each call.
    pub fn snowflake_index(&self) -> u32 {
        self.world.snowflake_index()
    }

    /// The audit log of SSH sessions and fleet operations, oldest first.
    pub fn audit_log(&self) -> impl DoubleEndedIterator<Item = &'a AuditEntry> + use<'a> {
        self.world.audit_log()
    }
}

/// A live instance that differs from its image.
#[derive(Clone, Debug)]
pub struct Drifted<'a> {
    /// The instance.
    pub instance: &'a Instance,
    /// Every difference from the image, and the detector's coverage.
    pub report: DriftReport,
    /// The fingerprint of what is on the instance.
    pub fingerprint: Digest,
}
