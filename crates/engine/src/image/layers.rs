//! The layer chain: base OS → OS packages → runtime → application → configuration. Each layer's
//! digest commits to its own content and to its parent's digest, so a change rebuilds that layer
//! and everything above it, and the top layer's digest names the whole image.

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::ImageSpec;
use crate::Digest;

/// Layers in every image.
pub const LAYER_COUNT: usize = 5;

/// What a layer holds, bottom to top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LayerKind {
    /// The operating system.
    Base,
    /// OS packages.
    Packages,
    /// The language runtime.
    Runtime,
    /// The application (and, without a multi-stage build, its build toolchain).
    Application,
    /// Configuration files.
    Config,
}

impl LayerKind {
    /// Bottom to top.
    pub const ALL: [LayerKind; LAYER_COUNT] =
        [LayerKind::Base, LayerKind::Packages, LayerKind::Runtime, LayerKind::Application, LayerKind::Config];

    /// A word for the learner.
    pub fn label(self) -> &'static str {
        match self {
            LayerKind::Base => "base OS",
            LayerKind::Packages => "OS packages",
            LayerKind::Runtime => "runtime",
            LayerKind::Application => "application",
            LayerKind::Config => "configuration",
        }
    }
}

/// One built layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// Which layer.
    pub kind: LayerKind,
    /// Chained digest: this layer's content and every layer below it.
    pub digest: Digest,
    /// Size in KB.
    pub size_kb: u32,
    /// Ticks to build it when it is not in the build cache.
    pub build_ticks: u32,
}

/// Illustrative sizes, in KB, of common bases (full variant).
const BASE_SIZES_KB: [(&str, u32); 5] =
    [("alpine", 7_300), ("ubuntu", 77_900), ("debian", 117_000), ("amazonlinux", 143_000), ("rhel", 210_000)];
const BASE_SIZE_OTHER_KB: u32 = 90_000;
/// A minimal variant keeps roughly a third: no shell, docs or package manager.
const MINIMAL_SHARE_PERCENT: u32 = 35;
const MINIMAL_FLOOR_KB: u32 = 5_000;

const PACKAGE_SIZES_KB: [(&str, u32); 10] = [
    ("build-essential", 240_000),
    ("ca-certificates", 900),
    ("curl", 4_200),
    ("gdb", 25_000),
    ("git", 38_000),
    ("htop", 400),
    ("nginx", 3_100),
    ("openssl", 6_500),
    ("python3", 29_000),
    ("strace", 1_600),
];
const PACKAGE_SIZE_OTHER_KB: u32 = 3_000;

const RUNTIME_SIZES_KB: [(&str, u32); 5] =
    [("dotnet", 180_000), ("go", 0), ("nodejs", 96_000), ("openjdk", 196_000), ("python", 51_000)];
const RUNTIME_SIZE_OTHER_KB: u32 = 60_000;

const APPLICATION_KB: u32 = 18_000;
/// Compilers, headers and development dependencies a single-stage build leaves in the image.
const BUILD_TOOLCHAIN_KB: u32 = 310_000;
const CONFIG_KB: u32 = 8;

fn lookup(table: &[(&str, u32)], name: &str, other: u32) -> u32 {
    table.iter().find(|(prefix, _)| name.starts_with(prefix)).map_or(other, |(_, size)| *size)
}

/// Builds the chain for a spec.
pub(super) fn build(spec: &ImageSpec) -> [Layer; LAYER_COUNT] {
    let full_base = lookup(&BASE_SIZES_KB, &spec.base, BASE_SIZE_OTHER_KB);
    let base_kb = if spec.minimal_base {
        (full_base * MINIMAL_SHARE_PERCENT / 100).max(MINIMAL_FLOOR_KB).min(full_base)
    } else {
        full_base
    };
    let packages_kb: u32 =
        spec.packages.keys().map(|name| lookup(&PACKAGE_SIZES_KB, name, PACKAGE_SIZE_OTHER_KB)).sum();
    let runtime_kb =
        spec.runtime.as_ref().map_or(0, |r| lookup(&RUNTIME_SIZES_KB, &r.name, RUNTIME_SIZE_OTHER_KB));
    let application_kb = APPLICATION_KB + if spec.multi_stage { 0 } else { BUILD_TOOLCHAIN_KB };

    let mut parent: Option<Digest> = None;
    let mut layer = |kind: LayerKind, size_kb: u32, build_ticks: u32, content: &dyn Fn(&mut Sha256)| {
        let mut hasher = Sha256::new_with_prefix(b"lab-layer/v1");
        hasher.update(parent.map_or([0u8; 32], |digest| *digest.as_bytes()));
        hasher.update([kind as u8]);
        content(&mut hasher);
        let digest = Digest::from_hasher(hasher);
        parent = Some(digest);
        Layer { kind, digest, size_kb, build_ticks }
    };
    [
        layer(LayerKind::Base, base_kb, 6, &|h| {
            put(h, spec.base.as_bytes());
            h.update(spec.base_snapshot.to_le_bytes());
            h.update([u8::from(spec.minimal_base)]);
        }),
        layer(LayerKind::Packages, packages_kb, 2 + spec.packages.len() as u32 / 2, &|h| {
            put_map(h, spec.packages.iter())
        }),
        layer(LayerKind::Runtime, runtime_kb, if spec.runtime.is_some() { 3 } else { 1 }, &|h| match &spec
            .runtime
        {
            None => h.update([0]),
            Some(runtime) => {
                h.update([1]);
                put(h, runtime.name.as_bytes());
                put(h, runtime.version.as_bytes());
            }
        }),
        layer(LayerKind::Application, application_kb, 4, &|h| {
            put(h, spec.app_version.as_bytes());
            h.update([u8::from(spec.multi_stage)]);
            if spec.broken {
                // Only broken builds hash this, so every working image keeps its digest.
                h.update(b"broken");
            }
            if spec.error_rate_per_mille > 0 {
                h.update(b"errors");
                h.update(spec.error_rate_per_mille.to_le_bytes());
            }
            if spec.crash_after_ticks > 0 {
                h.update(b"crash");
                h.update(spec.crash_after_ticks.to_le_bytes());
            }
            if spec.added_latency_ms > 0 {
                h.update(b"latency");
                h.update(spec.added_latency_ms.to_le_bytes());
            }
        }),
        layer(LayerKind::Config, CONFIG_KB, 1, &|h| put_map(h, spec.config.iter())),
    ]
}

/// Strings are length-prefixed (u32, so wasm32 and 64-bit hosts hash the same bytes), which keeps
/// `ab`+`c` apart from `a`+`bc`.
fn put(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u32).to_le_bytes());
    hasher.update(bytes);
}

fn put_map<'a>(hasher: &mut Sha256, entries: impl ExactSizeIterator<Item = (&'a String, &'a String)>) {
    hasher.update((entries.len() as u32).to_le_bytes());
    for (key, value) in entries {
        put(hasher, key.as_bytes());
        put(hasher, value.as_bytes());
    }
}
