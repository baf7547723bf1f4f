//! Views: what the shells (the page, the `lab` CLI) read of the world.
//!
//! A shell reads a [`World`](crate::World) only through these four views, besides the basics
//! (`now`, `seed`, `trace_digest`, `snapshot`, `is_settled`) and the commands and ticks that drive
//! it. Each answers one question a shell asks:
//!
//! - [`RolloutStateView`] (`world.rollout_view()`): where the rollout stands — strategy settings,
//!   revisions and the target, traffic weights, steps and the current one, pause, abort cause,
//!   inconclusive pause, completion, and the requests each revision served.
//! - [`FleetView`] (`world.fleet_view()`): what runs — instances, revisions, the fleet size, and
//!   whether an instance is exposed to a known advisory.
//! - [`SupplyView`] (`world.supply_view()`): what could run — images, their tags and advisories,
//!   the build plan of a spec, pipeline runs, the nightly refresh.
//! - [`OperationsView`] (`world.operations_view()`): how the fleet is run — mode, service and patch
//!   results, drift per instance, the snowflake index, the audit log and the event history.
//!
//! Views are plain: public fields hold borrowed or copied data, and methods only read (a lookup by
//! key, or a value derived on demand). Building one copies a few words and allocates nothing, so a
//! shell may build one per frame; the few methods that return a `Vec` say so. None of them exposes
//! the controller's own state (`RolloutStatus`), so that state can become private.
//!
//! `crates/cli/tests/boundary.rs` fails when a shell calls any other method of the world.

mod fleet;
mod operations;
mod rollout;
mod supply;

pub use fleet::FleetView;
pub use operations::{Drifted, OperationsView};
pub use rollout::{RecentTraffic, RolloutStateView, RolloutStep, WeightGoal};
pub use supply::SupplyView;
