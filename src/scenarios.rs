//! Scenarios built into the page, by name.

/// `(name, JSON)` for every built-in scenario. The files live in `scenarios/` so that the CLI runs
/// exactly the same text.
const BUILT_IN: &[(&str, &str)] = &[
    ("sandbox", include_str!("../scenarios/sandbox.json")),
    ("demo", include_str!("../scenarios/demo.json")),
    ("latest-trap", include_str!("../scenarios/latest-trap.json")),
    ("latest-pinned", include_str!("../scenarios/latest-pinned.json")),
    ("seed-004", include_str!("../scenarios/seed-004.json")),
    ("recreate", include_str!("../scenarios/recreate.json")),
    ("blue-green", include_str!("../scenarios/blue-green.json")),
    ("blue-green-bad", include_str!("../scenarios/blue-green-bad.json")),
    ("canary", include_str!("../scenarios/canary.json")),
    ("canary-bad", include_str!("../scenarios/canary-bad.json")),
    ("canary-slow", include_str!("../scenarios/canary-slow.json")),
    ("canary-routed", include_str!("../scenarios/canary-routed.json")),
    ("instance-refresh", include_str!("../scenarios/instance-refresh.json")),
    ("instance-refresh-bad", include_str!("../scenarios/instance-refresh-bad.json")),
];

/// The scenario a page opens with when the URL names none.
pub const DEFAULT_NAME: &str = "sandbox";

/// The JSON of a built-in scenario.
pub fn by_name(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(known, _)| *known == name).map(|(_, text)| *text)
}

/// The scenarios the lab's picker offers, with a short label each.
pub const PICKER: [(&str, &str); 13] = [
    ("sandbox", "Sandbox: build, pipeline, deploy"),
    ("demo", "Rolling update"),
    ("recreate", "Recreate"),
    ("blue-green", "Blue-green"),
    ("blue-green-bad", "Blue-green: smoke tests stop a bad preview"),
    ("canary", "Canary with analysis"),
    ("canary-bad", "Canary of a buggy release"),
    ("canary-slow", "Canary of a slow release: inconclusive"),
    ("canary-routed", "Canary behind a traffic router"),
    ("instance-refresh", "Instance refresh with a checkpoint"),
    ("instance-refresh-bad", "Instance refresh that rolls back"),
    ("latest-trap", "The `latest` trap"),
    ("latest-pinned", "Pinned by digest"),
];

/// Names of every built-in scenario.
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use lab_engine::Scenario;

    #[test]
    fn every_built_in_scenario_parses() {
        for name in super::names() {
            let text = super::by_name(name).unwrap();
            Scenario::from_json(text).unwrap_or_else(|error| panic!("{name}: {error}"));
        }
        assert!(super::by_name(super::DEFAULT_NAME).is_some());
    }
}
