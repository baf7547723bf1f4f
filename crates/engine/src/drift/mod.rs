//! What is actually on an instance, as opposed to what its image says should be: packages, kernel
//! parameters, files, cron jobs, extra processes and local data. Every hand-made change is a drift
//! item; an instance with any is a snowflake, and the fleet's snowflake index counts the distinct
//! states its instances are in.

mod change;
mod conflicts;
mod detect;

use std::collections::{BTreeMap, BTreeSet};

pub use change::{DriftChange, LOCAL_DATA_MB_MAX};
pub use conflicts::{PatchFailure, upgrade_conflict};
pub use detect::{DriftItem, DriftKind, DriftReport, ItemCategory};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::{Digest, ImageSpec};

/// The state an instance is really in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Observed {
    /// Installed packages (the runtime counts as one) and their versions.
    pub packages: BTreeMap<String, String>,
    /// Kernel parameters changed from the distribution's defaults.
    pub kernel: BTreeMap<String, String>,
    /// Configuration values and application files, by path or key.
    pub files: BTreeMap<String, String>,
    /// Cron jobs.
    pub cron: BTreeSet<String>,
    /// Processes running besides the application.
    pub processes: BTreeSet<String>,
    /// Debugging tools installed by hand, with the exact package version each one requires.
    pub tool_requirements: BTreeMap<String, (String, String)>,
    /// Data written to the instance's own disk, in MB: lost when the instance is replaced.
    pub local_data_mb: u32,
}

/// The key under which the application's own version is recorded among the files.
pub const APP_FILE: &str = "app/version";

impl Observed {
    /// Exactly what an image puts on a fresh instance.
    pub fn baseline(spec: &ImageSpec) -> Self {
        let mut packages = spec.packages.clone();
        if let Some(runtime) = &spec.runtime {
            packages.insert(runtime.name.clone(), runtime.version.clone());
        }
        let mut files: BTreeMap<String, String> =
            spec.config.iter().map(|(key, value)| (format!("config/{key}"), value.clone())).collect();
        files.insert(APP_FILE.to_owned(), spec.app_version.clone());
        Observed { packages, files, ..Observed::default() }
    }

    /// sha256 over the configuration state (everything but local data, which is content, not
    /// configuration). Equal fingerprints mean two instances are configured identically.
    pub fn fingerprint(&self) -> Digest {
        // Every field named, none by `..`: a new kind of state does not compile until it is
        // decided whether it is configuration.
        let Observed { packages, kernel, files, cron, processes, tool_requirements, local_data_mb: _ } = self;
        let mut hasher = Sha256::new_with_prefix(b"lab-observed/v1");
        let mut put = |bytes: &[u8]| {
            hasher.update((bytes.len() as u32).to_le_bytes());
            hasher.update(bytes);
        };
        for map in [packages, kernel, files] {
            put(&(map.len() as u32).to_le_bytes());
            for (key, value) in map {
                put(key.as_bytes());
                put(value.as_bytes());
            }
        }
        for set in [cron, processes] {
            put(&(set.len() as u32).to_le_bytes());
            for item in set {
                put(item.as_bytes());
            }
        }
        put(&(tool_requirements.len() as u32).to_le_bytes());
        for (tool, (package, version)) in tool_requirements {
            put(tool.as_bytes());
            put(package.as_bytes());
            put(version.as_bytes());
        }
        Digest::from_hasher(hasher)
    }
}
