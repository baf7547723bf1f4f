//! The supply view: what could run.

use crate::pipeline::PipelineRun;
use crate::scan::Advisory;
use crate::{BuildPlan, Digest, Image, ImageSpec, World};

/// The registry's images with their tags and advisories, pipeline runs and the nightly refresh.
#[derive(Clone, Copy, Debug)]
pub struct SupplyView<'a> {
    /// The registry's images, in build order (an image's position picks its colour on the page).
    pub images: &'a [Image],
    /// Whether tags, once set, may never move.
    pub immutable_tags: bool,
    /// Every advisory known, built-in ones first.
    pub advisories: &'a [Advisory],
    /// Pipeline runs, oldest first.
    pub pipelines: &'a [PipelineRun],
    /// Whether the nightly base refresh is on.
    pub nightly_refresh: bool,
    world: &'a World,
}

impl World {
    /// The registry's images with their tags and advisories, pipeline runs and the nightly refresh.
    pub fn supply_view(&self) -> SupplyView<'_> {
        let registry = self.registry();
        SupplyView {
            images: registry.images(),
            immutable_tags: registry.immutable_tags(),
            advisories: self.advisories(),
            pipelines: self.pipelines(),
            nightly_refresh: self.nightly_refresh(),
            world: self,
        }
    }
}

impl<'a> SupplyView<'a> {
    /// The image with this digest, if the registry still holds it.
    pub fn image(&self, digest: Digest) -> Option<&'a Image> {
        self.world.image(digest)
    }

    /// The image's position in build order, if the registry still holds it.
    pub fn position(&self, digest: Digest) -> Option<usize> {
        self.images.iter().position(|image| image.digest == digest)
    }

    /// The tags that name the image, in name order.
    pub fn tags_of(&self, digest: Digest) -> impl Iterator<Item = &'a str> + use<'a> {
        self.world.registry().tags_of(digest)
    }

    /// Advisories that affect the image as built, as known now. Returns a new `Vec`.
    pub fn advisories_of(&self, digest: Digest) -> Vec<&'a Advisory> {
        self.world.advisories_for(digest)
    }

    /// Whether any known advisory affects the image as built (allocates nothing, unlike
    /// [`Self::advisories_of`]).
    pub fn is_affected(&self, digest: Digest) -> bool {
        self.world.is_affected(digest)
    }

    /// What building `spec` now would reuse and cost, without building it.
    pub fn plan(&self, spec: &ImageSpec) -> BuildPlan {
        self.world.registry().plan(spec)
    }
}
