//! Argo Rollouts blue-green: the new revision comes up beside the old one behind a preview
//! service, and the active service switches to it in one step on promotion; the old revision stays
//! for a scale-down delay, so going back is instant. Follows the sequence of §3.6 of
//! docs/semantics.md (`rollout/bluegreen.go`).

use serde::{Deserialize, Serialize};

use crate::Revision;

use super::{AnalysisKind, CanaryAnalysis, DueAnalysis, RolloutFleet, RolloutStatus, Strategy};

/// Blue-green parameters (Argo's names, ticks instead of seconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawBlueGreen")]
pub struct BlueGreen {
    /// Run only this many new instances until promotion (`previewReplicaCount`).
    pub preview_replica_count: Option<u32>,
    /// Promote as soon as the preview is ready (`autoPromotionEnabled`, default true).
    pub auto_promotion_enabled: bool,
    /// Promote this long after the preview is ready (`autoPromotionSeconds`).
    pub auto_promotion_ticks: Option<u64>,
    /// Keep the old revision this long after promotion (`scaleDownDelaySeconds`, default 30).
    pub scale_down_delay_ticks: u64,
    /// Keep an aborted preview this long (`abortScaleDownDelaySeconds`, default 30).
    pub abort_scale_down_delay_ticks: u64,
    /// Smoke-test the preview before promotion: its error rate under test requests must pass
    /// `count` measurements, or the rollout aborts (`prePromotionAnalysis`).
    pub pre_promotion_analysis: Option<CanaryAnalysis>,
    /// Measure the new active revision after the switch, while the old one is still kept; a
    /// failure sends the traffic back to it (`postPromotionAnalysis`).
    pub post_promotion_analysis: Option<CanaryAnalysis>,
}

/// The parameters as read, before the bounds are checked (in `TryFrom`, where a refusal can name
/// the field: serde cannot follow the path into a strategy, which it reads whole first).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlueGreen {
    #[serde(default)]
    preview_replica_count: Option<u32>,
    #[serde(default = "yes")]
    auto_promotion_enabled: bool,
    #[serde(default)]
    auto_promotion_ticks: Option<u64>,
    #[serde(default = "thirty")]
    scale_down_delay_ticks: u64,
    #[serde(default = "thirty")]
    abort_scale_down_delay_ticks: u64,
    #[serde(default)]
    pre_promotion_analysis: Option<CanaryAnalysis>,
    #[serde(default)]
    post_promotion_analysis: Option<CanaryAnalysis>,
}

impl TryFrom<RawBlueGreen> for BlueGreen {
    type Error = crate::InputError;

    fn try_from(raw: RawBlueGreen) -> Result<Self, crate::InputError> {
        let blue_green = BlueGreen {
            preview_replica_count: raw.preview_replica_count,
            auto_promotion_enabled: raw.auto_promotion_enabled,
            auto_promotion_ticks: raw.auto_promotion_ticks,
            scale_down_delay_ticks: raw.scale_down_delay_ticks,
            abort_scale_down_delay_ticks: raw.abort_scale_down_delay_ticks,
            pre_promotion_analysis: raw.pre_promotion_analysis,
            post_promotion_analysis: raw.post_promotion_analysis,
        };
        blue_green.validate()?;
        Ok(blue_green)
    }
}

fn yes() -> bool {
    true
}

fn thirty() -> u64 {
    30
}

impl Default for BlueGreen {
    fn default() -> Self {
        BlueGreen {
            preview_replica_count: None,
            auto_promotion_enabled: true,
            auto_promotion_ticks: None,
            scale_down_delay_ticks: 30,
            abort_scale_down_delay_ticks: 30,
            pre_promotion_analysis: None,
            post_promotion_analysis: None,
        }
    }
}

