//! The trace digest: one value that says whether two runs were identical, tick by tick.

use sha2::{Digest as _, Sha256};

use crate::{Digest, Event, Revision};

/// A sha256 chain over every tick's row: `h(t) = sha256(h(t-1) ‖ t ‖ revisions ‖ events)`.
///
/// Events name every instance that launched, became ready, drained or stopped, so hashing the
/// revision counts and the events covers each instance without walking the fleet every tick.
#[derive(Clone, Debug)]
pub struct TraceChain {
    head: Digest,
    /// One tick's row, encoded here first and hashed in a single call: many tiny hasher updates
    /// cost more than the hashing itself. Reused, so it allocates nothing once warm.
    row: Vec<u8>,
}

impl TraceChain {
    /// A chain rooted in the scenario's seed, so different seeds never share a trace.
    pub fn new(seed: u64) -> Self {
        let mut hasher = Sha256::new_with_prefix(b"lab-trace/v1");
        hasher.update(seed.to_le_bytes());
        Self { head: Digest::from_hasher(hasher), row: Vec::with_capacity(4096) }
    }

    /// The digest after the last recorded tick.
    pub fn head(&self) -> Digest {
        self.head
    }

    /// Folds one tick's row into the chain.
    pub fn record(&mut self, tick: u64, revisions: &[Revision], events: &[Event]) {
        let row = &mut self.row;
        row.clear();
        row.extend_from_slice(self.head.as_bytes());
        row.extend_from_slice(&tick.to_le_bytes());
        row.extend_from_slice(&(revisions.len() as u32).to_le_bytes());
        for revision in revisions {
            row.extend_from_slice(&revision.number.to_le_bytes());
            row.extend_from_slice(revision.image.as_bytes());
            row.extend_from_slice(&revision.desired.to_le_bytes());
            row.extend_from_slice(&revision.live.to_le_bytes());
            row.extend_from_slice(&revision.available.to_le_bytes());
        }
        row.extend_from_slice(&(events.len() as u32).to_le_bytes());
        for event in events {
            encode_event(row, event);
        }
        self.head = Digest::of(row);
    }
}

/// Text in the trace's binary form: its length, then its bytes.
fn text(row: &mut Vec<u8>, value: &str) {
    row.extend_from_slice(&(value.len() as u32).to_le_bytes());
    row.extend_from_slice(value.as_bytes());
}

