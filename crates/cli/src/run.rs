//! `lab run`: plays a scenario and prints its trace.

use std::path::PathBuf;

use lab_engine::{Event, Playback, Scenario, World};
use serde::Serialize;

use crate::terminal::Output;

/// Without `--ticks`, a run stops once the timeline is done and the fleet has settled, or here.
const TICKS_DEFAULT_MAX: u64 = 10_000;
const TICKS_MAX: u64 = 1_000_000;

/// One trace line.
#[derive(Serialize)]
struct Row<'a> {
    tick: u64,
    instances: lab_engine::StateCounts,
    images: std::collections::BTreeMap<String, u32>,
    revisions: &'a [lab_engine::RevisionView],
    traffic: &'a [lab_engine::TrafficShare],
    rollout: &'a lab_engine::RolloutView,
    rollout_complete: bool,
    /// Comparison metrics (snowflake index, drift, patches, exposure, data lost, …).
    metrics: lab_engine::compare::MetricsRow,
    /// Every live instance that differs from its image: its state's fingerprint and the diff.
    drift: Vec<DriftLine>,
    events: &'a [Event],
}

/// One drifted instance in a trace row.
#[derive(Serialize)]
struct DriftLine {
    instance: lab_engine::InstanceId,
    fingerprint: lab_engine::Digest,
    items: Vec<lab_engine::drift::DriftItem>,
}

fn drift_lines(world: &World) -> Vec<DriftLine> {
    world
        .operations_view()
        .drifted()
        .map(|drifted| DriftLine {
            instance: drifted.instance.id,
            fingerprint: drifted.fingerprint,
            items: drifted.report.items,
        })
        .collect()
}

/// `lab run`'s arguments; the command's description and exit codes are in `main.rs`.
#[derive(clap::Args)]
pub struct Args {
    /// The scenario file (docs/scenario-format.md)
    #[arg(value_name = "SCENARIO.JSON")]
    scenario: PathBuf,
    #[arg(long, value_name = "N", value_parser = crate::count(TICKS_MAX), help = format!(
        "Ticks to run, 1 to {TICKS_MAX} [default: until the fleet has settled, at most {TICKS_DEFAULT_MAX}]"
    ))]
    ticks: Option<u64>,
    /// Instead of JSON, print at each tick what a real tool would: `kubectl` (rollout status and
    /// get deploy,rs,pods), `argo` (kubectl argo rollouts get rollout) or `aws`
    /// (describe-instance-refreshes)
    #[arg(long, value_name = "TOOL", value_parser = ["kubectl", "argo", "aws"])]
    view: Option<String>,
}

pub fn main(args: &Args) -> Result<(), String> {
    let (path, ticks) = (args.scenario.display(), args.ticks);
    let text =
        std::fs::read_to_string(&args.scenario).map_err(|error| format!("cannot read {path}: {error}"))?;
    let scenario = Scenario::from_json(&text).map_err(|error| format!("{path}: {error}"))?;

    let view = args.view.as_deref().map(|name| match name {
        "argo" => lab_tools::View::Argo,
        "aws" => lab_tools::View::Aws,
        _ => lab_tools::View::Kubectl,
    });
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    let mut out = Output::new();
    let mut events = Vec::new();
    loop {
        let done = match ticks {
            Some(limit) => world.now() >= limit,
            None => (playback.is_done() && world.is_settled()) || world.now() >= TICKS_DEFAULT_MAX,
        };
        if done {
            break;
        }
        let tick = playback.step(&mut world);
        if let Some(view) = view {
            world.drain_events().for_each(drop);
            out.line(format!("--- tick {tick} ---"))?;
            for line in lab_tools::view(&world, view).lines() {
                out.line(crate::terminal::printable(line))?;
            }
            continue;
        }
        events.clear();
        events.extend(world.drain_events());
        let snapshot = world.snapshot();
        let row = Row {
            tick,
            instances: snapshot.instances,
            images: snapshot.images.iter().map(|(digest, count)| (digest.to_string(), *count)).collect(),
            revisions: &snapshot.revisions,
            traffic: &snapshot.traffic,
            rollout: &snapshot.rollout,
            rollout_complete: snapshot.rollout_complete,
            metrics: lab_engine::compare::MetricsRow::of(&world),
            drift: drift_lines(&world),
            events: &events,
        };
        out.json_line(&row)?;
    }
    if view.is_some() {
        out.line(format!("--- trace digest {} ---", world.trace_digest()))?;
        return out.finish();
    }
    out.json_line(&serde_json::json!({ "trace_digest": world.trace_digest() }))?;
    out.finish()
}
