//! `lab bench`: how long one instance costs per tick in the standard busy workload.

use std::hint::black_box;
use std::time::Instant;

use lab_engine::BusyFleet;

use crate::terminal::Output;

/// The largest fleet the engine runs.
const INSTANCES_MAX: u64 = lab_engine::Limits::FLEET_MAX as u64;
const TICKS_MAX: u64 = 1_000_000;
/// Untimed ticks first: they fill the reused buffers, so the timing sees the steady state.
const WARM_UP_TICKS: u32 = 20;

/// `lab bench`'s arguments; the command's description and exit codes are in `main.rs`.
#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = crate::count(INSTANCES_MAX),
          help = format!("Instances in the fleet, 1 to {INSTANCES_MAX}"))]
    instances: u64,
    #[arg(long, value_name = "T", default_value_t = 1_000, value_parser = crate::count(TICKS_MAX),
          help = format!("Ticks timed after {WARM_UP_TICKS} ticks of warm-up, 1 to {TICKS_MAX}"))]
    ticks: u64,
}

pub fn main(args: &Args) -> Result<(), String> {
    let (instances, ticks) = (args.instances, args.ticks);
    let mut fleet = BusyFleet::new(instances as u32);
    for _ in 0..WARM_UP_TICKS {
        fleet.step();
    }
    // The CLI is a shell: reading the clock here is fine; the engine never does.
    let started = Instant::now();
    for _ in 0..ticks {
        fleet.step();
    }
    let elapsed = started.elapsed();
    let digest = black_box(fleet.world().trace_digest());
    let ns_per_instance_tick = elapsed.as_nanos() as f64 / (instances * ticks) as f64;
    let mut out = Output::new();
    out.json_line(&serde_json::json!({
        "instances": instances,
        "ticks": ticks,
        "elapsed_ms": elapsed.as_secs_f64() * 1e3,
        "ns_per_instance_tick": (ns_per_instance_tick * 100.0).round() / 100.0,
        // Which build measured this: the page's profile is size-first ("z"), the fast one 3.
        "opt_level": env!("LAB_OPT_LEVEL"),
        // The run's trace, to show another build (the wasm benchmark) did the same work.
        "trace_digest": digest.to_string(),
    }))?;
    out.finish()
}