/// A fixed binary encoding of an event: a tag byte, then its fields in declaration order, integers
/// little-endian and strings length-prefixed. Far cheaper than JSON in the per-tick path.
fn encode_event(row: &mut Vec<u8>, event: &Event) {
    match event {
        Event::ImageBuilt { image, app_version, reused, layers_built, build_ticks } => {
            row.extend_from_slice(&[0]);
            row.extend_from_slice(image.as_bytes());
            text(row, app_version);
            row.extend_from_slice(&[u8::from(*reused)]);
            row.extend_from_slice(&layers_built.to_le_bytes());
            row.extend_from_slice(&build_ticks.to_le_bytes());
        }
        Event::TagMoved { tag, from, to } => {
            row.extend_from_slice(&[10]);
            text(row, tag);
            row.extend_from_slice(&from.map_or([0u8; 32], |d| *d.as_bytes()));
            row.extend_from_slice(to.as_bytes());
        }
        Event::RegistryPolicyChanged { immutable_tags } => {
            row.extend_from_slice(&[11, u8::from(*immutable_tags)]);
        }
        Event::ImagesCollected { removed, kept } => {
            row.extend_from_slice(&[12]);
            row.extend_from_slice(&removed.to_le_bytes());
            row.extend_from_slice(&kept.to_le_bytes());
        }
        Event::RolloutStarted { revision, image } => {
            row.extend_from_slice(&[1]);
            row.extend_from_slice(&revision.to_le_bytes());
            row.extend_from_slice(image.as_bytes());
        }
        Event::RolloutComplete { revision } => {
            row.extend_from_slice(&[2]);
            row.extend_from_slice(&revision.to_le_bytes());
        }
        Event::FleetResized { from, to } => {
            row.extend_from_slice(&[3]);
            row.extend_from_slice(&from.to_le_bytes());
            row.extend_from_slice(&to.to_le_bytes());
        }
        Event::RevisionScaled { revision, from, to } => {
            row.extend_from_slice(&[4]);
            row.extend_from_slice(&revision.to_le_bytes());
            row.extend_from_slice(&from.to_le_bytes());
            row.extend_from_slice(&to.to_le_bytes());
        }
        Event::InstanceLaunched { instance, revision, image } => {
            row.extend_from_slice(&[5]);
            row.extend_from_slice(&instance.0.to_le_bytes());
            row.extend_from_slice(&revision.to_le_bytes());
            row.extend_from_slice(image.as_bytes());
        }
        Event::InstanceInService { instance } => {
            row.extend_from_slice(&[6]);
            row.extend_from_slice(&instance.0.to_le_bytes());
        }
        Event::InstanceDraining { instance } => {
            row.extend_from_slice(&[7]);
            row.extend_from_slice(&instance.0.to_le_bytes());
        }
        Event::InstanceTerminated { instance } => {
            row.extend_from_slice(&[8]);
            row.extend_from_slice(&instance.0.to_le_bytes());
        }
        Event::PipelineStarted { run, app_version, image } => {
            row.extend_from_slice(&[13]);
            row.extend_from_slice(&run.to_le_bytes());
            text(row, app_version);
            row.extend_from_slice(image.as_bytes());
        }
        Event::StagePassed { run, stage } => {
            row.extend_from_slice(&[14, *stage as u8]);
            row.extend_from_slice(&run.to_le_bytes());
        }
        Event::StageFailed { run, stage, failure } => {
            row.extend_from_slice(&[15, *stage as u8]);
            row.extend_from_slice(&run.to_le_bytes());
            stage_failure_row(row, failure);
        }
        Event::AwaitingApproval { run } => {
            row.extend_from_slice(&[16]);
            row.extend_from_slice(&run.to_le_bytes());
        }
        Event::Promoted { environment, image, rebuilt } => {
            row.extend_from_slice(&[17, u8::from(*rebuilt)]);
            text(row, environment);
            row.extend_from_slice(image.as_bytes());
        }
        Event::PipelineSucceeded { run } => {
            row.extend_from_slice(&[18]);
            row.extend_from_slice(&run.to_le_bytes());
        }
        Event::AdvisoryPublished { id, images_affected, instances_affected } => {
            row.extend_from_slice(&[19]);
            text(row, id);
            row.extend_from_slice(&images_affected.to_le_bytes());
            row.extend_from_slice(&instances_affected.to_le_bytes());
        }
        Event::NightlyRefreshChanged { enabled } => {
            row.extend_from_slice(&[20, u8::from(*enabled)]);
        }
        Event::SshRefused { instance, actor } => {
            row.extend_from_slice(&[21]);
            row.extend_from_slice(&instance.0.to_le_bytes());
            text(row, actor);
        }
        Event::InstanceDrifted { instance, change, emergency } => {
            row.extend_from_slice(&[22, u8::from(*emergency)]);
            row.extend_from_slice(&instance.0.to_le_bytes());
            drift_change_row(row, change);
        }
        Event::InstanceTainted { instance } => {
            row.extend_from_slice(&[23]);
            row.extend_from_slice(&instance.0.to_le_bytes());
        }
        Event::PatchFailed { instance, failure } => {
            row.extend_from_slice(&[24]);
            row.extend_from_slice(&instance.0.to_le_bytes());
            patch_failure_row(row, failure);
        }
        Event::PatchRolledOut { package, version, succeeded, failed } => {
            row.extend_from_slice(&[25]);
            text(row, package);
            text(row, version);
            row.extend_from_slice(&succeeded.to_le_bytes());
            row.extend_from_slice(&failed.to_le_bytes());
        }
        Event::DataLost { instance, mb } => {
            row.extend_from_slice(&[26]);
            row.extend_from_slice(&instance.0.to_le_bytes());
            row.extend_from_slice(&mb.to_le_bytes());
        }
        Event::ConfigurationRun { converged, failed, unmanaged_left } => {
            row.extend_from_slice(&[27]);
            row.extend_from_slice(&converged.to_le_bytes());
            row.extend_from_slice(&failed.to_le_bytes());
            row.extend_from_slice(&unmanaged_left.to_le_bytes());
        }
        Event::FleetRebuilt { instances } => {
            row.extend_from_slice(&[28]);
            row.extend_from_slice(&instances.to_le_bytes());
        }
        Event::RolloutStalled { revision, reason } => {
            row.extend_from_slice(&[29]);
            row.extend_from_slice(&revision.to_le_bytes());
            row.push(*reason as u8);
        }
        Event::RolloutPaused { paused } => row.extend_from_slice(&[30, u8::from(*paused)]),
        Event::StrategyChanged { strategy } => {
            // The settings as data: the strategy's kind and its canonical JSON.
            row.extend_from_slice(&[33, strategy.kind_index() as u8]);
            text(row, &strategy.strategy().editor_json());
        }
        Event::RolloutPromoted { revision } => {
            row.extend_from_slice(&[31]);
            row.extend_from_slice(&revision.to_le_bytes());
        }
        Event::RolloutAborted { cause } => {
            row.extend_from_slice(&[32]);
            match cause {
                crate::AbortCause::Hand => row.push(0),
                crate::AbortCause::Cancelled => row.push(3),
                crate::AbortCause::RollbackRequested => row.push(4),
                crate::AbortCause::Analysis { finding, traffic_back_to } => {
                    row.push(1);
                    finding_row(row, finding);
                    row.extend_from_slice(&traffic_back_to.unwrap_or(0).to_le_bytes());
                }
                crate::AbortCause::RefreshFailed { revision, unhealthy, timeout_ticks } => {
                    row.push(2);
                    row.extend_from_slice(&revision.to_le_bytes());
                    row.extend_from_slice(&unhealthy.to_le_bytes());
                    row.extend_from_slice(&timeout_ticks.to_le_bytes());
                }
            }
        }
        Event::InstanceCrashed { instance } => {
            row.extend_from_slice(&[36]);
            row.extend_from_slice(&instance.0.to_le_bytes());
        }
        Event::AnalysisInconclusive { finding } => {
            row.extend_from_slice(&[35]);
            finding_row(row, finding);
        }
        Event::HealthChecksFailed { instances } => {
            row.extend_from_slice(&[34]);
            row.extend_from_slice(&instances.to_le_bytes());
        }
        Event::CommandRejected { error } => row.extend_from_slice(&[9, error.code()]),
        Event::InstanceEventsLeftOut { count } => {
            row.extend_from_slice(&[37]);
            row.extend_from_slice(&count.to_le_bytes());
        }
    }
}

