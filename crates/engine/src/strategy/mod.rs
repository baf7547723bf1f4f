//! Deployment strategies: how a rollout moves instances from old revisions to the target.
//!
//! A strategy is one controller pass over revision counts, as in the Kubernetes Deployment
//! controller: it only changes how many instances each revision *should* have. The world then
//! creates or deletes instances to match and runs the strategy again, until a pass changes nothing
//! (the fixed point of the tick model, TM-3 in `shared/semantics/strategies.md`).

mod int_or_percent;
mod rolling;

pub use int_or_percent::IntOrPercent;
pub use rolling::{RollingUpdate, RollingUpdateError};
use serde::{Deserialize, Serialize};

use crate::Revision;

/// The revisions a strategy pass may rescale.
pub struct RolloutFleet<'a> {
    /// How many instances the fleet should run once the rollout is done.
    pub replicas: u32,
    /// Every revision still tracked, oldest first.
    pub revisions: &'a mut [Revision],
    /// Index in `revisions` of the rollout target.
    pub target: usize,
}

impl RolloutFleet<'_> {
    /// Sum of `desired` over all revisions.
    pub fn total_desired(&self) -> u32 {
        self.revisions.iter().map(|r| r.desired).sum()
    }

    /// Sum of `available` over all revisions.
    pub fn total_available(&self) -> u32 {
        self.revisions.iter().map(|r| r.available).sum()
    }
}

/// One strategy: a single controller pass. Returns whether it changed any revision's `desired`.
pub trait Strategy {
    /// The name shown to learners and written in traces.
    fn name(&self) -> &'static str;
    /// Runs one pass.
    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool;
}

/// The strategy a scenario asks for, with its parameters. One variant per strategy file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StrategySpec {
    /// Kubernetes' RollingUpdate.
    Rolling(RollingUpdate),
}

impl Default for StrategySpec {
    /// Replace one instance at a time: surge one, never drop below the fleet size.
    fn default() -> Self {
        StrategySpec::Rolling(RollingUpdate::ONE_AT_A_TIME)
    }
}

impl StrategySpec {
    /// The strategy behind the spec.
    pub fn strategy(&self) -> &dyn Strategy {
        match self {
            StrategySpec::Rolling(rolling) => rolling,
        }
    }
}
