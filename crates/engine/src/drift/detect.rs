//! Drift detection in the manner of `terraform plan` and driftctl: compare what is on an instance
//! with what its image says, item by item, and sort the differences into changed, missing and
//! unmanaged.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Observed;

/// Where a drift item lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemCategory {
    /// An installed package or runtime.
    Package,
    /// A kernel parameter.
    KernelParam,
    /// A config value or application file.
    File,
    /// A cron job.
    Cron,
    /// A process.
    Process,
}

impl ItemCategory {
    /// A word for the learner.
    pub fn label(self) -> &'static str {
        match self {
            ItemCategory::Package => "package",
            ItemCategory::KernelParam => "kernel parameter",
            ItemCategory::File => "file",
            ItemCategory::Cron => "cron job",
            ItemCategory::Process => "process",
        }
    }
}

/// How an item differs from the image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DriftKind {
    /// Managed by the image, but with another value.
    Changed {
        /// What the image says.
        expected: String,
        /// What is there.
        actual: String,
    },
    /// Managed by the image, but gone.
    Missing {
        /// What the image says.
        expected: String,
    },
    /// Not in the image at all: nobody manages it, so no tool will ever put it right.
    Unmanaged {
        /// What is there.
        actual: String,
    },
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftItem {
    /// Where.
    pub category: ItemCategory,
    /// Which package, parameter, file, job or process.
    pub key: String,
    /// How it differs.
    pub kind: DriftKind,
}

/// An instance's differences from its image, with what a detector can say about coverage.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DriftReport {
    /// Every difference, by category then key.
    pub items: Vec<DriftItem>,
    /// Items on the instance that the image manages.
    pub managed_items: u32,
    /// Items on the instance in all.
    pub total_items: u32,
}

impl DriftReport {
    /// Compares an instance's state with its image's baseline.
    pub fn between(baseline: &Observed, observed: &Observed) -> Self {
        let mut report = DriftReport::default();
        report.compare_maps(ItemCategory::Package, &baseline.packages, &observed.packages);
        report.compare_maps(ItemCategory::KernelParam, &baseline.kernel, &observed.kernel);
        report.compare_maps(ItemCategory::File, &baseline.files, &observed.files);
        report.compare_sets(ItemCategory::Cron, &baseline.cron, &observed.cron);
        report.compare_sets(ItemCategory::Process, &baseline.processes, &observed.processes);
        report
    }

    /// Whether anything differs.
    pub fn is_drifted(&self) -> bool {
        !self.items.is_empty()
    }

    /// Share of the instance's items the image manages, in percent (100 for a clean instance).
    pub fn coverage_percent(&self) -> u32 {
        (self.managed_items * 100).checked_div(self.total_items).unwrap_or(100)
    }

    fn compare_maps(
        &mut self,
        category: ItemCategory,
        expected: &BTreeMap<String, String>,
        actual: &BTreeMap<String, String>,
    ) {
        for (key, value) in actual {
            self.total_items += 1;
            match expected.get(key) {
                Some(wanted) => {
                    self.managed_items += 1;
                    if wanted != value {
                        self.push(
                            category,
                            key,
                            DriftKind::Changed { expected: wanted.clone(), actual: value.clone() },
                        );
                    }
                }
                None => self.push(category, key, DriftKind::Unmanaged { actual: value.clone() }),
            }
        }
        for (key, wanted) in expected {
            if !actual.contains_key(key) {
                self.push(category, key, DriftKind::Missing { expected: wanted.clone() });
            }
        }
    }

    fn compare_sets(
        &mut self,
        category: ItemCategory,
        expected: &BTreeSet<String>,
        actual: &BTreeSet<String>,
    ) {
        for item in actual {
            self.total_items += 1;
            if expected.contains(item) {
                self.managed_items += 1;
            } else {
                self.push(category, item, DriftKind::Unmanaged { actual: item.clone() });
            }
        }
        for item in expected.difference(actual) {
            self.push(category, item, DriftKind::Missing { expected: item.clone() });
        }
    }

    fn push(&mut self, category: ItemCategory, key: &str, kind: DriftKind) {
        self.items.push(DriftItem { category, key: key.to_owned(), kind });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ImageSpec;
    use crate::drift::DriftChange;

    fn baseline() -> Observed {
        let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
        spec.packages.insert("openssl".into(), "3.0.11".into());
        spec.config.insert("LOG_LEVEL".into(), "info".into());
        Observed::baseline(&spec)
    }

    #[test]
    fn a_clean_instance_has_no_drift_and_full_coverage() {
        let report = DriftReport::between(&baseline(), &baseline());
        assert!(!report.is_drifted());
        assert_eq!(report.coverage_percent(), 100);
    }

    #[test]
    fn each_kind_of_change_is_sorted_into_changed_missing_or_unmanaged() {
        let mut observed = baseline();
        DriftChange::HotfixConfig { key: "LOG_LEVEL".into(), value: "debug".into() }.apply(&mut observed);
        DriftChange::KernelParam { key: "vm.overcommit_memory".into(), value: "2".into() }
            .apply(&mut observed);
        DriftChange::AddCron { line: "0 3 * * * logrotate".into() }.apply(&mut observed);
        observed.packages.remove("openssl");
        let report = DriftReport::between(&baseline(), &observed);
        let kinds: Vec<(ItemCategory, &str)> = report
            .items
            .iter()
            .map(|item| {
                let kind = match item.kind {
                    DriftKind::Changed { .. } => "changed",
                    DriftKind::Missing { .. } => "missing",
                    DriftKind::Unmanaged { .. } => "unmanaged",
                };
                (item.category, kind)
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (ItemCategory::Package, "missing"),
                (ItemCategory::KernelParam, "unmanaged"),
                (ItemCategory::File, "changed"),
                (ItemCategory::Cron, "unmanaged"),
            ]
        );
        assert!(report.coverage_percent() < 100);
    }

    #[test]
    fn fingerprints_tell_drifted_instances_apart_but_ignore_local_data() {
        let clean = baseline();
        let mut with_data = baseline();
        DriftChange::WriteLocalData { mb: 40 }.apply(&mut with_data);
        assert_eq!(clean.fingerprint(), with_data.fingerprint());
        let mut tooled = baseline();
        DriftChange::InstallTool { name: "tcpflow".into(), requires: Some("openssl".into()) }
            .apply(&mut tooled);
        assert_ne!(clean.fingerprint(), tooled.fingerprint());
    }

    #[test]
    fn conflict_rules_explain_failed_upgrades() {
        let mut kernel = baseline();
        DriftChange::KernelParam { key: "vm.overcommit_memory".into(), value: "2".into() }.apply(&mut kernel);
        assert!(
            crate::drift::upgrade_conflict(&kernel, "openssl", "3.0.12")
                .unwrap()
                .to_string()
                .contains("Cannot allocate memory")
        );
        let mut tooled = baseline();
        DriftChange::InstallTool { name: "tcpflow".into(), requires: Some("openssl".into()) }
            .apply(&mut tooled);
        let reason = crate::drift::upgrade_conflict(&tooled, "openssl", "3.0.12").unwrap().to_string();
        assert!(reason.contains("tcpflow") && reason.contains("3.0.11"), "{reason}");
        assert_eq!(crate::drift::upgrade_conflict(&baseline(), "openssl", "3.0.12"), None);
    }
}
