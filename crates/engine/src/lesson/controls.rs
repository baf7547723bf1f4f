//! The groups of controls a lesson can offer. Every command belongs to exactly one group, so a
//! lesson that hides a group also refuses its commands when a submission is graded.

use serde::{Deserialize, Serialize};

use crate::Command;

/// A group of controls, as the lab's panels show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// Build an image from a spec.
    Build,
    /// Roll the fleet out to an image, or undo to an earlier revision.
    Deploy,
    /// Tags, immutable tags, garbage collection.
    Registry,
    /// The pipeline: runs, approvals, environment promotion, the nightly refresh.
    Pipeline,
    /// Publish a security advisory.
    Advisory,
    /// Log into servers and change them by hand.
    Ssh,
    /// Fleet-wide operations on running servers: patch, configuration run, in-place app deploy,
    /// the monthly rebuild.
    FleetOps,
    /// Promote, abort, retry, pause and resume a rollout.
    Rollout,
    /// Change the deployment strategy.
    Strategy,
    /// Resize the fleet.
    Scale,
    /// Make instances fail their health checks.
    Health,
    /// The terminal: the other groups offered are reached by typing the real tools' commands
    /// (`kubectl`, `aws`, …) instead of pressing buttons. No command belongs to it.
    Terminal,
}

impl Control {
    /// Every group, in the order the lab shows them.
    pub const ALL: [Control; 12] = [
        Control::Build,
        Control::Deploy,
        Control::Registry,
        Control::Pipeline,
        Control::Advisory,
        Control::Ssh,
        Control::FleetOps,
        Control::Rollout,
        Control::Strategy,
        Control::Scale,
        Control::Health,
        Control::Terminal,
    ];

    /// The group a command belongs to.
    pub fn of(command: &Command) -> Control {
        match command {
            Command::BuildImage(_) => Control::Build,
            Command::Deploy { .. } | Command::Undo { .. } => Control::Deploy,
            Command::Tag { .. } | Command::SetImmutableTags { .. } | Command::CollectGarbage => {
                Control::Registry
            }
            Command::RunPipeline { .. }
            | Command::Approve { .. }
            | Command::Promote { .. }
            | Command::SetNightlyRefresh { .. } => Control::Pipeline,
            Command::PublishAdvisory(_) => Control::Advisory,
            Command::Ssh { .. } => Control::Ssh,
            Command::PatchPackage { .. }
            | Command::ConfigurationRun
            | Command::DeployApp { .. }
            | Command::RebuildAll => Control::FleetOps,
            Command::PromoteRollout
            | Command::PromoteFullRollout
            | Command::AbortRollout
            | Command::RetryRollout
            | Command::CancelRollout
            | Command::RollbackRollout
            | Command::Pause
            | Command::Resume => Control::Rollout,
            Command::SetStrategy(_) => Control::Strategy,
            Command::Scale { .. } => Control::Scale,
            Command::FailHealthChecks { .. } => Control::Health,
        }
    }

    /// The name lessons use.
    pub fn name(self) -> &'static str {
        match self {
            Control::Build => "build",
            Control::Deploy => "deploy",
            Control::Registry => "registry",
            Control::Pipeline => "pipeline",
            Control::Advisory => "advisory",
            Control::Ssh => "ssh",
            Control::FleetOps => "fleet_ops",
            Control::Rollout => "rollout",
            Control::Strategy => "strategy",
            Control::Scale => "scale",
            Control::Health => "health",
            Control::Terminal => "terminal",
        }
    }
}
