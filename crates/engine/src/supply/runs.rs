//! Pipeline runs: starting one, moving each stage along as ticks pass, approval and promotion.

use super::Supply;
use crate::command::tag_for_version;
use crate::event_log::EventLog;
use crate::pipeline::{BlockingAdvisory, PipelineOptions, PipelineRun, StageFailure, StageKind, StageStatus};
use crate::registry::{ENVIRONMENT_TAGS, LATEST};
use crate::scan::{find_baked_secret, findings};
use crate::{CommandError, Digest, Event, ImageRef, ImageSpec, Limits};

/// Pull-through speed of the registry when pushing, in KB per tick.
const PUSH_KB_PER_TICK: u32 = 200_000;

impl Supply {
    pub(crate) fn run_pipeline(
        &mut self,
        spec: ImageSpec,
        options: PipelineOptions,
        tick: u64,
        log: &mut EventLog,
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
        let run = PipelineRun::new(self.next_run_id, spec, options, tick);
        log.emit(
            tick,
            Event::PipelineStarted {
                run: run.id,
                app_version: run.spec.app_version.clone(),
                image: run.digest,
            },
        );
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

    pub(crate) fn approve(&mut self, run_id: u32) -> Result<(), CommandError> {
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

    pub(crate) fn promote(
        &mut self,
        image: &ImageRef,
        environment: &str,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), CommandError> {
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
            log.emit(tick, Event::TagMoved { tag: environment.to_owned(), from: before, to: digest });
        }
        log.emit(
            tick,
            Event::Promoted { environment: environment.to_owned(), image: digest, rebuilt: false },
        );
        Ok(())
    }

    /// Moves every unfinished run along; called once per tick before instances advance. The
    /// nightly refresh rebuilds `target_image` (what the fleet runs) on tonight's base.
    pub(crate) fn advance_pipelines(&mut self, target_image: Digest, tick: u64, log: &mut EventLog) {
        if self.nightly_refresh && tick > 0 && tick.is_multiple_of(Limits::NIGHT_TICKS) {
            let mut spec = self.spec_of(target_image);
            spec.base_snapshot = spec.base_snapshot.saturating_add(1);
            // A busy pipeline skips tonight's refresh; tomorrow's will run.
            let _ = self.run_pipeline(spec, PipelineOptions::default(), tick, log);
        }
        for index in 0..self.pipelines.len() {
            // A stage that passes lets the next start in the same tick; each stage lasts at least
            // one tick, so this loop ends after one completion at most per stage.
            for _ in 0..StageKind::ALL.len() {
                if !self.advance_run(index, tick, log) {
                    break;
                }
            }
        }
    }

    /// Starts or finishes the run's current stage. Returns whether the run moved to another stage.
    fn advance_run(&mut self, index: usize, tick: u64, log: &mut EventLog) -> bool {
        let run = &self.pipelines[index];
        if run.is_finished() {
            return false;
        }
        let (kind, status) = run.stages[run.current].clone();
        match status {
            StageStatus::Waiting => {
                let next = if kind == StageKind::Approval {
                    log.emit(tick, Event::AwaitingApproval { run: self.pipelines[index].id });
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
                self.pass(index, kind, tick, log)
            }
            StageStatus::Running { ends_tick, .. } if tick >= ends_tick => {
                match self.finish_stage(index, kind, tick, log) {
                    Ok(()) => self.pass(index, kind, tick, log),
                    Err(failure) => {
                        let run = &mut self.pipelines[index];
                        run.stages[run.current].1 =
                            StageStatus::Failed { at_tick: tick, failure: failure.clone() };
                        let id = run.id;
                        log.emit(tick, Event::StageFailed { run: id, stage: kind, failure });
                        false
                    }
                }
            }
            _ => false,
        }
    }

    fn pass(&mut self, index: usize, kind: StageKind, tick: u64, log: &mut EventLog) -> bool {
        let run = &mut self.pipelines[index];
        run.stages[run.current].1 = StageStatus::Passed { at_tick: tick };
        run.current += 1;
        let (id, done) = (run.id, run.succeeded());
        log.emit(tick, Event::StagePassed { run: id, stage: kind });
        if done {
            log.emit(tick, Event::PipelineSucceeded { run: id });
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
    fn finish_stage(
        &mut self,
        index: usize,
        kind: StageKind,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), StageFailure> {
        let run = &self.pipelines[index];
        if run.options.failing_tests == Some(kind) {
            return Err(match kind {
                StageKind::UnitTests => StageFailure::UnitTests,
                _ => StageFailure::HealthCheck,
            });
        }
        match kind {
            StageKind::Build => {
                let spec = run.spec.clone();
                self.registry.cache_layers(&spec);
                Ok(())
            }
            StageKind::VulnerabilityScan => {
                let findings: Vec<BlockingAdvisory> = findings(&run.spec, &self.advisories)
                    .into_iter()
                    .filter(|advisory| advisory.severity >= self.scan_policy)
                    .map(|advisory| BlockingAdvisory {
                        package: advisory.package.clone(),
                        installed: run.spec.packages.get(&advisory.package).cloned().unwrap_or_else(|| {
                            run.spec.runtime.as_ref().map(|r| r.version.clone()).unwrap_or_default()
                        }),
                        advisory: advisory.id.clone(),
                        severity: advisory.severity,
                        fixed_in: advisory.fixed_in.clone(),
                    })
                    .collect();
                if findings.is_empty() {
                    Ok(())
                } else {
                    Err(StageFailure::Vulnerable { findings, policy: self.scan_policy })
                }
            }
            StageKind::SecretScan => match find_baked_secret(&run.spec) {
                None => Ok(()),
                Some((key, why)) => Err(StageFailure::BakedSecret { key, why }),
            },
            StageKind::Push => {
                let spec = run.spec.clone();
                let mut tags = vec![tag_for_version(&spec.app_version), run.commit_tag()];
                if !self.registry.immutable_tags() {
                    tags.push(LATEST.to_owned());
                }
                let moved = self.registry.push(&spec, tick, &tags).map_err(registry_refused)?;
                let digest = spec.digest();
                for (tag, from) in moved {
                    log.emit(tick, Event::TagMoved { tag, from, to: digest });
                }
                Ok(())
            }
            StageKind::PromoteDev | StageKind::PromoteStaging | StageKind::PromoteProduction => {
                let environment = kind.environment().unwrap_or("dev");
                self.promote_in_pipeline(index, environment, tick, log)
            }
            _ => Ok(()),
        }
    }

    /// Promotion moves the tested digest; with `rebuild_per_environment` it builds a fresh image
    /// with the environment baked in, which is exactly what makes it a snowflake.
    fn promote_in_pipeline(
        &mut self,
        index: usize,
        environment: &str,
        tick: u64,
        log: &mut EventLog,
    ) -> Result<(), StageFailure> {
        let run = &self.pipelines[index];
        let rebuilt = run.options.rebuild_per_environment;
        let digest = if rebuilt {
            let mut spec = run.spec.clone();
            spec.config.insert("ENVIRONMENT".into(), environment.to_owned());
            let tag = format!("{}-{environment}", tag_for_version(&spec.app_version));
            self.registry.push(&spec, tick, &[tag]).map_err(registry_refused)?;
            spec.digest()
        } else {
            run.digest
        };
        let before = self.registry.tags().get(environment).copied();
        self.registry.tag(environment, digest).map_err(registry_refused)?;
        if before != Some(digest) {
            log.emit(tick, Event::TagMoved { tag: environment.to_owned(), from: before, to: digest });
        }
        self.pipelines[index].environments.push((environment.to_owned(), digest));
        log.emit(tick, Event::Promoted { environment: environment.to_owned(), image: digest, rebuilt });
        Ok(())
    }
}

fn registry_refused(error: crate::CommandError) -> StageFailure {
    StageFailure::Registry { error: Box::new(error) }
}
