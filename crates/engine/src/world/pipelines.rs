//! The pipeline in the world: starting runs, moving each stage along as ticks pass, and the
//! commands around it (approval, manual promotion, advisories, the nightly base refresh).

use super::{Limits, World};
use crate::command::tag_for_version;
use crate::pipeline::{PipelineOptions, PipelineRun, StageKind, StageStatus};
use crate::registry::{ENVIRONMENT_TAGS, LATEST};
use crate::scan::{Advisory, find_baked_secret, findings};
use crate::{CommandError, Digest, Event, ImageRef, ImageSpec};

/// Pull-through speed of the registry when pushing, in KB per tick.
const PUSH_KB_PER_TICK: u32 = 200_000;

impl World {
    pub(super) fn run_pipeline(
        &mut self,
        spec: ImageSpec,
        options: PipelineOptions,
    ) -> Result<(), CommandError> {
        spec.validate()?;
        if let Some(stage) = options.failing_tests
            && !matches!(stage, StageKind::UnitTests | StageKind::IntegrationTests)
        {
            return Err(CommandError::NotATestStage { stage });
        }
        let active = self.pipelines.iter().filter(|run| !run.is_finished()).count();
        if active >= Limits::PIPELINES_ACTIVE_MAX {
            return Err(CommandError::PipelinesBusy { max: Limits::PIPELINES_ACTIVE_MAX });
        }
        self.next_run_id += 1;
        let run = PipelineRun::new(self.next_run_id, spec, options, self.now);
        self.emit(Event::PipelineStarted {
            run: run.id,
            app_version: run.spec.app_version.clone(),
            image: run.digest,
        });
        self.pipelines.push(run);
        // Keep the newest runs; finished ones beyond the limit are forgotten oldest first.
        while self.pipelines.len() > Limits::PIPELINES_KEPT {
            match self.pipelines.iter().position(PipelineRun::is_finished) {
                Some(index) => self.pipelines.remove(index),
                None => break,
            };
        }
        Ok(())
    }

    pub(super) fn approve(&mut self, run_id: u32) -> Result<(), CommandError> {
        let run = self
            .pipelines
            .iter_mut()
            .find(|run| run.id == run_id)
            .ok_or(CommandError::UnknownRun { run: run_id })?;
        let waiting = matches!(
            run.stages.get(run.current),
            Some((StageKind::Approval, StageStatus::AwaitingApproval { .. }))
        );
        if !waiting {
            return Err(CommandError::NotAwaitingApproval { run: run_id });
        }
        run.approved = true;
        Ok(())
    }

    pub(super) fn promote(&mut self, image: &ImageRef, environment: &str) -> Result<(), CommandError> {
        if !ENVIRONMENT_TAGS.contains(&environment) {
            return Err(CommandError::UnknownEnvironment { environment: environment.to_owned() });
        }
        let digest = self.registry.resolve(image)?;
        let approved = self.pipelines.iter().any(|run| run.approved && run.digest == digest);
        if environment == "production" && !approved {
            return Err(CommandError::ApprovalRequired { image: digest });
        }
        let before = self.registry.tags().get(environment).copied();
        self.registry.tag(environment, digest)?;
        if before != Some(digest) {
            self.emit(Event::TagMoved { tag: environment.to_owned(), from: before, to: digest });
        }
        self.emit(Event::Promoted { environment: environment.to_owned(), image: digest, rebuilt: false });
        Ok(())
    }

    pub(super) fn publish_advisory(&mut self, advisory: Advisory) -> Result<(), CommandError> {
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
        let instances_affected =
            self.instances.iter().filter(|i| i.state.is_live() && affected.contains(&i.image)).count() as u32;
        self.emit(Event::AdvisoryPublished {
            id,
            images_affected: affected.len() as u32,
            instances_affected,
        });
        Ok(())
    }

    /// Moves every unfinished run along; called once per tick before instances advance.
    pub(super) fn advance_pipelines(&mut self, tick: u64) {
        if self.nightly_refresh && tick > 0 && tick.is_multiple_of(Limits::NIGHT_TICKS) {
            let mut spec = self.target_spec();
            spec.base_snapshot = spec.base_snapshot.saturating_add(1);
            // A busy pipeline skips tonight's refresh; tomorrow's will run.
            let _ = self.run_pipeline(spec, PipelineOptions::default());
        }
        for index in 0..self.pipelines.len() {
            // A stage that passes lets the next start in the same tick; each stage lasts at least
            // one tick, so this loop ends after one completion at most per stage.
            for _ in 0..StageKind::ALL.len() {
                if !self.advance_run(index, tick) {
                    break;
                }
            }
        }
    }

    /// The spec the fleet's target revision runs.
    pub(super) fn target_spec(&self) -> ImageSpec {
        let image = self.revisions[self.target].image;
        self.registry
            .image(image)
            .map(|image| image.spec.clone())
            .unwrap_or_else(|| self.registry.images()[0].spec.clone())
    }

