//! The Immutable Infrastructure Lab's simulation.
//!
//! A [`World`] holds a fleet of instances launched from content-addressed [`Image`]s. It is sans-IO
//! and deterministic: time is a tick counter advanced by [`World::step`], randomness comes from a
//! seeded portable RNG owned by the world, and nothing here reads a clock, the network or the OS. The
//! same scenario and the same commands therefore give the same trace on every machine and target,
//! which is what lessons, share links and graders rely on.
//!
//! The boundary is closed: [`Command`]s go in through [`World::apply`], [`Event`]s come out through
//! [`World::drain_events`], and shells (the browser app, the `lab` CLI) read the world through the
//! plain views of [`views`] and the [`Snapshot`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod bounds;
pub mod builtin;
mod command;
pub mod compare;
mod digest;
pub mod drift;
mod event;
mod event_log;
pub mod export;
mod fleet;
mod history;
mod image;
mod input;
mod instance;
pub mod lesson;
mod operations;
pub mod pipeline;
mod playback;
pub mod registry;
mod revision;
mod rollout;
pub mod scan;
mod scenario;
pub mod scoreboard;
mod snapshot;
pub mod strategy;
mod supply;
mod trace;
pub mod views;
mod workload;
mod world;

pub use command::{Command, CommandError, ImageRef, is_valid_tag, tag_for_version};
pub use digest::{Digest, DigestParseError};
pub use event::{AbortCause, Event, EventRecord};
pub use history::EventHistory;
pub use image::{Image, ImageSpec, LAYER_COUNT, Layer, LayerKind, Runtime, SpecError};
pub use input::{InputError, parse as parse_json};
pub use instance::{Instance, InstanceId, Lifecycle};
pub use playback::Playback;
pub use registry::{BuildPlan, Registry};
pub use revision::Revision;
pub use scenario::{FleetMode, PipelineSettings, RegistrySettings, Scenario, TimedCommand};
pub use snapshot::{
    ConditionsView, RevisionView, RolloutPhase, RolloutView, Snapshot, StateCounts, TrafficShare,
};
pub use strategy::StrategySpec;
pub use views::{FleetView, OperationsView, RolloutStateView, SupplyView};
pub use workload::BusyFleet;
pub use world::{
    AuditEntry, ConditionReason, Limits, PatchStats, Progressing, RolloutConditions, ServiceStats, World,
};
