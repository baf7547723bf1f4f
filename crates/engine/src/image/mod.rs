//! Golden images: a spec, the layers it builds into, and the content address those layers give.

mod layers;
mod validate;

use std::collections::BTreeMap;

pub use layers::{LAYER_COUNT, Layer, LayerKind};
use serde::{Deserialize, Serialize};
pub use validate::SpecError;
pub(crate) use validate::check_version;
use validate::{config_map, package_map, runtime, token, version};

use crate::Digest;

/// What goes into a golden image. Maps are sorted, so the order fields arrive in never matters, and
/// every field is validated as it is read, so a bad file is reported at the exact field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// Base operating system, e.g. `ubuntu-22.04`.
    #[serde(deserialize_with = "token")]
    pub base: String,
    /// Which snapshot of the base was pulled (a nightly refresh bumps it to pick up OS patches).
    #[serde(default)]
    pub base_snapshot: u32,
    /// Use the base's minimal variant (no shell, no package manager): far smaller.
    #[serde(default)]
    pub minimal_base: bool,
    /// OS packages and their exact versions.
    #[serde(default, deserialize_with = "package_map")]
    pub packages: BTreeMap<String, String>,
    /// The language runtime, if the application needs one.
    #[serde(default, deserialize_with = "runtime", skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
    /// Version of the application baked into the image, e.g. `1.4.2`.
    #[serde(deserialize_with = "version")]
    pub app_version: String,
    /// Build the application in a separate stage and copy only the result, leaving compilers and
    /// development dependencies out of the image.
    #[serde(default)]
    pub multi_stage: bool,
    /// Configuration baked into the image.
    #[serde(default, deserialize_with = "config_map")]
    pub config: BTreeMap<String, String>,
    /// A bad build for exercises: its instances start but never become ready.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub broken: bool,
    /// A buggy build for exercises: this many requests in a thousand fail.
    #[serde(default, skip_serializing_if = "is_zero", deserialize_with = "validate::per_mille")]
    pub error_rate_per_mille: u32,
    /// A slow build for exercises: every request it serves takes this much longer (ms).
    #[serde(default, skip_serializing_if = "is_zero", deserialize_with = "validate::latency_ms")]
    pub added_latency_ms: u32,
    /// A build that crashes: each instance falls over this many ticks after it went into service
    /// (0: never). It passed its readiness check, so only what happens next gives it away.
    #[serde(default, skip_serializing_if = "is_zero", deserialize_with = "crate::bounds::de_wait_ticks_u32")]
    pub crash_after_ticks: u32,
}

/// A language runtime and its version.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    /// e.g. `nodejs`.
    pub name: String,
    /// e.g. `20.9.0`.
    pub version: String,
}

impl ImageSpec {
    /// A spec with just a base and an application version.
    pub fn new(base: &str, app_version: &str) -> Self {
        ImageSpec {
            base: base.to_owned(),
            base_snapshot: 0,
            minimal_base: false,
            packages: BTreeMap::new(),
            runtime: None,
            app_version: app_version.to_owned(),
            multi_stage: false,
            config: BTreeMap::new(),
            broken: false,
            error_rate_per_mille: 0,
            added_latency_ms: 0,
            crash_after_ticks: 0,
        }
    }

    /// Checks every field; the first problem found is returned, naming the field.
    pub fn validate(&self) -> Result<(), SpecError> {
        validate::spec(self)
    }

    /// The five layers, bottom (base) to top (configuration), each digest chained on its parent's.
    pub fn layers(&self) -> [Layer; LAYER_COUNT] {
        layers::build(self)
    }

    /// The content address of this spec: the digest of its top layer, which commits to every layer
    /// below it. Same spec ⇒ same digest; any change anywhere ⇒ a different one.
    pub fn digest(&self) -> Digest {
        self.layers()[LAYER_COUNT - 1].digest
    }

    /// Total size of the image in KB.
    pub fn size_kb(&self) -> u32 {
        self.layers().iter().map(|layer| layer.size_kb).sum()
    }
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// An image in the registry: a validated spec and the digest it hashes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Image {
    /// The content address.
    pub digest: Digest,
    /// What the image contains.
    pub spec: ImageSpec,
    /// Total size in KB (sets how long a new instance takes to pull it).
    pub size_kb: u32,
    /// The tick the image was first built.
    pub built_tick: u64,
}

impl Image {
    /// The registry entry for a spec built at `tick`.
    pub fn new(spec: ImageSpec, tick: u64) -> Self {
        Image { digest: spec.digest(), size_kb: spec.size_kb(), spec, built_tick: tick }
    }
}

#[cfg(test)]
mod tests;
