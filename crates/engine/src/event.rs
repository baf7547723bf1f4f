//! What the world reports as it runs.

use serde::Serialize;

use crate::pipeline::StageKind;
use crate::strategy::AnalysisFinding;
use crate::{Digest, InstanceId};

/// Why a rollout was aborted: data the shells put in words (`Display` gives the lab's English).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum AbortCause {
    /// A person aborted it (`kubectl argo rollouts abort`).
    Hand,
    /// A person cancelled an instance refresh (`aws autoscaling cancel-instance-refresh`): what
    /// was replaced stays, whatever `auto_rollback` says.
    Cancelled,
    /// A person rolled an instance refresh back (`aws autoscaling rollback-instance-refresh`):
    /// what was replaced is replaced again with the previous configuration.
    RollbackRequested,
    /// An analysis failed the new revision.
    Analysis {
        /// What it measured, and against which thresholds.
        finding: AnalysisFinding,
        /// Blue-green after promotion: the revision the traffic went back to.
        traffic_back_to: Option<u32>,
    },
    /// An instance refresh failed: its new instances did not pass health checks in time.
    RefreshFailed {
        /// The revision being rolled out.
        revision: u32,
        /// New instances still not healthy.
        unhealthy: u32,
        /// The health-check timeout they missed.
        timeout_ticks: u64,
    },
}

impl std::fmt::Display for AbortCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AbortCause::Hand => f.write_str("aborted by hand"),
            AbortCause::Cancelled => f.write_str("cancelled by hand"),
            AbortCause::RollbackRequested => f.write_str("rolled back by hand"),
            AbortCause::Analysis { finding, traffic_back_to: None } => write!(f, "{finding}"),
            AbortCause::Analysis { finding, traffic_back_to: Some(previous) } => {
                write!(f, "{finding}; traffic goes back to revision {previous}")
            }
            AbortCause::RefreshFailed { revision, unhealthy, timeout_ticks } => write!(
                f,
                "instance refresh failed: {unhealthy} new instances of revision {revision} did not pass health checks \
                 within {timeout_ticks} ticks"
            ),
        }
    }
}

fn serialize_shared<T: Serialize, S: serde::Serializer>(
    value: &std::sync::Arc<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    (**value).serialize(serializer)
}

