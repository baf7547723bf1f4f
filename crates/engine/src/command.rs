//! What a learner, a lesson or a scenario can ask the world to do.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::pipeline::{PipelineOptions, StageKind};
use crate::scan::Advisory;
use crate::{Digest, ImageSpec, SpecError};

/// A request to the world. Closed: every way to change the world is listed here, which is what lets
/// a share link or a grader replay a session from its command log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// Build an image from a spec and push it to the registry.
    BuildImage(ImageSpec),
    /// Roll the fleet out to an image already in the registry. The reference becomes the launch
    /// template: a digest pins every future instance to that image; a tag is looked up again at each
    /// launch, so if the tag moves, later instances run a different image.
    Deploy {
        /// Which image: a digest (or its unique prefix) or a tag such as `v1.4.2` or `latest`.
        image: ImageRef,
    },
    /// Point a tag at an image.
    Tag {
        /// The tag, e.g. `production`.
        tag: String,
        /// The image it should name.
        image: ImageRef,
    },
    /// Refuse (or again allow) moving a tag that already names an image.
    SetImmutableTags {
        /// Whether tags are immutable.
        enabled: bool,
    },
    /// Delete every image no instance, revision or environment uses.
    CollectGarbage,
    /// Start the image pipeline for a spec.
    RunPipeline {
        /// What to build.
        spec: ImageSpec,
        /// Choices for this run.
        #[serde(default)]
        options: PipelineOptions,
    },
    /// Approve a pipeline run for production.
    Approve {
        /// The run's id.
        run: u32,
    },
    /// Move an environment's tag to an image by hand. Production needs an approved pipeline run
    /// for that image.
    Promote {
        /// The image.
        image: ImageRef,
        /// `dev`, `staging` or `production`.
        environment: String,
    },
    /// Publish a security advisory: images with affected packages become known-vulnerable.
    PublishAdvisory(Advisory),
    /// Log into instances and change something by hand. Refused by policy on an immutable fleet
    /// unless `break_glass`, which marks each instance for replacement.
    Ssh {
        /// Instance ids (1 to `Limits::SSH_TARGETS_MAX`).
        #[serde(deserialize_with = "ssh_targets")]
        instances: Vec<u32>,
        /// Who (for the audit log).
        actor: String,
        /// What.
        change: crate::drift::DriftChange,
        /// Emergency access.
        #[serde(default)]
        break_glass: bool,
    },
    /// Patch a package across the fleet: in place on a mutable fleet, by a new image and
    /// replacement on an immutable one.
    PatchPackage {
        /// The package (or runtime).
        package: String,
        /// The version to install.
        version: String,
    },
    /// Run configuration management (Ansible/Puppet style) across the fleet.
    ConfigurationRun,
    /// Ship a new application version: in place on a mutable fleet, by image on an immutable one.
    DeployApp {
        /// The version.
        app_version: String,
    },
    /// The monthly rebuild: terminate every instance at once and launch fresh ones.
    RebuildAll,
    /// Rebuild the fleet's image on a fresh base snapshot every night.
    SetNightlyRefresh {
        /// Whether the nightly refresh runs.
        enabled: bool,
    },
    /// `kubectl rollout undo`: go back to the previous revision (or to `to_revision`), re-adopting
    /// its instances. Refused while paused.
    Undo {
        /// A revision number; without it, the second-highest.
        #[serde(default)]
        to_revision: Option<u32>,
    },
    /// `kubectl argo rollouts promote`: end a pause and move on (blue-green: switch traffic).
    PromoteRollout,
    /// `kubectl argo rollouts promote --full`: skip the remaining canary steps.
    PromoteFullRollout,
    /// `kubectl argo rollouts abort`: traffic goes back to the stable revision.
    AbortRollout,
    /// `kubectl argo rollouts retry`: leave the aborted state and try the new revision again.
    RetryRollout,
    /// `aws autoscaling cancel-instance-refresh`: stop the rollout; instances already replaced
    /// stay (never rolled back). On other strategies, the same as an abort.
    CancelRollout,
    /// `aws autoscaling rollback-instance-refresh`: stop the rollout and replace what was
    /// replaced with the previous configuration. On other strategies, the same as an abort.
    RollbackRollout,
    /// Change the deployment strategy (as editing the Deployment's `spec.strategy` would); it
    /// governs every reconcile from now on.
    SetStrategy(crate::StrategySpec),
    /// `kubectl rollout pause`: template changes wait; scaling still happens.
    Pause,
    /// `kubectl rollout resume`.
    Resume,
    /// Change how many instances the fleet should run.
    Scale {
        /// The new fleet size.
        #[serde(deserialize_with = "crate::bounds::de_fleet_count")]
        replicas: u32,
    },
    /// The first `count` instances in service start failing their health checks (a bad host, a
    /// full disk): the load balancer stops sending them requests, and Auto Scaling replaces
    /// unhealthy instances up to 10% of the fleet at a time.
    FailHealthChecks {
        /// How many.
        #[serde(deserialize_with = "crate::bounds::de_fleet_count")]
        count: u32,
    },
}

