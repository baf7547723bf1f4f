//! What ships with the lab: the built-in scenarios and lessons, compiled in from the files in
//! `scenarios/` and `lessons/`, so the page, the CLI and the tests read exactly the same text.

/// `(name, JSON)` for every built-in scenario. The files live in `scenarios/` so that the CLI runs
/// exactly the same text.
const BUILT_IN: &[(&str, &str)] = &[
    ("sandbox", include_str!("../../../scenarios/sandbox.json")),
    ("demo", include_str!("../../../scenarios/demo.json")),
    ("latest-trap", include_str!("../../../scenarios/latest-trap.json")),
    ("latest-pinned", include_str!("../../../scenarios/latest-pinned.json")),
    ("seed-004", include_str!("../../../scenarios/seed-004.json")),
    ("recreate", include_str!("../../../scenarios/recreate.json")),
    ("blue-green", include_str!("../../../scenarios/blue-green.json")),
    ("blue-green-bad", include_str!("../../../scenarios/blue-green-bad.json")),
    ("canary", include_str!("../../../scenarios/canary.json")),
    ("canary-bad", include_str!("../../../scenarios/canary-bad.json")),
    ("canary-slow", include_str!("../../../scenarios/canary-slow.json")),
    ("canary-routed", include_str!("../../../scenarios/canary-routed.json")),
    ("instance-refresh", include_str!("../../../scenarios/instance-refresh.json")),
    ("instance-refresh-bad", include_str!("../../../scenarios/instance-refresh-bad.json")),
];

/// The JSON of a built-in scenario.
pub fn scenario(name: &str) -> Option<&'static str> {
    BUILT_IN.iter().find(|(known, _)| *known == name).map(|(_, text)| *text)
}

/// Names of every built-in scenario.
pub fn scenario_names() -> Vec<&'static str> {
    BUILT_IN.iter().map(|(name, _)| *name).collect()
}

/// The built-in curriculum, one JSON file per lesson, in teaching order.
const LESSONS: &[&str] = &[
    include_str!("../../../lessons/01-thirty-snowflakes.json"),
    include_str!("../../../lessons/02-convergence-is-not-identity.json"),
    include_str!("../../../lessons/03-cattle-not-pets.json"),
    include_str!("../../../lessons/04-bake-dont-configure.json"),
    include_str!("../../../lessons/05-the-image-is-the-truth.json"),
    include_str!("../../../lessons/06-same-spec-same-digest.json"),
    include_str!("../../../lessons/07-stateless-servers.json"),
    include_str!("../../../lessons/08-slim-images.json"),
    include_str!("../../../lessons/09-pin-the-digest.json"),
    include_str!("../../../lessons/10-immutable-tags.json"),
    include_str!("../../../lessons/11-scan-before-ship.json"),
    include_str!("../../../lessons/12-secrets-at-runtime.json"),
    include_str!("../../../lessons/13-build-once.json"),
    include_str!("../../../lessons/14-recreate-downtime.json"),
    include_str!("../../../lessons/15-rolling-arithmetic.json"),
    include_str!("../../../lessons/16-blue-green-switch-back.json"),
    include_str!("../../../lessons/17-canary-analysis.json"),
    include_str!("../../../lessons/18-instance-refresh-checkpoints.json"),
    include_str!("../../../lessons/19-roll-back.json"),
    include_str!("../../../lessons/20-phoenix-servers.json"),
    include_str!("../../../lessons/21-emergency-patch-race.json"),
    include_str!("../../../lessons/22-legacy-local-state.json"),
    include_str!("../../../lessons/23-choose-a-strategy.json"),
    include_str!("../../../lessons/24-maturity-ladder.json"),
];

/// The built-in lessons' JSON, in teaching order.
pub fn lesson_texts() -> &'static [&'static str] {
    LESSONS
}
