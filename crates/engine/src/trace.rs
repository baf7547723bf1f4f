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
    /// Reused for each event's canonical JSON so hashing allocates nothing once warm.
    scratch: Vec<u8>,
}

impl TraceChain {
    /// A chain rooted in the scenario's seed, so different seeds never share a trace.
    pub fn new(seed: u64) -> Self {
        let mut hasher = Sha256::new_with_prefix(b"lab-trace/v1");
        hasher.update(seed.to_le_bytes());
        Self { head: Digest::from_hasher(hasher), scratch: Vec::with_capacity(256) }
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
            self.scratch.clear();
            // Serializing a plain enum into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut self.scratch, event);
            hasher.update((self.scratch.len() as u32).to_le_bytes());
            hasher.update(&self.scratch);
        }
        self.head = Digest::from_hasher(hasher);
    }
}
