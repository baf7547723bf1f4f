//! The fleet view: what runs.

use crate::{Instance, Revision, World};

/// The instances, the revisions that own them, and the fleet size.
#[derive(Clone, Copy, Debug)]
pub struct FleetView<'a> {
    /// Every instance the world still shows, including recently terminated ones, by id.
    pub instances: &'a [Instance],
    /// Revisions still tracked, oldest first.
    pub revisions: &'a [Revision],
    /// The fleet size the rollout aims for.
    pub replicas: u32,
    world: &'a World,
}

impl World {
    /// The instances, the revisions that own them, and the fleet size.
    pub fn fleet_view(&self) -> FleetView<'_> {
        FleetView {
            instances: self.instances(),
            revisions: self.revisions(),
            replicas: self.replicas(),
            world: self,
        }
    }
}

impl<'a> FleetView<'a> {
    /// Instances pending, booting or in service, by id.
    pub fn live(&self) -> impl DoubleEndedIterator<Item = &'a Instance> + use<'a> {
        self.instances.iter().filter(|i| i.state.is_live())
    }

    /// Whether a known advisory affects a package or runtime actually on the instance (for a
    /// drifted instance that is its observed state, not its image).
    pub fn is_vulnerable(&self, instance: &Instance) -> bool {
        self.world.is_vulnerable(instance)
    }
}
