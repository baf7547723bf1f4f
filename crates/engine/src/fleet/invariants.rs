//! The world's invariants, checked by tests after every tick.

use super::Fleet;
use crate::{Lifecycle, Revision};

impl Fleet {
    /// Checks that the instances and the revisions' counters agree; the error says which
    /// invariant broke.
    pub(crate) fn check_invariants(&self, revisions: &[Revision]) -> Result<(), String> {
        for revision in revisions {
            let mine = self.instances.iter().filter(|i| i.revision == revision.number);
            let live = mine.clone().filter(|i| i.state.is_live()).count() as u32;
            let available = mine.clone().filter(|i| i.state == Lifecycle::InService).count() as u32;
            let terminating = mine.clone().filter(|i| i.state == Lifecycle::Draining).count() as u32;
            if terminating != revision.terminating {
                return Err(format!(
                    "revision {} counts {} terminating but has {terminating}",
                    revision.number, revision.terminating
                ));
            }
            if (live, available) != (revision.live, revision.available) {
                return Err(format!(
                    "revision {} counts live {}/available {} but has {live}/{available}",
                    revision.number, revision.live, revision.available
                ));
            }
            // Only a pinned template promises one image; a tag may have moved between launches.
            if !revision.launch.is_floating()
                && let Some(stray) = mine.clone().find(|i| i.image != revision.image)
            {
                return Err(format!("{} runs an image its revision does not", stray.id));
            }
        }
        for instance in &self.instances {
            if !revisions.iter().any(|r| r.number == instance.revision) && instance.state.is_live() {
                return Err(format!("{} belongs to no revision", instance.id));
            }
            let stopped = matches!(instance.state, Lifecycle::Draining | Lifecycle::Terminated);
            if stopped != instance.stop_tick.is_some() {
                return Err(format!(
                    "{} is {:?} with stop tick {:?}",
                    instance.id, instance.state, instance.stop_tick
                ));
            }
        }
        if self.due_ticks.len() != self.instances.len() {
            return Err(format!("{} due ticks for {} instances", self.due_ticks.len(), self.instances.len()));
        }
        if let Some((instance, due)) =
            self.instances.iter().zip(&self.due_ticks).find(|(i, due)| **due != super::due_tick(i))
        {
            return Err(format!(
                "{} is due at {due}, its lifecycle says {}",
                instance.id,
                super::due_tick(instance)
            ));
        }
        if self.instances.windows(2).any(|pair| pair[0].id >= pair[1].id) {
            return Err("instance ids are not strictly increasing".into());
        }
        let live: u32 = revisions.iter().map(|r| r.live).sum();
        let counted = self.instances.iter().filter(|i| i.state.is_live()).count() as u32;
        if live != counted {
            return Err(format!("revisions count {live} live instances, the fleet has {counted}"));
        }
        Ok(())
    }
}
