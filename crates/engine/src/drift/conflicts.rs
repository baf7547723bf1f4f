//! Why an in-place upgrade fails on some instances: explicit rules over what was changed by hand.
//! These are the failures the seed story could not explain, made explainable.

use serde::Serialize;

use super::Observed;

/// Why an in-place change failed on one instance: data, worded by `Display`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum PatchFailure {
    /// A tool installed by hand depends on the exact version the upgrade replaces.
    PinnedByTool {
        /// The tool.
        tool: String,
        /// The package it pins.
        package: String,
        /// The version it needs.
        pinned: String,
    },
    /// A kernel setting changed by hand breaks the package's maintainer scripts.
    FragileKernel {
        /// The setting.
        key: &'static str,
        /// Its value.
        value: &'static str,
        /// What the scripts then print.
        symptom: &'static str,
    },
    /// A configuration management run met one of the failures above (written out as its text
    /// in JSON, which also keeps serde's types from recursing).
    ConfigurationRun {
        /// What it met.
        #[serde(serialize_with = "crate::command::serialize_display")]
        failure: Box<PatchFailure>,
    },
    /// The deploy script found the application edited by hand and stopped.
    LocalAppChanges,
}

impl std::fmt::Display for PatchFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PatchFailure::PinnedByTool { tool, package, pinned } => {
                write!(
                    f,
                    "{tool}, installed by hand, depends on {package} (= {pinned}); apt refuses to break it"
                )
            }
            PatchFailure::FragileKernel { key, value, symptom } => {
                write!(f, "dpkg: post-install script failed: {symptom} ({key}={value} was set by hand)")
            }
            PatchFailure::ConfigurationRun { failure } => write!(f, "configuration run: {failure}"),
            PatchFailure::LocalAppChanges => {
                f.write_str("deploy script stopped: local changes to the application would be overwritten")
            }
        }
    }
}

/// Kernel settings under which a package upgrade's maintainer scripts cannot run: with strict
/// memory overcommit, restarting every service that links the library cannot fork.
const FRAGILE_KERNEL_SETTINGS: [(&str, &str, &str); 2] = [
    ("vm.overcommit_memory", "2", "fork: Cannot allocate memory while restarting services"),
    ("kernel.pid_max", "4096", "fork: Resource temporarily unavailable while restarting services"),
];

/// The reason upgrading `package` to `version` fails on an instance in this state, if it does.
pub fn upgrade_conflict(observed: &Observed, package: &str, version: &str) -> Option<PatchFailure> {
    for (tool, (needed, pinned)) in &observed.tool_requirements {
        if needed == package && pinned != version {
            return Some(PatchFailure::PinnedByTool {
                tool: tool.clone(),
                package: package.to_owned(),
                pinned: pinned.clone(),
            });
        }
    }
    for (key, value, symptom) in FRAGILE_KERNEL_SETTINGS {
        if observed.kernel.get(key).is_some_and(|v| v == value) {
            return Some(PatchFailure::FragileKernel { key, value, symptom });
        }
    }
    None
}
