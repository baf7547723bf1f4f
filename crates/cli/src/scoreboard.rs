//! `lab scoreboard <scenario.json>`: the scenario run once per strategy, side by side.

use std::path::PathBuf;

use lab_engine::Scenario;
use lab_engine::scoreboard::scoreboard;

use crate::terminal::Output;

/// `lab scoreboard`'s arguments; the command's description and exit codes are in `main.rs`.
#[derive(clap::Args)]
pub struct Args {
    /// The scenario file (docs/scenario-format.md); each strategy in turn replaces its own
    #[arg(value_name = "SCENARIO.JSON")]
    scenario: PathBuf,
}

pub fn main(args: &Args) -> Result<(), String> {
    let path = args.scenario.display();
    let text =
        std::fs::read_to_string(&args.scenario).map_err(|error| format!("cannot read {path}: {error}"))?;
    let scenario = Scenario::from_json(&text).map_err(|error| format!("{path}: {error}"))?;
    let scores = scoreboard(&scenario);
    let ticks = |value: Option<u64>| value.map_or("-".to_owned(), |v| v.to_string());
    let mut out = Output::new();
    out.line(&scenario.name)?;
    out.line(format_args!(
        "{:<16} {:>9} {:>14} {:>9} {:>9} {:>9} {:>8} {:>9} {:>13}",
        "strategy",
        "duration",
        "min available",
        "downtime",
        "failed",
        "peak",
        "detect",
        "rollback",
        "blast radius"
    ))?;
    for score in &scores {
        out.line(format_args!(
            "{:<16} {:>9} {:>14} {:>9} {:>9} {:>9} {:>8} {:>9} {:>13}",
            score.strategy,
            ticks(score.duration_ticks),
            score.min_available,
            score.downtime_ticks,
            score.failed_requests,
            score.peak_instances,
            ticks(score.detect_ticks),
            ticks(score.rollback_ticks),
            score.blast_radius
        ))?;
    }
    out.line(
        "(ticks; failed requests in requests; peak = most instances running at once; blast radius = requests a faulty version served until the rollout ended)",
    )?;
    out.finish()
}
