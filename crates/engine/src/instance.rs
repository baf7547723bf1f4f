//! One server in the fleet, as the shells see it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Digest;

/// Identifies an instance for its whole life. Ids are never reused, so a replacement is always a
/// different instance: the "cattle, not pets" idea in one number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InstanceId(pub u32);

impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "i-{:04}", self.0)
    }
}

impl fmt::Debug for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Where an instance is in its life. It only ever moves forward through these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// Created; the image is being pulled onto the host.
    Pending,
    /// The image is on the host and the server is starting.
    Booting,
    /// Ready and registered with the load balancer.
    InService,
    /// Deregistered: finishing in-flight requests before it stops.
    Draining,
    /// Gone. Kept on screen for a moment so the learner sees it leave.
    Terminated,
}

impl Lifecycle {
    /// All states, in lifecycle order.
    pub const ALL: [Lifecycle; 5] = [
        Lifecycle::Pending,
        Lifecycle::Booting,
        Lifecycle::InService,
        Lifecycle::Draining,
        Lifecycle::Terminated,
    ];

    /// A word for the learner.
    pub fn label(self) -> &'static str {
        match self {
            Lifecycle::Pending => "pending",
            Lifecycle::Booting => "booting",
            Lifecycle::InService => "in service",
            Lifecycle::Draining => "draining",
            Lifecycle::Terminated => "terminated",
        }
    }

    /// Whether the instance still counts toward its revision (it is neither leaving nor gone).
    pub fn is_live(self) -> bool {
        matches!(self, Lifecycle::Pending | Lifecycle::Booting | Lifecycle::InService)
    }
}

/// A server instance: plain data, read by the shells, written only by the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instance {
    /// Never reused.
    pub id: InstanceId,
    /// The revision (rollout target) that created it.
    pub revision: u32,
    /// The image it was launched from. It never changes: that is the point of the lab.
    pub image: Digest,
    /// Where it is in its life.
    pub state: Lifecycle,
    /// Private address handed out at launch; a replacement gets a new one.
    pub address: [u8; 4],
    /// The tick it was created.
    pub launch_tick: u64,
    /// The tick it finishes pulling its image and starts booting.
    pub boot_tick: u64,
    /// The tick it becomes ready and goes into service.
    pub ready_tick: u64,
    /// The tick a crashing build falls over (`u64::MAX`: never).
    pub crash_tick: u64,
    /// The tick its state last changed.
    pub state_since_tick: u64,
    /// The tick it stops (set once it is told to drain).
    pub stop_tick: Option<u64>,
    /// What hand-made changes did to it; `None` while it is exactly its image (most instances, so
    /// a clean fleet costs no memory for this).
    pub observed: Option<Box<crate::drift::Observed>>,
    /// Marked for replacement (break-glass access on an immutable fleet, or failing health).
    pub tainted: bool,
    /// An attacker has persistence on it.
    pub compromised: bool,
    /// It fails its health checks: out of service, waiting to be replaced.
    pub unhealthy: bool,
}

impl Instance {
    /// Dotted-quad form of the private address.
    pub fn address_text(&self) -> String {
        let [a, b, c, d] = self.address;
        format!("{a}.{b}.{c}.{d}")
    }
}
