//! What the lab writes, the lab reads back: a lesson, a pack and a scenario, written as the page
//! saves them, are read by the same reader that loads them and come back equal. A field written as
//! `null` that the reader then refuses would lose a teacher's lessons after a reload.

use lab_engine::lesson::{Lesson, Pack, pack_from_json};
use lab_engine::{Scenario, StrategySpec};
use proptest::prelude::*;

fn built_in() -> Vec<Lesson> {
    lab_engine::builtin::lesson_texts().iter().map(|text| Lesson::from_json(text).unwrap()).collect()
}

/// The built-in scenarios' strategies: every kind, with the settings real scenarios use.
fn strategies() -> Vec<StrategySpec> {
    lab_engine::builtin::scenario_names()
        .iter()
        .filter_map(|name| lab_engine::builtin::scenario(name))
        .map(|text| Scenario::from_json(text).unwrap().strategy)
        .collect()
}

/// Text as people type it, quotes, backslashes, control characters and emoji included.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            proptest::char::range(' ', '~'),
            Just('"'),
            Just('\\'),
            Just('\u{1b}'),
            Just('\n'),
            Just('é'),
            Just('🚀')
        ],
        1..max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

prop_compose! {
    /// A lesson as a teacher might save it: a built-in one, its scenario written inline or not,
    /// with texts of their own. (Scenarios with every optional field set or left out are
    /// generated below.)
    fn lesson()(
        index in 0usize..24,
        inline in any::<bool>(),
        title in text(60),
        hints in proptest::collection::vec(text(80), 0..4),
        scenario_name in text(30),
    ) -> Lesson {
        let mut lesson = built_in()[index % built_in().len()].clone();
        lesson.id = format!("teachers-{index}");
        lesson.title = format!("T{title}");
        lesson.hints = hints;
        if inline || lesson.inline_scenario.is_some() {
            // Only what does not change how the lesson plays: its solution must still pass.
            let mut scenario = lesson.start();
            scenario.name = scenario_name;
            lesson.inline_scenario = Some(Box::new(scenario));
            lesson.scenario = None;
        }
        lesson
    }
}

prop_compose! {
    fn scenario()(
        seed in any::<u64>(),
        fleet in 1u32..50,
        strategy in 0usize..64,
        pull in proptest::option::of(1u32..20),
        launch in proptest::option::of(prop_oneof![Just("latest"), Just("v1.2.3"), Just("production")]),
        max_age in proptest::option::of(1u64..1000),
        name in text(40),
    ) -> Scenario {
        let mut scenario = Scenario::new(seed, fleet, lab_engine::ImageSpec::new("ubuntu-22.04", "1.0.0"));
        let strategies = strategies();
        scenario.strategy = strategies[strategy % strategies.len()].clone();
        scenario.pull_ticks = pull;
        scenario.launch_reference = launch.map(str::to_owned);
        scenario.max_instance_age_ticks = max_age;
        scenario.name = name;
        scenario
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_saved_pack_reads_back_equal(lessons in proptest::collection::vec(lesson(), 1..4)) {
        let mut lessons = lessons;
        for (index, lesson) in lessons.iter_mut().enumerate() {
            lesson.id = format!("{}-{index}", lesson.id);
        }
        // Written exactly as the page stores a teacher's lessons.
        let text = serde_json::to_string_pretty(&Pack { lessons: lessons.clone() }).unwrap();
        let read = pack_from_json(&text);
        prop_assert_eq!(read.as_ref().map_err(ToString::to_string), Ok(&lessons), "{}", text);
        // And a single lesson, as the builder exports it.
        let one = serde_json::to_string(&lessons[0]).unwrap();
        prop_assert_eq!(Lesson::from_json(&one).map_err(|e| e.to_string()), Ok(lessons[0].clone()));
    }

    #[test]
    fn a_written_scenario_reads_back_equal(scenario in scenario()) {
        let text = serde_json::to_string_pretty(&scenario).unwrap();
        prop_assert_eq!(Scenario::from_json(&text).map_err(|e| e.to_string()), Ok(scenario), "{}", text);
    }
}

#[test]
fn a_teachers_inline_scenario_without_a_launch_tag_or_pull_time_survives_saving() {
    // The reported case: an inline scenario with neither `launch_reference` nor `pull_ticks`.
    let mut lesson = built_in().into_iter().find(|l| l.inline_scenario.is_some()).unwrap();
    lesson.id = "teachers-own".into();
    let scenario = lesson.inline_scenario.as_mut().unwrap();
    (scenario.launch_reference, scenario.pull_ticks) = (None, None);
    let text = serde_json::to_string(&Pack { lessons: vec![lesson.clone()] }).unwrap();
    assert!(!text.contains("null"), "optional fields are left out, not written as null: {text}");
    assert_eq!(pack_from_json(&text).map_err(|e| e.to_string()), Ok(vec![lesson]));
    // A file an older lab wrote, with the nulls in it, is read too.
    let with_nulls = text.replace("\"seed\":", "\"launch_reference\":null,\"pull_ticks\":null,\"seed\":");
    assert!(pack_from_json(&with_nulls).is_ok(), "{with_nulls}");
}
