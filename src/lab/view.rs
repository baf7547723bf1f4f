//! Turns the lab's state into the plain data each component shows. Pure, so the page's numbers
//! can be checked without a browser.

use std::rc::Rc;

use lab_engine::{Digest, Event, Lifecycle, World};

use crate::canvas::layout::is_shown;
use crate::canvas::palette;
use crate::components::{DriftRow, LegendRow, LogEntry, RegistryRow, RevisionBar, StepView, TableRow};
use crate::lab::describe::{describe, short};

/// How many events the log shows.
const LOG_ENTRIES_SHOWN: usize = 60;

/// The registry position of an image, which picks its colour and glyph.
pub fn look_of(world: &World, digest: Digest) -> usize {
    world.supply_view().position(digest).unwrap_or(0)
}

fn version_of(world: &World, digest: Digest) -> String {
    world.supply_view().image(digest).map_or_else(String::new, |i| i.spec.app_version.clone())
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
    let target = world.rollout_view().target.image;
    let supply = world.supply_view();
    supply
        .images
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
            tags: Rc::new(supply.tags_of(image.digest).map(str::to_owned).collect()),
            advisories: Rc::new(supply.advisories_of(image.digest).iter().map(|a| a.id.clone()).collect()),
        })
        .collect()
}

/// One bar per revision.
pub fn revision_bars(world: &World) -> Vec<RevisionBar> {
    let rollout = world.rollout_view();
    let target = rollout.target.number;
    rollout
        .revisions
        .iter()
        .zip(rollout.weights())
        .map(|(r, weight)| RevisionBar {
            weight,
            revision: r.number,
            version: version_of(world, r.image).into(),
            via_tag: r
                .launch
                .is_floating()
                .then(|| yew::AttrValue::from(format!("via the tag `{}`", r.launch))),
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
    use lab_engine::views::RolloutStep;
    let rollout = world.rollout_view();
    let current = rollout.step_index as usize;
    let in_progress = !rollout.complete;
    rollout
        .steps()
        .into_iter()
        .map(|step| match step {
            RolloutStep::Canary(CanaryStep::SetWeight(weight)) => format!("set weight {weight}%"),
            RolloutStep::Canary(CanaryStep::Pause { duration_ticks: Some(ticks) }) => {
                format!("pause {ticks} ticks")
            }
            RolloutStep::Canary(CanaryStep::Pause { duration_ticks: None }) => {
                "pause until promoted".to_owned()
            }
            RolloutStep::Canary(CanaryStep::Analysis(analysis)) => {
                format!("analysis: {}, {} measurements", analysis.summary(), analysis.count.unwrap_or(1))
            }
            RolloutStep::Canary(CanaryStep::SetCanaryScale { replicas: Some(count), .. }) => {
                format!("canary scale {count} instances")
            }
            RolloutStep::Canary(CanaryStep::SetCanaryScale { weight: Some(share), .. }) => {
                format!("canary scale {share}%")
            }
            RolloutStep::Canary(CanaryStep::SetCanaryScale { .. }) => {
                "canary scale matches the weight".to_owned()
            }
            RolloutStep::Checkpoint { percent, wait_ticks } => {
                format!("replace to {percent}%, then wait {wait_ticks} ticks")
            }
            RolloutStep::Finish { batch } => format!("replace to 100% in batches of {batch}"),
        })
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
    let rollout = world.rollout_view();
    let goal = rollout.weight_goal?;
    if rollout.complete {
        return None;
    }
    let target = rollout.target.number;
    let index = rollout.revisions.iter().position(|r| r.number == target).unwrap_or(0);
    let actual = rollout.weights().get(index).copied().unwrap_or(0);
    let how = if goal.routed { "router" } else { "share of instances in service" };
    Some(format!("set weight {}% · actual weight {actual}% ({how})", goal.percent))
}

/// The newest fleet-level events, newest first.
pub fn log_entries(world: &World) -> Vec<LogEntry> {
    world
        .operations_view()
        .history
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
/// The most rows the instance table shows: a table of a hundred thousand rows would take the page
/// seconds to lay out and nobody reads it; the canvas and the summary cover the whole fleet.
pub const TABLE_ROWS_MAX: usize = 2_000;

/// The instance table's rows: the first [`TABLE_ROWS_MAX`] instances on screen.
pub fn table_rows(world: &World) -> Vec<TableRow> {
    let shown_tick = world.now().saturating_sub(1);
    let supply = world.supply_view();
    let vulnerable: Vec<(Digest, String)> = supply
        .images
        .iter()
        .map(|image| {
            let ids: Vec<String> = supply.advisories_of(image.digest).iter().map(|a| a.id.clone()).collect();
            (image.digest, ids.join(", "))
        })
        .collect();
    world
        .fleet_view()
        .instances
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
        .take(TABLE_ROWS_MAX)
        .collect()
}

/// How many instances are on screen (the table shows at most [`TABLE_ROWS_MAX`] of them).
pub fn shown_count(world: &World) -> usize {
    let shown_tick = world.now().saturating_sub(1);
    world.fleet_view().instances.iter().filter(|i| is_shown(i, shown_tick)).count()
}

/// The drift detector's report: one row per live instance that differs from its image.
pub fn drift_rows(world: &World) -> Vec<DriftRow> {
    use lab_engine::drift::DriftKind;
    world
        .operations_view()
        .drifted()
        .map(|drifted| {
            let items = drifted
                .report
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
            DriftRow {
                instance: drifted.instance.id.to_string().into(),
                fingerprint: short(&drifted.fingerprint).into(),
                coverage_percent: drifted.report.coverage_percent(),
                items: Rc::new(items),
            }
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
    use crate::lab::state::Lab;
    use crate::platform::query::PageQuery;

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
        assert_eq!(table.len(), world.fleet_view().replicas as usize);
        assert!(table.iter().all(|row| row.advisories.contains("CVE-2023-5363")));
    }

    #[test]
    fn the_table_of_a_big_fleet_shows_its_first_rows_and_says_how_many_there_are() {
        let lab = Lab::from_query(&PageQuery { fleet: Some(5_000), ..PageQuery::default() });
        let rows = table_rows(&lab.world);
        assert_eq!(rows.len(), TABLE_ROWS_MAX);
        assert_eq!(rows[0].id, lab.world.fleet_view().instances[0].id.to_string());
        assert_eq!(shown_count(&lab.world), 5_000);
    }

    #[test]
    fn the_table_says_which_instances_fail_their_health_checks() {
        let mut lab = Lab::from_query(&PageQuery::default());
        lab.reduce(crate::lab::state::Action::Command(lab_engine::Command::FailHealthChecks { count: 2 }));
        let failing =
            table_rows(&lab.world).iter().filter(|row| row.state_label == "failing health checks").count();
        assert_eq!(failing, 2);
    }
}
