//! The standard busy workload behind `lab bench` and the criterion benchmarks: a fleet that is
//! always in the middle of a replacement.

use std::collections::BTreeMap;

use crate::strategy::RollingUpdate;
use crate::{Command, Digest, ImageRef, ImageSpec, Scenario, StrategySpec, World};

/// A fleet that deploys the other of two images whenever a rollout completes.
pub struct BusyFleet {
    world: World,
    images: [Digest; 2],
    next: usize,
}

fn spec(app_version: &str) -> ImageSpec {
    let mut spec = ImageSpec::new("ubuntu-22.04", app_version);
    spec.packages = BTreeMap::from([("openssl".into(), "3.0.13".into()), ("curl".into(), "7.81.0".into())]);
    spec
}

impl BusyFleet {
    /// A fleet of `instances` (at least one) with the Kubernetes default 25% surge and 25% unavailable.
    pub fn new(instances: u32) -> Self {
        let instances = instances.clamp(1, crate::Limits::FLEET_MAX);
        let quarter = instances / 4;
        let strategy =
            RollingUpdate::new(instances.div_ceil(4), quarter).unwrap_or(RollingUpdate::ONE_AT_A_TIME);
        let mut scenario = Scenario::new(1, instances, spec("1.0.0"));
        scenario.name = "busy fleet".into();
        scenario.pull_ticks = Some(1);
        scenario.strategy = StrategySpec::Rolling(strategy);
        let mut world = World::new(&scenario);
        let first = scenario.image.digest();
        let second = spec("2.0.0").digest();
        let _ = world.apply(Command::BuildImage(spec("2.0.0")));
        Self { world, images: [first, second], next: 1 }
    }

    /// Runs one tick, starting the next deploy first if the last one finished.
    pub fn step(&mut self) {
        if self.world.rollout_complete() {
            let image = ImageRef::digest(self.images[self.next]);
            let _ = self.world.apply(Command::Deploy { image });
            self.next = 1 - self.next;
        }
        self.world.step();
        self.world.drain_events().for_each(drop);
    }

    /// The world being exercised.
    pub fn world(&self) -> &World {
        &self.world
    }
}
