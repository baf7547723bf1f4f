//! Operations: how the fleet is run day to day. A mutable fleet is changed in place (SSH with an
//! audit log, in-place patches and deploys, configuration management runs, a steady trickle of
//! hand-made changes); an immutable one refuses all that, or taints what was touched so the fleet
//! replaces it. This part owns the policy and its records; the instances it changes belong to the
//! fleet and are handed in.

use std::collections::VecDeque;

use crate::drift::{DriftChange, Observed};
use crate::event_log::EventLog;
use crate::fleet::Fleet;
use crate::registry::Registry;
use crate::{CommandError, Digest, Event, FleetMode, InstanceId, Limits, Scenario};

mod in_place;
pub(crate) mod inspect;

/// One entry of the audit log: who did what to which instance, and whether it was allowed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// When.
    pub tick: u64,
    /// Who.
    pub actor: String,
    /// Which instance.
    pub instance: InstanceId,
    /// What.
    pub what: String,
    /// Break-glass (emergency) access.
    pub emergency: bool,
    /// Refused by policy.
    pub refused: bool,
}

/// How fleet-wide patches went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PatchStats {
    /// Instance patches attempted.
    pub attempted: u32,
    /// Instance patches that took (in place, or by a replacement running the patched image).
    pub succeeded: u32,
    /// Replacements already serving the patched image while its rollout is still going.
    pub in_progress: u32,
    /// The patched image an immutable fleet is still rolling out.
    #[serde(skip)]
    pending_image: Option<Digest>,
}

/// Someone's SSH session: which instances, who, what they change, and whether it is break-glass
/// (emergency) access.
pub(crate) struct Session<'a> {
    pub(crate) targets: &'a [u32],
    pub(crate) actor: &'a str,
    pub(crate) change: &'a DriftChange,
    pub(crate) break_glass: bool,
}

/// The way the fleet is run, and what that has recorded.
#[derive(Clone, Debug)]
pub(crate) struct Operations {
    mode: FleetMode,
    /// State lives in a database outside the fleet, not on instances' disks.
    external_state: bool,
    audit: VecDeque<AuditEntry>,
    patches: PatchStats,
    /// Sum over ticks of the instances an attacker controlled.
    compromised_instance_ticks: u64,
    /// Chance per tick, in thousandths, that someone changes a random instance by hand.
    random_drift_per_mille: u32,
    /// Reused for SSH targets, so a session allocates nothing once warm.
    scratch_targets: Vec<u32>,
}

impl Operations {
    pub(crate) fn new(scenario: &Scenario) -> Self {
        Operations {
            mode: scenario.mode,
            external_state: scenario.external_state,
            audit: VecDeque::new(),
            patches: PatchStats::default(),
            compromised_instance_ticks: 0,
            random_drift_per_mille: scenario.random_drift_per_mille,
            scratch_targets: Vec::new(),
        }
    }

    /// How the fleet is operated.
    pub(crate) fn mode(&self) -> FleetMode {
        self.mode
    }

    /// Fleet-wide patch results so far.
    pub(crate) fn patch_stats(&self) -> PatchStats {
        self.patches
    }

    /// Sum over ticks of the instances an attacker controlled.
    pub(crate) fn compromised_instance_ticks(&self) -> u64 {
        self.compromised_instance_ticks
    }

    /// The audit log, oldest first.
    pub(crate) fn audit_log(&self) -> impl DoubleEndedIterator<Item = &AuditEntry> {
        self.audit.iter()
    }

    /// Counts this tick's compromised instances.
    pub(crate) fn count_compromise(&mut self, fleet: &Fleet) {
        self.compromised_instance_ticks += u64::from(fleet.compromised_live());
    }

