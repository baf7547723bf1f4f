//! Why an in-place upgrade fails on some instances: explicit rules over what was changed by hand.
//! These are the failures the seed story could not explain, made explainable.

use super::Observed;

/// Kernel settings under which a package upgrade's maintainer scripts cannot run: with strict
/// memory overcommit, restarting every service that links the library cannot fork.
const FRAGILE_KERNEL_SETTINGS: [(&str, &str, &str); 2] = [
    ("vm.overcommit_memory", "2", "fork: Cannot allocate memory while restarting services"),
    ("kernel.pid_max", "4096", "fork: Resource temporarily unavailable while restarting services"),
];

/// The reason upgrading `package` to `version` fails on an instance in this state, if it does.
pub fn upgrade_conflict(observed: &Observed, package: &str, version: &str) -> Option<String> {
    for (tool, (needed, pinned)) in &observed.tool_requirements {
        if needed == package && pinned != version {
            return Some(format!(
                "{tool}, installed by hand, depends on {package} (= {pinned}); apt refuses to break it"
            ));
        }
    }
    for (key, value, symptom) in FRAGILE_KERNEL_SETTINGS {
        if observed.kernel.get(key).is_some_and(|v| v == value) {
            return Some(format!(
                "dpkg: post-install script failed: {symptom} ({key}={value} was set by hand)"
            ));
        }
    }
    None
}
