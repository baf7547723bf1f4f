//! Events in words, for the event log and screen readers.

use lab_engine::strategy::AbortAftermath;
use lab_engine::{Event, World};

/// Why a rollout waits after an undecided analysis, and what the learner can do.
pub fn inconclusive_pause(finding: &lab_engine::strategy::AnalysisFinding) -> String {
    format!("{finding}; promote to carry on or abort to go back")
}

/// One sentence describing a fleet-level event.
pub fn describe(event: &Event, world: &World) -> String {
    let supply = world.supply_view();
    let version =
        |digest| supply.image(digest).map_or_else(String::new, |i| format!("v{}", i.spec.app_version));
    match event {
        Event::ImageBuilt { image, app_version, reused: false, layers_built, build_ticks } => {
            let cached = lab_engine::LAYER_COUNT as u32 - layers_built;
            format!(
                "Built image v{app_version} → {} ({layers_built} layers built in {build_ticks} ticks, {cached} from cache)",
                short(image)
            )
        }
        Event::ImageBuilt { image, app_version, reused: true, .. } => {
            format!(
                "Rebuilt v{app_version}: same spec, same digest {} — nothing new in the registry",
                short(image)
            )
        }
        Event::RolloutStarted { revision, image } => {
            format!("Rollout to revision {revision} ({}) started", version(*image))
        }
        Event::RolloutComplete { revision } => {
            format!("Rollout complete: every instance runs revision {revision}")
        }
        Event::FleetResized { from, to } => format!("Fleet size changed from {from} to {to}"),
        Event::InstanceEventsLeftOut { count } => {
            format!("{count} more changes to single servers this tick were counted but not listed one by one")
        }
        Event::RevisionScaled { revision, from, to } => {
            format!("Revision {revision} scaled {from} → {to}")
        }
        Event::InstanceLaunched { instance, revision, image } => {
            format!("{instance} launched for revision {revision} on {}", version(*image))
        }
        Event::TagMoved { tag, from: None, to } => {
            format!("Tagged {} ({}) as `{tag}`", version(*to), short(to))
        }
        Event::TagMoved { tag, from: Some(from), to } => format!(
            "Tag `{tag}` moved from {} ({}) to {} ({})",
            version(*from),
            short(from),
            version(*to),
            short(to)
        ),
        Event::RegistryPolicyChanged { immutable_tags: true } => {
            "Registry tags are now immutable: a tag can never be moved".to_owned()
        }
        Event::RegistryPolicyChanged { immutable_tags: false } => {
            "Registry tags may be moved again".to_owned()
        }
        Event::ImagesCollected { removed, kept } => {
            format!("Garbage collection deleted {removed} unused images and kept {kept}")
        }
        Event::InstanceInService { instance } => format!("{instance} is in service"),
        Event::InstanceDraining { instance } => format!("{instance} is draining"),
        Event::InstanceTerminated { instance } => format!("{instance} terminated"),
        Event::PipelineStarted { run, app_version, image } => {
            format!("Pipeline run {run} started for v{app_version} ({})", short(image))
        }
        Event::StagePassed { run, stage } => format!("Run {run}: {} passed", stage.label()),
        Event::StageFailed { run, stage, failure } => {
            format!("Run {run}: {} failed — {failure}", stage.label())
        }
        Event::AwaitingApproval { run } => format!("Run {run} waits for approval before production"),
        Event::Promoted { environment, image, rebuilt: false } => {
            format!("Promoted {} to {environment} (same digest {})", version(*image), short(image))
        }
        Event::Promoted { environment, image, rebuilt: true } => {
            format!(
                "Rebuilt for {environment}: a different digest {} — not the image that was tested",
                short(image)
            )
        }
        Event::PipelineSucceeded { run } => format!("Pipeline run {run} passed every stage"),
        Event::AdvisoryPublished { id, images_affected, instances_affected } => format!(
            "Advisory {id} published: {images_affected} images and {instances_affected} running instances are now known-vulnerable"
        ),
        Event::NightlyRefreshChanged { enabled: true } => "Nightly base-image refresh switched on".to_owned(),
        Event::NightlyRefreshChanged { enabled: false } => {
            "Nightly base-image refresh switched off".to_owned()
        }
        Event::SshRefused { instance, actor } => {
            format!(
                "SSH by {actor} to {instance} refused: this fleet is immutable (use [break-glass] in an emergency)"
            )
        }
        Event::InstanceDrifted { instance, change, emergency: false } => {
            format!("{instance}: {} ([drift])", change.describe())
        }
        Event::InstanceDrifted { instance, change, emergency: true } => {
            format!("[Break-glass] on {instance}: {}", change.describe())
        }
        Event::InstanceTainted { instance } => format!("{instance} was changed by hand and will be replaced"),
        Event::PatchFailed { instance, failure } => format!("Patch failed on {instance}: {failure}"),
        Event::PatchRolledOut { package, version, succeeded, failed } if package.is_empty() => {
            format!("Patched by replacement: {succeeded} instances on the new image, {failed} failed")
        }
        Event::PatchRolledOut { package, version, succeeded, failed } => {
            format!("In-place upgrade of {package} to {version}: {succeeded} succeeded, {failed} failed")
        }
        Event::DataLost { instance, mb } => {
            format!("{instance} was replaced and took {mb} MB of local data with it")
        }
        Event::ConfigurationRun { converged, failed, unmanaged_left } => format!(
            "Configuration run: {converged} instances converged, {failed} failed, {unmanaged_left} still differ from their image (changes the tool does not manage)"
        ),
        Event::FleetRebuilt { instances } => {
            format!("Rebuild: all {instances} instances terminated at once and relaunched from the image")
        }
        Event::RolloutStalled { revision, reason } => {
            format!(
                "Rollout to revision {revision} stalled: {reason} (reported only; nothing is rolled back)"
            )
        }
        Event::RolloutPaused { paused: true } => {
            "Rollout paused: template changes wait, scaling still happens".into()
        }
        Event::RolloutPaused { paused: false } => "Rollout resumed".into(),
        Event::StrategyChanged { strategy } => format!("Strategy changed: {}", strategy.describe()),
        Event::RolloutPromoted { revision } => {
            format!("Promoted: revision {revision} is now stable and takes the traffic")
        }
        Event::RolloutAborted { cause } => match world.rollout_view().after_abort {
            AbortAftermath::RollsBack => format!(
                "Rollout aborted: {cause}. Auto-rollback replaces the new instances with the stable revision"
            ),
            AbortAftermath::LeavesReplaced => {
                format!("Rollout aborted: {cause}. Instances already replaced stay in place")
            }
            AbortAftermath::TrafficStaysOnStable => {
                format!("Rollout aborted: {cause}. Traffic stays on the stable revision")
            }
        },
        Event::InstanceCrashed { instance } => {
            format!(
                "{instance} crashed: out of service, replaced like any instance failing its health checks"
            )
        }
        Event::AnalysisInconclusive { finding } => format!("Rollout paused: {}", inconclusive_pause(finding)),
        Event::HealthChecksFailed { instances } => format!(
            "{instances} instances fail their health checks: out of service, replaced 10% of the fleet at a time"
        ),
        Event::CommandRejected { error } => format!("Refused: {error}"),
    }
}

/// `sha256:` and the short hex form.
pub fn short(digest: &lab_engine::Digest) -> String {
    format!("sha256:{}", digest.short())
}