    /// Starts or finishes the run's current stage. Returns whether the run moved to another stage.
    fn advance_run(&mut self, index: usize, tick: u64) -> bool {
        let run = &self.pipelines[index];
        if run.is_finished() {
            return false;
        }
        let (kind, status) = run.stages[run.current].clone();
        match status {
            StageStatus::Waiting => {
                let next = if kind == StageKind::Approval {
                    self.emit(Event::AwaitingApproval { run: self.pipelines[index].id });
                    StageStatus::AwaitingApproval { since_tick: tick }
                } else {
                    let ends_tick = tick + u64::from(self.stage_ticks(index, kind).max(1));
                    StageStatus::Running { started_tick: tick, ends_tick }
                };
                let run = &mut self.pipelines[index];
                run.stages[run.current].1 = next;
                false
            }
            StageStatus::AwaitingApproval { .. } if self.pipelines[index].approved => {
                self.pass(index, kind, tick)
            }
            StageStatus::Running { ends_tick, .. } if tick >= ends_tick => match self
                .finish_stage(index, kind, tick)
            {
                Ok(()) => self.pass(index, kind, tick),
                Err(reason) => {
                    let run = &mut self.pipelines[index];
                    run.stages[run.current].1 = StageStatus::Failed { at_tick: tick, reason: reason.clone() };
                    let id = run.id;
                    self.emit(Event::StageFailed { run: id, stage: kind, reason });
                    false
                }
            },
            _ => false,
        }
    }

    fn pass(&mut self, index: usize, kind: StageKind, tick: u64) -> bool {
        let run = &mut self.pipelines[index];
        run.stages[run.current].1 = StageStatus::Passed { at_tick: tick };
        run.current += 1;
        let (id, done) = (run.id, run.succeeded());
        self.emit(Event::StagePassed { run: id, stage: kind });
        if done {
            self.emit(Event::PipelineSucceeded { run: id });
        }
        !done
    }

    fn stage_ticks(&self, index: usize, kind: StageKind) -> u32 {
        let spec = &self.pipelines[index].spec;
        match kind {
            StageKind::Build => self.registry.plan(spec).build_ticks,
            StageKind::Push => 1 + spec.size_kb() / PUSH_KB_PER_TICK,
            other => other.fixed_ticks(),
        }
    }

    /// What a stage does when its time is up; an error is the reason it failed.
    fn finish_stage(&mut self, index: usize, kind: StageKind, tick: u64) -> Result<(), String> {
        let run = &self.pipelines[index];
        if run.options.failing_tests == Some(kind) {
            return Err(match kind {
                StageKind::UnitTests => {
                    "2 of 148 unit tests failed: cart total is off by one cent after a discount".into()
                }
                _ => "the image started but did not pass its health check within 30 s: /healthz returned 500"
                    .into(),
            });
        }
        match kind {
            StageKind::Build => {
                let spec = run.spec.clone();
                self.registry.cache_layers(&spec);
                Ok(())
            }
            StageKind::VulnerabilityScan => {
                let blocking: Vec<String> = findings(&run.spec, &self.advisories)
                    .into_iter()
                    .filter(|advisory| advisory.severity >= self.scan_policy)
                    .map(|advisory| {
                        let installed =
                            run.spec.packages.get(&advisory.package).cloned().unwrap_or_else(|| {
                                run.spec.runtime.as_ref().map(|r| r.version.clone()).unwrap_or_default()
                            });
                        format!(
                            "{} {installed} is affected by {} ({}, fixed in {})",
                            advisory.package,
                            advisory.id,
                            advisory.severity.label(),
                            advisory.fixed_in
                        )
                    })
                    .collect();
                if blocking.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "{}; the policy fails at {} and above",
                        blocking.join("; "),
                        self.scan_policy.label()
                    ))
                }
            }
            StageKind::SecretScan => match find_baked_secret(&run.spec) {
                None => Ok(()),
                Some((key, why)) => Err(format!(
                    "config `{key}` looks like a secret baked into the image ({why}); inject it at runtime from a secrets manager instead"
                )),
            },
            StageKind::Push => {
                let spec = run.spec.clone();
                let mut tags = vec![tag_for_version(&spec.app_version), run.commit_tag()];
                if !self.registry.immutable_tags() {
                    tags.push(LATEST.to_owned());
                }
                let moved = self.registry.push(&spec, tick, &tags).map_err(|error| error.to_string())?;
                let digest = spec.digest();
                for (tag, from) in moved {
                    self.emit(Event::TagMoved { tag, from, to: digest });
                }
                Ok(())
            }
            StageKind::PromoteDev | StageKind::PromoteStaging | StageKind::PromoteProduction => {
                let environment = kind.environment().unwrap_or("dev");
                self.promote_in_pipeline(index, environment, tick)
            }
            _ => Ok(()),
        }
    }

    /// Promotion moves the tested digest; with `rebuild_per_environment` it builds a fresh image
    /// with the environment baked in, which is exactly what makes it a snowflake.
    fn promote_in_pipeline(&mut self, index: usize, environment: &str, tick: u64) -> Result<(), String> {
        let run = &self.pipelines[index];
        let rebuilt = run.options.rebuild_per_environment;
        let digest = if rebuilt {
            let mut spec = run.spec.clone();
            spec.config.insert("ENVIRONMENT".into(), environment.to_owned());
            let tag = format!("{}-{environment}", tag_for_version(&spec.app_version));
            self.registry.push(&spec, tick, &[tag]).map_err(|error| error.to_string())?;
            spec.digest()
        } else {
            run.digest
        };
        let before = self.registry.tags().get(environment).copied();
        self.registry.tag(environment, digest).map_err(|error| error.to_string())?;
        if before != Some(digest) {
            self.emit(Event::TagMoved { tag: environment.to_owned(), from: before, to: digest });
        }
        self.pipelines[index].environments.push((environment.to_owned(), digest));
        self.emit(Event::Promoted { environment: environment.to_owned(), image: digest, rebuilt });
        Ok(())
    }

    /// Advisories that affect an image, as known now (one published later counts at once).
    pub fn advisories_for(&self, digest: Digest) -> Vec<&Advisory> {
        self.registry.image(digest).map_or_else(Vec::new, |image| findings(&image.spec, &self.advisories))
    }
}
