//! `lab bench`: how long one instance costs per tick in the standard busy workload.

use std::hint::black_box;
use std::time::Instant;

use lab_engine::BusyFleet;

use crate::args::Args;
use crate::terminal::Output;

pub fn main(arguments: &[String]) -> Result<(), String> {
    let args = Args::parse(arguments, &["instances", "ticks"])?;
    if !args.positional.is_empty() {
        return Err("usage: lab bench [--instances N] [--ticks T]".into());
    }
    let instances = args.number("instances", u64::from(lab_engine::Limits::FLEET_MAX))?.unwrap_or(10_000);
    let ticks = args.number("ticks", 1_000_000)?.unwrap_or(1_000);
    let mut fleet = BusyFleet::new(instances as u32);
    // A short warm-up fills the reused buffers, so the timing sees the steady state.
    for _ in 0..20 {
        fleet.step();
    }
    // The CLI is a shell: reading the clock here is fine; the engine never does.
    let started = Instant::now();
    for _ in 0..ticks {
        fleet.step();
    }
    let elapsed = started.elapsed();
    black_box(fleet.world().trace_digest());
    let ns_per_instance_tick = elapsed.as_nanos() as f64 / (instances * ticks) as f64;
    let mut out = Output::new();
    out.json_line(&serde_json::json!({
        "instances": instances,
        "ticks": ticks,
        "elapsed_ms": elapsed.as_secs_f64() * 1e3,
        "ns_per_instance_tick": (ns_per_instance_tick * 100.0).round() / 100.0,
    }))?;
    out.finish()
}
