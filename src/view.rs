//! Turns the lab's state into the plain data each component shows. Pure, so the page's numbers
//! can be checked without a browser.

use std::rc::Rc;

use lab_engine::{Digest, Event, Lifecycle, World};

use crate::components::{DriftRow, LegendRow, LogEntry, RegistryRow, RevisionBar, StepView, TableRow};
use crate::describe::{describe, short};
use crate::layout::is_shown;
use crate::palette;

/// How many events the log shows.
const LOG_ENTRIES_SHOWN: usize = 60;

/// The registry position of an image, which picks its colour and glyph.
pub fn look_of(world: &World, digest: Digest) -> usize {
    world.images().iter().position(|i| i.digest == digest).unwrap_or(0)
}

fn version_of(world: &World, digest: Digest) -> String {
    world.image(digest).map_or_else(String::new, |i| i.spec.app_version.clone())
}

/// One legend entry per image live instances run.
pub fn legend(world: &World, images: &[(Digest, u32)]) -> Vec<LegendRow> {
    images
        .iter()
        .map(|(digest, count)| LegendRow {
            look: look_of(world, *digest),
            label: format!("v{}", version_of(world, *digest)).into(),
            count: *count,
        })
        .collect()
}

/// Every image in the registry with what uses it.
pub fn registry_rows(world: &World, images: &[(Digest, u32)]) -> Vec<RegistryRow> {
    let target = world.target_revision().image;
    world
        .images()
        .iter()
        .enumerate()
        .map(|(index, image)| RegistryRow {
            digest: image.digest,
            version: image.spec.app_version.clone().into(),
            look: index,
            running: images.iter().find(|(d, _)| *d == image.digest).map_or(0, |(_, n)| *n),
            target: target == image.digest,
            built_tick: image.built_tick,
            size_kb: image.size_kb,
            tags: Rc::new(world.registry().tags_of(image.digest).map(str::to_owned).collect()),
            advisories: Rc::new(world.advisories_for(image.digest).iter().map(|a| a.id.clone()).collect()),
        })
        .collect()
}

/// One bar per revision.
pub fn revision_bars(world: &World) -> Vec<RevisionBar> {
    let target = world.target_revision().number;
    let weights = world.traffic_weights();
    world
        .revisions()
        .iter()
        .zip(weights)
        .map(|(r, weight)| RevisionBar {
            weight,
            revision: r.number,
            version: format!(
                "{}{}",
                version_of(world, r.image),
                if r.launch.is_floating() { format!(" via `{}`", r.launch) } else { String::new() }
            )
            .into(),
            look: look_of(world, r.image),
            desired: r.desired,
            live: r.live,
            available: r.available,
            target: r.number == target,
        })
        .collect()
}

/// The rollout's steps with the current one marked: a canary's steps, or an instance refresh's
/// checkpoints (empty for other strategies).
pub fn rollout_steps(world: &World) -> Vec<StepView> {
    use lab_engine::strategy::CanaryStep;
    let labels: Vec<String> = match world.strategy() {
        lab_engine::StrategySpec::Canary(canary) => canary
            .steps
            .iter()
            .map(|step| match step {
                CanaryStep::SetWeight(weight) => format!("set weight {weight}%"),
                CanaryStep::Pause { duration_ticks: Some(ticks) } => format!("pause {ticks} ticks"),
                CanaryStep::Pause { duration_ticks: None } => "pause until promoted".to_owned(),
                CanaryStep::Analysis(analysis) => {
                    format!("analysis: {}, {} measurements", analysis.summary(), analysis.count.unwrap_or(1))
                }
                CanaryStep::SetCanaryScale { replicas: Some(count), .. } => {
                    format!("canary scale {count} instances")
                }
                CanaryStep::SetCanaryScale { weight: Some(share), .. } => format!("canary scale {share}%"),
                CanaryStep::SetCanaryScale { .. } => "canary scale matches the weight".to_owned(),
            })
            .collect(),
        lab_engine::StrategySpec::InstanceRefresh(refresh) => {
            let batch = refresh.batch_size(world.replicas());
            let mut labels: Vec<String> = refresh
                .checkpoint_percentages
                .iter()
                .filter(|&&share| share < 100)
                .map(|share| {
                    format!("replace to {share}%, then wait {} ticks", refresh.checkpoint_delay_ticks)
                })
                .collect();
            labels.push(format!("replace to 100% in batches of {batch}"));
            labels
        }
        _ => return Vec::new(),
    };
    let current = world.rollout_status().step_index as usize;
    let in_progress = !world.rollout_complete();
    labels
        .into_iter()
        .enumerate()
        .map(|(index, label)| StepView {
            label: label.into(),
            state: if !in_progress || index < current {
                "done"
            } else if index == current {
                "current"
            } else {
                "next"
            },
        })
        .collect()
}

/// A canary's "set weight vs actual weight": what the current step asks for and the share of
/// requests the canary really gets (replica-weighted canaries can only approximate it).
pub fn canary_weights(world: &World) -> Option<String> {
    let lab_engine::StrategySpec::Canary(canary) = world.strategy() else { return None };
    if world.rollout_complete() {
        return None;
    }
    let status = world.rollout_status();
    let set = if status.aborted { 0 } else { canary.current_weight(status.step_index) };
    let target = world.target_revision().number;
    let index = world.revisions().iter().position(|r| r.number == target).unwrap_or(0);
    let actual = world.traffic_weights().get(index).copied().unwrap_or(0);
    let how = if canary.traffic_routing { "router" } else { "share of instances in service" };
    Some(format!("set weight {set}% · actual weight {actual}% ({how})"))
}

