//! Commands on the registry: building, tagging and collecting garbage.

use super::World;
use crate::{CommandError, Digest, Event, ImageRef, ImageSpec, command::is_valid_tag};

impl World {
    pub(super) fn build_image(&mut self, spec: &ImageSpec) -> Result<(), CommandError> {
        let existed = self.registry.image(spec.digest()).is_some();
        let (plan, moved) = self.registry.build(spec, self.now)?;
        self.emit(Event::ImageBuilt {
            image: plan.digest,
            app_version: spec.app_version.clone(),
            reused: existed,
            layers_built: plan.layers_built(),
            build_ticks: plan.build_ticks,
        });
        for (tag, from) in moved {
            self.emit(Event::TagMoved { tag, from, to: plan.digest });
        }
        Ok(())
    }

    pub(super) fn tag(&mut self, tag: &str, image: &ImageRef) -> Result<(), CommandError> {
        if !is_valid_tag(tag) {
            return Err(CommandError::InvalidTag { tag: tag.to_owned() });
        }
        let digest = self.registry.resolve(image)?;
        let before = self.registry.tags().get(tag).copied();
        self.registry.tag(tag, digest)?;
        if before != Some(digest) {
            self.emit(Event::TagMoved { tag: tag.to_owned(), from: before, to: digest });
        }
        Ok(())
    }

    /// Keeps what anything still needs: images running on an instance, images of tracked
    /// revisions (the releases a rollback may return to) and images an environment tag names.
    pub(super) fn collect_garbage(&mut self) {
        let in_use = |digest: Digest, world: &World| {
            world.instances.iter().any(|i| i.image == digest && i.state.is_live())
                || world.revisions.iter().any(|r| r.image == digest)
                || world.registry.tags_of(digest).any(crate::registry::is_environment_tag)
        };
        let keep: Vec<Digest> =
            self.registry.images().iter().map(|i| i.digest).filter(|d| in_use(*d, self)).collect();
        let removed = self.registry.collect_garbage(|digest| keep.contains(&digest));
        self.emit(Event::ImagesCollected { removed: removed.len() as u32, kept: keep.len() as u32 });
    }
}
