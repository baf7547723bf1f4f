//! The hand-made changes the drift palette offers: each one something engineers really do over SSH.

use serde::{Deserialize, Serialize};

use super::{APP_FILE, Observed};

/// One change made by hand on one instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DriftChange {
    /// Edit a configuration value in place (a hotfix).
    HotfixConfig {
        /// The config key.
        key: String,
        /// Its new value.
        value: String,
    },
    /// Change a kernel parameter with sysctl.
    KernelParam {
        /// e.g. `vm.overcommit_memory`.
        key: String,
        /// e.g. `2`.
        value: String,
    },
    /// Install a debugging tool (and forget it). It may pin a package it was built against.
    InstallTool {
        /// The tool, e.g. `tcpflow`.
        name: String,
        /// A package whose currently installed version the tool needs exactly.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        requires: Option<String>,
    },
    /// Add a cron job.
    AddCron {
        /// The crontab line.
        line: String,
    },
    /// Upgrade (or downgrade) one package by hand on this instance only.
    PatchPackage {
        /// The package (or runtime, e.g. `nodejs`).
        name: String,
        /// The version installed.
        version: String,
    },
    /// Edit an application file in place.
    EditAppFile {
        /// The file.
        path: String,
    },
    /// Write data to the instance's own disk (uploads, a local cache, a SQLite file).
    WriteLocalData {
        /// How much, in MB (1 to `LOCAL_DATA_MB_MAX`).
        #[serde(deserialize_with = "local_data_mb")]
        mb: u32,
    },
    /// An attacker gains persistence: a hidden process and a cron job that restarts it.
    Compromise,
}

/// The longest a file's value grows through repeated `edit_app_file` changes.
const EDITED_VALUE_LEN_MAX: usize = 256;
/// The mark each further edit leaves on a file's value.
const EDITED: &str = "+edited";

/// The most data one `write_local_data` may write, in MB.
pub const LOCAL_DATA_MB_MAX: u32 = 100_000;

fn check_local_data_mb(mb: u32) -> Result<u32, String> {
    if mb == 0 || mb > LOCAL_DATA_MB_MAX {
        return Err(format!("must be between 1 and {LOCAL_DATA_MB_MAX}, got {mb}"));
    }
    Ok(mb)
}

fn local_data_mb<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    crate::bounds::de_u32_with(deserializer, check_local_data_mb)
}

impl DriftChange {
    /// Checks the numbers of a change built in code, naming the field at fault.
    pub fn validate(&self) -> Result<(), crate::InputError> {
        match self {
            DriftChange::WriteLocalData { mb } => {
                crate::bounds::named("write_local_data.mb", check_local_data_mb(*mb)).map(drop)
            }
            _ => Ok(()),
        }
    }

    /// A short description for the audit log.
    pub fn describe(&self) -> String {
        match self {
            DriftChange::HotfixConfig { key, value } => format!("hotfix config {key}={value}"),
            DriftChange::KernelParam { key, value } => format!("sysctl {key}={value}"),
            DriftChange::InstallTool { name, requires: None } => format!("install debugging tool {name}"),
            DriftChange::InstallTool { name, requires: Some(package) } => {
                format!("install debugging tool {name} (needs the installed {package})")
            }
            DriftChange::AddCron { line } => format!("add cron job `{line}`"),
            DriftChange::PatchPackage { name, version } => format!("upgrade {name} to {version} by hand"),
            DriftChange::EditAppFile { path } => format!("edit {path} in place"),
            DriftChange::WriteLocalData { mb } => format!("write {mb} MB to local disk"),
            DriftChange::Compromise => {
                "attacker installs a hidden process and a cron job to restart it".into()
            }
        }
    }

    /// Whether it leaves a trace in the instance's configuration (local data does not).
    pub fn is_configuration(&self) -> bool {
        !matches!(self, DriftChange::WriteLocalData { .. })
    }

    /// Applies the change.
    pub(crate) fn apply(&self, observed: &mut Observed) {
        match self {
            DriftChange::HotfixConfig { key, value } => {
                observed.files.insert(format!("config/{key}"), value.clone());
            }
            DriftChange::KernelParam { key, value } => {
                observed.kernel.insert(key.clone(), value.clone());
            }
            DriftChange::InstallTool { name, requires } => {
                observed.packages.insert(name.clone(), "local".into());
                if let Some(package) = requires {
                    let version = observed.packages.get(package).cloned().unwrap_or_default();
                    observed.tool_requirements.insert(name.clone(), (package.clone(), version));
                }
            }
            DriftChange::AddCron { line } => {
                observed.cron.insert(line.clone());
            }
            DriftChange::PatchPackage { name, version } => {
                observed.packages.insert(name.clone(), version.clone());
            }
            DriftChange::EditAppFile { path } => {
                let key = if path == APP_FILE { path.clone() } else { format!("app/{path}") };
                let edited = match observed.files.get(&key) {
                    None => "edited".to_owned(),
                    // Each edit leaves a mark, up to a bound: a file edited by hand a million
                    // times must not hold a value millions of characters long.
                    Some(value) if value.len() + EDITED.len() > EDITED_VALUE_LEN_MAX => return,
                    Some(value) => format!("{value}{EDITED}"),
                };
                observed.files.insert(key, edited);
            }
            DriftChange::WriteLocalData { mb } => {
                observed.local_data_mb = observed.local_data_mb.saturating_add(*mb);
            }
            DriftChange::Compromise => {
                observed.processes.insert("kworkerd (not a kernel thread)".into());
                observed.cron.insert("@reboot /tmp/.cache/kworkerd".into());
            }
        }
    }
}
