//! What shells and tests read from the world, each answered by the part that knows it.

use super::{PatchStats, World};
use crate::registry::Registry;
use crate::rollout::{RolloutConditions, ServiceStats};
use crate::{
    CommandError, Digest, EventHistory, Image, ImageRef, Instance, Revision, Snapshot, StrategySpec,
};

impl World {
    /// Every instance the world still shows, including recently terminated ones, by id.
    pub fn instances(&self) -> &[Instance] {
        self.fleet.instances()
    }

    /// Revisions still tracked, oldest first.
    pub fn revisions(&self) -> &[Revision] {
        self.rollout.revisions()
    }

    /// The revision the fleet is rolling out to (or runs, once complete).
    pub fn target_revision(&self) -> &Revision {
        self.rollout.target_revision()
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

    /// Finds the image a reference names.
    pub fn resolve(&self, reference: &ImageRef) -> Result<Digest, CommandError> {
        self.supply.resolve(reference)
    }

    /// Pipeline runs, oldest first.
    pub fn pipelines(&self) -> &[crate::pipeline::PipelineRun] {
        self.supply.pipelines()
    }

    /// Every advisory known, built-in ones first.
    pub fn advisories(&self) -> &[crate::scan::Advisory] {
        self.supply.advisories()
    }

    /// Advisories that affect an image, as known now (one published later counts at once).
    pub fn advisories_for(&self, digest: Digest) -> Vec<&crate::scan::Advisory> {
        self.supply.advisories_for(digest)
    }

    /// Whether any known advisory affects the image.
    pub(crate) fn is_affected(&self, digest: Digest) -> bool {
        self.supply.is_affected(digest)
    }

    /// Whether the nightly base refresh is on.
    pub fn nightly_refresh(&self) -> bool {
        self.supply.nightly_refresh()
    }

    /// The rollout's status: stable and preview revisions, pauses, aborts.
    pub(crate) fn rollout_status(&self) -> &crate::strategy::RolloutStatus {
        self.rollout.status()
    }

    /// The conditions after the last tick.
    pub fn conditions(&self) -> RolloutConditions {
        self.rollout.conditions()
    }

    /// Ticks without progress before a rollout is reported stalled.
    pub fn progress_deadline_ticks(&self) -> u64 {
        self.rollout.progress_deadline_ticks()
    }

    /// Whether the rollout is paused.
    pub fn paused(&self) -> bool {
        self.rollout.paused()
    }

    /// The fleet size the rollout aims for.
    pub fn replicas(&self) -> u32 {
        self.rollout.replicas()
    }

    /// The strategy in use.
    pub fn strategy(&self) -> &StrategySpec {
        self.rollout.strategy()
    }

    /// Whether the fleet runs only the target revision, all of it in service.
    pub fn rollout_complete(&self) -> bool {
        self.rollout.is_complete()
    }

    /// Argo's Healthy phase: the rollout is complete, or its target has taken over for good while
    /// older revisions wait out a scale-down delay (blue-green, traffic-routed canary).
    pub fn rollout_healthy(&self) -> bool {
        self.rollout.is_healthy()
    }

    /// Whether nothing is in motion: the rollout is complete and no instance is starting or leaving.
    pub fn is_settled(&self) -> bool {
        self.rollout.is_complete() && self.fleet.is_still()
    }

    /// Percent of requests each revision receives, in revision order. Blue-green sends everything
    /// to the active (stable) revision; the other strategies split by instances in service.
    pub fn traffic_weights(&self) -> Vec<u32> {
        self.rollout.traffic_weights()
    }

    /// Requests, errors and summed latency (ms) a revision had over the last `ticks` ticks.
    pub fn revision_traffic(&self, revision: u32, ticks: usize) -> (u64, u64, u64) {
        self.rollout.revision_traffic(revision, ticks)
    }

    /// Failed requests and time below capacity so far.
    pub fn service_stats(&self) -> ServiceStats {
        self.rollout.service_stats()
    }

    /// How the fleet is operated.
    pub fn mode(&self) -> crate::FleetMode {
        self.operations.mode()
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

    /// The most recent fleet-level events.
    pub fn history(&self) -> &EventHistory {
        self.log.history()
    }

    /// A plain summary for shells and traces.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(self)
    }
}
