//! Every built-in lesson is checked three ways: its reference solution passes, the untouched
//! start does not, and each recorded mistake fails with exactly the assertions it names.

use lab_engine::lesson::{Lesson, Replay, Submission};

fn lessons() -> Vec<Lesson> {
    lab_engine::builtin::lesson_texts()
        .iter()
        .enumerate()
        .map(|(index, text)| {
            Lesson::from_json(text).unwrap_or_else(|error| panic!("lesson {index}: {error}"))
        })
        .collect()
}

fn submit(lesson: &Lesson, actions: &[lab_engine::TimedCommand]) -> lab_engine::lesson::Report {
    let submission =
        Submission { lesson: lesson.id.clone(), seed: lesson.start().seed, actions: actions.to_vec() };
    Replay::run(lesson, &submission).unwrap_or_else(|error| panic!("{}: {error}", lesson.id))
}

fn unmet(report: &lab_engine::lesson::Report) -> Vec<String> {
    report.checks.iter().filter(|c| !c.met).map(|c| c.id.clone()).collect()
}

#[test]
fn every_reference_solution_passes_within_par() {
    for lesson in lessons() {
        let report = submit(&lesson, &lesson.solution);
        assert!(
            report.passed,
            "{}: the reference solution leaves {:?} unmet: {:#?}",
            lesson.id,
            unmet(&report),
            report.checks
        );
        assert!(
            report.actions <= lesson.par,
            "{}: the solution takes {} actions, par is {}",
            lesson.id,
            report.actions,
            lesson.par
        );
        assert!(report.completion_code.is_some());
    }
}

#[test]
fn every_built_in_lesson_says_what_it_teaches() {
    for lesson in lessons() {
        assert!(!lesson.takeaway.trim().is_empty(), "{}: no takeaway for the success panel", lesson.id);
    }
}

#[test]
fn no_lesson_passes_untouched() {
    for lesson in lessons() {
        let report = submit(&lesson, &[]);
        assert!(
            !report.passed,
            "{}: passes without doing anything (at tick {:?})",
            lesson.id, report.passed_at_tick
        );
    }
}

#[test]
fn each_mistake_fails_with_the_assertions_it_names() {
    for lesson in lessons() {
        for mistake in &lesson.mistakes {
            let report = submit(&lesson, &mistake.actions);
            assert!(!report.passed, "{}: the mistake `{}` passes", lesson.id, mistake.label);
            let mut expected = mistake.unmet.clone();
            expected.sort();
            let mut got = unmet(&report);
            got.sort();
            assert_eq!(got, expected, "{}: `{}`: {:#?}", lesson.id, mistake.label, report.checks);
        }
    }
}

#[test]
fn the_curriculum_is_well_formed() {
    let lessons = lessons();
    let mut ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), lessons.len(), "lesson ids are unique");
    for lesson in &lessons {
        assert!(!lesson.hints.is_empty(), "{}: has hints", lesson.id);
        assert!(lesson.goal.iter().all(|a| !a.id.is_empty()), "{}: every assertion has an id", lesson.id);
    }
}

/// A change to a lesson's JSON.
type Edit = dyn Fn(&mut serde_json::Value);

#[test]
fn bad_lessons_are_refused_with_the_field_named() {
    let good = lab_engine::builtin::lesson_texts()[0];
    let edit = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut value: serde_json::Value = serde_json::from_str(good).unwrap();
        change(&mut value);
        Lesson::from_json(&value.to_string()).unwrap_err().to_string()
    };
    let cases: [(&str, &Edit); 7] = [
        ("field `colour`: unknown field `colour`", &|v| v["colour"] = "red".into()),
        ("field `scenario`: no built-in scenario is called `nowhere`", &|v| v["scenario"] = "nowhere".into()),
        ("field `goal[0].metric`: unknown variant `happiness`", &|v| {
            v["goal"][0]["metric"] = "happiness".into()
        }),
        ("field `intro[1]`: is 1300 characters long; at most 1200", &|v| {
            v["intro"][1] = "a".repeat(1300).into()
        }),
        ("field `mistakes[0].unmet`: no assertion of the goal has the id `nothing`", &|v| {
            v["mistakes"][0]["unmet"] = serde_json::json!(["nothing"])
        }),
        ("field `goal[0]`: set one of at_most, at_least or equals", &|v| {
            v["goal"][0].as_object_mut().unwrap().remove("at_most");
        }),
        ("field `solution[0]`: uses the `build` controls, which the lesson does not offer", &|v| {
            v["controls"] = serde_json::json!(["deploy"])
        }),
    ];
    for (expected, change) in cases {
        let error = edit(change);
        assert!(error.contains(expected), "wanted `{expected}`, got `{error}`");
    }
    assert!(
        Lesson::from_json(&good.replace("\"scenario\"", "\"scenery\""))
            .unwrap_err()
            .to_string()
            .contains("unknown field `scenery`")
    );
}