/// The newest fleet-level events, newest first.
pub fn log_entries(world: &World) -> Vec<LogEntry> {
    world
        .history()
        .numbered()
        .rev()
        .take(LOG_ENTRIES_SHOWN)
        .map(|(key, record)| LogEntry {
            key,
            tick: record.tick,
            text: describe(&record.event, world).into(),
            kind: match record.event {
                Event::CommandRejected { .. } | Event::StageFailed { .. } => "rejected",
                Event::RolloutComplete { .. } | Event::PipelineSucceeded { .. } => "complete",
                Event::RolloutStarted { .. } | Event::ImageBuilt { .. } | Event::AdvisoryPublished { .. } => {
                    "milestone"
                }
                _ => "",
            },
        })
        .collect()
}

/// One row per instance on screen.
pub fn table_rows(world: &World) -> Vec<TableRow> {
    let shown_tick = world.now().saturating_sub(1);
    let vulnerable: Vec<(Digest, String)> = world
        .images()
        .iter()
        .map(|image| {
            let ids: Vec<String> = world.advisories_for(image.digest).iter().map(|a| a.id.clone()).collect();
            (image.digest, ids.join(", "))
        })
        .collect();
    world
        .instances()
        .iter()
        .filter(|i| is_shown(i, shown_tick))
        .map(|i| TableRow {
            id: i.id.to_string().into(),
            image: i.image.to_string().into(),
            image_short: short(&i.image).into(),
            version: version_of(world, i.image).into(),
            glyph: palette::look(look_of(world, i.image)).glyph_name,
            revision: i.revision,
            state_code: state_code(i.state),
            // Out of service for failing health checks looks like booting on the canvas; say so here.
            state_label: if i.unhealthy { "failing health checks" } else { i.state.label() },
            address: i.address_text().into(),
            launch_tick: i.launch_tick,
            advisories: vulnerable
                .iter()
                .find(|(d, _)| *d == i.image)
                .map(|(_, ids)| ids.clone())
                .unwrap_or_default()
                .into(),
        })
        .collect()
}

/// The drift detector's report: one row per live instance that differs from its image.
pub fn drift_rows(world: &World) -> Vec<DriftRow> {
    use lab_engine::drift::DriftKind;
    world
        .instances()
        .iter()
        .filter(|i| i.state.is_live())
        .filter_map(|instance| {
            let report = world.drift_report(instance)?;
            let observed = instance.observed.as_ref()?;
            let items = report
                .items
                .iter()
                .map(|item| {
                    let category = item.category.label();
                    match &item.kind {
                        DriftKind::Changed { expected, actual } => {
                            format!("{category} {}: changed {expected} → {actual}", item.key)
                        }
                        DriftKind::Missing { expected } => {
                            format!("{category} {}: missing (image has {expected})", item.key)
                        }
                        DriftKind::Unmanaged { actual } => {
                            format!("{category} {}: unmanaged ({actual})", item.key)
                        }
                    }
                })
                .collect();
            Some(DriftRow {
                instance: instance.id.to_string().into(),
                fingerprint: short(&observed.fingerprint()).into(),
                coverage_percent: report.coverage_percent(),
                items: Rc::new(items),
            })
        })
        .collect()
}

/// The machine-readable state name used in data attributes and CSS classes.
pub fn state_code(state: Lifecycle) -> &'static str {
    match state {
        Lifecycle::Pending => "pending",
        Lifecycle::Booting => "booting",
        Lifecycle::InService => "in_service",
        Lifecycle::Draining => "draining",
        Lifecycle::Terminated => "terminated",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::PageQuery;
    use crate::state::Lab;

    #[test]
    fn the_registry_shows_tags_and_advisories_and_the_table_flags_vulnerable_instances() {
        let lab = Lab::from_query(&PageQuery::default());
        let world = &lab.world;
        let images = world.snapshot().images;
        let rows = registry_rows(world, &images);
        assert_eq!(rows.len(), 1);
        assert!(rows[0].tags.contains(&"latest".to_owned()) && rows[0].tags.contains(&"v1.0.0".to_owned()));
        // The sandbox ships openssl 3.0.11, which a built-in advisory affects.
        assert_eq!(rows[0].advisories.as_slice(), ["CVE-2023-5363"]);
        let table = table_rows(world);
        assert_eq!(table.len(), world.replicas() as usize);
        assert!(table.iter().all(|row| row.advisories.contains("CVE-2023-5363")));
    }

    #[test]
    fn the_table_says_which_instances_fail_their_health_checks() {
        let mut lab = Lab::from_query(&PageQuery::default());
        lab.reduce(crate::state::Action::Command(lab_engine::Command::FailHealthChecks { count: 2 }));
        let failing =
            table_rows(&lab.world).iter().filter(|row| row.state_label == "failing health checks").count();
        assert_eq!(failing, 2);
    }
}