impl BlueGreen {
    /// Checks parameters built in code by the rules JSON is read with, naming the field at fault.
    pub fn validate(&self) -> Result<(), crate::InputError> {
        use crate::bounds::{fleet_count, invalid, wait_ticks};
        if let Some(count) = self.preview_replica_count {
            invalid("preview_replica_count", fleet_count(count))?;
        }
        if let Some(ticks) = self.auto_promotion_ticks {
            invalid("auto_promotion_ticks", wait_ticks(ticks))?;
        }
        invalid("scale_down_delay_ticks", wait_ticks(self.scale_down_delay_ticks))?;
        invalid("abort_scale_down_delay_ticks", wait_ticks(self.abort_scale_down_delay_ticks))?;
        for (field, analysis) in [
            ("pre_promotion_analysis", &self.pre_promotion_analysis),
            ("post_promotion_analysis", &self.post_promotion_analysis),
        ] {
            if let Some(analysis) = analysis {
                analysis.check().map_err(|error| error.within(field))?;
            }
        }
        Ok(())
    }

    /// Whether the active service is on the target but its post-promotion analysis has not passed
    /// yet: Argo's stable ReplicaSet is still the previous one until then, kept whole and ready
    /// to take the traffic back.
    fn verifying_after_switch(&self, status: &RolloutStatus, target: u32) -> bool {
        self.post_promotion_analysis.is_some()
            && status.stable == Some(target)
            && status.previous_stable.is_some()
            && status.scale_down_at.is_some()
            && !status.analysis_passed
            && !status.aborted
    }

    /// Whether the preview may be promoted now: a promote command, or the automatic rules.
    fn may_promote(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        let since = *fleet.status.paused_since.get_or_insert(fleet.now);
        if fleet.status.promote_requested {
            return true;
        }
        match self.auto_promotion_ticks {
            // TM-6 (docs/semantics.md): a timed wait that starts at s expires at s + D.
            Some(delay) => fleet.now >= since.saturating_add(delay),
            None => self.auto_promotion_enabled,
        }
    }
}

/// The target's number, the active (stable) revision's number and its index (the target itself
/// when nothing else is active).
fn active(fleet: &RolloutFleet<'_>) -> (u32, u32, usize) {
    let target = fleet.target;
    let new_number = fleet.revisions[target].number;
    let stable_number = fleet.status.stable.unwrap_or(new_number);
    let stable = fleet.revisions.iter().position(|r| r.number == stable_number).unwrap_or(target);
    (new_number, stable_number, stable)
}

