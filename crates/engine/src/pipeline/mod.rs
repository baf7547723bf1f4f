//! The image pipeline: checkout → build → unit tests → integration tests → vulnerability scan →
//! secret scan → push → promote to dev → staging → approval → production. Each stage takes ticks
//! and passes or fails for a reason the learner can read. A passing pipeline promotes one digest
//! through every environment; rebuilding per environment (the "snowflake images" anti-pattern)
//! can be switched on and visibly gives each environment a different digest.

use serde::{Deserialize, Serialize};

use crate::{Digest, ImageSpec};

/// The stages, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// Fetch the commit.
    Checkout,
    /// Build the image's layers (cached layers are reused).
    Build,
    /// Fast tests of the application.
    UnitTests,
    /// Start the built image and test it from outside.
    IntegrationTests,
    /// Check packages and runtime against the advisories.
    VulnerabilityScan,
    /// Look for credentials baked into the configuration.
    SecretScan,
    /// Push to the registry and tag it.
    Push,
    /// Tag it `dev`.
    PromoteDev,
    /// Tag it `staging`.
    PromoteStaging,
    /// Wait for a person to approve production.
    Approval,
    /// Tag it `production`.
    PromoteProduction,
}

impl StageKind {
    /// Every stage, in pipeline order.
    pub const ALL: [StageKind; 11] = [
        StageKind::Checkout,
        StageKind::Build,
        StageKind::UnitTests,
        StageKind::IntegrationTests,
        StageKind::VulnerabilityScan,
        StageKind::SecretScan,
        StageKind::Push,
        StageKind::PromoteDev,
        StageKind::PromoteStaging,
        StageKind::Approval,
        StageKind::PromoteProduction,
    ];

    /// A short name for the stage's box.
    pub fn label(self) -> &'static str {
        match self {
            StageKind::Checkout => "checkout",
            StageKind::Build => "build",
            StageKind::UnitTests => "unit tests",
            StageKind::IntegrationTests => "integration tests",
            StageKind::VulnerabilityScan => "vulnerability scan",
            StageKind::SecretScan => "secret scan",
            StageKind::Push => "push",
            StageKind::PromoteDev => "dev",
            StageKind::PromoteStaging => "staging",
            StageKind::Approval => "approval",
            StageKind::PromoteProduction => "production",
        }
    }

    /// A word or two for a small stage box.
    pub fn short_label(self) -> &'static str {
        match self {
            StageKind::UnitTests => "unit",
            StageKind::IntegrationTests => "integration",
            StageKind::VulnerabilityScan => "vuln scan",
            StageKind::SecretScan => "secrets",
            StageKind::Approval => "approve",
            StageKind::PromoteProduction => "prod",
            other => other.label(),
        }
    }

    /// The environment a promotion stage moves the image into.
    pub fn environment(self) -> Option<&'static str> {
        match self {
            StageKind::PromoteDev => Some("dev"),
            StageKind::PromoteStaging => Some("staging"),
            StageKind::PromoteProduction => Some("production"),
            _ => None,
        }
    }

    /// Ticks the stage takes when its time does not depend on the image (build and push do).
    pub(crate) fn fixed_ticks(self) -> u32 {
        match self {
            StageKind::UnitTests => 2,
            StageKind::IntegrationTests => 3,
            _ => 1,
        }
    }
}

/// Where a stage stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StageStatus {
    /// Not reached yet.
    Waiting,
    /// Under way until `ends_tick`.
    Running {
        /// When it started.
        started_tick: u64,
        /// When it finishes.
        ends_tick: u64,
    },
    /// Waiting for an `approve` command.
    AwaitingApproval {
        /// Since when.
        since_tick: u64,
    },
    /// Done.
    Passed {
        /// When.
        at_tick: u64,
    },
    /// Stopped the pipeline.
    Failed {
        /// When.
        at_tick: u64,
        /// Why, in words.
        reason: String,
    },
}

/// Choices for one pipeline run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineOptions {
    /// Rebuild the image in every environment with that environment's settings baked in (an
    /// anti-pattern: what was tested is not what ships).
    #[serde(default)]
    pub rebuild_per_environment: bool,
    /// Make a test stage fail, to watch the pipeline stop (only test stages can be chosen).
    #[serde(default)]
    pub failing_tests: Option<StageKind>,
}

/// One run of the pipeline for one spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipelineRun {
    /// Numbered from 1.
    pub id: u32,
    /// What it builds.
    pub spec: ImageSpec,
    /// The digest the spec builds to.
    pub digest: Digest,
    /// The commit it checked out: a short hash of the source, used in the commit tag.
    pub commit: String,
    /// The run's choices.
    pub options: PipelineOptions,
    /// Every stage's status, in [`StageKind::ALL`] order.
    pub stages: Vec<(StageKind, StageStatus)>,
    /// Index of the stage under way (or `stages.len()` once finished).
    pub current: usize,
    /// Whether production has been approved.
    pub approved: bool,
    /// The digest each environment was promoted to, in promotion order.
    pub environments: Vec<(String, Digest)>,
    /// When it started.
    pub started_tick: u64,
}

impl PipelineRun {
    pub(crate) fn new(id: u32, spec: ImageSpec, options: PipelineOptions, tick: u64) -> Self {
        let digest = spec.digest();
        // The lab has no source repository: the commit is a stable hash of what the spec builds.
        let commit: String =
            Digest::of(format!("commit:{digest}").as_bytes()).hex().chars().take(7).collect();
        PipelineRun {
            id,
            spec,
            digest,
            commit,
            options,
            stages: StageKind::ALL.iter().map(|kind| (*kind, StageStatus::Waiting)).collect(),
            current: 0,
            approved: false,
            environments: Vec::new(),
            started_tick: tick,
        }
    }

    /// Whether the run has passed every stage or stopped at one.
    pub fn is_finished(&self) -> bool {
        self.current >= self.stages.len() || self.failed().is_some()
    }

    /// Whether every stage passed.
    pub fn succeeded(&self) -> bool {
        self.current >= self.stages.len()
    }

    /// The stage that failed, with its reason.
    pub fn failed(&self) -> Option<(StageKind, &str)> {
        self.stages.iter().find_map(|(kind, status)| match status {
            StageStatus::Failed { reason, .. } => Some((*kind, reason.as_str())),
            _ => None,
        })
    }

    /// The commit tag, e.g. `v1.4.2-3f9c2ab`.
    pub fn commit_tag(&self) -> String {
        format!("{}-{}", crate::tag_for_version(&self.spec.app_version), self.commit)
    }
}
