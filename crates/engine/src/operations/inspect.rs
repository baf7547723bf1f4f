//! What is really on the instances, compared with their images: the observed state, the drift
//! detector's report, whether an advisory affects what is installed, and the snowflake index.
//! Read-only questions about the fleet and the registry, asked by operations and by the views.

use std::collections::BTreeSet;

use crate::drift::{DriftReport, Observed};
use crate::fleet::Fleet;
use crate::registry::Registry;
use crate::scan::{Advisory, findings};
use crate::{Digest, Instance};

/// The state of the instance at `index`: its drift if it has any, else its image's baseline.
pub(crate) fn observed_state(fleet: &Fleet, registry: &Registry, index: usize) -> Observed {
    let instance = &fleet.instances()[index];
    match &instance.observed {
        Some(observed) => (**observed).clone(),
        None => registry.image(instance.image).map(|i| Observed::baseline(&i.spec)).unwrap_or_default(),
    }
}

/// What the drift detector reports for an instance: `None` while it is exactly its image (or its
/// image is gone), else every difference from the image's baseline.
pub(crate) fn drift_report(registry: &Registry, instance: &Instance) -> Option<DriftReport> {
    let observed = instance.observed.as_ref()?;
    let baseline = Observed::baseline(&registry.image(instance.image)?.spec);
    Some(DriftReport::between(&baseline, observed))
}

/// Whether a known advisory affects a package or runtime actually on the instance (for a drifted
/// instance that is its observed state, not its image).
pub(crate) fn is_vulnerable(registry: &Registry, advisories: &[Advisory], instance: &Instance) -> bool {
    match &instance.observed {
        None => {
            registry.image(instance.image).is_some_and(|image| !findings(&image.spec, advisories).is_empty())
        }
        Some(observed) => advisories.iter().any(|advisory| {
            observed
                .packages
                .get(&advisory.package)
                .is_some_and(|version| advisory.affects(&advisory.package, version))
        }),
    }
}

/// Distinct configurations among live instances: 1 for a fleet that is really identical.
pub(crate) fn snowflake_index(fleet: &Fleet, registry: &Registry) -> u32 {
    let mut fingerprints = BTreeSet::new();
    let mut image_fingerprints: Vec<(Digest, Digest)> = Vec::new();
    for instance in fleet.instances().iter().filter(|i| i.state.is_live()) {
        let fingerprint = match &instance.observed {
            Some(observed) => observed.fingerprint(),
            None => match image_fingerprints.iter().find(|(image, _)| *image == instance.image) {
                Some((_, fingerprint)) => *fingerprint,
                None => {
                    let fingerprint = registry
                        .image(instance.image)
                        .map_or(instance.image, |i| Observed::baseline(&i.spec).fingerprint());
                    image_fingerprints.push((instance.image, fingerprint));
                    fingerprint
                }
            },
        };
        fingerprints.insert(fingerprint);
    }
    fingerprints.len() as u32
}
