//! Kubernetes Recreate: stop every old instance, wait until they are all gone (draining ones
//! included), then start the new ones. Simple, and the fleet is down in between. Follows
//! `rolloutRecreate` in `recreate.go` (§2.8 of docs/semantics.md).

use serde::{Deserialize, Serialize};

use super::{RolloutFleet, Strategy};

/// Recreate takes no parameters (and refuses rolling-update ones).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recreate {}

impl Strategy for Recreate {
    fn name(&self) -> &'static str {
        "recreate"
    }

    fn label(&self) -> &'static str {
        "Recreate"
    }

    fn describe(&self) -> String {
        "recreate · every old instance stops before new ones start".to_owned()
    }

    fn editor_json(&self) -> String {
        "{\"type\": \"recreate\"}".to_owned()
    }

    /// `rolloutRecreate` looks the new ReplicaSet up without creating it, and creates it only once
    /// `oldPodsRunning` is false.
    fn creates_revision_when_old_are_gone(&self) -> bool {
        true
    }

    fn reconcile(&self, fleet: &mut RolloutFleet<'_>) -> bool {
        let target = fleet.target;
        // 1. Scale every old revision to zero in one pass.
        let mut scaled_down = false;
        for index in 0..fleet.revisions.len() {
            if index != target && fleet.revisions[index].desired > 0 {
                fleet.revisions.set_desired(index, 0);
                scaled_down = true;
            }
        }
        if scaled_down {
            return true;
        }
        // 2. Wait while any old instance still runs, draining ones included.
        let old_running = fleet
            .revisions
            .iter()
            .enumerate()
            .any(|(index, revision)| index != target && (revision.live > 0 || revision.terminating > 0));
        if old_running {
            return false;
        }
        // 3. Only then the new revision, at full size at once.
        if fleet.revisions[target].desired != fleet.replicas {
            fleet.revisions.set_desired(target, fleet.replicas);
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Digest, ImageRef, Revision};

    fn revision(number: u32, desired: u32, live: u32, terminating: u32) -> Revision {
        let image = Digest::of(&[number as u8]);
        Revision {
            desired,
            live,
            available: live,
            terminating,
            ..Revision::new(number, image, ImageRef::digest(image), 0)
        }
    }

    #[test]
    fn waits_for_every_old_instance_to_be_gone_before_starting_new_ones() {
        let mut revisions = [revision(1, 3, 3, 0), revision(2, 0, 0, 0)];
        let mut status = super::super::RolloutStatus::default();
        let mut pass = |revisions: &mut [Revision]| {
            let revisions = super::super::DesiredCounts::new(revisions);
            let mut fleet = RolloutFleet { replicas: 3, revisions, target: 1, now: 0, status: &mut status };
            Recreate {}.reconcile(&mut fleet)
        };
        assert!(pass(&mut revisions));
        assert_eq!((revisions[0].desired, revisions[1].desired), (0, 0));
        // Old instances are draining: still nothing new.
        revisions[0].live = 0;
        revisions[0].terminating = 3;
        assert!(!pass(&mut revisions));
        revisions[0].terminating = 0;
        assert!(pass(&mut revisions));
        assert_eq!(revisions[1].desired, 3);
    }

    #[test]
    fn refuses_rolling_update_parameters() {
        let error = serde_json::from_str::<Recreate>(r#"{"max_surge": 1}"#).unwrap_err();
        assert!(error.to_string().contains("unknown field `max_surge`"));
    }
}
