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

/// Declares the curriculum once: the file names (what a browser fetches from `lessons/`) and, with
/// the `lesson-texts` feature, the texts compiled in (for the CLI and the tests).
macro_rules! curriculum {
    ($($file:literal),* $(,)?) => {
        /// The built-in lessons' file names in `lessons/`, in teaching order.
        pub const LESSON_FILES: &[&str] = &[$($file),*];

        #[cfg(feature = "lesson-texts")]
        const LESSONS: &[&str] = &[$(include_str!(concat!("../../../lessons/", $file))),*];
    };
}

curriculum!(
    "01-thirty-snowflakes.json",
    "02-convergence-is-not-identity.json",
    "03-cattle-not-pets.json",
    "04-bake-dont-configure.json",
    "05-the-image-is-the-truth.json",
    "06-same-spec-same-digest.json",
    "07-stateless-servers.json",
    "08-slim-images.json",
    "09-pin-the-digest.json",
    "10-immutable-tags.json",
    "11-scan-before-ship.json",
    "12-secrets-at-runtime.json",
    "13-build-once.json",
    "14-recreate-downtime.json",
    "15-rolling-arithmetic.json",
    "16-blue-green-switch-back.json",
    "17-canary-analysis.json",
    "18-instance-refresh-checkpoints.json",
    "19-roll-back.json",
    "20-phoenix-servers.json",
    "21-emergency-patch-race.json",
    "22-legacy-local-state.json",
    "23-choose-a-strategy.json",
    "24-maturity-ladder.json",
    "25-canary-at-the-terminal.json",
    "26-instance-refresh-from-the-cli.json",
);

/// The built-in lessons' JSON, in teaching order. The page leaves them out of its download
/// (`lesson-texts` off) and fetches the files only on pages that use lessons.
#[cfg(feature = "lesson-texts")]
pub fn lesson_texts() -> &'static [&'static str] {
    LESSONS
}