/// The rule on an `ssh` command's target list, shared by the JSON reader and `Command::validate`.
fn ssh_target_count(count: usize) -> Result<(), String> {
    if count == 0 || count > crate::Limits::SSH_TARGETS_MAX {
        return Err(format!("must list 1 to {} instance ids, got {count}", crate::Limits::SSH_TARGETS_MAX));
    }
    Ok(())
}

/// Reads an `ssh` target list, refusing it as soon as it grows past the bound rather than after
/// reading the whole of an enormous list.
fn ssh_targets<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u32>, D::Error> {
    struct Targets;
    impl<'de> serde::de::Visitor<'de> for Targets {
        type Value = Vec<u32>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of 1 to {} instance ids", crate::Limits::SSH_TARGETS_MAX)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u32>, A::Error> {
            let max = crate::Limits::SSH_TARGETS_MAX;
            let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(max));
            while let Some(id) = seq.next_element::<u32>()? {
                if ids.len() == max {
                    // Worded as serde words a list's length, so the problem is placed on the list.
                    return Err(serde::de::Error::custom(format!(
                        "invalid length: more than {max} instance ids, expected 1 to {max}"
                    )));
                }
                ids.push(id);
            }
            ssh_target_count(ids.len()).map_err(serde::de::Error::custom)?;
            Ok(ids)
        }
    }
    deserializer.deserialize_seq(Targets)
}

impl Command {
    /// Checks a command built in code by the rules JSON is read with, naming the field at fault
    /// relative to the command (`scale.replicas`, `set_strategy.max_surge`). The world checks the
    /// rest when the command is applied (whether an image or an instance exists, and so on).
    pub fn validate(&self) -> Result<(), crate::InputError> {
        use crate::bounds::{fleet_count, named};
        let spec = |field: &str, spec: &ImageSpec| {
            spec.validate().map_err(|error| crate::InputError::field(field, error.to_string()))
        };
        match self {
            Command::BuildImage(image) => spec("build_image", image),
            Command::RunPipeline { spec: image, .. } => spec("run_pipeline.spec", image),
            Command::Scale { replicas } => named("scale.replicas", fleet_count(*replicas)).map(drop),
            Command::FailHealthChecks { count } => {
                named("fail_health_checks.count", fleet_count(*count)).map(drop)
            }
            Command::Ssh { instances, change, .. } => {
                named("ssh.instances", ssh_target_count(instances.len()))?;
                change.validate().map_err(|error| error.within("ssh.change"))
            }
            Command::SetStrategy(strategy) => {
                strategy.validate().map_err(|error| error.within("set_strategy"))
            }
            _ => Ok(()),
        }
    }
}

/// How a command names an image.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ImageRef {
    /// `sha256:` and at least twelve hex characters: a digest or a unique prefix of one.
    Digest(String),
    /// A tag such as `v1.4.2`, `v1.4.2-3f9c2ab`, `production` or `latest`.
    Tag(String),
}

/// Longest tag the registry accepts (the Docker limit).
const TAG_LEN_MAX: usize = 128;

