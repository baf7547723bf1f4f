//! The engine's standard busy fleet (`lab_engine::BusyFleet`, the workload `lab bench` times) as a
//! bare WebAssembly module with no JavaScript glue, so a browser can time the very code the page
//! runs, built with the page's profile. The caller owns the clock (the engine never reads one):
//! `tests/e2e/bench-engine.mjs` calls `busy_fleet_new`, warms up, and times `busy_fleet_steps`.

use std::cell::RefCell;

use lab_engine::BusyFleet;

thread_local! {
    /// The fleet under test; a wasm module instance runs one benchmark at a time.
    static FLEET: RefCell<Option<BusyFleet>> = const { RefCell::new(None) };
}

/// Starts a fresh busy fleet of `instances` (clamped by the engine to 1..=FLEET_MAX).
#[unsafe(no_mangle)]
pub extern "C" fn busy_fleet_new(instances: u32) {
    FLEET.with(|fleet| *fleet.borrow_mut() = Some(BusyFleet::new(instances)));
}

/// Runs `ticks` ticks and returns the first four bytes of the trace digest, so the work cannot be
/// optimised away and a native run can be compared with this one (same seed, same digest).
#[unsafe(no_mangle)]
pub extern "C" fn busy_fleet_steps(ticks: u32) -> u32 {
    FLEET.with(|fleet| {
        let mut fleet = fleet.borrow_mut();
        let Some(fleet) = fleet.as_mut() else { return 0 };
        for _ in 0..ticks {
            fleet.step();
        }
        digest_prefix(fleet)
    })
}

fn digest_prefix(fleet: &BusyFleet) -> u32 {
    let bytes = *fleet.world().trace_digest().as_bytes();
    u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_fleet_gives_the_same_digest_and_no_fleet_gives_zero() {
        FLEET.with(|fleet| *fleet.borrow_mut() = None);
        assert_eq!(busy_fleet_steps(3), 0);
        busy_fleet_new(50);
        let first = busy_fleet_steps(30);
        busy_fleet_new(50);
        assert_eq!(busy_fleet_steps(30), first);
        assert_ne!(first, 0);
    }
}
