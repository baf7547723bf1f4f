//! Revisions: one rollout target each, owning a group of instances (Kubernetes' ReplicaSet).

use serde::Serialize;

use crate::{Digest, ImageRef};

/// A rollout target and the counts a strategy reasons with. The controller's bookkeeping (the
/// scaling annotations, this tick's crashes) is private to the engine.
///
/// `desired` is written by the strategy; `live` and `available` are kept by the world as instances
/// launch, become ready and leave, so a strategy pass costs nothing per instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Revision {
    /// Increases with every rollout; a rollback re-adopts an old revision under a new number.
    pub number: u32,
    /// The image the launch template named when the revision was created.
    pub image: Digest,
    /// The launch template's image reference: a digest pins every instance to `image`; a tag is
    /// looked up at each launch, so instances launched after the tag moves run another image.
    #[serde(serialize_with = "crate::command::serialize_display")]
    pub launch: ImageRef,
    /// How many instances the strategy wants (the ReplicaSet's spec.replicas).
    pub desired: u32,
    /// Instances pending, booting or in service (draining ones no longer count).
    pub live: u32,
    /// Instances in service.
    pub available: u32,
    /// Instances draining: no longer counted (TM-5 in docs/semantics.md), but still running.
    pub terminating: u32,
    /// The fleet size the strategy last scaled this revision for (Kubernetes' `desired-replicas`
    /// annotation): when it differs from the fleet size, the fleet was resized mid-rollout.
    pub(crate) annotated_replicas: u32,
    /// Fleet size plus surge when last scaled (the `max-replicas` annotation), which proportional
    /// scaling divides by.
    pub(crate) annotated_max_replicas: u32,
    /// The tick the revision was created; old revisions are scaled down oldest first.
    pub created_tick: u64,
    /// Instances that crashed this tick; their requests in flight count as this revision's errors.
    pub(crate) crashed: u32,
}

impl Revision {
    /// A revision with nothing wanted and nothing running yet.
    pub fn new(number: u32, image: Digest, launch: ImageRef, created_tick: u64) -> Self {
        Revision {
            number,
            image,
            launch,
            desired: 0,
            live: 0,
            available: 0,
            terminating: 0,
            annotated_replicas: 0,
            annotated_max_replicas: 0,
            created_tick,
            crashed: 0,
        }
    }

    /// Whether the revision has nothing left to run.
    pub fn is_empty(&self) -> bool {
        self.desired == 0 && self.live == 0
    }
}