/// Docker's tag syntax: a letter, digit or `_`, then up to 127 of letters, digits, `_`, `.` and `-`.
pub fn is_valid_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    first_ok
        && tag.len() <= TAG_LEN_MAX
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The semantic-version tag of an application version (`1.4.2` → `v1.4.2`); characters tags
/// cannot hold become `_`.
pub fn tag_for_version(app_version: &str) -> String {
    let cleaned: String = app_version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') { c } else { '_' })
        .collect();
    let mut tag = format!("v{cleaned}");
    tag.truncate(TAG_LEN_MAX);
    tag
}

impl ImageRef {
    /// Names an image by its full digest.
    pub fn digest(digest: Digest) -> Self {
        ImageRef::Digest(digest.hex())
    }

    /// Names an image by tag.
    pub fn tag(tag: &str) -> Self {
        ImageRef::Tag(tag.to_owned())
    }

    /// Whether future launches may resolve to a different image (a tag can move; a digest cannot).
    pub fn is_floating(&self) -> bool {
        matches!(self, ImageRef::Tag(_))
    }

    /// Reads `sha256:<hex>` or a tag.
    pub fn parse(text: &str) -> Result<Self, String> {
        if let Some(hex_part) = text.strip_prefix("sha256:") {
            let hex_ok = hex_part.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
            if !hex_ok || !(Digest::SHORT_HEX_LEN..=64).contains(&hex_part.len()) {
                return Err(format!(
                    "`{text}` is not a digest: write `sha256:` and 12 to 64 lowercase hex characters"
                ));
            }
            return Ok(ImageRef::Digest(hex_part.to_owned()));
        }
        if !is_valid_tag(text) {
            return Err(format!(
                "`{text}` is neither a digest nor a valid tag (letters, digits, `_`, `.` and `-`, not starting with `.` or `-`, at most {TAG_LEN_MAX})"
            ));
        }
        Ok(ImageRef::Tag(text.to_owned()))
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageRef::Digest(hex_part) => write!(f, "sha256:{hex_part}"),
            ImageRef::Tag(tag) => f.write_str(tag),
        }
    }
}

