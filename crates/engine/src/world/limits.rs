//! Every bound the world keeps, in one place: what no input can make grow without limit.

/// The bounds on everything the world holds, so that no input can make it grow without limit.
pub struct Limits;

impl Limits {
    /// The largest fleet the lab simulates.
    pub const FLEET_MAX: u32 = 100_000;
    /// Images the registry holds.
    pub const IMAGES_MAX: usize = crate::registry::IMAGES_MAX;
    /// Old, empty revisions kept for rollbacks (Kubernetes' revisionHistoryLimit default).
    pub const REVISION_HISTORY: usize = 10;
    /// Fleet-level events kept for the event log.
    pub const HISTORY_CAPACITY: usize = 256;
    /// Ticks a terminated instance stays visible; shells hide it after this.
    pub const TERMINATED_SHOWN_TICKS: u64 = 6;
    /// Terminated instances are forgotten in a sweep every this many ticks (a power of two), so a
    /// busy fleet does not compact its instance list every tick.
    pub const FORGET_SWEEP_TICKS: u64 = 8;
    /// Controller passes in one tick. Real strategies settle in a handful; the cap turns a bug
    /// into a stalled rollout instead of a hung page.
    pub const RECONCILE_PASSES_MAX: u32 = 64;
    /// Ticks any single wait (pull, boot, drain) may last.
    pub const DELAY_TICKS_MAX: u32 = 1_000;
    /// Pipeline runs under way at once.
    pub const PIPELINES_ACTIVE_MAX: usize = 4;
    /// Pipeline runs remembered (finished ones beyond this are forgotten, oldest first).
    pub const PIPELINES_KEPT: usize = 16;
    /// Advisories the world knows.
    pub const ADVISORIES_MAX: usize = 64;
    /// Entries the audit log keeps.
    pub const AUDIT_CAPACITY: usize = 256;
    /// Ticks in a lab "day": the nightly base refresh runs this often.
    pub const NIGHT_TICKS: u64 = 100;
    /// Ticks any wait the rollout counts may last: a pause, a scale-down delay, auto-promotion, a
    /// warm-up, a checkpoint, a health-check timeout, the progress deadline, an instance's maximum
    /// age, an analysis interval, a build's crash delay. The longest run `lab run` makes, so a wait
    /// at the bound already means "not in this run"; it also keeps `now + wait` far from overflow.
    pub const WAIT_TICKS_MAX: u64 = 1_000_000;
    /// The latest tick a timeline entry may be scheduled at (the same longest run).
    pub const TIMELINE_TICK_MAX: u64 = 1_000_000;
    /// Commands one scenario's timeline may hold.
    pub const TIMELINE_MAX: usize = 10_000;
    /// Instance ids one `ssh` command may list.
    pub const SSH_TARGETS_MAX: usize = 1_000;
    /// Events naming one instance each (launched, in service, drifted, …) that one tick records,
    /// commands applied before it included. Beyond it they are only counted, and one
    /// `InstanceEventsLeftOut` at the end of the tick says how many were left out, so no command
    /// list can make a tick write millions of events. Four per instance of the largest fleet: a
    /// tick in which every instance of it changes state (a recreate, a rebuild) is recorded whole;
    /// only floods of hand commands reach it.
    pub const INSTANCE_EVENTS_PER_TICK_MAX: u32 = 4 * Self::FLEET_MAX;
}
