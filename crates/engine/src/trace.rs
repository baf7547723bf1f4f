//! The trace digest: one value that says whether two runs were identical, tick by tick.

use sha2::{Digest as _, Sha256};

use crate::{Digest, Event, Revision};

/// A sha256 chain over every tick's row: `h(t) = sha256(h(t-1) ‖ t ‖ revisions ‖ events)`.
///
/// Events name every instance that launched, became ready, drained or stopped, so hashing the
/// revision counts and the events covers each instance without walking the fleet every tick.
#[derive(Clone, Debug)]
pub struct TraceChain {
    head: Digest,
}

impl TraceChain {
    /// A chain rooted in the scenario's seed, so different seeds never share a trace.
    pub fn new(seed: u64) -> Self {
        let mut hasher = Sha256::new_with_prefix(b"lab-trace/v1");
        hasher.update(seed.to_le_bytes());
        Self { head: Digest::from_hasher(hasher) }
    }

    /// The digest after the last recorded tick.
    pub fn head(&self) -> Digest {
        self.head
    }

    /// Folds one tick's row into the chain.
    pub fn record(&mut self, tick: u64, revisions: &[Revision], events: &[Event]) {
        let mut hasher = Sha256::new_with_prefix(self.head.as_bytes());
        hasher.update(tick.to_le_bytes());
        hasher.update((revisions.len() as u32).to_le_bytes());
        for revision in revisions {
            hasher.update(revision.number.to_le_bytes());
            hasher.update(revision.image.as_bytes());
            hasher.update(revision.desired.to_le_bytes());
            hasher.update(revision.live.to_le_bytes());
            hasher.update(revision.available.to_le_bytes());
        }
        hasher.update((events.len() as u32).to_le_bytes());
        for event in events {
            hash_event(&mut hasher, event);
        }
        self.head = Digest::from_hasher(hasher);
    }
}

/// A fixed binary encoding of an event: a tag byte, then its fields in declaration order, integers
/// little-endian and strings length-prefixed. Far cheaper than JSON in the per-tick path.
fn hash_event(hasher: &mut Sha256, event: &Event) {
    let text = |hasher: &mut Sha256, value: &str| {
        hasher.update((value.len() as u32).to_le_bytes());
        hasher.update(value.as_bytes());
    };
    match event {
        Event::ImageBuilt { image, app_version, reused, layers_built, build_ticks } => {
            hasher.update([0]);
            hasher.update(image.as_bytes());
            text(hasher, app_version);
            hasher.update([u8::from(*reused)]);
            hasher.update(layers_built.to_le_bytes());
            hasher.update(build_ticks.to_le_bytes());
        }
        Event::TagMoved { tag, from, to } => {
            hasher.update([10]);
            text(hasher, tag);
            hasher.update(from.map_or([0u8; 32], |d| *d.as_bytes()));
            hasher.update(to.as_bytes());
        }
        Event::RegistryPolicyChanged { immutable_tags } => {
            hasher.update([11, u8::from(*immutable_tags)]);
        }
        Event::ImagesCollected { removed, kept } => {
            hasher.update([12]);
            hasher.update(removed.to_le_bytes());
            hasher.update(kept.to_le_bytes());
        }
        Event::RolloutStarted { revision, image } => {
            hasher.update([1]);
            hasher.update(revision.to_le_bytes());
            hasher.update(image.as_bytes());
        }
        Event::RolloutComplete { revision } => {
            hasher.update([2]);
            hasher.update(revision.to_le_bytes());
        }
        Event::FleetResized { from, to } => {
            hasher.update([3]);
            hasher.update(from.to_le_bytes());
            hasher.update(to.to_le_bytes());
        }
        Event::RevisionScaled { revision, from, to } => {
            hasher.update([4]);
            hasher.update(revision.to_le_bytes());
            hasher.update(from.to_le_bytes());
            hasher.update(to.to_le_bytes());
        }
        Event::InstanceLaunched { instance, revision, image } => {
            hasher.update([5]);
            hasher.update(instance.0.to_le_bytes());
            hasher.update(revision.to_le_bytes());
            hasher.update(image.as_bytes());
        }
        Event::InstanceInService { instance } => {
            hasher.update([6]);
            hasher.update(instance.0.to_le_bytes());
        }
        Event::InstanceDraining { instance } => {
            hasher.update([7]);
            hasher.update(instance.0.to_le_bytes());
        }
        Event::InstanceTerminated { instance } => {
            hasher.update([8]);
            hasher.update(instance.0.to_le_bytes());
        }
        Event::PipelineStarted { run, app_version, image } => {
            hasher.update([13]);
            hasher.update(run.to_le_bytes());
            text(hasher, app_version);
            hasher.update(image.as_bytes());
        }
        Event::StagePassed { run, stage } => {
            hasher.update([14, *stage as u8]);
            hasher.update(run.to_le_bytes());
        }
        Event::StageFailed { run, stage, reason } => {
            hasher.update([15, *stage as u8]);
            hasher.update(run.to_le_bytes());
            text(hasher, reason);
        }
        Event::AwaitingApproval { run } => {
            hasher.update([16]);
            hasher.update(run.to_le_bytes());
        }
        Event::Promoted { environment, image, rebuilt } => {
            hasher.update([17, u8::from(*rebuilt)]);
            text(hasher, environment);
            hasher.update(image.as_bytes());
        }
        Event::PipelineSucceeded { run } => {
            hasher.update([18]);
            hasher.update(run.to_le_bytes());
        }
        Event::AdvisoryPublished { id, images_affected, instances_affected } => {
            hasher.update([19]);
            text(hasher, id);
            hasher.update(images_affected.to_le_bytes());
            hasher.update(instances_affected.to_le_bytes());
        }
        Event::NightlyRefreshChanged { enabled } => {
            hasher.update([20, u8::from(*enabled)]);
        }
        Event::CommandRejected { reason } => {
            hasher.update([9]);
            text(hasher, reason);
        }
    }
}