/// Serializes any `Display` value as its text.
pub(crate) fn serialize_display<T: fmt::Display, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl Serialize for ImageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ImageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ImageRef::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why the world refused a command. The world is unchanged when one is returned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The image spec is invalid.
    #[error("image spec rejected: {0}")]
    InvalidSpec(#[from] SpecError),
    /// The registry holds its maximum number of images.
    #[error("the registry is full ({max} images); no new image was built")]
    RegistryFull {
        /// The limit.
        max: usize,
    },
    /// No image in the registry matches the reference.
    #[error("no image in the registry matches `{reference}`")]
    UnknownImage {
        /// What the command asked for.
        reference: String,
    },
    /// A digest prefix matches more than one image.
    #[error("`{reference}` matches more than one image; give more of the digest")]
    AmbiguousImage {
        /// What the command asked for.
        reference: String,
    },
    /// The launch template already names that image: nothing changes, so nothing rolls out.
    #[error(
        "the fleet's launch template already is `{reference}`; nothing to deploy (a moved tag does not start a rollout: deploy by digest)"
    )]
    AlreadyTarget {
        /// The current launch reference.
        reference: String,
    },
    /// A tag is not valid tag syntax.
    #[error(
        "`{tag}` is not a valid tag: use letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_`"
    )]
    InvalidTag {
        /// The offending tag.
        tag: String,
    },
    /// The registry's tags are immutable and this one already names another image.
    #[error("tag `{tag}` already names {current:?} and this registry's tags are immutable; use a new tag")]
    TagImmutable {
        /// The tag.
        tag: String,
        /// What it names.
        current: Digest,
    },
    /// Too many pipeline runs are under way.
    #[error("{max} pipeline runs are already under way; wait for one to finish")]
    PipelinesBusy {
        /// The limit.
        max: usize,
    },
    /// No pipeline run has that id.
    #[error("there is no pipeline run {run}")]
    UnknownRun {
        /// The id asked for.
        run: u32,
    },
    /// The run is not waiting for approval.
    #[error("pipeline run {run} is not waiting for approval")]
    NotAwaitingApproval {
        /// The run.
        run: u32,
    },
    /// Production needs an approved pipeline run for this image.
    #[error("promotion of {image:?} to production needs an approved pipeline run for that digest")]
    ApprovalRequired {
        /// The image.
        image: Digest,
    },
    /// Not one of the environments.
    #[error("`{environment}` is not an environment: use dev, staging or production")]
    UnknownEnvironment {
        /// What was asked for.
        environment: String,
    },
    /// Only test stages can be made to fail.
    #[error("`failing_tests` must be unit_tests or integration_tests, not {stage:?}")]
    NotATestStage {
        /// The stage given.
        stage: StageKind,
    },
    /// An advisory is malformed.
    #[error("advisory rejected: {reason}")]
    InvalidAdvisory {
        /// What is wrong.
        reason: String,
    },
    /// A drift change or patch is malformed.
    #[error("refused: {reason}")]
    InvalidDrift {
        /// What is wrong.
        reason: String,
    },
    /// No instance has that id.
    #[error("there is no instance {instance}")]
    UnknownInstance {
        /// The id asked for.
        instance: crate::InstanceId,
    },
    /// The instance is draining or terminated.
    #[error("{instance} is no longer running")]
    InstanceGone {
        /// The instance.
        instance: crate::InstanceId,
    },
    /// Undo while paused, as kubectl refuses it.
    #[error("you cannot rollback a paused deployment; resume it first and try again")]
    UndoWhilePaused,
    /// Undo to a revision that is not (or no longer) in the history.
    #[error("unable to find specified revision {revision} in history")]
    UnknownRevision {
        /// The revision asked for.
        revision: u32,
    },
    /// Undo to the template the fleet already has.
    #[error("skipped rollback (current template already matches revision {revision})")]
    SkippedRollback {
        /// The revision asked for.
        revision: u32,
    },
    /// The requested fleet size is outside what the lab simulates.
    #[error("a fleet of {requested} is outside 0..={max}")]
    FleetTooLarge {
        /// What the command asked for.
        requested: u32,
        /// The largest fleet the lab runs.
        max: u32,
    },
    /// A number beyond its bound, or a strategy the rules refuse; names the field.
    #[error("{0}")]
    Invalid(crate::InputError),
    /// More instances asked to fail than are in service.
    #[error("only {in_service} instances are in service; cannot fail the health checks of {requested}")]
    NotEnoughInService {
        /// What the command asked for.
        requested: u32,
        /// Instances in service now.
        in_service: u32,
    },
}

impl CommandError {
    /// A number per kind of refusal, for the trace: it hashes which rule refused a command, not
    /// the sentence that explains it. Never renumber; a new kind takes the next number.
    pub(crate) fn code(&self) -> u8 {
        match self {
            CommandError::InvalidSpec(_) => 0,
            CommandError::RegistryFull { .. } => 1,
            CommandError::UnknownImage { .. } => 2,
            CommandError::AmbiguousImage { .. } => 3,
            CommandError::AlreadyTarget { .. } => 4,
            CommandError::InvalidTag { .. } => 5,
            CommandError::TagImmutable { .. } => 6,
            CommandError::PipelinesBusy { .. } => 7,
            CommandError::UnknownRun { .. } => 8,
            CommandError::NotAwaitingApproval { .. } => 9,
            CommandError::ApprovalRequired { .. } => 10,
            CommandError::UnknownEnvironment { .. } => 11,
            CommandError::NotATestStage { .. } => 12,
            CommandError::InvalidAdvisory { .. } => 13,
            CommandError::InvalidDrift { .. } => 14,
            CommandError::UnknownInstance { .. } => 15,
            CommandError::InstanceGone { .. } => 16,
            CommandError::UndoWhilePaused => 17,
            CommandError::UnknownRevision { .. } => 18,
            CommandError::SkippedRollback { .. } => 19,
            CommandError::FleetTooLarge { .. } => 20,
            CommandError::Invalid(_) => 21,
            CommandError::NotEnoughInService { .. } => 22,
        }
    }
}