impl Strategy for BlueGreen {
    fn name(&self) -> &'static str {
        "blue_green"
    }

    fn label(&self) -> &'static str {
        "Blue-green"
    }

    fn describe(&self) -> String {
        let promotion = match (self.auto_promotion_enabled, self.auto_promotion_ticks) {
            (_, Some(ticks)) => format!("auto-promote {ticks} ticks after the preview is ready"),
            (true, None) => "auto-promote when the preview is ready".to_owned(),
            (false, None) => "promote by hand".to_owned(),
        };
        // An analysis in force is said where the rollout is shown, so applying one is confirmed there.
        let analyses = [("before", self.pre_promotion_analysis), ("after", self.post_promotion_analysis)]
            .into_iter()
            .filter_map(|(when, analysis)| {
                analysis.map(|a| format!(" · analysis {when} promotion: {}", a.summary()))
            })
            .collect::<String>();
        format!(
            "blue-green · {promotion} · old revision kept {} ticks after promotion{analyses}",
            self.scale_down_delay_ticks
        )
    }

    /// Everything goes to the active (stable) revision.
    fn traffic_weights(
        &self,
        revisions: &[Revision],
        _target: usize,
        status: &RolloutStatus,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        out.extend(
            revisions
                .iter()
                .map(|r| if Some(r.number) == status.stable && r.available > 0 { 100 } else { 0 }),
        );
    }

    /// The preview gets smoke-test requests, which its pre-promotion analysis reads.
    fn smoke_tested(&self, status: &RolloutStatus) -> Option<u32> {
        status.preview
    }

    /// Before promotion, against the preview's smoke-test requests; after it, against the new
    /// active revision while the old one is still there to take the traffic back.
    fn due_analyses(&self, status: &RolloutStatus, target: u32) -> [Option<DueAnalysis>; 2] {
        let switched = status.stable == Some(target);
        let due = match (switched, self.pre_promotion_analysis, self.post_promotion_analysis) {
            (false, Some(analysis), _) if !status.promote_full => {
                Some((analysis, AnalysisKind::PrePromotion))
            }
            (true, _, Some(analysis)) if self.verifying_after_switch(status, target) => {
                Some((analysis, AnalysisKind::PostPromotion))
            }
            _ => None,
        };
        if status.aborted || status.analysis_passed {
            return [None, None];
        }
        [due, None]
    }

    /// A promotion also ends the wait for one.
    fn promote(&self, status: &mut RolloutStatus, now: u64) {
        status.promote_requested = true;
        status.paused_since.get_or_insert(now);
    }

    fn accept_inconclusive(&self, status: &mut RolloutStatus) {
        status.analysis_passed = true;
    }

    /// Promoted for good: the active service is on the target and no post-promotion analysis is
    /// still to pass.
    fn promoted(&self, status: &RolloutStatus, target: u32) -> bool {
        status.stable == Some(target) && !self.verifying_after_switch(status, target)
    }

    /// Before the switch the traffic is already on the stable revision. Between the switch and a
    /// passed post-promotion analysis it goes back to the previous revision, still Argo's stable
    /// one. Once promoted for good there is nothing to undo: the previous revision's scale-down
    /// delay runs on, as Argo leaves it.
    fn on_abort(&self, status: &mut RolloutStatus, target: u32) -> Option<u32> {
        if self.verifying_after_switch(status, target) {
            status.stable = status.previous_stable;
            status.scale_down_at = None;
            return status.previous_stable;
        }
        if status.stable != Some(target) {
            status.scale_down_at = None;
        }
        None
    }

    fn editor_json(&self) -> String {
        let mut fields = vec![
            "\"type\": \"blue_green\"".to_owned(),
            format!("\"auto_promotion_enabled\": {}", self.auto_promotion_enabled),
            format!("\"scale_down_delay_ticks\": {}", self.scale_down_delay_ticks),
            format!("\"abort_scale_down_delay_ticks\": {}", self.abort_scale_down_delay_ticks),
        ];
        if let Some(ticks) = self.auto_promotion_ticks {
            fields.push(format!("\"auto_promotion_ticks\": {ticks}"));
        }
        if let Some(count) = self.preview_replica_count {
            fields.push(format!("\"preview_replica_count\": {count}"));
        }
        if let Some(analysis) = &self.pre_promotion_analysis {
            fields.push(format!("\n \"pre_promotion_analysis\": {}", analysis.editor_json()));
        }
        if let Some(analysis) = &self.post_promotion_analysis {
            fields.push(format!("\n \"post_promotion_analysis\": {}", analysis.editor_json()));
        }
        format!("{{{}}}", fields.join(", "))
    }

    /// Resized while halted (`reconcileBlueGreenReplicaSets`): the active revision is the whole
    /// fleet, a preview keeps its preview size (or the fleet's, once promotion began growing it).
    fn rescale_halted(&self, fleet: &mut RolloutFleet<'_>) -> Option<bool> {
        let replicas = fleet.replicas;
        let target = fleet.target;
        let (_, _, stable) = active(fleet);
        let mut changed = false;
        if fleet.revisions[stable].desired != replicas {
            fleet.revisions.set_desired(stable, replicas);
            changed = true;
        }
        if stable != target && fleet.revisions[target].desired > 0 && !fleet.status.aborted {
            let preview = self.preview_replica_count.unwrap_or(replicas);
            let growing = fleet.status.promote_requested || fleet.status.promote_full;
            let wanted = if growing { replicas } else { preview };
            if fleet.revisions[target].desired != wanted {
                fleet.revisions.set_desired(target, wanted);
                changed = true;
            }
        }
        Some(changed)
    }

    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        let replicas = fleet.replicas;
        let target = fleet.target;
        let (new_number, stable_number, stable) = active(fleet);
        let mut changed = false;
        let mut set = |fleet: &mut RolloutFleet<'_>, index: usize, desired: u32| {
            if fleet.revisions[index].desired != desired {
                fleet.revisions.set_desired(index, desired);
                changed = true;
            }
        };

        // Revisions that are neither stable nor the target have no place in a blue-green pair,
        // except that after a promotion the previous stable lingers for the scale-down delay,
        // ready to take the traffic back at once.
        let delay_over = fleet.status.scale_down_at.is_none_or(|at| fleet.now >= at);
        if delay_over {
            fleet.status.scale_down_at =
                fleet.status.scale_down_at.filter(|_| stable != target && fleet.status.aborted);
            for index in 0..fleet.revisions.len() {
                if index != target && index != stable {
                    set(fleet, index, 0);
                }
            }
        }
        if stable == target {
            // Promoted (or nothing to roll out): the stable revision is the fleet; the previous one
            // waits out the scale-down delay, then goes.
            set(fleet, target, replicas);
            fleet.status.preview = None;
            if self.verifying_after_switch(fleet.status, new_number)
                && let Some(previous) =
                    fleet.revisions.iter().position(|r| Some(r.number) == fleet.status.previous_stable)
            {
                // Until the post-promotion analysis passes, the previous revision is still Argo's
                // stable ReplicaSet: it is kept whole (resized with the fleet), and its scale-down
                // delay starts only once the analysis has passed.
                set(fleet, previous, replicas);
                fleet.status.scale_down_at = Some(fleet.now.saturating_add(self.scale_down_delay_ticks));
            }
            return changed;
        }

        // While not promoted, the stable revision keeps the whole fleet (reconcileBlueGreenStableReplicaSet).
        set(fleet, stable, replicas);
        if fleet.status.aborted {
            // Traffic stays on stable; the preview goes after the abort scale-down delay, counted
            // from the abort itself even if the rollout was paused then (TM-9); 0 keeps it.
            let now = fleet.now;
            if super::abort_scale_down_over(fleet.status, self.abort_scale_down_delay_ticks, now) {
                set(fleet, target, 0);
            }
            return changed;
        }
        // The preview service points at the new revision from its creation.
        fleet.status.preview = Some(new_number);
        // A full promotion (`promote --full`) skips the preview size, the pre-promotion analysis and
        // the wait: the new revision grows to the whole fleet at once and takes the active service
        // as soon as it is ready (Argo's `promoteFull` on a blue-green rollout).
        let full = fleet.status.promote_full;
        let preview_size = if full { replicas } else { self.preview_replica_count.unwrap_or(replicas) };
        let new = &fleet.revisions[target];
        let preview_ready = new.desired >= preview_size && new.available >= preview_size;
        if new.desired < preview_size {
            set(fleet, target, preview_size);
            return changed;
        }
        // A pre-promotion analysis must pass before promotion is even considered.
        let analysed = full || self.pre_promotion_analysis.is_none() || fleet.status.analysis_passed;
        if !preview_ready || !analysed || !(full || self.may_promote(fleet)) {
            return changed;
        }
        // Promotion: the new revision first grows to the full fleet, then takes the active service.
        if fleet.revisions[target].desired < replicas {
            set(fleet, target, replicas);
            return changed;
        }
        if fleet.revisions[target].available < replicas {
            return changed;
        }
        fleet.status.previous_stable = Some(stable_number);
        fleet.status.stable = Some(new_number);
        // The post-promotion analysis starts from nothing.
        fleet.status.analysis_passed = false;
        fleet.status.step_measurements = 0;
        fleet.status.paused_since = None;
        fleet.status.promote_requested = false;
        fleet.status.scale_down_at = Some(fleet.now.saturating_add(self.scale_down_delay_ticks));
        true
    }
}
