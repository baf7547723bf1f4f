//! Memory per instance (#15): a fleet of the largest size costs a stated, bounded number of bytes
//! per instance, measured by counting what the world allocates, not estimated.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use lab_engine::{BusyFleet, Instance, Limits};

/// The system allocator, counting the bytes live now and the most live at once.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What one instance of the fleet may cost at the peak, all in. The busy fleet (25% surge, a new
/// rollout as soon as one ends) holds up to 3.75 records of 112 bytes per instance of the fleet:
/// the surge, and stopped instances kept for the shells' fade-out until the sweep every 8 ticks;
/// the vector holding them doubles as it grows. Add the tick's events (120 bytes each) and the
/// trace row that hashes them. Measured: 810 bytes live and 1,034 at the peak (docs/performance.md).
const BYTES_PER_INSTANCE_MAX: usize = 1_100;

#[test]
fn a_record_of_an_instance_stays_small() {
    assert!(size_of::<Instance>() <= 112, "Instance is {} bytes", size_of::<Instance>());
}

#[test]
fn the_largest_fleet_mid_rollout_costs_a_bounded_number_of_bytes_per_instance() {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let instances = Limits::FLEET_MAX as usize;
    let mut fleet = BusyFleet::new(Limits::FLEET_MAX);
    // Long enough for several rollouts: surges, drains and the sweeps of stopped instances.
    for _ in 0..40 {
        fleet.step();
    }
    let live = LIVE.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - before;
    println!(
        "{instances} instances: {} bytes live, {} at the peak per instance",
        live / instances,
        peak / instances
    );
    assert!(peak / instances <= BYTES_PER_INSTANCE_MAX, "peak {} bytes per instance", peak / instances);
    drop(fleet);
}
