//! Security advisories: a package, the version that fixes it, and how bad it is.

use serde::{Deserialize, Serialize};

use super::version_less;
use crate::ImageSpec;

/// How serious an advisory is. Ordered, so a policy can say "fail at High and above".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Little risk.
    Low,
    /// Worth patching in the next release.
    Medium,
    /// Patch soon.
    High,
    /// Patch now.
    Critical,
}

impl Severity {
    /// A word for the learner.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// A published vulnerability: every version of `package` below `fixed_in` is affected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advisory {
    /// Its identifier.
    pub id: String,
    /// The affected package (an OS package or the runtime's name).
    pub package: String,
    /// The first version that is not affected.
    pub fixed_in: String,
    /// How bad it is.
    pub severity: Severity,
    /// One sentence for the learner.
    pub summary: String,
}

impl Advisory {
    /// Whether `version` of `package` is affected.
    pub fn affects(&self, package: &str, version: &str) -> bool {
        self.package == package && version_less(version, &self.fixed_in)
    }
}

/// Advisories known from the start: `(id, package, fixed_in, severity, summary)`. Each affects every
/// version below `fixed_in`, so only advisories whose fix is in one release line belong here.
pub const BUILT_IN_ADVISORIES: [(&str, &str, &str, Severity, &str); 2] = [
    (
        "CVE-2023-5363",
        "openssl",
        "3.0.12",
        Severity::High,
        "OpenSSL before 3.0.12 may process cipher key and IV lengths incorrectly, weakening encryption",
    ),
    (
        "CVE-2023-38545",
        "curl",
        "8.4.0",
        Severity::High,
        "curl before 8.4.0 can overflow a heap buffer during a SOCKS5 proxy handshake",
    ),
];

/// The advisories that affect a spec's packages or runtime, in the order given.
pub fn findings<'a>(spec: &ImageSpec, advisories: &'a [Advisory]) -> Vec<&'a Advisory> {
    affecting(spec, advisories).collect()
}

/// The same advisories, one by one (a question like "any?" then allocates nothing).
pub fn affecting<'a>(spec: &ImageSpec, advisories: &'a [Advisory]) -> impl Iterator<Item = &'a Advisory> {
    advisories.iter().filter(|advisory| {
        let package_hit = spec.packages.iter().any(|(name, version)| advisory.affects(name, version));
        let runtime_hit =
            spec.runtime.as_ref().is_some_and(|runtime| advisory.affects(&runtime.name, &runtime.version));
        package_hit || runtime_hit
    })
}

/// The advisories every world knows from the start.
pub(crate) fn built_in() -> Vec<Advisory> {
    BUILT_IN_ADVISORIES
        .iter()
        .map(|(id, package, fixed_in, severity, summary)| Advisory {
            id: (*id).into(),
            package: (*package).into(),
            fixed_in: (*fixed_in).into(),
            severity: *severity,
            summary: (*summary).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_story_openssl_is_affected_and_its_patch_is_not() {
        let advisories = built_in();
        let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
        spec.packages.insert("openssl".into(), "3.0.11".into());
        assert_eq!(
            findings(&spec, &advisories).iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["CVE-2023-5363"]
        );
        spec.packages.insert("openssl".into(), "3.0.12".into());
        assert!(findings(&spec, &advisories).is_empty());
    }

    #[test]
    fn runtimes_are_scanned_too() {
        let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
        spec.runtime = Some(crate::Runtime { name: "nodejs".into(), version: "20.8.0".into() });
        let mut advisories = built_in();
        advisories.push(Advisory {
            id: "LAB-NODE".into(),
            package: "nodejs".into(),
            fixed_in: "20.8.1".into(),
            severity: Severity::High,
            summary: "made up".into(),
        });
        assert_eq!(findings(&spec, &advisories).len(), 1);
    }
}