#[test]
fn a_submission_for_another_lesson_seed_or_control_is_refused() {
    let lesson = &lessons()[0];
    let mut submission =
        Submission { lesson: "other".into(), seed: lesson.start().seed, actions: Vec::new() };
    assert!(Replay::run(lesson, &submission).unwrap_err().to_string().contains("is for lesson `other`"));
    submission.lesson = lesson.id.clone();
    submission.seed += 1;
    assert!(Replay::run(lesson, &submission).unwrap_err().to_string().contains("ran with seed"));
    submission.seed -= 1;
    submission.actions = vec![lab_engine::TimedCommand { tick: 2, command: lab_engine::Command::Pause }];
    assert!(Replay::run(lesson, &submission).unwrap_err().to_string().contains("`rollout` controls"));
}

#[test]
fn the_completion_code_depends_on_the_whole_session() {
    let lesson = &lessons()[0];
    let code = |actions: &[lab_engine::TimedCommand]| submit(lesson, actions).completion_code;
    let solution = lesson.solution.clone();
    let mut later = solution.clone();
    for action in &mut later {
        action.tick += 1;
    }
    let (first, second) = (code(&solution), code(&later));
    assert!(first.is_some() && second.is_some());
    assert_ne!(first, second, "a different session gives a different code");
    assert_eq!(first, code(&solution), "the same session gives the same code");
}

#[test]
fn a_lesson_names_its_scenario_or_writes_one_never_both_or_neither() {
    let good: serde_json::Value = serde_json::from_str(lab_engine::builtin::lesson_texts()[0]).unwrap();
    let mut neither = good.clone();
    neither.as_object_mut().unwrap().remove("scenario");
    let error = Lesson::from_json(&neither.to_string()).unwrap_err().to_string();
    assert!(error.contains("field `scenario`: missing"), "{error}");
    let mut object = good.clone();
    object["scenario"] = serde_json::json!({"seed": 1});
    let error = Lesson::from_json(&object.to_string()).unwrap_err().to_string();
    assert!(error.contains("write a scenario of your own under `inline_scenario`"), "{error}");
    let mut both = good;
    both["inline_scenario"] = serde_json::from_str(lab_engine::builtin::scenario("demo").unwrap()).unwrap();
    let error = Lesson::from_json(&both.to_string()).unwrap_err().to_string();
    assert!(error.contains("not both"), "{error}");
}

#[test]
fn the_list_of_every_metric_is_complete() {
    use lab_engine::lesson::Metric;
    // Every metric's name parses back to the same metric, and the docs' table names each one.
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/lessons.md")).unwrap();
    for metric in Metric::ALL {
        let name = metric.name();
        assert_eq!(
            serde_json::from_value::<Metric>(serde_json::Value::String(name.clone())).unwrap(),
            metric
        );
        assert!(docs.contains(&format!("| `{name}` |")), "docs/lessons.md lists `{name}`");
    }
    let unknown = serde_json::from_str::<Metric>("\"nothing\"").unwrap_err().to_string();
    let listed = unknown.matches('`').count() / 2 - 1;
    assert_eq!(listed, Metric::ALL.len(), "{unknown}");
}

#[test]
fn the_version_in_service_counts_an_in_place_deploy() {
    use lab_engine::lesson::{GoalHistory, Metric, Value};
    let scenario = lab_engine::Scenario::from_json(
        r#"{"seed": 3, "fleet_size": 4, "mode": "mutable", "image": {"base": "ubuntu-22.04", "app_version": "1.0.0"}}"#,
    )
    .unwrap();
    let mut world = lab_engine::World::new(&scenario);
    world.step();
    let version =
        |world: &lab_engine::World| Metric::InServiceVersion.measure(world, &GoalHistory::starting(world));
    assert_eq!(version(&world), Value::Text("1.0.0".into()));
    world.apply(lab_engine::Command::DeployApp { app_version: "1.1.0".into() }).unwrap();
    world.step();
    assert_eq!(
        version(&world),
        Value::Text("1.1.0".into()),
        "the servers run 1.1.0 although their image says 1.0.0"
    );
}

#[test]
fn the_curriculum_lists_every_lesson_file_once_in_order() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../lessons");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(files, lab_engine::builtin::LESSON_FILES, "lessons/ and builtin.rs list the same files");
    assert_eq!(lab_engine::builtin::LESSON_FILES.len(), lab_engine::builtin::lesson_texts().len());
}

