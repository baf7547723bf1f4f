//! `lab compare <scenario.json>`: the scenario run as a mutable and as an immutable fleet, from the
//! same seed and the same commands, with the metrics side by side.

use std::path::PathBuf;

use lab_engine::compare::{MetricsRow, compare, exposure_closed_tick};
use lab_engine::{Event, Scenario};

use crate::terminal::Output;

/// The most ticks `lab_engine::compare::compare` runs: it stops there whatever it is asked for.
/// The engine keeps its constant private, so the CLI repeats it (a test checks the two agree) and
/// refuses `--ticks` beyond it rather than print fewer ticks than asked.
const TICKS_MAX: u64 = 2_000;

/// `lab compare`'s arguments; the command's description and exit codes are in `main.rs`.
#[derive(clap::Args)]
pub struct Args {
    /// The scenario file (docs/scenario-format.md)
    #[arg(value_name = "SCENARIO.JSON")]
    scenario: PathBuf,
    #[arg(long, value_name = "N", value_parser = crate::count(TICKS_MAX), help = format!(
        "Ticks to run, 1 to {TICKS_MAX} [default: until both fleets have settled, at most {TICKS_MAX}]"
    ))]
    ticks: Option<u64>,
}

pub fn main(args: &Args) -> Result<(), String> {
    let path = args.scenario.display();
    let text =
        std::fs::read_to_string(&args.scenario).map_err(|error| format!("cannot read {path}: {error}"))?;
    let scenario = Scenario::from_json(&text).map_err(|error| format!("{path}: {error}"))?;
    let comparison = compare(&scenario, args.ticks);
    let last = |rows: &[MetricsRow]| rows.last().copied().unwrap_or_default();
    let (mutable, immutable) = (last(&comparison.mutable), last(&comparison.immutable));
    let exposure = |rows: &[MetricsRow]| match exposure_closed_tick(rows) {
        Some(tick) => format!("closed at tick {tick}"),
        None => "still open".to_owned(),
    };
    let lines: [(&str, String, String); 11] = [
        ("ticks run", mutable.tick.to_string(), immutable.tick.to_string()),
        ("snowflake index", mutable.snowflake_index.to_string(), immutable.snowflake_index.to_string()),
        ("drifted instances", mutable.drifted_instances.to_string(), immutable.drifted_instances.to_string()),
        (
            "patch success",
            format!("{}/{}", mutable.patches_succeeded, mutable.patches_attempted),
            format!("{}/{}", immutable.patches_succeeded, immutable.patches_attempted),
        ),
        (
            "vulnerable instances",
            mutable.vulnerable_instances.to_string(),
            immutable.vulnerable_instances.to_string(),
        ),
        ("exposure window", exposure(&comparison.mutable), exposure(&comparison.immutable)),
        ("instances in service", mutable.in_service.to_string(), immutable.in_service.to_string()),
        ("data lost (MB)", mutable.data_lost_mb.to_string(), immutable.data_lost_mb.to_string()),
        ("failed requests", mutable.failed_requests.to_string(), immutable.failed_requests.to_string()),
        ("time to recover (MTTR, ticks)", mutable.mttr_ticks.to_string(), immutable.mttr_ticks.to_string()),
        (
            "compromised instance-ticks",
            mutable.compromised_instance_ticks.to_string(),
            immutable.compromised_instance_ticks.to_string(),
        ),
    ];
    let mut out = Output::new();
    out.line(&scenario.name)?;
    out.line(format_args!("{:<28} {:>18} {:>18}", "", "mutable", "immutable"))?;
    for (label, left, right) in lines {
        out.line(format_args!("{label:<28} {left:>18} {right:>18}"))?;
    }
    let failures: Vec<String> = comparison
        .mutable_world
        .operations_view()
        .history
        .iter()
        .filter_map(|record| match &record.event {
            Event::PatchFailed { instance, failure } => Some(format!("  {instance}: {failure}")),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        out.line("in-place patch failures (mutable):")?;
        for line in failures {
            out.line(line)?;
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use lab_engine::{ImageSpec, Scenario};

    use super::*;

    #[test]
    fn the_engine_stops_a_comparison_at_exactly_ticks_max() {
        let scenario = Scenario::new(1, 2, ImageSpec::new("ubuntu-22.04", "1.0.0"));
        for asked in [TICKS_MAX, TICKS_MAX + 1, 100_000] {
            let comparison = compare(&scenario, Some(asked));
            assert_eq!(comparison.mutable.len() as u64, TICKS_MAX, "asked for {asked}");
            assert_eq!(comparison.immutable.len() as u64, TICKS_MAX, "asked for {asked}");
        }
    }
}
