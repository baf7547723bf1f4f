//! The image registry: images by digest, tags that point at them, and the layer cache builds reuse.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::command::tag_for_version;
use crate::{CommandError, Digest, Image, ImageRef, ImageSpec, LAYER_COUNT};

/// The tag every build moves unless tags are immutable: convenient, and the trap the lab teaches.
pub const LATEST: &str = "latest";
/// Tags that name what an environment runs; images they name are never garbage-collected.
pub const ENVIRONMENT_TAGS: [&str; 3] = ["dev", "staging", "production"];

/// Whether a tag is one of [`ENVIRONMENT_TAGS`].
pub fn is_environment_tag(tag: &str) -> bool {
    ENVIRONMENT_TAGS.contains(&tag)
}

/// Layer digests the build cache remembers.
const LAYER_CACHE_MAX: usize = 256;
/// Images the registry holds.
pub const IMAGES_MAX: usize = 64;

/// What a build did: which layers came from the cache and how long the rest took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildPlan {
    /// The digest the build produces.
    pub digest: Digest,
    /// Per layer, bottom to top: whether the build cache already has it.
    pub cached: [bool; LAYER_COUNT],
    /// Sum of the build costs of the layers not cached.
    pub build_ticks: u32,
}

impl BuildPlan {
    /// Layers the build must run.
    pub fn layers_built(&self) -> u32 {
        self.cached.iter().filter(|cached| !**cached).count() as u32
    }
}

/// A tag a build set: its name and what it named before (None if it is new).
pub type TagMove = (String, Option<Digest>);

/// Images, tags and the build cache.
#[derive(Clone, Debug)]
pub struct Registry {
    images: Vec<Image>,
    tags: BTreeMap<String, Digest>,
    immutable_tags: bool,
    /// Most recently used last.
    layer_cache: VecDeque<Digest>,
}

impl Registry {
    /// An empty registry.
    pub fn new(immutable_tags: bool) -> Self {
        Registry { images: Vec::new(), tags: BTreeMap::new(), immutable_tags, layer_cache: VecDeque::new() }
    }

    /// Images in build order.
    pub fn images(&self) -> &[Image] {
        &self.images
    }

    /// The image with this digest.
    pub fn image(&self, digest: Digest) -> Option<&Image> {
        self.images.iter().find(|image| image.digest == digest)
    }

    /// Every tag and the digest it names.
    pub fn tags(&self) -> &BTreeMap<String, Digest> {
        &self.tags
    }

    /// The tags that name `digest`, in name order.
    pub fn tags_of(&self, digest: Digest) -> impl Iterator<Item = &str> {
        self.tags.iter().filter(move |(_, d)| **d == digest).map(|(tag, _)| tag.as_str())
    }

    /// Whether tags, once set, may never move.
    pub fn immutable_tags(&self) -> bool {
        self.immutable_tags
    }

    pub(crate) fn set_immutable_tags(&mut self, immutable: bool) {
        self.immutable_tags = immutable;
    }

    /// What building `spec` now would reuse and cost, without building it.
    pub fn plan(&self, spec: &ImageSpec) -> BuildPlan {
        let layers = spec.layers();
        let mut cached = [false; LAYER_COUNT];
        let mut build_ticks = 0;
        for (index, layer) in layers.iter().enumerate() {
            // A chained digest commits to every layer below, so a hit here means all below hit too.
            cached[index] = self.layer_cache.contains(&layer.digest);
            if !cached[index] {
                build_ticks += layer.build_ticks;
            }
        }
        BuildPlan { digest: layers[LAYER_COUNT - 1].digest, cached, build_ticks }
    }

    /// The tags a plain build sets: `v<app_version>` and, unless tags are immutable, `latest`.
    pub fn default_tags(&self, spec: &ImageSpec) -> Vec<String> {
        let mut tags = vec![tag_for_version(&spec.app_version)];
        if !self.immutable_tags {
            tags.push(LATEST.to_owned());
        }
        tags
    }

