//! Plain summaries of the world for shells, traces and tests.

use serde::Serialize;

use crate::{Digest, Lifecycle, World};

/// How many instances are in each lifecycle state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StateCounts {
    /// Pulling their image.
    pub pending: u32,
    /// Starting.
    pub booting: u32,
    /// Serving.
    pub in_service: u32,
    /// Leaving the load balancer.
    pub draining: u32,
    /// Recently stopped, still shown.
    pub terminated: u32,
}

impl StateCounts {
    /// Adds one instance in `state`.
    pub fn add(&mut self, state: Lifecycle) {
        let slot = match state {
            Lifecycle::Pending => &mut self.pending,
            Lifecycle::Booting => &mut self.booting,
            Lifecycle::InService => &mut self.in_service,
            Lifecycle::Draining => &mut self.draining,
            Lifecycle::Terminated => &mut self.terminated,
        };
        *slot += 1;
    }

    /// The count for one state.
    pub fn get(&self, state: Lifecycle) -> u32 {
        match state {
            Lifecycle::Pending => self.pending,
            Lifecycle::Booting => self.booting,
            Lifecycle::InService => self.in_service,
            Lifecycle::Draining => self.draining,
            Lifecycle::Terminated => self.terminated,
        }
    }
}

/// One revision as shown to learners.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisionView {
    /// Revision number.
    pub revision: u32,
    /// Its image.
    pub image: Digest,
    /// The application version of that image.
    pub app_version: String,
    /// Instances wanted.
    pub desired: u32,
    /// Instances pending, booting or in service.
    pub live: u32,
    /// Instances ready (readiness and minReadySeconds fold into one wait, so equal to available).
    pub ready: u32,
    /// Instances in service.
    pub available: u32,
    /// Instances draining.
    pub terminating: u32,
    /// Whether this is the rollout target.
    pub target: bool,
}

/// The traffic one revision receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TrafficShare {
    /// The revision.
    pub revision: u32,
    /// Percent of requests, 0 to 100; the shares add up to 100 whenever anything serves.
    pub weight: u32,
}

/// The rollout as a trace reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RolloutView {
    /// The strategy's name.
    pub strategy: &'static str,
    /// Argo's phase.
    pub phase: RolloutPhase,
    /// The current step, for strategies that have steps.
    pub step: Option<u32>,
    /// Available and Progressing.
    pub conditions: ConditionsView,
}

/// The conditions in the trace's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionsView {
    /// The Available condition.
    pub available: bool,
    /// `True`, `False` or `Complete`.
    pub progressing: &'static str,
    /// Kubernetes' reason.
    pub reason: crate::ConditionReason,
}

/// Argo's rollout phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum RolloutPhase {
    /// The target runs the whole fleet (older revisions may still wait out a scale-down delay).
    Healthy,
    /// Moving.
    Progressing,
    /// Waiting for a person, a pause step or an undecided analysis.
    Paused,
    /// Aborted, or stalled past its deadline.
    Degraded,
}

impl RolloutPhase {
    /// The phase as Argo writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            RolloutPhase::Healthy => "Healthy",
            RolloutPhase::Progressing => "Progressing",
            RolloutPhase::Paused => "Paused",
            RolloutPhase::Degraded => "Degraded",
        }
    }
}

impl std::fmt::Display for RolloutPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Argo's rollout phase and the Progressing condition's status, as the trace shows them.
fn phase_and_progressing(world: &World) -> (RolloutPhase, &'static str) {
    let status = world.rollout_status();
    match world.conditions().progressing {
        _ if status.aborted => (RolloutPhase::Degraded, "False"),
        _ if world.paused() => (RolloutPhase::Paused, "Unknown"),
        _ if status.inconclusive_pause.is_some() => (RolloutPhase::Paused, "True"),
        crate::Progressing::True if status.paused_since.is_some() => (RolloutPhase::Paused, "True"),
        crate::Progressing::True if world.strategy().strategy().waiting_at_pause(status) => {
            (RolloutPhase::Paused, "True")
        }
        crate::Progressing::Complete => (RolloutPhase::Healthy, "Complete"),
        // Promoted, the previous revision still kept for a quick way back.
        crate::Progressing::True if world.rollout_healthy() => (RolloutPhase::Healthy, "True"),
        crate::Progressing::True => (RolloutPhase::Progressing, "True"),
        crate::Progressing::False => (RolloutPhase::Degraded, "False"),
    }
}

impl World {
    /// The rollout's phase: `Healthy`, `Progressing`, `Paused` or `Degraded`.
    pub fn rollout_phase(&self) -> RolloutPhase {
        phase_and_progressing(self).0
    }
}

/// The world at the end of a tick.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Ticks run so far.
    pub tick: u64,
    /// The fleet size the rollout aims for.
    pub replicas: u32,
    /// Instances by lifecycle state.
    pub instances: StateCounts,
    /// Live instances per image, in registry (build) order.
    pub images: Vec<(Digest, u32)>,
    /// Live instances whose image a known advisory affects.
    pub vulnerable_instances: u32,
    /// Revisions still tracked, oldest first.
    pub revisions: Vec<RevisionView>,
    /// Whether the rollout has finished.
    pub rollout_complete: bool,
    /// Share of requests each revision receives, in percent (by instances in service).
    pub traffic: Vec<TrafficShare>,
    /// The rollout's strategy, phase and conditions.
    pub rollout: RolloutView,
    /// The trace digest so far.
    pub trace_digest: Digest,
}

impl Snapshot {
    pub(crate) fn of(world: &World) -> Self {
        let mut instances = StateCounts::default();
        for instance in world.instances() {
            instances.add(instance.state);
        }
        let target = world.target_revision().number;
        let revisions: Vec<RevisionView> = world
            .revisions()
            .iter()
            .map(|r| RevisionView {
                revision: r.number,
                image: r.image,
                app_version: world.image(r.image).map(|i| i.spec.app_version.clone()).unwrap_or_default(),
                desired: r.desired,
                live: r.live,
                ready: r.available,
                available: r.available,
                terminating: r.terminating,
                target: r.number == target,
            })
            .collect();
        // Counted from instances, not revisions: with a floating launch template one revision can
        // run two images (the `latest` trap).
        let mut images: Vec<(Digest, u32)> = world.images().iter().map(|image| (image.digest, 0)).collect();
        for instance in world.instances().iter().filter(|i| i.state.is_live()) {
            if let Some(slot) = images.iter_mut().find(|(digest, _)| *digest == instance.image) {
                slot.1 += 1;
            }
        }
        images.retain(|(_, count)| *count > 0);
        let vulnerable_instances = images
            .iter()
            .filter(|(digest, _)| !world.advisories_for(*digest).is_empty())
            .map(|(_, count)| count)
            .sum();
        let status = world.rollout_status();
        let weights = world.traffic_weights();
        let traffic = revisions
            .iter()
            .zip(weights)
            .map(|(r, weight)| TrafficShare { revision: r.revision, weight })
            .collect();
        let conditions = world.conditions();
        let (phase, progressing) = phase_and_progressing(world);
        let rollout = RolloutView {
            strategy: world.strategy().strategy().name(),
            phase,
            step: world.strategy().strategy().has_steps().then_some(status.step_index),
            conditions: ConditionsView {
                available: conditions.available,
                progressing,
                reason: conditions.reason,
            },
        };
        Snapshot {
            traffic,
            rollout,
            tick: world.now(),
            replicas: world.replicas(),
            instances,
            images,
            vulnerable_instances,
            revisions,
            rollout_complete: world.rollout_complete(),
            trace_digest: world.trace_digest(),
        }
    }
}