#[test]
fn a_lesson_whose_reference_solution_does_not_pass_is_refused_by_every_reader() {
    let mut lesson: serde_json::Value = serde_json::from_str(lab_engine::builtin::lesson_texts()[0]).unwrap();
    lesson["id"] = "teachers-own".into();
    // The solution stops short: it builds the image but never deploys it.
    lesson["solution"].as_array_mut().unwrap().truncate(1);
    let text = lesson.to_string();
    let error = Lesson::from_json(&text).unwrap_err().to_string();
    assert!(
        error.starts_with("field `solution`: does not meet the goal within 120 ticks (unmet:"),
        "{error}"
    );
    let pack = format!("{{\"lessons\": [{text}]}}");
    let error = lab_engine::lesson::pack_from_json(&pack).unwrap_err().to_string();
    assert!(error.starts_with("field `lessons[0].solution`: does not meet the goal"), "{error}");
}

#[test]
fn a_lesson_cannot_ask_for_more_simulation_than_opening_it_may_cost() {
    let mut lesson: serde_json::Value = serde_json::from_str(lab_engine::builtin::lesson_texts()[1]).unwrap();
    assert!(lesson["inline_scenario"].is_object());
    lesson["inline_scenario"]["fleet_size"] = 20_000.into();
    lesson["ticks_max"] = 5_000.into();
    let error = Lesson::from_json(&lesson.to_string()).unwrap_err().to_string();
    assert!(
        error.starts_with(
            "field `ticks_max`: 20000 servers for 5000 ticks is more than a lesson may simulate"
        ),
        "{error}"
    );
}

#[test]
fn a_scenario_written_into_a_lesson_is_held_to_every_scenario_rule() {
    let mut lesson: serde_json::Value = serde_json::from_str(lab_engine::builtin::lesson_texts()[1]).unwrap();
    // The same content as a scenario file is refused: an instance ready the tick it is created.
    lesson["inline_scenario"]["pull_ticks"] = 0.into();
    lesson["inline_scenario"]["boot_ticks"] = 0.into();
    let scenario_error = lab_engine::Scenario::from_json(&lesson["inline_scenario"].to_string()).unwrap_err();
    assert_eq!(scenario_error.field, "boot_ticks");
    let error = Lesson::from_json(&lesson.to_string()).unwrap_err().to_string();
    assert!(
        error.starts_with("field `inline_scenario.boot_ticks`: pull_ticks + boot_ticks must be at least 1"),
        "{error}"
    );
    let pack = format!("[{lesson}]");
    let error = lab_engine::lesson::pack_from_json(&pack).unwrap_err().to_string();
    assert!(error.starts_with("field `lessons[0].inline_scenario.boot_ticks`"), "{error}");
}

#[test]
fn a_limit_broken_on_a_metric_that_cannot_come_back_is_lost_at_once() {
    use lab_engine::lesson::goal::check;
    use lab_engine::lesson::{Assertion, GoalHistory, Metric, Value};
    let scenario = lab_engine::Scenario::from_json(
        r#"{"seed": 3, "fleet_size": 4, "pull_ticks": 0, "boot_ticks": 1, "drain_ticks": 0,
            "image": {"base": "ubuntu-22.04", "app_version": "1"}}"#,
    )
    .unwrap();
    let mut world = lab_engine::World::new(&scenario);
    let mut history = GoalHistory::starting(&world);
    let at_least = |metric, min| Assertion {
        id: String::new(),
        metric,
        at_most: None,
        at_least: Some(min),
        equals: None,
        text: String::new(),
    };
    let goal = [
        at_least(Metric::MinInService, 4),
        at_least(Metric::InService, 4),
        Assertion {
            equals: Some(Value::Flag(false)),
            at_least: None,
            ..at_least(Metric::AbortedByAnalysis, 0)
        },
    ];
    // Before the first tick nothing has been seen, so nothing is lost yet.
    assert!(check(&goal, &world, &history).iter().all(|c| !c.lost));
    world.apply(lab_engine::Command::Scale { replicas: 2 }).unwrap();
    world.step();
    let events: Vec<_> = world.drain_events().collect();
    history.observe(&world, &events);
    let checks = check(&goal, &world, &history);
    // The lowest count so far only falls: broken once, broken for good. The count now can rise again.
    assert_eq!(
        checks.iter().map(|c| (c.met, c.lost)).collect::<Vec<_>>(),
        [(false, true), (false, false), (true, false)]
    );
}