/// Something that happened. Closed: shells match on every variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// An image spec was built. Building the same spec again gives the same digest (`reused`).
    ImageBuilt {
        /// The content address.
        image: Digest,
        /// The application version baked in.
        app_version: String,
        /// True when the registry already held this exact digest.
        reused: bool,
        /// Layers built (the rest came from the build cache).
        layers_built: u32,
        /// Build time of those layers.
        build_ticks: u32,
    },
    /// A tag now names another image (or a new tag was set).
    TagMoved {
        /// The tag.
        tag: String,
        /// What it named before, if anything.
        from: Option<Digest>,
        /// What it names now.
        to: Digest,
    },
    /// The registry's tag policy changed.
    RegistryPolicyChanged {
        /// Whether tags are now immutable.
        immutable_tags: bool,
    },
    /// Unused images were deleted.
    ImagesCollected {
        /// Images deleted.
        removed: u32,
        /// Images kept because something uses them.
        kept: u32,
    },
    /// A deploy made `revision` the rollout target.
    RolloutStarted {
        /// The target revision.
        revision: u32,
        /// Its image.
        image: Digest,
    },
    /// Every instance now runs the target revision and is in service.
    RolloutComplete {
        /// The target revision.
        revision: u32,
    },
    /// The desired fleet size changed.
    FleetResized {
        /// Size before.
        from: u32,
        /// Size after.
        to: u32,
    },
    /// The strategy changed how many instances a revision should have.
    RevisionScaled {
        /// Which revision.
        revision: u32,
        /// Desired count before.
        from: u32,
        /// Desired count after.
        to: u32,
    },
    /// A new instance was created.
    InstanceLaunched {
        /// The new instance.
        instance: InstanceId,
        /// Its revision.
        revision: u32,
        /// The image it runs (with a floating launch template, not always the revision's).
        image: Digest,
    },
    /// An instance became ready and joined the load balancer.
    InstanceInService {
        /// Which instance.
        instance: InstanceId,
    },
    /// An instance left the load balancer and is finishing its requests.
    InstanceDraining {
        /// Which instance.
        instance: InstanceId,
    },
    /// An instance stopped.
    InstanceTerminated {
        /// Which instance.
        instance: InstanceId,
    },
    /// A pipeline run started.
    PipelineStarted {
        /// The run.
        run: u32,
        /// The version it builds.
        app_version: String,
        /// The digest it builds.
        image: Digest,
    },
    /// A stage passed.
    StagePassed {
        /// The run.
        run: u32,
        /// The stage.
        stage: StageKind,
    },
    /// A stage failed and stopped the run.
    StageFailed {
        /// The run.
        run: u32,
        /// The stage.
        stage: StageKind,
        /// Why.
        failure: crate::pipeline::StageFailure,
    },
    /// A run reached the approval gate.
    AwaitingApproval {
        /// The run.
        run: u32,
    },
    /// An environment now runs an image.
    Promoted {
        /// The environment.
        environment: String,
        /// The image.
        image: Digest,
        /// True when the pipeline rebuilt the image for this environment (a snowflake).
        rebuilt: bool,
    },
    /// A run passed every stage.
    PipelineSucceeded {
        /// The run.
        run: u32,
    },
    /// An advisory was published.
    AdvisoryPublished {
        /// Its identifier.
        id: String,
        /// Images in the registry it affects.
        images_affected: u32,
        /// Live instances running those images.
        instances_affected: u32,
    },
    /// The nightly base refresh was switched on or off.
    NightlyRefreshChanged {
        /// Whether it runs.
        enabled: bool,
    },
    /// SSH to an immutable instance was refused by policy.
    SshRefused {
        /// The instance.
        instance: InstanceId,
        /// Who tried.
        actor: String,
    },
    /// Someone changed an instance by hand.
    InstanceDrifted {
        /// The instance.
        instance: InstanceId,
        /// What changed (shared by every instance one session changed, so a session over many
        /// instances copies it once).
        #[serde(serialize_with = "serialize_shared")]
        change: std::sync::Arc<crate::drift::DriftChange>,
        /// Break-glass access.
        emergency: bool,
    },
    /// An instance was marked for replacement.
    InstanceTainted {
        /// The instance.
        instance: InstanceId,
    },
    /// An in-place patch failed on one instance.
    PatchFailed {
        /// The instance.
        instance: InstanceId,
        /// Why.
        failure: crate::drift::PatchFailure,
    },
    /// A fleet-wide patch finished.
    PatchRolledOut {
        /// The package (empty for an image replacement).
        package: String,
        /// The version.
        version: String,
        /// Instances patched.
        succeeded: u32,
        /// Instances where it failed.
        failed: u32,
    },
    /// An instance with data on its own disk was replaced, and the data went with it.
    DataLost {
        /// The instance.
        instance: InstanceId,
        /// How much.
        mb: u32,
    },
    /// A configuration-management run finished.
    ConfigurationRun {
        /// Instances whose managed items were put back.
        converged: u32,
        /// Instances where it failed.
        failed: u32,
        /// Instances still different from their image afterwards (what the tool cannot see).
        unmanaged_left: u32,
    },
    /// Every instance was terminated for a rebuild.
    FleetRebuilt {
        /// How many.
        instances: u32,
    },
    /// The rollout stopped making progress within its deadline (reported, not rolled back).
    RolloutStalled {
        /// The target revision.
        revision: u32,
        /// Kubernetes' reason.
        reason: crate::ConditionReason,
    },
    /// The stable (active) revision changed: traffic moved to it.
    RolloutPromoted {
        /// The new stable revision.
        revision: u32,
    },
    /// The rollout was aborted; traffic stays on the stable revision.
    RolloutAborted {
        /// Why.
        cause: AbortCause,
    },
    /// An instance of a crashing build fell over: out of service, to be replaced.
    InstanceCrashed {
        /// Which.
        instance: InstanceId,
    },
    /// Analysis could not decide (a metric missed its target but stayed within its limit too
    /// often): the rollout pauses until promoted or aborted (Argo's `InconclusiveAnalysis`).
    AnalysisInconclusive {
        /// Which analysis, which metric, its value and the thresholds.
        finding: AnalysisFinding,
    },
    /// The deployment strategy was changed.
    StrategyChanged {
        /// The new strategy and its settings.
        strategy: Box<crate::StrategySpec>,
    },
    /// The rollout was paused or resumed.
    RolloutPaused {
        /// True when paused.
        paused: bool,
    },
    /// Instances started failing their health checks and left service.
    HealthChecksFailed {
        /// How many.
        instances: u32,
    },
    /// A command was refused; the world is unchanged.
    CommandRejected {
        /// Which rule refused it, and what it names (its `Display` is the lab's sentence).
        #[serde(serialize_with = "crate::command::serialize_display")]
        error: Box<crate::CommandError>,
    },
    /// More events naming one instance each happened in this tick than a tick records
    /// (`Limits::INSTANCE_EVENTS_PER_TICK_MAX`); this many of them were left out of it.
    InstanceEventsLeftOut {
        /// How many were left out.
        count: u32,
    },
}

impl Event {
    /// Whether the event names one instance, the kind a single tick can emit by the thousand (and
    /// so the kind a tick records only up to `Limits::INSTANCE_EVENTS_PER_TICK_MAX` of).
    pub fn is_per_instance(&self) -> bool {
        matches!(
            self,
            Event::InstanceLaunched { .. }
                | Event::InstanceInService { .. }
                | Event::InstanceDraining { .. }
                | Event::InstanceTerminated { .. }
                | Event::SshRefused { .. }
                | Event::InstanceDrifted { .. }
                | Event::InstanceTainted { .. }
                | Event::PatchFailed { .. }
                | Event::DataLost { .. }
                | Event::InstanceCrashed { .. }
        )
    }

    /// Whether the event concerns the fleet as a whole rather than one instance. The event log keeps
    /// only these, so a thousand launches cannot push a rollout's story out of view.
    pub fn is_fleet_level(&self) -> bool {
        !matches!(
            self,
            Event::InstanceLaunched { .. }
                | Event::InstanceInService { .. }
                | Event::InstanceDraining { .. }
                | Event::InstanceTerminated { .. }
        )
    }
}

/// An event and the tick it happened at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventRecord {
    /// When.
    pub tick: u64,
    /// What.
    pub event: Event,
}