    pub(crate) fn ssh(
        &mut self,
        fleet: &mut Fleet,
        registry: &Registry,
        session: &Session<'_>,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
        let Session { targets, actor, change, break_glass } = *session;
        if actor.is_empty() || actor.len() > 64 {
            return Err(CommandError::InvalidDrift { reason: "`actor` must hold 1 to 64 characters".into() });
        }
        check_change(change)?;
        if targets.is_empty() || targets.len() > Limits::SSH_TARGETS_MAX {
            return Err(CommandError::InvalidDrift {
                reason: format!("`instances` must list 1 to {} instance ids", Limits::SSH_TARGETS_MAX),
            });
        }
        // Every target must be a live instance before anything changes, so a typo changes nothing.
        let mut indices = std::mem::take(&mut self.scratch_targets);
        indices.clear();
        for id in targets {
            match fleet.find_live(InstanceId(*id)) {
                Ok(index) => indices.push(index as u32),
                Err(error) => {
                    self.scratch_targets = indices;
                    return Err(error);
                }
            }
        }
        // An attacker does not ask the access policy; everyone else does.
        let attack = matches!(change, DriftChange::Compromise);
        let refused = self.mode == FleetMode::Immutable && !break_glass && !attack;
        let description = change.describe();
        let shared = std::sync::Arc::new(change.clone());
        // The audit log keeps its last entries only: those this command would push out again
        // at once are not written.
        let audited_from = indices.len().saturating_sub(Limits::AUDIT_CAPACITY);
        for (position, &index) in indices.iter().enumerate() {
            let index = index as usize;
            let id = fleet.instances()[index].id;
            if position >= audited_from {
                self.audit(tick, actor, id, description.clone(), break_glass, refused);
            }
            if refused {
                log.emit_instance(tick, || Event::SshRefused { instance: id, actor: actor.to_owned() });
                continue;
            }
            self.drift(fleet, registry, index, change);
            log.emit_instance(tick, || Event::InstanceDrifted {
                instance: id,
                change: std::sync::Arc::clone(&shared),
                emergency: break_glass,
            });
            if self.mode == FleetMode::Immutable && !attack {
                // Break-glass on an immutable fleet: the instance can no longer be trusted to match
                // its image, so the orchestrator replaces it.
                fleet.taint(index);
                log.emit_instance(tick, || Event::InstanceTainted { instance: id });
            }
        }
        self.scratch_targets = indices;
        Ok(())
    }

    /// Applies a drift change to an instance, materialising its observed state on first change.
    fn drift(&self, fleet: &mut Fleet, registry: &Registry, index: usize, change: &DriftChange) {
        if let DriftChange::WriteLocalData { .. } = change
            && self.external_state
        {
            // State lives in a database outside the fleet: nothing lands on the instance's disk.
            return;
        }
        if matches!(change, DriftChange::Compromise) {
            fleet.compromise(index);
        }
        let image = fleet.instances()[index].image;
        let mut observed = match fleet.observed_mut(index).take() {
            Some(observed) => observed,
            None => Box::new(registry.image(image).map(|i| Observed::baseline(&i.spec)).unwrap_or_default()),
        };
        change.apply(&mut observed);
        *fleet.observed_mut(index) = Some(observed);
    }

    fn audit(
        &mut self,
        tick: u64,
        actor: &str,
        instance: InstanceId,
        what: String,
        emergency: bool,
        refused: bool,
    ) {
        if self.audit.len() == Limits::AUDIT_CAPACITY {
            self.audit.pop_front();
        }
        self.audit.push_back(AuditEntry {
            tick,
            actor: actor.to_owned(),
            instance,
            what,
            emergency,
            refused,
        });
    }
}

fn check_change(change: &DriftChange) -> Result<(), CommandError> {
    let text_ok = |text: &str| !text.is_empty() && text.len() <= 128 && !text.chars().any(char::is_control);
    let texts = |fields: &str, texts: &[&str]| {
        (!texts.iter().all(|text| text_ok(text))).then(|| format!("{fields} must hold 1 to 128 characters"))
    };
    // One arm per kind of change and no catch-all: a new kind does not compile until it says how
    // it is checked (this is the user-input path).
    let problem = match change {
        DriftChange::HotfixConfig { key, value } | DriftChange::KernelParam { key, value } => {
            texts("`key` and `value`", &[key, value])
        }
        DriftChange::InstallTool { name, requires: None } => texts("`name`", &[name]),
        DriftChange::InstallTool { name, requires: Some(requires) } => {
            texts("`name` and `requires`", &[name, requires])
        }
        DriftChange::AddCron { line } => texts("`line`", &[line]),
        DriftChange::EditAppFile { path } => texts("`path`", &[path]),
        DriftChange::PatchPackage { name, version } => texts("`name`", &[name])
            .or_else(|| crate::image::check_version("version", version).err().map(|e| e.to_string())),
        DriftChange::WriteLocalData { mb } => (*mb == 0 || *mb > crate::drift::LOCAL_DATA_MB_MAX)
            .then(|| format!("`mb` must be between 1 and {}", crate::drift::LOCAL_DATA_MB_MAX)),
        DriftChange::Compromise => None,
    };
    match problem {
        Some(reason) => Err(CommandError::InvalidDrift { reason }),
        None => Ok(()),
    }
}