/// A stage failure in the trace's binary form: its kind and the data it carries.
fn stage_failure_row(row: &mut Vec<u8>, failure: &crate::pipeline::StageFailure) {
    use crate::pipeline::StageFailure;
    match failure {
        StageFailure::UnitTests => row.push(0),
        StageFailure::HealthCheck => row.push(1),
        StageFailure::Vulnerable { findings, policy } => {
            row.extend_from_slice(&[2, *policy as u8]);
            row.extend_from_slice(&(findings.len() as u32).to_le_bytes());
            for found in findings {
                text(row, &found.advisory);
                text(row, &found.package);
                text(row, &found.installed);
            }
        }
        StageFailure::BakedSecret { key, .. } => {
            row.push(3);
            text(row, key);
        }
        StageFailure::Registry { error } => row.extend_from_slice(&[4, error.code()]),
    }
}

/// A change made by hand in the trace's binary form: its kind and its fields.
fn drift_change_row(row: &mut Vec<u8>, change: &crate::drift::DriftChange) {
    use crate::drift::DriftChange;
    match change {
        DriftChange::HotfixConfig { key, value } => {
            row.push(0);
            text(row, key);
            text(row, value);
        }
        DriftChange::KernelParam { key, value } => {
            row.push(1);
            text(row, key);
            text(row, value);
        }
        DriftChange::InstallTool { name, requires } => {
            row.push(2);
            text(row, name);
            text(row, requires.as_deref().unwrap_or(""));
        }
        DriftChange::AddCron { line } => {
            row.push(3);
            text(row, line);
        }
        DriftChange::PatchPackage { name, version } => {
            row.push(4);
            text(row, name);
            text(row, version);
        }
        DriftChange::EditAppFile { path } => {
            row.push(5);
            text(row, path);
        }
        DriftChange::WriteLocalData { mb } => {
            row.push(6);
            row.extend_from_slice(&mb.to_le_bytes());
        }
        DriftChange::Compromise => row.push(7),
    }
}

/// A patch failure in the trace's binary form: its kind and the names it carries.
fn patch_failure_row(row: &mut Vec<u8>, failure: &crate::drift::PatchFailure) {
    use crate::drift::PatchFailure;
    match failure {
        PatchFailure::PinnedByTool { tool, package, pinned } => {
            row.push(0);
            text(row, tool);
            text(row, package);
            text(row, pinned);
        }
        PatchFailure::FragileKernel { key, value, .. } => {
            row.push(1);
            text(row, key);
            text(row, value);
        }
        PatchFailure::ConfigurationRun { failure: inner } => {
            row.push(2);
            patch_failure_row(row, inner);
        }
        PatchFailure::LocalAppChanges => row.push(3),
    }
}

/// An analysis finding in the trace's binary form: which analysis, revision, verdict, the
/// measurement's numbers and the count (the thresholds are the strategy's, hashed when it was set).
fn finding_row(row: &mut Vec<u8>, finding: &crate::strategy::AnalysisFinding) {
    use crate::strategy::{AnalysisKind, Verdict};
    let kind = match finding.kind {
        AnalysisKind::Background => 0,
        AnalysisKind::Step => 1,
        AnalysisKind::PrePromotion => 2,
        AnalysisKind::PostPromotion => 3,
    };
    let verdict = match finding.measurement.verdict {
        Verdict::Successful => 0,
        Verdict::Inconclusive => 1,
        Verdict::Failed => 2,
    };
    row.extend_from_slice(&[kind, verdict]);
    row.extend_from_slice(&finding.revision.to_le_bytes());
    let m = &finding.measurement;
    for number in [m.requests, m.errors, m.error_rate_per_mille, m.latency_ms] {
        row.extend_from_slice(&number.to_le_bytes());
    }
    row.extend_from_slice(&finding.count.to_le_bytes());
}
