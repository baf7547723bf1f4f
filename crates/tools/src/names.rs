//! The names the tools use for the lab's fleet: one application, `web`, run as a Deployment, an
//! Argo Rollout or an Auto Scaling group depending on the strategy; ReplicaSets named by their
//! template's hash and pods by a short suffix, as Kubernetes names them.

use lab_engine::{Digest, Instance, Revision, StrategySpec, World};

/// The application: the Deployment, the Rollout, the container and the image repository.
pub const NAME: &str = "web";
/// The Auto Scaling group of an instance-refresh fleet.
pub const GROUP: &str = "web-asg";

/// The characters Kubernetes uses for generated names (no vowels, no look-alikes).
const ALPHABET: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// Who runs the fleet, by its strategy: what kubectl, Argo's plugin and aws can see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A Kubernetes Deployment (rolling update, recreate).
    Deployment,
    /// An Argo Rollout (canary, blue-green).
    Rollout,
    /// An EC2 Auto Scaling group (instance refresh).
    AutoScalingGroup,
}

impl Owner {
    /// The owner in words, with its article.
    fn described(self) -> &'static str {
        match self {
            Owner::Deployment => "a Kubernetes Deployment",
            Owner::Rollout => "an Argo Rollout",
            Owner::AutoScalingGroup => "an EC2 Auto Scaling group",
        }
    }

    /// The first command to look at a fleet this owner runs.
    fn first_look(self) -> String {
        match self {
            Owner::Deployment => format!("kubectl rollout status deployment/{NAME}"),
            Owner::Rollout => format!("kubectl argo rollouts get rollout {NAME}"),
            Owner::AutoScalingGroup => {
                format!("aws autoscaling describe-instance-refreshes --auto-scaling-group-name {GROUP}")
            }
        }
    }
}

/// The lab's hint after a tool that looks for `asked` found no `name`: which tool sees this fleet,
/// or what the lab calls it (nothing when both were right).
pub fn hint(world: &World, asked: Owner, name: &str) -> String {
    let (right_name, what) = match asked {
        Owner::Deployment => (NAME, "deployment"),
        Owner::Rollout => (NAME, "rollout"),
        Owner::AutoScalingGroup => (GROUP, "Auto Scaling group"),
    };
    let found = owner(world);
    if found != asked {
        format!("hint: this fleet is {}; try '{}'\n", found.described(), found.first_look())
    } else if name != right_name {
        format!("hint: the lab's {what} is called {right_name}\n")
    } else {
        String::new()
    }
}

/// Who runs the fleet now.
pub fn owner(world: &World) -> Owner {
    match world.strategy() {
        StrategySpec::Rolling(_) | StrategySpec::Recreate(_) => Owner::Deployment,
        StrategySpec::Canary(_) | StrategySpec::BlueGreen(_) => Owner::Rollout,
        StrategySpec::InstanceRefresh(_) => Owner::AutoScalingGroup,
    }
}

/// `n` generated characters from the digest's bytes.
fn generated(digest: Digest, n: usize) -> String {
    digest
        .hex()
        .as_bytes()
        .chunks(2)
        .take(n)
        .map(|pair| {
            let byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("0"), 16).unwrap_or(0);
            char::from(ALPHABET[usize::from(byte) % ALPHABET.len()])
        })
        .collect()
}

/// A revision's ReplicaSet: `web-` and ten characters of its template's hash.
pub fn replica_set(revision: &Revision) -> String {
    format!("{NAME}-{}", generated(revision.image, 10))
}

/// An instance's pod name: its ReplicaSet's name and five characters.
pub fn pod(revision: &Revision, instance: &Instance) -> String {
    let mut suffix = String::with_capacity(5);
    // Scrambled so that neighbouring ids do not read alike, as random suffixes would not.
    let mut value = u64::from(instance.id.0).wrapping_mul(2_654_435_761) % 14_348_907;
    for _ in 0..5 {
        suffix.push(char::from(ALPHABET[(value % 27) as usize]));
        value /= 27;
    }
    format!("{}-{suffix}", replica_set(revision))
}

/// The image a revision runs as a reference: `web:<tag>` when a tag names it, else by digest.
pub fn image_ref(world: &World, digest: Digest) -> String {
    let supply = world.supply_view();
    match supply.tags_of(digest).find(|tag| *tag != "latest") {
        Some(tag) => format!("{NAME}:{tag}"),
        None => format!("{NAME}@sha256:{}", digest.hex()),
    }
}

/// An instance refresh's id, derived from the image it rolls out (a UUID's shape).
pub fn refresh_id(image: Digest) -> String {
    let hex = image.hex();
    let hex = hex.as_str();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}