    /// Builds and pushes `spec` with its default tags. Returns the plan it followed and the tags
    /// it moved.
    pub(crate) fn build(
        &mut self,
        spec: &ImageSpec,
        tick: u64,
    ) -> Result<(BuildPlan, Vec<TagMove>), CommandError> {
        let plan = self.plan(spec);
        let tags = self.default_tags(spec);
        let moved = self.push(spec, tick, &tags)?;
        Ok((plan, moved))
    }

    /// Remembers a spec's layers in the build cache (the newest stay when it is full).
    pub(crate) fn cache_layers(&mut self, spec: &ImageSpec) {
        for layer in spec.layers() {
            self.layer_cache.retain(|cached| *cached != layer.digest);
            self.layer_cache.push_back(layer.digest);
        }
        while self.layer_cache.len() > LAYER_CACHE_MAX {
            self.layer_cache.pop_front();
        }
    }

    /// Stores a built spec and points `tags` at it. Checks everything before changing anything,
    /// so a refusal leaves the registry as it was.
    pub(crate) fn push(
        &mut self,
        spec: &ImageSpec,
        tick: u64,
        tags: &[String],
    ) -> Result<Vec<TagMove>, CommandError> {
        spec.validate()?;
        let digest = spec.digest();
        let exists = self.image(digest).is_some();
        if !exists && self.images.len() >= IMAGES_MAX {
            return Err(CommandError::RegistryFull { max: IMAGES_MAX });
        }
        for tag in tags {
            self.check_tag_move(tag, digest)?;
        }
        if !exists {
            self.images.push(Image::new(spec.clone(), tick));
        }
        self.cache_layers(spec);
        Ok(tags
            .iter()
            .filter_map(|tag| {
                let previous = self.tags.insert(tag.clone(), digest);
                (previous != Some(digest)).then(|| (tag.clone(), previous))
            })
            .collect())
    }

    /// Points `tag` at `digest`. Returns the digest it named before, if it moved.
    pub(crate) fn tag(&mut self, tag: &str, digest: Digest) -> Result<Option<Digest>, CommandError> {
        if self.image(digest).is_none() {
            return Err(CommandError::UnknownImage { reference: digest.to_string() });
        }
        self.check_tag_move(tag, digest)?;
        Ok(self.tags.insert(tag.to_owned(), digest).filter(|previous| *previous != digest))
    }

    fn check_tag_move(&self, tag: &str, digest: Digest) -> Result<(), CommandError> {
        match self.tags.get(tag) {
            Some(current) if *current != digest && self.immutable_tags => {
                Err(CommandError::TagImmutable { tag: tag.to_owned(), current: *current })
            }
            _ => Ok(()),
        }
    }

    /// Finds the image a reference names.
    pub fn resolve(&self, reference: &ImageRef) -> Result<Digest, CommandError> {
        let unknown = || CommandError::UnknownImage { reference: reference.to_string() };
        match reference {
            ImageRef::Tag(tag) => self.tags.get(tag).copied().ok_or_else(unknown),
            ImageRef::Digest(prefix) => {
                let mut matches =
                    self.images.iter().filter(|image| image.digest.hex().starts_with(prefix.as_str()));
                let first = matches.next().ok_or_else(unknown)?;
                if matches.next().is_some() {
                    return Err(CommandError::AmbiguousImage { reference: reference.to_string() });
                }
                Ok(first.digest)
            }
        }
    }

    /// Deletes every image `keep` does not protect, with the tags that named it. Returns what went.
    pub(crate) fn collect_garbage(&mut self, keep: impl Fn(Digest) -> bool) -> Vec<Digest> {
        let removed: Vec<Digest> =
            self.images.iter().map(|image| image.digest).filter(|digest| !keep(*digest)).collect();
        self.images.retain(|image| !removed.contains(&image.digest));
        self.tags.retain(|_, digest| !removed.contains(digest));
        removed
    }
}
