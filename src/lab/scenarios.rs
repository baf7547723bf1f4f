//! Scenarios built into the page, by name (the texts live in the engine's `builtin`), and the
//! picker's choice of them.

/// The scenario a page opens with when the URL names none.
pub const DEFAULT_NAME: &str = "sandbox";

/// The JSON of a built-in scenario.
pub fn by_name(name: &str) -> Option<&'static str> {
    lab_engine::builtin::scenario(name)
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
    lab_engine::builtin::scenario_names().into_iter()
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
