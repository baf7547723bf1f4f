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
        /// Why.
        failure: StageFailure,
    },
}

/// Why a stage stopped a pipeline run: data, worded by `Display`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "failure", rename_all = "snake_case")]
pub enum StageFailure {
    /// Unit tests failed (the run was asked to fail them).
    UnitTests,
    /// The started image failed its health check (the run was asked to fail its integration tests).
    HealthCheck,
    /// Known advisories at or above the scan policy affect the image.
    Vulnerable {
        /// Each blocking advisory and what it affects.
        findings: Vec<BlockingAdvisory>,
        /// The lowest severity the policy fails at.
        policy: crate::scan::Severity,
    },
    /// A config value looks like a secret baked into the image.
    BakedSecret {
        /// The config key.
        key: String,
        /// What gave it away.
        why: &'static str,
    },
    /// The registry refused a push or a tag.
    Registry {
        /// The refusal.
        #[serde(serialize_with = "crate::command::serialize_display")]
        error: Box<crate::CommandError>,
    },
}

/// An advisory that blocks a scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockingAdvisory {
    /// The affected package (or runtime).
    pub package: String,
    /// The version in the image.
    pub installed: String,
    /// The advisory's id.
    pub advisory: String,
    /// How serious it is.
    pub severity: crate::scan::Severity,
    /// The first version with the fix.
    pub fixed_in: String,
}

impl std::fmt::Display for StageFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StageFailure::UnitTests => {
                f.write_str("2 of 148 unit tests failed: cart total is off by one cent after a discount")
            }
            StageFailure::HealthCheck => f.write_str(
                "the image started but did not pass its health check within 30 s: /healthz returned 500",
            ),
            StageFailure::Vulnerable { findings, policy } => {
                for (index, found) in findings.iter().enumerate() {
                    let separator = if index == 0 { "" } else { "; " };
                    write!(
                        f,
                        "{separator}{} {} is affected by {} ({}, fixed in {})",
                        found.package,
                        found.installed,
                        found.advisory,
                        found.severity.label(),
                        found.fixed_in
                    )?;
                }
                write!(f, "; the policy fails at {} and above", policy.label())
            }
            StageFailure::BakedSecret { key, why } => write!(
                f,
                "config `{key}` looks like a secret baked into the image ({why}); inject it at runtime from a secrets manager instead"
            ),
            StageFailure::Registry { error } => write!(f, "{error}"),
        }
    }
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

    /// The stage that failed, and why.
    pub fn failed(&self) -> Option<(StageKind, &StageFailure)> {
        self.stages.iter().find_map(|(kind, status)| match status {
            StageStatus::Failed { failure, .. } => Some((*kind, failure)),
            _ => None,
        })
    }

    /// The commit tag, e.g. `v1.4.2-3f9c2ab`.
    pub fn commit_tag(&self) -> String {
        format!("{}-{}", crate::tag_for_version(&self.spec.app_version), self.commit)
    }
}
