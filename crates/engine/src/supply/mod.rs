//! The supply chain: the registry (images, tags, the layer cache), pipeline runs moving images
//! through build, tests, scans and promotion, the advisories known, the scan policy and the
//! nightly base refresh. It knows nothing of instances or rollouts: what it needs from them (which
//! images are in use, what the fleet runs) comes in as arguments.

use crate::command::is_valid_tag;
use crate::event_log::EventLog;
use crate::pipeline::PipelineRun;
use crate::registry::Registry;
use crate::scan::{Advisory, Severity, findings};
use crate::{CommandError, Digest, Event, Image, ImageRef, ImageSpec, Limits};

mod runs;

/// The supply chain's state.
#[derive(Clone, Debug)]
pub(crate) struct Supply {
    registry: Registry,
    pipelines: Vec<PipelineRun>,
    next_run_id: u32,
    advisories: Vec<Advisory>,
    scan_policy: Severity,
    nightly_refresh: bool,
}

impl Supply {
    /// A registry holding the scenario's first image, and the built-in advisories.
    pub(crate) fn new(scenario: &crate::Scenario) -> Self {
        let mut registry = Registry::new(scenario.registry.immutable_tags);
        // The first build always succeeds: an empty registry has no tag to refuse and the spec was
        // validated when the scenario was read.
        let _ = registry.build(&scenario.image, 0);
        Supply {
            registry,
            pipelines: Vec::new(),
            next_run_id: 0,
            advisories: crate::scan::built_in_advisories(),
            scan_policy: scenario.pipeline.fail_on,
            nightly_refresh: scenario.pipeline.nightly_base_refresh,
        }
    }

    /// The registry: images, tags and the build cache.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The registry entry for a digest.
    pub(crate) fn image(&self, digest: Digest) -> Option<&Image> {
        self.registry.image(digest)
    }

    /// Finds the image a reference names.
    pub(crate) fn resolve(&self, reference: &ImageRef) -> Result<Digest, CommandError> {
        self.registry.resolve(reference)
    }

    /// Pipeline runs, oldest first.
    pub(crate) fn pipelines(&self) -> &[PipelineRun] {
        &self.pipelines
    }

    /// Every advisory known, built-in ones first.
    pub(crate) fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    /// Whether the nightly base refresh is on.
    pub(crate) fn nightly_refresh(&self) -> bool {
        self.nightly_refresh
    }

    pub(crate) fn set_nightly_refresh(&mut self, enabled: bool, tick: u64, log: &mut EventLog) {
        self.nightly_refresh = enabled;
        log.emit(tick, Event::NightlyRefreshChanged { enabled });
    }

    pub(crate) fn set_immutable_tags(&mut self, enabled: bool, tick: u64, log: &mut EventLog) {
        self.registry.set_immutable_tags(enabled);
        log.emit(tick, Event::RegistryPolicyChanged { immutable_tags: enabled });
    }

    pub(crate) fn build_image(
        &mut self,
        spec: &ImageSpec,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
        let existed = self.registry.image(spec.digest()).is_some();
        let (plan, moved) = self.registry.build(spec, tick)?;
        log.emit(
            tick,
            Event::ImageBuilt {
                image: plan.digest,
                app_version: spec.app_version.clone(),
                reused: existed,
                layers_built: plan.layers_built(),
                build_ticks: plan.build_ticks,
            },
        );
        for (tag, from) in moved {
            log.emit(tick, Event::TagMoved { tag, from, to: plan.digest });
        }
        Ok(())
    }

    pub(crate) fn tag(
        &mut self,
        tag: &str,
        image: &ImageRef,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
        if !is_valid_tag(tag) {
            return Err(CommandError::InvalidTag { tag: tag.to_owned() });
        }
        let digest = self.registry.resolve(image)?;
        let before = self.registry.tags().get(tag).copied();
        self.registry.tag(tag, digest)?;
        if before != Some(digest) {
            log.emit(tick, Event::TagMoved { tag: tag.to_owned(), from: before, to: digest });
        }
        Ok(())
    }

    /// Keeps what anything still needs: images running on an instance, images of tracked
    /// revisions (the releases a rollback may return to) and images an environment tag names.
    /// `in_use` says whether the fleet or the rollout still needs an image.
    pub(crate) fn collect_garbage(&mut self, in_use: impl Fn(Digest) -> bool, tick: u64, log: &mut EventLog) {
        let registry = &self.registry;
        let keep: Vec<Digest> = registry
            .images()
            .iter()
            .map(|i| i.digest)
            .filter(|&digest| {
                in_use(digest) || registry.tags_of(digest).any(crate::registry::is_environment_tag)
            })
            .collect();
        let removed = self.registry.collect_garbage(|digest| keep.contains(&digest));
        log.emit(tick, Event::ImagesCollected { removed: removed.len() as u32, kept: keep.len() as u32 });
    }

    /// `instances_on` counts the live instances running any of the given images.
    pub(crate) fn publish_advisory(
        &mut self,
        advisory: Advisory,
        instances_on: impl Fn(&[Digest]) -> u32,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
        let check = |field: &str, value: &str| {
            if value.is_empty() || value.len() > 256 {
                Err(CommandError::InvalidAdvisory {
                    reason: format!("`{field}` must hold 1 to 256 characters"),
                })
            } else {
                Ok(())
            }
        };
        check("id", &advisory.id)?;
        check("package", &advisory.package)?;
        check("summary", &advisory.summary)?;
        crate::image::check_version("fixed_in", &advisory.fixed_in)
            .map_err(|error| CommandError::InvalidAdvisory { reason: error.to_string() })?;
        if self.advisories.len() >= Limits::ADVISORIES_MAX {
            return Err(CommandError::InvalidAdvisory {
                reason: format!("at most {} advisories", Limits::ADVISORIES_MAX),
            });
        }
        let id = advisory.id.clone();
        self.advisories.push(advisory);
        let affected: Vec<Digest> = self
            .registry
            .images()
            .iter()
            .filter(|image| findings(&image.spec, &self.advisories[self.advisories.len() - 1..]).len() == 1)
            .map(|image| image.digest)
            .collect();
        let instances_affected = instances_on(&affected);
        log.emit(
            tick,
            Event::AdvisoryPublished { id, images_affected: affected.len() as u32, instances_affected },
        );
        Ok(())
    }

    /// The spec of an image (of the first image built, should that one have been collected).
    pub(crate) fn spec_of(&self, image: Digest) -> ImageSpec {
        self.registry
            .image(image)
            .map(|image| image.spec.clone())
            .unwrap_or_else(|| self.registry.images()[0].spec.clone())
    }

    /// Advisories that affect an image, as known now (one published later counts at once).
    pub(crate) fn advisories_for(&self, digest: Digest) -> Vec<&Advisory> {
        self.registry.image(digest).map_or_else(Vec::new, |image| findings(&image.spec, &self.advisories))
    }

    /// Whether any known advisory affects the image (without listing them).
    pub(crate) fn is_affected(&self, digest: Digest) -> bool {
        self.registry
            .image(digest)
            .is_some_and(|image| crate::scan::affecting(&image.spec, &self.advisories).next().is_some())
    }
}
